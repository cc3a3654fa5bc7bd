"""Local development (`make run`): embedded SQLite, debug on, fixed local-only keys unless provided."""

import os

os.environ.setdefault("DJANGO_DEBUG", "1")

from .base import *  # noqa: E402,F403
from .base import VAR_DIR  # noqa: E402

SECRET_KEY = SECRET_KEY or "dev-only-insecure-secret-key-change-me"  # noqa: F405
# Dev keys are generated once per checkout and kept under var/, never committed.
from zhijia.core.keys import load_or_create_dev_keys  # noqa: E402

PII_ENCRYPTION_KEY, PII_HASH_KEY = load_or_create_dev_keys(
    VAR_DIR, PII_ENCRYPTION_KEY, PII_HASH_KEY  # noqa: F405
)
