"""The audit log and account admins: read-only, scoped, nothing raw."""

import pytest
from django.urls import reverse

from zhijia.accounts.models import Role, RoleAssignment, User
from zhijia.core.models import AuditLog
from zhijia.members import services

pytestmark = pytest.mark.django_db


def admin_client(client, user):
    user.is_staff = True
    user.save(update_fields=["is_staff"])
    client.force_login(user)
    return client


def test_audit_admin_is_read_only_and_scoped(client, tree, chair, chair_b, county_staff, person):
    services.member_create(actor=chair, union=tree.grassroots, data=person(name="陈静"))
    services.member_create(actor=chair_b, union=tree.grassroots_b, data=person(name="吴强"))
    client = admin_client(client, county_staff)
    listing = client.get(reverse("admin:core_auditlog_changelist")).content.decode()
    assert "陈静" in listing and "吴强" not in listing
    entry = AuditLog.objects.filter(object_repr__contains="陈静").first()
    before = AuditLog.objects.count()
    detail = client.get(reverse("admin:core_auditlog_change", args=[entry.pk])).content.decode()
    assert 'name="_save"' not in detail
    assert client.post(reverse("admin:core_auditlog_change", args=[entry.pk]), {"action": "x"}).status_code == 403
    assert client.post(reverse("admin:core_auditlog_delete", args=[entry.pk]), {"post": "yes"}).status_code == 403
    assert client.get(reverse("admin:core_auditlog_add")).status_code == 403
    assert AuditLog.objects.count() == before


def test_user_admin_is_for_superusers_and_masks_phone_logins(client, worker, county_staff):
    assert admin_client(client, county_staff).get(reverse("admin:accounts_user_changelist")).status_code == 403
    root = User.objects.create_superuser(username="root", password="pass-for-tests-1")
    su = type(client)()
    su.force_login(root)
    listing = su.get(reverse("admin:accounts_user_changelist")).content.decode()
    assert "139****0001" in listing and "13900000001" not in listing


def test_role_grant_in_admin_goes_through_the_service_and_stays_in_scope(client, tree, county_staff, worker):
    client = admin_client(client, county_staff)
    response = client.post(
        reverse("admin:accounts_roleassignment_add"),
        {"user": worker.pk, "union": tree.grassroots.pk, "role": Role.GRASSROOTS_OFFICER},
    )
    assert response.status_code == 302
    assert RoleAssignment.objects.filter(user=worker, union=tree.grassroots).exists()
    assert AuditLog.objects.filter(action="role.grant", actor=county_staff).exists()
    outside = client.post(
        reverse("admin:accounts_roleassignment_add"),
        {"user": worker.pk, "union": tree.grassroots_b.pk, "role": Role.GRASSROOTS_OFFICER},
    )
    assert outside.status_code == 200
    assert not RoleAssignment.objects.filter(user=worker, union=tree.grassroots_b).exists()


def test_role_revoke_in_admin_is_audited(client, tree, county_staff, officer):
    assignment = RoleAssignment.objects.get(user=officer)
    client = admin_client(client, county_staff)
    client.post(reverse("admin:accounts_roleassignment_delete", args=[assignment.pk]), {"post": "yes"})
    assert not RoleAssignment.objects.filter(pk=assignment.pk).exists()
    assert AuditLog.objects.filter(action="role.revoke", actor=county_staff).exists()
