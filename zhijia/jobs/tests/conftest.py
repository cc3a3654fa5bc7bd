"""Employment-help personas on the shared tree: an employer in 姑苏区 with an account, vacancy and seeker
builders (苏州 district centres: 姑苏区 320508, 吴中区 320506 ~9 km apart, 南京 far away)."""

import datetime
import random

import pytest

from conftest import make_user
from zhijia.core.generators import fake_credit_code
from zhijia.jobs import matching
from zhijia.jobs.services import EmployerData, SeekerData, VacancyData, employer_create, seeker_save, vacancy_create

TODAY = datetime.date.today()


@pytest.fixture(autouse=True)
def fresh_index():
    matching.reset()
    yield
    matching.reset()


@pytest.fixture
def employer_user(db):
    return make_user("hr", "精工人事")


@pytest.fixture
def employer(tree, county_staff, employer_user):
    return employer_create(actor=county_staff, union=tree.county, account_user=employer_user, data=EmployerData(
        name="苏州精工机械有限公司", credit_code=fake_credit_code(random.Random(1), "320508", prefix="91"),
        division_code="320508", address="姑苏区工业园路1号", contact_name="李经理", contact_phone="13912340000"))


@pytest.fixture
def post(employer, employer_user):
    def build(**overrides):
        data = VacancyData(title="招聘电焊工", occupation="焊工", skills=["二保焊", "氩弧焊", "看图"], wage_min=6000,
                           wage_max=8000, division_code="320508", valid_until=TODAY + datetime.timedelta(days=30),
                           shifts=["day"], min_level=1)
        for key, value in overrides.items():
            setattr(data, key, value)
        return vacancy_create(actor=employer_user, employer=employer, data=data)

    return build


@pytest.fixture
def seeker(tree, officer):
    def build(**overrides):
        data = SeekerData(name="刘师傅", phone="13700001111", occupations=["电焊工"], skills=["二保焊", "看图"],
                          skills_text="从事焊接八年，会氩弧焊", level=2, expected_wage=6500, division_code="320508",
                          start_date=TODAY, max_distance_km=15, shifts=["day"], priority_group="redeployed")
        for key, value in overrides.items():
            setattr(data, key, value)
        return seeker_save(actor=officer, union=tree.grassroots, data=data)

    return build
