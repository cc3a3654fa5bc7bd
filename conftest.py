"""Shared test personas. Tests read like stories about these people and unions:

江苏省总工会 (province)
├── 苏州市总工会 (city)
│   ├── 姑苏区总工会 (county)
│   │   ├── 苏州精工机械有限公司工会 (grassroots A)  ← chair, officer
│   │   └── 姑苏区快递行业工会联合会 (regional, open to flexible workers)
│   └── 吴中区总工会 (county)
│       └── 吴中电子有限公司工会 (grassroots B)
└── 南京市总工会 (city)
    └── 玄武区总工会 (county)
        └── 南京软件有限公司工会 (grassroots C)
"""

import random

import pytest

from zhijia.accounts.models import Role, RoleAssignment, User
from zhijia.core.generators import fake_credit_code, fake_id_number, fake_name, fake_phone
from zhijia.org.models import Kind, Level, Union
from zhijia.members.services import PersonData


def make_union(name, kind, level, parent, division_code, rng=random.Random(7)):
    union = Union.objects.create(
        name=name,
        kind=kind,
        level=level,
        parent=parent,
        division_code=division_code,
        credit_code=fake_credit_code(rng, division_code),
    )
    union.path = (parent.path if parent else "/") + f"{union.pk}/"
    union.depth = parent.depth + 1 if parent else 0
    union.province_id = None if level == Level.NATIONAL else (parent.province_id or union.pk)
    union.save()
    return union


class Tree:
    pass


@pytest.fixture
def tree(db):
    t = Tree()
    t.national = make_union("中华全国总工会", Kind.FEDERATION, Level.NATIONAL, None, "110000")
    t.province = make_union("江苏省总工会", Kind.FEDERATION, Level.PROVINCIAL, t.national, "320000")
    t.city = make_union("苏州市总工会", Kind.FEDERATION, Level.CITY, t.province, "320500")
    t.county = make_union("姑苏区总工会", Kind.FEDERATION, Level.COUNTY, t.city, "320508")
    t.grassroots = make_union("苏州精工机械有限公司工会", Kind.ENTERPRISE, Level.GRASSROOTS, t.county, "320508")
    t.regional = make_union("姑苏区快递行业工会联合会", Kind.SECTOR_FEDERATION, Level.GRASSROOTS, t.county, "320508")
    t.county_b = make_union("吴中区总工会", Kind.FEDERATION, Level.COUNTY, t.city, "320506")
    t.grassroots_b = make_union("吴中电子有限公司工会", Kind.ENTERPRISE, Level.GRASSROOTS, t.county_b, "320506")
    t.other_city = make_union("南京市总工会", Kind.FEDERATION, Level.CITY, t.province, "320100")
    t.other_county = make_union("玄武区总工会", Kind.FEDERATION, Level.COUNTY, t.other_city, "320102")
    t.grassroots_c = make_union("南京软件有限公司工会", Kind.ENTERPRISE, Level.GRASSROOTS, t.other_county, "320102")
    return t


def make_user(username, display_name, role=None, union=None):
    user = User.objects.create_user(username=username, password="pass-for-tests-1", display_name=display_name)
    if role:
        RoleAssignment.objects.create(user=user, union=union, role=role)
    return user


@pytest.fixture
def worker(db):
    return make_user("13900000001", "王小明")


@pytest.fixture
def other_worker(db):
    return make_user("13900000002", "李小红")


@pytest.fixture
def chair(tree):
    return make_user("chair", "张主席", Role.GRASSROOTS_CHAIR, tree.grassroots)


@pytest.fixture
def officer(tree):
    return make_user("officer", "赵干事", Role.GRASSROOTS_OFFICER, tree.grassroots)


@pytest.fixture
def chair_b(tree):
    return make_user("chair_b", "吴主席", Role.GRASSROOTS_CHAIR, tree.grassroots_b)


@pytest.fixture
def county_staff(tree):
    return make_user("county", "钱科员", Role.UPPER_STAFF, tree.county)


@pytest.fixture
def city_staff(tree):
    return make_user("city", "孙处长", Role.UPPER_STAFF, tree.city)


@pytest.fixture
def nanjing_staff(tree):
    return make_user("nanjing", "周科长", Role.UPPER_STAFF, tree.other_city)


@pytest.fixture
def sysadmin(tree):
    return make_user("sysadmin", "系统管理员", Role.SYSADMIN, tree.province)


@pytest.fixture
def calendar(db):
    """The working-day calendar as its migration seeds it.

    A transactional test (the browser tests) flushes every table, migration data included,
    so tests that count working days reseed it rather than trust the migration.
    """
    from zhijia.core.calendar_seed import seed_calendar
    from zhijia.core.models import CalendarDay

    seed_calendar(CalendarDay)


@pytest.fixture
def rng():
    return random.Random(20261123)


@pytest.fixture
def person(rng):
    """A valid, fresh person each call: person() -> PersonData."""

    def build(**overrides):
        data = PersonData(
            name=fake_name(rng),
            id_number=fake_id_number(rng, "320508"),
            phone=fake_phone(rng),
            employer="苏州精工机械有限公司",
        )
        for key, value in overrides.items():
            setattr(data, key, value)
        return data

    return build


CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


@pytest.fixture
def browser_page(live_server, monkeypatch):
    """A Playwright page in Debian's headless Chromium (never a downloaded browser), 360px wide like a phone."""
    import os

    if not os.path.exists(CHROMIUM):
        pytest.fail(f"{CHROMIUM} is missing: `make test` installs Debian's chromium package")
    # Playwright's sync API runs an event loop in this thread; the ORM calls in the test are still synchronous.
    monkeypatch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS)
        context = browser.new_context(viewport={"width": 360, "height": 780}, locale="zh-CN")
        page = context.new_page()
        page.set_default_timeout(15000)
        page.base_url = live_server.url
        try:
            yield page
        finally:
            context.close()
            browser.close()


def browser_login(page, username, password="pass-for-tests-1"):
    page.goto(page.base_url + "/accounts/login/")
    page.fill("#f-username", username)
    page.fill("#f-password", password)
    with page.expect_navigation():
        page.click("main button[type=submit]")
