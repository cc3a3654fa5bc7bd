"""Who may not do what in the employment-help API. Ids from another subtree are 404 (the object might as well not
exist); an employer account sees its own vacancies and only the seekers who applied to them or were referred,
with the phone masked until the seeker applied or agreed; workers have no staff lists; grassroots roles see their
own union's seekers only."""

import datetime
import random

import pytest

from conftest import make_user
from zhijia.core.generators import fake_credit_code
from zhijia.core.models import AuditLog
from zhijia.jobs import services
from zhijia.jobs.models import Outcome, Referral, SeekerProfile, Vacancy, VacancyStatus
from zhijia.jobs.services import EmployerData, SeekerData, VacancyData

from .conftest import TODAY
from .test_api import bearer, profile_body, send, vacancy_body


def _seeker_in(actor, union, name, phone, division="320508", **extra) -> SeekerProfile:
    return services.seeker_save(actor=actor, union=union, data=SeekerData(
        name=name, phone=phone, occupations=["电焊工"], skills=["二保焊"], expected_wage=6000, division_code=division,
        start_date=TODAY, max_distance_km=30, priority_group="redeployed", **extra))


@pytest.fixture
def rival(tree, nanjing_staff):
    """Another employer in 南京 with its own account (hr2) and a published vacancy."""
    account = make_user("hr2", "南京软件人事")
    employer = services.employer_create(actor=nanjing_staff, union=tree.other_county, account_user=account,
                                        data=EmployerData(name="南京软件有限公司", division_code="320102",
                                                          credit_code=fake_credit_code(random.Random(4), "320102")))
    vacancy = services.vacancy_create(actor=account, employer=employer, data=VacancyData(
        title="软件测试", occupation="软件测试员", wage_min=7000, wage_max=9000, division_code="320102",
        valid_until=TODAY + datetime.timedelta(days=20)))
    account.vacancy = vacancy
    return account


@pytest.fixture
def nanjing_seeker(tree, nanjing_staff):
    return _seeker_in(nanjing_staff, tree.grassroots_c, "孙师傅", "13600009999", division="320102")


# ---- Another subtree's ids ------------------------------------------------------------------------------------


def test_another_subtrees_seeker_is_not_found(tree, nanjing_staff, chair_b, county_staff, seeker, post):
    profile = seeker()
    vacancy = post()
    fair = services.fair_create(actor=county_staff, union=tree.county, name="春风行动", online=True,
                                held_on=TODAY + datetime.timedelta(days=3), vacancies=[vacancy])
    for outsider in (nanjing_staff, chair_b):
        client = bearer(outsider)
        assert client.get(f"/api/jobs/seekers/{profile.pk}").status_code == 404
        assert send(client, "put", f"/api/jobs/seekers/{profile.pk}", profile_body()).status_code == 404
        assert client.get(f"/api/jobs/seekers/{profile.pk}/matches").status_code == 404
        assert send(client, "post", f"/api/jobs/seekers/{profile.pk}/reveal").status_code == 404
        refer = send(client, "post", "/api/jobs/referrals", {"seeker_id": profile.pk, "vacancy_id": vacancy.pk})
        assert (refer.status_code, refer.json()["field"]) == (404, "seeker_id")
        register = send(client, "post", f"/api/jobs/fairs/{fair.pk}/register", {"seeker_id": profile.pk})
        assert (register.status_code, register.json()["field"]) == (404, "seeker_id")
        assert client.get(f"/api/jobs/fairs/{fair.pk}/matches/{profile.pk}").status_code == 404
    profile.refresh_from_db()
    assert profile.name == "刘师傅"
    assert not Referral.objects.exists()
    assert not AuditLog.objects.filter(action="jobs.reveal").exists()
    assert not fair.registrations.exists()


def test_another_subtrees_vacancy_is_not_found(tree, nanjing_staff, chair_b, county_staff, post, seeker):
    vacancy = post()
    seeker()
    Vacancy.objects.filter(pk=vacancy.pk).update(status=VacancyStatus.CLOSED)
    for outsider in (nanjing_staff, chair_b):
        client = bearer(outsider)
        assert client.get(f"/api/jobs/vacancies/{vacancy.pk}").status_code == 404  # closed: not public
        assert client.get(f"/api/jobs/vacancies/{vacancy.pk}/matches").status_code == 404
        assert client.get(f"/api/jobs/employer/vacancies/{vacancy.pk}/applicants").status_code == 404
        assert send(client, "put", f"/api/jobs/employer/vacancies/{vacancy.pk}", vacancy_body()).status_code == 404
        moderate = send(client, "post", f"/api/jobs/vacancies/{vacancy.pk}/moderate", {"action": "publish"})
        assert moderate.status_code == 404
        assert client.get("/api/jobs/vacancies").json()["total"] == 0
    vacancy.refresh_from_db()
    assert vacancy.status == VacancyStatus.CLOSED
    # the county that moderates the employer sees it
    assert bearer(county_staff).get(f"/api/jobs/vacancies/{vacancy.pk}").status_code == 200


def test_a_published_vacancy_is_public_but_its_matches_are_not(worker, nanjing_staff, post, seeker):
    vacancy = post()
    seeker()
    assert bearer(worker).get(f"/api/jobs/vacancies/{vacancy.pk}").status_code == 200
    assert bearer(nanjing_staff).get(f"/api/jobs/vacancies/{vacancy.pk}").status_code == 200
    assert bearer(nanjing_staff).get(f"/api/jobs/vacancies/{vacancy.pk}/matches").status_code == 404
    assert bearer(worker).get(f"/api/jobs/vacancies/{vacancy.pk}/matches").status_code == 403


def test_another_subtrees_and_another_employers_referrals(tree, officer, nanjing_staff, county_staff, rival, post,
                                                          seeker):
    referral = services.referral_create(actor=officer, seeker=seeker(), vacancy=post())

    answer = send(bearer(rival), "post", f"/api/jobs/employer/referrals/{referral.pk}/respond", {"status": "hired"})
    assert answer.status_code == 404
    staff_answer = send(bearer(county_staff), "post", f"/api/jobs/employer/referrals/{referral.pk}/respond",
                        {"status": "hired"})
    assert staff_answer.status_code == 404  # only the employer answers
    referral.refresh_from_db()
    assert referral.status == "sent"

    assert bearer(nanjing_staff).get("/api/jobs/referrals").json()["total"] == 0
    assert bearer(county_staff).get("/api/jobs/referrals").json()["total"] == 1
    assert bearer(officer).get("/api/jobs/referrals").json()["total"] == 1


def test_staff_cannot_refer_their_seeker_to_a_closed_vacancy_or_another_subtrees_seeker(officer, nanjing_seeker,
                                                                                        seeker, post):
    vacancy = post()
    Vacancy.objects.filter(pk=vacancy.pk).update(status=VacancyStatus.CLOSED)
    desk = bearer(officer)

    closed = send(desk, "post", "/api/jobs/referrals", {"seeker_id": seeker().pk, "vacancy_id": vacancy.pk})
    foreign = send(desk, "post", "/api/jobs/referrals", {"seeker_id": nanjing_seeker.pk, "vacancy_id": vacancy.pk})

    assert (closed.status_code, closed.json()["field"]) == (404, "vacancy_id")
    assert (foreign.status_code, foreign.json()["field"]) == (404, "seeker_id")
    assert not Referral.objects.exists()


def test_a_fairs_organisers_see_the_day_list_of_a_registered_seeker_from_elsewhere(tree, county_staff,
                                                                                   nanjing_staff, nanjing_seeker,
                                                                                   post):
    fair = services.fair_create(actor=county_staff, union=tree.county, name="春风行动", online=True,
                                held_on=TODAY + datetime.timedelta(days=3), vacancies=[post()])
    organiser = bearer(county_staff)
    assert organiser.get(f"/api/jobs/fairs/{fair.pk}/matches/{nanjing_seeker.pk}").status_code == 404

    registered = send(bearer(nanjing_staff), "post", f"/api/jobs/fairs/{fair.pk}/register",
                      {"seeker_id": nanjing_seeker.pk})

    assert registered.status_code == 200
    day = organiser.get(f"/api/jobs/fairs/{fair.pk}/matches/{nanjing_seeker.pk}")
    assert day.status_code == 200 and day.json()["seeker_name"] == "孙*傅"  # served elsewhere: masked, as on the sheet
    assert organiser.get(f"/api/jobs/seekers/{nanjing_seeker.pk}").status_code == 404  # still not theirs


# ---- Employers ------------------------------------------------------------------------------------------------


def test_an_employer_sees_only_its_own_vacancies(employer_user, rival, post):
    mine = post()
    hr = bearer(employer_user)

    assert [v["id"] for v in hr.get("/api/jobs/employer/vacancies").json()["items"]] == [mine.pk]
    assert [v["id"] for v in bearer(rival).get("/api/jobs/employer/vacancies").json()["items"]] == [rival.vacancy.pk]
    assert hr.get(f"/api/jobs/employer/vacancies/{rival.vacancy.pk}/applicants").status_code == 404
    edit = send(hr, "put", f"/api/jobs/employer/vacancies/{rival.vacancy.pk}", vacancy_body())
    assert edit.status_code == 404
    elsewhere = send(hr, "post", "/api/jobs/employer/vacancies", vacancy_body(employer_id=rival.vacancy.employer_id))
    assert (elsewhere.status_code, elsewhere.json()["field"]) == (404, "employer_id")
    assert hr.get("/api/jobs/vacancies").status_code == 403  # the moderation list is the unions'
    assert send(hr, "post", f"/api/jobs/vacancies/{mine.pk}/moderate", {"action": "close"}).status_code == 404


def test_an_employer_never_sees_seekers_who_did_not_apply_and_were_not_referred(tree, employer_user, officer, post,
                                                                               seeker, nanjing_seeker):
    vacancy = post()
    bystander = seeker(name="陈师傅", phone="13700002222")
    referred = seeker(name="刘师傅")
    services.referral_create(actor=officer, seeker=referred, vacancy=vacancy)
    hr = bearer(employer_user)

    applicants = hr.get(f"/api/jobs/employer/vacancies/{vacancy.pk}/applicants").json()
    assert [a["id"] for a in applicants["items"]] == [referred.pk]
    for hidden in (bystander, nanjing_seeker):
        assert hr.get(f"/api/jobs/seekers/{hidden.pk}").status_code == 404
        assert send(hr, "post", f"/api/jobs/seekers/{hidden.pk}/reveal").status_code == 404
        outcome = send(hr, "post", f"/api/jobs/employer/vacancies/{vacancy.pk}/outcomes",
                       {"seeker_id": hidden.pk, "kind": "hired"})
        assert (outcome.status_code, outcome.json()["field"]) == (404, "seeker_id")
    assert hr.get(f"/api/jobs/seekers/{referred.pk}").status_code == 200
    assert send(hr, "post", f"/api/jobs/seekers/{referred.pk}/reveal").status_code == 404
    assert send(hr, "put", f"/api/jobs/seekers/{referred.pk}", profile_body()).status_code == 404
    assert hr.get("/api/jobs/seekers").status_code == 403
    assert hr.get(f"/api/jobs/vacancies/{vacancy.pk}/matches").status_code == 403
    assert hr.get(f"/api/jobs/seekers/{referred.pk}/matches").status_code == 404
    assert not Outcome.objects.filter(kind="hired").exists()


def test_a_referred_seekers_phone_stays_masked_until_they_apply(tree, worker, officer, employer_user, post):
    # given: a worker registered with their enterprise union, not agreeing to share their phone, and referred
    vacancy = post()
    me = bearer(worker)
    seeker_id = send(me, "post", "/api/jobs/me/profile", profile_body(union_id=tree.grassroots.pk)).json()["id"]
    services.referral_create(actor=officer, seeker=SeekerProfile.objects.get(pk=seeker_id), vacancy=vacancy)
    hr = bearer(employer_user)

    # then: the employer sees the referral with the phone masked, in the list and on the detail
    listed = hr.get(f"/api/jobs/employer/vacancies/{vacancy.pk}/applicants").json()["items"][0]
    detail = hr.get(f"/api/jobs/seekers/{seeker_id}").json()
    for shown in (listed, detail):
        assert shown["phone"] == "138****5678" and shown["contact_visible"] is False
        assert "5678" in shown["phone"] and "12345678" not in shown["phone"]
        assert shown["id_number"] == ""

    # when: the seeker applies
    assert send(me, "post", f"/api/jobs/vacancies/{vacancy.pk}/apply").status_code == 200

    # then: the employer sees the phone in full
    listed = hr.get(f"/api/jobs/employer/vacancies/{vacancy.pk}/applicants").json()["items"][0]
    assert listed["phone"] == "13812345678" and listed["contact_visible"] is True
    assert hr.get(f"/api/jobs/seekers/{seeker_id}").json()["phone"] == "13812345678"


def test_a_referred_seeker_who_agreed_shows_their_phone(tree, officer, employer_user, post):
    vacancy = post()
    agreed = _seeker_in(officer, tree.grassroots, "刘师傅", "13700001111", contact_consent=True)
    withheld = _seeker_in(officer, tree.grassroots, "陈师傅", "13700002222")
    for profile in (agreed, withheld):
        services.referral_create(actor=officer, seeker=profile, vacancy=vacancy)

    items = bearer(employer_user).get(f"/api/jobs/employer/vacancies/{vacancy.pk}/applicants").json()["items"]

    phones = {item["name"]: item["phone"] for item in items}
    assert phones == {"刘师傅": "13700001111", "陈师傅": "137****2222"}


def test_an_employer_account_of_another_employer_sees_no_applicant_of_ours(tree, worker, rival, post):
    vacancy = post()
    me = bearer(worker)
    seeker_id = send(me, "post", "/api/jobs/me/profile", profile_body(union_id=tree.regional.pk)).json()["id"]
    send(me, "post", f"/api/jobs/vacancies/{vacancy.pk}/apply")

    assert bearer(rival).get(f"/api/jobs/seekers/{seeker_id}").status_code == 404
    assert bearer(rival).get(f"/api/jobs/employer/vacancies/{vacancy.pk}/applicants").status_code == 404


# ---- Workers --------------------------------------------------------------------------------------------------


def test_workers_have_no_staff_lists_or_actions(tree, worker, seeker, post):
    profile = seeker()
    vacancy = post()
    me = bearer(worker)
    send(me, "post", "/api/jobs/me/profile", profile_body(union_id=tree.regional.pk))

    assert me.get("/api/jobs/seekers").status_code == 403
    assert send(me, "post", "/api/jobs/seekers", profile_body(union_id=tree.grassroots.pk)).status_code == 403
    assert me.get(f"/api/jobs/seekers/{profile.pk}").status_code == 404
    assert me.get("/api/jobs/employers").status_code == 403
    assert me.get("/api/jobs/vacancies").status_code == 403
    assert me.get("/api/jobs/referrals").status_code == 403
    refer = send(me, "post", "/api/jobs/referrals", {"seeker_id": profile.pk, "vacancy_id": vacancy.pk})
    assert refer.status_code == 403
    assert me.get("/api/jobs/report/priority").status_code == 403
    assert me.get("/api/jobs/employer/vacancies").status_code == 403
    assert send(me, "post", "/api/jobs/vacancies", vacancy_body()).status_code == 403
    assert send(me, "post", "/api/jobs/fairs", {"name": "招聘会", "held_on": TODAY.isoformat(),
                                                "place": "广场"}).status_code == 403
    assert SeekerProfile.objects.count() == 2


def test_a_worker_sees_and_changes_only_their_own_profile(tree, worker, other_worker, post):
    vacancy = post()
    mine = send(bearer(worker), "post", "/api/jobs/me/profile", profile_body(union_id=tree.regional.pk)).json()
    theirs = bearer(other_worker)

    assert theirs.get(f"/api/jobs/seekers/{mine['id']}").status_code == 404
    assert send(theirs, "put", f"/api/jobs/seekers/{mine['id']}", profile_body(name="冒名")).status_code == 404
    assert theirs.get(f"/api/jobs/fairs/1/matches/{mine['id']}").status_code == 404
    assert theirs.get("/api/jobs/me/profile").status_code == 404
    # their own record through the staff path is theirs too, but never someone else's reveal
    assert bearer(worker).get(f"/api/jobs/seekers/{mine['id']}").json()["phone"] == "13812345678"
    assert send(bearer(worker), "post", f"/api/jobs/seekers/{mine['id']}/reveal").status_code == 403
    assert Outcome.objects.count() == 0
    assert vacancy.status == VacancyStatus.PUBLISHED


# ---- Grassroots roles -----------------------------------------------------------------------------------------


def test_grassroots_roles_see_only_their_own_unions_seekers(tree, chair, officer, chair_b, county_staff, city_staff,
                                                            sysadmin, seeker):
    ours = seeker(name="刘师傅")
    regional = _seeker_in(county_staff, tree.regional, "骑手小张", "13700003333")
    wuzhong = _seeker_in(chair_b, tree.grassroots_b, "吴师傅", "13700004444", division="320506")

    def names(user):
        return {item["name"] for item in bearer(user).get("/api/jobs/seekers").json()["items"]}

    assert names(chair) == names(officer) == {"刘师傅"}
    assert names(chair_b) == {"吴师傅"}
    assert names(county_staff) == {"刘师傅", "骑手小张"}
    assert names(city_staff) == names(sysadmin) == {"刘师傅", "骑手小张", "吴师傅"}
    assert bearer(chair).get(f"/api/jobs/seekers/{regional.pk}").status_code == 404
    assert bearer(chair).get(f"/api/jobs/seekers/{wuzhong.pk}").status_code == 404
    assert bearer(chair).get(f"/api/jobs/seekers/{ours.pk}").status_code == 200
    # a grassroots role registers seekers for its own union only
    elsewhere = send(bearer(officer), "post", "/api/jobs/seekers", profile_body(union_id=tree.regional.pk))
    assert (elsewhere.status_code, elsewhere.json()["field"]) == (404, "union_id")
    assert bearer(chair).get(f"/api/jobs/report/priority?union_id={tree.county.pk}").status_code == 404


def test_only_roles_with_pii_rights_reveal_and_lists_stay_masked(chair, officer, county_staff, seeker):
    profile = seeker()

    assert send(bearer(officer), "post", f"/api/jobs/seekers/{profile.pk}/reveal").status_code == 403
    assert send(bearer(county_staff), "post", f"/api/jobs/seekers/{profile.pk}/reveal").status_code == 200
    for user in (chair, officer, county_staff):
        item = bearer(user).get("/api/jobs/seekers").json()["items"][0]
        assert item["phone"] == "137****1111"
    assert AuditLog.objects.filter(action="jobs.reveal").count() == 1


def test_vacancy_matches_show_only_the_seekers_a_staff_member_serves(tree, chair, chair_b, county_staff, post,
                                                                    seeker):
    vacancy = post()  # 姑苏区, moderated by the county
    ours = seeker(name="刘师傅")
    _seeker_in(chair_b, tree.grassroots_b, "吴师傅", "13700004444", division="320506")

    ranked = bearer(county_staff).get(f"/api/jobs/vacancies/{vacancy.pk}/matches").json()

    assert [m["seeker"]["id"] for m in ranked] == [ours.pk]
    assert ranked[0]["seeker"]["phone"] == "137****1111"
    Vacancy.objects.filter(pk=vacancy.pk).update(status=VacancyStatus.CLOSED)
    assert bearer(county_staff).get(f"/api/jobs/vacancies/{vacancy.pk}/matches").json() == []
    # grassroots chairs do not moderate the county's employers
    assert bearer(chair).get(f"/api/jobs/vacancies/{vacancy.pk}/matches").status_code == 404


def test_unauthenticated_callers_get_401(post):
    from django.test import Client

    vacancy = post()
    assert Client().get(f"/api/jobs/vacancies/{vacancy.pk}").status_code == 401
    assert Client().get("/api/jobs/me/matches").status_code == 401
