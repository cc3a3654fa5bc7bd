"""Every eligibility test with worked examples, at the edges the rules draw."""

from decimal import Decimal

import pytest

from zhijia.aid.eligibility import Household, Thresholds, assess, validate_extra_rules
from zhijia.core.errors import ValidationFailed

SUZHOU = Thresholds(region="苏州市", dibao_monthly=Decimal("1245"))


def test_deep_hardship_when_per_capita_income_is_below_the_dibao_line():
    # (30000 + 0 + 0 - 6000) / 12 / 3 = 666.67 < 1245
    result = assess(Household(incomes=[Decimal(30000), Decimal(0), Decimal(0)], unavoidable_spending=Decimal(6000),
                              causes=["illness"]), SUZHOU)

    assert result.category == "deep"
    assert result.measures["per_capita_monthly"] == "666.67"
    assert any("符合深度困难" in line for line in result.reasons)
    assert result.reasons[-1] == "结论：深度困难"


def test_one_yuan_a_month_at_the_line_is_not_deep_but_relative():
    # exactly the line: 1245 × 12 × 2 = 29880 a year for two people -> not below, so not deep
    result = assess(Household(incomes=[Decimal(29880), Decimal(0)]), SUZHOU)

    assert result.measures["per_capita_monthly"] == "1245.00"
    assert result.category == "relative"


def test_relative_hardship_below_twice_the_line_and_none_above_it():
    # 2 × 1245 = 2490 a month per person; 2489 × 12 = 29868 for one person
    assert assess(Household(incomes=[Decimal(29868)]), SUZHOU).category == "relative"
    assert assess(Household(incomes=[Decimal(29880)]), SUZHOU).category == "none"


def test_accident_when_necessary_costs_exceed_eighty_percent_of_income():
    # income 100,000 (well above the lines); costs 80,001 > 80,000
    household = Household(incomes=[Decimal(60000), Decimal(40000)], necessary_costs=Decimal("80001"),
                          causes=["disaster"])
    assert assess(household, SUZHOU).category == "accident"
    household.necessary_costs = Decimal(80000)
    result = assess(household, SUZHOU)
    assert result.category == "none"
    assert any("不符合意外致困" in line for line in result.reasons)


def test_deep_wins_over_accident_when_both_hold():
    result = assess(Household(incomes=[Decimal(6000)], necessary_costs=Decimal(50000)), SUZHOU)
    assert result.category == "deep"
    assert any("符合意外致困" in line for line in result.reasons)


def test_a_region_adds_its_own_rule_without_code():
    # 病残家庭: illness and per capita under 2.5 × the line counts as relative hardship
    rule = {"name": "因病致困放宽", "category": "relative",
            "all": [{"measure": "causes", "op": "in", "value": ["illness"]},
                    {"measure": "dibao_ratio", "op": "<", "value": 2.5}]}
    thresholds = Thresholds(region="苏州市", dibao_monthly=Decimal(1245), extra_rules=(rule,))
    household = Household(incomes=[Decimal(33000)], causes=["illness"])  # 2750 a month: above 2×, below 2.5×

    assert assess(household, SUZHOU).category == "none"
    result = assess(household, thresholds)
    assert result.category == "relative"
    assert any("因病致困放宽" in line for line in result.reasons)
    household.causes = ["schooling"]
    assert assess(household, thresholds).category == "none"


def test_thresholds_are_per_region():
    household = Household(incomes=[Decimal(14400)])  # 1200 a month
    assert assess(household, SUZHOU).category == "deep"
    assert assess(household, Thresholds(region="全国", dibao_monthly=Decimal(800))).category == "relative"


@pytest.mark.parametrize("household, field", [
    (Household(incomes=[]), "household"),
    (Household(incomes=[Decimal(-1)]), "annual_income"),
    (Household(incomes=[Decimal(1000)], unavoidable_spending=Decimal(-5)), "unavoidable_spending"),
    (Household(incomes=[Decimal("100000000")]), "annual_income"),
])
def test_impossible_households_are_refused_naming_the_field(household, field):
    with pytest.raises(ValidationFailed) as error:
        assess(household, SUZHOU)
    assert error.value.field == field


@pytest.mark.parametrize("rules", [
    [{"category": "rich", "all": [{"measure": "size", "op": ">", "value": 1}]}],
    [{"category": "deep", "all": [{"measure": "salary", "op": "<", "value": 1}]}],
    [{"category": "deep", "all": [{"measure": "size", "op": "~", "value": 1}]}],
    [{"category": "deep", "all": []}],
    {"category": "deep"},
])
def test_malformed_region_rules_are_refused(rules):
    with pytest.raises(ValidationFailed) as error:
        validate_extra_rules(rules)
    assert error.value.field == "extra_rules"


def test_without_any_region_rule_the_national_fallback_applies(db):
    from zhijia.aid.models import RegionRule
    from zhijia.aid.services.files import thresholds_for
    from zhijia.org.models import Union

    RegionRule.objects.all().delete()
    thresholds = thresholds_for(Union(division_code="320508"))
    result = assess(Household(incomes=[Decimal(12000)], necessary_costs=Decimal(20000)), thresholds)
    assert thresholds.dibao_monthly == Decimal(800)
    assert result.category == "accident"  # 1000 a month is above 800; costs exceed 80% of income
