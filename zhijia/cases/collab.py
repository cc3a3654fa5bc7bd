"""Working with others on a ticket: referral to a partner agency (工会+法院+检察院+人社+司法),
mediation with its sessions and outcome, and legal aid from the union's roster."""

from django.db import IntegrityError, transaction
from django.utils import timezone

from zhijia.core import audit, notify
from zhijia.core.errors import ErrorCode, InvalidTransition, NotFound, PermissionDenied, ValidationFailed
from zhijia.core.validators import clean_required

from .deadlines import step_due
from .models import (
    Agency,
    AgencyMembership,
    LegalAidApplication,
    LegalAidProvider,
    LegalAidStatus,
    Mediation,
    MediationOutcome,
    MediationSession,
    Referral,
    ReferralStatus,
    ReferralStep,
    Step,
    Ticket,
    TicketStatus,
)
from .permissions import ticket_policy
from .services import _event, _locked, _notify_union, ticket_link, ticket_move_status

OPEN_REFERRAL = (ReferralStatus.PENDING, ReferralStatus.ACCEPTED)


def agency_ids(user) -> list[int]:
    if user is None or not user.is_authenticated:
        return []
    cached = getattr(user, "_zhijia_agencies", None)
    if cached is None:
        cached = list(AgencyMembership.objects.filter(user=user, agency__active=True).values_list("agency_id", flat=True))
        user._zhijia_agencies = cached
    return cached


def is_agency_user(user) -> bool:
    return bool(agency_ids(user))


def _back_to_handling(ticket: Ticket) -> object:
    return step_due(ticket.complexity, Step.HANDLE)


# ---- Referral ----------------------------------------------------------------------------------------


def referral_create(*, actor, ticket: Ticket, agency: Agency, reason: str, expected_version: int | None = None) -> Referral:
    """A union refers the ticket to a partner agency; the ticket waits in 调解中 until it answers."""
    reason = clean_required(reason, field="reason", label="移交说明", max_length=500)
    if not agency.active:
        raise ValidationFailed(ErrorCode.INVALID, "该协作单位已停用", field="agency")
    with transaction.atomic():
        ticket = _locked(ticket, expected_version)
        ticket_policy.require(actor, "handle", ticket)
        try:
            with transaction.atomic():
                referral = Referral.objects.create(ticket=ticket, agency=agency, reason=reason, referred_by=actor)
        except IntegrityError:
            raise InvalidTransition("该工单已有正在办理的移交") from None
        ticket_move_status(ticket, actor, "refer", f"已移交{agency.name}协同办理", note=reason)
        users = [m.user for m in agency.memberships.select_related("user")]
        notify.notify(users, f"工会移交工单 {ticket.number}", reason, f"/cases/agency/{referral.pk}/")
    return referral


def _locked_referral(actor, referral: Referral) -> Referral:
    referral = Referral.objects.select_for_update().select_related("agency").filter(pk=referral.pk).first()
    if referral is None or referral.agency_id not in agency_ids(actor):
        raise NotFound()
    return referral


def referral_accept(*, actor, referral: Referral) -> Referral:
    with transaction.atomic():
        referral = _locked_referral(actor, referral)
        if referral.status != ReferralStatus.PENDING:
            raise InvalidTransition(f"移交当前为“{referral.get_status_display()}”，不能接收")
        referral.status = ReferralStatus.ACCEPTED
        referral.save()
        ticket = _locked(referral.ticket, None)
        _event(ticket, actor, "referral_accept", f"{referral.agency.name}已接收，正在协同办理", from_status=ticket.status)
        audit.record(actor=actor, action="referral.accept", obj=referral, union=ticket.union, after={"status": referral.status})
    return referral


def referral_return(*, actor, referral: Referral, reason: str) -> Referral:
    """The agency declines; the ticket goes back to the union's handling."""
    reason = clean_required(reason, field="reason", label="退回原因", max_length=500)
    with transaction.atomic():
        referral = _locked_referral(actor, referral)
        if referral.status not in OPEN_REFERRAL:
            raise InvalidTransition(f"移交当前为“{referral.get_status_display()}”，不能退回")
        referral.status = ReferralStatus.RETURNED
        referral.return_reason = reason
        referral.closed_at = timezone.now()
        referral.save()
        ticket = _locked(referral.ticket, None)
        ticket_move_status(ticket, actor, "mediation_end", f"{referral.agency.name}已退回，由工会继续办理",
                           note=reason, step_due_on=_back_to_handling(ticket))
        audit.record(actor=actor, action="referral.return", obj=referral, union=ticket.union, after={"reason": reason})
        _notify_union(ticket.union, f"工单 {ticket.number} 被{referral.agency.name}退回", reason, ticket_link(ticket))
    return referral


def referral_step(*, actor, referral: Referral, note: str) -> ReferralStep:
    note = clean_required(note, field="note", label="办理情况", max_length=1000)
    with transaction.atomic():
        referral = _locked_referral(actor, referral)
        if referral.status != ReferralStatus.ACCEPTED:
            raise InvalidTransition("请先接收移交，再记录办理情况")
        step = ReferralStep.objects.create(referral=referral, actor=actor, note=note)
        audit.record(actor=actor, action="referral.step", obj=referral, union=referral.ticket.union, after={"note": note})
    return step


def referral_complete(*, actor, referral: Referral, result: str) -> Referral:
    """The agency reports its result; the union then resolves the ticket and calls the worker back."""
    result = clean_required(result, field="result", label="办理结果", max_length=5000)
    with transaction.atomic():
        referral = _locked_referral(actor, referral)
        if referral.status != ReferralStatus.ACCEPTED:
            raise InvalidTransition(f"移交当前为“{referral.get_status_display()}”，不能办结")
        referral.status = ReferralStatus.COMPLETED
        referral.result = result
        referral.closed_at = timezone.now()
        referral.save()
        ticket = _locked(referral.ticket, None)
        ticket_move_status(ticket, actor, "mediation_end", f"{referral.agency.name}已办结：{result[:300]}",
                           step_due_on=_back_to_handling(ticket))
        audit.record(actor=actor, action="referral.complete", obj=referral, union=ticket.union, after={"result": result})
        _notify_union(ticket.union, f"工单 {ticket.number} 协作单位已办结", result[:200], ticket_link(ticket))
    return referral


# ---- Mediation ---------------------------------------------------------------------------------------


def _may_mediate(actor, ticket: Ticket) -> Referral | None:
    """The handling union may mediate; so may an agency that accepted the ticket's open referral."""
    if ticket_policy.can(actor, "handle", ticket):
        return None
    referral = ticket.referrals.filter(status=ReferralStatus.ACCEPTED, agency_id__in=agency_ids(actor)).first()
    if referral is None:
        raise PermissionDenied()
    return referral


def mediation_start(*, actor, ticket: Ticket, applicant: str, respondent: str, mediator: str,
                    expected_version: int | None = None) -> Mediation:
    applicant = clean_required(applicant, field="applicant", label="申请人", max_length=200)
    respondent = clean_required(respondent, field="respondent", label="被申请人", max_length=200)
    mediator = clean_required(mediator, field="mediator", label="调解员", max_length=100)
    with transaction.atomic():
        ticket = _locked(ticket, expected_version)
        referral = _may_mediate(actor, ticket)
        existing = Mediation.objects.filter(ticket=ticket).first()
        if existing is not None and existing.outcome == MediationOutcome.PENDING:
            raise InvalidTransition("该工单已有进行中的调解")
        if referral is None:
            ticket_move_status(ticket, actor, "mediate", "已启动调解", step_due_on=None)
        elif ticket.status != TicketStatus.MEDIATION:
            raise InvalidTransition("工单不在调解阶段")
        if existing is not None:
            existing.delete()  # a reopened ticket mediates afresh; the old record stays in the audit trail
        mediation = Mediation.objects.create(ticket=ticket, referral=referral, applicant=applicant,
                                             respondent=respondent, mediator=mediator, started_by=actor)
        audit.record(actor=actor, action="mediation.start", obj=mediation, union=ticket.union,
                     after={"applicant": applicant, "respondent": respondent, "mediator": mediator})
    return mediation


def _locked_mediation(actor, mediation: Mediation) -> Mediation:
    mediation = Mediation.objects.select_for_update().select_related("ticket__union").get(pk=mediation.pk)
    _may_mediate(actor, mediation.ticket)
    if mediation.outcome != MediationOutcome.PENDING:
        raise InvalidTransition("调解已结束")
    return mediation


def mediation_session_add(*, actor, mediation: Mediation, held_on, place: str, summary: str) -> MediationSession:
    place = clean_required(place, field="place", label="调解地点", max_length=200)
    summary = clean_required(summary, field="summary", label="调解情况", max_length=5000)
    if held_on is None or held_on > timezone.localdate():
        raise ValidationFailed(ErrorCode.INVALID_DATE, "调解日期无效或晚于今天", field="held_on")
    with transaction.atomic():
        mediation = _locked_mediation(actor, mediation)
        session = MediationSession.objects.create(mediation=mediation, held_on=held_on, place=place, summary=summary,
                                                  recorded_by=actor)
        _event(mediation.ticket, actor, "mediation_session", f"{held_on:%Y年%m月%d日}进行了调解",
               note=summary, from_status=mediation.ticket.status)
        audit.record(actor=actor, action="mediation.session", obj=mediation, union=mediation.ticket.union,
                     after={"held_on": held_on.isoformat(), "place": place})
    return session


def mediation_conclude(*, actor, mediation: Mediation, outcome: str, agreement: str = "", guidance: str = "") -> Mediation:
    """调解成功 needs the agreement text (it becomes the 调解协议书); 调解不成 needs the 仲裁/诉讼 guidance."""
    if outcome == MediationOutcome.SUCCESS:
        agreement = clean_required(agreement, field="agreement", label="协议内容", max_length=5000)
    elif outcome == MediationOutcome.FAILED:
        guidance = clean_required(guidance, field="guidance", label="仲裁或诉讼指引", max_length=5000)
    else:
        raise ValidationFailed(ErrorCode.INVALID, "请选择调解结果", field="outcome")
    with transaction.atomic():
        mediation = _locked_mediation(actor, mediation)
        if not mediation.sessions.exists():
            raise InvalidTransition("请先记录至少一次调解情况")
        mediation.outcome = outcome
        mediation.agreement = agreement if outcome == MediationOutcome.SUCCESS else ""
        mediation.guidance = guidance if outcome == MediationOutcome.FAILED else ""
        mediation.concluded_at = timezone.now()
        mediation.save()
        ticket = _locked(mediation.ticket, None)
        text = "调解成功，双方已达成调解协议" if outcome == MediationOutcome.SUCCESS else f"调解未达成协议。后续指引：{guidance[:300]}"
        if mediation.referral_id is None:
            ticket_move_status(ticket, actor, "mediation_end", text, step_due_on=_back_to_handling(ticket))
        else:
            _event(ticket, actor, "mediation_conclude", text, from_status=ticket.status)
        audit.record(actor=actor, action="mediation.conclude", obj=mediation, union=ticket.union,
                     after={"outcome": outcome})
    return mediation


# ---- Legal aid ----------------------------------------------------------------------------------------


def legal_aid_apply(*, actor, ticket: Ticket, matter: str, expected_version: int | None = None) -> LegalAidApplication:
    matter = clean_required(matter, field="matter", label="援助事项", max_length=2000)
    with transaction.atomic():
        ticket = _locked(ticket, expected_version)
        ticket_policy.require(actor, "handle", ticket)
        try:
            with transaction.atomic():
                application = LegalAidApplication.objects.create(ticket=ticket, matter=matter, created_by=actor)
        except IntegrityError:
            raise InvalidTransition("该工单已有办理中的法律援助申请") from None
        ticket_move_status(ticket, actor, "legal_aid", "已转入法律援助程序", note=matter, step_due_on=None)
    return application


def _locked_application(actor, application: LegalAidApplication, *statuses: str) -> LegalAidApplication:
    application = LegalAidApplication.objects.select_for_update().select_related("ticket__union").get(pk=application.pk)
    ticket_policy.require(actor, "handle", application.ticket)
    if application.status not in statuses:
        raise InvalidTransition(f"法律援助申请当前为“{application.get_status_display()}”，不能办理此操作")
    return application


def _end_legal_aid(actor, application: LegalAidApplication, public_note: str) -> None:
    ticket = _locked(application.ticket, None)
    ticket_move_status(ticket, actor, "legal_aid_end", public_note, step_due_on=_back_to_handling(ticket))


def legal_aid_decide(*, actor, application: LegalAidApplication, eligible: bool, reason: str) -> LegalAidApplication:
    reason = clean_required(reason, field="reason", label="审查意见", max_length=500)
    with transaction.atomic():
        application = _locked_application(actor, application, LegalAidStatus.APPLIED)
        application.status = LegalAidStatus.ELIGIBLE if eligible else LegalAidStatus.INELIGIBLE
        application.decision_reason = reason
        application.decided_by = actor
        application.decided_at = timezone.now()
        application.save()
        audit.record(actor=actor, action="legal_aid.decide", obj=application, union=application.ticket.union,
                     after={"status": application.status, "reason": reason})
        if not eligible:
            _end_legal_aid(actor, application, f"法律援助申请未获批准：{reason}")
        else:
            _event(application.ticket, actor, "legal_aid_decide", "法律援助申请已通过审查", from_status=application.ticket.status)
    return application


def legal_aid_assign(*, actor, application: LegalAidApplication, provider: LegalAidProvider) -> LegalAidApplication:
    with transaction.atomic():
        application = _locked_application(actor, application, LegalAidStatus.ELIGIBLE, LegalAidStatus.ASSIGNED)
        if not provider.active or not application.ticket.union.path.startswith(provider.union.path):
            raise ValidationFailed(ErrorCode.INVALID, "请从本工会或上级工会的法律援助名册中选择", field="provider")
        application.provider = provider
        application.status = LegalAidStatus.ASSIGNED
        application.save()
        _event(application.ticket, actor, "legal_aid_assign", f"已指派{provider.get_kind_display()}{provider.name}提供法律援助",
               from_status=application.ticket.status)
        audit.record(actor=actor, action="legal_aid.assign", obj=application, union=application.ticket.union,
                     after={"provider_id": provider.pk})
    return application


def legal_aid_progress(*, actor, application: LegalAidApplication, note: str) -> LegalAidApplication:
    note = clean_required(note, field="note", label="进展情况", max_length=1000)
    with transaction.atomic():
        application = _locked_application(actor, application, LegalAidStatus.ASSIGNED)
        application.progress = [*application.progress, {"at": timezone.now().isoformat(timespec="minutes"),
                                                        "by": str(actor), "note": note}]
        application.save()
        audit.record(actor=actor, action="legal_aid.progress", obj=application, union=application.ticket.union,
                     after={"note": note})
    return application


def legal_aid_conclude(*, actor, application: LegalAidApplication, result: str) -> LegalAidApplication:
    result = clean_required(result, field="result", label="援助结果", max_length=5000)
    with transaction.atomic():
        application = _locked_application(actor, application, LegalAidStatus.ASSIGNED)
        application.status = LegalAidStatus.CONCLUDED
        application.result = result
        application.concluded_at = timezone.now()
        application.save()
        _end_legal_aid(actor, application, f"法律援助已结案：{result[:300]}")
    return application
