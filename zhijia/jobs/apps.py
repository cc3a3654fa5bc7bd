from django.apps import AppConfig


class JobsConfig(AppConfig):
    name = "zhijia.jobs"
    label = "jobs"
    verbose_name = "就业帮扶"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from zhijia.org.pickers import register

        from . import signals  # noqa: F401  keeps the matching index in step with the tables
        from .selectors import fair_host_unions, report_unions

        register("jobs.fair_hosts", fair_host_unions)
        register("jobs.report", report_unions)
