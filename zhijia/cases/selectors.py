"""Reads of tickets, already scoped: staff see their union's subtree, workers their own tickets,
agencies only what was referred to them, and anyone the public progress of one ticket they can name."""

import datetime
from dataclasses import dataclass

from django.db.models import Count, Q, QuerySet
from django.utils import timezone

from zhijia.core.errors import NotFound
from zhijia.core.pii import lookup_hash
from zhijia.core.workdays import add_working_days
from zhijia.org.models import Union
from zhijia.org.selectors import union_list

from .collab import agency_ids
from .models import OPEN_STATUSES, Referral, RiskWarning, Ticket
from .permissions import ticket_policy, warning_policy

SORTS = {
    "-created_at": ("-created_at", "-id"),
    "created_at": ("created_at", "id"),
    "step_due_on": ("step_due_on", "id"),
    "-step_due_on": ("-step_due_on", "-id"),
}


def _narrow(qs: QuerySet, union: Union | None, scope: Q | None) -> QuerySet:
    if union is None:
        return qs
    narrow = Q(union__path__startswith=union.path)
    if union.province_id is not None:
        narrow &= Q(province_id=union.province_id)
    return qs.filter(narrow) if narrow != scope else qs


@dataclass
class TicketFilters:
    q: str = ""
    status: str = ""
    type: str = ""
    topic: str = ""
    overdue: bool = False
    open_only: bool = False
    sort: str = "-created_at"


def ticket_list(*, actor, union: Union | None = None, filters: TicketFilters | None = None, action: str = "list") -> QuerySet:
    """Tickets the actor may list, optionally narrowed to a union's subtree.

    The search matches 工单号 by prefix, the complainant's mobile exactly (keyed hash), or the employer by prefix.
    """
    filters = filters or TicketFilters()
    scope = ticket_policy.scope_q(actor, action)
    qs = Ticket.objects.filter(scope) if scope is not None else Ticket.objects.none()
    qs = _narrow(qs, union, scope)
    if filters.status:
        qs = qs.filter(status=filters.status)
    if filters.open_only:
        qs = qs.filter(status__in=OPEN_STATUSES)
    if filters.type:
        qs = qs.filter(type=filters.type)
    if filters.topic:
        qs = qs.filter(topic=filters.topic)
    if filters.overdue:
        qs = qs.filter(step_due_on__lt=timezone.localdate())
    q = (filters.q or "").strip()
    if q:
        if q.upper().startswith("WQ"):
            qs = qs.filter(number__startswith=q.upper())
        elif len(q) == 11 and q.isdigit():
            qs = qs.filter(phone_hash=lookup_hash(q))
        else:
            qs = qs.filter(employer_name__startswith=q)
    return qs.select_related("union", "handler").order_by(*SORTS.get(filters.sort, SORTS["-created_at"]))


def ticket_get(*, actor, number: str, action: str = "view") -> Ticket:
    return ticket_policy.get_or_404(actor, action, Ticket.objects.select_related("union", "handler", "escalated_to"),
                                    number=number)


def my_tickets(*, user) -> QuerySet:
    return Ticket.objects.filter(complainant_user=user).select_related("union").order_by("-created_at", "-id")


def ticket_public(*, number: str, phone: str) -> Ticket:
    """The ticket a worker names by its number and the mobile given when filing; anything else is NotFound
    (a number alone must not reveal a stranger's ticket)."""
    phone = (phone or "").strip()
    ticket = Ticket.objects.select_related("union").filter(number=(number or "").strip().upper()).first()
    if ticket is None or len(phone) != 11 or ticket.phone_hash != lookup_hash(phone):
        raise NotFound("未找到该工单，请核对工单号和手机号码")
    return ticket



# ---- The overdue board -------------------------------------------------------------------------------


@dataclass
class Board:
    overdue_total: int
    near_total: int
    tickets: list
    by_union: list  # (union, overdue count) for the unions directly below the board's union


def overdue_board(*, actor, union: Union, show: str = "overdue", limit: int = 50, today: datetime.date | None = None) -> Board:
    """Open tickets past (or within a working day of) their step deadline under `union`, most overdue first,
    with the overdue count per child union. Uses the partial (province_id, step_due_on) index."""
    today = today or timezone.localdate()
    near = add_working_days(today, 1)
    scope = ticket_policy.scope_q(actor, "list")
    if scope is None:
        raise NotFound()
    # No explicit `step_due_on IS NOT NULL`: `<`/`>=` imply it, and repeating it skews the row estimate.
    base = _narrow(Ticket.objects.filter(scope), union, scope)
    overdue = base.filter(step_due_on__lt=today)
    near_qs = base.filter(step_due_on__gte=today, step_due_on__lte=near)
    shown = near_qs if show == "near" else overdue
    tickets = list(shown.select_related("union", "handler").order_by("step_due_on", "id")[:limit])
    children = {str(child.pk): child for child in Union.objects.filter(parent=union).order_by("name")}
    counts = dict.fromkeys(children, 0)
    overdue_total = 0
    # COUNT(*) grouped by the union path (joined for the scope anyway): an index-only scan of the covering
    # ticket_overdue_idx, and each child found by path prefix without a second query.
    for path, count in overdue.values_list("union__path").annotate(n=Count("*")).order_by():
        overdue_total += count
        child = path[len(union.path):].split("/", 1)[0]  # "/1/2/" + "3/15/" -> "3"
        if child in counts:
            counts[child] += count
    by_union = sorted(((children[pk], n) for pk, n in counts.items() if n), key=lambda pair: -pair[1])
    return Board(overdue_total=overdue_total, near_total=near_qs.count(), tickets=tickets, by_union=by_union)


# ---- Warnings and agencies ------------------------------------------------------------------------------


def warning_list(*, actor, status: str = "") -> QuerySet:
    qs = warning_policy.scope(actor, "list", RiskWarning.objects.all())
    if status:
        qs = qs.filter(status=status)
    return qs.select_related("union").order_by("-created_at", "-id")


def warning_get(*, actor, warning_id: int) -> RiskWarning:
    return warning_policy.get_or_404(actor, "view", RiskWarning.objects.select_related("union"), pk=warning_id)


def agency_referrals(*, user, status: str = "") -> QuerySet:
    qs = Referral.objects.filter(agency_id__in=agency_ids(user))
    if status:
        qs = qs.filter(status=status)
    return qs.select_related("ticket", "agency").order_by("-referred_at", "-id")


def agency_referral_get(*, user, referral_id: int) -> Referral:
    referral = agency_referrals(user=user).filter(pk=referral_id).first()
    if referral is None:
        raise NotFound()
    return referral


# ---- Pickers for staff forms -------------------------------------------------------------------------------


def transfer_targets(*, actor, ticket: Ticket, limit: int = 300) -> list[Union]:
    """Where a ticket may be sent: up to the parent union, across to its other children (a grassroots union
    handing a case to the street or industry federation beside it), or anywhere in the actor's own reach."""
    from zhijia.org.selectors import union_list

    parent_path = ticket.union.path.rsplit("/", 2)[0] + "/" if ticket.union.parent_id else ticket.union.path
    nearby = Union.objects.filter(path__startswith=parent_path, depth__lte=ticket.union.depth, status="active")
    reach = union_list(actor=actor).filter(status="active")
    targets: dict[int, Union] = {}
    for union in list(nearby.order_by("depth", "name")[:limit]) + list(reach.order_by("depth", "name")[:limit]):
        if union.pk != ticket.union_id:
            targets.setdefault(union.pk, union)
    return list(targets.values())


def employer_suggestions(*, actor, prefix: str, limit: int = 8) -> list[tuple[str, str, str]]:
    """(employer name, division code, why) for what a hotline operator has typed: employers with a union of
    their own first, then employers of earlier tickets the operator may see."""
    prefix = (prefix or "").strip()
    if len(prefix) < 2:
        return []
    employers = Union.objects.filter(kind__in=["enterprise", "institution"], status="active")
    unions = list(employers.filter(name__startswith=prefix).order_by("name")[:limit])
    if len(unions) < limit:
        # Callers rarely say the city: "精工" for 苏州精工机械. Anywhere in the name, within the operator's reach
        # (a province's unions at most, not the whole country's table).
        inside = union_list(actor=actor).filter(kind__in=["enterprise", "institution"], status="active",
                                                 name__contains=prefix).exclude(pk__in=[u.pk for u in unions])
        unions += list(inside.order_by("name")[: limit - len(unions)])
    results = [(u.name.removesuffix("工会"), u.division_code, "已建工会") for u in unions]
    seen = {name for name, _, _ in results}
    earlier = (
        ticket_list(actor=actor).filter(employer_name__startswith=prefix)
        .values_list("employer_name", "division_code").order_by().distinct()[:limit]
    )
    for name, code in earlier:
        if name not in seen:
            results.append((name, code, "有工单记录"))
            seen.add(name)
    return results
