"""The audit trail over the API: entries recorded in the unions the caller oversees."""

from ninja import Query, Router

from . import audit, selectors
from .errors import ErrorCode, ValidationFailed
from .permissions import audit_policy
from .schemas import ERRORS, AuditEntryOut, AuditQuery, Page, paginate

router = Router(tags=["审计"])


@router.get("", response={200: Page[AuditEntryOut], **ERRORS}, summary="审计日志")
def audit_list(request, filters: Query[AuditQuery]):
    if filters.action and filters.action not in audit.ACTIONS:
        raise ValidationFailed(ErrorCode.INVALID, "没有这种审计动作", field="action")
    audit_policy.require(request.auth, "view")
    entries = selectors.audit_list(actor=request.auth, filters=selectors.AuditFilters(action=filters.action))
    if filters.union_id is not None:
        entries = entries.filter(union_id=filters.union_id)
    return paginate(entries, filters)
