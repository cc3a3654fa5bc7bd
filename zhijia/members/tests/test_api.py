"""The member registry API, told through the conftest personas: who can see and change which members,
what a worker sees of their own membership, and that every refusal leaves nothing behind."""

import pytest
from django.test import Client

from zhijia.core.models import AuditLog
from zhijia.members import services
from zhijia.members.card import card_token
from zhijia.members.models import (
    ApplicationStatus,
    JoinApplication,
    Member,
    MemberStatus,
    TransferRequest,
    TransferStatus,
)


def as_user(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def post(client, url, data=None):
    return client.post(url, data or {}, content_type="application/json")


def patch(client, url, data):
    return client.patch(url, data, content_type="application/json")


def person_json(data) -> dict:
    return {"name": data.name, "id_number": data.id_number, "phone": data.phone, "employer": data.employer}


@pytest.fixture
def suzhou_member(tree, chair, person):
    """A member of grassroots A (苏州精工机械)."""
    return services.member_create(actor=chair, union=tree.grassroots, data=person())


@pytest.fixture
def wuzhong_member(tree, chair_b, person):
    """A member of grassroots B (吴中电子), same city, different county."""
    return services.member_create(actor=chair_b, union=tree.grassroots_b, data=person())


@pytest.fixture
def workers_member(tree, worker, officer, person):
    """The worker, a member of grassroots A through an approved application."""
    application = services.join_apply(actor=worker, union=tree.grassroots, data=person())
    return services.join_approve(actor=officer, application=application)


# ---- Member list -------------------------------------------------------------------------------


def test_chair_lists_own_union_members_with_pii_masked(tree, chair, suzhou_member, wuzhong_member):
    # when the chair of grassroots A lists members
    response = as_user(chair).get("/api/members")
    # then only their union's member is listed, and 身份证号/phone never appear in full
    assert response.status_code == 200
    body = response.json()
    assert body["total"] == 1 and body["page"] == 1 and body["page_size"] == 20
    item = body["items"][0]
    assert item["id"] == suzhou_member.pk and item["union_name"] == "苏州精工机械有限公司工会"
    assert item["id_number_masked"] == suzhou_member.id_number_masked
    assert suzhou_member.id_number not in response.content.decode()
    assert suzhou_member.phone not in response.content.decode()
    assert "id_number" not in item and "phone" not in item


def test_county_staff_sees_only_its_subtree_and_city_staff_sees_both(
    tree, county_staff, city_staff, suzhou_member, wuzhong_member
):
    county_ids = {item["id"] for item in as_user(county_staff).get("/api/members").json()["items"]}
    city_ids = {item["id"] for item in as_user(city_staff).get("/api/members").json()["items"]}
    assert county_ids == {suzhou_member.pk}
    assert city_ids == {suzhou_member.pk, wuzhong_member.pk}


def test_nanjing_staff_lists_nothing_from_suzhou_even_naming_the_union(tree, nanjing_staff, suzhou_member):
    client = as_user(nanjing_staff)
    assert client.get("/api/members").json()["total"] == 0
    # guessing a Suzhou union id in the filter is not found, not an empty Suzhou list
    response = client.get(f"/api/members?union_id={tree.grassroots.pk}")
    assert response.status_code == 404
    assert response.json()["code"] == "not_found"


def test_worker_without_staff_role_may_not_list_members(worker, workers_member):
    response = as_user(worker).get("/api/members")
    assert response.status_code == 403
    assert response.json() == {"code": "permission_denied", "message": "无权执行此操作", "field": None}


def test_list_filters_by_union_search_status_and_sorts(tree, city_staff, chair, person, suzhou_member, wuzhong_member):
    client = as_user(city_staff)
    # narrowed to grassroots B's county
    by_union = client.get(f"/api/members?union_id={tree.county_b.pk}").json()
    assert [item["id"] for item in by_union["items"]] == [wuzhong_member.pk]
    # an exact 身份证号 finds the member through the keyed hash
    by_id = client.get(f"/api/members?q={suzhou_member.id_number}").json()
    assert [item["id"] for item in by_id["items"]] == [suzhou_member.pk]
    # status filter
    services.member_change_status(actor=chair, member=suzhou_member, status=MemberStatus.RESERVED, reason="长期病假")
    reserved = client.get("/api/members?status=reserved").json()
    assert [item["id"] for item in reserved["items"]] == [suzhou_member.pk]
    # sort by 会员号 ascending
    by_no = client.get("/api/members?sort=member_no").json()["items"]
    assert [item["member_no"] for item in by_no] == sorted(item["member_no"] for item in by_no)


def test_list_pages_and_refuses_oversized_pages(tree, chair, person):
    for _ in range(5):
        services.member_create(actor=chair, union=tree.grassroots, data=person())
    client = as_user(chair)
    page2 = client.get("/api/members?page=2&page_size=2&sort=id").json()
    assert page2["total"] == 5 and page2["page"] == 2 and page2["page_size"] == 2
    all_ids = sorted(Member.objects.values_list("id", flat=True))
    assert [item["id"] for item in page2["items"]] == all_ids[2:4]
    too_big = client.get("/api/members?page_size=101")
    assert too_big.status_code == 422
    assert too_big.json()["code"] == "invalid" and too_big.json()["field"] == "page_size"
    bad_sort = client.get("/api/members?sort=id_number")
    assert bad_sort.status_code == 422 and bad_sort.json()["field"] == "sort"


def test_member_list_query_count_does_not_grow_with_the_page(tree, chair, person, django_assert_max_num_queries):
    for _ in range(25):
        services.member_create(actor=chair, union=tree.grassroots, data=person())
    client = as_user(chair)
    # session, user, grants, page, count: a per-row query would blow far past this
    with django_assert_max_num_queries(6):
        response = client.get("/api/members?page_size=25")
    assert len(response.json()["items"]) == 25


# ---- Member detail, create, update, status -----------------------------------------------------


def test_member_detail_is_masked_and_carries_history_newest_first(tree, chair, suzhou_member):
    services.member_update(actor=chair, member=suzhou_member, changes={"employer": "苏州精工二厂"})
    response = as_user(chair).get(f"/api/members/{suzhou_member.pk}")
    assert response.status_code == 200
    body = response.json()
    assert body["id_number_masked"] == suzhou_member.id_number_masked
    assert suzhou_member.id_number not in response.content.decode()
    assert [entry["action"] for entry in body["history"]] == ["member.update", "member.create"]
    assert body["history"][0]["summary"] == "修改工作单位"
    assert body["can_reveal_pii"] is True


def test_officer_detail_says_pii_cannot_be_revealed(chair, officer, suzhou_member):
    body = as_user(officer).get(f"/api/members/{suzhou_member.pk}").json()
    assert body["can_reveal_pii"] is False and body["history"]


def test_guessed_member_id_from_another_subtree_is_not_found(tree, nanjing_staff, chair_b, suzhou_member):
    for user in (nanjing_staff, chair_b):
        response = as_user(user).get(f"/api/members/{suzhou_member.pk}")
        assert response.status_code == 404
        assert response.json()["code"] == "not_found"
    assert as_user(nanjing_staff).get("/api/members/999999").status_code == 404


def test_chair_creates_member_and_the_audit_records_it(tree, chair, person):
    data = person()
    response = post(as_user(chair), "/api/members", {"union_id": tree.grassroots.pk, **person_json(data)})
    assert response.status_code == 201
    body = response.json()
    member = Member.objects.get(pk=body["id"])
    assert member.union == tree.grassroots and member.id_number == data.id_number
    assert body["member_no"] == member.member_no and body["status"] == "active"
    assert data.id_number not in response.content.decode()
    assert AuditLog.objects.filter(action="member.create", object_id=str(member.pk)).exists()


def test_invalid_id_number_is_refused_with_the_field_and_nothing_is_saved(tree, chair, person):
    data = person()
    bad = data.id_number[:-1] + ("0" if data.id_number[-1] != "0" else "1")
    body = {"union_id": tree.grassroots.pk, **person_json(data), "id_number": bad}
    response = post(as_user(chair), "/api/members", body)
    assert response.status_code == 422
    body = response.json()
    assert body["code"] == "invalid_id_number" and body["field"] == "id_number"
    assert "校验位" in body["message"]
    assert Member.objects.count() == 0
    assert not AuditLog.objects.filter(action="member.create").exists()


def test_second_membership_for_the_same_person_is_refused(tree, chair_b, suzhou_member, person):
    data = person(id_number=suzhou_member.id_number)
    response = post(as_user(chair_b), "/api/members", {"union_id": tree.grassroots_b.pk, **person_json(data)})
    assert response.status_code == 422
    assert response.json()["code"] == "duplicate_member" and response.json()["field"] == "id_number"
    assert Member.objects.count() == 1


def test_federation_does_not_take_members_directly(tree, county_staff, person):
    response = post(as_user(county_staff), "/api/members", {"union_id": tree.county.pk, **person_json(person())})
    assert response.status_code == 422 and response.json()["code"] == "union_not_accepting"
    assert Member.objects.count() == 0


def test_staff_cannot_create_members_in_another_union(tree, chair_b, nanjing_staff, person):
    for user in (chair_b, nanjing_staff):
        response = post(as_user(user), "/api/members", {"union_id": tree.grassroots.pk, **person_json(person())})
        assert response.status_code == 404
    assert post(as_user(chair_b), "/api/members", {"union_id": 999999, **person_json(person())}).status_code == 404
    assert Member.objects.count() == 0


def test_officer_updates_phone_and_history_records_it_masked(officer, suzhou_member):
    response = patch(as_user(officer), f"/api/members/{suzhou_member.pk}", {"phone": "13812345678"})
    assert response.status_code == 200
    suzhou_member.refresh_from_db()
    assert suzhou_member.phone == "13812345678"
    assert response.json()["phone_masked"] == "138****5678"
    change = suzhou_member.changes.get(action="member.update")
    assert change.changes["phone"][1] == "138****5678"


def test_update_with_bad_phone_is_refused_and_nothing_changes(officer, suzhou_member):
    old_phone = suzhou_member.phone
    response = patch(as_user(officer), f"/api/members/{suzhou_member.pk}", {"phone": "12345", "employer": "改了"})
    assert response.status_code == 422
    assert response.json()["code"] == "invalid_phone" and response.json()["field"] == "phone"
    suzhou_member.refresh_from_db()
    assert suzhou_member.phone == old_phone and suzhou_member.employer != "改了"


def test_update_from_another_subtree_is_not_found_and_nothing_changes(chair_b, nanjing_staff, suzhou_member):
    for user in (chair_b, nanjing_staff):
        response = patch(as_user(user), f"/api/members/{suzhou_member.pk}", {"employer": "黑客公司"})
        assert response.status_code == 404
    suzhou_member.refresh_from_db()
    assert suzhou_member.employer != "黑客公司"
    assert not suzhou_member.changes.filter(action="member.update").exists()


def test_status_change_needs_a_reason_and_follows_the_transition_table(chair, suzhou_member):
    client = as_user(chair)
    url = f"/api/members/{suzhou_member.pk}/status"
    no_reason = post(client, url, {"status": "withdrawn"})
    assert no_reason.status_code == 422
    assert no_reason.json()["code"] == "required" and no_reason.json()["field"] == "reason"
    withdrawn = post(client, url, {"status": "withdrawn", "reason": "本人申请退会"})
    assert withdrawn.status_code == 200 and withdrawn.json()["status"] == "withdrawn"
    back = post(client, url, {"status": "active", "reason": "想回来"})
    assert back.status_code == 409 and back.json()["code"] == "invalid_transition"
    suzhou_member.refresh_from_db()
    assert suzhou_member.status == MemberStatus.WITHDRAWN


def test_status_change_from_another_union_is_not_found(chair_b, suzhou_member):
    response = post(as_user(chair_b), f"/api/members/{suzhou_member.pk}/status", {"status": "withdrawn", "reason": "x"})
    assert response.status_code == 404
    suzhou_member.refresh_from_db()
    assert suzhou_member.status == MemberStatus.ACTIVE


# ---- Revealing PII -----------------------------------------------------------------------------


def test_chair_reveals_id_number_and_the_reveal_is_audited(chair, suzhou_member):
    response = post(as_user(chair), f"/api/members/{suzhou_member.pk}/reveal", {"field": "id_number"})
    assert response.status_code == 200
    assert response.json() == {"value": suzhou_member.id_number}
    assert response["Cache-Control"] == "no-store"
    entry = AuditLog.objects.get(action="member.reveal_pii")
    assert entry.actor == chair and entry.object_id == str(suzhou_member.pk) and entry.after == {"field": "id_number"}


@pytest.mark.parametrize(
    "persona, status", [("officer", 403), ("county_staff", 403), ("nanjing_staff", 404), ("chair_b", 404)]
)
def test_reveal_refused_writes_no_audit_entry(request, persona, status, suzhou_member):
    user = request.getfixturevalue(persona)
    response = post(as_user(user), f"/api/members/{suzhou_member.pk}/reveal", {"field": "phone"})
    assert response.status_code == status
    assert suzhou_member.phone not in response.content.decode()
    assert not AuditLog.objects.filter(action="member.reveal_pii").exists()


def test_reveal_of_another_field_is_refused(chair, suzhou_member):
    response = post(as_user(chair), f"/api/members/{suzhou_member.pk}/reveal", {"field": "birth_date"})
    assert response.status_code == 422 and response.json()["field"] == "field"
    assert not AuditLog.objects.filter(action="member.reveal_pii").exists()


# ---- The worker's membership and card -----------------------------------------------------------


def test_worker_without_membership_gets_not_found(worker):
    response = as_user(worker).get("/api/me/membership")
    assert response.status_code == 404 and response.json()["code"] == "not_found"


def test_worker_sees_membership_and_the_card_url_verifies_without_personal_data(worker, workers_member):
    response = as_user(worker).get("/api/me/membership")
    assert response.status_code == 200
    body = response.json()
    assert body["member_no"] == workers_member.member_no and body["union_name"] == "苏州精工机械有限公司工会"
    assert body["verify_url"].startswith("http://testserver/api/cards/verify?token=")
    # when anyone scans the card
    check = Client().get(body["verify_url"])
    # then it is valid and names the union, but not the person
    assert check.status_code == 200
    assert check.json() == {"status": "valid", "label": "有效会员", "union_name": "苏州精工机械有限公司工会"}
    text = check.content.decode()
    assert workers_member.name not in text and workers_member.member_no not in text


def test_card_verify_says_revoked_and_invalid(chair, workers_member):
    token = card_token(workers_member)
    services.member_change_status(actor=chair, member=workers_member, status=MemberStatus.WITHDRAWN, reason="退会")
    anonymous = Client()
    revoked = anonymous.get("/api/cards/verify", {"token": token}).json()
    assert revoked["status"] == "revoked" and revoked["union_name"] == ""
    assert anonymous.get("/api/cards/verify", {"token": "forged"}).json()["status"] == "invalid"
    assert anonymous.get("/api/cards/verify").json()["status"] == "invalid"


# ---- Join applications -------------------------------------------------------------------------


def test_worker_applies_and_chair_approves(tree, worker, chair, person):
    data = person()
    worker_client = as_user(worker)
    body = {"union_id": tree.grassroots.pk, **person_json(data), "note": "新入职"}
    applied = post(worker_client, "/api/join-applications", body)
    assert applied.status_code == 201
    application_id = applied.json()["id"]
    assert applied.json()["status"] == "pending" and data.id_number not in applied.content.decode()
    # the worker sees their own application in the list
    mine = worker_client.get("/api/join-applications").json()
    assert [item["id"] for item in mine["items"]] == [application_id]
    # the chair sees it pending and approves
    chair_client = as_user(chair)
    pending = chair_client.get("/api/join-applications").json()
    assert [item["id"] for item in pending["items"]] == [application_id]
    approved = post(chair_client, f"/api/join-applications/{application_id}/approve")
    assert approved.status_code == 200
    assert approved.json()["status"] == "approved" and approved.json()["member_id"]
    member = Member.objects.get(pk=approved.json()["member_id"])
    assert member.user == worker and member.union == tree.grassroots
    assert chair_client.get("/api/join-applications").json()["total"] == 0
    assert chair_client.get("/api/join-applications?status=approved").json()["total"] == 1
    assert worker_client.get("/api/me/membership").json()["member_no"] == member.member_no


def test_invalid_application_is_refused_and_nothing_saved(tree, worker, person):
    data = person(phone="1234")
    response = post(as_user(worker), "/api/join-applications", {"union_id": tree.grassroots.pk, **person_json(data)})
    assert response.status_code == 422
    assert response.json()["code"] == "invalid_phone" and response.json()["field"] == "phone"
    assert JoinApplication.objects.count() == 0


def test_anonymous_cannot_apply(tree, person):
    response = post(Client(), "/api/join-applications", {"union_id": tree.grassroots.pk, **person_json(person())})
    assert response.status_code == 401
    assert response.json()["code"] == "not_authenticated"
    assert JoinApplication.objects.count() == 0


@pytest.fixture
def application(tree, worker, person):
    return services.join_apply(actor=worker, union=tree.grassroots, data=person())


def test_chair_b_cannot_see_or_approve_an_application_to_grassroots_a(chair_b, nanjing_staff, application):
    for user in (chair_b, nanjing_staff):
        client = as_user(user)
        assert client.get(f"/api/join-applications/{application.pk}").status_code == 404
        response = post(client, f"/api/join-applications/{application.pk}/approve")
        assert response.status_code == 404 and response.json()["code"] == "not_found"
        assert post(client, f"/api/join-applications/{application.pk}/reject", {"reason": "不批"}).status_code == 404
        assert client.get("/api/join-applications").json()["total"] == 0
    application.refresh_from_db()
    assert application.status == ApplicationStatus.PENDING
    assert Member.objects.count() == 0


def test_county_staff_lists_applications_in_its_subtree(county_staff, application):
    items = as_user(county_staff).get("/api/join-applications").json()["items"]
    assert [item["id"] for item in items] == [application.pk]


def test_applicant_cannot_approve_own_application(worker, application):
    response = post(as_user(worker), f"/api/join-applications/{application.pk}/approve")
    assert response.status_code == 403
    application.refresh_from_db()
    assert application.status == ApplicationStatus.PENDING


def test_reject_needs_a_reason(officer, application):
    client = as_user(officer)
    no_reason = post(client, f"/api/join-applications/{application.pk}/reject", {})
    assert no_reason.status_code == 422 and no_reason.json()["field"] == "reason"
    rejected = post(client, f"/api/join-applications/{application.pk}/reject", {"reason": "非本单位职工"})
    assert rejected.status_code == 200
    assert rejected.json()["status"] == "rejected" and rejected.json()["reject_reason"] == "非本单位职工"


def test_worker_withdraws_and_then_it_cannot_be_approved(worker, other_worker, chair, application):
    assert post(as_user(other_worker), f"/api/join-applications/{application.pk}/withdraw").status_code == 404
    withdrawn = post(as_user(worker), f"/api/join-applications/{application.pk}/withdraw")
    assert withdrawn.status_code == 200 and withdrawn.json()["status"] == "withdrawn"
    too_late = post(as_user(chair), f"/api/join-applications/{application.pk}/approve")
    assert too_late.status_code == 409 and too_late.json()["code"] == "invalid_transition"
    assert Member.objects.count() == 0


# ---- Transfers ---------------------------------------------------------------------------------


def request_transfer(worker, member, to_union):
    return post(
        as_user(worker),
        "/api/transfers",
        {"member_id": member.pk, "to_union_id": to_union.pk, "reason": "换工作", "new_employer": "吴中电子有限公司"},
    )


def test_transfer_released_and_accepted_moves_the_member(tree, worker, officer, chair_b, workers_member):
    # given the worker asks to move to 吴中电子
    created = request_transfer(worker, workers_member, tree.grassroots_b)
    assert created.status_code == 201
    transfer_id = created.json()["id"]
    assert created.json()["status"] == "pending_release" and created.json()["to_union_name"] == "吴中电子有限公司工会"
    # the target cannot release on the source's behalf
    wrong_side = post(as_user(chair_b), f"/api/transfers/{transfer_id}/release")
    assert wrong_side.status_code == 403
    # when the source releases and the target accepts
    released = post(as_user(officer), f"/api/transfers/{transfer_id}/release")
    assert released.status_code == 200 and released.json()["status"] == "pending_accept"
    accepted = post(as_user(chair_b), f"/api/transfers/{transfer_id}/accept")
    # then the member is in the target union, with the new employer
    assert accepted.status_code == 200 and accepted.json()["status"] == "completed"
    workers_member.refresh_from_db()
    assert workers_member.union == tree.grassroots_b and workers_member.employer == "吴中电子有限公司"
    assert as_user(worker).get("/api/me/membership").json()["union_name"] == "吴中电子有限公司工会"


def test_transfer_is_invisible_and_untouchable_from_outside_both_sides(tree, worker, nanjing_staff, workers_member):
    transfer_id = request_transfer(worker, workers_member, tree.grassroots_b).json()["id"]
    client = as_user(nanjing_staff)
    assert client.get(f"/api/transfers/{transfer_id}").status_code == 404
    for action in ("release", "accept", "cancel"):
        assert post(client, f"/api/transfers/{transfer_id}/{action}").status_code == 404
    assert post(client, f"/api/transfers/{transfer_id}/reject", {"reason": "不行"}).status_code == 404
    assert client.get("/api/transfers").json()["total"] == 0
    assert TransferRequest.objects.get(pk=transfer_id).status == TransferStatus.PENDING_RELEASE


def test_staff_cannot_transfer_a_member_they_cannot_see(tree, nanjing_staff, workers_member):
    response = request_transfer(nanjing_staff, workers_member, tree.grassroots_c)
    assert response.status_code == 404
    assert TransferRequest.objects.count() == 0


def test_transfer_lists_are_scoped(tree, worker, county_staff, chair_b, other_worker, workers_member):
    transfer_id = request_transfer(worker, workers_member, tree.grassroots_b).json()["id"]
    # both sides' staff see it; the worker sees their own; another worker sees nothing
    assert [t["id"] for t in as_user(county_staff).get("/api/transfers").json()["items"]] == [transfer_id]
    assert [t["id"] for t in as_user(chair_b).get("/api/transfers").json()["items"]] == [transfer_id]
    assert [t["id"] for t in as_user(worker).get("/api/transfers").json()["items"]] == [transfer_id]
    assert as_user(other_worker).get("/api/transfers").json()["total"] == 0
    assert as_user(county_staff).get("/api/transfers?status=completed").json()["total"] == 0


def test_source_rejects_with_reason_and_worker_cannot_cancel_afterwards(tree, worker, officer, workers_member):
    transfer_id = request_transfer(worker, workers_member, tree.grassroots_b).json()["id"]
    no_reason = post(as_user(officer), f"/api/transfers/{transfer_id}/reject", {})
    assert no_reason.status_code == 422 and no_reason.json()["field"] == "reason"
    rejected = post(as_user(officer), f"/api/transfers/{transfer_id}/reject", {"reason": "劳动合同未到期"})
    assert rejected.status_code == 200 and rejected.json()["reject_reason"] == "劳动合同未到期"
    cancel = post(as_user(worker), f"/api/transfers/{transfer_id}/cancel")
    assert cancel.status_code == 409 and cancel.json()["code"] == "invalid_transition"


def test_worker_cancels_own_transfer_but_staff_cannot(tree, worker, officer, workers_member):
    transfer_id = request_transfer(worker, workers_member, tree.grassroots_b).json()["id"]
    assert post(as_user(officer), f"/api/transfers/{transfer_id}/cancel").status_code == 403
    cancelled = post(as_user(worker), f"/api/transfers/{transfer_id}/cancel")
    assert cancelled.status_code == 200 and cancelled.json()["status"] == "cancelled"
    workers_member.refresh_from_db()
    assert workers_member.union == tree.grassroots
