"""Employment help: employers and their vacancies, job seekers' profiles, outcomes, referrals and job fairs.

Every row that matching reads (a profile, a vacancy) records a MatchChange when it changes, so each process's
in-memory matching index catches up with a cheap indexed read instead of rescanning the tables.
"""

from django.conf import settings
from django.db import models
from django.db.models import Q

from zhijia.core.pii import EncryptedTextField, mask_phone


class SkillLevel(models.IntegerChoices):
    NONE = 0, "无等级"
    JUNIOR = 1, "五级/初级工"
    MIDDLE = 2, "四级/中级工"
    SENIOR = 3, "三级/高级工"
    TECHNICIAN = 4, "二级/技师"
    SENIOR_TECHNICIAN = 5, "一级/高级技师"


class Education(models.IntegerChoices):
    NONE = 0, "不限"
    PRIMARY = 1, "小学"
    JUNIOR = 2, "初中"
    SENIOR = 3, "高中/中专/技校"
    COLLEGE = 4, "大专"
    BACHELOR = 5, "本科"
    MASTER = 6, "硕士及以上"


class Shift(models.TextChoices):
    DAY = "day", "白班"
    NIGHT = "night", "夜班"
    ROTATING = "rotating", "倒班"
    FLEXIBLE = "flexible", "弹性/兼职"


class PriorityGroup(models.TextChoices):
    NONE = "", "无"
    REDEPLOYED = "redeployed", "转岗待岗职工"
    HARDSHIP_CHILD = "hardship_child", "困难职工家庭子女"
    FLEXIBLE = "flexible", "灵活就业人员"
    ZERO_EMPLOYMENT = "zero_employment", "零就业家庭成员"
    MIGRANT = "migrant", "农民工"
    NEW_FORM = "new_form", "新就业形态劳动者"
    GRADUATE = "graduate", "高校毕业生"


class Employer(models.Model):
    """An organization that posts vacancies. `union` is the union that moderates it: the enterprise's own union
    when it has one, else the local federation of its division."""

    id = models.BigAutoField(primary_key=True)
    name = models.CharField("单位名称", max_length=100)
    credit_code = models.CharField("统一社会信用代码", max_length=18, unique=True)
    division_code = models.CharField("所在地区", max_length=6)
    address = models.CharField("地址", max_length=200, blank=True)
    contact_name = models.CharField("联系人", max_length=50, blank=True)
    contact_phone = EncryptedTextField("联系电话", blank=True)
    union = models.ForeignKey("org.Union", verbose_name="联系工会", on_delete=models.PROTECT, related_name="employers")
    province_id = models.BigIntegerField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = "用人单位"
        verbose_name_plural = "用人单位"
        ordering = ["name"]

    def __str__(self):
        return self.name


class EmployerAccount(models.Model):
    """A user who acts for an employer (posts vacancies, answers referrals)."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="employer_accounts")
    employer = models.ForeignKey(Employer, on_delete=models.CASCADE, related_name="accounts")

    class Meta:
        verbose_name = "单位账号"
        verbose_name_plural = "单位账号"
        constraints = [models.UniqueConstraint(fields=["user", "employer"], name="jobs_account_once")]


class VacancyStatus(models.TextChoices):
    DRAFT = "draft", "草稿"
    PUBLISHED = "published", "招聘中"
    CLOSED = "closed", "已结束"
    REJECTED = "rejected", "未通过审核"


class Vacancy(models.Model):
    """A job on offer. Invariants: wage_min <= wage_max; valid_from <= valid_until; a vacancy past valid_until is
    never matched (and `unpublish_expired` closes it); `lat`/`lon` is the address's point or the district centre."""

    id = models.BigAutoField(primary_key=True)
    employer = models.ForeignKey(Employer, on_delete=models.PROTECT, related_name="vacancies")
    union = models.ForeignKey("org.Union", on_delete=models.PROTECT, related_name="+")
    province_id = models.BigIntegerField(null=True, blank=True)
    title = models.CharField("岗位名称", max_length=100)
    occupation = models.CharField("职业", max_length=50)
    skills = models.JSONField("技能要求", default=list, blank=True)
    description = models.TextField("岗位说明", blank=True)
    min_level = models.PositiveSmallIntegerField("最低技能等级", choices=SkillLevel.choices, default=0)
    min_education = models.PositiveSmallIntegerField("最低学历", choices=Education.choices, default=0)
    wage_min = models.PositiveIntegerField("月薪下限（元）")
    wage_max = models.PositiveIntegerField("月薪上限（元）")
    division_code = models.CharField("工作地区", max_length=6)
    address = models.CharField("工作地址", max_length=200, blank=True)
    lat = models.FloatField()
    lon = models.FloatField()
    shifts = models.JSONField("班次", default=list, blank=True)
    headcount = models.PositiveIntegerField("招聘人数", default=1)
    benefits = models.CharField("福利待遇", max_length=200, blank=True)
    valid_from = models.DateField("发布日期")
    valid_until = models.DateField("截止日期")
    status = models.CharField("状态", max_length=16, choices=VacancyStatus.choices, default=VacancyStatus.PUBLISHED)
    moderation_note = models.CharField("审核意见", max_length=200, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                   related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = "岗位"
        verbose_name_plural = "岗位"
        ordering = ["-id"]
        constraints = [
            models.CheckConstraint(condition=Q(wage_min__lte=models.F("wage_max")), name="jobs_wage_range"),
            models.CheckConstraint(condition=Q(valid_from__lte=models.F("valid_until")), name="jobs_valid_range"),
        ]
        indexes = [
            models.Index(fields=["status", "valid_until"], name="jobs_vacancy_status_idx"),
            models.Index(fields=["employer", "status"], name="jobs_vacancy_employer_idx"),
            models.Index(fields=["province_id", "union"], name="jobs_vacancy_union_idx"),
        ]

    def __str__(self):
        return f"{self.title}（{self.employer}）"


class SeekerProfile(models.Model):
    """A job seeker. Registered by the worker or by a union officer on their behalf (`registered_by`).
    Contact details stay masked to employers until the seeker applies or agrees (`contact_consent`)."""

    id = models.BigAutoField(primary_key=True)
    user = models.OneToOneField(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                related_name="seeker_profile")
    union = models.ForeignKey("org.Union", verbose_name="服务工会", on_delete=models.PROTECT, related_name="+")
    province_id = models.BigIntegerField(null=True, blank=True)
    name = models.CharField("姓名", max_length=50)
    phone = EncryptedTextField("手机号码")
    id_number = EncryptedTextField("身份证号", blank=True)
    id_number_hash = models.CharField(max_length=64, blank=True, editable=False, db_index=True)
    occupations = models.JSONField("求职意向", default=list)
    skills = models.JSONField("技能标签", default=list, blank=True)
    skills_text = models.CharField("技能与经历", max_length=1000, blank=True)
    level = models.PositiveSmallIntegerField("职业技能等级", choices=SkillLevel.choices, default=0)
    certificates = models.CharField("证书", max_length=300, blank=True)
    education = models.PositiveSmallIntegerField("学历", choices=Education.choices, default=0)
    experience_years = models.PositiveSmallIntegerField("工作年限", default=0)
    expected_wage = models.PositiveIntegerField("期望月薪（元）")
    division_code = models.CharField("可工作地区", max_length=6)
    address = models.CharField("地址", max_length=200, blank=True)
    lat = models.FloatField()
    lon = models.FloatField()
    max_distance_km = models.PositiveSmallIntegerField("可接受通勤距离（公里）", default=10)
    shifts = models.JSONField("可接受班次", default=list, blank=True)
    start_date = models.DateField("可到岗日期")
    priority_group = models.CharField("重点群体", max_length=20, choices=PriorityGroup.choices, blank=True)
    contact_consent = models.BooleanField("同意向用人单位公开联系方式", default=False)
    active = models.BooleanField("求职中", default=True)
    registered_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                      related_name="+", verbose_name="代为登记")
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = "求职者"
        verbose_name_plural = "求职者"
        ordering = ["-id"]
        indexes = [models.Index(fields=["province_id", "union", "active"], name="jobs_seeker_union_idx")]

    def __str__(self):
        return self.name

    @property
    def phone_masked(self) -> str:
        return mask_phone(self.phone or "")


class OutcomeKind(models.TextChoices):
    VIEWED = "viewed", "已查看"
    APPLIED = "applied", "已投递"
    INTERVIEWED = "interviewed", "安排面试"
    HIRED = "hired", "已录用"
    DECLINED = "declined", "未成功"


class Outcome(models.Model):
    """What happened between a seeker and a vacancy, step by step (append-only); feeds reporting and tells
    whether the employer may see the seeker's contact details (after `applied`)."""

    id = models.BigAutoField(primary_key=True)
    seeker = models.ForeignKey(SeekerProfile, on_delete=models.CASCADE, related_name="outcomes")
    vacancy = models.ForeignKey(Vacancy, on_delete=models.CASCADE, related_name="outcomes")
    kind = models.CharField(max_length=16, choices=OutcomeKind.choices)
    reason = models.CharField("原因", max_length=200, blank=True)
    by_name = models.CharField(max_length=150, blank=True)
    at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["at", "id"]
        verbose_name = "求职进展"
        verbose_name_plural = "求职进展"
        indexes = [models.Index(fields=["seeker", "vacancy", "kind"], name="jobs_outcome_pair_idx")]

    def __str__(self) -> str:
        return f"求职结果 #{self.pk}"


class ReferralStatus(models.TextChoices):
    SENT = "sent", "已推荐"
    ACCEPTED = "accepted", "单位已接收"
    INTERVIEW = "interview", "安排面试"
    HIRED = "hired", "已录用"
    DECLINED = "declined", "未录用"


class Referral(models.Model):
    """A union officer's 推荐 of a seeker to a vacancy; the employer responds and the outcome is tracked."""

    id = models.BigAutoField(primary_key=True)
    seeker = models.ForeignKey(SeekerProfile, on_delete=models.PROTECT, related_name="referrals")
    vacancy = models.ForeignKey(Vacancy, on_delete=models.PROTECT, related_name="referrals")
    union = models.ForeignKey("org.Union", on_delete=models.PROTECT, related_name="+")
    province_id = models.BigIntegerField(null=True, blank=True)
    referred_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    note = models.CharField("推荐说明", max_length=500, blank=True)
    status = models.CharField(max_length=16, choices=ReferralStatus.choices, default=ReferralStatus.SENT)
    response = models.CharField("单位反馈", max_length=500, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-id"]
        verbose_name = "推荐"
        verbose_name_plural = "推荐"
        constraints = [models.UniqueConstraint(fields=["seeker", "vacancy"], name="jobs_refer_once")]

    def __str__(self) -> str:
        return f"岗位推荐 #{self.pk}"


class JobFair(models.Model):
    id = models.BigAutoField(primary_key=True)
    name = models.CharField("名称", max_length=100)
    union = models.ForeignKey("org.Union", verbose_name="主办工会", on_delete=models.PROTECT, related_name="+")
    province_id = models.BigIntegerField(null=True, blank=True)
    online = models.BooleanField("线上招聘会", default=False)
    held_on = models.DateField("举办日期")
    place = models.CharField("地点", max_length=200, blank=True)
    employers = models.ManyToManyField(Employer, blank=True, related_name="fairs")
    vacancies = models.ManyToManyField(Vacancy, blank=True, related_name="fairs")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-held_on", "-id"]
        verbose_name = "招聘会"
        verbose_name_plural = "招聘会"

    def __str__(self):
        return self.name


class FairRegistration(models.Model):
    fair = models.ForeignKey(JobFair, on_delete=models.CASCADE, related_name="registrations")
    seeker = models.ForeignKey(SeekerProfile, on_delete=models.CASCADE, related_name="fair_registrations")
    registered_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = "招聘会报名"
        verbose_name_plural = "招聘会报名"
        constraints = [models.UniqueConstraint(fields=["fair", "seeker"], name="jobs_fair_register_once")]


class MatchConfig(models.Model):
    """The weights of the matching score, editable by system administrators (one row; defaults below)."""

    occupation = models.FloatField("职业相符", default=0.30)
    skills = models.FloatField("技能与文本相似", default=0.30)
    level = models.FloatField("技能等级", default=0.10)
    distance = models.FloatField("距离", default=0.15)
    wage = models.FloatField("工资", default=0.10)
    shift = models.FloatField("班次", default=0.05)
    priority = models.FloatField("重点群体优先（岗位找人）", default=0.10)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = "匹配权重"
        verbose_name_plural = "匹配权重"


class MatchChange(models.Model):
    """One row per change to a vacancy or a profile: what each process's matching index replays to catch up."""

    id = models.BigAutoField(primary_key=True)
    kind = models.CharField(max_length=8)  # "vacancy" | "seeker"
    object_id = models.BigIntegerField()
    at = models.DateTimeField(auto_now_add=True)
