"""Admin for accounts: user accounts for superusers only; role grants scoped by the union policy."""

from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.contrib.auth.models import Group

from zhijia.core.admin import PolicyAdmin, ServiceForm, shown
from zhijia.core.pii import mask_phone
from zhijia.org.permissions import policy as union_policy
from zhijia.org.selectors import union_list

from . import services
from .models import ApiToken, RoleAssignment, User


class SuperuserOnly:
    """Accounts are not union-scoped (a worker belongs to no staff subtree), so only superusers manage them."""

    def has_module_permission(self, request):
        return request.user.is_active and request.user.is_superuser

    def has_view_permission(self, request, obj=None):
        return request.user.is_active and request.user.is_superuser

    def has_change_permission(self, request, obj=None):
        return request.user.is_active and request.user.is_superuser

    def has_add_permission(self, request):
        return request.user.is_active and request.user.is_superuser

    def has_delete_permission(self, request, obj=None):
        # Deleting an account would orphan its audit trail's actor; deactivate it instead.
        return False


# Permissions come from RoleAssignment through the domain policies, never from Django groups.
admin.site.unregister(Group)


@admin.register(User)
class UserAdmin(SuperuserOnly, DjangoUserAdmin):
    list_display = ["login_name", "display_name", "is_active", "is_staff", "last_login"]
    search_fields = ["=username", "^display_name"]
    fieldsets = [
        (None, {"fields": ["username", "password"]}),
        ("个人信息", {"fields": ["display_name", "email"]}),
        ("权限", {"fields": ["is_active", "is_staff", "is_superuser"]}),
        ("时间", {"fields": ["last_login", "date_joined"]}),
    ]
    readonly_fields = ["last_login", "date_joined"]

    @admin.display(description="账号", ordering="username")
    def login_name(self, obj):
        # Worker accounts log in with their mobile number: mask it in lists like any phone.
        return mask_phone(obj.username) if obj.username.isdigit() else obj.username


class RoleGrantForm(ServiceForm):
    class Meta:
        model = RoleAssignment
        fields = ["user", "union", "role"]

    def run_service(self, data):
        return services.role_grant(actor=self.actor, user=data["user"], union=data["union"], role=data["role"])


@admin.register(RoleAssignment)
class RoleAssignmentAdmin(PolicyAdmin):
    """Granting and revoking go through role_grant / role_revoke (policy action "manage_roles")."""

    policy = union_policy
    view_action = "manage_roles"
    add_action = "manage_roles"
    form = RoleGrantForm
    list_display = ["user", "role", "union", shown("created_at", "授权时间")]
    list_filter = ["role"]
    list_select_related = ["user", "union"]
    search_fields = ["^union__name", "^user__display_name"]
    raw_id_fields = ["user"]

    def scope(self, request, qs):
        unions = union_policy.scope(request.user, "manage_roles", union_list(actor=request.user))
        return qs.filter(union__in=unions.values("id"))

    def has_view_permission(self, request, obj=None):
        if obj is None or request.user.is_superuser:
            return super().has_view_permission(request, obj)
        return union_policy.can(request.user, "manage_roles", obj.union)

    def has_delete_permission(self, request, obj=None):
        if obj is None:
            return union_policy.allows(request.user, "manage_roles")
        return union_policy.can(request.user, "manage_roles", obj.union)

    def delete_model(self, request, obj):
        services.role_revoke(actor=request.user, assignment=obj)

    def delete_queryset(self, request, queryset):
        for assignment in queryset.select_related("union", "user"):
            services.role_revoke(actor=request.user, assignment=assignment)

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name == "union" and not request.user.is_superuser:
            kwargs["queryset"] = union_policy.scope(request.user, "manage_roles", union_list(actor=request.user))
        return super().formfield_for_foreignkey(db_field, request, **kwargs)


@admin.register(ApiToken)
class ApiTokenAdmin(SuperuserOnly, admin.ModelAdmin):
    """Read-only: tokens are issued and revoked through the API; the hash is never shown."""

    list_display = [
        "user",
        "name",
        shown("created_at", "创建时间"),
        shown("last_used_at", "最近使用"),
        shown("revoked", "已撤销"),
    ]
    fields = readonly_fields = [
        "user",
        "name",
        shown("created_at", "创建时间"),
        shown("last_used_at", "最近使用"),
        shown("revoked", "已撤销"),
    ]

    def has_change_permission(self, request, obj=None):
        return False

    def has_add_permission(self, request):
        return False
