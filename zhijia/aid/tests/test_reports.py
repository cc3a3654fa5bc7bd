"""帮扶统计: figures checked against counts worked out by hand, scoping by the aid policy (a chair sees their own
union, staff their subtree, a union outside it is 404), the year filter, the Excel export and its audit entry,
and a query count that does not grow with the data."""

import datetime
import io
import random
from decimal import Decimal
from unittest import mock

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from openpyxl import load_workbook

from zhijia.aid import stats
from zhijia.aid.models import FileStatus, HardshipFile, Payment
from zhijia.aid.services import applications as app_svc
from zhijia.aid.services import payments as pay_svc
from zhijia.aid.services.applications import ApplicationIn, CampaignData
from zhijia.core.errors import NotFound, PermissionDenied
from zhijia.core.generators import fake_id_number
from zhijia.core.models import AuditLog

from .conftest import TODAY

PAGE = "/aid/reports/"
EXPORT = "/aid/reports/export.xlsx"
YEAR = 2026


def at(year, month, day) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime(year, month, day, 10, 0))


def put_on_file(file, *, category, causes, approved_at, status=FileStatus.ACTIVE, review_due=False):
    """Reports read what the workflow leaves behind; set it directly so each figure is known by hand."""
    HardshipFile.objects.filter(pk=file.pk).update(status=status, category=category, causes=causes,
                                                   approved_at=approved_at, review_due=review_due)


def approve(application, *reviewers):
    for reviewer in reviewers:
        application = app_svc.application_decide(actor=reviewer, application=application, decision="approve")
    return application


def pay_all(actor, campaign, when) -> list[Payment]:
    batch = pay_svc.batch_submit(actor=actor, batch=pay_svc.batch_create(actor=actor, campaign=campaign))
    payments = list(batch.payments.order_by("id"))
    with mock.patch("django.utils.timezone.now", return_value=when):
        for payment in payments:
            pay_svc.payment_record(actor=actor, payment=payment, result="paid", reference="R")
    return payments


@pytest.fixture
def apply_relief(tree, chair):
    rng = random.Random(3)

    def build(campaign, *, actor=None, union=None):
        data = ApplicationIn(name="李建国", id_number=fake_id_number(rng, "320508"), bank_name="中国银行",
                             bank_account="6216610200016587011", groups=["frontline"])
        return app_svc.application_submit(actor=actor or chair, campaign=campaign, union=union or tree.grassroots,
                                          data=data, today=TODAY)

    return build


@pytest.fixture
def scenario(tree, make_file, chair, chair_b, city_staff, nanjing_staff, tuition, relief, apply_tuition,
             apply_relief, calendar):
    """苏州 (city) and 南京 data for 2026, plus one file approved in 2025.

    files   union      category  causes                  status        approved
    a1      精工 (A)   deep      illness, schooling      active        2026-03-01
    a2      精工       relative  unemployment, other     active, 待复核 2025-06-01
    a3      精工       deep      illness                 draft         -
    a4      精工       deep      illness                 notice        -
    b1      吴中电子   accident  illness, disaster       active        2026-05-01
    c1      南京软件   deep      illness                 active        2026-04-01

    money   金秋助学 (苏州): 3 × 3000 paid 2026-03-10 (two in A, one in B); B's returned 2026-04-02 (退汇).
            南京金秋助学: 1 × 2000 paid 2026-03-10 in C.
    送温暖 (苏州): one in review, one rejected, both in A.
    """
    a1, a2, a3, a4 = (make_file() for _ in range(4))
    put_on_file(a1, category="deep", causes=["illness", "schooling"], approved_at=at(2026, 3, 1))
    put_on_file(a2, category="relative", causes=["unemployment", "other"], approved_at=at(2025, 6, 1),
                review_due=True)
    put_on_file(a4, category="deep", causes=["illness"], approved_at=None, status=FileStatus.NOTICE)
    b1 = make_file(union=tree.grassroots_b, actor=chair_b)
    put_on_file(b1, category="accident", causes=["illness", "disaster"], approved_at=at(2026, 5, 1))
    c1 = make_file(union=tree.grassroots_c, actor=nanjing_staff)
    put_on_file(c1, category="deep", causes=["illness"], approved_at=at(2026, 4, 1))

    for _ in range(2):
        approve(apply_tuition(tuition), city_staff, city_staff)
    approve(apply_tuition(tuition, actor=chair_b, union=tree.grassroots_b), city_staff, city_staff)
    payments = pay_all(city_staff, tuition, at(2026, 3, 10))
    returned = next(p for p in payments if p.union_id == tree.grassroots_b.pk)
    with mock.patch("django.utils.timezone.now", return_value=at(2026, 4, 2)):
        pay_svc.payment_record(actor=city_staff, payment=returned, result="returned", reason="账户冻结")

    nanjing = app_svc.campaign_create(actor=nanjing_staff, union=tree.other_city, data=CampaignData(
        name="南京金秋助学", kind="tuition", year=2026, starts_on=datetime.date(2026, 8, 1),
        ends_on=datetime.date(2026, 12, 31), budget="50000", review_levels=[3],
        grant_table={"bachelor": {"file": 4000, "no_file": 2000}}))
    approve(apply_tuition(nanjing, actor=nanjing_staff, union=tree.grassroots_c), nanjing_staff)
    pay_all(nanjing_staff, nanjing, at(2026, 3, 10))

    apply_relief(relief)
    app_svc.application_decide(actor=chair, application=apply_relief(relief), decision="reject", reason="非一线岗位")
    return {"a1": a1, "a2": a2, "a3": a3, "a4": a4, "b1": b1, "c1": c1, "nanjing": nanjing}


def by_key(rows, key="key"):
    return {row[key]: row for row in rows}


def test_city_staff_sees_the_suzhou_subtree_counted_by_hand(scenario, tree, city_staff, tuition, relief):
    figures = stats.report(actor=city_staff, union=tree.city, year=YEAR)

    files = figures["files"]
    categories = by_key(files["by_category"])
    assert [row["key"] for row in files["by_category"]] == ["deep", "relative", "accident"]
    assert {k: (r["on_file"], r["review_due"], r["approved"], r["in_process"]) for k, r in categories.items()} == {
        "deep": (1, 0, 1, 1), "relative": (1, 1, 0, 0), "accident": (1, 0, 1, 0)}
    assert (files["on_file"], files["households"], files["review_due"]) == (3, 3, 1)
    # a household counts once under each cause it names: 3 households, 6 cause mentions, 南京 left out
    causes = {row["key"]: row["count"] for row in files["by_cause"]}
    assert causes == {"illness": 2, "schooling": 1, "unemployment": 1, "disaster": 1, "injury": 0, "other": 1}

    money = figures["money"]
    assert [(r["label"], r["count"], r["paid"], r["reversed"], r["net"]) for r in money["by_campaign"]] == [
        (tuition.name, 3, Decimal(9000), Decimal(3000), Decimal(6000))]
    months = {row["month"]: (row["paid"], row["reversed"], row["net"]) for row in money["by_month"]}
    assert len(months) == 12
    assert months[3] == (Decimal(9000), Decimal(0), Decimal(9000))
    assert months[4] == (Decimal(0), Decimal(3000), Decimal(-3000))  # the 退汇 is booked when it came back
    assert all(months[m] == (0, 0, 0) for m in months if m not in (3, 4))
    # rolled up to the districts directly below the city
    assert [(r["label"], r["net"], r["reversed"]) for r in money["by_union"]] == [
        ("姑苏区总工会", Decimal(6000), Decimal(0)), ("吴中区总工会", Decimal(0), Decimal(3000))]
    assert money["total"] == {"paid": Decimal(9000), "reversed": Decimal(3000), "net": Decimal(6000), "count": 3}
    for breakdown in ("by_campaign", "by_month", "by_union"):  # the three breakdowns add up to one total
        assert sum(row["net"] for row in money[breakdown]) == money["total"]["net"]

    applications = figures["applications"]
    rows = {row["label"]: dict(zip([s["key"] for s in applications["statuses"]], row["by_status"]))
            for row in applications["by_campaign"]}
    assert set(rows) == {tuition.name, relief.name}
    assert rows[tuition.name] == {"in_review": 0, "returned": 0, "approved": 3, "rejected": 0, "withdrawn": 0}
    assert rows[relief.name] == {"in_review": 1, "returned": 0, "approved": 0, "rejected": 1, "withdrawn": 0}
    assert by_key(applications["by_campaign"], "label")[tuition.name]["approved_amount"] == Decimal(9000)
    assert (applications["total"], applications["approved"]) == (5, 3)


def test_a_district_breaks_down_to_its_grassroots_unions(scenario, tree, city_staff):
    money = stats.report(actor=city_staff, union=tree.county, year=YEAR)["money"]
    assert [(r["label"], r["net"]) for r in money["by_union"]] == [(tree.grassroots.name, Decimal(6000))]
    assert money["total"]["net"] == Decimal(6000)


def test_a_grassroots_chair_sees_their_own_union_only(scenario, tree, chair):
    assert stats.report_union(actor=chair, union_id=None) == tree.grassroots
    figures = stats.report(actor=chair, union=tree.grassroots, year=YEAR)
    assert figures["files"]["on_file"] == 2 and figures["files"]["households"] == 2
    assert [(r["label"], r["net"]) for r in figures["money"]["by_union"]] == [
        (f"{tree.grassroots.name}（本级）", Decimal(6000))]
    for outside in (tree.county, tree.grassroots_b, tree.city, tree.other_city):
        with pytest.raises(NotFound):
            stats.report_union(actor=chair, union_id=outside.pk)
        with pytest.raises(NotFound):
            stats.report(actor=chair, union=outside, year=YEAR)


def test_staff_of_another_city_see_nothing_of_suzhou(scenario, tree, nanjing_staff):
    assert stats.report_union(actor=nanjing_staff, union_id="") == tree.other_city
    figures = stats.report(actor=nanjing_staff, union=tree.other_city, year=YEAR)
    assert figures["files"]["on_file"] == 1
    assert [r["label"] for r in figures["money"]["by_campaign"]] == ["南京金秋助学"]
    assert figures["money"]["total"]["net"] == Decimal(2000)
    with pytest.raises(NotFound):
        stats.report_union(actor=nanjing_staff, union_id=tree.city.pk)


def test_another_year_has_no_money_and_only_that_years_approvals(scenario, tree, city_staff):
    figures = stats.report(actor=city_staff, union=tree.city, year=2025)
    assert figures["money"]["total"]["net"] == 0 and figures["money"]["by_campaign"] == []
    assert figures["applications"]["by_campaign"] == []  # both campaigns are 2026's
    categories = by_key(figures["files"]["by_category"])
    assert categories["relative"]["approved"] == 1 and categories["deep"]["approved"] == 0
    assert figures["files"]["on_file"] == 3  # on file is today's count whatever the year


def test_workers_may_not_see_reports(worker, tree):
    with pytest.raises(PermissionDenied):
        stats.report_union(actor=worker, union_id=None)
    with pytest.raises(PermissionDenied):
        stats.report(actor=worker, union=tree.grassroots, year=YEAR)


def test_the_page_shows_tables_charts_and_the_union_picker(client, scenario, tree, city_staff, tuition):
    client.force_login(city_staff)
    response = client.get(PAGE, {"year": YEAR})
    assert response.status_code == 200
    html = response.content.decode()
    assert 'data-table="by_category"' in html and 'data-table="by_union"' in html
    assert '<tr data-key="illness"><th scope="row">疾病</th><td class="num">2</td>' in html
    assert tuition.name in html and "姑苏区总工会" in html and "vendor/echarts.min.js" in html
    assert 'id="report-data"' in html and response.context["charts"]["by_cause"]["values"][0] == 2
    options = dict(response.context["union_picker"].options)
    assert str(tree.county.pk) in options and str(tree.other_city.pk) not in options
    assert f"union={tree.city.pk}" in response.context["export_url"]


def test_the_page_refuses_unions_outside_the_users_reach(client, scenario, tree, chair, city_staff):
    client.force_login(chair)
    assert client.get(PAGE).context["union"] == tree.grassroots
    assert list(client.get(PAGE).context["union_picker"].options) == [(str(tree.grassroots.pk), tree.grassroots.name)]
    for guessed in (tree.county.pk, tree.grassroots_b.pk, tree.grassroots_c.pk, 999999, "abc"):
        assert client.get(PAGE, {"union": guessed}).status_code == 404
        assert client.get(EXPORT, {"union": guessed}).status_code == 404
    client.force_login(city_staff)
    assert client.get(PAGE, {"union": tree.other_county.pk}).status_code == 404
    assert client.get(PAGE, {"union": tree.grassroots_b.pk}).status_code == 200


def test_the_page_is_for_staff_only(client, worker):
    assert client.get(PAGE).status_code == 302  # to the login page
    client.force_login(worker)
    assert client.get(PAGE).status_code == 403
    assert client.get(EXPORT).status_code == 403


def test_a_bad_year_is_shown_beside_the_field(client, tree, city_staff):
    client.force_login(city_staff)
    for bad in ("abc", "1999", str(timezone.localdate().year + 2)):
        response = client.get(PAGE, {"year": bad})
        assert response.status_code == 400
        assert "年度应为" in response.content.decode() and response.context["figures"] is None
    assert client.get(EXPORT, {"year": "abc"}).status_code == 400
    assert not AuditLog.objects.filter(action="aid.report_export").exists()


def test_the_export_has_every_table_and_is_audited(client, scenario, tree, city_staff, tuition):
    client.force_login(city_staff)
    response = client.get(EXPORT, {"union": tree.city.pk, "year": YEAR})
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    book = load_workbook(io.BytesIO(response.content))
    assert book.sheetnames == ["困难类别", "致困原因", "按活动发放", "按月发放", "按工会发放", "申请状态"]
    rows = {name: [list(row) for row in book[name].iter_rows(min_row=3, values_only=True)] for name in book.sheetnames}
    assert rows["困难类别"][0][:5] == ["深度困难", 1, 0, 1, 1]
    assert ["疾病", 2] in rows["致困原因"]
    assert rows["按活动发放"][0] == [tuition.name, "金秋助学", 3, 9000, 3000, 6000]
    assert rows["按月发放"][2] == [f"{YEAR}-03", 3, 9000, 0, 9000]
    assert rows["按工会发放"][:2] == [["姑苏区总工会", 2, 6000, 0, 6000], ["吴中区总工会", 1, 3000, 3000, 0]]
    entry = AuditLog.objects.get(action="aid.report_export")
    assert entry.actor == city_staff and entry.union_id == tree.city.pk
    assert entry.after == {"export": "report", "union_id": tree.city.pk, "year": YEAR}


def test_the_page_costs_the_same_queries_however_much_data(client, scenario, tree, city_staff, make_file, chair_b,
                                                           tuition, apply_tuition, django_assert_max_num_queries):
    client.force_login(city_staff)
    client.get(PAGE, {"year": YEAR})  # warm the session and the user's grants
    with CaptureQueriesContext(connection) as before:
        assert client.get(PAGE, {"year": YEAR}).status_code == 200

    for _ in range(3):  # more files, applications and payments in more unions
        file = make_file(union=tree.grassroots_b, actor=chair_b)
        put_on_file(file, category="relative", causes=["injury"], approved_at=at(2026, 7, 1))
        approve(apply_tuition(tuition, actor=chair_b, union=tree.grassroots_b), city_staff, city_staff)
    pay_all(city_staff, tuition, at(2026, 8, 1))

    with django_assert_max_num_queries(len(before)):
        response = client.get(PAGE, {"year": YEAR})
    assert response.context["figures"]["files"]["on_file"] == 6
    assert len(before) <= 20
