"""The 维权统计 page and its Excel export. Thin: the figures come from stats.dashboard, the workbook from
dashboard_export; the union is fetched through the union policy so nobody sees outside their subtree."""

import datetime
from urllib.parse import urlencode

from django.http import HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils.http import content_disposition_header
from django.views.decorators.http import require_GET

from zhijia.core.errors import ValidationFailed
from zhijia.core.views import FormErrors, page, require_allowed
from zhijia.org.pickers import drilldown

from .dashboard_export import dashboard_export
from .permissions import ticket_policy
from .stats import dashboard as dashboard_figures
from .stats import dashboard_union, resolve_range

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
# stats names the range fields as the API does; the page's query string calls them from/to.
PAGE_FIELDS = {"date_from": "from", "date_to": "to"}
# (key in the figures, section heading, table column)
BREAKDOWNS = [("by_type", "诉求类型", "类型"), ("by_topic", "问题类别", "类别"), ("by_status", "办理状态", "状态")]


def _date_param(request, name: str, errors: FormErrors) -> datetime.date | None:
    raw = request.GET.get(name, "").strip()
    if not raw:
        return None
    try:
        return datetime.datetime.strptime(raw, "%Y-%m-%d").date()
    except ValueError:
        errors.add(name, "请输入有效日期，格式为 年-月-日（如 2025-01-31）")
        return None


def _filters(request):
    """(union, date_from, date_to, errors) from ?union=&from=&to=; the dates are None when errors."""
    user = request.user
    require_allowed(user, ticket_policy, "dashboard")
    union = dashboard_union(actor=user, union_id=request.GET.get("union", ""))
    errors = FormErrors(fields=["from", "to"])
    date_from = _date_param(request, "from", errors)
    date_to = _date_param(request, "to", errors)
    if not errors:
        try:
            date_from, date_to = resolve_range(date_from, date_to)
        except ValidationFailed as exc:
            errors.add(PAGE_FIELDS.get(exc.field, exc.field), exc.message)
    if errors:
        date_from = date_to = None
    return union, date_from, date_to, errors


def _series(rows: list[dict], label: str = "label") -> dict:
    return {"labels": [row[label] for row in rows], "values": [row["count"] for row in rows]}


def _chart_data(figures: dict) -> dict:
    """What the ECharts script draws, handed over with json_script."""
    data = {key: _series(figures[key]) for key, _, _ in BREAKDOWNS}
    data["trend"] = _series(figures["trend"])
    data["top_employers"] = _series(figures["top_employers"], label="employer_name")
    return data


def _render(request, union, errors: FormErrors, figures: dict | None):
    user = request.user
    export_url = ""
    if figures is not None:
        query = urlencode(
            {"union": union.pk, "from": figures["date_from"].isoformat(), "to": figures["date_to"].isoformat()}
        )
        export_url = f"{reverse('cases:dashboard_export')}?{query}"
    values = {
        "union": str(union.pk),
        "from": figures["date_from"].isoformat() if figures else request.GET.get("from", ""),
        "to": figures["date_to"].isoformat() if figures else request.GET.get("to", ""),
    }
    return render(
        request,
        "cases/dashboard.html",
        {
            "union": union,
            "figures": figures,
            "charts": _chart_data(figures) if figures else None,
            "breakdowns": [(key, heading, label, figures[key]) for key, heading, label in BREAKDOWNS]
            if figures
            else [],
            "errors": errors,
            "values": values,
            "union_picker": drilldown(user, "cases.dashboard", union),
            "export_url": export_url if ticket_policy.allows(user, "export") else "",
        },
        status=400 if errors else 200,
    )


@page
@require_GET
def dashboard(request):
    union, date_from, date_to, errors = _filters(request)
    figures = None
    if not errors:
        figures = dashboard_figures(actor=request.user, union=union, date_from=date_from, date_to=date_to)
    return _render(request, union, errors, figures)


@page
@require_GET
def dashboard_export_xlsx(request):
    union, date_from, date_to, errors = _filters(request)
    if errors:
        return _render(request, union, errors, None)
    require_allowed(request.user, ticket_policy, "export")
    content, filename = dashboard_export(actor=request.user, union=union, date_from=date_from, date_to=date_to)
    response = HttpResponse(content, content_type=XLSX)
    response["Content-Disposition"] = content_disposition_header(as_attachment=True, filename=filename)
    return response
