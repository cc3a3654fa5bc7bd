import base64
import hashlib

import pytest
from cryptography.exceptions import InvalidTag
from django.core.exceptions import ImproperlyConfigured
from django.db import connection
from django.test import override_settings

from zhijia.core import pii
from zhijia.members import services
from zhijia.members.models import Member

ID_NUMBER = "11010519491231002X"
OTHER_KEY = base64.urlsafe_b64encode(b"another-32-byte-key-for-tests!!!").decode()


def test_encrypted_value_decrypts_to_the_original():
    token = pii.encrypt(ID_NUMBER)
    assert token.startswith("v1:") and ID_NUMBER not in token
    assert pii.decrypt(token) == ID_NUMBER
    assert pii.decrypt(pii.encrypt("王小明 138")) == "王小明 138"


def test_same_value_encrypts_differently_each_time():
    # given one 身份证号 encrypted twice
    first, second = pii.encrypt(ID_NUMBER), pii.encrypt(ID_NUMBER)
    # then the ciphertexts differ (random nonce), so equal values cannot be spotted in the table
    assert first != second
    assert pii.decrypt(first) == pii.decrypt(second) == ID_NUMBER


def test_tampered_ciphertext_is_rejected_not_misread():
    raw = bytearray(base64.b64decode(pii.encrypt(ID_NUMBER)[3:]))
    raw[-1] ^= 1
    with pytest.raises(InvalidTag):
        pii.decrypt("v1:" + base64.b64encode(bytes(raw)).decode())


def test_unknown_ciphertext_format_is_refused():
    with pytest.raises(ValueError):
        pii.decrypt(ID_NUMBER)


def test_ciphertext_from_another_key_cannot_be_read():
    token = pii.encrypt(ID_NUMBER)
    with override_settings(PII_ENCRYPTION_KEY=OTHER_KEY), pytest.raises(InvalidTag):
        pii.decrypt(token)


def test_lookup_hash_is_stable_and_normalized():
    assert pii.lookup_hash(ID_NUMBER) == pii.lookup_hash(ID_NUMBER)
    assert pii.lookup_hash(" 11010519491231002x ") == pii.lookup_hash(ID_NUMBER)
    assert pii.lookup_hash(ID_NUMBER) != pii.lookup_hash("110105194912310029")
    assert len(pii.lookup_hash(ID_NUMBER)) == 64


def test_lookup_hash_depends_on_the_key():
    # given the same value hashed under two keys
    ours = pii.lookup_hash(ID_NUMBER)
    with override_settings(PII_HASH_KEY=OTHER_KEY):
        theirs = pii.lookup_hash(ID_NUMBER)
    # then the hashes differ, and neither is the plain (guessable) SHA-256
    assert ours != theirs
    assert ours != hashlib.sha256(ID_NUMBER.encode()).hexdigest()


@pytest.mark.parametrize("setting", ["PII_ENCRYPTION_KEY", "PII_HASH_KEY"])
@pytest.mark.parametrize("bad", ["not base64 at all!", base64.urlsafe_b64encode(b"short").decode()])
def test_misconfigured_keys_fail_loudly(setting, bad):
    with override_settings(**{setting: bad}), pytest.raises(ImproperlyConfigured):
        pii.encrypt(ID_NUMBER) if setting == "PII_ENCRYPTION_KEY" else pii.lookup_hash(ID_NUMBER)


@pytest.mark.parametrize(
    "mask, value, shown",
    [
        (pii.mask_id_number, ID_NUMBER, "110105********002X"),
        (pii.mask_id_number, "12345", "*****"),
        (pii.mask_phone, "13812345678", "138****5678"),
        (pii.mask_phone, "12345", "*****"),
        (pii.mask_bank_account, "6222021234567890123", "6222***********0123"),
        (pii.mask_bank_account, "1234567", "*******"),
        (pii.mask_id_number, "", ""),
    ],
)
def test_masks_show_only_the_ends(mask, value, shown):
    assert mask(value) == shown


def test_member_pii_is_stored_encrypted_and_read_back_in_clear(tree, chair, person):
    # given a member entered by the chair
    data = person()
    member = services.member_create(actor=chair, union=tree.grassroots, data=data)
    # when the row is read raw from the database
    with connection.cursor() as cursor:
        cursor.execute("SELECT id_number, phone, id_number_hash FROM members_member WHERE id = %s", [member.pk])
        raw_id, raw_phone, id_hash = cursor.fetchone()
    # then neither value is there in clear, the hash finds it, and the model shows it decrypted and masked
    assert data.id_number not in raw_id and data.phone not in raw_phone
    assert pii.decrypt(raw_id) == data.id_number
    assert id_hash == pii.lookup_hash(data.id_number)
    loaded = Member.objects.get(id_number_hash=pii.lookup_hash(data.id_number))
    assert loaded.id_number == data.id_number and loaded.phone == data.phone
    assert loaded.id_number_masked == data.id_number[:6] + "********" + data.id_number[-4:]


def test_encrypted_field_refuses_equality_lookups(db):
    with pytest.raises(TypeError, match="hash field"):
        Member.objects.filter(id_number=ID_NUMBER)
    assert Member.objects.filter(id_number__isnull=True).count() == 0
