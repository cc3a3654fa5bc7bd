"""Rights-protection tickets over the API: intake (staff, workers, verified guests), handling, callbacks,
the overdue board, referrals to partner agencies, mediation, legal aid and warnings. Endpoints are thin:
selectors scope what the caller may see, services check and write."""

from django.http import HttpResponse
from ninja import File, Query, Router, Status
from ninja.files import UploadedFile

from zhijia.core.errors import ErrorCode, NotFound, ValidationFailed
from zhijia.core.net import client_address
from zhijia.core.schemas import ERRORS, Page, paginate
from zhijia.org.models import Union
from zhijia.org.permissions import policy as union_policy

from . import collab, selectors, services
from .models import Agency, LegalAidApplication, LegalAidProvider, Mediation
from .permissions import ticket_policy
from .schemas import (
    AgencyReferralOut,
    AttachmentOut,
    AssignIn,
    BoardOut,
    CallbackIn,
    ConcludeIn,
    DecideIn,
    LegalAidIn,
    LegalAidOut,
    MediationIn,
    MediationOut,
    NoteIn,
    PhoneCheckIn,
    PhoneIn,
    PhoneTokenOut,
    PublicTicketOut,
    RateIn,
    ReasonIn,
    ReferralIn,
    ReferralOut,
    ResolveIn,
    ResultIn,
    RevealOut,
    SessionIn,
    SuggestOut,
    TicketIn,
    TicketListItem,
    TicketOut,
    TicketPatchIn,
    TicketQuery,
    TransferIn,
    VersionIn,
    WarningNoteIn,
    WarningOut,
)
from .verification import token_proves, verification_check, verification_send

router = Router()
TICKETS = ["维权工单"]
GUEST = ["维权工单（公众）"]
AGENCY = ["协作单位"]
MEDIATION = ["调解与法律援助"]
WARNINGS = ["风险预警"]


def _ticket(request, number: str, action: str = "view"):
    return selectors.ticket_get(actor=request.auth, number=number, action=action)


def _detail(ticket):
    ticket.event_list = list(ticket.events.all())
    return ticket


def _public(ticket):
    ticket.step_list = list(ticket.events.all())
    return ticket


def _union(request, union_id: int | None, field: str = "union_id") -> Union | None:
    if union_id is None:
        return None
    return union_policy.get_or_404(request.auth, "view", Union.objects.all(), pk=union_id)


# ---- Intake -----------------------------------------------------------------------------------------


@router.post("/verify/send", auth=None, tags=GUEST, response={204: None, **ERRORS, 429: dict}, summary="发送手机验证码")
def verify_send(request, payload: PhoneIn):
    verification_send(phone=payload.phone, client=client_address(request), field="phone")
    return Status(204, None)


@router.post("/verify/check", auth=None, tags=GUEST, response={200: PhoneTokenOut, **ERRORS}, summary="校验手机验证码")
def verify_check(request, payload: PhoneCheckIn):
    return {"token": verification_check(phone=payload.phone, code=payload.code)}


def _optional_user(request):
    from zhijia.api import BearerToken

    header = request.headers.get("Authorization", "")
    if header:
        return BearerToken().authenticate(request, header)
    return request.user if request.user.is_authenticated else None


@router.post("/tickets", auth=None, tags=TICKETS, response={201: TicketOut, **ERRORS}, summary="提交维权诉求")
def ticket_create(request, payload: TicketIn):
    """Signed-in workers and staff (bearer token or session), or a guest with a `phone_token`."""
    actor = _optional_user(request)
    if actor is None:
        from django.contrib.auth.models import AnonymousUser

        actor = AnonymousUser()
    if actor.is_authenticated and request.method == "POST" and not request.headers.get("Authorization"):
        from django.middleware.csrf import CsrfViewMiddleware

        reason = CsrfViewMiddleware(lambda r: None).process_view(request, None, (), {})
        if reason is not None:
            raise ValidationFailed(ErrorCode.CSRF_FAILED, "页面已过期或缺少 CSRF 令牌，请刷新后重试", status=403)
    data = services.TicketData(
        type=payload.type,
        topic=payload.topic,
        complainant_name=payload.complainant_name,
        complainant_phone=payload.complainant_phone,
        employer_name=payload.employer_name,
        employer_credit_code=payload.employer_credit_code,
        division_code=payload.division_code,
        description=payload.description,
        workers_affected=payload.workers_affected,
        complexity=payload.complexity,
    )
    ticket = services.ticket_create(
        actor=actor,
        data=data,
        channel=payload.channel,
        answer=payload.answer,
        guest_phone_verified=token_proves(payload.phone_token, payload.complainant_phone),
    )
    return Status(201, _detail(ticket))


@router.get("/track", auth=None, tags=GUEST, response={200: PublicTicketOut, **ERRORS}, summary="凭工单号和手机号查询进度")
def ticket_track(request, number: str, phone: str):
    return _public(selectors.ticket_public(number=number, phone=phone))


@router.get("/suggest", tags=TICKETS, response={200: SuggestOut, **ERRORS}, summary="按描述推荐诉求类型和问题类别")
def suggest(request, text: str):
    from .classify import suggest as classify

    result = classify(text)
    return {"type": result.type, "topic": result.topic, "type_confidence": result.type_confidence,
            "topic_confidence": result.topic_confidence, "keywords": list(result.keywords)}


# ---- Reading and handling ------------------------------------------------------------------------------


@router.get("/tickets", tags=TICKETS, response={200: Page[TicketListItem], **ERRORS}, summary="工单列表")
def ticket_list(request, filters: Query[TicketQuery]):
    ticket_policy.require(request.auth, "list")
    if filters.sort not in selectors.SORTS:
        raise ValidationFailed(ErrorCode.INVALID, "排序方式无效", field="sort")
    tickets = selectors.ticket_list(
        actor=request.auth,
        union=_union(request, filters.union_id),
        filters=selectors.TicketFilters(q=filters.q, status=filters.status, type=filters.type, topic=filters.topic,
                                        overdue=filters.overdue, sort=filters.sort),
    )
    return paginate(tickets, filters)


@router.get("/my-tickets", tags=TICKETS, response={200: list[TicketListItem], **ERRORS}, summary="我的工单")
def my_tickets(request):
    return list(selectors.my_tickets(user=request.auth)[:100])


@router.get("/tickets/{number}", tags=TICKETS, response={200: TicketOut, **ERRORS}, summary="工单详情")
def ticket_detail(request, number: str):
    return _detail(_ticket(request, number))


@router.patch("/tickets/{number}", tags=TICKETS, response={200: TicketOut, **ERRORS}, summary="修改工单分类")
def ticket_update(request, number: str, payload: TicketPatchIn):
    changes = payload.model_dump(exclude_unset=True, exclude={"version"})
    ticket = services.ticket_update(actor=request.auth, ticket=_ticket(request, number), changes=changes,
                                    expected_version=payload.version)
    return _detail(ticket)


@router.post("/tickets/{number}/accept", tags=TICKETS, response={200: TicketOut, **ERRORS}, summary="签收")
def ticket_accept(request, number: str, payload: VersionIn | None = None):
    version = payload.version if payload else None
    return _detail(services.ticket_accept(actor=request.auth, ticket=_ticket(request, number), expected_version=version))


@router.post("/tickets/{number}/transfer", tags=TICKETS, response={200: TicketOut, **ERRORS}, summary="转办")
def ticket_transfer(request, number: str, payload: TransferIn):
    to_union = Union.objects.filter(pk=payload.to_union_id).first()
    if to_union is None:
        raise NotFound(field="to_union_id")
    return _detail(services.ticket_transfer(actor=request.auth, ticket=_ticket(request, number), to_union=to_union,
                                            reason=payload.reason, expected_version=payload.version))


@router.post("/tickets/{number}/resolve", tags=TICKETS, response={200: TicketOut, **ERRORS}, summary="办结")
def ticket_resolve(request, number: str, payload: ResolveIn):
    return _detail(services.ticket_resolve(actor=request.auth, ticket=_ticket(request, number),
                                           resolution=payload.resolution, expected_version=payload.version))


@router.post("/tickets/{number}/callback", tags=TICKETS, response={200: TicketOut, **ERRORS}, summary="回访")
def ticket_callback(request, number: str, payload: CallbackIn):
    return _detail(services.ticket_callback(actor=request.auth, ticket=_ticket(request, number), rating=payload.rating,
                                            comment=payload.comment, reopen=payload.reopen, expected_version=payload.version))


@router.post("/tickets/{number}/reopen", tags=TICKETS, response={200: TicketOut, **ERRORS}, summary="重新办理")
def ticket_reopen(request, number: str, payload: ReasonIn):
    return _detail(services.ticket_reopen(actor=request.auth, ticket=_ticket(request, number), reason=payload.reason,
                                          expected_version=payload.version))


@router.post("/tickets/{number}/rate", tags=TICKETS, response={200: PublicTicketOut, **ERRORS}, summary="职工评价")
def ticket_rate(request, number: str, payload: RateIn):
    ticket = services.ticket_rate(actor=request.auth, ticket=_ticket(request, number), rating=payload.rating,
                                  comment=payload.comment)
    return _public(ticket)


@router.post("/tickets/{number}/attachments", tags=TICKETS, response={201: list[AttachmentOut], **ERRORS},
             summary="补充材料（图片或PDF，multipart，字段名 files）")
def ticket_attach(request, number: str, files: list[UploadedFile] = File(...)):
    from .attachments import check_attachments

    checked = check_attachments(list(files), field="files")
    return Status(201, services.ticket_attach(actor=request.auth, ticket=_ticket(request, number), files=checked))


@router.post("/tickets/{number}/reveal", tags=TICKETS, response={200: RevealOut, **ERRORS}, summary="查看诉求人完整联系电话（记入审计）")
def ticket_reveal(request, number: str):
    return {"complainant_phone": services.ticket_reveal_phone(actor=request.auth, ticket=_ticket(request, number))}


@router.get("/overdue", tags=TICKETS, response={200: BoardOut, **ERRORS}, summary="超期督办看板")
def overdue_board(request, union_id: int, show: str = "overdue"):
    if show not in {"overdue", "near"}:
        raise ValidationFailed(ErrorCode.INVALID, "show 只能是 overdue 或 near", field="show")
    board = selectors.overdue_board(actor=request.auth, union=_union(request, union_id), show=show)
    return {
        "overdue_total": board.overdue_total,
        "near_total": board.near_total,
        "tickets": board.tickets,
        "by_union": [{"union_id": u.pk, "union_name": u.name, "overdue": n} for u, n in board.by_union],
    }


# ---- Referrals ----------------------------------------------------------------------------------------


@router.post("/tickets/{number}/referrals", tags=AGENCY, response={201: ReferralOut, **ERRORS}, summary="移交协作单位")
def referral_create(request, number: str, payload: ReferralIn):
    agency = Agency.objects.filter(pk=payload.agency_id).first()
    if agency is None:
        raise NotFound(field="agency_id")
    referral = collab.referral_create(actor=request.auth, ticket=_ticket(request, number), agency=agency,
                                      reason=payload.reason, expected_version=payload.version)
    return Status(201, referral)


@router.get("/referrals", tags=AGENCY, response={200: list[AgencyReferralOut], **ERRORS}, summary="本单位收到的移交")
def referral_list(request, status: str = ""):
    return list(selectors.agency_referrals(user=request.auth, status=status)[:200])


@router.get("/referrals/{int:referral_id}", tags=AGENCY, response={200: AgencyReferralOut, **ERRORS}, summary="移交详情")
def referral_detail(request, referral_id: int):
    return selectors.agency_referral_get(user=request.auth, referral_id=referral_id)


@router.post("/referrals/{int:referral_id}/accept", tags=AGENCY, response={200: ReferralOut, **ERRORS}, summary="接收移交")
def referral_accept(request, referral_id: int):
    return collab.referral_accept(actor=request.auth, referral=selectors.agency_referral_get(user=request.auth, referral_id=referral_id))


@router.post("/referrals/{int:referral_id}/return", tags=AGENCY, response={200: ReferralOut, **ERRORS}, summary="退回移交")
def referral_return(request, referral_id: int, payload: ReasonIn):
    referral = selectors.agency_referral_get(user=request.auth, referral_id=referral_id)
    return collab.referral_return(actor=request.auth, referral=referral, reason=payload.reason)


@router.post("/referrals/{int:referral_id}/steps", tags=AGENCY, response={201: dict, **ERRORS}, summary="记录办理情况")
def referral_step(request, referral_id: int, payload: NoteIn):
    referral = selectors.agency_referral_get(user=request.auth, referral_id=referral_id)
    step = collab.referral_step(actor=request.auth, referral=referral, note=payload.note)
    return Status(201, {"id": step.pk, "note": step.note})


@router.post("/referrals/{int:referral_id}/complete", tags=AGENCY, response={200: ReferralOut, **ERRORS}, summary="办结移交")
def referral_complete(request, referral_id: int, payload: ResultIn):
    referral = selectors.agency_referral_get(user=request.auth, referral_id=referral_id)
    return collab.referral_complete(actor=request.auth, referral=referral, result=payload.result)


# ---- Mediation and legal aid -------------------------------------------------------------------------------


def _mediation_ticket(request, number: str):
    """The handling union's staff, or an agency holding the ticket's accepted referral."""
    try:
        return _ticket(request, number)
    except NotFound:
        for referral in selectors.agency_referrals(user=request.auth, status="accepted").filter(ticket__number=number):
            return referral.ticket
        raise


def _mediation(request, number: str) -> Mediation:
    mediation = Mediation.objects.filter(ticket=_mediation_ticket(request, number)).first()
    if mediation is None:
        raise NotFound("该工单尚未启动调解")
    return mediation


@router.post("/tickets/{number}/mediation", tags=MEDIATION, response={201: MediationOut, **ERRORS}, summary="启动调解")
def mediation_start(request, number: str, payload: MediationIn):
    mediation = collab.mediation_start(actor=request.auth, ticket=_mediation_ticket(request, number),
                                       applicant=payload.applicant, respondent=payload.respondent,
                                       mediator=payload.mediator, expected_version=payload.version)
    return Status(201, mediation)


@router.post("/tickets/{number}/mediation/sessions", tags=MEDIATION, response={201: MediationOut, **ERRORS}, summary="记录调解")
def mediation_session(request, number: str, payload: SessionIn):
    mediation = _mediation(request, number)
    collab.mediation_session_add(actor=request.auth, mediation=mediation, held_on=payload.held_on,
                                 place=payload.place, summary=payload.summary)
    return Status(201, mediation)


@router.post("/tickets/{number}/mediation/conclude", tags=MEDIATION, response={200: MediationOut, **ERRORS}, summary="调解结果")
def mediation_conclude(request, number: str, payload: ConcludeIn):
    return collab.mediation_conclude(actor=request.auth, mediation=_mediation(request, number), outcome=payload.outcome,
                                     agreement=payload.agreement, guidance=payload.guidance)


@router.get("/tickets/{number}/mediation/agreement.pdf", tags=MEDIATION, response={200: None, **ERRORS}, summary="调解协议书 PDF")
def mediation_agreement(request, number: str):
    from .documents import mediation_agreement_pdf

    mediation = _mediation(request, number)
    response = HttpResponse(mediation_agreement_pdf(mediation), content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="mediation-{number}.pdf"'
    return response


@router.post("/tickets/{number}/legal-aid", tags=MEDIATION, response={201: LegalAidOut, **ERRORS}, summary="申请法律援助")
def legal_aid_apply(request, number: str, payload: LegalAidIn):
    application = collab.legal_aid_apply(actor=request.auth, ticket=_ticket(request, number), matter=payload.matter,
                                         expected_version=payload.version)
    return Status(201, application)


def _application(request, application_id: int) -> LegalAidApplication:
    application = LegalAidApplication.objects.select_related("ticket__union").filter(pk=application_id).first()
    if application is None or not ticket_policy.can(request.auth, "view", application.ticket):
        raise NotFound()
    return application


@router.post("/legal-aid/{int:application_id}/decide", tags=MEDIATION, response={200: LegalAidOut, **ERRORS}, summary="审查")
def legal_aid_decide(request, application_id: int, payload: DecideIn):
    return collab.legal_aid_decide(actor=request.auth, application=_application(request, application_id),
                                   eligible=payload.eligible, reason=payload.reason)


@router.post("/legal-aid/{int:application_id}/assign", tags=MEDIATION, response={200: LegalAidOut, **ERRORS}, summary="指派律师或志愿者")
def legal_aid_assign(request, application_id: int, payload: AssignIn):
    provider = LegalAidProvider.objects.select_related("union").filter(pk=payload.provider_id).first()
    if provider is None:
        raise NotFound(field="provider_id")
    return collab.legal_aid_assign(actor=request.auth, application=_application(request, application_id), provider=provider)


@router.post("/legal-aid/{int:application_id}/progress", tags=MEDIATION, response={200: LegalAidOut, **ERRORS}, summary="记录进展")
def legal_aid_progress(request, application_id: int, payload: NoteIn):
    return collab.legal_aid_progress(actor=request.auth, application=_application(request, application_id), note=payload.note)


@router.post("/legal-aid/{int:application_id}/conclude", tags=MEDIATION, response={200: LegalAidOut, **ERRORS}, summary="结案")
def legal_aid_conclude(request, application_id: int, payload: ResultIn):
    return collab.legal_aid_conclude(actor=request.auth, application=_application(request, application_id), result=payload.result)


# ---- Warnings ----------------------------------------------------------------------------------------------


@router.get("/warnings", tags=WARNINGS, response={200: list[WarningOut], **ERRORS}, summary="风险预警")
def warning_list(request, status: str = ""):
    return list(selectors.warning_list(actor=request.auth, status=status)[:200])


@router.post("/warnings/{int:warning_id}/notes", tags=WARNINGS, response={200: WarningOut, **ERRORS}, summary="记录处置情况")
def warning_note(request, warning_id: int, payload: WarningNoteIn):
    from .warnings import warning_note as note

    warning = selectors.warning_get(actor=request.auth, warning_id=warning_id)
    return note(actor=request.auth, warning=warning, note=payload.note, status=payload.status)
