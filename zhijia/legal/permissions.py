"""Who may read 劳动法治体检 reports and draft, edit and issue 一函两书.

A checkup is filled in by anyone signed in (an enterprise's HR, or a union officer on its behalf); its
filler and the staff whose subtree holds the union following the enterprise read it. Letters are union
documents: grassroots staff work on their own union's, upper staff and administrators on their subtree's.
"""

from zhijia.accounts.models import Role
from zhijia.core.policy import OWN, SELF, SUBTREE, WORKER, Policy

STAFF_SUBTREE = {
    Role.GRASSROOTS_CHAIR: SUBTREE,
    Role.GRASSROOTS_OFFICER: SUBTREE,
    Role.UPPER_STAFF: SUBTREE,
    Role.SYSADMIN: SUBTREE,
}
LETTER_STAFF = {
    Role.GRASSROOTS_CHAIR: OWN,
    Role.GRASSROOTS_OFFICER: OWN,
    Role.UPPER_STAFF: SUBTREE,
    Role.SYSADMIN: SUBTREE,
}


class CheckupPolicy(Policy):
    owner_field = "owner_id"
    # Reports are few; the union path filter alone is selective enough (and never goes stale when a union moves).
    province_field = None
    rules = {
        "create": {WORKER: SELF},  # anyone signed in
        "view": {**STAFF_SUBTREE, WORKER: SELF},
        "list": {**STAFF_SUBTREE, WORKER: SELF},
    }


class LetterPolicy(Policy):
    province_field = None
    rules = {
        "view": LETTER_STAFF,
        "list": LETTER_STAFF,
        "draft": LETTER_STAFF,
        "edit": LETTER_STAFF,
        "issue": LETTER_STAFF,
    }


checkup_policy = CheckupPolicy()
letter_policy = LetterPolicy()
