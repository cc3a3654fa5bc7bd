from django.db.models import Exists, OuterRef

from zhijia.core.policy import grants_for


def roles(request):
    """Which workspace the header links to: union staff's 工作台, else a partner agency's referrals or an
    employer's vacancies (one query, and none for staff, whose pages count their queries)."""
    user = getattr(request, "user", None)
    flags = {"is_staff_user": False, "is_agency_user": False, "is_employer_user": False}
    if user is None or not user.is_authenticated:
        return flags
    if grants_for(user):
        return {**flags, "is_staff_user": True}
    from zhijia.cases.models import AgencyMembership
    from zhijia.jobs.models import EmployerAccount

    from .models import User

    found = User.objects.filter(pk=user.pk).values_list(
        Exists(AgencyMembership.objects.filter(user=OuterRef("pk"), agency__active=True)),
        Exists(EmployerAccount.objects.filter(user=OuterRef("pk"))),
    ).first() or (False, False)
    return {**flags, "is_agency_user": found[0], "is_employer_user": found[1]}
