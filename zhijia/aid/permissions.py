"""Who may do what in hardship aid. Grassroots unions keep their own files and applications; upper-level staff
supervise and approve across their subtree; workers see their own. Full 身份证号 and bank accounts only for the
grassroots chair of the union and system administrators; the unmasked bank file only for upper-level staff."""

from zhijia.accounts.models import Role
from zhijia.core.policy import OWN, SELF, SUBTREE, WORKER, Policy

STAFF_READ = {
    Role.GRASSROOTS_CHAIR: OWN,
    Role.GRASSROOTS_OFFICER: OWN,
    Role.UPPER_STAFF: SUBTREE,
    Role.SYSADMIN: SUBTREE,
}
STAFF_WRITE = dict(STAFF_READ)
UPPER = {Role.UPPER_STAFF: SUBTREE, Role.SYSADMIN: SUBTREE}
PII_FULL = {Role.GRASSROOTS_CHAIR: OWN, Role.SYSADMIN: SUBTREE}


class HardshipFilePolicy(Policy):
    owner_field = "applicant_id"
    rules = {
        "view": {**STAFF_READ, WORKER: SELF},
        "list": STAFF_READ,
        "create": STAFF_WRITE,
        "update": {**STAFF_WRITE, WORKER: SELF},  # a worker corrects their own draft or returned file
        "submit": {**STAFF_WRITE, WORKER: SELF},
        "visit": STAFF_WRITE,
        "notice": STAFF_WRITE,
        "withdraw": STAFF_WRITE,
        "review": STAFF_WRITE,  # yearly re-assessment and exit
        "approve": UPPER,  # and the actor's union must be the file's approval union or above it
        "reveal_pii": PII_FULL,
        "export": STAFF_READ,
    }


class ApplicationPolicy(Policy):
    owner_field = "applicant_id"
    rules = {
        "view": {**STAFF_READ, WORKER: SELF},
        "list": STAFF_READ,
        "submit": STAFF_WRITE,
        "withdraw": {**STAFF_WRITE, WORKER: SELF},
        "resubmit": {**STAFF_WRITE, WORKER: SELF},
        "reveal_pii": PII_FULL,
        "export": STAFF_READ,
    }


class ReviewPolicy(Policy):
    """Deciding at a review level: staff of the union the application now waits at (or above it)."""

    union_fields = ("reviewing_union",)
    province_field = None
    rules = {"decide": STAFF_WRITE}


class CampaignPolicy(Policy):
    rules = {
        "view": STAFF_READ,
        "manage": UPPER,
        "enroll": STAFF_WRITE,
        "disburse": UPPER,
        "export_bank": UPPER,
        "report": STAFF_READ,
    }


class PaymentPolicy(Policy):
    rules = {"view": STAFF_READ, "disburse": UPPER, "reveal_pii": PII_FULL}


file_policy = HardshipFilePolicy()
application_policy = ApplicationPolicy()
review_policy = ReviewPolicy()
campaign_policy = CampaignPolicy()
payment_policy = PaymentPolicy()
