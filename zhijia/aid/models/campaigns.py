"""Campaigns (送温暖 and other one-off relief, 金秋助学, 职工医疗互助 plans) and the applications made to them."""

from django.conf import settings
from django.db import models
from django.db.models import Q

from zhijia.core.pii import EncryptedTextField, mask_bank_account, mask_id_number


class CampaignKind(models.TextChoices):
    RELIEF = "relief", "送温暖/专项帮扶"
    TUITION = "tuition", "金秋助学"
    MUTUAL = "mutual", "职工医疗互助"


class CampaignStatus(models.TextChoices):
    DRAFT = "draft", "筹备中"
    OPEN = "open", "进行中"
    CLOSED = "closed", "已结束"


class Group(models.TextChoices):
    """Who a relief campaign reaches besides named people: the groups unions usually name."""

    HARDSHIP = "hardship", "在档困难职工"
    FRONTLINE = "frontline", "一线职工"
    NEW_FORM = "new_form", "新就业形态劳动者"
    MIGRANT = "migrant", "农民工"
    MODEL_WORKER = "model_worker", "困难劳模"


class SchoolLevel(models.TextChoices):
    HIGH_SCHOOL = "high_school", "高中"
    VOCATIONAL = "vocational", "中职"
    COLLEGE = "college", "大专"
    BACHELOR = "bachelor", "本科"
    GRADUATE = "graduate", "研究生"


# Oldest a child may be when the grant is applied for, by level, unless the campaign sets its own.
DEFAULT_AGE_LIMITS = {"high_school": 22, "vocational": 22, "college": 25, "bachelor": 25, "graduate": 35}


class Campaign(models.Model):
    """A budgeted programme run by a union for its subtree.

    Invariant: `committed` (the sum of approved amounts still owed or paid) never exceeds `budget`; it only
    moves by a conditional UPDATE (… WHERE committed + amount <= budget) so simultaneous approvals cannot
    overspend. Each move also writes a ledger entry.
    """

    id = models.BigAutoField(primary_key=True)
    name = models.CharField("名称", max_length=100)
    kind = models.CharField("类型", max_length=16, choices=CampaignKind.choices)
    union = models.ForeignKey("org.Union", verbose_name="主办工会", on_delete=models.PROTECT,
                              related_name="aid_campaigns")
    province_id = models.BigIntegerField(null=True, blank=True)
    year = models.PositiveSmallIntegerField("年度")
    status = models.CharField("状态", max_length=16, choices=CampaignStatus.choices, default=CampaignStatus.OPEN)
    description = models.TextField("说明", blank=True)
    starts_on = models.DateField("开始日期")
    ends_on = models.DateField("截止日期")
    budget = models.DecimalField("预算（元）", max_digits=14, decimal_places=2)
    committed = models.DecimalField("已批准金额（元）", max_digits=14, decimal_places=2, default=0, editable=False)
    review_levels = models.JSONField("审核层级", default=list,
                                     help_text="依次审核的工会层级，如 [4, 3] 表示基层工会初审、县级总工会审批")
    groups = models.JSONField("帮扶对象", default=list, blank=True)
    standard_amount = models.DecimalField("每户标准（元）", max_digits=10, decimal_places=2, default=0)
    grant_table = models.JSONField("助学金标准", default=dict, blank=True,
                                   help_text='{"bachelor": {"file": 5000, "no_file": 3000}, …}')
    age_limits = models.JSONField("年龄上限", default=dict, blank=True)
    premium = models.DecimalField("每人每期保费（元）", max_digits=10, decimal_places=2, default=0)
    deductible = models.DecimalField("起付线（元）", max_digits=10, decimal_places=2, default=0)
    payout_ratio = models.DecimalField("给付比例", max_digits=4, decimal_places=2, default=0)
    annual_cap = models.DecimalField("年度给付上限（元）", max_digits=12, decimal_places=2, default=0)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = "帮扶活动"
        verbose_name_plural = "帮扶活动"
        ordering = ["-year", "-id"]
        constraints = [
            models.CheckConstraint(condition=Q(committed__lte=models.F("budget")), name="aid_campaign_within_budget"),
            models.CheckConstraint(condition=Q(committed__gte=0), name="aid_campaign_committed_not_negative"),
        ]

    def __str__(self):
        return self.name

    @property
    def remaining(self):
        return self.budget - self.committed

    @property
    def phase_label(self) -> str:
        """The status as a reader means it: an open campaign before its 申请期 has not begun, after it is closed
        to applications (reviews and payments go on)."""
        from django.utils import timezone

        if self.status == CampaignStatus.OPEN:
            today = timezone.localdate()
            if today < self.starts_on:
                return "未开始"
            if today > self.ends_on:
                return "申请已截止"
        return self.get_status_display()


class ApplicationStatus(models.TextChoices):
    IN_REVIEW = "in_review", "审核中"
    RETURNED = "returned", "已退回"
    APPROVED = "approved", "已批准"
    REJECTED = "rejected", "未通过"
    WITHDRAWN = "withdrawn", "已撤回"


# An application in one of these statuses holds its beneficiary: one grant per child (or household) per campaign.
HOLDING_APPLICATION_STATUSES = (ApplicationStatus.IN_REVIEW, ApplicationStatus.RETURNED, ApplicationStatus.APPROVED)


class Application(models.Model):
    """An application to a campaign: a relief grant for a household, a tuition grant for a child, or a claim
    under a mutual-aid plan. It climbs the campaign's review levels one union at a time.

    Invariants: `beneficiary_hash` (the household's or child's 身份证号 hash; a claim's bill) is unique per
    campaign among holding applications; `amount` is computed by aid.rules, never typed in.
    """

    id = models.BigAutoField(primary_key=True)
    number = models.CharField("申请编号", max_length=24, unique=True)
    campaign = models.ForeignKey(Campaign, on_delete=models.PROTECT, related_name="applications")
    union = models.ForeignKey("org.Union", verbose_name="申请人工会", on_delete=models.PROTECT,
                              related_name="aid_applications")
    province_id = models.BigIntegerField(null=True, blank=True)
    applicant = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                  related_name="aid_applications")
    member = models.ForeignKey("members.Member", null=True, blank=True, on_delete=models.SET_NULL,
                               related_name="aid_applications")
    hardship_file = models.ForeignKey("aid.HardshipFile", null=True, blank=True, on_delete=models.SET_NULL,
                                      related_name="applications")
    name = models.CharField("申请人", max_length=50)
    id_number = EncryptedTextField("身份证号")
    id_number_hash = models.CharField(max_length=64, editable=False, db_index=True)
    beneficiary_hash = models.CharField(max_length=64, editable=False)
    details = models.JSONField("申请内容", default=dict)
    reason = models.CharField("申请理由", max_length=1000, blank=True)
    amount = models.DecimalField("金额（元）", max_digits=12, decimal_places=2)
    calculation = models.CharField("计算依据", max_length=500, blank=True)
    bank_name = models.CharField("开户银行", max_length=50, blank=True)
    bank_account = EncryptedTextField("银行账号", blank=True)
    status = models.CharField("状态", max_length=16, choices=ApplicationStatus.choices,
                              default=ApplicationStatus.IN_REVIEW)
    level_index = models.PositiveSmallIntegerField(default=0)
    reviewing_union = models.ForeignKey("org.Union", null=True, blank=True, on_delete=models.PROTECT,
                                        related_name="+", verbose_name="当前审核工会")
    decision_reason = models.CharField("最近决定理由", max_length=500, blank=True)
    submitted_at = models.DateTimeField(auto_now_add=True)
    decided_at = models.DateTimeField(null=True, blank=True)
    version = models.PositiveIntegerField(default=1)

    class Meta:
        verbose_name = "帮扶申请"
        verbose_name_plural = "帮扶申请"
        ordering = ["-id"]
        constraints = [
            models.UniqueConstraint(fields=["campaign", "beneficiary_hash"],
                                    condition=Q(status__in=["in_review", "returned", "approved"]),
                                    name="aid_one_grant_per_beneficiary"),
        ]
        indexes = [
            models.Index(fields=["reviewing_union", "status"], name="aidapp_reviewing_idx"),
            models.Index(fields=["campaign", "status"], name="aidapp_campaign_status_idx"),
            models.Index(fields=["province_id", "union"], name="aidapp_province_union_idx"),
        ]

    def __str__(self):
        return f"{self.number} {self.name}"

    @property
    def id_number_masked(self) -> str:
        return mask_id_number(self.id_number or "")

    @property
    def bank_account_masked(self) -> str:
        return mask_bank_account(self.bank_account or "")

    def audit_snapshot(self) -> dict:
        return {"number": self.number, "campaign_id": self.campaign_id, "name": self.name, "status": self.status,
                "amount": str(self.amount), "level_index": self.level_index,
                "reviewing_union_id": self.reviewing_union_id, "bank_account": self.bank_account_masked}


class ReviewDecision(models.Model):
    """One reviewer's decision on an application at one level; send-backs and resubmissions keep them all."""

    class Decision(models.TextChoices):
        APPROVE = "approve", "同意"
        RETURN = "return", "退回补正"
        REJECT = "reject", "不予批准"
        RESUBMIT = "resubmit", "重新提交"
        WITHDRAW = "withdraw", "撤回"

    id = models.BigAutoField(primary_key=True)
    application = models.ForeignKey(Application, on_delete=models.CASCADE, related_name="decisions")
    level = models.PositiveSmallIntegerField(null=True, blank=True)
    union = models.ForeignKey("org.Union", null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    reviewer = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                 db_constraint=False, related_name="+")
    reviewer_name = models.CharField(max_length=150, blank=True)
    decision = models.CharField(max_length=16, choices=Decision.choices)
    reason = models.CharField(max_length=500, blank=True)
    at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["at", "id"]
        verbose_name = "审核记录"
        verbose_name_plural = "审核记录"


class Enrollment(models.Model):
    """A member covered by a mutual-aid plan for its period (the plan's year)."""

    id = models.BigAutoField(primary_key=True)
    plan = models.ForeignKey(Campaign, on_delete=models.PROTECT, related_name="enrollments")
    member = models.ForeignKey("members.Member", on_delete=models.PROTECT, related_name="aid_enrollments")
    union = models.ForeignKey("org.Union", on_delete=models.PROTECT, related_name="+")
    province_id = models.BigIntegerField(null=True, blank=True)
    premium = models.DecimalField("保费（元）", max_digits=10, decimal_places=2)
    by_union = models.BooleanField("工会统一参保", default=False)
    enrolled_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                    related_name="+")
    paid_out = models.DecimalField("本期已给付（元）", max_digits=12, decimal_places=2, default=0, editable=False)
    enrolled_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = "互助保障参保"
        verbose_name_plural = "互助保障参保"
        constraints = [models.UniqueConstraint(fields=["plan", "member"], name="aid_enroll_once_per_plan")]

    def __str__(self):
        return f"{self.plan} · {self.member_id}"
