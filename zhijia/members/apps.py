from django.apps import AppConfig


class MembersConfig(AppConfig):
    name = "zhijia.members"
    label = "members"
    verbose_name = "会员管理"

    def ready(self):
        from zhijia.org.pickers import register

        from . import handlers  # noqa: F401
        from .selectors import accepting_unions

        register("members.accepting", accepting_unions)
