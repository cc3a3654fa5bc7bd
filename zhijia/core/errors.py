"""Errors every domain raises: a stable code for machines, a Chinese message for people, the field at fault."""

from enum import StrEnum


class ErrorCode(StrEnum):
    INVALID = "invalid"
    REQUIRED = "required"
    INVALID_ID_NUMBER = "invalid_id_number"
    INVALID_CREDIT_CODE = "invalid_credit_code"
    INVALID_PHONE = "invalid_phone"
    INVALID_DIVISION_CODE = "invalid_division_code"
    INVALID_DATE = "invalid_date"
    NOT_FOUND = "not_found"
    PERMISSION_DENIED = "permission_denied"
    NOT_AUTHENTICATED = "not_authenticated"
    INVALID_TRANSITION = "invalid_transition"
    CONFLICT = "conflict"
    DUPLICATE_MEMBER = "duplicate_member"
    DUPLICATE_CREDIT_CODE = "duplicate_credit_code"
    UNION_CYCLE = "union_cycle"
    UNION_NOT_ACCEPTING = "union_not_accepting"
    UPLOAD_TOO_LARGE = "upload_too_large"
    UPLOAD_NOT_XLSX = "upload_not_xlsx"
    UPLOAD_BAD_HEADER = "upload_bad_header"
    UNDERAGE = "underage"
    UPLOAD_FORBIDDEN_TYPE = "upload_forbidden_type"
    NO_HANDLING_UNION = "no_handling_union"
    STALE_VERSION = "stale_version"
    PHONE_NOT_VERIFIED = "phone_not_verified"
    VERIFICATION_FAILED = "verification_failed"
    TOO_MANY_REQUESTS = "too_many_requests"
    CSRF_FAILED = "csrf_failed"
    DUPLICATE_FILE = "duplicate_file"
    DUPLICATE_GRANT = "duplicate_grant"
    BUDGET_EXCEEDED = "budget_exceeded"
    NOT_ELIGIBLE = "not_eligible"
    ALREADY_SUBMITTED = "already_submitted"


class ZhijiaError(Exception):
    """A refusal the user can act on. `status` is the HTTP status the API answers with."""

    status = 400

    def __init__(self, code: ErrorCode, message: str, *, field: str | None = None, status: int | None = None):
        super().__init__(message)
        self.code = code
        self.message = message
        self.field = field
        if status is not None:
            self.status = status

    def as_dict(self) -> dict:
        return {"code": str(self.code), "message": self.message, "field": self.field}


class ValidationFailed(ZhijiaError):
    status = 422


class InvalidFields(ValidationFailed):
    """Several fields refused at once. The first stands for all in code, message and field (what a client that
    reads one error sees); `errors` holds every one, and the API answers them as "errors"."""

    def __init__(self, errors: list[ZhijiaError]):
        first = errors[0]
        super().__init__(first.code, first.message, field=first.field)
        self.errors = list(errors)

    def as_dict(self) -> dict:
        return {**super().as_dict(), "errors": [error.as_dict() for error in self.errors]}


class FieldChecks:
    """Validate field by field without stopping at the first refusal, so a form shows every mistake at once:

        checks = FieldChecks()
        with checks:
            data.name = clean_required(...)
        with checks:
            data.phone = clean_phone(...)
        checks.raise_any()  # InvalidFields with both, if both were refused
    """

    def __init__(self):
        self.errors: list[ZhijiaError] = []

    def __enter__(self):
        return self

    def __exit__(self, kind, exc, traceback):
        if isinstance(exc, ValidationFailed):
            self.errors.extend(getattr(exc, "errors", None) or [exc])
            return True
        return False

    def raise_any(self) -> None:
        if len(self.errors) == 1:
            raise self.errors[0]
        if self.errors:
            raise InvalidFields(self.errors)


class NotFound(ZhijiaError):
    status = 404

    def __init__(self, message: str = "对象不存在或无权访问", *, field: str | None = None):
        super().__init__(ErrorCode.NOT_FOUND, message, field=field)


class PermissionDenied(ZhijiaError):
    status = 403

    def __init__(self, message: str = "无权执行此操作"):
        super().__init__(ErrorCode.PERMISSION_DENIED, message)


class InvalidTransition(ZhijiaError):
    status = 409

    def __init__(self, message: str):
        super().__init__(ErrorCode.INVALID_TRANSITION, message)


class Conflict(ZhijiaError):
    status = 409
