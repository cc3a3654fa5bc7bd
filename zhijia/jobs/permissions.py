"""Who may do what in employment help. Union staff serve seekers and moderate employers in their subtree (the
grassroots union its own); a worker manages their own profile; an employer account sees its own vacancies and
only the seekers who applied to them or were referred, with contact details masked until the seeker applied or
agreed (see selectors.employer_can_see_contact)."""

from zhijia.accounts.models import Role
from zhijia.core.policy import OWN, SELF, SUBTREE, WORKER, Policy

STAFF = {
    Role.GRASSROOTS_CHAIR: OWN,
    Role.GRASSROOTS_OFFICER: OWN,
    Role.UPPER_STAFF: SUBTREE,
    Role.SYSADMIN: SUBTREE,
}
PII_FULL = {Role.GRASSROOTS_CHAIR: OWN, Role.UPPER_STAFF: SUBTREE, Role.SYSADMIN: SUBTREE}


class SeekerPolicy(Policy):
    owner_field = "user_id"
    rules = {
        "view": {**STAFF, WORKER: SELF},
        "list": STAFF,
        "create": STAFF,
        "update": {**STAFF, WORKER: SELF},
        "refer": STAFF,
        "reveal_pii": PII_FULL,
        "report": STAFF,
    }


class EmployerPolicy(Policy):
    rules = {"view": STAFF, "list": STAFF, "create": STAFF, "update": STAFF}


class VacancyPolicy(Policy):
    rules = {"view": STAFF, "list": STAFF, "create": STAFF, "update": STAFF, "moderate": STAFF}


class FairPolicy(Policy):
    rules = {"view": STAFF, "manage": STAFF}


seeker_policy = SeekerPolicy()
employer_policy = EmployerPolicy()
vacancy_policy = VacancyPolicy()
fair_policy = FairPolicy()


def employer_ids_of(user) -> set[int]:
    """The employers a user acts for (employer accounts)."""
    if user is None or not user.is_authenticated:
        return set()
    cached = getattr(user, "_zhijia_employers", None)
    if cached is None:
        from .models import EmployerAccount

        cached = set(EmployerAccount.objects.filter(user_id=user.pk).values_list("employer_id", flat=True))
        user._zhijia_employers = cached
    return cached
