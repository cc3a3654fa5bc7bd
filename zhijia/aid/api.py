"""Hardship aid over the API (/api/aid/): household files from draft to approval and exit, campaigns and the
applications made to them with their multi-level review, mutual-aid enrollment, and the money side (batches,
the bank's file, its results). Endpoints are thin: selectors scope what the caller may see, services check and
write. 身份证号 and bank accounts leave masked, except through /reveal and the bank file (both logged)."""

from django.db.models import Count, Q
from django.http import HttpResponse
from django.utils.http import content_disposition_header
from ninja import File, Query, Router, Status
from ninja.files import UploadedFile
from pydantic import ValidationError as SchemaError

from zhijia.core.errors import ErrorCode, NotFound, ValidationFailed
from zhijia.core.schemas import ERRORS, Page, paginate
from zhijia.members.models import Member
from zhijia.members.permissions import member_policy
from zhijia.members.selectors import member_get, my_active_membership
from zhijia.org.models import Union
from zhijia.org.permissions import policy as union_policy

from . import exports, selectors
from .models import Application, Campaign, DisbursementBatch, FileObjection, HardshipFile, Payment
from .permissions import application_policy, file_policy, payment_policy
from .schemas import (
    ApplicationIn,
    ApplicationListItem,
    ApplicationOut,
    ApplicationQuery,
    BatchIn,
    BatchOut,
    BulkApproveIn,
    BulkApproveOut,
    CampaignIn,
    CampaignUpdateIn,
    CampaignOut,
    CampaignQuery,
    DecideIn,
    EnrollIn,
    EnrollOut,
    FileCreateIn,
    FileIn,
    FileListItem,
    FileOut,
    FileQuery,
    FileRevealOut,
    FileUpdateIn,
    ObjectionIn,
    ObjectionResolveIn,
    OpenCampaignOut,
    OptionalReasonIn,
    PaymentOut,
    PaymentQuery,
    PaymentResultIn,
    ReasonIn,
    ResultRowsIn,
    ResultsOut,
    VisitIn,
)
from .services import applications as application_services
from .services import files as file_services
from .services import payments as payment_services

router = Router()
FILES = ["困难职工档案"]
CAMPAIGNS = ["帮扶活动"]
APPLICATIONS = ["帮扶申请"]
MUTUAL = ["职工医疗互助"]
MONEY = ["帮扶资金发放"]

RESULT_FILE_MAX_BYTES = 20 * 1024 * 1024


def _union(request, union_id: int | None, field: str = "union_id") -> Union | None:
    if union_id is None:
        return None
    try:
        return union_policy.get_or_404(request.auth, "view", Union.objects.all(), pk=union_id)
    except NotFound:
        raise NotFound(field=field) from None


# ---- Hardship files -----------------------------------------------------------------------------------------


def _file(request, number: str) -> HardshipFile:
    return selectors.file_get(actor=request.auth, number=number)


def _file_detail(request, file: HardshipFile) -> HardshipFile:
    file.household_list = list(file.household.all())
    file.event_list = list(file.events.all())
    file.objection_list = list(file.objections.all())
    file.can_reveal_pii = file_policy.can(request.auth, "reveal_pii", file)
    return file


def _file_data(payload: FileIn) -> file_services.FileData:
    return file_services.FileData(
        name=payload.name,
        phone=payload.phone,
        address=payload.address,
        causes=list(payload.causes),
        cause_note=payload.cause_note,
        other_income=payload.other_income,
        unavoidable_spending=payload.unavoidable_spending,
        necessary_costs=payload.necessary_costs,
        bank_name=payload.bank_name,
        bank_account=payload.bank_account,
        household=[file_services.PersonIn(relation=p.relation, name=p.name, id_number=p.id_number,
                                          annual_income=p.annual_income, health=p.health, schooling=p.schooling,
                                          work=p.work) for p in payload.household],
    )


@router.get("/files", tags=FILES, response={200: Page[FileListItem], **ERRORS}, summary="困难职工档案列表")
def file_list(request, filters: Query[FileQuery]):
    file_policy.require(request.auth, "list")
    union = _union(request, filters.union_id)
    files = selectors.file_list(actor=request.auth, filters=selectors.FileFilters(
        q=filters.q, status=filters.status, category=filters.category, union_id=union.pk if union else None,
        review_due=filters.review_due))
    return paginate(files, filters)


def _own_union(request, union_id: int | None) -> Union:
    """The union a worker files through: the one named, or their active membership's. Whether they belong
    to it is the service's call."""
    if union_id is not None:
        union = Union.objects.filter(pk=union_id).first()
    else:
        membership = my_active_membership(user=request.auth)
        union = membership.union if membership else None
    if union is None:
        raise NotFound("找不到您所在的工会，请先入会或请所在工会代为建档", field="union_id")
    return union


@router.post("/files", tags=FILES, response={201: FileOut, **ERRORS}, summary="新建档案（草稿，自动认定困难类别）")
def file_create(request, payload: FileCreateIn):
    """Staff file for a worker of a union in their reach (`union_id`, optionally `member_id`); a worker files
    for themself (本人 must be their membership) through their union."""
    actor = request.auth
    if file_policy.allows(actor, "create"):
        if payload.union_id is None:
            raise ValidationFailed(ErrorCode.REQUIRED, "请选择职工所在的基层工会", field="union_id")
        union = _union(request, payload.union_id)
        member = member_get(actor=actor, member_id=payload.member_id) if payload.member_id else None
        applicant = member.user if member else None
    else:
        union, member, applicant = _own_union(request, payload.union_id), None, actor
    file = file_services.file_create(actor=actor, union=union, data=_file_data(payload), member=member,
                                     applicant=applicant)
    return Status(201, _file_detail(request, file))


@router.get("/files/mine", tags=FILES, response={200: list[FileListItem], **ERRORS}, summary="我的困难职工档案")
def my_files(request):
    return list(selectors.my_files(user=request.auth)[:20])


@router.get("/files/{number}", tags=FILES, response={200: FileOut, **ERRORS}, summary="档案详情（认定依据、家庭成员、记录、异议）")
def file_detail(request, number: str):
    return _file_detail(request, _file(request, number))


@router.put("/files/{number}", tags=FILES, response={200: FileOut, **ERRORS}, summary="修改档案（草稿或已退回）")
def file_update(request, number: str, payload: FileUpdateIn):
    file = file_services.file_update(actor=request.auth, file=_file(request, number), data=_file_data(payload),
                                     version=payload.version)
    return _file_detail(request, file)


@router.post("/files/{number}/submit", tags=FILES, response={200: FileOut, **ERRORS}, summary="提交建档申请（全国一户一档查重）")
def file_submit(request, number: str):
    return _file_detail(request, file_services.file_submit(actor=request.auth, file=_file(request, number)))


@router.post("/files/{number}/visit", tags=FILES, response={200: FileOut, **ERRORS}, summary="记录入户走访")
def file_visit(request, number: str, payload: VisitIn):
    file = file_services.file_visit(actor=request.auth, file=_file(request, number), note=payload.note,
                                    visited_by=payload.visited_by)
    return _file_detail(request, file)


@router.post("/files/{number}/notice", tags=FILES, response={200: FileOut, **ERRORS}, summary="开始公示")
def file_notice(request, number: str):
    return _file_detail(request, file_services.file_notice_start(actor=request.auth, file=_file(request, number)))


@router.post("/files/{number}/objections", tags=FILES, response={201: FileOut, **ERRORS}, summary="登记公示异议")
def objection_add(request, number: str, payload: ObjectionIn):
    file = _file(request, number)
    file_services.objection_add(actor=request.auth, file=file, content=payload.content, raised_by=payload.raised_by)
    return Status(201, _file_detail(request, selectors.file_get(actor=request.auth, number=number)))


@router.post("/files/{number}/objections/{int:objection_id}/resolve", tags=FILES, response={200: FileOut, **ERRORS},
             summary="处理公示异议（成立则档案退回）")
def objection_resolve(request, number: str, objection_id: int, payload: ObjectionResolveIn):
    file = _file(request, number)
    objection = FileObjection.objects.filter(file=file, pk=objection_id).first()
    if objection is None:
        raise NotFound(field="objection_id")
    file_services.objection_resolve(actor=request.auth, objection=objection, upheld=payload.upheld,
                                    resolution=payload.resolution)
    return _file_detail(request, selectors.file_get(actor=request.auth, number=number))


@router.post("/files/{number}/notice-close", tags=FILES, response={200: FileOut, **ERRORS}, summary="公示期满，报送审批")
def file_notice_close(request, number: str):
    return _file_detail(request, file_services.file_notice_close(actor=request.auth, file=_file(request, number)))


@router.post("/files/{number}/approve", tags=FILES, response={200: FileOut, **ERRORS}, summary="批准建档")
def file_approve(request, number: str):
    return _file_detail(request, file_services.file_approve(actor=request.auth, file=_file(request, number)))


@router.post("/files/{number}/return", tags=FILES, response={200: FileOut, **ERRORS}, summary="退回补正")
def file_return(request, number: str, payload: ReasonIn):
    file = file_services.file_return(actor=request.auth, file=_file(request, number), reason=payload.reason)
    return _file_detail(request, file)


@router.post("/files/{number}/withdraw", tags=FILES, response={200: FileOut, **ERRORS}, summary="撤回建档申请")
def file_withdraw(request, number: str, payload: ReasonIn):
    file = file_services.file_withdraw(actor=request.auth, file=_file(request, number), reason=payload.reason)
    return _file_detail(request, file)


@router.post("/files/{number}/reassess", tags=FILES, response={200: FileOut, **ERRORS}, summary="年度复核（按当年情况重新认定）")
def file_reassess(request, number: str, payload: FileIn):
    file = file_services.file_reassess(actor=request.auth, file=_file(request, number), data=_file_data(payload))
    return _file_detail(request, file)


@router.post("/files/{number}/exit", tags=FILES, response={200: FileOut, **ERRORS}, summary="办理脱困")
def file_exit(request, number: str, payload: ReasonIn):
    file = file_services.file_exit(actor=request.auth, file=_file(request, number), reason=payload.reason)
    return _file_detail(request, file)


@router.post("/files/{number}/reveal", tags=FILES, response={200: FileRevealOut, **ERRORS},
             summary="查看完整身份证号、电话和银行账号（记入审计）")
def file_reveal(request, number: str):
    return file_services.file_reveal(actor=request.auth, file=_file(request, number))


# ---- Campaigns ----------------------------------------------------------------------------------------------


def _campaign(request, campaign_id: int) -> Campaign:
    return selectors.campaign_get(actor=request.auth, campaign_id=campaign_id)


def _open_to_worker(request, campaign_id: int) -> tuple[Member, Campaign]:
    """The worker's membership through which they may apply to (or join) this campaign."""
    for member, campaign in selectors.campaigns_open_to_member(user=request.auth):
        if campaign.pk == campaign_id:
            return member, campaign
    raise NotFound("没有可申请的该项活动：活动不存在、不在申请期内，或您所在的工会不在活动范围内")


@router.get("/campaigns", tags=CAMPAIGNS, response={200: Page[CampaignOut], **ERRORS}, summary="帮扶活动列表")
def campaign_list(request, filters: Query[CampaignQuery]):
    campaigns = selectors.campaigns_visible(actor=request.auth)
    if filters.kind:
        campaigns = campaigns.filter(kind=filters.kind)
    if filters.status:
        campaigns = campaigns.filter(status=filters.status)
    if filters.year:
        campaigns = campaigns.filter(year=filters.year)
    return paginate(campaigns, filters)


@router.post("/campaigns", tags=CAMPAIGNS, response={201: CampaignOut, **ERRORS}, summary="创建帮扶活动")
def campaign_create(request, payload: CampaignIn):
    data = application_services.CampaignData(**payload.model_dump(exclude={"union_id"}))
    campaign = application_services.campaign_create(actor=request.auth, union=_union(request, payload.union_id),
                                                    data=data)
    return Status(201, campaign)


@router.get("/campaigns/open", tags=CAMPAIGNS, response={200: list[OpenCampaignOut], **ERRORS},
            summary="我可以申请的活动（职工）")
def campaigns_open(request):
    return [{"member_id": member.pk, "union_id": member.union_id, "union_name": member.union.name,
             "campaign": campaign} for member, campaign in selectors.campaigns_open_to_member(user=request.auth)]


@router.get("/campaigns/{int:campaign_id}", tags=CAMPAIGNS, response={200: CampaignOut, **ERRORS}, summary="帮扶活动详情")
def campaign_detail(request, campaign_id: int):
    return _campaign(request, campaign_id)


@router.patch("/campaigns/{int:campaign_id}", tags=CAMPAIGNS, response={200: CampaignOut, **ERRORS},
              summary="修改帮扶活动（名称、截止日期、预算、说明）")
def campaign_update(request, campaign_id: int, payload: CampaignUpdateIn):
    return application_services.campaign_update(actor=request.auth, campaign=_campaign(request, campaign_id),
                                                **payload.model_dump())


@router.post("/campaigns/{int:campaign_id}/close", tags=CAMPAIGNS, response={200: CampaignOut, **ERRORS},
             summary="结束帮扶活动（不再接受新申请）")
def campaign_close(request, campaign_id: int):
    return application_services.campaign_close(actor=request.auth, campaign=_campaign(request, campaign_id))


# ---- Applications -------------------------------------------------------------------------------------------


def _application(request, number: str) -> Application:
    return selectors.application_get(actor=request.auth, number=number)


def _application_detail(application: Application) -> Application:
    application.decision_list = list(application.decisions.all())
    application.payment_brief = Payment.objects.filter(application=application).first()
    return application


def _application_data(payload: ApplicationIn) -> application_services.ApplicationIn:
    return application_services.ApplicationIn(**payload.model_dump(exclude={"union_id", "member_id"}))


@router.post("/campaigns/{int:campaign_id}/applications", tags=APPLICATIONS, response={201: ApplicationOut, **ERRORS},
             summary="提交帮扶申请（职工本人，或工会代为申请）")
def application_submit(request, campaign_id: int, payload: ApplicationIn):
    """Staff give `union_id` (and `member_id` for a mutual-aid claim); a worker leaves it out and applies
    through their own membership of a union the campaign covers. The amount is computed, never typed in."""
    actor = request.auth
    if payload.union_id is not None:
        campaign = _campaign(request, campaign_id)
        union = _union(request, payload.union_id)
        member = member_get(actor=actor, member_id=payload.member_id) if payload.member_id else None
        application = application_services.application_submit(actor=actor, campaign=campaign, union=union,
                                                              data=_application_data(payload), member=member)
    else:
        member, campaign = _open_to_worker(request, campaign_id)
        application = application_services.application_submit(actor=actor, campaign=campaign, union=member.union,
                                                              data=_application_data(payload), member=member,
                                                              applicant=actor)
    return Status(201, _application_detail(application))


@router.get("/applications", tags=APPLICATIONS, response={200: Page[ApplicationListItem], **ERRORS}, summary="帮扶申请列表")
def application_list(request, filters: Query[ApplicationQuery]):
    actor = request.auth
    application_policy.require(actor, "list")
    campaign = _campaign(request, filters.campaign_id) if filters.campaign_id else None
    if filters.awaiting:
        applications = selectors.review_queue(actor=actor)
        if campaign is not None:
            applications = applications.filter(campaign=campaign)
        if filters.q:
            applications = applications.filter(Q(name__startswith=filters.q) | Q(number=filters.q.upper()))
    else:
        applications = selectors.application_list(actor=actor, campaign=campaign, status=filters.status, q=filters.q)
    return paginate(applications, filters)


@router.get("/applications/mine", tags=APPLICATIONS, response={200: list[ApplicationListItem], **ERRORS},
            summary="我的帮扶申请")
def my_applications(request):
    return list(selectors.my_applications(user=request.auth).select_related("union", "reviewing_union")[:100])


@router.get("/applications/{number}", tags=APPLICATIONS, response={200: ApplicationOut, **ERRORS},
            summary="申请详情（计算依据、审核记录、发放情况）")
def application_detail(request, number: str):
    return _application_detail(_application(request, number))


@router.post("/applications/{number}/decide", tags=APPLICATIONS, response={200: ApplicationOut, **ERRORS},
             summary="审核：同意、退回补正或不予批准")
def application_decide(request, number: str, payload: DecideIn):
    application = application_services.application_decide(
        actor=request.auth, application=_application(request, number), decision=payload.decision,
        reason=payload.reason, version=payload.version)
    return _application_detail(application)


@router.post("/applications/{number}/resubmit", tags=APPLICATIONS, response={200: ApplicationOut, **ERRORS},
             summary="补正后重新提交")
def application_resubmit(request, number: str, payload: OptionalReasonIn | None = None):
    application = application_services.application_resubmit(
        actor=request.auth, application=_application(request, number), reason=payload.reason if payload else "")
    return _application_detail(application)


@router.post("/applications/{number}/withdraw", tags=APPLICATIONS, response={200: ApplicationOut, **ERRORS},
             summary="撤回申请")
def application_withdraw(request, number: str, payload: OptionalReasonIn | None = None):
    application = application_services.application_withdraw(
        actor=request.auth, application=_application(request, number), reason=payload.reason if payload else "")
    return _application_detail(application)


@router.post("/campaigns/{int:campaign_id}/approve-bulk", tags=APPLICATIONS, response={200: BulkApproveOut, **ERRORS},
             summary="批量审批（本人所在层级的待审申请）")
def applications_approve_bulk(request, campaign_id: int, payload: BulkApproveIn | None = None):
    return application_services.applications_approve_bulk(actor=request.auth, campaign=_campaign(request, campaign_id),
                                                           ids=payload.ids if payload else None)


# ---- Mutual aid ---------------------------------------------------------------------------------------------


@router.post("/campaigns/{int:campaign_id}/enrollments", tags=MUTUAL, response={201: EnrollOut, **ERRORS},
             summary="医疗互助参保（会员本人，或工会统一参保）")
def enrollment_create(request, campaign_id: int, payload: EnrollIn):
    actor = request.auth
    try:
        plan = _campaign(request, campaign_id)
    except NotFound:
        plan = _open_to_worker(request, campaign_id)[1]
    wanted = set(payload.member_ids)
    members = list(member_policy.scope(actor, "view", Member.objects.select_related("union")).filter(pk__in=wanted))
    if len(members) != len(wanted):
        raise NotFound("会员不存在或无权访问", field="member_ids")
    created = application_services.enrollment_create(actor=actor, plan=plan, members=members,
                                                     by_union=payload.by_union)
    return Status(201, {"enrolled": len(created), "items": created})


# ---- Money --------------------------------------------------------------------------------------------------


def _batch(request, batch_id: int) -> DisbursementBatch:
    return selectors.batch_get(actor=request.auth, batch_id=batch_id)


def _batch_out(batch: DisbursementBatch) -> DisbursementBatch:
    batch.by_status = dict(batch.payments.order_by().values_list("status").annotate(n=Count("id")))
    return batch


def _payment(request, payment_id: int) -> Payment:
    return payment_policy.get_or_404(request.auth, "view", Payment.objects.select_related("campaign", "application"),
                                     pk=payment_id)


def _download(content: bytes, content_type: str, filename: str) -> HttpResponse:
    response = HttpResponse(content, content_type=content_type)
    response["Content-Disposition"] = content_disposition_header(as_attachment=True, filename=filename)
    response["Cache-Control"] = "no-store"
    return response


def _fmt(fmt: str) -> str:
    if fmt not in {"csv", "xlsx"}:
        raise ValidationFailed(ErrorCode.INVALID, "文件格式只能是 csv 或 xlsx", field="fmt")
    return fmt


@router.get("/campaigns/{int:campaign_id}/payments", tags=MONEY, response={200: Page[PaymentOut], **ERRORS},
            summary="活动的帮扶款项（账号部分隐藏）")
def payment_list(request, campaign_id: int, filters: Query[PaymentQuery]):
    payments = selectors.payment_list(actor=request.auth, campaign=_campaign(request, campaign_id),
                                      status=filters.status).select_related("application").order_by("id")
    if filters.batch_id is not None:
        payments = payments.filter(batch_id=filters.batch_id)
    return paginate(payments, filters)


@router.get("/campaigns/{int:campaign_id}/batches", tags=MONEY, response={200: list[BatchOut], **ERRORS},
            summary="活动的发放批次")
def batch_list(request, campaign_id: int):
    batches = selectors.batch_list(actor=request.auth, campaign=_campaign(request, campaign_id))
    return [_batch_out(batch) for batch in batches.select_related("campaign")[:100]]


@router.post("/campaigns/{int:campaign_id}/batches", tags=MONEY, response={201: BatchOut, **ERRORS},
             summary="生成发放批次（待发放款项）")
def batch_create(request, campaign_id: int, payload: BatchIn | None = None):
    batch = payment_services.batch_create(actor=request.auth, campaign=_campaign(request, campaign_id),
                                          limit=payload.limit if payload else None)
    return Status(201, _batch_out(batch))


@router.get("/batches/{int:batch_id}", tags=MONEY, response={200: BatchOut, **ERRORS}, summary="发放批次详情")
def batch_detail(request, batch_id: int):
    return _batch_out(_batch(request, batch_id))


@router.post("/batches/{int:batch_id}/submit", tags=MONEY, response={200: BatchOut, **ERRORS}, summary="报送银行（每批一次）")
def batch_submit(request, batch_id: int):
    return _batch_out(payment_services.batch_submit(actor=request.auth, batch=_batch(request, batch_id)))


@router.get("/batches/{int:batch_id}/bank-file", tags=MONEY, response={200: None, **ERRORS},
            summary="下载银行代发文件（完整账号，仅上级工会，记入审计）")
def batch_bank_file(request, batch_id: int, fmt: str = "csv"):
    batch = _batch(request, batch_id)
    fmt = _fmt(fmt)
    payment_services.record_bank_export(actor=request.auth, batch=batch)
    return _download(*exports.bank_file(batch, fmt=fmt))


@router.get("/batches/{int:batch_id}/review-file", tags=MONEY, response={200: None, **ERRORS},
            summary="下载核对清单（账号部分隐藏）")
def batch_review_file(request, batch_id: int, fmt: str = "xlsx"):
    batch = _batch(request, batch_id)
    return _download(*exports.bank_file(batch, fmt=_fmt(fmt), masked=True))


def _result_rows(request, upload: UploadedFile | None) -> list[dict]:
    if upload is not None:
        name = (upload.name or "").lower()
        if not name.endswith((".csv", ".xlsx")):
            raise ValidationFailed(ErrorCode.UPLOAD_FORBIDDEN_TYPE, "回盘文件应为 .csv 或 .xlsx", field="file")
        data = upload.read(RESULT_FILE_MAX_BYTES + 1)
        if len(data) > RESULT_FILE_MAX_BYTES:
            raise ValidationFailed(ErrorCode.UPLOAD_TOO_LARGE, "回盘文件不能超过 20MB", field="file")
        try:
            return exports.read_result_file(data, name)
        except Exception:  # a file that is not what its name says: undecodable text, a broken workbook
            raise ValidationFailed(ErrorCode.INVALID, "无法读取回盘文件，请上传银行返回的 CSV（UTF-8）或 xlsx 文件",
                                   field="file") from None
    if request.content_type != "application/json" or not request.body:
        raise ValidationFailed(ErrorCode.REQUIRED, "请上传回盘文件（字段名 file）或提交 JSON {rows: [...]}", field="file")
    try:
        payload = ResultRowsIn.model_validate_json(request.body)
    except SchemaError as error:
        first = error.errors()[0]
        field = ".".join(str(part) for part in first.get("loc", ())) or "rows"
        raise ValidationFailed(ErrorCode.INVALID, f"参数格式不正确：{first.get('msg', '')}", field=field) from None
    return [row.model_dump(exclude_none=True) for row in payload.rows]


@router.post("/batches/{int:batch_id}/results", tags=MONEY, response={200: ResultsOut, **ERRORS},
             summary="登记银行回盘结果（上传 CSV/xlsx，字段名 file；或 JSON {rows: [...]}）",
             openapi_extra={"requestBody": {"content": {
                 "multipart/form-data": {"schema": {"type": "object", "properties": {
                     "file": {"type": "string", "format": "binary"}}}},
                 "application/json": {"schema": ResultRowsIn.model_json_schema()}}}})
def batch_results(request, batch_id: int, file: UploadedFile = File(None)):
    """Rows carry 业务参考号 (the payment's key), 结果 (成功/失败/退回), 原因, 银行流水号. Re-importing the same
    file changes nothing; rows that cannot be applied come back in `errors` with their row number."""
    batch = _batch(request, batch_id)
    rows = _result_rows(request, file)
    return payment_services.batch_record_results(actor=request.auth, batch=batch, rows=rows)


@router.post("/payments/{int:payment_id}/retry", tags=MONEY, response={200: PaymentOut, **ERRORS},
             summary="重新发放（失败或退回的款项）")
def payment_retry(request, payment_id: int):
    return payment_services.payment_retry(actor=request.auth, payment=_payment(request, payment_id))


@router.post("/payments/{int:payment_id}/result", tags=MONEY, response={200: PaymentOut, **ERRORS},
             summary="登记单笔发放结果")
def payment_result(request, payment_id: int, payload: PaymentResultIn):
    return payment_services.payment_record(actor=request.auth, payment=_payment(request, payment_id),
                                           result=payload.result, reason=payload.reason, reference=payload.reference)
