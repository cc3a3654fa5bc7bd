"""Mediation of a ticket's dispute: parties, sessions, outcome, and the 调解协议书."""

from django.conf import settings
from django.db import models


class MediationOutcome(models.TextChoices):
    PENDING = "", "调解中"
    SUCCESS = "success", "调解成功"
    FAILED = "failed", "调解不成"


class Mediation(models.Model):
    """One mediation per ticket (reopened tickets continue it). Run by the union or by the agency a
    referral went to. A successful outcome carries the agreement; a failed one the 仲裁/诉讼 guidance."""

    id = models.BigAutoField(primary_key=True)
    ticket = models.OneToOneField("cases.Ticket", on_delete=models.CASCADE, related_name="mediation")
    referral = models.ForeignKey("cases.Referral", null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    applicant = models.CharField("申请人（职工方）", max_length=200)
    respondent = models.CharField("被申请人（用人单位）", max_length=200)
    mediator = models.CharField("调解员", max_length=100)
    outcome = models.CharField("调解结果", max_length=10, choices=MediationOutcome.choices, blank=True, default="")
    agreement = models.TextField("协议内容", blank=True)
    guidance = models.TextField("后续指引", blank=True)
    started_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    started_at = models.DateTimeField(auto_now_add=True)
    concluded_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = "调解"
        verbose_name_plural = "调解"

    def __str__(self) -> str:
        return f"调解 #{self.pk}"


class MediationSession(models.Model):
    id = models.BigAutoField(primary_key=True)
    mediation = models.ForeignKey(Mediation, on_delete=models.CASCADE, related_name="sessions")
    held_on = models.DateField("调解日期")
    place = models.CharField("地点", max_length=200)
    summary = models.TextField("调解情况")
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")

    class Meta:
        ordering = ["held_on", "id"]
