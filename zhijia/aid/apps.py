from django.apps import AppConfig


class AidConfig(AppConfig):
    name = "zhijia.aid"
    label = "aid"
    verbose_name = "困难帮扶"
    default_auto_field = "django.db.models.BigAutoField"
