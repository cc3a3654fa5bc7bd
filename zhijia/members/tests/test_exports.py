"""Member roll export: masked by default, full PII only for those allowed and when asked, always audited."""

import io
import re

import pytest
from django.urls import reverse
from python_calamine import CalamineWorkbook

from zhijia.core.models import AuditLog
from zhijia.members import services
from zhijia.members.exports import HEADERS
from zhijia.members.models import MemberStatus

API = "/api/members-bulk/export"
MASKED_ID = re.compile(r"^\d{6}\*{8}[\dX]{4}$")
MASKED_PHONE = re.compile(r"^1\d{2}\*{4}\d{4}$")


def sheet_rows(response) -> list[list]:
    content = b"".join(response.streaming_content) if response.streaming else response.content
    return CalamineWorkbook.from_filelike(io.BytesIO(content)).get_sheet_by_index(0).to_python()


@pytest.fixture
def roll(tree, chair, chair_b, county_staff, person):
    """Three members in 精工 (one on reserve), one in the regional federation, one in 吴中电子."""
    people = {}
    for key, union, actor in [
        ("a1", tree.grassroots, chair),
        ("a2", tree.grassroots, chair),
        ("a3", tree.grassroots, chair),
        ("regional", tree.regional, county_staff),
        ("b", tree.grassroots_b, chair_b),
    ]:
        data = person()
        people[key] = (data, services.member_create(actor=actor, union=union, data=data))
    services.member_change_status(actor=chair, member=people["a3"][1], status=MemberStatus.RESERVED, reason="长期病假")
    return people


def test_export_masks_pii_by_default_and_is_audited(client, tree, officer, roll):
    client.force_login(officer)
    response = client.get(API, {"union_id": tree.grassroots.pk})
    assert response.status_code == 200
    assert ".xlsx" in response["Content-Disposition"]
    rows = sheet_rows(response)
    assert rows[0] == HEADERS and len(rows) == 4
    by_no = {row[0]: row for row in rows[1:]}
    data, member = roll["a1"]
    exported = by_no[member.member_no]
    assert MASKED_ID.match(exported[4]) and exported[4] == data.id_number[:6] + "********" + data.id_number[-4:]
    assert MASKED_PHONE.match(exported[5]) and data.id_number not in str(rows)
    assert exported[1] == data.name and exported[7] == tree.grassroots.name and exported[9] == "在会"
    entry = AuditLog.objects.get(action="member.export")
    assert entry.after == {"union_id": tree.grassroots.pk, "query": "", "status": "", "rows": 3, "full_pii": False}
    assert entry.actor == officer and entry.union_id == tree.grassroots.pk


def test_chair_gets_full_pii_when_asked_and_it_is_audited(client, tree, chair, roll):
    client.force_login(chair)
    rows = sheet_rows(client.get(API, {"union_id": tree.grassroots.pk, "full_pii": "true"}))
    data, member = roll["a1"]
    exported = {row[0]: row for row in rows[1:]}[member.member_no]
    assert exported[4] == data.id_number and exported[5] == data.phone
    assert AuditLog.objects.get(action="member.export").after["full_pii"] is True


def test_chair_without_the_tick_still_gets_masked_numbers(client, tree, chair, roll):
    client.force_login(chair)
    rows = sheet_rows(client.get(API, {"union_id": tree.grassroots.pk}))
    assert all(MASKED_ID.match(row[4]) for row in rows[1:])


def test_sysadmin_gets_full_pii_for_a_whole_city(client, tree, sysadmin, roll):
    client.force_login(sysadmin)
    rows = sheet_rows(client.get(API, {"union_id": tree.city.pk, "full_pii": "true"}))
    ids = {row[4] for row in rows[1:]}
    assert ids == {data.id_number for data, _ in roll.values()}


@pytest.mark.parametrize("persona", ["officer", "county_staff"])
def test_others_cannot_export_full_pii(client, tree, roll, persona, request):
    client.force_login(request.getfixturevalue(persona))
    response = client.get(API, {"union_id": tree.grassroots.pk, "full_pii": "true"})
    assert response.status_code == 403 and response.json()["code"] == "permission_denied"
    assert not AuditLog.objects.filter(action="member.export").exists()


def test_export_covers_the_subtree_with_the_member_list_filters(client, tree, county_staff, roll):
    client.force_login(county_staff)
    rows = sheet_rows(client.get(API, {"union_id": tree.county.pk}))
    assert {row[0] for row in rows[1:]} == {m.member_no for key, (_, m) in roll.items() if key != "b"}
    reserved = sheet_rows(client.get(API, {"union_id": tree.county.pk, "status": "reserved"}))
    assert [row[0] for row in reserved[1:]] == [roll["a3"][1].member_no] and reserved[1][9] == "保留会籍"
    data, member = roll["regional"]
    found = sheet_rows(client.get(API, {"union_id": tree.county.pk, "q": data.id_number}))
    assert [row[0] for row in found[1:]] == [member.member_no]
    entry = AuditLog.objects.filter(action="member.export").first()
    assert entry.after["query"] == data.id_number[:6] + "********" + data.id_number[-4:]  # masked in the trail
    assert entry.after["rows"] == 1


def test_nanjing_staff_cannot_export_a_suzhou_union(client, tree, nanjing_staff, roll):
    client.force_login(nanjing_staff)
    response = client.get(API, {"union_id": tree.grassroots.pk})
    assert response.status_code == 404 and response.json()["code"] == "not_found"
    page = client.post(reverse("members:bulk_export"), {"union": tree.grassroots.pk})
    assert page.status_code == 404
    assert not AuditLog.objects.filter(action="member.export").exists()


def test_worker_cannot_export(client, tree, worker, roll):
    client.force_login(worker)
    assert client.get(reverse("members:bulk_export")).status_code == 403
    assert client.get(API, {"union_id": tree.grassroots.pk}).status_code == 404


def test_export_page_offers_full_pii_only_to_permitted_roles(client, tree, chair, county_staff):
    client.force_login(county_staff)
    assert "含完整身份证号和手机号" not in client.get(reverse("members:bulk_export")).content.decode()
    client.force_login(chair)
    assert "含完整身份证号和手机号" in client.get(reverse("members:bulk_export")).content.decode()


def test_export_page_downloads_the_file(client, tree, chair, roll):
    client.force_login(chair)
    response = client.post(reverse("members:bulk_export"), {"union": tree.grassroots.pk, "full_pii": "1"})
    assert response.status_code == 200 and response.streaming
    rows = sheet_rows(response)
    assert roll["a1"][0].id_number in {row[4] for row in rows[1:]}
    assert AuditLog.objects.get(action="member.export").after["full_pii"] is True


def test_export_query_count_does_not_grow_with_rows(client, tree, chair, person, django_assert_max_num_queries):
    for _ in range(30):
        services.member_create(actor=chair, union=tree.grassroots, data=person())
    client.force_login(chair)
    with django_assert_max_num_queries(8):
        rows = sheet_rows(client.get(API, {"union_id": tree.grassroots.pk}))
    assert len(rows) == 31
