"""Calculator pages: one form per calculator, the result with its working and the articles quoted."""

import datetime

from django.shortcuts import render

from zhijia.core.errors import ValidationFailed
from zhijia.core.views import FormErrors

from . import calculators as calc
from .models import Article

CALCULATORS = {
    "severance": "经济补偿金",
    "overtime": "加班工资",
    "leave": "带薪年休假",
    "probation": "试用期",
    "maternity": "产假",
}


def cited_articles(citations) -> list[tuple[str, Article | None]]:
    """Each (law, article) with its record, so the page quotes the text and links the article page."""
    found = {
        (a.law.short_title, a.label): a
        for a in Article.objects.select_related("law").filter(
            law__short_title__in={law for law, _ in citations}, label__in={label for _, label in citations})
    }
    return [(f"《{law}》{label}", found.get((law, label))) for law, label in citations]


def _date(value: str, field: str) -> datetime.date:
    try:
        return datetime.date.fromisoformat(value or "")
    except ValueError:
        raise ValidationFailed("invalid_date", "请填写日期（年-月-日）", field=field) from None


def run(kind: str, data) -> calc.CalcResult:
    if kind == "severance":
        return calc.severance(start=_date(data.get("start"), "start"), end=_date(data.get("end"), "end"),
                              monthly_wage=data.get("monthly_wage", ""), local_average_wage=data.get("local_average_wage", ""),
                              reason=data.get("reason", "negotiated"), last_month_wage=data.get("last_month_wage") or None)
    if kind == "overtime":
        return calc.overtime(monthly_wage=data.get("monthly_wage", ""), workday_hours=data.get("workday_hours") or 0,
                             restday_hours=data.get("restday_hours") or 0, holiday_hours=data.get("holiday_hours") or 0)
    if kind == "leave":
        return calc.annual_leave(cumulative_years=data.get("cumulative_years", ""), monthly_wage=data.get("monthly_wage") or None,
                                 days_taken=data.get("days_taken") or 0)
    if kind == "probation":
        open_ended = data.get("term") == "open"
        months = data.get("contract_months", "")
        if not open_ended and data.get("term") != "task" and not str(months).isdigit():
            raise ValidationFailed("invalid", "请填写合同期限（月）", field="contract_months")
        return calc.probation_limit(contract_months=None if open_ended else (int(months) if str(months).isdigit() else 0),
                                    task_based=data.get("term") == "task")
    if kind == "maternity":
        miscarriage = data.get("miscarriage_months", "")
        babies = data.get("babies") or "1"
        if not str(babies).isdigit():
            raise ValidationFailed("invalid", "婴儿数应为整数", field="babies")
        return calc.maternity_leave(babies=int(babies), difficult_birth=data.get("difficult") == "1",
                                    division_code=data.get("division_code", ""),
                                    miscarriage_months=int(miscarriage) if str(miscarriage).isdigit() else None)
    raise ValidationFailed("invalid", "未知的计算器", field="kind")


def calculators(request):
    kind = request.GET.get("kind", "severance")
    if kind not in CALCULATORS:
        kind = "severance"
    errors = FormErrors(fields=["start", "end", "monthly_wage", "local_average_wage", "reason", "last_month_wage",
                                "workday_hours", "restday_hours", "holiday_hours", "cumulative_years", "days_taken",
                                "contract_months", "babies", "division_code", "miscarriage_months"])
    result = None
    if request.GET.get("go"):
        with errors.capture():
            result = run(kind, request.GET)
    return render(request, "legal/calculators.html", {
        "kind": kind, "calculators": CALCULATORS, "values": request.GET, "errors": errors, "result": result,
        "cited": cited_articles(result.articles) if result else [],
        "reason_options": list(calc.REASONS.items()),
        "term_options": [("fixed", "固定期限"), ("open", "无固定期限"), ("task", "以完成一定工作任务为期限")],
    })
