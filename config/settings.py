"""Rolpool settings, read from environment variables (12-factor).

Production is the default: DJANGO_DEBUG must be set to 1 explicitly for development,
and without it DJANGO_SECRET_KEY and DJANGO_ALLOWED_HOSTS are required.
"""

from __future__ import annotations

import os
from datetime import timedelta
from pathlib import Path

import dj_database_url
from csp.constants import NONCE, SELF
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent.parent


def env_bool(name: str, default: bool = False) -> bool:
    value = os.environ.get(name)
    if value is None or value == "":
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def env_list(name: str, default: str = "") -> list[str]:
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


def env_required(name: str) -> str:
    value = os.environ.get(name, "")
    if not value:
        raise ImproperlyConfigured(f"Set the environment variable {name}.")
    return value


DEBUG = env_bool("DJANGO_DEBUG")

if DEBUG:
    SECRET_KEY = os.environ.get("DJANGO_SECRET_KEY") or "insecure-development-key-only"
    ALLOWED_HOSTS = env_list("DJANGO_ALLOWED_HOSTS", "127.0.0.1,localhost,testserver")
else:
    SECRET_KEY = env_required("DJANGO_SECRET_KEY")
    ALLOWED_HOSTS = env_list("DJANGO_ALLOWED_HOSTS") or env_required("DJANGO_ALLOWED_HOSTS")

CSRF_TRUSTED_ORIGINS = env_list("DJANGO_CSRF_TRUSTED_ORIGINS")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "config.apps.StaticFilesConfig",
    "django.contrib.humanize",
    "django.contrib.postgres",
    "rest_framework",
    "rest_framework.authtoken",
    "django_filters",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "django_htmx",
    "template_partials",
    "csp",
    "axes",
    "competencies",
    "pool",
    "assignments",
    "notifications",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "config.middleware.SessionRenewalMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "csp.middleware.CSPMiddleware",
    "config.middleware.SingleSignOnLogoutCspMiddleware",  # after CSP: updates its policy
    "django_htmx.middleware.HtmxMiddleware",
    "config.middleware.HtmxLoginRedirectMiddleware",
    "config.api.middleware.ApiVersionMiddleware",
    # Last, so that it turns a lock-out flagged anywhere into the lock-out page.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "config.urls"
WSGI_APPLICATION = "config.wsgi.application"

# Widgets in Python where Django would use its templates (same HTML): config/renderers.py.
FORM_RENDERER = "config.renderers.FormRenderer"

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
                "csp.context_processors.nonce",
            ],
        },
    },
]

DATABASES = {
    "default": dj_database_url.parse(
        env_required("DATABASE_URL"),
        conn_max_age=int(os.environ.get("DATABASE_CONN_MAX_AGE", "60")),
        conn_health_checks=True,
    )
}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

REDIS_URL = env_required("REDIS_URL")
CACHES = {
    "default": {
        "BACKEND": "django.core.cache.backends.redis.RedisCache",
        "LOCATION": REDIS_URL,
        "KEY_PREFIX": "rolpool",
    }
}

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 12},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "login"

# Sessions end after half an hour without activity: every request renews the cookie.
SESSION_COOKIE_AGE = int(os.environ.get("DJANGO_SESSION_AGE", "1800"))
# Renewed while in use, at most once a minute (config.middleware.SessionRenewalMiddleware).
SESSION_SAVE_EVERY_REQUEST = False

# Login throttling (django-axes): after AXES_FAILURE_LIMIT wrong passwords for one username
# from one address, that pair is locked out for the cool-off; a correct login resets it.
# Axes checks before the password, so a locked-out user is refused even with the right one.
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
AXES_FAILURE_LIMIT = int(os.environ.get("ROLPOOL_LOGIN_FAILURE_LIMIT", "5"))
AXES_COOLOFF_TIME = timedelta(minutes=int(os.environ.get("ROLPOOL_LOGIN_COOLOFF_MINUTES", "15")))
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_CALLABLE = "config.views.locked_out"
AXES_COOLOFF_MESSAGE = _(
    "Te veel mislukte inlogpogingen. Probeer het later opnieuw of vraag de functioneel "
    "beheerder om je account vrij te geven."
)
# The client's address: REMOTE_ADDR, unless ROLPOOL_PROXY_COUNT trusted reverse proxies
# stand in front (then the X-Forwarded-For entry they added), so that nobody evades the
# lock-out by sending a made-up X-Forwarded-For header.
AXES_IPWARE_PROXY_COUNT = int(os.environ.get("ROLPOOL_PROXY_COUNT", "0")) or None
AXES_IPWARE_PROXY_ORDER = "right-most"
AXES_IPWARE_META_PRECEDENCE_ORDER = (
    ("HTTP_X_FORWARDED_FOR", "REMOTE_ADDR") if AXES_IPWARE_PROXY_COUNT else ("REMOTE_ADDR",)
)
# Usernames are personal data: axes logs ids and addresses only.
AXES_VERBOSE = False

# Optional single sign-on through OpenID Connect (config/oidc.py), on when
# OIDC_RP_CLIENT_ID is set. Endpoints come from OIDC_OP_DISCOVERY_URL unless given one by one.
OIDC_ENABLED = bool(os.environ.get("OIDC_RP_CLIENT_ID"))
if OIDC_ENABLED:
    AUTHENTICATION_BACKENDS.append("config.oidc.OIDCBackend")  # axes stays first
    AXES_WHITELIST_CALLABLE = "config.oidc.axes_exempt"
    OIDC_RP_CLIENT_ID = os.environ["OIDC_RP_CLIENT_ID"]
    OIDC_RP_CLIENT_SECRET = env_required("OIDC_RP_CLIENT_SECRET")
    OIDC_RP_SIGN_ALGO = os.environ.get("OIDC_RP_SIGN_ALGO", "RS256")
    OIDC_RP_SCOPES = os.environ.get("OIDC_RP_SCOPES", "openid email profile")
    OIDC_OP_DISCOVERY_URL = os.environ.get("OIDC_OP_DISCOVERY_URL", "")
    OIDC_OP_AUTHORIZATION_ENDPOINT = os.environ.get("OIDC_OP_AUTHORIZATION_ENDPOINT", "")
    OIDC_OP_TOKEN_ENDPOINT = os.environ.get("OIDC_OP_TOKEN_ENDPOINT", "")
    OIDC_OP_USER_ENDPOINT = os.environ.get("OIDC_OP_USER_ENDPOINT", "")
    OIDC_OP_JWKS_ENDPOINT = os.environ.get("OIDC_OP_JWKS_ENDPOINT", "")
    # Only ID tokens of this issuer are taken (the discovery document's `issuer` if unset).
    OIDC_OP_ISSUER = os.environ.get("OIDC_OP_ISSUER", "")
    if not OIDC_OP_DISCOVERY_URL and not all(
        (
            OIDC_OP_AUTHORIZATION_ENDPOINT,
            OIDC_OP_TOKEN_ENDPOINT,
            OIDC_OP_USER_ENDPOINT,
            OIDC_OP_JWKS_ENDPOINT,
            OIDC_OP_ISSUER,
        )
    ):
        raise ImproperlyConfigured(
            "Set OIDC_OP_DISCOVERY_URL or the OIDC_OP_*_ENDPOINT variables and OIDC_OP_ISSUER."
        )
    # Logging out of a single sign-on session ends it at the provider too, here or at the
    # discovery document's end_session_endpoint; with neither, Rolpool's logout is all.
    OIDC_OP_END_SESSION_ENDPOINT = os.environ.get("OIDC_OP_END_SESSION_ENDPOINT", "")
    OIDC_STORE_ID_TOKEN = True  # the logout's id_token_hint
    OIDC_GROUPS_CLAIM = os.environ.get("OIDC_GROUPS_CLAIM", "groups")
    # "rolpool-hr=HR-adviseur,rolpool-manager=opdrachtgever": provider group = Rolpool group.
    OIDC_GROUP_MAP = {
        key.strip(): group.strip()
        for key, _, group in (item.partition("=") for item in env_list("OIDC_GROUP_MAP"))
    }
    OIDC_USE_PKCE = True
    OIDC_TIMEOUT = int(os.environ.get("OIDC_TIMEOUT", "10"))

LANGUAGE_CODE = "nl"
LANGUAGES = [("nl", _("Nederlands")), ("en", _("English"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "Europe/Amsterdam"
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = BASE_DIR / "var" / "static"
NODE_MODULES = BASE_DIR / "node_modules"
STATICFILES_DIRS = [
    BASE_DIR / "static",
    ("utrecht/components", NODE_MODULES / "@utrecht" / "component-library-css" / "dist"),
    ("utrecht/tokens", NODE_MODULES / "@utrecht" / "design-tokens" / "dist"),
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

EMAIL_BACKEND = os.environ.get(
    "DJANGO_EMAIL_BACKEND",
    "django.core.mail.backends.console.EmailBackend"
    if DEBUG
    else "django.core.mail.backends.smtp.EmailBackend",
)
EMAIL_HOST = os.environ.get("DJANGO_EMAIL_HOST", "localhost")
EMAIL_PORT = int(os.environ.get("DJANGO_EMAIL_PORT", "25"))
EMAIL_HOST_USER = os.environ.get("DJANGO_EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = os.environ.get("DJANGO_EMAIL_HOST_PASSWORD", "")
EMAIL_USE_TLS = env_bool("DJANGO_EMAIL_USE_TLS")
DEFAULT_FROM_EMAIL = os.environ.get("DJANGO_DEFAULT_FROM_EMAIL", "rolpool@localhost")
# Where Rolpool is reached, for links in e-mail (which has no request to take it from).
ROLPOOL_BASE_URL = os.environ.get("ROLPOOL_BASE_URL", "http://127.0.0.1:8000")

# Security headers; HTTPS-only settings apply outside development.
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
SESSION_COOKIE_HTTPONLY = True
if not DEBUG:
    SECURE_SSL_REDIRECT = env_bool("DJANGO_SECURE_SSL_REDIRECT", True)
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SECURE_HSTS_SECONDS = int(os.environ.get("DJANGO_HSTS_SECONDS", str(365 * 24 * 3600)))
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = True
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True

# Scripts only from our own origin (htmx is served by django-htmx), no inline handlers.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": [SELF, NONCE],
        "style-src": ["'self'"],
        "img-src": ["'self'", "data:"],
        "font-src": ["'self'"],
        "connect-src": ["'self'"],
        "frame-ancestors": ["'none'"],
        "form-action": ["'self'"],
        "base-uri": ["'self'"],
    }
}

# The REST API for integrations (/api/v1/), following the NLGov API Design Rules.
REST_FRAMEWORK = {
    # Token first, so that an unauthenticated call answers 401 with WWW-Authenticate.
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "rest_framework.authentication.TokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    # Every collection names the groups that may list it (`list_groups`); others get 403.
    "DEFAULT_PERMISSION_CLASSES": [
        "rest_framework.permissions.IsAuthenticated",
        "config.api.permissions.GroupsMayList",
    ],
    "DEFAULT_RENDERER_CLASSES": ["rest_framework.renderers.JSONRenderer"],
    "DEFAULT_PARSER_CLASSES": ["rest_framework.parsers.JSONParser"],
    "DEFAULT_PAGINATION_CLASS": "config.api.pagination.PagePagination",
    "DEFAULT_FILTER_BACKENDS": ["config.api.filters.FilterBackend"],
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "EXCEPTION_HANDLER": "config.api.problems.exception_handler",
    "NON_FIELD_ERRORS_KEY": "nonFieldErrors",
    "COERCE_DECIMAL_TO_STRING": False,
    # Date-times are given in UTC (config.api.fields.UtcDateTimeField converts them).
    "DATETIME_FORMAT": "%Y-%m-%dT%H:%M:%SZ",
    "DATE_FORMAT": "iso-8601",
}

SPECTACULAR_SETTINGS = {
    "TITLE": "Rolpool API",
    "DESCRIPTION": (
        "Opgaven, rolvragen, medewerkers en inzet van een Rolpool, voor koppelingen met "
        "HR-systemen en BI. Volgt de NL API Design Rules."
    ),
    # SemVer; also sent as the API-Version header on every /api/ response (API-57).
    # 1.1.0: proposing, changing and closing opgaven and rolvragen, and release steps.
    # 1.2.0: a member's own profile (PATCH medewerkers, …/bevestigen, and competenties,
    # leerdoelen, rolervaringen, beschikbaarheden and verloven as sub-collections); a list
    # answers 403 instead of an empty page to the groups that do not see that collection
    # in the browser (issue 7; README).
    # 1.3.0: opgaven, rolvragen and medewerkers carry an ETag; a PATCH with If-Match is
    # refused with 412 when the object changed since (config/concurrency.py).
    "VERSION": "1.3.0",
    "CONTACT": {
        "name": "Rolpool",
        "email": os.environ.get("ROLPOOL_API_CONTACT", "rolpool@localhost"),
    },
    "LICENSE": {
        "name": "EUPL-1.2",
        "url": "https://interoperable-europe.ec.europa.eu/collection/eupl/eupl-text-eupl-12",
    },
    "SERVE_INCLUDE_SCHEMA": False,
    "SERVE_PERMISSIONS": ["rest_framework.permissions.AllowAny"],
    "SERVE_AUTHENTICATION": [],
    "SCHEMA_PATH_PREFIX": "/api/v1",
    "POSTPROCESSING_HOOKS": [
        "drf_spectacular.hooks.postprocess_schema_enums",
        "config.api.schema.problem_responses",
        "config.api.schema.text_patterns",
    ],
    "COMPONENT_SPLIT_REQUEST": True,
    # Competency levels have one name, whichever field (niveau, doelniveau) holds one.
    "ENUM_NAME_OVERRIDES": {"NiveauEnum": "competencies.models.Level"},
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
}

CELERY_BROKER_URL = REDIS_URL
CELERY_RESULT_BACKEND = REDIS_URL
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TASK_SOFT_TIME_LIMIT = 300
CELERY_TASK_TIME_LIMIT = 360
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
# A task sent while Redis is unreachable fails fast instead of hanging the request;
# the periodic sweep catches up what was missed.
CELERY_BROKER_TRANSPORT_OPTIONS = {"max_retries": 1, "interval_start": 0, "interval_step": 0.2}
CELERY_TIMEZONE = TIME_ZONE
CELERY_BEAT_SCHEDULE = {
    "heartbeat": {"task": "rolpool.heartbeat", "schedule": 30.0},
    "sweep-stale-matches": {"task": "assignments.sweep_stale_matches", "schedule": 60.0},
    "sweep-autostaff-runs": {"task": "assignments.sweep_autostaff_runs", "schedule": 60.0},
    "sweep-notification-emails": {"task": "notifications.sweep_emails", "schedule": 120.0},
}
CELERY_BEAT_SCHEDULE_FILENAME = str(BASE_DIR / "var" / "celerybeat-schedule")

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {
        "plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"},
        "json": {"()": "config.logging.JsonFormatter"},
    },
    "filters": {"personal_data": {"()": "config.logging.RedactPersonalData"}},
    "handlers": {
        "console": {
            "class": "logging.StreamHandler",
            "filters": ["personal_data"],
            "formatter": os.environ.get("DJANGO_LOG_FORMAT", "plain" if DEBUG else "json"),
        }
    },
    "root": {"handlers": ["console"], "level": os.environ.get("DJANGO_LOG_LEVEL", "INFO")},
}
