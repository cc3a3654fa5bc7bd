"""The API as a whole (OpenAPI document, error shape) and the audit trail endpoint's scoping."""

import pytest
from django.test import Client

from zhijia.core import audit
from zhijia.core.models import AuditLog
from zhijia.core.permissions import audit_policy
from zhijia.members import services


def as_user(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def test_openapi_document_lists_every_endpoint_group():
    response = Client().get("/api/openapi.json")
    assert response.status_code == 200
    paths = response.json()["paths"]
    for path in [
        "/api/auth/token",
        "/api/auth/me",
        "/api/unions",
        "/api/unions/search",
        "/api/unions/{union_id}",
        "/api/unions/{union_id}/move",
        "/api/unions/{union_id}/children",
        "/api/members",
        "/api/members/{member_id}",
        "/api/members/{member_id}/status",
        "/api/members/{member_id}/reveal",
        "/api/me/membership",
        "/api/join-applications",
        "/api/join-applications/{application_id}/approve",
        "/api/join-applications/{application_id}/reject",
        "/api/join-applications/{application_id}/withdraw",
        "/api/transfers",
        "/api/transfers/{transfer_id}/release",
        "/api/transfers/{transfer_id}/accept",
        "/api/transfers/{transfer_id}/reject",
        "/api/transfers/{transfer_id}/cancel",
        "/api/cards/verify",
        "/api/audit",
    ]:
        assert path in paths, path
    assert set(paths["/api/unions/{union_id}"]) == {"get", "patch"}
    # the public endpoints say so; staff endpoints require auth
    assert paths["/api/cards/verify"]["get"].get("security") is None
    assert paths["/api/members"]["get"]["security"]


def test_api_docs_page_renders():
    assert Client().get("/api/docs").status_code == 200


def test_unknown_api_path_is_404():
    assert Client().get("/api/no-such-thing").status_code == 404


@pytest.fixture
def trail(tree, chair, chair_b, nanjing_staff, person):
    """Audit entries in grassroots A, grassroots B and Nanjing's grassroots C."""
    return {
        "a": services.member_create(actor=chair, union=tree.grassroots, data=person()),
        "b": services.member_create(actor=chair_b, union=tree.grassroots_b, data=person()),
        "c": services.member_create(actor=nanjing_staff, union=tree.grassroots_c, data=person()),
    }


def audited_member_ids(user, query="") -> set[str]:
    response = as_user(user).get(f"/api/audit{query}")
    assert response.status_code == 200
    return {entry["object_id"] for entry in response.json()["items"] if entry["action"] == "member.create"}


def test_audit_is_scoped_to_each_role_reach(trail, chair, officer, county_staff, city_staff, nanjing_staff, sysadmin):
    a, b, c = (str(trail[key].pk) for key in "abc")
    assert audited_member_ids(chair) == {a}
    assert audited_member_ids(officer) == {a}
    assert audited_member_ids(county_staff) == {a}
    assert audited_member_ids(city_staff) == {a, b}
    assert audited_member_ids(nanjing_staff) == {c}
    assert audited_member_ids(sysadmin) == {a, b, c}


def test_audit_entries_carry_labels_and_masked_snapshots(trail, chair):
    entry = as_user(chair).get("/api/audit?action=member.create").json()["items"][0]
    assert entry["action_label"] == "新增会员" and entry["actor_name"] == "chair"
    assert entry["after"]["id_number"] == trail["a"].id_number_masked
    assert trail["a"].id_number not in str(entry)


def test_audit_filters_by_action_and_union(tree, trail, chair, city_staff):
    services.member_reveal_pii(actor=chair, member=trail["a"], field="phone")
    client = as_user(city_staff)
    reveals = client.get("/api/audit?action=member.reveal_pii").json()
    assert [entry["object_id"] for entry in reveals["items"]] == [str(trail["a"].pk)]
    in_b = client.get(f"/api/audit?union_id={tree.grassroots_b.pk}").json()["items"]
    assert {entry["union_id"] for entry in in_b} == {tree.grassroots_b.pk}
    unknown = client.get("/api/audit?action=member.delete")
    assert unknown.status_code == 422 and unknown.json()["field"] == "action"


def test_naming_a_union_outside_reach_shows_nothing(tree, trail, county_staff):
    response = as_user(county_staff).get(f"/api/audit?union_id={tree.grassroots_b.pk}")
    assert response.status_code == 200 and response.json()["total"] == 0


def test_worker_may_not_read_the_audit_trail(trail, worker):
    response = as_user(worker).get("/api/audit")
    assert response.status_code == 403 and response.json()["code"] == "permission_denied"
    assert Client().get("/api/audit").status_code == 401


@pytest.mark.parametrize(
    "persona, allowed",
    [
        ("chair", True),
        ("officer", True),
        ("county_staff", True),
        ("city_staff", True),
        ("sysadmin", True),
        ("chair_b", False),
        ("nanjing_staff", False),
        ("worker", False),
    ],
)
def test_audit_policy_table_for_an_entry_in_grassroots_a(request, tree, persona, allowed):
    user = request.getfixturevalue(persona)
    entry = audit.record(actor=None, action="union.update", union=tree.grassroots)
    assert audit_policy.can(user, "view", entry) is allowed
    assert audit_policy.scope(user, "view", AuditLog.objects.all()).filter(pk=entry.pk).exists() is allowed
    assert audit_policy.can(user, "delete", entry) is False


def test_api_writes_chinese_as_utf8_not_escapes(db):
    response = Client().get("/api/cards/verify?token=bogus")
    assert "无效".encode() in response.content
    assert b"\\u" not in response.content
