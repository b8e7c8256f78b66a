"""Production: every secret and address from the environment, HTTPS enforced."""

from ._mail import mailers_from_url
from .base import *  # noqa: F403
from .base import env

SECRET_KEY = env("DJANGO_SECRET_KEY")
DEBUG = env.bool("DJANGO_DEBUG", default=False)
# seed_demo creates accounts with a published password: refused here unless asked for (a
# demonstration server, the load benchmark).
DEMO_DATA_ALLOWED = env.bool("DJANGO_DEMO_DATA_ALLOWED", default=False)

SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_SSL_REDIRECT = env.bool("DJANGO_SECURE_SSL_REDIRECT", default=True)
SECURE_REDIRECT_EXEMPT = [r"^healthz$"]
SESSION_COOKIE_SECURE = True
CSRF_COOKIE_SECURE = True
SECURE_HSTS_SECONDS = env.int("DJANGO_SECURE_HSTS_SECONDS", default=31536000)
SECURE_HSTS_INCLUDE_SUBDOMAINS = True
SECURE_HSTS_PRELOAD = env.bool("DJANGO_SECURE_HSTS_PRELOAD", default=False)
if not SECURE_HSTS_PRELOAD:
    # Preloading binds the whole parent domain (the Département's) in browsers for
    # years: a decision for the domain's owner, not for this application.
    SILENCED_SYSTEM_CHECKS = ["security.W021"]
DATABASES["default"]["CONN_MAX_AGE"] = env.int("DJANGO_CONN_MAX_AGE", default=60)  # noqa: F405
ACCOUNT_DEFAULT_HTTP_PROTOCOL = "https"
# Real delivery by default; the file and console transports are for development.
MAILERS = mailers_from_url(env("EMAIL_URL", default="smtp://localhost:25"))
