"""An officer imports a roll with bad rows in Chromium and reads the row-by-row report."""

import io

import openpyxl
import pytest

from zhijia.members.imports import HEADERS
from zhijia.members.models import Member

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


def test_import_with_bad_rows_shows_the_report_and_imports_nothing(browser_page, tree, officer, person, tmp_path):
    from conftest import browser_login

    good, other = person(), person()
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.append(HEADERS)
    sheet.append([good.name, good.id_number, good.phone, good.employer, "2024-03-01", "否", ""])
    sheet.append(["钱多多", "320508199001011230", "13912345678", "精工", "2024-03-01", "否", ""])  # bad checksum
    sheet.append([other.name, other.id_number, "12345", other.employer, "2024-03-01", "是", ""])  # bad phone
    path = tmp_path / "花名册.xlsx"
    buffer = io.BytesIO()
    workbook.save(buffer)
    path.write_bytes(buffer.getvalue())

    page = browser_page
    browser_login(page, officer.username)
    page.goto(page.base_url + "/members/import/")
    page.check("input[name=mode][value=all_or_nothing]")
    page.set_input_files("#f-file", str(path))
    page.click("main button[type=submit]")
    page.wait_for_selector("#job-panel table")

    report = page.locator("#job-panel table").inner_text()
    assert "第 3 行" in report and "身份证号" in report and "校验位" in report
    assert "第 4 行" in report and "手机号码" in report
    assert "第 2 行" not in report
    assert Member.objects.count() == 0  # all or nothing: one bad row stops the whole file
    assert page.evaluate("document.documentElement.scrollWidth") <= 360
