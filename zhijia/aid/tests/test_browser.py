"""End to end in headless Chromium at phone width: a worker applies for 金秋助学 with the admission letter, the
grassroots chair and then the county federation approve, and the worker sees the grant."""

import datetime
import io

import pytest
from django.utils import timezone
from PIL import Image

from conftest import browser_login
from zhijia.aid.models import AidDocument, Application, CampaignKind
from zhijia.aid.services.applications import CampaignData, campaign_create


def _log_out(page):
    with page.expect_navigation():
        page.click("header button[type=submit]")  # 退出


def _approve_in_queue(page, number):
    page.goto(page.base_url + "/aid/review/")
    with page.expect_navigation():
        page.click(f"[data-application='{number}'] a")
    assert page.evaluate("document.documentElement.scrollWidth") <= 360
    page.check("#decide input[name=decision][value=approve]")
    with page.expect_navigation():
        page.click("#decide button[type=submit]")
    assert number in page.inner_text(".messages")


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_worker_applies_for_tuition_and_two_levels_approve(browser_page, tree, worker, worker_member, chair,
                                                           county_staff, city_staff, child_id, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    today = timezone.localdate()
    campaign = campaign_create(actor=city_staff, union=tree.city, data=CampaignData(
        name="金秋助学", kind=CampaignKind.TUITION, year=today.year, starts_on=today - datetime.timedelta(days=10),
        ends_on=today + datetime.timedelta(days=30), budget="100000", review_levels=[4, 3],
        grant_table={"bachelor": {"file": 5000, "no_file": 3000}}))
    letter = tmp_path / "录取通知书.jpg"
    image = io.BytesIO()
    Image.new("RGB", (40, 30), "white").save(image, format="JPEG")
    letter.write_bytes(image.getvalue())
    page = browser_page

    # the worker applies from the aid page
    browser_login(page, worker.username)
    page.goto(page.base_url + "/aid/")
    with page.expect_navigation():
        page.click(f"[data-campaign='{campaign.pk}'] a:has-text('我要申请')")
    assert page.input_value("#f-name") == "王小明"  # prefilled from the membership
    page.fill("#f-child_name", "王乐乐")
    page.fill("#f-child_id_number", child_id())
    page.fill("#f-school", "苏州大学")
    page.select_option("#f-level", "bachelor")
    page.fill("#f-tuition", "5500")
    page.fill("#f-bank_name", "中国银行")
    page.fill("#f-bank_account", "6216610200016587010")
    page.set_input_files("#f-documents", str(letter))
    assert page.evaluate("document.documentElement.scrollWidth") <= 360
    with page.expect_navigation():
        page.click("#apply-form button[type=submit]")
    assert "审核中" in page.inner_text("#status")
    application = Application.objects.get(campaign=campaign)
    assert AidDocument.objects.filter(application=application).count() == 1
    _log_out(page)

    # the grassroots chair, then the county federation
    browser_login(page, chair.username)
    _approve_in_queue(page, application.number)
    _log_out(page)
    browser_login(page, county_staff.username)
    _approve_in_queue(page, application.number)
    _log_out(page)

    # the worker sees the grant
    browser_login(page, worker.username)
    page.goto(page.base_url + "/aid/")
    with page.expect_navigation():
        page.click(f"[data-application='{application.number}'] a")
    assert "已批准" in page.inner_text("#status")
    assert "3000.00 元" in page.inner_text("#amount")
    assert "待发放" in page.inner_text("#payment")
    assert page.evaluate("document.documentElement.scrollWidth") <= 360
