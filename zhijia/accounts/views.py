from django.contrib.auth import login
from django.http import JsonResponse
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme

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
            target = request.GET.get("next", "")
            if not url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}, require_https=request.is_secure()):
                target = "members:my"
            return redirect(target)
    return render(request, "accounts/register.html", {"errors": errors, "values": values})


def locked_out(request, credentials=None, *args, **kwargs):
    """django-axes lockout response: JSON in the API's error shape for /api/, a Chinese page otherwise."""
    message = "密码错误次数过多，该账号的登录已暂停 15 分钟，请稍后再试"
    if request.path.startswith("/api/"):
        return JsonResponse({"code": "login_locked", "message": message, "field": "username"}, status=429)
    return render(request, "accounts/locked_out.html", status=429)
