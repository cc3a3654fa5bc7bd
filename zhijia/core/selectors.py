"""Reads of the audit trail for pages, scoped by the audit policy."""

import datetime
from dataclasses import dataclass, field

from django.db.models import QuerySet
from django.utils import timezone

from . import audit
from .models import AuditLog
from .permissions import audit_policy


@dataclass
class AuditFilters:
    action: str = ""
    date_from: datetime.date | None = None
    date_to: datetime.date | None = None
    errors: dict = field(default_factory=dict)

    @classmethod
    def from_query(cls, params) -> "AuditFilters":
        """Read filters from a query string; unusable values are dropped and reported in Chinese."""
        filters = cls()
        action = (params.get("action") or "").strip()
        filters.action = action if action in audit.ACTIONS else ""
        for name in ("date_from", "date_to"):
            text = (params.get(name) or "").strip()
            if not text:
                continue
            try:
                setattr(filters, name, datetime.date.fromisoformat(text))
            except ValueError:
                filters.errors[name] = "日期格式应为 年-月-日，如 2026-01-31"
        if filters.date_from and filters.date_to and filters.date_from > filters.date_to:
            filters.errors["date_to"] = "结束日期不能早于开始日期"
            filters.date_to = None
        return filters


def audit_allowed(user) -> bool:
    return audit_policy.allows(user, "view")


def _day_start(day: datetime.date) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time.min))


def audit_list(*, actor, filters: AuditFilters | None = None) -> QuerySet:
    """Entries recorded in the unions the actor oversees, newest first."""
    qs = audit_policy.scope(actor, "view", AuditLog.objects.all())
    filters = filters or AuditFilters()
    if filters.action:
        qs = qs.filter(action=filters.action)
    # A datetime range (not __date) so the (province_id, created_at) index stays usable.
    if filters.date_from:
        qs = qs.filter(created_at__gte=_day_start(filters.date_from))
    if filters.date_to:
        qs = qs.filter(created_at__lt=_day_start(filters.date_to + datetime.timedelta(days=1)))
    return qs.order_by("-id")


def union_names(union_ids) -> dict[int, str]:
    """Names for the unions on one page of entries, in one query (audit rows keep only the id)."""
    from zhijia.org.models import Union

    if not union_ids:
        return {}
    return dict(Union.objects.filter(id__in=union_ids).values_list("id", "name"))
