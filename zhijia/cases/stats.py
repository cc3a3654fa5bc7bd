"""The rights-protection dashboard (维权统计): figures over the tickets of a union's subtree created in a
date range. Every figure is a GROUP BY or a conditional count in the database, so the cost stays a handful
of indexed queries however many tickets a province holds; rates carry their numerator and denominator."""

import collections
import datetime

from django.db.models import Count, DateField, F, Q, QuerySet
from django.db.models.functions import TruncDate, TruncMonth
from django.utils import timezone

from zhijia.core.errors import ErrorCode, NotFound, ValidationFailed
from zhijia.core.policy import grants_for
from zhijia.org.models import Union
from zhijia.org.permissions import policy as union_policy

from .models import OPEN_STATUSES, Rating, TicketStatus, TicketType, Topic
from .permissions import ticket_policy
from .selectors import ticket_list

DEFAULT_DAYS = 90
DAILY_TREND_MAX_DAYS = 62
MAX_RANGE_DAYS = 5 * 366
TOP_EMPLOYERS = 10
# A reopened ticket keeps the resolved_at of its earlier closure; it only counts as closed once it is again.
CLOSED_STATUSES = (TicketStatus.RESOLVED, TicketStatus.CALLED_BACK, TicketStatus.ARCHIVED)
CONTENT_RATINGS = (Rating.SATISFIED, Rating.BASIC)


def dashboard_union(*, actor, union_id: int | str | None) -> Union:
    """The union a dashboard is about: the one named, if the actor may view it (else NotFound), or by
    default the highest union in which the actor holds a dashboard role."""
    ticket_policy.require(actor, "dashboard")
    if union_id in (None, ""):
        roles = ticket_policy.rules["dashboard"]
        grants = [grant for grant in grants_for(actor) if grant.role in roles]
        grants.sort(key=lambda grant: (grant.path.count("/"), grant.union_id))
        if not grants:
            raise NotFound("您没有可查看统计的工会")
        union_id = grants[0].union_id
    if not str(union_id).isdigit():
        raise NotFound(field="union")
    return union_policy.get_or_404(actor, "view", Union.objects.all(), pk=int(union_id))


def resolve_range(
    date_from: datetime.date | None, date_to: datetime.date | None, *, today: datetime.date | None = None
) -> tuple[datetime.date, datetime.date]:
    """Fill a missing end with today and a missing start with the 90 days up to the end; refuse a reversed
    or over-long range (named field, Chinese message)."""
    today = today or timezone.localdate()
    date_to = date_to or (today if date_from is None or date_from <= today else date_from)
    date_from = date_from or date_to - datetime.timedelta(days=DEFAULT_DAYS - 1)
    if date_from > date_to:
        raise ValidationFailed(ErrorCode.INVALID_DATE, "开始日期不能晚于结束日期", field="date_from")
    if (date_to - date_from).days >= MAX_RANGE_DAYS:
        raise ValidationFailed(ErrorCode.INVALID_DATE, "统计区间不能超过5年", field="date_from")
    return date_from, date_to


def _start_of(day: datetime.date) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time.min))


def _rate(numerator: int, denominator: int) -> dict:
    return {
        "numerator": numerator,
        "denominator": denominator,
        "rate": round(numerator / denominator, 4) if denominator else None,
        "percent": round(100 * numerator / denominator, 1) if denominator else None,
    }


class _Cells:
    """The counts per (type, topic, status): at most 5 × 10 × 8 rows whatever the number of tickets, so the
    breakdowns and headline totals are sums over these rows rather than one more scan of the tickets each."""

    def __init__(self, rows: list[dict]):
        self.rows = rows

    def total(self, measure: str) -> int:
        return sum(row[measure] for row in self.rows)

    def breakdown(self, field: str, choices) -> list[dict]:
        counts = collections.Counter()
        for row in self.rows:
            counts[row[field]] += row["n"]
        return [{"key": value, "label": label, "count": counts[value]} for value, label in choices]


def _cells(qs: QuerySet, today: datetime.date) -> _Cells:
    closed = Q(resolved_at__isnull=False, status__in=CLOSED_STATUSES)
    on_time = Q(due_on__isnull=True) | Q(resolved_at__date__lte=F("due_on"))
    rated = ~Q(rating="")
    rows = qs.values("type", "topic", "status").annotate(
        n=Count("id"),
        overdue=Count("id", filter=Q(status__in=OPEN_STATUSES, step_due_on__lt=today)),
        closed=Count("id", filter=closed),
        closed_on_time=Count("id", filter=closed & on_time),
        rated=Count("id", filter=rated),
        content=Count("id", filter=rated & Q(rating__in=CONTENT_RATINGS)),
    ).order_by()
    return _Cells(list(rows))


def _months(first: datetime.date, last: datetime.date):
    month = first.replace(day=1)
    while month <= last:
        yield month
        month = (month + datetime.timedelta(days=32)).replace(day=1)


def _trend(qs: QuerySet, date_from: datetime.date, date_to: datetime.date) -> tuple[str, list[dict]]:
    """Tickets created per day (ranges up to 62 days) or per month, in local time, with empty periods as 0."""
    daily = (date_to - date_from).days < DAILY_TREND_MAX_DAYS
    trunc = TruncDate("created_at") if daily else TruncMonth("created_at", output_field=DateField())
    rows = qs.annotate(period=trunc).values_list("period").annotate(n=Count("id")).order_by()
    counts = {}
    for period, count in rows:  # one row per period, never per ticket
        if isinstance(period, datetime.datetime):
            period = period.date()
        counts[period] = counts.get(period, 0) + count
    if daily:
        periods = [date_from + datetime.timedelta(days=offset) for offset in range((date_to - date_from).days + 1)]
        return "day", [{"period": day, "label": day.isoformat(), "count": counts.get(day, 0)} for day in periods]
    return "month", [
        {"period": month, "label": month.strftime("%Y-%m"), "count": counts.get(month, 0)}
        for month in _months(date_from, date_to)
    ]


def dashboard(
    *, actor, union: Union, date_from: datetime.date, date_to: datetime.date, today: datetime.date | None = None
) -> dict:
    """The dashboard figures for the tickets under `union` that the actor may see, created from `date_from`
    to `date_to` inclusive (local dates).

    - overdue: of those, the ones still open whose current step deadline is before today;
    - on_time: of those closed (resolved_at set and not reopened since), the share resolved on or before
      the handling deadline `due_on` (no deadline, e.g. a consultation answered at once, counts as on time);
    - satisfaction: of those rated, the share rated 满意 or 基本满意.

    Raises:
        PermissionDenied: the actor may not see dashboards at all.
        ValidationFailed: a reversed or over-long range.
    """
    ticket_policy.require(actor, "dashboard")
    today = today or timezone.localdate()
    date_from, date_to = resolve_range(date_from, date_to, today=today)
    qs = (
        ticket_list(actor=actor, union=union, action="dashboard")
        .filter(created_at__gte=_start_of(date_from), created_at__lt=_start_of(date_to + datetime.timedelta(days=1)))
        .select_related(None)
        .order_by()
    )

    cells = _cells(qs, today)
    granularity, trend = _trend(qs, date_from, date_to)
    employers = (
        qs.values_list("employer_name").annotate(n=Count("id")).order_by("-n", "employer_name")[:TOP_EMPLOYERS]
    )
    open_statuses = {str(status) for status in OPEN_STATUSES}
    return {
        "union_id": union.pk,
        "union_name": union.name,
        "date_from": date_from,
        "date_to": date_to,
        "today": today,
        "total": cells.total("n"),
        "open": sum(row["n"] for row in cells.rows if row["status"] in open_statuses),
        "overdue": cells.total("overdue"),
        "on_time": _rate(cells.total("closed_on_time"), cells.total("closed")),
        "satisfaction": _rate(cells.total("content"), cells.total("rated")),
        "by_type": cells.breakdown("type", TicketType.choices),
        "by_topic": cells.breakdown("topic", Topic.choices),
        "by_status": cells.breakdown("status", TicketStatus.choices),
        "granularity": granularity,
        "trend": trend,
        "top_employers": [{"employer_name": name, "count": count} for name, count in employers],
    }
