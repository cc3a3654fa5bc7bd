"""The 维权统计 dashboard: figures checked against counts worked out by hand, subtree scoping, the Excel
export, the page and the API."""

import collections
import datetime
import io
import json
import re
from html.parser import HTMLParser

import pytest
from django.utils import timezone

from zhijia.cases import services
from zhijia.cases.models import Ticket, TicketStatus
from zhijia.cases.stats import dashboard
from zhijia.cases.tests.conftest import ticket_data
from zhijia.core.errors import NotFound, PermissionDenied, ValidationFailed
from zhijia.core.models import AuditLog



D = datetime.timedelta
PAGE = "/cases/dashboard/"
EXPORT = "/cases/dashboard/export.xlsx"
API = "/api/cases/dashboard"
PHONE = re.compile(r"1[3-9]\d{9}")


def at(day: datetime.date, hour: int = 12, minute: int = 0) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time(hour, minute)))


def created(ticket: Ticket, when: datetime.datetime) -> None:
    Ticket.objects.filter(pk=ticket.pk).update(created_at=when)


@pytest.fixture
def today():
    return timezone.localdate()


@pytest.fixture
def tickets(tree, file_ticket, city_staff, county_staff, today):
    """Seven Suzhou tickets in the last 90 days, one Suzhou ticket 200 days old and one Nanjing ticket.

    name  union         type/topic              created    state                                  on time  rating
    t1    精工 (姑苏)   complaint/wages         -10 days   archived                               yes      satisfied
    t2    精工          consult/contract        -10 days   archived                               no       unsatisfied
    t3    精工          complaint/wages         -3 d 00:30 in progress, step due 2 days ago        -        -
    t4    吴中电子      service/social_ins.     -3 days    assigned                               -        -
    t5    吴中电子      legal_aid/injury        -3 days    archived                               yes      basic
    t8    姑苏区总工会  consult/other           today      answered at once (no deadline)         yes      -
    t9    精工          suggestion/hours        -10 days   reopened after 不满意 (not closed)     -        unsatisfied
    old   精工          complaint/wages         -200 days  assigned, step due 150 days ago        -        -
    nj    南京软件      complaint/wages         -3 days    assigned                               -        -
    """
    act = city_staff
    t1 = file_ticket(type="complaint", topic="wages")
    services.ticket_accept(actor=act, ticket=t1)
    services.ticket_resolve(actor=act, ticket=t1, resolution="已补发工资")
    services.ticket_callback(actor=act, ticket=t1, rating="satisfied")
    created(t1, at(today - D(days=10)))

    t2 = file_ticket(type="consult", topic="contract")
    services.ticket_accept(actor=act, ticket=t2)
    t2 = services.ticket_resolve(actor=act, ticket=t2, resolution="已答复")
    services.ticket_callback(actor=act, ticket=t2, rating="unsatisfied")
    resolved_on = timezone.localdate(t2.resolved_at)
    Ticket.objects.filter(pk=t2.pk).update(due_on=resolved_on - D(days=1), created_at=at(today - D(days=10)))

    t3 = file_ticket(type="complaint", topic="wages")
    services.ticket_accept(actor=act, ticket=t3)
    Ticket.objects.filter(pk=t3.pk).update(step_due_on=today - D(days=2), created_at=at(today - D(days=3), 0, 30))

    wuzhong = dict(employer_name="吴中电子有限公司", division_code="320506")
    t4 = file_ticket(type="service", topic="social_insurance", **wuzhong)
    Ticket.objects.filter(pk=t4.pk).update(step_due_on=today + D(days=3))
    created(t4, at(today - D(days=3)))

    t5 = file_ticket(type="legal_aid", topic="injury", **wuzhong)
    services.ticket_accept(actor=act, ticket=t5)
    services.ticket_resolve(actor=act, ticket=t5, resolution="已协助申请")
    services.ticket_callback(actor=act, ticket=t5, rating="basic")
    created(t5, at(today - D(days=3)))

    t8 = services.ticket_create(
        actor=county_staff,
        data=ticket_data(type="consult", topic="other", employer_name="姑苏区某小饭店"),
        channel="hotline",
        answer="可向劳动监察大队反映",
    )
    created(t8, at(today, 0, 5))

    t9 = file_ticket(type="suggestion", topic="hours")
    services.ticket_accept(actor=act, ticket=t9)
    services.ticket_resolve(actor=act, ticket=t9, resolution="已沟通")
    services.ticket_callback(actor=act, ticket=t9, rating="unsatisfied", reopen=True)
    created(t9, at(today - D(days=10)))

    old = file_ticket()
    Ticket.objects.filter(pk=old.pk).update(step_due_on=today - D(days=150), created_at=at(today - D(days=200)))

    nj = file_ticket(employer_name="南京软件有限公司", division_code="320102")
    created(nj, at(today - D(days=3)))

    found = {name: Ticket.objects.get(pk=t.pk) for name, t in
             dict(t1=t1, t2=t2, t3=t3, t4=t4, t5=t5, t8=t8, t9=t9, old=old, nj=nj).items()}
    assert found["nj"].union == tree.grassroots_c and found["t8"].union == tree.county
    assert found["t9"].status == TicketStatus.IN_PROGRESS and found["t9"].resolved_at is not None
    return found


def counts(rows) -> dict:
    return {row["key"]: row["count"] for row in rows if row["count"]}


def last_90(today):
    return dict(date_from=today - D(days=89), date_to=today)


# ---- Figures --------------------------------------------------------------------------------------------


def test_city_figures_match_hand_count(tree, tickets, city_staff, today, django_assert_max_num_queries):
    with django_assert_max_num_queries(4):  # grants; counts per type×topic×status; trend; employers — whatever the volume
        figures = dashboard(actor=city_staff, union=tree.city, **last_90(today))

    assert figures["total"] == 7
    assert figures["open"] == 3  # t3, t4, t9
    assert figures["overdue"] == 1  # t3; the 200-day-old overdue ticket is outside the range
    # on time: t1, t5, t8 of the closed t1, t2, t5, t8 (t9 was reopened, so it is not closed)
    assert figures["on_time"] == {"numerator": 3, "denominator": 4, "rate": 0.75, "percent": 75.0}
    assert figures["satisfaction"] == {"numerator": 2, "denominator": 4, "rate": 0.5, "percent": 50.0}
    assert counts(figures["by_type"]) == {"complaint": 2, "consult": 2, "service": 1, "legal_aid": 1, "suggestion": 1}
    assert counts(figures["by_topic"]) == {
        "wages": 2, "contract": 1, "social_insurance": 1, "injury": 1, "other": 1, "hours": 1,
    }
    assert counts(figures["by_status"]) == {"archived": 4, "in_progress": 2, "assigned": 1}
    labels = {row["key"]: row["label"] for row in figures["by_status"]}
    assert labels["archived"] == "已归档" and labels["in_progress"] == "办理中"
    assert figures["top_employers"] == [
        {"employer_name": "苏州精工机械有限公司", "count": 4},
        {"employer_name": "吴中电子有限公司", "count": 2},
        {"employer_name": "姑苏区某小饭店", "count": 1},
    ]
    # 90 days is more than 62: one point per month, summing to the total
    assert figures["granularity"] == "month"
    assert sum(point["count"] for point in figures["trend"]) == 7


def test_daily_trend_counts_local_days(tree, tickets, city_staff, today):
    figures = dashboard(actor=city_staff, union=tree.city, date_from=today - D(days=20), date_to=today)
    assert figures["granularity"] == "day"
    assert len(figures["trend"]) == 21
    by_day = {point["period"]: point["count"] for point in figures["trend"] if point["count"]}
    # t3 was filed at 00:30 Beijing time, i.e. the previous day in UTC: it still counts on its local day
    assert by_day == {today - D(days=10): 3, today - D(days=3): 3, today: 1}


def test_range_edges_are_local_days(tree, tickets, city_staff, today):
    day = today - D(days=3)
    assert dashboard(actor=city_staff, union=tree.city, date_from=day, date_to=day)["total"] == 3
    before = dashboard(actor=city_staff, union=tree.city, date_from=day - D(days=7), date_to=day - D(days=1))
    assert before["total"] == 3  # t1, t2, t9 — not t3 at 00:30 on `day`


def test_monthly_trend_over_a_year(tree, tickets, city_staff, today):
    date_from = today - D(days=364)
    figures = dashboard(actor=city_staff, union=tree.city, date_from=date_from, date_to=today)
    assert figures["total"] == 8
    assert figures["overdue"] == 2  # t3 and the 200-day-old ticket
    months = (today.year * 12 + today.month) - (date_from.year * 12 + date_from.month) + 1
    assert len(figures["trend"]) == months
    assert all(point["period"].day == 1 for point in figures["trend"])
    created_days = [today - D(days=n) for n in (10, 10, 10, 3, 3, 3, 0, 200)]
    expected = collections.Counter(day.replace(day=1) for day in created_days)
    assert {point["period"]: point["count"] for point in figures["trend"] if point["count"]} == expected


def test_empty_range_has_no_rates(tree, tickets, city_staff, today):
    figures = dashboard(actor=city_staff, union=tree.city, date_from=today - D(days=60), date_to=today - D(days=30))
    assert figures["total"] == 0
    assert figures["on_time"] == {"numerator": 0, "denominator": 0, "rate": None, "percent": None}
    assert figures["top_employers"] == []


def test_reversed_or_overlong_range_is_refused(tree, city_staff, today):
    with pytest.raises(ValidationFailed) as exc:
        dashboard(actor=city_staff, union=tree.city, date_from=today, date_to=today - D(days=1))
    assert exc.value.field == "date_from" and "开始日期" in exc.value.message
    with pytest.raises(ValidationFailed):
        dashboard(actor=city_staff, union=tree.city, date_from=today - D(days=4000), date_to=today)


# ---- Scoping --------------------------------------------------------------------------------------------


def test_each_person_sees_only_their_subtree(tree, tickets, chair, county_staff, nanjing_staff, today):
    assert dashboard(actor=county_staff, union=tree.county, **last_90(today))["total"] == 5  # t1 t2 t3 t8 t9
    assert dashboard(actor=chair, union=tree.grassroots, **last_90(today))["total"] == 4  # t1 t2 t3 t9
    nanjing = dashboard(actor=nanjing_staff, union=tree.other_city, **last_90(today))
    assert nanjing["total"] == 1
    assert nanjing["top_employers"] == [{"employer_name": "南京软件有限公司", "count": 1}]
    # Even handed a Suzhou union object, Nanjing staff count nothing in it
    assert dashboard(actor=nanjing_staff, union=tree.city, **last_90(today))["total"] == 0


def test_worker_may_not_compute_a_dashboard(tree, worker, today):
    with pytest.raises(PermissionDenied):
        dashboard(actor=worker, union=tree.city, **last_90(today))


# ---- The page -------------------------------------------------------------------------------------------


class Tables(HTMLParser):
    """Rows of cell texts of every <table data-table=...> on a page."""

    def __init__(self, html: str):
        super().__init__()
        self.tables, self._table, self._row, self._cell = {}, None, None, None
        self.feed(html)

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "table" and "data-table" in attrs:
            self._table = self.tables.setdefault(attrs["data-table"], [])
        elif tag == "tr" and self._table is not None:
            self._row = []
        elif tag in ("td", "th") and self._row is not None:
            self._cell = []

    def handle_endtag(self, tag):
        if tag == "table":
            self._table = None
        elif tag == "tr" and self._row is not None:
            self._table.append(self._row)
            self._row = None
        elif tag in ("td", "th") and self._cell is not None:
            self._row.append("".join(self._cell).strip())
            self._cell = None

    def handle_data(self, data):
        if self._cell is not None:
            self._cell.append(data)


def stat(html: str, name: str) -> str:
    return re.search(rf'data-stat="{name}">\s*<strong>([^<]+)</strong>', html).group(1)


def test_page_shows_figures_charts_and_tables(client, tree, tickets, city_staff, today):
    client.force_login(city_staff)
    response = client.get(PAGE, {"union": tree.city.pk})  # default range: the last 90 days
    assert response.status_code == 200
    html = response.content.decode()
    tables = Tables(html).tables
    assert {label: int(n) for label, n in tables["by_type"][1:]} == {
        "咨询": 2, "服务帮扶": 1, "投诉/信访": 2, "法律援助": 1, "意见建议": 1,
    }
    assert dict(tables["by_status"][1:])["已归档"] == "4"
    assert tables["top_employers"][1] == ["1", "苏州精工机械有限公司", "4"]
    assert sum(int(n) for _, n in tables["trend"][1:]) == 7
    assert stat(html, "total") == "7" and stat(html, "overdue") == "1"
    assert stat(html, "on_time") == "75.0%" and "3 / 4 件按期办结" in html
    assert stat(html, "satisfaction") == "50.0%"
    assert 'id="dashboard-data"' in html and "vendor/echarts.min.js" in html
    charts = json.loads(re.search(r'<script id="dashboard-data" type="application/json">(.*?)</script>', html).group(1))
    assert charts["top_employers"] == {"labels": ["苏州精工机械有限公司", "吴中电子有限公司", "姑苏区某小饭店"], "values": [4, 2, 1]}
    date_from = (today - D(days=89)).isoformat()
    assert f"{EXPORT}?union={tree.city.pk}&amp;from={date_from}&amp;to={today.isoformat()}" in html
    assert "导出 Excel" in html
    assert "13912345678" not in html and "王小明" not in html


def test_page_defaults_to_the_users_own_union(client, tree, tickets, county_staff):
    client.force_login(county_staff)
    response = client.get(PAGE)
    assert response.status_code == 200
    assert response.context["union"] == tree.county
    assert stat(response.content.decode(), "total") == "5"


def test_nanjing_staff_sees_none_of_suzhou(client, tree, tickets, nanjing_staff):
    client.force_login(nanjing_staff)
    response = client.get(PAGE)
    assert response.status_code == 200
    html = response.content.decode()
    assert stat(html, "total") == "1"
    assert "苏州精工" not in html and "吴中电子" not in html
    assert client.get(PAGE, {"union": tree.city.pk}).status_code == 404
    assert client.get(EXPORT, {"union": tree.grassroots.pk}).status_code == 404


def test_grassroots_chair_cannot_pick_the_city_union(client, tree, tickets, chair):
    client.force_login(chair)
    assert client.get(PAGE, {"union": tree.city.pk}).status_code == 404
    assert client.get(PAGE, {"union": "abc"}).status_code == 404
    response = client.get(PAGE)
    assert response.context["union"] == tree.grassroots


def test_worker_gets_403_and_anonymous_is_sent_to_login(client, worker):
    client.force_login(worker)
    assert client.get(PAGE).status_code == 403
    assert client.get(EXPORT).status_code == 403
    client.logout()
    assert client.get(PAGE).status_code == 302


@pytest.mark.parametrize(
    "params,field,message",
    [
        ({"from": "2025-02-30"}, "from", "请输入有效日期"),
        ({"to": "昨天"}, "to", "请输入有效日期"),
        ({"from": "2025-03-01", "to": "2025-02-01"}, "from", "开始日期不能晚于结束日期"),
    ],
)
def test_bad_dates_are_shown_beside_the_field(client, tree, city_staff, params, field, message):
    client.force_login(city_staff)
    response = client.get(PAGE, params)
    assert response.status_code == 400
    assert response.context["errors"][field].startswith(message)
    html = response.content.decode()
    assert re.search(rf'<div class="field has-error">\s*<label for="f-{field}">.*?{message}', html, re.S)
    assert client.get(EXPORT, params).status_code == 400


# ---- The export -----------------------------------------------------------------------------------------


def test_export_has_every_sheet_the_numbers_and_no_personal_data(client, tree, tickets, city_staff, today):
    import openpyxl

    client.force_login(city_staff)
    date_from = today - D(days=89)
    response = client.get(EXPORT, {"union": tree.city.pk, "from": date_from.isoformat(), "to": today.isoformat()})
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    book = openpyxl.load_workbook(io.BytesIO(response.content), read_only=True)
    assert book.sheetnames == ["概览", "类型", "类别", "状态", "趋势", "单位排行"]
    sheets = {name: [list(row) for row in book[name].iter_rows(values_only=True)] for name in book.sheetnames}

    overview = {row[0]: row[1:] for row in sheets["概览"][1:]}
    assert overview["受理工单"][0] == 7
    assert overview["当前超期"][0] == 1
    assert overview["按期办结率"] == ["75.0%", 3, 4]
    assert overview["满意率"] == ["50.0%", 2, 4]
    assert sheets["类型"][0] == ["诉求类型", "工单数"]
    assert dict(sheets["类型"][1:])["投诉/信访"] == 2
    assert dict(sheets["类别"][1:])["欠薪/工资"] == 2
    assert dict(sheets["状态"][1:])["已归档"] == 4
    assert sum(n for _, n in sheets["趋势"][1:]) == 7
    assert sheets["单位排行"][1] == [1, "苏州精工机械有限公司", 4]

    cells = [str(value) for rows in sheets.values() for row in rows for value in row if value is not None]
    assert not [cell for cell in cells if PHONE.search(cell)]
    assert not [cell for cell in cells if "王小明" in cell or "没有发工资" in cell or "WQ" in cell]

    entry = AuditLog.objects.get(action="ticket.export")
    assert entry.actor == city_staff and entry.union_id == tree.city.pk
    assert entry.after == {"export": "dashboard", "union_id": tree.city.pk,
                           "date_from": date_from.isoformat(), "date_to": today.isoformat()}


# ---- The API --------------------------------------------------------------------------------------------


def test_api_returns_the_same_figures(client, tree, tickets, city_staff, today):
    client.force_login(city_staff)
    response = client.get(API, {"union_id": tree.city.pk})
    assert response.status_code == 200
    body = response.json()
    expected = json.loads(json.dumps(dashboard(actor=city_staff, union=tree.city, **last_90(today)), default=str))
    assert body == expected
    assert body["total"] == 7 and body["on_time"]["numerator"] == 3 and body["on_time"]["denominator"] == 4


def test_api_scoping_and_errors(client, tree, tickets, nanjing_staff, worker, today):
    client.force_login(nanjing_staff)
    assert client.get(API).json()["total"] == 1
    refused = client.get(API, {"union_id": tree.city.pk})
    assert refused.status_code == 404 and refused.json()["code"] == "not_found"
    reversed_range = client.get(API, {"date_from": today.isoformat(), "date_to": (today - D(days=1)).isoformat()})
    assert reversed_range.status_code == 422 and reversed_range.json()["field"] == "date_from"
    client.force_login(worker)
    assert client.get(API).status_code == 403


def test_unknown_union_is_not_found(tree, city_staff):
    from zhijia.cases.stats import dashboard_union

    with pytest.raises(NotFound):
        dashboard_union(actor=city_staff, union_id=999999)
    assert dashboard_union(actor=city_staff, union_id=None) == tree.city
