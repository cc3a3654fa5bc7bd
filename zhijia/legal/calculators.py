"""Deterministic labor-law calculators. Each result carries the articles it rests on (law short title,
article label) so pages can quote and link them; money is Decimal, rounded to the fen at the end.

- severance: 经济补偿 N (劳动合同法 第四十七条), N+1 with 代通知金 (第四十条, 实施条例 第二十条),
  赔偿金 2N for unlawful termination (第八十七条, 实施条例 第二十五条);
- overtime: 150% / 200% / 300% (劳动法 第四十四条), hourly wage from 21.75 days (劳社部发〔2008〕3号);
- annual leave: 5 / 10 / 15 days by cumulative years (带薪年休假条例 第三条) and 300% pay for untaken days
  (实施办法 第十条、第十一条);
- probation: the longest 试用期 for a contract term (劳动合同法 第十九条);
- maternity leave: 98 days plus 难产/多胞胎 (女职工劳动保护特别规定 第七条) and a regional extension
  (MaternityExtension rows, data not code).
"""

import datetime
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal

from zhijia.core.errors import ErrorCode, ValidationFailed

Citation = tuple[str, str]
CENT = Decimal("0.01")
PAY_DAYS_PER_MONTH = Decimal("21.75")
NOTICE = "关于职工全年月平均工作时间和工资折算问题的通知"


@dataclass
class CalcResult:
    amount: Decimal | None
    days: int | None
    lines: list[str]
    articles: list[Citation]
    facts: dict = field(default_factory=dict)


def _money(value, field: str, label: str, *, allow_zero: bool = False) -> Decimal:
    try:
        amount = Decimal(str(value).strip())
    except Exception:
        raise ValidationFailed(ErrorCode.INVALID, f"{label}应为数字", field=field) from None
    if not amount.is_finite() or amount < 0 or (amount == 0 and not allow_zero) or amount > Decimal("10000000"):
        raise ValidationFailed(ErrorCode.INVALID, f"{label}应为大于0的合理金额", field=field)
    return amount


def _yuan(amount: Decimal) -> str:
    return f"{amount.quantize(CENT, ROUND_HALF_UP):,.2f}元"


def service_months(start: datetime.date, end: datetime.date) -> int:
    """Whole months worked from start up to end (the day before the same date next month completes one)."""
    if end < start:
        raise ValidationFailed(ErrorCode.INVALID_DATE, "离职日期不能早于入职日期", field="end")
    months = (end.year - start.year) * 12 + (end.month - start.month)
    if end.day < start.day:
        months -= 1
    return max(months, 0)


def compensation_months(months: int) -> Decimal:
    """第四十七条: each full year one month; six months or more of a remainder a full month; under six, half."""
    years, rest = divmod(months, 12)
    if rest >= 6:
        return Decimal(years + 1)
    if rest > 0:
        return Decimal(years) + Decimal("0.5")
    return Decimal(years)


REASONS = {
    "negotiated": "协商一致或用人单位提出解除（第三十六条、第四十条、第四十一条等）",
    "no_notice": "用人单位依第四十条解除且未提前三十日通知（N+1）",
    "unlawful": "用人单位违法解除或者终止（2N 赔偿金）",
}


def severance(*, start: datetime.date, end: datetime.date, monthly_wage, local_average_wage,
              reason: str = "negotiated", last_month_wage=None) -> CalcResult:
    """经济补偿金. `monthly_wage`: average wage of the 12 months before leaving (实施条例 第二十七条);
    `local_average_wage`: 本地区上年度职工月平均工资, for the 3× cap."""
    if reason not in REASONS:
        raise ValidationFailed(ErrorCode.INVALID, "请选择解除原因", field="reason")
    wage = _money(monthly_wage, "monthly_wage", "月平均工资")
    average = _money(local_average_wage, "local_average_wage", "当地上年度职工月平均工资")
    months = service_months(start, end)
    base_months = compensation_months(months)
    lines = [f"工作年限：{months // 12}年{months % 12}个月，折算补偿月数 {base_months} 个月（满六个月按一年，不满六个月按半个月）"]
    articles: list[Citation] = [("劳动合同法", "第四十七条"), ("劳动合同法实施条例", "第二十七条")]
    cap = average * 3
    if wage > cap:
        wage_used = cap
        if base_months > 12:
            base_months = Decimal(12)
            lines.append("月工资高于当地上年度职工月平均工资三倍：按三倍计算，且补偿年限最高不超过十二年")
        else:
            lines.append("月工资高于当地上年度职工月平均工资三倍：按三倍数额计算")
    else:
        wage_used = wage
    compensation = wage_used * base_months
    lines.append(f"经济补偿 = {_yuan(wage_used)} × {base_months} = {_yuan(compensation)}")
    total = compensation
    if reason == "no_notice":
        notice_wage = _money(last_month_wage if last_month_wage not in (None, "") else wage, "last_month_wage", "上月工资")
        total += notice_wage
        lines.append(f"代通知金（额外支付一个月工资，按上一个月工资）= {_yuan(notice_wage)}")
        articles += [("劳动合同法", "第四十条"), ("劳动合同法实施条例", "第二十条")]
    elif reason == "unlawful":
        total = compensation * 2
        lines.append(f"违法解除赔偿金 = 经济补偿 × 2 = {_yuan(total)}（支付赔偿金的，不再支付经济补偿）")
        articles += [("劳动合同法", "第八十七条"), ("劳动合同法实施条例", "第二十五条")]
    else:
        articles.append(("劳动合同法", "第四十六条"))
    lines.append(f"合计：{_yuan(total)}")
    return CalcResult(amount=total.quantize(CENT, ROUND_HALF_UP), days=None, lines=lines, articles=articles,
                      facts={"months": months, "compensation_months": str(base_months), "wage_used": str(wage_used)})


def overtime(*, monthly_wage, workday_hours=0, restday_hours=0, holiday_hours=0) -> CalcResult:
    """加班工资 on the hourly wage = monthly wage / 21.75 / 8."""
    wage = _money(monthly_wage, "monthly_wage", "月工资")
    hours = {}
    for name, label, value in (("workday_hours", "工作日延长工作时间", workday_hours),
                               ("restday_hours", "休息日加班", restday_hours),
                               ("holiday_hours", "法定休假日加班", holiday_hours)):
        amount = _money(value or 0, name, f"{label}小时数", allow_zero=True)
        if amount > 744:
            raise ValidationFailed(ErrorCode.INVALID, f"{label}小时数不合理", field=name)
        hours[name] = amount
    hourly = wage / PAY_DAYS_PER_MONTH / 8
    parts = [
        (hours["workday_hours"], Decimal("1.5"), "工作日延长工作时间 150%"),
        (hours["restday_hours"], Decimal("2"), "休息日安排工作又不能安排补休 200%"),
        (hours["holiday_hours"], Decimal("3"), "法定休假日安排工作 300%"),
    ]
    lines = [f"小时工资 = {_yuan(wage)} ÷ 21.75 ÷ 8 = {_yuan(hourly)}"]
    total = Decimal(0)
    for count, rate, label in parts:
        if count:
            pay = hourly * rate * count
            total += pay
            lines.append(f"{label}：{count}小时 × {_yuan(hourly)} × {rate} = {_yuan(pay)}")
    if not total:
        raise ValidationFailed(ErrorCode.REQUIRED, "请至少填写一类加班小时数", field="workday_hours")
    lines.append(f"合计：{_yuan(total)}")
    return CalcResult(amount=total.quantize(CENT, ROUND_HALF_UP), days=None, lines=lines,
                      articles=[("劳动法", "第四十四条"), (NOTICE, "二、日工资、小时工资的折算")])


def annual_leave_days(years: int) -> int:
    if years < 1:
        return 0
    if years < 10:
        return 5
    if years < 20:
        return 10
    return 15


def annual_leave(*, cumulative_years, monthly_wage=None, days_taken=0) -> CalcResult:
    """年休假 days, and the pay owed for untaken days (300% of the daily wage, the normal 100% included)."""
    try:
        years = int(cumulative_years)
        taken = int(days_taken or 0)
    except (TypeError, ValueError):
        raise ValidationFailed(ErrorCode.INVALID, "累计工作年限和已休天数应为整数", field="cumulative_years") from None
    if not 0 <= years <= 60:
        raise ValidationFailed(ErrorCode.INVALID, "累计工作年限应在0到60年之间", field="cumulative_years")
    days = annual_leave_days(years)
    if not 0 <= taken <= 366:
        raise ValidationFailed(ErrorCode.INVALID, "已休天数不合理", field="days_taken")
    lines = [f"累计工作{years}年，每年带薪年休假 {days} 天" + ("（不满1年不享受）" if days == 0 else "")]
    articles: list[Citation] = [("职工带薪年休假条例", "第三条")]
    amount = None
    untaken = max(days - taken, 0)
    if monthly_wage not in (None, "") and untaken:
        wage = _money(monthly_wage, "monthly_wage", "月工资")
        daily = wage / PAY_DAYS_PER_MONTH
        amount = daily * 3 * untaken
        extra = daily * 2 * untaken
        lines += [
            f"日工资 = {_yuan(wage)} ÷ 21.75 = {_yuan(daily)}",
            f"未休{untaken}天的年休假工资 = {_yuan(daily)} × 300% × {untaken} = {_yuan(amount)}"
            f"（其中正常工资已发的部分外，应另付 {_yuan(extra)}）",
        ]
        articles += [("职工带薪年休假条例", "第五条"), ("企业职工带薪年休假实施办法", "第十条"),
                     ("企业职工带薪年休假实施办法", "第十一条")]
        amount = amount.quantize(CENT, ROUND_HALF_UP)
    return CalcResult(amount=amount, days=days, lines=lines, articles=articles, facts={"untaken": untaken})


def probation_limit(*, contract_months: int | None, task_based: bool = False) -> CalcResult:
    """The longest 试用期 allowed. `contract_months` None means 无固定期限."""
    articles = [("劳动合同法", "第十九条")]
    if task_based:
        return CalcResult(None, 0, ["以完成一定工作任务为期限的劳动合同：不得约定试用期"], articles)
    if contract_months is None:
        return CalcResult(None, 6, ["无固定期限劳动合同：试用期不得超过六个月"], articles)
    if not isinstance(contract_months, int) or not 0 < contract_months <= 600:
        raise ValidationFailed(ErrorCode.INVALID, "合同期限应为1到600个月", field="contract_months")
    if contract_months < 3:
        return CalcResult(None, 0, [f"合同期限{contract_months}个月（不满三个月）：不得约定试用期"], articles)
    if contract_months < 12:
        limit, text = 1, "三个月以上不满一年：试用期不得超过一个月"
    elif contract_months < 36:
        limit, text = 2, "一年以上不满三年：试用期不得超过二个月"
    else:
        limit, text = 6, "三年以上：试用期不得超过六个月"
    return CalcResult(None, limit, [f"合同期限{contract_months}个月，{text}", "同一用人单位与同一劳动者只能约定一次试用期"],
                      articles, facts={"months_max": limit})


def maternity_leave(*, babies: int = 1, difficult_birth: bool = False, division_code: str = "",
                    miscarriage_months: int | None = None) -> CalcResult:
    """产假: national base plus the regional extension on record for the division (most specific prefix)."""
    from .models import MaternityExtension

    articles = [("女职工劳动保护特别规定", "第七条")]
    if miscarriage_months is not None:
        days = 15 if miscarriage_months < 4 else 42
        return CalcResult(None, days, [f"怀孕{'未满' if miscarriage_months < 4 else '满'}4个月流产：产假{days}天"], articles)
    if not 1 <= int(babies) <= 8:
        raise ValidationFailed(ErrorCode.INVALID, "婴儿数应在1到8之间", field="babies")
    days = 98
    lines = ["国家规定产假98天（产前可休15天）"]
    if difficult_birth:
        days += 15
        lines.append("难产增加15天")
    if babies > 1:
        days += 15 * (babies - 1)
        lines.append(f"多胞胎每多生育1个婴儿增加15天：+{15 * (babies - 1)}天")
    extension = MaternityExtension.for_division(division_code)
    if extension is not None:
        days += extension.extra_days
        lines.append(f"{extension.region}延长产假{extension.extra_days}天（{extension.source}）")
    elif division_code:
        lines.append("本地区延长产假的规定尚未录入，请以当地人口与计划生育条例为准")
    lines.append(f"合计：{days}天")
    return CalcResult(None, days, lines, articles)
