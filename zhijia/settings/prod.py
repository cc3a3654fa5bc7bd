"""Production: everything from the environment; refuses to start without secrets."""

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
