"""Employers, vacancies and seekers: validation naming the field, permissions, outcomes, referrals, fairs."""

import datetime

import pytest

from conftest import make_user
from zhijia.core.errors import Conflict, NotFound, PermissionDenied, ValidationFailed
from zhijia.jobs import selectors, services
from zhijia.jobs.models import Employer, Outcome, SeekerProfile, Vacancy, VacancyStatus
from zhijia.jobs.services import EmployerData

from .conftest import TODAY


@pytest.mark.parametrize("change, field", [
    ({"wage_min": 9000, "wage_max": 8000}, "wage_min"),
    ({"division_code": "999999"}, "division_code"),
    ({"valid_until": TODAY - datetime.timedelta(days=1)}, "valid_until"),
    ({"title": " "}, "title"),
    ({"shifts": ["weekend"]}, "shifts"),
])
def test_bad_vacancies_are_refused_naming_the_field(post, change, field):
    with pytest.raises(ValidationFailed) as error:
        post(**change)
    assert error.value.field == field
    assert not Vacancy.objects.exists()


def test_an_employer_with_an_invalid_credit_code_is_refused(tree, county_staff):
    with pytest.raises(ValidationFailed) as error:
        services.employer_create(actor=county_staff, union=tree.county, data=EmployerData(
            name="某公司", credit_code="91320508ABCDEFGHIJ", division_code="320508"))
    assert error.value.field == "credit_code"
    assert not Employer.objects.exists()


def test_a_seeker_address_outside_known_divisions_is_refused(seeker):
    with pytest.raises(ValidationFailed) as error:
        seeker(division_code="329999")
    assert error.value.field == "division_code"
    assert not SeekerProfile.objects.exists()


def test_a_vacancy_title_names_its_occupation_and_expired_ones_unpublish(post):
    vacancy = post(occupation="", title="急招数控车工")
    assert vacancy.occupation == "数控操作工"
    Vacancy.objects.filter(pk=vacancy.pk).update(valid_from=TODAY - datetime.timedelta(days=20),
                                                 valid_until=TODAY - datetime.timedelta(days=1))
    assert services.vacancies_unpublish_expired() == 1
    vacancy.refresh_from_db()
    assert vacancy.status == VacancyStatus.CLOSED


def test_only_the_employer_or_its_unions_post(employer, chair_b, nanjing_staff, county_staff, post):
    data = services.VacancyData(title="普工", occupation="普工", wage_min=5000, wage_max=6000, division_code="320508",
                                valid_until=TODAY + datetime.timedelta(days=10))
    for outsider in (chair_b, nanjing_staff):
        with pytest.raises(NotFound):
            services.vacancy_create(actor=outsider, employer=employer, data=data)
    assert services.vacancy_create(actor=county_staff, employer=employer, data=data).status == "published"


def test_employers_see_only_their_vacancies_and_their_applicants(post, seeker, employer_user, tree, county_staff):
    vacancy = post()
    profile = seeker()
    assert list(selectors.vacancy_list(actor=employer_user)) == [vacancy]
    with pytest.raises(NotFound):  # has not applied: the employer cannot see the seeker
        selectors.seeker_get(actor=employer_user, seeker_id=profile.pk)
    assert not services.seeker_contact_visible(actor=employer_user, seeker=profile)

    services.outcome_record(actor=profile_user(profile), seeker=profile, vacancy=vacancy, kind="applied")
    assert selectors.seeker_get(actor=employer_user, seeker_id=profile.pk) == profile
    assert services.seeker_contact_visible(actor=employer_user, seeker=profile)
    assert list(selectors.applicants_of(actor=employer_user, vacancy=vacancy)) == [profile]
    stranger = make_user("hr2", "别家人事")
    with pytest.raises(NotFound):
        selectors.applicants_of(actor=stranger, vacancy=vacancy)
    assert list(selectors.vacancy_list(actor=stranger)) == []


def profile_user(profile):
    user = make_user(f"seeker{profile.pk}", profile.name)
    profile.user = user
    profile.save()
    return user


def test_applying_twice_is_one_application_and_hiring_is_the_employers(post, seeker, employer_user):
    vacancy, profile = post(), seeker()
    user = profile_user(profile)
    first = services.outcome_record(actor=user, seeker=profile, vacancy=vacancy, kind="applied")
    assert services.outcome_record(actor=user, seeker=profile, vacancy=vacancy, kind="applied") == first
    with pytest.raises(PermissionDenied):
        services.outcome_record(actor=user, seeker=profile, vacancy=vacancy, kind="hired")
    services.outcome_record(actor=employer_user, seeker=profile, vacancy=vacancy, kind="hired")
    assert list(Outcome.objects.values_list("kind", flat=True)) == ["applied", "hired"]


def test_a_hired_seeker_stops_being_matched_until_their_profile_is_saved_again(post, seeker, officer,
                                                                             employer_user):
    from zhijia.jobs.services import SeekerData

    vacancy, profile = post(), seeker()
    assert [m.seeker.pk for m in selectors.matches_for_vacancy(vacancy=vacancy, k=5)] == [profile.pk]
    referral = services.referral_create(actor=officer, seeker=profile, vacancy=vacancy)
    services.referral_respond(actor=employer_user, referral=referral, status="hired", response="下周一入职")
    profile.refresh_from_db()
    assert not profile.active and selectors.matches_for_vacancy(vacancy=vacancy, k=5) == []
    data = SeekerData(name="刘师傅", phone="13700001111", occupations=["电焊工"], skills=["二保焊"], level=2,
                      expected_wage=6500, division_code="320508", start_date=TODAY, max_distance_km=15)
    services.seeker_save(actor=officer, profile=profile, data=data)  # looking again
    profile.refresh_from_db()
    assert profile.active and [m.seeker.pk for m in selectors.matches_for_vacancy(vacancy=vacancy, k=5)] == [profile.pk]


def test_referral_flow_and_the_priority_report(post, seeker, officer, employer_user, city_staff, chair_b):
    vacancy, profile = post(), seeker()
    referral = services.referral_create(actor=officer, seeker=profile, vacancy=vacancy, note="八年焊工经验")
    with pytest.raises(Conflict):
        services.referral_create(actor=officer, seeker=profile, vacancy=vacancy)
    with pytest.raises(NotFound):
        services.referral_create(actor=chair_b, seeker=profile, vacancy=vacancy)
    # referred but has not agreed to share contacts: still masked to the employer
    assert selectors.seeker_get(actor=employer_user, seeker_id=profile.pk) == profile
    assert not services.seeker_contact_visible(actor=employer_user, seeker=profile)
    with pytest.raises(ValidationFailed):
        services.referral_respond(actor=employer_user, referral=referral, status="declined")
    services.referral_respond(actor=employer_user, referral=referral, status="hired", response="下周一入职")

    report = selectors.priority_report(actor=city_staff)
    assert report == [{"priority_group": "redeployed", "label": "转岗待岗职工", "seekers": 1, "matched": 1,
                       "referred": 1, "hired": 1}]
    assert selectors.priority_report(actor=chair_b) == []


def test_a_worker_keeps_one_profile_and_others_cannot_touch_it(tree, worker, other_worker, seeker):
    data = services.SeekerData(name="王小明", phone="13900000001", occupations=["快递员"], expected_wage=6000,
                               division_code="320508", start_date=TODAY)
    profile = services.seeker_save(actor=worker, union=tree.regional, data=data, for_user=worker)
    assert profile.registered_by is None
    with pytest.raises(Conflict):
        services.seeker_save(actor=worker, union=tree.regional, data=data, for_user=worker)
    with pytest.raises(NotFound):
        services.seeker_save(actor=other_worker, profile=profile, data=data)


def test_a_child_in_an_active_hardship_file_is_a_priority_seeker(tree, officer):
    import random

    from zhijia.aid.models import HardshipFile, HouseholdMember
    from zhijia.core.generators import fake_id_number
    from zhijia.core.pii import lookup_hash

    child = fake_id_number(random.Random(8), "320508", min_age=18, max_age=20)
    file = HardshipFile.objects.create(number="KN202600000001", union=tree.grassroots, name="陈建国", status="active")
    HouseholdMember.objects.create(file=file, relation="child", name="陈小军", id_number=child,
                                   id_number_hash=lookup_hash(child), birth_date=datetime.date(2006, 1, 1),
                                   holding=True)
    data = services.SeekerData(name="陈小军", phone="13700002222", occupations=["电工"], expected_wage=5000,
                               division_code="320508", start_date=TODAY, id_number=child)
    assert services.seeker_save(actor=officer, union=tree.grassroots, data=data).priority_group == "hardship_child"
    file.status = "exited"
    file.save()
    data.phone = "13700002223"
    assert services.seeker_save(actor=officer, union=tree.grassroots, data=data).priority_group == ""


def test_job_fair_registration_and_match_sheet(tree, county_staff, post, seeker):
    vacancy = post()
    fair = services.fair_create(actor=county_staff, union=tree.county, name="姑苏区春风行动招聘会",
                                held_on=TODAY + datetime.timedelta(days=3), place="姑苏区人才市场", vacancies=[vacancy])
    profile = seeker()
    services.fair_register(actor=county_staff, fair=fair, seeker=profile)
    services.fair_register(actor=county_staff, fair=fair, seeker=profile)
    assert fair.registrations.count() == 1
    sheet = selectors.matches_for_seeker(seeker=profile, only=set(fair.vacancies.values_list("id", flat=True)))
    assert [m.vacancy for m in sheet] == [vacancy]
    with pytest.raises(ValidationFailed) as error:
        services.fair_create(actor=county_staff, union=tree.county, name="x", held_on=TODAY)
    assert error.value.field == "place"


def test_an_anonymous_caller_cannot_register_a_seeker_without_an_account_for_a_fair(tree, county_staff, seeker):
    from django.contrib.auth.models import AnonymousUser

    fair = services.fair_create(actor=county_staff, union=tree.county, name="线上招聘会", online=True,
                                held_on=TODAY + datetime.timedelta(days=2))
    with pytest.raises((NotFound, PermissionDenied)):
        services.fair_register(actor=AnonymousUser(), fair=fair, seeker=seeker())
