"""The statute corpus at article level, and what people asked of it."""

from django.conf import settings
from django.db import models


class LawKind(models.TextChoices):
    LAW = "law", "法律"
    REGULATION = "regulation", "行政法规"
    RULE = "rule", "部门规章及规范性文件"
    INTERPRETATION = "interpretation", "司法解释"
    LOCAL = "local", "地方性法规"
    UNION_POLICY = "union_policy", "工会制度文件"


class Law(models.Model):
    """One law, regulation or policy. Built-in texts come from data/laws/ (`manage.py legal_load`) and are
    not edited by hand; local regulations and union policies are added in the back office."""

    id = models.BigAutoField(primary_key=True)
    title = models.CharField("标题", max_length=200)
    short_title = models.CharField("简称", max_length=200, unique=True, help_text="引用时使用的名称，如“劳动合同法”")
    kind = models.CharField("类别", max_length=20, choices=LawKind.choices)
    builtin = models.BooleanField("内置", default=False, editable=False)
    effective_date = models.DateField("施行或修订日期", null=True, blank=True)
    preamble = models.TextField("制定与修订情况", blank=True)
    division_code = models.CharField("适用地区（行政区划代码）", max_length=6, blank=True, help_text="地方性法规填写；全国适用留空")
    union = models.ForeignKey("org.Union", verbose_name="发布工会", null=True, blank=True, on_delete=models.SET_NULL)
    source = models.CharField("来源", max_length=300, blank=True)
    content_hash = models.CharField(max_length=64, blank=True, editable=False)
    active = models.BooleanField("有效", default=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = "法律法规"
        verbose_name_plural = "法律法规"
        ordering = ["kind", "short_title"]

    def __str__(self):
        return self.short_title


class Article(models.Model):
    """One article (第X条), quoted verbatim. `label` is how it is cited; `number` its integer."""

    id = models.BigAutoField(primary_key=True)
    law = models.ForeignKey(Law, on_delete=models.CASCADE, related_name="articles")
    label = models.CharField("条", max_length=100)
    number = models.PositiveIntegerField("条号")
    part = models.CharField("编", max_length=100, blank=True)
    chapter = models.CharField("章", max_length=100, blank=True)
    section = models.CharField("节", max_length=100, blank=True)
    text = models.TextField("条文")
    order = models.PositiveIntegerField("顺序")

    class Meta:
        verbose_name = "条文"
        verbose_name_plural = "条文"
        ordering = ["law", "order"]
        constraints = [models.UniqueConstraint(fields=["law", "order"], name="article_order_unique")]
        indexes = [models.Index(fields=["law", "number"], name="article_law_number_idx")]

    def __str__(self):
        return f"《{self.law.short_title}》{self.label}"

    @property
    def citation(self) -> str:
        return str(self)


class CorpusState(models.Model):
    """One row: `version` goes up whenever laws or articles change, so search indexes know to rebuild."""

    version = models.PositiveIntegerField(default=0)
    changed_at = models.DateTimeField(auto_now=True)


class LegalQuery(models.Model):
    """A question asked, what was shown, and whether it helped (for evaluation), or the ticket it became."""

    id = models.BigAutoField(primary_key=True)
    question = models.TextField("问题")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    article_ids = models.JSONField(default=list)
    answer_mode = models.CharField(max_length=12, blank=True)  # extractive / llm / none
    helpful = models.BooleanField("有帮助", null=True)
    comment = models.CharField("意见", max_length=500, blank=True)
    ticket = models.ForeignKey("cases.Ticket", null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = "法律咨询记录"
        verbose_name_plural = "法律咨询记录"
        ordering = ["-created_at"]


class MaternityExtension(models.Model):
    """Days a province or city adds to the national 98-day maternity leave (its 人口与计划生育条例).
    Data, not code: staff keep it current in the back office."""

    division_prefix = models.CharField("行政区划代码前缀", max_length=6, unique=True, help_text="如 11 表示北京市")
    region = models.CharField("地区", max_length=50)
    extra_days = models.PositiveSmallIntegerField("延长天数")
    source = models.CharField("依据", max_length=200)

    class Meta:
        verbose_name = "地方延长产假"
        verbose_name_plural = "地方延长产假"
        ordering = ["division_prefix"]

    def __str__(self):
        return f"{self.region} +{self.extra_days}天"

    @classmethod
    def for_division(cls, code: str) -> "MaternityExtension | None":
        code = (code or "").strip()
        prefixes = [code[:n] for n in range(2, min(len(code), 6) + 1)]
        return cls.objects.filter(division_prefix__in=prefixes).order_by("-division_prefix").first() if prefixes else None

from .models_docs import *  # noqa: E402,F401,F403  (劳动法治体检 and 一函两书)
