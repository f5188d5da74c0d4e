from django.contrib import admin
from django.urls import include, path

urlpatterns = [
    path("admin/", admin.site.urls),
    path("api/", include("copilot.api.urls")),
    path("", include("copilot.accounts.urls")),
    path("", include("copilot.web.urls")),
]
