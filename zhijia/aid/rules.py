"""How much an application is worth: relief by the campaign's standard, tuition grants by level and file,
mutual-aid claims by the plan's deductible, ratio and annual cap. Pure functions with worked examples in tests."""

import datetime
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from zhijia.core.errors import ErrorCode, ValidationFailed

from .models.campaigns import DEFAULT_AGE_LIMITS, SchoolLevel

CENT = Decimal("0.01")


def money(value) -> Decimal:
    return Decimal(value).quantize(CENT, rounding=ROUND_HALF_UP)


@dataclass(frozen=True)
class Amount:
    value: Decimal
    calculation: str  # how it was reached, shown to the applicant and the reviewer


def relief_amount(standard: Decimal) -> Amount:
    if standard <= 0:
        raise ValidationFailed(ErrorCode.INVALID, "该活动未设置每户标准", field="campaign")
    return Amount(money(standard), f"按活动每户标准 {money(standard)} 元")


def age_on(birth: datetime.date, day: datetime.date) -> int:
    return day.year - birth.year - ((day.month, day.day) < (birth.month, birth.day))


def tuition_amount(*, grant_table: dict, age_limits: dict, level: str, has_active_file: bool,
                   child_birth: datetime.date, today: datetime.date, tuition: Decimal) -> Amount:
    """The grant for one child: the campaign's figure for the level and whether the family is on file.

    Raises ValidationFailed naming the field for an unknown level, a child over the level's age limit, a level
    the campaign does not fund, or a tuition that is negative.
    """
    if level not in SchoolLevel.values:
        raise ValidationFailed(ErrorCode.INVALID, "请选择入学层次（高中、中职、大专、本科、研究生）", field="level")
    if tuition < 0:
        raise ValidationFailed(ErrorCode.INVALID, "学费不能为负数", field="tuition")
    limit = int({**DEFAULT_AGE_LIMITS, **(age_limits or {})}[level])
    age = age_on(child_birth, today)
    if age > limit:
        raise ValidationFailed(ErrorCode.INVALID, f"子女已满 {age} 周岁，超过{SchoolLevel(level).label}助学的年龄上限"
                               f"（{limit} 周岁）", field="child_id_number")
    if age < 10:
        raise ValidationFailed(ErrorCode.INVALID, f"子女年龄 {age} 周岁，与{SchoolLevel(level).label}入学不符",
                               field="child_id_number")
    row = (grant_table or {}).get(level) or {}
    key = "file" if has_active_file else "no_file"
    figure = Decimal(str(row.get(key) or 0))
    if figure <= 0:
        who = "在档困难职工家庭" if has_active_file else "非在档职工家庭"
        raise ValidationFailed(ErrorCode.INVALID, f"本次活动未对{who}的{SchoolLevel(level).label}学生设资助标准",
                               field="level")
    basis = "在档困难职工家庭" if has_active_file else "非在档职工家庭"
    return Amount(money(figure), f"{SchoolLevel(level).label}、{basis}：资助 {money(figure)} 元")


@dataclass(frozen=True)
class Bill:
    total: Decimal  # the hospital bill
    insurance_paid: Decimal  # what basic medical insurance paid
    self_paid: Decimal  # what the worker paid after insurance


def check_bill(bill: Bill) -> None:
    for name, label, value in (("total", "医疗费用总额", bill.total), ("insurance_paid", "医保统筹支付", bill.insurance_paid),
                               ("self_paid", "个人自付", bill.self_paid)):
        if value < 0:
            raise ValidationFailed(ErrorCode.INVALID, f"{label}不能为负数", field=name)
    if bill.total <= 0:
        raise ValidationFailed(ErrorCode.INVALID, "医疗费用总额应大于零", field="total")
    if bill.self_paid > bill.total:
        raise ValidationFailed(ErrorCode.INVALID, "个人自付金额不能大于医疗费用总额", field="self_paid")
    if bill.insurance_paid + bill.self_paid > bill.total:
        raise ValidationFailed(ErrorCode.INVALID, "医保支付与个人自付之和超过了费用总额", field="self_paid")


def claim_payout(*, bill: Bill, deductible: Decimal, ratio: Decimal, annual_cap: Decimal,
                 paid_this_period: Decimal) -> Amount:
    """(self-paid − deductible) × ratio, within what is left of the annual cap, never above the self-paid part."""
    check_bill(bill)
    over = max(Decimal(0), bill.self_paid - deductible)
    value = money(over * ratio)
    steps = [f"（个人自付 {money(bill.self_paid)} − 起付线 {money(deductible)}）× {ratio} = {value} 元"]
    left = max(Decimal(0), annual_cap - paid_this_period)
    if value > left:
        value = money(left)
        steps.append(f"本年度上限 {money(annual_cap)} 元，已给付 {money(paid_this_period)} 元，本次最多 {value} 元")
    if value > bill.self_paid:
        value = money(bill.self_paid)
        steps.append("不超过个人自付金额")
    if value <= 0:
        raise ValidationFailed(ErrorCode.INVALID, "按本计划规则，本次费用没有可给付的金额（未超过起付线或已达年度上限）",
                               field="self_paid")
    return Amount(value, "；".join(steps))
