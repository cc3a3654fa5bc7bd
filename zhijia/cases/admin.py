"""Back office for what staff configure: routing rules, deadlines, warning thresholds, partner agencies
and their users, the legal-aid roster. Tickets themselves are handled on the staff pages, which go
through the services (state machine, audit); the admin does not edit them."""

from django.contrib import admin

from zhijia.core.admin import SuperuserAdmin

from .models import Agency, AgencyMembership, DeadlineRule, LegalAidProvider, RoutingRule, WarningSettings


@admin.register(RoutingRule)
class RoutingRuleAdmin(SuperuserAdmin):
    list_display = ["division_prefix", "union", "active", "note"]
    list_filter = ["active"]
    search_fields = ["division_prefix", "union__name"]
    raw_id_fields = ["union"]


@admin.register(DeadlineRule)
class DeadlineRuleAdmin(SuperuserAdmin):
    list_display = ["complexity", "step", "working_days"]
    list_editable = ["working_days"]
    list_filter = ["complexity"]


@admin.register(WarningSettings)
class WarningSettingsAdmin(SuperuserAdmin):
    list_display = ["__str__", "repeat_count", "repeat_days", "mass_workers", "festival_weeks"]

    def has_add_permission(self, request):
        return super().has_add_permission(request) and not WarningSettings.objects.exists()


class AgencyMembershipInline(admin.TabularInline):
    model = AgencyMembership
    raw_id_fields = ["user"]
    extra = 1
    verbose_name = "人员"
    verbose_name_plural = "人员"


@admin.register(Agency)
class AgencyAdmin(SuperuserAdmin):
    list_display = ["name", "kind", "division_code", "active"]
    list_filter = ["kind", "active"]
    search_fields = ["name", "division_code"]
    inlines = [AgencyMembershipInline]


@admin.register(LegalAidProvider)
class LegalAidProviderAdmin(SuperuserAdmin):
    list_display = ["name", "kind", "organization", "union", "active"]
    list_filter = ["kind", "active"]
    search_fields = ["name", "organization"]
    raw_id_fields = ["union"]
