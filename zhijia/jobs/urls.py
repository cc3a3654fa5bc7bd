"""Pages of employment help: seekers' (profile, matches, applications), employers' (vacancies, applicants,
referrals), union staff's (seekers, vacancies, referrals), job fairs and the priority-group report."""

from django.urls import include, path

app_name = "jobs"
urlpatterns = [
    path("", include("zhijia.jobs.urls_pages")),
    path("", include("zhijia.jobs.urls_fairs")),
]
