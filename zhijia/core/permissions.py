"""Who may read the audit trail: grassroots staff their own union's entries, upper staff and
system administrators everything recorded below their union."""

from django.db.models import Q

from zhijia.accounts.models import Role

from .policy import OWN, SUBTREE, Policy, grants_for


class AuditPolicy(Policy):
    """Audit entries keep a copy of their union's path and id instead of a foreign key (they must
    outlive the union), so reach is matched on those columns rather than through `union_fields`."""

    union_fields = ()
    rules = {
        "view": {
            Role.GRASSROOTS_CHAIR: OWN,
            Role.GRASSROOTS_OFFICER: OWN,
            Role.UPPER_STAFF: SUBTREE,
            Role.SYSADMIN: SUBTREE,
        },
    }

    def can(self, user, action: str, obj=None) -> bool:
        if not self.allows(user, action):
            return False
        if obj is None:
            return True
        rules = self._rules(action)
        for grant in grants_for(user):
            reach = rules.get(grant.role)
            if reach == SUBTREE and obj.union_path and obj.union_path.startswith(grant.path):
                return True
            if reach == OWN and obj.union_id is not None and obj.union_id == grant.union_id:
                return True
        return False

    def scope_q(self, user, action: str) -> Q | None:
        if not self.allows(user, action):
            return None
        rules = self._rules(action)
        clauses = []
        for grant in grants_for(user):
            reach = rules.get(grant.role)
            if reach == SUBTREE:
                clause = Q(union_path__startswith=grant.path)
                if grant.province_id is not None:
                    clause &= Q(province_id=grant.province_id)
                clauses.append(clause)
            elif reach == OWN:
                clauses.append(Q(union_id=grant.union_id))
        if not clauses:
            return None
        combined = clauses[0]
        for clause in clauses[1:]:
            combined |= clause
        return combined


audit_policy = AuditPolicy()
