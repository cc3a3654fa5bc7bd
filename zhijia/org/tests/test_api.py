"""The union tree API: staff browse and edit what they oversee; workers search publicly for a union to join."""

import pytest
from django.test import Client

from zhijia.core.models import AuditLog
from zhijia.members import services as member_services
from zhijia.members.models import MemberStatus
from zhijia.org.models import Kind, Level, Union


def as_user(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def post(client, url, data):
    return client.post(url, data, content_type="application/json")


def patch(client, url, data):
    return client.patch(url, data, content_type="application/json")


def new_enterprise(**overrides) -> dict:
    data = {
        "parent_id": None,
        "name": "苏州新科技有限公司工会",
        "kind": "enterprise",
        "level": Level.GRASSROOTS,
        "division_code": "320508",
        "address": "苏州市姑苏区人民路1号",
    }
    data.update(overrides)
    return data


# ---- Listing and detail -------------------------------------------------------------------------


def test_county_staff_lists_its_subtree_only(tree, county_staff):
    response = as_user(county_staff).get("/api/unions")
    assert response.status_code == 200
    names = [item["name"] for item in response.json()["items"]]
    assert set(names) == {"姑苏区总工会", "苏州精工机械有限公司工会", "姑苏区快递行业工会联合会"}
    assert response.json()["total"] == 3


def test_chair_lists_only_own_union_and_can_search_by_name(tree, chair, city_staff):
    assert [item["id"] for item in as_user(chair).get("/api/unions").json()["items"]] == [tree.grassroots.pk]
    found = as_user(city_staff).get("/api/unions", {"q": "吴中"}).json()["items"]
    assert {item["id"] for item in found} == {tree.county_b.pk, tree.grassroots_b.pk}


def test_worker_without_role_may_not_list_unions(worker):
    response = as_user(worker).get("/api/unions")
    assert response.status_code == 403 and response.json()["code"] == "permission_denied"


def test_anonymous_gets_401_with_the_error_shape(tree):
    response = Client().get(f"/api/unions/{tree.grassroots.pk}")
    assert response.status_code == 401
    assert response.json() == {"code": "not_authenticated", "message": "请先登录", "field": None}


def test_detail_counts_active_members_in_the_subtree(tree, chair, chair_b, county_staff, city_staff, person):
    # given two active members and one who left in grassroots A, and one member in grassroots B
    for _ in range(2):
        member_services.member_create(actor=chair, union=tree.grassroots, data=person())
    leaver = member_services.member_create(actor=chair, union=tree.grassroots, data=person())
    member_services.member_change_status(actor=chair, member=leaver, status=MemberStatus.WITHDRAWN, reason="退休")
    member_services.member_create(actor=chair_b, union=tree.grassroots_b, data=person())
    # then each union counts its own subtree's active members
    county = as_user(county_staff).get(f"/api/unions/{tree.county.pk}").json()
    city = as_user(city_staff).get(f"/api/unions/{tree.city.pk}").json()
    grassroots = as_user(chair).get(f"/api/unions/{tree.grassroots.pk}").json()
    assert (county["member_count"], city["member_count"], grassroots["member_count"]) == (2, 3, 2)
    assert grassroots["parent_name"] == "姑苏区总工会" and grassroots["kind_label"] == "企业工会"
    assert grassroots["division_name"]


@pytest.mark.parametrize("persona", ["nanjing_staff", "chair_b", "officer"])
def test_guessed_union_ids_outside_the_subtree_are_not_found(request, tree, persona):
    client = as_user(request.getfixturevalue(persona))
    target = tree.county  # above the grassroots officer, beside chair_b, in another city from Nanjing
    for url in (f"/api/unions/{target.pk}", f"/api/unions/{target.pk}/children"):
        response = client.get(url)
        assert response.status_code == 404 and response.json()["code"] == "not_found"


def test_children_lists_direct_children(tree, county_staff, city_staff):
    children = as_user(city_staff).get(f"/api/unions/{tree.city.pk}/children").json()
    assert {item["id"] for item in children} == {tree.county.pk, tree.county_b.pk}
    grandchildren = as_user(county_staff).get(f"/api/unions/{tree.county.pk}/children").json()
    assert {item["id"] for item in grandchildren} == {tree.grassroots.pk, tree.regional.pk}


# ---- Public search ------------------------------------------------------------------------------


def test_public_search_needs_no_login_and_shows_only_public_fields(tree):
    response = Client().get("/api/unions/search", {"q": "精工"})
    assert response.status_code == 200
    items = response.json()["items"]
    assert [item["id"] for item in items] == [tree.grassroots.pk]
    assert set(items[0]) == {"id", "name", "kind", "level", "division_code", "address"}
    assert tree.grassroots.credit_code not in response.content.decode()


def test_public_search_for_flexible_workers_and_by_place(tree):
    anonymous = Client()
    flexible = anonymous.get("/api/unions/search", {"flexible": "true"}).json()["items"]
    assert [item["id"] for item in flexible] == [tree.regional.pk]
    # by place: 吴中区 (320506) holds one enterprise union; federations are never offered
    in_wuzhong = anonymous.get("/api/unions/search", {"division": "320506"}).json()["items"]
    assert [item["id"] for item in in_wuzhong] == [tree.grassroots_b.pk]
    # the whole of 苏州 (3205xx): the enterprise unions and the express-delivery federation
    in_suzhou = anonymous.get("/api/unions/search", {"division": "320500"}).json()["items"]
    assert {item["id"] for item in in_suzhou} == {tree.grassroots.pk, tree.regional.pk, tree.grassroots_b.pk}
    bad = anonymous.get("/api/unions/search", {"division": "苏州"})
    assert bad.status_code == 422 and bad.json()["field"] == "division"


# ---- Create, update, move -----------------------------------------------------------------------


def test_county_staff_creates_an_enterprise_union_under_its_county(tree, county_staff):
    response = post(as_user(county_staff), "/api/unions", new_enterprise(parent_id=tree.county.pk))
    assert response.status_code == 201
    body = response.json()
    union = Union.objects.get(pk=body["id"])
    assert union.parent == tree.county and union.path == f"{tree.county.path}{union.pk}/"
    assert union.province_id == tree.province.pk
    assert body["member_count"] == 0 and body["parent_name"] == "姑苏区总工会"
    assert AuditLog.objects.filter(action="union.create", object_id=str(union.pk)).exists()


def test_create_with_bad_credit_code_names_the_field_and_saves_nothing(tree, county_staff):
    before = Union.objects.count()
    response = post(
        as_user(county_staff), "/api/unions", new_enterprise(parent_id=tree.county.pk, credit_code="91320508ABCDEFGH12")
    )
    assert response.status_code == 422
    assert response.json()["code"] == "invalid_credit_code" and response.json()["field"] == "credit_code"
    assert Union.objects.count() == before


def test_create_outside_the_subtree_is_not_found_and_within_view_only_is_denied(tree, nanjing_staff, chair):
    before = Union.objects.count()
    outside = post(as_user(nanjing_staff), "/api/unions", new_enterprise(parent_id=tree.county.pk))
    assert outside.status_code == 404
    # the chair can see their own union but may not create unions
    denied = post(as_user(chair), "/api/unions", new_enterprise(parent_id=tree.grassroots.pk))
    assert denied.status_code == 403 and denied.json()["code"] == "permission_denied"
    missing_parent = post(as_user(nanjing_staff), "/api/unions", new_enterprise(parent_id=999999))
    assert missing_parent.status_code == 404 and missing_parent.json()["field"] == "parent_id"
    assert Union.objects.count() == before


def test_create_with_a_duplicate_credit_code_is_refused(tree, county_staff):
    response = post(
        as_user(county_staff),
        "/api/unions",
        new_enterprise(parent_id=tree.county.pk, credit_code=tree.grassroots_b.credit_code),
    )
    assert response.status_code == 422 and response.json()["code"] == "duplicate_credit_code"
    assert "吴中电子有限公司工会" in response.json()["message"]


def test_patch_changes_only_the_fields_sent(tree, chair):
    response = patch(as_user(chair), f"/api/unions/{tree.grassroots.pk}", {"address": "苏州市姑苏区干将路8号"})
    assert response.status_code == 200
    tree.grassroots.refresh_from_db()
    assert tree.grassroots.address == "苏州市姑苏区干将路8号"
    assert tree.grassroots.name == "苏州精工机械有限公司工会" and tree.grassroots.kind == Kind.ENTERPRISE
    entry = AuditLog.objects.get(action="union.update")
    assert entry.after["address"] == "苏州市姑苏区干将路8号"


def test_patch_with_invalid_division_code_changes_nothing(tree, county_staff):
    changes = {"division_code": "999999", "address": "x"}
    response = patch(as_user(county_staff), f"/api/unions/{tree.grassroots.pk}", changes)
    assert response.status_code == 422 and response.json()["code"] == "invalid_division_code"
    tree.grassroots.refresh_from_db()
    assert tree.grassroots.division_code == "320508" and tree.grassroots.address != "x"


def test_patch_refused_for_officer_and_outsiders(tree, officer, chair_b, nanjing_staff):
    assert patch(as_user(officer), f"/api/unions/{tree.grassroots.pk}", {"name": "改名"}).status_code == 403
    assert patch(as_user(chair_b), f"/api/unions/{tree.grassroots.pk}", {"name": "改名"}).status_code == 404
    assert patch(as_user(nanjing_staff), f"/api/unions/{tree.grassroots.pk}", {"name": "改名"}).status_code == 404
    tree.grassroots.refresh_from_db()
    assert tree.grassroots.name == "苏州精工机械有限公司工会"
    assert not AuditLog.objects.filter(action="union.update").exists()


def test_sysadmin_moves_a_union_and_its_path_follows(tree, sysadmin):
    response = post(as_user(sysadmin), f"/api/unions/{tree.grassroots_b.pk}/move", {"parent_id": tree.county.pk})
    assert response.status_code == 200
    assert response.json()["parent_id"] == tree.county.pk
    tree.grassroots_b.refresh_from_db()
    assert tree.grassroots_b.path == f"{tree.county.path}{tree.grassroots_b.pk}/"


def test_move_into_own_subtree_is_a_cycle(tree, sysadmin):
    response = post(as_user(sysadmin), f"/api/unions/{tree.city.pk}/move", {"parent_id": tree.county.pk})
    assert response.status_code == 422 and response.json()["code"] == "union_cycle"
    tree.city.refresh_from_db()
    assert tree.city.parent == tree.province


def test_move_refused_for_upper_staff_and_outsiders(tree, county_staff, city_staff, nanjing_staff):
    old_path = tree.grassroots.path
    url = f"/api/unions/{tree.grassroots.pk}/move"
    assert post(as_user(city_staff), url, {"parent_id": tree.county_b.pk}).status_code == 403
    assert post(as_user(county_staff), url, {"parent_id": tree.county_b.pk}).status_code == 403
    assert post(as_user(nanjing_staff), url, {"parent_id": tree.other_county.pk}).status_code == 404
    tree.grassroots.refresh_from_db()
    assert tree.grassroots.path == old_path


def test_sysadmin_cannot_move_a_union_under_a_parent_outside_its_reach(tree, sysadmin):
    # 中华全国总工会 sits above the sysadmin's province: the target is not even visible
    response = post(as_user(sysadmin), f"/api/unions/{tree.grassroots.pk}/move", {"parent_id": tree.national.pk})
    assert response.status_code == 404
    tree.grassroots.refresh_from_db()
    assert tree.grassroots.parent == tree.county


def test_schema_errors_use_the_same_shape(tree, county_staff):
    response = post(as_user(county_staff), "/api/unions", {"parent_id": tree.county.pk, "name": "缺字段"})
    assert response.status_code == 422
    body = response.json()
    assert body["code"] == "invalid" and body["field"] in {"kind", "level", "division_code"}
    assert body["message"].startswith("参数格式不正确")

