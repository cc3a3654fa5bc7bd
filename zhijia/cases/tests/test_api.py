"""The cases API: intake by every channel, scoping, optimistic versions, agencies, errors."""

import datetime
import json

import pytest
from django.test import Client

from zhijia.accounts.models import ApiToken
from zhijia.cases.models import LegalAidProvider, Ticket, TicketStatus
from zhijia.cases.tests.conftest import TICKET
from zhijia.core.models import AuditLog
from zhijia.core.notify import MemorySender

PAYLOAD = {**TICKET, "workers_affected": 3}


def bearer(user) -> Client:
    _, raw = ApiToken.issue(user)
    return Client(headers={"Authorization": f"Bearer {raw}"})


def post(client, url, body=None):
    return client.post(url, data=json.dumps(body or {}), content_type="application/json")


@pytest.fixture
def api_tree(tree, calendar):
    return tree


def test_operator_files_by_token_and_ticket_is_routed(api_tree, city_staff):
    response = post(bearer(city_staff), "/api/cases/tickets", {**PAYLOAD, "channel": "hotline"})
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["union_id"] == api_tree.grassroots.pk and body["status"] == "assigned"
    assert body["complainant_phone"] == "139****5678"
    assert [e["action"] for e in body["events"]] == ["create", "assign"]


def test_bad_input_gets_a_stable_code_and_field(api_tree, city_staff):
    response = post(bearer(city_staff), "/api/cases/tickets", {**PAYLOAD, "complainant_phone": "123"})
    assert response.status_code == 422
    assert response.json()["code"] == "invalid_phone" and response.json()["field"] == "complainant_phone"
    response = post(bearer(city_staff), "/api/cases/tickets", {**PAYLOAD, "division_code": "000000"})
    assert response.json()["code"] == "invalid_division_code"
    several = post(bearer(city_staff), "/api/cases/tickets",
                   {**PAYLOAD, "complainant_phone": "123", "division_code": "000000", "employer_name": ""})
    body = several.json()
    assert several.status_code == 422 and (body["code"], body["field"]) == ("invalid_phone", "complainant_phone")
    assert [(e["code"], e["field"]) for e in body["errors"]] == [
        ("invalid_phone", "complainant_phone"), ("required", "employer_name"),
        ("invalid_division_code", "division_code")]
    assert Ticket.objects.count() == 0


def test_guest_verifies_phone_then_files_and_tracks(api_tree, django_capture_on_commit_callbacks):
    guest = Client()
    response = post(guest, "/api/cases/tickets", PAYLOAD)
    assert response.status_code == 422 and response.json()["code"] == "phone_not_verified"
    with django_capture_on_commit_callbacks(execute=True):
        assert post(guest, "/api/cases/verify/send", {"phone": "13912345678"}).status_code == 204
    sms = MemorySender.outbox[-1]
    assert sms["channel"] == "sms" and sms["to"] == "13912345678"
    code = sms["body"][6:12]
    assert post(guest, "/api/cases/verify/check", {"phone": "13912345678", "code": "000000" if code != "000000" else "111111"}).status_code == 422
    token = post(guest, "/api/cases/verify/check", {"phone": "13912345678", "code": code}).json()["token"]
    # the token proves this phone only
    assert post(guest, "/api/cases/tickets", {**PAYLOAD, "complainant_phone": "13900000000", "phone_token": token}).status_code == 422
    response = post(guest, "/api/cases/tickets", {**PAYLOAD, "phone_token": token})
    assert response.status_code == 201
    number = response.json()["number"]
    tracked = guest.get("/api/cases/track", {"number": number, "phone": "13912345678"})
    assert tracked.status_code == 200 and tracked.json()["union_name"] == api_tree.grassroots.name
    assert "complainant_phone" not in tracked.json()
    assert guest.get("/api/cases/track", {"number": number, "phone": "13900000000"}).status_code == 404


def test_verification_code_resend_is_throttled(api_tree):
    guest = Client()
    assert post(guest, "/api/cases/verify/send", {"phone": "13912345678"}).status_code == 204
    response = post(guest, "/api/cases/verify/send", {"phone": "13912345678"})
    assert response.status_code == 429 and response.json()["code"] == "too_many_requests"


def test_one_caller_cannot_send_codes_to_many_numbers(api_tree, monkeypatch):
    from zhijia.cases import verification

    monkeypatch.setattr(verification, "MAX_PER_CLIENT_HOUR", 3)
    office, elsewhere = Client(REMOTE_ADDR="10.1.1.1"), Client(REMOTE_ADDR="10.2.2.2")
    for n in range(3):
        assert post(office, "/api/cases/verify/send", {"phone": f"1391234560{n}"}).status_code == 204
    refused = post(office, "/api/cases/verify/send", {"phone": "13912345609"})
    assert refused.status_code == 429 and refused.json()["code"] == "too_many_requests"
    assert "当前网络" in refused.json()["message"]
    assert post(elsewhere, "/api/cases/verify/send", {"phone": "13912345609"}).status_code == 204
    # The page's HTMX endpoint counts the same way.
    page = Client(REMOTE_ADDR="10.1.1.1").post("/cases/new/verify/", {"complainant_phone": "13912345608"})
    assert "当前网络获取验证码过于频繁" in page.content.decode()


def test_behind_proxies_the_address_is_the_one_the_outermost_proxy_saw(settings):
    from django.test import RequestFactory

    from zhijia.core.net import client_address

    spoofed = RequestFactory().get("/", REMOTE_ADDR="127.0.0.1", HTTP_X_FORWARDED_FOR="6.6.6.6, 203.0.113.7")
    settings.PROXY_COUNT = 0
    assert client_address(spoofed) == "127.0.0.1"
    settings.PROXY_COUNT = 1  # nginx appended 203.0.113.7; 6.6.6.6 is whatever the client claimed
    assert client_address(spoofed) == "203.0.113.7"
    settings.PROXY_COUNT = 3  # fewer hops than proxies: the header is not to be trusted
    assert client_address(spoofed) == "127.0.0.1"


def test_session_post_without_csrf_is_refused(api_tree, worker):
    client = Client(enforce_csrf_checks=True)
    client.force_login(worker)
    response = post(client, "/api/cases/tickets", PAYLOAD)
    assert response.status_code == 403 and response.json()["code"] == "csrf_failed"


def test_list_is_scoped_to_the_subtree(file_ticket, api_tree, city_staff, nanjing_staff, chair_b):
    file_ticket()
    file_ticket(employer_name="南京某公司", division_code="320102")
    assert bearer(city_staff).get("/api/cases/tickets").json()["total"] == 1
    assert bearer(nanjing_staff).get("/api/cases/tickets").json()["total"] == 1
    assert bearer(chair_b).get("/api/cases/tickets").json()["total"] == 0


def test_guessed_number_from_another_subtree_is_404(file_ticket, nanjing_staff):
    ticket = file_ticket()
    client = bearer(nanjing_staff)
    assert client.get(f"/api/cases/tickets/{ticket.number}").status_code == 404
    assert post(client, f"/api/cases/tickets/{ticket.number}/accept").status_code == 404
    assert post(client, f"/api/cases/tickets/{ticket.number}/reveal").status_code == 404


def test_worker_sees_own_ticket_not_others(file_ticket, worker, other_worker):
    ticket = file_ticket(actor=worker)
    assert bearer(worker).get(f"/api/cases/tickets/{ticket.number}").status_code == 200
    assert bearer(worker).get("/api/cases/my-tickets").json()[0]["number"] == ticket.number
    assert bearer(other_worker).get(f"/api/cases/tickets/{ticket.number}").status_code == 404
    assert bearer(worker).get("/api/cases/tickets").status_code == 403


def test_handling_flow_with_versions(file_ticket, chair, officer, city_staff):
    ticket = file_ticket()
    chair_api, officer_api = bearer(chair), bearer(officer)
    version = chair_api.get(f"/api/cases/tickets/{ticket.number}").json()["version"]
    assert post(chair_api, f"/api/cases/tickets/{ticket.number}/accept", {"version": version}).status_code == 200
    stale = post(officer_api, f"/api/cases/tickets/{ticket.number}/resolve", {"resolution": "已办", "version": version})
    assert stale.status_code == 409 and stale.json()["code"] == "stale_version"
    response = post(officer_api, f"/api/cases/tickets/{ticket.number}/resolve", {"resolution": "已补发"})
    assert response.json()["status"] == "resolved"
    response = post(bearer(city_staff), f"/api/cases/tickets/{ticket.number}/callback", {"rating": "satisfied"})
    assert response.json()["status"] == "archived"
    again = post(chair_api, f"/api/cases/tickets/{ticket.number}/resolve", {"resolution": "再办"})
    assert again.status_code == 409 and again.json()["code"] == "invalid_transition"


def test_reveal_needs_the_role_and_is_audited(file_ticket, chair, officer):
    ticket = file_ticket()
    assert post(bearer(officer), f"/api/cases/tickets/{ticket.number}/reveal").status_code == 403
    response = post(bearer(chair), f"/api/cases/tickets/{ticket.number}/reveal")
    assert response.json()["complainant_phone"] == "13912345678"
    assert AuditLog.objects.filter(action="ticket.reveal_pii", actor=chair).count() == 1


def test_agency_sees_only_referred_tickets_without_identity(file_ticket, chair, court, court_clerk, hrss_clerk):
    ticket = file_ticket()
    other = file_ticket(employer_name="吴中电子有限公司", division_code="320506")
    post(bearer(chair), f"/api/cases/tickets/{ticket.number}/accept")
    response = post(bearer(chair), f"/api/cases/tickets/{ticket.number}/referrals", {"agency_id": court.pk, "reason": "请法院诉前调解"})
    assert response.status_code == 201
    referral_id = response.json()["id"]
    clerk = bearer(court_clerk)
    listing = clerk.get("/api/cases/referrals").json()
    assert [r["ticket_number"] for r in listing] == [ticket.number]
    text = json.dumps(listing, ensure_ascii=False)
    assert "王小明" not in text and "13912345678" not in text and "5678" not in text
    # the ticket endpoints stay closed to agencies; other agencies see nothing
    assert clerk.get(f"/api/cases/tickets/{ticket.number}").status_code == 404
    assert clerk.get(f"/api/cases/tickets/{other.number}").status_code == 404
    assert bearer(hrss_clerk).get(f"/api/cases/referrals/{referral_id}").status_code == 404
    assert post(bearer(hrss_clerk), f"/api/cases/referrals/{referral_id}/accept").status_code == 404
    assert post(clerk, f"/api/cases/referrals/{referral_id}/accept").json()["status"] == "accepted"
    # mediation by the agency, then its result back to the union
    assert post(clerk, f"/api/cases/tickets/{ticket.number}/mediation",
                {"applicant": "王某", "respondent": "苏州精工机械有限公司", "mediator": "陈法官"}).status_code == 201
    assert post(clerk, f"/api/cases/tickets/{ticket.number}/mediation/sessions",
                {"held_on": datetime.date.today().isoformat(), "place": "姑苏区法院诉调中心", "summary": "双方同意分期支付"}).status_code == 201
    concluded = post(clerk, f"/api/cases/tickets/{ticket.number}/mediation/conclude",
                     {"outcome": "success", "agreement": "公司于12月10日前支付工资12000元"})
    assert concluded.json()["outcome"] == "success"
    assert post(clerk, f"/api/cases/referrals/{referral_id}/complete", {"result": "调解成功"}).json()["status"] == "completed"
    ticket.refresh_from_db()
    assert ticket.status == TicketStatus.IN_PROGRESS


def test_agency_return_sends_ticket_back(file_ticket, chair, court, court_clerk):
    ticket = file_ticket()
    post(bearer(chair), f"/api/cases/tickets/{ticket.number}/accept")
    referral_id = post(bearer(chair), f"/api/cases/tickets/{ticket.number}/referrals", {"agency_id": court.pk, "reason": "诉调"}).json()["id"]
    response = post(bearer(court_clerk), f"/api/cases/referrals/{referral_id}/return", {"reason": "不属于法院受理范围"})
    assert response.json()["status"] == "returned"
    ticket.refresh_from_db()
    assert ticket.status == TicketStatus.IN_PROGRESS
    assert ticket.events.filter(action="mediation_end").exists()


def test_legal_aid_flow(file_ticket, tree, chair, chair_b):
    provider = LegalAidProvider.objects.create(union=tree.county, name="李律师", kind="lawyer", organization="姑苏律师事务所")
    far_provider = LegalAidProvider.objects.create(union=tree.county_b, name="赵律师", kind="lawyer")
    ticket = file_ticket()
    api = bearer(chair)
    post(api, f"/api/cases/tickets/{ticket.number}/accept")
    app_id = post(api, f"/api/cases/tickets/{ticket.number}/legal-aid", {"matter": "代理劳动仲裁"}).json()["id"]
    assert post(bearer(chair_b), f"/api/cases/legal-aid/{app_id}/decide", {"eligible": True, "reason": "x"}).status_code == 404
    assert post(api, f"/api/cases/legal-aid/{app_id}/decide", {"eligible": True, "reason": "收入低于标准"}).json()["status"] == "eligible"
    wrong = post(api, f"/api/cases/legal-aid/{app_id}/assign", {"provider_id": far_provider.pk})
    assert wrong.status_code == 422 and wrong.json()["field"] == "provider"
    assert post(api, f"/api/cases/legal-aid/{app_id}/assign", {"provider_id": provider.pk}).json()["status"] == "assigned"
    post(api, f"/api/cases/legal-aid/{app_id}/progress", {"note": "已立案"})
    assert post(api, f"/api/cases/legal-aid/{app_id}/conclude", {"result": "仲裁裁决支持"}).json()["status"] == "concluded"
    ticket.refresh_from_db()
    assert ticket.status == TicketStatus.IN_PROGRESS


def test_overdue_board_counts_per_child(file_ticket, tree, city_staff, chair, monkeypatch):
    from django.utils import timezone

    t1 = file_ticket()
    file_ticket(employer_name="吴中电子有限公司", division_code="320506")
    Ticket.objects.update(step_due_on=datetime.date(2026, 1, 5))
    Ticket.objects.filter(pk=t1.pk).update(step_due_on=timezone.localdate() + datetime.timedelta(days=30))
    board = bearer(city_staff).get("/api/cases/overdue", {"union_id": tree.city.pk}).json()
    assert board["overdue_total"] == 1
    assert board["by_union"] == [{"union_id": tree.county_b.pk, "union_name": tree.county_b.name, "overdue": 1}]
    assert bearer(chair).get("/api/cases/overdue", {"union_id": tree.city.pk}).status_code == 404


def test_suggest_endpoint(api_tree, city_staff):
    body = bearer(city_staff).get("/api/cases/suggest", {"text": "老板拖欠了我们三个月工资"}).json()
    assert body["topic"] == "wages"


def test_worker_adds_evidence_checked_by_content(file_ticket, worker, other_worker, settings, tmp_path):
    from django.core.files.uploadedfile import SimpleUploadedFile

    settings.MEDIA_ROOT = tmp_path
    ticket = file_ticket(actor=worker)
    url = f"/api/cases/tickets/{ticket.number}/attachments"
    pdf = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
    refused = bearer(worker).post(url, {"files": [SimpleUploadedFile("a.pdf", b"<html>not a pdf</html>")]})
    assert refused.status_code == 422 and refused.json()["code"] == "upload_forbidden_type"
    assert bearer(other_worker).post(url, {"files": [SimpleUploadedFile("a.pdf", pdf)]}).status_code == 404
    response = bearer(worker).post(url, {"files": [SimpleUploadedFile("劳动合同.pdf", pdf)]})
    assert response.status_code == 201 and response.json()[0]["content_type"] == "application/pdf"
    assert ticket.attachments.count() == 1
