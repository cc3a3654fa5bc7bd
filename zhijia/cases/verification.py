"""A guest proves a mobile number by a one-time SMS code before filing; the proof is a signed token
carried by the form, valid for half an hour. Codes are kept only as hashes and allow five tries."""

import datetime
import hashlib
import secrets

from django.conf import settings
from django.core import signing
from django.db import transaction
from django.utils import timezone

from zhijia.core import notify
from zhijia.core.errors import ErrorCode, ValidationFailed
from zhijia.core.pii import lookup_hash
from zhijia.core.validators import clean_phone

from .models import PhoneVerification

CODE_TTL = datetime.timedelta(minutes=10)
RESEND_AFTER = datetime.timedelta(seconds=60)
MAX_PER_HOUR = 5
MAX_PER_CLIENT_HOUR = 20  # codes one address may ask for, whatever the numbers (an office behind one NAT files a few)
MAX_ATTEMPTS = 5
TOKEN_MAX_AGE = 30 * 60
_SALT = "zhijia.cases.phone"


def _code_hash(phone_hash: str, code: str) -> str:
    return hashlib.sha256(f"{settings.SECRET_KEY}:{phone_hash}:{code}".encode()).hexdigest()


def verification_send(*, phone: str, client: str = "", field: str = "complainant_phone") -> str:
    """Send a 6-digit code by SMS. Returns the code only so development pages can show it.

    Throttled per number (one a minute, five an hour) and per caller (`client`, the request's address from
    core.net.client_address: twenty an hour), so nobody can flood a phone or run up the SMS bill across numbers.
    """
    phone = clean_phone(phone, field=field)
    phone_hash = lookup_hash(phone)
    client_hash = lookup_hash(client) if client else ""
    now = timezone.now()
    hour_ago = now - datetime.timedelta(hours=1)
    recent = PhoneVerification.objects.filter(phone_hash=phone_hash, created_at__gte=hour_ago)
    if recent.filter(created_at__gte=now - RESEND_AFTER).exists():
        raise ValidationFailed(ErrorCode.TOO_MANY_REQUESTS, "验证码已发送，请60秒后再试", field=field, status=429)
    if recent.count() >= MAX_PER_HOUR:
        raise ValidationFailed(ErrorCode.TOO_MANY_REQUESTS, "该号码获取验证码过于频繁，请一小时后再试", field=field, status=429)
    if client_hash and PhoneVerification.objects.filter(
            client_hash=client_hash, created_at__gte=hour_ago).count() >= MAX_PER_CLIENT_HOUR:
        raise ValidationFailed(ErrorCode.TOO_MANY_REQUESTS, "当前网络获取验证码过于频繁，请一小时后再试", field=field,
                               status=429)
    code = f"{secrets.randbelow(1_000_000):06d}"
    PhoneVerification.objects.create(phone_hash=phone_hash, client_hash=client_hash,
                                     code_hash=_code_hash(phone_hash, code), expires_at=now + CODE_TTL)
    transaction.on_commit(lambda: notify.send("sms", phone, "职工之家验证码", f"您的验证码是{code}，10分钟内有效。"))
    return code


def verification_check(*, phone: str, code: str, field: str = "code") -> str:
    """Check a code; returns a signed token proving the phone, for the filing form."""
    phone = clean_phone(phone, field="complainant_phone")
    phone_hash = lookup_hash(phone)
    with transaction.atomic():
        pending = (
            PhoneVerification.objects.select_for_update()
            .filter(phone_hash=phone_hash, verified_at__isnull=True, expires_at__gte=timezone.now())
            .order_by("-created_at")
            .first()
        )
        if pending is None or pending.attempts >= MAX_ATTEMPTS:
            raise ValidationFailed(ErrorCode.VERIFICATION_FAILED, "验证码已失效，请重新获取", field=field)
        matched = secrets.compare_digest(pending.code_hash, _code_hash(phone_hash, (code or "").strip()))
        if matched:
            pending.verified_at = timezone.now()
            pending.save(update_fields=["verified_at"])
        else:  # counted even though the request fails, so guessing runs out
            PhoneVerification.objects.filter(pk=pending.pk).update(attempts=pending.attempts + 1)
    if not matched:
        raise ValidationFailed(ErrorCode.VERIFICATION_FAILED, "验证码不正确", field=field)
    return signing.dumps({"p": phone_hash}, salt=_SALT)


def token_proves(token: str, phone: str) -> bool:
    try:
        data = signing.loads(token or "", salt=_SALT, max_age=TOKEN_MAX_AGE)
    except signing.BadSignature:
        return False
    try:
        return data.get("p") == lookup_hash(clean_phone(phone))
    except ValidationFailed:
        return False
