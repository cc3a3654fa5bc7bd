"""The union tree pages: browsing within reach, member counts, edit / create / move."""

import pytest
from django.urls import reverse

from zhijia.core.models import AuditLog
from zhijia.members import services as member_services
from zhijia.members.models import MemberStatus
from zhijia.org.models import Kind, Level, Union
from zhijia.org.views import active_member_counts

pytestmark = pytest.mark.django_db


def as_user(client, user):
    client.force_login(user)
    return client


@pytest.fixture
def members(tree, chair, chair_b, person):
    """Two active members in grassroots A, one in B, one withdrawn in A."""
    for _ in range(2):
        member_services.member_create(actor=chair, union=tree.grassroots, data=person())
    member_services.member_create(actor=chair_b, union=tree.grassroots_b, data=person())
    gone = member_services.member_create(actor=chair, union=tree.grassroots, data=person())
    member_services.member_change_status(actor=chair, member=gone, status=MemberStatus.WITHDRAWN, reason="退休")


def test_worker_gets_403_on_the_tree(client, worker, tree):
    assert as_user(client, worker).get(reverse("org:union_list")).status_code == 403
    assert client.get(reverse("org:union_detail", args=[tree.county.pk])).status_code == 403


def test_union_list_starts_from_the_users_own_unions(client, tree, city_staff):
    content = as_user(client, city_staff).get(reverse("org:union_list")).content.decode()
    assert "苏州市总工会" in content and "江苏省总工会" not in content


def test_union_search_stays_in_scope(client, tree, county_staff):
    content = as_user(client, county_staff).get(reverse("org:union_list"), {"q": "工会"}).content.decode()
    assert "苏州精工机械有限公司工会" in content and "吴中电子有限公司工会" not in content


def test_city_detail_shows_children_with_active_member_counts(
    client, tree, city_staff, members, django_assert_max_num_queries
):
    client = as_user(client, city_staff)
    with django_assert_max_num_queries(9):
        response = client.get(reverse("org:union_detail", args=[tree.city.pk]))
    content = response.content.decode()
    assert response.status_code == 200
    assert "3 人（含下级）" in content
    # 姑苏区 holds grassroots A (2 active; the withdrawn one is not counted), 吴中区 holds B (1)
    assert f'data-union="{tree.county.pk}">' in content
    total, per_child = active_member_counts(tree.city)
    assert total == 3 and per_child == {tree.county.pk: 2, tree.county_b.pk: 1}


def test_counts_include_members_directly_in_the_union(tree, members):
    total, per_child = active_member_counts(tree.grassroots)
    assert total == 2 and per_child == {}


def test_staff_of_another_subtree_get_404(client, tree, nanjing_staff, chair_b):
    for outsider in (nanjing_staff, chair_b):
        c = as_user(type(client)(), outsider)
        assert c.get(reverse("org:union_detail", args=[tree.grassroots.pk])).status_code == 404
        assert c.get(reverse("org:union_edit", args=[tree.grassroots.pk])).status_code == 404
        assert c.post(reverse("org:union_create", args=[tree.county.pk]), {"name": "x"}).status_code == 404


def test_chair_edits_own_union_and_bad_credit_code_is_explained(client, tree, chair):
    client = as_user(client, chair)
    form = {
        "name": "苏州精工机械有限公司工会委员会",
        "kind": Kind.ENTERPRISE,
        "level": Level.GRASSROOTS,
        "division_code": "320508",
        "credit_code": "81320508ABCDEFGH12",
        "status": "active",
    }
    bad = client.post(reverse("org:union_edit", args=[tree.grassroots.pk]), form)
    content = bad.content.decode()
    assert bad.status_code == 400
    field_block = content.split('id="f-credit_code"')[1].split("</div>")[0]
    assert "统一社会信用代码格式或校验位不正确" in field_block
    tree.grassroots.refresh_from_db()
    assert tree.grassroots.name == "苏州精工机械有限公司工会"

    bad_division = client.post(
        reverse("org:union_edit", args=[tree.grassroots.pk]), {**form, "credit_code": "", "division_code": "999999"}
    )
    assert "行政区划代码不存在或已撤销" in bad_division.content.decode()

    ok = client.post(reverse("org:union_edit", args=[tree.grassroots.pk]), {**form, "credit_code": ""})
    assert ok.status_code == 302
    tree.grassroots.refresh_from_db()
    assert tree.grassroots.name == "苏州精工机械有限公司工会委员会"
    assert AuditLog.objects.filter(action="union.update", object_id=str(tree.grassroots.pk)).exists()


def test_officer_cannot_edit_the_union(client, tree, officer):
    client = as_user(client, officer)
    assert "修改信息" not in client.get(reverse("org:union_detail", args=[tree.grassroots.pk])).content.decode()
    assert client.get(reverse("org:union_edit", args=[tree.grassroots.pk])).status_code == 403


def test_county_staff_create_a_grassroots_union(client, tree, county_staff):
    response = as_user(client, county_staff).post(
        reverse("org:union_create", args=[tree.county.pk]),
        {
            "name": "苏州新材料有限公司工会",
            "kind": Kind.ENTERPRISE,
            "level": Level.GRASSROOTS,
            "division_code": "320508",
            "status": "active",
        },
    )
    created = Union.objects.get(name="苏州新材料有限公司工会")
    assert response.status_code == 302 and response["Location"] == reverse("org:union_detail", args=[created.pk])
    assert created.parent == tree.county and created.path == tree.county.path + f"{created.pk}/"


def test_only_sysadmin_moves_unions(client, tree, city_staff, sysadmin):
    assert as_user(client, city_staff).get(reverse("org:union_move", args=[tree.grassroots.pk])).status_code == 403
    admin = as_user(type(client)(), sysadmin)
    page = admin.get(reverse("org:union_move", args=[tree.grassroots.pk])).content.decode()
    assert "吴中区总工会" in page
    # moving under its own descendant is refused beside the field
    cycle = admin.post(reverse("org:union_move", args=[tree.county.pk]), {"parent": tree.grassroots.pk})
    assert cycle.status_code == 400
    response = admin.post(reverse("org:union_move", args=[tree.grassroots.pk]), {"parent": tree.county_b.pk})
    assert response.status_code == 302
    tree.grassroots.refresh_from_db()
    assert tree.grassroots.parent == tree.county_b and tree.grassroots.path.startswith(tree.county_b.path)
