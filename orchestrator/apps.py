from django.apps import AppConfig


class OrchestratorConfig(AppConfig):
    name = "orchestrator"
    verbose_name = "Kubernetes Playground cluster"
    default_auto_field = "django.db.models.BigAutoField"
