"""Whether a household qualifies for a hardship file, and why: computed from the household's figures and the
region's thresholds, never typed in.

The standard tests (全总《困难职工帮扶工作规定》 practice):
- 深度困难: (household disposable income − unavoidable spending) ÷ 12 ÷ household size < the local 低保 line;
- 相对困难: that monthly figure < `relative_multiple` (2×) the 低保 line;
- 意外致困: the year's necessary costs (accident, illness, disaster) > `accident_ratio` (80%) of household income.
A region adds its own tests as data (RegionRule.extra_rules), over the measures below, without code.
"""

from dataclasses import dataclass, field
from decimal import Decimal

from zhijia.core.errors import ErrorCode, ValidationFailed

from .models.files import HardshipCategory
from .rules import money

# Strongest first: a household meeting several tests is filed under the first.
ORDER = [HardshipCategory.DEEP, HardshipCategory.ACCIDENT, HardshipCategory.RELATIVE]

# What an extra rule may test: measure -> label. Values are Decimals except `causes` (a set) and `size` (int).
MEASURES = {
    "per_capita_monthly": "人均月可支配收入（元）",
    "dibao_ratio": "人均月收入与低保标准之比",
    "cost_ratio": "必需支出占家庭年收入之比",
    "size": "家庭人口",
    "causes": "致困原因",
    "annual_income": "家庭年收入（元）",
}
OPS = {
    "<": lambda a, b: a < b,
    "<=": lambda a, b: a <= b,
    ">": lambda a, b: a > b,
    ">=": lambda a, b: a >= b,
    "==": lambda a, b: a == b,
    "in": lambda a, b: bool(set(a) & set(b)) if isinstance(a, (set, list)) else a in b,
}


@dataclass(frozen=True)
class Thresholds:
    region: str
    dibao_monthly: Decimal
    relative_multiple: Decimal = Decimal(2)
    accident_ratio: Decimal = Decimal("0.8")
    extra_rules: tuple = ()


@dataclass
class Household:
    incomes: list[Decimal]  # each member's annual income
    other_income: Decimal = Decimal(0)
    unavoidable_spending: Decimal = Decimal(0)
    necessary_costs: Decimal = Decimal(0)
    causes: list[str] = field(default_factory=list)


@dataclass
class Assessment:
    category: str
    measures: dict
    reasons: list[str]  # one line per test, met or not, in the words a reviewer reads

    def as_json(self) -> dict:
        return {"category": self.category, "measures": self.measures, "reasons": self.reasons}


def validate_household(household: Household) -> None:
    """Refuse figures no household has: negative or absurd amounts, or nobody in it."""
    if not household.incomes:
        raise ValidationFailed(ErrorCode.INVALID, "家庭成员不能为空，至少应有职工本人", field="household")
    limit = Decimal(100_000_000)
    checks = [("annual_income", income, "家庭成员年收入") for income in household.incomes] + [
        ("other_income", household.other_income, "其他家庭收入"),
        ("unavoidable_spending", household.unavoidable_spending, "刚性支出"),
        ("necessary_costs", household.necessary_costs, "当年意外必需支出"),
    ]
    for field_name, value, label in checks:
        if value < 0:
            raise ValidationFailed(ErrorCode.INVALID, f"{label}不能为负数", field=field_name)
        if value >= limit:
            raise ValidationFailed(ErrorCode.INVALID, f"{label}金额不合理（应小于一亿元）", field=field_name)


def measures_of(household: Household, thresholds: Thresholds) -> dict:
    size = len(household.incomes)
    income = sum(household.incomes, Decimal(0)) + household.other_income
    per_capita = (income - household.unavoidable_spending) / 12 / size
    return {
        "size": size,
        "annual_income": money(income),
        "per_capita_monthly": money(per_capita),
        "dibao_ratio": (per_capita / thresholds.dibao_monthly).quantize(Decimal("0.001")),
        "cost_ratio": (household.necessary_costs / income).quantize(Decimal("0.001")) if income > 0
        else (Decimal("Infinity") if household.necessary_costs > 0 else Decimal(0)),
        "causes": sorted(set(household.causes)),
    }


def _extra_rule_met(rule: dict, measures: dict) -> bool:
    for condition in rule.get("all", []):
        value = measures[condition["measure"]]
        target = condition["value"]
        if condition["measure"] != "causes" and not isinstance(target, list):
            target = Decimal(str(target))
        if not OPS[condition["op"]](value, target):
            return False
    return True


def validate_extra_rules(rules) -> None:
    """Refuse a region's extra rule that names an unknown measure, operator or category."""
    if not isinstance(rules, list):
        raise ValidationFailed(ErrorCode.INVALID, "附加认定规则应为列表", field="extra_rules")
    for number, rule in enumerate(rules, start=1):
        if not isinstance(rule, dict) or rule.get("category") not in {c.value for c in ORDER}:
            raise ValidationFailed(ErrorCode.INVALID, f"第{number}条规则的困难类别无效", field="extra_rules")
        conditions = rule.get("all")
        if not isinstance(conditions, list) or not conditions:
            raise ValidationFailed(ErrorCode.INVALID, f"第{number}条规则缺少条件", field="extra_rules")
        for condition in conditions:
            if not isinstance(condition, dict) or condition.get("measure") not in MEASURES \
                    or condition.get("op") not in OPS or "value" not in condition:
                raise ValidationFailed(ErrorCode.INVALID, f"第{number}条规则的条件无效（指标、运算符或取值）",
                                       field="extra_rules")


def assess(household: Household, thresholds: Thresholds) -> Assessment:
    """The household's category with every test's outcome, for the file and the reviewer."""
    validate_household(household)
    m = measures_of(household, thresholds)
    dibao = thresholds.dibao_monthly
    relative_line = money(dibao * thresholds.relative_multiple)
    met: set[str] = set()
    reasons = [
        f"家庭年收入 {m['annual_income']} 元，刚性支出 {money(household.unavoidable_spending)} 元，"
        f"家庭人口 {m['size']} 人，人均月可支配收入 {m['per_capita_monthly']} 元（{thresholds.region}低保标准 "
        f"{money(dibao)} 元/月）"
    ]
    if m["per_capita_monthly"] < dibao:
        met.add(HardshipCategory.DEEP)
        reasons.append(f"符合深度困难：人均月收入 {m['per_capita_monthly']} 元低于低保标准 {money(dibao)} 元")
    else:
        reasons.append(f"不符合深度困难：人均月收入不低于低保标准 {money(dibao)} 元")
    if m["per_capita_monthly"] < relative_line:
        met.add(HardshipCategory.RELATIVE)
        reasons.append(f"符合相对困难：人均月收入低于低保标准的 {thresholds.relative_multiple} 倍（{relative_line} 元）")
    else:
        reasons.append(f"不符合相对困难：人均月收入不低于 {relative_line} 元")
    accident_line = money(m["annual_income"] * thresholds.accident_ratio)
    if household.necessary_costs > accident_line:
        met.add(HardshipCategory.ACCIDENT)
        reasons.append(f"符合意外致困：当年必需支出 {money(household.necessary_costs)} 元超过家庭年收入的 "
                       f"{int(thresholds.accident_ratio * 100)}%（{accident_line} 元）")
    elif household.necessary_costs > 0:
        reasons.append(f"不符合意外致困：当年必需支出 {money(household.necessary_costs)} 元未超过 {accident_line} 元")
    for rule in thresholds.extra_rules:
        if _extra_rule_met(rule, m):
            met.add(rule["category"])
            reasons.append(f"符合地方规则“{rule.get('name', '附加规则')}”：认定为"
                           f"{HardshipCategory(rule['category']).label}")
    category = next((c for c in ORDER if c in met), HardshipCategory.NONE)
    reasons.append(f"结论：{HardshipCategory(category).label}")
    measures = {k: (str(v) if isinstance(v, Decimal) else v) for k, v in m.items()}
    return Assessment(category=str(category), measures=measures, reasons=reasons)
