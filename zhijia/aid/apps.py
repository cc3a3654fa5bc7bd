from django.apps import AppConfig


class AidConfig(AppConfig):
    name = "zhijia.aid"
    label = "aid"
    verbose_name = "困难帮扶"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from zhijia.org.pickers import register

        from .selectors import campaign_host_unions, file_unions, report_unions

        register("aid.file_unions", file_unions)
        register("aid.campaign_hosts", campaign_host_unions)
        register("aid.report", report_unions)
