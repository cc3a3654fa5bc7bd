"""Tickets (工单): one per request from a worker, whatever the channel, and their history."""

from django.conf import settings
from django.db import models

from zhijia.core.pii import EncryptedTextField, mask_phone


class TicketType(models.TextChoices):
    CONSULT = "consult", "咨询"
    SERVICE = "service", "服务帮扶"
    COMPLAINT = "complaint", "投诉/信访"
    LEGAL_AID = "legal_aid", "法律援助"
    SUGGESTION = "suggestion", "意见建议"


class Topic(models.TextChoices):
    WAGES = "wages", "欠薪/工资"
    CONTRACT = "contract", "劳动合同"
    SOCIAL_INSURANCE = "social_insurance", "社会保险"
    INJURY = "injury", "工伤与职业病"
    HOURS = "hours", "工时与休假"
    WOMEN = "women", "女职工权益"
    NEW_FORM = "new_form", "新就业形态权益"
    SAFETY = "safety", "安全生产"
    DEMOCRATIC = "democratic", "民主管理"
    OTHER = "other", "其他"


class Channel(models.TextChoices):
    HOTLINE = "hotline", "12351热线"
    APP = "app", "职工之家App"
    WEB = "web", "网站"
    API = "api", "接口"


class Complexity(models.TextChoices):
    SIMPLE = "simple", "简易"
    ORDINARY = "ordinary", "一般"
    COMPLEX = "complex", "复杂"


class TicketStatus(models.TextChoices):
    RECEIVED = "received", "已受理"
    ASSIGNED = "assigned", "已分派"
    IN_PROGRESS = "in_progress", "办理中"
    MEDIATION = "mediation", "调解中"
    LEGAL_AID = "legal_aid", "法律援助中"
    RESOLVED = "resolved", "已办结"
    CALLED_BACK = "called_back", "已回访"
    ARCHIVED = "archived", "已归档"


OPEN_STATUSES = (
    TicketStatus.RECEIVED,
    TicketStatus.ASSIGNED,
    TicketStatus.IN_PROGRESS,
    TicketStatus.MEDIATION,
    TicketStatus.LEGAL_AID,
    TicketStatus.RESOLVED,
)


class Rating(models.TextChoices):
    SATISFIED = "satisfied", "满意"
    BASIC = "basic", "基本满意"
    UNSATISFIED = "unsatisfied", "不满意"


class TicketCounter(models.Model):
    """Next ticket sequence per day; the row is locked while a number is taken."""

    day = models.DateField(primary_key=True)
    next_value = models.PositiveIntegerField(default=1)


class Ticket(models.Model):
    """A rights-protection request.

    Invariants: `union` is the union handling it now (every hop is a TicketEvent); `province_id` is that
    union's provincial id; `step_due_on` is the deadline of the current step (null once nothing is
    waiting on the union); `version` goes up on every change so concurrent edits are detected.
    The complainant's phone is encrypted; `phone_hash` finds a guest's tickets.
    """

    id = models.BigAutoField(primary_key=True)
    number = models.CharField("工单号", max_length=20, unique=True)
    type = models.CharField("诉求类型", max_length=16, choices=TicketType.choices)
    topic = models.CharField("问题类别", max_length=20, choices=Topic.choices)
    suggested_type = models.CharField(max_length=16, blank=True)
    suggested_topic = models.CharField(max_length=20, blank=True)
    channel = models.CharField("来源渠道", max_length=10, choices=Channel.choices)
    status = models.CharField("状态", max_length=16, choices=TicketStatus.choices, default=TicketStatus.RECEIVED)
    complexity = models.CharField("复杂程度", max_length=10, choices=Complexity.choices, default=Complexity.ORDINARY)
    version = models.PositiveIntegerField(default=1)

    complainant_user = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="tickets"
    )
    complainant_member = models.ForeignKey(
        "members.Member", null=True, blank=True, on_delete=models.SET_NULL, related_name="tickets"
    )
    complainant_name = models.CharField("诉求人", max_length=50)
    complainant_phone = EncryptedTextField("联系电话")
    phone_hash = models.CharField(max_length=64, db_index=True)

    employer_name = models.CharField("用人单位", max_length=100)
    employer_credit_code = models.CharField("统一社会信用代码", max_length=18, blank=True, db_index=True)
    division_code = models.CharField("所在地区", max_length=6)
    description = models.TextField("诉求内容")
    workers_affected = models.PositiveIntegerField("涉及人数", default=1)

    union = models.ForeignKey("org.Union", verbose_name="承办工会", on_delete=models.PROTECT, related_name="tickets")
    province_id = models.BigIntegerField(null=True, db_index=False)
    handler = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="handled_tickets"
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    step_due_on = models.DateField("本环节期限", null=True, blank=True)
    due_on = models.DateField("办结期限", null=True, blank=True)
    reminded_on = models.DateField(null=True, blank=True)
    escalated_to = models.ForeignKey(
        "org.Union", null=True, blank=True, on_delete=models.SET_NULL, related_name="escalated_tickets"
    )
    escalated_at = models.DateTimeField(null=True, blank=True)

    answer = models.TextField("答复内容", blank=True)
    resolution = models.TextField("办理结果", blank=True)
    rating = models.CharField("满意度", max_length=12, choices=Rating.choices, blank=True)
    rating_comment = models.CharField("评价意见", max_length=500, blank=True)
    reopen_count = models.PositiveSmallIntegerField(default=0)

    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    resolved_at = models.DateTimeField(null=True, blank=True)
    closed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = "维权工单"
        verbose_name_plural = "维权工单"
        ordering = ["-created_at", "-id"]
        indexes = [
            # The overdue board: open tickets of a province by step deadline.
            models.Index(
                fields=["province_id", "step_due_on"],
                name="ticket_overdue_idx",
                condition=models.Q(step_due_on__isnull=False),
                include=["union"],  # the per-union overdue count reads the index alone (bench/cases.py)
            ),
            models.Index(fields=["province_id", "status", "created_at"], name="ticket_province_status_idx"),
            models.Index(fields=["union", "status"], name="ticket_union_status_idx"),
            models.Index(fields=["province_id", "employer_name", "created_at"], name="ticket_employer_idx"),
            models.Index(fields=["province_id", "created_at"], name="ticket_province_created_idx"),
        ]

    def __str__(self):
        return f"{self.number} {self.get_type_display()}·{self.get_topic_display()}"

    @property
    def division_name(self) -> str:
        """江苏省苏州市姑苏区 for 320508 ("" for a code the table lacks)."""
        from zhijia.core.validators import division_name

        return division_name(self.division_code)

    @property
    def masked_phone(self) -> str:
        return mask_phone(self.complainant_phone or "")

    @property
    def masked_name(self) -> str:
        name = self.complainant_name or ""
        return (name[0] + "*" * (len(name) - 1)) if name else ""

    @property
    def suggested_topic_label(self) -> str:
        return Topic(self.suggested_topic).label if self.suggested_topic in Topic.values else ""

    @property
    def is_open(self) -> bool:
        return self.status in OPEN_STATUSES

    def audit_snapshot(self) -> dict:
        return {
            "number": self.number,
            "type": self.type,
            "topic": self.topic,
            "status": self.status,
            "complexity": self.complexity,
            "union_id": self.union_id,
            "handler_id": self.handler_id,
            "employer_name": self.employer_name,
            "division_code": self.division_code,
            "complainant_phone": self.masked_phone,
            "step_due_on": self.step_due_on.isoformat() if self.step_due_on else None,
            "due_on": self.due_on.isoformat() if self.due_on else None,
            "rating": self.rating,
            "version": self.version,
        }


class TicketEvent(models.Model):
    """Append-only history of a ticket: every transition, hop and note. `public_note` is what the worker
    reads in plain words; `note` is for staff only."""

    id = models.BigAutoField(primary_key=True)
    ticket = models.ForeignKey(Ticket, on_delete=models.CASCADE, related_name="events")
    province_id = models.BigIntegerField(null=True)
    action = models.CharField(max_length=32)
    from_status = models.CharField(max_length=16, blank=True)
    to_status = models.CharField(max_length=16, blank=True)
    from_union = models.ForeignKey("org.Union", null=True, on_delete=models.SET_NULL, related_name="+")
    to_union = models.ForeignKey("org.Union", null=True, on_delete=models.SET_NULL, related_name="+")
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    actor_name = models.CharField(max_length=150)
    public_note = models.CharField(max_length=500)
    note = models.TextField(blank=True)
    at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["at", "id"]
        verbose_name = "工单记录"
        verbose_name_plural = "工单记录"


def attachment_path(instance, filename):
    return f"tickets/{instance.ticket.created_at:%Y/%m}/{instance.ticket.number}/{filename}"


class TicketAttachment(models.Model):
    """An image or PDF attached to a ticket; its type was checked from its bytes, not its name."""

    id = models.BigAutoField(primary_key=True)
    ticket = models.ForeignKey(Ticket, on_delete=models.CASCADE, related_name="attachments")
    file = models.FileField(upload_to=attachment_path)
    name = models.CharField(max_length=200)
    content_type = models.CharField(max_length=50)
    size = models.PositiveIntegerField()
    uploaded_at = models.DateTimeField(auto_now_add=True)


class PhoneVerification(models.Model):
    """A one-time code sent to a guest's mobile; only hashes are kept."""

    id = models.BigAutoField(primary_key=True)
    phone_hash = models.CharField(max_length=64, db_index=True)
    code_hash = models.CharField(max_length=64)
    # Who asked (a keyed hash of the caller's address), so one caller cannot send codes to many numbers.
    client_hash = models.CharField(max_length=64, blank=True, db_index=True)
    created_at = models.DateTimeField(auto_now_add=True)
    expires_at = models.DateTimeField()
    attempts = models.PositiveSmallIntegerField(default=0)
    verified_at = models.DateTimeField(null=True, blank=True)
