"""The public notice (公示) pages: open without login, names masked, and never a 身份证号, phone, bank account,
address or anyone else in the household — in the HTML or the downloaded workbook."""

import datetime
import io

import pytest
from django.utils import timezone
from openpyxl import load_workbook

from zhijia.aid import views_reports
from zhijia.aid.models import HardshipFile
from zhijia.aid.services import applications as app_svc
from zhijia.aid.services import files as file_svc
from zhijia.aid.services.applications import ApplicationIn

from .conftest import TODAY

INDEX = "/aid/notice/"


def campaign_page(campaign):
    return f"/aid/notice/campaign/{campaign.pk}/"


def files_page(union):
    return f"/aid/notice/files/{union.pk}/"


def approve(application, *reviewers):
    for reviewer in reviewers:
        application = app_svc.application_decide(actor=reviewer, application=application, decision="approve")
    return application


def secrets_of(application) -> list[str]:
    """What must never be published about an application."""
    secrets = [application.name, application.id_number, application.bank_account, application.details["child_name"],
               application.details["child_id_masked"]]
    assert all(secrets)
    return secrets


def secrets_of_file(file: HardshipFile) -> list[str]:
    people = list(file.household.all())
    assert people
    return [secret for secret in [file.name, file.phone, file.bank_account, file.address, file.cause_note,
            *[p.id_number for p in people], *[p.name for p in people], *[p.id_number_masked for p in people]] if secret]


def workbook_text(content: bytes) -> str:
    book = load_workbook(io.BytesIO(content))
    return "\n".join(str(cell) for sheet in book for row in sheet.iter_rows(values_only=True) for cell in row
                     if cell is not None)


@pytest.fixture
def approved(tuition, apply_tuition, city_staff, tree, chair_b):
    """Two approved tuition grants (精工 and 吴中电子) and one still in review."""
    first = approve(apply_tuition(tuition, name="张晓明"), city_staff, city_staff)
    second = approve(apply_tuition(tuition, name="欧阳春华", actor=chair_b, union=tree.grassroots_b),
                     city_staff, city_staff)
    pending = apply_tuition(tuition, name="赵子龙")
    return first, second, pending


@pytest.fixture
def noticed(make_file, chair, calendar, poor_household):
    """A file in its notice period (started today) and one whose period ended before today."""

    def to_notice(file, day):
        file = file_svc.file_submit(actor=chair, file=file)
        file = file_svc.file_visit(actor=chair, file=file, note="已走访")
        return file_svc.file_notice_start(actor=chair, file=file, today=day)

    today = timezone.localdate()
    current = to_notice(make_file(poor_household(name="陈建国", phone="13912345678", address="姑苏区南园新村3幢201室",
                                                 cause_note="妻子患尿毒症")), today)
    ended = to_notice(make_file(poor_household(name="林大海")), today - datetime.timedelta(days=40))
    return current, ended


def test_the_index_lists_campaigns_with_approvals_and_unions_in_notice(client, approved, noticed, tuition, relief,
                                                                       tree):
    response = client.get(INDEX)  # no login
    assert response.status_code == 200
    html = response.content.decode()
    assert tuition.name in html and campaign_page(tuition) in html
    assert relief.name not in html  # nothing approved yet
    assert [c.pk for c in response.context["page"]] == [tuition.pk]
    assert response.context["page"][0].approved == 2
    # files: 精工 has one household in its notice period (the other's period is over)
    assert [(u["union_id"], u["files"]) for u in response.context["unions"]] == [(tree.grassroots.pk, 1)]
    assert files_page(tree.grassroots) in html


def test_the_campaign_list_shows_masked_names_unions_and_amounts_only(client, approved, tuition, tree):
    first, second, pending = approved
    response = client.get(campaign_page(tuition))
    assert response.status_code == 200
    html = response.content.decode()
    rows = response.context["rows"]
    assert [row[0] for row in rows] == [1, 2]
    assert sorted(row[1:] for row in rows) == [["张*明", tree.grassroots.name, tuition.name, "3000.00"],
                                               ["欧**华", tree.grassroots_b.name, tuition.name, "3000.00"]]
    assert "张*明" in html and "欧**华" in html and tree.grassroots_b.name in html and "3000.00" in html
    assert "赵*龙" not in html  # still in review
    for secret in secrets_of(first) + secrets_of(second):
        assert secret not in html, secret


def test_the_campaign_workbook_has_the_same_masked_rows(client, approved, tuition):
    first, second, _ = approved
    response = client.get(f"{campaign_page(tuition)}notice.xlsx")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    text = workbook_text(response.content)
    assert "张*明" in text and "欧**华" in text and tuition.name in text
    for secret in secrets_of(first) + secrets_of(second):
        assert secret not in text, secret
    import openpyxl

    sheet = openpyxl.load_workbook(io.BytesIO(response.content)).active
    amounts = [row[4] for row in sheet.iter_rows(min_row=3, values_only=True) if isinstance(row[0], int)]
    assert amounts and all(isinstance(amount, (int, float)) for amount in amounts)  # numbers Excel totals, not text


def test_campaigns_without_approvals_and_mutual_aid_claims_are_not_published(client, approved, relief, mutual,
                                                                              tree, chair, city_staff, worker_member):
    app_svc.enrollment_create(actor=chair, plan=mutual, members=[worker_member])
    claim = app_svc.application_submit(actor=chair, campaign=mutual, union=tree.grassroots, member=worker_member,
                                       today=TODAY, data=ApplicationIn(
                                           name=worker_member.name, id_number=worker_member.id_number,
                                           bank_name="中国银行", bank_account="6216610200016587012",
                                           hospital="苏州市立医院", bill_number="ZY1", total="20000",
                                           insurance_paid="10000", self_paid="9000"))
    approve(claim, city_staff)
    for campaign in (relief, mutual):
        assert client.get(campaign_page(campaign)).status_code == 404
        assert client.get(f"{campaign_page(campaign)}notice.xlsx").status_code == 404
    assert mutual.name not in client.get(INDEX).content.decode()
    assert client.get("/aid/notice/campaign/999999/").status_code == 404


def test_the_list_pages_and_keeps_numbering(client, approved, tuition, monkeypatch):
    monkeypatch.setattr(views_reports, "NOTICE_PAGE_SIZE", 1)
    (first,) = client.get(campaign_page(tuition)).context["rows"]
    second_page = client.get(campaign_page(tuition), {"page": 2})
    (second,) = second_page.context["rows"]
    assert (first[0], second[0]) == (1, 2)
    assert {first[1], second[1]} == {"张*明", "欧**华"}
    assert "第 2 / 2 页" in second_page.content.decode()


def test_files_in_notice_show_masked_name_category_and_dates_and_how_to_object(client, noticed, tree):
    current, ended = noticed
    response = client.get(files_page(tree.county))  # a district lists its unions' files
    assert response.status_code == 200
    html = response.content.decode()
    rows = response.context["rows"]
    assert [(r["name"], r["union"], r["category"], r["notice_start"], r["notice_end"]) for r in rows] == [
        ("陈*国", tree.grassroots.name, "深度困难", current.notice_start, current.notice_end)]
    assert f"{current.notice_end:%Y-%m-%d}" in html and "如何提出异议" in html
    assert "林*海" not in html  # its notice period is over
    for secret in secrets_of_file(current) + secrets_of_file(ended):
        assert secret not in html, secret


def test_files_of_other_unions_and_unknown_unions(client, noticed, tree):
    response = client.get(files_page(tree.grassroots_b))
    assert response.status_code == 200 and response.context["rows"] == []
    assert "目前没有处于公示期的建档对象" in response.content.decode()
    assert client.get("/aid/notice/files/999999/").status_code == 404
