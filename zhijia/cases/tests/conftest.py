import pytest

from conftest import make_user
from zhijia.cases.models import Agency, AgencyKind, AgencyMembership
from zhijia.cases.services import TicketData, ticket_create
from zhijia.core.notify import MemorySender


@pytest.fixture(autouse=True)
def outbox():
    MemorySender.outbox.clear()
    return MemorySender.outbox


@pytest.fixture
def court(tree):
    return Agency.objects.create(name="姑苏区人民法院", kind=AgencyKind.COURT, division_code="320508")


@pytest.fixture
def court_clerk(court):
    user = make_user("court", "法院书记员")
    AgencyMembership.objects.create(user=user, agency=court)
    return user


@pytest.fixture
def hrss_clerk(tree):
    agency = Agency.objects.create(name="吴中区人社局", kind=AgencyKind.HRSS, division_code="320506")
    user = make_user("hrss", "人社科员")
    AgencyMembership.objects.create(user=user, agency=agency)
    return user


# One worker's wage complaint against the union's own company: the story most tests start from.
TICKET = dict(
    type="complaint",
    topic="wages",
    complainant_name="王小明",
    complainant_phone="13912345678",
    employer_name="苏州精工机械有限公司",
    division_code="320508",
    description="公司已经两个月没有发工资了，老板说资金周转困难",
    workers_affected=1,
)


def ticket_data(**overrides):
    return TicketData(**{**TICKET, **overrides})


@pytest.fixture
def file_ticket(tree, calendar, worker):
    def build(actor=None, channel="web", **overrides):
        return ticket_create(actor=actor or worker, data=ticket_data(**overrides), channel=channel)

    return build
