"""Pages under /jobs/: the seeker's, the employer account's (employer/) and union staff's (staff/)."""

from django.urls import path

from . import views, views_staff

urlpatterns = [
    # Job seekers (a vacancy is public while it is published)
    path("", views.home, name="home"),
    path("profile/", views.profile, name="profile"),
    path("vacancies/<int:vacancy_id>/", views.vacancy, name="vacancy"),
    path("vacancies/<int:vacancy_id>/apply/", views.apply, name="apply"),
    path("applications/", views.applications, name="applications"),
    # Employer accounts (notifications of new applicants and referrals link to employer/vacancies/<id>/)
    path("employer/", views.employer_home, name="employer_home"),
    path("employer/vacancies/new/", views.employer_vacancy_new, name="employer_vacancy_new"),
    path("employer/vacancies/<int:vacancy_id>/", views.employer_vacancy, name="employer_vacancy"),
    path("employer/vacancies/<int:vacancy_id>/edit/", views.employer_vacancy_edit, name="employer_vacancy_edit"),
    # Union staff
    path("staff/", views_staff.staff_seekers, name="staff_seekers"),
    path("staff/seekers/new/", views_staff.staff_seeker_new, name="staff_seeker_new"),
    path("staff/seekers/<int:seeker_id>/", views_staff.staff_seeker, name="staff_seeker"),
    path("staff/seekers/<int:seeker_id>/edit/", views_staff.staff_seeker_edit, name="staff_seeker_edit"),
    path("staff/seekers/<int:seeker_id>/reveal/", views_staff.staff_seeker_reveal, name="staff_seeker_reveal"),
    path("staff/referrals/", views_staff.staff_refer, name="staff_refer"),
    path("staff/vacancies/", views_staff.staff_vacancies, name="staff_vacancies"),
    path("staff/vacancies/new/", views_staff.staff_vacancy_new, name="staff_vacancy_new"),
    path("staff/vacancies/<int:vacancy_id>/", views_staff.staff_vacancy, name="staff_vacancy"),
    path("staff/vacancies/<int:vacancy_id>/edit/", views_staff.staff_vacancy_edit, name="staff_vacancy_edit"),
    path("staff/employers/", views_staff.staff_employers, name="staff_employers"),
    path("staff/employers/new/", views_staff.staff_employer_new, name="staff_employer_new"),
]
