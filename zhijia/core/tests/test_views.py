"""The home page, the audit trail page, and the 403/404 pages."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from zhijia.core.models import AuditLog
from zhijia.members import services

pytestmark = pytest.mark.django_db


def as_user(client, user):
    client.force_login(user)
    return client


def test_home_renders_for_anyone(client):
    assert "职工之家" in client.get(reverse("core:home")).content.decode()


def test_audit_list_shows_own_subtree_only(client, tree, chair, chair_b, county_staff, person):
    services.member_create(actor=chair, union=tree.grassroots, data=person(name="陈静"))
    services.member_create(actor=chair_b, union=tree.grassroots_b, data=person(name="吴强"))
    content = as_user(client, county_staff).get(reverse("core:audit_list")).content.decode()
    assert "陈静" in content and "吴强" not in content
    assert "新增会员" in content  # the registered Chinese label, not the code


def test_audit_list_filters_by_action_and_dates(client, tree, chair, person):
    member = services.member_create(actor=chair, union=tree.grassroots, data=person(name="陈静"))
    services.member_reveal_pii(actor=chair, member=member, field="phone")
    client = as_user(client, chair)
    reveals = client.get(reverse("core:audit_list"), {"action": "member.reveal_pii"}).content.decode()
    assert "查看完整个人信息" in reveals and "<td>新增会员</td>" not in reveals
    today = timezone.localdate()
    tomorrow = (today + datetime.timedelta(days=1)).isoformat()
    assert "没有符合条件的审计记录" in client.get(reverse("core:audit_list"), {"date_from": tomorrow}).content.decode()
    assert (
        "陈静"
        in client.get(
            reverse("core:audit_list"), {"date_from": today.isoformat(), "date_to": today.isoformat()}
        ).content.decode()
    )
    bad = client.get(reverse("core:audit_list"), {"date_from": "2026-13-40"}).content.decode()
    assert "日期格式应为" in bad


def test_audit_list_pages(client, tree, chair, person, django_assert_max_num_queries):
    member = services.member_create(actor=chair, union=tree.grassroots, data=person())
    for _ in range(35):
        services.member_reveal_pii(actor=chair, member=member, field="phone")
    client = as_user(client, chair)
    with django_assert_max_num_queries(7):
        content = client.get(reverse("core:audit_list")).content.decode()
    assert "第 1 / 2 页，共 36 条" in content


def test_worker_gets_403_on_audit(client, worker):
    response = as_user(client, worker).get(reverse("core:audit_list"))
    assert response.status_code == 403 and "无权访问" in response.content.decode()


def test_unknown_page_is_a_chinese_404(client):
    response = client.get("/no-such-page/")
    assert response.status_code == 404 and "页面不存在" in response.content.decode()


def test_registration_page_renders_and_explains_errors(client, db):
    assert client.get(reverse("accounts:register")).status_code == 200
    response = client.post(reverse("accounts:register"), {"username": "123", "display_name": "王", "password": "x"})
    assert "手机号码应为11位" in response.content.decode()
    assert not AuditLog.objects.filter(action="account.register").exists()


def test_no_template_comment_spans_lines():
    """Django's {# #} ends at the line's end: a comment over two lines is printed on the page as text."""
    from pathlib import Path

    root = Path(__file__).resolve().parents[2]
    unclosed = [f"{path.relative_to(root)}:{number}" for path in root.rglob("*.html")
                for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1)
                if "{#" in line and "#}" not in line[line.index("{#"):]]
    assert unclosed == []


def test_forms_show_no_template_source(client):
    page = client.get("/accounts/login/").content.decode()
    assert "账号" in page and "{#" not in page and "{%" not in page


def test_the_staff_workbench_tile_is_for_staff_only(client, tree, worker, officer):
    staff_url = f'href="{reverse("members:staff_home")}"'
    guest = client.get(reverse("core:home")).content.decode()
    assert staff_url in guest and "工会工作人员登录后使用" in guest
    assert staff_url not in as_user(client, worker).get(reverse("core:home")).content.decode()
    staff = as_user(client, officer).get(reverse("core:home")).content.decode()
    assert staff_url in staff and "工会工作人员登录后使用" not in staff


def test_audited_objects_read_in_chinese_not_as_model_object_n():
    """The audit page shows str(obj): no audited model may fall back to Django's "Referral object (3)"."""
    from django.apps import apps

    for model in apps.get_app_config("jobs").get_models():
        if model.__name__ in {"Referral", "Outcome"}:
            assert "object (" not in str(model(pk=3))
    for name in ("Referral", "Mediation", "WarningNote", "LegalAidApplication"):
        assert "object (" not in str(apps.get_model("cases", name)(pk=3))
    assert "object (" not in str(apps.get_model("accounts", "ApiToken")(pk=3))


def test_a_page_refused_to_union_staff_says_it_is_their_role_not_that_they_are_not_staff(client, tree, officer,
                                                                                         worker):
    refused = as_user(client, officer).get("/aid/staff/campaigns/new/")  # campaigns are created by upper staff
    assert refused.status_code == 403 and "职务无权使用此页面" in refused.content.decode()
    worker_refused = as_user(client, worker).get("/aid/staff/campaigns/new/").content.decode()
    assert "此页面仅限工会工作人员使用" in worker_refused


def test_the_audit_page_says_which_field_was_revealed_and_whether_an_export_was_full(client, tree, chair, person):
    from zhijia.members.exports import member_export

    member = services.member_create(actor=chair, union=tree.grassroots, data=person())
    services.member_reveal_pii(actor=chair, member=member, field="id_number")
    services.member_reveal_pii(actor=chair, member=member, field="phone")
    member_export(actor=chair, union=tree.grassroots, full_pii=True).file.close()
    member_export(actor=chair, union=tree.grassroots).file.close()
    page = as_user(client, chair).get(reverse("core:audit_list")).content.decode()
    for detail in ("查看身份证号", "查看手机号", "含完整身份证号和手机号，1 行", "已脱敏，1 行"):
        assert f'<div class="muted small">{detail}</div>' in page, detail
