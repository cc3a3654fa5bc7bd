"""The jobs demo that `make run` seeds: five 苏州 employers with logins, forty vacancies, thirty seekers across every
priority group, applications, referrals and outcomes that agree with each other, an upcoming fair with
registrations — and the demo worker's /jobs/ page shows matches. Seeded once."""

from io import StringIO

import pytest
from django.contrib.auth import authenticate
from django.core.management import call_command
from django.test import Client, RequestFactory
from django.utils import timezone

from zhijia.accounts.models import User
from zhijia.jobs import demo, reports, selectors
from zhijia.jobs.models import (
    Employer,
    EmployerAccount,
    FairRegistration,
    JobFair,
    Outcome,
    OutcomeKind,
    PriorityGroup,
    Referral,
    ReferralStatus,
    SeekerProfile,
    Vacancy,
    VacancyStatus,
)
from zhijia.org.demo import DEMO_PASSWORD
from zhijia.org.models import Union

WORKER = "13800000000"


@pytest.fixture
def seeded(db):
    out = StringIO()
    call_command("seed_demo", members=300, seed=11, stdout=out)
    return out.getvalue()


def test_demo_employers_vacancies_and_seekers_are_realistic_and_in_suzhou(seeded):
    suzhou = Union.objects.get(name="苏州市总工会")
    assert Employer.objects.count() == 5
    for employer in Employer.objects.all():
        assert employer.union.path.startswith(suzhou.path) and employer.division_code.startswith("3205")
        assert EmployerAccount.objects.filter(employer=employer).count() == 1
    vacancies = Vacancy.objects.all()
    assert 35 <= vacancies.count() <= 45
    assert len(set(vacancies.values_list("occupation", flat=True))) >= 25
    for vacancy in vacancies:
        assert vacancy.division_code[:4] == "3205" and vacancy.skills
        assert 2490 <= vacancy.wage_min <= vacancy.wage_max <= 12000  # 苏州 minimum wage and up
        assert vacancy.valid_until > timezone.localdate()
    assert set(vacancies.values_list("status", flat=True)) == {
        VacancyStatus.PUBLISHED, VacancyStatus.CLOSED, VacancyStatus.REJECTED}
    assert vacancies.get(status=VacancyStatus.REJECTED).moderation_note

    seekers = SeekerProfile.objects.all()
    assert 28 <= seekers.count() <= 35
    groups = set(seekers.values_list("priority_group", flat=True))
    assert {g.value for g in PriorityGroup} <= groups  # every group, and some with none
    assert all(s.union.path.startswith(suzhou.path) for s in seekers.select_related("union"))
    assert seekers.filter(registered_by__isnull=False).count() == seekers.count() - 1  # all but 王小明's own


def test_the_demo_logins_work_and_hr_answers_for_its_employer(seeded):
    assert "hr（苏州精工机械有限公司人事" in seeded
    hr = authenticate(RequestFactory().post("/accounts/login/"), username="hr", password=DEMO_PASSWORD)
    assert hr is not None
    employer = Employer.objects.get(accounts__user=hr)
    assert employer.name == "苏州精工机械有限公司" and employer.union.name == "苏州精工机械有限公司工会"
    # hr sees the people who applied or were referred to its vacancies, and only those
    seen = set()
    for vacancy in selectors.vacancy_list(actor=hr):
        assert vacancy.employer_id == employer.pk
        seen |= set(selectors.applicants_of(actor=hr, vacancy=vacancy).values_list("id", flat=True))
    involved = set(Outcome.objects.filter(vacancy__employer=employer, kind=OutcomeKind.APPLIED)
                   .values_list("seeker_id", flat=True)) | set(
        Referral.objects.filter(vacancy__employer=employer).values_list("seeker_id", flat=True))
    assert seen == involved and len(seen) >= 3


def test_the_demo_worker_has_a_profile_with_matches(seeded):
    worker = User.objects.get(username=WORKER)
    profile = SeekerProfile.objects.get(user=worker)
    assert profile.name == "王小明" and profile.registered_by is None
    matches = selectors.matches_for_seeker(seeker=profile)
    assert len(matches) >= 3
    assert matches[0].vacancy.occupation == "数控操作工" and matches[0].match.reasons
    client = Client()
    client.force_login(worker)
    page = client.get("/jobs/")
    assert page.status_code == 200 and "CNC操作员" in page.content.decode()


def test_demo_referrals_and_outcomes_are_consistent(seeded):
    statuses = set(Referral.objects.values_list("status", flat=True))
    assert set(ReferralStatus.values) - {ReferralStatus.SENT} <= statuses
    assert set(Outcome.objects.values_list("kind", flat=True)) == set(OutcomeKind.values)
    for referral in Referral.objects.select_related("seeker", "vacancy"):
        # the officer who referred serves the seeker; an employer's answer left the matching outcome
        assert referral.union_id == referral.seeker.union_id
        expected = {ReferralStatus.HIRED: OutcomeKind.HIRED, ReferralStatus.INTERVIEW: OutcomeKind.INTERVIEWED,
                    ReferralStatus.DECLINED: OutcomeKind.DECLINED}.get(referral.status)
        if expected:
            assert Outcome.objects.filter(seeker=referral.seeker, vacancy=referral.vacancy, kind=expected).exists()
    for outcome in Outcome.objects.exclude(kind__in=[OutcomeKind.VIEWED, OutcomeKind.APPLIED]):
        # the employer answered someone who applied or was referred
        assert (Outcome.objects.filter(seeker=outcome.seeker, vacancy=outcome.vacancy, kind=OutcomeKind.APPLIED)
                .exists() or Referral.objects.filter(seeker=outcome.seeker, vacancy=outcome.vacancy).exists())
        if outcome.kind == OutcomeKind.DECLINED:
            assert outcome.reason
    city = User.objects.get(username="city")
    figures = reports.report(actor=city, union=Union.objects.get(name="苏州市总工会"))
    total = figures["priority_total"]
    assert total["seekers"] >= 25 and total["referred"] >= 4 and total["hired"] >= 3
    assert all(row["seekers"] for row in figures["priority"])


def test_the_upcoming_fair_has_vacancies_registrations_and_sheets(seeded):
    today = timezone.localdate()
    fair = JobFair.objects.get(held_on__gt=today)
    assert fair.vacancies.count() >= 30 and fair.employers.count() == 5
    assert fair.vacancies.filter(status=VacancyStatus.PUBLISHED).count() == fair.vacancies.count()
    registered = FairRegistration.objects.filter(fair=fair)
    assert registered.count() >= 10 and registered.filter(seeker__user__username=WORKER).exists()
    assert JobFair.objects.filter(held_on__lt=today, online=True).exists()
    with_matches = sum(1 for r in registered if reports.fair_matches(fair=fair, seeker=r.seeker))
    assert with_matches >= registered.count() // 2

    client = Client()
    client.force_login(User.objects.get(username="city"))
    detail = client.get(f"/jobs/fairs/{fair.pk}/")
    assert detail.status_code == 200 and len(detail.context["rows"]) == registered.count()
    client.force_login(User.objects.get(username=WORKER))
    mine = registered.get(seeker__user__username=WORKER).seeker
    sheet = client.get(f"/jobs/fairs/{fair.pk}/sheet/{mine.pk}/")
    assert sheet.status_code == 200 and sheet.context["matches"]


def test_seeding_happens_once(seeded):
    counts = (Employer.objects.count(), Vacancy.objects.count(), SeekerProfile.objects.count(),
              Referral.objects.count(), Outcome.objects.count(), JobFair.objects.count(), User.objects.count())
    officer_union = Union.objects.get(name="苏州精工机械有限公司工会")
    assert demo.seed_jobs_demo(officer_union=officer_union, city=officer_union.parent.parent) is None
    out = StringIO()
    call_command("seed_demo", members=300, if_empty=True, stdout=out)
    assert "跳过" in out.getvalue()
    assert (Employer.objects.count(), Vacancy.objects.count(), SeekerProfile.objects.count(),
            Referral.objects.count(), Outcome.objects.count(), JobFair.objects.count(),
            User.objects.count()) == counts
