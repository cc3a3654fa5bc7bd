from django.apps import AppConfig


class LegalConfig(AppConfig):
    name = "zhijia.legal"
    label = "legal"
    verbose_name = "法务云"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from . import signals  # noqa: F401
