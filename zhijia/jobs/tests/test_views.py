"""The employment-help pages: the seeker's (profile, matches, vacancy, 投递, applications), the employer account's
(vacancies, applicants, responses) and union staff's (seekers, vacancies, employers), each refusing the others."""

import datetime
import random
import re

import pytest
from django.test import Client
from django.urls import reverse

from conftest import make_user
from zhijia.core.generators import fake_credit_code
from zhijia.core.models import AuditLog
from zhijia.jobs import selectors
from zhijia.jobs.models import (
    Employer,
    EmployerAccount,
    Outcome,
    OutcomeKind,
    Referral,
    ReferralStatus,
    SeekerProfile,
    Vacancy,
    VacancyStatus,
)
from zhijia.jobs.services import EmployerData, employer_create, outcome_record, referral_create, vacancy_moderate

TODAY = datetime.date.today()


def logged_in(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def field_error(body: str, name: str) -> str | None:
    """The error shown inside the form field `name` (components/field.html), or None."""
    match = re.search(r'<div class="field has-error[^"]*">\s*<label for="f-' + name + r'">.*?</div>', body, re.DOTALL)
    if match is None:
        return None
    error = re.search(r'<p class="error" role="alert">(.*?)</p>', match.group(0), re.DOTALL)
    return error.group(1) if error else None


@pytest.fixture
def worker_member(tree, chair, worker, person):
    """王小明 (the worker persona) as a member of grassroots union A, linked to his account."""
    from zhijia.members.services import member_create

    member = member_create(actor=chair, union=tree.grassroots, data=person(name="王小明", phone="13900000001"))
    member.user = worker
    member.save(update_fields=["user"])
    return member


@pytest.fixture
def other_employer(tree, nanjing_staff):
    """南京软件 with its own account (hr2), moderated in 南京."""
    account = make_user("hr2", "南京人事")
    employer = employer_create(actor=nanjing_staff, union=tree.other_county, account_user=account, data=EmployerData(
        name="南京软件有限公司", credit_code=fake_credit_code(random.Random(2), "320102", prefix="91"),
        division_code="320102"))
    return employer, account


def profile_form(**overrides) -> dict:
    form = {"name": "王小明", "phone": "13900000001", "occupations": "电焊工", "skills": "二保焊、看图",
            "skills_text": "在机械厂做焊工五年", "level": "2", "certificates": "焊工证", "education": "3",
            "experience_years": "5", "expected_wage": "5500", "division_code": "320508", "place": "",
            "address": "", "max_distance_km": "15", "shifts": ["day"], "start_date": TODAY.isoformat(),
            "priority_group": "redeployed", "contact_consent": ""}
    form.update(overrides)
    return form


def vacancy_form(**overrides) -> dict:
    form = {"title": "招聘氩弧焊工", "occupation": "焊工", "skills": "氩弧焊、看图", "min_level": "1", "min_education": "0",
            "wage_min": "6000", "wage_max": "8000", "division_code": "320508", "place": "", "address": "工业园路1号",
            "shifts": ["day"], "headcount": "3", "benefits": "五险一金", "valid_from": TODAY.isoformat(),
            "valid_until": (TODAY + datetime.timedelta(days=30)).isoformat(), "description": ""}
    form.update(overrides)
    return form


# ---- Seeker ------------------------------------------------------------------------------------------------


def test_guest_is_asked_to_log_in(client, db):
    body = client.get(reverse("jobs:home")).content.decode()
    assert "登录后登记求职" in body


def test_worker_without_profile_is_asked_to_register(tree, worker):
    body = logged_in(worker).get(reverse("jobs:home")).content.decode()
    assert 'id="register"' in body and "登记求职信息" in body


def test_member_registers_and_sees_matches_with_reasons(tree, worker, worker_member, post):
    # given a published welding vacancy in 姑苏区 and a worker who is a member of grassroots union A
    vacancy = post()
    client = logged_in(worker)
    form = client.get(reverse("jobs:profile")).content.decode()
    assert 'value="王小明"' in form and 'value="13900000001"' in form  # prefilled from the membership
    assert '<option value="320508"' in form  # the districts of his union's city

    # when he saves his profile
    response = client.post(reverse("jobs:profile"), profile_form())

    # then his union serves him and the home page lists the vacancy with why it matched
    assert response.status_code == 302
    profile = SeekerProfile.objects.get(user=worker)
    assert profile.union == tree.grassroots and profile.registered_by is None
    assert profile.occupations == ["焊工"] and profile.skills == ["二保焊", "看图"]
    body = client.get(reverse("jobs:home")).content.decode()
    item = re.search(rf'<li data-vacancy="{vacancy.pk}">.*?</li>', body, re.DOTALL).group(0)
    assert "技能: " in item and "看图" in item and "距离 0.0 km" in item and "工资 6000–8000 符合期望" in item
    assert "查看" in item and "投递" in item


def test_home_page_queries_are_bounded(tree, worker, worker_member, post, seeker, django_assert_max_num_queries):
    for n in range(8):
        post(title=f"招聘电焊工{n}")
    client = logged_in(worker)
    client.post(reverse("jobs:profile"), profile_form())
    client.get(reverse("jobs:home"))  # the index is built once per process
    with django_assert_max_num_queries(12):
        response = client.get(reverse("jobs:home"))
    assert response.content.decode().count("<li data-vacancy=") == 8


def test_worker_who_is_no_member_is_served_by_the_local_federation(tree, worker):
    client = logged_in(worker)
    form = client.get(reverse("jobs:profile")).content.decode()
    assert 'name="division_code"' not in form  # no city known: the place is typed

    response = client.post(reverse("jobs:profile"), profile_form(division_code="", place="苏州市姑苏区"))

    assert response.status_code == 302
    profile = SeekerProfile.objects.get(user=worker)
    assert profile.division_code == "320508" and profile.union == tree.county


@pytest.mark.parametrize("overrides, field, message", [
    ({"division_code": "999999"}, "division_code", "行政区划代码不存在或已撤销"),
    ({"division_code": "", "place": "火星"}, "place", "没有找到这个地区"),
    ({"division_code": "", "place": "鼓楼区"}, "place", "有多个地区叫“鼓楼区”"),
    ({"expected_wage": "面议"}, "expected_wage", "期望月薪应为整数"),
    ({"occupations": ""}, "occupations", "请至少填写一个求职意向"),
    ({"occupations": "普工 电工 焊工 叉车司机 厨师 保安"}, "occupations", "最多填5个"),
    ({"phone": "1234"}, "phone", "手机"),
    ({"start_date": "明天"}, "start_date", "日期格式"),
])
def test_profile_errors_are_shown_beside_the_field_and_nothing_is_saved(tree, worker, worker_member, overrides,
                                                                        field, message):
    response = logged_in(worker).post(reverse("jobs:profile"), profile_form(**overrides))

    assert response.status_code == 422
    assert message in (field_error(response.content.decode(), field) or "")
    assert not SeekerProfile.objects.exists()


def test_no_union_serves_the_place(tree, worker):
    response = logged_in(worker).post(reverse("jobs:profile"), profile_form(division_code="", place="北京市东城区"))

    assert "暂无工会提供就业服务" in field_error(response.content.decode(), "place")
    assert not SeekerProfile.objects.exists()


def test_worker_updates_own_profile(tree, worker, worker_member):
    client = logged_in(worker)
    client.post(reverse("jobs:profile"), profile_form())
    response = client.post(reverse("jobs:profile"), profile_form(expected_wage="7000"))
    assert response.status_code == 302
    assert SeekerProfile.objects.get(user=worker).expected_wage == 7000
    assert SeekerProfile.objects.count() == 1


def test_vacancy_is_public_while_published(client, post, county_staff):
    vacancy = post()
    assert "招聘电焊工" in client.get(reverse("jobs:vacancy", args=[vacancy.pk])).content.decode()
    vacancy_moderate(actor=county_staff, vacancy=vacancy, action="close")
    assert client.get(reverse("jobs:vacancy", args=[vacancy.pk])).status_code == 404


def test_seeker_viewing_a_vacancy_is_recorded_once_and_shows_why_it_fits(tree, worker, worker_member, post):
    vacancy = post()
    client = logged_in(worker)
    client.post(reverse("jobs:profile"), profile_form())
    first = client.get(reverse("jobs:vacancy", args=[vacancy.pk])).content.decode()
    client.get(reverse("jobs:vacancy", args=[vacancy.pk]))
    assert Outcome.objects.filter(vacancy=vacancy, kind=OutcomeKind.VIEWED).count() == 1
    assert 'id="fit"' in first and "符合期望" in first


def test_apply_records_one_application_and_shows_it(tree, worker, worker_member, post):
    vacancy = post()
    client = logged_in(worker)
    client.post(reverse("jobs:profile"), profile_form())

    client.post(reverse("jobs:apply", args=[vacancy.pk]))
    client.post(reverse("jobs:apply", args=[vacancy.pk]))

    assert Outcome.objects.filter(vacancy=vacancy, kind=OutcomeKind.APPLIED).count() == 1
    assert "已投递" in client.get(reverse("jobs:vacancy", args=[vacancy.pk])).content.decode()
    applications = client.get(reverse("jobs:applications")).content.decode()
    assert f'data-vacancy="{vacancy.pk}"' in applications and "已投递" in applications


def test_apply_without_profile_goes_to_the_profile_form(tree, worker, post):
    vacancy = post()
    response = logged_in(worker).post(reverse("jobs:apply", args=[vacancy.pk]))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("jobs:profile") + "?next=")
    assert not Outcome.objects.exists()


def test_seeker_sees_the_referral_the_union_made(tree, worker, worker_member, post, chair):
    vacancy = post()
    client = logged_in(worker)
    client.post(reverse("jobs:profile"), profile_form())
    referral_create(actor=chair, seeker=SeekerProfile.objects.get(user=worker), vacancy=vacancy)
    body = client.get(reverse("jobs:applications")).content.decode()
    assert "向单位推荐了您" in body and tree.grassroots.name in body


# ---- Employer account --------------------------------------------------------------------------------------


def test_employer_home_lists_own_vacancies_with_applicant_counts(employer_user, post, seeker, officer,
                                                                 other_employer):
    vacancy = post()
    outcome_record(actor=officer, seeker=seeker(), vacancy=vacancy, kind=OutcomeKind.APPLIED)
    body = logged_in(employer_user).get(reverse("jobs:employer_home")).content.decode()
    assert f'data-vacancy="{vacancy.pk}"' in body and 'data-applicants="1"' in body
    assert "南京软件" not in body


@pytest.mark.parametrize("name", ["employer_home", "employer_vacancy_new"])
def test_worker_cannot_open_employer_pages(tree, worker, name):
    assert logged_in(worker).get(reverse(f"jobs:{name}")).status_code == 403


def test_employer_cannot_open_another_employers_vacancy(post, other_employer):
    vacancy = post()
    _, account = other_employer
    client = logged_in(account)
    assert client.get(reverse("jobs:employer_vacancy", args=[vacancy.pk])).status_code == 404
    assert client.get(reverse("jobs:employer_vacancy_edit", args=[vacancy.pk])).status_code == 404
    assert client.post(reverse("jobs:employer_vacancy", args=[vacancy.pk]),
                       {"seeker_id": "1", "action": "hire"}).status_code == 404


def test_referred_seeker_phone_is_masked_until_they_apply(employer_user, post, seeker, officer):
    vacancy = post()
    referred = seeker()
    referral_create(actor=officer, seeker=referred, vacancy=vacancy)
    client = logged_in(employer_user)
    url = reverse("jobs:employer_vacancy", args=[vacancy.pk])

    body = client.get(url).content.decode()
    assert "137****1111" in body and "13700001111" not in body

    outcome_record(actor=officer, seeker=referred, vacancy=vacancy, kind=OutcomeKind.APPLIED)
    assert "13700001111" in client.get(url).content.decode()


def test_referred_seeker_who_agreed_shows_the_phone(employer_user, post, seeker, officer):
    vacancy = post()
    referral_create(actor=officer, seeker=seeker(contact_consent=True), vacancy=vacancy)
    body = logged_in(employer_user).get(reverse("jobs:employer_vacancy", args=[vacancy.pk])).content.decode()
    assert "13700001111" in body


def test_employer_sees_only_who_applied_or_was_referred(employer_user, post, seeker):
    vacancy = post()
    seeker(name="张未投")  # matches, but neither applied nor referred
    body = logged_in(employer_user).get(reverse("jobs:employer_vacancy", args=[vacancy.pk])).content.decode()
    assert "张未投" not in body


def test_employer_declines_only_with_a_reason_and_hires(employer_user, post, seeker, officer):
    vacancy = post()
    applicant = seeker()
    outcome_record(actor=officer, seeker=applicant, vacancy=vacancy, kind=OutcomeKind.APPLIED)
    client = logged_in(employer_user)
    url = reverse("jobs:employer_vacancy", args=[vacancy.pk])

    refused = client.post(url, {"seeker_id": applicant.pk, "action": "decline", "reason": ""})
    assert refused.status_code == 422 and "请填写原因" in refused.content.decode()
    assert not Outcome.objects.filter(kind=OutcomeKind.DECLINED).exists()

    assert client.post(url, {"seeker_id": applicant.pk, "action": "interview"}).status_code == 302
    assert client.post(url, {"seeker_id": applicant.pk, "action": "hire"}).status_code == 302
    assert list(Outcome.objects.filter(seeker=applicant).values_list("kind", flat=True)) == [
        OutcomeKind.APPLIED, OutcomeKind.INTERVIEWED, OutcomeKind.HIRED]


def test_employer_answers_a_referral(employer_user, post, seeker, officer):
    vacancy = post()
    referred = seeker()
    referral = referral_create(actor=officer, seeker=referred, vacancy=vacancy)
    client = logged_in(employer_user)
    response = client.post(reverse("jobs:employer_vacancy", args=[vacancy.pk]),
                           {"seeker_id": referred.pk, "action": "decline", "reason": "已招满"})
    assert response.status_code == 302
    referral.refresh_from_db()
    assert referral.status == ReferralStatus.DECLINED and referral.response == "已招满"


def test_employer_cannot_answer_for_a_seeker_who_never_applied(employer_user, post, seeker):
    vacancy = post()
    stranger = seeker()
    response = logged_in(employer_user).post(reverse("jobs:employer_vacancy", args=[vacancy.pk]),
                                             {"seeker_id": stranger.pk, "action": "hire"})
    assert response.status_code == 404
    assert not Outcome.objects.exists()


def test_employer_posts_and_edits_a_vacancy(employer, employer_user):
    client = logged_in(employer_user)
    form = client.get(reverse("jobs:employer_vacancy_new")).content.decode()
    assert employer.name in form

    response = client.post(reverse("jobs:employer_vacancy_new"), vacancy_form(employer_id=employer.pk))

    vacancy = Vacancy.objects.get()
    assert response["Location"] == reverse("jobs:employer_vacancy", args=[vacancy.pk])
    assert vacancy.status == VacancyStatus.PUBLISHED and vacancy.skills == ["氩弧焊", "看图"]
    response = client.post(reverse("jobs:employer_vacancy_edit", args=[vacancy.pk]), vacancy_form(wage_max="9000"))
    assert response.status_code == 302
    vacancy.refresh_from_db()
    assert vacancy.wage_max == 9000


@pytest.mark.parametrize("overrides, field, message", [
    ({"wage_min": "9000", "wage_max": "8000"}, "wage_min", "月薪下限不能高于上限"),
    ({"valid_until": (TODAY - datetime.timedelta(days=1)).isoformat()}, "valid_until", "岗位已过期"),
    ({"division_code": "000000"}, "division_code", "行政区划代码不存在"),
    ({"title": ""}, "title", "请填写岗位名称"),
    ({"headcount": "很多"}, "headcount", "招聘人数应为整数"),
])
def test_vacancy_form_errors_name_the_field_and_nothing_is_saved(employer, employer_user, overrides, field,
                                                                 message):
    response = logged_in(employer_user).post(reverse("jobs:employer_vacancy_new"),
                                             vacancy_form(employer_id=employer.pk, **overrides))
    assert response.status_code == 422
    assert message in (field_error(response.content.decode(), field) or "")
    assert not Vacancy.objects.exists()


# ---- Union staff -------------------------------------------------------------------------------------------

STAFF_PAGES = ["staff_seekers", "staff_seeker_new", "staff_vacancies", "staff_vacancy_new", "staff_employers",
               "staff_employer_new"]


@pytest.mark.parametrize("name", STAFF_PAGES)
def test_worker_and_employer_cannot_open_staff_pages(tree, worker, employer_user, employer, name):
    assert logged_in(worker).get(reverse(f"jobs:{name}")).status_code == 403
    assert logged_in(employer_user).get(reverse(f"jobs:{name}")).status_code == 403


def test_worker_cannot_open_staff_detail_pages_even_of_their_own_profile(tree, worker, worker_member, post):
    vacancy = post()
    client = logged_in(worker)
    client.post(reverse("jobs:profile"), profile_form())
    own = SeekerProfile.objects.get(user=worker)
    for url in (reverse("jobs:staff_seeker", args=[own.pk]), reverse("jobs:staff_seeker_edit", args=[own.pk]),
                reverse("jobs:staff_vacancy", args=[vacancy.pk]), reverse("jobs:staff_vacancy_edit", args=[vacancy.pk])):
        assert client.get(url).status_code == 403
    assert client.post(reverse("jobs:staff_seeker_reveal", args=[own.pk])).status_code == 403
    assert client.post(reverse("jobs:staff_refer"), {"seeker_id": own.pk, "vacancy_id": vacancy.pk}).status_code == 403
    assert not Referral.objects.exists()


@pytest.mark.parametrize("name", STAFF_PAGES)
def test_staff_pages_render(county_staff, employer, name):
    assert logged_in(county_staff).get(reverse(f"jobs:{name}")).status_code == 200


def test_staff_see_seekers_of_their_subtree_only(seeker, county_staff, nanjing_staff, chair_b):
    seeker(name="刘师傅")
    seeker(name="陈大姐", priority_group="")
    assert "刘师傅" in logged_in(county_staff).get(reverse("jobs:staff_seekers")).content.decode()
    for other in (nanjing_staff, chair_b):
        assert "刘师傅" not in logged_in(other).get(reverse("jobs:staff_seekers")).content.decode()
    filtered = logged_in(county_staff).get(reverse("jobs:staff_seekers") + "?priority=any").content.decode()
    assert "刘师傅" in filtered and "陈大姐" not in filtered
    named = logged_in(county_staff).get(reverse("jobs:staff_seekers") + "?q=陈").content.decode()
    assert "陈大姐" in named and "刘师傅" not in named


def test_seeker_list_masks_phones_and_pages(seeker, county_staff):
    for n in range(23):
        seeker(name=f"求职者{n:02d}")
    body = logged_in(county_staff).get(reverse("jobs:staff_seekers")).content.decode()
    assert "137****1111" in body and "13700001111" not in body
    assert body.count("<tr data-seeker=") == 20 and "第 1 / 2 页" in body


def test_seeker_of_another_subtree_is_not_found(seeker, nanjing_staff, chair_b):
    profile = seeker()
    for other in (nanjing_staff, chair_b):
        client = logged_in(other)
        assert client.get(reverse("jobs:staff_seeker", args=[profile.pk])).status_code == 404
        assert client.get(reverse("jobs:staff_seeker_edit", args=[profile.pk])).status_code == 404
        assert client.post(reverse("jobs:staff_seeker_reveal", args=[profile.pk])).status_code == 404


def test_staff_seeker_detail_ranks_vacancies_and_refers(seeker, post, county_staff, employer_user):
    profile = seeker()
    vacancy = post()
    client = logged_in(county_staff)
    body = client.get(reverse("jobs:staff_seeker", args=[profile.pk])).content.decode()
    assert "137****1111" in body and "13700001111" not in body
    item = re.search(rf'<li data-vacancy="{vacancy.pk}">.*?</li>', body, re.DOTALL).group(0)
    assert "距离 0.0 km" in item and "推荐" in item

    response = client.post(reverse("jobs:staff_refer"), {"seeker_id": profile.pk, "vacancy_id": vacancy.pk,
                                                         "next": reverse("jobs:staff_seeker", args=[profile.pk])})

    assert response["Location"] == reverse("jobs:staff_seeker", args=[profile.pk])
    referral = Referral.objects.get()
    assert referral.seeker == profile and referral.referred_by == county_staff
    assert "已推荐" in client.get(reverse("jobs:staff_seeker", args=[profile.pk])).content.decode()


def test_refer_a_seeker_of_another_subtree_is_not_found(seeker, post, nanjing_staff):
    response = logged_in(nanjing_staff).post(reverse("jobs:staff_refer"),
                                             {"seeker_id": seeker().pk, "vacancy_id": post().pk})
    assert response.status_code == 404
    assert not Referral.objects.exists()


def test_reveal_is_audited_and_refused_to_officers(seeker, chair, officer):
    profile = seeker()
    assert "查看完整" not in logged_in(officer).get(reverse("jobs:staff_seeker", args=[profile.pk])).content.decode()
    assert logged_in(officer).post(reverse("jobs:staff_seeker_reveal", args=[profile.pk])).status_code == 403

    response = logged_in(chair).post(reverse("jobs:staff_seeker_reveal", args=[profile.pk]))

    assert "13700001111" in response.content.decode()
    entry = AuditLog.objects.get(action="jobs.reveal")
    assert entry.actor == chair and entry.object_id == str(profile.pk)


def test_staff_register_a_seeker_for_a_union_of_theirs(tree, county_staff):
    client = logged_in(county_staff)
    form = client.get(reverse("jobs:staff_seeker_new")).content.decode()
    assert tree.grassroots.name in form and tree.grassroots_c.name not in form

    refused = client.post(reverse("jobs:staff_seeker_new"),
                          profile_form(union_id=tree.grassroots_c.pk, name="周师傅", phone="13600002222"))
    assert refused.status_code == 422 and field_error(refused.content.decode(), "union_id") == "请选择服务工会"
    assert not SeekerProfile.objects.exists()

    response = client.post(reverse("jobs:staff_seeker_new"),
                           profile_form(union_id=tree.grassroots.pk, name="周师傅", phone="13600002222"))

    profile = SeekerProfile.objects.get()
    assert response["Location"] == reverse("jobs:staff_seeker", args=[profile.pk])
    assert profile.union == tree.grassroots and profile.registered_by == county_staff and profile.user is None


def test_staff_edit_keeps_the_masked_phone(seeker, officer):
    profile = seeker()
    client = logged_in(officer)
    form = client.get(reverse("jobs:staff_seeker_edit", args=[profile.pk])).content.decode()
    assert 'value="137****1111"' in form  # an officer may not see it in full
    response = client.post(reverse("jobs:staff_seeker_edit", args=[profile.pk]),
                           profile_form(name="刘师傅", phone="137****1111", expected_wage="7200"))
    assert response.status_code == 302
    profile.refresh_from_db()
    assert profile.phone == "13700001111" and profile.expected_wage == 7200


def test_staff_wage_error_on_behalf_is_beside_the_field(tree, county_staff):
    response = logged_in(county_staff).post(reverse("jobs:staff_seeker_new"),
                                            profile_form(union_id=tree.grassroots.pk, expected_wage="0"))
    assert "期望月薪应在" in field_error(response.content.decode(), "expected_wage")
    assert not SeekerProfile.objects.exists()


def test_staff_vacancies_of_their_subtree_and_moderation(post, county_staff, nanjing_staff):
    vacancy = post()
    client = logged_in(county_staff)
    assert f'data-vacancy="{vacancy.pk}"' in client.get(reverse("jobs:staff_vacancies")).content.decode()
    assert f'data-vacancy="{vacancy.pk}"' not in logged_in(nanjing_staff).get(
        reverse("jobs:staff_vacancies")).content.decode()
    assert logged_in(nanjing_staff).get(reverse("jobs:staff_vacancy", args=[vacancy.pk])).status_code == 404
    url = reverse("jobs:staff_vacancy", args=[vacancy.pk])

    refused = client.post(url, {"action": "reject", "note": ""})
    assert refused.status_code == 422 and "请填写不通过的原因" in field_error(refused.content.decode(), "note")
    vacancy.refresh_from_db()
    assert vacancy.status == VacancyStatus.PUBLISHED

    assert client.post(url, {"action": "reject", "note": "工资低于最低工资标准"}).status_code == 302
    vacancy.refresh_from_db()
    assert vacancy.status == VacancyStatus.REJECTED and vacancy.moderation_note == "工资低于最低工资标准"
    assert client.post(url, {"action": "publish"}).status_code == 302
    vacancy.refresh_from_db()
    assert vacancy.status == VacancyStatus.PUBLISHED


def test_staff_vacancy_ranks_only_seekers_of_their_subtree(tree, post, seeker, chair, chair_b, county_staff):
    from zhijia.jobs.services import SeekerData, seeker_save

    # given a vacancy moderated by 姑苏区, a seeker of its grassroots union A and one of 吴中区's union B nearby
    vacancy = post()
    ours = seeker(name="刘师傅")
    theirs = seeker_save(actor=chair_b, union=tree.grassroots_b, data=SeekerData(
        name="吴师傅", phone="13700002222", occupations=["焊工"], skills=["二保焊"], level=2, expected_wage=6000,
        division_code="320508", start_date=TODAY, max_distance_km=20))

    assert theirs.pk in {m.seeker.pk for m in selectors.matches_for_vacancy(vacancy=vacancy)}  # it does match

    body = logged_in(county_staff).get(reverse("jobs:staff_vacancy", args=[vacancy.pk])).content.decode()

    ranked = re.search(r'<section class="card" id="ranked">.*?</section>', body, re.DOTALL).group(0)
    assert f'data-seeker="{ours.pk}"' in ranked and f'data-seeker="{theirs.pk}"' not in ranked
    assert "吴师傅" not in body
    # the grassroots chair does not moderate the county's vacancies
    assert logged_in(chair).get(reverse("jobs:staff_vacancy", args=[vacancy.pk])).status_code == 404


def test_staff_post_on_behalf_of_an_employer(employer, county_staff):
    client = logged_in(county_staff)
    form = client.get(reverse("jobs:staff_vacancy_new") + f"?employer={employer.pk}").content.decode()
    assert employer.name in form
    response = client.post(reverse("jobs:staff_vacancy_new"), vacancy_form(employer_id=employer.pk))
    vacancy = Vacancy.objects.get()
    assert response["Location"] == reverse("jobs:staff_vacancy", args=[vacancy.pk])
    assert vacancy.employer == employer and vacancy.created_by == county_staff


def test_staff_cannot_post_for_an_employer_of_another_subtree(employer, nanjing_staff):
    response = logged_in(nanjing_staff).post(reverse("jobs:staff_vacancy_new"), vacancy_form(employer_id=employer.pk))
    assert response.status_code == 422 and "请选择用人单位" in response.content.decode()
    assert not Vacancy.objects.exists()


def test_staff_register_an_employer_with_an_account(tree, county_staff):
    account = make_user("hr3", "吴人事")
    client = logged_in(county_staff)
    form = {"union_id": tree.county.pk, "name": "姑苏电子有限公司", "division_code": "320508", "place": "",
            "credit_code": fake_credit_code(random.Random(3), "320508", prefix="91"), "address": "",
            "contact_name": "吴经理", "contact_phone": "13912345678", "account": "nobody"}

    unknown = client.post(reverse("jobs:staff_employer_new"), form)
    assert "没有找到这个账号" in field_error(unknown.content.decode(), "account")
    bad_code = client.post(reverse("jobs:staff_employer_new"), {**form, "account": "", "credit_code": "91320508ABC"})
    assert bad_code.status_code == 422 and field_error(bad_code.content.decode(), "credit_code")
    outside = client.post(reverse("jobs:staff_employer_new"), {**form, "account": "", "union_id": tree.grassroots_c.pk})
    assert outside.status_code == 422 and field_error(outside.content.decode(), "union_id") == "请选择联系工会"
    assert not Employer.objects.exists()

    response = client.post(reverse("jobs:staff_employer_new"), {**form, "account": "hr3"})

    employer = Employer.objects.get()
    assert response.status_code == 302 and employer.union == tree.county
    assert EmployerAccount.objects.filter(user=account, employer=employer).exists()
    listed = client.get(reverse("jobs:staff_employers")).content.decode()
    assert f'data-employer="{employer.pk}"' in listed


def test_staff_employer_list_is_scoped(employer, other_employer, county_staff):
    body = logged_in(county_staff).get(reverse("jobs:staff_employers")).content.decode()
    assert employer.name in body and "南京软件" not in body


def test_staff_home_and_home_page_link_the_jobs_area(client, county_staff):
    assert reverse("jobs:staff_seekers") in logged_in(county_staff).get(reverse("members:staff_home")).content.decode()
    home = client.get("/").content.decode()
    area = re.search(r'<[^>]*data-area="jobs".*?</(a|div|li)>', home, re.DOTALL).group(0)
    assert "建设中" not in area


def test_an_employer_account_finds_its_vacancies_from_the_header(employer, employer_user, worker):
    client = Client()
    client.force_login(employer_user)
    assert '<a href="/jobs/employer/">招聘管理</a>' in client.get("/").content.decode()
    client.force_login(worker)
    assert "招聘管理" not in client.get("/").content.decode()
