import pytest

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_home_shows_service_areas_and_says_which_are_not_built(browser_page):
    page = browser_page
    page.goto(page.base_url + "/")
    assert page.locator("[data-area]").count() == 8
    assert page.locator("[data-area=health]").inner_text().find("建设中") >= 0
    assert "建设中" not in page.locator("[data-area=join]").inner_text()
    # fits a 360px phone: no horizontal scrolling
    assert page.evaluate("document.documentElement.scrollWidth") <= 360
