from django.conf import settings
from django.db import models


class AuditLog(models.Model):
    """One recorded action. Append-only; survives deletion of its actor and object (no cascades).

    `union_path` and `province_id` are copied from the object's union at the time, so the
    trail can be scoped by subtree with an indexed prefix filter and sharded by province.
    """

    id = models.BigAutoField(primary_key=True)
    created_at = models.DateTimeField(auto_now_add=True)
    action = models.CharField(max_length=64)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, db_constraint=False, related_name="+"
    )
    actor_name = models.CharField(max_length=150)
    union_id = models.BigIntegerField(null=True, blank=True)
    union_path = models.CharField(max_length=255, blank=True)
    province_id = models.BigIntegerField(null=True, blank=True)
    object_type = models.CharField(max_length=100, blank=True)
    object_id = models.CharField(max_length=64, blank=True)
    object_repr = models.CharField(max_length=200, blank=True)
    before = models.JSONField(null=True, blank=True)
    after = models.JSONField(null=True, blank=True)
    request_id = models.CharField(max_length=64, blank=True)

    class Meta:
        ordering = ["-id"]
        verbose_name = "审计日志"
        verbose_name_plural = "审计日志"
        indexes = [
            models.Index(fields=["union_path"], name="audit_union_path_idx", opclasses=["varchar_pattern_ops"]),
            models.Index(fields=["province_id", "created_at"], name="audit_province_time_idx"),
            models.Index(fields=["object_type", "object_id"], name="audit_object_idx"),
        ]

    def __str__(self):
        return f"{self.created_at:%Y-%m-%d %H:%M} {self.actor_name} {self.action}"

    @property
    def action_label(self) -> str:
        from .audit import ACTIONS

        return ACTIONS.get(self.action, self.action)

    @property
    def detail(self) -> str:
        """What tells two entries of one action apart on the audit page: which personal field was revealed,
        whether an export carried full 身份证号/手机号, how many rows it held."""
        after = self.after if isinstance(self.after, dict) else {}
        parts = []
        if after.get("field") in PII_FIELD_LABELS:
            parts.append(f"查看{PII_FIELD_LABELS[after['field']]}")
        if "full_pii" in after:
            parts.append("含完整身份证号和手机号" if after["full_pii"] else "已脱敏")
        if isinstance(after.get("rows"), int):
            parts.append(f"{after['rows']} 行")
        return "，".join(parts)


PII_FIELD_LABELS = {"id_number": "身份证号", "phone": "手机号", "complainant_phone": "联系电话",
                    "bank_account": "银行账号"}


class CalendarDayKind(models.TextChoices):
    HOLIDAY = "holiday", "法定节假日（休息）"
    WORKDAY = "workday", "调休上班"


class CalendarDay(models.Model):
    """An exception to the Monday–Friday working week: a public holiday, or a weekend 调休 workday.

    Days not listed follow the week. Seeded from the chinese-calendar package; staff keep it up to
    date in the admin when the State Council publishes next year's arrangement.
    """

    date = models.DateField("日期", primary_key=True)
    kind = models.CharField("类型", max_length=16, choices=CalendarDayKind.choices)
    name = models.CharField("名称", max_length=50, blank=True)

    class Meta:
        ordering = ["date"]
        verbose_name = "节假日与调休"
        verbose_name_plural = "节假日与调休"

    def __str__(self):
        return f"{self.date} {self.get_kind_display()} {self.name}"


class Notification(models.Model):
    """An in-app message to one user (reminders, escalations, warnings). Email/SMS copies go through
    the senders in `zhijia.core.notify`."""

    id = models.BigAutoField(primary_key=True)
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notifications")
    title = models.CharField("标题", max_length=200)
    body = models.TextField("内容", blank=True)
    link = models.CharField(max_length=300, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    read_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = "站内消息"
        verbose_name_plural = "站内消息"
        indexes = [models.Index(fields=["user", "read_at"], name="notification_user_unread_idx")]
