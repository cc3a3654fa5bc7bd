"""Campaigns and the applications made to them: submission (amount computed by aid.rules), review level by
level, send-back and resubmission, and final approval, which reserves the budget and creates the payment."""

import datetime
import uuid
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation

from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone

from zhijia.core import audit
from zhijia.core.errors import Conflict, ErrorCode, FieldChecks, InvalidTransition, PermissionDenied, ValidationFailed
from zhijia.core.notify import notify
from zhijia.core.pii import lookup_hash
from zhijia.core.validators import clean_date, clean_id_number, clean_required, id_number_birth_date
from zhijia.org.models import Level, Union

from .. import rules
from ..models import (
    Application,
    ApplicationStatus,
    Campaign,
    CampaignKind,
    Enrollment,
    FileStatus,
    HardshipFile,
    LedgerEntry,
    LedgerKind,
    Payment,
    ReviewDecision,
)
from ..models.campaigns import CampaignStatus, Group, SchoolLevel
from ..permissions import application_policy, campaign_policy, review_policy
from .files import clean_bank_account, parse_money

for _name, _label in [
    ("aid.campaign_create", "创建帮扶活动"), ("aid.campaign_update", "修改帮扶活动"), ("aid.campaign_close", "结束帮扶活动"),
    ("aid.application_submit", "提交帮扶申请"), ("aid.application_decide", "审核帮扶申请"),
    ("aid.application_resubmit", "重新提交帮扶申请"), ("aid.application_withdraw", "撤回帮扶申请"),
    ("aid.enroll", "医疗互助参保"),
]:
    audit.register(_name, _label)

Decision = ReviewDecision.Decision


@dataclass
class CampaignData:
    name: str
    kind: str
    year: int | str
    starts_on: datetime.date | str
    ends_on: datetime.date | str
    budget: Decimal | str
    review_levels: list[int]
    groups: list[str] = field(default_factory=list)
    standard_amount: Decimal | str = 0
    grant_table: dict = field(default_factory=dict)
    age_limits: dict = field(default_factory=dict)
    premium: Decimal | str = 0
    deductible: Decimal | str = 0
    payout_ratio: Decimal | str = 0
    annual_cap: Decimal | str = 0
    description: str = ""


def _levels_for(union: Union, levels: list[int]) -> list[int]:
    if not levels:
        raise ValidationFailed(ErrorCode.REQUIRED, "请设置至少一个审核层级", field="review_levels")
    cleaned = []
    for level in levels:
        if level not in Level.values:
            raise ValidationFailed(ErrorCode.INVALID, f"审核层级 {level} 无效", field="review_levels")
        if level < union.level:
            raise ValidationFailed(ErrorCode.INVALID, "审核层级不能高于主办工会", field="review_levels")
        cleaned.append(int(level))
    if cleaned != sorted(cleaned, reverse=True) or len(set(cleaned)) != len(cleaned):
        raise ValidationFailed(ErrorCode.INVALID, "审核层级应自下而上排列且不重复（如 基层→县级→市级）",
                               field="review_levels")
    return cleaned


def _clean_ratio(value) -> Decimal:
    text = str(value if value is not None else "").strip() or "0"
    try:
        ratio = Decimal(text)
    except InvalidOperation:
        ratio = None
    if ratio is None or not ratio.is_finite():
        raise ValidationFailed(ErrorCode.INVALID, "给付比例应为 0 到 1 之间的小数，如 0.5", field="payout_ratio")
    if not Decimal(0) < ratio <= Decimal(1):
        raise ValidationFailed(ErrorCode.INVALID, "给付比例应在 0 到 1 之间", field="payout_ratio")
    return ratio


def _clean_grant_table(table: dict) -> dict:
    cleaned = {}
    for level, row in (table or {}).items():
        if level not in SchoolLevel.values or not isinstance(row, dict):
            raise ValidationFailed(ErrorCode.INVALID, f"助学金标准中的层次 {level} 无效", field="grant_table")
        cleaned[level] = {}
        for key in ("file", "no_file"):
            amount = parse_money(row.get(key, 0), field="grant_table", label="助学金标准")
            cleaned[level][key] = int(amount) if amount == amount.to_integral_value() else str(amount)
    if not cleaned:
        raise ValidationFailed(ErrorCode.REQUIRED, "请设置助学金标准", field="grant_table")
    return cleaned


@transaction.atomic
def campaign_create(*, actor, union: Union, data: CampaignData) -> Campaign:
    """A campaign for the union's subtree. Every field is checked and every mistake reported at once
    (InvalidFields); dates, the year and figures may come as typed text."""
    campaign_policy.require(actor, "manage", _UnionProbe(union))
    checks = FieldChecks()
    cleaned: dict = {}

    def check(key: str, function, *args, **kwargs) -> None:
        with checks:
            cleaned[key] = function(*args, **kwargs)

    check("name", clean_required, data.name, field="name", label="活动名称", max_length=100)
    with checks:
        if data.kind not in CampaignKind.values:
            raise ValidationFailed(ErrorCode.INVALID, "活动类型无效", field="kind")
    with checks:
        year = str(data.year or "").strip()
        if not year.isdigit() or not 2000 <= int(year) <= 2100:
            raise ValidationFailed(ErrorCode.INVALID, "请填写年度，如 2026", field="year")
        cleaned["year"] = int(year)
    check("starts_on", clean_date, data.starts_on, field="starts_on", label="开始日期")
    check("ends_on", clean_date, data.ends_on, field="ends_on", label="截止日期")
    with checks:
        if "starts_on" in cleaned and "ends_on" in cleaned and cleaned["ends_on"] < cleaned["starts_on"]:
            raise ValidationFailed(ErrorCode.INVALID, "截止日期不能早于开始日期", field="ends_on")
    with checks:
        cleaned["budget"] = parse_money(data.budget, field="budget", label="预算")
        if cleaned["budget"] <= 0:
            raise ValidationFailed(ErrorCode.INVALID, "预算应大于零", field="budget")
    check("review_levels", _levels_for, union, data.review_levels)
    with checks:
        unknown = [g for g in data.groups if g not in Group.values]
        if unknown:
            raise ValidationFailed(ErrorCode.INVALID, f"帮扶对象无效：{'、'.join(unknown)}", field="groups")
        if data.kind == CampaignKind.RELIEF and not data.groups:
            raise ValidationFailed(ErrorCode.REQUIRED, "请选择帮扶对象", field="groups")
    cleaned.update(standard_amount=Decimal(0), premium=Decimal(0), deductible=Decimal(0), annual_cap=Decimal(0),
                   payout_ratio=Decimal(0), grant_table={})
    if data.kind == CampaignKind.RELIEF:
        with checks:
            cleaned["standard_amount"] = parse_money(data.standard_amount, field="standard_amount", label="每户标准")
            if cleaned["standard_amount"] <= 0:
                raise ValidationFailed(ErrorCode.INVALID, "请设置每户帮扶标准", field="standard_amount")
    elif data.kind == CampaignKind.TUITION:
        check("grant_table", _clean_grant_table, data.grant_table)
    elif data.kind == CampaignKind.MUTUAL:
        check("premium", parse_money, data.premium, field="premium", label="保费")
        check("deductible", parse_money, data.deductible, field="deductible", label="起付线")
        check("payout_ratio", _clean_ratio, data.payout_ratio)
        with checks:
            cleaned["annual_cap"] = parse_money(data.annual_cap, field="annual_cap", label="年度给付上限")
            if cleaned["annual_cap"] <= 0:
                raise ValidationFailed(ErrorCode.INVALID, "请设置年度给付上限", field="annual_cap")
    checks.raise_any()
    campaign = Campaign.objects.create(
        name=cleaned["name"], kind=data.kind, union=union, province_id=union.province_id, year=cleaned["year"],
        starts_on=cleaned["starts_on"], ends_on=cleaned["ends_on"], budget=cleaned["budget"],
        description=data.description, review_levels=cleaned["review_levels"], groups=list(data.groups),
        standard_amount=cleaned["standard_amount"], premium=cleaned["premium"], deductible=cleaned["deductible"],
        annual_cap=cleaned["annual_cap"], payout_ratio=cleaned["payout_ratio"], grant_table=cleaned["grant_table"],
        age_limits=data.age_limits or {},
    )
    audit.record(actor=actor, action="aid.campaign_create", obj=campaign,
                 after={"name": campaign.name, "budget": str(campaign.budget)})
    return campaign


@transaction.atomic
def campaign_update(*, actor, campaign: Campaign, name: str, ends_on, budget, description: str = "") -> Campaign:
    """Correct a running campaign: its name, its closing date and its budget (never below what is already
    approved). The kind, levels and standards stay: applications were made and reviewed under them."""
    campaign = Campaign.objects.select_for_update().get(pk=campaign.pk)
    campaign_policy.require(actor, "manage", campaign)
    if campaign.status == CampaignStatus.CLOSED:
        raise InvalidTransition("活动已结束，不能再修改")
    checks, cleaned = FieldChecks(), {}
    with checks:
        cleaned["name"] = clean_required(name, field="name", label="活动名称", max_length=100)
    with checks:
        cleaned["ends_on"] = clean_date(ends_on, field="ends_on", label="截止日期")
        if cleaned["ends_on"] < campaign.starts_on:
            raise ValidationFailed(ErrorCode.INVALID, "截止日期不能早于开始日期", field="ends_on")
    with checks:
        cleaned["budget"] = parse_money(budget, field="budget", label="预算")
        if cleaned["budget"] < campaign.committed:
            raise ValidationFailed(ErrorCode.BUDGET_EXCEEDED,
                                   f"预算不能少于已批准金额 {campaign.committed} 元", field="budget")
        if cleaned["budget"] <= 0:
            raise ValidationFailed(ErrorCode.INVALID, "预算应大于零", field="budget")
    checks.raise_any()
    before = {"name": campaign.name, "ends_on": campaign.ends_on.isoformat(), "budget": str(campaign.budget)}
    campaign.name, campaign.ends_on, campaign.budget = cleaned["name"], cleaned["ends_on"], cleaned["budget"]
    campaign.description = (description or "").strip()
    campaign.save(update_fields=["name", "ends_on", "budget", "description"])
    audit.record(actor=actor, action="aid.campaign_update", obj=campaign, before=before,
                 after={"name": campaign.name, "ends_on": campaign.ends_on.isoformat(), "budget": str(campaign.budget)})
    return campaign


@transaction.atomic
def campaign_close(*, actor, campaign: Campaign) -> Campaign:
    """End a campaign: no new applications; those in review are still decided, approved ones still paid."""
    campaign = Campaign.objects.select_for_update().get(pk=campaign.pk)
    campaign_policy.require(actor, "manage", campaign)
    if campaign.status == CampaignStatus.CLOSED:
        raise InvalidTransition("活动已经结束")
    campaign.status = CampaignStatus.CLOSED
    campaign.save(update_fields=["status"])
    audit.record(actor=actor, action="aid.campaign_close", obj=campaign, after={"status": campaign.status})
    return campaign


class _UnionProbe:
    def __init__(self, union: Union):
        self.union = union
        self.applicant_id = None
        self.reviewing_union = union


def reviewing_union_for(union: Union, level: int) -> Union:
    """The union at `level` above (or equal to) the applicant's union; a missing level goes one up."""
    if level >= union.level:
        return union
    ancestors = {u.level: u for u in Union.objects.filter(id__in=union.ancestor_ids())}
    for candidate in range(level, -1, -1):
        if candidate in ancestors:
            return ancestors[candidate]
    raise ValidationFailed(ErrorCode.INVALID, "找不到该层级的审核工会", field="union_id")


@dataclass
class ApplicationIn:
    name: str
    id_number: str
    bank_name: str = ""
    bank_account: str = ""
    reason: str = ""
    groups: list[str] = field(default_factory=list)  # relief: the group the union vouches the worker is in
    # 金秋助学
    child_name: str = ""
    child_id_number: str = ""
    school: str = ""
    level: str = ""
    admission_year: int | None = None
    tuition: Decimal | str = 0
    # 医疗互助 claims
    hospital: str = ""
    bill_number: str = ""
    total: Decimal | str = 0
    insurance_paid: Decimal | str = 0
    self_paid: Decimal | str = 0


def _active_file_for(id_hash: str) -> HardshipFile | None:
    return HardshipFile.objects.filter(status=FileStatus.ACTIVE, household__id_number_hash=id_hash,
                                       household__holding=True).first()


def _under(union: Union, campaign: Campaign) -> bool:
    return union.path.startswith(campaign.union.path)


def _clean_details(campaign: Campaign, data: ApplicationIn) -> dict:
    """The campaign kind's own fields, cleaned; every bad one reported at once (InvalidFields)."""
    checks, fields = FieldChecks(), {}

    def clean(key: str, function, *args, **kwargs) -> None:
        with checks:
            fields[key] = function(*args, **kwargs)

    if campaign.kind == CampaignKind.TUITION:
        clean("child_name", clean_required, data.child_name, field="child_name", label="子女姓名", max_length=50)
        clean("child_id", clean_id_number, data.child_id_number, field="child_id_number")
        clean("school", clean_required, data.school, field="school", label="录取学校", max_length=100)
        clean("tuition", parse_money, data.tuition, field="tuition", label="学费")
        with checks:
            if data.admission_year is None or not campaign.year - 1 <= int(data.admission_year) <= campaign.year:
                raise ValidationFailed(ErrorCode.INVALID, f"入学年份应为 {campaign.year} 年", field="admission_year")
    elif campaign.kind == CampaignKind.MUTUAL:
        clean("hospital", clean_required, data.hospital, field="hospital", label="就诊医院", max_length=100)
        clean("bill_number", clean_required, data.bill_number, field="bill_number", label="票据号", max_length=50)
        clean("total", parse_money, data.total, field="total", label="医疗费用总额")
        clean("insurance_paid", parse_money, data.insurance_paid, field="insurance_paid", label="医保统筹支付")
        clean("self_paid", parse_money, data.self_paid, field="self_paid", label="个人自付")
    checks.raise_any()
    return fields


def _amount_for(campaign: Campaign, data: ApplicationIn, id_hash: str, member, today: datetime.date):
    """(amount, calculation, beneficiary hash, details, hardship file) for the application."""
    hardship = _active_file_for(id_hash)
    if campaign.kind == CampaignKind.RELIEF:
        groups = set(data.groups)
        if hardship is not None:
            groups.add(Group.HARDSHIP)
        eligible = groups & set(campaign.groups)
        if not eligible:
            names = "、".join(Group(g).label for g in campaign.groups)
            raise ValidationFailed(ErrorCode.NOT_ELIGIBLE, f"本次活动的帮扶对象为：{names}", field="groups")
        amount = rules.relief_amount(campaign.standard_amount)
        household = hardship.pk if hardship else id_hash
        return amount, lookup_hash(f"household:{household}"), {"groups": sorted(eligible)}, hardship
    if campaign.kind == CampaignKind.TUITION:
        fields = _clean_details(campaign, data)
        child_name, child_id, school, tuition = (fields[key] for key in ("child_name", "child_id", "school", "tuition"))
        amount = rules.tuition_amount(grant_table=campaign.grant_table, age_limits=campaign.age_limits,
                                      level=data.level, has_active_file=hardship is not None,
                                      child_birth=id_number_birth_date(child_id), today=today, tuition=tuition)
        details = {"child_name": child_name, "child_id_masked": child_id[:6] + "********" + child_id[-4:],
                   "school": school, "level": data.level, "admission_year": int(data.admission_year),
                   "tuition": str(tuition)}
        return amount, lookup_hash(child_id), details, hardship
    # mutual-aid claim
    if member is None:
        raise ValidationFailed(ErrorCode.NOT_ELIGIBLE, "医疗互助理赔仅限已参保的会员", field="member_id")
    enrollment = Enrollment.objects.filter(plan=campaign, member=member).first()
    if enrollment is None:
        raise ValidationFailed(ErrorCode.NOT_ELIGIBLE, "该会员未参加本期医疗互助保障", field="member_id")
    fields = _clean_details(campaign, data)
    bill_number = fields["bill_number"]
    bill = rules.Bill(total=fields["total"], insurance_paid=fields["insurance_paid"], self_paid=fields["self_paid"])
    amount = rules.claim_payout(bill=bill, deductible=campaign.deductible, ratio=campaign.payout_ratio,
                                annual_cap=campaign.annual_cap, paid_this_period=enrollment.paid_out)
    details = {"hospital": fields["hospital"], "bill_number": bill_number, "total": str(bill.total),
               "insurance_paid": str(bill.insurance_paid), "self_paid": str(bill.self_paid)}
    return amount, lookup_hash(f"bill:{member.pk}:{bill_number}"), details, hardship


@transaction.atomic
def application_submit(*, actor, campaign: Campaign, union: Union, data: ApplicationIn, member=None,
                       applicant=None, today: datetime.date | None = None) -> Application:
    """A worker (for themself) or their grassroots union (for a worker) applies; the first level reviews next.

    Raises ValidationFailed naming the field (bad figures, not eligible, outside the campaign's dates),
    Conflict `duplicate_grant` when the child or household already has a grant in this campaign.
    """
    today = today or timezone.localdate()
    if applicant is None or applicant != actor:
        application_policy.require(actor, "submit", _UnionProbe(union))
    else:  # a worker applies for themself, through the union they belong to
        from zhijia.members.models import HOLDING_STATUSES, Member

        membership = Member.objects.filter(user=actor, union=union, status__in=HOLDING_STATUSES).first()
        if membership is None:
            raise ValidationFailed(ErrorCode.NOT_ELIGIBLE, "您还不是该工会的会员，请先入会或由所在工会代为申请",
                                   field="union_id")
        member = member or membership
    if campaign.status != CampaignStatus.OPEN or not campaign.starts_on <= today <= campaign.ends_on:
        raise ValidationFailed(ErrorCode.INVALID, f"“{campaign.name}”不在申请期内（{campaign.starts_on:%Y-%m-%d} 至 "
                               f"{campaign.ends_on:%Y-%m-%d}）", field="campaign")
    if not _under(union, campaign):
        raise ValidationFailed(ErrorCode.NOT_ELIGIBLE, f"该工会不在“{campaign.union.name}”的活动范围内", field="union_id")
    checks = FieldChecks()  # every field's mistake at once, not one per submit
    name = id_number = bank_account = bank_name = ""
    with checks:
        name = clean_required(data.name, field="name", label="申请人姓名", max_length=50)
    with checks:
        id_number = clean_id_number(data.id_number)
    with checks:
        bank_account = clean_bank_account(data.bank_account, required=True)
    with checks:
        bank_name = clean_required(data.bank_name, field="bank_name", label="开户银行", max_length=50)
    with checks:
        _clean_details(campaign, data)
    checks.raise_any()
    id_hash = lookup_hash(id_number)
    amount, beneficiary, details, hardship = _amount_for(campaign, data, id_hash, member, today)
    first = campaign.review_levels[0]
    application = Application(
        number=f"tmp-{uuid.uuid4().hex[:16]}", campaign=campaign, union=union, province_id=union.province_id,
        applicant=applicant, member=member, hardship_file=hardship, name=name, id_number=id_number,
        id_number_hash=id_hash, beneficiary_hash=beneficiary, details=details, reason=data.reason[:1000],
        amount=amount.value, calculation=amount.calculation[:500], bank_name=bank_name, bank_account=bank_account,
        reviewing_union=reviewing_union_for(union, first),
    )
    try:
        with transaction.atomic():
            application.save()
    except IntegrityError:
        raise Conflict(ErrorCode.DUPLICATE_GRANT, "同一子女（或同一户）在本次活动中只能申请一次，已有在审或已批准的申请",
                       field="child_id_number" if campaign.kind == CampaignKind.TUITION else "id_number") from None
    application.number = f"BF{today:%Y}{application.pk:08d}"
    application.save(update_fields=["number"])
    ReviewDecision.objects.create(application=application, decision=Decision.RESUBMIT, reviewer_name=str(actor),
                                  reviewer=actor, reason="提交申请")
    audit.record(actor=actor, action="aid.application_submit", obj=application, after=application.audit_snapshot())
    _notify_reviewers(application)
    return application


def _notify_reviewers(application: Application) -> None:
    from zhijia.accounts.models import RoleAssignment

    users = [ra.user for ra in RoleAssignment.objects.filter(union=application.reviewing_union).select_related("user")]
    notify(users, "帮扶申请待审核", f"{application.campaign.name}：{application.name} 的申请待审核",
           f"/aid/staff/applications/{application.number}/")


def _locked(application: Application) -> Application:
    return Application.objects.select_for_update(of=("self",)).select_related("campaign", "union", "reviewing_union") \
        .get(pk=application.pk)


@transaction.atomic
def application_decide(*, actor, application: Application, decision: str, reason: str = "",
                       version: int | None = None) -> Application:
    """Approve (on to the next level, or final), return for correction, or reject at the current level.

    Final approval reserves the amount against the budget with a conditional UPDATE (so many reviewers
    approving at once cannot overspend), writes the ledger's commit entry and creates the payment.
    Raises InvalidTransition for an application not in review, Conflict `budget_exceeded` when the budget
    cannot cover it, `stale_version` when someone decided first.
    """
    application = _locked(application)
    if application.status != ApplicationStatus.IN_REVIEW:
        raise InvalidTransition(f"申请当前状态为“{application.get_status_display()}”，不能审核")
    if not review_policy.can(actor, "decide", application):
        if application_policy.can(actor, "view", application):
            raise PermissionDenied(f"该申请当前由{application.reviewing_union.name}审核")
        from zhijia.core.errors import NotFound

        raise NotFound()
    if version is not None and version != application.version:
        raise Conflict(ErrorCode.STALE_VERSION, "该申请已被他人处理，请刷新后再操作", field="version")
    if decision not in (Decision.APPROVE, Decision.RETURN, Decision.REJECT):
        raise ValidationFailed(ErrorCode.INVALID, "请选择审核意见：批准、退回修改或不予批准", field="decision")
    if decision != Decision.APPROVE:
        reason = clean_required(reason, field="reason", label="退回或不予批准的理由", max_length=500)
    before = application.audit_snapshot()
    levels = application.campaign.review_levels
    level = levels[application.level_index]
    ReviewDecision.objects.create(application=application, level=level, union=application.reviewing_union,
                                  reviewer=actor, reviewer_name=str(actor), decision=decision, reason=reason[:500])
    application.decision_reason = reason[:500]
    application.version += 1
    if decision == Decision.APPROVE and application.level_index + 1 < len(levels):
        application.level_index += 1
        application.reviewing_union = reviewing_union_for(application.union, levels[application.level_index])
        application.save()
        _notify_reviewers(application)
    elif decision == Decision.APPROVE:
        _final_approval(actor, application)
    else:
        application.status = ApplicationStatus.RETURNED if decision == Decision.RETURN else ApplicationStatus.REJECTED
        application.decided_at = timezone.now()
        application.save()
        word = "退回补正" if decision == Decision.RETURN else "未获批准"
        _tell_applicant(application, f"帮扶申请{word}", f"{application.campaign.name}：{reason}")
    audit.record(actor=actor, action="aid.application_decide", obj=application, before=before,
                 after={**application.audit_snapshot(), "decision": decision, "reason": reason})
    return application


def _final_approval(actor, application: Application) -> None:
    campaign = application.campaign
    if campaign.kind == CampaignKind.MUTUAL:
        _recompute_claim(application)
    amount = application.amount
    reserved = Campaign.objects.filter(pk=campaign.pk, committed__lte=F("budget") - amount) \
        .update(committed=F("committed") + amount)
    if not reserved:
        campaign.refresh_from_db(fields=["budget", "committed"])
        raise Conflict(ErrorCode.BUDGET_EXCEEDED, f"活动预算不足：剩余 {campaign.remaining} 元，本申请 {amount} 元",
                       field="amount")
    application.status = ApplicationStatus.APPROVED
    application.decided_at = timezone.now()
    application.save()
    payment = Payment.objects.create(
        idempotency_key=f"app:{application.pk}", application=application, campaign=campaign, union=application.union,
        province_id=application.province_id, amount=amount, payee_name=application.name,
        bank_name=application.bank_name, bank_account=application.bank_account)
    LedgerEntry.objects.create(key=f"commit:{application.pk}", campaign=campaign, union=application.union,
                               province_id=application.province_id, application=application, payment=payment,
                               kind=LedgerKind.COMMIT, amount=amount, actor_name=str(actor),
                               note=f"批准 {application.number}")
    _tell_applicant(application, "帮扶申请已批准", f"{campaign.name}：批准 {amount} 元，将通过银行发放")


def _recompute_claim(application: Application) -> None:
    """At final approval the annual cap is checked again under a lock on the enrollment, so two claims of one
    member approved at once cannot together pass the cap."""
    enrollment = Enrollment.objects.select_for_update().get(plan=application.campaign, member=application.member)
    d = application.details
    campaign = application.campaign
    amount = rules.claim_payout(
        bill=rules.Bill(total=Decimal(d["total"]), insurance_paid=Decimal(d["insurance_paid"]),
                        self_paid=Decimal(d["self_paid"])),
        deductible=campaign.deductible, ratio=campaign.payout_ratio, annual_cap=campaign.annual_cap,
        paid_this_period=enrollment.paid_out)
    application.amount = amount.value
    application.calculation = amount.calculation[:500]
    Enrollment.objects.filter(pk=enrollment.pk).update(paid_out=F("paid_out") + amount.value)


def _tell_applicant(application: Application, title: str, body: str) -> None:
    if application.applicant_id:
        notify([application.applicant], title, body, f"/aid/my/{application.number}/")


@transaction.atomic
def application_resubmit(*, actor, application: Application, reason: str = "") -> Application:
    """A returned application goes back to the first review level; its history stays."""
    application = _locked(application)
    application_policy.require(actor, "resubmit", application)
    if application.status != ApplicationStatus.RETURNED:
        raise InvalidTransition("只有被退回的申请可以重新提交")
    application.status = ApplicationStatus.IN_REVIEW
    application.level_index = 0
    application.reviewing_union = reviewing_union_for(application.union, application.campaign.review_levels[0])
    application.version += 1
    application.save()
    ReviewDecision.objects.create(application=application, decision=Decision.RESUBMIT, reviewer=actor,
                                  reviewer_name=str(actor), reason=(reason or "补正后重新提交")[:500])
    audit.record(actor=actor, action="aid.application_resubmit", obj=application)
    _notify_reviewers(application)
    return application


@transaction.atomic
def application_withdraw(*, actor, application: Application, reason: str = "") -> Application:
    application = _locked(application)
    application_policy.require(actor, "withdraw", application)
    if application.status not in (ApplicationStatus.IN_REVIEW, ApplicationStatus.RETURNED):
        raise InvalidTransition(f"申请当前状态为“{application.get_status_display()}”，不能撤回")
    application.status = ApplicationStatus.WITHDRAWN
    application.version += 1
    application.save()
    ReviewDecision.objects.create(application=application, decision=Decision.WITHDRAW, reviewer=actor,
                                  reviewer_name=str(actor), reason=(reason or "申请人撤回")[:500])
    audit.record(actor=actor, action="aid.application_withdraw", obj=application)
    return application


@transaction.atomic
def enrollment_create(*, actor, plan: Campaign, members: list, by_union: bool = False) -> list[Enrollment]:
    """Enroll members in a mutual-aid plan, one by one or a union's list at once. Already enrolled members are
    skipped (enrolling twice is harmless); members outside the plan's subtree are refused by name."""
    if plan.kind != CampaignKind.MUTUAL:
        raise ValidationFailed(ErrorCode.INVALID, "只有医疗互助保障计划可以参保", field="plan")
    if plan.status != CampaignStatus.OPEN:
        raise ValidationFailed(ErrorCode.INVALID, "该计划未开放参保", field="plan")
    if not members:
        raise ValidationFailed(ErrorCode.REQUIRED, "请选择参保会员", field="member_ids")
    created = []
    for member in members:
        if not member.union.path.startswith(plan.union.path):
            raise ValidationFailed(ErrorCode.NOT_ELIGIBLE, f"{member.name} 不在本计划覆盖范围内", field="member_ids")
        if member.user_id != getattr(actor, "pk", None):
            campaign_policy.require(actor, "enroll", member)
        enrollment, was_created = Enrollment.objects.get_or_create(
            plan=plan, member=member,
            defaults={"union": member.union, "province_id": member.union.province_id, "premium": plan.premium,
                      "by_union": by_union, "enrolled_by": actor})
        if was_created:
            created.append(enrollment)
    audit.record(actor=actor, action="aid.enroll", obj=plan, union=plan.union,
                 after={"enrolled": len(created), "requested": len(members)})
    return created


BULK_CHUNK = 1000


def applications_approve_bulk(*, actor, campaign: Campaign, ids: list[int] | None = None) -> dict:
    """批量审批: approve, at the actor's levels, the listed applications in review (all of the campaign's when
    `ids` is None). Applications at a lower level move up one level; at the last level they are approved with
    their payments and ledger entries. Each chunk of 1,000 is one transaction whose budget is reserved by one
    conditional UPDATE, so a chunk the budget cannot cover is refused whole and nothing of it is written.
    Mutual-aid claims (each checked against the member's annual cap) are left to one-by-one review.

    Returns counts: approved, advanced, skipped, and `error` with the refusal that stopped it, if any.
    """
    queue = review_policy.scope(actor, "decide", Application.objects.filter(
        campaign=campaign, status=ApplicationStatus.IN_REVIEW))
    if ids is not None:
        queue = queue.filter(id__in=ids)
    all_ids = list(queue.order_by("id").values_list("id", flat=True))
    outcome = {"approved": 0, "advanced": 0, "skipped": 0, "error": None}
    if campaign.kind == CampaignKind.MUTUAL:
        outcome["skipped"] = len(all_ids)
        return outcome
    levels = campaign.review_levels
    reviewer_name = str(actor)
    for start in range(0, len(all_ids), BULK_CHUNK):
        chunk = all_ids[start:start + BULK_CHUNK]
        try:
            with transaction.atomic():
                approved, advanced = _approve_chunk(actor, campaign, chunk, levels, reviewer_name)
        except Conflict as error:
            outcome["error"] = error.message
            break
        outcome["approved"] += approved
        outcome["advanced"] += advanced
    audit.record(actor=actor, action="aid.application_decide", obj=campaign, union=campaign.union,
                 after={"bulk": True, "approved": outcome["approved"], "advanced": outcome["advanced"]})
    return outcome


def _approve_chunk(actor, campaign: Campaign, ids: list[int], levels: list[int], reviewer_name: str):
    rows = list(Application.objects.select_for_update(of=("self",)).filter(
        id__in=ids, status=ApplicationStatus.IN_REVIEW).select_related("union", "reviewing_union"))
    final = [a for a in rows if a.level_index + 1 >= len(levels)]
    moving = [a for a in rows if a.level_index + 1 < len(levels)]
    now = timezone.now()
    total = sum((a.amount for a in final), Decimal(0))
    if final and not Campaign.objects.filter(pk=campaign.pk, committed__lte=F("budget") - total) \
            .update(committed=F("committed") + total):
        campaign.refresh_from_db(fields=["budget", "committed"])
        raise Conflict(ErrorCode.BUDGET_EXCEEDED, f"活动预算不足：剩余 {campaign.remaining} 元，本批 {total} 元",
                       field="amount")
    decisions = [ReviewDecision(application=a, level=levels[a.level_index], union=a.reviewing_union, reviewer=actor,
                                reviewer_name=reviewer_name, decision=Decision.APPROVE, reason="批量审批")
                 for a in rows]
    ReviewDecision.objects.bulk_create(decisions, batch_size=1000)
    # One UPDATE per next reviewing union and one for the final approvals, not bulk_update: its CASE … WHEN per
    # row and column cost over a second per 1,000 rows, in Python to build and in PostgreSQL to evaluate.
    targets: dict[tuple[int, int], Union] = {}
    moving_to: dict[int, list[int]] = {}
    for application in moving:
        application.level_index += 1
        key = (application.union_id, levels[application.level_index])
        if key not in targets:
            targets[key] = reviewing_union_for(application.union, key[1])
        application.reviewing_union = targets[key]
        application.version += 1
        moving_to.setdefault(targets[key].pk, []).append(application.pk)
    for union_id, pks in moving_to.items():
        Application.objects.filter(id__in=pks).update(level_index=F("level_index") + 1, reviewing_union_id=union_id,
                                                      version=F("version") + 1)
    for application in final:
        application.status = ApplicationStatus.APPROVED
        application.decided_at = now
        application.version += 1
    if final:
        Application.objects.filter(id__in=[a.pk for a in final]).update(
            status=ApplicationStatus.APPROVED, decided_at=now, version=F("version") + 1)
    payments = Payment.objects.bulk_create([
        Payment(idempotency_key=f"app:{a.pk}", application=a, campaign=campaign, union=a.union,
                province_id=a.province_id, amount=a.amount, payee_name=a.name, bank_name=a.bank_name,
                bank_account=a.bank_account) for a in final], batch_size=1000)
    LedgerEntry.objects.bulk_create([
        LedgerEntry(key=f"commit:{a.pk}", campaign=campaign, union=a.union, province_id=a.province_id, application=a,
                    payment=p, kind=LedgerKind.COMMIT, amount=a.amount, actor_name=reviewer_name,
                    note=f"批量批准 {a.number}") for a, p in zip(final, payments)], batch_size=1000)
    return len(final), len(moving)


def application_reveal(*, actor, application: Application) -> dict:
    """The applicant's 身份证号 and bank account in full, for roles allowed to see them; every reveal is logged."""
    application_policy.require(actor, "reveal_pii", application)
    audit.record(actor=actor, action="aid.reveal", obj=application, after={"fields": ["id_number", "bank_account"]})
    return {"id_number": application.id_number, "bank_account": application.bank_account}
