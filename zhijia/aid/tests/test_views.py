"""The hardship-aid pages: the worker's (campaigns, apply, follow, file) and the reviewer's (queue, decide, bulk)."""

import datetime
import io
import re
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.utils import timezone
from PIL import Image

from zhijia.aid.models import AidDocument, Application, ApplicationStatus, CampaignKind
from zhijia.aid.services import applications as svc
from zhijia.aid.services.applications import ApplicationIn, CampaignData, campaign_create
from zhijia.aid.services.files import file_create
from zhijia.core.models import AuditLog

ACCOUNT = "6216610200016587010"


def logged_in(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def jpeg(name="录取通知书.jpg") -> SimpleUploadedFile:
    data = io.BytesIO()
    Image.new("RGB", (4, 4)).save(data, format="JPEG")
    return SimpleUploadedFile(name, data.getvalue(), content_type="image/jpeg")


def field_error(body: str, name: str) -> str | None:
    """The error shown inside the form field `name` (components/field.html), or None."""
    match = re.search(r'<div class="field has-error[^"]*">\s*<label for="f-' + name + r'">.*?</div>', body, re.S)
    if match is None:
        return None
    error = re.search(r'<p class="error" role="alert">(.*?)</p>', match.group(0), re.S)
    return error.group(1) if error else None


@pytest.fixture
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


def _open_campaign(tree, actor, kind, union=None, **extra):
    """A campaign (of 苏州市总工会 unless told) open today: the pages apply today's date."""
    today = timezone.localdate()
    data = CampaignData(name=extra.pop("name"), kind=kind, year=today.year,
                        starts_on=today - datetime.timedelta(days=30), ends_on=today + datetime.timedelta(days=30),
                        budget=extra.pop("budget", "200000"), review_levels=extra.pop("review_levels", [4, 3]),
                        **extra)
    return campaign_create(actor=actor, union=union or tree.city, data=data)


@pytest.fixture
def tuition_now(tree, city_staff):
    return _open_campaign(tree, city_staff, CampaignKind.TUITION, name="金秋助学（在线申请）",
                          grant_table={"bachelor": {"file": 5000, "no_file": 3000},
                                       "college": {"file": 4000, "no_file": 2000}})


@pytest.fixture
def relief_now(tree, city_staff):
    return _open_campaign(tree, city_staff, CampaignKind.RELIEF, name="送温暖（在线申请）",
                          groups=["hardship", "frontline"], standard_amount="1000")


@pytest.fixture
def mutual_now(tree, city_staff):
    return _open_campaign(tree, city_staff, CampaignKind.MUTUAL, name="住院医疗互助（在线申请）", review_levels=[3],
                          premium="30", deductible="1000", payout_ratio="0.5", annual_cap="20000")


@pytest.fixture
def tuition_form(worker_member, child_id):
    def build(**overrides):
        form = {"name": "王小明", "id_number": worker_member.id_number, "child_name": "王乐乐",
                "child_id_number": child_id(), "school": "苏州大学", "level": "bachelor",
                "admission_year": str(timezone.localdate().year), "tuition": "5500", "bank_name": "中国银行",
                "bank_account": ACCOUNT, "reason": "家中老人长期住院", "documents": jpeg()}
        form.update(overrides)
        return form

    return build


@pytest.fixture
def apply_for(tree, chair, child_id):
    """The grassroots chair applies for a worker's child, today."""
    count = iter(range(1, 1000))

    def build(campaign):
        data = ApplicationIn(name=f"职工{next(count)}", id_number=child_id(30, 50), bank_name="中国银行",
                             bank_account=ACCOUNT, child_name="子女", child_id_number=child_id(), school="苏州大学",
                             level="bachelor", admission_year=timezone.localdate().year, tuition="5000")
        return svc.application_submit(actor=chair, campaign=campaign, union=tree.grassroots, data=data)

    return build


@pytest.fixture
def submitted(tuition_now, worker, worker_member, child_id, tree):
    """王小明's own tuition application, waiting at his grassroots union."""
    data = ApplicationIn(name="王小明", id_number=worker_member.id_number, bank_name="中国银行", bank_account=ACCOUNT,
                         child_name="王乐乐", child_id_number=child_id(), school="苏州大学", level="bachelor",
                         admission_year=timezone.localdate().year, tuition="5500")
    return svc.application_submit(actor=worker, applicant=worker, campaign=tuition_now, union=tree.grassroots,
                                  data=data, member=worker_member)


# ---- Worker: home ------------------------------------------------------------------------------------------


def test_a_guest_is_asked_to_log_in(tree, tuition_now):
    response = Client().get("/aid/")
    body = response.content.decode()
    assert response.status_code == 200
    assert 'href="/accounts/login/?next=/aid/"' in body
    assert tuition_now.name not in body


def test_the_home_page_links_the_aid_area(tree):
    body = Client().get("/").content.decode()
    assert re.search(r'<a class="tile live" href="/aid/" data-area="aid">', body)


def test_a_worker_without_membership_is_told_to_join(tree, tuition_now, worker):
    body = logged_in(worker).get("/aid/").content.decode()
    assert "您还不是工会会员" in body
    assert "/aid/apply/" not in body
    assert "还没有帮扶申请" in body and "您没有困难职工档案" in body


def test_a_member_with_nothing_open_sees_empty_states(worker_member, worker):
    body = logged_in(worker).get("/aid/").content.decode()
    assert "目前没有面向您的帮扶活动" in body
    assert "还没有帮扶申请" in body
    assert "您没有困难职工档案" in body


def test_a_member_sees_campaigns_open_to_their_union_and_their_applications(submitted, relief_now, worker, tree,
                                                                           nanjing_staff):
    body = logged_in(worker).get("/aid/").content.decode()
    assert f'href="/aid/apply/{relief_now.pk}/"' in body
    assert f'href="/aid/my/{submitted.number}/"' in body
    assert '<span class="badge badge-in_review">审核中</span>' in body
    # a campaign of 南京市总工会 is not offered to a member in Suzhou
    nanjing = _open_campaign(tree, nanjing_staff, CampaignKind.RELIEF, union=tree.other_city, name="南京送温暖",
                             groups=["frontline"], standard_amount="800")
    assert f"/aid/apply/{nanjing.pk}/" not in logged_in(worker).get("/aid/").content.decode()


# ---- Worker: applying --------------------------------------------------------------------------------------


def test_the_form_is_prefilled_from_the_membership(tuition_now, worker, worker_member):
    body = logged_in(worker).get(f"/aid/apply/{tuition_now.pk}/").content.decode()
    assert f'value="{worker_member.id_number}"' in body and 'value="王小明"' in body
    assert 'name="child_id_number"' in body and 'name="documents"' in body
    assert '<option value="bachelor"' in body and '<option value="graduate"' not in body  # levels it funds


def test_a_worker_applies_for_tuition_with_the_admission_letter(media, tuition_now, worker, tuition_form, tree):
    client = logged_in(worker)
    response = client.post(f"/aid/apply/{tuition_now.pk}/", tuition_form())
    assert response.status_code == 302
    application = Application.objects.get()
    assert response["Location"] == f"/aid/my/{application.number}/"
    assert application.applicant == worker and application.reviewing_union == tree.grassroots
    assert application.amount == Decimal(3000)
    assert AidDocument.objects.get(application=application).content_type == "image/jpeg"
    body = client.get(response["Location"]).content.decode()
    assert "审核中" in body and "等待苏州精工机械有限公司工会审核" in body
    assert "3000.00 元" in body and "本科、非在档职工家庭" in body
    assert "苏州精工机械有限公司工会 → 姑苏区总工会" in body


def test_a_wrong_child_id_is_shown_beside_the_field_and_nothing_is_saved(media, tuition_now, worker, tuition_form):
    response = logged_in(worker).post(f"/aid/apply/{tuition_now.pk}/",
                                      tuition_form(child_id_number="32050820100101123X"))
    assert response.status_code == 422
    assert "身份证号" in field_error(response.content.decode(), "child_id_number")
    assert not Application.objects.exists() and not AidDocument.objects.exists()


def test_an_empty_application_names_every_missing_field_at_once(media, tuition_now, worker, tuition_form):
    form = tuition_form(child_name="", child_id_number="", school="", bank_account="")
    response = logged_in(worker).post(f"/aid/apply/{tuition_now.pk}/", form)
    assert response.status_code == 422
    body = response.content.decode()
    for field in ("child_name", "child_id_number", "school", "bank_account"):
        assert field_error(body, field), field
    assert not Application.objects.exists() and not AidDocument.objects.exists()


def test_the_admission_year_must_be_this_years(media, tuition_now, worker, tuition_form):
    response = logged_in(worker).post(f"/aid/apply/{tuition_now.pk}/", tuition_form(admission_year="2019"))
    assert response.status_code == 422
    assert f"入学年份应为 {tuition_now.year} 年" == field_error(response.content.decode(), "admission_year")
    assert not Application.objects.exists()


def test_tuition_needs_the_admission_letter(media, tuition_now, worker, tuition_form):
    form = tuition_form()
    del form["documents"]
    response = logged_in(worker).post(f"/aid/apply/{tuition_now.pk}/", form)
    assert response.status_code == 422
    assert "录取通知书" in field_error(response.content.decode(), "documents")
    assert not Application.objects.exists()


def test_a_renamed_program_is_not_accepted_as_a_document(media, tuition_now, worker, tuition_form):
    fake = SimpleUploadedFile("通知书.pdf", b"MZ\x90\x00 not a pdf")
    response = logged_in(worker).post(f"/aid/apply/{tuition_now.pk}/", tuition_form(documents=fake))
    assert response.status_code == 422
    assert "不是图片或PDF文件" in field_error(response.content.decode(), "documents")
    assert not Application.objects.exists() and not AidDocument.objects.exists()


def test_relief_asks_which_group_and_cannot_be_claimed_as_on_file(media, relief_now, worker, worker_member):
    client = logged_in(worker)
    body = client.get(f"/aid/apply/{relief_now.pk}/").content.decode()
    assert '<option value="frontline">一线职工</option>' in body and 'value="hardship"' not in body
    form = {"name": "王小明", "id_number": worker_member.id_number, "bank_name": "中国银行", "bank_account": ACCOUNT,
            "reason": "一线岗位，家庭困难"}
    # 在档困难职工 comes from the file, so claiming it is ignored and he is not eligible
    response = client.post(f"/aid/apply/{relief_now.pk}/", {**form, "groups": "hardship"})
    assert response.status_code == 422
    assert "一线职工" in field_error(response.content.decode(), "groups")
    assert not Application.objects.exists()
    response = client.post(f"/aid/apply/{relief_now.pk}/", {**form, "groups": "frontline"})
    assert response.status_code == 302
    assert Application.objects.get().amount == Decimal(1000)


def test_a_claim_needs_enrollment_then_is_computed(media, mutual_now, worker, worker_member, chair):
    client = logged_in(worker)
    form = {"name": "王小明", "id_number": worker_member.id_number, "hospital": "苏州大学附属第一医院",
            "bill_number": "ZY2026001", "total": "20000", "insurance_paid": "12000", "self_paid": "8000",
            "bank_name": "中国银行", "bank_account": ACCOUNT, "documents": jpeg("住院发票.jpg")}
    response = client.post(f"/aid/apply/{mutual_now.pk}/", form)
    assert response.status_code == 422
    assert "未参加本期医疗互助保障" in response.content.decode()
    assert not Application.objects.exists()

    svc.enrollment_create(actor=chair, plan=mutual_now, members=[worker_member])
    response = client.post(f"/aid/apply/{mutual_now.pk}/", {**form, "documents": jpeg("住院发票.jpg")})
    assert response.status_code == 302
    application = Application.objects.get()
    assert application.amount == Decimal("3500.00")  # (8000 − 1000) × 0.5
    assert "（个人自付 8000.00 − 起付线 1000.00）× 0.50 = 3500.00 元" in client.get(response["Location"]).content.decode()


def test_a_campaign_not_open_to_the_worker_is_404(tuition_now, worker):
    assert logged_in(worker).get(f"/aid/apply/{tuition_now.pk}/").status_code == 404  # not a member
    assert logged_in(worker).get("/aid/apply/999999/").status_code == 404


# ---- Worker: following -------------------------------------------------------------------------------------


def test_a_worker_cannot_see_anothers_application(submitted, other_worker, chair):
    assert logged_in(other_worker).get(f"/aid/my/{submitted.number}/").status_code == 404
    # the union's chair reviews it on the review page, not as "mine"
    assert logged_in(chair).get(f"/aid/my/{submitted.number}/").status_code == 404


def test_the_worker_sees_steps_by_union_never_the_reviewers_name(submitted, worker, chair, county_staff):
    application = svc.application_decide(actor=chair, application=submitted, decision="approve")
    svc.application_decide(actor=county_staff, application=application, decision="approve")
    body = logged_in(worker).get(f"/aid/my/{submitted.number}/").content.decode()
    assert "已批准" in body and "3000.00 元" in body
    assert "苏州精工机械有限公司工会</strong>：同意" in body and "姑苏区总工会</strong>：同意" in body
    assert "张主席" not in body and "钱科员" not in body
    assert 'id="payment"' in body and "待发放" in body
    assert 'id="withdraw"' not in body and 'id="resubmit"' not in body


def test_a_returned_application_is_resubmitted_with_more_documents(media, submitted, worker, chair, tree):
    svc.application_decide(actor=chair, application=submitted, decision="return", reason="请补充学费缴费通知")
    client = logged_in(worker)
    body = client.get(f"/aid/my/{submitted.number}/").content.decode()
    assert "请补充学费缴费通知" in body and 'id="resubmit"' in body
    response = client.post(f"/aid/my/{submitted.number}/", {"action": "resubmit", "reason": "已补充缴费通知",
                                                            "documents": jpeg("缴费通知.jpg")})
    assert response.status_code == 302
    submitted.refresh_from_db()
    assert submitted.status == ApplicationStatus.IN_REVIEW and submitted.reviewing_union == tree.grassroots
    assert submitted.documents.count() == 1


def test_the_worker_withdraws(submitted, worker):
    response = logged_in(worker).post(f"/aid/my/{submitted.number}/", {"action": "withdraw"})
    assert response.status_code == 302
    submitted.refresh_from_db()
    assert submitted.status == ApplicationStatus.WITHDRAWN


def test_documents_are_for_the_applicant_and_the_unions_only(media, tuition_now, worker, tuition_form, other_worker,
                                                             chair, chair_b, county_staff, nanjing_staff):
    logged_in(worker).post(f"/aid/apply/{tuition_now.pk}/", tuition_form())
    document = AidDocument.objects.get()
    url = f"/aid/documents/{document.application.number}/{document.pk}/"
    assert logged_in(worker).get(url).status_code == 200
    assert logged_in(chair).get(url).status_code == 200
    assert logged_in(county_staff).get(url).status_code == 200
    for outsider in (other_worker, chair_b, nanjing_staff):
        assert logged_in(outsider).get(url).status_code == 404
    assert Client().get(url).status_code == 302  # to the login page


def test_the_worker_reads_their_own_file_only(tree, chair, worker, worker_member, other_worker, poor_household,
                                              regions):
    data = poor_household()
    data.household[0].id_number = worker_member.id_number
    file = file_create(actor=chair, union=tree.grassroots, data=data, member=worker_member, applicant=worker)
    body = logged_in(worker).get(f"/aid/files/{file.number}/").content.decode()
    assert "草稿" in body and file.get_category_display() in body
    for reason in file.eligibility["reasons"]:
        assert reason in body
    assert "建档" in body
    assert f'href="/aid/files/{file.number}/"' in logged_in(worker).get("/aid/").content.decode()
    assert logged_in(other_worker).get(f"/aid/files/{file.number}/").status_code == 404
    assert logged_in(chair).get(f"/aid/files/{file.number}/").status_code == 404


# ---- Reviewers ---------------------------------------------------------------------------------------------


def test_the_queue_shows_what_waits_at_the_reviewers_union(submitted, chair, county_staff, chair_b, worker):
    body = logged_in(chair).get("/aid/review/").content.decode()
    assert f'href="/aid/review/{submitted.number}/"' in body
    assert f'href="/aid/review/bulk/{submitted.campaign_id}/"' in body
    # the county's queue holds what waits at the county; what still waits below is one filter away
    assert "没有待您审核的帮扶申请" in logged_in(county_staff).get("/aid/review/").content.decode()
    assert submitted.number in logged_in(county_staff).get("/aid/review/?scope=below").content.decode()
    assert "没有待您审核的帮扶申请" in logged_in(chair_b).get("/aid/review/").content.decode()
    assert logged_in(worker).get("/aid/review/").status_code == 403


def test_the_queue_filters_by_campaign_and_pages(tuition_now, relief_now, apply_for, chair, tree,
                                                 django_assert_max_num_queries):
    for _ in range(22):
        apply_for(tuition_now)
    client = logged_in(chair)
    with django_assert_max_num_queries(12):
        body = client.get("/aid/review/").content.decode()
    assert "第 1 / 2 页，共 22 条" in body
    body = client.get(f"/aid/review/?campaign={relief_now.pk}").content.decode()
    assert "没有待您审核的帮扶申请" in body


def test_review_detail_masks_personal_data_and_only_the_chair_may_reveal(submitted, chair, county_staff,
                                                                       worker_member):
    full_id = worker_member.id_number
    chair_page = logged_in(chair).get(f"/aid/review/{submitted.number}/").content.decode()
    assert full_id not in chair_page and ACCOUNT not in chair_page
    assert submitted.id_number_masked in chair_page and submitted.bank_account_masked in chair_page
    assert f'hx-post="/aid/review/{submitted.number}/reveal/"' in chair_page
    county_page = logged_in(county_staff).get(f"/aid/review/{submitted.number}/").content.decode()
    assert full_id not in county_page and "/reveal/" not in county_page

    revealed = logged_in(chair).post(f"/aid/review/{submitted.number}/reveal/").content.decode()
    assert full_id in revealed and ACCOUNT in revealed
    assert AuditLog.objects.filter(action="aid.reveal", object_id=str(submitted.pk)).count() == 1
    assert logged_in(county_staff).post(f"/aid/review/{submitted.number}/reveal/").status_code == 403
    assert AuditLog.objects.filter(action="aid.reveal").count() == 1


def test_another_subtrees_numbers_are_404(submitted, chair_b, nanjing_staff, worker):
    for user in (chair_b, nanjing_staff):
        client = logged_in(user)
        assert client.get(f"/aid/review/{submitted.number}/").status_code == 404
        assert client.post(f"/aid/review/{submitted.number}/", {"decision": "approve"}).status_code == 404
        assert client.post(f"/aid/review/{submitted.number}/reveal/").status_code == 404
    assert logged_in(worker).get(f"/aid/review/{submitted.number}/").status_code == 403  # a worker is not staff
    submitted.refresh_from_db()
    assert submitted.level_index == 0 and submitted.status == ApplicationStatus.IN_REVIEW


def test_the_chair_approves_and_the_county_decides(submitted, chair, county_staff, tree):
    response = logged_in(chair).post(f"/aid/review/{submitted.number}/",
                                     {"decision": "approve", "version": str(submitted.version)})
    assert response.status_code == 302 and response["Location"] == "/aid/review/"
    submitted.refresh_from_db()
    assert submitted.reviewing_union == tree.county
    assert submitted.number in logged_in(county_staff).get("/aid/review/").content.decode()
    response = logged_in(county_staff).post(f"/aid/review/{submitted.number}/",
                                            {"decision": "approve", "version": str(submitted.version)})
    assert response.status_code == 302
    submitted.refresh_from_db()
    assert submitted.status == ApplicationStatus.APPROVED


def test_return_and_reject_need_a_reason_shown_beside_the_field(submitted, chair):
    for decision in ("return", "reject"):
        response = logged_in(chair).post(f"/aid/review/{submitted.number}/", {"decision": decision, "reason": " "})
        assert response.status_code == 422
        assert "请填写退回或不予批准的理由" == field_error(response.content.decode(), "reason")
    submitted.refresh_from_db()
    assert submitted.status == ApplicationStatus.IN_REVIEW and submitted.decisions.count() == 1


def test_a_stale_form_is_refused_not_applied_twice(submitted, chair, officer):
    stale = str(submitted.version)
    svc.application_decide(actor=officer, application=submitted, decision="return", reason="材料不清晰")
    svc.application_resubmit(actor=officer, application=Application.objects.get(pk=submitted.pk))
    response = logged_in(chair).post(f"/aid/review/{submitted.number}/", {"decision": "approve", "version": stale})
    assert response.status_code == 422
    assert "已被他人处理" in response.content.decode()
    # once it has moved up, the chair's old form says so instead of a bare 403
    svc.application_decide(actor=officer, application=Application.objects.get(pk=submitted.pk), decision="approve")
    response = logged_in(chair).post(f"/aid/review/{submitted.number}/", {"decision": "approve"})
    assert response.status_code == 422 and "不在您的工会审核" in response.content.decode()


def test_bulk_approval_confirms_first_then_moves_them_up(tuition_now, apply_for, chair, tree):
    for _ in range(3):
        apply_for(tuition_now)
    client = logged_in(chair)
    body = client.get(f"/aid/review/bulk/{tuition_now.pk}/").content.decode()
    assert '<strong id="bulk-count">3</strong>' in body and "9000.00" in body
    assert Application.objects.filter(reviewing_union=tree.grassroots).count() == 3  # nothing done by looking
    upto = re.search(r'name="upto" value="(\d+)"', body).group(1)
    late = apply_for(tuition_now)
    response = client.post(f"/aid/review/bulk/{tuition_now.pk}/", {"upto": upto})
    assert response.status_code == 302
    assert Application.objects.filter(reviewing_union=tree.county).count() == 3
    late.refresh_from_db()
    assert late.reviewing_union == tree.grassroots  # arrived after the confirmation: not approved unseen
    assert "报上级审核 3 件" in client.get("/aid/review/").content.decode()


def test_bulk_approval_is_not_offered_for_claims(mutual_now, chair, county_staff):
    body = logged_in(county_staff).get(f"/aid/review/bulk/{mutual_now.pk}/").content.decode()
    assert "不能批量审批" in body and "确认批量同意" not in body


def test_bulk_approval_of_a_campaign_outside_the_subtree_is_404(tree, nanjing_staff, chair):
    nanjing = _open_campaign(tree, nanjing_staff, CampaignKind.RELIEF, union=tree.other_city, name="南京送温暖",
                             groups=["frontline"], standard_amount="800")
    assert logged_in(chair).get(f"/aid/review/bulk/{nanjing.pk}/").status_code == 404


def test_notification_links_lead_to_the_pages(submitted, chair, worker):
    response = logged_in(chair).get(f"/aid/staff/applications/{submitted.number}/")
    assert response.status_code == 302 and response["Location"] == f"/aid/review/{submitted.number}/"
    assert logged_in(chair).get(response["Location"]).status_code == 200
    assert logged_in(worker).get(f"/aid/my/{submitted.number}/").status_code == 200


def test_the_staff_home_links_the_review_queue(tree, chair):
    body = logged_in(chair).get("/staff/").content.decode()
    assert 'href="/aid/review/"' in body
