"""Pages of the rights-protection service: workers (and guests) file and follow tickets; staff handle them,
hotline operators type up calls, supervisors read the overdue board and warnings; partner agencies work
their referrals. Every decision is a service's or a selector's; these views only carry forms."""

import datetime

from django.contrib import messages
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.html import format_html
from django.utils.safestring import mark_safe
from django.views.decorators.http import require_POST

from zhijia.core.errors import NotFound, PermissionDenied, ValidationFailed
from zhijia.core.net import client_address
from zhijia.core.views import FormErrors, page, paginate, require_allowed
from zhijia.members.selectors import my_active_membership
from zhijia.org.models import Union
from zhijia.org.pickers import picker
from zhijia.org.selectors import union_list

from . import collab, selectors, services
from .attachments import check_attachments
from .models import (
    Agency,
    Channel,
    Complexity,
    LegalAidProvider,
    LegalAidStatus,
    Mediation,
    MediationOutcome,
    Rating,
    ReferralStatus,
    TicketAttachment,
    TicketStatus,
    TicketType,
    Topic,
    WarningStatus,
)
from .permissions import ticket_policy, warning_policy
from .verification import verification_check, verification_send

TICKET_FIELDS = [
    "type", "topic", "complainant_name", "complainant_phone", "employer_name", "employer_credit_code",
    "division_code", "description", "workers_affected", "complexity", "attachments", "code", "answer",
]


def _choices(enum, blank: str | None = None):
    options = list(enum.choices)
    return ([("", blank)] if blank is not None else []) + options


def _ticket_data(post) -> services.TicketData:
    return services.TicketData(
        type=post.get("type", ""),
        topic=post.get("topic", ""),
        complainant_name=post.get("complainant_name", ""),
        complainant_phone=post.get("complainant_phone", ""),
        employer_name=post.get("employer_name", ""),
        employer_credit_code=post.get("employer_credit_code", ""),
        division_code=post.get("division_code", ""),
        description=post.get("description", ""),
        workers_affected=post.get("workers_affected") or 1,
        complexity=post.get("complexity") or Complexity.ORDINARY,
    )


def _form_context(values, errors, **extra) -> dict:
    return {
        "values": values,
        "errors": errors,
        "type_options": _choices(TicketType, "请选择"),
        "topic_options": _choices(Topic, "请选择"),
        "complexity_options": _choices(Complexity),
        **extra,
    }


# ---- Worker and guest ------------------------------------------------------------------------------


def home(request):
    return render(request, "cases/home.html", {"is_staff": ticket_policy.allows(request.user, "list")})


def ticket_new(request):
    """File a request. Signed-in workers file as themselves; guests verify their mobile by SMS code."""
    user = request.user
    errors = FormErrors(fields=TICKET_FIELDS)
    values = request.POST.copy() if request.method == "POST" else {}
    if request.method == "GET" and user.is_authenticated:
        membership = my_active_membership(user=user)
        values = {
            "complainant_name": user.display_name or (membership.name if membership else ""),
            "complainant_phone": membership.phone if membership else (user.username if user.username.isdigit() else ""),
            "employer_name": membership.employer if membership else "",
            "division_code": membership.union.division_code if membership else "",
        }
    if request.method == "GET":
        values.update(_handoff_prefill(request))
    if request.method == "POST":
        with errors.capture():
            files = check_attachments(request.FILES.getlist("attachments"))
            verified = False
            if not user.is_authenticated:
                verification_check(phone=values.get("complainant_phone", ""), code=values.get("code", ""))
                verified = True
            channel = Channel.APP if request.headers.get("X-Zhijia-App") else Channel.WEB
            ticket = services.ticket_create(actor=user, data=_ticket_data(request.POST), channel=channel,
                                            attachments=files, guest_phone_verified=verified)
            request.session["last_ticket"] = ticket.number
            _link_legal_query(request, ticket)
            return redirect("cases:filed", number=ticket.number)
    return render(request, "cases/ticket_new.html", _form_context(values, errors, guest=not user.is_authenticated),
                  status=422 if errors else 200)


def _handoff_prefill(request) -> dict:
    """转人工 from the legal consultation: the question becomes the description (the worker can edit it)."""
    from zhijia.legal.services import own_query

    query = own_query(request, request.GET.get("legal_query", ""))
    if query is None:
        return {}
    from .classify import suggest as classify

    kind = request.GET.get("type", "consult")
    values = {"description": query.question, "type": kind if kind in TicketType.values else "consult",
              "legal_query": str(query.pk)}
    suggestion = classify(query.question)
    if suggestion.topic_confidence > 0:  # the classifier's topic, as the 采用 button would set it; editable
        values["topic"] = suggestion.topic
    return values


def _link_legal_query(request, ticket) -> None:
    from zhijia.legal.services import own_query, query_handoff

    query = own_query(request, request.POST.get("legal_query", ""))
    if query is not None:
        query_handoff(query=query, ticket=ticket)


@require_POST
def verify_send(request):
    """HTMX: send the SMS code to the phone typed in the form; answers with a one-line status."""
    try:
        code = verification_send(phone=request.POST.get("complainant_phone", ""), client=client_address(request))
    except ValidationFailed as exc:
        return render(request, "cases/_verify_status.html", {"error": exc.message}, status=200)
    from django.conf import settings

    return render(request, "cases/_verify_status.html", {"sent": True, "dev_code": code if settings.DEBUG else ""})


def filed(request, number: str):
    if request.session.get("last_ticket") != number:
        raise Http404()
    return render(request, "cases/filed.html", {"number": number})


def suggest(request):
    """HTMX: the suggested type and topic for the description typed so far."""
    from .classify import suggest as classify

    text = request.GET.get("description", "")
    result = classify(text) if len(text.strip()) >= 4 else None
    return render(request, "cases/_suggestion.html", {
        "s": result,
        "type_label": TicketType(result.type).label if result else "",
        "topic_label": Topic(result.topic).label if result else "",
    })


def track(request):
    """Follow a ticket by its number and the mobile given when filing; rate it once resolved."""
    number = (request.GET.get("number") or request.POST.get("number") or "").strip().upper()
    phone = (request.GET.get("phone") or request.POST.get("phone") or "").strip()
    errors = FormErrors(fields=["number", "phone", "rating", "comment"])
    ticket = None
    if number or phone:
        try:
            ticket = selectors.ticket_public(number=number, phone=phone)
        except NotFound as exc:  # shown on the page: the worker mistyped, nothing to hide behind a 404
            errors.add("form", exc.message)
    if ticket is not None and request.method == "POST":
        with errors.capture():
            services.ticket_rate_public(ticket=ticket, phone=phone, rating=request.POST.get("rating", ""),
                                        comment=request.POST.get("comment", ""))
            messages.success(request, "感谢您的评价")
            return redirect(f"{reverse('cases:track')}?number={number}&phone={phone}")
    return render(request, "cases/track.html", {
        "ticket": ticket,
        "steps": ticket.events.all() if ticket else [],
        "number": number,
        "phone": phone,
        "errors": errors,
        "rating_options": list(Rating.choices),
    })


@page
def my_tickets(request):
    tickets, query = paginate(request, selectors.my_tickets(user=request.user))
    return render(request, "cases/my_tickets.html", {"page": tickets, "query": query})


@page
def my_ticket(request, number: str):
    ticket = selectors.ticket_get(actor=request.user, number=number)
    if ticket.complainant_user_id != request.user.pk:
        raise NotFound()
    errors = FormErrors(fields=["rating", "comment"])
    if request.method == "POST":
        with errors.capture():
            services.ticket_rate(actor=request.user, ticket=ticket, rating=request.POST.get("rating", ""),
                                 comment=request.POST.get("comment", ""))
            messages.success(request, "感谢您的评价")
            return redirect("cases:my_ticket", number=number)
    return render(request, "cases/my_ticket.html", {
        "ticket": ticket, "steps": ticket.events.all(), "errors": errors, "rating_options": list(Rating.choices),
    })


# ---- Staff ---------------------------------------------------------------------------------------------


def _chosen_union(request, key: str = "union") -> Union | None:
    union_id = request.GET.get(key, "")
    if not union_id.isdigit():
        return None
    return union_list(actor=request.user).filter(pk=union_id).first()


def _list_filters(request) -> selectors.TicketFilters:
    return selectors.TicketFilters(
        q=request.GET.get("q", ""),
        status=request.GET.get("status", ""),
        type=request.GET.get("type", ""),
        topic=request.GET.get("topic", ""),
        overdue=request.GET.get("overdue") == "1",
        sort=request.GET.get("sort", "-created_at"),
    )


@page
def staff_export(request):
    """The list as filtered, as .xlsx (complainants masked); audited."""
    from .exports import tickets_xlsx

    require_allowed(request.user, ticket_policy, "export")
    union = _chosen_union(request)
    filters = _list_filters(request)
    tickets = selectors.ticket_list(actor=request.user, union=union, filters=filters, action="export")
    data, _ = tickets_xlsx(actor=request.user, tickets=tickets, union=union,
                           filters={k: v for k, v in request.GET.items() if v})
    response = HttpResponse(data, content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
    response["Content-Disposition"] = f'attachment; filename="tickets-{datetime.date.today():%Y%m%d}.xlsx"'
    return response


@page
def staff_list(request):
    require_allowed(request.user, ticket_policy, "list")
    union = _chosen_union(request)
    filters = _list_filters(request)
    tickets, query = paginate(request, selectors.ticket_list(actor=request.user, union=union, filters=filters))
    return render(request, "cases/staff_list.html", {
        "page": tickets,
        "query": query,
        "filters": filters,
        "union_id": str(union.pk) if union else "",
        "union_picker": picker(request.user, "org.reach", blank="全部（本级及下级）",
                               selected=str(union.pk) if union else ""),
        "status_options": _choices(TicketStatus, "全部状态"),
        "type_options": _choices(TicketType, "全部类型"),
        "topic_options": _choices(Topic, "全部类别"),
        "sort_options": [("-created_at", "最新受理"), ("created_at", "最早受理"), ("step_due_on", "期限最近")],
        "today": datetime.date.today(),
    })


ACTION_FIELDS = ["version", "reason", "resolution", "rating", "comment", "to_union", "agency", "applicant",
                 "respondent", "mediator", "held_on", "place", "summary", "outcome", "agreement", "guidance",
                 "matter", "eligible", "provider", "note", "result", "type", "topic", "complexity"]


def _version(post) -> int | None:
    value = post.get("version", "")
    return int(value) if value.isdigit() else None


def _date(value: str, field: str) -> datetime.date:
    try:
        return datetime.date.fromisoformat(value)
    except (TypeError, ValueError):
        raise ValidationFailed("invalid_date", "日期格式不正确", field=field) from None


def _run_action(request, ticket, action: str):
    """Carry one staff action on a ticket to its service. Returns a success message."""
    user, post, version = request.user, request.POST, _version(request.POST)
    if action == "accept":
        services.ticket_accept(actor=user, ticket=ticket, expected_version=version)
        return "已签收"
    if action == "transfer":
        to_union = Union.objects.filter(pk=post.get("to_union") or 0).first()
        if to_union is None:
            raise ValidationFailed("required", "请选择转办工会", field="to_union")
        services.ticket_transfer(actor=user, ticket=ticket, to_union=to_union, reason=post.get("reason", ""),
                                 expected_version=version)
        return f"已转办至{to_union.name}"
    if action == "classify":
        changes = {key: post[key] for key in ("type", "topic", "complexity") if post.get(key)}
        services.ticket_update(actor=user, ticket=ticket, changes=changes, expected_version=version)
        return "分类已更新"
    if action == "resolve":
        services.ticket_resolve(actor=user, ticket=ticket, resolution=post.get("resolution", ""), expected_version=version)
        return "已办结，请安排回访"
    if action == "callback":
        services.ticket_callback(actor=user, ticket=ticket, rating=post.get("rating", ""), comment=post.get("comment", ""),
                                 reopen=post.get("reopen") == "1", expected_version=version)
        return "回访已记录"
    if action == "reopen":
        services.ticket_reopen(actor=user, ticket=ticket, reason=post.get("reason", ""), expected_version=version)
        return "已重新办理"
    if action == "refer":
        agency = Agency.objects.filter(pk=post.get("agency") or 0, active=True).first()
        if agency is None:
            raise ValidationFailed("required", "请选择协作单位", field="agency")
        collab.referral_create(actor=user, ticket=ticket, agency=agency, reason=post.get("reason", ""), expected_version=version)
        return f"已移交{agency.name}"
    if action == "mediate":
        collab.mediation_start(actor=user, ticket=ticket, applicant=post.get("applicant", ""),
                               respondent=post.get("respondent", ""), mediator=post.get("mediator", ""),
                               expected_version=version)
        return "已启动调解"
    if action in {"session", "conclude"}:
        return _mediation_step(user, Mediation.objects.filter(ticket=ticket).first(), action, post)
    if action == "legal_aid":
        collab.legal_aid_apply(actor=user, ticket=ticket, matter=post.get("matter", ""), expected_version=version)
        return "已提交法律援助申请"
    if action in {"la_decide", "la_assign", "la_progress", "la_conclude"}:
        application = ticket.legal_aid_applications.order_by("-created_at").first()
        if application is None:
            raise NotFound("该工单没有法律援助申请")
        if action == "la_decide":
            collab.legal_aid_decide(actor=user, application=application, eligible=post.get("eligible") == "1",
                                    reason=post.get("reason", ""))
            return "审查意见已记录"
        if action == "la_assign":
            provider = LegalAidProvider.objects.select_related("union").filter(pk=post.get("provider") or 0).first()
            if provider is None:
                raise ValidationFailed("required", "请选择法律援助人员", field="provider")
            collab.legal_aid_assign(actor=user, application=application, provider=provider)
            return f"已指派{provider.name}"
        if action == "la_progress":
            collab.legal_aid_progress(actor=user, application=application, note=post.get("note", ""))
            return "进展已记录"
        collab.legal_aid_conclude(actor=user, application=application, result=post.get("result", ""))
        return "法律援助已结案"
    raise ValidationFailed("invalid", "未知操作", field="action")


@page
def staff_detail(request, number: str):
    ticket = selectors.ticket_get(actor=request.user, number=number)
    errors, action, done = _posted_action(request, lambda action: _run_action(request, ticket, action))
    if done:
        return redirect("cases:staff_detail", number=number)
    if action:  # refused: show the ticket as it is now
        ticket = selectors.ticket_get(actor=request.user, number=number)
    can_handle = ticket_policy.can(request.user, "handle", ticket)
    mediation = Mediation.objects.filter(ticket=ticket).prefetch_related("sessions").first()
    legal_aid = ticket.legal_aid_applications.select_related("provider").order_by("-created_at").first()
    providers = LegalAidProvider.objects.filter(active=True, union_id__in=ticket.union.ancestor_ids()) if can_handle else []
    return render(request, "cases/staff_detail.html", {
        "ticket": ticket,
        "events": ticket.events.select_related("from_union", "to_union"),
        "attachments": ticket.attachments.all(),
        "referrals": ticket.referrals.select_related("agency").prefetch_related("steps"),
        "mediation": mediation,
        "legal_aid": legal_aid,
        "errors": errors,
        "action": action,
        "values": request.POST if action else {},
        "can_handle": can_handle and ticket.is_open,
        "can_callback": ticket_policy.can(request.user, "callback", ticket) and ticket.status == TicketStatus.RESOLVED,
        "can_reveal": ticket_policy.can(request.user, "reveal_pii", ticket),
        "union_options": [("", "请选择")] + _transfer_options(request.user, ticket),
        "agency_options": [("", "请选择")] + [(str(a.pk), f"{a.name}（{a.get_kind_display()}）") for a in Agency.objects.filter(active=True)],
        "provider_options": [("", "请选择")] + [(str(p.pk), f"{p} {p.organization}") for p in providers],
        "rating_options": [("", "请选择")] + list(Rating.choices),
        "outcome_options": [("", "请选择")] + [c for c in MediationOutcome.choices if c[0]],
        "type_options": _choices(TicketType),
        "topic_options": _choices(Topic),
        "complexity_options": _choices(Complexity),
        "LegalAidStatus": LegalAidStatus,
        "mediation_open": mediation is not None and mediation.outcome == MediationOutcome.PENDING,
        "today": datetime.date.today().isoformat(),
    }, status=422 if errors else 200)


def _transfer_options(user, ticket) -> list[tuple[str, str]]:
    return [(str(union.pk), union.name) for union in selectors.transfer_targets(actor=user, ticket=ticket)]


@page
@require_POST
def staff_reveal(request, number: str):
    ticket = selectors.ticket_get(actor=request.user, number=number)
    phone = services.ticket_reveal_phone(actor=request.user, ticket=ticket)
    return HttpResponse(f'<span class="mono">{phone}</span>')


@page
def attachment_download(request, number: str, attachment_id: int):
    ticket = selectors.ticket_get(actor=request.user, number=number)
    attachment = TicketAttachment.objects.filter(ticket=ticket, pk=attachment_id).first()
    if attachment is None:
        raise NotFound()
    return FileResponse(attachment.file.open("rb"), content_type=attachment.content_type, filename=attachment.name)


@page
def agreement_pdf(request, number: str):
    from .documents import mediation_agreement_pdf

    ticket = _ticket_for_staff_or_agency(request.user, number)
    mediation = Mediation.objects.filter(ticket=ticket).first()
    if mediation is None:
        raise NotFound()
    response = HttpResponse(mediation_agreement_pdf(mediation), content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="mediation-{number}.pdf"'
    return response


def _ticket_for_staff_or_agency(user, number: str):
    try:
        return selectors.ticket_get(actor=user, number=number)
    except NotFound:
        referral = selectors.agency_referrals(user=user).filter(ticket__number=number).first()
        if referral is None:
            raise
        return referral.ticket


# ---- Hotline console -------------------------------------------------------------------------------------


@page
def hotline(request):
    """The 12351 operator's console: type the call up, pick the employer as you type, answer on the spot."""
    require_allowed(request.user, ticket_policy, "intake")
    errors = FormErrors(fields=TICKET_FIELDS)
    values = request.POST if request.method == "POST" else {"complexity": Complexity.ORDINARY}
    if request.method == "POST":
        with errors.capture():
            ticket = services.ticket_create(actor=request.user, data=_ticket_data(request.POST), channel=Channel.HOTLINE,
                                            answer=request.POST.get("answer", ""))
            if ticket.status == TicketStatus.ARCHIVED:
                messages.success(request, f"工单 {ticket.number} 已当场答复办结")
            else:
                messages.success(request, format_html('工单 <a href="{}">{}</a> 已受理，分派至{}',
                                                      reverse("cases:staff_detail", args=[ticket.number]),
                                                      ticket.number, ticket.union.name))
            return redirect("cases:hotline")
    employer_attrs = mark_safe(
        f'hx-get="{reverse("cases:employer_search")}" hx-trigger="input changed delay:300ms" '
        'hx-target="#employer-results" autocomplete="off"'
    )
    return render(request, "cases/hotline.html", _form_context(values, errors, employer_attrs=employer_attrs),
                  status=422 if errors else 200)


@page
def employer_search(request):
    """HTMX: employers matching what the operator typed: unions' employers and employers of earlier tickets."""
    require_allowed(request.user, ticket_policy, "intake")
    results = selectors.employer_suggestions(actor=request.user, prefix=request.GET.get("employer_name", ""))
    return render(request, "cases/_employers.html", {"results": results})


# ---- Supervision: overdue board and warnings ----------------------------------------------------------------


@page
def overdue(request):
    require_allowed(request.user, ticket_policy, "list")
    union = _chosen_union(request) or union_list(actor=request.user).order_by("depth", "id").first()
    if union is None:
        raise PermissionDenied()
    show = "near" if request.GET.get("show") == "near" else "overdue"
    board = selectors.overdue_board(actor=request.user, union=union, show=show)
    return render(request, "cases/overdue.html", {
        "board": board, "union": union, "show": show,
        "union_picker": picker(request.user, "org.reach", selected=str(union.pk)), "union_id": str(union.pk),
    })


@page
def warning_list(request):
    require_allowed(request.user, warning_policy, "list")
    status = request.GET.get("status", "")
    warnings, query = paginate(request, selectors.warning_list(actor=request.user, status=status))
    return render(request, "cases/warning_list.html", {
        "page": warnings, "query": query, "status": status,
        "status_options": _choices(WarningStatus, "全部状态"),
    })


@page
def warning_detail(request, warning_id: int):
    from .warnings import warning_note

    warning = selectors.warning_get(actor=request.user, warning_id=warning_id)
    errors = FormErrors(fields=["note", "status"])
    if request.method == "POST":
        with errors.capture():
            warning_note(actor=request.user, warning=warning, note=request.POST.get("note", ""),
                         status=request.POST.get("status", ""))
            messages.success(request, "处置情况已记录")
            return redirect("cases:warning_detail", warning_id=warning_id)
    return render(request, "cases/warning_detail.html", {
        "warning": warning,
        "tickets": warning.tickets.select_related("union").order_by("-created_at")[:100],
        "notes": warning.notes.all(),
        "errors": errors,
        "values": request.POST,
        "can_handle": warning_policy.can(request.user, "handle", warning) and warning.status != WarningStatus.CLOSED,
        "status_options": [c for c in WarningStatus.choices if c[0] != WarningStatus.OPEN],
    }, status=422 if errors else 200)


# ---- Partner agencies -------------------------------------------------------------------------------------------


@page
def agency_list(request):
    if not collab.is_agency_user(request.user):
        raise PermissionDenied("此页面仅限协作单位使用")
    status = request.GET.get("status", "")
    referrals, query = paginate(request, selectors.agency_referrals(user=request.user, status=status))
    return render(request, "cases/agency_list.html", {
        "page": referrals, "query": query, "status": status, "status_options": _choices(ReferralStatus, "全部状态"),
    })


@page
def agency_detail(request, referral_id: int):
    referral = selectors.agency_referral_get(user=request.user, referral_id=referral_id)
    errors, action, done = _posted_action(request, lambda action: _run_agency_action(request, referral, action))
    if done:
        return redirect("cases:agency_detail", referral_id=referral_id)
    if action:
        referral = selectors.agency_referral_get(user=request.user, referral_id=referral_id)
    mediation = Mediation.objects.filter(ticket=referral.ticket, referral=referral).prefetch_related("sessions").first()
    return render(request, "cases/agency_detail.html", {
        "referral": referral,
        "ticket": referral.ticket,
        "steps": referral.steps.all(),
        "mediation": mediation,
        "mediation_open": mediation is not None and mediation.outcome == MediationOutcome.PENDING,
        "errors": errors,
        "action": action,
        "values": request.POST if action else {},
        "outcome_options": [("", "请选择")] + [c for c in MediationOutcome.choices if c[0]],
        "today": datetime.date.today().isoformat(),
    }, status=422 if errors else 200)


def _run_agency_action(request, referral, action: str) -> str:
    user, post = request.user, request.POST
    if action == "accept":
        collab.referral_accept(actor=user, referral=referral)
        return "已接收"
    if action == "return":
        collab.referral_return(actor=user, referral=referral, reason=post.get("reason", ""))
        return "已退回工会"
    if action == "step":
        collab.referral_step(actor=user, referral=referral, note=post.get("note", ""))
        return "办理情况已记录"
    if action == "complete":
        collab.referral_complete(actor=user, referral=referral, result=post.get("result", ""))
        return "已办结"
    if action == "mediate":
        collab.mediation_start(actor=user, ticket=referral.ticket, applicant=post.get("applicant", ""),
                               respondent=post.get("respondent", ""), mediator=post.get("mediator", ""))
        return "已启动调解"
    if action in {"session", "conclude"}:
        return _mediation_step(user, Mediation.objects.filter(ticket=referral.ticket, referral=referral).first(), action, post)
    raise ValidationFailed("invalid", "未知操作", field="action")


def _mediation_step(user, mediation, action: str, post) -> str:
    """Record a mediation session or the outcome; shared by the union's and the agency's pages."""
    if mediation is None:
        raise NotFound("该工单尚未启动调解")
    if action == "session":
        collab.mediation_session_add(actor=user, mediation=mediation, held_on=_date(post.get("held_on"), "held_on"),
                                     place=post.get("place", ""), summary=post.get("summary", ""))
        return "调解记录已保存"
    collab.mediation_conclude(actor=user, mediation=mediation, outcome=post.get("outcome", ""),
                              agreement=post.get("agreement", ""), guidance=post.get("guidance", ""))
    return "调解结果已记录"


def _posted_action(request, run) -> tuple[FormErrors, str, bool]:
    """Run the form's `action` through `run(action)`; (errors, action, succeeded). On success the message
    is flashed and the caller redirects; on refusal the errors go beside the fields."""
    errors = FormErrors(fields=ACTION_FIELDS)
    action = request.POST.get("action", "") if request.method == "POST" else ""
    if action:
        with errors.capture():
            messages.success(request, run(action))
            return errors, action, True
    return errors, action, False
