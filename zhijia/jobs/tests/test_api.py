"""The employment-help API: a worker registers, sees ranked vacancies with reasons and applies; an employer posts,
sees its applicants and records the outcome; union staff register seekers, refer them, moderate vacancies, hold a
job fair and read the priority-group report; bad input comes back as 422 naming the field, with nothing saved."""

import datetime
import json
import random

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from zhijia.accounts.models import ApiToken
from zhijia.core.generators import fake_credit_code, fake_id_number
from zhijia.core.models import AuditLog
from zhijia.jobs import services
from zhijia.jobs.models import (
    Employer,
    EmployerAccount,
    JobFair,
    Outcome,
    Referral,
    SeekerProfile,
    Vacancy,
    VacancyStatus,
)

from .conftest import TODAY

WORKER_PHONE = "13812345678"
ID_NUMBER = fake_id_number(random.Random(3), "320508")
ID_MASKED = ID_NUMBER[:6] + "********" + ID_NUMBER[-4:]


def bearer(user) -> Client:
    _, raw = ApiToken.issue(user)
    return Client(headers={"Authorization": f"Bearer {raw}"})


def send(client, method, url, body=None):
    return getattr(client, method)(url, data=json.dumps(body or {}), content_type="application/json")


def later(days: int) -> str:
    return (TODAY + datetime.timedelta(days=days)).isoformat()


def profile_body(**overrides) -> dict:
    body = {"name": "王小明", "phone": WORKER_PHONE, "occupations": ["电焊工"], "skills": ["二保焊", "看图"],
            "skills_text": "在船厂做过五年焊接", "level": 2, "expected_wage": 6500, "division_code": "320508",
            "start_date": TODAY.isoformat(), "max_distance_km": 15, "shifts": ["day"], "priority_group": "migrant"}
    body.update(overrides)
    return body


def vacancy_body(**overrides) -> dict:
    body = {"title": "招聘电焊工", "occupation": "焊工", "skills": ["二保焊", "氩弧焊"], "wage_min": 6000,
            "wage_max": 8000, "division_code": "320508", "valid_until": later(30), "shifts": ["day"], "min_level": 1,
            "headcount": 3, "benefits": "五险一金，包午餐"}
    body.update(overrides)
    return body


# ---- A worker looks for a job ---------------------------------------------------------------------------------


def test_a_worker_registers_sees_ranked_matches_with_reasons_and_applies(tree, worker, employer_user, post):
    # given: two vacancies near 姑苏区, one a welder's job and one far from the worker's skills
    welder = post()
    post(title="仓库理货员", occupation="仓库管理员", skills=["叉车"], wage_min=6500, wage_max=7000, min_level=0)
    me = bearer(worker)

    # when: the worker, who belongs to no union, registers through the 快递行业 union open to flexible workers
    response = send(me, "post", "/api/jobs/me/profile", profile_body(union_id=tree.regional.pk))

    # then: the profile is theirs, with their own phone in full
    assert response.status_code == 201, response.content
    profile = response.json()
    assert profile["union_name"] == "姑苏区快递行业工会联合会"
    assert profile["phone"] == WORKER_PHONE and profile["contact_visible"] is True
    assert profile["occupations"] == ["焊工"]
    assert profile["priority_group_label"] == "农民工"
    assert not profile["registered_by_union"]
    assert send(me, "post", "/api/jobs/me/profile", profile_body(union_id=tree.regional.pk)).status_code == 409

    # when: they ask for matches
    matches = me.get("/api/jobs/me/matches?k=5").json()

    # then: the welder's job comes first, with a score, the distance and why
    assert matches[0]["vacancy"]["id"] == welder.pk
    assert matches[0]["vacancy"]["employer_name"] == "苏州精工机械有限公司"
    assert 0 < matches[0]["score"] <= 1
    assert matches[0]["distance_km"] == 0
    assert "技能: " in matches[0]["reasons"] and "二保焊" in matches[0]["reasons"]
    assert "工资 6000–8000 可达期望" in matches[0]["reasons"]  # 6500 expected: within the range
    assert matches[0]["applied"] is False

    # when: they look at the vacancy and apply (twice: one application)
    assert me.get(f"/api/jobs/vacancies/{welder.pk}").json()["title"] == "招聘电焊工"
    assert send(me, "post", f"/api/jobs/vacancies/{welder.pk}/view").json()["kind"] == "viewed"
    first = send(me, "post", f"/api/jobs/vacancies/{welder.pk}/apply")
    again = send(me, "post", f"/api/jobs/vacancies/{welder.pk}/apply")

    # then: one application, shown on the match list and to the employer with the phone in full
    assert first.status_code == 200 and first.json()["kind_label"] == "已投递"
    assert again.json()["id"] == first.json()["id"]
    assert me.get("/api/jobs/me/matches").json()[0]["applied"] is True
    applicants = bearer(employer_user).get(f"/api/jobs/employer/vacancies/{welder.pk}/applicants").json()
    assert applicants["total"] == 1
    assert applicants["items"][0]["name"] == "王小明"
    assert applicants["items"][0]["phone"] == WORKER_PHONE
    assert applicants["items"][0]["applied"] is True


def test_a_worker_edits_their_profile_and_declines_a_vacancy_with_a_reason(tree, worker, post):
    vacancy = post()
    me = bearer(worker)
    send(me, "post", "/api/jobs/me/profile", profile_body(union_id=tree.regional.pk))

    changed = send(me, "put", "/api/jobs/me/profile", profile_body(expected_wage=9000, max_distance_km=30))
    assert changed.status_code == 200
    assert changed.json()["expected_wage"] == 9000
    assert me.get("/api/jobs/me/matches").json() == []  # 8000 at most no longer reaches 9000

    no_reason = send(me, "post", f"/api/jobs/vacancies/{vacancy.pk}/decline", {"reason": " "})
    assert no_reason.status_code == 422 and no_reason.json()["field"] == "reason"
    declined = send(me, "post", f"/api/jobs/vacancies/{vacancy.pk}/decline", {"reason": "离家太远"})
    assert declined.json()["kind"] == "declined" and declined.json()["reason"] == "离家太远"


def test_a_member_registers_through_their_own_union_by_default(tree, chair, worker, person):
    from zhijia.members.services import member_create

    member = member_create(actor=chair, union=tree.grassroots, data=person(name="王小明"))
    member.user = worker
    member.save(update_fields=["user"])

    response = send(bearer(worker), "post", "/api/jobs/me/profile", profile_body())

    assert response.status_code == 201
    assert response.json()["union_id"] == tree.grassroots.pk


@pytest.mark.parametrize("union_attr, field", [(None, "union_id"), ("county", "union_id")])
def test_a_worker_without_a_union_must_choose_one_open_to_registration(tree, worker, union_attr, field):
    body = profile_body(union_id=getattr(tree, union_attr).pk if union_attr else None)

    response = send(bearer(worker), "post", "/api/jobs/me/profile", body)

    assert response.status_code == 422
    assert response.json()["field"] == field
    assert not SeekerProfile.objects.exists()


def test_a_worker_without_a_profile_is_told_to_register(worker, post):
    me = bearer(worker)
    assert me.get("/api/jobs/me/profile").status_code == 404
    assert me.get("/api/jobs/me/matches").status_code == 404
    assert send(me, "post", f"/api/jobs/vacancies/{post().pk}/apply").status_code == 404


# ---- Employers ------------------------------------------------------------------------------------------------


def test_an_employer_posts_edits_and_lists_its_vacancies(employer, employer_user):
    hr = bearer(employer_user)

    created = send(hr, "post", "/api/jobs/employer/vacancies", vacancy_body(occupation="", title="急招数控车工"))

    assert created.status_code == 201, created.content
    vacancy = created.json()
    assert vacancy["employer_id"] == employer.pk
    assert vacancy["occupation"] == "数控操作工"
    assert vacancy["status"] == "published" and vacancy["status_label"] == "招聘中"
    assert vacancy["division_name"]

    edited = send(hr, "put", f"/api/jobs/employer/vacancies/{vacancy['id']}", vacancy_body(wage_max=9000))
    assert edited.status_code == 200 and edited.json()["wage_max"] == 9000

    listed = hr.get("/api/jobs/employer/vacancies").json()
    assert listed["total"] == 1 and listed["items"][0]["title"] == "招聘电焊工"
    assert AuditLog.objects.filter(action="jobs.vacancy_save").count() == 2


def test_an_account_acting_for_two_employers_names_the_employer(tree, county_staff, employer, employer_user):
    second = Employer.objects.create(name="苏州精工二厂", credit_code=fake_credit_code(random.Random(2), "320508"),
                                     division_code="320508", union=tree.county, province_id=tree.county.province_id)
    EmployerAccount.objects.create(user=employer_user, employer=second)
    hr = bearer(employer_user)

    unnamed = send(hr, "post", "/api/jobs/employer/vacancies", vacancy_body())
    named = send(hr, "post", "/api/jobs/employer/vacancies", vacancy_body(employer_id=second.pk))

    assert unnamed.status_code == 422 and unnamed.json()["field"] == "employer_id"
    assert named.status_code == 201 and named.json()["employer_name"] == "苏州精工二厂"


def test_an_employer_records_interview_and_hire_for_an_applicant(tree, worker, employer_user, post):
    vacancy = post()
    me = bearer(worker)
    seeker_id = send(me, "post", "/api/jobs/me/profile", profile_body(union_id=tree.regional.pk)).json()["id"]
    send(me, "post", f"/api/jobs/vacancies/{vacancy.pk}/apply")
    hr = bearer(employer_user)

    interviewed = send(hr, "post", f"/api/jobs/employer/vacancies/{vacancy.pk}/outcomes",
                       {"seeker_id": seeker_id, "kind": "interviewed"})
    hired = send(hr, "post", f"/api/jobs/employer/vacancies/{vacancy.pk}/outcomes",
                 {"seeker_id": seeker_id, "kind": "hired"})
    not_theirs = send(hr, "post", f"/api/jobs/employer/vacancies/{vacancy.pk}/outcomes",
                      {"seeker_id": seeker_id, "kind": "applied"})

    assert interviewed.status_code == 201 and hired.json()["kind_label"] == "已录用"
    assert not_theirs.status_code == 403
    item = hr.get(f"/api/jobs/employer/vacancies/{vacancy.pk}/applicants").json()["items"][0]
    assert [o["kind"] for o in item["outcomes"]] == ["applied", "interviewed", "hired"]


def test_the_applicants_page_costs_the_same_queries_for_one_applicant_or_many(tree, officer, employer_user, post,
                                                                             seeker):
    vacancy = post()
    hr = bearer(employer_user)
    url = f"/api/jobs/employer/vacancies/{vacancy.pk}/applicants"
    hr.get(url)  # the token's first use is recorded once

    def queries_with(count: int) -> int:
        for n in range(count - Referral.objects.count()):
            referred = seeker(name=f"求职者{n}", phone=f"1370000{n:04d}", contact_consent=n % 2 == 0)
            services.referral_create(actor=officer, seeker=referred, vacancy=vacancy)
        with CaptureQueriesContext(connection) as captured:
            assert hr.get(url).json()["total"] == count
        return len(captured)

    assert queries_with(1) == queries_with(6)


# ---- Union staff ----------------------------------------------------------------------------------------------


def test_an_officer_registers_a_seeker_refers_them_and_the_employer_answers(tree, officer, employer_user, post):
    vacancy = post()
    desk = bearer(officer)

    # when: the officer registers 刘师傅 on his behalf (their own union by default)
    created = send(desk, "post", "/api/jobs/seekers", profile_body(name="刘师傅", phone="13700001111",
                                                                   id_number=ID_NUMBER))

    # then: the profile is the union's, the phone and 身份证号 masked for an officer
    assert created.status_code == 201, created.content
    seeker = created.json()
    assert seeker["union_id"] == tree.grassroots.pk and seeker["registered_by_union"] is True
    assert seeker["phone"] == "137****1111" and seeker["contact_visible"] is False
    assert seeker["id_number"] == ID_MASKED
    assert seeker["can_reveal_pii"] is False
    listed = desk.get("/api/jobs/seekers?priority=migrant").json()
    assert listed["total"] == 1 and listed["items"][0]["phone"] == "137****1111"
    assert desk.get("/api/jobs/seekers?q=王").json()["total"] == 0

    # when: the officer looks at his matches and refers him
    matches = desk.get(f"/api/jobs/seekers/{seeker['id']}/matches").json()
    assert [m["vacancy"]["id"] for m in matches] == [vacancy.pk]
    referral = send(desk, "post", "/api/jobs/referrals", {"seeker_id": seeker["id"], "vacancy_id": vacancy.pk,
                                                          "note": "焊接经验丰富"})
    assert referral.status_code == 201
    assert referral.json()["status"] == "sent" and referral.json()["employer_name"] == "苏州精工机械有限公司"
    again = send(desk, "post", "/api/jobs/referrals", {"seeker_id": seeker["id"], "vacancy_id": vacancy.pk})
    assert again.status_code == 409

    # then: the employer sees him (masked: he has not applied nor agreed) and answers
    hr = bearer(employer_user)
    applicant = hr.get(f"/api/jobs/employer/vacancies/{vacancy.pk}/applicants").json()["items"][0]
    assert applicant["name"] == "刘师傅" and applicant["phone"] == "137****1111"
    assert applicant["applied"] is False and applicant["referral_status"] == "sent"
    answered = send(hr, "post", f"/api/jobs/employer/referrals/{referral.json()['id']}/respond",
                    {"status": "interview", "response": "请周一上午来面试"})
    assert answered.status_code == 200 and answered.json()["status_label"] == "安排面试"
    assert Outcome.objects.filter(kind="interviewed").count() == 1

    # and the officer follows it up
    followed = desk.get("/api/jobs/referrals").json()
    assert followed["total"] == 1 and followed["items"][0]["response"] == "请周一上午来面试"


def test_staff_edit_a_seeker_and_see_ranked_seekers_for_a_vacancy(tree, officer, county_staff, post, seeker):
    vacancy = post()
    near = seeker(name="刘师傅")
    far = seeker(name="陈师傅", division_code="320506", max_distance_km=20, phone="13700002222")
    desk = bearer(officer)

    edited = send(desk, "put", f"/api/jobs/seekers/{far.pk}", profile_body(name="陈师傅", phone="13700002222",
                                                                          division_code="320506",
                                                                          max_distance_km=20, level=3))
    assert edited.status_code == 200 and edited.json()["level_label"] == "三级/高级工"

    ranked = bearer(county_staff).get(f"/api/jobs/vacancies/{vacancy.pk}/matches").json()

    assert [m["seeker"]["id"] for m in ranked] == [near.pk, far.pk]
    assert ranked[1]["distance_km"] > 5
    assert "重点帮扶对象" in ranked[0]["reasons"]
    assert all("****" in m["seeker"]["phone"] for m in ranked)


def test_a_chair_reveals_a_seekers_contact_and_it_is_audited(chair, seeker):
    profile = seeker(id_number=ID_NUMBER)

    response = send(bearer(chair), "post", f"/api/jobs/seekers/{profile.pk}/reveal")

    assert response.status_code == 200
    assert response.json() == {"phone": "13700001111", "id_number": ID_NUMBER}
    assert response["Cache-Control"] == "no-store"
    entry = AuditLog.objects.get(action="jobs.reveal")
    assert entry.actor == chair and entry.object_id == str(profile.pk)
    detail = bearer(chair).get(f"/api/jobs/seekers/{profile.pk}").json()
    assert detail["can_reveal_pii"] is True and detail["id_number"] == ID_MASKED


def test_staff_register_an_employer_with_its_account_and_post_on_its_behalf(tree, county_staff, other_worker):
    staff = bearer(county_staff)
    code = fake_credit_code(random.Random(5), "320508", prefix="91")

    created = send(staff, "post", "/api/jobs/employers", {
        "name": "姑苏物流有限公司", "credit_code": code, "division_code": "320508", "contact_name": "周经理",
        "contact_phone": "13912345678", "account_username": other_worker.username})

    assert created.status_code == 201, created.content
    employer = created.json()
    assert employer["union_id"] == tree.county.pk and employer["contact_phone"] == "139****5678"
    assert EmployerAccount.objects.filter(user=other_worker, employer_id=employer["id"]).exists()
    assert staff.get("/api/jobs/employers?q=姑苏").json()["total"] == 1

    posted = send(staff, "post", "/api/jobs/vacancies", vacancy_body(employer_id=employer["id"], title="快递分拣员",
                                                                      occupation="快递员"))
    assert posted.status_code == 201
    assert bearer(other_worker).get("/api/jobs/employer/vacancies").json()["items"][0]["title"] == "快递分拣员"
    duplicate = send(staff, "post", "/api/jobs/employers", {"name": "又一家", "credit_code": code,
                                                             "division_code": "320508"})
    assert duplicate.status_code == 409 and duplicate.json()["field"] == "credit_code"


def test_staff_moderate_vacancies(county_staff, post):
    vacancy = post()
    staff = bearer(county_staff)

    unexplained = send(staff, "post", f"/api/jobs/vacancies/{vacancy.pk}/moderate", {"action": "reject"})
    rejected = send(staff, "post", f"/api/jobs/vacancies/{vacancy.pk}/moderate",
                    {"action": "reject", "note": "工资待遇描述不实"})

    assert unexplained.status_code == 422 and unexplained.json()["field"] == "note"
    assert rejected.status_code == 200 and rejected.json()["status_label"] == "未通过审核"
    listed = staff.get("/api/jobs/vacancies?status=rejected").json()
    assert listed["total"] == 1 and listed["items"][0]["moderation_note"] == "工资待遇描述不实"
    republished = send(staff, "post", f"/api/jobs/vacancies/{vacancy.pk}/moderate", {"action": "publish"})
    assert republished.json()["status"] == "published"


def test_a_job_fair_with_registration_and_the_days_match_list(tree, county_staff, worker, post):
    at_fair = post()
    elsewhere = post(title="电焊工（夜班）", shifts=["night"])
    staff = bearer(county_staff)
    me = bearer(worker)
    seeker_id = send(me, "post", "/api/jobs/me/profile", profile_body(union_id=tree.regional.pk)).json()["id"]

    fair = send(staff, "post", "/api/jobs/fairs", {"name": "姑苏区春风行动招聘会", "held_on": later(7),
                                                   "place": "姑苏区人力资源市场", "vacancy_ids": [at_fair.pk]})
    assert fair.status_code == 201, fair.content
    fair_id = fair.json()["id"]
    assert fair.json()["vacancy_count"] == 1

    assert me.get("/api/jobs/fairs").json()["items"][0]["name"] == "姑苏区春风行动招聘会"
    registered = send(me, "post", f"/api/jobs/fairs/{fair_id}/register")
    assert registered.status_code == 200 and registered.json()["seeker_id"] == seeker_id

    day = staff.get(f"/api/jobs/fairs/{fair_id}/matches/{seeker_id}").json()
    assert day["seeker_name"] == "王小明" and day["fair"]["registration_count"] == 1
    assert [item["vacancy"]["id"] for item in day["items"]] == [at_fair.pk]

    added = send(staff, "post", f"/api/jobs/fairs/{fair_id}/vacancies", {"vacancy_ids": [elsewhere.pk]})
    assert added.json()["vacancy_count"] == 2
    assert {item["vacancy"]["id"] for item in me.get(f"/api/jobs/fairs/{fair_id}/matches/{seeker_id}").json()[
        "items"]} == {at_fair.pk, elsewhere.pk}


def test_a_fair_with_a_closed_vacancy_is_not_saved(county_staff, post):
    closed = post()
    Vacancy.objects.filter(pk=closed.pk).update(status=VacancyStatus.CLOSED)

    response = send(bearer(county_staff), "post", "/api/jobs/fairs", {
        "name": "招聘会", "held_on": later(7), "place": "人力资源市场", "vacancy_ids": [closed.pk]})

    assert response.status_code == 422 and response.json()["field"] == "vacancy_ids"
    assert not JobFair.objects.exists()


def test_the_priority_report_counts_matched_referred_and_hired(tree, city_staff, chair_b, officer, employer_user,
                                                               post, seeker):
    # given: in 姑苏区 a referred and hired 转岗 worker and a 零就业 one; in 吴中区 a graduate
    vacancy = post()
    referred = seeker(name="刘师傅")
    seeker(name="陈大姐", priority_group="zero_employment", phone="13700002222")
    services.seeker_save(actor=chair_b, union=tree.grassroots_b, data=services.SeekerData(
        name="赵同学", phone="13700003333", occupations=["会计"], expected_wage=5000, division_code="320506",
        start_date=TODAY, priority_group="graduate"))
    referral = services.referral_create(actor=officer, seeker=referred, vacancy=vacancy)
    send(bearer(employer_user), "post", f"/api/jobs/employer/referrals/{referral.pk}/respond", {"status": "hired"})

    # when: the city looks at 姑苏区
    response = bearer(city_staff).get(f"/api/jobs/report/priority?union_id={tree.county.pk}")

    # then
    rows = {row["priority_group"]: row for row in response.json()}
    assert set(rows) == {"redeployed", "zero_employment"}
    assert rows["redeployed"] == {"priority_group": "redeployed", "label": "转岗待岗职工", "seekers": 1, "matched": 1,
                                  "referred": 1, "hired": 1}
    assert rows["zero_employment"]["seekers"] == 1 and rows["zero_employment"]["hired"] == 0
    assert {row["priority_group"] for row in bearer(city_staff).get("/api/jobs/report/priority").json()} == {
        "redeployed", "zero_employment", "graduate"}


# ---- Bad input ------------------------------------------------------------------------------------------------


@pytest.mark.parametrize("change, field", [
    ({"wage_min": 9000, "wage_max": 8000}, "wage_min"),
    ({"division_code": "329999"}, "division_code"),
    ({"valid_until": later(-1)}, "valid_until"),
    ({"wage_min": "六千"}, "wage_min"),
    ({"shifts": ["weekend"]}, "shifts"),
])
def test_a_bad_vacancy_is_refused_naming_the_field_and_nothing_is_saved(employer, employer_user, county_staff,
                                                                         change, field):
    for client, url, extra in [(bearer(employer_user), "/api/jobs/employer/vacancies", {}),
                               (bearer(county_staff), "/api/jobs/vacancies", {"employer_id": employer.pk})]:
        response = send(client, "post", url, vacancy_body(**change, **extra))

        assert response.status_code == 422, response.content
        body = response.json()
        assert body["field"] == field and body["code"] and body["message"]
    assert not Vacancy.objects.exists()
    assert not AuditLog.objects.filter(action="jobs.vacancy_save").exists()


def test_an_expired_vacancy_cannot_be_saved_by_an_edit_either(employer_user, post):
    vacancy = post()

    response = send(bearer(employer_user), "put", f"/api/jobs/employer/vacancies/{vacancy.pk}",
                    vacancy_body(valid_until=later(-3), title="改过的标题"))

    assert response.status_code == 422 and response.json()["field"] == "valid_until"
    vacancy.refresh_from_db()
    assert vacancy.title == "招聘电焊工"


@pytest.mark.parametrize("change, field", [
    ({"division_code": "329999"}, "division_code"),
    ({"phone": "1234"}, "phone"),
    ({"occupations": []}, "occupations"),
    ({"max_distance_km": 500}, "max_distance_km"),
])
def test_a_bad_seeker_profile_is_refused_naming_the_field(tree, worker, officer, change, field):
    mine = send(bearer(worker), "post", "/api/jobs/me/profile", profile_body(union_id=tree.regional.pk, **change))
    theirs = send(bearer(officer), "post", "/api/jobs/seekers", profile_body(**change))

    assert (mine.status_code, mine.json()["field"]) == (422, field)
    assert (theirs.status_code, theirs.json()["field"]) == (422, field)
    assert not SeekerProfile.objects.exists()


@pytest.mark.parametrize("change, field", [
    ({"credit_code": "91320508ABCDEFGHIJ"}, "credit_code"),
    ({"credit_code": "9132"}, "credit_code"),
    ({"division_code": "329999"}, "division_code"),
    ({"account_username": "nobody"}, "account_username"),
])
def test_a_bad_employer_is_refused_naming_the_field(county_staff, change, field):
    body = {"name": "某公司", "credit_code": fake_credit_code(random.Random(8), "320508"), "division_code": "320508"}
    body.update(change)

    response = send(bearer(county_staff), "post", "/api/jobs/employers", body)

    assert response.status_code == 422, response.content
    assert response.json()["field"] == field
    assert not Employer.objects.exists()
    assert not AuditLog.objects.filter(action="jobs.employer_create").exists()


def test_the_api_document_lists_the_jobs_endpoints_in_chinese(client):
    document = client.get("/api/openapi.json").json()
    jobs = {path: spec for path, spec in document["paths"].items() if path.startswith("/api/jobs/")}
    assert "/api/jobs/me/matches" in jobs and "/api/jobs/fairs/{fair_id}/matches/{seeker_id}" in jobs
    assert "就业帮扶" in document["info"]["description"]
    for spec in jobs.values():
        for operation in spec.values():
            assert operation["summary"] and any("\u4e00" <= ch <= "\u9fff" for ch in operation["tags"][0])
