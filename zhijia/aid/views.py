"""Workers' and reviewers' pages for hardship aid. Thin: selectors read, services write.

Workers see the campaigns open to them, apply, follow their applications, apply for a hardship file with its
supporting documents and correct it when it is returned; reviewers work the queue of applications waiting at
their unions, decide one by one or approve a campaign's in bulk."""

from django.contrib import messages
from django.db import transaction
from django.db.models import Count, Sum
from django.http import FileResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from zhijia.cases.attachments import check_attachments
from zhijia.core.errors import ErrorCode, NotFound, PermissionDenied, ValidationFailed, ZhijiaError
from zhijia.core.policy import grants_for
from zhijia.core.views import FormErrors, page, paginate, require_allowed
from zhijia.members.models import HOLDING_STATUSES
from zhijia.members.selectors import my_memberships
from zhijia.org.models import Level

from . import selectors
from .models import (
    AidDocument,
    ApplicationStatus,
    Campaign,
    CampaignKind,
    Cause,
    FileStatus,
    HardshipCategory,
    Payment,
    ReviewDecision,
)
from .models.campaigns import Group, SchoolLevel
from .models.files import Relation
from .permissions import application_policy, review_policy
from .services import applications as application_services
from .services import files as file_services
from .services.applications import ApplicationIn
from .services.documents import FILE_DOCUMENT_STATUSES, application_documents_add, file_documents_add
# The household form is the staff one (aid/views_staff.py); a worker's differs only in what is locked.
from .views_staff import (
    BLANK_PERSON,
    DOCUMENTS_ACCEPT,
    FILE_FIELDS,
    PERSON_FIELDS,
    _file_data,
    _posted_rows,
    _stored_values,
    render_estimate,
)

Decision = ReviewDecision.Decision

COMMON_FIELDS = ["name", "id_number", "bank_name", "bank_account", "reason", "documents"]
KIND_FIELDS = {
    CampaignKind.TUITION: ["child_name", "child_id_number", "school", "level", "admission_year", "tuition"],
    CampaignKind.RELIEF: ["groups"],
    CampaignKind.MUTUAL: ["hospital", "bill_number", "total", "insurance_paid", "self_paid"],
}
# What the union needs to see before it can decide: the admission letter, the hospital bills.
DOCUMENTS_REQUIRED = {
    CampaignKind.TUITION: "请上传录取通知书等证明材料（图片或PDF）",
    CampaignKind.MUTUAL: "请上传住院发票、费用清单等医疗票据（图片或PDF）",
}
FILE_ACTIONS = {
    "create": "建档", "update": "修改档案", "submit": "提交审核", "visit": "入户走访", "notice": "张榜公示",
    "objection": "公示期间收到异议", "objection_resolve": "异议已处理", "notice_close": "公示结束",
    "approve": "批准建档", "return": "退回补正", "withdraw": "撤回", "reassess": "年度复核", "exit": "脱困退档",
    "documents": "上传证明材料",
}


def _int(value) -> int | None:
    value = (value or "").strip()
    return int(value) if value.isdigit() else None


# ---- Worker ------------------------------------------------------------------------------------------------


def home(request):
    """The worker's hardship-aid page; a guest is asked to log in."""
    user = request.user
    if not user.is_authenticated:
        return render(request, "aid/worker_home.html", {"guest": True})
    is_member = _membership(user) is not None
    return render(request, "aid/worker_home.html", {
        "open_campaigns": selectors.campaigns_open_to_member(user=user),
        "applications": selectors.my_applications(user=user)[:50],
        "files": selectors.my_files(user=user)[:10],
        "is_member": is_member,
        "can_file": is_member and _open_file(user) is None,
        "is_reviewer": review_policy.allows(user, "decide"),
    })


def _open_campaign(user, campaign_id: int):
    """(membership, campaign) for a campaign this worker may apply to now, through the union they belong to."""
    for member, campaign in selectors.campaigns_open_to_member(user=user):
        if campaign.pk == campaign_id:
            return member, campaign
    raise NotFound("该活动不存在、已截止，或不面向您所在的工会")


def _group_options(campaign: Campaign) -> list[tuple[str, str]]:
    """Groups a worker may say they belong to; 在档困难职工 is recognised from the hardship file, not claimed."""
    return [(g, Group(g).label) for g in campaign.groups if g in Group.values and g != Group.HARDSHIP]


def _application_in(post, campaign: Campaign) -> ApplicationIn:
    claimed = post.get("groups", "")
    return ApplicationIn(
        name=post.get("name", ""), id_number=post.get("id_number", ""), bank_name=post.get("bank_name", ""),
        bank_account=post.get("bank_account", ""), reason=post.get("reason", "").strip(),
        groups=[claimed] if claimed in dict(_group_options(campaign)) else [],
        child_name=post.get("child_name", ""), child_id_number=post.get("child_id_number", ""),
        school=post.get("school", ""), level=post.get("level", ""), admission_year=_int(post.get("admission_year")),
        tuition=post.get("tuition", ""),
        hospital=post.get("hospital", ""), bill_number=post.get("bill_number", ""), total=post.get("total", ""),
        insurance_paid=post.get("insurance_paid", ""), self_paid=post.get("self_paid", ""),
    )


@page
def apply(request, campaign_id: int):
    """The application form for the campaign's kind. Nothing is saved unless everything, documents included, is."""
    user = request.user
    member, campaign = _open_campaign(user, campaign_id)
    errors = FormErrors(fields=COMMON_FIELDS + KIND_FIELDS[campaign.kind])
    if request.method == "POST":
        values = request.POST
        with errors.capture(), transaction.atomic():
            # The figures first: a file input comes back empty after any error, so its own errors come last.
            application = application_services.application_submit(
                actor=user, applicant=user, campaign=campaign, union=member.union, member=member,
                data=_application_in(request.POST, campaign))
            files = check_attachments(request.FILES.getlist("documents"), field="documents")
            if not files and campaign.kind in DOCUMENTS_REQUIRED:
                raise ValidationFailed(ErrorCode.REQUIRED, DOCUMENTS_REQUIRED[campaign.kind], field="documents")
            if files:
                application_documents_add(actor=user, application=application, files=files)
            messages.success(request, f"申请已提交，等待{application.reviewing_union.name}审核")
            return redirect("aid:my_application", number=application.number)
    else:
        values = {"name": member.name, "id_number": member.id_number, "admission_year": campaign.year}
    return render(request, "aid/worker_apply.html", {
        "campaign": campaign,
        "member": member,
        "values": values,
        "errors": errors,
        "level_options": [("", "请选择")] + [(level, label) for level, label in SchoolLevel.choices
                                           if level in (campaign.grant_table or {})],
        "group_options": [("", "请选择")] + _group_options(campaign),
        "group_help": "在档困难职工由系统根据档案自动认定，无需选择" if Group.HARDSHIP in campaign.groups else "",
        "documents_required": campaign.kind in DOCUMENTS_REQUIRED,
    }, status=422 if errors else 200)


def _my_application(user, number: str):
    application = selectors.my_applications(user=user).select_related("union", "reviewing_union") \
        .filter(number=number).first()
    if application is None:
        raise NotFound()
    return application


def _steps(application, *, for_staff: bool) -> list[dict]:
    """The application's history. Workers see which union decided, never the reviewer's own name."""
    rows = []
    for decision in application.decisions.select_related("union"):
        if decision.union is not None:
            who = decision.union.name
            if for_staff and decision.reviewer_name:
                who = f"{who} · {decision.reviewer_name}"
        elif decision.reviewer_id and decision.reviewer_id == application.applicant_id:
            who = "申请人"
        else:
            who = application.union.name
        label = "提交申请" if decision.decision == Decision.RESUBMIT and decision.reason == "提交申请" \
            else decision.get_decision_display()
        rows.append({"at": decision.at, "who": who, "decision": decision.decision, "label": label,
                     "reason": "" if decision.reason == "提交申请" else decision.reason})
    return rows


def _where(application) -> str:
    if application.status == ApplicationStatus.IN_REVIEW and application.reviewing_union_id:
        levels = application.campaign.review_levels
        return (f"等待{application.reviewing_union.name}审核（第 {application.level_index + 1}/{len(levels)} 级）")
    if application.status == ApplicationStatus.RETURNED:
        return "已退回，请按意见补正后重新提交"
    return application.get_status_display()


def _detail_rows(application) -> list[tuple[str, str]]:
    d = application.details or {}
    kind = application.campaign.kind
    if kind == CampaignKind.TUITION:
        level = d.get("level", "")
        return [("子女姓名", d.get("child_name", "")), ("子女身份证号", d.get("child_id_masked", "")),
                ("录取学校", d.get("school", "")),
                ("入学层次", SchoolLevel(level).label if level in SchoolLevel.values else level),
                ("入学年份", str(d.get("admission_year", ""))), ("学费（元）", d.get("tuition", ""))]
    if kind == CampaignKind.RELIEF:
        return [("帮扶对象", "、".join(Group(g).label for g in d.get("groups", []) if g in Group.values))]
    return [("就诊医院", d.get("hospital", "")), ("票据号", d.get("bill_number", "")),
            ("医疗费用总额（元）", d.get("total", "")), ("医保统筹支付（元）", d.get("insurance_paid", "")),
            ("个人自付（元）", d.get("self_paid", ""))]


def _review_path(application) -> str:
    """The unions that review it, in order: 苏州精工机械有限公司工会 → 姑苏区总工会."""
    names = []
    for level in application.campaign.review_levels:
        try:
            names.append(application_services.reviewing_union_for(application.union, level).name)
        except ValidationFailed:
            names.append(Level(level).label if level in Level.values else str(level))
    return " → ".join(names)


@page
def my_application(request, number: str):
    """The worker's own application: steps, where it waits, the amount and how it was reached, the payment."""
    user = request.user
    application = _my_application(user, number)
    errors = FormErrors(fields=["reason", "documents"])
    action = request.POST.get("action", "") if request.method == "POST" else ""
    if action:
        with errors.capture():
            if action == "resubmit":
                files = check_attachments(request.FILES.getlist("documents"), field="documents")
                with transaction.atomic():
                    if files:
                        application_documents_add(actor=user, application=application, files=files)
                    application = application_services.application_resubmit(
                        actor=user, application=application, reason=request.POST.get("reason", "").strip())
                messages.success(request, f"已重新提交，等待{application.reviewing_union.name}审核")
            elif action == "withdraw":
                application_services.application_withdraw(actor=user, application=application,
                                                          reason=request.POST.get("reason", "").strip())
                messages.success(request, "申请已撤回")
            else:
                raise ValidationFailed(ErrorCode.INVALID, "未知操作", field="action")
            return redirect("aid:my_application", number=number)
        application = _my_application(user, number)
    return render(request, "aid/worker_application.html", {
        "application": application,
        "steps": _steps(application, for_staff=False),
        "where": _where(application),
        "rows": _detail_rows(application),
        "review_path": _review_path(application),
        "documents": application.documents.all(),
        "payment": Payment.objects.filter(application=application).first(),
        "errors": errors,
        "action": action,
        "values": request.POST if action else {},
        "can_resubmit": application.status == ApplicationStatus.RETURNED,
        "can_withdraw": application.status in (ApplicationStatus.IN_REVIEW, ApplicationStatus.RETURNED),
    }, status=422 if errors else 200)


# ---- Worker: the hardship file ------------------------------------------------------------------------------

CLOSED_FILE_STATUSES = (FileStatus.EXITED, FileStatus.WITHDRAWN)
EDITABLE_FILE_STATUSES = (FileStatus.DRAFT, FileStatus.RETURNED)


def _membership(user):
    """The worker's membership in a holding status (a person holds at most one)."""
    return my_memberships(user=user).filter(status__in=HOLDING_STATUSES).first()


def _open_file(user):
    return selectors.my_files(user=user).exclude(status__in=CLOSED_FILE_STATUSES).first()


def _my_file(user, number: str):
    file = selectors.my_files(user=user).filter(number=number).first()
    if file is None:
        raise NotFound()
    return file


def _lock(name: str, id_number: str, masked: str) -> dict:
    """What the 本人 row carries whatever is typed: the member's own name and 身份证号 (shown masked)."""
    return {"name": name, "id_number": id_number, "masked": masked}


def _shown_rows(rows: list[dict], errors: FormErrors, lock: dict) -> list[dict]:
    """The rows to show, each with its errors; the 本人 row locked to the member (first, if it went missing)."""
    shown = [{**row, "errors": {name: errors.get(f"household.{n}.{name}", "") for name in PERSON_FIELDS}}
             for n, row in enumerate(rows)]
    self_row = next((row for row in shown if row["relation"] == Relation.SELF), None)
    if self_row is None:
        self_row = {**BLANK_PERSON, "relation": Relation.SELF, "errors": {}}
        shown.insert(0, self_row)
    self_row.update(name=lock["name"], id_number=lock["masked"], locked=True)
    return shown


def _worker_file_data(post, rows: list[dict], lock: dict, file=None) -> file_services.FileData:
    """FileData from the worker's form: the worker's name is the member's; the 本人 row's masked 身份证号 stands
    for the member's own (anything else typed there reaches the service, which refuses it beside the field)."""
    data = _file_data(post, rows, file)
    data.name = lock["name"]
    for person in data.household:
        if person.relation == Relation.SELF:
            person.name = lock["name"]
            if person.id_number.strip() == lock["masked"]:
                person.id_number = lock["id_number"]
    return data


def _submit(request, file, *, saved: bool) -> None:
    """Submit the worker's file. A refusal (not qualifying, someone already on file) leaves it as it was and says
    why: a household just saved stays a draft."""
    try:
        file = file_services.file_submit(actor=request.user, file=file)
    except (NotFound, PermissionDenied):
        raise
    except ZhijiaError as exc:
        kept = ("已保存为草稿" if file.status == FileStatus.DRAFT else "已保存") if saved else "未提交"
        messages.error(request, f"档案 {file.number} {kept}，暂不能提交。{exc.message}")
        return
    messages.success(request, f"建档申请已提交（{file.get_category_display()}），{file.union.name}将入户走访核实")


def _render_worker_form(request, *, values, rows, errors, lock, member=None, file=None):
    return render(request, "aid/worker_file_form.html", {
        "file": file,
        "union": file.union if file else member.union,
        "worker_name": lock["name"],
        "values": values,
        "rows": _shown_rows(rows, errors, lock),
        "blank_row": BLANK_PERSON,
        "errors": errors,
        "cause_options": list(Cause.choices),
        "relation_options": [(value, label) for value, label in Relation.choices if value != Relation.SELF],
        "documents": file.documents.all() if file else [],
        "documents_accept": DOCUMENTS_ACCEPT,
    }, status=422 if errors else 200)


def _posted_values(post) -> dict:
    values = {name: post.get(name, "") for name in FILE_FIELDS}
    values["causes"] = post.getlist("causes")
    return values


def _worker_form_errors(rows: list[dict]) -> FormErrors:
    per_row = [f"household.{n}.{name}" for n in range(len(rows)) for name in PERSON_FIELDS]
    return FormErrors(fields=FILE_FIELDS + per_row + ["documents"])


def _add_documents(request, file) -> None:
    uploads = check_attachments(request.FILES.getlist("documents"), field="documents")
    if uploads:
        file_documents_add(actor=request.user, file=file, files=uploads)


@page
def my_file_new(request):
    """困难职工建档 online: the worker's own household through the union they belong to, with supporting documents.
    Saved as a draft, then submitted unless the worker only saves it or the household does not qualify."""
    user = request.user
    member = _membership(user)
    if member is None:
        messages.error(request, "您还不是工会会员，入会后可在线申请困难职工建档")
        return redirect("aid:home")
    open_file = _open_file(user)
    if open_file is not None:
        messages.info(request, f"您已有困难职工档案 {open_file.number}（{open_file.get_status_display()}），无需重复申请")
        return redirect("aid:my_file", number=open_file.number)
    lock = _lock(member.name, member.id_number, member.id_number_masked)
    if request.method != "POST":
        return _render_worker_form(request, member=member, values={"causes": []}, rows=[], errors=FormErrors(),
                                   lock=lock)
    rows = _posted_rows(request.POST)
    errors = _worker_form_errors(rows)
    file = None
    # The figures first: a file input comes back empty after any error, so its own errors come last.
    with errors.capture(), transaction.atomic():
        file = file_services.file_create(actor=user, applicant=user, union=member.union, member=member,
                                         data=_worker_file_data(request.POST, rows, lock))
        _add_documents(request, file)
    if errors:
        return _render_worker_form(request, member=member, values=_posted_values(request.POST), rows=rows,
                                   errors=errors, lock=lock)
    if request.POST.get("action") == "submit":
        _submit(request, file, saved=True)
    else:
        messages.success(request, f"档案 {file.number} 已保存为草稿：{file.get_category_display()}")
    return redirect("aid:my_file", number=file.number)


@page
@require_POST
def my_file_preview(request):
    """HTMX 试算 on the worker's own household form: the category the figures typed so far would get at the union
    the worker belongs to, with its reasons; nothing is saved."""
    member = _membership(request.user)
    if member is None:
        return render(request, "aid/_files_preview.html", {"error": "您还不是工会会员，入会后可在线申请困难职工建档"})
    return render_estimate(request, member.union, _file_data(request.POST, _posted_rows(request.POST)))


@page
def my_file_edit(request, number: str):
    """Correct one's own draft or returned file (the version guards against a clash with the union's staff),
    add documents, and submit again."""
    user = request.user
    file = _my_file(user, number)
    if file.status not in EDITABLE_FILE_STATUSES:
        messages.error(request, f"档案当前状态为“{file.get_status_display()}”，不能修改")
        return redirect("aid:my_file", number=number)
    me = file.household.filter(relation=Relation.SELF).first()
    lock = _lock(me.name, me.id_number, me.id_number_masked) if me else _lock(file.name, "", "")
    if request.method != "POST":
        values, rows = _stored_values(file)
        return _render_worker_form(request, file=file, values=values, rows=rows, errors=FormErrors(), lock=lock)
    rows = _posted_rows(request.POST)
    errors = _worker_form_errors(rows)
    with errors.capture(), transaction.atomic():
        file = file_services.file_update(actor=user, file=file, version=_int(request.POST.get("version")),
                                         data=_worker_file_data(request.POST, rows, lock, file))
        _add_documents(request, file)
    if errors:
        return _render_worker_form(request, file=_my_file(user, number), values=_posted_values(request.POST),
                                   rows=rows, errors=errors, lock=lock)
    if request.POST.get("action") == "submit":
        _submit(request, file, saved=True)
    else:
        messages.success(request, f"档案已保存：{file.get_category_display()}")
    return redirect("aid:my_file", number=number)


@page
def my_file(request, number: str):
    """The worker's own hardship file: where it is, why it qualifies (or not), its documents; a draft or returned
    file can be corrected and submitted, documents added until the home visit."""
    user = request.user
    file = _my_file(user, number)
    errors = FormErrors(fields=["documents"])
    action = request.POST.get("action", "") if request.method == "POST" else ""
    if action:
        with errors.capture():
            if action == "submit":
                _submit(request, file, saved=False)
            elif action == "documents":
                uploads = check_attachments(request.FILES.getlist("documents"), field="documents")
                added = file_documents_add(actor=user, file=file, files=uploads)
                messages.success(request, f"已上传 {len(added)} 份证明材料")
            else:
                raise ValidationFailed(ErrorCode.INVALID, "未知操作", field="action")
            return redirect("aid:my_file", number=number)
        file = _my_file(user, number)
    steps = [{"at": e.at, "label": FILE_ACTIONS.get(e.action, e.action),
              "note": "" if e.action == "objection" else e.note} for e in file.events.all()]
    reasons = (file.eligibility or {}).get("reasons", [])
    editable = file.status in EDITABLE_FILE_STATUSES
    return render(request, "aid/worker_file.html", {
        "file": file,
        "reasons": reasons,
        "steps": steps,
        "documents": file.documents.all(),
        "errors": errors,
        "can_edit": editable,
        "can_submit": editable and file.category != HardshipCategory.NONE,
        # Why it cannot be submitted: the assessment's findings between its heading and its conclusion.
        "not_qualifying": editable and file.category == HardshipCategory.NONE,
        "not_qualifying_reasons": reasons[1:-1],
        "can_add_documents": file.status in FILE_DOCUMENT_STATUSES,
        "documents_accept": DOCUMENTS_ACCEPT,
    }, status=422 if errors else 200)


@page
def file_document(request, number: str, document_id: int):
    """One supporting document of a hardship file, for whoever may see the file (the worker who filed it,
    its union's staff and the unions above)."""
    file = selectors.file_get(actor=request.user, number=number)
    doc = AidDocument.objects.filter(hardship_file=file, pk=document_id).first()
    if doc is None:
        raise NotFound()
    return FileResponse(doc.file.open("rb"), content_type=doc.content_type, filename=doc.name)


@page
def document(request, number: str, document_id: int):
    """One supporting document, for whoever may see the application (its applicant, its unions' staff)."""
    application = selectors.application_get(actor=request.user, number=number)
    doc = AidDocument.objects.filter(application=application, pk=document_id).first()
    if doc is None:
        raise NotFound()
    return FileResponse(doc.file.open("rb"), content_type=doc.content_type, filename=doc.name)


# ---- Reviewers ---------------------------------------------------------------------------------------------


def _waiting_here(user, queue):
    """Only what waits at the reviewer's own unions. Upper-level staff may also decide for the unions below
    them (review_policy), but their queue and their bulk approval stay at their own level unless asked."""
    return queue.filter(reviewing_union_id__in=[grant.union_id for grant in grants_for(user)])


@page
def review_queue(request):
    """Applications waiting at the reviewer's unions, oldest first; a campaign's can be approved together."""
    user = request.user
    require_allowed(user, review_policy, "decide")
    scope = "below" if request.GET.get("scope") == "below" else ""
    queue = selectors.review_queue(actor=user)
    if not scope:
        queue = _waiting_here(user, queue)
    summary = list(queue.order_by().values("campaign_id").annotate(count=Count("id"), total=Sum("amount")))
    campaigns = {c.pk: c for c in Campaign.objects.filter(pk__in=[row["campaign_id"] for row in summary])}
    groups = [{"campaign": campaigns[row["campaign_id"]], "count": row["count"], "total": row["total"]}
              for row in summary]
    groups.sort(key=lambda g: (g["campaign"].ends_on, g["campaign"].pk))
    chosen = _int(request.GET.get("campaign"))
    if chosen is not None:
        queue = queue.filter(campaign_id=chosen)
    applications, query = paginate(request, queue)
    return render(request, "aid/review_queue.html", {
        "page": applications,
        "query": query,
        "groups": groups,
        "campaign_id": str(chosen or ""),
        "scope": scope,
        "scope_options": [("", "在本级待审"), ("below", "含下级工会待审")],
        "campaign_options": [("", "全部活动")] + [(str(g["campaign"].pk), g["campaign"].name) for g in groups],
    })


@page
def review_bulk(request, campaign_id: int):
    """批量审批 with a confirmation step: the page says how many and how much; the POST approves those shown."""
    user = request.user
    require_allowed(user, review_policy, "decide")
    campaign = selectors.campaign_get(actor=user, campaign_id=campaign_id)
    waiting = _waiting_here(user, selectors.review_queue(actor=user)).filter(campaign=campaign)
    if request.method == "POST":
        upto = _int(request.POST.get("upto")) or 0
        ids = list(waiting.filter(id__lte=upto).values_list("id", flat=True))
        outcome = application_services.applications_approve_bulk(actor=user, campaign=campaign, ids=ids)
        if outcome["approved"] or outcome["advanced"]:
            messages.success(request, f"批量审批完成：批准 {outcome['approved']} 件，报上级审核 {outcome['advanced']} 件")
        if outcome["skipped"]:
            messages.info(request, f"{outcome['skipped']} 件医疗互助理赔需逐件审核")
        if outcome["error"]:
            messages.error(request, outcome["error"])
        return redirect("aid:review_queue")
    totals = waiting.order_by().aggregate(count=Count("id"), total=Sum("amount"))
    last = waiting.order_by("-id").values_list("id", flat=True).first()
    return render(request, "aid/review_bulk.html", {
        "campaign": campaign, "count": totals["count"], "total": totals["total"] or 0, "upto": last or 0,
        "bulk_allowed": campaign.kind != CampaignKind.MUTUAL,
    })


def _decided_message(application) -> str:
    if application.status == ApplicationStatus.APPROVED:
        return f"已批准 {application.number}，金额 {application.amount} 元，已生成发放记录"
    if application.status == ApplicationStatus.IN_REVIEW:
        return f"已同意 {application.number}，转{application.reviewing_union.name}审核"
    if application.status == ApplicationStatus.RETURNED:
        return f"已将 {application.number} 退回申请人补正"
    return f"已对 {application.number} 作出不予批准决定"


@page
def review_detail(request, number: str):
    """One application for a reviewer: masked personal data, documents, history, and the decision form."""
    user = request.user
    require_allowed(user, application_policy, "list")
    application = selectors.application_get(actor=user, number=number)
    errors = FormErrors(fields=["decision", "reason"])
    if request.method == "POST":
        if not review_policy.can(user, "decide", application):
            errors.add("form", "该申请当前不在您的工会审核，可能已由他人处理，请刷新后查看")
        else:
            with errors.capture():
                application = application_services.application_decide(
                    actor=user, application=application, decision=request.POST.get("decision", ""),
                    reason=request.POST.get("reason", "").strip(), version=_int(request.POST.get("version")))
                messages.success(request, _decided_message(application))
                return redirect("aid:review_queue")
        application = selectors.application_get(actor=user, number=number)
    can_decide = application.status == ApplicationStatus.IN_REVIEW and review_policy.can(user, "decide", application)
    return render(request, "aid/review_detail.html", {
        "application": application,
        "steps": _steps(application, for_staff=True),
        "where": _where(application),
        "rows": _detail_rows(application),
        "review_path": _review_path(application),
        "documents": application.documents.all(),
        "payment": Payment.objects.filter(application=application).first(),
        "errors": errors,
        "values": request.POST if request.method == "POST" else {},
        "can_decide": can_decide,
        "can_reveal": application_policy.can(user, "reveal_pii", application),
        "decision_options": [(Decision.APPROVE, "同意"), (Decision.RETURN, "退回补正"), (Decision.REJECT, "不予批准")],
    }, status=422 if errors else 200)


@page
@require_POST
def review_reveal(request, number: str):
    """HTMX: the full 身份证号 and bank account in place of the masked ones. Audited by the service."""
    require_allowed(request.user, application_policy, "list")
    application = selectors.application_get(actor=request.user, number=number)
    revealed = application_services.application_reveal(actor=request.user, application=application)
    return render(request, "aid/_review_pii.html", {"application": application, "revealed": revealed})
