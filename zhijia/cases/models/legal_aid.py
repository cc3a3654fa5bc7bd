"""Legal aid (法律援助) from a ticket: application, eligibility, a lawyer or volunteer from the roster."""

from django.conf import settings
from django.db import models


class ProviderKind(models.TextChoices):
    LAWYER = "lawyer", "律师"
    VOLUNTEER = "volunteer", "法律援助志愿者"


class LegalAidProvider(models.Model):
    """A lawyer or volunteer on a union's roster; available to that union's subtree."""

    id = models.BigAutoField(primary_key=True)
    union = models.ForeignKey("org.Union", verbose_name="所属工会", on_delete=models.CASCADE, related_name="legal_aid_providers")
    name = models.CharField("姓名", max_length=50)
    kind = models.CharField("类型", max_length=10, choices=ProviderKind.choices)
    organization = models.CharField("执业机构", max_length=100, blank=True)
    specialties = models.CharField("擅长领域", max_length=200, blank=True)
    active = models.BooleanField("在册", default=True)

    class Meta:
        verbose_name = "法律援助人员"
        verbose_name_plural = "法律援助人员"
        ordering = ["name"]

    def __str__(self):
        return f"{self.name}（{self.get_kind_display()}）"


class LegalAidStatus(models.TextChoices):
    APPLIED = "applied", "已申请"
    ELIGIBLE = "eligible", "符合条件"
    INELIGIBLE = "ineligible", "不符合条件"
    ASSIGNED = "assigned", "已指派"
    CONCLUDED = "concluded", "已结案"


class LegalAidApplication(models.Model):
    id = models.BigAutoField(primary_key=True)
    ticket = models.ForeignKey("cases.Ticket", on_delete=models.CASCADE, related_name="legal_aid_applications")
    status = models.CharField("状态", max_length=12, choices=LegalAidStatus.choices, default=LegalAidStatus.APPLIED)
    matter = models.TextField("援助事项")
    decision_reason = models.CharField("审查意见", max_length=500, blank=True)
    decided_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    decided_at = models.DateTimeField(null=True, blank=True)
    provider = models.ForeignKey(LegalAidProvider, null=True, blank=True, on_delete=models.PROTECT, related_name="cases")
    progress = models.JSONField(default=list, blank=True)
    result = models.TextField("援助结果", blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    concluded_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = "法律援助申请"
        verbose_name_plural = "法律援助申请"
        ordering = ["-created_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["ticket"],
                condition=models.Q(status__in=["applied", "eligible", "assigned"]),
                name="legal_aid_one_open_per_ticket",
            )
        ]

    def __str__(self) -> str:
        return f"法律援助申请 #{self.pk}"
