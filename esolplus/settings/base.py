"""Settings shared by every environment: secure by default, configured from the environment.

Nothing here is a secret, and ``DEBUG`` is off; ``dev`` and ``test`` relax only what they must.
"""

import os
from datetime import timedelta
from pathlib import Path
from urllib.parse import urlsplit

import dj_database_url
from csp.constants import NONE, SELF
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

PROJECT_DIR = Path(__file__).resolve().parent.parent
BASE_DIR = PROJECT_DIR.parent


def env_bool(name: str, default: bool = False) -> bool:
    value = os.environ.get(name)
    if value is None or value == "":
        return default
    if value.lower() in {"1", "true", "yes", "on"}:
        return True
    if value.lower() in {"0", "false", "no", "off"}:
        return False
    raise ImproperlyConfigured(f"{name} must be true or false, not {value!r}.")


def env_list(name: str, default: str = "") -> list[str]:
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


DEBUG = env_bool("DEBUG", False)
SECRET_KEY = os.environ.get("SECRET_KEY", "")
ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", "localhost,127.0.0.1")
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS")

INSTALLED_APPS = [
    "esolplus",
    "finder",
    "evaluation",
    "devtools",
    "wagtail.contrib.forms",
    "wagtail.contrib.redirects",
    "wagtail.contrib.settings",
    "wagtail.embeds",
    "wagtail.sites",
    "wagtail.users",
    "wagtail.snippets",
    "wagtail.documents",
    "wagtail.images",
    "wagtail.search",
    "wagtail.admin",
    "wagtail",
    "modelcluster",
    "taggit",
    "django_filters",
    "csp",
    "axes",
    "rest_framework",
    "corsheaders",
    "django_otp",
    "django_otp.plugins.otp_static",
    "django_otp.plugins.otp_totp",
    "two_factor",
    # Background work through Django's tasks API (the django-tasks backport): a database queue by default, RQ on
    # Redis in production (see "Shared state" below); django_ratelimit for the enquiry limit.
    "django_tasks",
    "django_tasks_db",
    "django_tasks_rq",
    "django_rq",
    "django_ratelimit",
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    # Before anything that can answer on its own (WhiteNoise, CommonMiddleware): CORS for the open data API.
    "corsheaders.middleware.CorsMiddleware",
    "esolplus.middleware.ContentSecurityPolicyMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    # Django's LocaleMiddleware, with learner pages' language taken from the address (/ar/find/); see its docstring.
    "esolplus.middleware.LanguageMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "esolplus.middleware.StaffTwoFactorMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "wagtail.contrib.redirects.middleware.RedirectMiddleware",
    # Last, so that it sees the outcome of every login attempt.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "esolplus.urls"
WSGI_APPLICATION = "esolplus.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.debug",
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "wagtail.contrib.settings.context_processors.settings",
            ],
        },
    },
]

DATABASES = {
    "default": dj_database_url.parse(
        os.environ.get("DATABASE_URL") or f"sqlite:///{BASE_DIR / 'db.sqlite3'}",
        conn_max_age=int(os.environ.get("DATABASE_CONN_MAX_AGE", "60")),
        conn_health_checks=True,
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # One machine, several processes (web server, task worker, scheduler) on one SQLite file: write-ahead logging
    # so readers never wait for the worker, and writers queue for the lock (up to 20 s) instead of failing.
    DATABASES["default"]["OPTIONS"] = {
        "timeout": 20,
        "transaction_mode": "IMMEDIATE",
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
    }
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# Shared state (docs/deploy.md). With REDIS_URL, every app server shares one Redis: the cache, the enquiry limits,
# sessions (cached, backed by the database) and, by default, the task queue (RQ). Without it, one machine needs
# nothing extra: a per-process cache, limits in a database table (shared by all the processes of that machine and
# kept across restarts), sessions in the database, tasks queued in the database.
REDIS_URL = os.environ.get("REDIS_URL", "")
CACHE_KEY_PREFIX = os.environ.get("CACHE_KEY_PREFIX", "esolplus")
if REDIS_URL:
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": REDIS_URL,
            "KEY_PREFIX": CACHE_KEY_PREFIX,
        }
    }
    RATELIMIT_USE_CACHE = "default"
    SESSION_ENGINE = "django.contrib.sessions.backends.cached_db"
else:
    CACHES = {
        # Room for the finder's rendered result cards (a few kB each) beside the filter panels.
        "default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "OPTIONS": {"MAX_ENTRIES": 5000}},
        # Created by esolplus' migration 0005.
        "ratelimit": {"BACKEND": "django.core.cache.backends.db.DatabaseCache", "LOCATION": "esolplus_cache"},
    }
    RATELIMIT_USE_CACHE = "ratelimit"
# django-ratelimit lists neither Django's own RedisCache (its INCR is atomic) nor the database cache (not atomic:
# two enquiries in the same instant may count once, which one machine can live with) among the backends it knows.
SILENCED_SYSTEM_CHECKS = ["django_ratelimit.E003", "django_ratelimit.W001"]
ENQUIRY_RATE = os.environ.get("ENQUIRY_RATE", "5/h")
# Problem reports about a listing from one client address.
PROBLEM_REPORT_RATE = os.environ.get("PROBLEM_REPORT_RATE", "10/h")
# Waiting lists (finder.waiting_services): how many waiting people to tell at once when a class has places but no
# known number left; how long a told person's place is held before the next is told; how long entries are kept.
WAITING_LIST_TELL_AT_ONCE = int(os.environ.get("WAITING_LIST_TELL_AT_ONCE", "5"))
WAITING_LIST_HOLD_DAYS = int(os.environ.get("WAITING_LIST_HOLD_DAYS", "7"))
WAITING_LIST_RETENTION_DAYS = int(os.environ.get("WAITING_LIST_RETENTION_DAYS", "365"))
WAITING_LIST_CLOSED_RETENTION_DAYS = int(os.environ.get("WAITING_LIST_CLOSED_RETENTION_DAYS", "90"))
# Enquiries, referrals and employer enquiries are deleted this long after they last changed (finder.search.enquiries).
ENQUIRY_RETENTION_DAYS = int(os.environ.get("ENQUIRY_RETENTION_DAYS", "365"))
# Working days (Monday to Friday) a provider has to answer a learner's enquiry before it is overdue: its editors are
# reminded once and coordinators see it in the overdue enquiries report (finder.enquiry_deadlines).
ENQUIRY_RESPONSE_WORKING_DAYS = int(os.environ.get("ENQUIRY_RESPONSE_WORKING_DAYS", "6"))
# Listings that stay true (finder.freshness): days unchecked before the provider's editors are reminded (and learners
# see a warning); days unchecked before a listing is hidden from the finder; months whose first working day reminds
# every listing (an intake); days a "still correct" link in a reminder works.
LISTING_CHECK_DAYS = int(os.environ.get("LISTING_CHECK_DAYS", "90"))
LISTING_HIDE_AFTER_DAYS = int(os.environ.get("LISTING_HIDE_AFTER_DAYS", "150"))
LISTING_INTAKE_MONTHS = [int(month) for month in env_list("LISTING_INTAKE_MONTHS", "9,1,4")]
LISTING_LINK_DAYS = int(os.environ.get("LISTING_LINK_DAYS", "14"))
# Assessment bookings and their results are forgotten this long after they last changed (and once the slot is past).
ASSESSMENT_RETENTION_DAYS = int(os.environ.get("ASSESSMENT_RETENTION_DAYS", "365"))
# Surveys answered by link (evaluation.services.invitations): days a link stays valid, days before an unanswered one
# is reminded (and between reminders), and how many reminders at most.
SURVEY_LINK_DAYS = int(os.environ.get("SURVEY_LINK_DAYS", "28"))
SURVEY_REMINDER_AFTER_DAYS = int(os.environ.get("SURVEY_REMINDER_AFTER_DAYS", "5"))
SURVEY_MAX_REMINDERS = int(os.environ.get("SURVEY_MAX_REMINDERS", "2"))
# Posts to survey links from one client address (one per screen, so higher than the enquiry limit).
SURVEY_LINK_RATE = os.environ.get("SURVEY_LINK_RATE", "300/h")

# The client's address, for rate limits and login throttling (esolplus.client_ip). TRUSTED_PROXY_COUNT is how many
# reverse proxies in front of the app append to X-Forwarded-For (e.g. 1 for one nginx or load balancer). With the
# default 0 the header is ignored, as anyone can send it, and the connecting address (REMOTE_ADDR) is the client.
TRUSTED_PROXY_COUNT = int(os.environ.get("TRUSTED_PROXY_COUNT", "0"))
if TRUSTED_PROXY_COUNT < 0:
    raise ImproperlyConfigured("TRUSTED_PROXY_COUNT must be 0 or more.")
RATELIMIT_IP_META_KEY = "esolplus.client_ip.client_ip"

# Background tasks (esolplus.tasks; docs/deploy.md): "database" (django-tasks-db; worker: manage.py db_worker),
# "rq" (django-tasks-rq on REDIS_URL; worker: manage.py rqworker default --with-scheduler --job-class
# django_tasks_rq.Job) or "immediate" (in the request;
# the tests). Default: rq when REDIS_URL is set, else database.
TASKS_BACKEND = os.environ.get("TASKS_BACKEND") or ("rq" if REDIS_URL else "database")
TASK_BACKENDS = {
    "database": {"BACKEND": "django_tasks_db.DatabaseBackend"},
    "rq": {"BACKEND": "django_tasks_rq.RQBackend"},
    "immediate": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"},
}
if TASKS_BACKEND not in TASK_BACKENDS:
    raise ImproperlyConfigured(f"TASKS_BACKEND must be one of {', '.join(TASK_BACKENDS)}, not {TASKS_BACKEND!r}.")
TASKS = {"default": TASK_BACKENDS[TASKS_BACKEND]}
RQ_QUEUES = {"default": {"URL": REDIS_URL or "redis://127.0.0.1:6379/0", "DEFAULT_TIMEOUT": 60 * 60}}
# A job that fails with a temporary error (mail server or Notify down) is tried again after 30 s, 1, 2, 4... minutes
# (at most an hour apart), up to TASK_MAX_ATTEMPTS times; then it is listed for coordinators (Reports > Failed jobs).
TASK_MAX_ATTEMPTS = int(os.environ.get("TASK_MAX_ATTEMPTS", "10"))
TASK_RETRY_BASE_SECONDS = int(os.environ.get("TASK_RETRY_BASE_SECONDS", "30"))
TASK_RETRY_MAX_SECONDS = 60 * 60
# Database queue: a job still "running" this long after it started lost its worker (killed, machine lost) and is
# queued again (esolplus.tasks.recover_stuck_tasks). Longer than any job may take.
TASK_STUCK_AFTER_SECONDS = int(os.environ.get("TASK_STUCK_AFTER_SECONDS", str(60 * 60)))
TASK_RESULTS_KEEP_DAYS = int(os.environ.get("TASK_RESULTS_KEEP_DAYS", "14"))
# Periodic jobs, enqueued by `manage.py run_scheduler` (APScheduler; esolplus.scheduling): task path, crontab.
SCHEDULED_TASKS = [
    ("esolplus.tasks.publish_scheduled", "*/5 * * * *"),
    ("esolplus.tasks.recover_stuck_tasks", "*/5 * * * *"),
    ("esolplus.notifications.resend_unsent", "*/15 * * * *"),
    ("esolplus.notifications.prune_sent", "5 3 * * *"),
    ("esolplus.tasks.prune_task_records", "15 3 * * *"),
    ("evaluation.tasks.purge_expired_identities", "30 2 * * *"),
    ("evaluation.tasks.delete_expired_exports", "45 * * * *"),
    ("finder.waiting_services.tell_about_open_places", "*/15 * * * *"),
    ("finder.waiting_services.purge_old_entries", "50 2 * * *"),
    ("finder.assessment_services.remind_tomorrow", "0 * * * *"),
    ("finder.assessment_services.purge_old_bookings", "55 2 * * *"),
    ("finder.search.enquiries.purge_old_enquiries", "40 2 * * *"),
    ("finder.enquiry_deadlines.remind_overdue_enquiries", "30 8 * * *"),
    ("evaluation.tasks.remind_survey_invitations", "0 10 * * *"),
    ("finder.freshness_services.remind_and_hide_listings", "0 9 * * *"),
]

# Login throttling first (django-axes), then the ordinary user/password check.
AUTHENTICATION_BACKENDS = [
    "esolplus.auth.LoginThrottleBackend",
    "django.contrib.auth.backends.ModelBackend",
]
LOGIN_URL = "wagtailadmin_login"
LOGIN_REDIRECT_URL = "wagtailadmin_home"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

# Languages widely spoken by London's ESOL learners; Arabic, Urdu and Persian are right to left.
LANGUAGE_CODE = "en-gb"
LANGUAGES = [
    ("en-gb", "English"),
    ("ar", "العربية"),
    ("bn", "বাংলা"),
    ("fa", "فارسی"),
    ("pl", "Polski"),
    ("pt", "Português"),
    ("ro", "Română"),
    ("so", "Soomaali"),
    ("es", "Español"),
    ("ti", "ትግርኛ"),
    ("tr", "Türkçe"),
    ("uk", "Українська"),
    ("ur", "اردو"),
]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "Europe/London"
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = Path(os.environ.get("STATIC_ROOT", BASE_DIR / "staticfiles"))
STATICFILES_DIRS = [PROJECT_DIR / "static"]
# Leaflet for the results map, installed by `make install` from package-lock.json and served as static/leaflet/;
# a checkout without it runs with no map (finder.search.results_map).
LEAFLET_DIR = BASE_DIR / "node_modules" / "leaflet" / "dist"
if LEAFLET_DIR.is_dir():
    STATICFILES_DIRS.append(("leaflet", LEAFLET_DIR))
MEDIA_URL = "/media/"
MEDIA_ROOT = Path(os.environ.get("MEDIA_ROOT", BASE_DIR / "media"))
# Files for one signed-in user (record-level exports): outside MEDIA_ROOT, never served by the web server, only
# through a view that checks who asks. Shared by the web servers and the workers (a shared disk, or object storage).
PRIVATE_STORAGE = {
    "BACKEND": "django.core.files.storage.FileSystemStorage",
    "OPTIONS": {"location": Path(os.environ.get("PRIVATE_MEDIA_ROOT", BASE_DIR / "var" / "private")), "base_url": None},
}
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
    "private": PRIVATE_STORAGE,
}
# How long a prepared export may be downloaded before it is deleted.
EXPORT_FILE_HOURS = int(os.environ.get("EXPORT_FILE_HOURS", "24"))
DATA_UPLOAD_MAX_NUMBER_FIELDS = 10_000

# Spreadsheet imports (classes, registers, assessments; esolplus.spreadsheets): checked while the file is read,
# so that no upload costs a worker more than a few seconds and tens of MB before it is refused.
IMPORT_MAX_BYTES = int(os.environ.get("IMPORT_MAX_BYTES", str(5 * 1024 * 1024)))
IMPORT_MAX_ROWS = int(os.environ.get("IMPORT_MAX_ROWS", "10000"))
IMPORT_MAX_COLUMNS = int(os.environ.get("IMPORT_MAX_COLUMNS", "40"))
# At most 131072, the csv module's own limit.
IMPORT_MAX_FIELD_CHARS = min(int(os.environ.get("IMPORT_MAX_FIELD_CHARS", "10000")), 131_072)
IMPORT_MAX_EMPTY_ROWS = int(os.environ.get("IMPORT_MAX_EMPTY_ROWS", "1000"))
IMPORT_MAX_UNCOMPRESSED_BYTES = int(os.environ.get("IMPORT_MAX_UNCOMPRESSED_BYTES", str(20 * 1024 * 1024)))

SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_SAMESITE = "Lax"

# The map of results on /find/: map tiles from FINDER_MAP_TILE_URL (Leaflet's {z}/{x}/{y}, optionally {s}),
# credited with FINDER_MAP_ATTRIBUTION (HTML, shown in the map's corner). An empty tile URL switches the map off.
FINDER_MAP_TILE_URL = os.environ.get("FINDER_MAP_TILE_URL", "https://tile.openstreetmap.org/{z}/{x}/{y}.png")
# The tiles' licence asks for the credit, so an empty value gives OpenStreetMap's.
FINDER_MAP_ATTRIBUTION = (
    os.environ.get("FINDER_MAP_ATTRIBUTION")
    or '© <a href="https://www.openstreetmap.org/copyright">OpenStreetMap contributors</a>'
)


def tile_host(url: str) -> str:
    """The tile server's origin for the CSP ("" for tiles on this site); {s} subdomains become a wildcard."""
    if not url or url.startswith("/"):
        return ""
    parts = urlsplit(url)
    if parts.scheme not in {"http", "https"} or not parts.netloc:
        raise ImproperlyConfigured(f"FINDER_MAP_TILE_URL must start with https:// or /, not {url!r}.")
    return f"{parts.scheme}://{parts.netloc.replace('{s}', '*')}"


def csp_img_src(tile_url: str) -> list[str]:
    """Images from this site, data: URLs (Leaflet's layer icons) and the map's tile server."""
    host = tile_host(tile_url)
    return [SELF, "data:", *([host] if host else [])]


# Content Security Policy (django-csp): no inline script or style on the public site, nothing from
# other hosts except the map's tiles (the host of FINDER_MAP_TILE_URL).
# The Wagtail admin needs inline script and style; see esolplus.middleware.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF],
        "style-src": [SELF],
        "img-src": csp_img_src(FINDER_MAP_TILE_URL),
        "font-src": [SELF],
        "connect-src": [SELF],
        "object-src": [NONE],
        "base-uri": [SELF],
        "form-action": [SELF],
        "frame-ancestors": [NONE],
    },
}

# Failed-login throttling (django-axes): five wrong passwords for one username from one address lock
# that pair out for 15 minutes; a successful login clears the count.
AXES_FAILURE_LIMIT = int(os.environ.get("AXES_FAILURE_LIMIT", "5"))
AXES_COOLOFF_TIME = timedelta(minutes=int(os.environ.get("AXES_COOLOFF_MINUTES", "15")))
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_TEMPLATE = "account/locked_out.html"
AXES_HTTP_RESPONSE_CODE = 429
AXES_SENSITIVE_PARAMETERS = ["password", "token"]
AXES_VERBOSE = False
# The same client address as the rate limits (TRUSTED_PROXY_COUNT), never X-Forwarded-For on its own say-so.
AXES_CLIENT_IP_CALLABLE = "esolplus.client_ip.client_ip"

# Django REST framework (Wagtail's admin API and the Open Referral UK API): session logins only, as HTTP Basic
# auth would skip both the second factor and CSRF protection; JSON only, so no browsable API anywhere.
REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": ["rest_framework.authentication.SessionAuthentication"],
    "DEFAULT_RENDERER_CLASSES": ["rest_framework.renderers.JSONRenderer"],
}

# CORS (django-cors-headers): the Open Referral UK API is open data that any web page may read, so every
# origin may GET it, without cookies; nothing else on the site is shared with other origins.
CORS_URLS_REGEX = r"^/openreferral/.*$"
CORS_ALLOW_ALL_ORIGINS = True
CORS_ALLOW_CREDENTIALS = False
CORS_ALLOW_METHODS = ["GET"]
CORS_PREFLIGHT_MAX_AGE = 86400

# Second factor for staff (django-two-factor-auth on django-otp; esolplus.two_factor): the name shown in
# authenticator apps, and the areas where someone who has a second factor must have entered a code in this
# session: every staff area (the Wagtail admin, the evaluation with its exports, the account pages that change
# the second factor). TWO_FACTOR_REQUIRED=true makes coordinators and evaluators set one up before using them.
OTP_TOTP_ISSUER = "ESOL Plus"
TWO_FACTOR_PROTECTED_PREFIXES = ["/admin/", "/evaluation/", "/account/"]
TWO_FACTOR_REQUIRED = env_bool("TWO_FACTOR_REQUIRED", False)

EMAIL_BACKEND = os.environ.get("EMAIL_BACKEND", "django.core.mail.backends.smtp.EmailBackend")
EMAIL_HOST = os.environ.get("EMAIL_HOST", "localhost")
EMAIL_PORT = int(os.environ.get("EMAIL_PORT", "25"))
EMAIL_HOST_USER = os.environ.get("EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = os.environ.get("EMAIL_HOST_PASSWORD", "")
EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS", False)
DEFAULT_FROM_EMAIL = os.environ.get("DEFAULT_FROM_EMAIL", "ESOL Plus <no-reply@localhost>")
# A mail server that does not answer fails the attempt (tried again later) instead of holding a worker.
EMAIL_TIMEOUT = int(os.environ.get("EMAIL_TIMEOUT", "10"))

# Notifications (esolplus.notifications): GOV.UK Notify when NOTIFY_API_KEY is set, else Django's email backend
# above (and SMS written to the log). Notify templates: one email template whose subject is ((subject)) and body
# ((body)), one SMS template whose body is ((body)); NOTIFY_TEMPLATE_IDS may give a template of its own to a message
# (name=template id, comma-separated), which receives the same fields.
NOTIFY_API_KEY = os.environ.get("NOTIFY_API_KEY", "")
NOTIFY_BASE_URL = os.environ.get("NOTIFY_BASE_URL", "https://api.notifications.service.gov.uk")
NOTIFY_TIMEOUT = float(os.environ.get("NOTIFY_TIMEOUT", "10"))
NOTIFY_EMAIL_TEMPLATE_ID = os.environ.get("NOTIFY_EMAIL_TEMPLATE_ID", "")
NOTIFY_SMS_TEMPLATE_ID = os.environ.get("NOTIFY_SMS_TEMPLATE_ID", "")
NOTIFY_TEMPLATE_IDS = dict(item.split("=", 1) for item in env_list("NOTIFY_TEMPLATE_IDS") if "=" in item)
NOTIFICATIONS_BACKEND = "notify" if NOTIFY_API_KEY else "django"
# Sent notifications are kept (without their content) this long, so a retried job never sends twice.
NOTIFICATIONS_KEEP_DAYS = int(os.environ.get("NOTIFICATIONS_KEEP_DAYS", "30"))

# Every log line passes through RedactPersonalData, so learners' emails, phone numbers and full
# postcodes never reach the logs.
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {"redact_personal_data": {"()": "esolplus.logging.RedactPersonalData"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "filters": ["redact_personal_data"]}},
    "root": {"handlers": ["console"], "level": os.environ.get("LOG_LEVEL", "INFO")},
    # Wagtail's background tasks log every search-index update; only problems matter.
    "loggers": {"django_tasks": {"level": "WARNING"}, "django_tasks_db": {"level": "WARNING"}},
}

WAGTAIL_SITE_NAME = "ESOL Plus"
WAGTAILADMIN_BASE_URL = os.environ.get("WAGTAILADMIN_BASE_URL", "http://127.0.0.1:8000")
WAGTAILSEARCH_BACKENDS = {"default": {"BACKEND": "wagtail.search.backends.database"}}
WAGTAILDOCS_EXTENSIONS = ["csv", "docx", "odt", "pdf", "txt", "xlsx"]
WAGTAIL_I18N_ENABLED = False
WAGTAIL_WORKFLOW_ENABLED = True
WAGTAIL_ALLOW_UNICODE_SLUGS = False
# The admin calls no other sites: no Gravatar (it would tell Gravatar who edits), no update check.
WAGTAIL_GRAVATAR_PROVIDER_URL = None
WAGTAIL_ENABLE_UPDATE_CHECK = False

# Geography: where `import_geography` finds the reference data, and how places are geocoded.
GEO_DATA_DIR = Path(os.environ.get("GEO_DATA_DIR", BASE_DIR.parent / "shared" / "data" / "geo"))
GEO_DOWNLOAD_DIR = Path(os.environ.get("GEO_DOWNLOAD_DIR", BASE_DIR / "var" / "downloads"))
CODEPOINT_OPEN_URL = os.environ.get(
    "CODEPOINT_OPEN_URL",
    "https://api.os.uk/downloads/v1/products/CodePointOpen/downloads?area=GB&format=CSV&redirect",
)
GEOCODER_REMOTE_ENABLED = env_bool("GEOCODER_REMOTE_ENABLED", False)
GEOCODER_USER_AGENT = os.environ.get("GEOCODER_USER_AGENT", "esolplus (set GEOCODER_USER_AGENT)")
GEOCODER_TIMEOUT = float(os.environ.get("GEOCODER_TIMEOUT", "3"))
GEOCODER_CACHE_SECONDS = int(os.environ.get("GEOCODER_CACHE_SECONDS", str(60 * 60 * 24)))

# Open Referral UK and the wider ESOL Plus data.
OPENREFERRAL_SCHEMA_DIR = Path(
    os.environ.get("OPENREFERRAL_SCHEMA_DIR", BASE_DIR.parent / "shared" / "data" / "openreferral-uk-3.0")
)

# Keyed pseudonyms for learners; required wherever evaluation data is written.
PSEUDONYM_KEY = os.environ.get("PSEUDONYM_KEY", "")

SITE_DESCRIPTION = _("Find an English (ESOL) class in London.")

# Evaluation: the privacy notice version that new learners' consent records refer to.
EVALUATION_PRIVACY_NOTICE_VERSION = os.environ.get("EVALUATION_PRIVACY_NOTICE_VERSION", "2025-1")
