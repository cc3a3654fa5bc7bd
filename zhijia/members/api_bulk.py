"""API for bulk member import and export (/api/members-bulk). Thin: the work is in imports.py and exports.py."""

import datetime
from functools import wraps

from django.http import FileResponse, HttpResponse, JsonResponse
from django.utils.http import content_disposition_header
from ninja import File, Form, Query, Router, Schema
from ninja.decorators import decorate_view
from ninja.files import UploadedFile

from zhijia.core.errors import NotFound, PermissionDenied, ValidationFailed
from zhijia.org.models import Union

from .exports import member_export
from .imports import build_error_report, build_template, check_request_size, error_page, import_start
from .models import ImportJob
from .permissions import member_policy
from .selectors import import_job_get

router = Router(tags=["会员批量导入导出"])
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


class ImportErrorOut(Schema):
    row: int
    column: str
    code: str
    message: str


class ImportJobOut(Schema):
    id: int
    union_id: int
    union_name: str
    original_name: str
    mode: str
    mode_label: str
    status: str
    status_label: str
    finished: bool
    total_rows: int
    processed_rows: int
    progress_percent: int
    created_count: int
    error_count: int
    message: str
    created_at: datetime.datetime
    finished_at: datetime.datetime | None
    errors: list[ImportErrorOut]
    errors_total: int
    errors_page: int
    errors_pages: int


class ExportQuery(Schema):
    union_id: int
    full_pii: bool = False
    q: str = ""
    status: str = ""


def _job_out(job: ImportJob, *, page: int = 1, page_size: int = 50) -> dict:
    items, page, pages = error_page(job, page=page, page_size=page_size)
    return {
        "id": job.pk,
        "union_id": job.union_id,
        "union_name": job.union.name,
        "original_name": job.original_name,
        "mode": job.mode,
        "mode_label": job.get_mode_display(),
        "status": job.status,
        "status_label": job.get_status_display(),
        "finished": job.finished,
        "total_rows": job.total_rows,
        "processed_rows": job.processed_rows,
        "progress_percent": job.progress_percent,
        "created_count": job.created_count,
        "error_count": job.error_count,
        "message": job.message,
        "created_at": job.created_at,
        "finished_at": job.finished_at,
        "errors": items,
        "errors_total": len(job.errors),
        "errors_page": page,
        "errors_pages": pages,
    }


def _union(union_id: int) -> Union:
    union = Union.objects.filter(pk=union_id).first()
    if union is None:
        raise NotFound()
    return union


def _xlsx(content: bytes, filename: str) -> HttpResponse:
    response = HttpResponse(content, content_type=XLSX)
    response["Content-Disposition"] = content_disposition_header(as_attachment=True, filename=filename)
    return response


def refuse_oversized_upload(run):
    """Answer 413 from the declared Content-Length, before the multipart body is parsed."""

    @wraps(run)
    def wrapper(request, *args, **kwargs):
        try:
            check_request_size(request.META.get("CONTENT_LENGTH"))
        except ValidationFailed as exc:
            return JsonResponse(exc.as_dict(), status=exc.status, json_dumps_params={"ensure_ascii": False})
        return run(request, *args, **kwargs)

    return wrapper


@router.post("/imports", response={202: ImportJobOut}, summary="上传 .xlsx，批量导入会员")
@decorate_view(refuse_oversized_upload)
def create_import(request, union_id: Form[int], mode: Form[str], file: File[UploadedFile]):
    """Checks the file at once (upload_too_large, upload_not_xlsx, upload_bad_header) and queues the job;
    poll GET /imports/{id} for progress and the row-by-row report."""
    job = import_start(actor=request.user, union=_union(union_id), mode=mode, upload=file, original_name=file.name)
    job.refresh_from_db()  # an immediate task backend has already run it
    return 202, _job_out(job)


@router.get("/imports/{job_id}", response=ImportJobOut, summary="导入任务的状态、进度和错误（分页）")
def get_import(request, job_id: int, page: int = 1, page_size: int = 50):
    job = import_job_get(actor=request.user, job_id=job_id)
    return _job_out(job, page=page, page_size=min(max(page_size, 1), 500))


@router.get("/imports/{job_id}/errors.xlsx", summary="下载导入错误报告（.xlsx）")
def get_import_errors(request, job_id: int):
    job = import_job_get(actor=request.user, job_id=job_id)
    return _xlsx(build_error_report(job), f"导入错误报告-{job.pk}.xlsx")


@router.get("/template", summary="下载会员导入模板（.xlsx）")
def get_template(request):
    if not member_policy.allows(request.user, "import"):
        raise PermissionDenied()
    return _xlsx(build_template(), "会员导入模板.xlsx")


@router.get("/export", summary="导出工会（含下级）会员名册（.xlsx）")
def export_members(request, params: Query[ExportQuery]):
    """身份证号和手机号默认部分隐藏；full_pii=true 需要相应权限，并记入审计日志。"""
    export = member_export(
        actor=request.user,
        union=_union(params.union_id),
        query=params.q,
        status=params.status,
        full_pii=params.full_pii,
    )
    return FileResponse(export.file, as_attachment=True, filename=export.filename, content_type=XLSX)
