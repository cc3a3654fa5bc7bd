"""The hardship-aid API: a household file from draft to approval, a worker's 金秋助学 application from submission
to money in the bank, mutual-aid claims, the error shape, and who may see and do what (masked by default)."""

import csv
import datetime
import io
import json
import random
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.utils import timezone

from zhijia.accounts.models import ApiToken
from zhijia.aid.models import Application, CampaignKind, HardshipFile, LedgerEntry, Payment
from zhijia.aid.services import applications as app_svc
from zhijia.aid.services import files as file_svc
from zhijia.core.generators import fake_id_number
from zhijia.core.models import AuditLog

BANK_ACCOUNT = "6216610200016587010"
FILE_ACCOUNT = "6222020200112233445"


def bearer(user) -> Client:
    _, raw = ApiToken.issue(user)
    return Client(headers={"Authorization": f"Bearer {raw}"})


def post(client, url, body=None):
    return client.post(url, data=json.dumps(body or {}), content_type="application/json")


def put(client, url, body):
    return client.put(url, data=json.dumps(body), content_type="application/json")


def today() -> datetime.date:
    return timezone.localdate()


# ---- Given ------------------------------------------------------------------------------------------------


@pytest.fixture
def household(people):
    """Three people on 30,000 a year with 6,000 of medical bills, as the API takes them."""

    def build(**overrides):
        members = [people("self", 30000), people("spouse", 0), people("child", 0, 8, 15)]
        body = {
            "name": "陈建国", "phone": "13912345678", "address": "姑苏区十梓街1号", "causes": ["illness"],
            "cause_note": "妻子患病长期治疗", "other_income": "0", "unavoidable_spending": "6000",
            "necessary_costs": "0", "bank_name": "中国工商银行", "bank_account": FILE_ACCOUNT,
            "household": [{"relation": p.relation, "name": p.name, "id_number": p.id_number,
                           "annual_income": str(p.annual_income)} for p in members],
        }
        body.update(overrides)
        return body

    return build


@pytest.fixture
def active_file(make_file, chair, county_staff, calendar):
    """A file approved through the services, for tests about what happens after approval."""
    file = file_svc.file_submit(actor=chair, file=make_file())
    file = file_svc.file_visit(actor=chair, file=file, note="已入户走访")
    file = file_svc.file_notice_start(actor=chair, file=file, today=datetime.date(2026, 11, 23))
    file = file_svc.file_notice_close(actor=chair, file=file, today=datetime.date(2026, 12, 7))
    return file_svc.file_approve(actor=county_staff, file=file)


def _open_campaign(tree, city_staff, kind, **extra):
    """A campaign of 苏州市总工会 open today, whatever day the tests run."""
    start, end = today() - datetime.timedelta(days=30), today() + datetime.timedelta(days=30)
    data = app_svc.CampaignData(name=extra.pop("name", "金秋助学"), kind=kind, year=today().year, starts_on=start,
                                ends_on=end, budget=extra.pop("budget", "200000"),
                                review_levels=extra.pop("review_levels", [4, 3]), **extra)
    return app_svc.campaign_create(actor=city_staff, union=tree.city, data=data)


@pytest.fixture
def tuition_now(tree, city_staff):
    return _open_campaign(tree, city_staff, CampaignKind.TUITION, name="金秋助学",
                          grant_table={"bachelor": {"file": 5000, "no_file": 3000}})


@pytest.fixture
def mutual_now(tree, city_staff):
    return _open_campaign(tree, city_staff, CampaignKind.MUTUAL, name="职工住院医疗互助", review_levels=[3],
                          premium="30", deductible="1000", payout_ratio="0.5", annual_cap="20000")


@pytest.fixture
def tuition_body():
    rng = random.Random(31)

    def build(**overrides):
        body = {"name": "王小明", "id_number": fake_id_number(rng, "320508", min_age=40, max_age=50),
                "bank_name": "中国银行", "bank_account": BANK_ACCOUNT, "child_name": "王乐乐",
                "child_id_number": fake_id_number(rng, "320508", min_age=18, max_age=19), "school": "苏州大学",
                "level": "bachelor", "admission_year": today().year, "tuition": "5500"}
        body.update(overrides)
        return body

    return build


@pytest.fixture
def approved_payment(tuition_now, tuition_body, tree, chair, county_staff):
    """Applications filed by the grassroots chair and approved at both levels: their payments are pending."""

    def build():
        number = post(bearer(chair), f"/api/aid/campaigns/{tuition_now.pk}/applications",
                      {"union_id": tree.grassroots.pk, **tuition_body()}).json()["number"]
        application = Application.objects.get(number=number)
        for _ in tuition_now.review_levels:  # the county decides for the grassroots level too
            application = app_svc.application_decide(actor=county_staff, application=application, decision="approve")
        return Payment.objects.get(application=application)

    return build


def result_csv(rows) -> SimpleUploadedFile:
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(["业务参考号", "结果", "原因", "银行流水号"])
    writer.writerows(rows)
    return SimpleUploadedFile("回盘.csv", ("\ufeff" + out.getvalue()).encode(), content_type="text/csv")


# ---- Hardship files ------------------------------------------------------------------------------------------


def test_a_file_goes_from_draft_through_visit_and_notice_to_approval(household, regions, calendar, chair,
                                                                      county_staff, tree):
    chair_api, county_api = bearer(chair), bearer(county_staff)
    body = household()

    response = post(chair_api, "/api/aid/files", {"union_id": tree.grassroots.pk, **body})
    assert response.status_code == 201, response.content
    file = response.json()
    number = file["number"]
    assert (file["status"], file["category"]) == ("draft", "deep")  # (30000-6000)/12/3 = 666.67 < 1245
    assert file["eligibility"]["reasons"][-1] == "结论：深度困难"
    assert file["other_income"] == "0.00" and file["unavoidable_spending"] == "6000.00"
    # 身份证号, phone and bank account leave masked
    self_id = body["household"][0]["id_number"]
    assert file["household"][0]["id_number"] == self_id[:6] + "********" + self_id[-4:]
    assert file["phone"] == "139****5678" and file["bank_account"] == "6222***********3445"
    assert self_id not in response.content.decode() and FILE_ACCOUNT not in response.content.decode()

    response = put(chair_api, f"/api/aid/files/{number}", {**body, "address": "姑苏区十梓街2号",
                                                            "version": file["version"]})
    assert response.status_code == 200 and response.json()["address"] == "姑苏区十梓街2号"
    stale = put(chair_api, f"/api/aid/files/{number}", {**body, "version": file["version"]})
    assert stale.status_code == 409 and stale.json()["code"] == "stale_version"

    assert post(chair_api, f"/api/aid/files/{number}/submit").json()["status"] == "submitted"
    response = post(chair_api, f"/api/aid/files/{number}/visit", {"note": "家中有病人长期卧床", "visited_by": "张主席、赵干事"})
    assert response.json()["status"] == "visited" and response.json()["visited_by"] == "张主席、赵干事"
    response = post(chair_api, f"/api/aid/files/{number}/notice")
    assert response.json()["status"] == "notice" and response.json()["notice_end"] > today().isoformat()

    response = post(chair_api, f"/api/aid/files/{number}/objections", {"content": "其子在外打工有收入", "raised_by": "同事"})
    assert response.status_code == 201
    objection = response.json()["objections"][0]
    early = post(chair_api, f"/api/aid/files/{number}/notice-close")
    assert early.status_code == 409 and early.json()["code"] == "invalid_transition"
    response = post(chair_api, f"/api/aid/files/{number}/objections/{objection['id']}/resolve",
                    {"upheld": False, "resolution": "经核实其子在读高中，无收入"})
    assert response.json()["objections"][0]["resolved"] is True and response.json()["status"] == "notice"

    # when the notice period has passed
    HardshipFile.objects.filter(number=number).update(notice_end=today() - datetime.timedelta(days=1))
    response = post(chair_api, f"/api/aid/files/{number}/notice-close")
    assert response.json()["status"] == "review" and response.json()["approval_union_id"] == tree.county.pk
    refused = post(chair_api, f"/api/aid/files/{number}/approve")
    assert refused.status_code == 403 and refused.json()["code"] == "permission_denied"

    response = post(county_api, f"/api/aid/files/{number}/approve")
    assert response.status_code == 200 and response.json()["status"] == "active"
    assert [e["action"] for e in response.json()["events"]] == [
        "create", "update", "submit", "visit", "notice", "objection", "objection_resolve", "notice_close", "approve"]
    assert AuditLog.objects.filter(action="aid.file_approve", actor=county_staff, object_id=str(
        HardshipFile.objects.get(number=number).pk)).exists()
    listed = bearer(county_staff).get("/api/aid/files", {"status": "active"}).json()
    assert [item["number"] for item in listed["items"]] == [number]


def test_return_needs_a_reason_and_a_returned_file_can_be_withdrawn(make_file, chair):
    file = file_svc.file_submit(actor=chair, file=make_file())
    api = bearer(chair)
    response = post(api, f"/api/aid/files/{file.number}/return", {"reason": " "})
    assert response.status_code == 422 and response.json()["field"] == "reason"
    response = post(api, f"/api/aid/files/{file.number}/return", {"reason": "缺少病历"})
    assert response.json()["status"] == "returned" and response.json()["return_reason"] == "缺少病历"
    response = post(api, f"/api/aid/files/{file.number}/withdraw", {"reason": "职工已调离"})
    assert response.json()["status"] == "withdrawn"
    assert not file.household.filter(holding=True).exists()  # its people are free to be filed again


def test_yearly_reassessment_flags_and_exit_closes_the_file(active_file, household, chair):
    api = bearer(chair)
    people = [{"relation": p.relation, "name": p.name, "id_number": p.id_number, "annual_income": "90000"}
              for p in active_file.household.all()]
    response = post(api, f"/api/aid/files/{active_file.number}/reassess", household(household=people))
    assert response.status_code == 200, response.content
    assert response.json()["review_due"] is True and response.json()["category"] == "none"
    refused = post(api, f"/api/aid/files/{active_file.number}/exit", {"reason": ""})
    assert refused.status_code == 422 and refused.json()["field"] == "reason"
    response = post(api, f"/api/aid/files/{active_file.number}/exit", {"reason": "夫妻双方均已稳定就业"})
    assert response.json()["status"] == "exited" and response.json()["exit_reason"] == "夫妻双方均已稳定就业"


def test_negative_income_is_refused_naming_the_field(household, regions, chair, tree):
    api = bearer(chair)
    response = post(api, "/api/aid/files", {"union_id": tree.grassroots.pk, **household(other_income="-100")})
    assert response.status_code == 422
    assert response.json() == {"code": "invalid", "message": "其他家庭收入不能为负数", "field": "other_income"}
    response = post(api, "/api/aid/files", {"union_id": tree.grassroots.pk, **household(other_income="很多")})
    assert response.status_code == 422 and response.json()["field"] == "other_income"
    body = household()
    body["household"][1]["annual_income"] = "-1"
    response = post(api, "/api/aid/files", {"union_id": tree.grassroots.pk, **body})
    assert response.status_code == 422 and response.json()["field"] == "household.1.annual_income"
    assert not HardshipFile.objects.exists()


def test_a_person_already_on_file_is_refused_with_409(make_file, household, chair, tree):
    file = file_svc.file_submit(actor=chair, file=make_file())
    body = household()
    body["household"][1]["id_number"] = file.household.get(relation="spouse").id_number
    number = post(bearer(chair), "/api/aid/files", {"union_id": tree.grassroots.pk, **household()}).json()["number"]
    response = put(bearer(chair), f"/api/aid/files/{number}", body)
    assert response.status_code == 409
    assert response.json()["code"] == "duplicate_file" and response.json()["field"] == "household.1.id_number"


def test_files_of_another_subtree_are_not_found(make_file, chair, chair_b, nanjing_staff, worker, tree, household):
    file = make_file()
    for user in (chair_b, nanjing_staff):
        api = bearer(user)
        assert api.get(f"/api/aid/files/{file.number}").status_code == 404
        assert put(api, f"/api/aid/files/{file.number}", household()).status_code == 404
        for action in ("submit", "notice", "approve", "reveal"):
            response = post(api, f"/api/aid/files/{file.number}/{action}")
            assert response.status_code == 404 and response.json()["code"] == "not_found", action
        assert api.get("/api/aid/files").json()["total"] == 0
    # nor may staff file for a union outside their reach
    response = post(bearer(nanjing_staff), "/api/aid/files", {"union_id": tree.grassroots.pk, **household()})
    assert response.status_code == 404 and response.json()["field"] == "union_id"
    assert bearer(worker).get("/api/aid/files").status_code == 403
    assert bearer(worker).get(f"/api/aid/files/{file.number}").status_code == 404


def test_full_pii_only_through_reveal_for_the_chair_and_logged(make_file, chair, officer, county_staff):
    file = make_file()
    own_id = file.household.get(relation="self").id_number
    for user in (officer, county_staff):  # staff without PII rights see masked data and cannot reveal
        detail = bearer(user).get(f"/api/aid/files/{file.number}")
        assert detail.status_code == 200 and detail.json()["can_reveal_pii"] is False
        assert own_id not in detail.content.decode() and FILE_ACCOUNT not in detail.content.decode()
        refused = post(bearer(user), f"/api/aid/files/{file.number}/reveal")
        assert refused.status_code == 403 and refused.json()["code"] == "permission_denied"
    assert not AuditLog.objects.filter(action="aid.reveal").exists()

    assert bearer(chair).get(f"/api/aid/files/{file.number}").json()["can_reveal_pii"] is True
    response = post(bearer(chair), f"/api/aid/files/{file.number}/reveal")
    assert response.status_code == 200
    assert response.json()["bank_account"] == FILE_ACCOUNT and response.json()["phone"] == ""
    assert own_id in [p["id_number"] for p in response.json()["household"]]
    assert AuditLog.objects.filter(action="aid.reveal", actor=chair).count() == 1


def test_a_worker_files_for_themself_and_follows_it(worker_member, worker, other_worker, chair, regions, household):
    body = household()
    body["household"][0].update(name=worker_member.name, id_number=worker_member.id_number)
    worker_api = bearer(worker)
    response = post(worker_api, "/api/aid/files", body)  # through his own union
    assert response.status_code == 201, response.content
    number = response.json()["number"]
    assert HardshipFile.objects.get(number=number).applicant == worker
    assert [f["number"] for f in worker_api.get("/api/aid/files/mine").json()] == [number]
    assert post(worker_api, f"/api/aid/files/{number}/submit").json()["status"] == "submitted"
    refused = post(worker_api, f"/api/aid/files/{number}/visit", {"note": "自己走访自己"})
    assert refused.status_code == 403  # the home visit is the union's
    assert bearer(chair).get(f"/api/aid/files/{number}").status_code == 200
    other = bearer(other_worker)
    assert other.get(f"/api/aid/files/{number}").status_code == 404
    assert post(other, f"/api/aid/files/{number}/withdraw", {"reason": "x"}).status_code == 404
    response = post(other, "/api/aid/files", household())  # not a member anywhere
    assert response.status_code == 404 and response.json()["field"] == "union_id"


def test_staff_link_a_file_to_the_member_who_can_then_see_it(worker_member, worker, chair, tree, regions, household):
    body = household()
    response = post(bearer(chair), "/api/aid/files", {"union_id": tree.grassroots.pk, "member_id": worker_member.pk,
                                                      **body})
    assert response.status_code == 422 and response.json()["field"] == "household.0.id_number"  # 本人 is the member
    body["household"][0].update(name=worker_member.name, id_number=worker_member.id_number)
    response = post(bearer(chair), "/api/aid/files", {"union_id": tree.grassroots.pk, "member_id": worker_member.pk,
                                                      **body})
    assert bearer(worker).get(f"/api/aid/files/{response.json()['number']}").status_code == 200


# ---- Campaigns and applications -------------------------------------------------------------------------------


def test_worker_applies_to_tuition_and_the_money_reaches_the_bank(tree, city_staff, chair, county_staff, worker,
                                                                  worker_member, tuition_body):
    city_api, chair_api, county_api = bearer(city_staff), bearer(chair), bearer(county_staff)
    worker_api = bearer(worker)

    # the city federation launches 金秋助学
    start, end = today() - datetime.timedelta(days=10), today() + datetime.timedelta(days=40)
    response = post(city_api, "/api/aid/campaigns", {
        "union_id": tree.city.pk, "name": "金秋助学", "kind": "tuition", "year": today().year,
        "starts_on": start.isoformat(), "ends_on": end.isoformat(), "budget": "200000", "review_levels": [4, 3],
        "grant_table": {"bachelor": {"file": 5000, "no_file": 3000}}})
    assert response.status_code == 201, response.content
    campaign = response.json()
    assert (campaign["budget"], campaign["remaining"]) == ("200000.00", "200000.00")
    campaign_id = campaign["id"]

    # the worker finds it and applies through his membership
    opened = worker_api.get("/api/aid/campaigns/open").json()
    assert [(o["campaign"]["id"], o["union_id"]) for o in opened] == [(campaign_id, tree.grassroots.pk)]
    body = tuition_body()
    response = post(worker_api, f"/api/aid/campaigns/{campaign_id}/applications", body)
    assert response.status_code == 201, response.content
    application = response.json()
    number = application["number"]
    assert (application["amount"], application["status"]) == ("3000.00", "in_review")
    assert application["calculation"] == "本科、非在档职工家庭：资助 3000.00 元"
    assert application["reviewing_union_id"] == tree.grassroots.pk
    assert application["bank_account"] == "6216***********7010" and body["id_number"] not in response.content.decode()
    assert body["child_id_number"] not in response.content.decode()
    assert [a["number"] for a in worker_api.get("/api/aid/applications/mine").json()] == [number]

    # the grassroots chair approves, then the county
    queue = chair_api.get("/api/aid/applications", {"awaiting": "true"}).json()
    assert [a["number"] for a in queue["items"]] == [number]
    response = post(chair_api, f"/api/aid/applications/{number}/decide",
                    {"decision": "approve", "version": application["version"]})
    assert response.json()["reviewing_union_id"] == tree.county.pk
    again = post(chair_api, f"/api/aid/applications/{number}/decide",
                 {"decision": "approve", "version": application["version"]})
    assert again.status_code == 403  # it waits at the county now
    response = post(county_api, f"/api/aid/applications/{number}/decide", {"decision": "approve"})
    assert response.json()["status"] == "approved" and response.json()["payment"]["status"] == "pending"
    detail = worker_api.get(f"/api/aid/applications/{number}").json()
    assert [d["decision"] for d in detail["decisions"]] == ["resubmit", "approve", "approve"]
    assert [d["union_id"] for d in detail["decisions"][1:]] == [tree.grassroots.pk, tree.county.pk]
    assert city_api.get(f"/api/aid/campaigns/{campaign_id}").json()["committed"] == "3000.00"

    # the city batches the payment, submits it to the bank once, and downloads the bank's file
    response = post(city_api, f"/api/aid/campaigns/{campaign_id}/batches")
    assert response.status_code == 201, response.content
    batch = response.json()
    assert (batch["count"], batch["total"], batch["status"]) == (1, "3000.00", "draft")
    payments = city_api.get(f"/api/aid/campaigns/{campaign_id}/payments").json()
    assert payments["items"][0]["bank_account"] == "6216***********7010"
    assert BANK_ACCOUNT not in json.dumps(payments)
    not_yet = city_api.get(f"/api/aid/batches/{batch['id']}/bank-file")
    assert not_yet.status_code == 409 and not_yet.json()["code"] == "invalid_transition"
    assert post(city_api, f"/api/aid/batches/{batch['id']}/submit").json()["status"] == "exported"
    twice = post(city_api, f"/api/aid/batches/{batch['id']}/submit")
    assert twice.status_code == 409 and twice.json()["code"] == "already_submitted"

    response = city_api.get(f"/api/aid/batches/{batch['id']}/bank-file", {"fmt": "csv"})
    assert response.status_code == 200 and response["Content-Type"].startswith("text/csv")
    assert "attachment" in response["Content-Disposition"]
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    key = payments["items"][0]["idempotency_key"]
    assert rows[1][1:] == [BANK_ACCOUNT, "王小明", "中国银行", "3000.00", "金秋助学", key]
    assert AuditLog.objects.filter(action="aid.bank_export", actor=city_staff).count() == 1
    xlsx = city_api.get(f"/api/aid/batches/{batch['id']}/bank-file", {"fmt": "xlsx"})
    assert xlsx.status_code == 200 and xlsx.content[:2] == b"PK"
    assert city_api.get(f"/api/aid/batches/{batch['id']}/bank-file", {"fmt": "pdf"}).json()["field"] == "fmt"
    review = city_api.get(f"/api/aid/batches/{batch['id']}/review-file", {"fmt": "csv"})
    assert review.status_code == 200 and BANK_ACCOUNT not in review.content.decode("utf-8-sig")

    # the bank answers; importing the same answer twice pays once
    answer, results_url = [[key, "成功", "", "B0001"]], f"/api/aid/batches/{batch['id']}/results"
    response = city_api.post(results_url, {"file": result_csv(answer)})
    assert response.status_code == 200, response.content
    assert (response.json()["paid"], response.json()["errors"]) == (1, [])
    response = city_api.post(results_url, {"file": result_csv(answer)})
    assert (response.json()["paid"], response.json()["unchanged"]) == (0, 1)
    assert LedgerEntry.objects.filter(kind="paid").count() == 1
    assert city_api.get(f"/api/aid/batches/{batch['id']}").json()["status"] == "settled"
    assert worker_api.get(f"/api/aid/applications/{number}").json()["payment"]["status"] == "paid"


def test_returned_application_is_resubmitted_or_withdrawn_by_the_worker(tuition_now, worker, worker_member, chair,
                                                                        tuition_body):
    worker_api = bearer(worker)
    number = post(worker_api, f"/api/aid/campaigns/{tuition_now.pk}/applications", tuition_body()).json()["number"]
    refused = post(bearer(chair), f"/api/aid/applications/{number}/decide", {"decision": "return"})
    assert refused.status_code == 422 and refused.json()["field"] == "reason"
    post(bearer(chair), f"/api/aid/applications/{number}/decide", {"decision": "return", "reason": "请补充录取通知书"})
    response = post(worker_api, f"/api/aid/applications/{number}/resubmit", {"reason": "已补充"})
    assert response.json()["status"] == "in_review" and response.json()["decisions"][-1]["reason"] == "已补充"
    response = post(worker_api, f"/api/aid/applications/{number}/withdraw")
    assert response.json()["status"] == "withdrawn"


def test_one_grant_per_child_is_a_409(tuition_now, tuition_body, chair, tree):
    api = bearer(chair)
    body = {"union_id": tree.grassroots.pk, **tuition_body()}
    assert post(api, f"/api/aid/campaigns/{tuition_now.pk}/applications", body).status_code == 201
    response = post(api, f"/api/aid/campaigns/{tuition_now.pk}/applications", {**body, "name": "王大明"})
    assert response.status_code == 409
    assert response.json()["code"] == "duplicate_grant" and response.json()["field"] == "child_id_number"
    assert Application.objects.count() == 1


def test_bulk_approval_moves_the_queue_up_then_approves(tuition_now, tuition_body, chair, county_staff, tree):
    for _ in range(2):
        post(bearer(chair), f"/api/aid/campaigns/{tuition_now.pk}/applications",
             {"union_id": tree.grassroots.pk, **tuition_body()})
    response = post(bearer(chair), f"/api/aid/campaigns/{tuition_now.pk}/approve-bulk")
    assert response.json() == {"approved": 0, "advanced": 2, "skipped": 0, "error": None}
    first = Application.objects.order_by("id").first()
    response = post(bearer(county_staff), f"/api/aid/campaigns/{tuition_now.pk}/approve-bulk", {"ids": [first.pk]})
    assert response.json()["approved"] == 1
    assert Payment.objects.count() == 1


def test_mutual_aid_enrollment_and_a_claim_larger_than_the_bill(mutual_now, tree, chair, county_staff, person):
    from zhijia.members.services import member_create

    member = member_create(actor=chair, union=tree.grassroots, data=person())
    api = bearer(chair)
    response = post(api, f"/api/aid/campaigns/{mutual_now.pk}/enrollments",
                    {"member_ids": [member.pk], "by_union": True})
    assert response.status_code == 201 and response.json()["enrolled"] == 1
    assert post(api, f"/api/aid/campaigns/{mutual_now.pk}/enrollments", {"member_ids": [member.pk]}).json()[
        "enrolled"] == 0  # enrolling twice is harmless

    claim = {"union_id": tree.grassroots.pk, "member_id": member.pk, "name": member.name,
             "id_number": member.id_number, "bank_name": "中国银行", "bank_account": BANK_ACCOUNT,
             "hospital": "苏州大学附属第一医院", "bill_number": "ZY001", "total": "60000", "insurance_paid": "20000"}
    response = post(api, f"/api/aid/campaigns/{mutual_now.pk}/applications", {**claim, "self_paid": "70000"})
    assert response.status_code == 422
    assert response.json()["code"] == "invalid" and response.json()["field"] == "self_paid"
    response = post(api, f"/api/aid/campaigns/{mutual_now.pk}/applications", {**claim, "self_paid": "30000"})
    assert response.status_code == 201 and response.json()["amount"] == "14500.00"  # (30000 − 1000) × 0.5


def test_enrolling_members_of_another_subtree_is_not_found(mutual_now, tree, chair, nanjing_staff, person):
    from zhijia.members.services import member_create

    member = member_create(actor=chair, union=tree.grassroots, data=person())
    response = post(bearer(nanjing_staff), f"/api/aid/campaigns/{mutual_now.pk}/enrollments",
                    {"member_ids": [member.pk]})
    assert response.status_code == 404
    response = post(bearer(chair), f"/api/aid/campaigns/{mutual_now.pk}/enrollments",
                    {"member_ids": [member.pk, 999999]})
    assert response.status_code == 404 and response.json()["field"] == "member_ids"


def test_campaigns_and_applications_of_another_subtree_are_not_found(tuition_now, tuition_body, chair, tree,
                                                                     nanjing_staff, chair_b, worker, other_worker,
                                                                     worker_member):
    number = post(bearer(worker), f"/api/aid/campaigns/{tuition_now.pk}/applications", tuition_body()).json()["number"]
    nanjing = bearer(nanjing_staff)
    assert nanjing.get(f"/api/aid/campaigns/{tuition_now.pk}").status_code == 404
    assert nanjing.get("/api/aid/campaigns").json()["total"] == 0
    response = post(nanjing, f"/api/aid/campaigns/{tuition_now.pk}/applications",
                    {"union_id": tree.grassroots_c.pk, **tuition_body()})
    assert response.status_code == 404
    for user in (nanjing_staff, chair_b, other_worker):
        api = bearer(user)
        assert api.get(f"/api/aid/applications/{number}").status_code == 404
        assert post(api, f"/api/aid/applications/{number}/decide", {"decision": "approve"}).status_code == 404
        assert post(api, f"/api/aid/applications/{number}/withdraw").status_code == 404
    assert bearer(chair_b).get("/api/aid/applications").json()["total"] == 0
    assert bearer(worker).get("/api/aid/applications").status_code == 403
    # a worker with no membership under the campaign has nothing to apply to
    response = post(bearer(other_worker), f"/api/aid/campaigns/{tuition_now.pk}/applications", tuition_body())
    assert response.status_code == 404
    assert bearer(other_worker).get("/api/aid/campaigns/open").json() == []


# ---- Money --------------------------------------------------------------------------------------------------


def test_json_results_a_failed_payment_is_retried_and_paid_once(approved_payment, tuition_now, city_staff):
    paid, failed = approved_payment(), approved_payment()
    api = bearer(city_staff)
    batch = post(api, f"/api/aid/campaigns/{tuition_now.pk}/batches", {"limit": 10}).json()
    post(api, f"/api/aid/batches/{batch['id']}/submit")
    response = post(api, f"/api/aid/batches/{batch['id']}/results", {"rows": [
        {"key": paid.idempotency_key, "result": "paid", "reference": "B1"},
        {"payment_id": failed.pk, "result": "failed", "reason": "户名与账号不符"},
        {"key": "app:999999", "result": "paid"}]})
    assert response.status_code == 200, response.content
    outcome = response.json()
    assert (outcome["paid"], outcome["failed"]) == (1, 1)
    assert outcome["errors"] == [{"row": 4, "message": "找不到该批次中的这笔款项"}]
    bad = post(api, f"/api/aid/batches/{batch['id']}/results", {"rows": [{"key": "x"}]})
    assert bad.status_code == 422 and bad.json()["field"] == "rows.0.result"

    response = post(api, f"/api/aid/payments/{failed.pk}/retry")
    assert (response.json()["status"], response.json()["attempt"]) == ("pending", 2)
    too_early = post(api, f"/api/aid/payments/{failed.pk}/result", {"result": "paid"})
    assert too_early.status_code == 409 and too_early.json()["code"] == "invalid_transition"
    second = post(api, f"/api/aid/campaigns/{tuition_now.pk}/batches").json()
    assert second["count"] == 1
    post(api, f"/api/aid/batches/{second['id']}/submit")
    response = post(api, f"/api/aid/payments/{failed.pk}/result", {"result": "paid", "reference": "B2"})
    assert response.json()["status"] == "paid" and response.json()["bank_reference"] == "B2"
    assert LedgerEntry.objects.filter(payment_id=failed.pk, kind="paid").count() == 1
    assert api.get(f"/api/aid/campaigns/{tuition_now.pk}/batches").json()[0]["status"] == "settled"


def test_a_result_file_that_is_not_csv_or_xlsx_is_refused(approved_payment, tuition_now, city_staff):
    approved_payment()
    api = bearer(city_staff)
    batch = post(api, f"/api/aid/campaigns/{tuition_now.pk}/batches").json()
    post(api, f"/api/aid/batches/{batch['id']}/submit")
    response = api.post(f"/api/aid/batches/{batch['id']}/results",
                        {"file": SimpleUploadedFile("回盘.pdf", b"%PDF-1.4", content_type="application/pdf")})
    assert response.status_code == 422 and response.json()["code"] == "upload_forbidden_type"
    response = api.post(f"/api/aid/batches/{batch['id']}/results",
                        {"file": SimpleUploadedFile("回盘.xlsx", b"not a workbook")})
    assert response.status_code == 422 and response.json()["field"] == "file"
    response = api.post(f"/api/aid/batches/{batch['id']}/results", {"note": "忘了附文件"})  # multipart, no file
    assert response.status_code == 422 and response.json()["code"] == "required"


def test_grassroots_and_other_subtrees_cannot_disburse_or_export(approved_payment, tuition_now, city_staff, chair,
                                                                 officer, county_staff, nanjing_staff):
    payment = approved_payment()
    batch = post(bearer(city_staff), f"/api/aid/campaigns/{tuition_now.pk}/batches").json()
    post(bearer(city_staff), f"/api/aid/batches/{batch['id']}/submit")

    # grassroots staff see their union's payments, masked, but cannot batch, export or record results
    for user in (chair, officer):
        api = bearer(user)
        listed = api.get(f"/api/aid/campaigns/{tuition_now.pk}/payments").json()
        assert [p["id"] for p in listed["items"]] == [payment.pk]
        assert listed["items"][0]["bank_account"] == "6216***********7010"
        assert post(api, f"/api/aid/campaigns/{tuition_now.pk}/batches").status_code == 404
        assert api.get(f"/api/aid/campaigns/{tuition_now.pk}/batches").json() == []
        assert api.get(f"/api/aid/batches/{batch['id']}").status_code == 404
        assert api.get(f"/api/aid/batches/{batch['id']}/bank-file").status_code == 404
        assert api.get(f"/api/aid/batches/{batch['id']}/review-file").status_code == 404
        assert post(api, f"/api/aid/batches/{batch['id']}/submit").status_code == 404
        assert post(api, f"/api/aid/batches/{batch['id']}/results", {"rows": []}).status_code == 404
        assert post(api, f"/api/aid/payments/{payment.pk}/result", {"result": "paid"}).status_code == 404
        assert post(api, f"/api/aid/payments/{payment.pk}/retry").status_code == 404
    # the county below the city that runs the campaign, and another city, cannot either
    for user in (county_staff, nanjing_staff):
        api = bearer(user)
        assert api.get(f"/api/aid/batches/{batch['id']}/bank-file").status_code == 404
        assert post(api, f"/api/aid/payments/{payment.pk}/result", {"result": "paid"}).status_code == 404
    assert bearer(nanjing_staff).get(f"/api/aid/campaigns/{tuition_now.pk}/payments").status_code == 404
    assert not AuditLog.objects.filter(action="aid.bank_export").exists()
    payment.refresh_from_db()
    assert payment.status == "in_batch"


def test_lists_cost_the_same_queries_for_one_row_or_many(make_file, household, people, tuition_now, tuition_body,
                                                         county_staff, chair, tree):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from zhijia.aid.services.files import FileData

    api = bearer(county_staff)

    def queries(url):
        with CaptureQueriesContext(connection) as captured:
            assert api.get(url).status_code == 200
        return len(captured)

    def another_household():
        return FileData(name="李四", causes=["illness"], unavoidable_spending=Decimal(6000),
                        household=[people("self", 30000), people("spouse", 0)])

    def another_application():
        post(bearer(chair), f"/api/aid/campaigns/{tuition_now.pk}/applications",
             {"union_id": tree.grassroots.pk, **tuition_body()})

    make_file()
    another_application()
    api.get("/api/aid/campaigns")  # the token's first use is recorded once
    one = {url: queries(url) for url in ("/api/aid/files", "/api/aid/applications")}
    for _ in range(3):
        make_file(another_household())
        another_application()
    assert {url: queries(url) for url in one} == one


def test_the_api_edits_and_ends_a_campaign_within_the_hosts_reach(relief, city_staff, nanjing_staff):
    url = f"/api/aid/campaigns/{relief.pk}"
    body = {"name": "2027年元旦春节送温暖", "ends_on": "2027-02-28", "budget": "120000.00", "description": ""}
    outsider = bearer(nanjing_staff)
    assert outsider.patch(url, json.dumps(body), content_type="application/json").status_code == 404
    assert post(outsider, f"{url}/close").status_code == 404
    host = bearer(city_staff)
    below = host.patch(url, json.dumps({**body, "ends_on": "2026-01-01"}), content_type="application/json")
    assert below.status_code == 422 and below.json()["field"] == "ends_on"
    edited = host.patch(url, json.dumps(body), content_type="application/json")
    assert edited.status_code == 200 and edited.json()["budget"] == "120000.00"
    assert post(host, f"{url}/close").json()["status"] == "closed"
    again = post(host, f"{url}/close")
    assert again.status_code == 409 and again.json()["code"] == "invalid_transition"
