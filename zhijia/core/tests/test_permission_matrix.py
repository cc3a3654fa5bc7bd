"""The permission matrix: no staff role reads, lists, exports or changes anything outside its reach,
through pages or through the API, including by guessing the ids of objects elsewhere in the tree.

Each staff persona reaches a set of member-holding unions; every object in the test world sits in one of
them. For every persona × object × endpoint the expected outcome follows from that table alone.
"""

import pytest
from django.test import Client

from zhijia.core.models import AuditLog
from zhijia.members import services
from zhijia.members.models import ApplicationStatus, TransferStatus

# The member-holding unions of the conftest tree: A (苏州精工, 姑苏区), R (姑苏区快递联合会), B (吴中电子), C (南京软件).
REACH = {
    "chair": {"A"},
    "officer": {"A"},
    "chair_b": {"B"},
    "county_staff": {"A", "R"},
    "city_staff": {"A", "R", "B"},
    "nanjing_staff": {"C"},
    "sysadmin": {"A", "R", "B", "C"},
}
# Seeing 身份证号/phone in full: the grassroots chair (own union) and system administrators.
PII_REACH = {"chair": {"A"}, "chair_b": {"B"}, "sysadmin": {"A", "R", "B", "C"}}
PERSONAS = list(REACH)
TARGETS = ["A", "R", "B", "C"]


class World:
    def __init__(self, tree, person, applicant_factory):
        self.unions = {"A": tree.grassroots, "R": tree.regional, "B": tree.grassroots_b, "C": tree.grassroots_c}
        self.members, self.applications, self.transfers = {}, {}, {}
        for key, union in self.unions.items():
            applicant = applicant_factory(f"1370000000{TARGETS.index(key)}")
            self.applications[key] = services.join_apply(actor=applicant, union=union, data=person())
            member_user = applicant_factory(f"1360000000{TARGETS.index(key)}")
            member = _direct_member(union, person(), member_user)
            self.members[key] = member
            # a transfer out of this union into the next one, waiting for this union to release
            destination = self.unions[TARGETS[(TARGETS.index(key) + 1) % len(TARGETS)]]
            self.transfers[key] = services.transfer_request(
                actor=member_user, member=member, to_union=destination, reason="工作调动"
            )


def _direct_member(union, data, user):
    from zhijia.members.services import _new_member, allocate_member_numbers, clean_person

    data = clean_person(data)
    (number,) = allocate_member_numbers(union=union, count=1)
    member = _new_member(union=union, data=data, member_no=number, user=user)
    member.save()
    return member


@pytest.fixture
def world(tree, person, chair, officer, chair_b, county_staff, city_staff, nanjing_staff, sysadmin):
    from zhijia.accounts.models import User

    def applicant(username):
        return User.objects.create_user(username=username, password="pass-for-tests-1")

    w = World(tree, person, applicant)
    w.personas = {
        "chair": chair,
        "officer": officer,
        "chair_b": chair_b,
        "county_staff": county_staff,
        "city_staff": city_staff,
        "nanjing_staff": nanjing_staff,
        "sysadmin": sysadmin,
    }
    return w


def client_for(user):
    client = Client()
    client.force_login(user)
    return client


# ---- Reading one object -----------------------------------------------------------------------

READ_ENDPOINTS = {
    "page member detail": lambda w, k: f"/staff/members/{w.members[k].pk}/",
    "api member detail": lambda w, k: f"/api/members/{w.members[k].pk}",
    "page application detail": lambda w, k: f"/staff/applications/{w.applications[k].pk}/",
    "api application detail": lambda w, k: f"/api/join-applications/{w.applications[k].pk}",
    "page union detail": lambda w, k: f"/org/{w.unions[k].pk}/",
    "api union detail": lambda w, k: f"/api/unions/{w.unions[k].pk}",
}


@pytest.mark.parametrize("endpoint", READ_ENDPOINTS)
@pytest.mark.parametrize("persona", PERSONAS)
def test_reading_an_object_needs_it_in_reach(world, persona, endpoint):
    client = client_for(world.personas[persona])
    for target in TARGETS:
        status = client.get(READ_ENDPOINTS[endpoint](world, target)).status_code
        expected = 200 if target in REACH[persona] else 404
        assert status == expected, f"{persona} {endpoint} on {target}: {status}"


# ---- Listing ------------------------------------------------------------------------------------


@pytest.mark.parametrize("persona", PERSONAS)
def test_member_lists_show_exactly_what_is_in_reach(world, persona):
    client = client_for(world.personas[persona])
    expected = {world.members[k].pk for k in REACH[persona]}
    api_ids = {item["id"] for item in client.get("/api/members?page_size=100").json()["items"]}
    assert api_ids == expected
    page = client.get("/staff/members/").content.decode()
    for key, member in world.members.items():
        assert (member.member_no in page) == (key in REACH[persona]), f"{persona} page list, {key}"


@pytest.mark.parametrize("persona", PERSONAS)
def test_application_and_transfer_lists_show_exactly_what_is_in_reach(world, persona):
    client = client_for(world.personas[persona])
    applications = {item["id"] for item in client.get("/api/join-applications?page_size=100").json()["items"]}
    assert applications == {world.applications[k].pk for k in REACH[persona]}
    transfers = {item["id"] for item in client.get("/api/transfers?page_size=100").json()["items"]}
    # a transfer is visible to both of its sides
    visible = {
        world.transfers[k].pk
        for k in TARGETS
        if k in REACH[persona] or TARGETS[(TARGETS.index(k) + 1) % len(TARGETS)] in REACH[persona]
    }
    assert transfers == visible


@pytest.mark.parametrize("persona", PERSONAS)
def test_audit_log_shows_only_entries_in_reach(world, persona):
    client = client_for(world.personas[persona])
    union_ids = {entry["union_id"] for entry in client.get("/api/audit?page_size=100").json()["items"]}
    reachable = {world.unions[k].pk for k in REACH[persona]}
    assert union_ids, f"{persona} should see the entries of its own unions"
    assert union_ids <= reachable | _federations_in_reach(world, persona)


def _federations_in_reach(world, persona):
    from zhijia.org.models import Union

    grants = world.personas[persona].role_assignments.all()
    paths = [grant.union.path for grant in grants]
    return {u.pk for u in Union.objects.all() if any(u.path.startswith(p) for p in paths)}


@pytest.mark.parametrize("persona", PERSONAS)
def test_member_export_covers_only_reach(world, persona):
    from io import BytesIO

    from python_calamine import CalamineWorkbook

    client = client_for(world.personas[persona])
    for target in TARGETS:
        response = client.get(f"/api/members-bulk/export?union_id={world.unions[target].pk}")
        if target not in REACH[persona]:
            assert response.status_code in (403, 404), f"{persona} exported {target}"
            continue
        assert response.status_code == 200
        content = b"".join(response.streaming_content)
        rows = CalamineWorkbook.from_filelike(BytesIO(content)).get_sheet_by_index(0).to_python()
        text = "\n".join("\t".join(str(cell) for cell in row) for row in rows)
        for key, member in world.members.items():
            assert (member.member_no in text) == (key == target), f"{persona} export of {target} has {key}"
    assert not AuditLog.objects.filter(action="member.export", actor=world.personas[persona]).exclude(
        union_id__in=[world.unions[k].pk for k in REACH[persona]]
    ).exists()


# ---- Changing ------------------------------------------------------------------------------------


@pytest.mark.parametrize("persona", PERSONAS)
def test_changing_a_member_needs_it_in_reach(world, persona):
    client = client_for(world.personas[persona])
    for target in TARGETS:
        member = world.members[target]
        api = client.patch(f"/api/members/{member.pk}", {"employer": "新单位甲"}, content_type="application/json")
        page = client.post(
            f"/staff/members/{member.pk}/edit/",
            {"name": "改名乙", "employer": "新单位甲", "joined_on": member.joined_on.isoformat(), "new_form_type": ""},
        )
        member.refresh_from_db()
        if target in REACH[persona]:
            assert api.status_code == 200 and member.employer == "新单位甲"
            assert page.status_code == 302 and member.name == "改名乙"
        else:
            assert (api.status_code, page.status_code) == (404, 404), f"{persona} changed {target}"
            assert member.employer != "新单位甲" and member.name != "改名乙"


@pytest.mark.parametrize("via", ["page", "api"])
@pytest.mark.parametrize("persona", PERSONAS)
def test_approving_needs_the_application_in_reach(world, persona, via):
    client = client_for(world.personas[persona])
    for target in TARGETS:
        application = world.applications[target]
        if via == "page":
            response = client.post(f"/staff/applications/{application.pk}/approve/")
        else:
            response = client.post(f"/api/join-applications/{application.pk}/approve")
        application.refresh_from_db()
        if target in REACH[persona]:
            assert response.status_code in (200, 302)
            assert application.status == ApplicationStatus.APPROVED
        else:
            assert response.status_code == 404, f"{persona} approved {target} via {via}"
            assert application.status == ApplicationStatus.PENDING


@pytest.mark.parametrize("persona", PERSONAS)
def test_releasing_a_transfer_needs_its_source_in_reach(world, persona):
    client = client_for(world.personas[persona])
    for target in TARGETS:
        transfer = world.transfers[target]
        response = client.post(f"/api/transfers/{transfer.pk}/release")
        transfer.refresh_from_db()
        if target in REACH[persona]:
            assert response.status_code == 200 and transfer.status == TransferStatus.PENDING_ACCEPT
        else:
            assert response.status_code in (403, 404), f"{persona} released {target}"
            assert transfer.status == TransferStatus.PENDING_RELEASE


@pytest.mark.parametrize("via", ["page", "api"])
@pytest.mark.parametrize("persona", PERSONAS)
def test_revealing_pii_needs_the_pii_role_in_reach_and_is_logged(world, persona, via):
    client = client_for(world.personas[persona])
    for target in TARGETS:
        member = world.members[target]
        if via == "page":
            response = client.post(f"/staff/members/{member.pk}/reveal/id_number/")
        else:
            response = client.post(
                f"/api/members/{member.pk}/reveal", {"field": "id_number"}, content_type="application/json"
            )
        logged = AuditLog.objects.filter(action="member.reveal_pii", object_id=str(member.pk)).count()
        if target in PII_REACH.get(persona, set()):
            assert response.status_code == 200 and member.id_number in response.content.decode()
            assert logged == 1
            AuditLog.objects.filter(action="member.reveal_pii").delete()
        else:
            assert response.status_code in (403, 404), f"{persona} revealed {target}"
            assert member.id_number not in response.content.decode()
            assert logged == 0
