"""Personal data at rest: AES-GCM encryption, keyed hashes for lookup, and masking for display.

A PII value is stored twice: encrypted (to show it to those allowed) and as an HMAC-SHA256
(to find and de-duplicate by it without decrypting). Neither reveals the value without the keys.
"""

import base64
import functools
import hashlib
import hmac
import os

from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.db import models

_PREFIX = "v1:"


def _decode_key(value: str, name: str) -> bytes:
    try:
        key = base64.urlsafe_b64decode(value.encode())
    except (ValueError, TypeError) as exc:
        raise ImproperlyConfigured(f"{name} is not valid base64") from exc
    if len(key) != 32:
        raise ImproperlyConfigured(f"{name} must decode to 32 bytes")
    return key


@functools.cache
def _cipher(key_text: str) -> AESGCM:
    return AESGCM(_decode_key(key_text, "ZHIJIA_PII_KEY"))


@functools.cache
def _hash_key(key_text: str) -> bytes:
    return _decode_key(key_text, "ZHIJIA_PII_HASH_KEY")


def encrypt(plaintext: str) -> str:
    nonce = os.urandom(12)
    data = _cipher(settings.PII_ENCRYPTION_KEY).encrypt(nonce, plaintext.encode(), None)
    return _PREFIX + base64.b64encode(nonce + data).decode()


def decrypt(token: str) -> str:
    if not token.startswith(_PREFIX):
        raise ValueError("unknown PII ciphertext format")
    raw = base64.b64decode(token[len(_PREFIX) :])
    return _cipher(settings.PII_ENCRYPTION_KEY).decrypt(raw[:12], raw[12:], None).decode()


def lookup_hash(value: str) -> str:
    """Keyed hash of a normalized value, for equality lookups and uniqueness."""
    return hmac.new(_hash_key(settings.PII_HASH_KEY), value.strip().upper().encode(), hashlib.sha256).hexdigest()


def mask_id_number(value: str) -> str:
    if len(value) < 10:
        return "*" * len(value)
    return value[:6] + "*" * (len(value) - 10) + value[-4:]


def mask_phone(value: str) -> str:
    if len(value) < 7:
        return "*" * len(value)
    return value[:3] + "****" + value[-4:]


def mask_bank_account(value: str) -> str:
    if len(value) < 8:
        return "*" * len(value)
    return value[:4] + "*" * (len(value) - 8) + value[-4:]


class EncryptedTextField(models.TextField):
    """Stores a string encrypted with AES-GCM; Python code always sees the plaintext.

    Equality lookups on this column cannot work (each encryption is randomized):
    query the companion hash field instead.
    """

    def from_db_value(self, value, expression, connection):
        if value is None or value == "":
            return value
        return decrypt(value)

    def get_prep_value(self, value):
        value = super().get_prep_value(value)
        if value is None or value == "":
            return value
        return encrypt(value)

    def get_lookup(self, lookup_name):
        if lookup_name not in {"isnull"}:
            raise TypeError(f"EncryptedTextField does not support '{lookup_name}' lookups; use the hash field")
        return super().get_lookup(lookup_name)


def mask_name(value: str) -> str:
    """张*明 for a published list: the first and last characters stay, two-character names keep the first."""
    name = (value or "").strip()
    if len(name) <= 1:
        return name
    if len(name) == 2:
        return name[0] + "*"
    return name[0] + "*" * (len(name) - 2) + name[-1]
