"""What staff configure rather than code: routing by locality, deadlines per step, warning thresholds."""

from django.core.validators import MinValueValidator
from django.db import models

from .tickets import Complexity


class RoutingRule(models.Model):
    """Tickets from a locality (division code prefix) whose employer has no union of its own go to `union`.
    The longest matching prefix wins, so a street rule beats the county rule it sits in."""

    id = models.BigAutoField(primary_key=True)
    division_prefix = models.CharField("行政区划代码前缀", max_length=6, help_text="如 3205 表示苏州市，320508 表示姑苏区")
    union = models.ForeignKey("org.Union", verbose_name="承办工会", on_delete=models.CASCADE, related_name="routing_rules")
    active = models.BooleanField("启用", default=True)
    note = models.CharField("说明", max_length=200, blank=True)

    class Meta:
        verbose_name = "属地分派规则"
        verbose_name_plural = "属地分派规则"
        constraints = [models.UniqueConstraint(fields=["division_prefix"], name="routing_rule_prefix_unique")]

    def __str__(self):
        return f"{self.division_prefix} → {self.union}"


class Step(models.TextChoices):
    ACCEPT = "accept", "签收（分派后开始办理）"
    HANDLE = "handle", "办理（开始办理至办结）"
    CALLBACK = "callback", "回访（办结后回访）"


class DeadlineRule(models.Model):
    """Working days allowed for one step of a ticket of one complexity class."""

    complexity = models.CharField("复杂程度", max_length=10, choices=Complexity.choices)
    step = models.CharField("环节", max_length=10, choices=Step.choices)
    working_days = models.PositiveSmallIntegerField("工作日", validators=[MinValueValidator(1)])

    class Meta:
        verbose_name = "办理时限"
        verbose_name_plural = "办理时限"
        constraints = [models.UniqueConstraint(fields=["complexity", "step"], name="deadline_rule_unique")]

    def __str__(self):
        return f"{self.get_complexity_display()}·{self.get_step_display()}：{self.working_days}个工作日"


class WarningSettings(models.Model):
    """Thresholds of the early-warning rules (one row)."""

    repeat_count = models.PositiveSmallIntegerField("同一单位工单数 K", default=3, validators=[MinValueValidator(2)])
    repeat_days = models.PositiveSmallIntegerField("统计天数 D", default=30, validators=[MinValueValidator(1)])
    mass_workers = models.PositiveIntegerField("群体性人数 N", default=10, validators=[MinValueValidator(2)])
    festival_weeks = models.PositiveSmallIntegerField("春节前周数", default=8, validators=[MinValueValidator(1)])

    class Meta:
        verbose_name = "预警阈值"
        verbose_name_plural = "预警阈值"

    def __str__(self):
        return "预警阈值"

    @classmethod
    def current(cls) -> "WarningSettings":
        return cls.objects.order_by("pk").first() or cls()
