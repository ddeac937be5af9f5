"""Settings for the Kubernetes Playground.

Everything comes from environment variables with embedded defaults, so that
`python manage.py playground` works on a fresh machine with nothing else running
(SQLite under var/, the in-memory channel layer) and the scaled-out setup only sets
DATABASE_URL and REDIS_URL.
"""
import os
import secrets
import tempfile
from pathlib import Path

import dj_database_url

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = Path(os.environ.get("PLAYGROUND_VAR_DIR", BASE_DIR / "var"))
VAR_DIR.mkdir(parents=True, exist_ok=True)


def _env_bool(name: str, default: bool) -> bool:
    value = os.environ.get(name)
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def _secret_key() -> str:
    """Return SECRET_KEY from the environment, else one generated once and kept in var/."""
    if os.environ.get("SECRET_KEY"):
        return os.environ["SECRET_KEY"]
    path = VAR_DIR / "secret_key"
    if not path.exists():
        path.write_text(secrets.token_urlsafe(50))
        path.chmod(0o600)
    return path.read_text().strip()


SECRET_KEY = _secret_key()
DEBUG = _env_bool("DEBUG", False)
ALLOWED_HOSTS = [h.strip() for h in os.environ.get("ALLOWED_HOSTS", "*").split(",") if h.strip()]

INSTALLED_APPS = [
    "daphne",
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "channels",
    "orchestrator",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "orchestrator.api.limits.RequestLimitsMiddleware",  # rate per client (429) and request deadline (504)
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "orchestrator.api.access.AccessMiddleware",  # who may do what (orchestrator/api/auth.py)
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
]

ROOT_URLCONF = "playground.urls"
ASGI_APPLICATION = "playground.asgi.application"

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
            ],
        },
    },
]

DATABASE_URL = os.environ.get("DATABASE_URL", f"sqlite:///{VAR_DIR / 'playground.sqlite3'}")
DATABASES = {"default": dj_database_url.parse(DATABASE_URL, conn_max_age=0)}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # WAL lets readers run beside the one writer; IMMEDIATE transactions take the write
    # lock up front so concurrent writers wait (busy timeout) instead of failing midway.
    DATABASES["default"]["OPTIONS"] = {
        "transaction_mode": "IMMEDIATE",
        "timeout": 30,
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
    }
    # Tests run components and websocket consumers in threads: an in-memory database would
    # lock whole tables between them, a file in WAL mode lets them wait their turn.
    DATABASES["default"]["TEST"] = {"NAME": str(Path(tempfile.gettempdir()) / f"playground-test-{os.getpid()}.sqlite3")}

REDIS_URL = os.environ.get("REDIS_URL", "")
if REDIS_URL:
    CHANNEL_LAYERS = {
        "default": {
            "BACKEND": "channels_redis.pubsub.RedisPubSubChannelLayer",
            "CONFIG": {"hosts": [REDIS_URL]},
        }
    }
else:
    CHANNEL_LAYERS = {"default": {"BACKEND": "channels.layers.InMemoryChannelLayer"}}

# Kubernetes accepts request bodies up to 3 MiB; the API answers 413 above that itself.
DATA_UPLOAD_MAX_MEMORY_SIZE = 4 * 1024 * 1024

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
LANGUAGE_CODE = "en-us"
TIME_ZONE = "UTC"
USE_I18N = False
USE_TZ = True

STATIC_URL = "static/"
STATICFILES_DIRS = [BASE_DIR / "static"]
STATIC_ROOT = VAR_DIR / "staticfiles"
STATIC_ROOT.mkdir(exist_ok=True)
WHITENOISE_USE_FINDERS = True

# Revision log entries kept per cluster before compaction (a watch from an older
# resourceVersion is answered 410 Gone, as etcd compaction makes Kubernetes answer).
PLAYGROUND_REVISION_RETAIN = int(os.environ.get("PLAYGROUND_REVISION_RETAIN", "100000"))
# Timing profile for new clusters: "classroom" or "kubernetes".
PLAYGROUND_DEFAULT_PROFILE = os.environ.get("PLAYGROUND_PROFILE", "classroom")
# A teacher's folder of scenario files, listed beside the built-ins in scenarios/ (docs/scenarios.md).
PLAYGROUND_SCENARIOS_DIR = os.environ.get("PLAYGROUND_SCENARIOS_DIR", "")

# -- limits that protect a shared playground (docs/security.md) -----------------------------------------
def _env_number(name: str, default, kind=int):
    value = os.environ.get(name, "").strip()
    try:
        return kind(value) if value else default
    except ValueError:
        from django.core.exceptions import ImproperlyConfigured

        raise ImproperlyConfigured(f"{name} must be a number, not {value!r}") from None


# Input: nesting of JSON and YAML, YAML documents in one stream, YAML nodes once aliases are expanded.
PLAYGROUND_MAX_NESTING = _env_number("PLAYGROUND_MAX_NESTING", 100)
PLAYGROUND_YAML_MAX_DOCUMENTS = _env_number("PLAYGROUND_YAML_MAX_DOCUMENTS", 10000)
PLAYGROUND_YAML_MAX_NODES = _env_number("PLAYGROUND_YAML_MAX_NODES", 1_000_000)
# Quotas (403 "exceeded quota"): clusters per server; per cluster: machines and Nodes, pods, objects of any
# other one kind; spec.replicas of one Deployment or ReplicaSet.
PLAYGROUND_MAX_CLUSTERS = _env_number("PLAYGROUND_MAX_CLUSTERS", 100)
PLAYGROUND_MAX_NODES = _env_number("PLAYGROUND_MAX_NODES", 1100)
PLAYGROUND_MAX_PODS = _env_number("PLAYGROUND_MAX_PODS", 50000)
PLAYGROUND_MAX_OBJECTS = _env_number("PLAYGROUND_MAX_OBJECTS", 10000)
PLAYGROUND_MAX_REPLICAS = _env_number("PLAYGROUND_MAX_REPLICAS", 5000)
# Requests a second per client address (429 with Retry-After past it; 0: no limit), the burst allowed, and
# the addresses never limited (comma-separated; loopback by default: the teacher's laptop and its tools).
PLAYGROUND_RATE_LIMIT = _env_number("PLAYGROUND_RATE_LIMIT", 50.0, float)
PLAYGROUND_RATE_BURST = _env_number("PLAYGROUND_RATE_BURST", 200)
PLAYGROUND_RATE_LIMIT_EXEMPT = tuple(a.strip() for a in os.environ.get("PLAYGROUND_RATE_LIMIT_EXEMPT", "127.0.0.1,::1").split(",") if a.strip())
# Requests one client (not exempt) may have in progress at once, so that nobody takes every worker (429 past it).
PLAYGROUND_MAX_INFLIGHT_PER_CLIENT = _env_number("PLAYGROUND_MAX_INFLIGHT_PER_CLIENT", 4)
# Seconds a request may take before it is answered 504 (watches and followed logs exempt; 0: no deadline).
PLAYGROUND_REQUEST_TIMEOUT = _env_number("PLAYGROUND_REQUEST_TIMEOUT", 60.0, float)

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s: %(message)s"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["console"], "level": os.environ.get("LOG_LEVEL", "INFO")},
    "loggers": {"daphne": {"level": "WARNING"}, "django.channels.server": {"level": "WARNING"}},
}
