"""The member registry: one person, one active membership; joining, transfers, bulk import jobs."""

from django.conf import settings
from django.db import models
from django.db.models import Q

from zhijia.core.pii import EncryptedTextField, mask_id_number, mask_phone


class MemberStatus(models.TextChoices):
    ACTIVE = "active", "在会"
    TRANSFERRED_OUT = "transferred_out", "已转出"
    WITHDRAWN = "withdrawn", "退会"
    RESERVED = "reserved", "保留会籍"


# Statuses in which a person counts as a member somewhere (at most one such row per person).
HOLDING_STATUSES = [MemberStatus.ACTIVE, MemberStatus.RESERVED]


class NewFormType(models.TextChoices):
    COURIER = "courier", "快递员"
    FOOD_DELIVERY = "food_delivery", "外卖配送员"
    RIDE_HAILING = "ride_hailing", "网约车司机"
    TRUCK_DRIVER = "truck_driver", "货车司机"
    STREAMER = "streamer", "网络主播"
    OTHER = "other", "其他"


class PersonFields(models.Model):
    """Identity fields shared by a member and a join application. 身份证号 and phone are encrypted;
    the *_hash columns are keyed hashes used for lookup and uniqueness."""

    name = models.CharField("姓名", max_length=50)
    id_number = EncryptedTextField("身份证号")
    id_number_hash = models.CharField(max_length=64, editable=False)
    phone = EncryptedTextField("手机号码")
    phone_hash = models.CharField(max_length=64, editable=False)
    employer = models.CharField("工作单位", max_length=100, blank=True)
    is_migrant_worker = models.BooleanField("农民工", default=False)
    new_form_type = models.CharField("新就业形态类型", max_length=20, choices=NewFormType.choices, blank=True)

    class Meta:
        abstract = True
        # Plain b-tree indexes: hashes are only ever compared for equality (no LIKE companions).
        indexes = [
            models.Index(fields=["id_number_hash"], name="%(class)s_idhash_idx"),
            models.Index(fields=["phone_hash"], name="%(class)s_phonehash_idx"),
        ]

    @property
    def id_number_masked(self) -> str:
        return mask_id_number(self.id_number or "")

    @property
    def phone_masked(self) -> str:
        return mask_phone(self.phone or "")


class Member(PersonFields):
    """A union member.

    Invariants: at most one row per person (id_number_hash) in a holding status; `union` is always set,
    so a member is never in no union, and a transfer moves this same row in one transaction, so
    never in two. `province_id` mirrors union.province_id for sharding and subtree narrowing.
    """

    id = models.BigAutoField(primary_key=True)
    member_no = models.CharField("会员号", max_length=20, unique=True)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="memberships"
    )
    gender = models.CharField("性别", max_length=1, choices=[("M", "男"), ("F", "女")])
    birth_date = models.DateField("出生日期")
    # Indexed by (union, id) below, which also serves the foreign key.
    union = models.ForeignKey(
        "org.Union", verbose_name="所属工会", on_delete=models.PROTECT, related_name="members", db_index=False
    )
    province_id = models.BigIntegerField(null=True, blank=True)
    joined_on = models.DateField("入会日期")
    status = models.CharField("会籍状态", max_length=20, choices=MemberStatus.choices, default=MemberStatus.ACTIVE)
    card_version = models.PositiveIntegerField(default=1, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = "会员"
        verbose_name_plural = "会员"
        constraints = [
            models.UniqueConstraint(
                fields=["id_number_hash"],
                condition=Q(status__in=["active", "reserved"]),
                name="member_one_holding_membership_per_person",
            )
        ]
        indexes = [
            *PersonFields.Meta.indexes,
            models.Index(fields=["province_id", "union", "status"], name="member_province_union_idx"),
            models.Index(fields=["union", "id"], name="member_union_id_idx"),
            models.Index(fields=["user", "status"], name="member_user_status_idx"),
            models.Index(fields=["name"], name="member_name_idx", opclasses=["varchar_pattern_ops"]),
        ]

    def __str__(self):
        return f"{self.name}（{self.member_no}）"

    def audit_snapshot(self) -> dict:
        return {
            "member_no": self.member_no,
            "name": self.name,
            "id_number": self.id_number_masked,
            "phone": self.phone_masked,
            "employer": self.employer,
            "union_id": self.union_id,
            "joined_on": str(self.joined_on),
            "status": self.status,
            "is_migrant_worker": self.is_migrant_worker,
            "new_form_type": self.new_form_type,
        }


class MemberChange(models.Model):
    """Append-only history of a member: every change, who made it, and what changed (PII masked)."""

    id = models.BigAutoField(primary_key=True)
    member = models.ForeignKey(Member, on_delete=models.CASCADE, related_name="changes")
    province_id = models.BigIntegerField(null=True, blank=True)
    at = models.DateTimeField(auto_now_add=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, db_constraint=False, related_name="+"
    )
    actor_name = models.CharField(max_length=150, blank=True)
    action = models.CharField(max_length=64)
    summary = models.CharField(max_length=200, blank=True)
    changes = models.JSONField(default=dict, blank=True)

    class Meta:
        ordering = ["-at", "-id"]
        verbose_name = "会员变更记录"
        verbose_name_plural = "会员变更记录"
        indexes = [models.Index(fields=["member", "at"], name="memberchange_member_at_idx")]


class MemberNumberCounter(models.Model):
    """Next 会员号 sequence per 2-digit province code; rows are locked while numbers are taken."""

    prefix = models.CharField(max_length=4, primary_key=True)
    next_value = models.BigIntegerField(default=1)


class ApplicationStatus(models.TextChoices):
    PENDING = "pending", "待审核"
    APPROVED = "approved", "已批准"
    REJECTED = "rejected", "未通过"
    WITHDRAWN = "withdrawn", "已撤回"


class JoinApplication(PersonFields):
    """A worker's online application to join a union (入会申请). At most one pending per applicant."""

    id = models.BigAutoField(primary_key=True)
    applicant = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="join_applications")
    union = models.ForeignKey("org.Union", verbose_name="申请加入的工会", on_delete=models.PROTECT, related_name="+")
    province_id = models.BigIntegerField(null=True, blank=True)
    note = models.CharField("申请说明", max_length=500, blank=True)
    status = models.CharField(max_length=16, choices=ApplicationStatus.choices, default=ApplicationStatus.PENDING)
    reject_reason = models.CharField("未通过原因", max_length=500, blank=True)
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    reviewed_at = models.DateTimeField(null=True, blank=True)
    member = models.ForeignKey(Member, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = "入会申请"
        verbose_name_plural = "入会申请"
        constraints = [
            models.UniqueConstraint(
                fields=["applicant"], condition=Q(status="pending"), name="joinapp_one_pending_per_applicant"
            )
        ]
        indexes = [
            *PersonFields.Meta.indexes,
            models.Index(fields=["province_id", "union", "status"], name="joinapp_union_status_idx"),
        ]

    def __str__(self):
        return f"{self.name} 申请加入 {self.union}"

    def audit_snapshot(self) -> dict:
        return {
            "name": self.name,
            "id_number": self.id_number_masked,
            "phone": self.phone_masked,
            "union_id": self.union_id,
            "status": self.status,
            "reject_reason": self.reject_reason,
        }


class TransferStatus(models.TextChoices):
    PENDING_RELEASE = "pending_release", "待转出工会同意"
    PENDING_ACCEPT = "pending_accept", "待转入工会接收"
    COMPLETED = "completed", "已完成"
    REJECTED = "rejected", "未通过"
    CANCELLED = "cancelled", "已撤销"


OPEN_TRANSFER_STATUSES = [TransferStatus.PENDING_RELEASE, TransferStatus.PENDING_ACCEPT]


class TransferRequest(models.Model):
    """A move of a member from one union to another (会员关系转接).

    The member stays in `from_union` until `to_union` accepts; the accept switches the member's
    union in the same transaction. One open transfer per member.
    """

    id = models.BigAutoField(primary_key=True)
    member = models.ForeignKey(Member, on_delete=models.CASCADE, related_name="transfers")
    from_union = models.ForeignKey("org.Union", on_delete=models.PROTECT, related_name="+")
    to_union = models.ForeignKey("org.Union", on_delete=models.PROTECT, related_name="+")
    province_id = models.BigIntegerField(null=True, blank=True)
    to_province_id = models.BigIntegerField(null=True, blank=True)
    reason = models.CharField("转接原因", max_length=500)
    new_employer = models.CharField("新工作单位", max_length=100, blank=True)
    status = models.CharField(max_length=20, choices=TransferStatus.choices, default=TransferStatus.PENDING_RELEASE)
    requested_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    released_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    released_at = models.DateTimeField(null=True, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)
    reject_reason = models.CharField("未通过原因", max_length=500, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = "会员关系转接"
        verbose_name_plural = "会员关系转接"
        constraints = [
            models.UniqueConstraint(
                fields=["member"],
                condition=Q(status__in=["pending_release", "pending_accept"]),
                name="transfer_one_open_per_member",
            )
        ]
        indexes = [
            models.Index(fields=["province_id", "from_union", "status"], name="transfer_from_idx"),
            models.Index(fields=["to_province_id", "to_union", "status"], name="transfer_to_idx"),
        ]

    def __str__(self):
        return f"{self.member.name}：{self.from_union} → {self.to_union}"

    def audit_snapshot(self) -> dict:
        return {
            "member_id": self.member_id,
            "from_union_id": self.from_union_id,
            "to_union_id": self.to_union_id,
            "status": self.status,
            "reason": self.reason,
            "reject_reason": self.reject_reason,
        }


class ImportMode(models.TextChoices):
    ALL_OR_NOTHING = "all_or_nothing", "全部正确才导入"
    VALID_ONLY = "valid_only", "只导入正确的行"


class ImportStatus(models.TextChoices):
    QUEUED = "queued", "排队中"
    RUNNING = "running", "导入中"
    DONE = "done", "已完成"
    REJECTED = "rejected", "有错误，未导入"
    FAILED = "failed", "失败"


class ImportJob(models.Model):
    """A bulk member import from an uploaded .xlsx, processed in the background with progress."""

    id = models.BigAutoField(primary_key=True)
    union = models.ForeignKey("org.Union", on_delete=models.PROTECT, related_name="+")
    province_id = models.BigIntegerField(null=True, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    file = models.FileField(upload_to="imports/%Y/%m/")
    original_name = models.CharField(max_length=200, blank=True)
    mode = models.CharField(max_length=20, choices=ImportMode.choices)
    status = models.CharField(max_length=16, choices=ImportStatus.choices, default=ImportStatus.QUEUED)
    total_rows = models.PositiveIntegerField(default=0)
    processed_rows = models.PositiveIntegerField(default=0)
    created_count = models.PositiveIntegerField(default=0)
    error_count = models.PositiveIntegerField(default=0)
    errors = models.JSONField(default=list, blank=True)
    message = models.CharField(max_length=500, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = "会员导入任务"
        verbose_name_plural = "会员导入任务"
        ordering = ["-id"]

    @property
    def progress_percent(self) -> int:
        if not self.total_rows:
            return 0 if self.status in (ImportStatus.QUEUED, ImportStatus.RUNNING) else 100
        return min(100, int(self.processed_rows * 100 / self.total_rows))

    @property
    def finished(self) -> bool:
        return self.status in (ImportStatus.DONE, ImportStatus.REJECTED, ImportStatus.FAILED)
