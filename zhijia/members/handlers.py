"""Keeps the members domain's denormalized province ids right when a union subtree moves."""

from django.dispatch import receiver

from zhijia.org.models import Union
from zhijia.org.signals import union_subtree_moved

from .models import ImportJob, JoinApplication, Member, MemberChange, TransferRequest


@receiver(union_subtree_moved, sender=Union)
def repoint_province(sender, old_path, new_path, province_id, **kwargs):
    union_ids = Union.objects.filter(path__startswith=new_path).values("id")
    member_ids = Member.objects.filter(union_id__in=union_ids).values("id")
    Member.objects.filter(union_id__in=union_ids).update(province_id=province_id)
    MemberChange.objects.filter(member_id__in=member_ids).update(province_id=province_id)
    JoinApplication.objects.filter(union_id__in=union_ids).update(province_id=province_id)
    ImportJob.objects.filter(union_id__in=union_ids).update(province_id=province_id)
    TransferRequest.objects.filter(from_union_id__in=union_ids).update(province_id=province_id)
    TransferRequest.objects.filter(to_union_id__in=union_ids).update(to_province_id=province_id)
