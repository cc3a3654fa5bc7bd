from zhijia.core.policy import grants_for


def roles(request):
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {"is_staff_user": False}
    return {"is_staff_user": bool(grants_for(user))}
