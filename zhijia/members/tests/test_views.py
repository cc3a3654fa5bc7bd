"""The member pages, driven through the Django test client as the conftest personas."""

import random
import re

import pytest
from django.urls import reverse

from zhijia.core.generators import fake_id_number
from zhijia.core.models import AuditLog
from zhijia.members import services
from zhijia.members.models import ApplicationStatus, JoinApplication, Member, MemberStatus, TransferStatus

pytestmark = pytest.mark.django_db


def as_user(client, user):
    client.force_login(user)
    return client


def apply_form(person, union, **overrides):
    data = {
        "union": union.pk,
        "name": person.name,
        "id_number": person.id_number,
        "phone": person.phone,
        "employer": person.employer,
        "new_form_type": "",
        "note": "",
    }
    data.update(overrides)
    return data


def make_member(officer, worker, union, person):
    application = services.join_apply(actor=worker, union=union, data=person())
    return services.join_approve(actor=officer, application=application)


# ---- Worker: 我的, 入会, 会员卡 -------------------------------------------------------------------


def test_anonymous_visitor_is_sent_to_login(client):
    response = client.get(reverse("members:my"))
    assert response.status_code == 302 and reverse("accounts:login") in response["Location"]


def test_worker_without_membership_is_offered_to_join(client, worker):
    response = as_user(client, worker).get(reverse("members:my"))
    content = response.content.decode()
    assert response.status_code == 200
    assert "申请入会" in content and "会员关系转接" not in content


def test_join_flow_end_to_end_apply_approve_card_and_verify(client, tree, worker, officer, person):
    # given a worker who finds their employer's union by name
    data = person(name="王小明")
    client = as_user(client, worker)
    search = client.get(reverse("members:join"), {"q": "精工"})
    assert "苏州精工机械有限公司工会" in search.content.decode()
    # when they apply through the form
    response = client.post(reverse("members:join"), apply_form(data, tree.grassroots))
    # then they land on 我的 with the pending application listed
    assert response.status_code == 302 and response["Location"] == reverse("members:my")
    application = JoinApplication.objects.get(applicant=worker)
    assert application.status == ApplicationStatus.PENDING
    assert "待审核" in client.get(reverse("members:my")).content.decode()

    # when the union's officer approves it on the review page
    officer_client = as_user(type(client)(), officer)
    assert "王小明" in officer_client.get(reverse("members:application_list")).content.decode()
    approved = officer_client.post(reverse("members:application_approve", args=[application.pk]))
    assert approved.status_code == 302
    member = Member.objects.get(user=worker)

    # then the worker's card shows the member number and a QR code
    card = client.get(reverse("members:card")).content.decode()
    assert member.member_no in card and "<svg" in card and member.id_number_masked in card
    assert data.id_number not in card

    # and the page the QR points to says 有效 and names the union but not the person
    verify_path = re.search(r'href="(?:http://testserver)?(/card/verify/[^"]+/)"', card).group(1)
    verify = type(client)().get(verify_path)
    body = verify.content.decode()
    assert verify.status_code == 200
    assert "有效" in body and "苏州精工机械有限公司工会" in body
    assert "王小明" not in body and data.id_number not in body and member.id_number_masked not in body
    assert member.member_no not in body


def test_verify_page_says_invalid_for_a_forged_token(client):
    response = client.get(reverse("members:card_verify", args=["not-a-real-token"]))
    assert response.status_code == 200 and "无效" in response.content.decode()


def test_verify_page_says_revoked_after_withdrawal(client, tree, worker, officer, chair, person):
    member = make_member(officer, worker, tree.grassroots, person)
    card = as_user(client, worker).get(reverse("members:card")).content.decode()
    verify_path = re.search(r'href="(?:http://testserver)?(/card/verify/[^"]+/)"', card).group(1)
    services.member_change_status(actor=chair, member=member, status=MemberStatus.WITHDRAWN, reason="本人申请")
    assert "已失效" in client.get(verify_path).content.decode()


def test_invalid_id_number_shows_chinese_error_and_saves_nothing(client, tree, worker, person):
    data = person()
    bad = data.id_number[:-1] + ("0" if data.id_number[-1] != "0" else "1")
    response = as_user(client, worker).post(reverse("members:join"), apply_form(data, tree.grassroots, id_number=bad))
    content = response.content.decode()
    assert response.status_code == 400
    assert "身份证号校验位不正确，请核对" in content
    # the message sits in the 身份证号 field block, and the typed values are kept
    field_block = content.split('id="f-id_number"')[1].split("</div>")[0]
    assert "身份证号校验位不正确" in field_block
    assert data.name in content
    assert JoinApplication.objects.count() == 0 and not AuditLog.objects.filter(action="join.apply").exists()


def test_rejection_reason_is_visible_to_the_worker(client, tree, worker, officer, person):
    application = services.join_apply(actor=worker, union=tree.grassroots, data=person())
    officer_client = as_user(type(client)(), officer)
    # a rejection without a reason is refused with the message beside the field
    refused = officer_client.post(reverse("members:application_reject", args=[application.pk]), {"reason": ""})
    assert refused.status_code == 400 and "请填写驳回原因" in refused.content.decode()
    officer_client.post(
        reverse("members:application_reject", args=[application.pk]), {"reason": "您不在本单位工作，请向所在地工会申请"}
    )
    page = as_user(client, worker).get(reverse("members:my")).content.decode()
    assert "未通过" in page and "您不在本单位工作，请向所在地工会申请" in page


def test_flexible_worker_search_finds_only_open_unions_by_place(client, tree, worker):
    response = as_user(client, worker).get(
        reverse("members:join"), {"place": "姑苏区", "flexible": "1"}, headers={"HX-Request": "true"}
    )
    content = response.content.decode()
    assert response.status_code == 200 and "<html" not in content  # the HTMX partial only
    assert "姑苏区快递行业工会联合会" in content
    assert "苏州精工机械有限公司工会" not in content


def test_unknown_place_is_explained(client, tree, worker):
    response = as_user(client, worker).get(reverse("members:join"), {"place": "火星"})
    assert "没有找到这个地区" in response.content.decode()


def test_worker_can_withdraw_a_pending_application(client, tree, worker, person):
    application = services.join_apply(actor=worker, union=tree.grassroots, data=person())
    as_user(client, worker).post(reverse("members:application_withdraw", args=[application.pk]))
    application.refresh_from_db()
    assert application.status == ApplicationStatus.WITHDRAWN


def test_member_requests_a_transfer_and_can_cancel_it(client, tree, worker, officer, person):
    member = make_member(officer, worker, tree.grassroots, person)
    client = as_user(client, worker)
    assert "会员关系转接" in client.get(reverse("members:my")).content.decode()
    form = client.get(reverse("members:transfer_request"), {"union": tree.grassroots_b.pk})
    assert "吴中电子有限公司工会" in form.content.decode()
    # a missing reason is refused beside the field
    missing = client.post(reverse("members:transfer_request"), {"union": tree.grassroots_b.pk, "reason": ""})
    assert missing.status_code == 400 and "请填写转接原因" in missing.content.decode()
    client.post(
        reverse("members:transfer_request"),
        {"union": tree.grassroots_b.pk, "reason": "换工作", "new_employer": "吴中电子"},
    )
    transfer = member.transfers.get()
    assert transfer.status == TransferStatus.PENDING_RELEASE
    assert "待转出工会同意" in client.get(reverse("members:my")).content.decode()
    client.post(reverse("members:transfer_cancel", args=[transfer.pk]))
    transfer.refresh_from_db()
    assert transfer.status == TransferStatus.CANCELLED


def test_another_worker_cannot_cancel_my_transfer(client, tree, worker, other_worker, officer, person):
    member = make_member(officer, worker, tree.grassroots, person)
    transfer = services.transfer_request(actor=worker, member=member, to_union=tree.grassroots_b, reason="换工作")
    response = as_user(client, other_worker).post(reverse("members:transfer_cancel", args=[transfer.pk]))
    assert response.status_code == 404
    transfer.refresh_from_db()
    assert transfer.status == TransferStatus.PENDING_RELEASE


def test_card_page_without_membership_offers_to_join(client, worker):
    content = as_user(client, worker).get(reverse("members:card")).content.decode()
    assert "暂无电子会员卡" in content and "<svg" not in content


# ---- Staff pages ----------------------------------------------------------------------------

STAFF_PAGES = [
    "members:staff_home",
    "members:member_list",
    "members:member_create",
    "members:application_list",
    "members:transfer_list",
]


@pytest.mark.parametrize("name", STAFF_PAGES)
def test_worker_gets_403_on_staff_pages(client, worker, name):
    response = as_user(client, worker).get(reverse(name))
    assert response.status_code == 403
    assert "无权访问" in response.content.decode()


@pytest.mark.parametrize("persona", ["chair", "officer", "county_staff", "city_staff", "sysadmin"])
@pytest.mark.parametrize("name", STAFF_PAGES)
def test_staff_pages_render_for_each_staff_role(client, request, persona, name):
    user = request.getfixturevalue(persona)
    response = as_user(client, user).get(reverse(name))
    assert response.status_code == 200


def test_staff_home_counts_what_waits_in_scope(client, tree, worker, other_worker, officer, county_staff, person):
    make_member(officer, worker, tree.grassroots, person)
    services.join_apply(actor=other_worker, union=tree.grassroots, data=person())
    content = as_user(client, county_staff).get(reverse("members:staff_home")).content.decode()
    assert re.search(r'data-stat="applications"><strong>1</strong>', content)
    assert re.search(r'data-stat="members"><strong>1</strong>', content)


def test_member_list_searches_filters_and_masks(client, tree, chair, person):
    alice = services.member_create(actor=chair, union=tree.grassroots, data=person(name="陈静"))
    services.member_create(actor=chair, union=tree.grassroots, data=person(name="林涛"))
    client = as_user(client, chair)
    by_name = client.get(reverse("members:member_list"), {"q": "陈"}).content.decode()
    assert "陈静" in by_name and "林涛" not in by_name
    assert alice.id_number_masked in by_name and alice.id_number not in by_name and alice.phone not in by_name
    by_id = client.get(reverse("members:member_list"), {"q": alice.id_number}).content.decode()
    assert "陈静" in by_id and "林涛" not in by_id
    none = client.get(reverse("members:member_list"), {"status": "withdrawn"}).content.decode()
    assert "没有符合条件的会员" in none
    partial = client.get(reverse("members:member_list"), {"q": "林"}, headers={"HX-Request": "true"}).content.decode()
    assert "<html" not in partial and "林涛" in partial


def test_member_list_pages_sorts_and_keeps_filters(client, tree, chair, person):
    for _ in range(23):
        services.member_create(actor=chair, union=tree.grassroots, data=person())
    client = as_user(client, chair)
    first = client.get(reverse("members:member_list"), {"sort": "name", "status": "active"}).content.decode()
    assert "第 1 / 2 页，共 23 条" in first
    next_link = re.search(r'<a href="\?([^"]+)">下一页</a>', first).group(1)
    assert "sort=name" in next_link and "status=active" in next_link and "page=2" in next_link
    names = sorted(Member.objects.values_list("name", flat=True))
    second = client.get(
        reverse("members:member_list"), {"sort": "name", "status": "active", "page": 2}
    ).content.decode()
    assert all(name in second for name in names[20:])


def test_member_list_union_filter_ignores_unions_out_of_scope(client, tree, chair, chair_b, county_staff, person):
    services.member_create(actor=chair, union=tree.grassroots, data=person(name="陈静"))
    services.member_create(actor=chair_b, union=tree.grassroots_b, data=person(name="吴强"))
    # county staff narrowing to their grassroots union sees its member only
    content = (
        as_user(client, county_staff)
        .get(reverse("members:member_list"), {"union": tree.grassroots.pk})
        .content.decode()
    )
    assert "陈静" in content
    # a union outside their subtree is ignored rather than revealing anything
    outside = client.get(reverse("members:member_list"), {"union": tree.grassroots_b.pk}).content.decode()
    assert "吴强" not in outside


def test_member_list_query_count_does_not_grow_with_rows(client, tree, chair, person, django_assert_max_num_queries):
    for _ in range(25):
        services.member_create(actor=chair, union=tree.grassroots, data=person())
    client = as_user(client, chair)
    # session, user, grants, union options, count, page rows (with union joined)
    with django_assert_max_num_queries(7):
        response = client.get(reverse("members:member_list"))
    assert response.status_code == 200 and response.content.decode().count('href="/staff/members/') >= 40


def test_chair_reveals_id_number_and_it_is_audited(client, tree, chair, person):
    member = services.member_create(actor=chair, union=tree.grassroots, data=person())
    client = as_user(client, chair)
    detail = client.get(reverse("members:member_detail", args=[member.pk])).content.decode()
    assert "查看完整" in detail and member.id_number not in detail
    response = client.post(
        reverse("members:member_reveal", args=[member.pk, "id_number"]), headers={"HX-Request": "true"}
    )
    assert response.status_code == 200 and member.id_number in response.content.decode()
    assert AuditLog.objects.filter(action="member.reveal_pii", object_id=str(member.pk), actor=chair).count() == 1


def test_officer_sees_no_reveal_button_and_reveal_is_refused_without_audit(client, tree, chair, officer, person):
    member = services.member_create(actor=chair, union=tree.grassroots, data=person())
    client = as_user(client, officer)
    detail = client.get(reverse("members:member_detail", args=[member.pk]))
    assert detail.status_code == 200 and "查看完整" not in detail.content.decode()
    response = client.post(reverse("members:member_reveal", args=[member.pk, "phone"]))
    assert response.status_code == 403
    assert member.phone not in response.content.decode()
    assert not AuditLog.objects.filter(action="member.reveal_pii").exists()


def test_staff_of_another_subtree_get_404_for_guessed_ids_and_nothing_changes(
    client, tree, worker, officer, chair, nanjing_staff, chair_b, person
):
    member = services.member_create(actor=chair, union=tree.grassroots, data=person())
    application = services.join_apply(actor=worker, union=tree.grassroots, data=person())
    audit_before = AuditLog.objects.count()
    for outsider in (nanjing_staff, chair_b):
        c = as_user(type(client)(), outsider)
        assert c.get(reverse("members:member_detail", args=[member.pk])).status_code == 404
        assert c.get(reverse("members:member_edit", args=[member.pk])).status_code == 404
        assert c.post(reverse("members:member_reveal", args=[member.pk, "id_number"])).status_code == 404
        assert (
            c.post(
                reverse("members:member_change_status", args=[member.pk]), {"status": "withdrawn", "reason": "x"}
            ).status_code
            == 404
        )
        assert c.get(reverse("members:application_detail", args=[application.pk])).status_code == 404
        assert c.post(reverse("members:application_approve", args=[application.pk])).status_code == 404
        assert c.post(reverse("members:application_reject", args=[application.pk]), {"reason": "x"}).status_code == 404
    application.refresh_from_db()
    member.refresh_from_db()
    assert application.status == ApplicationStatus.PENDING and member.status == MemberStatus.ACTIVE
    assert AuditLog.objects.count() == audit_before


def test_worker_cannot_reach_their_own_member_record_through_staff_pages(client, tree, worker, officer, person):
    member = make_member(officer, worker, tree.grassroots, person)
    response = as_user(client, worker).get(reverse("members:member_detail", args=[member.pk]))
    assert response.status_code == 403


def test_staff_edits_a_member_without_seeing_the_phone(client, tree, chair, officer, person):
    member = services.member_create(actor=chair, union=tree.grassroots, data=person())
    client = as_user(client, officer)
    form = client.get(reverse("members:member_edit", args=[member.pk])).content.decode()
    assert member.phone not in form and member.phone_masked in form
    bad = client.post(
        reverse("members:member_edit", args=[member.pk]),
        {"name": member.name, "phone": "12345", "joined_on": "2020-01-01"},
    )
    assert bad.status_code == 400 and "手机号码应为11位大陆手机号" in bad.content.decode()
    response = client.post(
        reverse("members:member_edit", args=[member.pk]),
        {"name": member.name, "phone": "", "employer": "新单位", "joined_on": "2020-01-01"},
    )
    assert response.status_code == 302
    member.refresh_from_db()
    assert member.employer == "新单位" and member.joined_on.isoformat() == "2020-01-01"
    assert member.changes.filter(action="member.update").exists()
    assert "修改工作单位" in client.get(reverse("members:member_detail", args=[member.pk])).content.decode()


def test_status_change_requires_a_reason(client, tree, chair, person):
    member = services.member_create(actor=chair, union=tree.grassroots, data=person())
    client = as_user(client, chair)
    refused = client.post(
        reverse("members:member_change_status", args=[member.pk]), {"status": "reserved", "reason": ""}
    )
    assert refused.status_code == 400 and "请填写原因" in refused.content.decode()
    member.refresh_from_db()
    assert member.status == MemberStatus.ACTIVE
    client.post(reverse("members:member_change_status", args=[member.pk]), {"status": "reserved", "reason": "下岗待业"})
    member.refresh_from_db()
    assert member.status == MemberStatus.RESERVED


def test_the_status_select_has_no_default_and_asks_before_changing(client, tree, chair, person):
    member = services.member_create(actor=chair, union=tree.grassroots, data=person())
    client = as_user(client, chair)
    page = client.get(reverse("members:member_detail", args=[member.pk])).content.decode()
    assert '<option value="" selected>请选择</option>' in page and "不能撤销，确认变更会籍状态吗" in page
    unchosen = client.post(reverse("members:member_change_status", args=[member.pk]), {"status": "", "reason": "离职"})
    assert unchosen.status_code == 400 and "请选择要变更为的会籍状态" in unchosen.content.decode()
    member.refresh_from_db()
    assert member.status == MemberStatus.ACTIVE


def test_staff_creates_a_member_in_a_union_in_scope(client, tree, county_staff, person):
    data = person(name="郑伟")
    client = as_user(client, county_staff)
    page = client.get(reverse("members:member_create")).content.decode()
    assert "苏州精工机械有限公司工会" in page and "吴中电子有限公司工会" not in page
    response = client.post(
        reverse("members:member_create"),
        {
            "union": tree.grassroots.pk,
            "name": data.name,
            "id_number": data.id_number,
            "phone": data.phone,
            "joined_on": "",
        },
    )
    assert response.status_code == 302
    assert Member.objects.get(name="郑伟").union == tree.grassroots


def test_member_create_names_every_bad_field_at_once(client, tree, county_staff, person):
    data = person()
    response = as_user(client, county_staff).post(reverse("members:member_create"), {
        "union": tree.grassroots.pk, "name": "", "id_number": data.id_number[:-1] + "0", "phone": "1391234567"})
    assert response.status_code == 400
    assert {"name", "id_number", "phone"} <= set(response.context["errors"])
    assert not Member.objects.exists()


def test_member_create_refuses_a_union_out_of_scope(client, tree, county_staff, person):
    data = person()
    response = as_user(client, county_staff).post(
        reverse("members:member_create"),
        {"union": tree.grassroots_b.pk, "name": data.name, "id_number": data.id_number, "phone": data.phone},
    )
    assert response.status_code == 400 and "请选择会员所在的工会" in response.content.decode()
    assert not Member.objects.exists()


def test_transfer_list_offers_each_side_only_its_own_action(client, tree, worker, officer, chair_b, person):
    member = make_member(officer, worker, tree.grassroots, person)
    transfer = services.transfer_request(actor=worker, member=member, to_union=tree.grassroots_b, reason="换工作")
    source = as_user(client, officer).get(reverse("members:transfer_list")).content.decode()
    assert "同意转出" in source and "接收转入" not in source
    target = as_user(type(client)(), chair_b)
    assert "同意转出" not in target.get(reverse("members:transfer_list")).content.decode()
    # the target cannot release it by posting anyway
    assert target.post(reverse("members:transfer_release", args=[transfer.pk])).status_code == 403
    transfer.refresh_from_db()
    assert transfer.status == TransferStatus.PENDING_RELEASE
    as_user(client, officer).post(reverse("members:transfer_release", args=[transfer.pk]))
    assert "接收转入" in target.get(reverse("members:transfer_list")).content.decode()
    target.post(reverse("members:transfer_accept", args=[transfer.pk]))
    member.refresh_from_db()
    assert member.union == tree.grassroots_b


def test_transfer_rejection_needs_a_reason_and_the_member_sees_it(client, tree, worker, officer, person):
    member = make_member(officer, worker, tree.grassroots, person)
    transfer = services.transfer_request(actor=worker, member=member, to_union=tree.grassroots_b, reason="换工作")
    staff = as_user(client, officer)
    assert staff.post(reverse("members:transfer_reject", args=[transfer.pk]), {"reason": " "}).status_code == 400
    staff.post(reverse("members:transfer_reject", args=[transfer.pk]), {"reason": "劳动合同未解除"})
    transfer.refresh_from_db()
    assert transfer.status == TransferStatus.REJECTED
    assert "劳动合同未解除" in as_user(type(client)(), worker).get(reverse("members:my")).content.decode()


def test_outsider_gets_404_on_transfer_actions(client, tree, worker, officer, nanjing_staff, person):
    member = make_member(officer, worker, tree.grassroots, person)
    transfer = services.transfer_request(actor=worker, member=member, to_union=tree.grassroots_b, reason="换工作")
    outsider = as_user(client, nanjing_staff)
    assert outsider.post(reverse("members:transfer_release", args=[transfer.pk])).status_code == 404
    assert outsider.post(reverse("members:transfer_reject", args=[transfer.pk]), {"reason": "x"}).status_code == 404
    transfer.refresh_from_db()
    assert transfer.status == TransferStatus.PENDING_RELEASE


def test_verify_page_says_expired_for_an_old_token(client, tree, worker, officer, person, settings):
    make_member(officer, worker, tree.grassroots, person)
    card = as_user(client, worker).get(reverse("members:card")).content.decode()
    verify_path = re.search(r'href="(?:http://testserver)?(/card/verify/[^"]+/)"', card).group(1)
    settings.MEMBER_CARD_TOKEN_MAX_AGE = -1
    assert "已过期" in client.get(verify_path).content.decode()


def recorded_searches(page) -> list[str]:
    """The URLs of the search requests (those with q=) the page sends from now on."""
    searches = []
    page.on("request", lambda request: searches.append(request.url) if "q=" in request.url else None)
    return searches


def assert_blur_does_not_search(page, searches: list[str]) -> None:
    searched = len(searches)
    page.evaluate("document.activeElement.blur()")
    page.wait_for_timeout(700)
    assert len(searches) == searched


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_worker_joins_on_a_phone_in_chromium(browser_page, tree, worker, officer):
    """The join flow in a real browser at 360px: live search, a Chinese error, then the card."""
    from conftest import browser_login

    page = browser_page
    browser_login(page, worker.username)
    page.goto(page.base_url + reverse("members:join"))
    searches = recorded_searches(page)
    page.fill("#f-q", "精工")
    page.wait_for_selector("#union-results a[data-union]")  # HTMX results arrive without submitting
    # Leaving the box (as a tap on a result does) must not search again: a second swap under the
    # finger used to swallow the tap.
    assert_blur_does_not_search(page, searches)
    with page.expect_navigation():
        page.click("#union-results a[data-union]")
    page.fill("#f-id_number", "320508199001011230")
    page.click("main button[type=submit]")
    assert "身份证号校验位不正确" in page.locator(".field.has-error").inner_text()
    assert page.evaluate("document.documentElement.scrollWidth") <= 360

    page.fill("#f-id_number", fake_id_number(random.Random(1), "320508"))
    page.click("main button[type=submit]")
    page.wait_for_url("**/me/")
    assert "待审核" in page.content()

    # the officer signs in on the same phone and approves from the review list
    with page.expect_navigation():
        page.click("header button[type=submit]")  # 退出
    browser_login(page, officer.username)
    page.goto(page.base_url + reverse("members:application_list"))
    with page.expect_navigation():
        page.click("text=" + JoinApplication.objects.get(applicant=worker).name)
    with page.expect_navigation():
        page.click("text=批准入会")
    assert JoinApplication.objects.get(applicant=worker).status == "approved"

    with page.expect_navigation():
        page.click("header button[type=submit]")
    browser_login(page, worker.username)
    page.goto(page.base_url + reverse("members:card"))
    assert page.locator(".member-card svg").is_visible()
    from zhijia.members.models import Member

    assert Member.objects.get(user=worker).member_no in page.locator(".member-card").inner_text()
    assert page.evaluate("document.documentElement.scrollWidth") <= 360


def test_reveal_of_an_unknown_field_is_404_and_not_audited(client, tree, chair, person):
    member = services.member_create(actor=chair, union=tree.grassroots, data=person())
    response = as_user(client, chair).post(f"/staff/members/{member.pk}/reveal/name/")
    assert response.status_code == 404
    assert not AuditLog.objects.filter(action="member.reveal_pii").exists()


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_member_list_filters_live_on_typing_and_on_a_select(browser_page, tree, chair, person):
    """Typing searches after a pause and a select filters at once; leaving the search box does not re-search."""
    from conftest import browser_login

    services.member_create(actor=chair, union=tree.grassroots, data=person(name="陈静"))
    services.member_create(actor=chair, union=tree.grassroots, data=person(name="林涛"))
    page = browser_page
    browser_login(page, chair.username)
    page.goto(page.base_url + reverse("members:member_list"))
    searches = recorded_searches(page)
    page.fill("#f-q", "陈")
    page.wait_for_function("!document.querySelector('#member-results').innerText.includes('林涛')")
    assert "陈静" in page.inner_text("#member-results")
    assert_blur_does_not_search(page, searches)
    searched = len(searches)
    page.select_option("#f-status", "withdrawn")
    page.wait_for_function("document.querySelector('#member-results').innerText.includes('没有符合条件的会员')")
    assert "status=withdrawn" in page.url and len(searches) == searched + 1


def test_the_card_page_has_a_heading_and_pages_name_their_icon(client, tree, worker, officer, person):
    make_member(officer, worker, tree.grassroots, person)
    card = as_user(client, worker).get(reverse("members:card")).content.decode()
    assert '<h1 class="visually-hidden">电子会员卡</h1>' in card  # screen readers land on it; the card shows it
    assert 'rel="icon" href="/static/favicon.svg"' in card  # no /favicon.ico 404 in every new session
