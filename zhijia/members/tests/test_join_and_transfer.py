import pytest

from zhijia.core.errors import ErrorCode, InvalidTransition, NotFound, PermissionDenied, ValidationFailed
from zhijia.core.models import AuditLog
from zhijia.members import services
from zhijia.members.card import card_token, card_verify
from zhijia.members.models import ApplicationStatus, Member, MemberStatus, TransferStatus


def test_worker_applies_officer_approves_and_card_verifies(tree, worker, officer, person):
    # given a worker applying to their employer's union
    application = services.join_apply(actor=worker, union=tree.grassroots, data=person())
    # when the officer approves
    member = services.join_approve(actor=officer, application=application)
    # then the worker is a member with a 会员号 and a valid card
    assert member.union == tree.grassroots and member.user == worker and member.status == MemberStatus.ACTIVE
    assert member.member_no.startswith("32") and len(member.member_no) == 12
    assert card_verify(card_token(member)).status == "valid"
    assert AuditLog.objects.filter(action="join.approve", object_id=str(application.pk)).exists()
    # approving twice is idempotent
    assert services.join_approve(actor=officer, application=application).pk == member.pk


def test_second_membership_for_same_person_is_refused_naming_the_union(tree, worker, other_worker, officer, chair_b, person):
    data = person()
    services.join_approve(actor=officer, application=services.join_apply(actor=worker, union=tree.grassroots, data=data))
    with pytest.raises(ValidationFailed) as excinfo:
        services.join_apply(actor=other_worker, union=tree.grassroots_b, data=person(id_number=data.id_number))
    assert excinfo.value.code == ErrorCode.DUPLICATE_MEMBER
    assert "苏州精工机械有限公司工会" in excinfo.value.message


def test_officer_of_another_union_cannot_approve(tree, worker, chair_b, person):
    application = services.join_apply(actor=worker, union=tree.grassroots, data=person())
    with pytest.raises(NotFound):
        services.join_approve(actor=chair_b, application=application)
    application.refresh_from_db()
    assert application.status == ApplicationStatus.PENDING


def test_transfer_keeps_member_in_exactly_one_union(tree, worker, officer, chair_b, person):
    member = services.join_approve(
        actor=officer, application=services.join_apply(actor=worker, union=tree.grassroots, data=person())
    )
    old_token = card_token(member)
    transfer = services.transfer_request(actor=worker, member=member, to_union=tree.grassroots_b, reason="换工作")
    with pytest.raises(InvalidTransition):
        services.transfer_accept(actor=chair_b, transfer=transfer)
    with pytest.raises(PermissionDenied):
        services.transfer_release(actor=chair_b, transfer=transfer)
    services.transfer_release(actor=officer, transfer=transfer)
    member.refresh_from_db()
    assert member.union == tree.grassroots  # still in the source while pending
    services.transfer_accept(actor=chair_b, transfer=transfer)
    member.refresh_from_db()
    transfer.refresh_from_db()
    assert member.union == tree.grassroots_b and transfer.status == TransferStatus.COMPLETED
    assert Member.objects.filter(id_number_hash=member.id_number_hash).count() == 1
    assert card_verify(old_token).status == "revoked"
    assert card_verify(card_token(member)).status == "valid"
    assert member.changes.filter(action="transfer.accept").exists()
