from django.apps import AppConfig


class OrgConfig(AppConfig):
    name = "zhijia.org"
    label = "org"
    verbose_name = "工会组织"
