from django.urls import include, path, re_path

from . import views

app_name = "members"
urlpatterns = [
    # Worker
    path("me/", views.my, name="my"),
    path("join/", views.join, name="join"),
    path("join/applications/<int:application_id>/withdraw/", views.application_withdraw, name="application_withdraw"),
    path("card/", views.card, name="card"),
    path("card/verify/<str:token>/", views.card_verify, name="card_verify"),
    path("transfer/", views.transfer_request, name="transfer_request"),
    path("transfer/<int:transfer_id>/cancel/", views.transfer_cancel, name="transfer_cancel"),
    # Staff
    path("staff/", views.staff_home, name="staff_home"),
    path("staff/members/", views.member_list, name="member_list"),
    path("staff/members/new/", views.member_create, name="member_create"),
    path("staff/members/<int:member_id>/", views.member_detail, name="member_detail"),
    path("staff/members/<int:member_id>/edit/", views.member_edit, name="member_edit"),
    path("staff/members/<int:member_id>/status/", views.member_change_status, name="member_change_status"),
    re_path(
        r"^staff/members/(?P<member_id>[0-9]+)/reveal/(?P<field>id_number|phone)/$",
        views.member_reveal,
        name="member_reveal",
    ),
    path("staff/applications/", views.application_list, name="application_list"),
    path("staff/applications/<int:application_id>/", views.application_detail, name="application_detail"),
    path("staff/applications/<int:application_id>/approve/", views.application_approve, name="application_approve"),
    path("staff/applications/<int:application_id>/reject/", views.application_reject, name="application_reject"),
    path("staff/transfers/", views.transfer_list, name="transfer_list"),
    path("staff/transfers/<int:transfer_id>/release/", views.transfer_release, name="transfer_release"),
    path("staff/transfers/<int:transfer_id>/accept/", views.transfer_accept, name="transfer_accept"),
    path("staff/transfers/<int:transfer_id>/reject/", views.transfer_reject, name="transfer_reject"),
    # Bulk import/export pages live in their own module.
    path("", include("zhijia.members.urls_bulk")),
]
