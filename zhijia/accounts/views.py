from django.contrib.auth import login
from django.shortcuts import redirect, render

from zhijia.core.errors import ValidationFailed

from .services import account_register


def register(request):
    errors, values = {}, {}
    if request.method == "POST":
        values = {key: request.POST.get(key, "") for key in ("username", "display_name")}
        try:
            user = account_register(
                username=values["username"],
                display_name=values["display_name"],
                password=request.POST.get("password", ""),
            )
        except ValidationFailed as exc:
            errors[exc.field or "form"] = exc.message
        else:
            login(request, user, backend="django.contrib.auth.backends.ModelBackend")
            return redirect(request.GET.get("next") or "members:my")
    return render(request, "accounts/register.html", {"errors": errors, "values": values})
