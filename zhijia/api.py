"""The API root: django-ninja under /api/, session or bearer-token auth, one error shape everywhere."""

from django.http import HttpRequest
from ninja import NinjaAPI
from ninja.errors import AuthenticationError, HttpError
from ninja.errors import ValidationError as NinjaValidationError
from ninja.renderers import JSONRenderer
from ninja.security import APIKeyHeader, SessionAuth

from zhijia.accounts.models import ApiToken
from zhijia.core.errors import ZhijiaError


class BearerToken(APIKeyHeader):
    param_name = "Authorization"

    def authenticate(self, request: HttpRequest, key: str | None):
        if not key or not key.startswith("Bearer "):
            return None
        user = ApiToken.authenticate(key.removeprefix("Bearer ").strip())
        if user is not None:
            request.user = user
        return user


class ChineseJSONRenderer(JSONRenderer):
    """Chinese text as itself rather than \\u escapes: readable in logs and curl, and shorter."""

    json_dumps_params = {"ensure_ascii": False}


api = NinjaAPI(
    renderer=ChineseJSONRenderer(),
    title="职工之家开放平台 API",
    version="1",
    description="工会组织、会员、入会、转接、会员卡、审计、维权工单（12351）、"
    "困难帮扶（困难职工档案、送温暖、金秋助学、医疗互助、资金发放）、"
    "就业帮扶（求职登记、岗位发布与审核、智能匹配、推荐、招聘会、重点群体统计）。错误统一为 {code, message, field}。",
    auth=[BearerToken(), SessionAuth()],
    urls_namespace="api",
)


@api.exception_handler(ZhijiaError)
def zhijia_error(request, exc: ZhijiaError):
    return api.create_response(request, exc.as_dict(), status=exc.status)


@api.exception_handler(AuthenticationError)
def auth_error(request, exc):
    return api.create_response(request, {"code": "not_authenticated", "message": "请先登录", "field": None}, status=401)


@api.exception_handler(NinjaValidationError)
def schema_error(request, exc: NinjaValidationError):
    first = exc.errors[0] if exc.errors else {}
    loc = [str(part) for part in first.get("loc", []) if part not in ("body", "query", "path", "payload", "form")]
    return api.create_response(
        request,
        {"code": "invalid", "message": f"参数格式不正确：{first.get('msg', '')}", "field": ".".join(loc) or None},
        status=422,
    )


@api.exception_handler(HttpError)
def http_error(request, exc: HttpError):
    if exc.status_code == 403 and "CSRF" in str(exc):
        body = {"code": "csrf_failed", "message": "页面已过期或缺少 CSRF 令牌，请刷新后重试；API 客户端请使用 Bearer 令牌", "field": None}
    else:
        body = {"code": "error", "message": str(exc), "field": None}
    return api.create_response(request, body, status=exc.status_code)


def _register_routers() -> None:
    from zhijia.accounts.api import router as accounts_router
    from zhijia.aid.api import router as aid_router
    from zhijia.cases.api import router as cases_router
    from zhijia.cases.api_dashboard import router as cases_dashboard_router
    from zhijia.core.api import router as core_router
    from zhijia.jobs.api import router as jobs_router
    from zhijia.legal.api import router as legal_router
    from zhijia.members.api import router as members_router
    from zhijia.members.api_bulk import router as members_bulk_router
    from zhijia.org.api import router as org_router

    api.add_router("/auth", accounts_router)
    api.add_router("/unions", org_router)
    api.add_router("/", members_router)
    api.add_router("/members-bulk", members_bulk_router)
    api.add_router("/audit", core_router)
    api.add_router("/cases", cases_router)
    api.add_router("/cases", cases_dashboard_router)
    api.add_router("/legal", legal_router)
    api.add_router("/aid", aid_router)
    api.add_router("/jobs", jobs_router)


_register_routers()
