"""Pages for bulk member import and export. Thin: the work is in imports.py and exports.py."""

from typing import NoReturn

from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.core.paginator import Paginator
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils.http import content_disposition_header
from django.views.decorators.http import require_GET, require_http_methods

from zhijia.core.errors import ErrorCode, NotFound, PermissionDenied, ValidationFailed
from zhijia.org.models import Union

from .exports import member_export
from .imports import (
    build_error_report,
    build_template,
    check_request_size,
    export_source_unions,
    import_start,
    import_target_unions,
)
from .models import ImportMode, MemberStatus
from .permissions import member_policy
from .selectors import import_job_get, import_job_list

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
ERRORS_PER_PAGE = 50
RECENT_JOBS = 10
UNION_CHOICES_LIMIT = 500


def _require(user, action: str) -> None:
    if not member_policy.allows(user, action):
        raise DjangoPermissionDenied("无权执行此操作")


def _union_from(value: str) -> Union:
    try:
        union_id = int(value)
    except (TypeError, ValueError):
        raise ValidationFailed(ErrorCode.REQUIRED, "请选择工会", field="union") from None
    union = Union.objects.filter(pk=union_id).first()
    if union is None:
        raise NotFound()
    return union


def _raise_for_page(exc: NotFound | PermissionDenied) -> NoReturn:
    if isinstance(exc, NotFound):
        raise Http404(exc.message)
    raise DjangoPermissionDenied(exc.message)


def _xlsx_response(content: bytes, filename: str) -> HttpResponse:
    response = HttpResponse(content, content_type=XLSX)
    response["Content-Disposition"] = content_disposition_header(as_attachment=True, filename=filename)
    return response


@login_required
@require_http_methods(["GET", "POST"])
def bulk_import(request):
    _require(request.user, "import")
    unions = list(import_target_unions(actor=request.user)[:UNION_CHOICES_LIMIT])
    values = {"union": request.GET.get("union") or (str(unions[0].pk) if len(unions) == 1 else ""),
              "mode": ImportMode.ALL_OR_NOTHING.value}
    errors, status = {}, 200
    if request.method == "POST":
        try:
            check_request_size(request.META.get("CONTENT_LENGTH"))  # before the body is read
            values = {"union": request.POST.get("union", ""), "mode": request.POST.get("mode", "")}
            upload = request.FILES.get("file")
            job = import_start(
                actor=request.user,
                union=_union_from(values["union"]),
                mode=values["mode"],
                upload=upload,
                original_name=upload.name if upload else "",
            )
        except (NotFound, PermissionDenied) as exc:
            _raise_for_page(exc)
        except ValidationFailed as exc:
            errors[exc.field or "form"] = exc.message
            status = exc.status
        else:
            return redirect("members:bulk_import_job", job_id=job.pk)
    choices = [(union.pk, union.name) for union in unions]
    context = {
        "unions": choices if len(choices) <= 1 else [("", "请选择工会"), *choices],
        "modes": ImportMode.choices,
        "values": values,
        "errors": errors,
        "max_mb": settings.IMPORT_MAX_UPLOAD_BYTES // (1024 * 1024),
        "recent": import_job_list(actor=request.user)[:RECENT_JOBS],
    }
    return render(request, "members/bulk_import.html", context, status=status)


@login_required
@require_GET
def bulk_import_template(request):
    _require(request.user, "import")
    return _xlsx_response(build_template(), "会员导入模板.xlsx")


def _job_context(request, job):
    paginator = Paginator(job.errors, ERRORS_PER_PAGE)
    page = paginator.get_page(request.GET.get("page"))
    return {"job": job, "page": page, "query": ""}


def _job_for_page(request, job_id: int):
    try:
        return import_job_get(actor=request.user, job_id=job_id)
    except NotFound as exc:
        _raise_for_page(exc)


@login_required
@require_GET
def bulk_import_job(request, job_id: int):
    job = _job_for_page(request, job_id)
    return render(request, "members/bulk_import_job.html", _job_context(request, job))


@login_required
@require_GET
def bulk_import_job_progress(request, job_id: int):
    """The job panel alone, polled by HTMX every second until the job is finished."""
    job = _job_for_page(request, job_id)
    return render(request, "members/bulk_import_job_panel.html", _job_context(request, job))


@login_required
@require_GET
def bulk_import_errors(request, job_id: int):
    job = _job_for_page(request, job_id)
    return _xlsx_response(build_error_report(job), f"导入错误报告-{job.pk}.xlsx")


@login_required
@require_http_methods(["GET", "POST"])
def bulk_export(request):
    _require(request.user, "export")
    unions = list(export_source_unions(actor=request.user)[:UNION_CHOICES_LIMIT])
    source = request.POST if request.method == "POST" else request.GET
    values = {
        "union": source.get("union") or (str(unions[0].pk) if unions else ""),
        "q": source.get("q", ""),
        "status": source.get("status", ""),
        "full_pii": source.get("full_pii") == "1",
    }
    errors, status = {}, 200
    if request.method == "POST":
        try:
            export = member_export(
                actor=request.user,
                union=_union_from(values["union"]),
                query=values["q"],
                status=values["status"],
                full_pii=values["full_pii"],
            )
        except NotFound as exc:
            _raise_for_page(exc)
        except (PermissionDenied, ValidationFailed) as exc:
            errors[exc.field or "form"] = exc.message
            status = exc.status
        else:
            return FileResponse(export.file, as_attachment=True, filename=export.filename, content_type=XLSX)
    context = {
        "unions": [(union.pk, union.name) for union in unions],
        "statuses": [("", "全部状态"), *MemberStatus.choices],
        "values": values,
        "errors": errors,
        "may_export_pii": member_policy.allows(request.user, "export_pii"),
    }
    return render(request, "members/bulk_export.html", context, status=status)
