from django.contrib import admin
from django.urls import include, path

from orchestrator import views

urlpatterns = [
    path("", views.index, name="index"),
    path("healthz", views.healthz, name="healthz"),
    path("teacher/", views.teacher, name="teacher"),
    path("teacher/overview.json", views.teacher_overview, name="teacher-overview"),
    path("admin/", admin.site.urls),
    path("", include("orchestrator.api.urls")),
]
