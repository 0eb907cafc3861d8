"""Settings for the children's reviews service: one module, read from the environment.

Every variable read here is listed in .env.example with a safe development value.
"""

import os
from datetime import timedelta
from pathlib import Path

import environ
from csp.constants import NONCE, NONE, SELF
from django.core.exceptions import ImproperlyConfigured

BASE_DIR = Path(__file__).resolve().parent.parent

env = environ.Env()
environ.Env.read_env(BASE_DIR / ".env", overwrite=False)

# A test run: pytest (8.2 and later) sets PYTEST_VERSION for itself and the processes
# it starts (docs/decisions.md, "DEBUG is off unless asked for").
TESTING = "PYTEST_VERSION" in os.environ
# Off unless DJANGO_DEBUG=true (make demo sets it). A test run loads the development
# values by default (no HTTPS redirect for the test client); pytest-django still runs
# every test with DEBUG off.
DEBUG = env.bool("DJANGO_DEBUG", default=TESTING)
# The published development key, only in debug or in a test run; anywhere else the
# service refuses to start without a key of its own.
DEVELOPMENT_SECRET_KEY = "django-insecure-development-only"  # noqa: S105 (public on purpose)
SECRET_KEY = env.str("DJANGO_SECRET_KEY", default="")
if not DEBUG and not TESTING and SECRET_KEY in ("", DEVELOPMENT_SECRET_KEY):
    raise ImproperlyConfigured(
        "DJANGO_SECRET_KEY must be set to a secret value when DJANGO_DEBUG is off "
        "(for development, set DJANGO_DEBUG=true or copy .env.example to .env)."
    )
SECRET_KEY = SECRET_KEY or DEVELOPMENT_SECRET_KEY
ALLOWED_HOSTS = env.list("DJANGO_ALLOWED_HOSTS", default=["localhost", "127.0.0.1"])
CSRF_TRUSTED_ORIGINS = env.list("DJANGO_CSRF_TRUSTED_ORIGINS", default=[])

# The address people outside the council use to reach the service (links in emails).
SITE_URL = env.str("SITE_URL", default="http://127.0.0.1:8000").rstrip("/")
SERVICE_NAME = env.str("SERVICE_NAME", default="Children's reviews")
COUNCIL_NAME = env.str("COUNCIL_NAME", default="Demo Borough Council")
# The postal address on every letter's letterhead, its lines separated by commas.
COUNCIL_ADDRESS = env.str(
    "COUNCIL_ADDRESS", default="Civic Centre, 1 High Street, Demo Town, DT1 1AA"
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
    "crispy_forms",
    "crispy_forms_gds",
    "django_q",
    "auditlog",
    "axes",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "csp",
    "core",
    "accounts",
    "children",
    "iro",
    "reviews",
    "disputes",
    "ssda903",
    "documents",
    "workspace",
    "reporting",
    "demo",
    "bench",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "csp.middleware.CSPMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.auth.middleware.LoginRequiredMiddleware",
    "core.middleware.SessionLifetimeMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "accounts.middleware.TwoFactorRequiredMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "auditlog.middleware.AuditlogMiddleware",
    "core.middleware.AccessAuditMiddleware",
    "core.middleware.NoStoreMiddleware",
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "reviews_project.urls"
WSGI_APPLICATION = "reviews_project.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "workspace.context_processors.service",
            ],
        },
    },
]

# SQLite file by default (the embedded demo); PostgreSQL when DATABASE_URL is set.
DATABASE_URL = (
    env.str("DATABASE_URL", default="") or f"sqlite:///{BASE_DIR / 'db.sqlite3'}"
)
DATABASES = {"default": env.db_url_config(DATABASE_URL)}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # The web server and the task worker share one file: WAL, immediate
    # transactions and a busy timeout keep "database is locked" away.
    DATABASES["default"]["OPTIONS"] = {
        "transaction_mode": "IMMEDIATE",
        "timeout": 20,
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
    }
else:
    DATABASES["default"]["CONN_MAX_AGE"] = env.int("DATABASE_CONN_MAX_AGE", default=60)
    DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
    # PostgreSQL's JIT compiles a plan's expressions once its estimated cost is high:
    # 40 to 350 ms per statement here, for statements that run in 50 ms without it
    # (docs/performance.md). Off unless DATABASE_JIT=true.
    jit = "on" if env.bool("DATABASE_JIT", default=False) else "off"
    DATABASES["default"].setdefault("OPTIONS", {})["options"] = f"-c jit={jit}"
# A PostgreSQL streaming replica for the reports, when given (core/replica.py): they
# read the primary instead when it is more than this many bytes of WAL behind.
if env.str("DATABASE_REPLICA_URL", default=""):
    DATABASES["replica"] = {
        **env.db_url_config(env.str("DATABASE_REPLICA_URL")),
        "CONN_MAX_AGE": DATABASES["default"].get("CONN_MAX_AGE", 0),
        "CONN_HEALTH_CHECKS": True,
        # A replica that does not answer is given up quickly: reports read the primary.
        "OPTIONS": {**DATABASES["default"].get("OPTIONS", {}), "connect_timeout": 3},
    }
    DATABASE_ROUTERS = ["core.replica.ReplicaRouter"]
# Hours a download made in the background (core/downloads.py) is kept for its requester.
PREPARED_DOWNLOAD_HOURS = env.int("PREPARED_DOWNLOAD_HOURS", default=24)
DATABASE_REPLICA_MAX_LAG_BYTES = env.int(
    "DATABASE_REPLICA_MAX_LAG_BYTES", default=16 * 1024 * 1024
)
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]
AUTH_PASSWORD_VALIDATORS = [
    {
        "NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"
    },
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 12},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
]
LOGIN_URL = "accounts:login"
LOGIN_REDIRECT_URL = "workspace:home"
LOGOUT_REDIRECT_URL = "accounts:login"

# Two-factor sign-in with TOTP for every user (the demo turns it off).
REQUIRE_2FA = env.bool("REQUIRE_2FA", default=True)
OTP_TOTP_ISSUER = SERVICE_NAME
# Setting up an authenticator needs a setup code from an administrator, except within
# this many hours of the account being created (docs/rules.md, D-2FA).
TWO_FACTOR_ENROLMENT_WINDOW_HOURS = env.int(
    "TWO_FACTOR_ENROLMENT_WINDOW_HOURS", default=72
)
TWO_FACTOR_SETUP_CODE_DAYS = env.int("TWO_FACTOR_SETUP_CODE_DAYS", default=7)

# Single sign-on with OpenID Connect (Microsoft Entra ID; accounts.sso, docs/deployment.md).
# Off unless OIDC_ENABLED=true: the demo signs in with local accounts.
OIDC_ENABLED = env.bool("OIDC_ENABLED", default=False)
# The issuer; its metadata is read from ISSUER/.well-known/openid-configuration. For
# Entra ID: https://login.microsoftonline.com/<tenant id>/v2.0
OIDC_ISSUER = env.str("OIDC_ISSUER", default="").rstrip("/")
OIDC_CLIENT_ID = env.str("OIDC_CLIENT_ID", default="")
OIDC_CLIENT_SECRET = env.str("OIDC_CLIENT_SECRET", default="")
OIDC_SCOPES = env.str("OIDC_SCOPES", default="openid profile email")
# The tenant (tid) whose users may sign in; empty takes the tenant from the issuer's
# tokens as it is (a single-tenant registration already limits who the issuer serves).
OIDC_TENANT_ID = env.str("OIDC_TENANT_ID", default="")
# Seconds of clock difference allowed on the ID token's exp, iat and nbf.
OIDC_CLOCK_SKEW_SECONDS = env.int("OIDC_CLOCK_SKEW_SECONDS", default=120)
# The council's Conditional Access makes multi-factor compulsory for this application,
# so a token without amr or acrs still counts as multi-factor (D-SSO3).
OIDC_MFA_ENFORCED_BY_PROVIDER = env.bool("OIDC_MFA_ENFORCED_BY_PROVIDER", default=False)
# Conditional Access authentication contexts (the acrs claim) that demand multi-factor.
OIDC_MFA_ACRS = env.list("OIDC_MFA_ACRS", default=[])
# Group object id -> role name, as JSON: {"<group object id>": "IRO", ...}. The roles
# named here follow the groups at every sign-in (D-SSO4).
OIDC_GROUP_ROLES: dict[str, str] = env.json("OIDC_GROUP_ROLES", default={})
# Group object id -> team name, as JSON: a person in one mapped group is put in that
# team at every sign-in (D-SSO4); in none or several, the team is left as it is.
OIDC_GROUP_TEAMS: dict[str, str] = env.json("OIDC_GROUP_TEAMS", default={})
# Let a person whose groups map to a role in with no user made for them beforehand.
OIDC_ADMIT_BY_GROUP = env.bool("OIDC_ADMIT_BY_GROUP", default=False)
# Local password sign-in while single sign-on is on: off, except for these usernames
# (break-glass accounts for when the provider is down; D-SSO5).
LOCAL_SIGN_IN = env.bool("LOCAL_SIGN_IN", default=not OIDC_ENABLED)
LOCAL_SIGN_IN_USERNAMES = env.list("LOCAL_SIGN_IN_USERNAMES", default=[])

# Sessions: 30 idle minutes and 12 hours in all (core.middleware.SessionLifetimeMiddleware
# renews an active session's expiry at most once a minute, not a write on every page).
SESSION_COOKIE_AGE = env.int("SESSION_IDLE_SECONDS", default=30 * 60)
SESSION_ABSOLUTE_SECONDS = env.int("SESSION_ABSOLUTE_SECONDS", default=12 * 60 * 60)
SESSION_SAVE_EVERY_REQUEST = False
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_SAMESITE = "Lax"

# Lock an account for 30 minutes after 5 failed sign-ins.
AXES_FAILURE_LIMIT = env.int("AXES_FAILURE_LIMIT", default=5)
AXES_COOLOFF_TIME = timedelta(minutes=env.int("AXES_COOLOFF_MINUTES", default=30))
# By account and address together: failures from one address lock that account from
# that address only, so nobody can lock a colleague out from elsewhere, and a shared
# office address does not shut the whole office out (docs/decisions.md). An
# administrator unlocks in /manage/ (Access attempts) or with `axes_reset_username`.
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
SILENCED_SYSTEM_CHECKS: list[str] = []
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # The reporting indexes carry extra columns for PostgreSQL's index-only scans;
    # SQLite builds them on their key columns alone, which is all it needs.
    SILENCED_SYSTEM_CHECKS.append("models.W040")
AXES_LOCKOUT_TEMPLATE = "accounts/locked_out.html"
AXES_HTTP_RESPONSE_CODE = 429
AXES_RESET_ON_SUCCESS = True
AXES_IPWARE_META_PRECEDENCE_ORDER = env.list(
    "AXES_IPWARE_META_PRECEDENCE_ORDER", default=["REMOTE_ADDR"]
)
AXES_VERBOSE = False

# Security headers.
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF, NONCE],
        "style-src": [SELF],
        "img-src": [SELF, "data:"],
        "font-src": [SELF],
        "connect-src": [SELF],
        "form-action": [SELF],
        "frame-ancestors": [NONE],
        "base-uri": [SELF],
        "object-src": [NONE],
    }
}
if not DEBUG:
    SECURE_SSL_REDIRECT = env.bool("DJANGO_SECURE_SSL_REDIRECT", default=True)
    SECURE_HSTS_SECONDS = env.int("DJANGO_HSTS_SECONDS", default=31536000)
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = env.bool("DJANGO_HSTS_PRELOAD", default=True)
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    SESSION_COOKIE_NAME = "__Host-sessionid"
    CSRF_COOKIE_NAME = "__Host-csrftoken"
    if env.bool("DJANGO_BEHIND_PROXY", default=False):
        SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")

LANGUAGE_CODE = "en-gb"
TIME_ZONE = "Europe/London"
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATICFILES_DIRS = [BASE_DIR / "static"]
STATIC_ROOT = BASE_DIR / "staticfiles"
MEDIA_ROOT = BASE_DIR / env.str("MEDIA_ROOT", default="media")
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

CRISPY_ALLOWED_TEMPLATE_PACKS = ["gds"]
CRISPY_TEMPLATE_PACK = "gds"

EMAIL_BACKEND = env.str(
    "EMAIL_BACKEND", default="django.core.mail.backends.console.EmailBackend"
)
EMAIL_HOST = env.str("EMAIL_HOST", default="localhost")
EMAIL_PORT = env.int("EMAIL_PORT", default=25)
EMAIL_USE_TLS = env.bool("EMAIL_USE_TLS", default=False)
DEFAULT_FROM_EMAIL = env.str("DEFAULT_FROM_EMAIL", default="reviews@example.gov.uk")
# For EMAIL_BACKEND=django.core.mail.backends.filebased.EmailBackend (tests, demos).
EMAIL_FILE_PATH = env.str("EMAIL_FILE_PATH", default=str(BASE_DIR / "sent-emails"))
# The council's choice (D-SENT): attach the PDF of the record to the email of a
# reader without an account instead of a single-use link. Staff always get a
# signed-in link.
RECORD_EMAIL_ATTACH_PDF = env.bool("RECORD_EMAIL_ATTACH_PDF", default=False)

# Background work: django-q2 on the main database by default, Redis if given.
Q_CLUSTER = {
    # The queue's name: on Redis, its list key (django_q:<name>:q).
    "name": env.str("Q_NAME", default="reviews"),
    "workers": env.int("Q_WORKERS", default=1),
    # A task still running after `timeout` seconds is stopped; one not acknowledged
    # after `retry` seconds (its worker died) is delivered again: retry > timeout.
    "timeout": env.int("Q_TIMEOUT", default=300),
    "retry": env.int("Q_RETRY", default=360),
    "max_attempts": 5,
    "catch_up": False,
    "orm": "default",
    "sync": env.bool("Q_SYNC", default=False),
    "poll": 2,
}
if env.str("Q_REDIS_URL", default=""):
    del Q_CLUSTER["orm"]
    Q_CLUSTER["redis"] = env.str("Q_REDIS_URL")

# Reminders (workspace.reminders): working days before a task's due date that its
# owner is reminded (0 = on the day); overdue tasks escalate to the owner's manager. A
# review is amber when its due date is within RAG_AMBER_WORKING_DAYS working days, red
# when past.
REMINDER_LEAD_WORKING_DAYS = env.list(
    "REMINDER_LEAD_WORKING_DAYS", cast=int, default=[5, 0]
)
RAG_AMBER_WORKING_DAYS = env.int("RAG_AMBER_WORKING_DAYS", default=5)

AUDITLOG_INCLUDE_ALL_MODELS = False
AUDITLOG_DISABLE_REMOTE_ADDR = False

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {
        "plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"},
    },
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["console"], "level": env.str("LOG_LEVEL", default="INFO")},
    "loggers": {
        "django.security": {"level": "INFO"},
        "axes": {"level": "WARNING"},
        "weasyprint": {"level": "WARNING"},
        "fontTools": {"level": "WARNING"},
    },
}

# Local standards (docs/rules.md) live in reviews/local_standards.py.

# Case data whose every create, update and delete is recorded with its author.
# Derived fields (due dates, RAG status) are left out: they are recomputed in bulk.
AUDITLOG_INCLUDE_TRACKING_MODELS = (
    "accounts.Team",
    {"model": "accounts.User", "exclude_fields": ["password", "last_login"]},
    "children.Child",
    "children.PeriodOfCare",
    "children.SocialWorkerAllocation",
    "iro.IroAllocation",
    "iro.DutyCover",
    "iro.IroAllocationCorrection",
    {
        "model": "reviews.Review",
        "exclude_fields": ["due_date", "due_track", "due_rule", "rag", "updated_at"],
    },
    # Challenges and quality of practice (disputes); ChallengeEvent is itself history.
    "disputes.Challenge",
    "disputes.ChallengeStage",
    "disputes.CafcassReferral",
    "disputes.PracticeAcknowledgement",
    "disputes.PracticeObservation",
    "disputes.CaseAudit",
    "disputes.ChallengeResponseCorrection",
    # Children and allocation: episodes and the rest of the case record.
    "children.Episode",
    "children.SecurePlacement",
    "children.Pathway",
    "children.ParentSharingRestriction",
    "children.SignificantEvent",
    "children.DeprivationOfLibertyOrder",
    # Stored documents: made, attached and downloaded (access entries); what was sent.
    "documents.Document",
    "documents.Distribution",
    # The review cycle: preparation, the meeting, decisions, the record and after.
    # ReviewEvent is itself the review's history and is not tracked twice.
    "reviews.ReviewChoices",
    "reviews.ConveningChecklist",
    "reviews.Invitee",
    "reviews.SharingRestriction",
    "reviews.Invitation",
    {"model": "reviews.AccessLink", "exclude_fields": ["token_hash", "code_hash"]},
    "reviews.Consultation",
    "reviews.HearingApart",
    "reviews.ChildContact",
    "reviews.KeyDocument",
    "reviews.ReviewMeeting",
    "reviews.MeetingAttendance",
    {"model": "reviews.Decision", "m2m_fields": ["withhold_from"]},
    {"model": "reviews.ReviewRecord", "m2m_fields": ["nothing_to_leave_out_for"]},
    # Who each part is left out for is a change of who is told what (V2).
    {"model": "reviews.RecordSection", "m2m_fields": ["withhold_from"]},
    "reviews.FeedbackResponse",
    "reviews.ProgressReview",
    "reviews.DecisionUpdate",
    "reviews.ReviewComment",
    # Corrections after the event (C2, C3): their rows are the history of what changed.
    "reviews.ReviewCorrection",
    "reviews.RecordAmendment",
    "reviews.LaterDateRequest",
    "reviews.SecureReview",
    "reviews.SecurePanelMember",
    "reviews.SecureReviewCorrection",  # C6
)
# Case-data models whose rows are themselves history, and so are not tracked again
# (tests/core/test_audit_coverage.py checks every other case-data model is tracked).
AUDIT_HISTORY_MODELS = ("reviews.ReviewEvent", "disputes.ChallengeEvent")
