"""Pages of job fairs (招聘会) and of the employment-help report (就业帮扶统计).

Union staff list and create fairs, add vacancies from their subtree, register seekers, and print each registered
seeker's matches for the day (a page with print styles, or a PDF) or export everyone's (xlsx, audited). A worker
sees the upcoming fairs and registers themself. Thin: selectors read, services write and refuse, reports.py
works out the figures, sheets and workbooks.
"""

import datetime
from pathlib import Path

from django.contrib import messages
from django.db.models import Count
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.http import content_disposition_header
from django.views.decorators.http import require_GET, require_POST

from zhijia.core.errors import NotFound, PermissionDenied, ZhijiaError
from zhijia.core.pdf import html_to_pdf
from zhijia.core.views import FormErrors, page, paginate, require_allowed
from zhijia.org.pickers import drilldown, picker, picker_choice, picker_scope

from . import reports, selectors, services
from .models import FairRegistration, JobFair, SeekerProfile, VacancyStatus
from .permissions import fair_policy, seeker_policy

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
UPCOMING_SHOWN = 20
CANDIDATES_SHOWN = 30
REGISTRATIONS_PER_PAGE = 50
TEMPLATE_DIR = Path(__file__).resolve().parent / "templates" / "jobs"


def _download(content: bytes, content_type: str, filename: str, *, inline: bool = False) -> HttpResponse:
    response = HttpResponse(content, content_type=content_type)
    response["Content-Disposition"] = content_disposition_header(not inline, filename)
    return response


def _fair_or_404(fair_id: int) -> JobFair:
    fair = JobFair.objects.select_related("union").filter(pk=fair_id).first()
    if fair is None:
        raise NotFound()
    return fair


def _staff_fair(user, fair_id: int, action: str = "view") -> JobFair:
    return fair_policy.get_or_404(user, action, JobFair.objects.select_related("union"), pk=fair_id)


# ---- List and create ---------------------------------------------------------------------------------------


@page
@require_GET
def fair_list(request):
    """Staff: the fairs of their subtree. Everyone: the upcoming fairs, to register for."""
    user = request.user
    staff = fair_policy.allows(user, "view")
    fairs_page, query = None, ""
    counts = {"vacancy_count": Count("vacancies", distinct=True),
              "registration_count": Count("registrations", distinct=True)}
    if staff:
        fairs_page, query = paginate(request, selectors.fair_list(actor=user).annotate(**counts).order_by(
            "-held_on", "-id"))
    profile = selectors.my_profile(user=user)
    upcoming = list(selectors.fairs_open().select_related("union").annotate(**counts)[:UPCOMING_SHOWN])
    registered = set()
    if profile is not None:
        registered = set(FairRegistration.objects.filter(seeker=profile).values_list("fair_id", flat=True))
    return render(request, "jobs/fair_list.html", {
        "staff": staff,
        "can_create": fair_policy.allows(user, "manage"),
        "page": fairs_page,
        "query": query,
        "upcoming": upcoming,
        "registered": registered,
        "profile": profile,
        "today": timezone.localdate(),
    })


FAIR_FIELDS = ["union", "name", "held_on", "place"]


@page
def fair_new(request):
    user = request.user
    require_allowed(user, fair_policy, "manage")
    hosts = picker_scope(user, "jobs.fair_hosts").order_by("path").values_list("id", flat=True)
    only = list(hosts[:2])
    errors = FormErrors(fields=FAIR_FIELDS)
    values = {"union": str(only[0]) if len(only) == 1 else "", "name": "", "held_on": "", "online": False,
              "place": ""}
    if request.method == "POST":
        post = request.POST
        values = {"union": post.get("union", ""), "name": post.get("name", "").strip(),
                  "held_on": post.get("held_on", "").strip(), "online": post.get("online") == "1",
                  "place": post.get("place", "").strip()}
        union = picker_choice(user, "jobs.fair_hosts", values["union"])
        try:
            held_on = datetime.date.fromisoformat(values["held_on"])
        except ValueError:
            held_on = None  # the service asks for it, beside the other fields' mistakes
        if union is None:
            errors.add("union", "请选择主办工会")
        else:
            with errors.capture():
                fair = services.fair_create(actor=user, union=union, name=values["name"], held_on=held_on,
                                            online=values["online"], place=values["place"])
                messages.success(request, f"已创建招聘会“{fair.name}”，请添加参会岗位")
                return redirect("jobs:fair_detail", fair_id=fair.pk)
    union_picker = picker(user, "jobs.fair_hosts", blank=None if len(only) == 1 else "请选择",
                          selected=values["union"])
    return render(request, "jobs/fair_form.html", {"values": values, "errors": errors, "union_picker": union_picker},
                  status=400 if errors else 200)


# ---- A fair ------------------------------------------------------------------------------------------------


@page
@require_GET
def fair_detail(request, fair_id: int):
    """The host's staff (the fair's union and above) manage the fair and see every registration; other union
    staff register the seekers they serve and see those; anyone may see an upcoming fair and register."""
    user = request.user
    fair = _fair_or_404(fair_id)
    today = timezone.localdate()
    host = fair_policy.can(user, "view", fair)
    if not host and fair.held_on < today:
        raise NotFound()
    serves = host or seeker_policy.allows(user, "list")
    vacancies = list(fair.vacancies.select_related("employer").order_by("employer__name", "id"))
    profile = selectors.my_profile(user=user)
    context = {
        "fair": fair,
        "host": host,
        "staff": serves,
        "open": fair.held_on >= today,
        "vacancies": vacancies,
        "employers": sorted({v.employer for v in vacancies}, key=lambda e: e.name),
        "profile": profile,
        "my_registration": profile is not None and FairRegistration.objects.filter(
            fair=fair, seeker=profile).exists(),
    }
    if serves:
        context.update(_staff_context(request, fair, vacancies, host=host))
    return render(request, "jobs/fair_detail.html", context)


def _staff_context(request, fair: JobFair, vacancies: list, *, host: bool) -> dict:
    user = request.user
    can_manage = host and fair_policy.can(user, "manage", fair)
    registrations = fair.registrations.select_related("seeker__union").order_by("id")
    if not host:
        registrations = registrations.filter(seeker__in=seeker_policy.scope(
            user, "list", SeekerProfile.objects.all()).values("id"))
    registrations_page, query = paginate(request, registrations, per_page=REGISTRATIONS_PER_PAGE)
    rows = reports.fair_rows(actor=user, fair=fair, registrations=registrations_page.object_list)
    vq, sq = request.GET.get("vq", "").strip(), request.GET.get("sq", "").strip()
    context = {"can_manage": can_manage, "can_register": fair.held_on >= timezone.localdate(),
               "page": registrations_page, "query": query, "rows": rows,
               "registration_count": registrations_page.paginator.count, "vq": vq, "sq": sq}
    if can_manage:
        context["vacancy_candidates"] = list(
            selectors.vacancy_list(actor=user, q=vq, status=VacancyStatus.PUBLISHED)
            .filter(union__path__startswith=fair.union.path, valid_until__gte=reports.fair_day(fair))
            .exclude(id__in=[v.pk for v in vacancies])[:CANDIDATES_SHOWN])
    if context["can_register"]:
        seekers = (selectors.seeker_list(actor=user, q=sq).exclude(fair_registrations__fair=fair)
                   [:CANDIDATES_SHOWN])
        context["seeker_candidates"] = [(s, reports.seeker_name(user, s)) for s in seekers]
    return context


def _back(fair: JobFair, anchor: str = "") -> HttpResponse:
    return redirect(reverse("jobs:fair_detail", args=[fair.pk]) + (f"#{anchor}" if anchor else ""))


@page
@require_POST
def fair_add_vacancies(request, fair_id: int):
    user = request.user
    fair = _staff_fair(user, fair_id, "manage")
    ids = {int(value) for value in request.POST.getlist("vacancy_ids") if value.isdigit()}
    if not ids:
        messages.error(request, "请勾选要参会的岗位")
        return _back(fair, "add-vacancies")
    vacancies = list(selectors.vacancy_list(actor=user).filter(pk__in=ids, union__path__startswith=fair.union.path))
    if len(vacancies) != len(ids):
        raise NotFound()  # a vacancy out of the user's reach or the host's subtree
    try:
        services.fair_add_vacancies(actor=user, fair=fair, vacancies=vacancies)
    except (NotFound, PermissionDenied):
        raise
    except ZhijiaError as exc:
        messages.error(request, exc.message)
        return _back(fair, "add-vacancies")
    messages.success(request, f"已添加 {len(vacancies)} 个岗位")
    return _back(fair, "vacancies")


@page
@require_POST
def fair_register(request, fair_id: int):
    """Staff register a seeker they serve (seeker_id); a worker registers their own profile."""
    user = request.user
    fair = _fair_or_404(fair_id)
    if not fair_policy.can(user, "view", fair) and fair.held_on < timezone.localdate():
        raise NotFound()
    seeker_id = request.POST.get("seeker_id", "")
    if seeker_id:
        if not seeker_id.isdigit():
            raise NotFound()
        seeker = selectors.seeker_get(actor=user, seeker_id=int(seeker_id), action="update")
    else:
        seeker = selectors.my_profile(user=user)
        if seeker is None:
            messages.error(request, "请先填写求职信息，再报名招聘会")
            return redirect("/jobs/")
    try:
        services.fair_register(actor=user, fair=fair, seeker=seeker)
    except (NotFound, PermissionDenied):
        raise
    except ZhijiaError as exc:
        messages.error(request, exc.message)
        return _back(fair)
    if seeker_id:
        messages.success(request, f"{reports.seeker_name(user, seeker)} 已报名")
        return _back(fair, "registrations")
    messages.success(request, "报名成功。招聘会当天可凭匹配岗位清单到场洽谈")
    return _back(fair)


# ---- The day's match list: per seeker (page, PDF) and for everyone (xlsx) ------------------------------------


def _sheet_context(request, fair_id: int, seeker_id: int) -> dict:
    """The host's staff see every registered seeker's sheet, other staff those of the seekers they serve, a
    seeker their own. Anything else is 404."""
    user = request.user
    fair = _fair_or_404(fair_id)
    registration = (FairRegistration.objects.select_related("seeker__union")
                    .filter(fair=fair, seeker_id=seeker_id).first())
    if registration is None:
        raise NotFound()
    seeker = registration.seeker
    own = seeker.user_id is not None and seeker.user_id == user.pk
    if not (own or fair_policy.can(user, "view", fair) or seeker_policy.can(user, "view", seeker)):
        raise NotFound()
    matches = reports.fair_matches(fair=fair, seeker=seeker)
    return {
        "fair": fair,
        "seeker": seeker,
        "name": reports.seeker_name(user, seeker),
        "matches": [(found, reports.points(found.match.score)) for found in matches],
        "day": reports.fair_day(fair),
        "printed_at": timezone.localtime(),
        "own": own,
    }


@page
@require_GET
def fair_sheet(request, fair_id: int, seeker_id: int):
    return render(request, "jobs/fair_sheet.html", _sheet_context(request, fair_id, seeker_id))


@page
@require_GET
def fair_sheet_pdf(request, fair_id: int, seeker_id: int):
    context = _sheet_context(request, fair_id, seeker_id)
    html = render_to_string("jobs/fair_sheet_pdf.html", context)
    return _download(html_to_pdf(html, base_dir=TEMPLATE_DIR), "application/pdf",
                     f"招聘会匹配岗位-{context['fair'].pk}-{context['seeker'].pk}.pdf", inline=True)


@page
@require_GET
def fair_matches_xlsx(request, fair_id: int):
    fair = _staff_fair(request.user, fair_id)
    content, filename = reports.fair_matches_xlsx(actor=request.user, fair=fair)
    return _download(content, XLSX, filename)


# ---- 就业帮扶统计 ------------------------------------------------------------------------------------------


def _charts(figures: dict) -> dict:
    return {
        "priority": {"labels": [r["label"] for r in figures["priority"]],
                     "series": [{"name": name, "values": [r[key] for r in figures["priority"]]}
                                for key, name in (("seekers", "求职人数"), ("matched", "已对接"),
                                                  ("referred", "已推荐"), ("hired", "已就业"))]},
        "vacancies": {"labels": [r["label"] for r in figures["vacancies"]],
                      "values": [r["count"] for r in figures["vacancies"]]},
        "outcomes": {"labels": [r["label"] for r in figures["outcomes"]],
                     "values": [r["count"] for r in figures["outcomes"]]},
    }


@page
@require_GET
def report(request):
    user = request.user
    require_allowed(user, seeker_policy, "report")
    union = reports.report_union(actor=user, union_id=request.GET.get("union", ""))
    figures = reports.report(actor=user, union=union)
    return render(request, "jobs/report.html", {
        "union": union,
        "figures": figures,
        "charts": _charts(figures),
        "union_picker": drilldown(user, "jobs.report", union),
        "export_url": f"{reverse('jobs:report_export')}?union={union.pk}",
    })


@page
@require_GET
def report_export(request):
    user = request.user
    require_allowed(user, seeker_policy, "report")
    union = reports.report_union(actor=user, union_id=request.GET.get("union", ""))
    content, filename = reports.report_xlsx(actor=user, union=union)
    return _download(content, XLSX, filename)
