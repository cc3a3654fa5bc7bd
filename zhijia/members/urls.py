from django.urls import include, path

from . import views

app_name = "members"
urlpatterns = [
    path("me/", views.my, name="my"),
    path("staff/", views.staff_home, name="staff_home"),
    # Bulk import/export pages live in their own module.
    path("", include("zhijia.members.urls_bulk")),
]
