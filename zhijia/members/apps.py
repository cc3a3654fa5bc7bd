from django.apps import AppConfig


class MembersConfig(AppConfig):
    name = "zhijia.members"
    label = "members"
    verbose_name = "会员管理"

    def ready(self):
        from . import handlers  # noqa: F401
