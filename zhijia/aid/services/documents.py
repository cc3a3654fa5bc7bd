"""Supporting documents: an application's (录取通知书, 医疗票据, 困难证明), added by the applicant or their union
while it is still open, and a hardship file's (诊断证明, 收入证明, 低保证), added by the worker who filed it or the
union's staff until the home visit. Every file is checked by its bytes before anything is written."""

from django.core.files.base import ContentFile
from django.db import transaction

from zhijia.cases.attachments import CheckedFile
from zhijia.core import audit
from zhijia.core.errors import ErrorCode, InvalidTransition, ValidationFailed

from ..models import AidDocument, Application, ApplicationStatus, FileStatus, HardshipFile
from ..permissions import application_policy, file_policy
from .files import file_event

MAX_DOCUMENTS = 10
# A file's documents are what the home visit checks; after it they are part of the record.
FILE_DOCUMENT_STATUSES = (FileStatus.DRAFT, FileStatus.SUBMITTED, FileStatus.RETURNED)

audit.register("aid.document_add", "上传帮扶申请材料")
audit.register("aid.file_document_add", "上传困难职工建档材料")


def _save(files: list[CheckedFile], **owner) -> list[AidDocument]:
    saved = []
    for item in files:
        document = AidDocument(name=item.name, content_type=item.content_type, size=len(item.data), **owner)
        document.file.save(item.name, ContentFile(item.data), save=True)
        saved.append(document)
    return saved


def application_documents_add(*, actor, application: Application, files: list[CheckedFile]) -> list[AidDocument]:
    """Attach files already checked by cases.attachments.check_attachments.

    Raises ValidationFailed (field "documents") for no files or too many, InvalidTransition once the
    application is decided or withdrawn; the applicant and the union's staff may add, nobody else.
    """
    if not files:
        raise ValidationFailed(ErrorCode.REQUIRED, "请选择要上传的材料", field="documents")
    with transaction.atomic():
        application = Application.objects.select_for_update(of=("self",)).select_related("union") \
            .get(pk=application.pk)
        application_policy.require(actor, "resubmit", application)
        if application.status not in (ApplicationStatus.IN_REVIEW, ApplicationStatus.RETURNED):
            raise InvalidTransition(f"申请当前状态为“{application.get_status_display()}”，不能再补充材料")
        if application.documents.count() + len(files) > MAX_DOCUMENTS:
            raise ValidationFailed(ErrorCode.INVALID, f"每份申请最多上传{MAX_DOCUMENTS}份材料", field="documents")
        saved = _save(files, application=application)
        audit.record(actor=actor, action="aid.document_add", obj=application,
                     after={"files": [d.name for d in saved]})
    return saved


def file_documents_add(*, actor, file: HardshipFile, files: list[CheckedFile]) -> list[AidDocument]:
    """Attach checked files (see check_attachments) to a hardship file.

    Raises ValidationFailed (field "documents") for no files or more than MAX_DOCUMENTS in all, InvalidTransition
    once the file is past submission (visited, in notice, decided); NotFound/PermissionDenied unless the actor may
    update the file (its union's staff, or the worker who filed it).
    """
    if not files:
        raise ValidationFailed(ErrorCode.REQUIRED, "请选择要上传的材料", field="documents")
    with transaction.atomic():
        file = HardshipFile.objects.select_for_update(of=("self",)).select_related("union").get(pk=file.pk)
        file_policy.require(actor, "update", file)
        if file.status not in FILE_DOCUMENT_STATUSES:
            raise InvalidTransition(f"档案当前状态为“{file.get_status_display()}”，不能再补充材料")
        if file.documents.count() + len(files) > MAX_DOCUMENTS:
            raise ValidationFailed(ErrorCode.INVALID, f"每份档案最多上传{MAX_DOCUMENTS}份证明材料", field="documents")
        saved = _save(files, hardship_file=file)
        names = "、".join(d.name for d in saved)
        file_event(file, actor, "documents", file.status, f"{len(saved)} 份：{names}")
        audit.record(actor=actor, action="aid.file_document_add", obj=file,
                     after={"files": [d.name for d in saved]})
    return saved
