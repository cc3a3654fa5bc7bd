from zhijia.accounts.models import Role
from zhijia.core.errors import PermissionDenied
from zhijia.core.policy import OWN, SELF, SUBTREE, WORKER, Policy

STAFF_READ = {
    Role.GRASSROOTS_CHAIR: OWN,
    Role.GRASSROOTS_OFFICER: OWN,
    Role.UPPER_STAFF: SUBTREE,
    Role.SYSADMIN: SUBTREE,
}
STAFF_WRITE = dict(STAFF_READ)
# Seeing 身份证号/phone in full: the grassroots chair for the own union, system administrators below theirs.
PII_FULL = {Role.GRASSROOTS_CHAIR: OWN, Role.SYSADMIN: SUBTREE}


class MemberPolicy(Policy):
    owner_field = "user_id"
    rules = {
        "view": {**STAFF_READ, WORKER: SELF},
        "list": STAFF_READ,
        "create": STAFF_WRITE,
        "update": STAFF_WRITE,
        "change_status": STAFF_WRITE,
        "import": STAFF_WRITE,
        "export": STAFF_READ,
        "reveal_pii": PII_FULL,
        "export_pii": PII_FULL,
        "history": STAFF_READ,
        "request_transfer": {**STAFF_WRITE, WORKER: SELF},
    }


class JoinApplicationPolicy(Policy):
    owner_field = "applicant_id"
    rules = {
        "view": {**STAFF_READ, WORKER: SELF},
        "list": STAFF_READ,
        "review": STAFF_WRITE,
        "withdraw": {WORKER: SELF},
        "reveal_pii": PII_FULL,
    }


class TransferPolicy(Policy):
    union_fields = ("from_union", "to_union")
    owner_field = "member__user_id"
    province_field = None  # the two sides may sit in different provinces
    rules = {
        "view": {**STAFF_READ, WORKER: SELF},
        "list": STAFF_READ,
        "cancel": {WORKER: SELF},
    }


class TransferSidePolicy(Policy):
    """Acting on one side of a transfer: releasing is the source union's, accepting the target's."""

    province_field = None
    rules = {"release": STAFF_WRITE, "accept": STAFF_WRITE}

    def __init__(self, side: str):
        self.union_fields = (side,)

    def require(self, user, action: str, obj=None) -> None:
        # Callers check visibility of the whole transfer first; here a refusal is a plain denial.
        if not self.can(user, action, obj):
            raise PermissionDenied("只有该环节对应工会的工作人员可以办理")


class ImportJobPolicy(Policy):
    rules = {"view": STAFF_READ}


member_policy = MemberPolicy()
application_policy = JoinApplicationPolicy()
transfer_policy = TransferPolicy()
release_policy = TransferSidePolicy("from_union")
accept_policy = TransferSidePolicy("to_union")
import_policy = ImportJobPolicy()
