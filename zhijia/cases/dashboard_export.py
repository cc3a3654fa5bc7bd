"""The dashboard as an .xlsx workbook: an overview sheet and one sheet per breakdown. Only counts, labels and
employer names leave the system — no complainant names, phones or ticket contents — and every export is
recorded in the audit log with the filters used."""

import datetime
from io import BytesIO

from zhijia.core import audit
from zhijia.org.models import Union

from . import services  # noqa: F401  (registers the ticket.* audit actions, "ticket.export" among them)
from .stats import dashboard

SHEETS = [
    ("类型", "诉求类型", "by_type"),
    ("类别", "问题类别", "by_topic"),
    ("状态", "状态", "by_status"),
]


def _rate_text(rate: dict) -> str:
    return "—" if rate["percent"] is None else f"{rate['percent']}%"


def dashboard_export(*, actor, union: Union, date_from: datetime.date, date_to: datetime.date) -> tuple[bytes, str]:
    """Build the workbook for the actor's view of `union`; returns (content, file name).

    Raises:
        PermissionDenied, ValidationFailed: as `stats.dashboard`.
    """
    import xlsxwriter

    figures = dashboard(actor=actor, union=union, date_from=date_from, date_to=date_to)
    buffer = BytesIO()
    workbook = xlsxwriter.Workbook(buffer, {"in_memory": True})
    head = workbook.add_format({"bold": True, "bg_color": "#FDEAEA"})

    def table(name: str, header: list[str], rows: list[list], widths: list[int]):
        sheet = workbook.add_worksheet(name)
        sheet.write_row(0, 0, header, head)
        for index, width in enumerate(widths):
            sheet.set_column(index, index, width)
        for row_index, row in enumerate(rows, start=1):
            for col, value in enumerate(row):
                # Names are written as text so a leading "=" can never become a formula.
                if isinstance(value, (int, float)):
                    sheet.write_number(row_index, col, value)
                else:
                    sheet.write_string(row_index, col, str(value))
        sheet.freeze_panes(1, 0)

    on_time, satisfaction = figures["on_time"], figures["satisfaction"]
    table(
        "概览",
        ["指标", "数值", "分子", "分母"],
        [
            ["工会", figures["union_name"], "", ""],
            ["统计区间", f"{figures['date_from']:%Y-%m-%d} 至 {figures['date_to']:%Y-%m-%d}", "", ""],
            ["统计日期", f"{figures['today']:%Y-%m-%d}", "", ""],
            ["受理工单", figures["total"], "", ""],
            ["未结案工单（含已办结待回访）", figures["open"], "", ""],
            ["当前超期", figures["overdue"], "", ""],
            ["按期办结率", _rate_text(on_time), on_time["numerator"], on_time["denominator"]],
            ["满意率", _rate_text(satisfaction), satisfaction["numerator"], satisfaction["denominator"]],
        ],
        [14, 30, 10, 10],
    )
    for sheet_name, label, key in SHEETS:
        table(sheet_name, [label, "工单数"], [[row["label"], row["count"]] for row in figures[key]], [18, 10])
    period = "日期" if figures["granularity"] == "day" else "月份"
    table("趋势", [period, "受理工单数"], [[row["label"], row["count"]] for row in figures["trend"]], [12, 12])
    table(
        "单位排行",
        ["排名", "用人单位", "工单数"],
        [[rank, row["employer_name"], row["count"]] for rank, row in enumerate(figures["top_employers"], start=1)],
        [6, 40, 10],
    )
    workbook.close()

    audit.record(
        actor=actor,
        action="ticket.export",
        union=union,
        object_type="cases.dashboard",
        object_repr=f"维权统计：{union.name}",
        after={
            "export": "dashboard",
            "union_id": union.pk,
            "date_from": figures["date_from"].isoformat(),
            "date_to": figures["date_to"].isoformat(),
        },
    )
    filename = f"维权统计_{union.name}_{figures['date_from']:%Y%m%d}-{figures['date_to']:%Y%m%d}.xlsx"
    return buffer.getvalue(), filename
