"""Job fairs: staff create a fair, add vacancies from their subtree and register seekers; a worker registers
themself; each registered seeker's match list for the day lists only the fair's vacancies, as a printable page,
a PDF and one workbook for all — names masked for staff without PII rights, no phone ever, exports audited; and
everyone outside gets 404."""

import datetime
import io

import pytest
from openpyxl import load_workbook

from zhijia.core.models import AuditLog
from zhijia.jobs import matching, reports, services
from zhijia.jobs.models import FairRegistration, JobFair, Vacancy
from zhijia.jobs.services import SeekerData

from .conftest import TODAY

pytestmark = pytest.mark.django_db

IN_A_WEEK = TODAY + datetime.timedelta(days=7)
SEEKER_PHONE = "13700001111"


def login(client, user):
    client.force_login(user)
    return client


def make_fair(actor, union, **overrides):
    fields = {"name": "就业援助月专场招聘会", "held_on": IN_A_WEEK, "place": "姑苏区职工服务中心"}
    fields.update(overrides)
    return services.fair_create(actor=actor, union=union, **fields)


@pytest.fixture
def welder(seeker):
    return seeker()  # 刘师傅, a welder registered by the officer of grassroots A


@pytest.fixture
def vacancies(post):
    """Two welding jobs (one will be at the fair, one not) and a cook's job at the fair that fits nobody here."""
    return {
        "fair_welder": post(title="电焊工（参会）", wage_min=6500, wage_max=8000),
        "other_welder": post(title="电焊工（不参会）", wage_min=7000, wage_max=9000),
        "cook": post(title="中餐厨师", occupation="厨师", skills=["中餐", "烹饪"], min_level=0),
    }


def test_staff_create_a_fair_add_vacancies_register_a_seeker_and_print_the_sheet(
        client, tree, county_staff, vacancies, welder):
    # given the district federation's staff
    client = login(client, county_staff)
    assert client.get("/jobs/fairs/new/").status_code == 200

    # when they create a fair
    response = client.post("/jobs/fairs/new/", {"union": tree.county.pk, "name": "姑苏区春风行动招聘会",
                                                 "held_on": IN_A_WEEK.isoformat(), "place": "姑苏区人力资源市场"})
    fair = JobFair.objects.get(name="姑苏区春风行动招聘会")
    assert response.status_code == 302 and response.url == f"/jobs/fairs/{fair.pk}/"
    assert AuditLog.objects.filter(action="jobs.fair", object_id=str(fair.pk)).exists()

    # the vacancies of their subtree are offered; they add two
    page = client.get(f"/jobs/fairs/{fair.pk}/")
    offered = {v.pk for v in page.context["vacancy_candidates"]}
    assert {v.pk for v in vacancies.values()} <= offered
    response = client.post(f"/jobs/fairs/{fair.pk}/vacancies/",
                           {"vacancy_ids": [vacancies["fair_welder"].pk, vacancies["cook"].pk]})
    assert response.status_code == 302
    assert set(fair.vacancies.values_list("pk", flat=True)) == {vacancies["fair_welder"].pk, vacancies["cook"].pk}
    assert fair.employers.count() == 1

    # and register the welder their subtree serves
    response = client.post(f"/jobs/fairs/{fair.pk}/register/", {"seeker_id": welder.pk})
    assert response.status_code == 302
    assert FairRegistration.objects.filter(fair=fair, seeker=welder).exists()
    page = client.get(f"/jobs/fairs/{fair.pk}/")
    [row] = page.context["rows"]
    assert row.name == "刘师傅" and len(row.matches) == 1  # the district staff may see names
    assert welder.pk not in {s.pk for s, _ in page.context["seeker_candidates"]}

    # then the sheet lists the fair's welding job — not the better-paid one elsewhere, not the cook's
    sheet = client.get(f"/jobs/fairs/{fair.pk}/sheet/{welder.pk}/")
    assert sheet.status_code == 200
    assert [found.vacancy.pk for found, _ in sheet.context["matches"]] == [vacancies["fair_welder"].pk]
    html = sheet.content.decode()
    assert "电焊工（参会）" in html and "电焊工（不参会）" not in html and "中餐厨师" not in html
    assert "刘师傅" in html and "@media print" in html and "window.print()" in html
    assert SEEKER_PHONE not in html

    # the PDF prints the same list
    pdf = client.get(f"/jobs/fairs/{fair.pk}/sheet/{welder.pk}/pdf/")
    assert pdf.status_code == 200 and pdf["Content-Type"] == "application/pdf"
    assert pdf.content.startswith(b"%PDF")


def test_names_are_masked_for_staff_without_pii_rights_and_no_phone_leaves(
        client, tree, chair, officer, vacancies, welder):
    # given a fair of grassroots A with the welder registered
    fair = make_fair(chair, tree.grassroots, vacancies=[vacancies["fair_welder"]])
    services.fair_register(actor=officer, fair=fair, seeker=welder)

    # the chair may see personal data: the full name
    chair_client = login(client, chair)
    assert chair_client.get(f"/jobs/fairs/{fair.pk}/sheet/{welder.pk}/").context["name"] == "刘师傅"

    # the officer may not: 刘*傅 on the fair page, the sheet and the workbook
    officer_client = login(type(client)(), officer)
    page = officer_client.get(f"/jobs/fairs/{fair.pk}/")
    assert page.context["rows"][0].name == "刘*傅" and "刘师傅" not in page.content.decode()
    sheet = officer_client.get(f"/jobs/fairs/{fair.pk}/sheet/{welder.pk}/").content.decode()
    assert "刘*傅" in sheet and "刘师傅" not in sheet

    response = officer_client.get(f"/jobs/fairs/{fair.pk}/matches.xlsx")
    assert response.status_code == 200 and "attachment" in response["Content-Disposition"]
    book = load_workbook(io.BytesIO(response.content))
    rows = list(book.active.iter_rows(values_only=True))
    header = rows[1]
    assert header[:2] == ("序号", "求职者") and "匹配理由" in header and "距离（公里）" in header
    cells = [str(cell) for row in rows for cell in row if cell is not None]
    assert "刘*傅" in cells and "刘师傅" not in cells
    assert not any(SEEKER_PHONE in cell or "1111" in cell for cell in cells)
    [data] = rows[2:]
    assert data[5] == "电焊工（参会）" and data[6] == "苏州精工机械有限公司" and "技能" in data[10]
    entry = AuditLog.objects.get(action="jobs.fair_export")
    assert entry.actor == officer and entry.object_id == str(fair.pk) and entry.after["seekers"] == 1

    # the chair's workbook has the full name, still no phone
    book = load_workbook(io.BytesIO(chair_client.get(f"/jobs/fairs/{fair.pk}/matches.xlsx").content))
    cells = [str(cell) for row in book.active.iter_rows(values_only=True) for cell in row if cell is not None]
    assert "刘师傅" in cells and not any(SEEKER_PHONE in cell for cell in cells)


def test_a_worker_sees_upcoming_fairs_registers_themself_and_prints_their_own_sheet(
        client, tree, chair, worker, other_worker, vacancies):
    fair = make_fair(chair, tree.grassroots, vacancies=[vacancies["fair_welder"], vacancies["cook"]])
    past = make_fair(chair, tree.grassroots, name="去年的招聘会", held_on=TODAY - datetime.timedelta(days=30),
                     past_ok=True)
    mine = services.seeker_save(actor=worker, for_user=worker, union=tree.grassroots, data=SeekerData(
        name="王小明", phone="13900000001", occupations=["焊工"], skills=["二保焊"], level=2, expected_wage=6000,
        division_code="320508", start_date=TODAY))
    client = login(client, worker)

    listing = client.get("/jobs/fairs/")
    assert listing.status_code == 200 and not listing.context["staff"]
    assert [f.pk for f in listing.context["upcoming"]] == [fair.pk]  # the past one is not offered
    page = client.get(f"/jobs/fairs/{fair.pk}/")
    assert page.status_code == 200 and "我要报名" in page.content.decode()
    assert "rows" not in page.context  # no one else's registration
    assert client.get(f"/jobs/fairs/{past.pk}/").status_code == 404

    response = client.post(f"/jobs/fairs/{fair.pk}/register/")
    assert response.status_code == 302 and FairRegistration.objects.filter(fair=fair, seeker=mine).exists()
    assert client.post(f"/jobs/fairs/{fair.pk}/register/").status_code == 302  # twice is one registration
    assert FairRegistration.objects.filter(fair=fair, seeker=mine).count() == 1
    assert fair.pk in client.get("/jobs/fairs/").context["registered"]

    sheet = client.get(f"/jobs/fairs/{fair.pk}/sheet/{mine.pk}/")
    assert sheet.status_code == 200 and sheet.context["name"] == "王小明"
    assert [found.vacancy.pk for found, _ in sheet.context["matches"]] == [vacancies["fair_welder"].pk]
    # a worker gets no one's workbook
    assert client.get(f"/jobs/fairs/{fair.pk}/matches.xlsx").status_code == 404

    # another worker sees neither his sheet nor can they register him
    other = login(type(client)(), other_worker)
    assert other.get(f"/jobs/fairs/{fair.pk}/sheet/{mine.pk}/").status_code == 404
    assert other.post(f"/jobs/fairs/{fair.pk}/register/", {"seeker_id": mine.pk}).status_code == 404
    # without a profile of their own, they are sent to fill one in
    response = other.post(f"/jobs/fairs/{fair.pk}/register/")
    assert response.status_code == 302 and response.url == "/jobs/"
    assert not FairRegistration.objects.filter(fair=fair).exclude(seeker=mine).exists()


def test_other_subtrees_get_404_on_everything_they_may_not_see(
        client, tree, chair, chair_b, nanjing_staff, vacancies, welder, post):
    fair = make_fair(chair, tree.grassroots, vacancies=[vacancies["fair_welder"]])
    services.fair_register(actor=chair, fair=fair, seeker=welder)
    past = make_fair(chair, tree.grassroots, name="已结束的招聘会", held_on=TODAY - datetime.timedelta(days=1),
                     past_ok=True)

    for user in (chair_b, nanjing_staff):
        other = login(type(client)(), user)
        # an upcoming fair is public, but not who registered for it
        page = other.get(f"/jobs/fairs/{fair.pk}/")
        assert page.status_code == 200 and not page.context["host"]
        assert page.context["rows"] == [] and "刘" not in page.content.decode()
        assert other.get(f"/jobs/fairs/{past.pk}/").status_code == 404
        assert other.get(f"/jobs/fairs/{fair.pk}/sheet/{welder.pk}/").status_code == 404
        assert other.get(f"/jobs/fairs/{fair.pk}/sheet/{welder.pk}/pdf/").status_code == 404
        assert other.get(f"/jobs/fairs/{fair.pk}/matches.xlsx").status_code == 404
        # nor may they add vacancies to it or register someone they do not serve
        assert other.post(f"/jobs/fairs/{fair.pk}/vacancies/",
                          {"vacancy_ids": [vacancies["cook"].pk]}).status_code == 404
        assert other.post(f"/jobs/fairs/{fair.pk}/register/", {"seeker_id": welder.pk}).status_code == 404
        assert other.get("/jobs/fairs/99999/").status_code == 404
    assert fair.vacancies.count() == 1 and FairRegistration.objects.filter(fair=fair).count() == 1
    assert not AuditLog.objects.filter(action="jobs.fair_export").exists()

    # chair B's own fair cannot take union A's vacancies (guessed ids)
    fair_b = make_fair(chair_b, tree.grassroots_b)
    other = login(type(client)(), chair_b)
    assert other.post(f"/jobs/fairs/{fair_b.pk}/vacancies/",
                      {"vacancy_ids": [vacancies["cook"].pk]}).status_code == 404
    assert fair_b.vacancies.count() == 0


def test_staff_of_another_union_register_and_follow_the_seekers_they_serve(
        client, tree, city_staff, chair_b, officer, vacancies, welder):
    # a city fair: the grassroots officer registers his union's welder and sees only his own people
    fair = make_fair(city_staff, tree.city, vacancies=[vacancies["fair_welder"]])
    other_union_seeker = services.seeker_save(actor=chair_b, union=tree.grassroots_b, data=SeekerData(
        name="陈焊工", phone="13700002222", occupations=["焊工"], expected_wage=6000, division_code="320506",
        start_date=TODAY, max_distance_km=20))
    services.fair_register(actor=chair_b, fair=fair, seeker=other_union_seeker)
    client = login(client, officer)
    page = client.get(f"/jobs/fairs/{fair.pk}/")
    assert not page.context["host"] and page.context["rows"] == []
    assert [s.pk for s, _ in page.context["seeker_candidates"]] == [welder.pk]
    assert client.post(f"/jobs/fairs/{fair.pk}/register/", {"seeker_id": welder.pk}).status_code == 302
    page = client.get(f"/jobs/fairs/{fair.pk}/")
    assert [row.registration.seeker_id for row in page.context["rows"]] == [welder.pk]
    assert client.get(f"/jobs/fairs/{fair.pk}/sheet/{welder.pk}/").status_code == 200
    assert client.get(f"/jobs/fairs/{fair.pk}/sheet/{other_union_seeker.pk}/").status_code == 404
    assert client.get(f"/jobs/fairs/{fair.pk}/matches.xlsx").status_code == 404  # the host's list
    # the city's staff host it and see both
    host = login(type(client)(), city_staff)
    assert len(host.get(f"/jobs/fairs/{fair.pk}/").context["rows"]) == 2


def test_the_fair_form_names_the_field_at_fault(client, tree, chair, worker):
    client = login(client, chair)
    response = client.post("/jobs/fairs/new/", {"union": tree.grassroots.pk, "name": "", "held_on": ""})
    assert response.status_code == 400 and response.context["errors"]["held_on"]
    assert response.context["errors"]["name"] == "请填写名称"  # every mistake in one submit
    response = client.post("/jobs/fairs/new/", {"union": tree.grassroots.pk, "name": "招聘会", "online": "1",
                                                "held_on": (TODAY - datetime.timedelta(days=1)).isoformat()})
    assert response.status_code == 400 and response.context["errors"]["held_on"] == "举办日期不能早于今天"
    response = client.post("/jobs/fairs/new/", {"union": tree.grassroots.pk, "name": "招聘会",
                                                "held_on": IN_A_WEEK.isoformat(), "place": ""})
    assert response.status_code == 400 and response.context["errors"]["place"] == "现场招聘会请填写地点"
    response = client.post("/jobs/fairs/new/", {"union": tree.grassroots_b.pk, "name": "招聘会",
                                                "held_on": IN_A_WEEK.isoformat(), "online": "1"})
    assert response.status_code == 400 and response.context["errors"]["union"] == "请选择主办工会"
    assert not JobFair.objects.exists()
    response = client.post("/jobs/fairs/new/", {"union": tree.grassroots.pk, "name": "线上直播带岗",
                                                "held_on": IN_A_WEEK.isoformat(), "online": "1"})
    assert response.status_code == 302 and JobFair.objects.get().online
    # workers cannot create fairs
    assert login(type(client)(), worker).get("/jobs/fairs/new/").status_code == 403


def test_a_fair_after_its_day_takes_no_registrations(client, tree, chair, vacancies, welder):
    fair = make_fair(chair, tree.grassroots, held_on=TODAY - datetime.timedelta(days=1), online=True, past_ok=True)
    client = login(client, chair)
    response = client.post(f"/jobs/fairs/{fair.pk}/register/", {"seeker_id": welder.pk}, follow=True)
    assert "招聘会已结束" in response.content.decode()
    assert not FairRegistration.objects.exists()


def test_a_fair_vacancy_is_ranked_even_behind_hundreds_of_better_matches(tree, chair, post, welder):
    """The fair list ranks the fair's vacancies among themselves, not within the seeker's overall top 200."""
    fair_vacancy = post(title="钳工", occupation="钳工", skills=["钳工", "看图"], wage_min=6500, wage_max=7000)
    template = post()
    fields = {f.attname: getattr(template, f.attname) for f in Vacancy._meta.concrete_fields if f.attname != "id"}
    Vacancy.objects.bulk_create([Vacancy(**{**fields, "title": f"电焊工{n}"}) for n in range(210)])
    matching.reset()  # bulk_create leaves no change log: build afresh
    fair = make_fair(chair, tree.grassroots, vacancies=[fair_vacancy])
    overall = matching.index().for_seeker(matching.seeker_entry(welder), 200)
    assert fair_vacancy.pk not in {m.id for m in overall}
    [found] = reports.fair_matches(fair=fair, seeker=welder)
    assert found.vacancy == fair_vacancy


def test_matches_are_for_the_fair_day(tree, chair, post, welder):
    """A vacancy that closes before the fair is not on the list for the day."""
    early = post(title="电焊工（三天后截止）", valid_until=TODAY + datetime.timedelta(days=3))
    fair = make_fair(chair, tree.grassroots, vacancies=[early])
    assert reports.fair_day(fair) == IN_A_WEEK
    assert reports.fair_matches(fair=fair, seeker=welder) == []
    fair.held_on = TODAY + datetime.timedelta(days=2)
    assert [found.vacancy for found in reports.fair_matches(fair=fair, seeker=welder)] == [early]
