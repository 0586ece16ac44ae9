"""Settings of the stimme platform, all read from the environment.

With nothing set, the platform runs embedded: SQLite in ``var/`` and Celery tasks executed eagerly.
``DATABASE_URL`` switches to PostgreSQL, ``CELERY_BROKER_URL`` to Redis and real workers.
See docs/operations.md for every variable.
"""

from __future__ import annotations

import secrets
from pathlib import Path

import dj_database_url
from celery.schedules import crontab
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

from .env import env_bool, env_float, env_int, env_list, env_str, env_url

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = Path(env_str("STIMME_VAR_DIR", str(BASE_DIR / "var")))
VAR_DIR.mkdir(parents=True, exist_ok=True)


def _secret_key() -> str:
    key = env_str("STIMME_SECRET_KEY")
    if key:
        return key
    # Embedded mode: one random key per installation, kept beside the SQLite database.
    path = VAR_DIR / "secret_key"
    if not path.exists():
        path.write_text(secrets.token_urlsafe(50))
        path.chmod(0o600)
    return path.read_text().strip()


SECRET_KEY = _secret_key()
DEBUG = env_bool("STIMME_DEBUG", False)
ALLOWED_HOSTS = env_list("STIMME_ALLOWED_HOSTS", ["127.0.0.1", "localhost", "[::1]"])
CSRF_TRUSTED_ORIGINS = env_list("STIMME_CSRF_TRUSTED_ORIGINS", [])
PORTAL_BASE_URL = env_str("STIMME_PORTAL_BASE_URL", "http://127.0.0.1:8000").rstrip("/")
SECURE_COOKIES = env_bool("STIMME_SECURE_COOKIES", False)
SESSION_COOKIE_SECURE = SECURE_COOKIES
CSRF_COOKIE_SECURE = SECURE_COOKIES
SESSION_COOKIE_HTTPONLY = True
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
# HSTS on answers over HTTPS: a year by default once cookies are secure (served over HTTPS).
SECURE_HSTS_SECONDS = env_int(
    "STIMME_HSTS_SECONDS", 31536000 if SECURE_COOKIES else 0, minimum=0, maximum=63072000
)
SECURE_HSTS_INCLUDE_SUBDOMAINS = env_bool("STIMME_HSTS_INCLUDE_SUBDOMAINS", False)
SECURE_HSTS_PRELOAD = env_bool("STIMME_HSTS_PRELOAD", False)
# Behind a proxy that terminates TLS: trust its X-Forwarded-Proto to tell HTTPS requests.
if env_bool("STIMME_TRUST_X_FORWARDED_PROTO", False):
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
# Content-Security-Policy (portal/csp.py); these path prefixes may also use inline styles: the
# public status page (one self-contained file), the Django admin and Swagger UI.
CSP_INLINE_STYLE_PATHS = ["/status/", "/admin/", "/api/docs/"]

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "rest_framework",
    "django_filters",
    "drf_spectacular",
    "provisioning",
    "billing",
    "status",
    "support",
    "portal",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "portal.csp.ContentSecurityPolicyMiddleware",
    "provisioning.middleware.AuditContextMiddleware",
]

ROOT_URLCONF = "config.urls"
WSGI_APPLICATION = "config.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "portal" / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
            ],
        },
    }
]

_database_url = env_url(
    "DATABASE_URL",
    f"sqlite:///{VAR_DIR / 'stimme.sqlite3'}",
    schemes=("sqlite", "postgres", "postgresql", "pgsql"),
)
DATABASES = {"default": dj_database_url.parse(_database_url, conn_max_age=60)}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    DATABASES["default"]["OPTIONS"] = {
        "transaction_mode": "IMMEDIATE",
        "timeout": 20,
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
    }
    # A file (not memory) for the test database, so a Celery worker process can share it.
    DATABASES["default"]["TEST"] = {"NAME": str(VAR_DIR / "test.sqlite3")}
    DATABASES["default"]["CONN_MAX_AGE"] = 0

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
AUTH_USER_MODEL = "provisioning.Account"
LOGIN_URL = "portal:login"
LOGIN_REDIRECT_URL = "portal:dashboard"
LOGOUT_REDIRECT_URL = "portal:login"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 10},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

LANGUAGE_CODE = "de"
LANGUAGES = [("de", _("Deutsch")), ("en", _("English"))]
LOCALE_PATHS = [BASE_DIR / "portal" / "locale"]
TIME_ZONE = "Europe/Berlin"
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
STATIC_ROOT.mkdir(exist_ok=True)
WHITENOISE_USE_FINDERS = True
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
# Fernet keys for secrets at rest (trunk passwords), newest first; derived from SECRET_KEY if unset.
FIELD_ENCRYPTION_KEYS = env_list("STIMME_FIELD_ENCRYPTION_KEYS", [])
MEDIA_ROOT = Path(env_str("STIMME_MEDIA_ROOT", str(VAR_DIR / "media")))

# E-mail: files in var/mail/ in the embedded default, SMTP when a host is configured.
EMAIL_HOST = env_str("STIMME_EMAIL_HOST")
EMAIL_PORT = env_int("STIMME_EMAIL_PORT", 25, minimum=1, maximum=65535)
EMAIL_USE_TLS = env_bool("STIMME_EMAIL_USE_TLS", False)
EMAIL_HOST_USER = env_str("STIMME_EMAIL_USER")
EMAIL_HOST_PASSWORD = env_str("STIMME_EMAIL_PASSWORD")
EMAIL_BACKEND = (
    "django.core.mail.backends.smtp.EmailBackend"
    if EMAIL_HOST
    else "django.core.mail.backends.filebased.EmailBackend"
)
EMAIL_FILE_PATH = VAR_DIR / "mail"
DEFAULT_FROM_EMAIL = env_str("STIMME_EMAIL_FROM", "stimme platform <noreply@stimme.example>")

# Celery: eager without a broker (embedded), real workers with one.
CELERY_BROKER_URL = env_url("CELERY_BROKER_URL", schemes=("redis", "rediss", "amqp"))
CELERY_RESULT_BACKEND = (
    env_url("CELERY_RESULT_BACKEND", schemes=("redis", "rediss", "db+postgresql")) or None
)
CELERY_TASK_ALWAYS_EAGER = not CELERY_BROKER_URL
CELERY_TASK_EAGER_PROPAGATES = True
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TIMEZONE = TIME_ZONE
CELERY_TASK_DEFAULT_QUEUE = env_str("STIMME_CELERY_QUEUE", "celery")
# Every periodic task of the platform, in one place.
CELERY_BEAT_SCHEDULE: dict[str, dict[str, object]] = {
    "demo-licenses-daily": {
        "task": "provisioning.tasks.demo_licenses_daily",
        "schedule": crontab(hour=6, minute=0),
    },
    # Billing: on the 1st of each month at 03:00 (Europe/Berlin), bill the month that ended.
    "billing-previous-month": {
        "task": "billing.tasks.bill_previous_month",
        "schedule": crontab(minute=0, hour=3, day_of_month=1),
    },
    # Status page: maintenance moves to in progress / completed at its start and end (STA-3);
    # outbox rows whose task was lost or whose worker died are sent again (STA-6); the static
    # copy is rewritten hourly so its 90-day bars and 7-day history move on with the clock.
    "status-maintenance-steps": {
        "task": "status.tasks.maintenance_tick",
        "schedule": crontab(minute="*"),
    },
    "status-outbox-sweep": {
        "task": "status.tasks.outbox_sweep",
        "schedule": crontab(minute="*"),
    },
    "status-export-hourly": {
        "task": "status.tasks.export_static_site",
        "schedule": crontab(minute=5),
    },
    # Support: every minute, tickets whose reaction or resolution time ran out or whose
    # estimate was missed are flagged and escalated one level (SUP-3, SUP-4); support mails
    # whose task was lost are sent.
    "support-ticket-clocks": {
        "task": "support.tasks.check_ticket_clocks",
        "schedule": crontab(minute="*"),
    },
    # Support: replies in the support mailbox become messages on their tickets (SUP-1, SUP-5);
    # does nothing while STIMME_SUPPORT_IMAP_HOST is empty.
    "support-fetch-mail": {
        "task": "support.tasks.fetch_support_mail",
        "schedule": crontab(minute="*"),
    },
}
# Public status page (docs/status.md): its public address (links in mails, feeds and the static
# copy), where the static copy is written, the SMS gateway, and the notification outbox.
STATUS_BASE_URL = env_str("STIMME_STATUS_BASE_URL", f"{PORTAL_BASE_URL}/status").rstrip("/")
STATUS_EXPORT_DIR = env_str("STIMME_STATUS_EXPORT_DIR")
STATUS_REPORT_URL = env_str("STIMME_STATUS_REPORT_URL")  # "report a problem" (STA-7)
STATUS_SMS_BACKEND = env_str("STIMME_SMS_BACKEND", "file")
if STATUS_SMS_BACKEND not in {"file", "http"}:
    raise ImproperlyConfigured(f"STIMME_SMS_BACKEND={STATUS_SMS_BACKEND!r}: expected file or http")
STATUS_SMS_URL = env_url("STIMME_SMS_URL", schemes=("http", "https"))
STATUS_SMS_TOKEN = env_str("STIMME_SMS_TOKEN")
STATUS_SMS_SENDER = env_str("STIMME_SMS_SENDER", "stimme")
STATUS_SMS_DIR = VAR_DIR / "sms"
STATUS_OUTBOX_BATCH = env_int("STIMME_STATUS_OUTBOX_BATCH", 500, minimum=1, maximum=10000)
STATUS_OUTBOX_LEASE_SECONDS = env_int(
    "STIMME_STATUS_OUTBOX_LEASE_SECONDS", 300, minimum=1, maximum=86400
)
STATUS_SUBSCRIBE_LIMIT_PER_ADDRESS = env_int(
    "STIMME_STATUS_SUBSCRIBE_LIMIT_PER_ADDRESS", 5, minimum=1
)
STATUS_SUBSCRIBE_LIMIT_PER_IP = env_int("STIMME_STATUS_SUBSCRIBE_LIMIT_PER_IP", 30, minimum=1)
STATUS_PAGE_CACHE_SECONDS = env_int("STIMME_STATUS_PAGE_CACHE_SECONDS", 60, minimum=0, maximum=3600)
# How often a web process asks the database whether the page changed (0: every request).
STATUS_PAGE_REVISION_CHECK_SECONDS = env_float(
    "STIMME_STATUS_PAGE_REVISION_CHECK_SECONDS", 1.0, minimum=0, maximum=60
)

# Support desk (docs/support.md): attachments (largest size, allowed content types) and the
# platform's escalation contacts for second-level tickets (management: level 3 only).
SUPPORT_ATTACHMENT_MAX_BYTES = env_int(
    "STIMME_SUPPORT_ATTACHMENT_MAX_BYTES", 10 * 1024 * 1024, minimum=1, maximum=100 * 1024 * 1024
)
SUPPORT_ATTACHMENT_TYPES = env_list(
    "STIMME_SUPPORT_ATTACHMENT_TYPES",
    ["application/pdf", "image/png", "image/jpeg", "text/plain", "audio/wav", "application/zip"],
)
SUPPORT_PLATFORM_ESCALATION_EMAILS = env_list("STIMME_SUPPORT_PLATFORM_ESCALATION_EMAILS", [])
SUPPORT_PLATFORM_MANAGEMENT_EMAILS = env_list("STIMME_SUPPORT_PLATFORM_MANAGEMENT_EMAILS", [])
# The support mailbox: support mails name it as Reply-To; replies are fetched from it by IMAP
# (support/inbound.py) when a host is set.
SUPPORT_MAILBOX_ADDRESS = env_str("STIMME_SUPPORT_MAILBOX_ADDRESS")
SUPPORT_IMAP_HOST = env_str("STIMME_SUPPORT_IMAP_HOST")
SUPPORT_IMAP_SSL = env_bool("STIMME_SUPPORT_IMAP_SSL", True)
SUPPORT_IMAP_PORT = env_int(
    "STIMME_SUPPORT_IMAP_PORT", 993 if SUPPORT_IMAP_SSL else 143, minimum=1, maximum=65535
)
SUPPORT_IMAP_USER = env_str("STIMME_SUPPORT_IMAP_USER")
SUPPORT_IMAP_PASSWORD = env_str("STIMME_SUPPORT_IMAP_PASSWORD")
SUPPORT_IMAP_FOLDER = env_str("STIMME_SUPPORT_IMAP_FOLDER", "INBOX")
# Where processed mail is moved (empty: it stays in the folder, flagged as seen).
SUPPORT_IMAP_PROCESSED_FOLDER = env_str("STIMME_SUPPORT_IMAP_PROCESSED_FOLDER")

# Cache (status page, subscription rate limits, throttling): Redis when configured, else per
# process.
_cache_url = env_url("STIMME_CACHE_URL", schemes=("redis", "rediss"))
CACHES = {
    "default": (
        {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": _cache_url}
        if _cache_url
        else {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}
    )
}

# Throttling (docs/operations.md): failed logins and API keys per 15 minutes, password-reset and
# invitation mails per hour; counted in the cache above.
THROTTLE_LOGIN_WINDOW = env_int("STIMME_THROTTLE_LOGIN_WINDOW", 900, minimum=1, maximum=86400)
THROTTLE_LOGIN_PER_ACCOUNT = env_int("STIMME_THROTTLE_LOGIN_PER_ACCOUNT", 10, minimum=1)
THROTTLE_LOGIN_PER_IP = env_int("STIMME_THROTTLE_LOGIN_PER_IP", 30, minimum=1)
THROTTLE_API_KEY_PER_IP = env_int("STIMME_THROTTLE_API_KEY_PER_IP", 30, minimum=1)
THROTTLE_MAIL_WINDOW = env_int("STIMME_THROTTLE_MAIL_WINDOW", 3600, minimum=1, maximum=86400)
THROTTLE_RESET_PER_ADDRESS = env_int("STIMME_THROTTLE_RESET_PER_ADDRESS", 3, minimum=1)
THROTTLE_RESET_PER_IP = env_int("STIMME_THROTTLE_RESET_PER_IP", 10, minimum=1)
THROTTLE_INVITE_PER_ADDRESS = env_int("STIMME_THROTTLE_INVITE_PER_ADDRESS", 3, minimum=1)
THROTTLE_INVITE_PER_IP = env_int("STIMME_THROTTLE_INVITE_PER_IP", 100, minimum=1)

STIMME_STRIPE_SECRET_KEY = env_str("STIMME_STRIPE_SECRET_KEY")
STIMME_STRIPE_API_BASE = env_url("STIMME_STRIPE_API_BASE", schemes=("http", "https"))
STIMME_STRIPE_WEBHOOK_SECRET = env_str("STIMME_STRIPE_WEBHOOK_SECRET")

# Network readiness thresholds (NET-1): one-way delay, jitter, packet loss.
NETCHECK_MAX_DELAY_MS = env_float("STIMME_NETCHECK_MAX_DELAY_MS", 150.0, minimum=1, maximum=1000)
NETCHECK_MAX_JITTER_MS = env_float("STIMME_NETCHECK_MAX_JITTER_MS", 20.0, minimum=1, maximum=500)
NETCHECK_MAX_LOSS_PERCENT = env_float(
    "STIMME_NETCHECK_MAX_LOSS_PERCENT", 1.0, minimum=0.01, maximum=50
)

REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "provisioning.api.auth.ApiKeyAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    "DEFAULT_RENDERER_CLASSES": ["rest_framework.renderers.JSONRenderer"],
    "DEFAULT_PARSER_CLASSES": ["provisioning.api.parsers.NestingLimitedJSONParser"],
    "DEFAULT_FILTER_BACKENDS": [
        "provisioning.api.filters.IdFilterBackend",
        "rest_framework.filters.OrderingFilter",
    ],
    "DEFAULT_PAGINATION_CLASS": "provisioning.api.pagination.Pagination",
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "EXCEPTION_HANDLER": "provisioning.api.errors.exception_handler",
    "UNAUTHENTICATED_USER": "django.contrib.auth.models.AnonymousUser",
}

SPECTACULAR_SETTINGS = {
    "TITLE": "stimme platform API",
    "DESCRIPTION": "REST API for resellers and customer admins of the stimme telephone system.",
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "COMPONENT_SPLIT_REQUEST": True,
    "SWAGGER_UI_DIST": "/static/vendor/swagger-ui",
    "SWAGGER_UI_FAVICON_HREF": "/static/vendor/swagger-ui/favicon-32x32.png",
    "ENUM_NAME_OVERRIDES": {
        "TicketKindEnum": "support.models.Kind",
        "TicketStateEnum": "support.models.State",
        "TicketSeverityEnum": "support.models.Severity",
    },
}

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env_str("STIMME_LOG_LEVEL", "INFO")},
    # pikepdf announces its C++ log bridge at INFO on first use.
    "loggers": {"pikepdf": {"level": "WARNING"}},
}
