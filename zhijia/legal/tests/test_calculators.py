"""Calculators against worked examples, each with the articles it rests on."""

import datetime
from decimal import Decimal

import pytest

from zhijia.core.errors import ValidationFailed
from zhijia.legal import calculators as calc

D = datetime.date


@pytest.mark.parametrize("months,expected", [(0, "0"), (3, "0.5"), (6, "1"), (12, "1"), (40, "3.5"), (42, "4"), (147, "12.5"), (150, "13")])
def test_compensation_months_half_month_rule(months, expected):
    assert calc.compensation_months(months) == Decimal(expected)


def test_service_months_counts_whole_months():
    assert calc.service_months(D(2023, 3, 15), D(2026, 3, 14)) == 35
    assert calc.service_months(D(2023, 3, 15), D(2026, 3, 15)) == 36


def test_three_years_dismissed_gets_three_months():
    # 干了三年被辞退: 3 × 8,000
    result = calc.severance(start=D(2023, 1, 1), end=D(2026, 1, 1), monthly_wage=8000, local_average_wage=10000)
    assert result.amount == Decimal("24000.00")
    assert ("劳动合同法", "第四十七条") in result.articles


def test_n_plus_one_uses_last_month_wage():
    result = calc.severance(start=D(2020, 5, 1), end=D(2026, 2, 1), monthly_wage=6000, local_average_wage=9000,
                            reason="no_notice", last_month_wage=6500)
    # 5 years 9 months → 6 months × 6,000 + 6,500
    assert result.amount == Decimal("42500.00")
    assert ("劳动合同法", "第四十条") in result.articles and ("劳动合同法实施条例", "第二十条") in result.articles


def test_unlawful_termination_is_double():
    result = calc.severance(start=D(2024, 1, 1), end=D(2026, 4, 1), monthly_wage=5000, local_average_wage=9000, reason="unlawful")
    assert result.amount == Decimal("25000.00")  # 2.5 months × 5,000 × 2
    assert ("劳动合同法", "第八十七条") in result.articles


def test_high_earner_is_capped_at_three_times_and_twelve_years():
    result = calc.severance(start=D(2006, 1, 1), end=D(2026, 1, 1), monthly_wage=50000, local_average_wage=10000)
    assert result.amount == Decimal("360000.00")  # 30,000 × 12
    short = calc.severance(start=D(2021, 1, 1), end=D(2026, 1, 1), monthly_wage=50000, local_average_wage=10000)
    assert short.amount == Decimal("150000.00")  # 30,000 × 5: the year cap only bites above twelve


def test_low_earner_with_long_service_is_not_capped():
    result = calc.severance(start=D(2006, 1, 1), end=D(2026, 1, 1), monthly_wage=6000, local_average_wage=10000)
    assert result.amount == Decimal("120000.00")  # 20 × 6,000


def test_severance_rejects_bad_input():
    with pytest.raises(ValidationFailed) as exc:
        calc.severance(start=D(2026, 1, 1), end=D(2025, 1, 1), monthly_wage=5000, local_average_wage=9000)
    assert exc.value.field == "end"
    with pytest.raises(ValidationFailed) as exc:
        calc.severance(start=D(2025, 1, 1), end=D(2026, 1, 1), monthly_wage="abc", local_average_wage=9000)
    assert exc.value.field == "monthly_wage"


def test_overtime_rates():
    # 4,350 a month → 4350/21.75/8 = 25 an hour
    result = calc.overtime(monthly_wage=4350, workday_hours=10, restday_hours=8, holiday_hours=8)
    assert result.amount == Decimal("375.00") + Decimal("400.00") + Decimal("600.00")
    assert ("劳动法", "第四十四条") in result.articles
    with pytest.raises(ValidationFailed):
        calc.overtime(monthly_wage=4350)


@pytest.mark.parametrize("years,days", [(0, 0), (1, 5), (9, 5), (10, 10), (19, 10), (20, 15), (35, 15)])
def test_annual_leave_days(years, days):
    assert calc.annual_leave(cumulative_years=years).days == days


def test_untaken_annual_leave_pay():
    # 10 days due, 4 taken, 6,525 a month → 300/day × 300% × 6
    result = calc.annual_leave(cumulative_years=12, monthly_wage=6525, days_taken=4)
    assert result.amount == Decimal("5400.00")
    assert ("企业职工带薪年休假实施办法", "第十条") in result.articles


@pytest.mark.parametrize("months,task,limit", [(2, False, 0), (3, False, 1), (11, False, 1), (12, False, 2), (35, False, 2),
                                               (36, False, 6), (None, False, 6), (24, True, 0)])
def test_probation_limits(months, task, limit):
    assert calc.probation_limit(contract_months=months, task_based=task).days == limit


@pytest.fixture
def extensions(db):
    from zhijia.legal.models import MaternityExtension
    from zhijia.legal.seeds import seed_maternity

    seed_maternity(MaternityExtension)  # as the migration does (a transactional test elsewhere may have flushed it)


def test_maternity_leave_national_and_regional(extensions):
    assert calc.maternity_leave().days == 98
    assert calc.maternity_leave(babies=2, difficult_birth=True).days == 128
    assert calc.maternity_leave(division_code="110105").days == 158  # 北京 +60, seeded as data
    assert calc.maternity_leave(division_code="440305").days == 178  # 广东 +80
    unknown = calc.maternity_leave(division_code="650102")
    assert unknown.days == 98 and "尚未录入" in " ".join(unknown.lines)
    assert calc.maternity_leave(miscarriage_months=3).days == 15
    assert calc.maternity_leave(miscarriage_months=5).days == 42


def test_calculator_page_shows_working_and_quotes_articles(db, tmp_path):
    import shutil

    from django.test import Client

    from zhijia.legal.corpus import LAWS_DIR
    from zhijia.legal.services import corpus_load

    for name in ("劳动合同法.md", "劳动合同法实施条例.md"):
        shutil.copy(LAWS_DIR / name, tmp_path / name)
    corpus_load(directory=tmp_path)
    body = Client().get("/legal/calc/", {"kind": "severance", "go": "1", "start": "2023-01-01", "end": "2026-01-01",
                                         "monthly_wage": "8000", "local_average_wage": "10000"}).content.decode()
    assert "24000.00" in body and "《劳动合同法》第四十七条" in body and "每满一年支付一个月工资" in body
    bad = Client().get("/legal/calc/", {"kind": "severance", "go": "1", "start": "2023-01-01", "end": "",
                                        "monthly_wage": "8000", "local_average_wage": "10000"}).content.decode()
    assert "请填写日期" in bad


def test_calculator_api(db):
    from django.test import Client

    body = Client().get("/api/legal/calc/overtime", {"monthly_wage": "4350", "workday_hours": "10"}).json()
    assert body["amount"] == "375.00" and body["articles"][0]["law"] == "劳动法"
    bad = Client().get("/api/legal/calc/overtime", {"monthly_wage": "-1", "workday_hours": "10"})
    assert bad.status_code == 422 and bad.json()["field"] == "monthly_wage"
    assert Client().get("/api/legal/calc/nope").status_code == 404
