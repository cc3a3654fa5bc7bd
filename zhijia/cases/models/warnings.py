"""Early warnings (风险预警) raised by rules over tickets, each with its own handling record."""

from django.conf import settings
from django.db import models


class WarningKind(models.TextChoices):
    REPEAT_EMPLOYER = "repeat_employer", "同一单位多发"
    MASS = "mass", "群体性诉求"
    FESTIVAL_WAGES = "festival_wages", "节前欠薪"


class WarningStatus(models.TextChoices):
    OPEN = "open", "待处置"
    HANDLING = "handling", "处置中"
    CLOSED = "closed", "已解除"


class RiskWarning(models.Model):
    """A warning to `union` (and, through the subtree, its parent). `key` makes a rule fire once per
    subject: one repeat-employer warning per employer while it is not closed, one per mass ticket."""

    id = models.BigAutoField(primary_key=True)
    kind = models.CharField("预警类型", max_length=20, choices=WarningKind.choices)
    key = models.CharField(max_length=200)
    union = models.ForeignKey("org.Union", verbose_name="责任工会", on_delete=models.PROTECT, related_name="warnings")
    province_id = models.BigIntegerField(null=True)
    employer_name = models.CharField("用人单位", max_length=100)
    summary = models.CharField("预警内容", max_length=500)
    tickets = models.ManyToManyField("cases.Ticket", related_name="warnings")
    status = models.CharField("状态", max_length=10, choices=WarningStatus.choices, default=WarningStatus.OPEN)
    created_at = models.DateTimeField(auto_now_add=True)
    closed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = "风险预警"
        verbose_name_plural = "风险预警"
        ordering = ["-created_at"]
        indexes = [models.Index(fields=["province_id", "status", "created_at"], name="warning_province_idx")]
        constraints = [
            models.UniqueConstraint(
                fields=["kind", "key"], condition=~models.Q(status="closed"), name="warning_one_live_per_key"
            )
        ]

    def __str__(self):
        return f"{self.get_kind_display()}：{self.employer_name}"


class WarningNote(models.Model):
    id = models.BigAutoField(primary_key=True)
    warning = models.ForeignKey(RiskWarning, on_delete=models.CASCADE, related_name="notes")
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    actor_name = models.CharField(max_length=150)
    note = models.CharField("处置情况", max_length=1000)
    status = models.CharField(max_length=10, choices=WarningStatus.choices)
    at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["at", "id"]

    def __str__(self) -> str:
        return f"预警处置记录 #{self.pk}"
