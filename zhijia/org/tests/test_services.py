import dataclasses
import datetime
import random

import pytest

from zhijia.accounts.models import Role, RoleAssignment, User
from zhijia.core.errors import ErrorCode, NotFound, PermissionDenied, ValidationFailed
from zhijia.core.generators import fake_credit_code
from zhijia.core.models import AuditLog
from zhijia.members import services as member_services
from zhijia.members.models import Member, MemberChange
from zhijia.members.selectors import member_list
from zhijia.org.models import Kind, Level, Union
from zhijia.org.selectors import union_subtree
from zhijia.org.services import UnionData, union_create, union_move, union_update

RNG = random.Random(99)


def enterprise(name="苏州新材料有限公司工会", division_code="320508", **overrides) -> UnionData:
    data = UnionData(
        name=name,
        kind=Kind.ENTERPRISE,
        level=Level.GRASSROOTS,
        division_code=division_code,
        credit_code=fake_credit_code(RNG, division_code),
        chair_name="周建国",
        established_on=datetime.date(2015, 3, 1),
    )
    return dataclasses.replace(data, **overrides)


def assert_consistent(union: Union) -> None:
    """The Union invariants, checked against the parent as stored."""
    union.refresh_from_db()
    parent = union.parent
    assert union.path == (parent.path if parent else "/") + f"{union.pk}/"
    assert union.depth == (parent.depth + 1 if parent else 0)
    if union.level == Level.NATIONAL:
        assert union.province_id is None
    elif union.level == Level.PROVINCIAL:
        assert union.province_id == union.pk
    else:
        assert union.province_id == parent.province_id


def staff(username, role, union) -> User:
    user = User.objects.create_user(username=username, password="pass-for-tests-1", display_name=username)
    RoleAssignment.objects.create(user=user, union=union, role=role)
    return user


# ---- union_create ---------------------------------------------------------------------------


def test_city_staff_create_a_union_under_a_county(tree, city_staff):
    # when 苏州市 staff register a new enterprise union under 姑苏区总工会
    union = union_create(actor=city_staff, parent=tree.county, data=enterprise())
    # then it sits in the tree with consistent path, depth and province
    assert_consistent(union)
    assert union.path.startswith(tree.county.path) and union.depth == 4 and union.province_id == tree.province.pk
    assert union in union_subtree(tree.city)
    # and the creation is audited with the new union's data
    entry = AuditLog.objects.get(action="union.create", object_id=str(union.pk))
    assert entry.actor == city_staff and entry.union_id == union.pk and entry.union_path == union.path
    assert entry.after["name"] == "苏州新材料有限公司工会"


TOMORROW = datetime.date.today() + datetime.timedelta(days=1)


@pytest.mark.parametrize(
    "overrides, field, code",
    [
        ({"name": "   "}, "name", ErrorCode.REQUIRED),
        ({"name": "工" * 101}, "name", ErrorCode.INVALID),
        ({"kind": "guild"}, "kind", ErrorCode.INVALID),
        ({"level": 9}, "level", ErrorCode.INVALID),
        ({"status": "closed"}, "status", ErrorCode.INVALID),
        ({"division_code": ""}, "division_code", ErrorCode.REQUIRED),
        ({"division_code": "3205"}, "division_code", ErrorCode.INVALID_DIVISION_CODE),
        ({"division_code": "320502"}, "division_code", ErrorCode.INVALID_DIVISION_CODE),  # 沧浪区, revoked
        ({"credit_code": "91320000MA1X000005"}, "credit_code", ErrorCode.INVALID_CREDIT_CODE),
        ({"established_on": TOMORROW}, "established_on", ErrorCode.INVALID_DATE),
        ({"level": Level.CITY}, "level", ErrorCode.INVALID),  # above its parent county
        ({"kind": Kind.FEDERATION, "level": Level.COUNTY}, "level", ErrorCode.INVALID),  # federation beside its parent
    ],
)
def test_create_refuses_bad_data_naming_the_field(tree, city_staff, overrides, field, code):
    before = Union.objects.count()
    # when the form is submitted with one bad value
    with pytest.raises(ValidationFailed) as excinfo:
        union_create(actor=city_staff, parent=tree.county, data=enterprise(**overrides))
    # then the error names that field, and nothing is written
    assert (excinfo.value.field, excinfo.value.code) == (field, code)
    assert excinfo.value.message
    assert Union.objects.count() == before
    assert not AuditLog.objects.filter(action="union.create").exists()


def test_create_refuses_a_credit_code_already_in_use_naming_its_union(tree, city_staff):
    with pytest.raises(ValidationFailed) as excinfo:
        union_create(actor=city_staff, parent=tree.county, data=enterprise(credit_code=tree.grassroots.credit_code))
    assert excinfo.value.code == ErrorCode.DUPLICATE_CREDIT_CODE and excinfo.value.field == "credit_code"
    assert "苏州精工机械有限公司工会" in excinfo.value.message


def test_no_union_can_be_placed_under_an_enterprise_union(tree, city_staff):
    with pytest.raises(ValidationFailed) as excinfo:
        union_create(actor=city_staff, parent=tree.grassroots, data=enterprise())
    assert excinfo.value.field == "parent"


@pytest.mark.parametrize(
    "persona, parent, error",
    [
        ("county_staff", "county_b", NotFound),  # 姑苏区 staff under 吴中区: not even visible
        ("nanjing_staff", "county", NotFound),  # 南京 staff under a 苏州 county
        ("chair", "regional", NotFound),  # a grassroots chair sees only their own union
        ("chair", "grassroots", PermissionDenied),  # sees it, but chairs do not create unions
        ("worker", "county", NotFound),
    ],
)
def test_create_under_a_parent_out_of_reach_is_denied(request, tree, persona, parent, error):
    actor = request.getfixturevalue(persona)
    before = Union.objects.count()
    with pytest.raises(error):
        union_create(actor=actor, parent=getattr(tree, parent), data=enterprise())
    assert Union.objects.count() == before
    assert not AuditLog.objects.filter(action="union.create").exists()


def test_only_a_superuser_creates_a_union_without_parent(tree, sysadmin):
    with pytest.raises(ValidationFailed) as excinfo:
        union_create(actor=sysadmin, parent=None, data=enterprise())
    assert excinfo.value.field == "parent"


# ---- union_update ---------------------------------------------------------------------------


def test_chair_updates_own_union_and_the_change_is_audited(tree, chair):
    data = UnionData(
        name="苏州精工机械股份有限公司工会", kind=Kind.ENTERPRISE, level=Level.GRASSROOTS, division_code="320508",
        credit_code=tree.grassroots.credit_code, chair_name="张主席",
    )
    union = union_update(actor=chair, union=tree.grassroots, data=data)
    assert union.name == "苏州精工机械股份有限公司工会"
    assert_consistent(union)
    entry = AuditLog.objects.get(action="union.update", object_id=str(union.pk))
    assert entry.before["name"] == "苏州精工机械有限公司工会" and entry.after["name"] == "苏州精工机械股份有限公司工会"


def test_chair_cannot_update_another_union(tree, chair_b):
    data = enterprise(name="改名", credit_code=None)
    with pytest.raises(NotFound):
        union_update(actor=chair_b, union=tree.grassroots, data=data)
    tree.grassroots.refresh_from_db()
    assert tree.grassroots.name == "苏州精工机械有限公司工会"


# ---- union_move -----------------------------------------------------------------------------


@pytest.fixture
def deep(tree, sysadmin):
    """A third level below 姑苏区: an enterprise union under its courier federation."""
    return union_create(actor=sysadmin, parent=tree.regional, data=enterprise(name="姑苏顺丰速运有限公司工会"))


def test_moving_a_county_moves_its_whole_subtree(tree, sysadmin, deep, chair, person):
    member = member_services.member_create(actor=chair, union=tree.grassroots, data=person())
    subtree = [tree.county, tree.grassroots, tree.regional, deep]
    old_path = tree.county.path
    # when the provincial sysadmin puts 姑苏区总工会 under 南京市总工会
    union_move(actor=sysadmin, union=tree.county, new_parent=tree.other_city)
    # then every union below it has a consistent path, depth and province
    for union in subtree:
        assert_consistent(union)
        assert union.path.startswith(tree.other_city.path)
    assert deep.depth == 5
    # and the subtree queries follow: 南京 now holds them, 苏州 no longer does
    assert set(union_subtree(tree.other_city)) >= set(subtree)
    assert not set(union_subtree(tree.city)) & set(subtree)
    assert set(union_subtree(tree.county)) == set(subtree)
    # and so do the member lists of the staff on each side
    nanjing_staff = staff("nanjing2", Role.UPPER_STAFF, tree.other_city)
    suzhou_staff = staff("suzhou2", Role.UPPER_STAFF, tree.city)
    assert member in member_list(actor=nanjing_staff, union=tree.other_city)
    assert member not in member_list(actor=suzhou_staff)
    # and the move is audited with the old and new path
    entry = AuditLog.objects.get(action="union.move", object_id=str(tree.county.pk))
    assert entry.actor == sysadmin
    assert entry.before["path"] == old_path and entry.after["path"] == tree.county.path
    assert entry.before["parent_id"] == tree.city.pk and entry.after["parent_id"] == tree.other_city.pk


def test_county_staff_keep_their_reach_after_their_county_moves(tree, sysadmin, county_staff, chair, person):
    member = member_services.member_create(actor=chair, union=tree.grassroots, data=person())
    union_move(actor=sysadmin, union=tree.county, new_parent=tree.other_city)
    # the next request loads the staff member's grants afresh, with the new path
    again = User.objects.get(pk=county_staff.pk)
    assert list(member_list(actor=again)) == [member]


@pytest.mark.parametrize("target", ["county", "grassroots", "regional"])
def test_moving_a_union_under_itself_or_its_descendant_is_refused(tree, sysadmin, deep, target):
    paths = dict(Union.objects.values_list("pk", "path"))
    with pytest.raises(ValidationFailed) as excinfo:
        union_move(actor=sysadmin, union=tree.county if target != "regional" else tree.regional,
                   new_parent=getattr(tree, target) if target != "regional" else deep)
    assert excinfo.value.code == ErrorCode.UNION_CYCLE and excinfo.value.field == "parent"
    assert dict(Union.objects.values_list("pk", "path")) == paths
    assert not AuditLog.objects.filter(action="union.move").exists()


def test_moving_a_city_under_its_own_county_is_a_cycle(tree, sysadmin):
    with pytest.raises(ValidationFailed) as excinfo:
        union_move(actor=sysadmin, union=tree.city, new_parent=tree.county)
    assert excinfo.value.code == ErrorCode.UNION_CYCLE


def test_move_keeps_the_placement_rules(tree, sysadmin):
    with pytest.raises(ValidationFailed) as excinfo:
        union_move(actor=sysadmin, union=tree.regional, new_parent=tree.grassroots_b)
    assert excinfo.value.field == "parent"
    with pytest.raises(ValidationFailed) as excinfo:
        union_move(actor=sysadmin, union=tree.other_city, new_parent=tree.county)
    assert excinfo.value.field == "level"


@pytest.mark.parametrize("persona, error", [("city_staff", PermissionDenied), ("nanjing_staff", NotFound)])
def test_only_a_sysadmin_moves_unions(request, tree, persona, error):
    with pytest.raises(error):
        union_move(actor=request.getfixturevalue(persona), union=tree.county, new_parent=tree.county_b)
    tree.county.refresh_from_db()
    assert tree.county.parent_id == tree.city.pk


def test_moving_across_provinces_repoints_unions_and_members(tree, chair, person, city_staff):
    # given a national sysadmin who registers 浙江省总工会 and 杭州市总工会 through the service
    national_admin = staff("national", Role.SYSADMIN, tree.national)
    zhejiang = union_create(actor=national_admin, parent=tree.national, data=UnionData(
        name="浙江省总工会", kind=Kind.FEDERATION, level=Level.PROVINCIAL, division_code="330000"))
    hangzhou = union_create(actor=national_admin, parent=zhejiang, data=UnionData(
        name="杭州市总工会", kind=Kind.FEDERATION, level=Level.CITY, division_code="330100"))
    assert zhejiang.province_id == zhejiang.pk and hangzhou.province_id == zhejiang.pk
    # and a member of a 姑苏区 union, with history
    member = member_services.member_create(actor=chair, union=tree.grassroots, data=person())
    assert member.province_id == tree.province.pk
    # when 姑苏区总工会 is moved into 浙江
    union_move(actor=national_admin, union=tree.county, new_parent=hangzhou)
    # then the unions and the member carry the new province id
    for union in (tree.county, tree.grassroots, tree.regional):
        assert_consistent(union)
        assert union.province_id == zhejiang.pk
    member.refresh_from_db()
    assert member.province_id == zhejiang.pk
    assert set(MemberChange.objects.filter(member=member).values_list("province_id", flat=True)) == {zhejiang.pk}
    # so the Zhejiang staff find the member and 苏州 staff no longer do
    hangzhou_staff = staff("hangzhou", Role.UPPER_STAFF, hangzhou)
    assert list(member_list(actor=hangzhou_staff, union=hangzhou)) == [member]
    assert not member_list(actor=city_staff).filter(pk=member.pk).exists()
    # and unions elsewhere in 江苏 are untouched
    for union in (tree.city, tree.county_b, tree.grassroots_b, tree.other_city):
        assert_consistent(union)
        assert union.province_id == tree.province.pk
    entry = AuditLog.objects.get(action="union.move")
    assert entry.province_id == zhejiang.pk and entry.before["province_id"] == tree.province.pk
    assert Member.objects.filter(province_id=tree.province.pk).count() == 0
