"""Reads of the member registry, already scoped to what the user may see."""

from django.db.models import Q, QuerySet

from zhijia.core.pii import lookup_hash
from zhijia.org.models import MEMBER_KINDS, Union
from zhijia.org.models import Status as UnionStatus
from zhijia.org.selectors import union_list

from .models import ApplicationStatus, ImportJob, JoinApplication, Member, MemberStatus, TransferRequest
from .permissions import application_policy, import_policy, member_policy, transfer_policy

SORTS = {
    "member_no": "member_no",
    "-member_no": "-member_no",
    "name": "name",
    "-name": "-name",
    "joined_on": "joined_on",
    "-joined_on": "-joined_on",
    "id": "id",
    "-id": "-id",
}


def member_list(
    *,
    actor,
    union: Union | None = None,
    query: str = "",
    status: str = "",
    sort: str = "-id",
    action: str = "list",
) -> QuerySet:
    """Members the actor may list, optionally narrowed to one union's subtree and a search term.

    The search matches 姓名 or 会员号 by prefix, or 身份证号/手机号 exactly (through the keyed hash).
    """
    scope = member_policy.scope_q(actor, action)
    qs = Member.objects.filter(scope) if scope is not None else Member.objects.none()
    if union is not None:
        narrow = Q(union__path__startswith=union.path)
        if union.province_id is not None:
            narrow &= Q(province_id=union.province_id)
        # Staff looking at their own union get the same condition from the scope: repeating it makes PostgreSQL
        # square its selectivity, underestimate rows ~15x and pick a slower parallel plan (bench/subtree.py).
        if narrow != scope:
            qs = qs.filter(narrow)
    if status:
        qs = qs.filter(status=status)
    query = (query or "").strip()
    if query:
        normalized = query.upper()
        if len(normalized) == 18 or (len(normalized) == 11 and normalized.isdigit()):
            qs = qs.filter(Q(id_number_hash=lookup_hash(normalized)) | Q(phone_hash=lookup_hash(normalized)))
        elif normalized.isdigit():
            qs = qs.filter(member_no__startswith=normalized)
        else:
            qs = qs.filter(name__startswith=query)
    return qs.select_related("union").order_by(SORTS.get(sort, "-id"))


def member_get(*, actor, member_id: int, action: str = "view") -> Member:
    return member_policy.get_or_404(actor, action, Member.objects.select_related("union"), pk=member_id)


def my_memberships(*, user) -> QuerySet:
    return Member.objects.filter(user=user).select_related("union").order_by("-status", "-id")


def my_active_membership(*, user) -> Member | None:
    return my_memberships(user=user).filter(status=MemberStatus.ACTIVE).first()


def application_list(*, actor, status: str = ApplicationStatus.PENDING) -> QuerySet:
    qs = application_policy.scope(actor, "list", JoinApplication.objects.all())
    if status:
        qs = qs.filter(status=status)
    return qs.select_related("union", "applicant").order_by("created_at")


def application_get(*, actor, application_id: int, action: str = "view") -> JoinApplication:
    return application_policy.get_or_404(
        actor, action, JoinApplication.objects.select_related("union"), pk=application_id
    )


def my_applications(*, user) -> QuerySet:
    return JoinApplication.objects.filter(applicant=user).select_related("union").order_by("-id")


def transfer_list(*, actor, status: str = "") -> QuerySet:
    qs = transfer_policy.scope(actor, "list", TransferRequest.objects.all())
    if status:
        qs = qs.filter(status=status)
    return qs.select_related("member", "from_union", "to_union").order_by("-id")


def transfer_get(*, actor, transfer_id: int) -> TransferRequest:
    return transfer_policy.get_or_404(
        actor, "view", TransferRequest.objects.select_related("member", "from_union", "to_union"), pk=transfer_id
    )


def import_job_list(*, actor):
    """The imports of the unions the actor may see, newest first."""
    return import_policy.scope(actor, "view", ImportJob.objects.select_related("union", "created_by")).order_by(
        "-created_at", "-id")


def import_job_get(*, actor, job_id: int) -> ImportJob:
    return import_policy.get_or_404(actor, "view", ImportJob.objects.select_related("union"), pk=job_id)


def accepting_unions(user):
    """Unions in the user's reach that take members (active, of a kind that has members): the 所在工会 picker."""
    return union_list(actor=user).filter(status=UnionStatus.ACTIVE, kind__in=MEMBER_KINDS)
