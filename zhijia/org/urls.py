from django.urls import path

from . import views

app_name = "org"
urlpatterns = [
    path("", views.union_list, name="union_list"),
    path("<int:union_id>/", views.union_detail, name="union_detail"),
    path("<int:union_id>/edit/", views.union_edit, name="union_edit"),
    path("<int:union_id>/new/", views.union_create, name="union_create"),
    path("<int:union_id>/move/", views.union_move, name="union_move"),
    path("unions/options/<str:purpose>/", views.union_options, name="union_options"),
]
