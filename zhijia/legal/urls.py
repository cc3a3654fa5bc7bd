from django.urls import include, path

from . import views, views_calc

app_name = "legal"
urlpatterns = [
    path("", views.ask, name="ask"),
    path("q/<int:query_id>/feedback/", views.feedback, name="feedback"),
    path("q/<int:query_id>/handoff/", views.handoff, name="handoff"),
    path("calc/", views_calc.calculators, name="calculators"),
    path("laws/", views.law_list, name="law_list"),
    path("laws/<int:law_id>/", views.law_detail, name="law_detail"),
    path("articles/<int:article_id>/", views.article, name="article"),
    path("", include("zhijia.legal.urls_docs")),
]
