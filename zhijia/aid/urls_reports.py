"""帮扶统计 (staff) and the public notice pages. No app_name: zhijia.aid.urls includes this inside its `aid`
namespace (reverse as aid:reports, aid:notice, …)."""

from django.urls import path

from . import views_reports

urlpatterns = [
    path("reports/", views_reports.reports, name="reports"),
    path("reports/export.xlsx", views_reports.reports_export, name="reports_export"),
    path("notice/", views_reports.notice, name="notice"),
    path("notice/campaign/<int:campaign_id>/", views_reports.notice_campaign, name="notice_campaign"),
    path("notice/campaign/<int:campaign_id>/notice.xlsx", views_reports.notice_campaign_xlsx,
         name="notice_campaign_xlsx"),
    path("notice/files/<int:union_id>/", views_reports.notice_files, name="notice_files"),
]
