"""Production mode in-process: health probes, the body limit, CSP, JSON logs, settings from the environment, the
replica router over a second database alias, the admin's two-factor login, and `prod`'s refusals."""

from __future__ import annotations

import io
import json
import logging
import re
import time
from pathlib import Path

import environ
import pytest
from django.contrib.auth import get_user_model
from django.db import connections, transaction
from django.test import Client
from django.test.utils import CaptureQueriesContext

from quanzi.core import dbrouter, health, prodconf
from quanzi.core.logjson import JsonFormatter
from quanzi.core.management.commands.prod import production_problems

QUANZI = Path(__file__).resolve().parents[2]


def _env(**values: str) -> environ.Env:
    env = environ.Env()
    env.ENVIRON = dict(values)  # type: ignore[misc]
    return env


# --- /healthz and /readyz ----------------------------------------------------------------------------------------


def test_healthz_answers_without_touching_the_database(django_assert_num_queries: object) -> None:
    response = Client().get("/healthz", HTTP_HOST="10.0.0.7")  # a load balancer probes by IP: not an allowed host
    assert response.status_code == 200
    assert response["Content-Type"] == "application/json"
    assert response.json()["status"] == "ok"
    assert response["Cache-Control"] == "no-store"


@pytest.mark.django_db
def test_readyz_checks_database_and_migrations() -> None:
    response = Client().get("/readyz", HTTP_HOST="10.0.0.7")
    assert response.status_code == 200, response.content
    body = response.json()
    assert body["status"] == "ok"
    assert body["checks"]["database"] == "ok" and body["checks"]["migrations"] == "ok"
    assert "redis" not in body["checks"]  # no REDIS_URL in the embedded default


@pytest.mark.django_db
def test_readyz_503_when_a_dependency_fails(monkeypatch: pytest.MonkeyPatch, settings: object) -> None:
    def down(alias: str) -> str:
        raise OSError("connection refused")

    monkeypatch.setattr(health, "_database", down)
    settings.REDIS_URL = "redis://127.0.0.1:1/0"  # type: ignore[attr-defined]  # nothing listens on port 1
    response = Client().get("/readyz")
    assert response.status_code == 503
    checks = response.json()["checks"]
    assert checks["database"] == "error: OSError"
    assert checks["redis"].startswith("error:")


@pytest.mark.django_db
def test_readyz_reports_pending_migrations(monkeypatch: pytest.MonkeyPatch) -> None:
    from django.db.migrations.executor import MigrationExecutor

    monkeypatch.setattr(health, "_migrations_done", set())
    monkeypatch.setattr(MigrationExecutor, "migration_plan", lambda self, targets: [("x", False)] * 3)
    response = Client().get("/readyz")
    assert response.status_code == 503
    assert response.json()["checks"]["migrations"] == "3 pending"


# --- body limit ----------------------------------------------------------------------------------------------------


def test_oversized_api_json_is_a_json_413_before_the_view(settings: object) -> None:
    settings.QUANZI_REQUEST_LIMITS = {"BODY_BYTES": 4096, "API_JSON_BYTES": 1024}  # type: ignore[attr-defined]
    client = Client()
    response = client.post("/api/v1/accounts/login", data="{" + " " * 2000 + "}", content_type="application/json")
    assert response.status_code == 413
    assert response.json()["code"] == "request_too_large"
    assert response["Connection"] == "close"
    page = client.post("/login/", data={"x": "y" * 5000})
    assert page.status_code == 413
    assert page["Content-Type"].startswith("text/plain")


@pytest.mark.django_db
def test_body_under_the_limit_reaches_the_view(settings: object) -> None:
    settings.QUANZI_REQUEST_LIMITS = {"BODY_BYTES": 4096, "API_JSON_BYTES": 1024}  # type: ignore[attr-defined]
    response = Client().post("/api/v1/accounts/login", data={"login": "13800000009", "password": "nope-nope-1"},
                             content_type="application/json")
    assert response.status_code != 413


# --- CSP -------------------------------------------------------------------------------------------------------------


@pytest.mark.django_db
def test_pages_carry_a_csp_without_inline_scripts() -> None:
    response = Client().get("/")
    policy = response["Content-Security-Policy"]
    directives = dict(part.strip().split(" ", 1) for part in policy.split(";"))
    assert directives["script-src"] == "'self'"  # no nonce used on this page, no 'unsafe-inline'
    assert "'unsafe-inline'" not in directives["script-src"]
    assert directives["frame-ancestors"] == "'none'" and directives["object-src"] == "'none'"
    assert b"js/behaviours.js" in response.content


def test_templates_have_no_inline_handlers_or_scripts() -> None:
    """script-src 'self' blocks onclick= / onchange= and <script> without src: js/behaviours.js does their work."""
    handler = re.compile(r"<[^>]*\son[a-z]+\s*=", re.S)
    inline_script = re.compile(r"<script(?![^>]*\bsrc=)(?![^>]*type=\"application/(ld\+)?json\")(?![^>]*nonce=)[^>]*>")
    offenders = []
    for path in QUANZI.rglob("*.html"):
        text = path.read_text(encoding="utf-8")
        if handler.search(text) or inline_script.search(text):
            offenders.append(str(path.relative_to(QUANZI)))
    assert offenders == []


def test_media_csp_stays_the_sandboxing_one() -> None:
    from quanzi.core.media import CONTENT_SECURITY_POLICY

    response = Client().get("/media/none/missing.png")
    assert response.status_code == 404
    assert "Content-Security-Policy" in response  # the middleware adds ours to the 404; media_file's own wins on 200
    assert CONTENT_SECURITY_POLICY == "default-src 'none'; sandbox"


def test_csp_adds_the_media_store_and_report_uri() -> None:
    policy = prodconf.content_security_policy(_env(QUANZI_CSP_REPORT_URI="https://csp.example.com/r"),
                                              "https://cdn.example.com/media/")
    assert "https://cdn.example.com" in policy["DIRECTIVES"]["img-src"]
    assert policy["DIRECTIVES"]["report-uri"] == ["https://csp.example.com/r"]


# --- logs -----------------------------------------------------------------------------------------------------------


def test_json_log_lines_carry_request_id_extra_and_traceback() -> None:
    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    handler.setFormatter(JsonFormatter())
    logger = logging.getLogger("quanzi.test.json")
    logger.addHandler(handler)
    logger.propagate = False
    try:
        try:
            raise ValueError("boom")
        except ValueError:
            logger.error("下单失败 %s", 42, exc_info=True, extra={"request_id": "abc12345", "status": 500})
    finally:
        logger.removeHandler(handler)
    entry = json.loads(stream.getvalue())
    assert entry["message"] == "下单失败 42" and entry["level"] == "ERROR"
    assert entry["request_id"] == "abc12345" and entry["status"] == 500
    assert "ValueError: boom" in entry["exc"]
    assert entry["time"].endswith("+00:00")


@pytest.mark.django_db
def test_access_log_line_has_the_request_id(caplog: pytest.LogCaptureFixture) -> None:
    with caplog.at_level(logging.INFO, logger="quanzi.access"):
        response = Client().get("/api/v1/health", HTTP_X_REQUEST_ID="probe-12345678")
    assert response["X-Request-ID"] == "probe-12345678"
    [record] = [r for r in caplog.records if r.name == "quanzi.access"]
    assert record.request_id == "probe-12345678"  # type: ignore[attr-defined]
    assert record.status == 200 and record.path == "/api/v1/health"  # type: ignore[attr-defined]


def test_production_logging_is_json_and_the_demo_plain() -> None:
    prod = prodconf.logging_config(_env(), debug=False, testing=False)
    demo = prodconf.logging_config(_env(), debug=True, testing=False)
    assert prod["handlers"]["console"]["formatter"] == "json"
    assert demo["handlers"]["console"]["formatter"] == "plain"
    assert "huey" not in demo["loggers"]


# --- settings from the environment ------------------------------------------------------------------------------------


def test_csrf_origins_default_and_from_environment() -> None:
    hosts = ["127.0.0.1", "shop.example.com"]
    assert prodconf.csrf_trusted_origins(_env(), hosts, "") == ["http://127.0.0.1:8000",
                                                                "http://shop.example.com:8000"]
    assert "https://shop.example.com" in prodconf.csrf_trusted_origins(_env(), hosts, "https://shop.example.com/x")
    explicit = _env(CSRF_TRUSTED_ORIGINS="https://a.example.com,https://b.example.com:8443/")
    assert prodconf.csrf_trusted_origins(explicit, hosts, "") == ["https://a.example.com",
                                                                   "https://b.example.com:8443"]


def test_https_settings_from_environment() -> None:
    plain = prodconf.https_settings(_env())
    assert plain["SECURE_SSL_REDIRECT"] is False and "SECURE_PROXY_SSL_HEADER" not in plain
    https = prodconf.https_settings(_env(QUANZI_HTTPS="1", QUANZI_HSTS_SECONDS="600"))
    assert https["SECURE_PROXY_SSL_HEADER"] == ("HTTP_X_FORWARDED_PROTO", "https")
    assert https["SESSION_COOKIE_SECURE"] and https["CSRF_COOKIE_SECURE"] and https["SECURE_SSL_REDIRECT"]
    assert https["SECURE_HSTS_SECONDS"] == 600
    other_proxy = prodconf.https_settings(_env(QUANZI_HTTPS="1", QUANZI_PROXY_SSL_HEADER="X-Scheme"))
    assert other_proxy["SECURE_PROXY_SSL_HEADER"] == ("HTTP_X_SCHEME", "https")


def test_static_and_media_storages_from_environment() -> None:
    assert prodconf.static_storage(_env(), debug=False, testing=False)["BACKEND"].endswith("HashedStaticStorage")
    assert prodconf.static_storage(_env(), debug=True, testing=False)["BACKEND"].endswith("StaticFilesStorage")
    assert prodconf.media_storage(_env()) == ({"BACKEND": "django.core.files.storage.FileSystemStorage"}, None)
    s3, url = prodconf.media_storage(_env(QUANZI_MEDIA_S3_BUCKET="pics", QUANZI_MEDIA_S3_CUSTOM_DOMAIN="img.x.cn"))
    assert s3["BACKEND"] == "storages.backends.s3.S3Storage" and s3["OPTIONS"]["bucket_name"] == "pics"
    assert url == "https://img.x.cn/media/"


def test_prod_refuses_the_embedded_and_demo_settings(settings: object) -> None:
    settings.DEBUG = True  # type: ignore[attr-defined]
    settings.QUANZI_SANDBOX_PAYMENTS = True  # type: ignore[attr-defined]
    settings.REDIS_URL = ""  # type: ignore[attr-defined]
    problems = " | ".join(production_problems())
    for reason in ("DEBUG is on", "sandbox payment gateway", "REDIS_URL is not set", "QUANZI_TESTING"):
        assert reason in problems


# --- read replica: a second database alias ---------------------------------------------------------------------------


@pytest.mark.django_db(transaction=True, databases=["default", "replica"])
def test_replica_router_sends_marked_reads_to_the_replica(settings: object) -> None:
    settings.QUANZI_REPLICA_STICKY_SECONDS = 0  # type: ignore[attr-defined]
    user_model = get_user_model()
    user_model.objects.create(phone="13700000001", nickname="读副本")
    with CaptureQueriesContext(connections["replica"]) as on_replica, \
            CaptureQueriesContext(connections["default"]) as on_primary:
        plain = list(user_model.objects.filter(phone="13700000001"))
        with dbrouter.replica_reads():
            marked = list(user_model.objects.filter(phone="13700000001"))
            with transaction.atomic():  # inside a transaction on the primary: read what it may just have written
                in_tx = list(user_model.objects.filter(phone="13700000001"))
    assert len(plain) == len(marked) == len(in_tx) == 1
    assert marked[0]._state.db == "replica" and plain[0]._state.db == "default" and in_tx[0]._state.db == "default"
    assert len([q for q in on_replica.captured_queries if "accounts_user" in q["sql"]]) == 1
    assert len([q for q in on_primary.captured_queries if "accounts_user" in q["sql"]]) == 2


@pytest.mark.django_db(transaction=True, databases=["default", "replica"])
def test_replica_reads_stick_to_the_primary_after_a_write_and_writes_never_go_there(settings: object) -> None:
    settings.QUANZI_REPLICA_STICKY_SECONDS = 60  # type: ignore[attr-defined]
    user_model = get_user_model()

    @dbrouter.replica_selector
    def find(phone: str) -> list[object]:
        return list(user_model.objects.filter(phone=phone))

    with dbrouter.replica_reads():
        made = user_model.objects.create(phone="13700000002", nickname="刚写")
    assert made._state.db == "default"
    [found] = find("13700000002")  # read-your-writes: the replica may not have it yet
    assert found._state.db == "default"  # type: ignore[attr-defined]
    settings.QUANZI_REPLICA_STICKY_SECONDS = 0  # type: ignore[attr-defined]
    [later] = find("13700000002")
    assert later._state.db == "replica"  # type: ignore[attr-defined]


def test_without_a_replica_alias_everything_reads_the_primary(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(dbrouter, "REPLICA", "no-such-alias")  # as when DATABASE_REPLICA_URL is not set
    with dbrouter.replica_reads():
        assert dbrouter.ReplicaRouter().db_for_read(None) == "default"


# --- admin two-factor login -------------------------------------------------------------------------------------------


def _totp_now(device: object, offset_steps: int = 0) -> str:
    from django_otp.oath import TOTP

    totp = TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift)  # type: ignore[attr-defined]
    totp.time = time.time() + offset_steps * device.step  # type: ignore[attr-defined]
    return f"{totp.token():0{device.digits}d}"  # type: ignore[attr-defined]


@pytest.mark.django_db
def test_staff_enrol_a_totp_device_then_log_in_with_its_code(settings: object) -> None:
    from django_otp.plugins.otp_totp.models import TOTPDevice

    settings.QUANZI_ADMIN_REQUIRE_OTP = True  # type: ignore[attr-defined]
    password = "Otp-Admin-pass-8351"
    staff = get_user_model().objects.create_user(phone="13700000003", password=password, nickname="运营",
                                                 is_staff=True, is_superuser=True)
    client = Client()
    # the password alone opens only the enrolment page
    login = client.post("/admin/login/?next=/admin/", {"username": staff.phone, "password": password})
    assert login.status_code == 302
    assert client.get("/admin/").status_code == 302
    assert client.get("/admin/login/")["Location"] == "/admin/otp/enrol/"
    enrol = client.get("/admin/otp/enrol/")
    assert enrol.status_code == 200 and b"<svg" in enrol.content
    device = TOTPDevice.objects.get(user=staff, confirmed=False)
    wrong = client.post("/admin/otp/enrol/", {"otp_token": "000000" if _totp_now(device) != "000000" else "111111"})
    assert wrong.status_code == 200 and not TOTPDevice.objects.get(pk=device.pk).confirmed
    TOTPDevice.objects.get(pk=device.pk).throttle_reset()  # a wrong code locks the device for a second, doubling
    done = client.post("/admin/otp/enrol/", {"otp_token": _totp_now(device)})
    assert done.status_code == 302 and done["Location"] == "/admin/"
    assert client.get("/admin/").status_code == 200
    device.refresh_from_db()
    assert device.confirmed

    # a new session: the password is not enough any more, the code is
    fresh = Client()
    refused = fresh.post("/admin/login/?next=/admin/", {"username": staff.phone, "password": password})
    assert refused.status_code == 200 and "动态验证码" in refused.content.decode()
    assert fresh.get("/admin/").status_code == 302
    reused = fresh.post("/admin/login/?next=/admin/", {"username": staff.phone, "password": password,
                                                       "otp_token": _totp_now(device)})
    assert reused.status_code == 200  # the code that confirmed the device cannot be used again
    device.refresh_from_db()
    device.throttle_reset()
    ok = fresh.post("/admin/login/?next=/admin/", {"username": staff.phone, "password": password,
                                                  "otp_token": _totp_now(device, offset_steps=1)})
    assert ok.status_code == 302
    assert fresh.get("/admin/").status_code == 200


@pytest.mark.django_db
def test_members_cannot_enrol_and_otp_off_keeps_password_login(settings: object) -> None:
    settings.QUANZI_ADMIN_REQUIRE_OTP = True  # type: ignore[attr-defined]
    member = get_user_model().objects.create_user(phone="13700000004", password="Member-pass-4417", nickname="会员")
    client = Client()
    client.force_login(member)
    assert client.get("/admin/otp/enrol/").status_code == 302
    assert not member.totpdevice_set.exists()  # type: ignore[attr-defined]
    settings.QUANZI_ADMIN_REQUIRE_OTP = False  # type: ignore[attr-defined]
    staff = get_user_model().objects.create_user(phone="13700000005", password="Staff-pass-9924", nickname="运营",
                                                 is_staff=True, is_superuser=True)
    plain = Client()
    assert plain.post("/admin/login/?next=/admin/", {"username": staff.phone,
                                                     "password": "Staff-pass-9924"}).status_code == 302
    assert plain.get("/admin/").status_code == 200


def test_hashed_storage_without_collectstatic_gives_plain_urls(tmp_path: Path) -> None:
    """A DEBUG=0 process started before collectstatic renders its pages (plain URLs) instead of failing, and
    /readyz says what is missing."""
    from quanzi.core.staticstorage import HashedStaticStorage

    storage = HashedStaticStorage(location=str(tmp_path), base_url="/static/")
    assert storage.url("css/site.css") == "/static/css/site.css"
    assert not storage.manifest_present()
