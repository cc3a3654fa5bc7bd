"""Pages of hardship aid: workers' (apply, follow), reviewers' (queue, decide), staff back office (files,
campaigns, payments) and reports with the public notice lists."""

from django.urls import include, path
from django.views.generic import RedirectView

from . import views

app_name = "aid"
urlpatterns = [
    # Workers
    path("", views.home, name="home"),
    path("apply/<int:campaign_id>/", views.apply, name="apply"),
    path("my/<str:number>/", views.my_application, name="my_application"),
    path("files/<str:number>/", views.my_file, name="my_file"),
    path("documents/<str:number>/<int:document_id>/", views.document, name="document"),
    # Reviewers
    path("review/", views.review_queue, name="review_queue"),
    path("review/bulk/<int:campaign_id>/", views.review_bulk, name="review_bulk"),
    path("review/<str:number>/", views.review_detail, name="review_detail"),
    path("review/<str:number>/reveal/", views.review_reveal, name="review_reveal"),
    # Notifications sent to reviewers link here (see services.applications._notify_reviewers).
    path("staff/applications/<str:number>/", RedirectView.as_view(pattern_name="aid:review_detail"),
         name="staff_application"),
    path("", include("zhijia.aid.urls_staff")),
    path("", include("zhijia.aid.urls_reports")),
]
