"""Hardship files: create and edit a household, submit it (the national one-open-file check), the home visit,
the public notice with objections, approval at the configured level, yearly review and exit."""

import datetime
import uuid
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation

from django.db import IntegrityError, transaction
from django.utils import timezone

from zhijia.core import audit
from zhijia.core.errors import Conflict, ErrorCode, FieldChecks, InvalidTransition, ValidationFailed
from zhijia.core.notify import notify
from zhijia.core.pii import lookup_hash
from zhijia.core.validators import clean_id_number, clean_phone, clean_required, id_number_birth_date
from zhijia.core.workdays import add_working_days
from zhijia.org.models import Level, Union

from ..eligibility import Household, Thresholds, assess
from ..models import Cause, FileEvent, FileObjection, FileStatus, HardshipCategory, HardshipFile, HouseholdMember
from ..models.files import Relation
from ..permissions import file_policy
from .regions import rule_for

for _name, _label in [
    ("aid.file_create", "创建困难职工档案"), ("aid.file_update", "修改困难职工档案"), ("aid.file_submit", "提交建档申请"),
    ("aid.file_visit", "记录入户走访"), ("aid.file_notice", "开始公示"), ("aid.file_objection", "登记公示异议"),
    ("aid.file_objection_resolve", "处理公示异议"), ("aid.file_notice_close", "公示期满报审"),
    ("aid.file_approve", "批准建档"), ("aid.file_return", "退回建档申请"), ("aid.file_withdraw", "撤回建档申请"),
    ("aid.file_reassess", "档案年度复核"), ("aid.file_exit", "困难职工脱困"), ("aid.reveal", "查看帮扶个人敏感信息"),
]:
    audit.register(_name, _label)

MAX_HOUSEHOLD = 20


class DuplicateFile(Conflict):
    def __init__(self, message: str, field: str):
        super().__init__(ErrorCode.DUPLICATE_FILE, message, field=field)


@dataclass
class PersonIn:
    relation: str
    name: str
    id_number: str
    annual_income: Decimal | str | int = 0
    health: str = ""
    schooling: str = ""
    work: str = ""


@dataclass
class FileData:
    name: str
    household: list[PersonIn]
    causes: list[str] = field(default_factory=list)
    cause_note: str = ""
    phone: str = ""
    address: str = ""
    other_income: Decimal | str | int = 0
    unavoidable_spending: Decimal | str | int = 0
    necessary_costs: Decimal | str | int = 0
    bank_name: str = ""
    bank_account: str = ""


def parse_money(value, *, field: str, label: str) -> Decimal:
    try:
        amount = Decimal(str(value).strip() or "0")
    except (InvalidOperation, ValueError):
        raise ValidationFailed(ErrorCode.INVALID, f"{label}应为数字（元）", field=field) from None
    if not amount.is_finite():
        raise ValidationFailed(ErrorCode.INVALID, f"{label}应为数字（元）", field=field)
    if amount < 0:
        raise ValidationFailed(ErrorCode.INVALID, f"{label}不能为负数", field=field)
    if amount >= Decimal(100_000_000):
        raise ValidationFailed(ErrorCode.INVALID, f"{label}金额不合理（应小于一亿元）", field=field)
    return amount.quantize(Decimal("0.01"))


def clean_bank_account(value: str, *, field: str = "bank_account", required: bool = False) -> str:
    digits = "".join(value.split()) if value else ""
    if not digits:
        if required:
            raise ValidationFailed(ErrorCode.REQUIRED, "请填写银行账号", field=field)
        return ""
    if not digits.isdigit() or not 12 <= len(digits) <= 30:
        raise ValidationFailed(ErrorCode.INVALID, "银行账号应为12到30位数字", field=field)
    return digits


@dataclass
class _Clean:
    data: FileData
    people: list[PersonIn]
    hashes: list[str]


def _clean(data: FileData) -> _Clean:
    """Every field checked, every mistake reported at once (InvalidFields when there are several)."""
    checks = FieldChecks()
    with checks:
        data.name = clean_required(data.name, field="name", label="职工姓名", max_length=50)
    with checks:
        if data.phone:
            data.phone = clean_phone(data.phone)
    with checks:
        unknown = [cause for cause in data.causes if cause not in Cause.values]
        if unknown:
            raise ValidationFailed(ErrorCode.INVALID, f"致困原因无效：{'、'.join(unknown)}", field="causes")
        if not data.causes:
            raise ValidationFailed(ErrorCode.REQUIRED, "请至少选择一项致困原因", field="causes")
    with checks:
        data.other_income = parse_money(data.other_income, field="other_income", label="其他家庭收入")
    with checks:
        data.unavoidable_spending = parse_money(data.unavoidable_spending, field="unavoidable_spending",
                                                label="刚性支出")
    with checks:
        data.necessary_costs = parse_money(data.necessary_costs, field="necessary_costs", label="当年意外必需支出")
    with checks:
        data.bank_account = clean_bank_account(data.bank_account)
    with checks:
        if not data.household:
            raise ValidationFailed(ErrorCode.INVALID, "家庭成员不能为空，至少应有职工本人", field="household")
        if len(data.household) > MAX_HOUSEHOLD:
            raise ValidationFailed(ErrorCode.INVALID, f"家庭成员不能超过{MAX_HOUSEHOLD}人", field="household")
        if sum(1 for person in data.household if person.relation == Relation.SELF) != 1:
            raise ValidationFailed(ErrorCode.INVALID, "家庭成员中应有且只有一位“本人”", field="household")
    hashes = []
    for number, person in enumerate(data.household[:MAX_HOUSEHOLD]):
        prefix = f"household.{number}"
        with checks:
            if person.relation not in Relation.values:
                raise ValidationFailed(ErrorCode.INVALID, "家庭成员关系无效", field=f"{prefix}.relation")
        with checks:
            person.name = clean_required(person.name, field=f"{prefix}.name", label="家庭成员姓名", max_length=50)
        with checks:
            person.annual_income = parse_money(person.annual_income, field=f"{prefix}.annual_income", label="年收入")
        with checks:
            person.id_number = clean_id_number(person.id_number, field=f"{prefix}.id_number")
            digest = lookup_hash(person.id_number)
            if digest in hashes:
                raise ValidationFailed(ErrorCode.INVALID, "同一身份证号在家庭成员中出现了两次", field=f"{prefix}.id_number")
            hashes.append(digest)
    checks.raise_any()
    return _Clean(data, data.household, hashes)


def thresholds_for(union: Union, year: int | None = None) -> Thresholds:
    rule = rule_for(union.division_code)
    return Thresholds(region=rule.name, dibao_monthly=Decimal(str(rule.dibao_monthly)),
                      relative_multiple=Decimal(str(rule.relative_multiple)),
                      accident_ratio=Decimal(str(rule.accident_ratio)), extra_rules=tuple(rule.extra_rules or ()))


def _assess(union: Union, data: FileData):
    return assess(
        Household(incomes=[Decimal(p.annual_income) for p in data.household], other_income=data.other_income,
                  unavoidable_spending=data.unavoidable_spending, necessary_costs=data.necessary_costs,
                  causes=list(data.causes)),
        thresholds_for(union),
    )


def _actor_name(actor) -> str:
    return str(actor) if actor is not None and getattr(actor, "is_authenticated", False) else "系统"


def file_event(file: HardshipFile, actor, action: str, from_status: str, note: str = "") -> None:
    """One step in the file's history (FileEvent), in the words the timeline shows."""
    FileEvent.objects.create(file=file, actor=actor if getattr(actor, "is_authenticated", False) else None,
                             actor_name=_actor_name(actor), action=action, from_status=from_status,
                             to_status=file.status, note=note[:500])


def _holders(hashes: list[str], exclude_file_id: int | None):
    rows = HouseholdMember.objects.filter(id_number_hash__in=hashes, holding=True).select_related("file__union")
    if exclude_file_id is not None:
        rows = rows.exclude(file_id=exclude_file_id)
    return list(rows)


def duplicate_check(*, actor, hashes: list[str], exclude_file_id: int | None = None, field_of=None) -> None:
    """Refuse when anyone in the household is in an open file anywhere in the country.

    The message names the other file and its union only to staff who may see that file.
    """
    holders = _holders(hashes, exclude_file_id)
    if not holders:
        return
    holder = holders[0]
    other = holder.file
    field_name = field_of(holder.id_number_hash) if field_of else "household"
    if file_policy.can(actor, "view", other):
        message = (f"{holder.name}已在档案 {other.number}（{other.union.name}，{other.get_status_display()}）中，"
                   "同一人不能同时在两份困难职工档案中")
    else:
        message = "该家庭成员已在其他工会的困难职工档案中（一户一档），请联系上级工会核实"
    raise DuplicateFile(message, field_name)


def _require_member_self(clean: _Clean, member) -> None:
    """A file linked to a member is that member's household: its 本人 is the member, by 身份证号."""
    me = next(n for n, p in enumerate(clean.people) if p.relation == Relation.SELF)
    if clean.hashes[me] != member.id_number_hash:
        raise ValidationFailed(ErrorCode.INVALID, "“本人”的身份证号与会员登记的不一致", field=f"household.{me}.id_number")


def _field_of(clean: _Clean):
    return lambda digest: f"household.{clean.hashes.index(digest)}.id_number"


def _write_household(file: HardshipFile, people: list[PersonIn], hashes: list[str], holding: bool) -> None:
    file.household.all().delete()
    HouseholdMember.objects.bulk_create([
        HouseholdMember(file=file, relation=p.relation, name=p.name, id_number=p.id_number, id_number_hash=digest,
                        birth_date=id_number_birth_date(p.id_number), health=p.health[:50], schooling=p.schooling[:50],
                        work=p.work[:50], annual_income=p.annual_income, holding=holding)
        for p, digest in zip(people, hashes)
    ])


def _apply(file: HardshipFile, data: FileData, assessment) -> None:
    for name in ("name", "phone", "address", "causes", "other_income", "unavoidable_spending", "necessary_costs",
                 "bank_name", "bank_account"):
        setattr(file, name, getattr(data, name))
    file.cause_note = data.cause_note[:500]
    file.category = assessment.category
    file.eligibility = assessment.as_json()


def file_estimate(*, union: Union, data: FileData):
    """试算: the category the household would get at this union, with its reasoning, before anything is saved.

    Only the figures that decide the category are checked (incomes, spending, causes); names, 身份证号, the
    required fields and the duplicate check wait for saving, so a worker can try their numbers first. Nothing
    is written.
    """
    unknown = [cause for cause in data.causes if cause not in Cause.values]
    if unknown:
        raise ValidationFailed(ErrorCode.INVALID, f"致困原因无效：{'、'.join(unknown)}", field="causes")
    if not data.household:
        raise ValidationFailed(ErrorCode.INVALID, "家庭成员不能为空，至少应有职工本人", field="household")
    if len(data.household) > MAX_HOUSEHOLD:
        raise ValidationFailed(ErrorCode.INVALID, f"家庭成员不能超过{MAX_HOUSEHOLD}人", field="household")
    # Blank incomes count as 0, as when saving — but a form tried before any income is typed must not come out
    # 深度困难 on nothing.
    if not any(str(value).strip() for value in [data.other_income, *(p.annual_income for p in data.household)]):
        raise ValidationFailed(ErrorCode.REQUIRED, "请先填写家庭成员的年收入（没有收入请填 0）",
                               field="household.0.annual_income")
    figures = FileData(
        name=data.name, causes=list(data.causes),
        other_income=parse_money(data.other_income, field="other_income", label="其他家庭收入"),
        unavoidable_spending=parse_money(data.unavoidable_spending, field="unavoidable_spending", label="刚性支出"),
        necessary_costs=parse_money(data.necessary_costs, field="necessary_costs", label="当年意外必需支出"),
        household=[
            PersonIn(relation=person.relation, name=person.name, id_number="",
                     annual_income=parse_money(person.annual_income, field=f"household.{number}.annual_income",
                                               label=f"第{number + 1}位家庭成员的年收入"))
            for number, person in enumerate(data.household)
        ],
    )
    return _assess(union, figures)


@transaction.atomic
def file_create(*, actor, union: Union, data: FileData, member=None, applicant=None) -> HardshipFile:
    """A draft household file for a grassroots union, eligibility computed. Refuses people already on file.

    Staff file for a worker; a worker files for themself (`applicant=actor`) through the union they belong to.
    """
    if applicant is not None and applicant == actor:
        from zhijia.members.models import HOLDING_STATUSES, Member

        member = member or Member.objects.filter(user=actor, union=union, status__in=HOLDING_STATUSES).first()
        if member is None or member.union_id != union.pk:
            raise ValidationFailed(ErrorCode.NOT_ELIGIBLE, "您还不是该工会的会员，请先入会或请所在工会代为建档",
                                   field="union_id")
    else:
        file_policy.require(actor, "create", _Probe(union))
    if union.level != Level.GRASSROOTS:
        raise ValidationFailed(ErrorCode.INVALID, "困难职工档案应建在职工所在的基层工会", field="union_id")
    clean = _clean(data)
    if member is not None:
        _require_member_self(clean, member)
    duplicate_check(actor=actor, hashes=clean.hashes, field_of=_field_of(clean))
    assessment = _assess(union, data)
    file = HardshipFile(number=f"tmp-{uuid.uuid4().hex[:16]}", union=union, province_id=union.province_id,
                        member=member, applicant=applicant)
    _apply(file, data, assessment)
    file.save()
    file.number = f"KN{timezone.localdate():%Y}{file.pk:08d}"
    file.save(update_fields=["number"])
    _write_household(file, clean.people, clean.hashes, holding=False)
    file_event(file, actor, "create", "", assessment.reasons[-1])
    audit.record(actor=actor, action="aid.file_create", obj=file, after=file.audit_snapshot())
    return file


class _Probe:
    """Stands in for an object not created yet, so the policy can judge the union it would belong to."""

    def __init__(self, union: Union):
        self.union = union
        self.applicant_id = None


def _locked(file: HardshipFile) -> HardshipFile:
    return HardshipFile.objects.select_for_update(of=("self",)).select_related("union").get(pk=file.pk)


def _check_version(file: HardshipFile, version: int | None) -> None:
    if version is not None and version != file.version:
        raise Conflict(ErrorCode.STALE_VERSION, "档案已被他人修改，请刷新后再操作", field="version")


def _move(file: HardshipFile, allowed: tuple, action_label: str) -> str:
    if file.status not in allowed:
        raise InvalidTransition(f"档案当前状态为“{file.get_status_display()}”，不能{action_label}")
    return file.status


@transaction.atomic
def file_update(*, actor, file: HardshipFile, data: FileData, version: int | None = None) -> HardshipFile:
    """Edit a draft or returned file (a returned file keeps its people reserved while it is corrected)."""
    file = _locked(file)
    file_policy.require(actor, "update", file)
    _check_version(file, version)
    _move(file, (FileStatus.DRAFT, FileStatus.RETURNED), "修改")
    before = file.audit_snapshot()
    clean = _clean(data)
    if file.member_id is not None:
        _require_member_self(clean, file.member)
    duplicate_check(actor=actor, hashes=clean.hashes, exclude_file_id=file.pk, field_of=_field_of(clean))
    assessment = _assess(file.union, data)
    _apply(file, data, assessment)
    file.version += 1
    file.save()
    try:
        with transaction.atomic():
            _write_household(file, clean.people, clean.hashes, holding=file.status == FileStatus.RETURNED)
    except IntegrityError:
        duplicate_check(actor=actor, hashes=clean.hashes, exclude_file_id=file.pk, field_of=_field_of(clean))
        raise
    file_event(file, actor, "update", file.status, assessment.reasons[-1])
    audit.record(actor=actor, action="aid.file_update", obj=file, before=before, after=file.audit_snapshot())
    return file


@transaction.atomic
def file_submit(*, actor, file: HardshipFile) -> HardshipFile:
    """Draft or returned → awaiting the home visit. Reserves every person in it nationally, or refuses."""
    file = _locked(file)
    file_policy.require(actor, "submit", file)
    before = _move(file, (FileStatus.DRAFT, FileStatus.RETURNED), "提交")
    if file.category == HardshipCategory.NONE:
        raise ValidationFailed(ErrorCode.INVALID, "按本地区认定标准，该家庭不符合建档条件："
                               + "；".join(file.eligibility.get("reasons", [])[1:-1]), field="category")
    hashes = list(file.household.values_list("id_number_hash", flat=True))
    duplicate_check(actor=actor, hashes=hashes, exclude_file_id=file.pk)
    try:
        with transaction.atomic():
            file.household.update(holding=True)
    except IntegrityError:  # another file took one of them a moment ago
        duplicate_check(actor=actor, hashes=hashes, exclude_file_id=file.pk)
        raise
    file.status = FileStatus.SUBMITTED
    file.return_reason = ""
    file.version += 1
    file.save()
    file_event(file, actor, "submit", before)
    audit.record(actor=actor, action="aid.file_submit", obj=file)
    return file


@transaction.atomic
def file_visit(*, actor, file: HardshipFile, note: str, visited_by: str = "") -> HardshipFile:
    file = _locked(file)
    file_policy.require(actor, "visit", file)
    before = _move(file, (FileStatus.SUBMITTED,), "记录走访")
    file.visit_note = clean_required(note, field="visit_note", label="走访记录", max_length=2000)
    file.visited_by = (visited_by or _actor_name(actor))[:100]
    file.visited_at = timezone.now()
    file.status = FileStatus.VISITED
    file.version += 1
    file.save()
    file_event(file, actor, "visit", before, file.visit_note[:200])
    audit.record(actor=actor, action="aid.file_visit", obj=file)
    return file


@transaction.atomic
def file_notice_start(*, actor, file: HardshipFile, today: datetime.date | None = None) -> HardshipFile:
    """Visited → public notice for the region's number of working days (at least 5), starting today."""
    file = _locked(file)
    file_policy.require(actor, "notice", file)
    before = _move(file, (FileStatus.VISITED,), "开始公示")
    today = today or timezone.localdate()
    days = max(5, rule_for(file.union.division_code).notice_days)
    file.notice_start = today
    file.notice_end = add_working_days(today, days - 1) if _is_working(today) else add_working_days(today, days)
    file.status = FileStatus.NOTICE
    file.version += 1
    file.save()
    file_event(file, actor, "notice", before, f"公示至 {file.notice_end:%Y-%m-%d}（{days} 个工作日）")
    audit.record(actor=actor, action="aid.file_notice", obj=file)
    return file


def _is_working(day: datetime.date) -> bool:
    from zhijia.core.workdays import is_working_day

    return is_working_day(day)


@transaction.atomic
def objection_add(*, actor, file: HardshipFile, content: str, raised_by: str = "") -> FileObjection:
    file = _locked(file)
    file_policy.require(actor, "notice", file)
    _move(file, (FileStatus.NOTICE,), "登记异议（仅公示期间）")
    objection = FileObjection.objects.create(
        file=file, content=clean_required(content, field="content", label="异议内容", max_length=1000),
        raised_by=raised_by[:50])
    file_event(file, actor, "objection", file.status, objection.content[:200])
    audit.record(actor=actor, action="aid.file_objection", obj=file, after={"objection": objection.pk})
    return objection


@transaction.atomic
def objection_resolve(*, actor, objection: FileObjection, upheld: bool, resolution: str) -> FileObjection:
    """Record how an objection was checked. An upheld objection sends the file back with the finding."""
    file = _locked(objection.file)
    file_policy.require(actor, "notice", file)
    objection = FileObjection.objects.select_for_update().get(pk=objection.pk)
    if objection.resolved:
        raise InvalidTransition("该异议已处理")
    objection.resolution = clean_required(resolution, field="resolution", label="处理结果", max_length=1000)
    objection.upheld = upheld
    objection.resolved = True
    objection.resolved_at = timezone.now()
    objection.resolved_by = _actor_name(actor)
    objection.save()
    before = file.status
    if upheld and file.status == FileStatus.NOTICE:
        file.status = FileStatus.RETURNED
        file.return_reason = f"公示异议成立：{objection.resolution}"[:500]
        file.version += 1
        file.save()
    file_event(file, actor, "objection_resolve", before, ("异议成立：" if upheld else "异议不成立：") + objection.resolution[:180])
    audit.record(actor=actor, action="aid.file_objection_resolve", obj=file,
                 after={"objection": objection.pk, "upheld": upheld})
    return objection


def approval_union_for(union: Union) -> Union:
    """The union whose 帮扶中心 approves files of this grassroots union: its ancestor at the region's level."""
    level = rule_for(union.division_code).approval_level
    ancestors = {u.level: u for u in Union.objects.filter(id__in=union.ancestor_ids())}
    for candidate in range(level, -1, -1):  # a missing level goes to the next one up
        if candidate in ancestors and candidate < union.level:
            return ancestors[candidate]
    return union.parent or union


@transaction.atomic
def file_notice_close(*, actor, file: HardshipFile, today: datetime.date | None = None) -> HardshipFile:
    """After the notice period, with every objection resolved: send the file up for approval."""
    file = _locked(file)
    file_policy.require(actor, "notice", file)
    before = _move(file, (FileStatus.NOTICE,), "报送审批")
    today = today or timezone.localdate()
    if today <= file.notice_end:
        raise InvalidTransition(f"公示期至 {file.notice_end:%Y-%m-%d} 结束，期满后才能报送审批")
    if file.objections.filter(resolved=False).exists():
        raise InvalidTransition("还有未处理的公示异议，处理后才能报送审批")
    file.approval_union = approval_union_for(file.union)
    file.status = FileStatus.REVIEW
    file.version += 1
    file.save()
    file_event(file, actor, "notice_close", before, f"报{file.approval_union.name}审批")
    audit.record(actor=actor, action="aid.file_notice_close", obj=file)
    reviewers = _staff_of(file.approval_union)
    notify(reviewers, "困难职工建档待审批", f"{file.union.name} {file.name} 的建档申请已公示期满，待审批",
           f"/aid/staff/files/{file.number}/")
    return file


def _staff_of(union: Union):
    from zhijia.accounts.models import RoleAssignment

    return [ra.user for ra in RoleAssignment.objects.filter(union=union).select_related("user")]


def _require_approver(actor, file: HardshipFile) -> None:
    file_policy.require(actor, "approve", file)
    from zhijia.core.policy import grants_for

    target = file.approval_union
    if target is None or not any(target.path.startswith(g.path) for g in grants_for(actor)):
        raise_denied = f"该档案由{target.name if target else '上级工会'}审批"
        from zhijia.core.errors import PermissionDenied

        raise PermissionDenied(raise_denied)


@transaction.atomic
def file_approve(*, actor, file: HardshipFile) -> HardshipFile:
    file = _locked(file)
    _require_approver(actor, file)
    before = _move(file, (FileStatus.REVIEW,), "批准")
    file.status = FileStatus.ACTIVE
    file.approved_at = timezone.now()
    file.last_reviewed_on = timezone.localdate()
    file.version += 1
    file.save()
    file_event(file, actor, "approve", before, f"认定为{file.get_category_display()}")
    audit.record(actor=actor, action="aid.file_approve", obj=file)
    _tell_applicant(file, "困难职工建档已批准", f"您的困难职工档案 {file.number} 已批准（{file.get_category_display()}）")
    return file


@transaction.atomic
def file_return(*, actor, file: HardshipFile, reason: str) -> HardshipFile:
    """Send a file back for correction, with the reason; its people stay reserved until it is withdrawn."""
    file = _locked(file)
    if file.status == FileStatus.REVIEW:
        _require_approver(actor, file)
    else:
        file_policy.require(actor, "review", file)
    before = _move(file, (FileStatus.SUBMITTED, FileStatus.VISITED, FileStatus.REVIEW), "退回")
    file.return_reason = clean_required(reason, field="reason", label="退回原因", max_length=500)
    file.status = FileStatus.RETURNED
    file.version += 1
    file.save()
    file_event(file, actor, "return", before, file.return_reason)
    audit.record(actor=actor, action="aid.file_return", obj=file, after={"reason": file.return_reason})
    _tell_applicant(file, "困难职工建档申请被退回", f"退回原因：{file.return_reason}")
    return file


@transaction.atomic
def file_withdraw(*, actor, file: HardshipFile, reason: str) -> HardshipFile:
    file = _locked(file)
    file_policy.require(actor, "withdraw", file)
    before = _move(file, (FileStatus.DRAFT, FileStatus.SUBMITTED, FileStatus.VISITED, FileStatus.RETURNED), "撤回")
    file.household.update(holding=False)
    file.status = FileStatus.WITHDRAWN
    file.version += 1
    file.save()
    file_event(file, actor, "withdraw", before, clean_required(reason, field="reason", label="撤回原因", max_length=500))
    audit.record(actor=actor, action="aid.file_withdraw", obj=file)
    return file


@transaction.atomic
def file_reassess(*, actor, file: HardshipFile, data: FileData, today: datetime.date | None = None) -> HardshipFile:
    """The yearly review of an active file with this year's figures: the category is recomputed; a household
    that no longer qualifies is flagged for review (exit is a separate, reasoned decision)."""
    file = _locked(file)
    file_policy.require(actor, "review", file)
    _move(file, (FileStatus.ACTIVE,), "复核")
    before = file.audit_snapshot()
    clean = _clean(data)
    duplicate_check(actor=actor, hashes=clean.hashes, exclude_file_id=file.pk, field_of=_field_of(clean))
    assessment = _assess(file.union, data)
    _apply(file, data, assessment)
    with transaction.atomic():
        _write_household(file, clean.people, clean.hashes, holding=True)
    file.last_reviewed_on = today or timezone.localdate()
    file.review_due = assessment.category == HardshipCategory.NONE
    file.review_note = "复核：已不符合建档条件，请核实后办理脱困" if file.review_due else ""
    file.version += 1
    file.save()
    file_event(file, actor, "reassess", file.status, assessment.reasons[-1])
    audit.record(actor=actor, action="aid.file_reassess", obj=file, before=before, after=file.audit_snapshot())
    return file


@transaction.atomic
def file_exit(*, actor, file: HardshipFile, reason: str) -> HardshipFile:
    """脱困: the file closes with the reason, and its people are free to be filed again later."""
    file = _locked(file)
    file_policy.require(actor, "review", file)
    before = _move(file, (FileStatus.ACTIVE,), "办理脱困")
    file.exit_reason = clean_required(reason, field="reason", label="脱困原因", max_length=500)
    file.household.update(holding=False)
    file.status = FileStatus.EXITED
    file.exited_at = timezone.now()
    file.review_due = False
    file.version += 1
    file.save()
    file_event(file, actor, "exit", before, file.exit_reason)
    audit.record(actor=actor, action="aid.file_exit", obj=file, after={"reason": file.exit_reason})
    return file


def files_flag_for_review(*, today: datetime.date | None = None) -> int:
    """动态管理: flag active files not reviewed for a year, or that no longer meet the region's current rule
    (thresholds change: a raised 低保 line can bring a household in, a lowered one can leave it out)."""
    today = today or timezone.localdate()
    flagged = 0
    stale = today - datetime.timedelta(days=365)
    for file in HardshipFile.objects.filter(status=FileStatus.ACTIVE, review_due=False).select_related("union") \
            .prefetch_related("household").iterator(chunk_size=500):
        data = FileData(name=file.name, causes=list(file.causes), other_income=file.other_income,
                        unavoidable_spending=file.unavoidable_spending, necessary_costs=file.necessary_costs,
                        household=[PersonIn(relation=p.relation, name=p.name, id_number=p.id_number,
                                            annual_income=p.annual_income) for p in file.household.all()])
        assessment = _assess(file.union, data)
        note = ""
        if assessment.category == HardshipCategory.NONE:
            note = "按现行标准已不符合建档条件，请复核"
        elif file.last_reviewed_on is None or file.last_reviewed_on < stale:
            note = "已满一年未复核，请入户核实家庭情况"
        if note:
            HardshipFile.objects.filter(pk=file.pk).update(review_due=True, review_note=note)
            flagged += 1
    return flagged


def _tell_applicant(file: HardshipFile, title: str, body: str) -> None:
    if file.applicant_id:
        notify([file.applicant], title, body, f"/aid/files/{file.number}/")


def file_reveal(*, actor, file: HardshipFile) -> dict:
    """The file's 身份证号 and bank account in full, for roles allowed to see them; every reveal is logged."""
    file_policy.require(actor, "reveal_pii", file)
    audit.record(actor=actor, action="aid.reveal", obj=file, after={"fields": ["id_number", "bank_account", "phone"]})
    return {
        "bank_account": file.bank_account,
        "phone": file.phone,
        "household": [{"name": p.name, "id_number": p.id_number} for p in file.household.all()],
    }
