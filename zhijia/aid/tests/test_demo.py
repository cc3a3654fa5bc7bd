"""The aid demo that `make run` seeds is consistent (budgets, approvals, payments and the ledger agree), gives every
page something to show, lets the demo worker apply, and is seeded once; and the yearly-review command."""

import datetime
import random
from decimal import Decimal
from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.db.models import Sum
from django.test import Client
from django.utils import timezone

from zhijia.accounts.models import User
from zhijia.aid import demo, selectors
from zhijia.aid.models import (
    Application,
    ApplicationStatus,
    BatchStatus,
    Campaign,
    CampaignKind,
    DisbursementBatch,
    Enrollment,
    FileStatus,
    HardshipFile,
    LedgerEntry,
    LedgerKind,
    Payment,
    PaymentStatus,
)
from zhijia.aid.services import applications as app_svc
from zhijia.aid.services.applications import ApplicationIn
from zhijia.core.generators import fake_id_number
from zhijia.members.models import Member
from zhijia.org.models import Union

WORKER = "13800000000"


@pytest.fixture
def seeded(db):
    out = StringIO()
    call_command("seed_demo", members=300, seed=11, stdout=out)
    return out.getvalue()


def money(queryset, field="amount") -> Decimal:
    return queryset.aggregate(total=Sum(field))["total"] or Decimal(0)


def test_demo_files_cover_every_state_a_page_shows(seeded):
    statuses = set(HardshipFile.objects.values_list("status", flat=True))
    assert {FileStatus.DRAFT, FileStatus.NOTICE, FileStatus.REVIEW, FileStatus.ACTIVE} <= statuses
    active = HardshipFile.objects.filter(status=FileStatus.ACTIVE)
    assert {"deep", "relative", "accident"} <= set(active.values_list("category", flat=True))
    flagged = active.get(review_due=True)
    assert flagged.review_note and flagged.events.filter(action="reassess").exists()
    today = timezone.localdate()
    assert HardshipFile.objects.filter(status=FileStatus.NOTICE, notice_start__lte=today,
                                       notice_end__gte=today).exists()
    for file in HardshipFile.objects.exclude(status=FileStatus.DRAFT):
        # realistic households, filed through the services: the worker and family, reserved nationally
        people = list(file.household.all())
        assert len(people) >= 2 and sum(p.relation == "self" for p in people) == 1
        assert all(p.holding for p in people) and file.events.filter(action="submit").exists()
        assert file.union.path.startswith(Union.objects.get(name="苏州市总工会").path)
    assert HardshipFile.objects.values("union").distinct().count() >= 3


def test_demo_money_is_consistent(seeded):
    kinds = dict(Campaign.objects.values_list("kind", "name"))
    assert set(kinds) == {CampaignKind.RELIEF, CampaignKind.TUITION, CampaignKind.MUTUAL}
    for campaign in Campaign.objects.all():
        approved = Application.objects.filter(campaign=campaign, status=ApplicationStatus.APPROVED)
        # the budget holds exactly what was approved, and no more than the budget
        assert campaign.committed == money(approved) <= campaign.budget
        assert money(LedgerEntry.objects.filter(campaign=campaign, kind=LedgerKind.COMMIT)) == campaign.committed
        # one payment per approved application, for its amount, and none for anything else
        assert Payment.objects.filter(campaign=campaign).count() == approved.count()
        for application in approved:
            assert application.payment.amount == application.amount
    for payment in Payment.objects.all():
        net = money(LedgerEntry.objects.filter(payment=payment, kind__in=[LedgerKind.PAID, LedgerKind.REVERSAL]))
        assert net == (payment.amount if payment.status == PaymentStatus.PAID else 0), payment
    assert not Payment.objects.exclude(application__status=ApplicationStatus.APPROVED).exists()

    # every review level has something in it, and a batch went to the bank and is partly paid
    assert set(Application.objects.values_list("status", flat=True)) >= {
        ApplicationStatus.IN_REVIEW, ApplicationStatus.APPROVED, ApplicationStatus.RETURNED,
        ApplicationStatus.REJECTED}
    assert Application.objects.filter(status=ApplicationStatus.IN_REVIEW, level_index=1).exists()
    partly = DisbursementBatch.objects.get(status=BatchStatus.EXPORTED)
    assert set(partly.payments.values_list("status", flat=True)) >= {PaymentStatus.PAID, PaymentStatus.IN_BATCH}
    assert DisbursementBatch.objects.filter(status=BatchStatus.SETTLED).exists()
    assert LedgerEntry.objects.filter(kind=LedgerKind.REVERSAL).count() == 1
    assert Enrollment.objects.filter(plan__kind=CampaignKind.MUTUAL).count() >= 2


def test_the_demo_worker_has_an_application_and_can_apply_for_tuition(seeded):
    worker = User.objects.get(username=WORKER)
    member = Member.objects.get(user=worker)
    assert member.name == worker.display_name == "王小明"
    mine = selectors.my_applications(user=worker)
    assert mine.count() >= 1 and mine.first().reviewing_union == member.union.parent  # waiting at the district
    tuition = Campaign.objects.get(kind=CampaignKind.TUITION)
    today = timezone.localdate()
    assert tuition.starts_on <= today <= tuition.ends_on and tuition.grant_table
    assert (member, tuition) in selectors.campaigns_open_to_member(user=worker)
    # and applying works as it would from the page
    application = app_svc.application_submit(
        actor=worker, campaign=tuition, union=member.union, applicant=worker, data=ApplicationIn(
            name=member.name, id_number=member.id_number, bank_name="中国银行", bank_account="6216610200016587013",
            child_name="王乐乐", child_id_number=fake_id_number(random.Random(1), "320508", min_age=18, max_age=19),
            school="苏州大学", level="bachelor",
            admission_year=tuition.year, tuition="5500"))
    assert application.status == ApplicationStatus.IN_REVIEW and application.amount == Decimal(3000)


def test_every_aid_page_of_the_demo_has_content(seeded):
    client = Client()
    assert "王小明，已入会" in seeded
    notice = client.get("/aid/notice/")
    assert notice.status_code == 200 and len(notice.context["page"].object_list) == 2
    assert notice.context["unions"]
    for campaign in notice.context["page"]:
        assert client.get(f"/aid/notice/campaign/{campaign.pk}/").context["rows"]
    client.force_login(User.objects.get(username="city"))
    figures = client.get("/aid/reports/").context["figures"]
    assert figures["files"]["on_file"] >= 5 and figures["money"]["total"]["net"] > 0
    assert len(figures["money"]["by_union"]) >= 2 and len(figures["applications"]["by_campaign"]) == 3
    client.force_login(User.objects.get(username="officer"))
    assert client.get("/aid/reports/").context["figures"]["files"]["on_file"] >= 2


def test_seeding_happens_once(seeded):
    counts = (HardshipFile.objects.count(), Application.objects.count(), Payment.objects.count(),
              LedgerEntry.objects.count(), Member.objects.count())
    officer_union = Union.objects.get(name="苏州精工机械有限公司工会")
    assert demo.seed_aid_demo(officer_union=officer_union, city=officer_union.parent.parent) is None
    out = StringIO()
    call_command("seed_demo", members=300, if_empty=True, stdout=out)
    assert "跳过" in out.getvalue()
    assert (HardshipFile.objects.count(), Application.objects.count(), Payment.objects.count(),
            LedgerEntry.objects.count(), Member.objects.count()) == counts


def test_a_tree_only_demo_has_no_aid_data(db):
    call_command("seed_demo", members=0, stdout=StringIO())
    assert not Campaign.objects.exists() and not HardshipFile.objects.exists()


# ---- aid_review_files (动态管理) -----------------------------------------------------------------------------


def review(*args) -> str:
    out = StringIO()
    call_command("aid_review_files", *args, stdout=out)
    return out.getvalue()


def test_the_yearly_review_flags_stale_files_once(make_file):
    fresh, stale, exited = make_file(), make_file(), make_file()
    today = datetime.date(2026, 11, 23)
    HardshipFile.objects.filter(pk=fresh.pk).update(status=FileStatus.ACTIVE, last_reviewed_on=today)
    HardshipFile.objects.filter(pk=stale.pk).update(status=FileStatus.ACTIVE,
                                                    last_reviewed_on=today - datetime.timedelta(days=400))
    HardshipFile.objects.filter(pk=exited.pk).update(status=FileStatus.EXITED,
                                                     last_reviewed_on=today - datetime.timedelta(days=400))

    assert review("--today", "2026-11-23") == "已标记待复核档案 1 份\n"
    assert list(HardshipFile.objects.filter(review_due=True).values_list("pk", flat=True)) == [stale.pk]
    assert "满一年未复核" in HardshipFile.objects.get(pk=stale.pk).review_note
    assert review("--today", "2026-11-23") == "已标记待复核档案 0 份\n"  # already flagged
    # a year on, the fresh one is due too
    assert review("--today", "2027-11-24") == "已标记待复核档案 1 份\n"


def test_the_yearly_review_rejects_a_bad_date(db):
    with pytest.raises(CommandError, match="YYYY-MM-DD"):
        review("--today", "23/11/2026")
