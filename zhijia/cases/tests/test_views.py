"""The cases pages: filing (worker and guest), tracking, staff handling, hotline, board, warnings, agencies."""

import datetime
import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from PIL import Image

from zhijia.cases.models import RiskWarning, Ticket, TicketStatus
from zhijia.cases.services import ticket_accept, ticket_resolve
from zhijia.cases.tests.conftest import TICKET
from zhijia.core.models import AuditLog
from zhijia.core.notify import MemorySender

FORM = {**TICKET, "workers_affected": "1"}


def logged_in(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


@pytest.fixture
def pages(tree, calendar):
    return tree


def test_home_lists_the_service(pages):
    body = Client().get("/cases/").content.decode()
    assert "我要反映问题" in body and "查询办理进度" in body
    assert 'href="/cases/"' in Client().get("/").content.decode()  # the legal cloud is live on the home page


def test_worker_files_with_attachment_and_sees_it_in_my_tickets(pages, worker, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    image = io.BytesIO()
    Image.new("RGB", (3, 3)).save(image, format="JPEG")
    client = logged_in(worker)
    response = client.post("/cases/new/", {**FORM, "attachments": SimpleUploadedFile("工资条.jpg", image.getvalue())})
    assert response.status_code == 302
    ticket = Ticket.objects.get()
    assert ticket.complainant_user == worker and ticket.channel == "web"
    assert ticket.attachments.count() == 1
    assert ticket.number in client.get(response["Location"]).content.decode()
    assert ticket.number in client.get("/cases/mine/").content.decode()
    detail = client.get(f"/cases/mine/{ticket.number}/").content.decode()
    assert "已分派至苏州精工机械有限公司工会办理" in detail


def test_bad_form_shows_messages_beside_fields_and_saves_nothing(pages, worker):
    response = logged_in(worker).post("/cases/new/", {**FORM, "complainant_phone": "1234", "description": ""})
    assert response.status_code == 422
    body = response.content.decode()
    assert "请填写诉求内容" in body or "手机号码应为11位" in body
    assert Ticket.objects.count() == 0


def test_every_bad_field_is_named_in_one_submit(pages, worker):
    response = logged_in(worker).post("/cases/new/", {**FORM, "type": "", "topic": "", "employer_name": "",
                                                      "complainant_phone": "1234", "description": ""})
    assert response.status_code == 422
    errors = response.context["errors"]
    assert {"type", "topic", "employer_name", "complainant_phone", "description"} <= set(errors)
    assert errors["type"] == "请选择诉求类型" and "手机号码" in errors["complainant_phone"]
    assert Ticket.objects.count() == 0


def test_the_api_answers_every_bad_field_with_the_first_standing_for_all(pages, worker):
    from zhijia.cases.services import TicketData, clean_ticket
    from zhijia.core.errors import InvalidFields

    with pytest.raises(InvalidFields) as refused:
        clean_ticket(TicketData(type="", topic="wages", complainant_name="王小明", complainant_phone="1234",
                                employer_name="", division_code="320508", description="老板拖欠三个月工资"))
    body = refused.value.as_dict()
    assert (body["code"], body["field"]) == ("invalid", "type")  # a client reading one error still gets one
    assert [error["field"] for error in body["errors"]] == ["type", "complainant_phone", "employer_name"]


def test_the_place_may_be_typed_as_a_name(pages, worker):
    response = logged_in(worker).post("/cases/new/", {**FORM, "division_code": "苏州市姑苏区"})
    assert response.status_code == 302
    assert Ticket.objects.get().division_code == "320508"
    unknown = logged_in(worker).post("/cases/new/", {**FORM, "division_code": "火星"})
    assert unknown.status_code == 422 and "没有找到这个地区" in unknown.context["errors"]["division_code"]


def test_forbidden_file_type_is_refused(pages, worker):
    fake = SimpleUploadedFile("合同.pdf", b"#!/bin/sh\nrm -rf /\n")
    response = logged_in(worker).post("/cases/new/", {**FORM, "attachments": fake})
    assert response.status_code == 422
    assert "不是图片或PDF文件" in response.content.decode()
    assert Ticket.objects.count() == 0


def test_guest_needs_the_sms_code(pages, django_capture_on_commit_callbacks):
    guest = Client()
    response = guest.post("/cases/new/", {**FORM, "code": "123456"})
    assert response.status_code == 422 and "验证码" in response.content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        guest.post("/cases/new/verify/", {"complainant_phone": "13912345678"})
    code = MemorySender.outbox[-1]["body"][6:12]
    response = guest.post("/cases/new/", {**FORM, "code": code})
    assert response.status_code == 302
    ticket = Ticket.objects.get()
    assert ticket.complainant_user is None
    page = guest.get("/cases/track/", {"number": ticket.number, "phone": "13912345678"}).content.decode()
    assert "已分派" in page
    assert "未找到该工单" in guest.get("/cases/track/", {"number": ticket.number, "phone": "13900000000"}).content.decode()


def test_staff_list_and_detail_mask_pii(file_ticket, officer, nanjing_staff):
    ticket = file_ticket()
    client = logged_in(officer)
    listing = client.get("/cases/staff/").content.decode()
    assert ticket.number in listing and "139****5678" in listing and "13912345678" not in listing
    detail = client.get(f"/cases/staff/{ticket.number}/").content.decode()
    assert "13912345678" not in detail and "查看完整号码" not in detail  # officers may not reveal
    assert logged_in(nanjing_staff).get(f"/cases/staff/{ticket.number}/").status_code == 404
    assert ticket.number not in logged_in(nanjing_staff).get("/cases/staff/").content.decode()


def test_worker_is_kept_off_staff_pages(pages, worker):
    client = logged_in(worker)
    for url in ("/cases/staff/", "/cases/hotline/", "/cases/overdue/", "/cases/warnings/", "/cases/agency/"):
        assert client.get(url).status_code == 403, url


def test_chair_reveals_phone_and_it_is_audited(file_ticket, chair):
    ticket = file_ticket()
    response = logged_in(chair).post(f"/cases/staff/{ticket.number}/reveal/")
    assert "13912345678" in response.content.decode()
    assert AuditLog.objects.filter(action="ticket.reveal_pii", actor=chair).exists()


def test_staff_handle_through_the_page_and_stale_form_is_refused(file_ticket, chair, officer):
    ticket = file_ticket()
    client = logged_in(chair)
    response = client.post(f"/cases/staff/{ticket.number}/", {"action": "accept", "version": ticket.version})
    assert response.status_code == 302
    # the officer's page still carried the old version
    stale = logged_in(officer).post(f"/cases/staff/{ticket.number}/",
                                    {"action": "resolve", "resolution": "已办", "version": ticket.version})
    assert stale.status_code == 422 and "已被他人更新" in stale.content.decode()
    ticket.refresh_from_db()
    response = client.post(f"/cases/staff/{ticket.number}/",
                           {"action": "resolve", "resolution": "公司已补发工资", "version": ticket.version})
    assert response.status_code == 302
    ticket.refresh_from_db()
    assert ticket.status == TicketStatus.RESOLVED


def test_hotline_console_answers_a_consult_on_the_spot(pages, city_staff):
    client = logged_in(city_staff)
    assert "12351 热线受理" in client.get("/cases/hotline/").content.decode()
    response = client.post("/cases/hotline/", {**FORM, "type": "consult", "topic": "contract",
                                                "description": "试用期可以约定多久", "answer": "最长不超过六个月"})
    assert response.status_code == 302
    ticket = Ticket.objects.get()
    assert ticket.channel == "hotline" and ticket.status == TicketStatus.ARCHIVED


def test_the_hotline_links_the_ticket_it_just_filed(tree, calendar, city_staff):
    post = {**FORM, "complainant_phone": "13912345678"}
    page = logged_in(city_staff).post("/cases/hotline/", post, follow=True).content.decode()
    number = Ticket.objects.get().number
    assert f'工单 <a href="/cases/staff/{number}/">{number}</a> 已受理' in page


def test_the_hotline_logs_a_landline_caller_but_a_worker_gives_a_mobile(tree, calendar, city_staff, worker):
    response = logged_in(city_staff).post("/cases/hotline/", {**FORM, "complainant_phone": "0512 65123456"})
    assert response.status_code == 302 and Ticket.objects.get().complainant_phone == "0512-65123456"
    refused = logged_in(worker).post("/cases/new/", {**FORM, "complainant_phone": "0512-65123456"})
    assert refused.status_code == 422 and "手机号码" in refused.context["errors"]["complainant_phone"]


def test_hotline_employer_search(file_ticket, city_staff):
    file_ticket(employer_name="吴中精密制造厂", division_code="320506")
    body = logged_in(city_staff).get("/cases/hotline/employers/", {"employer_name": "吴中"}).content.decode()
    assert "吴中电子有限公司" in body  # has a union
    assert "吴中精密制造厂" in body  # has tickets


def test_hotline_employer_search_finds_a_name_from_its_middle_within_reach(tree, city_staff, nanjing_staff):
    search = {"employer_name": "精工"}  # what a caller says for 苏州精工机械有限公司
    assert "苏州精工机械有限公司" in logged_in(city_staff).get("/cases/hotline/employers/", search).content.decode()
    assert "南京软件" not in logged_in(city_staff).get("/cases/hotline/employers/",
                                                     {"employer_name": "软件"}).content.decode()  # not in 苏州's reach
    assert "南京软件有限公司" in logged_in(nanjing_staff).get("/cases/hotline/employers/",
                                                        {"employer_name": "软件"}).content.decode()


def test_overdue_board_page(file_ticket, city_staff):
    ticket = file_ticket()
    Ticket.objects.filter(pk=ticket.pk).update(step_due_on=datetime.date(2026, 1, 5))
    body = logged_in(city_staff).get("/cases/overdue/").content.decode()
    assert ticket.number in body and "姑苏区总工会" in body


def test_warning_page_and_handling(file_ticket, chair, chair_b):
    file_ticket(workers_affected=40)
    warning = RiskWarning.objects.get()
    assert "群体性" in logged_in(chair).get("/cases/warnings/").content.decode()
    assert logged_in(chair_b).get(f"/cases/warnings/{warning.pk}/").status_code == 404
    response = logged_in(chair).post(f"/cases/warnings/{warning.pk}/", {"note": "已约谈", "status": "handling"})
    assert response.status_code == 302
    warning.refresh_from_db()
    assert warning.status == "handling"


def test_agency_page_hides_the_complainant(file_ticket, chair, court, court_clerk):
    from zhijia.cases.collab import referral_create

    ticket = ticket_accept(actor=chair, ticket=file_ticket())
    referral = referral_create(actor=chair, ticket=ticket, agency=court, reason="诉前调解")
    client = logged_in(court_clerk)
    body = client.get(f"/cases/agency/{referral.pk}/").content.decode()
    assert ticket.description in body
    assert "王小明" not in body and "5678" not in body
    assert client.get(f"/cases/staff/{ticket.number}/").status_code == 404
    client.post(f"/cases/agency/{referral.pk}/", {"action": "accept"})
    referral.refresh_from_db()
    assert referral.status == "accepted"


def test_worker_rates_on_my_ticket_page(file_ticket, worker, chair):
    ticket = ticket_resolve(actor=chair, ticket=ticket_accept(actor=chair, ticket=file_ticket()), resolution="已补发")
    client = logged_in(worker)
    assert "请评价办理结果" in client.get(f"/cases/mine/{ticket.number}/").content.decode()
    client.post(f"/cases/mine/{ticket.number}/", {"rating": "satisfied"})
    ticket.refresh_from_db()
    assert ticket.status == TicketStatus.ARCHIVED and ticket.rating == "satisfied"


def test_export_masks_the_complainant_and_is_audited(file_ticket, city_staff, nanjing_staff):
    import openpyxl

    ticket = file_ticket()
    response = logged_in(city_staff).get("/cases/staff/export.xlsx", {"status": "assigned"})
    sheet = openpyxl.load_workbook(io.BytesIO(response.content)).active
    rows = list(sheet.iter_rows(values_only=True))
    row = dict(zip(rows[0], rows[1]))
    assert row["工单号"] == ticket.number and row["诉求人"] == "王**" and row["联系电话"] == "139****5678"
    assert (row["所在地区"], row["行政区划代码"]) == ("江苏省苏州市姑苏区", "320508")
    assert "13912345678" not in str(rows) and ticket.description not in str(rows)
    assert AuditLog.objects.filter(action="ticket.export", actor=city_staff, after__rows=1).exists()
    other = logged_in(nanjing_staff).get("/cases/staff/export.xlsx")
    assert len(list(openpyxl.load_workbook(io.BytesIO(other.content)).active.iter_rows())) == 1  # header only


def test_grassroots_chair_can_send_a_ticket_up_or_across(file_ticket, tree, chair):
    ticket = file_ticket()
    body = logged_in(chair).get(f"/cases/staff/{ticket.number}/").content.decode()
    assert f'value="{tree.county.pk}"' in body and f'value="{tree.regional.pk}"' in body
    assert f'value="{tree.grassroots_c.pk}"' not in body


def test_a_partner_agency_finds_its_referrals_from_the_header(court_clerk, worker):
    home = logged_in(court_clerk).get("/").content.decode()
    assert '<a href="/cases/agency/">协作工单</a>' in home
    assert "协作工单" not in logged_in(worker).get("/").content.decode()
