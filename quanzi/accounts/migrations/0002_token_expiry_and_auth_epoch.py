# API tokens get an expiry, a session start (the bound for refreshes) and the stamp of their user;
# users get the epoch that "log out everywhere" bumps.

import datetime
import hashlib

from django.conf import settings
from django.db import migrations, models
from django.utils import timezone


def _stamp(password: str, epoch: int) -> str:
    # The same as accounts.models.auth_stamp, frozen here so this migration never changes meaning.
    return hashlib.sha256(f"{password}\x00{epoch}".encode()).hexdigest()[:32]


def backfill_tokens(apps, schema_editor):  # type: ignore[no-untyped-def]
    """Tokens made before expiry existed keep working until created_at + the token lifetime (older ones are
    expired at once: they have lived longer than any token may now), bound to their user's current password."""
    ApiToken = apps.get_model("accounts", "ApiToken")
    hours = int(getattr(settings, "QUANZI_ACCOUNTS", {}).get("TOKEN_TTL_HOURS", 7 * 24))
    for token in ApiToken.objects.select_related("user").iterator():
        created = token.created_at or timezone.now()
        ApiToken.objects.filter(pk=token.pk).update(
            session_started_at=created, expires_at=created + datetime.timedelta(hours=hours),
            user_stamp=_stamp(token.user.password, 0))


class Migration(migrations.Migration):

    dependencies = [
        ("accounts", "0001_initial"),
    ]

    operations = [
        migrations.AddField(
            model_name="user",
            name="auth_epoch",
            field=models.PositiveIntegerField(default=0, editable=False),
        ),
        migrations.AddField(
            model_name="apitoken",
            name="expires_at",
            field=models.DateTimeField(db_index=True, default=timezone.now),
            preserve_default=False,
        ),
        migrations.AddField(
            model_name="apitoken",
            name="session_started_at",
            field=models.DateTimeField(default=timezone.now),
            preserve_default=False,
        ),
        migrations.AddField(
            model_name="apitoken",
            name="user_stamp",
            field=models.CharField(default="", max_length=32),
            preserve_default=False,
        ),
        migrations.RunPython(backfill_tokens, migrations.RunPython.noop),
    ]
