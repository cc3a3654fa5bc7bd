"""Tickets from intake to archive: routing, the state machine, deadlines, callbacks, escalation, warnings."""

import datetime
import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

from zhijia.cases import services
from zhijia.cases.attachments import check_attachments
from zhijia.cases.models import (
    RiskWarning,
    RoutingRule,
    Ticket,
    TicketEvent,
    TicketStatus,
    WarningKind,
    WarningSettings,
)
from zhijia.cases.services import deadlines_check, ticket_create
from zhijia.cases.tests.conftest import ticket_data
from zhijia.core.errors import Conflict, InvalidTransition, NotFound, PermissionDenied, ValidationFailed
from zhijia.core.models import AuditLog, Notification
from zhijia.org.models import Kind, Level
from conftest import make_union

D = datetime.date


# ---- Intake and routing ----------------------------------------------------------------------------


def test_employer_with_own_union_gets_the_ticket(file_ticket, tree, chair):
    ticket = file_ticket()
    assert ticket.union == tree.grassroots
    assert ticket.status == TicketStatus.ASSIGNED
    assert ticket.number.startswith("WQ") and len(ticket.number) == 16
    assert [e.action for e in ticket.events.all()] == ["create", "assign"]
    assert Notification.objects.filter(user=chair, title__contains=ticket.number).exists()
    assert AuditLog.objects.filter(action="ticket.create", object_id=str(ticket.pk)).exists()


def test_employer_without_union_goes_to_the_locality(file_ticket, tree):
    ticket = file_ticket(employer_name="姑苏区某小饭店", division_code="320508")
    assert ticket.union == tree.county


def test_routing_rule_longest_prefix_wins(file_ticket, tree):
    street = make_union("双塔街道工会", Kind.TOWNSHIP, Level.GRASSROOTS, tree.county, "320508")
    RoutingRule.objects.create(division_prefix="3205", union=tree.city)
    RoutingRule.objects.create(division_prefix="320508", union=street)
    assert file_ticket(employer_name="无工会公司", division_code="320508").union == street
    assert file_ticket(employer_name="无工会公司", division_code="320506").union == tree.city


def test_falls_back_to_city_federation_when_county_has_none(file_ticket, tree):
    # 320507 (相城区) has no union of its own in the tree: the city federation takes it
    assert file_ticket(employer_name="相城某厂", division_code="320507").union == tree.city


def test_unknown_division_code_is_refused_and_nothing_saved(file_ticket):
    with pytest.raises(ValidationFailed) as exc:
        file_ticket(division_code="999999")
    assert exc.value.field == "division_code"
    assert Ticket.objects.count() == 0


@pytest.mark.parametrize(
    "field,value",
    [
        ("description", ""),
        ("description", "欠" * 5001),
        ("complainant_phone", "12345"),
        ("employer_name", ""),
        ("workers_affected", 0),
        ("topic", "nope"),
        ("employer_credit_code", "91320500MA1X0000X0"),
    ],
)
def test_bad_input_names_the_field_and_saves_nothing(file_ticket, field, value):
    with pytest.raises(ValidationFailed) as exc:
        file_ticket(**{field: value})
    assert exc.value.field == field
    assert Ticket.objects.count() == 0


def test_guest_must_verify_phone(tree, calendar):
    from django.contrib.auth.models import AnonymousUser

    with pytest.raises(ValidationFailed) as exc:
        ticket_create(actor=AnonymousUser(), data=ticket_data(), channel="web")
    assert exc.value.code == "phone_not_verified"
    ticket = ticket_create(actor=AnonymousUser(), data=ticket_data(), channel="web", guest_phone_verified=True)
    assert ticket.complainant_user is None


def test_consult_answered_on_the_spot_is_closed_at_intake(tree, calendar, city_staff):
    ticket = ticket_create(
        actor=city_staff,
        data=ticket_data(type="consult", topic="contract", description="试用期最长可以约定多久？"),
        channel="hotline",
        answer="劳动合同期限三年以上的，试用期不得超过六个月。",
    )
    assert ticket.status == TicketStatus.ARCHIVED
    assert ticket.step_due_on is None
    assert ticket.complainant_user is None  # filed for a caller, not by the operator
    assert "当场答复" in ticket.events.last().public_note


def test_only_consults_are_answered_on_the_spot(tree, calendar, city_staff):
    with pytest.raises(ValidationFailed) as exc:
        ticket_create(actor=city_staff, data=ticket_data(), channel="hotline", answer="已处理")
    assert exc.value.field == "answer"


def test_phone_is_encrypted_and_found_by_hash(file_ticket):
    from django.db import connection

    ticket = file_ticket()
    with connection.cursor() as cursor:
        cursor.execute("select complainant_phone from cases_ticket where id = %s", [ticket.pk])
        raw = cursor.fetchone()[0]
    assert "13912345678" not in raw
    assert ticket.masked_phone == "139****5678"


# ---- Attachments ----------------------------------------------------------------------------------


def _png() -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (4, 4), "red").save(buffer, format="PNG")
    return buffer.getvalue()


def test_attachments_are_checked_by_content(settings):
    ok = check_attachments([SimpleUploadedFile("工资条.jpg", _png())])
    assert ok[0].content_type == "image/png" and ok[0].name == "工资条.png"
    with pytest.raises(ValidationFailed) as exc:
        check_attachments([SimpleUploadedFile("photo.png", b"MZ\x90\x00 this is an exe")])
    assert exc.value.code == "upload_forbidden_type"
    settings.TICKET_ATTACHMENT_MAX_BYTES = 100
    with pytest.raises(ValidationFailed) as exc:
        check_attachments([SimpleUploadedFile("big.pdf", b"%PDF-1.4" + b"0" * 200 + b"%%EOF")])
    assert exc.value.code == "upload_too_large"


def test_attachments_are_saved_with_the_ticket(tree, calendar, worker, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    files = check_attachments([SimpleUploadedFile("a.png", _png())])
    ticket = ticket_create(actor=worker, data=ticket_data(), channel="app", attachments=files)
    attachment = ticket.attachments.get()
    assert attachment.content_type == "image/png"
    assert attachment.file.read() == _png()


# ---- State machine -----------------------------------------------------------------------------------


def test_full_path_to_archive(file_ticket, chair, city_staff):
    ticket = file_ticket()
    ticket = services.ticket_accept(actor=chair, ticket=ticket)
    assert ticket.status == TicketStatus.IN_PROGRESS and ticket.handler == chair
    ticket = services.ticket_resolve(actor=chair, ticket=ticket, resolution="公司已补发工资")
    assert ticket.status == TicketStatus.RESOLVED
    ticket = services.ticket_callback(actor=city_staff, ticket=ticket, rating="satisfied")
    assert ticket.status == TicketStatus.ARCHIVED and ticket.rating == "satisfied"
    assert [e.to_status for e in ticket.events.all()] == [
        "received", "assigned", "in_progress", "resolved", "called_back", "archived"
    ]


@pytest.mark.parametrize("action", ["resolve", "callback", "archive_again"])
def test_invalid_transitions_are_refused(file_ticket, chair, action):
    ticket = file_ticket()
    with pytest.raises(InvalidTransition) as exc:
        if action == "resolve":
            services.ticket_resolve(actor=chair, ticket=ticket, resolution="x")
        elif action == "callback":
            services.ticket_callback(actor=chair, ticket=ticket, rating="satisfied")
        else:
            services.ticket_reopen(actor=chair, ticket=ticket, reason="再办")
    assert exc.value.code == "invalid_transition"
    ticket.refresh_from_db()
    assert ticket.status == TicketStatus.ASSIGNED


def test_transition_table_is_closed():
    # every action names a real target and real sources; nothing leads out of 归档
    for sources, target in services.TRANSITIONS.values():
        assert target in TicketStatus.values and sources <= set(TicketStatus.values)
        assert TicketStatus.ARCHIVED not in sources


def test_unsatisfied_callback_reopens(file_ticket, chair, city_staff):
    ticket = services.ticket_accept(actor=chair, ticket=file_ticket())
    ticket = services.ticket_resolve(actor=chair, ticket=ticket, resolution="已协调")
    ticket = services.ticket_callback(actor=city_staff, ticket=ticket, rating="unsatisfied", comment="工资还没到账", reopen=True)
    assert ticket.status == TicketStatus.IN_PROGRESS
    assert ticket.reopen_count == 1 and ticket.step_due_on is not None


def test_worker_rates_own_ticket(file_ticket, chair, worker, other_worker):
    ticket = services.ticket_accept(actor=chair, ticket=file_ticket())
    ticket = services.ticket_resolve(actor=chair, ticket=ticket, resolution="已补发")
    with pytest.raises((NotFound, PermissionDenied)):
        services.ticket_rate(actor=other_worker, ticket=ticket, rating="satisfied")
    ticket = services.ticket_rate(actor=worker, ticket=ticket, rating="basic", comment="慢了点")
    assert ticket.status == TicketStatus.ARCHIVED and ticket.rating == "basic"


def test_transfer_keeps_every_hop(file_ticket, tree, chair, county_staff):
    ticket = file_ticket()
    ticket = services.ticket_transfer(actor=chair, ticket=ticket, to_union=tree.regional, reason="属快递行业")
    assert ticket.union == tree.regional and ticket.status == TicketStatus.ASSIGNED
    # the grassroots chair no longer reaches it; the county above both does
    with pytest.raises((NotFound, PermissionDenied)):
        services.ticket_accept(actor=chair, ticket=ticket)
    ticket = services.ticket_transfer(actor=county_staff, ticket=ticket, to_union=tree.county, reason="区总直接办理")
    hops = list(TicketEvent.objects.filter(ticket=ticket, action="transfer").values_list("from_union", "to_union"))
    assert hops == [(tree.grassroots.pk, tree.regional.pk), (tree.regional.pk, tree.county.pk)]


def test_transfer_needs_a_reason(file_ticket, tree, chair):
    with pytest.raises(ValidationFailed) as exc:
        services.ticket_transfer(actor=chair, ticket=file_ticket(), to_union=tree.regional, reason=" ")
    assert exc.value.field == "reason"


def test_stale_version_is_refused(file_ticket, chair, officer):
    ticket = file_ticket()
    seen = ticket.version
    services.ticket_accept(actor=chair, ticket=ticket, expected_version=seen)
    with pytest.raises(Conflict) as exc:
        services.ticket_resolve(actor=officer, ticket=ticket, resolution="办完了", expected_version=seen)
    assert exc.value.code == "stale_version"


def test_other_subtree_cannot_act(file_ticket, chair_b, nanjing_staff):
    ticket = file_ticket()
    for actor in (chair_b, nanjing_staff):
        with pytest.raises(NotFound):
            services.ticket_accept(actor=actor, ticket=ticket)


# ---- Deadlines, reminders and escalation -----------------------------------------------------------------


def test_deadlines_count_working_days_over_national_day(file_ticket, chair, time_machine_sept30):
    ticket = file_ticket()
    # assigned on 2026-09-30 (Wed): one working day to accept → 2026-10-08 (Oct 1-7 is the holiday week)
    assert ticket.step_due_on == D(2026, 10, 8)
    ticket = services.ticket_accept(actor=chair, ticket=ticket)
    # ordinary: 10 working days from 9-30 → Oct 8, 9, 10 (调休 Saturday), 12-16, 19, 20 → 2026-10-20
    assert ticket.due_on == D(2026, 10, 20)


@pytest.fixture
def time_machine_sept30(monkeypatch):
    from django.utils import timezone

    monkeypatch.setattr(timezone, "localdate", lambda *args, **kwargs: D(2026, 9, 30))


def test_reminder_then_escalation(file_ticket, tree, chair, county_staff, city_staff, outbox,
                                  django_capture_on_commit_callbacks):
    chair.email = "chair@example.com"
    chair.save()
    ticket = services.ticket_accept(actor=chair, ticket=file_ticket())
    due = ticket.step_due_on
    with django_capture_on_commit_callbacks(execute=True):
        result = deadlines_check(today=due)
    assert result["reminded"] == 1
    assert Notification.objects.filter(user=chair, title__contains="即将到期").count() == 1
    assert any(m["to"] == "chair@example.com" for m in outbox)
    assert deadlines_check(today=due)["reminded"] == 0  # once a day
    late = due + datetime.timedelta(days=1)
    while late.weekday() >= 5:
        late += datetime.timedelta(days=1)
    assert deadlines_check(today=late)["escalated"] == 1
    ticket.refresh_from_db()
    assert ticket.escalated_to == tree.county
    assert Notification.objects.filter(user=county_staff, title__contains="超期督办").exists()
    assert deadlines_check(today=late)["escalated"] == 0
    much_later = late + datetime.timedelta(days=7)  # five more working days: one more level
    deadlines_check(today=much_later)
    ticket.refresh_from_db()
    assert ticket.escalated_to == tree.city
    assert Notification.objects.filter(user=city_staff, title__contains="超期督办").exists()


# ---- Early warnings -------------------------------------------------------------------------------------


def test_repeat_employer_warning_fires_once(file_ticket, tree, chair, county_staff):
    WarningSettings.objects.update_or_create(pk=1, defaults={"repeat_count": 3, "repeat_days": 30})
    file_ticket()
    file_ticket()
    assert not RiskWarning.objects.filter(kind=WarningKind.REPEAT_EMPLOYER).exists()
    file_ticket()
    file_ticket()
    warning = RiskWarning.objects.get(kind=WarningKind.REPEAT_EMPLOYER)
    assert warning.tickets.count() == 2 and warning.union == tree.grassroots
    assert Notification.objects.filter(user=county_staff, title__contains="风险预警").exists()


def test_mass_ticket_warning(file_ticket):
    WarningSettings.objects.update_or_create(pk=1, defaults={"mass_workers": 10})
    file_ticket(workers_affected=9, topic="contract")
    assert not RiskWarning.objects.filter(kind=WarningKind.MASS).exists()
    file_ticket(workers_affected=30, topic="contract")
    assert RiskWarning.objects.filter(kind=WarningKind.MASS).count() == 1


def test_festival_wage_warning_only_before_spring_festival(file_ticket, monkeypatch):
    from django.utils import timezone

    WarningSettings.objects.update_or_create(pk=1, defaults={"festival_weeks": 8})
    monkeypatch.setattr(timezone, "localdate", lambda *a, **k: D(2026, 8, 3))
    file_ticket()
    assert not RiskWarning.objects.filter(kind=WarningKind.FESTIVAL_WAGES).exists()
    monkeypatch.setattr(timezone, "localdate", lambda *a, **k: D(2027, 1, 11))  # 26 days before 2027-02-06
    file_ticket()
    file_ticket(topic="contract")
    assert RiskWarning.objects.get(kind=WarningKind.FESTIVAL_WAGES).tickets.count() == 1


def test_warning_handling_record(file_ticket, chair, chair_b):
    from zhijia.cases.warnings import warning_note

    file_ticket(workers_affected=50)
    warning = RiskWarning.objects.get()
    with pytest.raises(NotFound):
        warning_note(actor=chair_b, warning=warning, note="看看", status="handling")
    warning_note(actor=chair, warning=warning, note="已约谈企业负责人", status="handling")
    warning = warning_note(actor=chair, warning=warning, note="工资已发放", status="closed")
    assert warning.status == "closed" and warning.notes.count() == 2
    with pytest.raises(InvalidTransition):
        warning_note(actor=chair, warning=warning, note="再记", status="handling")


def test_staff_set_deadlines_replace_the_defaults(file_ticket, chair):
    from zhijia.cases.models import DeadlineRule
    from zhijia.core.workdays import add_working_days
    from django.utils import timezone

    DeadlineRule.objects.update_or_create(complexity="ordinary", step="handle", defaults={"working_days": 20})
    ticket = services.ticket_accept(actor=chair, ticket=file_ticket())
    assert ticket.due_on == add_working_days(timezone.localdate(), 20)


def test_ticket_numbers_follow_each_other_within_a_day(file_ticket):
    first, second = file_ticket(), file_ticket()
    assert first.number[:10] == second.number[:10]
    assert int(second.number[10:]) == int(first.number[10:]) + 1


def test_check_deadlines_command(file_ticket, chair):
    import io

    from django.core.management import call_command

    ticket = services.ticket_accept(actor=chair, ticket=file_ticket())
    out = io.StringIO()
    call_command("check_deadlines", "--date", ticket.step_due_on.isoformat(), stdout=out)
    assert "已提醒 1 件" in out.getvalue()
