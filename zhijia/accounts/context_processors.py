from zhijia.core.policy import grants_for


def roles(request):
    """Which workspace the header links to: union staff's 工作台, else a partner agency's referrals or an
    employer's vacancies (asked of the apps' own checks; nothing for staff, whose pages count their queries)."""
    user = getattr(request, "user", None)
    flags = {"is_staff_user": False, "is_agency_user": False, "is_employer_user": False}
    if user is None or not user.is_authenticated:
        return flags
    if grants_for(user):
        return {**flags, "is_staff_user": True}
    from zhijia.cases.collab import is_agency_user
    from zhijia.jobs.permissions import employer_ids_of

    return {**flags, "is_agency_user": is_agency_user(user), "is_employer_user": bool(employer_ids_of(user))}
