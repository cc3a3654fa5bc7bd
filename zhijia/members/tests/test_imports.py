"""Bulk member import: the template, content checks on uploads, row reports in both modes, scoping."""

import datetime
import io
import zipfile

import openpyxl
import pytest
import xlsxwriter
from django.db import connection
from django.urls import reverse
from python_calamine import CalamineWorkbook

from zhijia.core.models import AuditLog
from zhijia.core.pii import lookup_hash
from zhijia.core.validators import id_number_birth_date, id_number_gender
from zhijia.members import imports, services
from zhijia.members.imports import HEADERS
from zhijia.members.models import ImportJob, ImportMode, ImportStatus, Member, MemberChange

API = "/api/members-bulk"


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture
def on_commit(django_capture_on_commit_callbacks):
    """Runs the import task when the upload commits, as the immediate task backend would outside a test."""
    return django_capture_on_commit_callbacks


def xlsx(rows, headers=HEADERS) -> bytes:
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.title = "会员信息"
    sheet.append(headers)
    for row in rows:
        sheet.append(row)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def row(data, *, joined="2024-03-01", migrant="否", new_form=""):
    return [data.name, data.id_number, data.phone, data.employer, joined, migrant, new_form]


def upload(client, capture, union, content, *, mode=ImportMode.ALL_OR_NOTHING, name="会员.xlsx"):
    """POST through the API; the task runs when the upload's transaction commits (immediate backend).

    Returns the upload's response when it was refused, else the job as GET /imports/{id} shows it after the run.
    """
    with capture(execute=True):
        response = client.post(f"{API}/imports", {"union_id": union.pk, "mode": mode, "file": _file(content, name)})
    if response.status_code != 202:
        return response
    assert response.json()["status"] == ImportStatus.QUEUED  # the test transaction commits only at the end
    job = client.get(f"{API}/imports/{response.json()['id']}")
    job.status_code = 202
    return job


def _file(content, name):
    handle = io.BytesIO(content)
    handle.name = name
    return handle


def read_sheet(content: bytes, index=0):
    return CalamineWorkbook.from_filelike(io.BytesIO(content)).get_sheet_by_index(index).to_python()


def mixed_rows(person):
    """Two good rows and five bad ones; returns (rows, good people)."""
    good_a, good_b = person(), person()
    bad_checksum = person()
    bad_checksum.id_number = bad_checksum.id_number[:-1] + ("0" if bad_checksum.id_number[-1] != "0" else "1")
    rows = [
        row(good_a),                                   # row 2
        row(bad_checksum),                             # row 3: 身份证号 checksum
        row(person(phone="12345")),                    # row 4: 手机号码
        row(person(name="")),                          # row 5: 姓名 required
        row(good_b, new_form="外卖配送员", migrant="是"),  # row 6
        row(person(), migrant="也许"),                  # row 7: 是否农民工
        row(person(), joined="去年春天"),                # row 8: 入会日期
    ]
    return rows, [good_a, good_b]


# ---- Template -------------------------------------------------------------------------------------


def test_template_downloads_with_lists_and_instructions_and_reimports(
    client, tree, officer, person, on_commit
):
    # given an officer downloading the template from the page
    client.force_login(officer)
    response = client.get(reverse("members:bulk_import_template"))
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    workbook = openpyxl.load_workbook(io.BytesIO(response.content))
    sheet = workbook["会员信息"]
    assert [cell.value for cell in sheet[1]] == HEADERS
    lists = {str(dv.sqref): dv.formula1 for dv in sheet.data_validations.dataValidation if dv.type == "list"}
    assert lists["F2:F1048576"] == '"是,否"'
    assert "外卖配送员" in lists["G2:G1048576"] and "网约车司机" in lists["G2:G1048576"]
    assert "填写说明" in workbook.sheetnames
    # when they fill two rows into it and upload it on the page
    first, second = person(), person()
    sheet.append([first.name, first.id_number, first.phone, "苏州精工", "2023-05-04", "是", "快递员"])
    sheet.append([second.name, second.id_number, second.phone, "", None, None, None])
    buffer = io.BytesIO()
    workbook.save(buffer)
    with on_commit(execute=True):
        response = client.post(
            reverse("members:bulk_import"),
            {"union": tree.grassroots.pk, "mode": ImportMode.ALL_OR_NOTHING,
             "file": _file(buffer.getvalue(), "t.xlsx")},
        )
    # then both become members of the union, with history and one audit entry
    job = ImportJob.objects.get()
    assert response.status_code == 302 and response["Location"] == reverse("members:bulk_import_job", args=[job.pk])
    assert job.status == ImportStatus.DONE and job.created_count == 2 and job.error_count == 0, job.errors
    member = Member.objects.get(id_number_hash=lookup_hash(first.id_number))
    assert member.union == tree.grassroots and member.is_migrant_worker and member.new_form_type == "courier"
    assert str(member.joined_on) == "2023-05-04" and len(member.member_no) == 12
    assert MemberChange.objects.filter(action="member.import").count() == 2
    entry = AuditLog.objects.get(action="member.import")
    assert entry.after["created"] == 2 and entry.after["total_rows"] == 2 and entry.union_id == tree.grassroots.pk
    # and the uploaded file, which holds 身份证号 in clear, is gone
    assert not job.file


def test_worker_cannot_download_template(client, worker):
    client.force_login(worker)
    assert client.get(reverse("members:bulk_import_template")).status_code == 403
    assert client.get(f"{API}/template").status_code == 403


# ---- Row-by-row validation ----------------------------------------------------------------------------


def test_all_or_nothing_with_bad_rows_creates_nothing_and_reports_each(
    client, tree, officer, person, on_commit
):
    rows, _ = mixed_rows(person)
    client.force_login(officer)
    response = upload(client, on_commit, tree.grassroots, xlsx(rows))
    assert response.status_code == 202
    body = response.json()
    assert body["status"] == ImportStatus.REJECTED and body["created_count"] == 0 and body["error_count"] == 5
    assert Member.objects.count() == 0 and MemberChange.objects.count() == 0
    reported = {(error["row"], error["column"]): error["message"] for error in body["errors"]}
    assert "校验位" in reported[(3, "身份证号")]
    assert "11位" in reported[(4, "手机号码")]
    assert reported[(5, "姓名")] == "请填写姓名"
    assert "“是”或“否”" in reported[(7, "是否农民工")]
    assert "入会日期" in reported[(8, "入会日期")]
    assert "未导入任何数据" in body["message"]
    assert AuditLog.objects.get(action="member.import").after["created"] == 0


def test_valid_only_imports_only_the_valid_rows(client, tree, officer, person, on_commit):
    rows, good = mixed_rows(person)
    client.force_login(officer)
    body = upload(
        client, on_commit, tree.grassroots, xlsx(rows), mode=ImportMode.VALID_ONLY
    ).json()
    assert body["status"] == ImportStatus.DONE and body["created_count"] == 2 and body["error_count"] == 5
    assert sorted(Member.objects.values_list("name", flat=True)) == sorted(p.name for p in good)
    courier = Member.objects.get(id_number_hash=lookup_hash(good[1].id_number))
    assert courier.new_form_type == "food_delivery" and courier.is_migrant_worker
    assert {change.changes["row"] for change in MemberChange.objects.filter(action="member.import")} == {2, 6}


def test_pii_is_encrypted_at_rest_by_the_bulk_write(client, tree, officer, person, on_commit):
    data = person()
    client.force_login(officer)
    upload(client, on_commit, tree.grassroots, xlsx([row(data)]))
    with connection.cursor() as cursor:
        cursor.execute("SELECT id_number, phone, id_number_hash FROM members_member")
        stored_id, stored_phone, stored_hash = cursor.fetchone()
    assert stored_id.startswith("v1:") and data.id_number not in stored_id
    assert stored_phone.startswith("v1:") and data.phone not in stored_phone
    assert stored_hash == lookup_hash(data.id_number)
    assert Member.objects.get().id_number == data.id_number


def test_duplicates_within_file_and_against_existing_members_name_where_they_belong(
    client, tree, officer, chair_b, person, on_commit
):
    # given a person already a member of 吴中电子
    existing = services.member_create(actor=chair_b, union=tree.grassroots_b, data=person())
    twice = person()
    rows = [row(twice), row(person()), row(twice), row(person(id_number=existing.id_number))]
    # when the officer of 精工 imports a file with a repeated person and that member
    client.force_login(officer)
    body = upload(
        client, on_commit, tree.grassroots, xlsx(rows), mode=ImportMode.VALID_ONLY
    ).json()
    # then both are reported and only the two distinct new people are imported
    reported = {error["row"]: error for error in body["errors"]}
    assert reported[4]["column"] == "身份证号" and "第 2 行" in reported[4]["message"]
    assert reported[5]["code"] == "duplicate_member" and "吴中电子有限公司工会" in reported[5]["message"]
    assert existing.member_no in reported[5]["message"]
    assert body["created_count"] == 2
    assert Member.objects.filter(id_number_hash=existing.id_number_hash).count() == 1


def test_existing_members_are_looked_up_in_batches_not_per_row(
    client, tree, officer, person, on_commit, django_assert_max_num_queries, monkeypatch
):
    monkeypatch.setattr(imports, "CHECK_BATCH", 50)
    content = xlsx([row(person()) for _ in range(120)])
    client.force_login(officer)
    with django_assert_max_num_queries(40):
        body = upload(client, on_commit, tree.grassroots, content).json()
    assert body["created_count"] == 120


def test_id_number_stored_as_excel_number_is_explained(client, tree, officer, person, on_commit):
    data = person()
    rows = [[data.name, int(data.id_number[:17] + "0"), data.phone, "", None, None, None]]
    client.force_login(officer)
    body = upload(client, on_commit, tree.grassroots, xlsx(rows)).json()
    assert body["errors"][0]["column"] == "身份证号" and "文本" in body["errors"][0]["message"]


def test_crash_during_the_write_leaves_nothing(
    client, tree, officer, person, on_commit, monkeypatch
):
    # given a write that fails after the first batch of members and their history went in
    monkeypatch.setattr(imports, "WRITE_BATCH", 2)
    original, calls = imports._copy_or_insert, []

    def failing(cursor, table, columns, rows):
        calls.append(table)
        if len(calls) == 3:
            raise RuntimeError("disk full")
        return original(cursor, table, columns, rows)

    monkeypatch.setattr(imports, "_copy_or_insert", failing)
    client.force_login(officer)
    body = upload(
        client, on_commit, tree.grassroots, xlsx([row(person()) for _ in range(5)])
    ).json()
    # then the job failed and no member or history row survived
    assert calls[:2] == ["members_member", "members_memberchange"]
    assert body["status"] == ImportStatus.FAILED and "未导入任何数据" in body["message"]
    assert Member.objects.count() == 0 and MemberChange.objects.count() == 0


def test_bulk_write_fills_every_member_column(client, tree, officer, person, on_commit):
    # the import writes rows without model instances; they must read back like a member created by hand
    data = person(employer="苏州精工")
    client.force_login(officer)
    upload(client, on_commit, tree.grassroots,
           xlsx([row(data, joined="2022-02-03", migrant="是", new_form="网约车司机")]))
    imported = Member.objects.get()
    assert imported.gender == id_number_gender(data.id_number)
    assert imported.birth_date == id_number_birth_date(data.id_number)
    assert imported.status == "active" and imported.card_version == 1 and imported.user is None
    assert imported.union == tree.grassroots and imported.province_id == tree.grassroots.province_id
    assert imported.joined_on == datetime.date(2022, 2, 3) and imported.employer == "苏州精工"
    assert imported.is_migrant_worker and imported.new_form_type == "ride_hailing"
    assert imported.phone == data.phone and imported.phone_hash == lookup_hash(data.phone)
    assert imported.created_at is not None and imported.updated_at is not None
    change = imported.changes.get()
    assert change.action == "member.import" and change.actor == officer and change.changes["row"] == 2
    assert services.find_holding_member(data.id_number).pk == imported.pk


def test_running_a_job_twice_imports_once(tree, officer, person):
    job = ImportJob.objects.create(union=tree.grassroots, created_by=officer, mode=ImportMode.ALL_OR_NOTHING,
                                   status=ImportStatus.DONE)
    assert imports.import_run(job_id=job.pk) is None


def test_member_sheet_is_found_by_name_and_rows_keep_their_excel_numbers(
    client, tree, officer, person, on_commit
):
    # given a workbook (shared strings, as Excel writes them) with a notes sheet first and the table at B3
    good, bad = person(), person(phone="010-1234")
    buffer = io.BytesIO()
    workbook = xlsxwriter.Workbook(buffer)
    workbook.add_worksheet("说明").write(0, 0, "请勿导入本页")
    sheet = workbook.add_worksheet("会员信息")
    sheet.write_row(2, 1, HEADERS)
    sheet.write_row(3, 1, row(good))
    sheet.write_row(5, 1, row(bad))  # row 5 of the sheet stays empty
    workbook.close()
    client.force_login(officer)
    body = upload(client, on_commit, tree.grassroots, buffer.getvalue(),
                  mode=ImportMode.VALID_ONLY).json()
    # then the member rows are read and errors name the rows as Excel shows them
    assert body["created_count"] == 1 and body["total_rows"] == 2
    assert [(error["row"], error["column"]) for error in body["errors"]] == [(6, "手机号码")]


# ---- Content checks on the upload ----------------------------------------------------------------------


def test_text_file_renamed_xlsx_is_rejected(client, tree, officer, on_commit):
    client.force_login(officer)
    response = upload(client, on_commit, tree.grassroots, "姓名,身份证号\n张三,1\n".encode(),
                      name="会员.xlsx")
    assert response.status_code == 422
    assert response.json()["code"] == "upload_not_xlsx" and response.json()["field"] == "file"
    assert ImportJob.objects.count() == 0


def test_zip_that_is_not_a_workbook_is_rejected(client, tree, officer, on_commit):
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as package:
        package.writestr("readme.txt", "hello")
    client.force_login(officer)
    response = upload(client, on_commit, tree.grassroots, buffer.getvalue())
    assert response.status_code == 422 and response.json()["code"] == "upload_not_xlsx"


def test_xlsx_renamed_csv_is_accepted_by_content(client, tree, officer, person, on_commit):
    client.force_login(officer)
    response = upload(client, on_commit, tree.grassroots, xlsx([row(person())]),
                      name="会员名单.csv")
    assert response.status_code == 202 and response.json()["created_count"] == 1
    assert response.json()["original_name"] == "会员名单.csv"


def test_too_large_file_is_rejected(client, tree, officer, person, settings, on_commit):
    settings.IMPORT_MAX_UPLOAD_BYTES = 1000
    client.force_login(officer)
    response = upload(client, on_commit, tree.grassroots, xlsx([row(person())]))
    assert response.status_code == 413 and response.json()["code"] == "upload_too_large"
    assert ImportJob.objects.count() == 0


def test_oversized_request_is_refused_before_the_body_is_read(client, tree, officer, settings):
    # a body far beyond the limit is refused by its declared length, even though it is not an xlsx at all
    settings.IMPORT_MAX_UPLOAD_BYTES = 1000
    client.force_login(officer)
    response = client.post(f"{API}/imports", {"union_id": tree.grassroots.pk, "mode": "valid_only",
                                              "file": _file(b"x" * 200_000, "big.xlsx")})
    assert response.status_code == 413 and response.json()["code"] == "upload_too_large"
    page = client.post(reverse("members:bulk_import"), {"union": tree.grassroots.pk, "mode": "valid_only",
                                                        "file": _file(b"x" * 200_000, "big.xlsx")})
    assert page.status_code == 413 and "文件过大" in page.content.decode()


def test_wrong_header_is_rejected_with_the_missing_columns(client, tree, officer, person, on_commit):
    data = person()
    content = xlsx([[data.name, data.id_number, data.phone]], headers=["姓名", "身份证", "手机号码"])
    client.force_login(officer)
    response = upload(client, on_commit, tree.grassroots, content)
    assert response.status_code == 422
    body = response.json()
    assert body["code"] == "upload_bad_header"
    assert "缺少“身份证号”" in body["message"] and "“身份证”" in body["message"]


def test_page_shows_upload_errors_beside_the_file_field(client, tree, officer):
    client.force_login(officer)
    response = client.post(
        reverse("members:bulk_import"),
        {"union": tree.grassroots.pk, "mode": ImportMode.VALID_ONLY, "file": _file(b"not a workbook", "a.xlsx")},
    )
    assert response.status_code == 422
    assert "不是有效的 Excel 工作簿" in response.content.decode()


def test_federation_does_not_take_members_directly(client, tree, county_staff, person, on_commit):
    client.force_login(county_staff)
    response = upload(client, on_commit, tree.county, xlsx([row(person())]))
    assert response.status_code == 422 and response.json()["code"] == "union_not_accepting"


# ---- Pages: progress and report ---------------------------------------------------------------------------


def test_import_page_offers_only_unions_in_reach_that_take_members(client, tree, county_staff):
    client.force_login(county_staff)
    page = client.get(reverse("members:bulk_import")).content.decode()
    assert tree.grassroots.name in page and tree.regional.name in page
    assert tree.grassroots_b.name not in page and tree.grassroots_c.name not in page
    assert f'value="{tree.county.pk}"' not in page  # a federation: supervises, holds no members


def test_job_page_polls_while_running_and_shows_paged_report_when_done(
    client, tree, officer, person, on_commit
):
    client.force_login(officer)
    running = ImportJob.objects.create(union=tree.grassroots, province_id=tree.grassroots.province_id,
                                       created_by=officer, mode=ImportMode.VALID_ONLY, status=ImportStatus.RUNNING,
                                       total_rows=200, processed_rows=50)
    page = client.get(reverse("members:bulk_import_job", args=[running.pk])).content.decode()
    assert 'hx-trigger="every 1s"' in page and "width:25%" in page
    partial = client.get(reverse("members:bulk_import_job_progress", args=[running.pk])).content.decode()
    assert 'id="job-panel"' in partial and "<html" not in partial

    rows = [row(person(phone="1")) for _ in range(60)]
    body = upload(client, on_commit, tree.grassroots, xlsx(rows)).json()
    url = reverse("members:bulk_import_job", args=[body["id"]])
    page = client.get(url).content.decode()
    assert "every 1s" not in page, page
    assert "错误报告" in page and "第 2 行" in page and "第 51 行" in page
    assert "第 52 行" not in page and "第 1 / 2 页" in page
    assert "第 61 行" in client.get(url + "?page=2").content.decode()
    report = client.get(reverse("members:bulk_import_errors", args=[body["id"]]))
    cells = read_sheet(report.content)
    assert cells[0] == ["行号", "列", "错误原因"] and cells[1][:2] == [2.0, "手机号码"] and len(cells) == 61


def test_api_pages_the_errors(client, tree, officer, person, on_commit):
    client.force_login(officer)
    body = upload(client, on_commit, tree.grassroots,
                  xlsx([row(person(phone="1")) for _ in range(5)])).json()
    page = client.get(f"{API}/imports/{body['id']}?page=2&page_size=2").json()
    assert [error["row"] for error in page["errors"]] == [4, 5]
    assert page["errors_total"] == 5 and page["errors_pages"] == 3 and page["progress_percent"] == 100


# ---- Scope ---------------------------------------------------------------------------------------------


def test_nanjing_staff_cannot_import_into_or_see_a_suzhou_job(
    client, tree, officer, county_staff, nanjing_staff, person, on_commit
):
    client.force_login(officer)
    job_id = upload(client, on_commit, tree.grassroots, xlsx([row(person())])).json()["id"]
    # staff above the union see it
    client.force_login(county_staff)
    assert client.get(f"{API}/imports/{job_id}").status_code == 200
    # another city's staff get 404 for the guessed id, everywhere
    client.force_login(nanjing_staff)
    assert client.get(f"{API}/imports/{job_id}").status_code == 404
    for name in ("bulk_import_job", "bulk_import_job_progress", "bulk_import_errors"):
        assert client.get(reverse(f"members:{name}", args=[job_id])).status_code == 404
    # and cannot import into a Suzhou union through the API or the page
    response = upload(client, on_commit, tree.grassroots, xlsx([row(person())]))
    assert response.status_code == 404 and response.json()["code"] == "not_found"
    page = client.post(reverse("members:bulk_import"), {"union": tree.grassroots.pk, "mode": "valid_only",
                                                        "file": _file(xlsx([row(person())]), "a.xlsx")})
    assert page.status_code == 404
    assert ImportJob.objects.count() == 1


def test_worker_cannot_import(client, tree, worker, person, on_commit):
    client.force_login(worker)
    assert client.get(reverse("members:bulk_import")).status_code == 403
    response = upload(client, on_commit, tree.grassroots, xlsx([row(person())]))
    assert response.status_code == 404


def test_member_added_by_someone_else_during_the_import_fails_it_cleanly(
    client, tree, officer, chair_b, person, on_commit, monkeypatch
):
    # given a person who becomes a member elsewhere after validation looked (simulated by a blind lookup)
    existing = services.member_create(actor=chair_b, union=tree.grassroots_b, data=person())
    monkeypatch.setattr(imports, "_existing_holders", lambda hashes: {})
    client.force_login(officer)
    rows = [row(person()), row(person(id_number=existing.id_number))]
    body = upload(client, on_commit, tree.grassroots, xlsx(rows)).json()
    # then the unique constraint stops the write and nothing of the file is kept
    assert body["status"] == ImportStatus.FAILED and "重新上传" in body["message"]
    assert Member.objects.count() == 1 and MemberChange.objects.filter(action="member.import").count() == 0


def test_a_row_with_several_problems_reports_each_column(client, tree, officer, person, on_commit):
    rows = [row(person(phone="123"), joined="下个月", migrant="不知道")]
    client.force_login(officer)
    body = upload(client, on_commit, tree.grassroots, xlsx(rows)).json()
    assert [(error["row"], error["column"]) for error in body["errors"]] == [
        (2, "手机号码"), (2, "入会日期"), (2, "是否农民工"),
    ]
    assert body["error_count"] == 1


def test_the_import_page_lists_recent_imports_within_reach(client, tree, officer, chair_b, person, on_commit):
    client.force_login(officer)
    job = upload(client, on_commit, tree.grassroots, xlsx([row(person())]), name="三月新会员.xlsx").json()
    page = client.get(reverse("members:bulk_import")).content.decode()
    assert "最近的导入" in page and f'href="/members/import/{job["id"]}/">三月新会员.xlsx</a>' in page
    client.force_login(chair_b)  # another union's chair sees none of it
    assert "三月新会员.xlsx" not in client.get(reverse("members:bulk_import")).content.decode()
