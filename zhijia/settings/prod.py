"""Production: everything from the environment; refuses to start without secrets."""

import os

from django.core.exceptions import ImproperlyConfigured

from .base import *  # noqa: F403
from .base import PII_ENCRYPTION_KEY, PII_HASH_KEY, SECRET_KEY

for _name, _value in {
    "DJANGO_SECRET_KEY": SECRET_KEY,
    "ZHIJIA_PII_KEY": PII_ENCRYPTION_KEY,
    "ZHIJIA_PII_HASH_KEY": PII_HASH_KEY,
}.items():
    if not _value:
        raise ImproperlyConfigured(f"{_name} must be set in production")

SESSION_COOKIE_SECURE = env_bool("DJANGO_SECURE_COOKIES", True)  # noqa: F405
CSRF_COOKIE_SECURE = SESSION_COOKIE_SECURE
SECURE_CONTENT_TYPE_NOSNIFF = True
# Behind a TLS-terminating proxy set DJANGO_SECURE_PROXY_SSL_HEADER=1 so Django knows the request was HTTPS.
if env_bool("DJANGO_SECURE_PROXY_SSL_HEADER", False):  # noqa: F405
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_SSL_REDIRECT = env_bool("DJANGO_SECURE_SSL_REDIRECT", True)  # noqa: F405
SECURE_HSTS_SECONDS = int(os.environ.get("DJANGO_HSTS_SECONDS", "31536000"))
SECURE_HSTS_INCLUDE_SUBDOMAINS = env_bool("DJANGO_HSTS_INCLUDE_SUBDOMAINS", False)  # noqa: F405
