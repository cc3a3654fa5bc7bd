from django.apps import AppConfig


class CasesConfig(AppConfig):
    name = "zhijia.cases"
    label = "cases"
    verbose_name = "维权服务"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from zhijia.org.pickers import register

        from .permissions import ticket_policy

        register("cases.dashboard", lambda user: ticket_policy.unions(user, "dashboard"))
