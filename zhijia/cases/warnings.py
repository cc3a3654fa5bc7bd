"""Early-warning rules (风险预警), evaluated as each ticket comes in.

- 同一单位多发: K or more tickets against the same employer (credit code, else name) in the province
  within D days;
- 群体性: one ticket affecting N or more workers;
- 节前欠薪: a wage ticket in the W weeks before the Spring Festival.
Thresholds are WarningSettings (admin). A rule fires once per subject while its warning is not closed;
later tickets join the open warning. The responsible union and its parent are told.
"""

import datetime

from django.db import IntegrityError, transaction
from django.utils import timezone

from zhijia.core import notify
from zhijia.core.models import CalendarDay

from .models import RiskWarning, Ticket, Topic, WarningKind, WarningSettings, WarningStatus

# 正月初一 (the lunar new year's day), used when the calendar table does not reach that far yet.
SPRING_FESTIVAL = {
    2025: datetime.date(2025, 1, 29),
    2026: datetime.date(2026, 2, 17),
    2027: datetime.date(2027, 2, 6),
    2028: datetime.date(2028, 1, 26),
    2029: datetime.date(2029, 2, 13),
    2030: datetime.date(2030, 2, 3),
    2031: datetime.date(2031, 1, 23),
    2032: datetime.date(2032, 2, 11),
    2033: datetime.date(2033, 1, 31),
    2034: datetime.date(2034, 2, 19),
    2035: datetime.date(2035, 2, 8),
}


def next_spring_festival(today: datetime.date) -> datetime.date | None:
    for year in (today.year, today.year + 1):
        day = SPRING_FESTIVAL.get(year)
        if day and day >= today:
            return day
    first = CalendarDay.objects.filter(name="春节", date__gte=today).order_by("date").values_list("date", flat=True).first()
    return first


def _employer_key(ticket: Ticket) -> str:
    return ticket.employer_credit_code or ticket.employer_name


def _raise(ticket: Ticket, kind: str, key: str, summary: str) -> RiskWarning:
    live = RiskWarning.objects.filter(kind=kind, key=key).exclude(status=WarningStatus.CLOSED).first()
    if live is not None:
        live.tickets.add(ticket)
        return live
    try:
        with transaction.atomic():
            warning = RiskWarning.objects.create(
                kind=kind,
                key=key,
                union=ticket.union,
                province_id=ticket.province_id,
                employer_name=ticket.employer_name,
                summary=summary,
            )
    except IntegrityError:  # raised concurrently by another ticket of the same subject
        warning = RiskWarning.objects.filter(kind=kind, key=key).exclude(status=WarningStatus.CLOSED).get()
    warning.tickets.add(ticket)
    union = ticket.union
    recipients = [union] + ([union.parent] if union.parent_id else [])
    from .services import _union_staff, ticket_link

    users = [user for target in recipients for user in _union_staff(target)]
    title = f"风险预警：{warning.get_kind_display()}"
    notify.notify(users, title, summary, ticket_link(ticket), email=True)
    return warning


def evaluate(ticket: Ticket, *, today: datetime.date | None = None) -> list[RiskWarning]:
    today = today or timezone.localdate()
    settings = WarningSettings.current()
    raised = []
    since = timezone.now() - datetime.timedelta(days=settings.repeat_days)
    same_employer = Ticket.objects.filter(province_id=ticket.province_id, created_at__gte=since)
    if ticket.employer_credit_code:
        same_employer = same_employer.filter(employer_credit_code=ticket.employer_credit_code)
    else:
        same_employer = same_employer.filter(employer_name=ticket.employer_name)
    count = same_employer.count()
    if count >= settings.repeat_count:
        raised.append(_raise(
            ticket, WarningKind.REPEAT_EMPLOYER, f"employer:{ticket.province_id}:{_employer_key(ticket)}",
            f"“{ticket.employer_name}”{settings.repeat_days}天内已有{count}件维权工单",
        ))
    if ticket.workers_affected >= settings.mass_workers:
        raised.append(_raise(
            ticket, WarningKind.MASS, f"mass:{ticket.pk}",
            f"工单 {ticket.number} 涉及{ticket.workers_affected}名职工（“{ticket.employer_name}”），属群体性诉求",
        ))
    if ticket.topic == Topic.WAGES:
        festival = next_spring_festival(today)
        if festival and (festival - today).days <= settings.festival_weeks * 7:
            raised.append(_raise(
                ticket, WarningKind.FESTIVAL_WAGES, f"festival:{festival.year}:{ticket.province_id}:{_employer_key(ticket)}",
                f"春节（{festival:%Y年%m月%d日}）前欠薪诉求：“{ticket.employer_name}”",
            ))
    return raised


def warning_note(*, actor, warning: RiskWarning, note: str, status: str) -> RiskWarning:
    """Record how a warning is being handled; closing it lets the rule fire again for the subject."""
    from zhijia.core import audit
    from zhijia.core.errors import ErrorCode, InvalidTransition, ValidationFailed
    from zhijia.core.validators import clean_required

    from .models import WarningNote
    from .permissions import warning_policy

    note = clean_required(note, field="note", label="处置情况", max_length=1000)
    if status not in WarningStatus.values:
        raise ValidationFailed(ErrorCode.INVALID, "状态无效", field="status")
    with transaction.atomic():
        warning = RiskWarning.objects.select_for_update().select_related("union").get(pk=warning.pk)
        warning_policy.require(actor, "handle", warning)
        if warning.status == WarningStatus.CLOSED:
            raise InvalidTransition("预警已解除，不能再记录")
        before = {"status": warning.status}
        warning.status = status
        warning.closed_at = timezone.now() if status == WarningStatus.CLOSED else None
        warning.save()
        WarningNote.objects.create(warning=warning, actor=actor, actor_name=str(actor), note=note, status=status)
        audit.record(actor=actor, action="warning.note", obj=warning, before=before, after={"status": status, "note": note})
    return warning
