from django.contrib import admin
from django.urls import include, path

from orchestrator import views

urlpatterns = [
    path("", views.index, name="index"),
    path("healthz", views.healthz, name="healthz"),
    path("admin/", admin.site.urls),
    path("", include("orchestrator.api.urls")),
]
