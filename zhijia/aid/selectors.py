"""Reads for hardship aid, already scoped to what the user may see."""

from dataclasses import dataclass

from django.db.models import Q, QuerySet
from django.utils import timezone

from zhijia.core.errors import NotFound
from zhijia.core.policy import grants_for
from zhijia.members.models import HOLDING_STATUSES, Member
from zhijia.org.models import Level, Union
from zhijia.org.selectors import union_list

from .models import (
    Application,
    ApplicationStatus,
    Campaign,
    DisbursementBatch,
    FileStatus,
    HardshipFile,
    Payment,
)
from .models.campaigns import CampaignStatus
from .permissions import application_policy, campaign_policy, file_policy, payment_policy, review_policy


@dataclass
class FileFilters:
    q: str = ""
    status: str = ""
    category: str = ""
    union_id: int | None = None
    review_due: bool | None = None


def file_list(*, actor, filters: FileFilters | None = None) -> QuerySet:
    filters = filters or FileFilters()
    files = file_policy.scope(actor, "list", HardshipFile.objects.select_related("union"))
    if filters.q:
        files = files.filter(Q(name__startswith=filters.q) | Q(number=filters.q.upper()))
    if filters.status:
        files = files.filter(status=filters.status)
    if filters.category:
        files = files.filter(category=filters.category)
    if filters.union_id:
        union = Union.objects.filter(pk=filters.union_id).first()
        files = files.filter(union__path__startswith=union.path) if union else files.none()
    if filters.review_due is not None:
        files = files.filter(review_due=filters.review_due)
    return files.order_by("-id")


def file_get(*, actor, number: str, action: str = "view") -> HardshipFile:
    return file_policy.get_or_404(actor, action, HardshipFile.objects.select_related("union", "approval_union"),
                                  number=number)


def files_awaiting_approval(*, actor) -> QuerySet:
    """Files in review whose approval union is one of the actor's unions or below them."""
    paths = [grant.path for grant in grants_for(actor)]
    if not paths or not file_policy.allows(actor, "approve"):
        return HardshipFile.objects.none()
    clause = Q()
    for path in paths:
        clause |= Q(approval_union__path__startswith=path)
    return HardshipFile.objects.filter(clause, status=FileStatus.REVIEW).select_related("union").order_by("id")


def my_files(*, user) -> QuerySet:
    return HardshipFile.objects.filter(applicant=user).select_related("union").order_by("-id")


def campaigns_visible(*, actor) -> QuerySet:
    """Campaigns a staff member works with: run by their unions or above them (to apply and review) or below
    them (to supervise)."""
    grants = grants_for(actor)
    if not grants:
        return Campaign.objects.none()
    clause = Q()
    for grant in grants:
        ancestors = [int(part) for part in grant.path.strip("/").split("/") if part]
        clause |= Q(union_id__in=ancestors) | Q(union__path__startswith=grant.path)
    return Campaign.objects.filter(clause).select_related("union").order_by("-year", "-id")


def campaign_get(*, actor, campaign_id: int) -> Campaign:
    campaign = campaigns_visible(actor=actor).filter(pk=campaign_id).first()
    if campaign is None:
        raise NotFound()
    return campaign


def campaigns_open_to_member(*, user, today=None) -> list[tuple[Member, Campaign]]:
    """Campaigns a worker can apply to online: open, in their dates, run by a union above their membership."""
    today = today or timezone.localdate()
    memberships = list(Member.objects.filter(user=user, status__in=HOLDING_STATUSES).select_related("union"))
    pairs = []
    for member in memberships:
        ancestors = [int(part) for part in member.union.path.strip("/").split("/") if part]
        for campaign in Campaign.objects.filter(union_id__in=ancestors, status=CampaignStatus.OPEN,
                                                starts_on__lte=today, ends_on__gte=today).order_by("ends_on"):
            pairs.append((member, campaign))
    return pairs


def application_list(*, actor, campaign: Campaign | None = None, status: str = "", q: str = "") -> QuerySet:
    applications = application_policy.scope(actor, "list", Application.objects.select_related(
        "campaign", "union", "reviewing_union"))
    if campaign is not None:
        applications = applications.filter(campaign=campaign)
    if status:
        applications = applications.filter(status=status)
    if q:
        applications = applications.filter(Q(name__startswith=q) | Q(number=q.upper()))
    return applications.order_by("-id")


def review_queue(*, actor) -> QuerySet:
    """Applications waiting at a union the actor may decide for."""
    return review_policy.scope(actor, "decide", Application.objects.filter(status=ApplicationStatus.IN_REVIEW)) \
        .select_related("campaign", "union", "reviewing_union").order_by("submitted_at", "id")


def application_get(*, actor, number: str, action: str = "view") -> Application:
    queryset = Application.objects.select_related("campaign", "union", "reviewing_union", "hardship_file")
    application = application_policy.scope(actor, action, queryset).filter(number=number).first()
    if application is None and action == "view":  # a reviewer above the applicant's union
        application = review_policy.scope(actor, "decide", queryset).filter(number=number).first()
    if application is None:
        raise NotFound()
    return application


def my_applications(*, user) -> QuerySet:
    return Application.objects.filter(applicant=user).select_related("campaign").order_by("-id")


def payment_list(*, actor, campaign: Campaign, status: str = "") -> QuerySet:
    payments = payment_policy.scope(actor, "view", Payment.objects.filter(campaign=campaign).select_related("batch"))
    return payments.filter(status=status) if status else payments


def batch_list(*, actor, campaign: Campaign) -> QuerySet:
    if not campaign_policy.can(actor, "disburse", campaign):
        return DisbursementBatch.objects.none()
    return campaign.batches.order_by("-id")


def batch_get(*, actor, batch_id: int) -> DisbursementBatch:
    batch = DisbursementBatch.objects.select_related("campaign", "campaign__union").filter(pk=batch_id).first()
    if batch is None or not campaign_policy.can(actor, "disburse", batch.campaign):
        raise NotFound()
    return batch


def campaign_host_unions(user):
    """Upper-level unions the user may run a campaign for (a campaign covers its union's subtree)."""
    return campaign_policy.unions(user, "manage").filter(level__lt=Level.GRASSROOTS)


def report_unions(user):
    """The unions whose aid statistics the user may read."""
    return campaign_policy.unions(user, "report")


def file_unions(user):
    """Grassroots unions the user could file a household for (a file lives in the worker's grassroots union)."""
    return union_list(actor=user).filter(level=Level.GRASSROOTS)
