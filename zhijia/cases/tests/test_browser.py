"""End to end in headless Chromium at phone width: a guest files, the officer handles, the guest rates."""

import re

import pytest

from conftest import browser_login
from zhijia.cases.models import Ticket
from zhijia.core.notify import MemorySender


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_guest_files_officer_handles_worker_rates(browser_page, tree, calendar, chair):
    page = browser_page
    MemorySender.outbox.clear()
    page.goto(page.base_url + "/cases/new/")
    page.fill("#f-description", "公司拖欠我们三个月工资，老板一直说没钱")
    page.wait_for_selector("#suggestion .notice")  # the HTMX suggestion arrives while typing
    page.click("#suggestion button")  # take the suggested type and topic
    assert page.input_value("#f-topic") == "wages"
    page.fill("#f-employer_name", "苏州精工机械有限公司")
    page.fill("#f-division_code", "320508")
    page.fill("#f-complainant_name", "王小明")
    page.fill("#f-complainant_phone", "13912345678")
    page.click("text=获取验证码")
    page.wait_for_selector("#verify-status .help")
    code = re.search(r"\d{6}", MemorySender.outbox[-1]["body"]).group()
    page.fill("#f-code", code)
    with page.expect_navigation():
        page.click("main form button[type=submit]:has-text('提交')")
    number = page.inner_text("#ticket-number").strip()
    assert Ticket.objects.get(number=number).union == tree.grassroots
    assert page.evaluate("document.documentElement.scrollWidth") <= 360

    # the union's chair handles it
    browser_login(page, chair.username)
    page.goto(page.base_url + f"/cases/staff/{number}/")
    with page.expect_navigation():
        page.click("text=签收并开始办理")
    page.fill("#f-resolution", "经协调，公司已于本周补发全部工资")
    with page.expect_navigation():
        page.click("#handle button:has-text('办结')")
    with page.expect_navigation():
        page.click("header button[type=submit]")  # 退出

    # the worker follows it by number and phone, sees the result, rates it
    page.goto(page.base_url + f"/cases/track/?number={number}&phone=13912345678")
    assert "公司已于本周补发全部工资" in page.inner_text("#resolution")
    page.check("input[name=rating][value=satisfied]")
    with page.expect_navigation():
        page.click("text=提交评价")
    assert "感谢您的评价" in page.content()
    ticket = Ticket.objects.get(number=number)
    assert ticket.status == "archived" and ticket.rating == "satisfied"
