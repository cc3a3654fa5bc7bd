"""Member roll export to .xlsx (会员名册导出): one union subtree, the member list's filters, PII masked by default.

The sheet is streamed from the database into xlsxwriter's constant-memory mode, so memory stays flat
whatever the size of the subtree. Every export is audited with its filter, row count and PII level.
"""

import os
import tempfile
from dataclasses import dataclass
from typing import BinaryIO

from django.utils import timezone

from zhijia.core import audit
from zhijia.core.errors import ErrorCode, PermissionDenied, ValidationFailed
from zhijia.core.pii import mask_id_number, mask_phone
from zhijia.org.models import Union

from .models import MemberStatus, NewFormType
from .permissions import member_policy
from .selectors import member_list
from .services import _UnionRef

HEADERS = [
    "会员号", "姓名", "性别", "出生日期", "身份证号", "手机号码", "工作单位",
    "所属工会", "入会日期", "会籍状态", "是否农民工", "新就业形态类型",
]
WIDTHS = [14, 10, 6, 12, 22, 15, 28, 30, 12, 10, 11, 14]
CHUNK = 2000
_GENDERS = {"M": "男", "F": "女"}
_STATUSES = dict(MemberStatus.choices)
_NEW_FORMS = dict(NewFormType.choices)


@dataclass
class ExportFile:
    """An open, already unlinked .xlsx file: hand it to a FileResponse, which closes it."""

    file: BinaryIO
    filename: str
    rows: int
    full_pii: bool


def may_export_full_pii(*, actor, union: Union) -> bool:
    return member_policy.can(actor, "export_pii", _UnionRef(union))


def _masked_query(query: str) -> str:
    """The search term as it goes into the audit trail: an ID number or phone is masked there too."""
    query = (query or "").strip()
    if len(query) == 18:
        return mask_id_number(query.upper())
    if len(query) == 11 and query.isdigit():
        return mask_phone(query)
    return query[:100]


def member_export(*, actor, union: Union, query: str = "", status: str = "", full_pii: bool = False) -> ExportFile:
    """Export the members of `union`'s subtree that the actor may export, filtered like the member list.

    Raises:
        NotFound: the union is outside the actor's reach.
        PermissionDenied: the actor may not export here, or asked for full PII without the right to it.
        ValidationFailed: an unknown status filter.
    """
    ref = _UnionRef(union)
    member_policy.require(actor, "export", ref)
    if full_pii and not may_export_full_pii(actor=actor, union=union):
        raise PermissionDenied("您无权导出完整的身份证号和手机号码，请取消勾选后导出（号码将部分隐藏）")
    if status and status not in MemberStatus.values:
        raise ValidationFailed(ErrorCode.INVALID, "会籍状态无效", field="status")
    members = (
        member_list(actor=actor, union=union, query=query, status=status, sort="member_no", action="export")
        .only(
            "member_no", "name", "gender", "birth_date", "id_number", "phone", "employer", "union__name",
            "joined_on", "status", "is_migrant_worker", "new_form_type",
        )
    )
    filename = f"会员名册-{union.name}-{timezone.localdate():%Y%m%d}.xlsx"
    descriptor, path = tempfile.mkstemp(prefix="zhijia-export-", suffix=".xlsx")
    os.close(descriptor)
    try:
        rows = _write(path, members, full_pii=full_pii)
        handle = open(path, "rb")  # noqa: SIM115 — handed to the response, which closes it
    finally:
        os.unlink(path)  # the open handle keeps the data readable; nothing is left on disk
    audit.record(
        actor=actor,
        action="member.export",
        union=union,
        object_type="org.union",
        object_id=union.pk,
        object_repr=f"导出{union.name}会员名册",
        after={
            "union_id": union.pk,
            "query": _masked_query(query),
            "status": status,
            "rows": rows,
            "full_pii": bool(full_pii),
        },
    )
    return ExportFile(file=handle, filename=filename, rows=rows, full_pii=bool(full_pii))


def _write(path: str, members, *, full_pii: bool) -> int:
    import xlsxwriter

    workbook = xlsxwriter.Workbook(path, {"constant_memory": True, "tmpdir": tempfile.gettempdir()})
    try:
        sheet = workbook.add_worksheet("会员名册")
        bold = workbook.add_format({"bold": True, "bg_color": "#FDEAEA"})
        date = workbook.add_format({"num_format": "yyyy-mm-dd"})
        for column, width in enumerate(WIDTHS):
            sheet.set_column(column, column, width)
        sheet.freeze_panes(1, 0)
        sheet.write_row(0, 0, HEADERS, bold)
        row = 0
        for member in members.iterator(chunk_size=CHUNK):
            row += 1
            id_number = member.id_number if full_pii else mask_id_number(member.id_number or "")
            phone = member.phone if full_pii else mask_phone(member.phone or "")
            sheet.write_string(row, 0, member.member_no)
            sheet.write_string(row, 1, member.name)
            sheet.write_string(row, 2, _GENDERS.get(member.gender, ""))
            sheet.write_datetime(row, 3, member.birth_date, date)
            sheet.write_string(row, 4, id_number)
            sheet.write_string(row, 5, phone)
            sheet.write_string(row, 6, member.employer)
            sheet.write_string(row, 7, member.union.name)
            sheet.write_datetime(row, 8, member.joined_on, date)
            sheet.write_string(row, 9, _STATUSES.get(member.status, member.status))
            sheet.write_string(row, 10, "是" if member.is_migrant_worker else "否")
            sheet.write_string(row, 11, _NEW_FORMS.get(member.new_form_type, ""))
    finally:
        workbook.close()
    return row
