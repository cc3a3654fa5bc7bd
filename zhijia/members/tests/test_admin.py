"""The member admin: scoped by the member policy, PII masked, edits through member_update."""

import pytest
from django.urls import reverse

from zhijia.accounts.models import User
from zhijia.core.models import AuditLog
from zhijia.members import services
from zhijia.members.models import JoinApplication, Member

pytestmark = pytest.mark.django_db


def admin_client(client, user):
    user.is_staff = True
    user.save(update_fields=["is_staff"])
    client.force_login(user)
    return client


@pytest.fixture
def superuser(db):
    return User.objects.create_superuser(username="root", password="pass-for-tests-1", display_name="超级管理员")


@pytest.fixture
def two_members(tree, chair, chair_b, person):
    a = services.member_create(actor=chair, union=tree.grassroots, data=person(name="陈静"))
    b = services.member_create(actor=chair_b, union=tree.grassroots_b, data=person(name="吴强"))
    return a, b


def test_superuser_sees_chinese_names_and_only_masked_pii(client, superuser, two_members):
    a, _ = two_members
    client.force_login(superuser)
    index = client.get(reverse("admin:index")).content.decode()
    assert "会员管理" in index and "工会组织" in index and "审计日志" in index
    listing = client.get(reverse("admin:members_member_changelist")).content.decode()
    assert a.id_number_masked in listing and a.phone_masked in listing
    assert a.id_number not in listing and a.phone not in listing
    detail = client.get(reverse("admin:members_member_change", args=[a.pk])).content.decode()
    assert a.id_number_masked in detail and a.id_number not in detail and a.phone not in detail
    assert 'name="id_number"' not in detail and 'name="phone"' not in detail


def test_staff_admin_list_is_scoped_to_their_subtree(client, county_staff, two_members):
    a, b = two_members
    client = admin_client(client, county_staff)
    listing = client.get(reverse("admin:members_member_changelist")).content.decode()
    assert "陈静" in listing and "吴强" not in listing
    # a guessed id from another subtree is treated as missing: redirected away, nothing shown
    response = client.get(reverse("admin:members_member_change", args=[b.pk]))
    assert response.status_code == 302 and "吴强" not in response.content.decode()


def test_staff_admin_edit_goes_through_the_service(client, county_staff, two_members):
    a, _ = two_members
    client = admin_client(client, county_staff)
    response = client.post(
        reverse("admin:members_member_change", args=[a.pk]),
        {"name": "陈静怡", "employer": "新单位", "new_form_type": "", "joined_on": a.joined_on.isoformat()},
    )
    assert response.status_code == 302
    a.refresh_from_db()
    assert a.name == "陈静怡" and a.employer == "新单位"
    assert a.changes.filter(action="member.update", actor=county_staff).exists()
    assert AuditLog.objects.filter(action="member.update", object_id=str(a.pk), actor=county_staff).exists()


def test_members_cannot_be_deleted_or_added_in_admin(client, county_staff, two_members):
    a, _ = two_members
    client = admin_client(client, county_staff)
    assert client.post(reverse("admin:members_member_delete", args=[a.pk]), {"post": "yes"}).status_code == 403
    assert client.get(reverse("admin:members_member_add")).status_code == 403
    assert Member.objects.filter(pk=a.pk).exists()


def test_worker_with_staff_flag_but_no_grant_sees_no_members(client, worker, two_members):
    client = admin_client(client, worker)
    assert client.get(reverse("admin:members_member_changelist")).status_code == 403


def test_applications_approved_from_admin_action_use_the_service(client, tree, worker, officer, person):
    application = services.join_apply(actor=worker, union=tree.grassroots, data=person())
    client = admin_client(client, officer)
    listing = client.get(reverse("admin:members_joinapplication_changelist")).content.decode()
    assert application.id_number_masked in listing and application.id_number not in listing
    client.post(
        reverse("admin:members_joinapplication_changelist"),
        {"action": "approve_applications", "_selected_action": [application.pk]},
    )
    application.refresh_from_db()
    assert application.status == "approved" and Member.objects.filter(user=worker).exists()
    assert AuditLog.objects.filter(action="join.approve", actor=officer).exists()


def test_outsider_admin_action_cannot_approve_a_guessed_application(client, tree, worker, chair_b, person):
    application = services.join_apply(actor=worker, union=tree.grassroots, data=person())
    client = admin_client(client, chair_b)
    client.post(
        reverse("admin:members_joinapplication_changelist"),
        {"action": "approve_applications", "_selected_action": [application.pk]},
    )
    application.refresh_from_db()
    assert application.status == "pending"
    assert JoinApplication.objects.filter(status="approved").count() == 0


def test_member_history_in_admin_is_scoped(client, county_staff, nanjing_staff, two_members):
    a, _ = two_members
    assert (
        "陈静"
        in admin_client(client, county_staff).get(reverse("admin:members_memberchange_changelist")).content.decode()
    )
    other = admin_client(type(client)(), nanjing_staff)
    assert "陈静" not in other.get(reverse("admin:members_memberchange_changelist")).content.decode()
