"""Django settings for POLIS Assess, read from environment variables with safe defaults."""

from __future__ import annotations

import os
from datetime import timedelta
from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured

BASE_DIR = Path(__file__).resolve().parent.parent


def _env_bool(name: str, default: bool) -> bool:
    raw = os.environ.get(name)
    if raw is None or raw == "":
        return default
    value = raw.strip().lower()
    if value in {"1", "true", "yes", "on"}:
        return True
    if value in {"0", "false", "no", "off"}:
        return False
    raise ImproperlyConfigured(f"{name} must be a boolean (true/false, 1/0, yes/no), got {raw!r}")


def _env_int(name: str, default: int) -> int:
    raw = os.environ.get(name)
    if raw is None or raw == "":
        return default
    try:
        return int(raw)
    except ValueError:
        raise ImproperlyConfigured(f"{name} must be an integer, got {raw!r}") from None


def _env_list(name: str, default: list[str]) -> list[str]:
    raw = os.environ.get(name)
    if raw is None or raw.strip() == "":
        return default
    return [item.strip() for item in raw.split(",") if item.strip()]


def _env_str(name: str, default: str) -> str:
    return os.environ.get(name) or default


def _env_days(name: str, default: list[int]) -> list[int]:
    """A comma-separated list of whole numbers of days, each at least 1 ("7,2")."""
    raw = os.environ.get(name)
    if raw is None or raw.strip() == "":
        return default
    try:
        days = [int(item) for item in raw.split(",") if item.strip()]
    except ValueError:
        raise ImproperlyConfigured(
            f"{name} must be whole numbers of days separated by commas, got {raw!r}"
        ) from None
    if not days or min(days) < 1:
        raise ImproperlyConfigured(f"{name} must list numbers of days of at least 1, got {raw!r}")
    return sorted(set(days), reverse=True)


DEBUG = _env_bool("DJANGO_DEBUG", False)

_DEV_SECRET_KEY = "dev-only-insecure-key-do-not-use-in-production-3f9a0c1e7b"  # noqa: S105  refused unless DEBUG
SECRET_KEY = os.environ.get("DJANGO_SECRET_KEY", "")
if not SECRET_KEY:
    if not DEBUG:
        raise ImproperlyConfigured(
            "DJANGO_SECRET_KEY must be set when DJANGO_DEBUG is off "
            "(set DJANGO_DEBUG=true for local development)"
        )
    SECRET_KEY = _DEV_SECRET_KEY
elif len(SECRET_KEY) < 50 and not DEBUG:
    raise ImproperlyConfigured("DJANGO_SECRET_KEY must be at least 50 characters long")

ALLOWED_HOSTS = _env_list(
    "DJANGO_ALLOWED_HOSTS", ["127.0.0.1", "localhost", "[::1]"] if DEBUG else []
)
CSRF_TRUSTED_ORIGINS = _env_list("CSRF_TRUSTED_ORIGINS", [])
for _origin in CSRF_TRUSTED_ORIGINS:
    if "://" not in _origin:
        raise ImproperlyConfigured(
            f"CSRF_TRUSTED_ORIGINS entries need a scheme (https://...), got {_origin!r}"
        )

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.postgres",
    "crispy_forms",
    "crispy_bootstrap5",
    "axes",
    "csp",
    "simple_history",
    "surveys",
    "scoring",
    "operations",
]

MIDDLEWARE = [
    # First, so that nothing reads an over-long body.
    "polis_assess.middleware.RequestBodyLimitMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    # After whitenoise, whose static files are meant to be cached.
    "polis_assess.middleware.PrivateResponsesMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "polis_assess.middleware.LoginRequiredMiddleware",
    # After the log-in check: a signed-in person's own language wins over cookie and browser.
    "surveys.middleware.PreferredLanguageMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "csp.middleware.CSPMiddleware",
    "simple_history.middleware.HistoryRequestMiddleware",
    # Last, as django-axes asks: it turns a lockout raised during login into its response.
    "axes.middleware.AxesMiddleware",
]

AUTHENTICATION_BACKENDS = [
    "polis_assess.auth.ThrottlingBackend",
    "polis_assess.auth.AccountBackend",
]
# Lock a username + IP pair after repeated failures; the same account still works elsewhere.
AXES_FAILURE_LIMIT = _env_int("POLIS_LOGIN_FAILURE_LIMIT", 5)
AXES_COOLOFF_TIME = timedelta(minutes=_env_int("POLIS_LOGIN_COOLOFF_MINUTES", 15))
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_TEMPLATE = "registration/locked_out.html"
# Behind the proxy every connection comes from the proxy: lock the address it forwarded instead.
AXES_CLIENT_IP_CALLABLE = "polis_assess.client_address.client_address"

# Scripts only from our own origin; plotly and Bootstrap set inline styles, so styles may.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'", "'unsafe-inline'"],
        "img-src": ["'self'", "data:"],
        "font-src": ["'self'", "data:"],
        "connect-src": ["'self'"],
        "object-src": ["'none'"],
        "base-uri": ["'self'"],
        "form-action": ["'self'"],
        "frame-ancestors": ["'none'"],
    }
}

# Uploads: one view takes one file (the facilitators' CSV of invitations, capped by the view);
# everywhere else a file part is refused (400) before a byte of it is stored: the request body
# middleware gives every view but that one the refusing handler below, which is also the
# default of any request no view sees. A body over the limit (form fields are capped at
# Django's 2.5 MB) is refused (413) unread. See polis_assess/uploads.py.
DATA_UPLOAD_MAX_NUMBER_FILES = 1
DATA_UPLOAD_MAX_MEMORY_SIZE = 2_621_440
FILE_UPLOAD_HANDLERS = ["polis_assess.uploads.RefuseFilesUploadHandler"]
REQUEST_BODY_MAX_BYTES = _env_int("POLIS_REQUEST_BODY_MAX_BYTES", 3 * 1024 * 1024)

ROOT_URLCONF = "polis_assess.urls"
WSGI_APPLICATION = "polis_assess.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "surveys.context_processors.membership",
                "polis_assess.context_processors.session_timeout",
            ],
        },
    },
]

# PostgreSQL only. Without DATABASE_URL an embedded server (the pgserver package) is started
# on the first connection, with its data under var/.
DATABASE_URL = os.environ.get("DATABASE_URL", "")
EMBEDDED_PGDATA = Path(_env_str("POLIS_PGDATA", str(BASE_DIR / "var" / "pgdata")))
_CONN_MAX_AGE = _env_int("DJANGO_CONN_MAX_AGE", 60)
if DATABASE_URL:
    try:
        _db = dj_database_url.parse(
            DATABASE_URL, conn_max_age=_CONN_MAX_AGE, conn_health_checks=True
        )
    except ValueError as error:
        raise ImproperlyConfigured(f"DATABASE_URL is not a valid database URL: {error}") from None
    if _db["ENGINE"] != "django.db.backends.postgresql":
        raise ImproperlyConfigured("DATABASE_URL must point to PostgreSQL (postgres://...)")
else:
    _db = {
        "ENGINE": "polis_assess.embedded_postgres",
        "NAME": _env_str("POLIS_DB_NAME", "polis_assess"),
        "USER": "postgres",
        "PASSWORD": "",
        "HOST": "",
        "PORT": "",
        "CONN_MAX_AGE": _CONN_MAX_AGE,
        "CONN_HEALTH_CHECKS": True,
        "OPTIONS": {"pgdata": str(EMBEDDED_PGDATA)},
    }
_db["ATOMIC_REQUESTS"] = False
# Behind a pooler in transaction mode (docs/deploy.md), whose clients change server connections.
_db["DISABLE_SERVER_SIDE_CURSORS"] = _env_bool("DJANGO_DB_DISABLE_SERVER_SIDE_CURSORS", False)
# One test database per test process, so two test runs on one server never collide.
_db["TEST"] = {"NAME": f"test_{_db['NAME']}_{os.getpid()}"}
DATABASES = {"default": _db}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# Argon2 would need another native package; PBKDF2 at Django's current iteration count is the
# strong default, and older hashes are upgraded on login.
PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2SHA1PasswordHasher",
]

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 10},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "login"

LANGUAGE_CODE = "en"
LANGUAGES = [("en", "English"), ("nl", "Nederlands"), ("fr", "Français")]
LOCALE_PATHS = [BASE_DIR / "locale"]
# The rule for the language a signed-in person reads (theirs, else their city's; None: the
# browser's), named here because this package imports no app: emails use it too.
POLIS_USER_LANGUAGE = "surveys.languages.preferred_language"
TIME_ZONE = _env_str("DJANGO_TIME_ZONE", "Europe/Brussels")
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = BASE_DIR / "var" / "staticfiles"
STATICFILES_DIRS = [
    BASE_DIR / "static",
    # Installed from the npm registry by `make install` (package.json), never a CDN.
    ("vendor/bootstrap", BASE_DIR / "node_modules" / "bootstrap" / "dist"),
    # plotly.js with the trace types our charts use, bundled by `make install` from npm.
    ("vendor/plotly", BASE_DIR / "build" / "plotly"),
]
STATICFILES_FINDERS = [
    "django.contrib.staticfiles.finders.FileSystemFinder",
    "django.contrib.staticfiles.finders.AppDirectoriesFinder",
]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": (
            "django.contrib.staticfiles.storage.StaticFilesStorage"
            if DEBUG
            else "whitenoise.storage.CompressedManifestStaticFilesStorage"
        )
    },
}

CRISPY_ALLOWED_TEMPLATE_PACKS = "bootstrap5"
CRISPY_TEMPLATE_PACK = "bootstrap5"

EMAIL_BACKEND = _env_str(
    "DJANGO_EMAIL_BACKEND",
    "django.core.mail.backends.console.EmailBackend"
    if DEBUG
    else "django.core.mail.backends.smtp.EmailBackend",
)
EMAIL_HOST = _env_str("DJANGO_EMAIL_HOST", "localhost")
EMAIL_PORT = _env_int("DJANGO_EMAIL_PORT", 25)
EMAIL_HOST_USER = _env_str("DJANGO_EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = _env_str("DJANGO_EMAIL_HOST_PASSWORD", "")
EMAIL_USE_TLS = _env_bool("DJANGO_EMAIL_USE_TLS", False)
DEFAULT_FROM_EMAIL = _env_str("DJANGO_DEFAULT_FROM_EMAIL", "POLIS Assess <noreply@localhost>")
SERVER_EMAIL = DEFAULT_FROM_EMAIL


def _site_url() -> str:
    """The address links in e-mails start with: POLIS_SITE_URL, else the development server in
    debug, else https:// and the first allowed host."""
    raw = os.environ.get("POLIS_SITE_URL", "").strip()
    if not raw:
        if DEBUG:
            return "http://127.0.0.1:8000"
        host = ALLOWED_HOSTS[0] if ALLOWED_HOSTS else ""
        if not host or host == "*" or host.startswith("."):
            raise ImproperlyConfigured(
                "POLIS_SITE_URL must be set (e.g. https://assess.polis.example) when "
                "DJANGO_ALLOWED_HOSTS names no single host"
            )
        raw = f"https://{host}"
    if not raw.startswith(("http://", "https://")) or "?" in raw or "#" in raw:
        raise ImproperlyConfigured(
            f"POLIS_SITE_URL must be an http:// or https:// address without query, got {raw!r}"
        )
    return raw.rstrip("/")


# Links in e-mails (invitations, reminders, confirmations) are this address + the page's path.
POLIS_SITE_URL = _site_url()
# Invitation links (to set a first password) work once, for this long.
INVITATION_LINK_TIMEOUT = _env_int("POLIS_INVITATION_LINK_DAYS", 14) * 24 * 60 * 60
# Officers who have not submitted are reminded this many days before a round's deadline, and on
# the day itself (`manage.py send_reminders`, run every hour).
REMINDER_DAYS_BEFORE = _env_days("POLIS_REMINDER_DAYS", [7, 2])

# Security: safe production defaults; development (DEBUG) relaxes only what plain HTTP needs.
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_AGE = _env_int("DJANGO_SESSION_COOKIE_AGE", 60 * 60 * 8)
SESSION_ENGINE = "polis_assess.sessions"  # Django's database sessions, telling the time left
# Pages warn this long before the session ends and offer to stay signed in (WCAG 2.2.1).
SESSION_EXPIRY_WARNING_SECONDS = _env_int("POLIS_SESSION_WARNING_SECONDS", 5 * 60)
SESSION_COOKIE_SECURE = _env_bool("DJANGO_SECURE_COOKIES", not DEBUG)
CSRF_COOKIE_SECURE = SESSION_COOKIE_SECURE
# Our scripts post the form's token (section.js sends FormData) and never read the cookie.
CSRF_COOKIE_HTTPONLY = True
SECURE_SSL_REDIRECT = _env_bool("DJANGO_SECURE_SSL_REDIRECT", not DEBUG)
SECURE_HSTS_SECONDS = _env_int("DJANGO_SECURE_HSTS_SECONDS", 0 if DEBUG else 60 * 60 * 24 * 365)
SECURE_HSTS_INCLUDE_SUBDOMAINS = not DEBUG
SECURE_HSTS_PRELOAD = _env_bool("DJANGO_SECURE_HSTS_PRELOAD", not DEBUG)
# One trusted proxy in front: its X-Forwarded-Proto and the last X-Forwarded-For entry it adds.
BEHIND_PROXY = _env_bool("DJANGO_BEHIND_PROXY", False)
if BEHIND_PROXY:
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": _env_str("DJANGO_LOG_LEVEL", "INFO")},
    # The embedded server logs every start and handle at INFO; only problems matter here.
    "loggers": {
        "pgserver": {"level": "WARNING"},
        "weasyprint": {"level": "WARNING"},
        "fontTools": {"level": "WARNING"},
    },
}

# Password-reset mails an hour: per e-mail address, and per client address (a city hall's
# officers may share one). Counted in the cache below.
PASSWORD_RESET_MAILS_PER_ADDRESS = _env_int("POLIS_PASSWORD_RESET_PER_ADDRESS", 3)
PASSWORD_RESET_MAILS_PER_CLIENT = _env_int("POLIS_PASSWORD_RESET_PER_CLIENT", 10)
# One process: Django's local-memory cache. Several app servers must share their counts: set
# POLIS_CACHE_TABLE and run `manage.py createcachetable` (docs/deploy.md).
_CACHE_TABLE = _env_str("POLIS_CACHE_TABLE", "")
CACHES = {
    "default": (
        {"BACKEND": "django.core.cache.backends.db.DatabaseCache", "LOCATION": _CACHE_TABLE}
        if _CACHE_TABLE
        else {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}
    )
}

# Demo accounts created by `manage.py seed_demo` share this password (development only).
DEMO_PASSWORD = _env_str("POLIS_DEMO_PASSWORD", "polis-demo-2021")

# Retention of sessions and log-in records (`manage.py prune_personal_data`).
PERSONAL_DATA_RETENTION_DAYS = _env_int("POLIS_RETENTION_DAYS", 90)

# Officers see figures of other cities (the medians of cities) only where at least this many
# other cities have a score: with fewer, a city's score follows from the median and one's own.
PEER_FIGURES_MIN_OTHER_CITIES = _env_int("POLIS_PEER_THRESHOLD", 3)
