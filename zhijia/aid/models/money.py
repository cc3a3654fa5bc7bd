"""Money: one payment per approved application, disbursement batches sent to the bank, and the ledger."""

from django.conf import settings
from django.db import models
from django.db.models import Q

from zhijia.core.pii import EncryptedTextField, mask_bank_account


class PaymentStatus(models.TextChoices):
    PENDING = "pending", "待发放"
    IN_BATCH = "in_batch", "发放中"
    PAID = "paid", "已发放"
    FAILED = "failed", "发放失败"
    RETURNED = "returned", "已退回（退汇）"
    CANCELLED = "cancelled", "已取消"


class Payment(models.Model):
    """What an approved application is owed.

    Invariants: one per application (`idempotency_key` = "app:<id>", unique); it is paid at most once per
    attempt, and a new attempt exists only after the previous one failed or came back, so the ledger's
    net payment for it never exceeds `amount`.
    """

    id = models.BigAutoField(primary_key=True)
    idempotency_key = models.CharField(max_length=64, unique=True)
    application = models.OneToOneField("aid.Application", on_delete=models.PROTECT, related_name="payment")
    campaign = models.ForeignKey("aid.Campaign", on_delete=models.PROTECT, related_name="payments")
    union = models.ForeignKey("org.Union", on_delete=models.PROTECT, related_name="+")
    province_id = models.BigIntegerField(null=True, blank=True)
    amount = models.DecimalField("金额（元）", max_digits=12, decimal_places=2)
    payee_name = models.CharField("收款人", max_length=50)
    bank_name = models.CharField("开户银行", max_length=50, blank=True)
    bank_account = EncryptedTextField("银行账号", blank=True)
    status = models.CharField("状态", max_length=16, choices=PaymentStatus.choices, default=PaymentStatus.PENDING)
    attempt = models.PositiveSmallIntegerField("发放次数", default=1)
    batch = models.ForeignKey("aid.DisbursementBatch", null=True, blank=True, on_delete=models.PROTECT,
                              related_name="payments")
    failure_reason = models.CharField("失败原因", max_length=200, blank=True)
    bank_reference = models.CharField("银行流水号", max_length=64, blank=True)
    paid_at = models.DateTimeField("到账时间", null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = "帮扶款项"
        verbose_name_plural = "帮扶款项"
        ordering = ["id"]
        indexes = [
            models.Index(fields=["campaign", "status"], name="aidpay_campaign_status_idx"),
            models.Index(fields=["province_id", "union"], name="aidpay_province_union_idx"),
        ]
        constraints = [models.CheckConstraint(condition=Q(amount__gt=0), name="aid_payment_positive")]

    def __str__(self):
        return f"{self.payee_name} {self.amount} 元"

    @property
    def bank_account_masked(self) -> str:
        return mask_bank_account(self.bank_account or "")


class BatchStatus(models.TextChoices):
    DRAFT = "draft", "待导出"
    EXPORTED = "exported", "已报送银行"
    SETTLED = "settled", "已回盘"


class DisbursementBatch(models.Model):
    """Payments sent to the bank together. Exporting the bank file is what 'submits' a batch; a batch is
    exported once, and its results are recorded per payment (a result already recorded is not recorded again)."""

    id = models.BigAutoField(primary_key=True)
    number = models.CharField("批次号", max_length=24, unique=True)
    campaign = models.ForeignKey("aid.Campaign", on_delete=models.PROTECT, related_name="batches")
    union = models.ForeignKey("org.Union", on_delete=models.PROTECT, related_name="+")
    province_id = models.BigIntegerField(null=True, blank=True)
    status = models.CharField("状态", max_length=16, choices=BatchStatus.choices, default=BatchStatus.DRAFT)
    total = models.DecimalField("合计（元）", max_digits=14, decimal_places=2, default=0)
    count = models.PositiveIntegerField("笔数", default=0)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                   related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    exported_at = models.DateTimeField(null=True, blank=True)
    exported_by = models.CharField(max_length=150, blank=True)
    settled_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = "发放批次"
        verbose_name_plural = "发放批次"
        ordering = ["-id"]

    def __str__(self):
        return self.number


class LedgerKind(models.TextChoices):
    COMMIT = "commit", "批准占用预算"
    RELEASE = "release", "释放预算"
    PAID = "paid", "发放到账"
    REVERSAL = "reversal", "冲正"


class AppendOnly(Exception):
    pass


class LedgerEntry(models.Model):
    """The append-only ledger. A correction is a new entry that reverses an old one (`reverses`), never an
    edit: saving an existing entry or deleting one raises. `key` makes each money movement happen once."""

    id = models.BigAutoField(primary_key=True)
    key = models.CharField(max_length=80, unique=True)
    campaign = models.ForeignKey("aid.Campaign", on_delete=models.PROTECT, related_name="ledger")
    union = models.ForeignKey("org.Union", on_delete=models.PROTECT, related_name="+")
    province_id = models.BigIntegerField(null=True, blank=True)
    application = models.ForeignKey("aid.Application", null=True, blank=True, on_delete=models.PROTECT,
                                    related_name="ledger")
    payment = models.ForeignKey(Payment, null=True, blank=True, on_delete=models.PROTECT, related_name="ledger")
    kind = models.CharField(max_length=16, choices=LedgerKind.choices)
    amount = models.DecimalField(max_digits=14, decimal_places=2)
    reverses = models.OneToOneField("self", null=True, blank=True, on_delete=models.PROTECT,
                                    related_name="reversed_by")
    note = models.CharField(max_length=200, blank=True)
    actor_name = models.CharField(max_length=150, blank=True)
    at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = "台账"
        verbose_name_plural = "台账"
        ordering = ["id"]
        indexes = [models.Index(fields=["campaign", "kind", "at"], name="aidledger_campaign_kind_idx")]

    def save(self, *args, **kwargs):
        if not self._state.adding:
            raise AppendOnly("台账只能追加，更正请记一笔冲正")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise AppendOnly("台账不能删除，更正请记一笔冲正")
