"""Two staff acting on one ticket at the same moment, through real requests on separate connections.
SQLite serialises writers anyway; the test is for PostgreSQL (run by `make test` when it answers)."""

import json
import threading

import pytest
from django.db import connection, connections
from django.test import Client

from zhijia.accounts.models import ApiToken
from zhijia.cases.models import Ticket, TicketEvent

pytestmark = pytest.mark.skipif(connection.vendor != "postgresql", reason="concurrency is tested on PostgreSQL")


def _race(requests):
    """Fire the requests together from threads; return the responses in order."""
    barrier = threading.Barrier(len(requests))
    results = [None] * len(requests)

    def run(index, token, url, body):
        try:
            client = Client(headers={"Authorization": f"Bearer {token}"})
            barrier.wait()
            results[index] = client.post(url, data=json.dumps(body), content_type="application/json")
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run, args=(i, *request)) for i, request in enumerate(requests)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return results


@pytest.mark.django_db(transaction=True)
def test_two_staff_resolving_the_same_version_one_wins(tree, calendar, chair, officer):
    from zhijia.cases.services import TicketData, ticket_accept, ticket_create

    ticket = ticket_create(actor=chair, channel="hotline", data=TicketData(
        type="complaint", topic="wages", complainant_name="王小明", complainant_phone="13912345678",
        employer_name="苏州精工机械有限公司", division_code="320508", description="两个月没发工资了"))
    ticket = ticket_accept(actor=chair, ticket=ticket)
    _, chair_token = ApiToken.issue(chair)
    _, officer_token = ApiToken.issue(officer)
    url = f"/api/cases/tickets/{ticket.number}/resolve"
    for _ in range(3):  # a few rounds: the outcome must never depend on who gets there first
        first, second = _race([
            (chair_token, url, {"resolution": "主席：已补发", "version": ticket.version}),
            (officer_token, url, {"resolution": "干事：已补发", "version": ticket.version}),
        ])
        codes = sorted([first.status_code, second.status_code])
        assert codes == [200, 409], (first.content, second.content)
        loser = first if first.status_code == 409 else second
        assert loser.json()["code"] in {"stale_version", "invalid_transition"}
        ticket.refresh_from_db()
        winner = (first if first.status_code == 200 else second).json()["resolution"]
        assert ticket.resolution == winner  # the stored result is the winner's, not a mix
        assert TicketEvent.objects.filter(ticket=ticket, action="resolve").count() == 1
        # reopen for the next round
        Ticket.objects.filter(pk=ticket.pk).update(status="in_progress", resolution="")
        TicketEvent.objects.filter(ticket=ticket, action="resolve").delete()
        ticket.refresh_from_db()


@pytest.mark.django_db(transaction=True)
def test_concurrent_intake_numbers_never_collide(tree, calendar, city_staff):
    _, token = ApiToken.issue(city_staff)
    body = {"type": "complaint", "topic": "wages", "complainant_name": "王小明", "complainant_phone": "13912345678",
            "employer_name": "苏州精工机械有限公司", "division_code": "320508", "description": "两个月没发工资了",
            "channel": "hotline"}
    responses = _race([(token, "/api/cases/tickets", body)] * 6)
    assert [r.status_code for r in responses] == [201] * 6
    numbers = {r.json()["number"] for r in responses}
    assert len(numbers) == 6
