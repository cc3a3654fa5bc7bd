"""Accounts and roles: every person has one account; staff roles bind an account to one union."""

import datetime
import hashlib
import secrets

from django.contrib.auth.models import AbstractUser
from django.db import models
from django.utils import timezone


class Role(models.TextChoices):
    GRASSROOTS_CHAIR = "grassroots_chair", "基层工会主席"
    GRASSROOTS_OFFICER = "grassroots_officer", "基层工会干事"
    UPPER_STAFF = "upper_staff", "上级工会工作人员"
    SYSADMIN = "sysadmin", "系统管理员"


class User(AbstractUser):
    """A person who signs in: a worker, union staff, or both. Roles come from RoleAssignment."""

    id = models.BigAutoField(primary_key=True)
    display_name = models.CharField("姓名", max_length=50, blank=True)

    class Meta:
        verbose_name = "用户"
        verbose_name_plural = "用户"

    def __str__(self):
        return self.display_name or self.username


class RoleAssignment(models.Model):
    """A staff role held in one union. One person may hold roles in several unions."""

    id = models.BigAutoField(primary_key=True)
    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="role_assignments")
    union = models.ForeignKey("org.Union", on_delete=models.CASCADE, related_name="role_assignments")
    role = models.CharField("角色", max_length=32, choices=Role.choices)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = "角色授权"
        verbose_name_plural = "角色授权"
        constraints = [models.UniqueConstraint(fields=["user", "union", "role"], name="role_unique_per_union")]

    def __str__(self):
        return f"{self.user} · {self.get_role_display()} · {self.union}"


def _digest(raw: str) -> str:
    return hashlib.sha256(raw.encode()).hexdigest()


class ApiToken(models.Model):
    """A bearer token for API clients. Only its SHA-256 is stored; the raw token is shown once."""

    id = models.BigAutoField(primary_key=True)
    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="api_tokens")
    name = models.CharField("用途", max_length=100, blank=True)
    key_hash = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField(auto_now_add=True)
    last_used_at = models.DateTimeField(null=True, blank=True)
    revoked = models.BooleanField(default=False)

    class Meta:
        verbose_name = "API 令牌"
        verbose_name_plural = "API 令牌"

    def __str__(self) -> str:
        return f"接口令牌“{self.name}”" if self.name else f"接口令牌 #{self.pk}"

    @classmethod
    def issue(cls, user: User, name: str = "") -> tuple["ApiToken", str]:
        raw = "zj_" + secrets.token_urlsafe(32)
        return cls.objects.create(user=user, name=name, key_hash=_digest(raw)), raw

    @classmethod
    def authenticate(cls, raw: str) -> User | None:
        token = cls.objects.select_related("user").filter(key_hash=_digest(raw), revoked=False).first()
        if token is None or not token.user.is_active:
            return None
        now = timezone.now()
        # Recorded at most once a minute so busy clients do not write on every request.
        if token.last_used_at is None or now - token.last_used_at > datetime.timedelta(minutes=1):
            cls.objects.filter(pk=token.pk).update(last_used_at=now)
        return token.user
