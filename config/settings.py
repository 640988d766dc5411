"""chainlead settings, read from environment variables (see .env.example and docs/security.md).

A `.env` file beside the code (or CHAINLEAD_ENV_FILE) is read first; the process environment
wins over it. SQLite under var/ is the embedded default; DATABASE_URL selects PostgreSQL.
Outside DEBUG the settings refuse to load without a real DJANGO_SECRET_KEY and ALLOWED_HOSTS.
Importing them creates nothing on disk: the server (config/wsgi.py) and the `chainlead` command
create var/ when they start.
"""

import os
from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent.parent


def _read_env_file(path: Path) -> None:
    """KEY=VALUE lines (as in .env.example) into os.environ, never over a variable already set."""
    if not path.is_file():
        return
    for raw in path.read_text(encoding="utf-8").splitlines():
        line = raw.strip()
        if not line or line.startswith("#") or "=" not in line:
            continue
        key, value = (part.strip() for part in line.removeprefix("export ").split("=", 1))
        if len(value) >= 2 and value[0] == value[-1] and value[0] in "'\"":
            value = value[1:-1]
        os.environ.setdefault(key, value)


_read_env_file(Path(os.environ.get("CHAINLEAD_ENV_FILE", BASE_DIR / ".env")))

VAR_DIR = Path(os.environ.get("CHAINLEAD_VAR_DIR", BASE_DIR / "var"))
# The public data folder: CHAINLEAD_DATA_DIR, else ../shared/data beside the checkout.
SHARED_DATA_DIR = Path(
    os.environ.get("CHAINLEAD_DATA_DIR") or BASE_DIR.parent / "shared" / "data"
).resolve()


def _env_bool(name: str, default: bool) -> bool:
    value = os.environ.get(name)
    if value is None or not value.strip():
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def _env_list(name: str) -> list[str]:
    return [item.strip() for item in os.environ.get(name, "").split(",") if item.strip()]


DEBUG = _env_bool("DJANGO_DEBUG", False)
# The development key works only with DEBUG: it is public, and the key signs session cookies.
_DEVELOPMENT_KEY = "chainlead-insecure-development-key-change-me"
_PLACEHOLDER_KEYS = {"", _DEVELOPMENT_KEY, "change-me"}
SECRET_KEY = os.environ.get("DJANGO_SECRET_KEY", "").strip() or (_DEVELOPMENT_KEY if DEBUG else "")
# Empty with DEBUG: Django then allows localhost, 127.0.0.1 and [::1].
ALLOWED_HOSTS = _env_list("DJANGO_ALLOWED_HOSTS")
CSRF_TRUSTED_ORIGINS = _env_list("DJANGO_CSRF_TRUSTED_ORIGINS")
if not DEBUG:
    if SECRET_KEY in _PLACEHOLDER_KEYS or len(SECRET_KEY) < 32:
        raise ImproperlyConfigured(
            "Set DJANGO_SECRET_KEY to a random key of at least 32 characters (e.g. "
            "`python -c 'import secrets; print(secrets.token_urlsafe(50))'`), or DJANGO_DEBUG=1 "
            "for development. See docs/security.md."
        )
    if not ALLOWED_HOSTS:
        raise ImproperlyConfigured(
            "Set DJANGO_ALLOWED_HOSTS to the host names the platform is served under "
            "(comma-separated), or DJANGO_DEBUG=1 for development. See docs/security.md."
        )

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django_htmx",
    "django_filters",
    "django_tables2",
    "axes",
    "django_otp",  # two-factor authentication (chainlead.accounts.two_factor)
    "django_otp.plugins.otp_totp",
    "django_otp.plugins.otp_static",
    "ninja",  # its static Swagger UI files: the API docs load nothing from a CDN
    "django_tasks",
    "django_tasks_db",
    "chainlead.core",
    "chainlead.accounts",
    "chainlead.audit",
    "chainlead.notifications",
    "chainlead.registry",
    "chainlead.chains",
    "chainlead.governance",
    "chainlead.requests",
    "chainlead.recruitment",
    "chainlead.poc",
    "chainlead.funds",
    "chainlead.commissioners",
    "chainlead.programs",
    "chainlead.overview",
    "chainlead.search",
]

MIDDLEWARE = [
    # First: refuses an oversized body by its Content-Length before anything reads it.
    "chainlead.core.middleware.RequestBodyLimitMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "chainlead.accounts.middleware.IdleTimeoutMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    # CSP on every page; no caching of what a logged-in reader sees (needs request.user).
    "chainlead.core.middleware.SecurityHeadersMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "chainlead.accounts.two_factor.TwoFactorMiddleware",  # after OTPMiddleware
    # A password someone else chose (create-admins, a reset) is changed before anything else.
    "chainlead.accounts.middleware.PasswordChangeRequiredMiddleware",
    "chainlead.audit.middleware.AuditActorMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "config.urls"
# Hides credentials from error reports, the DEBUG page included (issue 9 item 12).
DEFAULT_EXCEPTION_REPORTER_FILTER = "chainlead.accounts.reporting.SafeExceptionReporterFilter"
WSGI_APPLICATION = "config.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "chainlead" / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "chainlead.core.context_processors.platform",
            ],
        },
    },
]

DATABASES = {
    "default": dj_database_url.config(
        default=f"sqlite:///{VAR_DIR / 'chainlead.sqlite3'}",
        # PostgreSQL is ten times slower without persistent connections.
        conn_max_age=int(os.environ.get("DATABASE_CONN_MAX_AGE", "600")),
        conn_health_checks=True,
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    DATABASES["default"]["OPTIONS"] = {
        "timeout": 30,
        "transaction_mode": "IMMEDIATE",
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
    }
    DATABASES["default"]["CONN_MAX_AGE"] = 0
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    # Django's ModelBackend, reading the signed-in user in one plain statement.
    "chainlead.accounts.backends.ModelBackend",
]
# MLPS 2.0 (GB/T 22239-2019, 8.1.4.1): identification, complexity and periodic change of passwords.
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 10},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
    {"NAME": "chainlead.accounts.validators.CharacterClassValidator"},
]
PASSWORD_HASHERS = ["django.contrib.auth.hashers.PBKDF2PasswordHasher"]
if _env_bool("CHAINLEAD_FAST_HASHER", False):  # tests only: hashing is not what they measure
    PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]

# MLPS 2.0 8.1.4.1 b): lock the account after repeated failed log-ins.
AXES_FAILURE_LIMIT = int(os.environ.get("CHAINLEAD_LOGIN_FAILURE_LIMIT", "5"))
AXES_COOLOFF_TIME = float(os.environ.get("CHAINLEAD_LOCKOUT_HOURS", "0.5"))
# By user name and by address; an address has a higher limit of its own, as a whole office
# shares one intranet NAT address (chainlead.accounts.lockout). Attempts during a lock do not
# extend it: otherwise anyone could keep any account locked for ever.
AXES_LOCKOUT_PARAMETERS = ["username", "ip_address"]
AXES_HANDLER = "chainlead.accounts.lockout.LockoutHandler"
AXES_USERNAME_CALLABLE = "chainlead.accounts.lockout.axes_username"  # at most 150 characters
CHAINLEAD_LOGIN_FAILURE_LIMIT_PER_ADDRESS = int(
    os.environ.get("CHAINLEAD_LOGIN_FAILURE_LIMIT_PER_ADDRESS", "50")
)
AXES_RESET_COOL_OFF_ON_FAILURE_DURING_LOCKOUT = False
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_TEMPLATE = "accounts/locked_out.html"
AXES_VERBOSE = False
# The most characters a free-text field (description, note, minutes…) holds: pages stay small
# (chainlead.core.validators.free_text_max_length). Names keep their own max_length.
CHAINLEAD_FREE_TEXT_MAX_LENGTH = int(os.environ.get("CHAINLEAD_FREE_TEXT_MAX_LENGTH", "10000"))
# Never stored with an attempt (axes keeps the rest of the form): the second-factor code and
# the fields of the password change, whose wrong old password counts as a failed log-in.
AXES_SENSITIVE_PARAMETERS = [
    "username",
    "ip_address",
    "token",
    "old_password",
    "new_password1",
    "new_password2",
]

# MLPS 2.0 8.1.4.1 b): end idle sessions. A request renews the session's expiry when its last
# renewal is SESSION_TOUCH_SECONDS old (chainlead.accounts.middleware): not a write per request.
SESSION_COOKIE_AGE = int(os.environ.get("CHAINLEAD_IDLE_TIMEOUT_SECONDS", str(30 * 60)))
SESSION_TOUCH_SECONDS = 60
SESSION_SAVE_EVERY_REQUEST = False
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
SESSION_COOKIE_HTTPONLY = True
CSRF_COOKIE_HTTPONLY = False

# Content-Security-Policy (chainlead.core.middleware.SecurityHeadersMiddleware): nothing from
# another host, no plugins, no framing, no eval, no inline script (page code is in static files,
# its data in json_script; chainlead.core.tests.test_csp). Styles keep 'unsafe-inline': templates
# size bars and charts with style="…", and ECharts' and Swagger UI's markup carries style
# attributes too. Empty: no CSP.
CHAINLEAD_CONTENT_SECURITY_POLICY = os.environ.get(
    "CHAINLEAD_CONTENT_SECURITY_POLICY",
    "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; "
    "img-src 'self' data:; font-src 'self'; connect-src 'self'; object-src 'none'; "
    "base-uri 'self'; form-action 'self'; frame-ancestors 'none'",
)

# HTTPS (docs/security.md). Production sets these behind its TLS proxy; development and the
# test server speak plain HTTP, where Secure cookies would never come back.
SECURE_SSL_REDIRECT = _env_bool("DJANGO_SECURE_SSL_REDIRECT", False)
SECURE_HSTS_SECONDS = int(os.environ.get("DJANGO_SECURE_HSTS_SECONDS", "0"))
SECURE_HSTS_INCLUDE_SUBDOMAINS = _env_bool("DJANGO_SECURE_HSTS_INCLUDE_SUBDOMAINS", False)
SECURE_HSTS_PRELOAD = _env_bool("DJANGO_SECURE_HSTS_PRELOAD", False)
SESSION_COOKIE_SECURE = CSRF_COOKIE_SECURE = _env_bool("DJANGO_SECURE_COOKIES", False)
if _env_bool("DJANGO_BEHIND_TLS_PROXY", False):
    # Only behind a proxy that sets this header itself (and strips the client's).
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")

# Two-factor authentication (TOTP, recovery codes; chainlead.accounts.two_factor): required of
# city admins and the three administrators, and of the official roles listed here.
CHAINLEAD_2FA_ENFORCED = _env_bool("CHAINLEAD_2FA_ENFORCED", True)
CHAINLEAD_2FA_ROLES = _env_list("CHAINLEAD_2FA_ROLES")
OTP_TOTP_ISSUER = "chainlead"

LOGIN_URL = "accounts:login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "accounts:login"

FORM_RENDERER = "chainlead.core.renderers.FormRenderer"  # selects written in Python
LANGUAGE_CODE = "zh-hans"
LANGUAGES = [("zh-hans", _("Simplified Chinese")), ("en", _("English"))]
LOCALE_PATHS = [BASE_DIR / "chainlead" / "locale"]
TIME_ZONE = "Asia/Shanghai"
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = VAR_DIR / "static"  # made by `collectstatic`
MEDIA_URL = "/media/"
MEDIA_ROOT = VAR_DIR / "media"
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedStaticFilesStorage"},
}
WHITENOISE_USE_FINDERS = True
# Request bodies (chainlead.core.middleware, docs/security.md): forms and JSON keep Django's
# 2.5 MB; only multipart uploads may be larger, up to CHAINLEAD_MAX_UPLOAD_MB, and beyond 512 KB
# a file goes to a temporary file under var/ rather than memory.
DATA_UPLOAD_MAX_MEMORY_SIZE = 2_621_440
CHAINLEAD_MAX_UPLOAD_MB = float(os.environ.get("CHAINLEAD_MAX_UPLOAD_MB", "100"))
FILE_UPLOAD_MAX_MEMORY_SIZE = 512 * 1024
FILE_UPLOAD_TEMP_DIR = VAR_DIR / "tmp"
FILE_UPLOAD_HANDLERS = [
    "django.core.files.uploadhandler.MemoryFileUploadHandler",
    "chainlead.core.middleware.TemporaryFileUploadHandler",  # makes FILE_UPLOAD_TEMP_DIR
]

REDIS_URL = os.environ.get("REDIS_URL", "")
if REDIS_URL:
    # Sessions read from the shared cache, written through to the database. Only with a
    # shared cache: a per-process cache would keep serving a session another process ended.
    SESSION_ENGINE = "django.contrib.sessions.backends.cached_db"
    # Django's Redis cache, reusing its Redis client (chainlead/core/redis_cache.py).
    CACHES = {
        "default": {"BACKEND": "chainlead.core.redis_cache.RedisCache", "LOCATION": REDIS_URL}
    }
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}

TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}

# E-mail (notices to users who opt in, chainlead.notifications). Nothing leaves the machine
# unless an SMTP host is named: by default mails are written to the console log.
EMAIL_HOST = os.environ.get("DJANGO_EMAIL_HOST", "")
EMAIL_BACKEND = (
    "django.core.mail.backends.smtp.EmailBackend"
    if EMAIL_HOST
    else "django.core.mail.backends.console.EmailBackend"
)
EMAIL_PORT = int(os.environ.get("DJANGO_EMAIL_PORT", "25"))
EMAIL_HOST_USER = os.environ.get("DJANGO_EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = os.environ.get("DJANGO_EMAIL_HOST_PASSWORD", "")
EMAIL_USE_TLS = _env_bool("DJANGO_EMAIL_USE_TLS", False)
DEFAULT_FROM_EMAIL = os.environ.get("DJANGO_DEFAULT_FROM_EMAIL", "chainlead@localhost")

DJANGO_TABLES2_TEMPLATE = "core/table.html"

# The city this installation serves (one city per installation).
CHAINLEAD_CITY_CODE = os.environ.get("CHAINLEAD_CITY_CODE", "330100")
CHAINLEAD_CITY_NAME = os.environ.get("CHAINLEAD_CITY_NAME", "杭州市")
CHAINLEAD_CITY_NAME_EN = os.environ.get("CHAINLEAD_CITY_NAME_EN", "Hangzhou")
CHAINLEAD_PROVINCE_NAME = os.environ.get("CHAINLEAD_PROVINCE_NAME", "浙江")
CHAINLEAD_DISTRICTS_FILE = Path(
    os.environ.get("CHAINLEAD_DISTRICTS_FILE", SHARED_DATA_DIR / "hangzhou" / "districts.csv")
)

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": os.environ.get("CHAINLEAD_LOG_LEVEL", "WARNING")},
}

# Weights of the recruitment target ranking (chainlead/recruitment/ranking.py); normalised to 1.
CHAINLEAD_RANKING_WEIGHTS = {
    "fit": float(os.environ.get("CHAINLEAD_RANK_WEIGHT_FIT", "0.4")),
    "relatedness": float(os.environ.get("CHAINLEAD_RANK_WEIGHT_RELATEDNESS", "0.3")),
    "size": float(os.environ.get("CHAINLEAD_RANK_WEIGHT_SIZE", "0.2")),
    "growth": float(os.environ.get("CHAINLEAD_RANK_WEIGHT_GROWTH", "0.1")),
}
