"""劳动法治体检 and 一函两书 pages; included by zhijia/legal/urls.py inside the `legal` namespace."""

from django.urls import path

from . import views_docs

urlpatterns = [
    path("checkup/", views_docs.checkup, name="checkup"),
    path("checkup/reports/", views_docs.checkup_list, name="checkup_list"),
    path("checkup/<int:checkup_id>/", views_docs.checkup_report, name="checkup_report"),
    path("checkup/<int:checkup_id>/pdf/", views_docs.checkup_pdf, name="checkup_pdf"),
    path("letters/", views_docs.letter_list, name="letter_list"),
    path("letters/new/", views_docs.letter_new, name="letter_new"),
    path("letters/<int:letter_id>/", views_docs.letter_edit, name="letter_edit"),
    path("letters/<int:letter_id>/pdf/", views_docs.letter_pdf, name="letter_pdf"),
]
