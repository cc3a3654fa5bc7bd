"""Many reviewers approving, many bank callbacks paying, at the same moment, on separate connections.
SQLite serialises writers anyway; these run on PostgreSQL (`make test` runs the suite there too)."""

import datetime
import threading
from decimal import Decimal

import pytest
from django.db import connection, connections

from zhijia.aid.models import Application, ApplicationStatus, Campaign, LedgerEntry, Payment
from zhijia.aid.services import applications as app_svc
from zhijia.aid.services import payments as pay_svc
from zhijia.core.errors import ZhijiaError

pytestmark = [
    pytest.mark.skipif(connection.vendor != "postgresql", reason="concurrency is tested on PostgreSQL"),
    pytest.mark.django_db(transaction=True),
]


def _race(calls):
    barrier = threading.Barrier(len(calls))
    results = [None] * len(calls)

    def run(index, call):
        try:
            barrier.wait()
            results[index] = call()
        except ZhijiaError as error:
            results[index] = error
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run, args=(i, call)) for i, call in enumerate(calls)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return results


def test_fifty_simultaneous_approvals_never_exceed_the_budget(tree, city_staff, county_staff, apply_tuition):
    campaign = app_svc.campaign_create(actor=city_staff, union=tree.city, data=app_svc.CampaignData(
        name="并发助学", kind="tuition", year=2026, starts_on=datetime.date(2026, 8, 1),
        ends_on=datetime.date(2026, 12, 31), budget="90000", review_levels=[3],
        grant_table={"bachelor": {"file": 5000, "no_file": 3000}}))
    applications = [apply_tuition(campaign) for _ in range(50)]  # 50 × 3000 asked, room for 30

    results = _race([lambda a=a: app_svc.application_decide(actor=county_staff, application=a, decision="approve")
                     for a in applications])

    approved = [r for r in results if isinstance(r, Application)]
    refused = [r for r in results if isinstance(r, ZhijiaError)]
    assert len(approved) == 30 and len(refused) == 20
    assert {r.code for r in refused} == {"budget_exceeded"}
    campaign.refresh_from_db()
    assert campaign.committed == Decimal(90000)
    assert Payment.objects.filter(campaign=campaign).count() == 30
    assert Application.objects.filter(campaign=campaign, status=ApplicationStatus.APPROVED).count() == 30


def test_fifty_approvals_of_one_application_approve_it_once(tuition, county_staff, apply_tuition):
    application = apply_tuition(tuition)
    app_svc.application_decide(actor=county_staff, application=application, decision="approve")  # grassroots level

    results = _race([lambda: app_svc.application_decide(actor=county_staff, application=application,
                                                        decision="approve")] * 50)

    assert sum(isinstance(r, Application) for r in results) == 1
    assert Campaign.objects.get(pk=tuition.pk).committed == Decimal(3000)
    assert Payment.objects.filter(application=application).count() == 1


def test_fifty_simultaneous_paid_callbacks_pay_once(tuition, county_staff, city_staff, apply_tuition):
    application = apply_tuition(tuition)
    for _ in range(2):
        application = app_svc.application_decide(actor=county_staff, application=application, decision="approve")
    batch = pay_svc.batch_submit(actor=city_staff, batch=pay_svc.batch_create(actor=city_staff, campaign=tuition))
    payment = Payment.objects.get(application=application)

    results = _race([lambda: pay_svc.payment_record(actor=city_staff, payment=payment, result="paid",
                                                    reference="BANK-1")] * 50)

    assert not [r for r in results if isinstance(r, ZhijiaError)]
    assert LedgerEntry.objects.filter(payment=payment, kind="paid").count() == 1
    batch.refresh_from_db()
    assert batch.status == "settled"


def test_two_officers_building_batches_at_once_never_share_a_payment(tuition, county_staff, city_staff, apply_tuition):
    for _ in range(20):
        application = apply_tuition(tuition)
        for _ in range(2):
            application = app_svc.application_decide(actor=county_staff, application=application, decision="approve")

    results = _race([lambda: pay_svc.batch_create(actor=city_staff, campaign=tuition, limit=15)] * 4)

    batches = [r for r in results if not isinstance(r, ZhijiaError)]
    assert sum(b.count for b in batches) == 20
    assert Payment.objects.filter(campaign=tuition, batch__isnull=True).count() == 0
