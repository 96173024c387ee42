"""Every back-office page an operator can open renders (in Chinese), on the demo's kind of data."""

import pytest
from django.contrib import admin
from django.test import Client

from quanzi.accounts.models import User

pytestmark = pytest.mark.django_db


@pytest.fixture
def operator_client() -> Client:
    op = User.objects.create_superuser(email="ops@example.com", password="ops-pass-123", nickname="运营")
    c = Client()
    c.force_login(op)
    return c


def test_every_admin_changelist_and_form_renders(operator_client):
    from quanzi.web.demo.build import build

    build(members=30, posts=40, orders=20, log=lambda _line: None)
    index = operator_client.get("/admin/")
    assert index.status_code == 200 and "运营管理" in index.content.decode()
    opened = 0
    for model, model_admin in admin.site._registry.items():
        meta = model._meta
        base = f"/admin/{meta.app_label}/{meta.model_name}/"
        r = operator_client.get(base)
        assert r.status_code == 200, f"{base}: {r.status_code}"
        first = model._default_manager.order_by("pk").first()
        if first is not None:
            r = operator_client.get(f"{base}{first.pk}/change/")
            assert r.status_code == 200, f"{base}{first.pk}/change/: {r.status_code}"
        if model_admin.has_add_permission(r.wsgi_request):
            r = operator_client.get(f"{base}add/")
            assert r.status_code == 200, f"{base}add/: {r.status_code}"
        opened += 1
    assert opened >= 30
