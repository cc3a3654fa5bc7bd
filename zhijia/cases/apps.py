from django.apps import AppConfig


class CasesConfig(AppConfig):
    name = "zhijia.cases"
    label = "cases"
    verbose_name = "维权服务"
    default_auto_field = "django.db.models.BigAutoField"
