"""Settings shared by every environment. Everything deployment-specific comes from the environment."""

import datetime
import os
from pathlib import Path

import dj_database_url

BASE_DIR = Path(__file__).resolve().parent.parent.parent
VAR_DIR = Path(os.environ.get("ZHIJIA_VAR_DIR", BASE_DIR / "var"))


def env_bool(name: str, default: bool = False) -> bool:
    value = os.environ.get(name)
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def env_list(name: str, default: str = "") -> list[str]:
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


SECRET_KEY = os.environ.get("DJANGO_SECRET_KEY", "")
DEBUG = env_bool("DJANGO_DEBUG", False)
ALLOWED_HOSTS = env_list("DJANGO_ALLOWED_HOSTS", "localhost,127.0.0.1")
CSRF_TRUSTED_ORIGINS = env_list("DJANGO_CSRF_TRUSTED_ORIGINS")

# Key material for personal data: AES-GCM encryption key and the HMAC key for lookups.
# Both are 32 bytes, base64 (urlsafe) encoded. Rotating them needs a re-encryption migration.
PII_ENCRYPTION_KEY = os.environ.get("ZHIJIA_PII_KEY", "")
PII_HASH_KEY = os.environ.get("ZHIJIA_PII_HASH_KEY", "")
# How long a member card QR token stays valid, in seconds.
MEMBER_CARD_TOKEN_MAX_AGE = int(os.environ.get("ZHIJIA_CARD_TOKEN_MAX_AGE", str(7 * 24 * 3600)))
# Largest accepted upload for member imports, in bytes.
IMPORT_MAX_UPLOAD_BYTES = int(os.environ.get("ZHIJIA_IMPORT_MAX_BYTES", str(50 * 1024 * 1024)))
# Ticket attachments (images, PDF): largest file and most files per ticket.
TICKET_ATTACHMENT_MAX_BYTES = int(os.environ.get("ZHIJIA_ATTACHMENT_MAX_BYTES", str(10 * 1024 * 1024)))
TICKET_ATTACHMENT_MAX_FILES = int(os.environ.get("ZHIJIA_ATTACHMENT_MAX_FILES", "5"))
# Where email/SMS copies of notifications go: dotted paths of sender classes (see zhijia.core.notify).
ZHIJIA_SENDERS = env_list("ZHIJIA_SENDERS", "zhijia.core.notify.LoggingSender")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django_htmx",
    "django_tasks_db",
    "axes",
    "zhijia.core",
    "zhijia.accounts",
    "zhijia.org",
    "zhijia.members",
    "zhijia.cases",
    "zhijia.legal",
    "zhijia.aid",
    "zhijia.jobs",
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
    "django_htmx.middleware.HtmxMiddleware",
    "zhijia.core.middleware.RequestIdMiddleware",
    # Last, as django-axes asks: turns a locked-out login into its lockout response.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "zhijia.urls"
WSGI_APPLICATION = "zhijia.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "zhijia" / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "zhijia.accounts.context_processors.roles",
            ],
        },
    },
]

DATABASES = {
    "default": dj_database_url.config(
        default=f"sqlite:///{VAR_DIR / 'zhijia.sqlite3'}",
        conn_max_age=int(os.environ.get("DATABASE_CONN_MAX_AGE", "60")),
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    DATABASES["default"]["CONN_MAX_AGE"] = 0
    DATABASES["default"].setdefault("OPTIONS", {}).update(
        {"timeout": 20, "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;"}
    )

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
AUTH_USER_MODEL = "accounts.User"
LOGIN_URL = "accounts:login"
LOGIN_REDIRECT_URL = "core:home"
LOGOUT_REDIRECT_URL = "core:home"

AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
# Login throttling (django-axes): after 5 failures for one account from one address, 15 minutes' pause.
AXES_FAILURE_LIMIT = int(os.environ.get("ZHIJIA_LOGIN_FAILURE_LIMIT", "5"))
AXES_COOLOFF_TIME = datetime.timedelta(minutes=int(os.environ.get("ZHIJIA_LOGIN_COOLOFF_MINUTES", "15")))
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_CALLABLE = "zhijia.accounts.views.locked_out"
AXES_VERBOSE = False
# How many reverse proxies (nginx, a load balancer) stand before the app, each appending to X-Forwarded-For; 0 when
# clients connect directly. Throttles that count per address (SMS codes, logins) read it via core.net.
PROXY_COUNT = int(os.environ.get("ZHIJIA_PROXY_COUNT", "0"))
AXES_CLIENT_IP_CALLABLE = "zhijia.core.net.client_address"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 8}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

LANGUAGE_CODE = "zh-hans"
TIME_ZONE = "Asia/Shanghai"
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATICFILES_DIRS = [BASE_DIR / "zhijia" / "static"]
STATIC_ROOT = VAR_DIR / "static"
MEDIA_ROOT = VAR_DIR / "media"
MEDIA_URL = "media/"

DATA_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
FILE_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024

TASKS = {
    "default": {
        "BACKEND": os.environ.get("ZHIJIA_TASKS_BACKEND", "django_tasks_db.DatabaseBackend"),
    }
}

SESSION_COOKIE_HTTPONLY = True
CSRF_COOKIE_HTTPONLY = False
X_FRAME_OPTIONS = "DENY"

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": os.environ.get("LOG_LEVEL", "INFO")},
    "loggers": {
        "django.db.backends": {"level": "WARNING"},
        # PDF rendering narrates every step at INFO; only its problems are worth a log line.
        "weasyprint": {"level": "WARNING"},
        "fontTools": {"level": "WARNING"},
        "jieba": {"level": "WARNING"},
    },
}

# SQLite (the embedded default) ignores INCLUDE columns of covering indexes; PostgreSQL uses them.
SILENCED_SYSTEM_CHECKS = ["models.W040"]
