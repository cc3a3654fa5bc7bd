"""The member registry over the API: members, the worker's own membership, join applications,
transfers, and public card verification. Endpoints fetch what the caller may see through the
selectors and hand every change to a service, which checks the action and writes the audit entry."""

from urllib.parse import urlencode

from django.http import HttpResponse
from django.urls import reverse
from ninja import Query, Router, Status

from zhijia.core.errors import ErrorCode, NotFound, ValidationFailed
from zhijia.core.schemas import ERRORS, Page, paginate
from zhijia.org.models import Union
from zhijia.org.permissions import policy as union_policy

from . import selectors, services
from .card import card_token, card_verify
from .models import ApplicationStatus, Member, TransferRequest
from .permissions import application_policy, member_policy, transfer_policy
from .schemas import (
    ApplicationIn,
    ApplicationOut,
    ApplicationQuery,
    CardCheckOut,
    MemberCreateIn,
    MemberListItem,
    MemberOut,
    MemberPatchIn,
    MemberQuery,
    MembershipOut,
    MemberStatusIn,
    ReasonIn,
    RevealIn,
    RevealOut,
    TransferIn,
    TransferOut,
    TransferQuery,
)

router = Router()

MEMBERS = ["会员"]
JOINING = ["入会申请"]
TRANSFERS = ["会员关系转接"]
CARDS = ["会员卡"]


def _target_union(union_id: int, *, field: str) -> Union:
    """A union named as the place to join or move to; whether the caller may use it is the service's call."""
    union = Union.objects.filter(pk=union_id).first()
    if union is None:
        raise NotFound(field=field)
    return union


def _person(payload) -> services.PersonData:
    return services.PersonData(
        name=payload.name,
        id_number=payload.id_number,
        phone=payload.phone,
        employer=payload.employer,
        is_migrant_worker=payload.is_migrant_worker,
        new_form_type=payload.new_form_type,
        joined_on=getattr(payload, "joined_on", None),
    )


def _member_detail(actor, member: Member) -> Member:
    member.can_reveal_pii = member_policy.can(actor, "reveal_pii", member)
    member.history = list(member.changes.all()) if member_policy.can(actor, "history", member) else None
    return member


# ---- Members ---------------------------------------------------------------------------------


@router.get("/members", tags=MEMBERS, response={200: Page[MemberListItem], **ERRORS}, summary="会员名册")
def member_list(request, filters: Query[MemberQuery]):
    actor = request.auth
    member_policy.require(actor, "list")
    if filters.sort not in selectors.SORTS:
        raise ValidationFailed(ErrorCode.INVALID, "排序方式无效", field="sort")
    union = None
    if filters.union_id is not None:
        union = union_policy.get_or_404(actor, "view", Union.objects.all(), pk=filters.union_id)
    members = selectors.member_list(
        actor=actor, union=union, query=filters.q, status=filters.status or "", sort=filters.sort
    )
    return paginate(members, filters)


@router.get("/members/{int:member_id}", tags=MEMBERS, response={200: MemberOut, **ERRORS}, summary="会员详情")
def member_detail(request, member_id: int):
    member = selectors.member_get(actor=request.auth, member_id=member_id)
    return _member_detail(request.auth, member)


@router.post("/members", tags=MEMBERS, response={201: MemberOut, **ERRORS}, summary="录入会员")
def member_create(request, payload: MemberCreateIn):
    union = _target_union(payload.union_id, field="union_id")
    member = services.member_create(actor=request.auth, union=union, data=_person(payload))
    return Status(201, _member_detail(request.auth, member))


@router.patch("/members/{int:member_id}", tags=MEMBERS, response={200: MemberOut, **ERRORS}, summary="修改会员信息")
def member_update(request, member_id: int, payload: MemberPatchIn):
    member = selectors.member_get(actor=request.auth, member_id=member_id)
    member = services.member_update(actor=request.auth, member=member, changes=payload.model_dump(exclude_unset=True))
    return _member_detail(request.auth, member)


@router.post(
    "/members/{int:member_id}/status", tags=MEMBERS, response={200: MemberOut, **ERRORS}, summary="变更会籍状态"
)
def member_change_status(request, member_id: int, payload: MemberStatusIn):
    member = selectors.member_get(actor=request.auth, member_id=member_id)
    member = services.member_change_status(
        actor=request.auth, member=member, status=payload.status, reason=payload.reason
    )
    return _member_detail(request.auth, member)


@router.post(
    "/members/{int:member_id}/reveal", tags=MEMBERS, response={200: RevealOut, **ERRORS}, summary="查看完整个人信息"
)
def member_reveal(request, response: HttpResponse, member_id: int, payload: RevealIn):
    member = selectors.member_get(actor=request.auth, member_id=member_id)
    value = services.member_reveal_pii(actor=request.auth, member=member, field=payload.field)
    response["Cache-Control"] = "no-store"
    return {"value": value}


# ---- The worker's own membership -------------------------------------------------------------


@router.get("/me/membership", tags=CARDS, response={200: MembershipOut, **ERRORS}, summary="我的会籍与电子会员卡")
def my_membership(request):
    member = selectors.my_active_membership(user=request.auth)
    if member is None:
        raise NotFound("您目前没有在会的会籍")
    token = card_token(member)
    verify_url = request.build_absolute_uri(reverse("api:card_verify")) + "?" + urlencode({"token": token})
    return {
        "id": member.pk,
        "member_no": member.member_no,
        "name": member.name,
        "union_id": member.union_id,
        "union_name": member.union.name,
        "status": member.status,
        "status_label": member.get_status_display(),
        "joined_on": member.joined_on,
        "card_token": token,
        "verify_url": verify_url,
    }


@router.get(
    "/cards/verify", auth=None, url_name="card_verify", tags=CARDS, response={200: CardCheckOut},
    summary="核验会员卡二维码（公开）",
)
def card_check(request, response: HttpResponse, token: str = ""):
    check = card_verify(token)
    response["Cache-Control"] = "no-store"
    return {"status": check.status, "label": check.label, "union_name": check.union_name}


# ---- Join applications (入会申请) ---------------------------------------------------------------


@router.post("/join-applications", tags=JOINING, response={201: ApplicationOut, **ERRORS}, summary="提交入会申请")
def application_create(request, payload: ApplicationIn):
    union = _target_union(payload.union_id, field="union_id")
    application = services.join_apply(actor=request.auth, union=union, data=_person(payload), note=payload.note)
    return Status(201, application)


@router.get("/join-applications", tags=JOINING, response={200: Page[ApplicationOut], **ERRORS}, summary="入会申请列表")
def application_list(request, filters: Query[ApplicationQuery]):
    actor = request.auth
    if filters.mine or not application_policy.allows(actor, "list"):
        applications = selectors.my_applications(user=actor)
        if filters.status:
            applications = applications.filter(status=filters.status)
    else:
        applications = selectors.application_list(actor=actor, status=filters.status or ApplicationStatus.PENDING)
    return paginate(applications, filters)


@router.get(
    "/join-applications/{int:application_id}", tags=JOINING, response={200: ApplicationOut, **ERRORS},
    summary="入会申请详情",
)
def application_detail(request, application_id: int):
    return selectors.application_get(actor=request.auth, application_id=application_id)


@router.post(
    "/join-applications/{int:application_id}/approve", tags=JOINING, response={200: ApplicationOut, **ERRORS},
    summary="批准入会",
)
def application_approve(request, application_id: int):
    application = selectors.application_get(actor=request.auth, application_id=application_id)
    services.join_approve(actor=request.auth, application=application)
    return selectors.application_get(actor=request.auth, application_id=application_id)


@router.post(
    "/join-applications/{int:application_id}/reject", tags=JOINING, response={200: ApplicationOut, **ERRORS},
    summary="驳回入会申请",
)
def application_reject(request, application_id: int, payload: ReasonIn):
    application = selectors.application_get(actor=request.auth, application_id=application_id)
    return services.join_reject(actor=request.auth, application=application, reason=payload.reason)


@router.post(
    "/join-applications/{int:application_id}/withdraw", tags=JOINING, response={200: ApplicationOut, **ERRORS},
    summary="撤回入会申请",
)
def application_withdraw(request, application_id: int):
    application = selectors.application_get(actor=request.auth, application_id=application_id)
    return services.join_withdraw(actor=request.auth, application=application)


# ---- Transfers (会员关系转接) -------------------------------------------------------------------


@router.post("/transfers", tags=TRANSFERS, response={201: TransferOut, **ERRORS}, summary="申请会员关系转接")
def transfer_create(request, payload: TransferIn):
    member = selectors.member_get(actor=request.auth, member_id=payload.member_id)
    to_union = _target_union(payload.to_union_id, field="to_union_id")
    transfer = services.transfer_request(
        actor=request.auth, member=member, to_union=to_union, reason=payload.reason, new_employer=payload.new_employer
    )
    return Status(201, transfer)


@router.get("/transfers", tags=TRANSFERS, response={200: Page[TransferOut], **ERRORS}, summary="转接申请列表")
def transfer_list(request, filters: Query[TransferQuery]):
    actor = request.auth
    status = filters.status or ""
    if transfer_policy.allows(actor, "list"):
        transfers = selectors.transfer_list(actor=actor, status=status)
    else:
        # A worker sees the transfers of their own membership.
        transfers = transfer_policy.scope(
            actor, "view", TransferRequest.objects.select_related("member", "from_union", "to_union")
        ).order_by("-id")
        if status:
            transfers = transfers.filter(status=status)
    return paginate(transfers, filters)


@router.get("/transfers/{int:transfer_id}", tags=TRANSFERS, response={200: TransferOut, **ERRORS}, summary="转接详情")
def transfer_detail(request, transfer_id: int):
    return selectors.transfer_get(actor=request.auth, transfer_id=transfer_id)


def _transfer_action(request, transfer_id: int, action, **kwargs) -> TransferRequest:
    transfer = selectors.transfer_get(actor=request.auth, transfer_id=transfer_id)
    action(actor=request.auth, transfer=transfer, **kwargs)
    return selectors.transfer_get(actor=request.auth, transfer_id=transfer_id)


@router.post(
    "/transfers/{int:transfer_id}/release", tags=TRANSFERS, response={200: TransferOut, **ERRORS},
    summary="转出工会同意转出",
)
def transfer_release(request, transfer_id: int):
    return _transfer_action(request, transfer_id, services.transfer_release)


@router.post(
    "/transfers/{int:transfer_id}/accept", tags=TRANSFERS, response={200: TransferOut, **ERRORS},
    summary="转入工会接收",
)
def transfer_accept(request, transfer_id: int):
    return _transfer_action(request, transfer_id, services.transfer_accept)


@router.post(
    "/transfers/{int:transfer_id}/reject", tags=TRANSFERS, response={200: TransferOut, **ERRORS}, summary="拒绝转接"
)
def transfer_reject(request, transfer_id: int, payload: ReasonIn):
    return _transfer_action(request, transfer_id, services.transfer_reject, reason=payload.reason)


@router.post(
    "/transfers/{int:transfer_id}/cancel", tags=TRANSFERS, response={200: TransferOut, **ERRORS},
    summary="撤销转接申请",
)
def transfer_cancel(request, transfer_id: int):
    return _transfer_action(request, transfer_id, services.transfer_cancel)
