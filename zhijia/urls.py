from django.conf import settings
from django.contrib import admin
from django.urls import include, path

from .api import api

admin.site.site_header = "职工之家 · 管理后台"
admin.site.site_title = "职工之家"

urlpatterns = [
    path("api/", api.urls),
    path("admin/", admin.site.urls),
    path("accounts/", include("zhijia.accounts.urls")),
    path("org/", include("zhijia.org.urls")),
    path("cases/", include("zhijia.cases.urls")),
    path("legal/", include("zhijia.legal.urls")),
    path("aid/", include("zhijia.aid.urls")),
    path("jobs/", include("zhijia.jobs.urls")),
    path("", include("zhijia.members.urls")),
    path("", include("zhijia.core.urls")),
]

if settings.DEBUG:
    from django.conf.urls.static import static

    urlpatterns += static(settings.MEDIA_URL, document_root=settings.MEDIA_ROOT)
