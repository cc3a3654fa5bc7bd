"""Test settings: fast hashing, immediate tasks, fixed throwaway keys."""

import os

from .base import *  # noqa: F403

SECRET_KEY = "test-secret-key-not-for-production"
DEBUG = False
PII_ENCRYPTION_KEY = "dGVzdC1rZXktMzItYnl0ZXMtZm9yLWFlcy1nY20tLS0="
PII_HASH_KEY = "dGVzdC1obWFjLWtleS1mb3ItbG9va3VwLWhhc2hlcy0="
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
TASKS = {"default": {"BACKEND": "django.tasks.backends.immediate.ImmediateBackend"}}
ALLOWED_HOSTS = ["*"]
ZHIJIA_SENDERS = ["zhijia.core.notify.MemorySender"]
MEDIA_ROOT = VAR_DIR / "test-media"  # noqa: F405
if "DATABASE_URL" not in os.environ:
    DATABASES["default"] = {  # noqa: F405
        "ENGINE": "django.db.backends.sqlite3",
        "NAME": ":memory:",
        "TEST": {"NAME": None},
    }
