"""Settings shared by every environment, read from the environment (django-environ).

`local`, `production` and `test` only change what differs; nothing here depends on
which of them is in use.
"""

from pathlib import Path

import environ
from celery.schedules import crontab
from django.utils.csp import CSP
from django.utils.translation import gettext_lazy as _

from ._mail import mailers_from_url

BASE_DIR = Path(__file__).resolve().parent.parent.parent
VAR_DIR = BASE_DIR / "var"
# Runtime files (SQLite test database, mail files, Celery queue): absent from a fresh clone.
VAR_DIR.mkdir(exist_ok=True)

env = environ.Env()
environ.Env.read_env(BASE_DIR / ".env", overwrite=False)

SECRET_KEY = env("DJANGO_SECRET_KEY", default="")
DEBUG = env.bool("DJANGO_DEBUG", default=False)
ALLOWED_HOSTS = env.list("DJANGO_ALLOWED_HOSTS", default=["127.0.0.1", "localhost"])
# Without SITE_URL, the address `./dev run` serves on (DEV_ADDR, which its argument sets):
# links in e-mails then lead to the running site.
DEV_ADDR = env("DEV_ADDR", default="127.0.0.1:8000")
SITE_URL = env("SITE_URL", default=f"http://{DEV_ADDR}").rstrip("/")
# An empty value (docker-compose passes one when unset) also means SITE_URL.
CSRF_TRUSTED_ORIGINS = env.list("DJANGO_CSRF_TRUSTED_ORIGINS", default=[]) or [SITE_URL]

# The project's own apps, in the order their imports flow (the kernel first). Seeding, role
# permissions and the privacy registry walk this list rather than guessing from module names.
PROJECT_APPS = [
    "consortium.core",
    "consortium.pages",
    "members",
    "events",
    "projects",
    "evaluations",
    "coordination",
]

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django_filters",
    "allauth",
    "allauth.account",
    "allauth.mfa",
    *PROJECT_APPS,
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "consortium.core.middleware.RequestBodyLimitMiddleware",
    "django.middleware.csp.ContentSecurityPolicyMiddleware",
    "consortium.core.middleware.PermissionsPolicyMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    # ETag on every page, 304 when the browser already has it (cached public pages).
    "django.middleware.http.ConditionalGetMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "consortium.core.middleware.LanguageMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.auth.middleware.LoginRequiredMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "allauth.account.middleware.AccountMiddleware",
    "consortium.core.middleware.SecondFactorRequiredMiddleware",
    "consortium.core.middleware.PrivilegedIdleTimeoutMiddleware",
]

ROOT_URLCONF = "consortium.urls"
WSGI_APPLICATION = "consortium.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.template.context_processors.csp",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "consortium.core.context_processors.site",
                "members.context_processors.membership",
            ],
        },
    },
    # The hot fragments of list pages (consortium.core.jinja), in each app's jinja2/ and
    # named like the page they belong to; only `{% jinja %}` asks this engine.
    {
        "BACKEND": "django.template.backends.jinja2.Jinja2",
        "NAME": "jinja2",
        "DIRS": [],
        "APP_DIRS": True,
        "OPTIONS": {"environment": "consortium.core.jinja.environment", "autoescape": True},
    },
]

# Form fields are drawn by Jinja2 with Django's own widget templates: the same markup, a
# few times faster than the template language for a filter form's selects and options
# (about a tenth of a list page's time). Project widgets keep theirs in an app's jinja2/.
FORM_RENDERER = "consortium.core.renderers.FormRenderer"

# Embedded default: one SQLite file in the project folder. Production sets DATABASE_URL.
DATABASES = {
    "default": env.db("DATABASE_URL", default=f"sqlite:///{BASE_DIR / 'db.sqlite3'}"),
}
DATABASES["default"].setdefault("CONN_MAX_AGE", env.int("DJANGO_CONN_MAX_AGE", default=0))
DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # WAL lets the web process read while the Celery worker writes. In WAL, a transaction
    # that read first and writes later fails at once ("database is locked", whatever the
    # timeout) when another process wrote in between: IMMEDIATE makes every atomic() take
    # the write lock when it begins, and `timeout` (seconds) is how long it waits for it.
    DATABASES["default"].setdefault("OPTIONS", {})
    DATABASES["default"]["OPTIONS"].update(
        {
            "timeout": 20,
            "transaction_mode": "IMMEDIATE",
            "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
        }
    )
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# Redis is optional: unset, the cache is per process and Celery uses the filesystem.
REDIS_URL = env("REDIS_URL", default="")
if REDIS_URL:
    CACHES = {
        "default": {
            # Redis down: an empty cache and a warning, not a 500 on every login.
            "BACKEND": "consortium.core.cache.ResilientRedisCache",
            "LOCATION": REDIS_URL,
            "OPTIONS": {"socket_connect_timeout": 2, "socket_timeout": 2},
        }
    }
    # A signed-in page reads its session from Redis, not from a table, on every request;
    # sessions are still written to the database, so a Redis restart signs nobody out.
    SESSION_ENGINE = "django.contrib.sessions.backends.cached_db"
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}

AUTH_USER_MODEL = "core.User"
AUTHENTICATION_BACKENDS = [
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
]
LOGIN_URL = "account_login"
# After login or e-mail confirmation, a partner lands in their area (the onboarding
# for a newcomer, their groups and needs for a member).
LOGIN_REDIRECT_URL = "members:space"
# Where the coordination and the Observation group land after signing in.
DESK_URL = "coordination:dashboard"
LOGOUT_REDIRECT_URL = "pages:home"

# django-allauth: login by e-mail, verified addresses, no account enumeration.
# Its e-mails go through the outbox, like every e-mail of the portal.
# seed_demo may run (development, tests); production refuses it by default (production.py).
DEMO_DATA_ALLOWED = True

ACCOUNT_ADAPTER = "consortium.core.accounts.AccountAdapter"
ACCOUNT_LOGIN_METHODS = {"email"}
ACCOUNT_SIGNUP_FIELDS = ["email*", "password1*", "password2*"]
ACCOUNT_USER_MODEL_USERNAME_FIELD = None
ACCOUNT_EMAIL_VERIFICATION = "mandatory"
ACCOUNT_UNIQUE_EMAIL = True
ACCOUNT_PREVENT_ENUMERATION = True
ACCOUNT_LOGIN_ON_EMAIL_CONFIRMATION = True
ACCOUNT_CONFIRM_EMAIL_ON_GET = False
ACCOUNT_CHANGE_EMAIL = True
# Adding or changing an address asks for the password again unless it was typed within
# ACCOUNT_REAUTHENTICATION_TIMEOUT (5 minutes): a session left open is not enough to take
# over the account through its address (ASVS 5.0 7.5.1, docs/securite.md).
ACCOUNT_REAUTHENTICATION_REQUIRED = True
# Coordinators and staff are signed out after this long without a request
# (consortium.core.middleware.PrivilegedIdleTimeoutMiddleware).
PRIVILEGED_SESSION_IDLE_SECONDS = 30 * 60
ACCOUNT_EMAIL_NOTIFICATIONS = True  # tell people when their password or address changes
ACCOUNT_LOGOUT_ON_PASSWORD_CHANGE = False
ACCOUNT_SESSION_REMEMBER = None
ACCOUNT_EMAIL_SUBJECT_PREFIX = "[Consortium éveil artistique] "
ACCOUNT_DEFAULT_HTTP_PROTOCOL = "https" if SITE_URL.startswith("https") else "http"
# Rate limits count per client address. Behind reverse proxies, every request comes from the
# nearest proxy: say how many proxies you run, so the client address is read from
# X-Forwarded-For (the entry that many places from the right). 0: no proxy, REMOTE_ADDR.
# Never more than the proxies really in front: the extra entries can be forged by a client.
ALLAUTH_TRUSTED_PROXY_COUNT = env.int("ALLAUTH_TRUSTED_PROXY_COUNT", default=0)
ACCOUNT_RATE_LIMITS = {
    "login": "30/m/ip",
    "login_failed": "10/m/ip,5/5m/key",
    "signup": "20/m/ip",
    "confirm_email": "1/3m/key",
    "reset_password": "20/m/ip,5/m/key",
    "reset_password_from_key": "20/m/ip",
    "change_email": "1/m/user",
    "change_password": "5/m/user",
    "manage_email": "10/m/user",
    "reauthenticate": "10/m/user",
}

# Second factor (django-allauth MFA): an authenticator app (TOTP) with recovery codes.
# Offered to everyone, mandatory for coordinators and staff
# (consortium.core.middleware.SecondFactorRequiredMiddleware).
MFA_SUPPORTED_TYPES = ["totp", "recovery_codes"]
MFA_TOTP_ISSUER = "Consortium éveil artistique 95"

LANGUAGE_CODE = "fr"
LANGUAGES = [("fr", _("Français")), ("en", _("English"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "Europe/Paris"
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = VAR_DIR / "static"
STATICFILES_DIRS = [BASE_DIR / "static"]
MEDIA_URL = "/media/"
MEDIA_ROOT = env.path("DJANGO_MEDIA_ROOT", default=str(VAR_DIR / "media"))
# Archives of `manage.py backup` (database + media), and the folder of pg_dump/pg_restore when
# the ones on PATH are not of the server's major version (e.g. /usr/lib/postgresql/15/bin).
BACKUP_ROOT = env.path("DJANGO_BACKUP_ROOT", default=str(VAR_DIR / "backups"))
BACKUP_PG_BIN_DIR = env("DJANGO_BACKUP_PG_BIN_DIR", default="")
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
}

# E-mail (Django 6.1 MAILERS). EMAIL_URL picks the transport:
#   smtp://user:pass@host:587 (add ?tls=1), console://, file://<folder>, locmem://
DEFAULT_FROM_EMAIL = env(
    "DEFAULT_FROM_EMAIL", default="Consortium éveil artistique <ne-pas-repondre@valdoise.fr>"
)
SERVER_EMAIL = DEFAULT_FROM_EMAIL
EMAIL_URL = env("EMAIL_URL", default=f"file://{VAR_DIR / 'mail'}")
MAILERS = mailers_from_url(EMAIL_URL)

# Celery. Without REDIS_URL, a real worker and beat still run, on kombu's filesystem
# transport in var/celery (one machine, no service to install).
EMBEDDED_BROKER_DIR = Path(env("CELERY_FILESYSTEM_DIR", default=str(VAR_DIR / "celery")))
CELERY_BROKER_URL = REDIS_URL or "filesystem://"
# Publishing (a request queueing an e-mail) gives up after one quick retry when the broker
# is down: the outbox row then waits for the sweeper, not the visitor for the broker
# (kombu's default retries for ~6 s). Workers and beat keep their own, patient, retries.
_PUBLISH_FAILOVER = {"max_retries": 1, "interval_start": 0.2, "interval_step": 0}
CELERY_BROKER_TRANSPORT_OPTIONS = _PUBLISH_FAILOVER | (
    {"visibility_timeout": 3600, "socket_connect_timeout": 2}
    if REDIS_URL
    else {
        "data_folder_in": str(EMBEDDED_BROKER_DIR / "queue"),
        "data_folder_out": str(EMBEDDED_BROKER_DIR / "queue"),
        "processed_folder": str(EMBEDDED_BROKER_DIR / "processed"),
        # Exchange tables; kombu's default is "control" in the current folder.
        "control_folder": str(EMBEDDED_BROKER_DIR / "control"),
        "store_processed": False,
    }
)
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
CELERY_RESULT_BACKEND = None
CELERY_TASK_IGNORE_RESULT = True
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TASK_SERIALIZER = "json"
CELERY_ACCEPT_CONTENT = ["json"]
CELERY_TIMEZONE = TIME_ZONE
CELERY_TASK_ALWAYS_EAGER = False
CELERY_BEAT_SCHEDULE_FILENAME = str(EMBEDDED_BROKER_DIR / "beat-schedule")
# Two installations (or test runs) sharing one Redis each use their own queue.
CELERY_TASK_DEFAULT_QUEUE = env("CELERY_QUEUE", default="celery")
# Every hour at :05 unless set (in seconds): the end-to-end test of beat uses a few
# seconds; an installation may want reminders checked more often.
REMINDER_SWEEP_SECONDS = env.float("REMINDER_SWEEP_SECONDS", default=0)
# How often the outbox sweeper runs (the fault drills shorten it, benchmarks/faults.py).
OUTBOX_SWEEP_SECONDS = env.float("OUTBOX_SWEEP_SECONDS", default=60)
# The one beat schedule of the project. Tasks read what the coordinator can change
# (offsets, days) from the database, so this stays static.
CELERY_BEAT_SCHEDULE = {
    "worker-heartbeat": {
        "task": "consortium.core.tasks.worker_heartbeat",
        "schedule": 300.0,
    },
    "outbox-sweep": {
        "task": "consortium.core.tasks.outbox_sweep_task",
        "schedule": OUTBOX_SWEEP_SECONDS,
    },
    # Retention (consortium.core.retention): e-mails, audit log, inactive accounts (warned,
    # then erased), and accounts never confirmed or validated.
    "retention": {
        "task": "consortium.core.tasks.purge_expired_records",
        "schedule": crontab(hour=3, minute=17),
    },
    "pending-accounts": {
        "task": "members.tasks.delete_pending_accounts",
        "schedule": crontab(hour=3, minute=27),
    },
    # Hourly; the offsets (J-7, J-1…) are the coordinator's, in events.ReminderPolicy.
    "event-reminders": {
        "task": "events.tasks.send_due_reminders",
        "schedule": REMINDER_SWEEP_SECONDS or crontab(minute=5),
    },
    "old-registrations": {
        "task": "events.tasks.anonymise_old_registrations",
        "schedule": crontab(hour=3, minute=47),
    },
    "training-certificates": {
        "task": "events.tasks.send_due_certificates",
        "schedule": crontab(minute=35),
    },
    # The watch: the matched digest on Monday morning, deadline alerts (J-14, J-3) and
    # dossier key dates (J-7) every morning; each e-mail is queued once (outbox keys).
    "weekly-digest": {
        "task": "projects.send_weekly_digest",
        "schedule": crontab(day_of_week="mon", hour=8, minute=0),
    },
    "opportunity-deadline-alerts": {
        "task": "projects.send_deadline_alerts",
        "schedule": crontab(hour=7, minute=30),
    },
    "dossier-reminders": {
        "task": "projects.send_dossier_reminders",
        "schedule": crontab(hour=7, minute=45),
    },
    # Hourly: at J+1 (from SURVEY_INVITATION_HOUR), the people present at a training are
    # invited to its satisfaction survey, each once (evaluations.services).
    "survey-invitations": {
        "task": "evaluations.send_survey_invitations",
        "schedule": crontab(minute=50),
    },
    "old-survey-invitations": {
        "task": "evaluations.anonymise_old_invitations",
        "schedule": crontab(hour=3, minute=57),
    },
    # A mailing is "sent" once the outbox is done with its e-mails (they leave in batches).
    "mailings-settle": {
        "task": "coordination.settle_mailings",
        "schedule": 300.0,
    },  # Activity reports no worker is on: asked again, or failed if their worker died.
    "activity-reports-sweep": {
        "task": "evaluations.sweep_activity_reports",
        "schedule": env.float("REPORT_SWEEP_SECONDS", default=60),
    },
}
# Activity reports: the generation task is killed after REPORT_TIME_LIMIT seconds; a report
# "requested" for REPORT_REQUEST_GRACE seconds is asked for again (evaluations.reports).
REPORT_TIME_LIMIT = env.int("REPORT_TIME_LIMIT", default=600)
REPORT_REQUEST_GRACE = env.int("REPORT_REQUEST_GRACE", default=120)
WORKER_HEARTBEAT_MAX_AGE = 900  # seconds after which /healthz reports the worker as late
# Retention periods, in days: the one place they are set. The daily services read them, and
# /donnees-personnelles/ and docs/registre-des-traitements.md state them through
# consortium.core.retention (tests/test_retention_register.py holds both to them).
OUTBOX_RETENTION_DAYS = 365
AUDIT_LOG_RETENTION_DAYS = 365
# An account nobody logged in to for this long is warned by e-mail, then erased this many
# days after the warning if still unused; accounts never confirmed or never validated go
# after PENDING_ACCOUNT_RETENTION_DAYS.
INACTIVE_ACCOUNT_RETENTION_DAYS = 2 * 365
INACTIVE_ACCOUNT_WARNING_DAYS = 30
PENDING_ACCOUNT_RETENTION_DAYS = 90
ATTENDANCE_RETENTION_DAYS = 3 * 365  # then registrations and presences are anonymised
# Surveys (evaluations): invitations at J+1 from this hour (Paris), caught up for a week at
# most; a survey without a closing date closes this many days after its invitations; the
# invitations forget the person this many days after the survey closed.
SURVEY_INVITATION_HOUR = 9
SURVEY_INVITATION_CATCH_UP_DAYS = 7
SURVEY_OPEN_DAYS = 30
SURVEY_INVITATION_RETENTION_DAYS = 90
# The e-mail outbox (consortium/core/outbox.py).
OUTBOX_MAX_ATTEMPTS = env.int("OUTBOX_MAX_ATTEMPTS", default=6)
OUTBOX_RETRY_BASE_SECONDS = 60  # then 2, 4, 8… minutes
# Hard time limit of the task sending one e-mail or a batch (SMTP operations time out
# after 10 s); a row still "sending" a little after it belonged to a worker that died
# (sweeper). A batch stops at half of it and queues the rest again.
OUTBOX_SEND_TIME_LIMIT = env.int("OUTBOX_SEND_TIME_LIMIT", default=60)
# After the time limit, this much more before a row "sending" counts as a dead worker's
# (the fault drills in CI shorten it).
OUTBOX_SENDING_MARGIN = env.int("OUTBOX_SENDING_MARGIN", default=30)
OUTBOX_SWEEP_GRACE = env.int("OUTBOX_SWEEP_GRACE", default=120)  # a fresh row's own task first
# Rows a send task takes at once, over one connection to the e-mail server (mailings,
# reminders, the sweeper); a batch stops at half the time limit and re-queues the rest.
OUTBOX_BATCH_SIZE = env.int("OUTBOX_BATCH_SIZE", default=100)

SESSION_COOKIE_HTTPONLY = True
CSRF_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
# Content-Security-Policy (Django's ContentSecurityPolicyMiddleware): only the site's own
# files; an inline <script> or <style> needs {{ csp_nonce }}; no inline style attribute.
# data: images are the QR code of the authenticator app activation.
SECURE_CSP = {
    "default-src": [CSP.SELF],
    "script-src": [CSP.SELF, CSP.NONCE],
    "style-src": [CSP.SELF, CSP.NONCE],
    "img-src": [CSP.SELF, "data:"],
    "object-src": [CSP.NONE],
    "base-uri": [CSP.NONE],
    "form-action": [CSP.SELF],
    "frame-ancestors": [CSP.NONE],
}
# Browser features the site never uses, refused for it and anything it embeds.
PERMISSIONS_POLICY = {
    feature: []
    for feature in (
        "accelerometer",
        "camera",
        "geolocation",
        "gyroscope",
        "magnetometer",
        "microphone",
        "payment",
        "usb",
    )
}
# Request bodies: fields apart from files (Django's default, stated), and the whole body,
# files included, refused with 413 before it is read. Larger than the biggest upload
# (10 MB documents, 5 MB images) with room for forms that carry several files.
DATA_UPLOAD_MAX_MEMORY_SIZE = 2_621_440
REQUEST_MAX_BODY_SIZE = env.int("DJANGO_REQUEST_MAX_BODY_SIZE", default=50 * 1024 * 1024)

ADMINS = []
CONTACT_EMAIL = env("CONTACT_EMAIL", default="eveil-artistique@valdoise.fr")

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["console"], "level": env("DJANGO_LOG_LEVEL", default="INFO")},
    "loggers": {"django.db.backends": {"level": "WARNING"}},
}
