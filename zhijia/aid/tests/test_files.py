"""Hardship files from draft to active and out again, the national one-open-file rule, and who may do what."""

import datetime

import pytest

from zhijia.aid.models import FileStatus, HardshipFile, HouseholdMember
from zhijia.aid.services import files as svc
from zhijia.aid.services.files import DuplicateFile, PersonIn
from zhijia.core.errors import InvalidTransition, NotFound, PermissionDenied, ValidationFailed
from zhijia.core.models import AuditLog

MONDAY = datetime.date(2026, 11, 23)


def _to_notice(file, actor):
    file = svc.file_submit(actor=actor, file=file)
    file = svc.file_visit(actor=actor, file=file, note="入户核实：妻子无业，儿子读初中，本人患尿毒症需长期透析")
    return svc.file_notice_start(actor=actor, file=file, today=MONDAY)


def test_a_file_runs_from_draft_to_active_at_the_county_help_centre(make_file, chair, county_staff, calendar, tree):
    file = make_file()
    assert file.status == FileStatus.DRAFT
    assert file.category == "deep"
    assert file.number.startswith("KN")

    file = _to_notice(file, chair)
    assert file.status == FileStatus.NOTICE
    assert file.notice_end == datetime.date(2026, 11, 27)  # Monday to Friday: 5 working days

    with pytest.raises(InvalidTransition):  # the notice period is not over
        svc.file_notice_close(actor=chair, file=file, today=datetime.date(2026, 11, 27))
    file = svc.file_notice_close(actor=chair, file=file, today=datetime.date(2026, 11, 30))
    assert file.status == FileStatus.REVIEW
    assert file.approval_union == tree.county

    with pytest.raises(PermissionDenied):  # the grassroots chair does not approve
        svc.file_approve(actor=chair, file=file)
    file = svc.file_approve(actor=county_staff, file=file)
    assert file.status == FileStatus.ACTIVE
    actions = list(file.events.values_list("action", flat=True))
    assert actions == ["create", "submit", "visit", "notice", "notice_close", "approve"]
    assert AuditLog.objects.filter(action="aid.file_approve", object_id=str(file.pk)).exists()


def test_notice_spans_five_working_days_over_a_weekend(make_file, chair, calendar):
    file = svc.file_submit(actor=chair, file=make_file())
    file = svc.file_visit(actor=chair, file=file, note="已走访")
    file = svc.file_notice_start(actor=chair, file=file, today=datetime.date(2026, 11, 26))  # Thursday
    assert file.notice_end == datetime.date(2026, 12, 2)  # Thu, Fri, Mon, Tue, Wed


def test_an_open_objection_holds_the_file_and_an_upheld_one_sends_it_back(make_file, chair, calendar):
    file = _to_notice(make_file(), chair)
    objection = svc.objection_add(actor=chair, file=file, content="其妻在外经营网店，有收入", raised_by="匿名")
    with pytest.raises(InvalidTransition, match="异议"):
        svc.file_notice_close(actor=chair, file=file, today=datetime.date(2026, 12, 7))

    svc.objection_resolve(actor=chair, objection=objection, upheld=True, resolution="经核实网店月收入约3000元")
    file.refresh_from_db()
    assert file.status == FileStatus.RETURNED
    assert "网店" in file.return_reason


def test_a_dismissed_objection_lets_the_file_go_on(make_file, chair, calendar):
    file = _to_notice(make_file(), chair)
    objection = svc.objection_add(actor=chair, file=file, content="听说他家有车")
    svc.objection_resolve(actor=chair, objection=objection, upheld=False, resolution="车辆为亲属所有，已核实")
    file = svc.file_notice_close(actor=chair, file=file, today=datetime.date(2026, 12, 7))
    assert file.status == FileStatus.REVIEW


def test_send_back_needs_a_reason_and_resubmission_keeps_history(make_file, chair, county_staff, calendar):
    file = svc.file_notice_close(actor=chair, file=_to_notice(make_file(), chair), today=datetime.date(2026, 12, 7))
    with pytest.raises(ValidationFailed) as error:
        svc.file_return(actor=county_staff, file=file, reason=" ")
    assert error.value.field == "reason"

    file = svc.file_return(actor=county_staff, file=file, reason="缺少医院诊断证明")
    assert file.status == FileStatus.RETURNED
    file = svc.file_submit(actor=chair, file=file)
    assert file.status == FileStatus.SUBMITTED
    assert "return" in list(file.events.values_list("action", flat=True))


def test_one_person_one_open_file_across_the_country(make_file, poor_household, chair, chair_b, tree, people,
                                                     nanjing_staff, city_staff):
    first = poor_household()
    file = svc.file_submit(actor=chair, file=make_file(first))
    shared = first.household[1]  # the spouse

    other = poor_household(name="林海", household=[people("self", 20000),
                                                    PersonIn(relation="spouse", name=shared.name,
                                                             id_number=shared.id_number)])
    with pytest.raises(DuplicateFile) as error:
        svc.file_create(actor=chair_b, union=tree.grassroots_b, data=other)
    # chair_b may not see the other file: told only that one exists
    assert file.number not in error.value.message
    assert error.value.field == "household.1.id_number"
    assert error.value.code == "duplicate_file"

    # staff entitled to see the other file are told where it is
    with pytest.raises(DuplicateFile) as error:
        svc.duplicate_check(actor=city_staff, hashes=[HouseholdMember.objects.filter(file=file)[1].id_number_hash])
    assert file.number in error.value.message and tree.grassroots.name in error.value.message


def test_the_database_refuses_a_second_holding_row_even_if_the_check_is_skipped(make_file, poor_household, chair):
    from django.db import IntegrityError, transaction

    data = poor_household()
    svc.file_submit(actor=chair, file=make_file(data))
    row = HouseholdMember.objects.filter(holding=True).first()
    with pytest.raises(IntegrityError), transaction.atomic():
        HouseholdMember.objects.create(file=make_file(_fresh(poor_household)), relation="other", name="x",
                                       id_number=row.id_number, id_number_hash=row.id_number_hash,
                                       birth_date=row.birth_date, holding=True)


def _fresh(poor_household):
    return poor_household()


def test_a_withdrawn_or_exited_file_frees_its_people(make_file, poor_household, chair, county_staff, calendar):
    data = poor_household()
    file = svc.file_submit(actor=chair, file=make_file(data))
    svc.file_withdraw(actor=chair, file=file, reason="家庭情况好转，不再申请")
    again = make_file(poor_household(household=data.household))
    again = svc.file_submit(actor=chair, file=again)
    assert again.status == FileStatus.SUBMITTED

    again = svc.file_notice_close(actor=chair, file=_from_submitted(again, chair), today=datetime.date(2026, 12, 7))
    again = svc.file_approve(actor=county_staff, file=again)
    svc.file_exit(actor=chair, file=again, reason="本人康复返岗，家庭收入恢复")
    assert not HouseholdMember.objects.filter(file=again, holding=True).exists()


def _from_submitted(file, actor):
    file = svc.file_visit(actor=actor, file=file, note="已走访")
    return svc.file_notice_start(actor=actor, file=file, today=MONDAY)


def test_a_household_that_does_not_qualify_cannot_be_submitted(make_file, poor_household, people, chair):
    rich = poor_household(household=[people("self", 200000)], unavoidable_spending=0)
    file = make_file(rich)
    assert file.category == "none"
    with pytest.raises(ValidationFailed) as error:
        svc.file_submit(actor=chair, file=file)
    assert error.value.field == "category"
    assert "不符合" in error.value.message


@pytest.mark.parametrize("change, field", [
    ({"household": []}, "household"),
    ({"causes": []}, "causes"),
    ({"causes": ["lottery"]}, "causes"),
    ({"other_income": "-100"}, "other_income"),
    ({"unavoidable_spending": "abc"}, "unavoidable_spending"),
    ({"bank_account": "12ab"}, "bank_account"),
])
def test_bad_household_data_is_refused_and_nothing_is_written(make_file, poor_household, change, field):
    with pytest.raises(ValidationFailed) as error:
        make_file(poor_household(**change))
    assert error.value.field == field
    assert not HardshipFile.objects.exists()
    assert not HouseholdMember.objects.exists()


def test_a_failure_while_writing_the_household_leaves_no_file(make_file, monkeypatch):
    def broken(*args, **kwargs):
        raise RuntimeError("disk full")

    monkeypatch.setattr(svc, "_write_household", broken)
    with pytest.raises(RuntimeError):
        make_file()
    assert not HardshipFile.objects.exists()


def test_an_estimate_writes_nothing_and_needs_only_the_figures(tree, regions, poor_household):
    data = poor_household()
    for person in data.household:
        person.name, person.id_number = "", ""
    assert svc.file_estimate(union=tree.grassroots, data=data).category == "deep"
    assert not HardshipFile.objects.exists()
    data.other_income = "-1"
    with pytest.raises(ValidationFailed) as error:
        svc.file_estimate(union=tree.grassroots, data=data)
    assert error.value.field == "other_income"


def test_an_estimate_before_any_income_is_typed_asks_for_it(tree, regions, poor_household, people):
    nothing = poor_household(other_income="", household=[PersonIn("self", "", "", ""), PersonIn("spouse", "", "", "")])
    with pytest.raises(ValidationFailed) as error:
        svc.file_estimate(union=tree.grassroots, data=nothing)
    assert error.value.field == "household.0.annual_income" and "没有收入请填 0" in error.value.message
    # once any income is typed, a member left blank counts as earning nothing, as when the file is saved
    some = poor_household(household=[people("self", 30000), PersonIn("spouse", "", "", "")])
    assert svc.file_estimate(union=tree.grassroots, data=some).category == "deep"


def test_a_file_names_every_bad_field_at_once(make_file, poor_household, people):
    from zhijia.core.errors import InvalidFields

    data = poor_household(name="", causes=[], household=[people("self", 1000), PersonIn("child", "", "123", "-5")])
    with pytest.raises(InvalidFields) as error:
        make_file(data)
    assert [e.field for e in error.value.errors] == [
        "name", "causes", "household.1.name", "household.1.annual_income", "household.1.id_number"]
    assert not HardshipFile.objects.exists()


def test_two_selves_or_a_repeated_person_are_refused(make_file, poor_household, people):
    me = people("self", 1000)
    with pytest.raises(ValidationFailed) as error:
        make_file(poor_household(household=[me, people("self", 0)]))
    assert error.value.field == "household"
    with pytest.raises(ValidationFailed) as error:
        make_file(poor_household(household=[me, PersonIn("child", "某某", me.id_number)]))
    assert error.value.field == "household.1.id_number"


def test_yearly_review_flags_a_file_that_no_longer_qualifies(make_file, poor_household, people, chair, county_staff,
                                                             calendar, regions):
    data = poor_household()
    file = svc.file_submit(actor=chair, file=make_file(data))
    file = svc.file_notice_close(actor=chair, file=_from_submitted(file, chair), today=datetime.date(2026, 12, 7))
    file = svc.file_approve(actor=county_staff, file=file)

    assert svc.files_flag_for_review(today=datetime.date(2027, 1, 1)) == 0
    regions.dibao_monthly = 100  # thresholds change: the household is now above twice the line
    regions.save()
    assert svc.files_flag_for_review(today=datetime.date(2027, 1, 1)) == 1
    file.refresh_from_db()
    assert file.review_due and "不符合" in file.review_note

    data.household[0].annual_income = 20000
    regions.dibao_monthly = 1245
    regions.save()
    file = svc.file_reassess(actor=chair, file=file, data=poor_household(household=data.household))
    assert not file.review_due


def test_a_file_not_reviewed_for_a_year_is_flagged(make_file, chair, county_staff, calendar):
    file = svc.file_submit(actor=chair, file=make_file())
    file = svc.file_notice_close(actor=chair, file=_from_submitted(file, chair), today=datetime.date(2026, 12, 7))
    file = svc.file_approve(actor=county_staff, file=file)
    assert svc.files_flag_for_review(today=file.last_reviewed_on + datetime.timedelta(days=366)) == 1


def test_other_subtrees_cannot_touch_or_see_a_file(make_file, chair_b, nanjing_staff, chair, calendar):
    file = svc.file_submit(actor=chair, file=make_file())
    for outsider in (chair_b, nanjing_staff):
        with pytest.raises(NotFound):
            svc.file_visit(actor=outsider, file=file, note="x")
    with pytest.raises(NotFound):  # another union's roll is not even acknowledged
        svc.file_create(actor=chair_b, union=file.union, data=None)


def test_only_the_approval_union_or_above_approves(make_file, chair, calendar, tree):
    from conftest import make_user
    from zhijia.accounts.models import Role

    wuzhong = make_user("wuzhong", "吴中区科员", Role.UPPER_STAFF, tree.county_b)
    file = svc.file_notice_close(actor=chair, file=_from_submitted(svc.file_submit(actor=chair, file=make_file()), chair),
                                 today=datetime.date(2026, 12, 7))
    with pytest.raises(NotFound):
        svc.file_approve(actor=wuzhong, file=file)


def test_reveal_is_for_the_chair_and_logged(make_file, chair, officer):
    file = make_file()
    with pytest.raises(PermissionDenied):
        svc.file_reveal(actor=officer, file=file)
    revealed = svc.file_reveal(actor=chair, file=file)
    assert revealed["bank_account"] == "6222020200112233445"
    assert AuditLog.objects.filter(action="aid.reveal", object_id=str(file.pk)).count() == 1
    assert file.bank_account_masked == "6222***********3445"


def test_a_worker_files_for_themself_through_their_union(tree, worker, worker_member, poor_household, regions,
                                                        chair_b, other_worker):
    data = poor_household()
    with pytest.raises(ValidationFailed) as error:  # 本人 must be the member
        svc.file_create(actor=worker, union=tree.grassroots, data=data, applicant=worker)
    assert error.value.field == "household.0.id_number"
    data.household[0] = PersonIn("self", worker_member.name, worker_member.id_number, 30000)
    file = svc.file_create(actor=worker, union=tree.grassroots, data=data, applicant=worker)
    assert file.member == worker_member
    file = svc.file_submit(actor=worker, file=file)
    assert file.status == FileStatus.SUBMITTED
    with pytest.raises(PermissionDenied):  # the home visit is the union's
        svc.file_visit(actor=worker, file=file, note="自己走访自己")
    with pytest.raises(NotFound):  # another worker cannot touch it
        svc.file_withdraw(actor=other_worker, file=file, reason="x")
    with pytest.raises(ValidationFailed) as error:  # not a member there
        svc.file_create(actor=other_worker, union=tree.grassroots, data=poor_household(), applicant=other_worker)
    assert error.value.field == "union_id"
