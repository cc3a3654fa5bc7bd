"""One place decides "may this user do X to object Y" for every domain.

Each domain subclasses Policy with a table of action -> {role: reach}. Three questions:
`allows(user, action)` (at all), `can(user, action, obj)` (to this object) and
`scope(user, action, queryset)` (which objects). Pages, API and admin all ask these.
An action missing from the table is denied (fail closed).

Reach:
- OWN: objects of exactly the union the role is held in;
- SUBTREE: objects of that union and every union below it (indexed path prefix);
- SELF: (for the worker pseudo-role) objects the user owns, via `owner_field`.
"""

import copy
from dataclasses import dataclass

from django.db.models import Q, QuerySet

from .errors import NotFound, PermissionDenied

OWN = "own"
SUBTREE = "subtree"
SELF = "self"
WORKER = "worker"


@dataclass(frozen=True)
class Grant:
    role: str
    union_id: int
    path: str
    province_id: int | None


def grants_for(user) -> list[Grant]:
    """The user's staff roles, loaded once per user object (i.e. once per request)."""
    if user is None or not user.is_authenticated:
        return []
    cached = getattr(user, "_zhijia_grants", None)
    if cached is None:
        from zhijia.accounts.models import RoleAssignment

        cached = [
            Grant(role, union_id, path, province_id)
            for role, union_id, path, province_id in RoleAssignment.objects.filter(
                user_id=user.pk, union__status="active"
            ).values_list("role", "union_id", "union__path", "union__province_id")
        ]
        user._zhijia_grants = cached
    return cached


def forget_grants(user) -> None:
    if hasattr(user, "_zhijia_grants"):
        del user._zhijia_grants


class Policy:
    rules: dict[str, dict[str, str]] = {}
    # Attribute chain(s) from the object to its Union; "" when the object is a Union.
    union_fields: tuple[str, ...] = ("union",)
    # Attribute chain from the object to the owning user's id, for SELF rules.
    owner_field: str | None = None
    # Denormalized provincial id on the object's table, used to narrow subtree queries.
    province_field: str | None = "province_id"

    def _rules(self, action: str) -> dict[str, str]:
        return self.rules.get(action, {})

    def allows(self, user, action: str) -> bool:
        if user is None or not user.is_authenticated or not user.is_active:
            return False
        rules = self._rules(action)
        if rules.get(WORKER) == SELF:
            return True
        return any(grant.role in rules for grant in grants_for(user))

    def _unions_of(self, obj):
        unions = []
        for chain in self.union_fields:
            target = obj
            for attr in filter(None, chain.split("__")):
                target = getattr(target, attr, None)
                if target is None:
                    break
            if target is not None:
                unions.append(target)
        return unions

    def _owner_id(self, obj):
        target = obj
        for attr in (self.owner_field or "").split("__"):
            target = getattr(target, attr, None)
            if target is None:
                return None
        return target

    def can(self, user, action: str, obj=None) -> bool:
        if not self.allows(user, action):
            return False
        if obj is None:
            return True
        rules = self._rules(action)
        if rules.get(WORKER) == SELF and self.owner_field and self._owner_id(obj) == user.pk:
            return True
        for union in self._unions_of(obj):
            for grant in grants_for(user):
                reach = rules.get(grant.role)
                if reach == SUBTREE and union.path.startswith(grant.path):
                    return True
                if reach == OWN and union.pk == grant.union_id:
                    return True
        return False

    def require(self, user, action: str, obj=None) -> None:
        """Raise PermissionDenied, or NotFound when the user may not even know the object exists."""
        if self.can(user, action, obj):
            return
        if obj is not None and not self.can(user, "view", obj):
            raise NotFound()
        raise PermissionDenied()

    def scope_q(self, user, action: str) -> Q | None:
        """A filter selecting what the user may act on; None when nothing."""
        if not self.allows(user, action):
            return None
        rules = self._rules(action)
        clauses = []
        if rules.get(WORKER) == SELF and self.owner_field:
            clauses.append(Q(**{self.owner_field: user.pk}))
        for grant in grants_for(user):
            reach = rules.get(grant.role)
            for chain in self.union_fields:
                prefix = f"{chain}__" if chain else ""
                if reach == SUBTREE:
                    clause = Q(**{f"{prefix}path__startswith": grant.path})
                    if self.province_field and grant.province_id is not None:
                        clause &= Q(**{self.province_field: grant.province_id})
                    clauses.append(clause)
                elif reach == OWN:
                    clauses.append(Q(**{f"{prefix}id" if chain else "id": grant.union_id}))
        if not clauses:
            return None
        combined = clauses[0]
        for clause in clauses[1:]:
            combined |= clause
        return combined

    def scope(self, user, action: str, queryset: QuerySet) -> QuerySet:
        q = self.scope_q(user, action)
        if q is None:
            return queryset.none()
        return queryset.filter(q)

    def unions(self, user, action: str) -> QuerySet:
        """The unions at which the user may take the action: those `can(user, action, AtUnion(union))` passes,
        as one query (for pickers and report drill-downs)."""
        from zhijia.org.models import Union

        at_unions = copy.copy(self)
        at_unions.union_fields, at_unions.owner_field, at_unions.province_field = ("",), None, "province_id"
        return at_unions.scope(user, action, Union.objects.all())

    def get_or_404(self, user, action: str, queryset: QuerySet, **lookup):
        """Fetch one object the user may act on; anything else (missing or out of reach) is NotFound."""
        obj = self.scope(user, action, queryset).filter(**lookup).first()
        if obj is None:
            raise NotFound()
        return obj


class AtUnion:
    """Lets a policy judge a union as if it were an object filed there (no owner)."""

    def __init__(self, union):
        self.union = union


def union_in_reach(*, actor, policy: Policy, action: str, union_id):
    """The union a report or a list is about: the one named if the actor may `action` there (else NotFound),
    or by default the highest union in which the actor holds a role with that action. Workers and others without
    the action at all get PermissionDenied."""
    from zhijia.org.models import Union

    policy.require(actor, action)
    if union_id in (None, ""):
        roles = policy.rules.get(action, {})
        grants = sorted((g for g in grants_for(actor) if g.role in roles), key=lambda g: (g.path.count("/"), g.union_id))
        if not grants:
            raise NotFound("您没有可查看统计的工会")
        union_id = grants[0].union_id
    if not str(union_id).isdigit():
        raise NotFound(field="union")
    union = Union.objects.filter(pk=int(union_id)).first()
    if union is None or not policy.can(actor, action, AtUnion(union)):
        raise NotFound(field="union")
    return union
