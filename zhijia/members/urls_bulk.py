"""Bulk import/export pages, included into the members namespace."""

from django.urls import path

from . import views_bulk

urlpatterns = [
    path("members/import/", views_bulk.bulk_import, name="bulk_import"),
    path("members/import/template/", views_bulk.bulk_import_template, name="bulk_import_template"),
    path("members/import/<int:job_id>/", views_bulk.bulk_import_job, name="bulk_import_job"),
    path("members/import/<int:job_id>/progress/", views_bulk.bulk_import_job_progress, name="bulk_import_job_progress"),
    path("members/import/<int:job_id>/errors/", views_bulk.bulk_import_errors, name="bulk_import_errors"),
    path("members/export/", views_bulk.bulk_export, name="bulk_export"),
]
