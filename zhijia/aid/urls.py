"""Pages of hardship aid: workers' (apply, follow), reviewers' (queue, decide), staff back office (files,
campaigns, payments) and reports with the public notice lists."""

from django.urls import include, path

from . import views

app_name = "aid"
urlpatterns = [
    path("", include("zhijia.aid.urls_staff")),
    path("", include("zhijia.aid.urls_reports")),
]
