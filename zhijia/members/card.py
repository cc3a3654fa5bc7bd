"""The electronic member card: a QR code carrying a signed, expiring token that anyone can verify."""

from dataclasses import dataclass

import segno
from django.conf import settings
from django.core import signing

from .models import Member, MemberStatus

SALT = "zhijia.member-card"


def card_token(member: Member) -> str:
    return signing.dumps({"m": member.pk, "v": member.card_version}, salt=SALT, compress=True)


def card_qr_svg(url: str) -> str:
    return segno.make(url, error="m").svg_inline(scale=5, border=2)


@dataclass(frozen=True)
class CardCheck:
    status: str  # valid | revoked | expired | invalid
    label: str
    union_name: str = ""


def card_verify(token: str) -> CardCheck:
    """Say whether a scanned card is valid without exposing who it belongs to."""
    try:
        data = signing.loads(token, salt=SALT, max_age=settings.MEMBER_CARD_TOKEN_MAX_AGE)
    except signing.SignatureExpired:
        return CardCheck("expired", "会员卡二维码已过期，请会员刷新后重新出示")
    except signing.BadSignature:
        return CardCheck("invalid", "无效的会员卡二维码")
    member = Member.objects.select_related("union").filter(pk=data.get("m")).first()
    if member is None or member.status != MemberStatus.ACTIVE or member.card_version != data.get("v"):
        return CardCheck("revoked", "该会员卡已失效")
    return CardCheck("valid", "有效会员", union_name=member.union.name)
