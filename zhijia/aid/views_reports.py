"""The 帮扶统计 page with its Excel export (staff, scoped by the aid policy), and the public notice (公示) pages,
which need no login and show only masked names, unions, categories and amounts — never 身份证号, phones, bank
accounts or household details. Thin: figures come from stats, notice rows from exports."""

from urllib.parse import urlencode

from django.db.models import Count, Q, Sum
from django.http import Http404, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import content_disposition_header
from django.views.decorators.http import require_GET

from zhijia.core.errors import ValidationFailed
from zhijia.core.pii import mask_name
from zhijia.core.views import FormErrors, page, paginate, require_allowed
from zhijia.org.models import Status, Union
from zhijia.org.pickers import drilldown

from . import exports, stats
from .models import ApplicationStatus, Campaign, CampaignKind, FileStatus, HardshipFile
from .permissions import campaign_policy

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
UNION_CHOICES_LIMIT = 200  # the public notice page's union filter
YEARS_SHOWN = 6
NOTICE_PAGE_SIZE = 50


# ---- 帮扶统计 (staff) --------------------------------------------------------------------------------------


def _filters(request):
    """(union, year, errors) from ?union=&year=; year is None when it is invalid."""
    user = request.user
    require_allowed(user, campaign_policy, "report")
    union = stats.report_union(actor=user, union_id=request.GET.get("union", ""))
    errors = FormErrors(fields=["year"])
    year = None
    try:
        year = stats.clean_year(request.GET.get("year", ""))
    except ValidationFailed as exc:
        errors.add(exc.field, exc.message)
    return union, year, errors


def _year_options(year: int | None) -> list[tuple[str, str]]:
    this_year = timezone.localdate().year
    years = list(range(this_year, this_year - YEARS_SHOWN, -1))
    if year and year not in years:
        years.append(year)
    return [(str(y), f"{y}年") for y in sorted(years, reverse=True)]


def _money_series(rows: list[dict]) -> dict:
    return {"labels": [row["label"] for row in rows], "values": [float(row["net"]) for row in rows]}


def _chart_data(figures: dict) -> dict:
    files, money, applications = figures["files"], figures["money"], figures["applications"]
    return {
        "by_category": {"labels": [r["label"] for r in files["by_category"]],
                        "values": [r["on_file"] for r in files["by_category"]]},
        "by_cause": {"labels": [r["label"] for r in files["by_cause"]],
                     "values": [r["count"] for r in files["by_cause"]]},
        "by_campaign": _money_series(money["by_campaign"]),
        "by_month": _money_series(money["by_month"]),
        "by_union": _money_series(money["by_union"]),
        "applications": {
            "campaigns": [r["label"] for r in applications["by_campaign"]],
            "series": [{"name": s["label"], "values": [r["by_status"][i] for r in applications["by_campaign"]]}
                       for i, s in enumerate(applications["statuses"])],
        },
    }


def _render(request, union: Union, year: int | None, errors: FormErrors):
    user = request.user
    figures = None if errors else stats.report(actor=user, union=union, year=year)
    export_url = ""
    if figures is not None:
        export_url = f"{reverse('aid:reports_export')}?{urlencode({'union': union.pk, 'year': year})}"
    return render(request, "aid/reports.html", {
        "union": union,
        "figures": figures,
        "charts": _chart_data(figures) if figures else None,
        "errors": errors,
        "values": {"union": str(union.pk), "year": str(year) if year else request.GET.get("year", "")},
        "union_picker": drilldown(user, "aid.report", union),
        "year_options": _year_options(year),
        "export_url": export_url,
    }, status=400 if errors else 200)


@page
@require_GET
def reports(request):
    union, year, errors = _filters(request)
    return _render(request, union, year, errors)


@page
@require_GET
def reports_export(request):
    union, year, errors = _filters(request)
    if errors:
        return _render(request, union, year, errors)
    content, filename = stats.report_xlsx(actor=request.user, union=union, year=year)
    response = HttpResponse(content, content_type=XLSX)
    response["Content-Disposition"] = content_disposition_header(as_attachment=True, filename=filename)
    return response


# ---- 公示 (public, no login) ------------------------------------------------------------------------------


def _noticed_campaigns():
    """Campaigns with at least one approved application, newest first, with the approved count and total.
    Mutual-aid claims are not published: a name on that list would tell everyone the member was in hospital."""
    approved = Q(applications__status=ApplicationStatus.APPROVED)
    return (Campaign.objects.exclude(kind=CampaignKind.MUTUAL)
            .annotate(approved=Count("applications", filter=approved),
                      total=Sum("applications__amount", filter=approved))
            .filter(approved__gt=0).select_related("union").order_by("-year", "-id"))


def _in_notice(today):
    return HardshipFile.objects.filter(status=FileStatus.NOTICE, notice_start__lte=today, notice_end__gte=today)


def _campaign_or_404(campaign_id: int) -> Campaign:
    campaign = _noticed_campaigns().filter(pk=campaign_id).first()
    if campaign is None:
        raise Http404("该活动没有公示名单")
    return campaign


@require_GET
def notice(request):
    today = timezone.localdate()
    campaigns, query = paginate(request, _noticed_campaigns(), per_page=20)
    unions = list(_in_notice(today).values("union_id", "union__name").annotate(files=Count("id"))
                  .order_by("union__name")[:UNION_CHOICES_LIMIT])
    return render(request, "aid/notice.html", {"page": campaigns, "query": query, "unions": unions, "today": today})


@require_GET
def notice_campaign(request, campaign_id: int):
    campaign = _campaign_or_404(campaign_id)
    applications, query = paginate(request, exports.notice_applications(campaign), per_page=NOTICE_PAGE_SIZE)
    first = applications.start_index()
    rows = [[first + index, *row[1:]] for index, row in enumerate(exports.notice_rows(applications.object_list))]
    return render(request, "aid/notice_campaign.html",
                  {"campaign": campaign, "page": applications, "query": query, "rows": rows})


@require_GET
def notice_campaign_xlsx(request, campaign_id: int):
    campaign = _campaign_or_404(campaign_id)
    rows = exports.notice_rows(exports.notice_applications(campaign).iterator(chunk_size=2000))
    content = exports.notice_xlsx(rows, title=f"{campaign.name}帮扶名单公示（{campaign.union.name}）")
    response = HttpResponse(content, content_type=XLSX)
    response["Content-Disposition"] = content_disposition_header(
        as_attachment=True, filename=f"{campaign.name}_公示名单.xlsx")
    return response


@require_GET
def notice_files(request, union_id: int):
    union = Union.objects.filter(pk=union_id, status=Status.ACTIVE).first()
    if union is None:
        raise Http404("工会不存在")
    today = timezone.localdate()
    files = exports.notice_files(union).filter(notice_start__lte=today, notice_end__gte=today)
    files_page, query = paginate(request, files, per_page=NOTICE_PAGE_SIZE)
    first = files_page.start_index()
    rows = [{"number": first + index, "name": mask_name(f.name), "union": f.union.name,
             "category": f.get_category_display(), "notice_start": f.notice_start, "notice_end": f.notice_end}
            for index, f in enumerate(files_page.object_list)]
    contacts = {f.union_id: f.union for f in files_page.object_list}
    return render(request, "aid/notice_files.html", {
        "union": union, "page": files_page, "query": query, "rows": rows, "today": today,
        "contacts": sorted(contacts.values(), key=lambda u: u.name),
    })
