"""Writes to tickets: intake, the handling state machine, transfers, callbacks and deadlines.

Every change runs in one transaction that locks the ticket row, checks the caller's permission and the
transition, bumps `version` (a caller that read an older version is refused, so two staff editing one
ticket never overwrite each other), writes a TicketEvent the worker can read and an audit entry.
Notifications are sent on commit.
"""

import datetime
from dataclasses import dataclass

from django.core.files.base import ContentFile
from django.db import transaction
from django.db.models import F
from django.utils import timezone

from zhijia.core import audit, notify
from zhijia.core.errors import Conflict, ErrorCode, FieldChecks, InvalidTransition, NotFound, ValidationFailed
from zhijia.core.pii import lookup_hash
from zhijia.core.validators import (
    clean_contact_phone,
    clean_credit_code,
    clean_division_code,
    clean_phone,
    clean_required,
    division_from_place,
)
from zhijia.core.workdays import working_days_between
from zhijia.members.models import Member, MemberStatus
from zhijia.org.models import Union

from . import warnings
from .attachments import CheckedFile
from .deadlines import step_due
from .models import (
    Channel,
    Complexity,
    Rating,
    Step,
    Ticket,
    TicketAttachment,
    TicketCounter,
    TicketEvent,
    TicketStatus,
    TicketType,
    Topic,
)
from .permissions import ticket_policy
from .routing import route_ticket

for _name, _label in {
    "ticket.create": "受理维权工单",
    "ticket.answer": "当场答复并办结",
    "ticket.accept": "签收工单",
    "ticket.transfer": "转办工单",
    "ticket.update": "修改工单",
    "ticket.attach": "补充材料",
    "ticket.resolve": "办结工单",
    "ticket.callback": "回访",
    "ticket.reopen": "重新办理",
    "ticket.archive": "归档",
    "ticket.rate": "职工评价",
    "ticket.escalate": "超期督办",
    "ticket.reveal_pii": "查看诉求人联系方式",
    "ticket.export": "导出工单",
    "ticket.refer": "移交协作单位",
    "referral.accept": "协作单位接收",
    "referral.return": "协作单位退回",
    "referral.step": "协作单位记录办理情况",
    "referral.complete": "协作单位办结",
    "mediation.start": "启动调解",
    "mediation.session": "记录调解",
    "mediation.conclude": "调解结束",
    "legal_aid.apply": "申请法律援助",
    "legal_aid.decide": "法律援助审查",
    "legal_aid.assign": "指派法律援助人员",
    "legal_aid.progress": "记录法律援助进展",
    "legal_aid.conclude": "法律援助结案",
    "warning.note": "处置风险预警",
}.items():
    audit.register(_name, _label)

MAX_DESCRIPTION = 5000
MAX_WORKERS = 100_000

# action -> (statuses it may start from, status it leads to). Anything else is refused.
TRANSITIONS: dict[str, tuple[frozenset[str], str]] = {
    "assign": (frozenset({TicketStatus.RECEIVED}), TicketStatus.ASSIGNED),
    "answer": (frozenset({TicketStatus.RECEIVED}), TicketStatus.ARCHIVED),
    "accept": (frozenset({TicketStatus.ASSIGNED}), TicketStatus.IN_PROGRESS),
    "transfer": (frozenset({TicketStatus.ASSIGNED, TicketStatus.IN_PROGRESS}), TicketStatus.ASSIGNED),
    "refer": (frozenset({TicketStatus.IN_PROGRESS}), TicketStatus.MEDIATION),
    "mediate": (frozenset({TicketStatus.IN_PROGRESS}), TicketStatus.MEDIATION),
    "mediation_end": (frozenset({TicketStatus.MEDIATION}), TicketStatus.IN_PROGRESS),
    "legal_aid": (frozenset({TicketStatus.IN_PROGRESS}), TicketStatus.LEGAL_AID),
    "legal_aid_end": (frozenset({TicketStatus.LEGAL_AID}), TicketStatus.IN_PROGRESS),
    "resolve": (frozenset({TicketStatus.IN_PROGRESS}), TicketStatus.RESOLVED),
    "callback": (frozenset({TicketStatus.RESOLVED}), TicketStatus.CALLED_BACK),
    "reopen": (frozenset({TicketStatus.RESOLVED, TicketStatus.CALLED_BACK}), TicketStatus.IN_PROGRESS),
    "archive": (frozenset({TicketStatus.CALLED_BACK}), TicketStatus.ARCHIVED),
}
ACTION_LABELS = {
    "assign": "分派",
    "answer": "当场答复",
    "accept": "签收",
    "transfer": "转办",
    "refer": "移交协作单位",
    "mediate": "启动调解",
    "mediation_end": "结束调解",
    "legal_aid": "转法律援助",
    "legal_aid_end": "结束法律援助",
    "resolve": "办结",
    "callback": "回访",
    "reopen": "重新办理",
    "archive": "归档",
}


@dataclass
class TicketData:
    type: str
    topic: str
    complainant_name: str
    complainant_phone: str
    employer_name: str
    division_code: str
    description: str
    employer_credit_code: str = ""
    workers_affected: int = 1
    complexity: str = Complexity.ORDINARY


def clean_ticket(data: TicketData, *, landline_ok: bool = False) -> TicketData:
    """Validate and normalize every field; raises ValidationFailed naming the bad field (InvalidFields when
    several are bad, so a form shows them all at once). `landline_ok`: staff taking a call may log a 座机."""
    checks = FieldChecks()
    with checks:
        if data.type not in TicketType.values:
            raise ValidationFailed(ErrorCode.INVALID, "请选择诉求类型", field="type")
    with checks:
        if data.topic not in Topic.values:
            raise ValidationFailed(ErrorCode.INVALID, "请选择问题类别", field="topic")
    with checks:
        if data.complexity not in Complexity.values:
            raise ValidationFailed(ErrorCode.INVALID, "复杂程度无效", field="complexity")
    with checks:
        data.complainant_name = clean_required(data.complainant_name, field="complainant_name", label="诉求人姓名",
                                               max_length=50)
    with checks:
        clean = clean_contact_phone if landline_ok else clean_phone
        data.complainant_phone = clean(data.complainant_phone, field="complainant_phone")
    with checks:
        data.employer_name = clean_required(data.employer_name, field="employer_name", label="用人单位名称",
                                            max_length=100)
    with checks:
        credit_code = (data.employer_credit_code or "").strip()
        data.employer_credit_code = clean_credit_code(credit_code, field="employer_credit_code") if credit_code else ""
    with checks:
        # A place name is as good as the code: "姑苏区" or "苏州市姑苏区" for 320508.
        data.division_code = clean_division_code(division_from_place(data.division_code), field="division_code")
    with checks:
        data.description = clean_required(data.description, field="description", label="诉求内容",
                                          max_length=MAX_DESCRIPTION)
        if len(data.description) < 5:
            raise ValidationFailed(ErrorCode.INVALID, "诉求内容太短，请说明具体情况", field="description")
    with checks:
        try:
            workers = int(data.workers_affected)
        except (TypeError, ValueError):
            raise ValidationFailed(ErrorCode.INVALID, "涉及人数应为整数", field="workers_affected") from None
        if not 1 <= workers <= MAX_WORKERS:
            raise ValidationFailed(ErrorCode.INVALID, f"涉及人数应在1到{MAX_WORKERS}之间", field="workers_affected")
        data.workers_affected = workers
    checks.raise_any()
    return data


def next_ticket_number(day: datetime.date) -> str:
    """WQ + yyyymmdd + 6-digit sequence of the day. Must run inside the caller's transaction."""
    TicketCounter.objects.get_or_create(day=day)
    counter = TicketCounter.objects.select_for_update().get(day=day)
    TicketCounter.objects.filter(day=day).update(next_value=F("next_value") + 1)
    return f"WQ{day:%Y%m%d}{counter.next_value:06d}"


def _actor_name(actor) -> str:
    if actor is not None and getattr(actor, "is_authenticated", False):
        return str(actor)
    return "系统"


def _event(ticket: Ticket, actor, action: str, public_note: str, *, note: str = "", from_status: str = "",
           from_union: Union | None = None) -> TicketEvent:
    authenticated = actor is not None and getattr(actor, "is_authenticated", False)
    return TicketEvent.objects.create(
        ticket=ticket,
        province_id=ticket.province_id,
        action=action,
        from_status=from_status,
        to_status=ticket.status,
        from_union=from_union,
        to_union=ticket.union,
        actor=actor if authenticated else None,
        actor_name=_actor_name(actor),
        public_note=public_note[:500],
        note=note,
    )


def _union_staff(union: Union):
    from django.contrib.auth import get_user_model

    return list(get_user_model().objects.filter(role_assignments__union=union, is_active=True).distinct())


def _notify_union(union: Union, title: str, body: str, link: str) -> None:
    users = _union_staff(union)
    notify.notify(users, title, body, link, email=True)


def ticket_link(ticket: Ticket) -> str:
    return f"/cases/staff/{ticket.number}/"


def _suggest(description: str):
    try:
        from .classify import suggest
    except ImportError:  # the classifier is optional; intake works without it
        return None
    return suggest(description)


def ticket_create(
    *,
    actor,
    data: TicketData,
    channel: str,
    attachments: list[CheckedFile] = (),
    answer: str = "",
    guest_phone_verified: bool = False,
) -> Ticket:
    """Take in a request from any channel and route it to the handling union.

    A signed-in worker files for themself; staff (hotline operators) file on a caller's behalf; a guest
    must have verified the mobile number given as contact. A 咨询 with an `answer` is closed at once.

    Raises:
        ValidationFailed: a bad field (named), no union for the locality, an unverified guest phone.
    """
    if channel not in Channel.values:
        raise ValidationFailed(ErrorCode.INVALID, "来源渠道无效", field="channel")
    answer = (answer or "").strip()
    authenticated = actor is not None and getattr(actor, "is_authenticated", False)
    is_staff_intake = authenticated and ticket_policy.allows(actor, "intake")
    data = clean_ticket(data, landline_ok=is_staff_intake)
    if answer and data.type != TicketType.CONSULT:
        raise ValidationFailed(ErrorCode.INVALID, "只有咨询类诉求可以当场答复办结", field="answer")
    if answer and not is_staff_intake:
        raise ValidationFailed(ErrorCode.PERMISSION_DENIED, "只有工会工作人员可以当场答复", field="answer")
    if not authenticated and not guest_phone_verified:
        raise ValidationFailed(ErrorCode.PHONE_NOT_VERIFIED, "请先验证手机号码", field="complainant_phone")
    route = route_ticket(employer_name=data.employer_name, division_code=data.division_code)
    suggestion = _suggest(data.description)
    today = timezone.localdate()
    # The number is taken in its own short transaction so the day's counter row is not held locked through
    # the rest of intake (that serialized all intake, bench/cases.py). A rolled-back intake leaves a gap.
    with transaction.atomic():
        number = next_ticket_number(today)
    with transaction.atomic():
        member = None
        complainant_user = None
        if authenticated and not is_staff_intake:
            complainant_user = actor
            member = Member.objects.filter(user=actor, status=MemberStatus.ACTIVE).first()
        ticket = Ticket.objects.create(
            number=number,
            type=data.type,
            topic=data.topic,
            suggested_type=suggestion.type if suggestion else "",
            suggested_topic=suggestion.topic if suggestion else "",
            channel=channel,
            status=TicketStatus.RECEIVED,
            complexity=data.complexity,
            complainant_user=complainant_user,
            complainant_member=member,
            complainant_name=data.complainant_name,
            complainant_phone=data.complainant_phone,
            phone_hash=lookup_hash(data.complainant_phone),
            employer_name=data.employer_name,
            employer_credit_code=data.employer_credit_code,
            division_code=data.division_code,
            description=data.description,
            workers_affected=data.workers_affected,
            union=route.union,
            province_id=route.union.province_id,
            created_by=actor if authenticated else None,
        )
        for item in attachments:
            attachment = TicketAttachment(ticket=ticket, name=item.name, content_type=item.content_type, size=len(item.data))
            attachment.file.save(item.name, ContentFile(item.data), save=True)
        _event(ticket, actor, "create", f"诉求已受理（{ticket.get_channel_display()}），工单号 {ticket.number}")
        if answer:
            ticket.status = TicketStatus.ARCHIVED
            ticket.answer = answer
            ticket.resolution = answer
            ticket.resolved_at = ticket.closed_at = timezone.now()
            ticket.handler = actor
            ticket.save()
            _event(ticket, actor, "answer", f"已当场答复：{answer[:400]}", from_status=TicketStatus.RECEIVED)
            audit.record(actor=actor, action="ticket.answer", obj=ticket, after=ticket.audit_snapshot())
        else:
            ticket.status = TicketStatus.ASSIGNED
            ticket.step_due_on = step_due(ticket.complexity, Step.ACCEPT, start=today)
            ticket.save()
            _event(ticket, actor, "assign", f"已分派至{route.union.name}办理", note=route.reason,
                   from_status=TicketStatus.RECEIVED)
            _notify_union(route.union, f"新工单 {ticket.number}", f"{ticket.get_topic_display()}：{ticket.employer_name}", ticket_link(ticket))
        audit.record(actor=actor, action="ticket.create", obj=ticket, after=ticket.audit_snapshot())
        warnings.evaluate(ticket)
    return ticket


def _locked(ticket: Ticket, expected_version: int | None) -> Ticket:
    locked = Ticket.objects.select_for_update().select_related("union").filter(pk=ticket.pk).first()
    if locked is None:
        raise NotFound()
    if expected_version is not None and int(expected_version) != locked.version:
        raise Conflict(ErrorCode.STALE_VERSION, "工单已被他人更新，请刷新后再操作", field="version")
    return locked


def _check_transition(ticket: Ticket, action: str) -> str:
    sources, target = TRANSITIONS[action]
    if ticket.status not in sources:
        raise InvalidTransition(f"工单当前状态为“{ticket.get_status_display()}”，不能{ACTION_LABELS[action]}")
    return target


def _apply(ticket: Ticket, actor, action: str, public_note: str, *, note: str = "", from_union=None,
           audit_action: str | None = None, before: dict | None = None) -> Ticket:
    from_status = ticket.status
    before = before or ticket.audit_snapshot()
    ticket.status = _check_transition(ticket, action)
    ticket.version += 1
    ticket.save()
    _event(ticket, actor, action, public_note, note=note, from_status=from_status, from_union=from_union)
    audit.record(actor=actor, action=audit_action or f"ticket.{action}", obj=ticket, before=before,
                 after=ticket.audit_snapshot())
    return ticket


def ticket_accept(*, actor, ticket: Ticket, expected_version: int | None = None) -> Ticket:
    """签收: the handling union takes the ticket on; the handling deadline starts."""
    with transaction.atomic():
        ticket = _locked(ticket, expected_version)
        ticket_policy.require(actor, "handle", ticket)
        _check_transition(ticket, "accept")
        before = ticket.audit_snapshot()
        ticket.handler = actor
        ticket.step_due_on = ticket.due_on = step_due(ticket.complexity, Step.HANDLE)
        return _apply(ticket, actor, "accept", f"{ticket.union.name}已签收，正在办理", before=before)


def ticket_transfer(*, actor, ticket: Ticket, to_union: Union, reason: str, expected_version: int | None = None) -> Ticket:
    """转办: hand the ticket to another union, with a reason. Every hop stays in the history."""
    reason = clean_required(reason, field="reason", label="转办原因", max_length=500)
    with transaction.atomic():
        ticket = _locked(ticket, expected_version)
        ticket_policy.require(actor, "handle", ticket)
        _check_transition(ticket, "transfer")
        if to_union.pk == ticket.union_id:
            raise ValidationFailed(ErrorCode.INVALID, "不能转办给当前承办工会", field="to_union")
        if to_union.status != "active":
            raise ValidationFailed(ErrorCode.INVALID, f"“{to_union.name}”已撤销或筹建中，不能承办", field="to_union")
        before = ticket.audit_snapshot()
        from_union = ticket.union
        ticket.union = to_union
        ticket.province_id = to_union.province_id
        ticket.handler = None
        ticket.escalated_to = None
        ticket.escalated_at = None
        ticket.reminded_on = None
        ticket.step_due_on = step_due(ticket.complexity, Step.ACCEPT)
        ticket.due_on = None
        _apply(ticket, actor, "transfer", f"已由{from_union.name}转至{to_union.name}办理", note=reason,
               from_union=from_union, before=before)
        _notify_union(to_union, f"转办工单 {ticket.number}", f"{from_union.name}转来：{reason}", ticket_link(ticket))
    return ticket


def ticket_update(*, actor, ticket: Ticket, changes: dict, expected_version: int | None = None) -> Ticket:
    """Correct the classification of a ticket (type, topic, complexity) while it is being handled."""
    allowed = {"type": TicketType.values, "topic": Topic.values, "complexity": Complexity.values}
    for key, value in changes.items():
        if key not in allowed:
            raise ValidationFailed(ErrorCode.INVALID, "该字段不可修改", field=key)
        if value not in allowed[key]:
            raise ValidationFailed(ErrorCode.INVALID, "取值无效", field=key)
    with transaction.atomic():
        ticket = _locked(ticket, expected_version)
        ticket_policy.require(actor, "handle", ticket)
        if not ticket.is_open:
            raise InvalidTransition("工单已办结或归档，不能修改分类")
        before = ticket.audit_snapshot()
        for key, value in changes.items():
            setattr(ticket, key, value)
        ticket.version += 1
        ticket.save()
        audit.record(actor=actor, action="ticket.update", obj=ticket, before=before, after=ticket.audit_snapshot())
    return ticket


def ticket_resolve(*, actor, ticket: Ticket, resolution: str, expected_version: int | None = None) -> Ticket:
    """办结: record the result the worker will read; the callback deadline starts."""
    resolution = clean_required(resolution, field="resolution", label="办理结果", max_length=MAX_DESCRIPTION)
    with transaction.atomic():
        ticket = _locked(ticket, expected_version)
        ticket_policy.require(actor, "handle", ticket)
        if ticket.referrals.filter(status__in=["pending", "accepted"]).exists():
            raise InvalidTransition("工单仍在协作单位办理中，请待其办结或退回后再办结")
        _check_transition(ticket, "resolve")
        before = ticket.audit_snapshot()
        ticket.resolution = resolution
        ticket.resolved_at = timezone.now()
        ticket.step_due_on = step_due(ticket.complexity, Step.CALLBACK)
        return _apply(ticket, actor, "resolve", f"已办结：{resolution[:400]}", before=before)


def ticket_callback(*, actor, ticket: Ticket, rating: str, comment: str = "", reopen: bool = False,
                    expected_version: int | None = None) -> Ticket:
    """回访: the hotline calls the worker and records the rating. A not-satisfied worker may have the ticket
    reopened; otherwise the ticket is archived."""
    if rating not in Rating.values:
        raise ValidationFailed(ErrorCode.INVALID, "请选择满意度", field="rating")
    comment = (comment or "").strip()
    if len(comment) > 500:
        raise ValidationFailed(ErrorCode.INVALID, "评价意见不能超过500字", field="comment")
    if reopen and rating != Rating.UNSATISFIED:
        raise ValidationFailed(ErrorCode.INVALID, "只有不满意的回访可以重新办理", field="reopen")
    with transaction.atomic():
        ticket = _locked(ticket, expected_version)
        ticket_policy.require(actor, "callback", ticket)
        _check_transition(ticket, "callback")
        return _record_rating(ticket, actor, rating, comment, reopen=reopen, by_worker=False)


def ticket_rate(*, actor, ticket: Ticket, rating: str, comment: str = "") -> Ticket:
    """The worker rates a resolved ticket themself (same effect as a callback); not satisfied reopens it."""
    if rating not in Rating.values:
        raise ValidationFailed(ErrorCode.INVALID, "请选择满意度", field="rating")
    comment = (comment or "").strip()[:500]
    with transaction.atomic():
        ticket = _locked(ticket, None)
        ticket_policy.require(actor, "rate", ticket)
        _check_transition(ticket, "callback")
        return _record_rating(ticket, actor, rating, comment, reopen=rating == Rating.UNSATISFIED, by_worker=True)


def ticket_rate_public(*, ticket: Ticket, phone: str, rating: str, comment: str = "") -> Ticket:
    """A guest rates a resolved ticket from the tracking page, proving it is theirs by the mobile they
    verified when filing (the same proof the tracking page asks for)."""
    if rating not in Rating.values:
        raise ValidationFailed(ErrorCode.INVALID, "请选择满意度", field="rating")
    if lookup_hash((phone or "").strip()) != ticket.phone_hash:
        raise NotFound()
    with transaction.atomic():
        ticket = _locked(ticket, None)
        _check_transition(ticket, "callback")
        comment = (comment or "").strip()[:500]
        return _record_rating(ticket, None, rating, comment, reopen=rating == Rating.UNSATISFIED, by_worker=True)


def _record_rating(ticket: Ticket, actor, rating: str, comment: str, *, reopen: bool, by_worker: bool) -> Ticket:
    before = ticket.audit_snapshot()
    ticket.rating = rating
    ticket.rating_comment = comment
    ticket.step_due_on = None
    label = Rating(rating).label
    who = "您的评价" if by_worker else "回访结果"
    _apply(ticket, actor, "callback", f"{who}：{label}" + (f"（{comment}）" if comment else ""),
           audit_action="ticket.rate" if by_worker else "ticket.callback", before=before)
    if reopen:
        before = ticket.audit_snapshot()
        ticket.reopen_count += 1
        ticket.closed_at = None
        ticket.step_due_on = ticket.due_on = step_due(ticket.complexity, Step.HANDLE)
        _apply(ticket, actor, "reopen", "因回访不满意，工单已重新办理", before=before)
        _notify_union(ticket.union, f"工单 {ticket.number} 回访不满意，已重新办理", comment, ticket_link(ticket))
    else:
        before = ticket.audit_snapshot()
        ticket.closed_at = timezone.now()
        _apply(ticket, actor, "archive", "工单已归档", before=before)
    return ticket


def ticket_reopen(*, actor, ticket: Ticket, reason: str, expected_version: int | None = None) -> Ticket:
    reason = clean_required(reason, field="reason", label="重新办理原因", max_length=500)
    with transaction.atomic():
        ticket = _locked(ticket, expected_version)
        ticket_policy.require(actor, "handle", ticket)
        _check_transition(ticket, "reopen")
        before = ticket.audit_snapshot()
        ticket.reopen_count += 1
        ticket.step_due_on = ticket.due_on = step_due(ticket.complexity, Step.HANDLE)
        return _apply(ticket, actor, "reopen", "工单已重新办理", note=reason, before=before)


def ticket_attach(*, actor, ticket: Ticket, files: list[CheckedFile]) -> list[TicketAttachment]:
    """Add evidence to an open ticket: the complainant or the handling union's staff."""
    if not files:
        raise ValidationFailed(ErrorCode.REQUIRED, "请选择要上传的文件", field="attachments")
    from django.conf import settings

    with transaction.atomic():
        ticket = _locked(ticket, None)
        ticket_policy.require(actor, "view", ticket)
        if not ticket.is_open:
            raise InvalidTransition("工单已归档，不能再补充材料")
        if ticket.attachments.count() + len(files) > settings.TICKET_ATTACHMENT_MAX_FILES:
            raise ValidationFailed(ErrorCode.INVALID, f"每个工单最多{settings.TICKET_ATTACHMENT_MAX_FILES}个附件",
                                   field="attachments")
        saved = []
        for item in files:
            attachment = TicketAttachment(ticket=ticket, name=item.name, content_type=item.content_type, size=len(item.data))
            attachment.file.save(item.name, ContentFile(item.data), save=True)
            saved.append(attachment)
        _event(ticket, actor, "attach", f"补充了{len(saved)}份材料", from_status=ticket.status)
        audit.record(actor=actor, action="ticket.attach", obj=ticket, after={"files": [a.name for a in saved]})
    return saved


def ticket_reveal_phone(*, actor, ticket: Ticket) -> str:
    ticket_policy.require(actor, "reveal_pii", ticket)
    audit.record(actor=actor, action="ticket.reveal_pii", obj=ticket, after={"field": "complainant_phone"})
    return ticket.complainant_phone


def ticket_move_status(ticket: Ticket, actor, action: str, public_note: str, *, note: str = "",
                       step_due_on: datetime.date | None = None) -> Ticket:
    """For the referral, mediation and legal-aid services: a transition on an already locked ticket."""
    before = ticket.audit_snapshot()
    ticket.step_due_on = step_due_on
    audit_action = {"refer": "ticket.refer", "mediate": "mediation.start", "mediation_end": "mediation.conclude",
                    "legal_aid": "legal_aid.apply", "legal_aid_end": "legal_aid.conclude"}[action]
    return _apply(ticket, actor, action, public_note, note=note, audit_action=audit_action, before=before)


# ---- Deadlines: reminders and escalation ---------------------------------------------------------

ESCALATE_EVERY_WORKING_DAYS = 5


def _escalation_target(ticket: Ticket, overdue_days: int) -> Union | None:
    """One level up on the first overdue day, one more for each further ESCALATE_EVERY_WORKING_DAYS."""
    ancestors = ticket.union.ancestor_ids()[:-1]
    if not ancestors:
        return None
    levels_up = 1 + max(overdue_days - 1, 0) // ESCALATE_EVERY_WORKING_DAYS
    return Union.objects.filter(pk=ancestors[max(len(ancestors) - levels_up, 0)]).first()


def deadlines_check(*, today: datetime.date | None = None) -> dict:
    """Remind handlers of tickets due within a working day and escalate overdue ones. Idempotent per day:
    a ticket is reminded once a day and escalated only when it climbs a level. Meant for a daily job."""
    from zhijia.core.workdays import add_working_days

    today = today or timezone.localdate()
    near = add_working_days(today, 1)
    reminded = escalated = 0
    due_soon = (
        Ticket.objects.filter(step_due_on__gte=today, step_due_on__lte=near)
        .exclude(reminded_on=today)
        .select_related("union", "handler")
    )
    for ticket in due_soon.iterator(chunk_size=500):
        users = [ticket.handler] if ticket.handler_id else _union_staff(ticket.union)
        notify.notify(users, f"工单 {ticket.number} 即将到期", f"本环节期限：{ticket.step_due_on:%Y年%m月%d日}",
                      ticket_link(ticket), email=True)
        Ticket.objects.filter(pk=ticket.pk).update(reminded_on=today)
        reminded += 1
    overdue = Ticket.objects.filter(step_due_on__lt=today).select_related("union", "escalated_to")
    late_by: dict[datetime.date, int] = {}  # working days overdue, per distinct deadline
    for ticket in overdue.iterator(chunk_size=500):
        if ticket.step_due_on not in late_by:
            late_by[ticket.step_due_on] = working_days_between(ticket.step_due_on, today)
        target = _escalation_target(ticket, late_by[ticket.step_due_on])
        if target is None or (ticket.escalated_to_id and ticket.escalated_to.depth <= target.depth):
            continue
        with transaction.atomic():
            locked = Ticket.objects.select_for_update().select_related("union").get(pk=ticket.pk)
            if locked.step_due_on is None or locked.step_due_on >= today:
                continue
            before = locked.audit_snapshot()
            locked.escalated_to = target
            locked.escalated_at = timezone.now()
            locked.version += 1
            locked.save(update_fields=["escalated_to", "escalated_at", "version", "updated_at"])
            _event(locked, None, "escalate", "工单已超期，上级工会正在督办", note=f"超期，升级至{target.name}督办",
                   from_status=locked.status)
            audit.record(actor=None, action="ticket.escalate", obj=locked, before=before, after=locked.audit_snapshot())
            users = _union_staff(target)
            notify.notify(users, f"超期督办：工单 {locked.number}",
                          f"{locked.union.name}承办的工单已超过期限（{locked.step_due_on:%Y年%m月%d日}）",
                          ticket_link(locked), email=True)
        escalated += 1
    return {"reminded": reminded, "escalated": escalated}

