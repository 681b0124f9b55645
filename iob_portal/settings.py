"""Settings, read from the environment (django-environ).

Embedded defaults (SQLite, Celery's filesystem transport) make a fresh checkout run
with no services. Production (DJANGO_DEBUG unset and IOB_ENV=production) refuses to
start without its secrets.
"""

from datetime import timedelta
from pathlib import Path

import environ
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = Path(environ.Env().str("IOB_VAR_DIR", default=str(BASE_DIR / "var")))

env = environ.Env()
env.read_env(BASE_DIR / ".env") if (BASE_DIR / ".env").exists() else None

IOB_ENV = env.str("IOB_ENV", default="development")
PRODUCTION = IOB_ENV == "production"

DEBUG = env.bool("DJANGO_DEBUG", default=not PRODUCTION)
if PRODUCTION and DEBUG:
    # Debug pages show settings, SQL and stack frames to whoever triggers an error.
    from django.core.exceptions import ImproperlyConfigured

    raise ImproperlyConfigured("DJANGO_DEBUG must not be set in production (IOB_ENV=production).")
if PRODUCTION:
    # No default: production must be given its secret and hosts.
    SECRET_KEY = env.str("DJANGO_SECRET_KEY")
    ALLOWED_HOSTS = env.list("DJANGO_ALLOWED_HOSTS")
else:
    SECRET_KEY = env.str("DJANGO_SECRET_KEY", default="development-only-not-secret")
    ALLOWED_HOSTS = env.list("DJANGO_ALLOWED_HOSTS", default=["localhost", "127.0.0.1", "[::1]", "testserver"])

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "rest_framework",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "drf_standardized_errors",
    "django_filters",
    "django_celery_beat",
    "axes",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "audit",
    "accounts",
    "jobs",
    "documents",
    "profiles",
    "advice",
    "monitoring",
    "reports",
    "generation",
    "prefill",
    "assessments",
    "register",
    "iob_portal",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    # Oversized API bodies get the API's JSON 413 (the batch route a larger limit).
    "iob_portal.limits.ApiBodyLimitMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    # A NUL in an API query string gets the API's JSON 400 (PostgreSQL cannot compare it).
    "iob_portal.parsers.ApiNulGuardMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    # Deny by default: every page needs a signed-in user unless marked otherwise.
    "accounts.middleware.PortalLoginRequiredMiddleware",
    "accounts.middleware.IdleSessionMiddleware",
    # Reviewers, the DPO and administrators pass their second factor before any page.
    "accounts.second_factor.SecondFactorMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    # Content Security Policy: scripts and styles from our own static files only.
    "csp.middleware.CSPMiddleware",
    # Lock-out after repeated failed sign-ins (web and token door); last, as django-axes asks.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "iob_portal.urls"
WSGI_APPLICATION = "iob_portal.wsgi.application"

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
                "accounts.context_processors.roles",
            ],
        },
    },
]

DATABASES = {
    "default": env.db("DATABASE_URL", default=f"sqlite:///{VAR_DIR / 'iob.sqlite3'}"),
}
DATABASES["default"]["ATOMIC_REQUESTS"] = False
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # WAL lets the web server read while the Celery worker writes.
    DATABASES["default"].setdefault("OPTIONS", {}).update(
        {
            "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
            "timeout": 30,
            "transaction_mode": "IMMEDIATE",
        }
    )
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
]
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "accounts.backends.PortalModelBackend",
    # Answers only the OpenID Connect callback, and only when IOB_OIDC_ISSUER is set.
    "accounts.oidc.PortalOIDCBackend",
]
# Five failed sign-ins for one username, or from one address, lock it for 15 minutes (the
# username from any address, so guessing from many machines does not help); a success resets.
AXES_FAILURE_LIMIT = env.int("IOB_LOGIN_FAILURE_LIMIT", default=5)
AXES_COOLOFF_TIME = timedelta(minutes=env.int("IOB_LOGIN_LOCKOUT_MINUTES", default=15))
AXES_LOCKOUT_PARAMETERS = ["username", "ip_address"]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_CALLABLE = "accounts.lockout.lockout_response"
AXES_VERBOSE = False
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "login"

LANGUAGE_CODE = "nl"
LANGUAGES = [("nl", _("Dutch")), ("en", _("English"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
# English pages use British dates (30 November 2026, 30/11/2026), not Django's US ones.
FORMAT_MODULE_PATH = ["iob_portal.formats"]
TIME_ZONE = "Europe/Amsterdam"
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATICFILES_DIRS = [BASE_DIR / "static"]
STATIC_ROOT = VAR_DIR / "staticfiles"
MEDIA_ROOT = VAR_DIR / "media"

SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SECURE = PRODUCTION
CSRF_COOKIE_SECURE = PRODUCTION
SECURE_CONTENT_TYPE_NOSNIFF = True
X_FRAME_OPTIONS = "DENY"
# Idle sessions end: activity moves the expiry on (accounts.middleware.IdleSessionMiddleware,
# at most one session write a minute), so only inactivity ends a session.
SESSION_COOKIE_AGE = 60 * env.int("IOB_SESSION_IDLE_MINUTES", default=30)
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
SESSION_COOKIE_SAMESITE = "Lax"
if PRODUCTION:
    # HTTPS only, remembered by the browser for a year (behind a proxy that sets
    # X-Forwarded-Proto, set DJANGO_SECURE_PROXY_SSL=1).
    SECURE_SSL_REDIRECT = env.bool("DJANGO_SECURE_SSL_REDIRECT", default=True)
    SECURE_HSTS_SECONDS = env.int("DJANGO_SECURE_HSTS_SECONDS", default=60 * 60 * 24 * 365)
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = True
    if env.bool("DJANGO_SECURE_PROXY_SSL", default=False):
        SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'"],
        "img-src": ["'self'", "data:"],
        "font-src": ["'self'"],
        "connect-src": ["'self'"],
        "object-src": ["'none'"],
        "base-uri": ["'none'"],
        "form-action": ["'self'"],
        "frame-ancestors": ["'none'"],
    },
}

# --- REST API -------------------------------------------------------------------
REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "accounts.tokens.PortalTokenAuthentication",
        # A session whose second factor is still owed is no API session.
        "accounts.second_factor.PortalSessionAuthentication",
    ],
    # Deny by default; each API view narrows further by role.
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    # JSON nesting is bounded (a 1,000-level document made the decoder recurse into a 500).
    "DEFAULT_PARSER_CLASSES": [
        "iob_portal.parsers.BoundedJSONParser",
        "rest_framework.parsers.FormParser",
        "rest_framework.parsers.MultiPartParser",
    ],
    # Every operation's real error answers, with the one error component (iob_portal/api_schema.py).
    "DEFAULT_SCHEMA_CLASS": "iob_portal.api_schema.PortalAutoSchema",
    "EXCEPTION_HANDLER": "iob_portal.api_errors.exception_handler",
    "DEFAULT_PAGINATION_CLASS": "rest_framework.pagination.PageNumberPagination",
    "PAGE_SIZE": 50,
    "DEFAULT_FILTER_BACKENDS": ["django_filters.rest_framework.DjangoFilterBackend"],
}
DRF_STANDARDIZED_ERRORS = {"ENABLE_IN_DEBUG_FOR_UNHANDLED_EXCEPTIONS": False}
SPECTACULAR_SETTINGS = {
    "TITLE": "IOB governance portal API",
    "DESCRIPTION": "Profiles, monitoring data, advice, bias reports and jobs of IOB.",
    "VERSION": "1",
    "SERVE_INCLUDE_SCHEMA": False,
    # Deny by default holds for the schema and its docs too.
    "SERVE_PERMISSIONS": ["rest_framework.permissions.IsAuthenticated"],
    # Swagger UI from our own static files: no CDN is reachable (or wanted).
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    "ENUM_NAME_OVERRIDES": {
        "TrackEnum": "profiles.models.Track.choices",
        "ProfileKindEnum": "profiles.models.ProfileKind.choices",
        "ValidationErrorEnum": "drf_standardized_errors.openapi_serializers.ValidationErrorEnum.choices",
        "ClientErrorEnum": "drf_standardized_errors.openapi_serializers.ClientErrorEnum.choices",
        "ServerErrorEnum": "drf_standardized_errors.openapi_serializers.ServerErrorEnum.choices",
        "ErrorCode401Enum": "drf_standardized_errors.openapi_serializers.ErrorCode401Enum.choices",
        "ErrorCode403Enum": "drf_standardized_errors.openapi_serializers.ErrorCode403Enum.choices",
        "ErrorCode404Enum": "drf_standardized_errors.openapi_serializers.ErrorCode404Enum.choices",
        "ErrorCode405Enum": "drf_standardized_errors.openapi_serializers.ErrorCode405Enum.choices",
        "ErrorCode406Enum": "drf_standardized_errors.openapi_serializers.ErrorCode406Enum.choices",
        "ErrorCode415Enum": "drf_standardized_errors.openapi_serializers.ErrorCode415Enum.choices",
        "ErrorCode429Enum": "drf_standardized_errors.openapi_serializers.ErrorCode429Enum.choices",
        "ErrorCode500Enum": "drf_standardized_errors.openapi_serializers.ErrorCode500Enum.choices",
    },
    # The API takes JSON bodies only in its schema: forms would flatten the nested bodies.
    "PARSER_WHITELIST": ["iob_portal.parsers.BoundedJSONParser"],
    "POSTPROCESSING_HOOKS": [
        "drf_spectacular.hooks.postprocess_schema_enums",
        "iob_portal.api_schema.strict_request_bodies",
    ],
}

# --- Celery ---------------------------------------------------------------------
# Without CELERY_BROKER_URL the filesystem transport is a real broker with no server:
# the web process and the worker exchange messages through folders under var/.
CELERY_BROKER_URL = env.str("CELERY_BROKER_URL", default="filesystem://")
CELERY_BROKER_DIR = VAR_DIR / "celery-broker"
if CELERY_BROKER_URL.startswith("filesystem://"):
    CELERY_BROKER_TRANSPORT = "iob_portal.broker:Transport"
    for sub in ("queue", "processed", "control"):
        (CELERY_BROKER_DIR / sub).mkdir(parents=True, exist_ok=True)
    CELERY_BROKER_TRANSPORT_OPTIONS = {
        "data_folder_in": str(CELERY_BROKER_DIR / "queue"),
        "data_folder_out": str(CELERY_BROKER_DIR / "queue"),
        "processed_folder": str(CELERY_BROKER_DIR / "processed"),
        "control_folder": str(CELERY_BROKER_DIR / "control"),
        "store_processed": False,
    }
elif CELERY_BROKER_URL.startswith(("redis://", "rediss://")):
    CELERY_BROKER_TRANSPORT_OPTIONS = {
        # Sized to the work: longer than the longest task may run (CELERY_TASK_TIME_LIMIT), so
        # Redis never hands a running task to a second worker. A worker that dies is found
        # sooner by the jobs' heartbeat (IOB_JOB_STALE_SECONDS) and its job sent again.
        "visibility_timeout": 60 * 35,
        # A broker that does not answer fails the send fast; the job waits for the sweep.
        "socket_connect_timeout": 3,
        "socket_timeout": 10,
    }
CELERY_BROKER_CONNECTION_TIMEOUT = 3
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
# Job outcomes live in the jobs app's table, not in a result backend.
CELERY_TASK_IGNORE_RESULT = True
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TASK_TIME_LIMIT = 60 * 30
CELERY_TASK_SOFT_TIME_LIMIT = 60 * 25
CELERY_TASK_ALWAYS_EAGER = env.bool("CELERY_TASK_ALWAYS_EAGER", default=False)
CELERY_TASK_EAGER_PROPAGATES = True
CELERY_BEAT_SCHEDULER = "django_celery_beat.schedulers:DatabaseScheduler"
CELERY_TIMEZONE = TIME_ZONE

# --- Audit chain -------------------------------------------------------------------------
# The key of the audit chain's HMAC, kept out of the database. Production must be given
# one; development derives one from SECRET_KEY (audit/chain.py).
IOB_AUDIT_KEY = env.str("IOB_AUDIT_KEY") if PRODUCTION else env.str("IOB_AUDIT_KEY", default="")
# Signed checkpoints of the chain's head, outside the database (audit/checkpoints.py).
IOB_AUDIT_CHECKPOINT_DIR = env.str("IOB_AUDIT_CHECKPOINT_DIR", default=str(VAR_DIR / "audit-checkpoints"))

# --- Request sizes ---------------------------------------------------------------------------
DATA_UPLOAD_MAX_MEMORY_SIZE = env.int("DATA_UPLOAD_MAX_MEMORY_SIZE", default=2_621_440)
# The monitoring batch (10,000 records, about 5 MB of JSON) alone may send this much.
IOB_API_BATCH_MAX_BYTES = env.int("IOB_API_BATCH_MAX_BYTES", default=12 * 1024 * 1024)

# --- Sign-in and tokens ----------------------------------------------------------------
# API tokens live this long; signing out, a new password or deactivation ends them sooner.
IOB_TOKEN_TTL_HOURS = env.int("IOB_TOKEN_TTL_HOURS", default=12)

# --- OpenID Connect (accounts/oidc.py) ------------------------------------------------
# Off unless an issuer and a client are given: the sign-in page then offers local sign-in only.
# The provider's endpoints and keys come from its discovery document.
IOB_OIDC_ISSUER = env.str("IOB_OIDC_ISSUER", default="").rstrip("/")
IOB_OIDC_CLIENT_ID = env.str("IOB_OIDC_CLIENT_ID", default="")
IOB_OIDC_CLIENT_SECRET = env.str("IOB_OIDC_CLIENT_SECRET", default="")
# Where the roles are in the claims (a dotted path: Keycloak's realm roles are
# "realm_access.roles"), and which claim value means which portal role:
# "iob-reviewer=reviewer,iob-dpo=dpo". Without a map a value equal to a role's name counts.
IOB_OIDC_ROLE_CLAIM = env.str("IOB_OIDC_ROLE_CLAIM", default="roles")
IOB_OIDC_ROLE_MAP = env.dict("IOB_OIDC_ROLE_MAP", default={})
IOB_OIDC_USERNAME_CLAIM = env.str("IOB_OIDC_USERNAME_CLAIM", default="preferred_username")
IOB_OIDC_SCOPES = env.str("IOB_OIDC_SCOPES", default="openid profile email")
IOB_OIDC_SIGN_ALGO = env.str("IOB_OIDC_SIGN_ALGO", default="RS256")
IOB_OIDC_TIMEOUT_SECONDS = env.int("IOB_OIDC_TIMEOUT_SECONDS", default=10)
# mozilla-django-oidc's own settings, derived from the ones above.
OIDC_RP_CLIENT_ID = IOB_OIDC_CLIENT_ID
OIDC_RP_CLIENT_SECRET = IOB_OIDC_CLIENT_SECRET
OIDC_RP_SCOPES = IOB_OIDC_SCOPES
OIDC_RP_SIGN_ALGO = IOB_OIDC_SIGN_ALGO
OIDC_USE_PKCE = True
OIDC_TIMEOUT = IOB_OIDC_TIMEOUT_SECONDS
OIDC_AUTHENTICATE_CLASS = "accounts.oidc.PortalOIDCRequestView"
OIDC_CALLBACK_CLASS = "accounts.oidc.PortalOIDCCallbackView"
LOGIN_REDIRECT_URL_FAILURE = "/login/"

# --- Second factor (accounts/second_factor.py) -------------------------------------------
# TOTP for reviewers, the DPO and administrators at sign-in, and again ("step-up") at an
# approval or sign-off when the last code is older than IOB_STEP_UP_SECONDS.
IOB_SECOND_FACTOR_REQUIRED = env.bool("IOB_SECOND_FACTOR_REQUIRED", default=True)
IOB_STEP_UP_SECONDS = env.int("IOB_STEP_UP_SECONDS", default=300)
OTP_TOTP_ISSUER = env.str("IOB_TOTP_ISSUER", default="IOB-portaal")
# After a wrong code the device waits 1, 2, 4, ... seconds before it checks another.
OTP_TOTP_THROTTLE_FACTOR = 1
OTP_ADMIN_HIDE_SENSITIVE_DATA = True

# --- Background jobs under broker faults (jobs/services.py) ------------------------
IOB_JOB_HEARTBEAT_SECONDS = env.int("IOB_JOB_HEARTBEAT_SECONDS", default=10)
# A running job whose worker has not beaten for this long is restarted. SQLite has one
# writer, so a long import can hold back the beats: there, wait out the task time limit.
IOB_JOB_STALE_SECONDS = env.int(
    "IOB_JOB_STALE_SECONDS", default=90 if DATABASES["default"]["ENGINE"].endswith("postgresql") else 60 * 31
)
IOB_JOB_PICKUP_SECONDS = env.int("IOB_JOB_PICKUP_SECONDS", default=300)
IOB_JOB_MAX_ATTEMPTS = env.int("IOB_JOB_MAX_ATTEMPTS", default=3)

# --- Domain settings --------------------------------------------------------------
# Rule 6 of docs/characteristics.md: the longest validity window a profile may have.
IOB_MAX_VALIDITY_DAYS = env.int("IOB_MAX_VALIDITY_DAYS", default=92)

# One handler, on the root logger: Django's own loggers propagate to it instead of
# printing a second copy, and an expected 403/404 is logged as one line, not a traceback.
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {"expected_refusals": {"()": "iob_portal.log_filters.ExpectedRefusalFilter"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "filters": ["expected_refusals"]}},
    "root": {"handlers": ["console"], "level": env.str("LOG_LEVEL", default="WARNING")},
    "loggers": {"django": {"handlers": [], "propagate": True}},
}

VAR_DIR.mkdir(parents=True, exist_ok=True)
