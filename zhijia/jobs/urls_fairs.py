"""Job fairs (招聘会) and the employment-help report (就业帮扶统计)."""

from django.urls import path

from . import views_fairs

urlpatterns = [
    path("fairs/", views_fairs.fair_list, name="fairs"),
    path("fairs/new/", views_fairs.fair_new, name="fair_new"),
    path("fairs/<int:fair_id>/", views_fairs.fair_detail, name="fair_detail"),
    path("fairs/<int:fair_id>/vacancies/", views_fairs.fair_add_vacancies, name="fair_add_vacancies"),
    path("fairs/<int:fair_id>/register/", views_fairs.fair_register, name="fair_register"),
    path("fairs/<int:fair_id>/sheet/<int:seeker_id>/", views_fairs.fair_sheet, name="fair_sheet"),
    path("fairs/<int:fair_id>/sheet/<int:seeker_id>/pdf/", views_fairs.fair_sheet_pdf, name="fair_sheet_pdf"),
    path("fairs/<int:fair_id>/matches.xlsx", views_fairs.fair_matches_xlsx, name="fair_matches_xlsx"),
    path("report/", views_fairs.report, name="report"),
    path("report/export.xlsx", views_fairs.report_export, name="report_export"),
]
