"""Staff back office of hardship aid: household files (list, create, every step of the workflow), campaigns
(budget, applications, payments, enrolment) and disbursement batches (bank file, results, retries).
Thin: selectors read, services write and refuse; a refusal is shown beside the field it names."""

import io
import itertools
import re

import xlsxwriter
from django.contrib import messages
from django.db.models import Count, Q, Sum
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.http import content_disposition_header
from django.views.decorators.http import require_POST

from zhijia.cases.attachments import check_attachments
from zhijia.core import audit
from zhijia.core.errors import ErrorCode, NotFound, PermissionDenied, ValidationFailed, ZhijiaError
from zhijia.core.pii import mask_name, mask_phone
from zhijia.core.views import FormErrors, page, paginate, require_allowed
from zhijia.members.models import HOLDING_STATUSES
from zhijia.members.selectors import member_list
from zhijia.org.models import Level, Union
from zhijia.org.pickers import picker, picker_choice, picker_scope
from zhijia.org.selectors import union_list

from . import exports, selectors
from .models import (
    ApplicationStatus,
    BatchStatus,
    Campaign,
    CampaignKind,
    Cause,
    FileStatus,
    HardshipCategory,
    HardshipFile,
    PaymentStatus,
)
from .models.campaigns import CampaignStatus, Group, SchoolLevel
from .models.files import Relation
from .permissions import campaign_policy, file_policy
from .services import applications, files, payments
from .services.documents import FILE_DOCUMENT_STATUSES, file_documents_add
from .services.regions import rule_for

audit.register("aid.file_export", "导出困难职工档案名单")

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _choices(enum, blank: str | None = None) -> list[tuple[str, str]]:
    return ([("", blank)] if blank is not None else []) + [(str(value), label) for value, label in enum.choices]


def _download(content: bytes, content_type: str, filename: str) -> HttpResponse:
    response = HttpResponse(content, content_type=content_type)
    response["Content-Disposition"] = content_disposition_header(True, filename)
    return response


def _run(errors: FormErrors, run, renames: dict | None = None):
    """Run `run()`; a service's refusal goes beside its field (renamed for this form), 404/403 propagate."""
    try:
        return run(), True
    except (NotFound, PermissionDenied):
        raise
    except ZhijiaError as exc:
        errors.add_error(exc, renames)
        return None, False


# ---- Household files: list and export ---------------------------------------------------------------------

FILE_SORTS = {"-created_at": "最新建档", "created_at": "最早建档", "number": "编号升序", "-number": "编号降序"}


def _file_filters(request) -> selectors.FileFilters:
    return selectors.FileFilters(
        q=request.GET.get("q", "").strip(),
        status=request.GET.get("status", ""),
        category=request.GET.get("category", ""),
        review_due={"1": True, "0": False}.get(request.GET.get("review_due", "")),
    )


def _file_sort(request) -> str:
    sort = request.GET.get("sort", "")
    return sort if sort in FILE_SORTS else "-created_at"


@page
def file_list(request):
    require_allowed(request.user, file_policy, "list")
    can_approve = file_policy.allows(request.user, "approve")
    tab = "approval" if can_approve and request.GET.get("tab") == "approval" else "all"
    filters, sort = _file_filters(request), _file_sort(request)
    if tab == "approval":
        queryset = selectors.files_awaiting_approval(actor=request.user)
    else:
        queryset = selectors.file_list(actor=request.user, filters=filters).order_by(sort, "-id")
    files_page, query = paginate(request, queryset)
    return render(request, "aid/files_list.html", {
        "page": files_page,
        "query": query,
        "tab": tab,
        "filters": filters,
        "sort": sort,
        "review_due": request.GET.get("review_due", ""),
        "can_approve": can_approve,
        "can_create": file_policy.allows(request.user, "create"),
        "awaiting": selectors.files_awaiting_approval(actor=request.user).count() if can_approve else 0,
        "status_options": _choices(FileStatus, "全部状态"),
        "category_options": _choices(HardshipCategory, "全部类别"),
        "review_options": [("", "不限"), ("1", "待复核"), ("0", "无需复核")],
        "sort_options": list(FILE_SORTS.items()),
    })


EXPORT_COLUMNS = ["档案编号", "职工姓名", "所属工会", "困难类别", "致困原因", "状态", "家庭人口", "人均月收入（元）",
                  "待复核", "最近复核", "建档时间", "批准时间"]
MAX_EXPORT_ROWS = 100_000


def _export_row(file: HardshipFile) -> list:
    measures = (file.eligibility or {}).get("measures", {})
    causes = "、".join(Cause(c).label for c in file.causes if c in Cause.values)
    return [
        file.number, mask_name(file.name), file.union.name, file.get_category_display(), causes,
        file.get_status_display(), measures.get("size", ""), exports.as_number(measures.get("per_capita_monthly", "")),
        "是" if file.review_due else "", file.last_reviewed_on.isoformat() if file.last_reviewed_on else "",
        timezone.localtime(file.created_at).strftime("%Y-%m-%d"),
        timezone.localtime(file.approved_at).strftime("%Y-%m-%d") if file.approved_at else "",
    ]


@page
def file_export(request):
    """The filtered list as .xlsx: names masked, no 身份证号, phone or bank account; every export is audited."""
    require_allowed(request.user, file_policy, "export")
    filters = _file_filters(request)
    queryset = selectors.file_list(actor=request.user, filters=filters).order_by(_file_sort(request), "-id")
    buffer = io.BytesIO()
    book = xlsxwriter.Workbook(buffer, {"in_memory": True, "constant_memory": True})
    sheet = book.add_worksheet("困难职工档案")
    sheet.write_row(0, 0, EXPORT_COLUMNS, book.add_format({"bold": True}))
    count = 0
    for count, file in enumerate(queryset[:MAX_EXPORT_ROWS].iterator(chunk_size=2000), start=1):
        sheet.write_row(count, 0, _export_row(file))
    sheet.set_column(0, 0, 18)
    sheet.set_column(2, 2, 28)
    book.close()
    audit.record(actor=request.user, action="aid.file_export", object_type="aid.hardshipfile", object_id="",
                 object_repr="困难职工档案名单导出",
                 after={"rows": count, "filters": {k: v for k, v in request.GET.items() if v}})
    return _download(buffer.getvalue(), XLSX, f"困难职工档案-{timezone.localdate():%Y%m%d}.xlsx")


# ---- Household files: the household form (create, edit, yearly review) --------------------------------------

FILE_FIELDS = ["union", "name", "phone", "address", "causes", "cause_note", "other_income", "unavoidable_spending",
               "necessary_costs", "bank_name", "bank_account", "household", "version"]
PERSON_FIELDS = ["relation", "name", "id_number", "annual_income", "health", "schooling", "work"]
BLANK_PERSON = {"ref": "", "relation": Relation.CHILD, "name": "", "id_number": "", "annual_income": "", "health": "",
                "schooling": "", "work": ""}


def _posted_rows(post) -> list[dict]:
    """The household rows as typed (parallel m_* lists, one entry per row); wholly empty rows are dropped."""
    names = ["ref", *PERSON_FIELDS]
    columns = [post.getlist(f"m_{name}") for name in names]
    rows = [dict(zip(names, values)) for values in itertools.zip_longest(*columns, fillvalue="")]
    typed = ("name", "id_number", "annual_income", "health", "schooling", "work")
    return [row for row in rows if any(row[key].strip() for key in typed)]


def _file_data(post, rows: list[dict], file: HardshipFile | None = None) -> files.FileData:
    """FileData from the form. Values left masked on an existing file (身份证号, bank account, phone) keep what is
    stored, so the edit form never has to carry them in full."""
    stored = {str(person.pk): person for person in file.household.all()} if file else {}
    people = []
    for row in rows:
        person = stored.get(row["ref"])
        id_number = row["id_number"].strip()
        if person is not None and id_number == person.id_number_masked:
            id_number = person.id_number
        people.append(files.PersonIn(relation=row["relation"], name=row["name"], id_number=id_number,
                                     annual_income=row["annual_income"], health=row["health"],
                                     schooling=row["schooling"], work=row["work"]))
    bank_account, phone = post.get("bank_account", "").strip(), post.get("phone", "").strip()
    if file is not None and bank_account and bank_account == file.bank_account_masked:
        bank_account = file.bank_account
    if file is not None and phone and phone == mask_phone(file.phone or ""):
        phone = file.phone
    return files.FileData(
        name=post.get("name", ""), phone=phone, address=post.get("address", "").strip()[:200],
        causes=post.getlist("causes"), cause_note=post.get("cause_note", "").strip(),
        other_income=post.get("other_income", ""), unavoidable_spending=post.get("unavoidable_spending", ""),
        necessary_costs=post.get("necessary_costs", ""), bank_name=post.get("bank_name", "").strip()[:50],
        bank_account=bank_account, household=people)


def _stored_values(file: HardshipFile) -> tuple[dict, list[dict]]:
    values = {
        "union": str(file.union_id), "name": file.name, "phone": mask_phone(file.phone or "") if file.phone else "",
        "address": file.address, "causes": list(file.causes), "cause_note": file.cause_note,
        "other_income": file.other_income, "unavoidable_spending": file.unavoidable_spending,
        "necessary_costs": file.necessary_costs, "bank_name": file.bank_name,
        "bank_account": file.bank_account_masked, "version": file.version,
    }
    rows = [{"ref": str(p.pk), "relation": p.relation, "name": p.name, "id_number": p.id_number_masked,
             "annual_income": p.annual_income, "health": p.health, "schooling": p.schooling, "work": p.work}
            for p in file.household.all()]
    return values, rows


def _form_values(post) -> dict:
    values = {name: post.get(name, "") for name in FILE_FIELDS}
    values["causes"] = post.getlist("causes")
    return values


def _file_errors(rows: list[dict]) -> FormErrors:
    per_row = [f"household.{n}.{name}" for n in range(len(rows)) for name in PERSON_FIELDS]
    return FormErrors(fields=FILE_FIELDS + per_row)




def _chosen_union(user, value: str) -> Union | None:
    if not str(value).isdigit():
        return None
    return union_list(actor=user).filter(pk=value).first()


def _render_file_form(request, *, mode: str, values: dict, rows: list[dict], errors: FormErrors, file=None,
                      union_picker=None):
    shown = []
    for number, row in enumerate(rows):
        shown.append({**row, "errors": {name: errors.get(f"household.{number}.{name}", "") for name in PERSON_FIELDS}})
    return render(request, "aid/files_form.html", {
        "mode": mode,
        "file": file,
        "values": values,
        "rows": shown,
        "blank_row": BLANK_PERSON,
        "errors": errors,
        "union_picker": union_picker,
        "cause_options": list(Cause.choices),
        "relation_options": list(Relation.choices),
    }, status=422 if errors else 200)


@page
def file_new(request):
    """A draft household file: the worker, causes, figures, bank, and the household (the first row is 本人)."""
    require_allowed(request.user, file_policy, "create")
    if request.method != "POST":
        only = list(selectors.file_unions(request.user).values_list("pk", flat=True)[:2])
        values = {"union": str(only[0]) if len(only) == 1 else "", "causes": []}
        rows = [{**BLANK_PERSON, "relation": Relation.SELF}]
        return _render_file_form(request, mode="new", values=values, rows=rows, errors=FormErrors(),
                                 union_picker=picker(request.user, "aid.file_unions", blank="请选择",
                                                     selected=values["union"]))
    rows = _posted_rows(request.POST)
    errors = _file_errors(rows)
    union = picker_choice(request.user, "aid.file_unions", request.POST.get("union"))
    if union is None:
        errors.add("union", "请选择职工所在的基层工会")
    else:
        file, done = _run(errors, lambda: files.file_create(
            actor=request.user, union=union, data=_file_data(request.POST, rows)))
        if done:
            messages.success(request, f"档案 {file.number} 已保存为草稿：{file.get_category_display()}")
            return redirect("aid:file_detail", number=file.number)
    return _render_file_form(request, mode="new", values=_form_values(request.POST), rows=rows, errors=errors,
                             union_picker=picker(request.user, "aid.file_unions", blank="请选择",
                                                 selected=request.POST.get("union", "")))


@page
def file_edit(request, number: str):
    """Correct a draft or returned file; the version guards against two people editing at once."""
    file = selectors.file_get(actor=request.user, number=number)
    file_policy.require(request.user, "update", file)
    if file.status not in (FileStatus.DRAFT, FileStatus.RETURNED):
        messages.error(request, f"档案当前状态为“{file.get_status_display()}”，不能修改")
        return redirect("aid:file_detail", number=number)
    if request.method != "POST":
        values, rows = _stored_values(file)
        return _render_file_form(request, mode="edit", file=file, values=values, rows=rows, errors=FormErrors())
    rows = _posted_rows(request.POST)
    errors = _file_errors(rows)
    version = request.POST.get("version", "")
    _, done = _run(errors, lambda: files.file_update(
        actor=request.user, file=file, data=_file_data(request.POST, rows, file),
        version=int(version) if version.isdigit() else None))
    if done:
        messages.success(request, "档案已保存，认定结果已重新计算")
        return redirect("aid:file_detail", number=number)
    return _render_file_form(request, mode="edit", file=file, values=_form_values(request.POST), rows=rows,
                             errors=errors)


@page
def file_reassess(request, number: str):
    """年度复核: this year's figures for an active file; the category is recomputed."""
    file = selectors.file_get(actor=request.user, number=number)
    file_policy.require(request.user, "review", file)
    if file.status != FileStatus.ACTIVE:
        messages.error(request, "只有在档的档案可以年度复核")
        return redirect("aid:file_detail", number=number)
    if request.method != "POST":
        values, rows = _stored_values(file)
        return _render_file_form(request, mode="reassess", file=file, values=values, rows=rows, errors=FormErrors())
    rows = _posted_rows(request.POST)
    errors = _file_errors(rows)
    file_after, done = _run(errors, lambda: files.file_reassess(
        actor=request.user, file=file, data=_file_data(request.POST, rows, file)))
    if done:
        if file_after.review_due:
            messages.error(request, "复核完成：按现行标准已不符合建档条件，请核实后办理脱困")
        else:
            messages.success(request, f"复核完成：{file_after.get_category_display()}")
        return redirect("aid:file_detail", number=number)
    return _render_file_form(request, mode="reassess", file=file, values=_form_values(request.POST), rows=rows,
                             errors=errors)


@page
@require_POST
def file_preview(request):
    """HTMX 试算: the category and reasons for the figures typed so far, with the union's thresholds; saves nothing."""
    require_allowed(request.user, file_policy, "create")
    union = _chosen_union(request.user, request.POST.get("union", ""))
    if union is None:
        return render(request, "aid/_files_preview.html", {"error": "请先选择职工所在的基层工会"})
    return render_estimate(request, union, _file_data(request.POST, _posted_rows(request.POST)))


def render_estimate(request, union: Union, data: files.FileData):
    """The 试算 partial (staff and worker forms): the category and its reasons, or what stops the estimate."""
    try:
        result = files.file_estimate(union=union, data=data)
    except ValidationFailed as exc:
        return render(request, "aid/_files_preview.html", {"error": exc.message})
    return render(request, "aid/_files_preview.html", {
        "result": result, "category_label": HardshipCategory(result.category).label, "union": union})


# ---- Household files: detail and the workflow's actions ------------------------------------------------------

EVENT_LABELS = {
    "create": "建档", "update": "修改", "submit": "提交", "visit": "入户走访", "notice": "开始公示", "objection": "登记异议",
    "objection_resolve": "处理异议", "notice_close": "公示期满报审", "approve": "批准", "return": "退回",
    "withdraw": "撤回", "reassess": "年度复核", "exit": "脱困", "documents": "上传材料",
}
DOCUMENTS_ACCEPT = "image/jpeg,image/png,image/gif,image/webp,application/pdf"  # the file picker's hint only
ACTION_FIELDS = ["visit_note", "visited_by", "content", "raised_by", "resolution", "return_reason",
                 "withdraw_reason", "exit_reason", "documents"]
# The services name their field `reason`; each form on the page has its own.
ACTION_RENAMES = {"return": {"reason": "return_reason"}, "withdraw": {"reason": "withdraw_reason"},
                  "exit": {"reason": "exit_reason"}}


def _file_action(user, file: HardshipFile, post, action: str, uploads=None) -> str:
    """Carry one step to its service; returns the message shown after it."""
    if action == "documents":
        added = file_documents_add(actor=user, file=file, files=check_attachments(
            uploads.getlist("documents") if uploads else [], field="documents"))
        return f"已上传 {len(added)} 份证明材料"
    if action == "submit":
        files.file_submit(actor=user, file=file)
        return "已提交，下一步：入户走访"
    if action == "visit":
        files.file_visit(actor=user, file=file, note=post.get("visit_note", ""), visited_by=post.get("visited_by", ""))
        return "走访记录已保存，下一步：公示"
    if action == "notice":
        file = files.file_notice_start(actor=user, file=file)
        return f"已开始公示，公示期 {file.notice_start:%Y-%m-%d} 至 {file.notice_end:%Y-%m-%d}"
    if action == "objection":
        files.objection_add(actor=user, file=file, content=post.get("content", ""), raised_by=post.get("raised_by", ""))
        return "异议已登记，处理后才能报送审批"
    if action == "resolve":
        objection_id = post.get("objection", "")
        objection = file.objections.filter(pk=objection_id).first() if objection_id.isdigit() else None
        if objection is None:
            raise NotFound("异议不存在")
        files.objection_resolve(actor=user, objection=objection, upheld=post.get("upheld") == "1",
                                resolution=post.get("resolution", ""))
        return "异议成立，档案已退回修改" if post.get("upheld") == "1" else "异议处理结果已记录"
    if action == "notice_close":
        file = files.file_notice_close(actor=user, file=file)
        return f"已报{file.approval_union.name}审批"
    if action == "approve":
        file = files.file_approve(actor=user, file=file)
        return f"已批准建档：{file.get_category_display()}"
    if action == "return":
        files.file_return(actor=user, file=file, reason=post.get("return_reason", ""))
        return "已退回"
    if action == "withdraw":
        files.file_withdraw(actor=user, file=file, reason=post.get("withdraw_reason", ""))
        return "已撤回"
    if action == "exit":
        files.file_exit(actor=user, file=file, reason=post.get("exit_reason", ""))
        return "已办理脱困，档案关闭"
    raise ValidationFailed(ErrorCode.INVALID, "未知操作", field="action")


def _file_abilities(user, file: HardshipFile) -> dict:
    status = file.status
    can_approve = status == FileStatus.REVIEW and \
        selectors.files_awaiting_approval(actor=user).filter(pk=file.pk).exists()
    can_review = file_policy.can(user, "review", file)
    return {
        "can_update": status in (FileStatus.DRAFT, FileStatus.RETURNED) and file_policy.can(user, "update", file),
        "can_submit": status in (FileStatus.DRAFT, FileStatus.RETURNED) and file_policy.can(user, "submit", file),
        "can_visit": status == FileStatus.SUBMITTED and file_policy.can(user, "visit", file),
        "can_notice": status in (FileStatus.VISITED, FileStatus.NOTICE) and file_policy.can(user, "notice", file),
        "can_approve": can_approve,
        "can_return": can_approve or (status in (FileStatus.SUBMITTED, FileStatus.VISITED) and can_review),
        "can_withdraw": status in (FileStatus.DRAFT, FileStatus.SUBMITTED, FileStatus.VISITED, FileStatus.RETURNED)
        and file_policy.can(user, "withdraw", file),
        "can_review": status == FileStatus.ACTIVE and can_review,
        "can_reveal": file_policy.can(user, "reveal_pii", file),
        "can_add_documents": status in FILE_DOCUMENT_STATUSES and file_policy.can(user, "update", file),
    }


@page
def file_detail(request, number: str):
    require_allowed(request.user, file_policy, "list")
    file = selectors.file_get(actor=request.user, number=number)
    errors = FormErrors(fields=ACTION_FIELDS)
    action = request.POST.get("action", "") if request.method == "POST" else ""
    if action:
        message, done = _run(errors, lambda: _file_action(request.user, file, request.POST, action, request.FILES),
                             ACTION_RENAMES.get(action))
        if done:
            messages.success(request, message)
            return redirect("aid:file_detail", number=number)
        file = selectors.file_get(actor=request.user, number=number)
    events = [(event, EVENT_LABELS.get(event.action, event.action),
               FileStatus(event.to_status).label if event.to_status in FileStatus.values else "")
              for event in file.events.all()]
    eligibility = file.eligibility or {}
    return render(request, "aid/files_detail.html", {
        "file": file,
        "household": file.household.all(),
        "documents": file.documents.all(),
        "documents_accept": DOCUMENTS_ACCEPT,
        "objections": file.objections.all(),
        "events": events,
        "reasons": eligibility.get("reasons", []),
        "measures": eligibility.get("measures", {}),
        "causes": [Cause(c).label for c in file.causes if c in Cause.values],
        "phone_masked": mask_phone(file.phone or ""),
        "notice_days": max(5, rule_for(file.union.division_code).notice_days),
        "today": timezone.localdate(),
        "errors": errors,
        "action": action,
        "values": request.POST if action else {},
        **_file_abilities(request.user, file),
    }, status=422 if errors else 200)


@page
@require_POST
def file_reveal(request, number: str):
    """HTMX: the household's 身份证号, phone and bank account in full, for roles allowed; every reveal is audited."""
    file = selectors.file_get(actor=request.user, number=number)
    return render(request, "aid/_files_reveal.html", {"data": files.file_reveal(actor=request.user, file=file)})


# ---- Campaigns -----------------------------------------------------------------------------------------------


@page
def campaign_list(request):
    require_allowed(request.user, campaign_policy, "view")
    campaigns_page, query = paginate(request, selectors.campaigns_visible(actor=request.user))
    ids = [campaign.pk for campaign in campaigns_page]
    counts: dict[int, dict[str, int]] = {}
    for row in selectors.application_list(actor=request.user).filter(campaign_id__in=ids).order_by() \
            .values("campaign_id", "status").annotate(n=Count("id")):
        counts.setdefault(row["campaign_id"], {})[row["status"]] = row["n"]
    rows = [(campaign, [(label, counts.get(campaign.pk, {}).get(value, 0)) for value, label in ApplicationStatus.choices
                        if counts.get(campaign.pk, {}).get(value)])
            for campaign in campaigns_page]
    return render(request, "aid/campaign_list.html", {
        "page": campaigns_page, "query": query, "rows": rows,
        "can_create": campaign_policy.allows(request.user, "manage"),
    })


CAMPAIGN_FIELDS = ["union", "name", "kind", "year", "starts_on", "ends_on", "budget", "review_levels", "groups",
                   "standard_amount", "grant_table", "premium", "deductible", "payout_ratio", "annual_cap",
                   "description"]
REVIEW_LEVELS = [(Level.GRASSROOTS, "基层"), (Level.COUNTY, "县级"), (Level.CITY, "地市级"), (Level.PROVINCIAL, "省级")]


def _campaign_data(post, kind: str) -> applications.CampaignData:
    """CampaignData from the form, as typed (the service parses and checks every field at once); only the chosen
    kind's own fields are taken."""
    data = applications.CampaignData(
        name=post.get("name", ""), kind=kind, year=post.get("year", ""),
        starts_on=post.get("starts_on", ""), ends_on=post.get("ends_on", ""),
        budget=post.get("budget", ""), description=post.get("description", "").strip(),
        review_levels=sorted({int(v) for v in post.getlist("review_levels") if v.isdigit()}, reverse=True))
    if kind == CampaignKind.RELIEF:
        data.standard_amount = post.get("standard_amount", "")
        data.groups = post.getlist("groups")
    elif kind == CampaignKind.TUITION:
        for level in SchoolLevel.values:
            row = {key: post.get(f"grant_{level}_{key}", "").strip() for key in ("file", "no_file")}
            if any(row.values()):
                data.grant_table[level] = row
    elif kind == CampaignKind.MUTUAL:
        data.premium, data.deductible = post.get("premium", ""), post.get("deductible", "")
        data.annual_cap, data.payout_ratio = post.get("annual_cap", ""), post.get("payout_ratio", "")
    return data


@page
def campaign_new(request):
    """Upper-level staff start a campaign for their union's subtree: 送温暖, 金秋助学 or a 医疗互助 plan."""
    require_allowed(request.user, campaign_policy, "manage")
    errors = FormErrors(fields=CAMPAIGN_FIELDS)
    today = timezone.localdate()
    first = picker_scope(request.user, "aid.campaign_hosts").order_by("path").values_list("id", flat=True).first()
    values = {"union": str(first or ""), "kind": CampaignKind.RELIEF, "year": today.year,
              "review_levels": [str(Level.GRASSROOTS), str(Level.COUNTY)], "groups": [Group.HARDSHIP]}
    if request.method == "POST":
        post = request.POST
        values = {**post.dict(), "review_levels": post.getlist("review_levels"), "groups": post.getlist("groups")}
        union = picker_choice(request.user, "aid.campaign_hosts", post.get("union"))
        if union is None:
            errors.add("union", "请选择主办工会")
        else:
            campaign, done = _run(errors, lambda: applications.campaign_create(
                actor=request.user, union=union, data=_campaign_data(post, post.get("kind", ""))))
            if done:
                messages.success(request, f"活动“{campaign.name}”已创建")
                return redirect("aid:campaign_detail", campaign_id=campaign.pk)
    return render(request, "aid/campaign_form.html", {
        "values": values,
        "errors": errors,
        "union_picker": picker(request.user, "aid.campaign_hosts", selected=str(values.get("union", ""))),
        "kind_options": _choices(CampaignKind),
        "group_options": list(Group.choices),
        "level_options": [(str(value), label) for value, label in REVIEW_LEVELS],
        "grant_rows": [(value, label, values.get(f"grant_{value}_file", ""), values.get(f"grant_{value}_no_file", ""))
                       for value, label in SchoolLevel.choices],
    }, status=422 if errors else 200)


def _enroll_members(user, post) -> tuple[list, bool]:
    """The members to enroll: pasted 会员号 (all must be found among the members the user may list) and ticked ones."""
    numbers = [n for n in re.split(r"[\s,，、;；]+", post.get("member_numbers", "")) if n]
    picked = [v for v in post.getlist("member_ids") if v.isdigit()]
    if not numbers and not picked:
        raise ValidationFailed(ErrorCode.REQUIRED, "请填写会员号或勾选会员", field="member_numbers")
    members = list(member_list(actor=user).filter(Q(member_no__in=numbers) | Q(pk__in=picked),
                                                  status__in=HOLDING_STATUSES))
    missing = sorted(set(numbers) - {m.member_no for m in members})
    if missing:
        raise ValidationFailed(ErrorCode.NOT_FOUND, f"找不到这些会员号（或不在您的工会）：{'、'.join(missing[:20])}",
                               field="member_numbers")
    return members, post.get("by_union") == "1"


def _campaign_action(user, campaign: Campaign, post, action: str):
    if action == "update":
        applications.campaign_update(actor=user, campaign=campaign, name=post.get("name", ""),
                                     ends_on=post.get("ends_on", ""), budget=post.get("budget", ""),
                                     description=post.get("description", ""))
        return None, "活动信息已修改"
    if action == "close":
        applications.campaign_close(actor=user, campaign=campaign)
        return None, "活动已结束，不再接受新的申请；在审的申请仍可审核，已批准的照常发放"
    if action == "batch":
        batch = payments.batch_create(actor=user, campaign=campaign)
        return batch, f"已生成发放批次 {batch.number}：{batch.count} 笔，合计 {batch.total} 元"
    if action == "enroll":
        members, by_union = _enroll_members(user, post)
        created = applications.enrollment_create(actor=user, plan=campaign, members=members, by_union=by_union)
        skipped = len(members) - len(created)
        return None, f"新参保 {len(created)} 人" + (f"，{skipped} 人此前已参保" if skipped else "")
    raise ValidationFailed(ErrorCode.INVALID, "未知操作", field="action")


def _enroll_options(user, campaign: Campaign, union_id: str):
    """The grassroots unions of the plan the user may pick from, the one picked (the only one by default), and
    its members not yet in the plan, to tick."""
    union = picker_choice(user, "aid.file_unions", union_id, within=campaign.union)
    if union is None and not union_id:
        only = list(picker_scope(user, "aid.file_unions").filter(path__startswith=campaign.union.path)[:2])
        union = only[0] if len(only) == 1 else None
    members = []
    if union is not None:
        members = member_list(actor=user, union=union).filter(status__in=HOLDING_STATUSES) \
            .exclude(aid_enrollments__plan=campaign).order_by("member_no")[:200]
    unions = picker(user, "aid.file_unions", blank="请选择", selected=str(union.pk) if union else "",
                    within=campaign.union)
    return unions, union, members


@page
def campaign_detail(request, campaign_id: int):
    require_allowed(request.user, campaign_policy, "view")
    campaign = selectors.campaign_get(actor=request.user, campaign_id=campaign_id)
    user = request.user
    errors = FormErrors(fields=["campaign", "member_numbers", "member_ids", "name", "ends_on", "budget"])
    action = request.POST.get("action", "") if request.method == "POST" else ""
    if action:
        result, done = _run(errors, lambda: _campaign_action(user, campaign, request.POST, action))
        if done:
            batch, message = result
            messages.success(request, message)
            if batch is not None:
                return redirect("aid:batch_detail", batch_id=batch.pk)
            return redirect("aid:campaign_detail", campaign_id=campaign.pk)
        campaign.refresh_from_db()
    status = request.GET.get("status", "")
    applications_page, query = paginate(request, selectors.application_list(actor=user, campaign=campaign,
                                                                            status=status))
    payment_rows = selectors.payment_list(actor=user, campaign=campaign).order_by().values("status") \
        .annotate(n=Count("id"), total=Sum("amount"))
    payment_stats = {row["status"]: row for row in payment_rows}
    can_disburse = campaign_policy.can(user, "disburse", campaign)
    can_enroll = campaign.kind == CampaignKind.MUTUAL and campaign.status == CampaignStatus.OPEN \
        and campaign_policy.allows(user, "enroll")
    context = {
        "campaign": campaign,
        "page": applications_page,
        "query": query,
        "status": status,
        "status_options": _choices(ApplicationStatus, "全部状态"),
        "payment_stats": [(value, label, payment_stats[value]["n"], payment_stats[value]["total"])
                          for value, label in PaymentStatus.choices if value in payment_stats],
        "pending_count": payment_stats.get(PaymentStatus.PENDING, {}).get("n", 0),
        "batches": selectors.batch_list(actor=user, campaign=campaign)[:50],
        "can_disburse": can_disburse,
        "can_enroll": can_enroll,
        "can_manage": campaign.status != CampaignStatus.CLOSED and campaign_policy.can(user, "manage", campaign),
        "edit": request.POST if action == "update" else {
            "name": campaign.name, "ends_on": campaign.ends_on.isoformat(), "budget": campaign.budget,
            "description": campaign.description},
        "errors": errors,
        "action": action,
        "values": request.POST if action else {},
        "levels": "→".join(Level(level).label for level in campaign.review_levels if level in Level.values),
        "groups": "、".join(Group(g).label for g in campaign.groups if g in Group.values),
        "grant_rows": [(SchoolLevel(level).label, row.get("file", 0), row.get("no_file", 0))
                       for level, row in (campaign.grant_table or {}).items() if level in SchoolLevel.values],
    }
    if campaign.kind == CampaignKind.MUTUAL:
        context["enrolled"] = campaign_policy.scope(user, "view", campaign.enrollments.all()).count()
    if can_enroll:
        context["enroll_unions"], context["enroll_union"], context["enroll_members"] = _enroll_options(
            user, campaign, request.GET.get("enroll_union", ""))
    return render(request, "aid/campaign_detail.html", context, status=422 if errors else 200)


# ---- Disbursement batches --------------------------------------------------------------------------------------

BATCH_FIELDS = ["batch", "result_file", "payment", "result", "reason", "reference"]
MAX_RESULT_FILE = 20 * 1024 * 1024


def _result_rows(upload) -> list[dict]:
    if upload is None:
        raise ValidationFailed(ErrorCode.REQUIRED, "请选择银行返回的结果文件", field="result_file")
    if upload.size > MAX_RESULT_FILE:
        raise ValidationFailed(ErrorCode.UPLOAD_TOO_LARGE, "结果文件不能超过 20MB", field="result_file")
    try:
        rows = exports.read_result_file(upload.read(), upload.name or "")
    except Exception:  # noqa: BLE001 - any unreadable upload (encoding, zip, sheet) is the same answer to staff
        raise ValidationFailed(ErrorCode.INVALID, "无法读取结果文件：请上传银行返回的 CSV 或 Excel（.xlsx）文件",
                               field="result_file") from None
    if not rows:
        raise ValidationFailed(ErrorCode.INVALID, "结果文件中没有数据行", field="result_file")
    if not {"key", "result"} <= set(rows[0]):
        raise ValidationFailed(ErrorCode.UPLOAD_BAD_HEADER, "结果文件应有“业务参考号”和“结果”两列",
                               field="result_file")
    return rows


def _batch_payment(batch, post):
    payment_id = post.get("payment", "")
    payment = batch.payments.filter(pk=payment_id).first() if payment_id.isdigit() else None
    if payment is None:
        raise NotFound("该批次中没有这笔款项")
    return payment


def _batch_action(user, batch, request, action: str):
    post = request.POST
    if action == "submit":
        batch = payments.batch_submit(actor=user, batch=batch)
        return f"批次 {batch.number} 已报送银行，请下载银行代发文件"
    if action == "results":
        outcome = payments.batch_record_results(actor=user, batch=batch,
                                                rows=_result_rows(request.FILES.get("result_file")))
        return outcome
    if action == "retry":
        payments.payment_retry(actor=user, payment=_batch_payment(batch, post))
        return "该笔款项已转为待发放，请在活动页生成新的发放批次"
    if action == "record":
        payment = payments.payment_record(actor=user, payment=_batch_payment(batch, post),
                                          result=post.get("result", ""), reason=post.get("reason", ""),
                                          reference=post.get("reference", "").strip())
        return f"已登记：{payment.payee_name} {payment.get_status_display()}"
    raise ValidationFailed(ErrorCode.INVALID, "未知操作", field="action")


@page
def batch_detail(request, batch_id: int):
    batch = selectors.batch_get(actor=request.user, batch_id=batch_id)
    errors = FormErrors(fields=BATCH_FIELDS)
    action = request.POST.get("action", "") if request.method == "POST" else ""
    outcome = None
    if action:
        result, done = _run(errors, lambda: _batch_action(request.user, batch, request, action))
        if done and isinstance(result, dict):
            outcome = result
            batch = selectors.batch_get(actor=request.user, batch_id=batch_id)
        elif done:
            messages.success(request, result)
            return redirect("aid:batch_detail", batch_id=batch.pk)
        else:
            batch = selectors.batch_get(actor=request.user, batch_id=batch_id)
    payments_page, query = paginate(request, batch.payments.order_by("id"), per_page=50)
    stats = {row["status"]: row for row in batch.payments.order_by().values("status")
             .annotate(n=Count("id"), total=Sum("amount"))}
    return render(request, "aid/batch_detail.html", {
        "batch": batch,
        "campaign": batch.campaign,
        "page": payments_page,
        "query": query,
        "stats": [(value, label, stats[value]["n"], stats[value]["total"]) for value, label in PaymentStatus.choices
                  if value in stats],
        "can_export_bank": campaign_policy.can(request.user, "export_bank", batch.campaign),
        "submitted": batch.status != BatchStatus.DRAFT,
        "outcome": outcome,
        "errors": errors,
        "action": action,
        "values": request.POST if action else {},
        "result_options": [("paid", "已发放（到账）"), ("failed", "发放失败"), ("returned", "退回（退汇）")],
    }, status=422 if errors else 200)


FORMATS = {"csv", "xlsx"}


@page
def batch_bank_file(request, batch_id: int, fmt: str):
    """The bank's 代发 file with full account numbers: upper-level staff only, after submission, always logged."""
    if fmt not in FORMATS:
        raise Http404()
    batch = selectors.batch_get(actor=request.user, batch_id=batch_id)
    errors = FormErrors()
    _, done = _run(errors, lambda: payments.record_bank_export(actor=request.user, batch=batch))
    if not done:
        messages.error(request, errors["form"])
        return redirect("aid:batch_detail", batch_id=batch.pk)
    return _download(*exports.bank_file(batch, fmt=fmt, masked=False))


@page
def batch_review_file(request, batch_id: int, fmt: str):
    """The same list with accounts masked, for checking and filing."""
    if fmt not in FORMATS:
        raise Http404()
    batch = selectors.batch_get(actor=request.user, batch_id=batch_id)
    return _download(*exports.bank_file(batch, fmt=fmt, masked=True))

