"""Ticket lists as .xlsx: what the list page shows, with the complainant masked (name and phone) and no
description text — enough to work the list in Excel, nothing a spreadsheet should not carry around."""

import io

import xlsxwriter
from django.utils import timezone

from zhijia.core import audit

from .models import Ticket

COLUMNS = ["工单号", "状态", "诉求类型", "问题类别", "来源", "复杂程度", "用人单位", "所在地区", "行政区划代码", "涉及人数",
           "诉求人", "联系电话", "承办工会", "本环节期限", "办结期限", "满意度", "受理时间", "办结时间"]
MAX_ROWS = 100_000


def _row(ticket: Ticket) -> list:
    local = timezone.localtime
    return [
        ticket.number, ticket.get_status_display(), ticket.get_type_display(), ticket.get_topic_display(),
        ticket.get_channel_display(), ticket.get_complexity_display(), ticket.employer_name, ticket.division_name,
        ticket.division_code,
        ticket.workers_affected, ticket.masked_name, ticket.masked_phone, ticket.union.name,
        ticket.step_due_on.isoformat() if ticket.step_due_on else "", ticket.due_on.isoformat() if ticket.due_on else "",
        ticket.get_rating_display() if ticket.rating else "", local(ticket.created_at).strftime("%Y-%m-%d %H:%M"),
        local(ticket.resolved_at).strftime("%Y-%m-%d %H:%M") if ticket.resolved_at else "",
    ]


def tickets_xlsx(*, actor, tickets, filters: dict, union=None) -> tuple[bytes, int]:
    """Write the (already scoped) tickets; the export itself is audited with its filters and row count."""
    buffer = io.BytesIO()
    book = xlsxwriter.Workbook(buffer, {"in_memory": True, "constant_memory": True})
    sheet = book.add_worksheet("维权工单")
    bold = book.add_format({"bold": True})
    sheet.write_row(0, 0, COLUMNS, bold)
    count = 0
    for count, ticket in enumerate(tickets[:MAX_ROWS].iterator(chunk_size=2000), start=1):
        sheet.write_row(count, 0, _row(ticket))
    sheet.set_column(0, 0, 18)
    sheet.set_column(6, 6, 28)
    sheet.set_column(11, 11, 24)
    book.close()
    audit.record(actor=actor, action="ticket.export", union=union, object_type="cases.ticket", object_id="",
                 object_repr="维权工单导出", after={"rows": count, "filters": filters})
    return buffer.getvalue(), count
