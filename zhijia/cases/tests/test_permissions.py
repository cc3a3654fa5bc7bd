"""The ticket permission table, pinned: every role × action × where the ticket sits."""

import pytest

from zhijia.cases.permissions import ticket_policy, warning_policy
from zhijia.cases.selectors import ticket_list

ACTIONS = ["view", "list", "intake", "handle", "callback", "reveal_pii", "export", "dashboard", "rate"]
# persona -> actions allowed on a ticket handled by 苏州精工机械有限公司工会 (grassroots A)
ON_GRASSROOTS_A = {
    "worker_owner": {"view", "rate"},
    "other_worker": set(),
    "chair": {"view", "list", "intake", "handle", "callback", "reveal_pii", "export", "dashboard"},
    "officer": {"view", "list", "intake", "handle", "callback", "export", "dashboard"},
    "chair_b": set(),
    "county_staff": {"view", "list", "intake", "handle", "callback", "reveal_pii", "export", "dashboard"},
    "city_staff": {"view", "list", "intake", "handle", "callback", "reveal_pii", "export", "dashboard"},
    "nanjing_staff": set(),
    "sysadmin": {"view", "list", "intake", "handle", "callback", "reveal_pii", "export", "dashboard"},
    "court_clerk": set(),
}


@pytest.mark.parametrize("persona", sorted(ON_GRASSROOTS_A))
def test_ticket_permission_table(persona, request, file_ticket, worker):
    ticket = file_ticket(actor=worker)
    user = worker if persona == "worker_owner" else request.getfixturevalue(persona)
    allowed = {action for action in ACTIONS if ticket_policy.can(user, action, ticket)}
    assert allowed == ON_GRASSROOTS_A[persona]
    listed = ticket_list(actor=user).filter(pk=ticket.pk).exists()
    assert listed == ("list" in ON_GRASSROOTS_A[persona])


def test_unknown_action_is_denied(file_ticket, sysadmin):
    assert not ticket_policy.can(sysadmin, "delete", file_ticket())
    assert not warning_policy.can(sysadmin, "delete")


def test_grassroots_staff_do_not_see_their_parent_s_tickets(file_ticket, tree, chair, county_staff):
    ticket = file_ticket(employer_name="姑苏区某饭店")  # no union of its own: goes to the county
    assert ticket.union == tree.county
    assert not ticket_policy.can(chair, "view", ticket)
    assert ticket_policy.can(county_staff, "handle", ticket)
