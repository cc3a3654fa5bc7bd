"""Reads of the union tree."""

from django.db.models import Q, QuerySet

from .models import OPEN_KINDS, Status, Union
from .permissions import policy


def significant_division_prefix(code: str) -> str:
    """"320500" -> "3205", "320000" -> "32": the part of a division code that names the area."""
    code = code.strip()
    while len(code) > 2 and code.endswith("00"):
        code = code[:-2]
    return code


def union_search_for_joining(*, query: str = "", division_prefix: str = "", flexible: bool = False) -> QuerySet:
    """Public search used by workers looking for a union to join: by employer/union name or by place."""
    from .models import MEMBER_KINDS

    qs = Union.objects.filter(status=Status.ACTIVE, kind__in=OPEN_KINDS if flexible else MEMBER_KINDS)
    if query:
        qs = qs.filter(Q(name__icontains=query) | Q(address__icontains=query))
    if division_prefix:
        qs = qs.filter(division_code__startswith=significant_division_prefix(division_prefix))
    return qs.order_by("name")


def union_list(*, actor, query: str = "") -> QuerySet:
    qs = policy.scope(actor, "view", Union.objects.all())
    if query:
        qs = qs.filter(name__icontains=query)
    return qs.order_by("path")


def union_subtree(union: Union) -> QuerySet:
    return Union.objects.filter(path__startswith=union.path)
