"""The audit trail: one call records who did what to which object, with before/after snapshots.

Actions are registered so a typo in an action name fails loudly instead of writing an unfindable entry.
"""

import threading
from typing import Any

from django.db import models

from .models import AuditLog

ACTIONS: dict[str, str] = {}
_local = threading.local()


def register(name: str, label: str) -> str:
    ACTIONS[name] = label
    return name


def set_request_id(value: str | None) -> None:
    _local.request_id = value


def current_request_id() -> str:
    return getattr(_local, "request_id", None) or ""


def snapshot(obj: models.Model | None, fields: list[str] | None = None) -> dict[str, Any] | None:
    """A JSON-safe dict of an object's concrete fields. Encrypted fields are never copied in clear."""
    if obj is None:
        return None
    if hasattr(obj, "audit_snapshot"):
        return obj.audit_snapshot()
    data = {}
    for field in obj._meta.concrete_fields:
        if fields and field.name not in fields:
            continue
        value = getattr(obj, field.attname)
        data[field.attname] = value if isinstance(value, (int, float, bool, str, type(None))) else str(value)
    return data


def record(
    *,
    actor,
    action: str,
    obj: models.Model | None = None,
    union=None,
    before: dict | None = None,
    after: dict | None = None,
    object_type: str | None = None,
    object_id: str | int | None = None,
    object_repr: str | None = None,
) -> AuditLog:
    if action not in ACTIONS:
        raise KeyError(f"audit action {action!r} is not registered")
    if union is None and obj is not None:
        union = getattr(obj, "union", None)
    authenticated = actor is not None and getattr(actor, "is_authenticated", False)
    return AuditLog.objects.create(
        action=action,
        actor=actor if authenticated else None,
        actor_name=(actor.get_username() if authenticated else "匿名"),
        union_id=union.pk if union is not None else None,
        union_path=union.path if union is not None else "",
        province_id=union.province_id if union is not None else None,
        object_type=object_type or (obj._meta.label_lower if obj is not None else ""),
        object_id=str(object_id if object_id is not None else (obj.pk if obj is not None else "")),
        object_repr=(object_repr if object_repr is not None else (str(obj) if obj is not None else ""))[:200],
        before=before,
        after=after,
        request_id=current_request_id(),
    )
