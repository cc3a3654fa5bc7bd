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
    path("files/new/", views.my_file_new, name="my_file_new"),  # before files/<number>/, which would take "new"
    path("files/preview/", views.my_file_preview, name="my_file_preview"),  # likewise
    path("files/<str:number>/", views.my_file, name="my_file"),
    path("files/<str:number>/edit/", views.my_file_edit, name="my_file_edit"),
    # A file's documents, for the worker who filed it and for staff (the staff detail page links here too).
    path("files/<str:number>/documents/<int:document_id>/", views.file_document, name="file_document"),
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
