"""Supporting documents of applications (录取通知书, 医疗票据, 困难证明): added by the applicant or their union
while the application is still open, checked by their bytes before anything is written."""

from django.core.files.base import ContentFile
from django.db import transaction

from zhijia.cases.attachments import CheckedFile
from zhijia.core import audit
from zhijia.core.errors import ErrorCode, InvalidTransition, ValidationFailed

from ..models import AidDocument, Application, ApplicationStatus
from ..permissions import application_policy

MAX_DOCUMENTS = 10

audit.register("aid.document_add", "上传帮扶申请材料")


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
        saved = []
        for item in files:
            document = AidDocument(application=application, name=item.name, content_type=item.content_type,
                                   size=len(item.data))
            document.file.save(item.name, ContentFile(item.data), save=True)
            saved.append(document)
        audit.record(actor=actor, action="aid.document_add", obj=application,
                     after={"files": [d.name for d in saved]})
    return saved
