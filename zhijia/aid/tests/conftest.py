"""Aid personas on top of the shared tree: Suzhou's 低保 line, a household builder, and one campaign of each kind
run by 苏州市总工会 (grassroots first, then the county federation approves)."""

import datetime
import random
from decimal import Decimal

import pytest

from zhijia.aid.models import CampaignKind, RegionRule
from zhijia.aid.services.applications import ApplicationIn, CampaignData, application_submit, campaign_create
from zhijia.aid.services.files import FileData, PersonIn, file_create
from zhijia.core.generators import fake_id_number, fake_name

TODAY = datetime.date(2026, 11, 23)


@pytest.fixture
def regions(db):
    RegionRule.objects.update_or_create(division_prefix="", defaults={"name": "全国", "dibao_monthly": Decimal("800")})
    return RegionRule.objects.update_or_create(
        division_prefix="3205", defaults={"name": "苏州市", "dibao_monthly": Decimal("1245"), "approval_level": 3})[0]


@pytest.fixture
def people():
    rng = random.Random(5)

    def person(relation="self", income=0, min_age=25, max_age=55, **extra):
        return PersonIn(relation=relation, name=fake_name(rng),
                        id_number=fake_id_number(rng, "320508", min_age=min_age, max_age=max_age),
                        annual_income=income, **extra)

    return person


@pytest.fixture
def poor_household(people):
    """Three people living on 30,000 a year with 6,000 of medical bills: (30000-6000)/12/3 = 666.67 < 1245."""

    def build(**overrides):
        data = FileData(name="陈建国", causes=["illness"], unavoidable_spending=Decimal("6000"),
                        bank_name="中国工商银行", bank_account="6222020200112233445",
                        household=[people("self", 30000), people("spouse", 0), people("child", 0, 8, 15)])
        for key, value in overrides.items():
            setattr(data, key, value)
        return data

    return build


@pytest.fixture
def make_file(tree, chair, regions, poor_household):
    def build(data=None, union=None, actor=None):
        return file_create(actor=actor or chair, union=union or tree.grassroots, data=data or poor_household())

    return build


@pytest.fixture
def relief(tree, city_staff):
    return campaign_create(actor=city_staff, union=tree.city, data=CampaignData(
        name="2027年元旦春节送温暖", kind=CampaignKind.RELIEF, year=2026, starts_on=datetime.date(2026, 11, 1),
        ends_on=datetime.date(2027, 1, 31), budget="100000", review_levels=[4, 3],
        groups=["hardship", "frontline"], standard_amount="1000"))


@pytest.fixture
def tuition(tree, city_staff):
    return campaign_create(actor=city_staff, union=tree.city, data=CampaignData(
        name="2026年金秋助学", kind=CampaignKind.TUITION, year=2026, starts_on=datetime.date(2026, 8, 1),
        ends_on=datetime.date(2026, 12, 31), budget="200000", review_levels=[4, 3],
        grant_table={"bachelor": {"file": 5000, "no_file": 3000}, "college": {"file": 4000, "no_file": 2000},
                     "high_school": {"file": 2000, "no_file": 1000}}))


@pytest.fixture
def mutual(tree, city_staff):
    return campaign_create(actor=city_staff, union=tree.city, data=CampaignData(
        name="2026年度职工住院医疗互助", kind=CampaignKind.MUTUAL, year=2026, starts_on=datetime.date(2026, 1, 1),
        ends_on=datetime.date(2026, 12, 31), budget="500000", review_levels=[3], premium="30", deductible="1000",
        payout_ratio="0.5", annual_cap="20000"))


@pytest.fixture
def child_id():
    rng = random.Random(11)
    return lambda min_age=18, max_age=19: fake_id_number(rng, "320508", min_age=min_age, max_age=max_age)


@pytest.fixture
def worker_member(tree, chair, worker, person):
    """王小明 (the worker persona) as a member of grassroots union A, linked to his account."""
    from zhijia.members.services import member_create

    member = member_create(actor=chair, union=tree.grassroots, data=person(name="王小明"))
    member.user = worker
    member.save(update_fields=["user"])
    return member


@pytest.fixture
def apply_tuition(tree, chair, child_id):
    def build(campaign, *, level="bachelor", child=None, actor=None, applicant=None, union=None, **extra):
        data = ApplicationIn(name="王小明", id_number=fake_id_number(random.Random(99), "320508"),
                             bank_name="中国银行", bank_account="6216610200016587010", child_name="王乐乐",
                             child_id_number=child or child_id(), school="苏州大学", level=level,
                             admission_year=2026, tuition="5500")
        for key, value in extra.items():
            setattr(data, key, value)
        return application_submit(actor=actor or chair, campaign=campaign, union=union or tree.grassroots, data=data,
                                  applicant=applicant, today=TODAY)

    return build
