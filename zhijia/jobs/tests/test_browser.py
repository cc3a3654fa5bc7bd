"""End to end in headless Chromium at phone width: a worker fills in a job-seeking profile with a few taps, sees
the matching vacancy with why it matched, opens it and applies (投递); the employer's account then sees the
applicant with the phone number in full."""

import pytest

from conftest import browser_login
from zhijia.jobs.models import Outcome, OutcomeKind, SeekerProfile


@pytest.fixture
def worker_member(tree, chair, worker, person):
    from zhijia.members.services import member_create

    member = member_create(actor=chair, union=tree.grassroots, data=person(name="王小明", phone="13900000001"))
    member.user = worker
    member.save(update_fields=["user"])
    return member


def _fits_phone(page):
    assert page.evaluate("document.documentElement.scrollWidth") <= 360


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_worker_registers_sees_matches_applies_and_employer_sees_the_applicant(browser_page, tree, worker,
                                                                               worker_member, post, employer_user):
    vacancy = post(title="招聘电焊工（白班）", wage_min=5000, wage_max=6500)
    page = browser_page

    # the worker registers from the jobs page: name, phone and district come from the membership
    browser_login(page, worker.username)
    page.goto(page.base_url + "/jobs/")
    with page.expect_navigation():
        page.click("#register a:has-text('登记求职信息')")
    assert page.input_value("#f-name") == "王小明"
    assert page.input_value("#f-phone") == "13900000001"
    assert page.input_value("#f-division_code") == "320508"
    page.click("#occupation-chips button:has-text('焊工')")  # a tap on a common trade
    assert page.input_value("#f-occupations") == "焊工"
    page.click("#skill-chips button:has-text('二保焊')")  # the trade's typical skills are offered next
    page.click("#skill-chips button:has-text('看图')")
    assert page.input_value("#f-skills") == "二保焊、看图"
    page.select_option("#f-level", "2")
    page.fill("#f-expected_wage", "5000")
    page.check("input[name=shifts][value=day]")
    _fits_phone(page)
    with page.expect_navigation():
        page.click("#profile-form button[type=submit]")
    assert SeekerProfile.objects.get(user=worker).union == tree.grassroots

    # the match, with why it matched
    item = page.locator(f"#matches [data-vacancy='{vacancy.pk}']")
    reasons = item.locator(".reasons").inner_text()
    assert reasons.startswith("技能: ") and "二保焊" in reasons and "看图" in reasons
    assert "距离 0.0 km" in reasons and "工资 5000–6500 符合期望" in reasons
    _fits_phone(page)

    # open it and apply
    with page.expect_navigation():
        item.locator("a:has-text('查看')").click()
    assert "招聘电焊工（白班）" in page.inner_text("h1")
    with page.expect_navigation():
        page.click("#apply button:has-text('投递')")
    assert "已投递" in page.inner_text("#apply")
    _fits_phone(page)
    assert Outcome.objects.filter(vacancy=vacancy, kind=OutcomeKind.APPLIED).count() == 1
    with page.expect_navigation():
        page.click("header button[type=submit]")  # 退出

    # the employer's account sees the applicant, phone in full now that he applied
    browser_login(page, employer_user.username)
    page.goto(page.base_url + "/jobs/employer/")
    with page.expect_navigation():
        page.click(f"[data-vacancy='{vacancy.pk}'] a:has-text('求职者 1 人')")
    applicant = page.locator("#applicants [data-seeker]")
    assert "王小明" in applicant.inner_text()
    assert applicant.locator(".phone").inner_text() == "13900000001"
    _fits_phone(page)
