"""Who may see and act on tickets. Unions reach tickets handled in their subtree; a worker reaches
their own; partner agencies reach only what was referred to them (see selectors.agency_referrals)."""

from zhijia.accounts.models import Role
from zhijia.core.policy import OWN, SELF, SUBTREE, WORKER, Policy

STAFF_READ = {
    Role.GRASSROOTS_CHAIR: OWN,
    Role.GRASSROOTS_OFFICER: OWN,
    Role.UPPER_STAFF: SUBTREE,
    Role.SYSADMIN: SUBTREE,
}
STAFF_WRITE = dict(STAFF_READ)
# The complainant's phone in full: those who call back (hotline staff above, the grassroots chair).
PII_FULL = {Role.GRASSROOTS_CHAIR: OWN, Role.UPPER_STAFF: SUBTREE, Role.SYSADMIN: SUBTREE}


class TicketPolicy(Policy):
    owner_field = "complainant_user_id"
    rules = {
        "view": {**STAFF_READ, WORKER: SELF},
        "list": STAFF_READ,
        "intake": STAFF_WRITE,
        "handle": STAFF_WRITE,
        "callback": STAFF_WRITE,
        "reveal_pii": PII_FULL,
        "export": STAFF_READ,
        "dashboard": STAFF_READ,
        "rate": {WORKER: SELF},
    }


class WarningPolicy(Policy):
    rules = {"view": STAFF_READ, "list": STAFF_READ, "handle": STAFF_WRITE}


class ProviderPolicy(Policy):
    rules = {"view": STAFF_READ, "manage": {Role.UPPER_STAFF: SUBTREE, Role.SYSADMIN: SUBTREE}}


ticket_policy = TicketPolicy()
warning_policy = WarningPolicy()
provider_policy = ProviderPolicy()
