"""The permission tables, pinned: every persona × action × object, for members and for unions.

Objects (see conftest's tree):
  members — A: someone in 苏州精工机械有限公司工会 (the chair's own union); W: the worker's own membership, also there;
            R: 姑苏区快递行业工会联合会 (sibling union, same county); B: 吴中电子有限公司工会 (other county of 苏州);
            C: 南京软件有限公司工会 (other city)
  unions  — Z: 全国总工会; P: 江苏省总工会; S: 苏州市总工会; K: 姑苏区总工会; A, R, B as above; N: 南京软件有限公司工会
Personas: worker (no role), chair/officer of A, chair_b of B, county (姑苏区 staff), city (苏州 staff),
nanjing (南京 staff), sysadmin (江苏省). A letter in the table means "may"; a missing letter means "may not".
"""

import pytest
from django.contrib.auth.models import AnonymousUser
from django.db import connection
from django.test.utils import CaptureQueriesContext

from zhijia.core.errors import NotFound, PermissionDenied
from zhijia.core.policy import forget_grants
from zhijia.members import services
from zhijia.members.models import Member
from zhijia.members.permissions import member_policy
from zhijia.members.selectors import member_list
from zhijia.org.models import Status, Union
from zhijia.org.permissions import policy as union_policy

PERSONAS = ["worker", "chair", "officer", "chair_b", "county_staff", "city_staff", "nanjing_staff", "sysadmin"]

# fmt: off
MEMBER_TABLE = {
    #                    worker chair  officer chair_b county  city    nanjing sysadmin
    "view":             ("W",   "AW",  "AW",   "B",    "AWR",  "AWRB", "C",    "AWRBC"),
    "list":             ("",    "AW",  "AW",   "B",    "AWR",  "AWRB", "C",    "AWRBC"),
    "create":           ("",    "AW",  "AW",   "B",    "AWR",  "AWRB", "C",    "AWRBC"),
    "update":           ("",    "AW",  "AW",   "B",    "AWR",  "AWRB", "C",    "AWRBC"),
    "change_status":    ("",    "AW",  "AW",   "B",    "AWR",  "AWRB", "C",    "AWRBC"),
    "import":           ("",    "AW",  "AW",   "B",    "AWR",  "AWRB", "C",    "AWRBC"),
    "export":           ("",    "AW",  "AW",   "B",    "AWR",  "AWRB", "C",    "AWRBC"),
    "history":          ("",    "AW",  "AW",   "B",    "AWR",  "AWRB", "C",    "AWRBC"),
    "reveal_pii":       ("",    "AW",  "",     "B",    "",     "",     "",     "AWRBC"),
    "export_pii":       ("",    "AW",  "",     "B",    "",     "",     "",     "AWRBC"),
    "request_transfer": ("W",   "AW",  "AW",   "B",    "AWR",  "AWRB", "C",    "AWRBC"),
    "delete":           ("",    "",    "",     "",     "",     "",     "",     ""),  # unknown: denied
}

UNION_TABLE = {
    #                    worker chair  officer chair_b county  city     nanjing sysadmin
    "view":             ("",    "A",   "A",    "B",    "KAR",  "SKARB", "N",    "PSKARBN"),
    "create":           ("",    "",    "",     "",     "KAR",  "SKARB", "N",    "PSKARBN"),
    "update":           ("",    "A",   "",     "B",    "KAR",  "SKARB", "N",    "PSKARBN"),
    "move":             ("",    "",    "",     "",     "",     "",      "",     "PSKARBN"),
    "manage_roles":     ("",    "",    "",     "",     "KAR",  "SKARB", "N",    "PSKARBN"),
    "dissolve":         ("",    "",    "",     "",     "",     "",      "",     ""),  # unknown: denied
}
# fmt: on


def row(table, persona):
    """The pinned row for one persona: {action: letters it may act on}."""
    index = PERSONAS.index(persona)
    return {action: set(expected[index]) for action, expected in table.items()}


@pytest.fixture
def members(tree, sysadmin, worker, person):
    """One member per letter, entered by the provincial sysadmin; W belongs to the worker's account."""
    unions = {"A": tree.grassroots, "W": tree.grassroots, "R": tree.regional, "B": tree.grassroots_b,
              "C": tree.grassroots_c}
    return {
        letter: services.member_create(
            actor=sysadmin, union=union, data=person(), user=worker if letter == "W" else None
        )
        for letter, union in unions.items()
    }


@pytest.fixture
def unions(tree):
    return {"Z": tree.national, "P": tree.province, "S": tree.city, "K": tree.county, "A": tree.grassroots,
            "R": tree.regional, "B": tree.grassroots_b, "N": tree.grassroots_c}


def answers(policy, user, objects: dict, model, actions) -> tuple[dict, dict, dict]:
    """For every action: the letters can() allows, the letters scope() returns, and allows()."""
    by_pk = {obj.pk: letter for letter, obj in objects.items()}
    queryset = model.objects.filter(pk__in=list(by_pk))
    can = {action: {letter for letter, obj in objects.items() if policy.can(user, action, obj)} for action in actions}
    scope = {
        action: {by_pk[pk] for pk in policy.scope(user, action, queryset).values_list("pk", flat=True)}
        for action in actions
    }
    return can, scope, {action: policy.allows(user, action) for action in actions}


@pytest.mark.parametrize("persona", PERSONAS)
def test_member_policy_table(request, members, persona):
    # given a persona and one member in each place
    user = request.getfixturevalue(persona)
    # when the policy is asked, for every action, about each member and for the queryset of members
    can, scope, allows = answers(member_policy, user, members, Member, MEMBER_TABLE)
    # then both answers are exactly the pinned row, and "at all" holds when anything is reachable
    expected = row(MEMBER_TABLE, persona)
    assert can == expected
    assert scope == expected
    assert allows == {action: bool(letters) for action, letters in expected.items()}


@pytest.mark.parametrize("persona", PERSONAS)
def test_union_policy_table(request, unions, persona):
    user = request.getfixturevalue(persona)
    can, scope, allows = answers(union_policy, user, unions, Union, UNION_TABLE)
    expected = row(UNION_TABLE, persona)
    assert can == expected
    assert scope == expected
    assert allows == {action: bool(letters) for action, letters in expected.items()}


def test_anonymous_and_inactive_users_may_do_nothing(members, sysadmin):
    assert not member_policy.can(AnonymousUser(), "view", members["A"])
    assert not member_policy.scope(AnonymousUser(), "view", Member.objects.all()).exists()
    assert not member_policy.can(None, "view")
    # given the provincial sysadmin's account is switched off
    sysadmin.is_active = False
    # then nothing is allowed any more, although the role assignment still exists
    assert not member_policy.can(sysadmin, "view", members["A"])
    assert not member_policy.allows(sysadmin, "list")


def test_role_in_a_dissolved_union_grants_nothing(tree, members, chair):
    assert member_policy.can(chair, "view", members["A"])
    # given the chair's union is dissolved
    Union.objects.filter(pk=tree.grassroots.pk).update(status=Status.DISSOLVED)
    forget_grants(chair)  # grants are cached per user object, i.e. per request
    # then the chair's role no longer reaches anything
    assert not member_policy.can(chair, "view", members["A"])
    assert not member_policy.scope(chair, "list", Member.objects.all()).exists()


def test_subtree_reach_does_not_leak_to_unions_whose_id_starts_the_same(tree, county_staff):
    # given a union whose path differs from the county's only by a trailing digit (…/9/ vs …/90/)
    lookalike = Union(pk=10_000, path=tree.county.path[:-1] + "0/", name="路径相似的工会")
    # then the county's staff do not reach it
    assert lookalike.path.startswith(tree.county.path[:-1])
    assert not union_policy.can(county_staff, "view", lookalike)


def test_require_hides_objects_the_user_cannot_see_and_refuses_the_rest(members, officer, chair_b):
    # the officer sees member A but may not reveal PII: a plain refusal
    with pytest.raises(PermissionDenied):
        member_policy.require(officer, "reveal_pii", members["A"])
    # chair_b may not even see member A: it is "not found", so guessed ids reveal nothing
    with pytest.raises(NotFound):
        member_policy.require(chair_b, "view", members["A"])
    with pytest.raises(NotFound):
        member_policy.get_or_404(chair_b, "view", Member.objects.all(), pk=members["A"].pk)
    assert member_policy.get_or_404(chair_b, "view", Member.objects.all(), pk=members["B"].pk) == members["B"]


@pytest.mark.parametrize(
    "persona, union, expected",
    [
        ("city_staff", "city", "AWRB"),  # own union: the scope already says it (the condition is sent once)
        ("city_staff", "county", "AWR"),  # narrower than the scope
        ("county_staff", "city", "AWR"),  # wider than the scope: still only what the scope allows
        ("nanjing_staff", "city", ""),  # outside the scope entirely
        ("sysadmin", "other_city", "C"),
        ("chair", "county", "AW"),
    ],
)
def test_member_list_narrowed_to_a_union_stays_inside_the_scope(request, tree, members, persona, union, expected):
    user = request.getfixturevalue(persona)
    by_pk = {member.pk: letter for letter, member in members.items()}
    narrowed = getattr(tree, union)
    with CaptureQueriesContext(connection) as captured:
        found = {by_pk[pk] for pk in member_list(actor=user, union=narrowed).values_list("pk", flat=True)}
    assert found == set(expected)
    if persona == "city_staff" and union == "city":
        assert captured.captured_queries[-1]["sql"].count(narrowed.path) == 1
