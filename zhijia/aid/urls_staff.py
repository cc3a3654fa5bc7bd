"""Staff back office under /aid/staff/: household files, campaigns, disbursement batches."""

from django.urls import path

from . import views_staff as views

urlpatterns = [
    path("staff/files/", views.file_list, name="files"),
    path("staff/files/export/", views.file_export, name="files_export"),
    path("staff/files/new/", views.file_new, name="file_new"),
    path("staff/files/preview/", views.file_preview, name="file_preview"),
    path("staff/files/<str:number>/", views.file_detail, name="file_detail"),
    path("staff/files/<str:number>/edit/", views.file_edit, name="file_edit"),
    path("staff/files/<str:number>/reassess/", views.file_reassess, name="file_reassess"),
    path("staff/files/<str:number>/reveal/", views.file_reveal, name="file_reveal"),
    path("staff/campaigns/", views.campaign_list, name="campaigns"),
    path("staff/campaigns/new/", views.campaign_new, name="campaign_new"),
    path("staff/campaigns/<int:campaign_id>/", views.campaign_detail, name="campaign_detail"),
    path("staff/batches/<int:batch_id>/", views.batch_detail, name="batch_detail"),
    path("staff/batches/<int:batch_id>/bank.<str:fmt>", views.batch_bank_file, name="batch_bank_file"),
    path("staff/batches/<int:batch_id>/review.<str:fmt>", views.batch_review_file, name="batch_review_file"),
]
