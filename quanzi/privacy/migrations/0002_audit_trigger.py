"""On PostgreSQL, the database itself refuses to change an audit row, or to delete one younger than the retention
period (3 years: privacy/retention.py), so raw SQL cannot rewrite the log either. SQLite (the embedded mode) relies
on the model's refusals."""

from django.db import migrations

CREATE = """
CREATE OR REPLACE FUNCTION privacy_audit_append_only() RETURNS trigger AS $$
BEGIN
    IF TG_OP = 'UPDATE' THEN
        RAISE EXCEPTION 'privacy_auditentry is append-only';
    END IF;
    IF OLD."at" > now() - interval '1095 days' THEN
        RAISE EXCEPTION 'privacy_auditentry rows are kept for the retention period';
    END IF;
    RETURN OLD;
END;
$$ LANGUAGE plpgsql;
DROP TRIGGER IF EXISTS privacy_audit_append_only ON privacy_auditentry;
CREATE TRIGGER privacy_audit_append_only BEFORE UPDATE OR DELETE ON privacy_auditentry
    FOR EACH ROW EXECUTE FUNCTION privacy_audit_append_only();
"""
DROP = """
DROP TRIGGER IF EXISTS privacy_audit_append_only ON privacy_auditentry;
DROP FUNCTION IF EXISTS privacy_audit_append_only();
"""


def forwards(apps, schema_editor):  # type: ignore[no-untyped-def]
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(CREATE)


def backwards(apps, schema_editor):  # type: ignore[no-untyped-def]
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(DROP)


class Migration(migrations.Migration):
    dependencies = [("privacy", "0001_initial")]

    operations = [migrations.RunPython(forwards, backwards)]
