"""Files that leave the system: the bank's payment file (full accounts, for the bank only, logged), the same
list masked for staff, and the public notice list (names partly masked, never 身份证号 or household details)."""

import csv
import io
from decimal import Decimal, InvalidOperation

import xlsxwriter
from django.utils import timezone

from zhijia.core.pii import mask_bank_account, mask_name

from .models import Application, ApplicationStatus, DisbursementBatch, FileStatus, HardshipFile

# The columns a bank's 代发 (batch credit) template asks for; 业务参考号 is the payment's idempotency key, so the
# bank's result file can be matched back one to one.
BANK_COLUMNS = ["序号", "收款人账号", "收款人户名", "开户银行", "金额", "用途", "业务参考号"]
NOTICE_COLUMNS = ["序号", "姓名", "所在工会", "项目", "金额（元）"]


def _bank_rows(batch: DisbursementBatch, *, masked: bool):
    purpose = batch.campaign.name[:20]
    payments = batch.payments.order_by("id").only("id", "idempotency_key", "payee_name", "bank_name", "bank_account",
                                                  "amount")
    for number, payment in enumerate(payments.iterator(chunk_size=5000), start=1):
        account = payment.bank_account or ""
        yield [number, mask_bank_account(account) if masked else account, payment.payee_name, payment.bank_name,
               f"{payment.amount:.2f}", purpose, payment.idempotency_key]


def bank_file(batch: DisbursementBatch, *, fmt: str = "csv", masked: bool = False) -> tuple[bytes, str, str]:
    """(content, content type, file name). CSV in UTF-8 with BOM (what Chinese Excel and bank portals open)."""
    name = f"{batch.number}{'-核对' if masked else ''}"
    if fmt == "xlsx":
        buffer = io.BytesIO()
        book = xlsxwriter.Workbook(buffer, {"in_memory": True, "constant_memory": True})
        sheet = book.add_worksheet("代发明细")
        sheet.write_row(0, 0, BANK_COLUMNS, book.add_format({"bold": True}))
        text = book.add_format({"num_format": "@"})
        for row_number, row in enumerate(_bank_rows(batch, masked=masked), start=1):
            sheet.write_row(row_number, 0, row, text)
        sheet.set_column(1, 1, 24)
        sheet.set_column(6, 6, 16)
        book.close()
        return (buffer.getvalue(), "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
                f"{name}.xlsx")
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(BANK_COLUMNS)
    writer.writerows(_bank_rows(batch, masked=masked))
    return ("\ufeff" + out.getvalue()).encode("utf-8"), "text/csv; charset=utf-8", f"{name}.csv"


def read_result_file(data: bytes, filename: str) -> list[dict]:
    """The bank's answer: rows with 业务参考号, 结果 (成功/失败/退回), 原因, 银行流水号 — CSV or xlsx."""
    if filename.lower().endswith(".xlsx"):
        from openpyxl import load_workbook

        sheet = load_workbook(io.BytesIO(data), read_only=True).active
        rows = [[("" if cell is None else str(cell)) for cell in row] for row in sheet.iter_rows(values_only=True)]
    else:
        rows = list(csv.reader(io.StringIO(data.decode("utf-8-sig"))))
    if not rows:
        return []
    header = [column.strip() for column in rows[0]]
    names = {"业务参考号": "key", "结果": "result", "原因": "reason", "失败原因": "reason", "银行流水号": "reference"}
    keys = [names.get(column, column) for column in header]
    return [dict(zip(keys, row)) for row in rows[1:] if any(cell.strip() for cell in row)]


def notice_rows(applications) -> list[list]:
    """The public list for approved applications: masked name, union, campaign, amount."""
    return [[number, mask_name(a.name), a.union.name, a.campaign.name, f"{a.amount:.2f}"]
            for number, a in enumerate(applications, start=1)]


def notice_applications(campaign):
    return Application.objects.filter(campaign=campaign, status=ApplicationStatus.APPROVED) \
        .select_related("union", "campaign").order_by("union__path", "id")


def notice_files(union):
    """Files in their public notice period under a union: masked name, union, category, notice dates."""
    return HardshipFile.objects.filter(status=FileStatus.NOTICE, union__path__startswith=union.path) \
        .select_related("union").order_by("notice_end", "id")


def as_number(value):
    """A figure kept as text ("333.33" in JSON) as a number a spreadsheet can sum; anything else unchanged."""
    try:
        return float(Decimal(str(value)))
    except (InvalidOperation, ValueError):
        return value


def notice_xlsx(rows: list[list], *, title: str) -> bytes:
    buffer = io.BytesIO()
    book = xlsxwriter.Workbook(buffer, {"in_memory": True})
    sheet = book.add_worksheet("公示名单")
    sheet.write(0, 0, title, book.add_format({"bold": True, "font_size": 14}))
    sheet.write_row(1, 0, NOTICE_COLUMNS, book.add_format({"bold": True}))
    money = book.add_format({"num_format": "0.00"})
    for row_number, row in enumerate(rows, start=2):
        sheet.write_row(row_number, 0, row[:-1])
        sheet.write(row_number, len(row) - 1, as_number(row[-1]), money)  # 金额: a number Excel can total
    sheet.write(len(rows) + 3, 0, f"生成时间：{timezone.localtime():%Y-%m-%d %H:%M}")
    sheet.set_column(2, 3, 30)
    book.close()
    return buffer.getvalue()
