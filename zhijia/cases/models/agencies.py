"""Partner agencies (法院, 检察院, 人社, 司法) and the tickets unions refer to them."""

from django.conf import settings
from django.db import models


class AgencyKind(models.TextChoices):
    COURT = "court", "人民法院"
    PROCURATORATE = "procuratorate", "人民检察院"
    HRSS = "hrss", "人力资源和社会保障部门"
    JUSTICE = "justice", "司法行政部门"
    ARBITRATION = "arbitration", "劳动人事争议仲裁委员会"
    OTHER = "other", "其他"


class Agency(models.Model):
    """A partner organization. Its users see only the tickets referred to it."""

    id = models.BigAutoField(primary_key=True)
    name = models.CharField("名称", max_length=100, unique=True)
    kind = models.CharField("类型", max_length=16, choices=AgencyKind.choices)
    division_code = models.CharField("行政区划代码", max_length=6)
    active = models.BooleanField("启用", default=True)

    class Meta:
        verbose_name = "协作单位"
        verbose_name_plural = "协作单位"
        ordering = ["division_code", "name"]

    def __str__(self):
        return self.name


class AgencyMembership(models.Model):
    id = models.BigAutoField(primary_key=True)
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="agency_memberships")
    agency = models.ForeignKey(Agency, on_delete=models.CASCADE, related_name="memberships")

    class Meta:
        verbose_name = "协作单位人员"
        verbose_name_plural = "协作单位人员"
        constraints = [models.UniqueConstraint(fields=["user", "agency"], name="agency_membership_unique")]


class ReferralStatus(models.TextChoices):
    PENDING = "pending", "待接收"
    ACCEPTED = "accepted", "办理中"
    RETURNED = "returned", "已退回"
    COMPLETED = "completed", "已办结"


class Referral(models.Model):
    """A ticket referred by a union to an agency. At most one open referral per ticket."""

    id = models.BigAutoField(primary_key=True)
    ticket = models.ForeignKey("cases.Ticket", on_delete=models.CASCADE, related_name="referrals")
    agency = models.ForeignKey(Agency, on_delete=models.PROTECT, related_name="referrals")
    status = models.CharField("状态", max_length=12, choices=ReferralStatus.choices, default=ReferralStatus.PENDING)
    reason = models.CharField("移交说明", max_length=500)
    referred_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    referred_at = models.DateTimeField(auto_now_add=True)
    return_reason = models.CharField("退回原因", max_length=500, blank=True)
    result = models.TextField("办理结果", blank=True)
    closed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = "联动移交"
        verbose_name_plural = "联动移交"
        ordering = ["-referred_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["ticket"],
                condition=models.Q(status__in=["pending", "accepted"]),
                name="referral_one_open_per_ticket",
            )
        ]

    def __str__(self) -> str:
        return f"移交协作单位 #{self.pk}"


class ReferralStep(models.Model):
    """A step an agency records while handling a referral."""

    id = models.BigAutoField(primary_key=True)
    referral = models.ForeignKey(Referral, on_delete=models.CASCADE, related_name="steps")
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    note = models.CharField("办理情况", max_length=1000)
    at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["at", "id"]
