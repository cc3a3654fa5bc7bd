"""The admin asks the same domain policies as the pages and API, and writes through the same services.

- Lists: superusers see everything; everyone else `policy.scope(user, action, qs)`.
- Change: `policy.can(user, change_action, obj)`; the save runs the domain service (validation,
  permission, audit in one place) and its refusal is shown beside the field.
- Delete: `policy.can(user, "delete", obj)`. No domain grants "delete" (records are retired through
  status changes so history and audit stay whole), so deletion is refused, failing closed.
"""

import datetime
import json

from django import forms
from django.contrib import admin
from django.utils import timezone

from .errors import ZhijiaError
from .models import AuditLog, CalendarDay
from .permissions import audit_policy


class PolicyAdmin(admin.ModelAdmin):
    policy = None
    view_action = "view"
    change_action: str | None = None  # None: read-only in the admin
    add_action: str | None = None

    def get_queryset(self, request):
        qs = super().get_queryset(request)
        if request.user.is_superuser:
            return qs
        return self.scope(request, qs)

    def scope(self, request, qs):
        return self.policy.scope(request.user, self.view_action, qs)

    def has_module_permission(self, request):
        return request.user.is_superuser or self.policy.allows(request.user, self.view_action)

    def has_view_permission(self, request, obj=None):
        if request.user.is_superuser:
            return True
        if obj is None:
            return self.policy.allows(request.user, self.view_action)
        return self.policy.can(request.user, self.view_action, obj)

    def has_change_permission(self, request, obj=None):
        if self.change_action is None:
            return False
        if obj is None:
            return self.policy.allows(request.user, self.change_action)
        return self.policy.can(request.user, self.change_action, obj)

    def has_add_permission(self, request):
        return self.add_action is not None and self.policy.allows(request.user, self.add_action)

    def has_delete_permission(self, request, obj=None):
        return self.policy.can(request.user, "delete", obj)

    def get_form(self, request, obj=None, **kwargs):
        form = super().get_form(request, obj, **kwargs)
        if issubclass(form, ServiceForm):
            form = type(form.__name__, (form,), {"actor": request.user})
        return form

    def save_model(self, request, obj, form, change):
        if not isinstance(form, ServiceForm):
            super().save_model(request, obj, form, change)
        # A ServiceForm has already saved through its service.

    def save_related(self, request, form, formsets, change):
        if not isinstance(form, ServiceForm):
            super().save_related(request, form, formsets, change)


def _readable(value):
    # The admin prints callables' values with str(); give times in local time and JSON in Chinese.
    if isinstance(value, datetime.datetime):
        return timezone.localtime(value).strftime("%Y-%m-%d %H:%M:%S")
    if isinstance(value, bool):
        return "是" if value else "否"
    if isinstance(value, (dict, list)):
        return json.dumps(value, ensure_ascii=False)
    return "—" if value is None else value


def shown(name: str, label: str, *, sortable: bool = True):
    """A read-only admin column/field with a Chinese label, for model fields declared without one
    (or for properties such as the masked 身份证号; pass sortable=False for those)."""

    def show(obj):
        display = getattr(obj, f"get_{name}_display", None)
        return _readable(display() if callable(display) else getattr(obj, name))

    show.__name__ = f"show_{name}"
    return admin.display(description=label, ordering=name if sortable else None)(show)


class ServiceForm(forms.ModelForm):
    """An admin form saved by a domain service instead of `Model.save()`.

    The service runs in `clean()` so a refusal (ZhijiaError) can be shown beside its field; the
    admin wraps the whole request in a transaction. `clean()` deliberately does not call
    ModelForm.clean(): uniqueness is the service's to judge, with its own Chinese message.
    """

    actor = None

    def run_service(self, data: dict):
        raise NotImplementedError

    def clean(self):
        data = self.cleaned_data
        if self.errors:
            return data
        try:
            self.saved_object = self.run_service(data)
        except ZhijiaError as exc:
            self.add_error(exc.field if exc.field in self.fields else None, exc.message)
        return data

    def save(self, commit=True):
        self.save_m2m = lambda: None
        return self.saved_object


AUDIT_COLUMNS = {
    "created_at": shown("created_at", "时间"),
    "actor_name": shown("actor_name", "操作人"),
    "action_label": shown("action_label", "操作", sortable=False),
    "action": shown("action", "操作代码"),
    "object_type": shown("object_type", "对象类型"),
    "object_id": shown("object_id", "对象编号"),
    "object_repr": shown("object_repr", "对象"),
    "union_id": shown("union_id", "工会编号"),
    "union_path": shown("union_path", "工会路径"),
    "before": shown("before", "变更前"),
    "after": shown("after", "变更后"),
    "request_id": shown("request_id", "请求编号"),
}


@admin.register(AuditLog)
class AuditLogAdmin(PolicyAdmin):
    policy = audit_policy
    list_display = [
        AUDIT_COLUMNS[name] for name in ("created_at", "actor_name", "action_label", "object_repr", "union_id")
    ]
    list_display_links = [AUDIT_COLUMNS["created_at"]]
    list_filter = ["action"]
    search_fields = ["=actor_name", "=object_id", "=request_id"]
    date_hierarchy = "created_at"
    fields = readonly_fields = list(AUDIT_COLUMNS.values())

    def has_add_permission(self, request):
        return False


@admin.register(CalendarDay)
class SuperuserAdmin(admin.ModelAdmin):
    """National configuration kept by system superusers (calendar, routing, deadlines, agencies)."""

    def _superuser(self, request, obj=None) -> bool:
        return request.user.is_active and request.user.is_superuser

    has_module_permission = has_view_permission = has_change_permission = _superuser
    has_add_permission = has_delete_permission = _superuser


class CalendarDayAdmin(SuperuserAdmin):
    """The working-day calendar is national data: system superusers keep it (e.g. next year's 调休)."""

    list_display = ["date", "kind", "name"]
    list_filter = ["kind"]
    date_hierarchy = "date"
    search_fields = ["name"]
