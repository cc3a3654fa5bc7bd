"""Hardship household files (困难职工档案) and the per-region rules that decide who qualifies."""

from django.conf import settings
from django.db import models
from django.db.models import Q

from zhijia.core.pii import EncryptedTextField, mask_bank_account, mask_id_number


class HardshipCategory(models.TextChoices):
    DEEP = "deep", "深度困难"
    RELATIVE = "relative", "相对困难"
    ACCIDENT = "accident", "意外致困"
    NONE = "none", "不符合建档条件"


class Cause(models.TextChoices):
    ILLNESS = "illness", "疾病"
    SCHOOLING = "schooling", "子女就学"
    UNEMPLOYMENT = "unemployment", "下岗失业"
    DISASTER = "disaster", "意外灾害"
    INJURY = "injury", "工伤"
    OTHER = "other", "其他"


class FileStatus(models.TextChoices):
    DRAFT = "draft", "草稿"
    SUBMITTED = "submitted", "待入户走访"
    VISITED = "visited", "已走访"
    NOTICE = "notice", "公示中"
    REVIEW = "review", "待审批"
    RETURNED = "returned", "已退回"
    ACTIVE = "active", "在档"
    EXITED = "exited", "已脱困"
    WITHDRAWN = "withdrawn", "已撤回"


# A person in a file with one of these statuses holds it: no other file anywhere may name them.
HOLDING_FILE_STATUSES = (
    FileStatus.SUBMITTED, FileStatus.VISITED, FileStatus.NOTICE, FileStatus.REVIEW, FileStatus.RETURNED,
    FileStatus.ACTIVE,
)


class RegionRule(models.Model):
    """Thresholds for one region (longest division-code prefix wins; "" is the national default).

    `extra_rules` lets a region add tests without code: a list of
    {"name": "...", "category": "relative", "all": [{"measure": "dibao_ratio", "op": "<", "value": 2.5}, ...]}
    over the measures the eligibility module computes (see aid/eligibility.py).
    """

    division_prefix = models.CharField("行政区划代码前缀", max_length=6, blank=True, unique=True,
                                       help_text="如 32（江苏省）、3205（苏州市）；留空为全国默认")
    name = models.CharField("地区", max_length=50)
    dibao_monthly = models.DecimalField("城市低保标准（元/人·月）", max_digits=10, decimal_places=2)
    relative_multiple = models.DecimalField("相对困难倍数", max_digits=4, decimal_places=2, default=2)
    accident_ratio = models.DecimalField("意外致困支出占比", max_digits=4, decimal_places=2, default="0.80")
    approval_level = models.PositiveSmallIntegerField(
        "建档审批层级", default=3, choices=[(1, "省级"), (2, "地市级"), (3, "县级")],
        help_text="帮扶中心所在层级：默认县级")
    notice_days = models.PositiveSmallIntegerField("公示天数（工作日）", default=5)
    extra_rules = models.JSONField("附加认定规则", default=list, blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = "困难认定标准"
        verbose_name_plural = "困难认定标准"
        ordering = ["division_prefix"]

    def __str__(self):
        return f"{self.name}（低保 {self.dibao_monthly} 元/月）"


class HardshipFile(models.Model):
    """One household's hardship file.

    Invariants: every person in it (the worker included, as relation 本人) has a HouseholdMember row whose
    `holding` flag is true while the file is open (submitted … active), and a partial unique index on the
    flagged 身份证号 hashes means no person is in two open files anywhere. `category` and `eligibility` are
    computed by aid.eligibility from the household data, never typed in.
    """

    id = models.BigAutoField(primary_key=True)
    number = models.CharField("档案编号", max_length=24, unique=True)
    union = models.ForeignKey("org.Union", verbose_name="所属工会", on_delete=models.PROTECT,
                              related_name="hardship_files")
    province_id = models.BigIntegerField(null=True, blank=True)
    applicant = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                  related_name="hardship_files", verbose_name="申请人账号")
    member = models.ForeignKey("members.Member", null=True, blank=True, on_delete=models.SET_NULL,
                               related_name="hardship_files", verbose_name="会员")
    name = models.CharField("职工姓名", max_length=50)
    phone = EncryptedTextField("联系电话", blank=True)
    address = models.CharField("家庭住址", max_length=200, blank=True)
    causes = models.JSONField("致困原因", default=list)
    cause_note = models.CharField("致困情况说明", max_length=500, blank=True)
    other_income = models.DecimalField("其他家庭收入（元/年）", max_digits=12, decimal_places=2, default=0)
    unavoidable_spending = models.DecimalField("刚性支出（元/年）", max_digits=12, decimal_places=2, default=0,
                                               help_text="医疗、子女就学等必需支出")
    necessary_costs = models.DecimalField("当年意外必需支出（元）", max_digits=12, decimal_places=2, default=0)
    bank_name = models.CharField("开户银行", max_length=50, blank=True)
    bank_account = EncryptedTextField("银行账号", blank=True)
    category = models.CharField("困难类别", max_length=16, choices=HardshipCategory.choices,
                                default=HardshipCategory.NONE)
    eligibility = models.JSONField("认定依据", default=dict, blank=True)
    status = models.CharField("状态", max_length=16, choices=FileStatus.choices, default=FileStatus.DRAFT)
    approval_union = models.ForeignKey("org.Union", null=True, blank=True, on_delete=models.PROTECT,
                                       related_name="+", verbose_name="审批工会")
    visit_note = models.TextField("走访记录", blank=True)
    visited_at = models.DateTimeField("走访时间", null=True, blank=True)
    visited_by = models.CharField("走访人", max_length=100, blank=True)
    notice_start = models.DateField("公示开始", null=True, blank=True)
    notice_end = models.DateField("公示截止", null=True, blank=True)
    return_reason = models.CharField("退回原因", max_length=500, blank=True)
    approved_at = models.DateTimeField("批准时间", null=True, blank=True)
    review_due = models.BooleanField("待复核", default=False)
    review_note = models.CharField("复核说明", max_length=500, blank=True)
    last_reviewed_on = models.DateField("最近复核", null=True, blank=True)
    exit_reason = models.CharField("脱困原因", max_length=500, blank=True)
    exited_at = models.DateTimeField("脱困时间", null=True, blank=True)
    version = models.PositiveIntegerField(default=1)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = "困难职工档案"
        verbose_name_plural = "困难职工档案"
        ordering = ["-id"]
        indexes = [
            models.Index(fields=["province_id", "status", "category"], name="hfile_province_status_idx"),
            models.Index(fields=["union", "status"], name="hfile_union_status_idx"),
        ]

    def __str__(self):
        return f"{self.number} {self.name}"

    @property
    def bank_account_masked(self) -> str:
        return mask_bank_account(self.bank_account or "")

    def audit_snapshot(self) -> dict:
        return {
            "number": self.number, "name": self.name, "union_id": self.union_id, "status": self.status,
            "category": self.category, "causes": self.causes, "bank_account": self.bank_account_masked,
            "other_income": str(self.other_income), "unavoidable_spending": str(self.unavoidable_spending),
            "necessary_costs": str(self.necessary_costs),
        }


class Relation(models.TextChoices):
    SELF = "self", "本人"
    SPOUSE = "spouse", "配偶"
    CHILD = "child", "子女"
    PARENT = "parent", "父母"
    OTHER = "other", "其他"


class HouseholdMember(models.Model):
    """A person in a household file; the worker is the row with relation 本人."""

    id = models.BigAutoField(primary_key=True)
    file = models.ForeignKey(HardshipFile, on_delete=models.CASCADE, related_name="household")
    relation = models.CharField("关系", max_length=10, choices=Relation.choices)
    name = models.CharField("姓名", max_length=50)
    id_number = EncryptedTextField("身份证号")
    id_number_hash = models.CharField(max_length=64, editable=False)
    birth_date = models.DateField("出生日期")
    health = models.CharField("健康状况", max_length=50, blank=True)
    schooling = models.CharField("就学情况", max_length=50, blank=True)
    work = models.CharField("就业情况", max_length=50, blank=True)
    annual_income = models.DecimalField("年收入（元）", max_digits=12, decimal_places=2, default=0)
    holding = models.BooleanField(default=False, editable=False)

    class Meta:
        verbose_name = "家庭成员"
        verbose_name_plural = "家庭成员"
        ordering = ["id"]
        constraints = [
            models.UniqueConstraint(fields=["id_number_hash"], condition=Q(holding=True),
                                    name="aid_one_open_file_per_person"),
            models.UniqueConstraint(fields=["file", "id_number_hash"], name="aid_person_once_per_file"),
        ]
        indexes = [models.Index(fields=["id_number_hash"], name="aid_household_idhash_idx")]

    def __str__(self):
        return f"{self.name}（{self.get_relation_display()}）"

    @property
    def id_number_masked(self) -> str:
        return mask_id_number(self.id_number or "")


class FileEvent(models.Model):
    """Append-only history of a file: every step, who took it, when and why."""

    id = models.BigAutoField(primary_key=True)
    file = models.ForeignKey(HardshipFile, on_delete=models.CASCADE, related_name="events")
    at = models.DateTimeField(auto_now_add=True)
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                              db_constraint=False, related_name="+")
    actor_name = models.CharField(max_length=150, blank=True)
    action = models.CharField(max_length=32)
    from_status = models.CharField(max_length=16, blank=True)
    to_status = models.CharField(max_length=16, blank=True)
    note = models.CharField(max_length=500, blank=True)

    class Meta:
        ordering = ["at", "id"]
        verbose_name = "档案记录"
        verbose_name_plural = "档案记录"


class FileObjection(models.Model):
    """An objection raised during the public notice; the file cannot go on while one is unresolved."""

    id = models.BigAutoField(primary_key=True)
    file = models.ForeignKey(HardshipFile, on_delete=models.CASCADE, related_name="objections")
    raised_at = models.DateTimeField(auto_now_add=True)
    raised_by = models.CharField("反映人", max_length=50, blank=True)
    content = models.CharField("异议内容", max_length=1000)
    resolved = models.BooleanField("已处理", default=False)
    upheld = models.BooleanField("异议成立", default=False)
    resolution = models.CharField("处理结果", max_length=1000, blank=True)
    resolved_at = models.DateTimeField(null=True, blank=True)
    resolved_by = models.CharField(max_length=150, blank=True)

    class Meta:
        ordering = ["raised_at", "id"]
        verbose_name = "公示异议"
        verbose_name_plural = "公示异议"
