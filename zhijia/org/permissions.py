from zhijia.accounts.models import Role
from zhijia.core.policy import OWN, SUBTREE, Policy


class UnionPolicy(Policy):
    union_fields = ("",)
    rules = {
        "view": {
            Role.GRASSROOTS_CHAIR: OWN,
            Role.GRASSROOTS_OFFICER: OWN,
            Role.UPPER_STAFF: SUBTREE,
            Role.SYSADMIN: SUBTREE,
        },
        # "create" is checked against the parent the new union goes under.
        "create": {Role.UPPER_STAFF: SUBTREE, Role.SYSADMIN: SUBTREE},
        "update": {Role.GRASSROOTS_CHAIR: OWN, Role.UPPER_STAFF: SUBTREE, Role.SYSADMIN: SUBTREE},
        # "move" is checked against both the union moved and its new parent.
        "move": {Role.SYSADMIN: SUBTREE},
        "manage_roles": {Role.UPPER_STAFF: SUBTREE, Role.SYSADMIN: SUBTREE},
    }


policy = UnionPolicy()
