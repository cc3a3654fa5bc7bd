"""Grant and payout rules with worked examples."""

import datetime
from decimal import Decimal

import pytest

from zhijia.aid.rules import Bill, claim_payout, relief_amount, tuition_amount
from zhijia.core.errors import ValidationFailed

TABLE = {"bachelor": {"file": 5000, "no_file": 3000}, "high_school": {"file": 2000, "no_file": 0}}
TODAY = datetime.date(2026, 9, 1)


def test_relief_pays_the_campaign_standard():
    assert relief_amount(Decimal("1000")).value == Decimal("1000.00")
    with pytest.raises(ValidationFailed):
        relief_amount(Decimal(0))


def test_tuition_grant_depends_on_level_and_file():
    kwargs = dict(grant_table=TABLE, age_limits={}, child_birth=datetime.date(2008, 5, 1), today=TODAY,
                  tuition=Decimal(5500))
    assert tuition_amount(level="bachelor", has_active_file=True, **kwargs).value == Decimal(5000)
    assert tuition_amount(level="bachelor", has_active_file=False, **kwargs).value == Decimal(3000)
    with pytest.raises(ValidationFailed) as error:  # the campaign funds no high-school pupils without a file
        tuition_amount(level="high_school", has_active_file=False, **kwargs)
    assert error.value.field == "level"


def test_a_child_over_the_age_limit_is_refused():
    # 26 on the day of applying; bachelors' limit is 25 by default, a campaign may raise it
    kwargs = dict(grant_table=TABLE, level="bachelor", has_active_file=True, child_birth=datetime.date(2000, 8, 1),
                  today=TODAY, tuition=Decimal(5000))
    with pytest.raises(ValidationFailed) as error:
        tuition_amount(age_limits={}, **kwargs)
    assert error.value.field == "child_id_number"
    assert "年龄上限" in error.value.message
    assert tuition_amount(age_limits={"bachelor": 28}, **kwargs).value == Decimal(5000)


def test_claim_payout_deductible_ratio_and_cap():
    bill = Bill(total=Decimal(30000), insurance_paid=Decimal(18000), self_paid=Decimal(12000))
    # (12000 - 1000) × 0.5 = 5500
    assert claim_payout(bill=bill, deductible=Decimal(1000), ratio=Decimal("0.5"), annual_cap=Decimal(20000),
                        paid_this_period=Decimal(0)).value == Decimal(5500)
    # only 2000 left of the year's cap
    capped = claim_payout(bill=bill, deductible=Decimal(1000), ratio=Decimal("0.5"), annual_cap=Decimal(20000),
                          paid_this_period=Decimal(18000))
    assert capped.value == Decimal(2000)
    assert "上限" in capped.calculation


def test_payout_never_exceeds_what_the_worker_paid():
    bill = Bill(total=Decimal(800), insurance_paid=Decimal(0), self_paid=Decimal(800))
    result = claim_payout(bill=bill, deductible=Decimal(0), ratio=Decimal("1.00"), annual_cap=Decimal(20000),
                          paid_this_period=Decimal(0))
    assert result.value == Decimal(800)


def test_nothing_to_pay_under_the_deductible_or_at_the_cap():
    bill = Bill(total=Decimal(900), insurance_paid=Decimal(0), self_paid=Decimal(900))
    with pytest.raises(ValidationFailed):
        claim_payout(bill=bill, deductible=Decimal(1000), ratio=Decimal("0.5"), annual_cap=Decimal(20000),
                     paid_this_period=Decimal(0))


@pytest.mark.parametrize("bill, field", [
    (Bill(total=Decimal(1000), insurance_paid=Decimal(0), self_paid=Decimal(1200)), "self_paid"),
    (Bill(total=Decimal(1000), insurance_paid=Decimal(500), self_paid=Decimal(600)), "self_paid"),
    (Bill(total=Decimal(0), insurance_paid=Decimal(0), self_paid=Decimal(0)), "total"),
    (Bill(total=Decimal(1000), insurance_paid=Decimal(-1), self_paid=Decimal(0)), "insurance_paid"),
])
def test_a_claim_larger_than_the_bill_is_refused(bill, field):
    with pytest.raises(ValidationFailed) as error:
        claim_payout(bill=bill, deductible=Decimal(0), ratio=Decimal("0.5"), annual_cap=Decimal(20000),
                     paid_this_period=Decimal(0))
    assert error.value.field == field
