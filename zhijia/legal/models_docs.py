"""劳动法治体检 reports and 一函两书 documents.

A checkup is an enterprise's answers to the questionnaire in `zhijia.legal.checkup` and the risks they showed;
a letter is a 劳动法律监督提示函/意见书/建议书 a union drafts from a ticket or a checkup, edits, then issues.
"""

from django.conf import settings
from django.db import models

__all__ = ["RiskLevel", "Checkup", "LetterKind", "LetterStatus", "Letter"]


class RiskLevel(models.TextChoices):
    HIGH = "high", "高"
    MEDIUM = "medium", "中"
    LOW = "low", "低"


class Checkup(models.Model):
    """One 劳动法治体检 of one enterprise.

    Invariants: `risks` is what the rules found in `answers` when the checkup was submitted, kept as it was
    (a report already read must not change when the rules do); each risk's `citations` are
    [law short title, article label] pairs. `union` is the union that follows the enterprise up: its staff
    and the staff above it read the report, as does `owner`, who filled it in.
    """

    id = models.BigAutoField(primary_key=True)
    enterprise_name = models.CharField("单位名称", max_length=100)
    credit_code = models.CharField("统一社会信用代码", max_length=18, db_index=True)
    division_code = models.CharField("所在地区", max_length=6)
    union = models.ForeignKey("org.Union", verbose_name="跟进工会", on_delete=models.PROTECT, related_name="+")
    owner = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name="填报人", null=True, blank=True,
                              on_delete=models.SET_NULL, related_name="+")
    answers = models.JSONField("答卷", default=dict)
    risks = models.JSONField("风险", default=list)
    created_at = models.DateTimeField("体检时间", auto_now_add=True)

    class Meta:
        verbose_name = "劳动法治体检"
        verbose_name_plural = "劳动法治体检"
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["union", "created_at"], name="checkup_union_created_idx")]

    def __str__(self):
        return f"{self.enterprise_name}劳动法治体检"

    def risk_count(self, level: str) -> int:
        return sum(1 for risk in self.risks if risk.get("level") == level)

    @property
    def high_count(self) -> int:
        return self.risk_count(RiskLevel.HIGH)

    @property
    def medium_count(self) -> int:
        return self.risk_count(RiskLevel.MEDIUM)

    @property
    def low_count(self) -> int:
        return self.risk_count(RiskLevel.LOW)


class LetterKind(models.TextChoices):
    REMINDER = "reminder", "劳动法律监督提示函"
    OPINION = "opinion", "劳动法律监督意见书"
    SUGGESTION = "suggestion", "劳动法律监督建议书"


class LetterStatus(models.TextChoices):
    DRAFT = "draft", "草稿"
    ISSUED = "issued", "已发出"


class Letter(models.Model):
    """A 劳动法律监督 document (一函两书) issued by `union` under the letterhead `issuer_name`.

    Invariants: a draft may be edited; an issued letter never changes again (see letters.TRANSITIONS).
    `citations` are the articles quoted verbatim from the corpus when the letter was last saved, as
    {"law", "label", "text"} dicts, so reloading the corpus never alters a letter. `number` (文号) is unique
    within the issuing union once given; it is assigned on issue when left blank.
    """

    id = models.BigAutoField(primary_key=True)
    kind = models.CharField("文书类型", max_length=12, choices=LetterKind.choices)
    status = models.CharField("状态", max_length=8, choices=LetterStatus.choices, default=LetterStatus.DRAFT)
    number = models.CharField("文号", max_length=50, blank=True)
    union = models.ForeignKey("org.Union", verbose_name="发文工会", on_delete=models.PROTECT, related_name="+")
    issuer_name = models.CharField("发文单位（落款）", max_length=100)
    recipient = models.CharField("主送单位", max_length=100)
    employer_name = models.CharField("被监督用人单位", max_length=100)
    facts = models.TextField("基本事实", blank=True)
    citations = models.JSONField("引用条文", default=list)
    remedy = models.TextField("整改要求", blank=True)
    reply_due_on = models.DateField("书面答复期限", null=True, blank=True)
    dated = models.DateField("落款日期", null=True, blank=True)
    ticket = models.ForeignKey("cases.Ticket", verbose_name="来源工单", null=True, blank=True,
                               on_delete=models.SET_NULL, related_name="+")
    checkup = models.ForeignKey(Checkup, verbose_name="来源体检报告", null=True, blank=True,
                                on_delete=models.SET_NULL, related_name="letters")
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                   related_name="+")
    issued_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                  related_name="+")
    issued_at = models.DateTimeField("发出时间", null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = "劳动法律监督文书"
        verbose_name_plural = "劳动法律监督文书"
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["union", "number"], condition=~models.Q(number=""),
                                    name="letter_number_unique_per_union"),
        ]
        indexes = [models.Index(fields=["union", "status", "created_at"], name="letter_union_status_idx")]

    def __str__(self):
        return f"{self.get_kind_display()}（{self.employer_name}）"

    @property
    def is_draft(self) -> bool:
        return self.status == LetterStatus.DRAFT
