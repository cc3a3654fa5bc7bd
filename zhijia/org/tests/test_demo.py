import datetime
import random
from io import StringIO

import pytest
from django.contrib.auth import authenticate
from django.core.management import CommandError, call_command
from django.test import Client, RequestFactory
from django.utils import timezone

from zhijia.accounts.models import Role, RoleAssignment, User
from zhijia.core.models import AuditLog
from zhijia.core.pii import lookup_hash
from zhijia.core.validators import (
    clean_credit_code,
    clean_division_code,
    clean_id_number,
    clean_phone,
    division_name,
    id_number_birth_date,
    id_number_gender,
)
from zhijia.members.models import HOLDING_STATUSES, Member
from zhijia.members.selectors import member_list
from zhijia.members.services import age_on
from zhijia.org import demo
from zhijia.org.models import Kind, Level, Union

MEMBERS = 300  # what `make run` seeds
DEMO_WORKER_MEMBERS = 1  # 王小明 joins the officer's union in the hardship-aid demo (zhijia.aid.demo)


def seed(**options) -> str:
    out = StringIO()
    call_command("seed_demo", stdout=out, **options)
    return out.getvalue()


@pytest.fixture
def seeded(db):
    return seed(members=MEMBERS, seed=11)


def test_small_demo_builds_three_cities_with_their_real_counties(seeded):
    # then the tree is 全国 → 江苏 → 苏州/南京/无锡 → their current counties
    assert "会员 300 人" in seeded
    assert Union.objects.get(level=Level.NATIONAL).name == "中华全国总工会"
    assert Union.objects.get(level=Level.PROVINCIAL).name == "江苏省总工会"
    cities = dict(Union.objects.filter(level=Level.CITY).values_list("division_code", "name"))
    assert cities == {"320500": "苏州市总工会", "320100": "南京市总工会", "320200": "无锡市总工会"}
    counties = Union.objects.filter(level=Level.COUNTY)
    expected_codes = {code for city in cities for code in demo.counties_of(city)}
    assert set(counties.values_list("division_code", flat=True)) == expected_codes
    assert "320508" in expected_codes and "320501" not in expected_codes  # 姑苏区 in, 市辖区 placeholder out
    for county in counties:
        # named after its division, with flexible-work federations, a park and towns below it
        assert division_name(county.division_code).endswith(county.name.removesuffix("总工会"))
        kinds = [u.kind for u in Union.objects.filter(parent=county)]
        assert kinds.count(Kind.SECTOR_FEDERATION) == 2
        assert {Kind.REGIONAL_FEDERATION, Kind.PARK, Kind.TOWNSHIP, Kind.INSTITUTION} <= set(kinds)
        assert Union.objects.filter(path__startswith=county.path, kind=Kind.ENTERPRISE).exists()
    couriers = Union.objects.get(name="姑苏区快递行业工会联合会")
    assert couriers.open_to_flexible_workers and couriers.division_code == "320508"
    assert Member.objects.count() == MEMBERS + DEMO_WORKER_MEMBERS


def test_every_union_keeps_the_tree_invariants(seeded):
    unions = {u.pk: u for u in Union.objects.all()}
    for union in unions.values():
        parent = unions.get(union.parent_id)
        assert union.path == (parent.path if parent else "/") + f"{union.pk}/", union.name
        assert union.depth == (parent.depth + 1 if parent else 0)
        expected_province = None if union.level == Level.NATIONAL else (
            union.pk if union.level == Level.PROVINCIAL else parent.province_id)
        assert union.province_id == expected_province, union.name
        if parent:
            assert union.level >= parent.level and parent.kind not in (Kind.ENTERPRISE, Kind.INSTITUTION)
        assert clean_division_code(union.division_code) == union.division_code
        assert clean_credit_code(union.credit_code) == union.credit_code
        assert union.chair_name and union.established_on <= datetime.date.today()
    assert len({u.credit_code for u in unions.values()}) == len(unions)
    assert len({u.name for u in unions.values()}) == len(unions)


def test_every_member_is_a_valid_adult_in_a_union_that_takes_members(seeded):
    today = timezone.localdate()
    members = list(Member.objects.select_related("union"))
    for member in members:
        assert clean_id_number(member.id_number) == member.id_number
        assert 18 <= age_on(member.birth_date, today) <= 60
        assert member.birth_date == id_number_birth_date(member.id_number)
        assert member.gender == id_number_gender(member.id_number)
        assert member.id_number_hash == lookup_hash(member.id_number)
        assert clean_phone(member.phone) == member.phone and member.phone_hash == lookup_hash(member.phone)
        assert member.union.accepts_members and member.province_id == member.union.province_id
        assert member.member_no.startswith("32") and len(member.member_no) == 12
        assert age_on(member.birth_date, member.joined_on) >= 18 and member.joined_on <= today
        assert member.employer
        if not member.is_migrant_worker:
            # born where they work: a place code of the union's own province (the city's, for most)
            assert member.id_number[:2] == member.union.division_code[:2]
    assert len({m.member_no for m in members}) == len(members)
    holding = [m.id_number_hash for m in members if m.status in HOLDING_STATUSES]
    assert len(set(holding)) == len(holding)
    # the demo shows the groups the platform cares about
    assert any(m.is_migrant_worker for m in members)
    assert {m.new_form_type for m in members} >= {"courier", "food_delivery"}
    for member in members:
        if member.union.kind == Kind.SECTOR_FEDERATION:
            assert member.new_form_type in ("courier", "food_delivery")


def test_demo_accounts_sign_in_with_the_documented_roles(seeded):
    for username in ("13800000000", "officer", "city", "admin"):
        request = RequestFactory().post("/accounts/login/")
        assert authenticate(request, username=username, password=demo.DEMO_PASSWORD) is not None, username
    signed_in = Client().post("/accounts/login/", {"username": "officer", "password": demo.DEMO_PASSWORD})
    assert signed_in.status_code == 302

    worker = User.objects.get(username="13800000000")
    assert worker.display_name == "王小明"
    assert not worker.role_assignments.exists()
    assert Member.objects.get(user=worker).union.name == demo.OFFICER_UNION_NAME

    officer_role = RoleAssignment.objects.select_related("union").get(user__username="officer")
    first_suzhou = (Union.objects.filter(path__startswith=Union.objects.get(name="苏州市总工会").path,
                                         level=Level.GRASSROOTS).order_by("id").first())
    assert officer_role.role == Role.GRASSROOTS_CHAIR and officer_role.union == first_suzhou
    assert officer_role.union.name == demo.OFFICER_UNION_NAME
    assert officer_role.union.chair_name == officer_role.user.display_name
    assert Member.objects.filter(union=first_suzhou).count() >= 10  # the chair has members to look at

    city_role = RoleAssignment.objects.select_related("union").get(user__username="city")
    assert (city_role.role, city_role.union.name, city_role.union.division_code) == (
        Role.UPPER_STAFF, "苏州市总工会", "320500")
    suzhou_members = Member.objects.filter(union__path__startswith=city_role.union.path).count()
    assert 0 < suzhou_members < MEMBERS
    assert member_list(actor=city_role.user).count() == suzhou_members

    admin = User.objects.get(username="admin")
    assert admin.is_staff and admin.is_superuser
    assert admin.role_assignments.get().union.name == "江苏省总工会"
    assert admin.role_assignments.get().role == Role.SYSADMIN


def test_seed_writes_one_summary_audit_entry_not_one_per_member(seeded):
    entry = AuditLog.objects.get(action="demo.seed")
    assert entry.after["members"] == MEMBERS and entry.actor_name == "admin"
    # members are bulk-loaded without an entry each; only what the demo files through services adds entries:
    # the tickets, the hardship-aid and employment-help data, and 王小明 joining (one member.create)
    assert AuditLog.objects.filter(action__startswith="member.").count() == DEMO_WORKER_MEMBERS
    assert AuditLog.objects.exclude(action__regex=r"^(ticket|aid|jobs|join|member)\.").count() == 1


def test_if_empty_leaves_an_existing_database_alone(seeded):
    counts = (Union.objects.count(), Member.objects.count(), User.objects.count())
    # when `make run` seeds again
    output = seed(members=MEMBERS, if_empty=True)
    # then nothing changes
    assert "跳过" in output
    assert (Union.objects.count(), Member.objects.count(), User.objects.count()) == counts
    # and without --if-empty it refuses rather than add a second tree
    with pytest.raises(CommandError):
        seed(members=10)


def test_topping_up_adds_members_without_a_second_holding_membership(seeded):
    # when more members are added to the existing tree (what the benchmark does after an interrupted seed)
    added = demo.seed_members(count=150, rng=random.Random(11), batch_size=40)
    # then the registry grew, numbers stay unique and nobody holds two memberships
    assert added == 150 and Member.objects.count() == MEMBERS + DEMO_WORKER_MEMBERS + 150
    assert Member.objects.values("member_no").distinct().count() == MEMBERS + DEMO_WORKER_MEMBERS + 150
    hashes = list(Member.objects.filter(status__in=HOLDING_STATUSES).values_list("id_number_hash", flat=True))
    assert len(hashes) == len(set(hashes))


def test_tree_only_without_members(db):
    output = seed(members=0)
    assert "会员 0 人" in output and Member.objects.count() == 0
    assert User.objects.filter(username__in=["13800000000", "officer", "city", "admin"]).count() == 4


def test_negative_member_count_is_refused(db):
    with pytest.raises(CommandError):
        seed(members=-1)


def test_id_numbers_for_bulk_seeding_follow_the_same_rules():
    # the fast generator must produce what clean_id_number accepts, for every place it is used with
    rng = random.Random(5)
    ids = demo.IdNumbers(rng, datetime.date.today())
    codes = demo.MIGRANT_ORIGINS + demo.counties_of("320500") + demo.counties_of("320100")
    for code in codes:
        for _ in range(30):
            number = ids.make(code)
            assert clean_id_number(number) == number
            assert number[:2] == code[:2]  # born in the same province, even before the district existed
