"""Batches, bank results and the ledger: nothing is paid twice, corrections are reversals."""

from decimal import Decimal

import pytest

from zhijia.aid.models import BatchStatus, LedgerEntry, Payment, PaymentStatus
from zhijia.aid.models.money import AppendOnly
from zhijia.aid.services import applications as app_svc
from zhijia.aid.services import payments as svc
from zhijia.core.errors import Conflict, InvalidTransition, NotFound, ValidationFailed
from zhijia.core.models import AuditLog


@pytest.fixture
def approved(tuition, apply_tuition, county_staff):
    def build(count=3):
        payments = []
        for _ in range(count):
            application = apply_tuition(tuition)
            for _ in tuition.review_levels:  # the county decides for the grassroots level too
                application = app_svc.application_decide(actor=county_staff, application=application,
                                                          decision="approve")
            payments.append(Payment.objects.get(application=application))
        return payments

    return build


def test_a_batch_takes_pending_payments_once(approved, tuition, city_staff):
    approved(3)
    batch = svc.batch_create(actor=city_staff, campaign=tuition)
    assert (batch.count, batch.total) == (3, Decimal(9000))
    assert set(Payment.objects.values_list("status", flat=True)) == {PaymentStatus.IN_BATCH}
    with pytest.raises(ValidationFailed, match="没有待发放"):  # re-running finds nothing more
        svc.batch_create(actor=city_staff, campaign=tuition)


def test_a_batch_is_submitted_once(approved, tuition, city_staff):
    approved(1)
    batch = svc.batch_submit(actor=city_staff, batch=svc.batch_create(actor=city_staff, campaign=tuition))
    assert batch.status == BatchStatus.EXPORTED
    with pytest.raises(Conflict) as error:
        svc.batch_submit(actor=city_staff, batch=batch)
    assert error.value.code == "already_submitted"


def test_recording_paid_twice_pays_once(approved, tuition, city_staff):
    payment, = approved(1)
    batch = svc.batch_submit(actor=city_staff, batch=svc.batch_create(actor=city_staff, campaign=tuition))
    svc.payment_record(actor=city_staff, payment=payment, result="paid", reference="B001")
    svc.payment_record(actor=city_staff, payment=payment, result="paid", reference="B001")
    assert LedgerEntry.objects.filter(payment=payment, kind="paid").count() == 1
    batch.refresh_from_db()
    assert batch.status == BatchStatus.SETTLED


def test_results_before_the_batch_is_submitted_are_refused(approved, tuition, city_staff):
    payment, = approved(1)
    svc.batch_create(actor=city_staff, campaign=tuition)
    with pytest.raises(InvalidTransition):
        svc.payment_record(actor=city_staff, payment=payment, result="paid")


def test_failed_payment_is_retried_in_a_new_batch_and_paid_once(approved, tuition, city_staff):
    payment, = approved(1)
    first = svc.batch_submit(actor=city_staff, batch=svc.batch_create(actor=city_staff, campaign=tuition))
    with pytest.raises(ValidationFailed) as error:
        svc.payment_record(actor=city_staff, payment=payment, result="failed")
    assert error.value.field == "reason"
    svc.payment_record(actor=city_staff, payment=payment, result="failed", reason="户名与账号不符")
    payment = svc.payment_retry(actor=city_staff, payment=payment)
    assert svc.payment_retry(actor=city_staff, payment=payment).attempt == 2  # retrying twice is one retry

    second = svc.batch_submit(actor=city_staff, batch=svc.batch_create(actor=city_staff, campaign=tuition))
    assert second.pk != first.pk
    svc.payment_record(actor=city_staff, payment=payment, result="paid")
    assert list(LedgerEntry.objects.filter(payment=payment).values_list("kind", "amount")) == [
        ("commit", Decimal(3000)), ("paid", Decimal(3000))]


def test_a_returned_payment_is_reversed_not_edited(approved, tuition, city_staff):
    payment, = approved(1)
    svc.batch_submit(actor=city_staff, batch=svc.batch_create(actor=city_staff, campaign=tuition))
    svc.payment_record(actor=city_staff, payment=payment, result="paid")
    svc.payment_record(actor=city_staff, payment=payment, result="returned", reason="账户已销户")
    paid = LedgerEntry.objects.get(payment=payment, kind="paid")
    reversal = LedgerEntry.objects.get(payment=payment, kind="reversal")
    assert reversal.reverses == paid and reversal.amount == -paid.amount
    net = sum(LedgerEntry.objects.filter(payment=payment, kind__in=["paid", "reversal"]).values_list("amount", flat=True))
    assert net == 0


def test_the_ledger_refuses_edits_and_deletes(approved):
    approved(1)
    entry = LedgerEntry.objects.first()
    entry.amount = Decimal(1)
    with pytest.raises(AppendOnly):
        entry.save()
    with pytest.raises(AppendOnly):
        entry.delete()


def test_the_database_refuses_ledger_updates_on_postgresql(approved):
    from django.db import DatabaseError, connection, transaction

    if connection.vendor != "postgresql":
        pytest.skip("the trigger is PostgreSQL's")
    approved(1)
    with pytest.raises(DatabaseError), transaction.atomic():
        LedgerEntry.objects.update(amount=Decimal(1))


def test_importing_the_same_result_file_twice_changes_nothing(approved, tuition, city_staff):
    payments = approved(3)
    batch = svc.batch_submit(actor=city_staff, batch=svc.batch_create(actor=city_staff, campaign=tuition))
    rows = [{"key": payments[0].idempotency_key, "result": "成功", "reference": "R1"},
            {"key": payments[1].idempotency_key, "result": "失败", "reason": "账号不存在"},
            {"payment_id": payments[2].pk, "result": "paid"},
            {"key": "app:999999", "result": "paid"}]
    first = svc.batch_record_results(actor=city_staff, batch=batch, rows=rows)
    assert (first["paid"], first["failed"], len(first["errors"])) == (2, 1, 1)
    payments[0].refresh_from_db()
    assert (payments[0].status, payments[0].bank_reference) == ("paid", "R1")
    again = svc.batch_record_results(actor=city_staff, batch=batch, rows=rows)
    assert again["unchanged"] == 3 and again["paid"] == 0
    assert LedgerEntry.objects.filter(kind="paid").count() == 2


def test_only_upper_staff_of_the_subtree_disburse(approved, tuition, chair, nanjing_staff, city_staff):
    approved(1)
    with pytest.raises(NotFound):  # a grassroots chair has no reach over the city's campaign money
        svc.batch_create(actor=chair, campaign=tuition)
    with pytest.raises(NotFound):
        svc.batch_create(actor=nanjing_staff, campaign=tuition)


def test_the_bank_export_is_logged(approved, tuition, city_staff, county_staff):
    approved(1)
    batch = svc.batch_create(actor=city_staff, campaign=tuition)
    with pytest.raises(InvalidTransition):
        svc.record_bank_export(actor=city_staff, batch=batch)
    batch = svc.batch_submit(actor=city_staff, batch=batch)
    svc.record_bank_export(actor=city_staff, batch=batch)
    assert AuditLog.objects.filter(action="aid.bank_export", object_id=str(batch.pk)).count() == 1


def test_bulk_approval_moves_levels_then_approves_within_budget(tree, city_staff, county_staff, chair, apply_tuition):
    campaign = app_svc.campaign_create(actor=city_staff, union=tree.city, data=app_svc.CampaignData(
        name="批量助学", kind="tuition", year=2026, starts_on=__import__("datetime").date(2026, 8, 1),
        ends_on=__import__("datetime").date(2026, 12, 31), budget="12000", review_levels=[4, 3],
        grant_table={"bachelor": {"file": 5000, "no_file": 3000}}))
    applications = [apply_tuition(campaign) for _ in range(5)]  # 15,000 asked, 12,000 budget

    first = app_svc.applications_approve_bulk(actor=chair, campaign=campaign)
    assert (first["advanced"], first["approved"]) == (5, 0)
    partial = app_svc.applications_approve_bulk(actor=county_staff, campaign=campaign,
                                                ids=[a.pk for a in applications[:4]])
    assert partial["approved"] == 4 and partial["error"] is None
    refused = app_svc.applications_approve_bulk(actor=county_staff, campaign=campaign)
    assert refused["approved"] == 0 and "预算不足" in refused["error"]
    campaign.refresh_from_db()
    assert campaign.committed == Decimal(12000)
    assert Payment.objects.filter(campaign=campaign).count() == 4
    assert LedgerEntry.objects.filter(campaign=campaign, kind="commit").count() == 4
