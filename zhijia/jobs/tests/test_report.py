"""就业帮扶统计: figures checked against counts worked out by hand, scoping by the seeker policy (a chair sees their
own union, staff their subtree, a union outside it is 404, workers 403), the Excel export and its audit entry,
and a query count that does not grow with the data."""

import io

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from openpyxl import load_workbook

from zhijia.core.errors import NotFound, PermissionDenied
from zhijia.core.models import AuditLog
from zhijia.jobs import reports, services
from zhijia.jobs.services import SeekerData

from .conftest import TODAY

pytestmark = pytest.mark.django_db

PAGE = "/jobs/report/"
EXPORT = "/jobs/report/export.xlsx"


def login(client, user):
    client.force_login(user)
    return client


@pytest.fixture
def story(tree, chair, chair_b, county_staff, employer_user, post, seeker):
    """Union A: a redeployed welder referred and hired, a graduate who applied, a migrant with nothing yet, one
    seeker outside any priority group. Union B: a flexible worker who applied and was declined.
    Vacancies (all of the 姑苏 employer, moderated by the 姑苏区 federation): one published, one closed, one
    rejected."""
    welder_job = post()
    closed = post(title="装配工", occupation="装配工", skills=["装配"])
    rejected = post(title="叉车司机", occupation="叉车司机", skills=["叉车证"])
    services.vacancy_moderate(actor=county_staff, vacancy=closed, action="close", note="已招满")
    services.vacancy_moderate(actor=county_staff, vacancy=rejected, action="reject", note="工资低于最低工资标准")

    redeployed = seeker(name="刘师傅", priority_group="redeployed")
    graduate = seeker(name="陈同学", priority_group="graduate")
    seeker(name="马师傅", priority_group="migrant")
    seeker(name="赵师傅", priority_group="")
    referral = services.referral_create(actor=chair, seeker=redeployed, vacancy=welder_job)
    services.referral_respond(actor=employer_user, referral=referral, status="hired")
    services.outcome_record(actor=chair, seeker=graduate, vacancy=welder_job, kind="applied")

    flexible = services.seeker_save(actor=chair_b, union=tree.grassroots_b, data=SeekerData(
        name="吴师傅", phone="13700003333", occupations=["焊工"], expected_wage=6000, division_code="320506",
        start_date=TODAY, max_distance_km=20, priority_group="flexible"))
    services.outcome_record(actor=chair_b, seeker=flexible, vacancy=welder_job, kind="applied")
    services.outcome_record(actor=employer_user, seeker=flexible, vacancy=welder_job, kind="declined",
                            reason="需要持证焊工")
    return {"welder_job": welder_job}


def rows(figures, key="priority") -> dict:
    return {row["key"]: row for row in figures[key]}


def test_a_chair_sees_their_own_union_only(client, tree, chair, story):
    client = login(client, chair)
    response = client.get(PAGE)
    assert response.status_code == 200 and response.context["union"] == tree.grassroots
    figures = response.context["figures"]
    groups = rows(figures)
    assert (groups["redeployed"]["seekers"], groups["redeployed"]["matched"], groups["redeployed"]["referred"],
            groups["redeployed"]["hired"]) == (1, 1, 1, 1)
    assert (groups["graduate"]["seekers"], groups["graduate"]["matched"], groups["graduate"]["hired"]) == (1, 1, 0)
    assert (groups["migrant"]["seekers"], groups["migrant"]["matched"]) == (1, 0)
    assert groups["flexible"]["seekers"] == 0  # union B's
    assert figures["priority_total"] == {"seekers": 3, "matched": 2, "referred": 1, "hired": 1}
    assert figures["seekers"] == {"total": 4, "active": 3}  # the hired welder is no longer 求职中
    outcomes = rows(figures, "outcomes")
    assert outcomes["applied"]["count"] == 1 and outcomes["hired"]["count"] == 1 and outcomes["declined"]["count"] == 0
    # the chair's grassroots union moderates no employer: no vacancies in its figures
    assert figures["vacancies_total"]["count"] == 0
    html = response.content.decode()
    assert "echarts.min.js" in html and 'id="report-data"' in html and "chart-priority" in html


def test_chair_b_sees_nothing_of_union_a(client, tree, chair_b, story):
    client = login(client, chair_b)
    figures = client.get(PAGE).context["figures"]
    assert figures["priority_total"] == {"seekers": 1, "matched": 1, "referred": 0, "hired": 0}
    assert rows(figures)["flexible"]["seekers"] == 1 and rows(figures)["redeployed"]["seekers"] == 0
    assert rows(figures, "outcomes")["declined"]["count"] == 1 and rows(figures, "outcomes")["hired"]["count"] == 0
    assert figures["vacancies_total"]["count"] == 0
    # union A, its district, the city: 404, page and export alike
    for union in (tree.grassroots, tree.county, tree.city):
        assert client.get(PAGE, {"union": union.pk}).status_code == 404
        assert client.get(EXPORT, {"union": union.pk}).status_code == 404
    assert client.get(PAGE, {"union": "abc"}).status_code == 404
    assert not AuditLog.objects.filter(action="jobs.report_export").exists()


def test_upper_staff_see_their_subtree_and_may_pick_a_union_in_it(client, tree, county_staff, city_staff, story):
    county = login(client, county_staff).get(PAGE)
    figures = county.context["figures"]
    assert county.context["union"] == tree.county
    assert figures["priority_total"]["seekers"] == 3  # union A's; union B is in 吴中区
    assert {row["key"]: row["count"] for row in figures["vacancies"]} == {
        "draft": 0, "published": 1, "closed": 1, "rejected": 1}
    options = dict(county.context["union_picker"].options)
    assert str(tree.grassroots.pk) in options and str(tree.grassroots_b.pk) not in options

    city = login(type(client)(), city_staff)
    figures = city.get(PAGE).context["figures"]
    assert figures["priority_total"] == {"seekers": 4, "matched": 3, "referred": 1, "hired": 1}
    assert rows(figures, "outcomes")["applied"]["seekers"] == 2
    picked = city.get(PAGE, {"union": tree.grassroots_b.pk})
    assert picked.status_code == 200 and picked.context["figures"]["priority_total"]["seekers"] == 1
    assert city.get(PAGE, {"union": tree.other_city.pk}).status_code == 404


def test_nanjing_staff_get_404_on_a_suzhou_union_and_workers_403(client, tree, nanjing_staff, worker, story):
    nanjing = login(client, nanjing_staff)
    for union in (tree.city, tree.county, tree.grassroots):
        assert nanjing.get(PAGE, {"union": union.pk}).status_code == 404
        assert nanjing.get(EXPORT, {"union": union.pk}).status_code == 404
    own = nanjing.get(PAGE)
    assert own.context["union"] == tree.other_city and own.context["figures"]["priority_total"]["seekers"] == 0
    worker_client = login(type(client)(), worker)
    assert worker_client.get(PAGE).status_code == 403 and worker_client.get(EXPORT).status_code == 403
    with pytest.raises(PermissionDenied):
        reports.report_union(actor=worker, union_id="")
    with pytest.raises(NotFound):
        reports.report_union(actor=nanjing_staff, union_id=tree.grassroots.pk)


def test_the_export_has_every_table_and_is_audited(client, tree, city_staff, story):
    client = login(client, city_staff)
    response = client.get(EXPORT, {"union": tree.county.pk})
    assert response.status_code == 200 and "attachment" in response["Content-Disposition"]
    book = load_workbook(io.BytesIO(response.content))
    assert book.sheetnames == ["重点群体", "岗位状态", "求职进展"]
    priority = list(book["重点群体"].iter_rows(min_row=3, values_only=True))
    by_label = {row[0]: row[1:] for row in priority if row[0]}
    assert by_label["转岗待岗职工"] == (1, 1, 1, 1) and by_label["合计"] == (3, 2, 1, 1)
    statuses = {row[0]: row[1] for row in book["岗位状态"].iter_rows(min_row=3, values_only=True) if row[0]}
    assert statuses["招聘中"] == 1 and statuses["合计"] == 3
    cells = [str(c) for sheet in book for row in sheet.iter_rows(values_only=True) for c in row if c is not None]
    assert not any("刘师傅" in c or "1370000" in c for c in cells)  # counts only
    entry = AuditLog.objects.get(action="jobs.report_export")
    assert entry.actor == city_staff and entry.object_id == str(tree.county.pk)


def test_the_page_costs_the_same_queries_however_many_seekers(client, tree, city_staff, story, seeker):
    client = login(client, city_staff)
    client.get(PAGE)  # warm the session and grants
    with CaptureQueriesContext(connection) as few:
        client.get(PAGE)
    for n in range(5):
        seeker(name=f"新{n}号", priority_group="graduate")
    with CaptureQueriesContext(connection) as more:
        response = client.get(PAGE)
    assert rows(response.context["figures"])["graduate"]["seekers"] == 6
    assert len(more) == len(few) <= 15
