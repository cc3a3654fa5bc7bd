"""Union pickers (org/pickers.py): a select of the first SHOWN unions in reach, and beyond that a search box whose
answers come from the same scoped set the form accepts, never from outside the user's subtree."""

import pytest
from django.test import Client

from zhijia.org import pickers

URL = "/org/unions/options/{}/"


def logged_in(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


@pytest.fixture
def shown_two(monkeypatch):
    monkeypatch.setattr(pickers, "SHOWN", 2)


def test_a_reach_that_fits_is_listed_whole_without_a_search_box(tree, chair, county_staff):
    picker = pickers.picker(chair, "org.reach", blank="全部工会")
    assert picker.options == [("", "全部工会"), (str(tree.grassroots.pk), tree.grassroots.name)]
    assert picker.search_url == ""
    county = pickers.picker(county_staff, "org.reach")
    assert [label for _, label in county.options] == [
        "姑苏区总工会", "　苏州精工机械有限公司工会", "　姑苏区快递行业工会联合会"]  # indented under the county


def test_past_what_is_shown_the_picker_searches_and_keeps_the_chosen_union(shown_two, tree, city_staff):
    picker = pickers.picker(city_staff, "org.reach", blank="全部工会", selected=str(tree.grassroots_b.pk))
    assert picker.search_url == URL.format("org.reach") + "?blank=%E5%85%A8%E9%83%A8%E5%B7%A5%E4%BC%9A"
    ids = [value for value, _ in picker.options]
    assert ids == ["", str(tree.grassroots_b.pk), str(tree.city.pk), str(tree.county.pk)]
    # A union out of reach is never added, even when asked for.
    outside = pickers.picker(city_staff, "org.reach", selected=str(tree.grassroots_c.pk))
    assert str(tree.grassroots_c.pk) not in [value for value, _ in outside.options]


def test_the_search_answers_within_the_users_subtree_only(tree, city_staff, nanjing_staff):
    body = logged_in(city_staff).get(URL.format("org.reach"), {"q": "有限公司", "blank": "请选择"}).content.decode()
    assert '<option value="" selected>请选择</option>' in body
    assert tree.grassroots.name in body and tree.grassroots_b.name in body
    assert tree.grassroots_c.name not in body
    nanjing = logged_in(nanjing_staff).get(URL.format("org.reach"), {"q": "有限公司"}).content.decode()
    assert tree.grassroots_c.name in nanjing and tree.grassroots.name not in nanjing
    smuggled = logged_in(city_staff).get(URL.format("org.reach"), {"q": "吴中", "selected": tree.grassroots_c.pk})
    assert tree.grassroots_c.name not in smuggled.content.decode()
    current = {"q": "吴中", "field": "union", "union": tree.grassroots.pk}
    kept = logged_in(city_staff).get(URL.format("org.reach"), current)
    assert f'<option value="{tree.grassroots.pk}" selected>' in kept.content.decode()  # the current choice stays
    assert "未找到" in logged_in(city_staff).get(URL.format("org.reach"), {"q": "没有这个工会"}).content.decode()


def test_a_purpose_offers_only_its_own_set(tree, city_staff):
    body = logged_in(city_staff).get(URL.format("aid.file_unions")).content.decode()
    assert tree.grassroots.name in body and tree.grassroots_b.name in body
    assert tree.city.name not in body and tree.county.name not in body  # files live in grassroots unions
    assert pickers.picker_choice(city_staff, "aid.file_unions", tree.grassroots_b.pk) == tree.grassroots_b
    assert pickers.picker_choice(city_staff, "aid.file_unions", tree.city.pk) is None
    assert pickers.picker_choice(city_staff, "aid.file_unions", tree.grassroots_c.pk) is None
    assert pickers.picker_choice(city_staff, "aid.file_unions", "1 or 1=1") is None


def test_unknown_purposes_are_404_and_guests_sign_in_first(tree, city_staff, worker):
    assert logged_in(city_staff).get(URL.format("nothing.here")).status_code == 404
    guest = Client().get(URL.format("org.reach"))
    assert guest.status_code == 302 and "/accounts/login/" in guest["Location"]
    nothing = logged_in(worker).get(URL.format("org.reach")).content.decode()  # a worker has no unions to pick
    assert "未找到" in nothing and tree.grassroots.name not in nothing


def test_forms_take_a_union_the_select_did_not_show(shown_two, tree, city_staff):
    """The aid household form validates against the whole set, not the options it rendered."""
    page = logged_in(city_staff).get("/aid/staff/files/new/").content.decode()
    assert 'hx-get="/org/unions/options/aid.file_unions/' in page
    assert f'<option value="{tree.grassroots_b.pk}"' not in page  # third by path: not among the first two
    response = logged_in(city_staff).post("/aid/staff/files/new/", {"union": tree.grassroots_b.pk})
    assert "请选择职工所在的基层工会" not in response.content.decode()
    outside = logged_in(city_staff).post("/aid/staff/files/new/", {"union": tree.grassroots_c.pk})
    assert "请选择职工所在的基层工会" in outside.content.decode()


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_typing_in_the_search_box_brings_the_matching_unions_into_the_select(browser_page, shown_two, tree,
                                                                              city_staff):
    from conftest import browser_login

    page = browser_page
    browser_login(page, city_staff.username)
    page.goto(page.base_url + "/staff/members/new/")
    select = page.locator("#f-union")
    assert tree.grassroots_b.name not in select.inner_text()  # beyond the first two
    page.fill(".picker-search", "吴中电子")
    page.wait_for_function("document.querySelector('#f-union').textContent.includes('吴中电子')")
    select.select_option(str(tree.grassroots_b.pk))
    assert select.input_value() == str(tree.grassroots_b.pk)
    page.fill(".picker-search", "精工")  # another search keeps what was chosen, first
    page.wait_for_function("document.querySelector('#f-union').textContent.includes('精工')")
    assert select.input_value() == str(tree.grassroots_b.pk)
