from django.urls import include, path

from . import views

app_name = "cases"
urlpatterns = [
    # Workers and guests
    path("", views.home, name="home"),
    path("new/", views.ticket_new, name="new"),
    path("new/verify/", views.verify_send, name="verify_send"),
    path("new/suggest/", views.suggest, name="suggest"),
    path("filed/<str:number>/", views.filed, name="filed"),
    path("track/", views.track, name="track"),
    path("mine/", views.my_tickets, name="my_tickets"),
    path("mine/<str:number>/", views.my_ticket, name="my_ticket"),
    # Staff
    path("staff/", views.staff_list, name="staff_list"),
    path("staff/export.xlsx", views.staff_export, name="staff_export"),
    path("staff/<str:number>/", views.staff_detail, name="staff_detail"),
    path("staff/<str:number>/reveal/", views.staff_reveal, name="staff_reveal"),
    path("staff/<str:number>/files/<int:attachment_id>/", views.attachment_download, name="attachment"),
    path("staff/<str:number>/agreement.pdf", views.agreement_pdf, name="agreement_pdf"),
    path("hotline/", views.hotline, name="hotline"),
    path("hotline/employers/", views.employer_search, name="employer_search"),
    path("overdue/", views.overdue, name="overdue"),
    path("warnings/", views.warning_list, name="warning_list"),
    path("warnings/<int:warning_id>/", views.warning_detail, name="warning_detail"),
    # Partner agencies
    path("agency/", views.agency_list, name="agency_list"),
    path("agency/<int:referral_id>/", views.agency_detail, name="agency_detail"),
    path("", include("zhijia.cases.urls_dashboard")),
]
