from zhijia.core.policy import grants_for


def roles(request):
    """Which workspaces the header links to: union staff's 工作台, a partner agency's referrals, an employer's
    vacancies. A person may hold several (an HR officer who is also a union member)."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {"is_staff_user": False, "is_agency_user": False, "is_employer_user": False}
    from zhijia.cases.collab import is_agency_user
    from zhijia.jobs.permissions import employer_ids_of

    return {"is_staff_user": bool(grants_for(user)), "is_agency_user": is_agency_user(user),
            "is_employer_user": bool(employer_ids_of(user))}
