"""The staff back office of hardship aid: files (list, export, form, every workflow step), campaigns (create,
applications, enrolment) and disbursement batches (submit, bank file, results, retries), and the admin."""

import datetime
import io
import random
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.utils import timezone
from openpyxl import load_workbook

from zhijia.accounts.models import User
from zhijia.aid.models import (
    BatchStatus,
    Campaign,
    Enrollment,
    FileStatus,
    HardshipFile,
    LedgerEntry,
    Payment,
    PaymentStatus,
    RegionRule,
)
from zhijia.aid.services import applications as app_svc
from zhijia.aid.services import files as file_svc
from zhijia.aid.tests.conftest import TODAY
from zhijia.core.generators import fake_id_number
from zhijia.core.models import AuditLog


def logged_in(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


@pytest.fixture
def pages(tree, calendar, regions):
    return tree


def household_post(people, union, *, incomes=(30000, 0, 0), relations=("self", "spouse", "child"), **overrides):
    """The new-file form as a browser posts it: the household as parallel m_* lists, one entry per row."""
    persons = [people(relation, income, *((8, 15) if relation == "child" else ())) for relation, income in
               zip(relations, incomes)]
    data = {
        "union": str(union.pk), "name": "陈建国", "phone": "13912345678", "address": "苏州市姑苏区平江路1号",
        "causes": ["illness"], "cause_note": "妻子长期患病", "other_income": "0", "unavoidable_spending": "6000",
        "necessary_costs": "0", "bank_name": "中国工商银行", "bank_account": "6222020200112233445",
        "m_ref": [""] * len(persons), "m_relation": [p.relation for p in persons], "m_name": [p.name for p in persons],
        "m_id_number": [p.id_number for p in persons], "m_annual_income": [str(p.annual_income) for p in persons],
        "m_health": ["健康"] * len(persons), "m_schooling": [""] * len(persons), "m_work": [""] * len(persons),
    }
    data.update(overrides)
    return data, persons


def to_review(file, chair):
    """Walk a draft file through submission, the home visit and a finished notice period."""
    file = file_svc.file_submit(actor=chair, file=file)
    file = file_svc.file_visit(actor=chair, file=file, note="入户核实：住房困难，妻子长期住院")
    file = file_svc.file_notice_start(actor=chair, file=file, today=datetime.date(2026, 11, 2))
    return file_svc.file_notice_close(actor=chair, file=file, today=datetime.date(2026, 11, 20))


# ---- Files: list, export, approval tab -------------------------------------------------------------------------


def test_files_list_is_scoped_to_the_subtree_and_closed_to_workers(pages, make_file, chair, chair_b, county_staff,
                                                                   nanjing_staff, worker):
    file = make_file()
    assert file.number in logged_in(chair).get("/aid/staff/files/").content.decode()
    assert file.number in logged_in(county_staff).get("/aid/staff/files/").content.decode()
    assert file.number not in logged_in(chair_b).get("/aid/staff/files/").content.decode()
    assert logged_in(worker).get("/aid/staff/files/").status_code == 403
    assert Client().get("/aid/staff/files/").status_code == 302  # to the login page
    for outsider in (chair_b, nanjing_staff):
        assert logged_in(outsider).get(f"/aid/staff/files/{file.number}/").status_code == 404


def test_files_list_searches_filters_sorts_and_pages(pages, make_file, poor_household, people, chair):
    first = make_file()
    second = make_file(poor_household(name="林秀英", household=[people("self", 20000), people("child", 0, 8, 15)]))
    file_svc.file_submit(actor=chair, file=second)
    client = logged_in(chair)
    body = client.get("/aid/staff/files/", {"q": "林秀"}).content.decode()
    assert second.number in body and first.number not in body
    body = client.get("/aid/staff/files/", {"q": first.number}).content.decode()
    assert first.number in body and second.number not in body
    body = client.get("/aid/staff/files/", {"status": "submitted"}).content.decode()
    assert second.number in body and first.number not in body
    body = client.get("/aid/staff/files/", {"sort": "number"}).content.decode()
    assert body.index(first.number) < body.index(second.number)
    body = client.get("/aid/staff/files/", {"sort": "-number"}).content.decode()
    assert body.index(second.number) < body.index(first.number)
    for _ in range(20):
        make_file(poor_household(household=[people("self", 20000)]))
    page_one = client.get("/aid/staff/files/").content.decode()
    assert "第 1 / 2 页，共 22 条" in page_one
    assert first.number in client.get("/aid/staff/files/", {"page": 2}).content.decode()


def test_files_export_is_masked_and_audited(pages, make_file, chair, chair_b):
    file = make_file()
    response = logged_in(chair).get("/aid/staff/files/export/", {"status": "draft"})
    assert response.status_code == 200
    sheet = load_workbook(io.BytesIO(response.content)).active
    rows = [[cell for cell in row] for row in sheet.iter_rows(values_only=True)]
    assert rows[1][:4] == [file.number, "陈*国", "苏州精工机械有限公司工会", "深度困难"]
    assert rows[1][7] == 666.67  # 人均月收入 as a number, not the text "666.67"
    flat = " ".join(str(cell) for row in rows for cell in row)
    assert file.household.first().id_number not in flat and "6222020200112233445" not in flat
    entry = AuditLog.objects.get(action="aid.file_export")
    assert entry.after == {"rows": 1, "filters": {"status": "draft"}}
    other = load_workbook(io.BytesIO(logged_in(chair_b).get("/aid/staff/files/export/").content)).active
    assert other.max_row == 1  # another union's staff export only the header


def test_awaiting_approval_tab_lists_files_for_the_approving_union(pages, make_file, chair, county_staff,
                                                                   nanjing_staff):
    file = to_review(make_file(), chair)
    body = logged_in(county_staff).get("/aid/staff/files/", {"tab": "approval"}).content.decode()
    assert "待审批（1）" in body and file.number in body
    assert file.number not in logged_in(nanjing_staff).get("/aid/staff/files/", {"tab": "approval"}).content.decode()
    assert "?tab=approval" not in logged_in(chair).get("/aid/staff/files/").content.decode()  # grassroots don't approve


# ---- Files: the household form --------------------------------------------------------------------------------


def test_chair_creates_a_file_and_sees_its_eligibility(pages, people, chair):
    data, persons = household_post(people, pages.grassroots)
    response = logged_in(chair).post("/aid/staff/files/new/", data)
    assert response.status_code == 302
    file = HardshipFile.objects.get()
    assert response["Location"] == f"/aid/staff/files/{file.number}/"
    assert (file.status, file.category, file.household.count()) == (FileStatus.DRAFT, "deep", 3)
    assert list(file.household.values_list("relation", flat=True)) == ["self", "spouse", "child"]
    detail = logged_in(chair).get(response["Location"]).content.decode()
    assert "深度困难" in detail and "符合深度困难" in detail and "结论：深度困难" in detail
    assert persons[0].id_number not in detail and persons[0].id_number[:6] in detail  # masked
    assert "6222020200112233445" not in detail and "6222" in detail


def test_new_file_form_starts_with_the_worker_row(pages, chair, worker):
    body = logged_in(chair).get("/aid/staff/files/new/").content.decode()
    assert body.count('name="m_relation"') == 2  # the first row and the template for added rows
    assert '<option value="self" selected>本人</option>' in body
    assert logged_in(worker).get("/aid/staff/files/new/").status_code == 403


def test_negative_income_is_shown_beside_the_row_and_nothing_is_saved(pages, people, chair):
    data, persons = household_post(people, pages.grassroots, incomes=(30000, -100, 0))
    response = logged_in(chair).post("/aid/staff/files/new/", data)
    assert response.status_code == 422
    body = response.content.decode()
    assert "年收入不能为负数" in body
    assert persons[1].id_number in body and 'value="-100"' in body  # what was typed stays in the form
    assert HardshipFile.objects.count() == 0


def test_a_household_without_the_worker_is_refused(pages, people, chair):
    data, _ = household_post(people, pages.grassroots, relations=("spouse", "child", "child"))
    response = logged_in(chair).post("/aid/staff/files/new/", data)
    assert response.status_code == 422
    assert "家庭成员中应有且只有一位“本人”" in response.content.decode()
    assert HardshipFile.objects.count() == 0


def test_a_file_in_another_union_cannot_be_created(pages, people, chair):
    data, _ = household_post(people, pages.grassroots_b)
    response = logged_in(chair).post("/aid/staff/files/new/", data)
    assert response.status_code == 422 and "请选择职工所在的基层工会" in response.content.decode()
    assert HardshipFile.objects.count() == 0


def test_preview_assesses_without_saving(pages, people, chair):
    data, _ = household_post(people, pages.grassroots)
    body = logged_in(chair).post("/aid/staff/files/preview/", data).content.decode()
    assert "试算结果：深度困难" in body and "苏州市低保标准" in body
    data, _ = household_post(people, pages.grassroots, incomes=(300000, 0, 0))
    assert "试算结果：不符合建档条件" in logged_in(chair).post("/aid/staff/files/preview/", data).content.decode()
    data, _ = household_post(people, pages.grassroots, incomes=(30000, -5, 0))
    assert "不能为负数" in logged_in(chair).post("/aid/staff/files/preview/", data).content.decode()
    assert HardshipFile.objects.count() == 0


def test_edit_keeps_masked_numbers_and_checks_the_version(pages, make_file, chair):
    file = make_file()
    stored = list(file.household.values_list("id_number_hash", flat=True))
    client = logged_in(chair)
    form = client.get(f"/aid/staff/files/{file.number}/edit/").content.decode()
    full_ids = [p.id_number for p in file.household.all()]
    assert not any(number in form for number in full_ids) and "6222020200112233445" not in form
    people = list(file.household.all())
    data = {
        "union": str(file.union_id), "version": str(file.version), "name": "陈建国", "causes": ["illness", "schooling"],
        "unavoidable_spending": "6000", "bank_name": "中国工商银行", "bank_account": file.bank_account_masked,
        "m_ref": [str(p.pk) for p in people], "m_relation": [p.relation for p in people],
        "m_name": [p.name for p in people], "m_id_number": [p.id_number_masked for p in people],
        "m_annual_income": ["30000", "0", "0"], "m_health": ["", "", ""], "m_schooling": ["", "", ""],
        "m_work": ["", "", ""],
    }
    assert client.post(f"/aid/staff/files/{file.number}/edit/", data).status_code == 302
    file.refresh_from_db()
    assert file.causes == ["illness", "schooling"] and file.bank_account == "6222020200112233445"
    assert list(file.household.values_list("id_number_hash", flat=True)) == stored
    response = client.post(f"/aid/staff/files/{file.number}/edit/", {**data, "name": "陈建军"})  # stale version
    assert response.status_code == 422 and "档案已被他人修改" in response.content.decode()
    file.refresh_from_db()
    assert file.name == "陈建国"


def test_edit_is_refused_once_submitted(pages, make_file, chair, chair_b):
    file = file_svc.file_submit(actor=chair, file=make_file())
    response = logged_in(chair).get(f"/aid/staff/files/{file.number}/edit/", follow=True)
    assert "不能修改" in response.content.decode()
    assert logged_in(chair_b).get(f"/aid/staff/files/{file.number}/edit/").status_code == 404


# ---- Files: detail and the workflow ----------------------------------------------------------------------------


def test_the_workflow_runs_through_the_detail_page(pages, make_file, chair, county_staff, chair_b):
    file = make_file()
    url = f"/aid/staff/files/{file.number}/"
    client = logged_in(chair)
    assert "提交建档申请" in client.get(url).content.decode()
    assert logged_in(chair_b).post(url, {"action": "submit"}).status_code == 404
    assert client.post(url, {"action": "submit"}).status_code == 302
    response = client.post(url, {"action": "visit", "visit_note": ""})
    assert response.status_code == 422 and "请填写走访记录" in response.content.decode()
    client.post(url, {"action": "visit", "visit_note": "住房困难，妻子住院", "visited_by": "张主席、赵干事"})
    page = client.get(url).content.decode()
    assert "开始公示" in page and "公示 5 个工作日" in page
    response = client.post(url, {"action": "notice"}, follow=True)
    file.refresh_from_db()
    assert file.status == FileStatus.NOTICE
    assert f"已开始公示，公示期 {file.notice_start:%Y-%m-%d} 至 {file.notice_end:%Y-%m-%d}" in response.content.decode()
    client.post(url, {"action": "objection", "content": "该户有车辆未申报", "raised_by": "匿名"})
    objection = file.objections.get()
    response = client.post(url, {"action": "notice_close"})
    assert response.status_code == 422 and "期满后才能报送审批" in response.content.decode()
    client.post(url, {"action": "resolve", "objection": objection.pk, "upheld": "0",
                      "resolution": "经核实车辆为亲属所有"})
    objection.refresh_from_db()
    assert objection.resolved and not objection.upheld
    HardshipFile.objects.filter(pk=file.pk).update(notice_end=datetime.date(2020, 1, 1))
    assert "已报姑苏区总工会审批" in client.post(url, {"action": "notice_close"}, follow=True).content.decode()
    assert "批准建档" not in client.get(url).content.decode()  # the grassroots chair cannot approve
    assert client.post(url, {"action": "approve"}).status_code == 403
    county = logged_in(county_staff)
    assert "批准建档" in county.get(url).content.decode()
    county.post(url, {"action": "approve"})
    file.refresh_from_db()
    assert file.status == FileStatus.ACTIVE
    timeline = client.get(url).content.decode()
    for step in ("建档", "提交", "入户走访", "开始公示", "登记异议", "处理异议", "公示期满报审", "批准"):
        assert f"<strong>{step}</strong>" in timeline


def test_return_needs_a_reason_and_the_file_can_be_corrected(pages, make_file, chair, county_staff):
    file = to_review(make_file(), chair)
    url = f"/aid/staff/files/{file.number}/"
    county = logged_in(county_staff)
    response = county.post(url, {"action": "return", "return_reason": " "})
    assert response.status_code == 422 and "请填写退回原因" in response.content.decode()
    county.post(url, {"action": "return", "return_reason": "请补充医疗费用票据"})
    file.refresh_from_db()
    assert file.status == FileStatus.RETURNED
    page = logged_in(chair).get(url).content.decode()
    assert "退回原因：请补充医疗费用票据" in page and "修改档案" in page


def test_withdraw_and_exit_need_reasons(pages, make_file, chair):
    draft = make_file()
    client = logged_in(chair)
    url = f"/aid/staff/files/{draft.number}/"
    assert "请填写撤回原因" in client.post(url, {"action": "withdraw", "withdraw_reason": ""}).content.decode()
    client.post(url, {"action": "withdraw", "withdraw_reason": "职工已调离"})
    draft.refresh_from_db()
    assert draft.status == FileStatus.WITHDRAWN


def test_yearly_review_and_exit(pages, make_file, chair, county_staff):
    file = file_svc.file_approve(actor=county_staff, file=to_review(make_file(), chair))
    client = logged_in(chair)
    url = f"/aid/staff/files/{file.number}/"
    form = client.get(f"{url}reassess/").content.decode()
    assert "年度复核" in form and file.household.first().id_number not in form
    people = list(file.household.all())
    data = {
        "union": str(file.union_id), "name": file.name, "causes": ["illness"], "unavoidable_spending": "0",
        "bank_name": file.bank_name, "bank_account": file.bank_account_masked,
        "m_ref": [str(p.pk) for p in people], "m_relation": [p.relation for p in people],
        "m_name": [p.name for p in people], "m_id_number": [p.id_number_masked for p in people],
        "m_annual_income": ["120000", "60000", "0"], "m_health": ["", "", ""], "m_schooling": ["", "", ""],
        "m_work": ["", "", ""],
    }
    response = client.post(f"{url}reassess/", {**data, "m_annual_income": ["-1", "0", "0"]})
    assert response.status_code == 422 and "年收入不能为负数" in response.content.decode()
    response = client.post(f"{url}reassess/", data, follow=True)
    assert "已不符合建档条件" in response.content.decode()
    file.refresh_from_db()
    assert file.review_due and file.category == "none"
    assert "请填写脱困原因" in client.post(url, {"action": "exit", "exit_reason": ""}).content.decode()
    client.post(url, {"action": "exit", "exit_reason": "夫妻均已稳定就业"})
    file.refresh_from_db()
    assert file.status == FileStatus.EXITED and not file.household.filter(holding=True).exists()


def test_reveal_is_for_the_chair_and_audited(pages, make_file, chair, officer, county_staff):
    file = make_file()
    number = file.household.get(relation="self").id_number
    url = f"/aid/staff/files/{file.number}/"
    assert "查看完整身份证号" in logged_in(chair).get(url).content.decode()
    assert "查看完整身份证号" not in logged_in(officer).get(url).content.decode()
    body = logged_in(chair).post(f"{url}reveal/").content.decode()
    assert number in body and "6222020200112233445" in body
    assert AuditLog.objects.filter(action="aid.reveal", object_id=str(file.pk)).count() == 1
    assert logged_in(officer).post(f"{url}reveal/").status_code == 403
    assert logged_in(county_staff).post(f"{url}reveal/").status_code == 403
    assert logged_in(chair).get(f"{url}reveal/").status_code == 405


# ---- Campaigns -------------------------------------------------------------------------------------------------


def campaign_post(tree, **overrides):
    data = {"union": str(tree.city.pk), "kind": "relief", "name": "2027年元旦春节送温暖", "year": "2026",
            "starts_on": "2026-11-01", "ends_on": "2027-01-31", "budget": "100000", "review_levels": ["4", "3"],
            "standard_amount": "1000", "groups": ["hardship", "frontline"]}
    data.update(overrides)
    return data


def test_city_staff_create_a_relief_campaign(pages, city_staff, chair, nanjing_staff):
    response = logged_in(city_staff).post("/aid/staff/campaigns/new/", campaign_post(pages))
    campaign = Campaign.objects.get()
    assert response.status_code == 302 and response["Location"] == f"/aid/staff/campaigns/{campaign.pk}/"
    assert (campaign.review_levels, campaign.groups, campaign.standard_amount) == (
        [4, 3], ["hardship", "frontline"], Decimal("1000"))
    listing = logged_in(chair).get("/aid/staff/campaigns/").content.decode()  # run above the chair's union
    assert "2027年元旦春节送温暖" in listing and "新建活动" not in listing
    assert logged_in(chair).get("/aid/staff/campaigns/new/").status_code == 403
    assert logged_in(nanjing_staff).get(f"/aid/staff/campaigns/{campaign.pk}/").status_code == 404
    assert "2027年元旦春节送温暖" not in logged_in(nanjing_staff).get("/aid/staff/campaigns/").content.decode()


def test_the_host_edits_and_then_ends_a_campaign(pages, city_staff, chair, county_staff):
    client = logged_in(city_staff)
    client.post("/aid/staff/campaigns/new/", campaign_post(pages))
    campaign = Campaign.objects.get()
    url = f"/aid/staff/campaigns/{campaign.pk}/"
    assert "修改或结束活动" in client.get(url).content.decode()
    assert "修改或结束活动" not in logged_in(county_staff).get(url).content.decode()  # not the host's staff
    refused = client.post(url, {"action": "update", "name": "", "ends_on": "2026-10-01", "budget": "-1"})
    assert refused.status_code == 422 and {"name", "ends_on", "budget"} <= set(refused.context["errors"])
    client.post(url, {"action": "update", "name": "2027年元旦春节送温暖（追加）", "ends_on": "2027-02-28",
                      "budget": "150000", "description": "追加预算"})
    campaign.refresh_from_db()
    assert (campaign.name, campaign.ends_on.isoformat(), campaign.budget) == (
        "2027年元旦春节送温暖（追加）", "2027-02-28", Decimal("150000"))
    assert AuditLog.objects.get(action="aid.campaign_update").before["budget"] == "100000.00"
    assert logged_in(county_staff).post(url, {"action": "close"}).status_code in (403, 404)  # not the host
    campaign.refresh_from_db()
    assert campaign.status == "open"
    page = client.post(url, {"action": "close"}, follow=True).content.decode()
    campaign.refresh_from_db()
    assert campaign.status == "closed" and "活动已结束" in page and "修改或结束活动" not in page


def test_tuition_and_mutual_campaigns_take_their_own_fields(pages, city_staff):
    client = logged_in(city_staff)
    client.post("/aid/staff/campaigns/new/", campaign_post(
        pages, kind="tuition", name="2026年金秋助学", grant_bachelor_file="5000", grant_bachelor_no_file="3000",
        grant_college_file="4000", grant_college_no_file=""))
    tuition = Campaign.objects.get(kind="tuition")
    assert tuition.grant_table == {"college": {"file": 4000, "no_file": 0}, "bachelor": {"file": 5000, "no_file": 3000}}
    client.post("/aid/staff/campaigns/new/", campaign_post(
        pages, kind="mutual", name="住院医疗互助", review_levels=["3"], premium="30", deductible="1000",
        payout_ratio="0.5", annual_cap="20000"))
    mutual = Campaign.objects.get(kind="mutual")
    assert (mutual.premium, mutual.payout_ratio, mutual.annual_cap) == (Decimal(30), Decimal("0.5"), Decimal(20000))


def test_an_empty_campaign_form_names_every_missing_field_at_once(pages, city_staff):
    response = logged_in(city_staff).post("/aid/staff/campaigns/new/", {"union": str(pages.city.pk), "kind": "relief"})
    assert response.status_code == 422
    errors = response.context["errors"]
    assert errors["name"] == "请填写活动名称" and errors["starts_on"] == "请填写开始日期"
    assert {"year", "ends_on", "budget", "review_levels", "groups", "standard_amount"} <= set(errors)
    assert Campaign.objects.count() == 0


@pytest.mark.parametrize(("overrides", "message"), [
    ({"kind": "tuition", "grant_bachelor_file": "-5000"}, "助学金标准不能为负数"),
    ({"review_levels": []}, "请设置至少一个审核层级"),
    ({"budget": "-1"}, "预算不能为负数"),
    ({"ends_on": "2026-10-01"}, "截止日期不能早于开始日期"),
    ({"starts_on": "明天"}, "开始日期格式应为 年-月-日"),
    ({"kind": "mutual", "payout_ratio": "五成", "annual_cap": "20000"}, "给付比例应为 0 到 1 之间的小数"),
    ({"kind": "mutual", "payout_ratio": "1.5", "annual_cap": "20000"}, "给付比例应在 0 到 1 之间"),
    ({"union": "999999"}, "请选择主办工会"),
])
def test_campaign_form_errors_save_nothing(pages, city_staff, overrides, message):
    response = logged_in(city_staff).post("/aid/staff/campaigns/new/", campaign_post(pages, **overrides))
    assert response.status_code == 422
    assert message in response.content.decode()
    assert Campaign.objects.count() == 0


def test_a_union_officer_enrolls_members_in_a_mutual_plan(pages, mutual, chair, chair_b, person):
    from zhijia.members.services import member_create

    members = [member_create(actor=chair, union=pages.grassroots, data=person()) for _ in range(3)]
    outsider = member_create(actor=chair_b, union=pages.grassroots_b, data=person())
    url = f"/aid/staff/campaigns/{mutual.pk}/"
    client = logged_in(chair)
    page = client.get(url).content.decode()
    assert "会员参保" in page and members[2].member_no in page  # the union's members to tick
    response = client.post(url, {"action": "enroll", "member_numbers": f"{members[0].member_no}\n{outsider.member_no}"})
    assert response.status_code == 422 and outsider.member_no in response.content.decode()
    assert Enrollment.objects.count() == 0
    response = client.post(url, {"action": "enroll", "member_numbers": members[0].member_no,
                                 "member_ids": [str(members[1].pk)], "by_union": "1"}, follow=True)
    assert "新参保 2 人" in response.content.decode()
    assert set(Enrollment.objects.values_list("member_id", flat=True)) == {members[0].pk, members[1].pk}
    assert Enrollment.objects.filter(by_union=True).count() == 2
    response = client.post(url, {"action": "enroll", "member_numbers": members[0].member_no}, follow=True)
    assert "1 人此前已参保" in response.content.decode()


# ---- Payments and batches through the pages -------------------------------------------------------------------


@pytest.fixture
def approved_relief(tree, relief, chair, county_staff):
    """Three approved relief applications (grassroots, then county), each with a pending payment."""
    rng = random.Random(31)
    accounts = ["6222020200112233401", "6222020200112233402", "6222020200112233403"]
    for name, account in zip(["王大力", "刘芳", "赵强"], accounts):
        application = app_svc.application_submit(
            actor=chair, campaign=relief, union=tree.grassroots,
            data=app_svc.ApplicationIn(name=name, id_number=fake_id_number(rng, "320508"), bank_name="中国银行",
                                       bank_account=account, groups=["frontline"]), today=TODAY)
        application = app_svc.application_decide(actor=chair, application=application, decision="approve")
        app_svc.application_decide(actor=county_staff, application=application, decision="approve")
    return relief


def result_csv(rows) -> SimpleUploadedFile:
    text = "业务参考号,结果,原因,银行流水号\n" + "\n".join(",".join(row) for row in rows) + "\n"
    return SimpleUploadedFile("回盘.csv", ("\ufeff" + text).encode("utf-8"), content_type="text/csv")


def test_the_full_batch_flow_through_the_pages(pages, approved_relief, city_staff, chair, county_staff):
    campaign = approved_relief
    campaign_url = f"/aid/staff/campaigns/{campaign.pk}/"
    city = logged_in(city_staff)
    page = city.get(campaign_url).content.decode()
    assert "生成发放批次（3 笔待发放）" in page and "3000" in page
    assert "生成发放批次" not in logged_in(chair).get(campaign_url).content.decode()
    assert logged_in(chair).post(campaign_url, {"action": "batch"}).status_code == 404  # the service's answer
    assert not campaign.batches.exists()

    response = city.post(campaign_url, {"action": "batch"})
    batch = campaign.batches.get()
    assert response["Location"] == f"/aid/staff/batches/{batch.pk}/"
    batch_url = response["Location"]
    page = city.get(batch_url).content.decode()
    assert "6222***********3401" in page and "6222020200112233401" not in page
    assert "data-bank-file" not in page  # nothing for the bank before the batch is submitted
    response = city.get(f"{batch_url}bank.csv", follow=True)
    assert "请先报送批次" in response.content.decode()
    assert not AuditLog.objects.filter(action="aid.bank_export").exists()

    for outsider in (chair, county_staff):
        assert logged_in(outsider).get(batch_url).status_code == 404
        assert logged_in(outsider).get(f"{batch_url}bank.csv").status_code == 404

    city.post(batch_url, {"action": "submit"})
    batch.refresh_from_db()
    assert batch.status == BatchStatus.EXPORTED
    response = city.post(batch_url, {"action": "submit"})
    assert response.status_code == 422 and "不能重复报送" in response.content.decode()

    assert "data-bank-file" in city.get(batch_url).content.decode()
    bank = city.get(f"{batch_url}bank.csv")
    assert bank.status_code == 200 and "attachment" in bank["Content-Disposition"]
    text = bank.content.decode("utf-8-sig")
    assert "6222020200112233401" in text and "王大力" in text
    assert AuditLog.objects.filter(action="aid.bank_export", object_id=str(batch.pk)).count() == 1
    assert city.get(f"{batch_url}bank.xlsx").status_code == 200
    assert AuditLog.objects.filter(action="aid.bank_export").count() == 2
    review = city.get(f"{batch_url}review.csv").content.decode("utf-8-sig")
    assert "6222***********3401" in review and "6222020200112233401" not in review
    assert city.get(f"{batch_url}bank.pdf").status_code == 404

    first, second, third = batch.payments.order_by("id")
    upload = result_csv([[first.idempotency_key, "成功", "", "B0001"], [second.idempotency_key, "失败", "账户已销户", ""],
                         ["app:999999", "成功", "", ""]])
    response = city.post(batch_url, {"action": "results", "result_file": upload})
    body = response.content.decode()
    assert response.status_code == 200
    assert "到账 1 笔，失败 1 笔" in body and "第 4 行：找不到该批次中的这笔款项" in body
    first.refresh_from_db()
    second.refresh_from_db()
    assert (first.status, second.status, second.failure_reason) == (PaymentStatus.PAID, PaymentStatus.FAILED,
                                                                    "账户已销户")
    again = result_csv([[first.idempotency_key, "成功", "", "B0001"]])
    assert "到账 0 笔" in city.post(batch_url, {"action": "results", "result_file": again}).content.decode()
    assert LedgerEntry.objects.filter(payment=first, kind="paid").count() == 1

    response = city.post(batch_url, {"action": "record", "payment": third.pk, "result": "failed", "reason": ""})
    assert response.status_code == 422 and "请填写失败或退回原因" in response.content.decode()
    city.post(batch_url, {"action": "record", "payment": third.pk, "result": "paid", "reference": "B0003"})
    third.refresh_from_db()
    assert third.status == PaymentStatus.PAID and third.bank_reference == "B0003"

    city.post(batch_url, {"action": "retry", "payment": second.pk})
    second.refresh_from_db()
    assert (second.status, second.attempt, second.batch_id) == (PaymentStatus.PENDING, 2, None)
    batch.refresh_from_db()
    assert batch.status == BatchStatus.SETTLED
    assert "生成发放批次（1 笔待发放）" in city.get(campaign_url).content.decode()
    response = city.post(campaign_url, {"action": "batch"})
    assert Payment.objects.get(pk=second.pk).batch.number in city.get(response["Location"]).content.decode()


def test_unreadable_result_files_are_refused(pages, approved_relief, city_staff):
    from zhijia.aid.services import payments

    batch = payments.batch_submit(actor=city_staff, batch=payments.batch_create(actor=city_staff,
                                                                               campaign=approved_relief))
    url = f"/aid/staff/batches/{batch.pk}/"
    client = logged_in(city_staff)
    garbage = SimpleUploadedFile("回盘.xlsx", b"not a workbook")
    assert "无法读取结果文件" in client.post(url, {"action": "results", "result_file": garbage}).content.decode()
    wrong = SimpleUploadedFile("回盘.csv", "姓名,金额\n王大力,1000\n".encode())
    assert "业务参考号" in client.post(url, {"action": "results", "result_file": wrong}).content.decode()
    assert "请选择银行返回的结果文件" in client.post(url, {"action": "results"}).content.decode()
    assert not Payment.objects.filter(status=PaymentStatus.PAID).exists()


# ---- Admin -------------------------------------------------------------------------------------------------------


@pytest.fixture
def superuser(db):
    return User.objects.create_superuser(username="root", password="pass-for-tests-1")


def test_region_rule_extra_rules_are_validated_in_the_admin(pages, superuser):
    rule = RegionRule.objects.get(division_prefix="3205")
    url = f"/admin/aid/regionrule/{rule.pk}/change/"
    form = {"division_prefix": "3205", "name": "苏州市", "dibao_monthly": "1300", "relative_multiple": "2",
            "accident_ratio": "0.80", "approval_level": "3", "notice_days": "7"}
    client = logged_in(superuser)
    bad = '[{"name": "多子女", "category": "relative", "all": [{"measure": "pets", "op": ">", "value": 2}]}]'
    response = client.post(url, {**form, "extra_rules": bad})
    assert response.status_code == 200 and "第1条规则的条件无效" in response.content.decode()
    rule.refresh_from_db()
    assert rule.dibao_monthly == Decimal("1245")
    good = '[{"name": "多子女", "category": "relative", "all": [{"measure": "size", "op": ">=", "value": 5}]}]'
    assert client.post(url, {**form, "extra_rules": good}).status_code == 302
    rule.refresh_from_db()
    assert rule.dibao_monthly == Decimal("1300") and rule.extra_rules[0]["name"] == "多子女"
    assert AuditLog.objects.filter(action="aid.region_rule_update").exists()


def test_the_ledger_cannot_be_edited_or_deleted_in_the_admin(pages, approved_relief, superuser):
    entry = LedgerEntry.objects.first()
    client = logged_in(superuser)
    assert client.get("/admin/aid/ledgerentry/").status_code == 200
    change = client.get(f"/admin/aid/ledgerentry/{entry.pk}/change/").content.decode()
    assert 'name="_save"' not in change
    assert client.post(f"/admin/aid/ledgerentry/{entry.pk}/change/", {"note": "改"}).status_code == 403
    assert client.post(f"/admin/aid/ledgerentry/{entry.pk}/delete/", {"post": "yes"}).status_code == 403
    assert client.get("/admin/aid/ledgerentry/add/").status_code == 403
    response = client.post("/admin/aid/ledgerentry/", {"action": "delete_selected", "_selected_action": [entry.pk],
                                                        "post": "yes"})
    assert LedgerEntry.objects.filter(pk=entry.pk).exists() and response.status_code in (200, 302)


def test_admin_lists_show_no_full_personal_data(pages, make_file, approved_relief, superuser):
    file = make_file()
    client = logged_in(superuser)
    for url in ("/admin/aid/hardshipfile/", f"/admin/aid/hardshipfile/{file.pk}/change/", "/admin/aid/payment/",
                "/admin/aid/application/"):
        body = client.get(url).content.decode()
        assert "6222020200112233445" not in body and "6222020200112233401" not in body, url
        assert not any(p.id_number in body for p in file.household.all()), url
    assert client.get(f"/admin/aid/hardshipfile/{file.pk}/delete/").status_code == 403


def test_campaign_admin_keeps_committed_read_only(pages, approved_relief, city_staff, nanjing_staff):
    campaign = approved_relief
    User.objects.filter(pk__in=[city_staff.pk, nanjing_staff.pk]).update(is_staff=True)
    assert logged_in(nanjing_staff).get(f"/admin/aid/campaign/{campaign.pk}/change/").status_code == 302  # not theirs
    client = logged_in(city_staff)
    url = f"/admin/aid/campaign/{campaign.pk}/change/"
    page = client.get(url).content.decode()
    assert 'name="committed"' not in page and "3000" in page
    form = {"name": campaign.name, "status": "open", "description": "", "starts_on": "2026-11-01",
            "ends_on": "2027-01-31", "budget": "2000", "groups": '["hardship", "frontline"]',
            "standard_amount": "1000", "grant_table": "{}", "age_limits": "{}", "premium": "0", "deductible": "0",
            "payout_ratio": "0", "annual_cap": "0"}
    response = client.post(url, form)
    assert response.status_code == 200 and "预算不能少于已批准金额" in response.content.decode()
    assert client.post(url, {**form, "budget": "50000"}).status_code == 302
    campaign.refresh_from_db()
    assert (campaign.budget, campaign.committed) == (Decimal(50000), Decimal(3000))


# ---- In the browser -----------------------------------------------------------------------------------------------


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_chair_files_a_household_on_a_phone(browser_page, tree, calendar, regions, chair, people):
    from conftest import browser_login

    page = browser_page
    worker, spouse, child = people("self", 30000), people("spouse"), people("child", 0, 8, 15)
    browser_login(page, chair.username)
    page.goto(page.base_url + "/aid/staff/files/new/")
    page.fill("#f-name", "陈建国")
    page.check("input[name=causes][value=illness]")
    page.fill("#f-unavoidable_spending", "6000")
    rows = page.locator("#household-rows .member-row")
    rows.nth(0).locator("[name=m_name]").fill(worker.name)
    rows.nth(0).locator("[name=m_id_number]").fill(worker.id_number)
    rows.nth(0).locator("[name=m_annual_income]").fill("30000")
    for person, relation in ((spouse, "spouse"), (child, "child"), (None, None)):
        page.click("#add-member")
        row = rows.last
        if person is None:  # a row added by mistake is removed again
            row.locator("[data-remove-member]").click()
            continue
        row.locator("[name=m_relation]").select_option(relation)
        row.locator("[name=m_name]").fill(person.name)
        row.locator("[name=m_id_number]").fill(person.id_number)
    assert rows.count() == 3 and rows.nth(2).locator("[data-n]").inner_text() == "3"
    page.click("text=试算认定结果")
    page.wait_for_selector("#preview .notice")
    assert "试算结果：深度困难" in page.inner_text("#preview")
    assert HardshipFile.objects.count() == 0
    assert page.evaluate("document.documentElement.scrollWidth") <= 360
    with page.expect_navigation():
        page.click("#file-form button[type=submit]")
    file = HardshipFile.objects.get()
    assert file.household.count() == 3 and file.category == "deep"
    assert "结论：深度困难" in page.content()
    assert page.evaluate("document.documentElement.scrollWidth") <= 360
    page.click("text=查看完整身份证号")
    page.wait_for_selector("#pii-full dl")
    assert worker.id_number in page.inner_text("#pii-full")


def test_upper_staff_add_a_campaign_in_the_admin_through_the_service(pages, city_staff):
    User.objects.filter(pk=city_staff.pk).update(is_staff=True)
    form = {"union": str(pages.city.pk), "name": "夏送清凉", "kind": "relief", "year": "2026",
            "starts_on": "2026-07-01", "ends_on": "2026-08-31", "budget": "50000", "review_levels": "[3]",
            "groups": '["frontline"]', "standard_amount": "300", "grant_table": "{}", "age_limits": "{}",
            "premium": "0", "deductible": "0", "payout_ratio": "0", "annual_cap": "0", "description": ""}
    client = logged_in(city_staff)
    response = client.post("/admin/aid/campaign/add/", {**form, "review_levels": "[1]"})
    assert response.status_code == 200 and "审核层级不能高于主办工会" in response.content.decode()
    assert client.post("/admin/aid/campaign/add/", form).status_code == 302
    campaign = Campaign.objects.get()
    assert (campaign.union, campaign.review_levels, campaign.committed) == (pages.city, [3], Decimal(0))
    assert AuditLog.objects.filter(action="aid.campaign_create", object_id=str(campaign.pk)).exists()


def test_the_files_list_takes_the_same_queries_for_more_files(pages, make_file, poor_household, people, chair,
                                                             django_assert_max_num_queries):
    client = logged_in(chair)
    make_file()
    client.get("/aid/staff/files/")  # warm the session and caches
    with django_assert_max_num_queries(12) as few:
        client.get("/aid/staff/files/")
    for _ in range(15):
        make_file(poor_household(household=[people("self", 20000)]))
    with django_assert_max_num_queries(len(few.captured_queries)):
        client.get("/aid/staff/files/")


def test_a_campaign_reads_as_not_begun_or_closed_to_applications_by_its_dates(pages, city_staff):
    from zhijia.aid.models import Campaign as CampaignModel

    today = timezone.localdate()
    campaign = CampaignModel(status="open", starts_on=today + datetime.timedelta(days=3),
                             ends_on=today + datetime.timedelta(days=30))
    assert campaign.phase_label == "未开始"
    campaign.starts_on, campaign.ends_on = today - datetime.timedelta(days=30), today - datetime.timedelta(days=1)
    assert campaign.phase_label == "申请已截止"
    campaign.ends_on = today
    assert campaign.phase_label == "进行中"
    campaign.status = "closed"
    assert campaign.phase_label == "已结束"
