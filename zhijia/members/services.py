"""Writes to the member registry: creating and changing members, joining, transfers, PII reveals."""

import datetime
from dataclasses import dataclass, field

from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone

from zhijia.core import audit
from zhijia.core.errors import Conflict, ErrorCode, FieldChecks, InvalidTransition, ValidationFailed
from zhijia.core.pii import lookup_hash
from zhijia.core.validators import (
    clean_id_number,
    clean_phone,
    clean_required,
    id_number_birth_date,
    id_number_gender,
)
from zhijia.org.models import Union

from .models import (
    HOLDING_STATUSES,
    OPEN_TRANSFER_STATUSES,
    ApplicationStatus,
    JoinApplication,
    Member,
    MemberChange,
    MemberNumberCounter,
    MemberStatus,
    NewFormType,
    TransferRequest,
    TransferStatus,
)
from .permissions import accept_policy, application_policy, member_policy, release_policy, transfer_policy

for _name, _label in {
    "member.create": "新增会员",
    "member.update": "修改会员信息",
    "member.status": "变更会籍状态",
    "member.reveal_pii": "查看完整个人信息",
    "member.import": "批量导入会员",
    "member.export": "导出会员名册",
    "join.apply": "提交入会申请",
    "join.approve": "批准入会",
    "join.reject": "驳回入会申请",
    "join.withdraw": "撤回入会申请",
    "transfer.request": "申请会员关系转接",
    "transfer.release": "同意转出",
    "transfer.accept": "接收转入",
    "transfer.reject": "拒绝转接",
    "transfer.cancel": "撤销转接申请",
}.items():
    audit.register(_name, _label)

MIN_MEMBER_AGE = 16  # 劳动法 第十五条: no employment under 16


@dataclass
class PersonData:
    name: str
    id_number: str
    phone: str
    employer: str = ""
    is_migrant_worker: bool = False
    new_form_type: str = ""
    joined_on: datetime.date | None = None
    extra: dict = field(default_factory=dict)


def age_on(birth: datetime.date, day: datetime.date) -> int:
    return day.year - birth.year - ((day.month, day.day) < (birth.month, birth.day))


def clean_person(data: PersonData, *, today: datetime.date | None = None) -> PersonData:
    """Validate and normalize; raises ValidationFailed naming the bad field (InvalidFields when several are)."""
    today = today or timezone.localdate()
    checks = FieldChecks()
    with checks:
        data.name = clean_required(data.name, field="name", label="姓名", max_length=50)
    with checks:
        data.id_number = clean_id_number(data.id_number, today=today)
        if age_on(id_number_birth_date(data.id_number), today) < MIN_MEMBER_AGE:
            raise ValidationFailed(ErrorCode.UNDERAGE, "未满16周岁，不能加入工会", field="id_number")
    with checks:
        data.phone = clean_phone(data.phone)
    data.employer = (data.employer or "").strip()[:100]
    with checks:
        if data.new_form_type and data.new_form_type not in NewFormType.values:
            raise ValidationFailed(ErrorCode.INVALID, "新就业形态类型无效", field="new_form_type")
    with checks:
        if data.joined_on and data.joined_on > today:
            raise ValidationFailed(ErrorCode.INVALID_DATE, "入会日期不能晚于今天", field="joined_on")
    checks.raise_any()
    return data


def duplicate_error(existing: Member) -> ValidationFailed:
    return ValidationFailed(
        ErrorCode.DUPLICATE_MEMBER,
        f"此身份证号已是“{existing.union.name}”的会员（会员号 {existing.member_no}），一人只能在一个工会入会",
        field="id_number",
    )


def find_holding_member(id_number: str) -> Member | None:
    return (
        Member.objects.select_related("union")
        .filter(id_number_hash=lookup_hash(id_number), status__in=HOLDING_STATUSES)
        .first()
    )


def allocate_member_numbers(*, union: Union, count: int) -> list[str]:
    """Take `count` consecutive 会员号 for the union's province: 2-digit province code + 10-digit sequence.
    Must run inside the caller's transaction; the counter row stays locked until it commits."""
    prefix = union.division_code[:2]
    MemberNumberCounter.objects.get_or_create(prefix=prefix)
    counter = MemberNumberCounter.objects.select_for_update().get(prefix=prefix)
    start = counter.next_value
    MemberNumberCounter.objects.filter(prefix=prefix).update(next_value=F("next_value") + count)
    return [f"{prefix}{value:010d}" for value in range(start, start + count)]


def record_change(*, member: Member, actor, action: str, summary: str, changes: dict | None = None) -> None:
    authenticated = actor is not None and actor.is_authenticated
    MemberChange.objects.create(
        member=member,
        province_id=member.province_id,
        actor=actor if authenticated else None,
        actor_name=actor.get_username() if authenticated else "系统",
        action=action,
        summary=summary,
        changes=changes or {},
    )


def _require_accepting(union: Union) -> None:
    if not union.accepts_members:
        raise ValidationFailed(
            ErrorCode.UNION_NOT_ACCEPTING, f"“{union.name}”不直接接收会员，请选择基层工会或联合会", field="union"
        )


def _new_member(*, union: Union, data: PersonData, member_no: str, user=None) -> Member:
    return Member(
        member_no=member_no,
        user=user,
        name=data.name,
        id_number=data.id_number,
        id_number_hash=lookup_hash(data.id_number),
        phone=data.phone,
        phone_hash=lookup_hash(data.phone),
        gender=id_number_gender(data.id_number),
        birth_date=id_number_birth_date(data.id_number),
        employer=data.employer,
        is_migrant_worker=data.is_migrant_worker,
        new_form_type=data.new_form_type,
        union=union,
        province_id=union.province_id,
        joined_on=data.joined_on or timezone.localdate(),
        status=MemberStatus.ACTIVE,
    )


def _save_new_member(member: Member) -> Member:
    try:
        with transaction.atomic():
            member.save()
    except IntegrityError:
        existing = find_holding_member(member.id_number)
        if existing is not None:
            raise duplicate_error(existing) from None
        raise
    return member


def member_create(*, actor, union: Union, data: PersonData, user=None) -> Member:
    """Add a member directly (staff entering a member by hand)."""
    with transaction.atomic():
        member_policy.require(actor, "create", _UnionRef(union))
        _require_accepting(union)
        data = clean_person(data)
        existing = find_holding_member(data.id_number)
        if existing is not None:
            raise duplicate_error(existing)
        (member_no,) = allocate_member_numbers(union=union, count=1)
        member = _save_new_member(_new_member(union=union, data=data, member_no=member_no, user=user))
        record_change(member=member, actor=actor, action="member.create", summary=f"加入{union.name}")
        audit.record(actor=actor, action="member.create", obj=member, after=member.audit_snapshot())
    return member


class _UnionRef:
    """Lets the policy check an action against a union before the object exists."""

    def __init__(self, union: Union):
        self.union = union
        self.user_id = None
        self.applicant_id = None


EDITABLE_FIELDS = {
    "name": "姓名",
    "phone": "手机号码",
    "employer": "工作单位",
    "is_migrant_worker": "农民工",
    "new_form_type": "新就业形态类型",
    "joined_on": "入会日期",
}


def member_update(*, actor, member: Member, changes: dict) -> Member:
    """Change a member's editable fields. 身份证号 and union are not editable here (transfer moves union)."""
    unknown = set(changes) - set(EDITABLE_FIELDS)
    if unknown:
        raise ValidationFailed(ErrorCode.INVALID, "该字段不可修改", field=sorted(unknown)[0])
    with transaction.atomic():
        member = Member.objects.select_for_update().select_related("union").get(pk=member.pk)
        member_policy.require(actor, "update", member)
        before = member.audit_snapshot()
        if "name" in changes:
            member.name = clean_required(changes["name"], field="name", label="姓名", max_length=50)
        if "phone" in changes:
            member.phone = clean_phone(changes["phone"])
            member.phone_hash = lookup_hash(member.phone)
        if "employer" in changes:
            member.employer = (changes["employer"] or "").strip()[:100]
        if "is_migrant_worker" in changes:
            member.is_migrant_worker = bool(changes["is_migrant_worker"])
        if "new_form_type" in changes:
            value = changes["new_form_type"] or ""
            if value and value not in NewFormType.values:
                raise ValidationFailed(ErrorCode.INVALID, "新就业形态类型无效", field="new_form_type")
            member.new_form_type = value
        if "joined_on" in changes:
            joined_on = changes["joined_on"]
            if not isinstance(joined_on, datetime.date) or joined_on > timezone.localdate():
                raise ValidationFailed(ErrorCode.INVALID_DATE, "入会日期无效或晚于今天", field="joined_on")
            member.joined_on = joined_on
        member.save()
        after = member.audit_snapshot()
        diff = {key: [before[key], after[key]] for key in after if before.get(key) != after[key]}
        if diff:
            labels = "、".join(EDITABLE_FIELDS.get(key, key) for key in diff if key in EDITABLE_FIELDS)
            record_change(member=member, actor=actor, action="member.update", summary=f"修改{labels}", changes=diff)
            audit.record(actor=actor, action="member.update", obj=member, before=before, after=after)
    return member


STATUS_TRANSITIONS = {
    MemberStatus.ACTIVE: {MemberStatus.RESERVED, MemberStatus.WITHDRAWN, MemberStatus.TRANSFERRED_OUT},
    MemberStatus.RESERVED: {MemberStatus.ACTIVE, MemberStatus.WITHDRAWN},
    MemberStatus.WITHDRAWN: set(),
    MemberStatus.TRANSFERRED_OUT: set(),
}


def member_change_status(*, actor, member: Member, status: str, reason: str) -> Member:
    """保留会籍 / 退会 / 转出到平台外工会. A reason is required; the card is revoked when leaving 在会."""
    reason = clean_required(reason, field="reason", label="原因", max_length=500)
    with transaction.atomic():
        member = Member.objects.select_for_update().select_related("union").get(pk=member.pk)
        member_policy.require(actor, "change_status", member)
        if not status:
            raise ValidationFailed(ErrorCode.REQUIRED, "请选择要变更为的会籍状态", field="status")
        if status not in STATUS_TRANSITIONS.get(member.status, set()):
            raise InvalidTransition(
                f"会籍状态不能从“{member.get_status_display()}”变为“{MemberStatus(status).label if status in MemberStatus.values else status}”"
            )
        if TransferRequest.objects.filter(member=member, status__in=OPEN_TRANSFER_STATUSES).exists():
            raise Conflict(ErrorCode.CONFLICT, "该会员有正在办理的转接申请，请先处理转接", field="status")
        before = member.audit_snapshot()
        old_label = member.get_status_display()
        member.status = status
        member.card_version += 1
        member.save()
        record_change(
            member=member,
            actor=actor,
            action="member.status",
            summary=f"会籍状态：{old_label} → {member.get_status_display()}（{reason}）",
            changes={"status": [before["status"], status], "reason": reason},
        )
        audit.record(actor=actor, action="member.status", obj=member, before=before, after=member.audit_snapshot())
    return member


def member_reveal_pii(*, actor, member: Member, field: str) -> str:
    """Return one PII field in full, for a role allowed to see it; every reveal is audited."""
    if field not in {"id_number", "phone"}:
        raise ValidationFailed(ErrorCode.INVALID, "无法查看该字段", field="field")
    member_policy.require(actor, "reveal_pii", member)
    audit.record(
        actor=actor,
        action="member.reveal_pii",
        obj=member,
        after={"field": field},
    )
    return getattr(member, field)


# ---- Joining (入会) -------------------------------------------------------------------------


def join_apply(*, actor, union: Union, data: PersonData, note: str = "") -> JoinApplication:
    """A signed-in worker applies to join a union."""
    if actor is None or not actor.is_authenticated:
        raise ValidationFailed(ErrorCode.NOT_AUTHENTICATED, "请先登录", status=401)
    with transaction.atomic():
        _require_accepting(union)
        data = clean_person(data)
        existing = find_holding_member(data.id_number)
        if existing is not None:
            raise duplicate_error(existing)
        if JoinApplication.objects.filter(applicant=actor, status=ApplicationStatus.PENDING).exists():
            raise Conflict(ErrorCode.CONFLICT, "您已有一份待审核的入会申请，请等待审核结果或先撤回")
        application = JoinApplication(
            applicant=actor,
            union=union,
            province_id=union.province_id,
            name=data.name,
            id_number=data.id_number,
            id_number_hash=lookup_hash(data.id_number),
            phone=data.phone,
            phone_hash=lookup_hash(data.phone),
            employer=data.employer,
            is_migrant_worker=data.is_migrant_worker,
            new_form_type=data.new_form_type,
            note=(note or "").strip()[:500],
        )
        try:
            with transaction.atomic():
                application.save()
        except IntegrityError:
            raise Conflict(ErrorCode.CONFLICT, "您已有一份待审核的入会申请，请等待审核结果或先撤回") from None
        audit.record(actor=actor, action="join.apply", obj=application, after=application.audit_snapshot())
    return application


def _locked_application(application: JoinApplication) -> JoinApplication:
    return JoinApplication.objects.select_for_update().select_related("union").get(pk=application.pk)


def join_approve(*, actor, application: JoinApplication) -> Member:
    """Approve: issue the 会员号 and create the member. Idempotent for an already approved application."""
    with transaction.atomic():
        application = _locked_application(application)
        application_policy.require(actor, "review", application)
        if application.status == ApplicationStatus.APPROVED and application.member_id:
            return application.member
        if application.status != ApplicationStatus.PENDING:
            raise InvalidTransition(f"该申请已{application.get_status_display()}，不能再批准")
        union = application.union
        _require_accepting(union)
        existing = find_holding_member(application.id_number)
        if existing is not None:
            raise duplicate_error(existing)
        data = PersonData(
            name=application.name,
            id_number=application.id_number,
            phone=application.phone,
            employer=application.employer,
            is_migrant_worker=application.is_migrant_worker,
            new_form_type=application.new_form_type,
        )
        (member_no,) = allocate_member_numbers(union=union, count=1)
        member = _save_new_member(
            _new_member(union=union, data=data, member_no=member_no, user=application.applicant)
        )
        before = application.audit_snapshot()
        application.status = ApplicationStatus.APPROVED
        application.reviewed_by = actor
        application.reviewed_at = timezone.now()
        application.member = member
        application.save()
        record_change(member=member, actor=actor, action="join.approve", summary=f"入会申请获批，加入{union.name}")
        audit.record(actor=actor, action="join.approve", obj=application, before=before, after=application.audit_snapshot())
        audit.record(actor=actor, action="member.create", obj=member, after=member.audit_snapshot())
    return member


def join_reject(*, actor, application: JoinApplication, reason: str) -> JoinApplication:
    reason = clean_required(reason, field="reason", label="驳回原因", max_length=500)
    with transaction.atomic():
        application = _locked_application(application)
        application_policy.require(actor, "review", application)
        if application.status != ApplicationStatus.PENDING:
            raise InvalidTransition(f"该申请已{application.get_status_display()}，不能再驳回")
        before = application.audit_snapshot()
        application.status = ApplicationStatus.REJECTED
        application.reject_reason = reason
        application.reviewed_by = actor
        application.reviewed_at = timezone.now()
        application.save()
        audit.record(actor=actor, action="join.reject", obj=application, before=before, after=application.audit_snapshot())
    return application


def join_withdraw(*, actor, application: JoinApplication) -> JoinApplication:
    with transaction.atomic():
        application = _locked_application(application)
        application_policy.require(actor, "withdraw", application)
        if application.status != ApplicationStatus.PENDING:
            raise InvalidTransition(f"该申请已{application.get_status_display()}，不能撤回")
        before = application.audit_snapshot()
        application.status = ApplicationStatus.WITHDRAWN
        application.save()
        audit.record(actor=actor, action="join.withdraw", obj=application, before=before, after=application.audit_snapshot())
    return application


# ---- Transfers (会员关系转接) ----------------------------------------------------------------


def transfer_request(*, actor, member: Member, to_union: Union, reason: str, new_employer: str = "") -> TransferRequest:
    reason = clean_required(reason, field="reason", label="转接原因", max_length=500)
    with transaction.atomic():
        member = Member.objects.select_for_update().select_related("union").get(pk=member.pk)
        member_policy.require(actor, "request_transfer", member)
        if member.status != MemberStatus.ACTIVE:
            raise InvalidTransition(f"会籍状态为“{member.get_status_display()}”，不能办理转接")
        if to_union.pk == member.union_id:
            raise ValidationFailed(ErrorCode.INVALID, "转入工会不能是当前所在工会", field="to_union")
        _require_accepting(to_union)
        if TransferRequest.objects.filter(member=member, status__in=OPEN_TRANSFER_STATUSES).exists():
            raise Conflict(ErrorCode.CONFLICT, "已有正在办理的转接申请")
        transfer = TransferRequest.objects.create(
            member=member,
            from_union=member.union,
            to_union=to_union,
            province_id=member.union.province_id,
            to_province_id=to_union.province_id,
            reason=reason,
            new_employer=(new_employer or "").strip()[:100],
            requested_by=actor,
        )
        record_change(member=member, actor=actor, action="transfer.request", summary=f"申请转入{to_union.name}")
        audit.record(
            actor=actor, action="transfer.request", obj=transfer, union=member.union, after=transfer.audit_snapshot()
        )
    return transfer


def _locked_transfer(transfer: TransferRequest) -> TransferRequest:
    return (
        TransferRequest.objects.select_for_update()
        .select_related("member", "from_union", "to_union")
        .get(pk=transfer.pk)
    )


def _require_status(transfer: TransferRequest, *statuses: str) -> None:
    if transfer.status not in statuses:
        raise InvalidTransition(f"转接申请当前为“{transfer.get_status_display()}”，不能执行此操作")


def _transfer_step(
    *, actor, transfer: TransferRequest, status: str, action: str, side_union: Union, summary: str,
    member: Member | None = None, changes: dict | None = None, **fields,
) -> None:
    """Move a locked transfer to `status`, and write the member's history and the audit entry."""
    before = transfer.audit_snapshot()
    transfer.status = status
    for name, value in fields.items():
        setattr(transfer, name, value)
    transfer.save()
    record_change(member=member or transfer.member, actor=actor, action=action, summary=summary, changes=changes)
    audit.record(
        actor=actor, action=action, obj=transfer, union=side_union, before=before, after=transfer.audit_snapshot()
    )


def transfer_release(*, actor, transfer: TransferRequest) -> TransferRequest:
    """The source union agrees to let the member go. The member stays in the source until accepted."""
    with transaction.atomic():
        transfer = _locked_transfer(transfer)
        transfer_policy.require(actor, "view", transfer)
        release_policy.require(actor, "release", transfer)
        _require_status(transfer, TransferStatus.PENDING_RELEASE)
        _transfer_step(
            actor=actor, transfer=transfer, status=TransferStatus.PENDING_ACCEPT, action="transfer.release",
            side_union=transfer.from_union, summary=f"{transfer.from_union.name}同意转出",
            released_by=actor, released_at=timezone.now(),
        )
    return transfer


def transfer_accept(*, actor, transfer: TransferRequest) -> Member:
    """The target union accepts: the member's union switches in this one transaction."""
    with transaction.atomic():
        transfer = _locked_transfer(transfer)
        transfer_policy.require(actor, "view", transfer)
        accept_policy.require(actor, "accept", transfer)
        _require_status(transfer, TransferStatus.PENDING_ACCEPT)
        _require_accepting(transfer.to_union)
        member = Member.objects.select_for_update().get(pk=transfer.member_id)
        if member.status != MemberStatus.ACTIVE or member.union_id != transfer.from_union_id:
            raise InvalidTransition("会员状态已变化，不能完成转接")
        before = member.audit_snapshot()
        member.union = transfer.to_union
        member.province_id = transfer.to_union.province_id
        if transfer.new_employer:
            member.employer = transfer.new_employer
        member.card_version += 1
        member.save()
        _transfer_step(
            actor=actor, transfer=transfer, status=TransferStatus.COMPLETED, action="transfer.accept",
            side_union=transfer.to_union, member=member,
            summary=f"会员关系由{transfer.from_union.name}转入{transfer.to_union.name}",
            changes={"union_id": [transfer.from_union_id, transfer.to_union_id]},
            decided_by=actor, decided_at=timezone.now(),
        )
        audit.record(actor=actor, action="member.update", obj=member, before=before, after=member.audit_snapshot())
    return member


def transfer_reject(*, actor, transfer: TransferRequest, reason: str) -> TransferRequest:
    """Either side refuses, with a reason the member sees."""
    reason = clean_required(reason, field="reason", label="拒绝原因", max_length=500)
    with transaction.atomic():
        transfer = _locked_transfer(transfer)
        transfer_policy.require(actor, "view", transfer)
        if transfer.status == TransferStatus.PENDING_RELEASE:
            side_union = transfer.from_union
            release_policy.require(actor, "release", transfer)
        elif transfer.status == TransferStatus.PENDING_ACCEPT:
            side_union = transfer.to_union
            accept_policy.require(actor, "accept", transfer)
        else:
            raise InvalidTransition(f"转接申请当前为“{transfer.get_status_display()}”，不能拒绝")
        _transfer_step(
            actor=actor, transfer=transfer, status=TransferStatus.REJECTED, action="transfer.reject",
            side_union=side_union, summary=f"{side_union.name}拒绝转接：{reason}",
            reject_reason=reason, decided_by=actor, decided_at=timezone.now(),
        )
    return transfer


def transfer_cancel(*, actor, transfer: TransferRequest) -> TransferRequest:
    with transaction.atomic():
        transfer = _locked_transfer(transfer)
        transfer_policy.require(actor, "cancel", transfer)
        _require_status(transfer, *OPEN_TRANSFER_STATUSES)
        _transfer_step(
            actor=actor, transfer=transfer, status=TransferStatus.CANCELLED, action="transfer.cancel",
            side_union=transfer.from_union, summary="撤销转接申请", decided_by=actor, decided_at=timezone.now(),
        )
    return transfer
