import pytest
from conftest import browser_login
from zhijia.cases.tests.test_dashboard import tickets, today  # noqa

pytestmark = pytest.mark.urls("zhijia.cases.tests.dashboard_urls")

@pytest.mark.django_db(transaction=True)
def test_shot(browser_page, tree, tickets, city_staff):
    errors = []
    browser_page.on("pageerror", lambda e: errors.append(str(e)))
    browser_page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    browser_login(browser_page, "city")
    browser_page.goto(browser_page.base_url + f"/cases/dashboard/?union={tree.city.pk}")
    browser_page.wait_for_timeout(1500)
    browser_page.screenshot(path="/tmp/dash360.png", full_page=True)
    svgs = browser_page.locator(".chart svg").count()
    width = browser_page.evaluate("document.documentElement.scrollWidth")
    browser_page.set_viewport_size({"width": 1280, "height": 900})
    browser_page.wait_for_timeout(800)
    browser_page.screenshot(path="/tmp/dash1280.png", full_page=True)
    print("SVGS", svgs, "WIDTH", width, "ERRORS", errors)
    assert svgs == 5 and width <= 360 and not errors
