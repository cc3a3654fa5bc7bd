from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "zhijia.core"
    label = "core"
    verbose_name = "公共基础"
