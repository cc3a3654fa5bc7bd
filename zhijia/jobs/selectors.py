"""Reads for employment help, scoped to what the user may see, and the matching queries."""

import datetime
from dataclasses import dataclass

from django.db.models import Count, Q, QuerySet
from django.utils import timezone

from zhijia.core.errors import NotFound
from zhijia.core.policy import grants_for
from zhijia.org.models import Level, Status

from . import matching
from .models import (
    Employer,
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
from .permissions import employer_ids_of, employer_policy, fair_policy, seeker_policy, vacancy_policy


def seeker_list(*, actor, q: str = "", priority: str = "", active: bool | None = True) -> QuerySet:
    seekers = seeker_policy.scope(actor, "list", SeekerProfile.objects.select_related("union"))
    if q:
        seekers = seekers.filter(name__startswith=q)
    if priority:
        seekers = seekers.exclude(priority_group="") if priority == "any" else seekers.filter(priority_group=priority)
    if active is not None:
        seekers = seekers.filter(active=active)
    return seekers.order_by("-id")


def seeker_get(*, actor, seeker_id: int, action: str = "view") -> SeekerProfile:
    seeker = seeker_policy.scope(actor, action, SeekerProfile.objects.select_related("union")).filter(
        pk=seeker_id).first()
    if seeker is None:
        # an employer sees a seeker who applied to or was referred to one of its vacancies
        employers = employer_ids_of(actor)
        if action == "view" and employers and (
                Outcome.objects.filter(seeker_id=seeker_id, vacancy__employer_id__in=employers,
                                       kind=OutcomeKind.APPLIED).exists()
                or Referral.objects.filter(seeker_id=seeker_id, vacancy__employer_id__in=employers).exists()):
            return SeekerProfile.objects.select_related("union").get(pk=seeker_id)
        raise NotFound()
    return seeker


def my_profile(*, user) -> SeekerProfile | None:
    return SeekerProfile.objects.filter(user=user).select_related("union").first()


def vacancy_list(*, actor, q: str = "", status: str = "", employer_id: int | None = None) -> QuerySet:
    """Staff: vacancies of employers in their subtree. Employer accounts: their own."""
    employers = employer_ids_of(actor)
    scope = vacancy_policy.scope_q(actor, "list")
    clause = Q(employer_id__in=employers) if employers else Q(pk__in=[])
    if scope is not None:
        clause |= scope
    vacancies = Vacancy.objects.filter(clause).select_related("employer")
    if q:
        vacancies = vacancies.filter(Q(title__contains=q) | Q(employer__name__startswith=q))
    if status:
        vacancies = vacancies.filter(status=status)
    if employer_id:
        vacancies = vacancies.filter(employer_id=employer_id)
    return vacancies.order_by("-id")


def vacancy_get(*, actor, vacancy_id: int, public: bool = False) -> Vacancy:
    """A vacancy: any published one for seekers (public), else only within the caller's reach."""
    vacancy = Vacancy.objects.select_related("employer").filter(pk=vacancy_id).first()
    if vacancy is None:
        raise NotFound()
    if public and vacancy.status == VacancyStatus.PUBLISHED:
        return vacancy
    if vacancy.employer_id in employer_ids_of(actor) or vacancy_policy.can(actor, "view", vacancy):
        return vacancy
    raise NotFound()


def employer_list(*, actor) -> QuerySet:
    return employer_policy.scope(actor, "list", Employer.objects.select_related("union")).order_by("name")


def applicants_of(*, actor, vacancy: Vacancy) -> QuerySet:
    """Seekers who applied to or were referred to the vacancy (what its employer may see)."""
    if vacancy.employer_id not in employer_ids_of(actor) and not vacancy_policy.can(actor, "view", vacancy):
        raise NotFound()
    return SeekerProfile.objects.filter(
        Q(outcomes__vacancy=vacancy, outcomes__kind=OutcomeKind.APPLIED) | Q(referrals__vacancy=vacancy)
    ).distinct().order_by("id")


@dataclass
class VacancyMatch:
    vacancy: Vacancy
    match: matching.Match


@dataclass
class SeekerMatch:
    seeker: SeekerProfile
    match: matching.Match


def matches_for_seeker(*, seeker: SeekerProfile, k: int = 20, only: set[int] | None = None,
                       today: datetime.date | None = None) -> list[VacancyMatch]:
    """Ranked vacancies for a seeker (the caller has checked the seeker is theirs to see)."""
    index = matching.index()
    entry = matching.seeker_entry(seeker)
    found = index.for_seeker(entry, k, weights=matching.Weights.current(), today=today, only=only)
    vacancies = Vacancy.objects.select_related("employer").in_bulk([m.id for m in found])
    return [VacancyMatch(vacancies[m.id], m) for m in found if m.id in vacancies]


def matches_for_vacancy(*, vacancy: Vacancy, k: int = 20, today: datetime.date | None = None) -> list[SeekerMatch]:
    index = matching.index()
    found = index.for_vacancy(matching.vacancy_entry(vacancy), k, weights=matching.Weights.current(), today=today)
    seekers = SeekerProfile.objects.select_related("union").in_bulk([m.id for m in found])
    return [SeekerMatch(seekers[m.id], m) for m in found if m.id in seekers]


def fair_list(*, actor) -> QuerySet:
    return fair_policy.scope(actor, "view", JobFair.objects.select_related("union")).order_by("-held_on")


def fairs_open(*, today: datetime.date | None = None) -> QuerySet:
    return JobFair.objects.filter(held_on__gte=today or timezone.localdate()).order_by("held_on")


def priority_report(*, actor, union=None) -> list[dict]:
    """For the caller's subtree (or a union in it): priority-group seekers, and how many were matched (applied
    or referred), referred, hired — per group."""
    seekers = seeker_policy.scope(actor, "report", SeekerProfile.objects.exclude(priority_group=""))
    if union is not None:
        seekers = seekers.filter(union__path__startswith=union.path)
    rows = seekers.values("priority_group").annotate(
        seekers=Count("id", distinct=True),
        matched=Count("id", filter=Q(outcomes__kind=OutcomeKind.APPLIED) | Q(referrals__isnull=False), distinct=True),
        referred=Count("referrals__id", distinct=True),
        hired=Count("id", filter=Q(outcomes__kind=OutcomeKind.HIRED) | Q(referrals__status=ReferralStatus.HIRED),
                    distinct=True),
    ).order_by("priority_group")
    labels = dict(PriorityGroup.choices)
    return [{**row, "label": labels.get(row["priority_group"], row["priority_group"])} for row in rows]


def fair_host_unions(user) -> QuerySet:
    """Unions the user may host a fair for: those they hold a fair role in, and the federations below them."""
    roles = fair_policy.rules["manage"]
    granted = [grant.union_id for grant in grants_for(user) if grant.role in roles]
    return fair_policy.unions(user, "manage").filter(
        Q(id__in=granted) | Q(level__lt=Level.GRASSROOTS), status=Status.ACTIVE)


def report_unions(user) -> QuerySet:
    """The unions whose employment-help figures the user may read."""
    return seeker_policy.unions(user, "report")
