"""quanzi settings: SQLite + in-process jobs by default; PostgreSQL / Redis from DATABASE_URL / REDIS_URL."""

import os
import sys
from pathlib import Path
from typing import Any

import dj_database_url
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = Path(os.environ.get("QUANZI_VAR_DIR", BASE_DIR / "var"))
VAR_DIR.mkdir(parents=True, exist_ok=True)

SECRET_KEY = os.environ.get("SECRET_KEY", "quanzi-dev-only-secret-change-me-in-production-0123456789")
DEBUG = os.environ.get("DEBUG", "1") == "1"
ALLOWED_HOSTS = os.environ.get("ALLOWED_HOSTS", "127.0.0.1,localhost,testserver").split(",")
CSRF_TRUSTED_ORIGINS = [f"http://{h}:8000" for h in ALLOWED_HOSTS]

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "huey.contrib.djhuey",
    "ninja",  # serves the API docs (Swagger UI) from our own static files, not a CDN
    "quanzi.core",
    "quanzi.accounts",
    "quanzi.communities",
    "quanzi.content",
    "quanzi.catalog",
    "quanzi.orders",
    "quanzi.payments",
    "quanzi.aftersales",
    "quanzi.settlements",
    "quanzi.web",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "quanzi.web.middleware.DomainErrorMiddleware",
    "quanzi.web.middleware.ApiErrorShapeMiddleware",
]

ROOT_URLCONF = "quanzi.urls"
WSGI_APPLICATION = "quanzi.wsgi.application"

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
DATABASES = {"default": dj_database_url.parse(os.environ.get("DATABASE_URL", _default_sqlite), conn_max_age=0)}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # WAL lets readers run beside the single writer; IMMEDIATE takes the write lock at BEGIN, so two
    # writers queue instead of failing halfway with "database is locked" (SQLite has no row locks).
    DATABASES["default"]["OPTIONS"] = {
        "transaction_mode": "IMMEDIATE",
        "timeout": 20,
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA foreign_keys=ON;",
    }
    DATABASES["default"]["TEST"] = {"NAME": str(VAR_DIR / "test_quanzi.sqlite3")}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = ["quanzi.accounts.backends.PhoneOrEmailBackend"]
PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 8}},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
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
TESTING = "pytest" in sys.modules or os.environ.get("QUANZI_TESTING") == "1"
if TESTING:
    HUEY["immediate"] = True
    PASSWORD_HASHERS = ["quanzi.accounts.hashers.CheapArgon2PasswordHasher"]

# Business rules (ARCHITECTURE.md); operators may change them through the environment.
QUANZI: dict[str, Any] = {
    "IMAGE_MAX_BYTES": int(os.environ.get("QUANZI_IMAGE_MAX_BYTES", 5 * 1024 * 1024)),
    "IMAGE_TYPES": ("image/jpeg", "image/png", "image/webp", "image/gif"),
    "HOT_GRAVITY": 1.5,
    "SHARE_ATTRIBUTION_DAYS": 7,
    "ORDER_PAY_MINUTES": int(os.environ.get("QUANZI_ORDER_PAY_MINUTES", 15)),
    "ORDER_AUTO_CONFIRM_DAYS": int(os.environ.get("QUANZI_ORDER_AUTO_CONFIRM_DAYS", 10)),
    "RETURN_DAYS": int(os.environ.get("QUANZI_RETURN_DAYS", 7)),
}

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": os.environ.get("LOG_LEVEL", "WARNING")},
}
