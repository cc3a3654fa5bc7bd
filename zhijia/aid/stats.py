"""Hardship-aid reports (帮扶统计) over a union's subtree: households on file by category and cause, money paid
by campaign, month and union, applications by status per campaign, and the same figures as a workbook.

Every figure is a GROUP BY (or a conditional count) in the database, so the cost is a handful of queries however
many files a province holds; Python only pivots the grouped rows. Money comes from the append-only ledger: what
reached people is the `paid` entries less the `reversal` entries (退汇), each dated when it was booked, so the
three money breakdowns of a year add up to the same total.
"""

import datetime
from decimal import Decimal
from io import BytesIO

from django.db.models import Count, DateField, Q, Sum, TextField
from django.db.models.functions import Cast, TruncMonth
from django.utils import timezone

from zhijia.core import audit
from zhijia.core.errors import ErrorCode, NotFound, ValidationFailed
from zhijia.core.policy import AtUnion, union_in_reach
from zhijia.org.models import Union

from .models import (
    Application,
    ApplicationStatus,
    Cause,
    FileStatus,
    HardshipCategory,
    HardshipFile,
    LedgerEntry,
    LedgerKind,
)
from .models.campaigns import CampaignKind
from .permissions import campaign_policy, file_policy

audit.register("aid.report_export", "导出帮扶统计")

FIRST_YEAR = 2000
CATEGORIES = [c for c in HardshipCategory if c != HardshipCategory.NONE]
IN_PROCESS = (FileStatus.SUBMITTED, FileStatus.VISITED, FileStatus.NOTICE, FileStatus.REVIEW, FileStatus.RETURNED)
ZERO = Decimal("0.00")


def report_union(*, actor, union_id: int | str | None) -> Union:
    """The union the report is about (see core.policy.union_in_reach)."""
    return union_in_reach(actor=actor, policy=campaign_policy, action="report", union_id=union_id)


def clean_year(value, *, today: datetime.date | None = None) -> int:
    """The report year from a query string: this year when empty; refuses anything outside 2000 … next year."""
    today = today or timezone.localdate()
    raw = str(value if value is not None else "").strip()
    if not raw:
        return today.year
    if not raw.isdigit() or not FIRST_YEAR <= int(raw) <= today.year + 1:
        raise ValidationFailed(ErrorCode.INVALID, f"年度应为 {FIRST_YEAR} 到 {today.year + 1} 之间的年份", field="year")
    return int(raw)


def _year_bounds(year: int) -> tuple[datetime.datetime, datetime.datetime]:
    start = timezone.make_aware(datetime.datetime(year, 1, 1))
    return start, timezone.make_aware(datetime.datetime(year + 1, 1, 1))


def _in_subtree(queryset, union: Union):
    return queryset.filter(union__path__startswith=union.path)


def _files(actor, union: Union, year: int) -> dict:
    start, end = _year_bounds(year)
    files = _in_subtree(file_policy.scope(actor, "list", HardshipFile.objects.all()), union).order_by()
    rows = {
        row["category"]: row
        for row in files.values("category").annotate(
            on_file=Count("id", filter=Q(status=FileStatus.ACTIVE)),
            review_due=Count("id", filter=Q(status=FileStatus.ACTIVE, review_due=True)),
            approved=Count("id", filter=Q(approved_at__gte=start, approved_at__lt=end)),
            in_process=Count("id", filter=Q(status__in=IN_PROCESS)),
        )
    }
    empty = {"on_file": 0, "review_due": 0, "approved": 0, "in_process": 0}
    by_category = [{"key": c.value, "label": c.label, **{k: rows.get(c.value, empty)[k] for k in empty}}
                   for c in CATEGORIES]
    if rows.get(HardshipCategory.NONE, empty)["on_file"]:  # re-assessed as no longer qualifying, not yet exited
        by_category.append({"key": HardshipCategory.NONE.value, "label": "复核已不符合（待脱困）",
                            **{k: rows[HardshipCategory.NONE][k] for k in empty}})
    # `causes` is a JSON list. Its text form holds each chosen cause as a quoted token ("illness") on SQLite
    # and PostgreSQL alike, so one conditional count per cause counts each file once per cause it names.
    active = files.filter(status=FileStatus.ACTIVE).annotate(causes_text=Cast("causes", TextField()))
    counts = active.aggregate(
        households=Count("id"),
        **{f"cause_{c.value}": Count("id", filter=Q(causes_text__contains=f'"{c.value}"')) for c in Cause},
    )
    by_cause = [{"key": c.value, "label": c.label, "count": counts[f"cause_{c.value}"]} for c in Cause]
    return {
        "by_category": by_category,
        "by_cause": by_cause,
        "on_file": sum(row["on_file"] for row in by_category),
        "review_due": sum(row["review_due"] for row in by_category),
        "approved": sum(row["approved"] for row in by_category),
        "in_process": sum(row["in_process"] for row in by_category),
        "households": counts["households"],
    }


def _money_sums():
    return {
        "paid": Sum("amount", filter=Q(kind=LedgerKind.PAID), default=ZERO),
        "reversed": Sum("amount", filter=Q(kind=LedgerKind.REVERSAL), default=ZERO),
        "net": Sum("amount", default=ZERO),
        "count": Count("id", filter=Q(kind=LedgerKind.PAID)),
    }


def _money_row(row: dict, **extra) -> dict:
    # reversals are booked as negative amounts; the tables show how much came back as a positive figure
    return {**extra, "paid": row["paid"], "reversed": ZERO - row["reversed"], "net": row["net"], "count": row["count"]}


def _money(actor, union: Union, year: int) -> dict:
    start, end = _year_bounds(year)
    ledger = _in_subtree(campaign_policy.scope(actor, "report", LedgerEntry.objects.filter(
        kind__in=(LedgerKind.PAID, LedgerKind.REVERSAL), at__gte=start, at__lt=end)), union).order_by()

    by_campaign = [
        _money_row(row, id=row["campaign_id"], label=row["campaign__name"],
                   kind=CampaignKind(row["campaign__kind"]).label)
        for row in ledger.values("campaign_id", "campaign__name", "campaign__kind").annotate(**_money_sums())
    ]
    by_campaign.sort(key=lambda row: (-row["net"], row["id"]))

    months = {}
    for row in ledger.annotate(month=TruncMonth("at", output_field=DateField())).values("month") \
            .annotate(**_money_sums()):
        month = row["month"]
        month = month.date() if isinstance(month, datetime.datetime) else month
        months[(month.year, month.month)] = row
    empty = {"paid": ZERO, "reversed": ZERO, "net": ZERO, "count": 0}
    by_month = [_money_row(months.get((year, m), empty), month=m, label=f"{year}-{m:02d}") for m in range(1, 13)]

    by_union = _roll_up(union, ledger.values("union__path").annotate(**_money_sums()))
    total = {key: sum((row[key] for row in by_month), ZERO) for key in ("paid", "reversed", "net")}
    total["count"] = sum(row["count"] for row in by_month)
    return {"by_campaign": by_campaign, "by_month": by_month, "by_union": by_union, "total": total}


def _roll_up(union: Union, rows) -> list[dict]:
    """Sums per union path folded into the unions directly below `union` (and 本级 for `union` itself);
    one row per union that has money, never per payment."""
    children = {str(pk): name for pk, name in Union.objects.filter(parent=union).values_list("id", "name")}
    folded: dict[str, dict] = {}
    for row in rows:
        child = row["union__path"][len(union.path):].split("/", 1)[0]  # "/1/2/" + "3/15/" -> "3"
        key = child if child in children else ""
        into = folded.setdefault(key, {"paid": ZERO, "reversed": ZERO, "net": ZERO, "count": 0})
        for measure in into:
            into[measure] += row[measure]
    result = [_money_row(sums, id=int(key) if key else union.pk,
                         label=children[key] if key else f"{union.name}（本级）") for key, sums in folded.items()]
    result.sort(key=lambda row: (-row["net"], row["label"]))
    return result


def _applications(actor, union: Union, year: int) -> dict:
    applications = _in_subtree(campaign_policy.scope(actor, "report", Application.objects.filter(
        campaign__year=year)), union).order_by()
    campaigns: dict[int, dict] = {}
    for row in applications.values("campaign_id", "campaign__name", "status").annotate(
            n=Count("id"), amount=Sum("amount", default=ZERO)):
        campaign = campaigns.setdefault(row["campaign_id"], {
            "id": row["campaign_id"], "label": row["campaign__name"], "total": 0, "approved_amount": ZERO,
            "counts": dict.fromkeys(ApplicationStatus.values, 0)})
        campaign["counts"][row["status"]] += row["n"]
        campaign["total"] += row["n"]
        if row["status"] == ApplicationStatus.APPROVED:
            campaign["approved_amount"] += row["amount"]
    rows = sorted(campaigns.values(), key=lambda row: row["id"], reverse=True)
    for row in rows:
        row["by_status"] = [row["counts"][status] for status in ApplicationStatus.values]
    return {
        "statuses": [{"key": s.value, "label": s.label} for s in ApplicationStatus],
        "by_campaign": rows,
        "total": sum(row["total"] for row in rows),
        "approved": sum(row["counts"][ApplicationStatus.APPROVED] for row in rows),
    }


def report(*, actor, union: Union, year: int) -> dict:
    """The figures of `union`'s subtree that the actor may see, for `year`:

    - files: households on file (在档) now, by category and by cause (a household counts once under each cause
      it names, so the causes add up to more than the households), files approved in the year, files in process;
    - money: paid less reversals booked in the year, by campaign, by month and by the unions directly below;
    - applications: per campaign of that year (the campaign's 年度), counts by status and the approved amount.

    Raises:
        PermissionDenied: the actor may not see reports at all.
        NotFound: `union` is outside what the actor may report on.
    """
    campaign_policy.require(actor, "report")
    if not campaign_policy.can(actor, "report", AtUnion(union)):
        raise NotFound(field="union")
    return {
        "union_id": union.pk,
        "union_name": union.name,
        "year": year,
        "today": timezone.localdate(),
        "files": _files(actor, union, year),
        "money": _money(actor, union, year),
        "applications": _applications(actor, union, year),
    }


# ---- The workbook -----------------------------------------------------------------------------------------


def _tables(figures: dict) -> list[tuple[str, list[str], list[list]]]:
    """(sheet name, header, rows) for every table the page shows, in the same order."""
    files, money, applications = figures["files"], figures["money"], figures["applications"]
    year = figures["year"]

    def money_cells(row):
        return [row["count"], row["paid"], row["reversed"], row["net"]]

    money_head = ["到账笔数", "到账金额（元）", "退汇冲正（元）", "净发放（元）"]
    return [
        ("困难类别", ["困难类别", "在档户数", "其中待复核", f"{year}年批准建档", "建档办理中"],
         [[r["label"], r["on_file"], r["review_due"], r["approved"], r["in_process"]] for r in files["by_category"]]
         + [["合计", files["on_file"], files["review_due"], files["approved"], files["in_process"]]]),
        ("致困原因", ["致困原因", "在档户数"],
         [[r["label"], r["count"]] for r in files["by_cause"]] + [["在档总户数（一户可有多项原因）", files["households"]]]),
        ("按活动发放", ["活动", "类型", *money_head],
         [[r["label"], r["kind"], *money_cells(r)] for r in money["by_campaign"]]
         + [["合计", "", *money_cells(money["total"])]]),
        ("按月发放", ["月份", *money_head],
         [[r["label"], *money_cells(r)] for r in money["by_month"]] + [["合计", *money_cells(money["total"])]]),
        ("按工会发放", ["工会", *money_head],
         [[r["label"], *money_cells(r)] for r in money["by_union"]] + [["合计", *money_cells(money["total"])]]),
        ("申请状态", ["活动", *[s["label"] for s in applications["statuses"]], "合计", "批准金额（元）"],
         [[r["label"], *r["by_status"], r["total"], r["approved_amount"]] for r in applications["by_campaign"]]),
    ]


def report_xlsx(*, actor, union: Union, year: int) -> tuple[bytes, str]:
    """Every table of the report as a sheet, for the actor's view of `union`; returns (content, file name).
    Only counts, sums, campaign and union names leave the system. Each export is recorded in the audit log."""
    import xlsxwriter

    figures = report(actor=actor, union=union, year=year)
    buffer = BytesIO()
    book = xlsxwriter.Workbook(buffer, {"in_memory": True})
    head = book.add_format({"bold": True, "bg_color": "#FDEAEA"})
    yuan = book.add_format({"num_format": "#,##0.00"})
    title = book.add_format({"bold": True, "font_size": 13})
    for name, header, rows in _tables(figures):
        sheet = book.add_worksheet(name)
        sheet.write_string(0, 0, f"{figures['union_name']} {year}年帮扶统计 · {name}", title)
        sheet.write_row(1, 0, header, head)
        sheet.set_column(0, 0, 28)
        sheet.set_column(1, len(header) - 1, 14)
        for row_index, row in enumerate(rows, start=2):
            for col, value in enumerate(row):
                if isinstance(value, Decimal):
                    sheet.write_number(row_index, col, float(value), yuan)
                elif isinstance(value, int):
                    sheet.write_number(row_index, col, value)
                else:  # names as text, so a leading "=" never becomes a formula
                    sheet.write_string(row_index, col, str(value))
        sheet.write_string(len(rows) + 3, 0, f"统计日期：{figures['today']:%Y-%m-%d}")
        sheet.freeze_panes(2, 0)
    book.close()
    audit.record(actor=actor, action="aid.report_export", union=union, object_type="aid.report",
                 object_id=union.pk, object_repr=f"帮扶统计：{union.name} {year}年",
                 after={"export": "report", "union_id": union.pk, "year": year})
    return buffer.getvalue(), f"帮扶统计_{union.name}_{year}.xlsx"
