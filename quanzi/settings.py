"""quanzi settings: SQLite + in-process jobs by default; PostgreSQL / Redis from DATABASE_URL / REDIS_URL."""

import os
import sys
from pathlib import Path
from typing import Any

import dj_database_url
import environ
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

from quanzi.core import prodconf
from quanzi.core.deploy import ALLOW_SANDBOX_ENV, UnsafeConfiguration, check_startup, env_flag, local_secret
from quanzi.payments.env import payments_from_env, public_base_url_problem

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = Path(os.environ.get("QUANZI_VAR_DIR", BASE_DIR / "var"))
VAR_DIR.mkdir(parents=True, exist_ok=True)

TESTING = "pytest" in sys.modules or os.environ.get("QUANZI_TESTING") == "1"
# Off unless asked for: `make demo` and `make serve` set DEBUG=1; a server started any other way is production.
DEBUG = env_flag("DEBUG")
# No secret is ever written in the source. With DEBUG off it must come from the environment (checked below);
# the demo and the tests get a random one kept in var/ (see quanzi/core/deploy.py).
_SECRET_KEY_ENV = os.environ.get("SECRET_KEY", "")
SECRET_KEY = _SECRET_KEY_ENV or (local_secret(VAR_DIR, "secret_key") if (DEBUG or TESTING) else "")
# Production settings come from the environment through django-environ (quanzi/core/prodconf.py, docs/deploy.md).
env = environ.Env()
ALLOWED_HOSTS = env.list("ALLOWED_HOSTS", default=["127.0.0.1", "localhost", "testserver"])
# CSRF_TRUSTED_ORIGINS (full origins, comma-separated); default: the dev server's and QUANZI_PUBLIC_BASE_URL's
CSRF_TRUSTED_ORIGINS = prodconf.csrf_trusted_origins(env, ALLOWED_HOSTS, env.str("QUANZI_PUBLIC_BASE_URL", default=""))

INSTALLED_APPS = [
    "daphne",  # first: its runserver serves quanzi.asgi (HTTP and WebSockets) for `make demo` (quanzi/asgi.py)
    "quanzi.core.admin_base.QuanziAdminConfig",  # the admin with quanzi's site (core/admin_base.py)
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "huey.contrib.djhuey",
    "django_otp",  # two-factor login to the admin (core/admin_otp.py)
    "django_otp.plugins.otp_totp",
    "ninja",  # serves the API docs (Swagger UI) from our own static files, not a CDN
    "quanzi.core",
    "quanzi.accounts",
    "quanzi.wxlogin",
    "quanzi.communities",
    "quanzi.content",
    "quanzi.catalog",
    "quanzi.orders",
    "quanzi.payments",
    "quanzi.aftersales",
    "quanzi.growth.coupons",
    "quanzi.growth.groupbuy",
    "quanzi.growth.flashsale",
    "quanzi.growth.redpackets",
    "quanzi.loyalty.points",
    "quanzi.loyalty.membership",
    "quanzi.loyalty.tasks",
    "quanzi.loyalty.lotteries",
    "quanzi.referrals.invites",
    "quanzi.referrals.distribution",
    "quanzi.settlements",
    "quanzi.personas",
    "quanzi.insight",
    "quanzi.recommend",
    "quanzi.live",
    "quanzi.chat",
    "quanzi.notify",
    "quanzi.ads",
    "quanzi.paidcontent",
    "quanzi.kolmarket",
    "quanzi.malls",
    "quanzi.privacy",
    "quanzi.web",
]

MIDDLEWARE = [
    "quanzi.core.edge.HealthMiddleware",  # /healthz and /readyz before host checks and redirects (core/edge.py)
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",  # static files, compressed and hashed (core/staticstorage.py)
    "quanzi.core.request_id.RequestIdMiddleware",
    "quanzi.core.edge.AccessLogMiddleware",
    "quanzi.core.edge.BodyLimitMiddleware",  # 413 before anything reads an oversized body
    "csp.middleware.CSPMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "quanzi.privacy.middleware.AuditMiddleware",  # staff writes and 403s into the append-only audit log
    "django_otp.middleware.OTPMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "quanzi.web.middleware.ControlCharacterMiddleware",
    "quanzi.web.middleware.DomainErrorMiddleware",
    "quanzi.web.middleware.ApiErrorShapeMiddleware",
]

ROOT_URLCONF = "quanzi.urls"
WSGI_APPLICATION = "quanzi.wsgi.application"
ASGI_APPLICATION = "quanzi.asgi.application"  # WebSockets (Channels); docs/notes/live.md

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "quanzi" / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "django.template.context_processors.i18n",
                "quanzi.web.context.site",
            ],
        },
    },
]

_default_sqlite = f"sqlite:///{VAR_DIR / 'quanzi.sqlite3'}"
# QUANZI_DB_CONN_MAX_AGE: seconds a database connection is kept between requests (0: one per request, the safe
# default for the embedded server; a multi-process production server usually wants 60).
DATABASES = {"default": dj_database_url.parse(os.environ.get("DATABASE_URL", _default_sqlite),
                                              conn_max_age=int(os.environ.get("QUANZI_DB_CONN_MAX_AGE", 0)))}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # WAL lets readers run beside the single writer; IMMEDIATE takes the write lock at BEGIN, so two
    # writers queue instead of failing halfway with "database is locked" (SQLite has no row locks).
    DATABASES["default"]["OPTIONS"] = {
        "transaction_mode": "IMMEDIATE",
        "timeout": 20,
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA foreign_keys=ON;",
    }
    DATABASES["default"]["TEST"] = {"NAME": str(VAR_DIR / "test_quanzi.sqlite3")}
# A read replica (DATABASE_REPLICA_URL) for the reads marked replica-safe (core/dbrouter.py); the tests get a
# second database of their own under the same alias.
_replica = prodconf.replica_database(env, DATABASES["default"], TESTING)
if _replica is not None:
    DATABASES["replica"] = _replica
DATABASE_ROUTERS = ["quanzi.core.dbrouter.ReplicaRouter"]
QUANZI_REPLICA_STICKY_SECONDS = env.int("QUANZI_REPLICA_STICKY_SECONDS", default=5)
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = ["quanzi.accounts.backends.PhoneOrEmailBackend"]
PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator",
     "OPTIONS": {"user_attributes": ("phone", "email", "nickname")}},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 8}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
    {"NAME": "quanzi.accounts.validators.VarietyValidator"},  # "aaaaaaaa", "abababab": too few distinct chars
]
LOGIN_URL = "/login/"
LOGIN_REDIRECT_URL = "/"

LANGUAGE_CODE = "zh-hans"
LANGUAGES = [("zh-hans", _("简体中文")), ("en", _("English"))]
LOCALE_PATHS = [BASE_DIR / "quanzi" / "locale"]
TIME_ZONE = "Asia/Shanghai"
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATICFILES_DIRS = [BASE_DIR / "quanzi" / "static"]
STATIC_ROOT = VAR_DIR / "static"
MEDIA_URL = "/media/"
MEDIA_ROOT = Path(os.environ.get("QUANZI_MEDIA_ROOT", VAR_DIR / "media"))
DATA_UPLOAD_MAX_MEMORY_SIZE = 12 * 1024 * 1024
# Static files through WhiteNoise (hashed + compressed in production); uploads on disk or in an S3-compatible
# bucket (QUANZI_MEDIA_S3_BUCKET). The demo and the tests read static files from the apps' folders, as before.
_media_storage, _media_url = prodconf.media_storage(env)
STORAGES = {"default": _media_storage, "staticfiles": prodconf.static_storage(env, DEBUG, TESTING)}
MEDIA_URL = _media_url or MEDIA_URL
WHITENOISE_USE_FINDERS = env.bool("QUANZI_STATIC_FROM_APPS", default=DEBUG or TESTING)
WHITENOISE_AUTOREFRESH = DEBUG
WHITENOISE_MAX_AGE = 3600  # unhashed names (favicon.ico); hashed ones get a year (WhiteNoise's immutable rule)
STATIC_ROOT.mkdir(parents=True, exist_ok=True)
# Request bodies refused with 413 before the app reads them (core/edge.py); nginx should refuse earlier still.
QUANZI_REQUEST_LIMITS = {
    "BODY_BYTES": env.int("QUANZI_MAX_BODY_BYTES", default=prodconf.DEFAULT_MAX_BODY_BYTES),
    "API_JSON_BYTES": env.int("QUANZI_MAX_API_JSON_BYTES", default=prodconf.DEFAULT_MAX_API_JSON_BYTES),
}

REDIS_URL = os.environ.get("REDIS_URL", "")
if REDIS_URL:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": REDIS_URL}}
    HUEY = {"huey_class": "huey.RedisHuey", "name": "quanzi", "url": REDIS_URL, "immediate": False}
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
    HUEY = {
        "huey_class": "huey.SqliteHuey",
        "name": "quanzi",
        "filename": str(VAR_DIR / "huey.sqlite3"),
        "immediate": False,
    }
# WebSocket fan-out between consumers: in memory in one process, Redis with REDIS_URL (core/prodconf.py)
CHANNEL_LAYERS = prodconf.channel_layers(os.environ.get("QUANZI_CHANNELS_REDIS_URL", "") or REDIS_URL, TESTING)
if TESTING:
    HUEY["immediate"] = True
    INSTALLED_APPS.append("quanzi.orders.tests.probe_app")  # a plug-in that records every order moment
    PASSWORD_HASHERS = ["quanzi.accounts.hashers.CheapArgon2PasswordHasher"]

# Business rules (ARCHITECTURE.md); operators may change them through the environment.
QUANZI: dict[str, Any] = {
    "IMAGE_MAX_BYTES": int(os.environ.get("QUANZI_IMAGE_MAX_BYTES", 5 * 1024 * 1024)),
    "IMAGE_TYPES": ("image/jpeg", "image/png", "image/webp", "image/gif"),
    # Checked on the header before decoding (core/images.py): decompression bombs are refused, not decoded.
    "IMAGE_MAX_PIXELS": int(os.environ.get("QUANZI_IMAGE_MAX_PIXELS", 40_000_000)),
    "IMAGE_MAX_SIDE": int(os.environ.get("QUANZI_IMAGE_MAX_SIDE", 8000)),
    "HOT_GRAVITY": 1.5,
    "SHARE_ATTRIBUTION_DAYS": 7,
    "ORDER_PAY_MINUTES": int(os.environ.get("QUANZI_ORDER_PAY_MINUTES", 15)),
    "ORDER_AUTO_CONFIRM_DAYS": int(os.environ.get("QUANZI_ORDER_AUTO_CONFIRM_DAYS", 10)),
    "RETURN_DAYS": int(os.environ.get("QUANZI_RETURN_DAYS", 7)),
}

# Flash sales (growth/flashsale/conf.py has the defaults): the payment window and the buy endpoint's rate limits.
QUANZI_FLASHSALE = {key: int(os.environ[f"QUANZI_FLASHSALE_{key}"])
                    for key in ("PAY_MINUTES", "MAX_PER_MEMBER", "MEMBER_ATTEMPTS", "IP_ATTEMPTS", "WINDOW_SECONDS")
                    if os.environ.get(f"QUANZI_FLASHSALE_{key}")}

# Payments. The sandbox gateway confirms payments without money moving: on only when configured (`make demo`
# and the tests turn it on), and refused with DEBUG=0 unless QUANZI_ALLOW_SANDBOX_PAYMENTS_IN_PRODUCTION=1.
# Its signing secret is its own setting, never derived from SECRET_KEY. The rest: QUANZI_PAYMENTS (payments/conf.py).
QUANZI_SANDBOX_PAYMENTS = env_flag("QUANZI_PAYMENTS_SANDBOX", default=DEBUG or TESTING)
QUANZI_SANDBOX_SECRET = os.environ.get("QUANZI_SANDBOX_SECRET", "") or (
    local_secret(VAR_DIR, "sandbox_secret") if QUANZI_SANDBOX_PAYMENTS else "")

# WeChat Pay and Alipay credentials and the public address of the callbacks, from the environment (or files named
# by <VAR>_FILE): quanzi/payments/env.py lists the variables; `manage.py check` says what a gateway is missing.
QUANZI_PAYMENTS: dict[str, Any] = payments_from_env(os.environ)
if not (DEBUG or TESTING) and public_base_url_problem(QUANZI_PAYMENTS):
    raise ImproperlyConfigured(f"quanzi refuses to start: {public_base_url_problem(QUANZI_PAYMENTS)}")

try:
    check_startup(debug=DEBUG, testing=TESTING, secret_key_from_env=_SECRET_KEY_ENV,
                  sandbox_enabled=QUANZI_SANDBOX_PAYMENTS,
                  sandbox_allowed_in_production=env_flag(ALLOW_SANDBOX_ENV))
except UnsafeConfiguration as exc:
    raise ImproperlyConfigured(f"quanzi refuses to start: {exc}") from None

# WeChat login (quanzi/wxlogin/conf.py, docs/notes/wxlogin.md): the 公众号 and the mini program from the
# environment. The sandbox identity provider lets anyone be any sandbox openid: on only with DEBUG or in tests.
QUANZI_WXLOGIN: dict[str, Any] = {
    "APPID": os.environ.get("WECHAT_LOGIN_APPID", ""), "SECRET": os.environ.get("WECHAT_LOGIN_SECRET", ""),
    "MINI_APPID": os.environ.get("WECHAT_MINI_APPID", ""), "MINI_SECRET": os.environ.get("WECHAT_MINI_SECRET", ""),
}
QUANZI_WXLOGIN_SANDBOX = env_flag("QUANZI_WXLOGIN_SANDBOX", default=DEBUG or TESTING)
if QUANZI_WXLOGIN_SANDBOX and not (DEBUG or TESTING):
    raise ImproperlyConfigured("quanzi refuses to start: the sandbox WeChat identity provider is enabled "
                               "(QUANZI_WXLOGIN_SANDBOX=1) with DEBUG=0: anyone could log in as any sandbox "
                               "WeChat user. Turn it off.")

# Behind HTTPS (a TLS-terminating proxy that sets X-Forwarded-Proto): secure cookies, HSTS, redirect to https.
# Without it `manage.py check --deploy` warns about these, as the README explains.
# Each piece can also be set alone (core/prodconf.https_settings: QUANZI_PROXY_SSL_HEADER, QUANZI_SECURE_COOKIES…).
globals().update(prodconf.https_settings(env))
# Content-Security-Policy (django-csp): scripts from our origin only, no inline handlers (core/prodconf.py).
CONTENT_SECURITY_POLICY = prodconf.content_security_policy(env, MEDIA_URL)
# Two-factor login to the admin (core/admin_otp.py): required in production, off in the demo and the tests.
QUANZI_ADMIN_REQUIRE_OTP = env.bool("QUANZI_ADMIN_REQUIRE_OTP", default=not (DEBUG or TESTING))
OTP_TOTP_ISSUER = env.str("QUANZI_OTP_ISSUER", default="圈子 quanzi")
SESSION_COOKIE_HTTPONLY = True
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"

# Error reports: even the demo's debug page shows no settings and no environment (DATABASE_URL has a password).
DEFAULT_EXCEPTION_REPORTER_FILTER = "quanzi.core.request_id.NoSettingsExceptionReporterFilter"

# Logs on stderr: JSON with the request id in production, one plain line in the demo and the tests (prodconf).
LOGGING = prodconf.logging_config(env, DEBUG, TESTING)

# Login, sign-up and API tokens (quanzi/accounts/throttle.py and services.py). Counters live in the cache:
# Redis with REDIS_URL (shared by every process), else per process (the embedded single-process server).
QUANZI_ACCOUNTS: dict[str, Any] = {
    "TOKEN_TTL_HOURS": int(os.environ.get("QUANZI_TOKEN_TTL_HOURS", 7 * 24)),  # a token's life; refresh renews
    "TOKEN_MAX_AGE_DAYS": int(os.environ.get("QUANZI_TOKEN_MAX_AGE_DAYS", 30)),  # refreshes end; log in again
    "LOGIN_MAX_FAILURES": int(os.environ.get("QUANZI_LOGIN_MAX_FAILURES", 5)),  # per account, then a lockout
    "LOGIN_FAILURE_WINDOW_MINUTES": int(os.environ.get("QUANZI_LOGIN_FAILURE_WINDOW_MINUTES", 15)),
    "LOGIN_LOCK_MINUTES": int(os.environ.get("QUANZI_LOGIN_LOCK_MINUTES", 15)),
    "LOGIN_PER_IP": int(os.environ.get("QUANZI_LOGIN_PER_IP", 30)),  # password checks per IP per window
    "LOGIN_PER_IP_WINDOW_MINUTES": int(os.environ.get("QUANZI_LOGIN_PER_IP_WINDOW_MINUTES", 10)),
    "SIGNUP_PER_IP": int(os.environ.get("QUANZI_SIGNUP_PER_IP", 10)),
    "SIGNUP_PER_IP_WINDOW_MINUTES": int(os.environ.get("QUANZI_SIGNUP_PER_IP_WINDOW_MINUTES", 60)),
}

# Insight (quanzi/insight): the analytics export. DIR holds the partitioned Parquet (one folder per table, one
# `dt=YYYY-MM-DD` folder per day) that DuckDB reads in-process and Spark reads on a cluster (point a Spark job at
# an s3a:// copy of the same tree; docs/notes/insight.md). BATCH: rows per export batch (per table, per run step).
QUANZI_INSIGHT: dict[str, Any] = {
    "DIR": Path(os.environ.get("QUANZI_INSIGHT_DIR", VAR_DIR / "insight")),
    "BATCH": int(os.environ.get("QUANZI_INSIGHT_BATCH", 50_000)),
    "DUCKDB_THREADS": int(os.environ.get("QUANZI_INSIGHT_THREADS", 0)),  # 0: DuckDB's default (all cores)
    "DUCKDB_MEMORY_LIMIT": os.environ.get("QUANZI_INSIGHT_MEMORY_LIMIT", ""),  # e.g. "4GB"; "": DuckDB's default
}

# KOL marketplace (quanzi/kolmarket): the platform's service fee on a deal's fixed fee and on the commission earned
# under it (a revenue line), and the days a proposal or a counter waits for its answer before it expires.
QUANZI_KOLMARKET: dict[str, Any] = {
    "SERVICE_FEE_RATE": os.environ.get("QUANZI_KOLMARKET_SERVICE_FEE_RATE", "0.05"),
    "REPLY_DAYS": int(os.environ.get("QUANZI_KOLMARKET_REPLY_DAYS", 3)),
}
