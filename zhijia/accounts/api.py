"""Signing in over the API: exchange a password for a bearer token, and say who the caller is."""

from enum import StrEnum

from django.contrib.auth import authenticate
from ninja import Router

from zhijia.core.errors import ZhijiaError
from zhijia.core.schemas import ERRORS

from .models import RoleAssignment
from .services import api_token_issue
from .schemas import MeOut, TokenIn, TokenOut

router = Router(tags=["账号"])


class AuthErrorCode(StrEnum):
    INVALID_CREDENTIALS = "invalid_credentials"


class InvalidCredentials(ZhijiaError):
    status = 401

    def __init__(self):
        # One message for an unknown user and a wrong password, so the answer does not reveal which.
        super().__init__(AuthErrorCode.INVALID_CREDENTIALS, "用户名或密码不正确")


@router.post("/token", auth=None, response={200: TokenOut, **ERRORS}, summary="用户名密码换取访问令牌")
def token_issue(request, credentials: TokenIn):
    user = authenticate(request, username=credentials.username.strip(), password=credentials.password)
    if user is None:
        raise InvalidCredentials()
    return {"token": api_token_issue(user=user, name="API 登录")}


@router.get("/me", response={200: MeOut, **ERRORS}, summary="当前用户及其角色")
def me(request):
    user = request.auth
    roles = RoleAssignment.objects.filter(user=user, union__status="active").select_related("union").order_by("id")
    return {"id": user.pk, "username": user.get_username(), "display_name": str(user), "roles": list(roles)}
