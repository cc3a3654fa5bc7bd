from django.urls import path

from . import views

app_name = "members"
urlpatterns = [
    path("me/", views.my, name="my"),
    path("staff/", views.staff_home, name="staff_home"),
]
