"""The union admin: scoped by the union policy, saved through union_update / union_create."""

import pytest
from django.urls import reverse

from zhijia.core.models import AuditLog
from zhijia.org.models import Kind, Level, Union

pytestmark = pytest.mark.django_db


def admin_client(client, user):
    user.is_staff = True
    user.save(update_fields=["is_staff"])
    client.force_login(user)
    return client


def union_form(union, **overrides):
    data = {
        "name": union.name,
        "kind": union.kind,
        "level": union.level,
        "division_code": union.division_code,
        "credit_code": union.credit_code or "",
        "address": union.address,
        "chair_name": union.chair_name,
        "established_on": "",
        "status": union.status,
    }
    data.update(overrides)
    return data


def test_union_admin_list_is_scoped(client, tree, county_staff):
    listing = admin_client(client, county_staff).get(reverse("admin:org_union_changelist")).content.decode()
    assert "苏州精工机械有限公司工会" in listing and "吴中电子有限公司工会" not in listing


def test_bad_credit_code_is_shown_beside_the_field_and_nothing_changes(client, tree, chair):
    client = admin_client(client, chair)
    response = client.post(
        reverse("admin:org_union_change", args=[tree.grassroots.pk]),
        union_form(tree.grassroots, name="改名", credit_code="81320508ABCDEFGH12"),
    )
    content = response.content.decode()
    assert response.status_code == 200 and "统一社会信用代码格式或校验位不正确" in content
    tree.grassroots.refresh_from_db()
    assert tree.grassroots.name == "苏州精工机械有限公司工会"
    assert not AuditLog.objects.filter(action="union.update").exists()


def test_union_update_in_admin_is_audited(client, tree, chair):
    client = admin_client(client, chair)
    response = client.post(
        reverse("admin:org_union_change", args=[tree.grassroots.pk]), union_form(tree.grassroots, chair_name="张三")
    )
    assert response.status_code == 302
    tree.grassroots.refresh_from_db()
    assert tree.grassroots.chair_name == "张三"
    assert AuditLog.objects.filter(action="union.update", actor=chair, object_id=str(tree.grassroots.pk)).exists()


def test_officer_may_only_view_the_union_in_admin(client, tree, officer):
    client = admin_client(client, officer)
    response = client.post(
        reverse("admin:org_union_change", args=[tree.grassroots.pk]), union_form(tree.grassroots, name="改名")
    )
    assert response.status_code == 403
    tree.grassroots.refresh_from_db()
    assert tree.grassroots.name == "苏州精工机械有限公司工会"


def test_county_staff_create_a_union_under_their_county_in_admin(client, tree, county_staff):
    client = admin_client(client, county_staff)
    data = {
        "name": "苏州新材料有限公司工会",
        "kind": Kind.ENTERPRISE,
        "level": Level.GRASSROOTS,
        "parent": tree.county.pk,
        "division_code": "320508",
        "status": "active",
    }
    assert client.post(reverse("admin:org_union_add"), data).status_code == 302
    created = Union.objects.get(name="苏州新材料有限公司工会")
    assert created.path == tree.county.path + f"{created.pk}/"
    # a parent outside their subtree is not even offered
    outside = client.post(reverse("admin:org_union_add"), {**data, "name": "越界工会", "parent": tree.county_b.pk})
    assert outside.status_code == 200 and not Union.objects.filter(name="越界工会").exists()


def test_unions_cannot_be_deleted_in_admin(client, tree, sysadmin):
    client = admin_client(client, sysadmin)
    assert client.post(reverse("admin:org_union_delete", args=[tree.grassroots.pk]), {"post": "yes"}).status_code == 403
    assert Union.objects.filter(pk=tree.grassroots.pk).exists()
