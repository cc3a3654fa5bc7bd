from django.apps import AppConfig


class JobsConfig(AppConfig):
    name = "zhijia.jobs"
    label = "jobs"
    verbose_name = "就业帮扶"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from . import signals  # noqa: F401  keeps the matching index in step with the tables
