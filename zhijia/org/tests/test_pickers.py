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


PURPOSES = ["org.reach", "members.accepting", "aid.file_unions", "aid.campaign_hosts", "aid.report",
            "jobs.fair_hosts", "jobs.report", "cases.dashboard"]


@pytest.mark.parametrize("persona", ["worker", "chair", "officer", "chair_b", "county_staff", "city_staff",
                                     "nanjing_staff", "sysadmin"])
def test_policy_unions_are_exactly_where_the_policy_allows_the_action(request, tree, persona):
    """Policy.unions (one query) agrees with Policy.can at every union, for every persona and report action."""
    from zhijia.aid.permissions import campaign_policy
    from zhijia.cases.permissions import ticket_policy
    from zhijia.core.policy import AtUnion
    from zhijia.jobs.permissions import fair_policy, seeker_policy
    from zhijia.org.models import Union

    user = request.getfixturevalue(persona)
    every = list(Union.objects.all())
    for policy, action in ((campaign_policy, "manage"), (campaign_policy, "report"), (ticket_policy, "dashboard"),
                           (fair_policy, "manage"), (seeker_policy, "report")):
        expected = {union.pk for union in every if policy.can(user, action, AtUnion(union))}
        assert set(policy.unions(user, action).values_list("pk", flat=True)) == expected, (policy, action)


@pytest.mark.parametrize("purpose", PURPOSES)
def test_no_purpose_offers_a_union_outside_the_users_subtree(tree, city_staff, nanjing_staff, purpose):
    city = set(pickers.picker_scope(city_staff, purpose).values_list("path", flat=True))
    assert all(path.startswith(tree.city.path) for path in city)
    nanjing = set(pickers.picker_scope(nanjing_staff, purpose).values_list("path", flat=True))
    assert all(path.startswith(tree.other_city.path) for path in nanjing)
    body = logged_in(city_staff).get(URL.format(purpose), {"q": "工会"}).content.decode()
    assert tree.grassroots_c.name not in body and tree.other_city.name not in body


def test_campaign_hosts_are_the_upper_level_unions_the_user_manages(tree, city_staff, county_staff, chair):
    hosts = pickers.picker_scope(city_staff, "aid.campaign_hosts").order_by("path")
    assert list(hosts) == [tree.city, tree.county, tree.county_b]
    assert list(pickers.picker_scope(county_staff, "aid.campaign_hosts")) == [tree.county]
    assert not pickers.picker_scope(chair, "aid.campaign_hosts").exists()


def test_fair_hosts_are_the_users_unions_and_the_federations_below(tree, county_staff, chair):
    assert set(pickers.picker_scope(county_staff, "jobs.fair_hosts")) == {tree.county}  # not its enterprises
    assert set(pickers.picker_scope(chair, "jobs.fair_hosts")) == {tree.grassroots}


def test_a_drilldown_lists_the_unions_below_and_searches_past_what_is_shown(shown_two, tree, city_staff, chair):
    from conftest import make_union
    from zhijia.org.models import Kind, Level

    drill = pickers.drilldown(city_staff, "aid.report", tree.city)
    assert drill.options == [(str(tree.city.pk), tree.city.name),  # the children by name: 吴 before 姑
                             (str(tree.county_b.pk), f"　└ {tree.county_b.name}"),
                             (str(tree.county.pk), f"　└ {tree.county.name}")]
    assert drill.search_url == ""  # two children fit
    below = pickers.drilldown(city_staff, "aid.report", tree.county)  # the root, the union shown, its children
    assert [value for value, _ in below.options] == [
        str(tree.city.pk), str(tree.county.pk), str(tree.regional.pk), str(tree.grassroots.pk)]
    deeper = pickers.drilldown(city_staff, "aid.report", tree.grassroots)  # the parent, to step back up
    assert deeper.options == [(str(tree.city.pk), tree.city.name), (str(tree.county.pk), f"↑ {tree.county.name}"),
                              (str(tree.grassroots.pk), tree.grassroots.name)]
    make_union("苏州第三纺织有限公司工会", Kind.ENTERPRISE, Level.GRASSROOTS, tree.county, "320508")
    crowded = pickers.drilldown(city_staff, "aid.report", tree.county)
    assert len(crowded.options) == 4 and crowded.search_url == URL.format("aid.report")
    found = logged_in(city_staff).get(crowded.search_url, {"q": "纺织"}).content.decode()
    assert "苏州第三纺织有限公司工会" in found
    assert pickers.drilldown(chair, "aid.report", tree.grassroots).options == [
        (str(tree.grassroots.pk), tree.grassroots.name)]


def test_within_narrows_a_picker_to_one_unions_subtree(shown_two, tree, city_staff):
    picker = pickers.picker(city_staff, "aid.file_unions", within=tree.county_b)
    assert picker.options == [(str(tree.grassroots_b.pk), tree.grassroots_b.name)] and picker.search_url == ""
    assert pickers.picker_choice(city_staff, "aid.file_unions", tree.grassroots.pk, within=tree.county_b) is None
    assert pickers.picker_choice(city_staff, "aid.file_unions", tree.grassroots_b.pk, within=tree.county_b)
    body = logged_in(city_staff).get(URL.format("aid.file_unions"), {"q": "有限公司", "within": tree.county_b.pk})
    assert tree.grassroots_b.name in body.content.decode() and tree.grassroots.name not in body.content.decode()
    # `within` only ever narrows: a union outside the user's reach adds nothing
    outside = logged_in(city_staff).get(URL.format("aid.file_unions"), {"within": tree.other_city.pk})
    assert "未找到" in outside.content.decode()


def test_campaign_and_fair_forms_take_a_union_their_select_did_not_show(shown_two, tree, city_staff):
    from zhijia.aid.models import Campaign
    from zhijia.jobs.models import JobFair

    client = logged_in(city_staff)
    page = client.get("/aid/staff/campaigns/new/").content.decode()
    assert 'hx-get="/org/unions/options/aid.campaign_hosts/' in page
    assert f'<option value="{tree.county_b.pk}"' not in page  # third by path
    campaign = {"union": tree.county_b.pk, "kind": "relief", "name": "吴中区送温暖", "year": "2026",
                "starts_on": "2026-11-01", "ends_on": "2027-01-31", "budget": "1000", "review_levels": ["4"],
                "standard_amount": "500", "groups": ["hardship"]}
    assert client.post("/aid/staff/campaigns/new/", campaign).status_code == 302
    assert Campaign.objects.get().union == tree.county_b
    refused = client.post("/aid/staff/campaigns/new/", {**campaign, "union": tree.other_city.pk})
    assert refused.status_code == 422 and "请选择主办工会" in refused.content.decode()
    fair = {"union": tree.county_b.pk, "name": "吴中区招聘会", "held_on": "2099-03-01", "online": "1"}
    assert client.get("/jobs/fairs/new/").status_code == 200
    assert client.post("/jobs/fairs/new/", fair).status_code == 302 and JobFair.objects.get().union == tree.county_b
    refused = client.post("/jobs/fairs/new/", {**fair, "union": tree.grassroots_b.pk})  # an enterprise, not a host
    assert refused.status_code == 400 and refused.context["errors"]["union"] == "请选择主办工会"


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
