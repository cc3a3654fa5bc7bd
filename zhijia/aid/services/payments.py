"""Money out: approved payments are grouped into batches, a batch is submitted to the bank once (its bank file
exported), and the bank's result is recorded per payment. Every step is idempotent: re-running a batch picks no
payment twice, recording a result twice changes nothing, and a payment is paid at most once per attempt."""

import uuid

from django.db import IntegrityError, connection, transaction
from django.db.models import Count, Sum
from django.utils import timezone

from zhijia.core import audit
from zhijia.core.errors import Conflict, ErrorCode, InvalidTransition, ValidationFailed

from ..models import BatchStatus, Campaign, DisbursementBatch, LedgerEntry, LedgerKind, Payment, PaymentStatus
from ..permissions import campaign_policy, payment_policy

for _name, _label in [
    ("aid.batch_create", "生成发放批次"), ("aid.batch_submit", "报送银行"), ("aid.bank_export", "导出银行代发文件（明文账号）"),
    ("aid.payment_result", "登记发放结果"), ("aid.payment_retry", "重新发放"),
]:
    audit.register(_name, _label)

MAX_BATCH = 200_000


@transaction.atomic
def batch_create(*, actor, campaign: Campaign, limit: int | None = None) -> DisbursementBatch:
    """Group the campaign's pending payments (those the actor may disburse) into a new batch.

    Payments are taken with SKIP LOCKED, so two officers creating batches at once split them, never share one.
    """
    campaign_policy.require(actor, "disburse", campaign)
    limit = min(limit or MAX_BATCH, MAX_BATCH)
    pending = payment_policy.scope(actor, "disburse", Payment.objects.filter(
        campaign=campaign, status=PaymentStatus.PENDING, batch__isnull=True))
    ids = list(pending.order_by("id").select_for_update(skip_locked=True, of=("self",)).values_list("id", flat=True)[:limit])
    if not ids:
        raise ValidationFailed(ErrorCode.INVALID, "没有待发放的款项", field="campaign")
    batch = DisbursementBatch.objects.create(number=f"tmp-{uuid.uuid4().hex[:16]}", campaign=campaign,
                                             union=campaign.union, province_id=campaign.province_id,
                                             created_by=actor)
    batch.number = f"FF{timezone.localdate():%Y%m%d}{batch.pk:06d}"
    for start in range(0, len(ids), 5000):
        Payment.objects.filter(id__in=ids[start:start + 5000]).update(batch=batch, status=PaymentStatus.IN_BATCH)
    totals = Payment.objects.filter(batch=batch).aggregate(total=Sum("amount"), count=Count("id"))
    batch.total, batch.count = totals["total"], totals["count"]
    batch.save()
    audit.record(actor=actor, action="aid.batch_create", obj=batch, union=campaign.union,
                 after={"count": batch.count, "total": str(batch.total)})
    return batch


@transaction.atomic
def batch_submit(*, actor, batch: DisbursementBatch) -> DisbursementBatch:
    """Mark the batch as sent to the bank. A batch is submitted once; submitting it again is refused."""
    batch = DisbursementBatch.objects.select_for_update(of=("self",)).select_related("campaign").get(pk=batch.pk)
    campaign_policy.require(actor, "disburse", batch.campaign)
    if batch.status != BatchStatus.DRAFT:
        raise Conflict(ErrorCode.ALREADY_SUBMITTED,
                       f"批次 {batch.number} 已于 {timezone.localtime(batch.exported_at):%Y-%m-%d %H:%M} 报送银行，"
                       "不能重复报送；失败的款项请重新发放后另生成批次", field="batch")
    batch.status = BatchStatus.EXPORTED
    batch.exported_at = timezone.now()
    batch.exported_by = str(actor)
    batch.save()
    audit.record(actor=actor, action="aid.batch_submit", obj=batch, union=batch.union,
                 after={"count": batch.count, "total": str(batch.total)})
    return batch


def record_bank_export(*, actor, batch: DisbursementBatch) -> None:
    """The bank file carries full account numbers: only upper-level staff, and every export is logged."""
    campaign_policy.require(actor, "export_bank", batch.campaign)
    if batch.status == BatchStatus.DRAFT:
        raise InvalidTransition("请先报送批次，再导出银行代发文件")
    audit.record(actor=actor, action="aid.bank_export", obj=batch, union=batch.union,
                 after={"count": batch.count, "total": str(batch.total)})


RESULTS = {"paid": PaymentStatus.PAID, "failed": PaymentStatus.FAILED, "returned": PaymentStatus.RETURNED}


@transaction.atomic
def payment_record(*, actor, payment: Payment, result: str, reason: str = "", reference: str = "") -> Payment:
    """Record the bank's answer for one payment. Recording the same answer again is a no-op.

    paid: from a submitted batch, once (ledger key paid:<id>:<attempt>); failed: with a reason, the payment can
    be retried; returned (退汇, after being paid): a reversing ledger entry, and it can be retried.
    """
    payment = Payment.objects.select_for_update(of=("self",)).select_related("batch", "campaign").get(pk=payment.pk)
    campaign_policy.require(actor, "disburse", payment.campaign)
    if result not in RESULTS:
        raise ValidationFailed(ErrorCode.INVALID, "发放结果应为 已发放、失败 或 退回", field="result")
    target = RESULTS[result]
    if payment.status == target:
        return payment  # the same answer twice: nothing moves
    if target in (PaymentStatus.PAID, PaymentStatus.FAILED):
        if payment.status != PaymentStatus.IN_BATCH or payment.batch is None:
            raise InvalidTransition(f"款项当前为“{payment.get_status_display()}”，不能登记为“{target.label}”")
        if payment.batch.status == BatchStatus.DRAFT:
            raise InvalidTransition("批次尚未报送银行，不能登记发放结果")
    if target == PaymentStatus.RETURNED and payment.status != PaymentStatus.PAID:
        raise InvalidTransition("只有已发放的款项才能登记退回")
    if target != PaymentStatus.PAID:
        reason = (reason or "").strip()
        if not reason:
            raise ValidationFailed(ErrorCode.REQUIRED, "请填写失败或退回原因", field="reason")
    before = payment.status
    if target == PaymentStatus.PAID:
        try:
            with transaction.atomic():
                LedgerEntry.objects.create(
                    key=f"paid:{payment.pk}:{payment.attempt}", campaign=payment.campaign, union=payment.union,
                    province_id=payment.province_id, application_id=payment.application_id, payment=payment,
                    kind=LedgerKind.PAID, amount=payment.amount, actor_name=str(actor),
                    note=f"批次 {payment.batch.number} 到账 {reference}".strip()[:200])
        except IntegrityError:
            raise Conflict(ErrorCode.CONFLICT, "该款项本次发放已记账", field="payment") from None
        payment.paid_at = timezone.now()
        payment.bank_reference = reference[:64]
        payment.failure_reason = ""
    elif target == PaymentStatus.RETURNED:
        paid = LedgerEntry.objects.get(key=f"paid:{payment.pk}:{payment.attempt}")
        LedgerEntry.objects.create(
            key=f"reversal:{payment.pk}:{payment.attempt}", campaign=payment.campaign, union=payment.union,
            province_id=payment.province_id, application_id=payment.application_id, payment=payment,
            kind=LedgerKind.REVERSAL, amount=-paid.amount, reverses=paid, actor_name=str(actor),
            note=f"退汇：{reason}"[:200])
        payment.failure_reason = reason[:200]
    else:
        payment.failure_reason = reason[:200]
    payment.status = target
    payment.save()
    audit.record(actor=actor, action="aid.payment_result", obj=payment, union=payment.union,
                 before={"status": before}, after={"status": target, "reason": reason, "reference": reference})
    _settle_if_done(payment.batch)
    return payment


def _settle_if_done(batch: DisbursementBatch | None) -> None:
    if batch is None or batch.status != BatchStatus.EXPORTED:
        return
    if not batch.payments.filter(status=PaymentStatus.IN_BATCH).exists():
        DisbursementBatch.objects.filter(pk=batch.pk, status=BatchStatus.EXPORTED).update(
            status=BatchStatus.SETTLED, settled_at=timezone.now())


@transaction.atomic
def payment_retry(*, actor, payment: Payment) -> Payment:
    """A failed or returned payment goes back to pending as a new attempt, to be put in a new batch.
    Retrying one already pending is a no-op."""
    payment = Payment.objects.select_for_update(of=("self",)).select_related("campaign").get(pk=payment.pk)
    campaign_policy.require(actor, "disburse", payment.campaign)
    if payment.status == PaymentStatus.PENDING:
        return payment
    if payment.status not in (PaymentStatus.FAILED, PaymentStatus.RETURNED):
        raise InvalidTransition(f"款项当前为“{payment.get_status_display()}”，不能重新发放")
    payment.status = PaymentStatus.PENDING
    payment.attempt += 1
    payment.batch = None
    payment.save()
    audit.record(actor=actor, action="aid.payment_retry", obj=payment, union=payment.union,
                 after={"attempt": payment.attempt})
    return payment


RESULT_WORDS = {"成功": "paid", "已发放": "paid", "失败": "failed", "退回": "returned", "退汇": "returned"}
CHUNK = 1000


def batch_record_results(*, actor, batch: DisbursementBatch, rows: list[dict]) -> dict:
    """Apply a bank's result file: rows of {key | payment_id, result, reason, reference}. Idempotent:
    re-importing the same file changes nothing. Payments reported paid that are still in the batch are
    settled in chunks of 1,000 (one transaction each); everything else row by row. Returns counts and errors."""
    campaign_policy.require(actor, "disburse", batch.campaign)
    if batch.status == BatchStatus.DRAFT:
        raise InvalidTransition("批次尚未报送银行，不能登记发放结果")
    ids = dict(batch.payments.values_list("idempotency_key", "id"))
    known = set(ids.values())
    outcome = {"paid": 0, "failed": 0, "returned": 0, "unchanged": 0, "errors": []}
    paid_now: dict[int, str] = {}
    others = []
    for number, row in enumerate(rows, start=2):
        payment_id = ids.get(str(row.get("key", "")).strip())
        if payment_id is None and str(row.get("payment_id", "")).strip().isdigit():
            payment_id = int(str(row["payment_id"]).strip())
            payment_id = payment_id if payment_id in known else None
        if payment_id is None:
            outcome["errors"].append({"row": number, "message": "找不到该批次中的这笔款项"})
            continue
        result = str(row.get("result", "")).strip()
        result = RESULT_WORDS.get(result, result)
        if result == "paid" and payment_id not in paid_now:
            paid_now[payment_id] = str(row.get("reference", ""))[:64]
        else:
            others.append((number, payment_id, result, row))
    pending = list(paid_now)
    for start in range(0, len(pending), CHUNK):
        settled = _settle_paid(actor, batch, {pid: paid_now[pid] for pid in pending[start:start + CHUNK]})
        outcome["paid"] += settled
        outcome["unchanged"] += len(pending[start:start + CHUNK]) - settled
    for number, payment_id, result, row in others:
        payment = Payment(pk=payment_id)
        try:
            before = Payment.objects.values_list("status", flat=True).get(pk=payment.pk)
            after = payment_record(actor=actor, payment=payment, result=result, reason=str(row.get("reason", "")),
                                   reference=str(row.get("reference", "")))
        except (ValidationFailed, InvalidTransition, Conflict) as error:
            outcome["errors"].append({"row": number, "message": error.message})
            continue
        outcome["unchanged" if after.status == before else result] += 1
    _settle_if_done(batch)
    audit.record(actor=actor, action="aid.payment_result", obj=batch, union=batch.union,
                 after={key: value for key, value in outcome.items() if key != "errors"})
    return outcome


@transaction.atomic
def _settle_paid(actor, batch: DisbursementBatch, references: dict[int, str]) -> int:
    """Mark the chunk's payments that are still in the batch as paid, with one ledger entry each."""
    rows = list(Payment.objects.select_for_update(of=("self",)).filter(
        id__in=list(references), batch=batch, status=PaymentStatus.IN_BATCH))
    if not rows:
        return 0
    now = timezone.now()
    actor_name = str(actor)
    LedgerEntry.objects.bulk_create([
        LedgerEntry(key=f"paid:{p.pk}:{p.attempt}", campaign_id=p.campaign_id, union_id=p.union_id,
                    province_id=p.province_id, application_id=p.application_id, payment=p, kind=LedgerKind.PAID,
                    amount=p.amount, actor_name=actor_name,
                    note=f"批次 {batch.number} 到账 {references[p.pk]}".strip()[:200]) for p in rows])
    for p in rows:
        p.status, p.paid_at, p.failure_reason, p.bank_reference = PaymentStatus.PAID, now, "", references[p.pk]
    # What every row gets alike in one UPDATE, then each bank 流水号 (bulk_update's CASE … WHEN per row and column
    # cost about a second per 1,000 payments).
    Payment.objects.filter(id__in=[p.pk for p in rows]).update(status=PaymentStatus.PAID, paid_at=now,
                                                               failure_reason="", bank_reference="")
    _store_references([(p.pk, p.bank_reference) for p in rows if p.bank_reference])
    return len(rows)


def _store_references(pairs: list[tuple[int, str]]) -> None:
    """Set bank_reference per payment in one statement: UPDATE … FROM (VALUES …), which PostgreSQL and SQLite
    (3.33+) both read; a VALUES list's columns are column1, column2 in both."""
    if not pairs:
        return
    table = connection.ops.quote_name(Payment._meta.db_table)
    with connection.cursor() as cursor:
        cursor.execute(
            f"UPDATE {table} SET bank_reference = v.column2 FROM (VALUES {', '.join(['(%s, %s)'] * len(pairs))}) "
            f"AS v WHERE {table}.id = v.column1", [value for pair in pairs for value in pair])
