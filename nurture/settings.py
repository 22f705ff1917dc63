"""Nurture settings: one file, read from the environment, with safe local defaults.

Every variable is listed in `.env.example`. A bad value stops start-up with a
message naming the variable.
"""

from __future__ import annotations

import os
from pathlib import Path

import dj_database_url
from cryptography.fernet import Fernet
from csp.constants import NONE as _CSP_NONE
from csp.constants import SELF as _CSP_SELF
from django.core.exceptions import ImproperlyConfigured

BASE_DIR = Path(__file__).resolve().parent.parent

_TRUE = {"1", "true", "yes", "on"}
_FALSE = {"0", "false", "no", "off", ""}


def envbool(name: str, default: bool) -> bool:
    raw = os.environ.get(name)
    if raw is None:
        return default
    value = raw.strip().lower()
    if value in _TRUE:
        return True
    if value in _FALSE:
        return False
    raise ImproperlyConfigured(f"{name} must be true or false, not {raw!r}")


def envint(name: str, default: int) -> int:
    raw = os.environ.get(name)
    if raw is None or raw.strip() == "":
        return default
    try:
        return int(raw)
    except ValueError:
        raise ImproperlyConfigured(f"{name} must be a whole number, not {raw!r}") from None


def envlist(name: str, default: str) -> list[str]:
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


def envdays(name: str) -> dict[str, int] | None:
    """`submitted:21,under_review:35`: whole numbers of days by name; None when unset or empty."""
    raw = os.environ.get(name, "")
    if not raw.strip():
        return None
    days: dict[str, int] = {}
    for item in raw.split(","):
        key, colon, value = item.partition(":")
        try:
            number = int(value)
        except ValueError:
            number = -1
        if not colon or not key.strip() or number < 0:
            raise ImproperlyConfigured(f"{name} must be name:days pairs, e.g. submitted:21,appeal:28, not {raw!r}")
        days[key.strip()] = number
    return days


def envfernetkeys(name: str, default: str) -> list[str]:
    """Comma-separated Fernet keys (`Fernet.generate_key()`); at least one is required."""
    keys = envlist(name, default)
    if not keys:
        raise ImproperlyConfigured(f"{name} must be set when DJANGO_DEBUG is false (see docs/operations.md)")
    for number, key in enumerate(keys, start=1):
        try:
            Fernet(key)
        except ValueError:
            raise ImproperlyConfigured(
                f"{name}: key {number} is not a Fernet key (32 url-safe base64-encoded bytes)"
            ) from None
    return keys


DEBUG = envbool("DJANGO_DEBUG", True)
_INSECURE_KEY = "django-insecure-local-development-only"
SECRET_KEY = os.environ.get("DJANGO_SECRET_KEY", _INSECURE_KEY if DEBUG else "")
if not SECRET_KEY:
    raise ImproperlyConfigured("DJANGO_SECRET_KEY must be set when DJANGO_DEBUG is false")
ALLOWED_HOSTS = envlist("DJANGO_ALLOWED_HOSTS", "127.0.0.1,localhost,testserver")
CSRF_TRUSTED_ORIGINS = envlist("DJANGO_CSRF_TRUSTED_ORIGINS", "")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.forms",
    "django_htmx",
    "csp",
    "allauth",
    "allauth.account",
    "allauth.mfa",
    "django_tasks",
    "django_tasks_db",
    "ninja",
    "nurture.core",
    "nurture.accounts",
    "nurture.framework",
    "nurture.portfolios",
    "nurture.endorsements",
    "nurture.register",
    "nurture.campaigns",
    "nurture.events",
    "nurture.exams",
    "nurture.training",
    "nurture.surveys",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    # Public pages kept whole and the feeds' 304s, answered before every layer below
    # (core/visitor_cache.py): the kept copy holds the headers those layers added.
    "nurture.core.visitor_cache.serve_early",
    "csp.middleware.CSPMiddleware",
    "nurture.core.middleware.permissions_policy",
    # Before anything else reads the request (serve_early asks the same question itself):
    # a NUL in it is a 400, never a query (core/middleware.py).
    "nurture.core.middleware.refuse_nul_characters",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "allauth.account.middleware.AccountMiddleware",
    "nurture.accounts.middleware.allauth_posts_atomic",
    "django_htmx.middleware.HtmxMiddleware",
]

ROOT_URLCONF = "nurture.urls"
WSGI_APPLICATION = "nurture.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "nurture" / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "nurture.core.context_processors.navigation",
                "nurture.core.context_processors.association",
            ],
        },
    },
]

DATABASES = {
    "default": dj_database_url.parse(
        os.environ.get("DATABASE_URL", f"sqlite:///{BASE_DIR / 'db.sqlite3'}"),
        # Persistent connections: opening one per request costs more than most pages.
        conn_max_age=envint("DATABASE_CONN_MAX_AGE", 60),
        conn_health_checks=True,
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql" and envbool("DATABASE_PREPARED_STATEMENTS", True):
    # Parameters sent apart from the SQL (server-side binding) and a statement prepared
    # once it has run five times on a connection: PostgreSQL then skips parsing and
    # planning the queries every request repeats. Off (false) behind a pooler that
    # hands a connection to another client between transactions (PgBouncer's
    # transaction mode), where a prepared statement may not exist on the next one.
    DATABASES["default"].setdefault("OPTIONS", {})
    DATABASES["default"]["OPTIONS"].update({"server_side_binding": True, "prepare_threshold": 5})
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    DATABASES["default"].setdefault("OPTIONS", {})
    DATABASES["default"]["OPTIONS"].update(
        {
            "transaction_mode": "IMMEDIATE",
            # cache_size: up to 64 MiB of pages kept per connection (SQLite's default is
            # 2 MiB, smaller than the Register's name index at 100,000 entries, so a search
            # read its pages from the operating system again each time: two-word searches
            # took a quarter longer).
            "init_command": (
                "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA busy_timeout=5000; "
                "PRAGMA cache_size=-65536;"
            ),
        }
    )
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# A database cache keeps login rate limits shared by every web process.
CACHES = {
    "default": {
        "BACKEND": "django.core.cache.backends.db.DatabaseCache",
        "LOCATION": "nurture_cache",
    }
}

AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = [
    # ModelBackend with the user read of each request prepared once (accounts/backends.py).
    "nurture.accounts.backends.ModelBackend",
    # Sessions signed in before it was first: they still name Django's own.
    "django.contrib.auth.backends.ModelBackend",
    "allauth.account.auth_backends.AuthenticationBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 12},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
    {"NAME": "nurture.accounts.passwords.MaximumLengthValidator", "OPTIONS": {"max_length": 1024}},
]
LOGIN_URL = "account_login"
LOGIN_REDIRECT_URL = "core:dashboard"

# django-allauth: email is the login, verified before the account can be used.
ACCOUNT_LOGIN_METHODS = {"email"}
ACCOUNT_SIGNUP_FIELDS = ["email*", "password1*", "password2*"]
ACCOUNT_EMAIL_VERIFICATION = "mandatory"
ACCOUNT_CONFIRM_EMAIL_ON_GET = False
ACCOUNT_LOGIN_ON_EMAIL_CONFIRMATION = True
ACCOUNT_UNIQUE_EMAIL = True
ACCOUNT_USER_MODEL_USERNAME_FIELD = None
ACCOUNT_LOGOUT_ON_PASSWORD_CHANGE = False
ACCOUNT_SIGNUP_FORM_CLASS = "nurture.accounts.forms.SignupForm"
# Every allauth form refuses control characters, as every other form does, and speaks as the site does.
ACCOUNT_FORMS = {
    "login": "nurture.accounts.allauth_forms.LoginForm",
    "signup": "nurture.accounts.allauth_forms.SignupForm",
    "add_email": "nurture.accounts.allauth_forms.AddEmailForm",
    "change_password": "nurture.accounts.allauth_forms.ChangePasswordForm",
    "set_password": "nurture.accounts.allauth_forms.SetPasswordForm",
    "reset_password": "nurture.accounts.allauth_forms.ResetPasswordForm",
    "reset_password_from_key": "nurture.accounts.allauth_forms.ResetPasswordKeyForm",
    "reauthenticate": "nurture.accounts.allauth_forms.ReauthenticateForm",
    "request_login_code": "nurture.accounts.allauth_forms.RequestLoginCodeForm",
    "confirm_login_code": "nurture.accounts.allauth_forms.ConfirmLoginCodeForm",
    "confirm_reauthentication_code": "nurture.accounts.allauth_forms.ConfirmReauthenticationCodeForm",
}
MFA_FORMS = {
    "authenticate": "nurture.accounts.allauth_forms.MFAAuthenticateForm",
    "reauthenticate": "nurture.accounts.allauth_forms.MFAReauthenticateForm",
    "activate_totp": "nurture.accounts.allauth_forms.ActivateTOTPForm",
    "deactivate_totp": "nurture.accounts.allauth_forms.DeactivateTOTPForm",
    "generate_recovery_codes": "nurture.accounts.allauth_forms.GenerateRecoveryCodesForm",
}
# allauth's emails (verification, password reset, security notices) go through the outbox.
ACCOUNT_ADAPTER = "nurture.accounts.adapter.AccountAdapter"
ACCOUNT_EMAIL_SUBJECT_PREFIX = "[Nurture] "
# Failed logins are slowed down: after five failures for one address in five
# minutes (or twenty from one network), further attempts are refused for a while.
ACCOUNT_RATE_LIMITS = {
    "login_failed": os.environ.get("NURTURE_LOGIN_FAILED_LIMIT", "20/5m/ip,5/5m/key"),
}
MFA_SUPPORTED_TYPES = ["totp", "recovery_codes"]
MFA_TOTP_ISSUER = "Nurture"
# Staff TOTP secrets and recovery-code seeds are stored encrypted (nurture/accounts/mfa_secrets.py)
# with these Fernet keys, comma-separated: the first encrypts, all decrypt (rotation).
MFA_ADAPTER = "nurture.accounts.adapter.MFAAdapter"
_DEVELOPMENT_MFA_KEY = "bnVydHVyZS1kZXZlbG9wbWVudC1vbmx5LW1mYS1rZXk="  # "nurture-development-only-mfa-key"
NURTURE_MFA_KEYS = envfernetkeys("NURTURE_MFA_KEYS", _DEVELOPMENT_MFA_KEY if DEBUG else "")

LANGUAGE_CODE = "en-gb"
TIME_ZONE = "Europe/London"
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = Path(os.environ.get("DJANGO_STATIC_ROOT", BASE_DIR / "staticfiles"))
STORAGES = {
    # Uploads live outside the web root and are served only through views
    # that check who is asking; there is deliberately no MEDIA_URL.
    "default": {
        "BACKEND": "django.core.files.storage.FileSystemStorage",
        "OPTIONS": {
            "location": os.environ.get("NURTURE_PRIVATE_MEDIA_ROOT", str(BASE_DIR / "private-media")),
            "base_url": "/nowhere/",
        },
    },
    "staticfiles": {
        "BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"
        if not DEBUG
        else "django.contrib.staticfiles.storage.StaticFilesStorage",
    },
}
NURTURE_UPLOAD_MAX_BYTES = envint("NURTURE_UPLOAD_MAX_BYTES", 10 * 1024 * 1024)
# A Word file is a zip: judged from its directory, never expanded (core/uploads.py).
NURTURE_UPLOAD_ZIP_MAX_BYTES = envint("NURTURE_UPLOAD_ZIP_MAX_BYTES", 100 * 1024 * 1024)
NURTURE_UPLOAD_ZIP_MAX_RATIO = envint("NURTURE_UPLOAD_ZIP_MAX_RATIO", 100)
NURTURE_UPLOAD_ZIP_MAX_MEMBERS = envint("NURTURE_UPLOAD_ZIP_MAX_MEMBERS", 1000)
# A request's body, files apart, and its number of form fields: the longest form
# (20,000 characters of evidence, each up to 12 bytes once encoded) is far below.
# Over the limit, Django answers 400 (templates/400.html) without reading the rest.
# Files are streamed to disk past FILE_UPLOAD_MAX_MEMORY_SIZE and refused past
# NURTURE_UPLOAD_MAX_BYTES; the proxy's body limit caps the whole request.
DATA_UPLOAD_MAX_MEMORY_SIZE = envint("DJANGO_DATA_UPLOAD_MAX_MEMORY_SIZE", 2_621_440)
DATA_UPLOAD_MAX_NUMBER_FIELDS = envint("DJANGO_DATA_UPLOAD_MAX_NUMBER_FIELDS", 1000)
FILE_UPLOAD_MAX_MEMORY_SIZE = envint("DJANGO_FILE_UPLOAD_MAX_MEMORY_SIZE", 2_621_440)
NURTURE_SUPERVISION_LINK_DAYS = envint("NURTURE_SUPERVISION_LINK_DAYS", 14)
NURTURE_REFERENCE_LINK_DAYS = envint("NURTURE_REFERENCE_LINK_DAYS", 21)
# Days an application is expected to spend in a state, shown to the practitioner as "Expected
# by": overrides of endorsements.workflow.EXPECTED_DAYS by state; None keeps that table.
NURTURE_APPLICATION_EXPECTED_DAYS = envdays("NURTURE_APPLICATION_EXPECTED_DAYS")
NURTURE_PLEDGE_ANONYMISE_DAYS = envint("NURTURE_PLEDGE_ANONYMISE_DAYS", 90)
NURTURE_PLEDGE_LIMIT_PER_ADDRESS = envint("NURTURE_PLEDGE_LIMIT_PER_ADDRESS", 10)
NURTURE_PLEDGE_LIMIT_PER_NETWORK = envint("NURTURE_PLEDGE_LIMIT_PER_NETWORK", 40)
# How long a place freed on a full cohort or open day is held for the person offered it.
NURTURE_TRAINING_OFFER_HOURS = envint("NURTURE_TRAINING_OFFER_HOURS", 48)
NURTURE_EVENTS_SUBMIT_PER_HOUR = envint("NURTURE_EVENTS_SUBMIT_PER_HOUR", 10)
NURTURE_EVENTS_MAX_LINKS = envint("NURTURE_EVENTS_MAX_LINKS", 3)
NURTURE_EVENTS_MAX_DESCRIPTION = envint("NURTURE_EVENTS_MAX_DESCRIPTION", 5000)

EMAIL_BACKEND = os.environ.get(
    "DJANGO_EMAIL_BACKEND",
    "django.core.mail.backends.console.EmailBackend" if DEBUG else "django.core.mail.backends.smtp.EmailBackend",
)
EMAIL_HOST = os.environ.get("DJANGO_EMAIL_HOST", "localhost")
EMAIL_PORT = envint("DJANGO_EMAIL_PORT", 25)
EMAIL_HOST_USER = os.environ.get("DJANGO_EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = os.environ.get("DJANGO_EMAIL_HOST_PASSWORD", "")
EMAIL_USE_TLS = envbool("DJANGO_EMAIL_USE_TLS", False)
# The SMTP conversation gives up after this many seconds; the outbox retries later.
EMAIL_TIMEOUT = envint("DJANGO_EMAIL_TIMEOUT", 30)
DEFAULT_FROM_EMAIL = os.environ.get("DJANGO_DEFAULT_FROM_EMAIL", "Nurture <no-reply@nurture.localhost>")
NURTURE_SITE_URL = os.environ.get("NURTURE_SITE_URL", "http://127.0.0.1:8000").rstrip("/")
# Who runs the site and how people reach them: the footer, the contact, privacy and
# accessibility pages, and the greeting of every email say so.
NURTURE_ASSOCIATION_NAME = os.environ.get("NURTURE_ASSOCIATION_NAME", "the Infant Mental Health Association")
NURTURE_CONTACT_EMAIL = os.environ.get("NURTURE_CONTACT_EMAIL", "contact@nurture.localhost")
# What is deployed (a commit id, say): part of the keys of rendered output in the shared
# cache, so a new release never serves fragments its old templates made. Empty: a digest of
# the code, worked out once per process.
NURTURE_RELEASE = os.environ.get("NURTURE_RELEASE", "")
# The outbox (nurture/core/outbox.py): a message the mail server does not take is
# retried, ever less often, for this many hours before it is marked failed.
NURTURE_EMAIL_RETRY_HOURS = envint("NURTURE_EMAIL_RETRY_HOURS", 24)
# The text of a sent, bounced or failed email (with its single-use links) is blanked
# this many days after it was written, by the daily job; who, when and how it went stay.
NURTURE_EMAIL_KEEP_BODY_DAYS = envint("NURTURE_EMAIL_KEEP_BODY_DAYS", 30)
# Messages to an address someone typed (supervisors, referees, pledge signers,
# alert subscribers, new accounts): at most this many to one address, and from
# one account or network, per hour and per day. Over a limit nothing is sent; 0 turns one off.
NURTURE_EMAIL_LIMIT_PER_ADDRESS_HOUR = envint("NURTURE_EMAIL_LIMIT_PER_ADDRESS_HOUR", 10)
NURTURE_EMAIL_LIMIT_PER_ADDRESS_DAY = envint("NURTURE_EMAIL_LIMIT_PER_ADDRESS_DAY", 20)
NURTURE_EMAIL_LIMIT_PER_SENDER_HOUR = envint("NURTURE_EMAIL_LIMIT_PER_SENDER_HOUR", 30)
NURTURE_EMAIL_LIMIT_PER_SENDER_DAY = envint("NURTURE_EMAIL_LIMIT_PER_SENDER_DAY", 100)

# Background work: inline while developing and testing, the database queue and
# its worker (`manage.py task_worker`) in production.
TASKS = {
    "default": {
        "BACKEND": os.environ.get(
            "NURTURE_TASK_BACKEND",
            "django_tasks.backends.immediate.ImmediateBackend" if DEBUG else "django_tasks_db.DatabaseBackend",
        ),
    }
}

SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
# How many reverse proxies in front of the web processes append the client's address to
# X-Forwarded-For. 0 (the default) reads the connection's own address; behind one nginx, 1.
# Email limits and the pledge's limits count visitors by this address; allauth's login
# limits too.
NURTURE_TRUSTED_PROXY_COUNT = envint("NURTURE_TRUSTED_PROXY_COUNT", 0)
ALLAUTH_TRUSTED_PROXY_COUNT = NURTURE_TRUSTED_PROXY_COUNT
SESSION_COOKIE_HTTPONLY = True
# Database sessions, each request's read prepared once (core/sessions.py).
SESSION_ENGINE = "nurture.core.sessions"
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
# Content-Security-Policy (django-csp) on every response: scripts, styles, images and
# frames only from the site itself, so no inline <script>, <style> or style="" anywhere;
# htmx is told not to add its own <style> (base.html). Views widen it narrowly with
# csp.decorators (a resource's film embeds YouTube or Vimeo); an uploaded file is served
# with its own sandboxed policy (core/uploads.py), which the middleware leaves alone.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [_CSP_SELF],
        "script-src": [_CSP_SELF],
        "style-src": [_CSP_SELF],
        "img-src": [_CSP_SELF, "data:"],
        "object-src": [_CSP_NONE],
        "base-uri": [_CSP_SELF],
        "form-action": [_CSP_SELF],
        "frame-ancestors": [_CSP_NONE],
    }
}
# Permissions-Policy (nurture/core/middleware.py): browser features no page needs, off.
NURTURE_PERMISSIONS_POLICY = ", ".join(
    f"{feature}=()"
    for feature in (
        "accelerometer",
        "autoplay",
        "browsing-topics",
        "camera",
        "display-capture",
        "geolocation",
        "gyroscope",
        "hid",
        "interest-cohort",
        "magnetometer",
        "microphone",
        "midi",
        "payment",
        "publickey-credentials-get",
        "serial",
        "usb",
        "xr-spatial-tracking",
    )
)
if not DEBUG:
    SECURE_SSL_REDIRECT = envbool("DJANGO_SECURE_SSL_REDIRECT", True)
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    SECURE_HSTS_SECONDS = envint("DJANGO_SECURE_HSTS_SECONDS", 31536000)
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = True

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": os.environ.get("DJANGO_LOG_LEVEL", "INFO")},
}

FORM_RENDERER = "nurture.core.forms.NurtureFormRenderer"
