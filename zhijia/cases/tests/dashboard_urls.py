"""Test URLs for the dashboard: the project's URLs (with cases:dashboard added if zhijia.cases.urls does not
include it yet) plus the dashboard API router mounted on its own NinjaAPI until zhijia/api.py registers it."""

from django.urls import NoReverseMatch, include, path, reverse
from ninja import NinjaAPI
from ninja.security import SessionAuth

from zhijia import urls as project_urls
from zhijia.api import BearerToken, ChineseJSONRenderer
from zhijia.cases.api_dashboard import router
from zhijia.core.errors import ZhijiaError

dash_api = NinjaAPI(
    renderer=ChineseJSONRenderer(),
    auth=[BearerToken(), SessionAuth()],
    urls_namespace="dash_test",
    docs_url=None,
)


@dash_api.exception_handler(ZhijiaError)
def zhijia_error(request, exc: ZhijiaError):
    return dash_api.create_response(request, exc.as_dict(), status=exc.status)


dash_api.add_router("/cases", router)

urlpatterns = [path("dash-api/", dash_api.urls)]
try:
    reverse("cases:dashboard", urlconf=project_urls)
except NoReverseMatch:
    urlpatterns.append(path("cases/", include(("zhijia.cases.urls_dashboard", "cases"))))
urlpatterns += project_urls.urlpatterns
