"""The 维权统计 pages. No app_name: zhijia.cases.urls includes this inside its `cases` namespace
(reverse as cases:dashboard and cases:dashboard_export)."""

from django.urls import path

from . import views_dashboard

urlpatterns = [
    path("dashboard/", views_dashboard.dashboard, name="dashboard"),
    path("dashboard/export.xlsx", views_dashboard.dashboard_export_xlsx, name="dashboard_export"),
]
