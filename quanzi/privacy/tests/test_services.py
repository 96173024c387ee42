"""Privacy services: consents, sensitive data, phone codes, export, deletion, retention, the audit log, and the
same price for every shopper."""

from __future__ import annotations

import datetime as dt
import json

import openpyxl
import pytest
from django.test import Client
from django.utils import timezone

from conftest import make_user
from quanzi.accounts import services as account_services
from quanzi.accounts.models import ApiToken, Persona, User
from quanzi.aftersales.tests.helpers import delivered_order, shop
from quanzi.catalog.tests import factories as f
from quanzi.core import personal_data
from quanzi.core.errors import DomainError
from quanzi.orders.models import Order
from quanzi.orders.tests.helpers import place
from quanzi.privacy import jobs, retention, selectors, services, sms
from quanzi.privacy.enums import AuditKind, CodePurpose, DeletionStatus, ExportStatus, Purpose
from quanzi.privacy.models import AuditEntry, Consent, DeletionRequest, PhoneCode

pytestmark = pytest.mark.django_db


def _last_code(phone: str) -> str:
    return next(m.params["code"] for m in reversed(sms.OUTBOX) if m.phone == phone)


def _code_error(fn, **kwargs) -> str:  # type: ignore[no-untyped-def]
    with pytest.raises(DomainError) as exc:
        fn(**kwargs)
    return exc.value.code


# --- consents --------------------------------------------------------------------------------------------------


def test_consent_defaults_grant_withdraw_and_history() -> None:
    u = make_user()
    states = {c.purpose: c.granted for c in selectors.consent_states(user=u)}
    assert states == {"persona": False, "recommendation": True, "marketing": False,
                      "sensitive_financial": False, "sensitive_minor": False}
    assert personal_data.consent_given(u.pk, "recommendation") is True  # the lookup privacy registered
    services.consent_set(user=u, purpose=Purpose.MARKETING, granted=True)
    services.consent_set(user=u, purpose=Purpose.RECOMMENDATION, granted=False)
    assert personal_data.consent_given(u.pk, "marketing") is True
    assert personal_data.consent_given(u.pk, "recommendation") is False
    rows = list(Consent.objects.filter(user_id=u.pk).order_by("id"))
    assert [(r.purpose, r.granted, r.policy_version) for r in rows] == [
        ("marketing", True, services.POLICY_VERSION), ("recommendation", False, services.POLICY_VERSION)]
    assert _code_error(services.consent_set, user=u, purpose="spying", granted=True) == "unknown_purpose"


def test_persona_goes_through_privacy_and_withdrawing_the_purpose_erases_every_field() -> None:
    u = make_user()
    account_services.persona_set(user=u, field="region", value="杭州", consent=True)
    account_services.persona_set(user=u, field="gender", value="female", consent=True)
    # the persona purpose was recorded once, by the hook accounts calls
    assert Consent.objects.filter(user_id=u.pk, purpose="persona", granted=True, via="profile").count() == 1
    services.consent_set(user=u, purpose=Purpose.PERSONA, granted=False)
    persona = Persona.objects.get(user=u)
    assert (persona.region, persona.gender) == ("", "")


def test_sensitive_fields_need_their_own_consent() -> None:
    u = make_user()
    assert _code_error(account_services.persona_set, user=u, field="income_band", value="mid",
                       consent=True) == "sensitive_consent_required"
    assert not Persona.objects.filter(user=u).exclude(income_band="").exists()
    services.consent_set(user=u, purpose=Purpose.SENSITIVE_FINANCIAL, granted=True)
    account_services.persona_set(user=u, field="income_band", value="mid", consent=True)
    assert Persona.objects.get(user=u).income_band == "mid"
    services.consent_set(user=u, purpose=Purpose.SENSITIVE_FINANCIAL, granted=False)
    assert Persona.objects.get(user=u).income_band == ""
    minor_year = timezone.now().year - 12
    assert _code_error(account_services.persona_set, user=u, field="birth_year", value=minor_year,
                       consent=True) == "sensitive_consent_required"
    account_services.persona_set(user=u, field="birth_year", value=timezone.now().year - 30, consent=True)
    services.consent_set(user=u, purpose=Purpose.SENSITIVE_MINOR, granted=True)
    account_services.persona_set(user=u, field="birth_year", value=minor_year, consent=True)
    assert Persona.objects.get(user=u).birth_year == minor_year


# --- phone codes -----------------------------------------------------------------------------------------------


def test_code_is_hashed_expires_counts_tries_and_is_rate_limited() -> None:
    u = make_user()
    row = services.code_send(user=u, purpose=CodePurpose.DELETE_ACCOUNT)
    code = _last_code(u.phone)
    row.refresh_from_db()
    assert code not in row.code_hash and len(row.code_hash) == 64
    assert _code_error(services.code_send, user=u, purpose=CodePurpose.DELETE_ACCOUNT) == "code_rate_limited"
    wrong = "000000" if code != "000000" else "111111"
    for _ in range(services.CODE_MAX_TRIES):
        assert _code_error(services.code_verify, user=u, purpose="delete_account", code=wrong) == "code_invalid"
    # five wrong tries: the right code no longer works
    assert _code_error(services.code_verify, user=u, purpose="delete_account", code=code) == "code_expired"
    PhoneCode.objects.update(created_at=timezone.now() - dt.timedelta(minutes=2))
    services.code_send(user=u, purpose=CodePurpose.DELETE_ACCOUNT)
    PhoneCode.objects.update(expires_at=timezone.now() - dt.timedelta(seconds=1))
    assert _code_error(services.code_verify, user=u, purpose="delete_account",
                       code=_last_code(u.phone)) == "code_expired"
    PhoneCode.objects.update(created_at=timezone.now() - dt.timedelta(minutes=2))
    services.code_send(user=u, purpose=CodePurpose.DELETE_ACCOUNT)
    good = _last_code(u.phone)
    assert services.code_verify(user=u, purpose="delete_account", code=good).used_at is not None
    assert _code_error(services.code_verify, user=u, purpose="delete_account", code=good) == "code_expired"


def test_phone_change_needs_the_code_sent_to_the_new_number() -> None:
    u = make_user()
    other = make_user()
    assert _code_error(services.code_send, user=u, purpose="change_phone", phone="12") == "invalid_phone"
    services.code_send(user=u, purpose=CodePurpose.CHANGE_PHONE, phone="13800001111")
    code = _last_code("13800001111")
    # the code was sent to another number than the one being set: refused, and the code is spent
    assert _code_error(services.phone_change, user=u, phone="13800002222", code=code) == "code_invalid"
    u.refresh_from_db()
    assert u.phone != "13800002222"
    PhoneCode.objects.update(created_at=timezone.now() - dt.timedelta(minutes=2))
    services.code_send(user=u, purpose=CodePurpose.CHANGE_PHONE, phone=other.phone)
    assert _code_error(services.phone_change, user=u, phone=other.phone,
                       code=_last_code(other.phone)) == "login_taken"
    PhoneCode.objects.update(created_at=timezone.now() - dt.timedelta(minutes=2))
    services.code_send(user=u, purpose=CodePurpose.CHANGE_PHONE, phone="13800003333")
    services.phone_change(user=u, phone="13800003333", code=_last_code("13800003333"))
    u.refresh_from_db()
    assert u.phone == "13800003333"


# --- export ----------------------------------------------------------------------------------------------------


def test_export_has_every_section_no_secrets_and_a_safe_excel(django_capture_on_commit_callbacks) -> None:  # type: ignore[no-untyped-def]
    u = make_user("=HYPERLINK(\"http://evil\",\"x\")")
    account_services.token_create(user=u)
    c = f.community(u)
    f.post(c, u, title="我的种草笔记")
    _m, sku = shop(price_fen=3000)
    place(u, [(sku.pk, 1)])
    services.consent_set(user=u, purpose=Purpose.MARKETING, granted=True)
    with django_capture_on_commit_callbacks(execute=True):
        export = services.export_request(user=u)  # huey runs immediately in tests, after the commit
    export.refresh_from_db()
    assert export.status == ExportStatus.READY and export.rows > 5
    with open(export.json_path, encoding="utf-8") as fh:
        data = json.load(fh)
    sections = data["sections"]
    assert sections["profile"][0]["phone"] == u.phone
    assert sections["orders"][0]["lines"][0]["sku_id"] == sku.pk
    assert any(r["title"] == "我的种草笔记" for r in sections["content.Post.author"])
    assert any(r["purpose"] == "marketing" for r in sections["privacy.Consent.user"])
    assert "accounts.ApiToken.user" in sections
    text = json.dumps(data)
    for secret in ("key_hash", "\"password\"", "user_stamp", "code_hash"):
        assert secret not in text
    book = openpyxl.load_workbook(export.xlsx_path)
    sheet = book["profile"]
    header = [c.value for c in sheet[1]]
    nickname = sheet.cell(row=2, column=header.index("nickname") + 1)
    assert nickname.value.startswith("'=HYPERLINK") and nickname.data_type == "s"
    assert selectors.export_get(user=u, export_id=export.pk) == export


def test_every_table_pointing_at_a_user_is_exported_by_a_provider_or_the_generic_pass() -> None:
    """A provider that claims a table takes it out of the generic pass, so it must export it itself; every other
    table with a key to the user is read by the generic pass (a new app's tables are in the export by default)."""
    links = personal_data.user_links()
    assert len(links) > 40
    for provider in personal_data.PROVIDERS.values():
        if provider.models:
            assert provider.export is not None, provider.name
    labels = {m._meta.label for m, _f in links}
    for provider in personal_data.PROVIDERS.values():
        for label in provider.models:
            assert label in labels or label == "orders.OrderLine", label  # a line reaches the user via its order


# --- deletion --------------------------------------------------------------------------------------------------


def test_deletion_refused_with_a_clear_code_while_an_order_is_open() -> None:
    u = make_user()
    _m, sku = shop()
    place(u, [(sku.pk, 1)])
    assert [b.code for b in selectors.deletion_blockers(user=u)] == ["deletion_unfinished_orders"]
    assert _code_error(services.deletion_request, user=u, code="x") == "deletion_unfinished_orders"
    assert not DeletionRequest.objects.exists()


def test_deletion_after_the_grace_period_anonymises_and_keeps_orders() -> None:
    u = make_user("小美")
    fan = make_user()
    account_services.follow(follower=fan, followee_id=u.pk)
    token = account_services.token_create(user=u)
    account_services.persona_set(user=u, field="region", value="杭州", consent=True)
    merchant, sku = shop()
    order = delivered_order(u, merchant, [(sku, 1)], days_ago=30)
    c = f.community(u)
    post = f.post(c, u, title="留下的帖子")
    assert selectors.deletion_blockers(user=u) == []
    assert _code_error(services.deletion_request, user=u, code="123456") == "code_expired"
    services.code_send(user=u, purpose=CodePurpose.DELETE_ACCOUNT)
    request = services.deletion_request(user=u, code=_last_code(u.phone))
    assert account_services.token_user(token) is None  # logged out everywhere
    assert request.effective_at - request.requested_at >= dt.timedelta(days=15) - dt.timedelta(seconds=1)
    assert jobs.deletions_run() == {}  # not due yet
    assert jobs.deletions_run(now=request.effective_at + dt.timedelta(minutes=1)) == {"done": 1}
    u.refresh_from_db()
    assert (u.nickname, u.phone, u.email, u.is_active, u.has_usable_password()) == ("已注销用户", None, None,
                                                                                      False, False)
    assert not ApiToken.objects.filter(user=u).exists() and not Persona.objects.filter(user=u).exists()
    fan.refresh_from_db()
    assert fan.following_count == 0
    order.refresh_from_db()
    assert (order.ship_name, order.ship_phone, order.ship_address) == ("已注销用户", "", "（已匿名化）")
    assert order.paid_fen > 0 and order.merchant_id == merchant.pk  # the merchant's record stays
    post.refresh_from_db()
    assert post.author.nickname == "已注销用户"
    assert DeletionRequest.objects.get(pk=request.pk).status == DeletionStatus.DONE
    assert jobs.deletions_run(now=request.effective_at + dt.timedelta(days=1)) == {}  # idempotent


def test_logging_in_during_the_grace_period_cancels_the_deletion() -> None:
    u = make_user()
    services.code_send(user=u, purpose=CodePurpose.DELETE_ACCOUNT)
    request = services.deletion_request(user=u, code=_last_code(u.phone))
    assert _code_error(services.deletion_request, user=u, code="1") == "deletion_already_pending"
    assert selectors.deletion_pending_effective(user_id=u.pk) == request
    account_services.token_issue(user=account_services.user_authenticate(login=u.phone, password="pass-word-1"))
    assert selectors.deletion_pending_effective(user_id=u.pk) is None  # the login cancelled it
    assert jobs.deletions_run(now=request.effective_at + dt.timedelta(minutes=1)) == {"cancelled": 1}
    u.refresh_from_db()
    assert u.is_active and u.nickname != "已注销用户"


def test_account_without_phone_confirms_with_password() -> None:
    u = account_services.user_signup(email="a@example.com", password="pass-word-1", nickname="邮箱用户")
    assert _code_error(services.deletion_request, user=u, password="nope") == "wrong_password"
    services.deletion_request(user=u, password="pass-word-1")
    assert DeletionRequest.objects.filter(user_id=u.pk, status="pending").exists()


# --- retention and audit ---------------------------------------------------------------------------------------


def test_retention_sweep_removes_what_is_past_its_period() -> None:
    from django.db import connection

    u = make_user()
    services.code_send(user=u, purpose=CodePurpose.DELETE_ACCOUNT)
    new = services.audit_record(kind=AuditKind.DENIED, actor_id=None, actor="", method="GET", path="/y", status=403)
    old_at = timezone.now() - retention.AUDIT_KEEP - dt.timedelta(days=1)
    with connection.cursor() as cursor:  # a row from four years ago (auto_now_add would stamp it now)
        cursor.execute("INSERT INTO privacy_auditentry (at, kind, actor_id, actor, method, path, status, ip, "
                       "request_id) VALUES (%s, 'denied', NULL, '', 'GET', '/x', 403, '', '')",
                       [connection.ops.adapt_datetimefield_value(old_at)])
    counts = retention.sweep(now=timezone.now() + dt.timedelta(days=2))
    assert counts["codes"] == 1 and counts["audit"] == 1
    assert list(AuditEntry.objects.values_list("pk", flat=True)) == [new.pk]


def test_audit_log_refuses_change_and_delete() -> None:
    row = services.audit_record(kind=AuditKind.STAFF_ACTION, actor_id=1, actor="op", method="POST",
                                path="/admin/x", status=302)
    row.path = "/tampered"
    with pytest.raises(PermissionError):
        row.save()
    with pytest.raises(PermissionError):
        row.delete()
    with pytest.raises(PermissionError):
        AuditEntry.objects.filter(pk=row.pk).update(path="/tampered")
    with pytest.raises(PermissionError):
        AuditEntry.objects.all().delete()
    assert AuditEntry.objects.get(pk=row.pk).path == "/admin/x"


def test_on_postgresql_the_database_refuses_raw_changes_too() -> None:
    from django.db import DatabaseError, connection, transaction

    if connection.vendor != "postgresql":
        pytest.skip("the trigger is PostgreSQL's (migration 0002); SQLite relies on the model")
    row = services.audit_record(kind=AuditKind.DENIED, actor_id=None, actor="", method="GET", path="/a", status=403)
    for sql in ("UPDATE privacy_auditentry SET path = '/b' WHERE id = %s", "DELETE FROM privacy_auditentry WHERE id = %s"):
        with pytest.raises(DatabaseError), transaction.atomic(), connection.cursor() as cursor:
            cursor.execute(sql, [row.pk])
    assert AuditEntry.objects.get(pk=row.pk).path == "/a"


def test_middleware_records_staff_writes_and_denied_requests() -> None:
    op = f.operator()
    client = Client()
    client.force_login(op)
    client.post("/admin/logout/")
    assert AuditEntry.objects.filter(kind=AuditKind.STAFF_ACTION, actor_id=op.pk, path="/admin/logout/").exists()
    member = make_user()
    from django.http import HttpResponseForbidden
    from django.test import RequestFactory

    from quanzi.privacy.middleware import AuditMiddleware

    request = RequestFactory().get("/api/v1/settlements/statements")
    request.user = member
    AuditMiddleware(lambda r: HttpResponseForbidden())(request)
    denied = AuditEntry.objects.get(kind=AuditKind.DENIED, actor_id=member.pk)
    assert (denied.path, denied.status, denied.method) == ("/api/v1/settlements/statements", 403, "GET")
    client.force_login(member)
    before = AuditEntry.objects.count()
    client.get("/me/privacy/")  # a member reading their own page is not audited
    assert AuditEntry.objects.count() == before


# --- the same price for every shopper ----------------------------------------------------------------------------


def test_same_sku_same_price_for_every_shopper_whatever_their_persona() -> None:
    """No price discrimination by persona (个人信息保护法 art. 24, 电子商务法 art. 18): shoppers who differ in
    persona, region, income, history and consent get the same unit price and total for the same SKU at the same
    moment. Discounts exist only as explicit adjustments a shopper can see (coupons they hold, a paid
    membership's member price) and are not part of this comparison: these shoppers hold none."""
    from quanzi.orders import selectors as order_selectors

    _m, sku = shop(price_fen=12900)
    rich, poor, new = make_user(), make_user(), make_user()
    services.consent_set(user=rich, purpose=Purpose.SENSITIVE_FINANCIAL, granted=True)
    account_services.persona_set(user=rich, field="income_band", value=_top_income(), consent=True)
    account_services.persona_set(user=rich, field="region", value="上海", consent=True)
    account_services.persona_set(user=poor, field="region", value="贵州", consent=True)
    m2, sku2 = shop(price_fen=100)
    delivered_order(rich, m2, [(sku2, 1)], days_ago=30)  # a returning buyer
    quotes = [order_selectors.quote_for(user=s, items=[(sku, 2)]) for s in (rich, poor, new)]
    summary = [_summary(q) for q in quotes]
    assert summary[0] == summary[1] == summary[2], summary
    assert summary[0][0] == 12900 * 2


def _top_income() -> str:
    from quanzi.accounts.enums import IncomeBand

    return IncomeBand.values[-1]


def _summary(quote) -> tuple:  # type: ignore[no-untyped-def]
    return (quote.goods_fen, quote.discount_fen, quote.total_fen, [ln.unit_payable_fen for ln in quote.lines],
            [(a.stage, a.amount_fen) for a in quote.adjustments])


def test_page_shows_consents_and_blockers() -> None:
    u = make_user()
    account_services.persona_set(user=u, field="region", value="杭州", consent=True)
    client = Client()
    client.force_login(u)
    page = client.get("/me/privacy/")
    assert page.status_code == 200
    assert "个性化推荐" in page.content.decode()
    assert "已保存的画像字段：地区" in page.content.decode()
    _m, sku = shop()
    place(u, [(sku.pk, 1)])
    page = client.post("/me/privacy/delete/", {"code": "1"})
    assert page.status_code == 409 and "未完成的订单" in page.content.decode()
    assert User.objects.get(pk=u.pk).is_active
    assert Order.objects.filter(buyer=u).count() == 1
