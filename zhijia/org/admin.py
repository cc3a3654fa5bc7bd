"""Admin for the union tree, scoped and saved through the org policy and services."""

from django.contrib import admin

from zhijia.core.admin import PolicyAdmin, ServiceForm, shown

from . import services
from .models import Union
from .permissions import policy
from .selectors import union_list

PARENT = shown("parent", "上级工会")


class UnionAdminForm(ServiceForm):
    class Meta:
        model = Union
        fields = [
            "name",
            "kind",
            "level",
            "parent",
            "division_code",
            "credit_code",
            "address",
            "chair_name",
            "established_on",
            "status",
        ]

    def run_service(self, data):
        union_data = services.UnionData(
            name=data["name"],
            kind=data["kind"],
            level=data["level"],
            division_code=data["division_code"],
            credit_code=data.get("credit_code") or None,
            address=data.get("address") or "",
            chair_name=data.get("chair_name") or "",
            established_on=data.get("established_on"),
            status=data["status"],
        )
        if self.instance.pk:
            return services.union_update(actor=self.actor, union=self.instance, data=union_data)
        return services.union_create(actor=self.actor, parent=data.get("parent"), data=union_data)


@admin.register(Union)
class UnionAdmin(PolicyAdmin):
    policy = policy
    change_action = "update"
    add_action = "create"
    form = UnionAdminForm
    list_display = ["name", "kind", "level", "division_code", "status"]
    list_filter = ["level", "kind", "status"]
    search_fields = ["^name", "=credit_code", "^division_code"]
    show_full_result_count = False  # a COUNT(*) over a province's unions on every page is not worth it

    def get_readonly_fields(self, request, obj=None):
        # Moving a union re-paths its whole subtree: that is union_move, on the union page.
        return [PARENT] if obj is not None else []

    def get_fields(self, request, obj=None):
        fields = list(UnionAdminForm.Meta.fields)
        if obj is not None:
            fields[fields.index("parent")] = PARENT
        return fields

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name == "parent" and not request.user.is_superuser:
            kwargs["queryset"] = union_list(actor=request.user)
        return super().formfield_for_foreignkey(db_field, request, **kwargs)
