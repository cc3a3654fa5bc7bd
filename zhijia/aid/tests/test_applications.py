"""Applications to campaigns: amounts computed, review level by level, send-back and resubmission, the budget."""

import datetime
from decimal import Decimal

import pytest

from zhijia.aid.models import Application, ApplicationStatus, LedgerEntry, Payment
from zhijia.aid.services import applications as svc
from zhijia.aid.services import files as file_svc
from zhijia.aid.services.applications import ApplicationIn
from zhijia.core.errors import Conflict, InvalidTransition, NotFound, PermissionDenied, ValidationFailed
from zhijia.core.models import Notification

from .conftest import TODAY


def test_tuition_climbs_grassroots_then_county_and_creates_one_payment(tuition, apply_tuition, chair, county_staff,
                                                                       tree, worker, worker_member):
    application = apply_tuition(tuition, applicant=worker, actor=worker)
    assert application.amount == Decimal(3000)  # bachelor, no active file
    assert application.reviewing_union == tree.grassroots

    application = svc.application_decide(actor=chair, application=application, decision="approve")
    assert application.status == ApplicationStatus.IN_REVIEW
    assert application.reviewing_union == tree.county

    application = svc.application_decide(actor=county_staff, application=application, decision="approve")
    assert application.status == ApplicationStatus.APPROVED
    tuition.refresh_from_db()
    assert tuition.committed == Decimal(3000)
    payment = Payment.objects.get(application=application)
    assert payment.idempotency_key == f"app:{application.pk}" and payment.amount == Decimal(3000)
    assert LedgerEntry.objects.filter(application=application, kind="commit").count() == 1
    assert Notification.objects.filter(user=worker, title="帮扶申请已批准").exists()


def test_a_child_with_a_family_on_file_gets_the_higher_grant(tuition, apply_tuition, make_file, poor_household,
                                                             chair, county_staff, calendar):
    data = poor_household()
    file = file_svc.file_submit(actor=chair, file=make_file(data))
    file = file_svc.file_visit(actor=chair, file=file, note="已走访")
    file = file_svc.file_notice_start(actor=chair, file=file, today=datetime.date(2026, 11, 23))
    file = file_svc.file_notice_close(actor=chair, file=file, today=datetime.date(2026, 12, 7))
    file_svc.file_approve(actor=county_staff, file=file)

    application = apply_tuition(tuition, id_number=data.household[0].id_number)
    assert application.amount == Decimal(5000)
    assert application.hardship_file == file


def test_one_grant_per_child_per_campaign(tuition, apply_tuition, child_id, chair):
    child = child_id()
    first = apply_tuition(tuition, child=child)
    with pytest.raises(Conflict) as error:
        apply_tuition(tuition, child=child, name="王大明")
    assert error.value.code == "duplicate_grant" and error.value.field == "child_id_number"
    assert Application.objects.count() == 1

    svc.application_withdraw(actor=chair, application=first)
    assert apply_tuition(tuition, child=child).status == ApplicationStatus.IN_REVIEW  # a withdrawn one frees it


def test_a_child_over_the_age_limit_is_refused(tuition, apply_tuition, child_id):
    with pytest.raises(ValidationFailed) as error:
        apply_tuition(tuition, child=child_id(27, 28))
    assert error.value.field == "child_id_number"
    assert not Application.objects.exists()


def test_return_needs_a_reason_and_resubmission_starts_again_at_the_first_level(tuition, apply_tuition, chair,
                                                                                county_staff, tree, worker,
                                                                                worker_member):
    application = apply_tuition(tuition, applicant=worker, actor=worker)
    application = svc.application_decide(actor=chair, application=application, decision="approve")
    with pytest.raises(ValidationFailed) as error:
        svc.application_decide(actor=county_staff, application=application, decision="return")
    assert error.value.field == "reason"

    application = svc.application_decide(actor=county_staff, application=application, decision="return",
                                         reason="请补充录取通知书")
    assert application.status == ApplicationStatus.RETURNED
    assert Notification.objects.filter(user=worker, title="帮扶申请退回补正").exists()

    application = svc.application_resubmit(actor=worker, application=application)
    assert application.reviewing_union == tree.grassroots and application.level_index == 0
    decisions = list(application.decisions.values_list("decision", "reason"))
    assert decisions == [("resubmit", "提交申请"), ("approve", ""), ("return", "请补充录取通知书"),
                         ("resubmit", "补正后重新提交")]


def test_reviewers_outside_the_current_level_or_subtree_are_refused(tuition, apply_tuition, chair_b, nanjing_staff,
                                                                     officer, county_staff):
    application = apply_tuition(tuition)
    with pytest.raises(NotFound):
        svc.application_decide(actor=chair_b, application=application, decision="approve")
    with pytest.raises(NotFound):
        svc.application_decide(actor=nanjing_staff, application=application, decision="approve")
    # the county supervises the grassroots level too
    application = svc.application_decide(actor=county_staff, application=application, decision="approve")
    with pytest.raises(PermissionDenied, match="姑苏区总工会"):
        svc.application_decide(actor=officer, application=application, decision="approve")


def test_a_decided_application_cannot_be_decided_again(tuition, apply_tuition, chair):
    application = apply_tuition(tuition)
    svc.application_decide(actor=chair, application=application, decision="reject", reason="非本单位职工子女")
    with pytest.raises(InvalidTransition):
        svc.application_decide(actor=chair, application=application, decision="approve")


def test_the_budget_is_never_exceeded(tree, city_staff, chair, county_staff, apply_tuition):
    small = svc.campaign_create(actor=city_staff, union=tree.city, data=svc.CampaignData(
        name="小额助学", kind="tuition", year=2026, starts_on=datetime.date(2026, 8, 1),
        ends_on=datetime.date(2026, 12, 31), budget="5000", review_levels=[3],
        grant_table={"bachelor": {"file": 5000, "no_file": 3000}}))
    first, second = apply_tuition(small), apply_tuition(small)
    svc.application_decide(actor=county_staff, application=first, decision="approve")
    with pytest.raises(Conflict) as error:
        svc.application_decide(actor=county_staff, application=second, decision="approve")
    assert error.value.code == "budget_exceeded" and "剩余 2000.00 元" in error.value.message
    second.refresh_from_db()
    assert second.status == ApplicationStatus.IN_REVIEW  # nothing half-written: no decision row, no payment
    assert second.decisions.count() == 1 and not Payment.objects.filter(application=second).exists()


def test_relief_reaches_only_the_campaign_groups(relief, tree, chair):
    data = ApplicationIn(name="赵师傅", id_number="320508198001011234", bank_name="中国银行",
                         bank_account="6216610200016587010")
    with pytest.raises(ValidationFailed) as error:
        svc.application_submit(actor=chair, campaign=relief, union=tree.grassroots, data=data, today=TODAY)
    assert error.value.field in {"groups", "id_number"}
    data.groups = ["frontline"]
    data.id_number = _valid_id()
    application = svc.application_submit(actor=chair, campaign=relief, union=tree.grassroots, data=data, today=TODAY)
    assert application.amount == Decimal(1000)


def _valid_id():
    import random

    from zhijia.core.generators import fake_id_number

    return fake_id_number(random.Random(3), "320508")


def test_applying_outside_the_dates_or_the_subtree_is_refused(tuition, apply_tuition, tree, nanjing_staff):
    from zhijia.aid.services.applications import application_submit

    with pytest.raises(ValidationFailed) as error:
        application_submit(actor=nanjing_staff, campaign=tuition, union=tree.grassroots_c,
                           data=ApplicationIn(name="x", id_number=_valid_id()), today=TODAY)
    assert error.value.field == "union_id"
    with pytest.raises(ValidationFailed) as error:
        application_submit(
            actor=nanjing_staff, campaign=tuition, union=tree.grassroots_c,
            data=ApplicationIn(name="x", id_number=_valid_id()), today=datetime.date(2027, 3, 1))
    assert error.value.field == "campaign"


def test_mutual_aid_claims_follow_the_plan_and_the_annual_cap(mutual, tree, chair, county_staff, person):
    from zhijia.members.services import member_create

    member = member_create(actor=chair, union=tree.grassroots, data=person())
    svc.enrollment_create(actor=chair, plan=mutual, members=[member], by_union=True)
    assert svc.enrollment_create(actor=chair, plan=mutual, members=[member]) == []  # enrolling twice is harmless

    def claim(bill_number, self_paid):
        return svc.application_submit(actor=chair, campaign=mutual, union=tree.grassroots, member=member,
                                      today=TODAY, data=ApplicationIn(
                                          name=member.name, id_number=member.id_number, bank_name="中国银行",
                                          bank_account="6216610200016587010", hospital="苏州大学附属第一医院",
                                          bill_number=bill_number, total=Decimal(60000), insurance_paid=Decimal(20000),
                                          self_paid=self_paid))

    first = claim("ZY001", Decimal(30000))  # (30000 - 1000) × 0.5 = 14500
    assert first.amount == Decimal(14500)
    second = claim("ZY002", Decimal(30000))  # computed now 14500, capped at approval
    with pytest.raises(Conflict) as error:
        claim("ZY001", Decimal(30000))  # the same bill twice
    assert error.value.code == "duplicate_grant"
    svc.application_decide(actor=county_staff, application=first, decision="approve")
    second = svc.application_decide(actor=county_staff, application=second, decision="approve")
    assert second.amount == Decimal(5500)  # 20000 cap − 14500 already paid
    with pytest.raises(ValidationFailed) as error:
        claim("ZY003", Decimal(70000))  # self-paid larger than the bill
    assert error.value.field == "self_paid"


def test_a_worker_applies_only_through_a_union_they_belong_to(tuition, apply_tuition, worker, tree):
    with pytest.raises(ValidationFailed) as error:
        apply_tuition(tuition, applicant=worker, actor=worker)
    assert error.value.field == "union_id"
    assert not Application.objects.exists()
