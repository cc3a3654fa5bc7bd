"""Which union handles a ticket (分级负责、归口办理、属地管理).

1. The employer's own union: an active enterprise or institution union named after the employer.
2. Otherwise the locality: the active RoutingRule with the longest division-code prefix of the ticket's
   locality (staff configure these, e.g. a street union for its street, a park union for its park).
3. Otherwise the local federation: the 总工会 or 乡镇(街道)工会 whose division code is the ticket's
   county, then its city, then its province.
"""

from dataclasses import dataclass

from zhijia.core.errors import ErrorCode, ValidationFailed
from zhijia.org.models import Kind, Status, Union

from .models import RoutingRule


@dataclass(frozen=True)
class Route:
    union: Union
    reason: str


def _employer_union(employer_name: str) -> Union | None:
    name = employer_name.strip()
    if not name:
        return None
    candidates = [name if name.endswith("工会") else f"{name}工会"]
    return (
        Union.objects.filter(
            name__in=candidates, kind__in=[Kind.ENTERPRISE, Kind.INSTITUTION], status=Status.ACTIVE
        )
        .order_by("id")
        .first()
    )


def _rule_union(division_code: str) -> Union | None:
    prefixes = [division_code[:length] for length in range(2, 7)]
    rule = (
        RoutingRule.objects.select_related("union")
        .filter(division_prefix__in=prefixes, active=True, union__status=Status.ACTIVE)
        .order_by("-division_prefix")
        .first()
    )
    return rule.union if rule else None


def _federation_union(division_code: str) -> Union | None:
    for code in dict.fromkeys([division_code, division_code[:4] + "00", division_code[:2] + "0000"]):
        union = (
            Union.objects.filter(division_code=code, kind__in=[Kind.FEDERATION, Kind.TOWNSHIP], status=Status.ACTIVE)
            .order_by("-depth", "id")
            .first()
        )
        if union is not None:
            return union
    return None


def route_ticket(*, employer_name: str, division_code: str) -> Route:
    union = _employer_union(employer_name)
    if union is not None:
        return Route(union, "用人单位已建工会，由本单位工会承办")
    union = _rule_union(division_code)
    if union is not None:
        return Route(union, "按属地分派规则分派")
    union = _federation_union(division_code)
    if union is not None:
        return Route(union, "用人单位未建工会，由属地总工会承办")
    raise ValidationFailed(ErrorCode.NO_HANDLING_UNION, "该地区暂无可承办的工会，请核对所在地区", field="division_code")
