"""Bulk member import from .xlsx: the template, upload checks, row validation and the batched write.

An upload is checked by content (ZIP magic, an xlsx package, the header row) before a job is queued;
the job then runs as a background task (tasks.py): it validates every row with the same validators as
the single-member forms, then writes all accepted rows in one transaction, so a crash leaves nothing.
"""

import datetime
import logging
import posixpath
import time
import uuid
import zipfile
from dataclasses import dataclass
from io import BytesIO
from xml.etree import ElementTree

from django.conf import settings
from django.db import IntegrityError, connection, transaction
from django.db.models import QuerySet
from django.utils import timezone
from python_calamine import CalamineError, CalamineWorkbook

from zhijia.core import audit
from zhijia.core.errors import ErrorCode, ValidationFailed
from zhijia.core.pii import lookup_hash
from zhijia.core.validators import id_number_gender
from zhijia.org.models import MEMBER_KINDS, Status, Union

from .models import (
    HOLDING_STATUSES,
    ImportJob,
    ImportMode,
    ImportStatus,
    Member,
    MemberChange,
    MemberStatus,
    NewFormType,
)
from .permissions import MemberPolicy, member_policy
from .services import (
    PersonData,
    _require_accepting,
    _UnionRef,
    allocate_member_numbers,
    clean_person,
    duplicate_error,
)

logger = logging.getLogger(__name__)

SHEET_NAME = "会员信息"
HEADERS = ["姓名", "身份证号", "手机号码", "工作单位", "入会日期", "是否农民工", "新就业形态类型"]
FIELD_HEADERS = {
    "name": "姓名",
    "id_number": "身份证号",
    "phone": "手机号码",
    "employer": "工作单位",
    "joined_on": "入会日期",
    "is_migrant_worker": "是否农民工",
    "new_form_type": "新就业形态类型",
}
YES, NO = "是", "否"
_YES_VALUES = {YES, "Y", "YES", "TRUE", "1", "√"}
_NO_VALUES = {NO, "N", "NO", "FALSE", "0", ""}
_NEW_FORM_BY_TEXT = {**{label: value for value, label in NewFormType.choices}, **{v: v for v in NewFormType.values}}
_DATE_FORMATS = ("%Y-%m-%d", "%Y/%m/%d", "%Y.%m.%d", "%Y年%m月%d日", "%Y%m%d", "%Y-%m-%d %H:%M:%S")
_EXCEL_EPOCH = datetime.date(1899, 12, 30)

# Rows validated between two progress updates / existing-member lookups, and rows per INSERT.
CHECK_BATCH = 2000
WRITE_BATCH = 2000
# A package that inflates past this is refused before parsing (zip bombs).
MAX_UNZIPPED_BYTES = 1024 * 1024 * 1024
# Every accepted row is held in memory between validation and the write; this bounds it.
MAX_ROWS = getattr(settings, "IMPORT_MAX_ROWS", 200_000)
# Multipart framing around the file; a request longer than the limit plus this is refused unread.
REQUEST_OVERHEAD_BYTES = 64 * 1024


class _ImportUnionPolicy(MemberPolicy):
    """The member policy's table applied to unions themselves, to list the unions a user may import into
    or export from (same roles and reach as acting on members of those unions)."""

    union_fields = ("",)
    owner_field = None


_union_policy = _ImportUnionPolicy()


def import_target_unions(*, actor) -> QuerySet:
    """Unions the actor may import members into: in scope and accepting members directly."""
    qs = Union.objects.filter(status=Status.ACTIVE, kind__in=MEMBER_KINDS)
    return _union_policy.scope(actor, "import", qs).order_by("path")


def export_source_unions(*, actor) -> QuerySet:
    """Unions whose subtree the actor may export."""
    return _union_policy.scope(actor, "export", Union.objects.exclude(status=Status.DISSOLVED)).order_by("path")


# ---- The template ----------------------------------------------------------------------------


def build_template() -> bytes:
    """The import template: header row, text-formatted ID/phone columns, drop-down lists, instructions."""
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Font, PatternFill
    from openpyxl.worksheet.datavalidation import DataValidation

    workbook = Workbook()
    sheet = workbook.active
    sheet.title = SHEET_NAME
    sheet.append(HEADERS)
    bold, fill = Font(bold=True), PatternFill("solid", fgColor="FDEAEA")
    for cell in sheet[1]:
        cell.font, cell.fill, cell.alignment = bold, fill, Alignment(horizontal="center")
    widths = {"A": 12, "B": 22, "C": 15, "D": 28, "E": 13, "F": 11, "G": 16}
    for letter, width in widths.items():
        sheet.column_dimensions[letter].width = width
    # 18-digit numbers lose their last digits as Excel numbers: keep ID and phone columns as text.
    sheet.column_dimensions["B"].number_format = "@"
    sheet.column_dimensions["C"].number_format = "@"
    sheet.column_dimensions["E"].number_format = "yyyy-mm-dd"
    sheet.freeze_panes = "A2"

    last = 1048576
    yes_no = DataValidation(
        type="list", formula1=f'"{YES},{NO}"', allow_blank=True, showErrorMessage=True,
        errorTitle="是否农民工", error="请从下拉列表中选择“是”或“否”",
    )
    yes_no.add(f"F2:F{last}")
    new_form = DataValidation(
        type="list", formula1='"' + ",".join(NewFormType.labels) + '"', allow_blank=True, showErrorMessage=True,
        errorTitle="新就业形态类型", error="请从下拉列表中选择，不属于新就业形态的请留空",
    )
    new_form.add(f"G2:G{last}")
    joined = DataValidation(
        type="date", operator="lessThanOrEqual", formula1="TODAY()", allow_blank=True, showErrorMessage=True,
        errorTitle="入会日期", error="请填写不晚于今天的日期，如 2024-03-01",
    )
    joined.add(f"E2:E{last}")
    for validation in (yes_no, new_form, joined):
        sheet.add_data_validation(validation)

    notes = workbook.create_sheet("填写说明")
    notes.column_dimensions["A"].width = 100
    lines = [
        "会员批量导入模板 · 填写说明",
        "",
        "1. 请在“会员信息”工作表中从第2行开始每行填写一名会员，不要修改或删除第1行表头。",
        "2. 姓名、身份证号、手机号码为必填项。",
        "3. 身份证号须为18位，最后一位可以是X；请保持该列为“文本”格式，否则Excel会丢失末尾数字。",
        "4. 手机号码为11位大陆手机号。",
        "5. 入会日期格式如 2024-03-01，不能晚于今天；留空则按导入当天计。",
        "6. 是否农民工：从下拉列表选择“是”或“否”，留空视为“否”。",
        "7. 新就业形态类型：" + "、".join(NewFormType.labels) + "；不属于新就业形态的请留空。",
        "8. 一人只能在一个工会入会：已是其他工会会员的人员、同一文件中重复的身份证号都会被报告为错误。",
        "9. 导入方式可选“全部正确才导入”（有任何错误则本次不导入）或“只导入正确的行”。",
        f"10. 文件不超过 {settings.IMPORT_MAX_UPLOAD_BYTES // (1024 * 1024)} MB，不超过 {MAX_ROWS} 行。",
        "",
        "示例：张三 | 110101199003071234 | 13800138000 | 苏州精工机械有限公司 | 2024-03-01 | 否 | （留空）",
    ]
    for line in lines:
        notes.append([line])
    notes["A1"].font = Font(bold=True, size=14)

    buffer = BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


# ---- Upload checks -----------------------------------------------------------------------------


def _too_large(message: str | None = None) -> ValidationFailed:
    limit = settings.IMPORT_MAX_UPLOAD_BYTES
    return ValidationFailed(
        ErrorCode.UPLOAD_TOO_LARGE,
        message or f"文件过大：不能超过 {limit / (1024 * 1024):.0f} MB，请拆分后分批导入",
        field="file",
        status=413,
    )


def _not_xlsx(detail: str = "") -> ValidationFailed:
    return ValidationFailed(
        ErrorCode.UPLOAD_NOT_XLSX,
        "文件不是有效的 Excel 工作簿（.xlsx）" + (f"：{detail}" if detail else "") + "，请使用导入模板填写后上传",
        field="file",
    )


def check_request_size(content_length) -> None:
    """Refuse an upload request by its declared length, before the body is read."""
    try:
        length = int(content_length or 0)
    except (TypeError, ValueError):
        return
    if length > settings.IMPORT_MAX_UPLOAD_BYTES + REQUEST_OVERHEAD_BYTES:
        raise _too_large()


@dataclass(frozen=True)
class UploadInfo:
    sheet_name: str
    total_rows: int


def _open_sheet(source):
    """Open the sheet to import: the one named 会员信息, else the first. `source` is a file object."""
    try:
        workbook = CalamineWorkbook.from_filelike(source)
        name = SHEET_NAME if SHEET_NAME in workbook.sheet_names else workbook.sheet_names[0]
        return name, workbook.get_sheet_by_name(name)
    except (CalamineError, IndexError, ValueError) as exc:
        raise _not_xlsx("无法读取工作表") from exc


def _read_header(rows) -> tuple[int, list[str]]:
    """Consume rows up to the header (the first non-empty row); return its 0-based index and cells."""
    for index, row in enumerate(rows):
        cells = [_text(value) for value in row]
        if any(cells):
            return index, cells
    raise ValidationFailed(ErrorCode.UPLOAD_BAD_HEADER, "文件是空的：没有找到表头行，请使用导入模板", field="file")


def _column_map(header: list[str]) -> dict[str, int]:
    """Header cells -> {field: position}. Refuses missing or repeated columns with one clear message."""
    positions: dict[str, int] = {}
    unknown = []
    for position, title in enumerate(header):
        title = title.replace(" ", "").replace("*", "")
        if not title:
            continue
        if title in positions:
            raise ValidationFailed(
                ErrorCode.UPLOAD_BAD_HEADER, f"表头中“{title}”列出现了两次，请使用导入模板", field="file"
            )
        if title in HEADERS:
            positions[title] = position
        else:
            unknown.append(title)
    missing = [title for title in HEADERS if title not in positions]
    if missing:
        message = "表头不正确：缺少“" + "”、“".join(missing) + "”列"
        if unknown:
            message += "（无法识别的列：“" + "”、“".join(unknown[:5]) + "”）"
        message += "。第一行应为：" + "、".join(HEADERS) + "，请下载导入模板填写"
        raise ValidationFailed(ErrorCode.UPLOAD_BAD_HEADER, message, field="file")
    by_title = {title: field for field, title in FIELD_HEADERS.items()}
    return {by_title[title]: position for title, position in positions.items()}


def inspect_upload(upload) -> UploadInfo:
    """Check an uploaded file by its content, not its name: size, ZIP magic, xlsx parts, the header.

    The header is read by streaming the start of the sheet (`_peek_sheet`), so a large file is not parsed
    twice; the task parses it in full. Raises ValidationFailed with UPLOAD_TOO_LARGE, UPLOAD_NOT_XLSX or
    UPLOAD_BAD_HEADER.
    """
    if upload is None:
        raise ValidationFailed(ErrorCode.REQUIRED, "请选择要上传的 .xlsx 文件", field="file")
    size = getattr(upload, "size", None)
    if size is not None and size > settings.IMPORT_MAX_UPLOAD_BYTES:
        raise _too_large()
    source = upload.file if hasattr(upload, "file") else upload
    source.seek(0)
    if source.read(4) != b"PK\x03\x04":
        raise _not_xlsx()
    source.seek(0)
    try:
        with zipfile.ZipFile(source) as package:
            infos = package.infolist()
            names = {info.filename for info in infos}
            if "[Content_Types].xml" not in names or "xl/workbook.xml" not in names:
                raise _not_xlsx("这是压缩包但不是 .xlsx（旧版 .xls 或 WPS 格式请另存为 .xlsx）")
            if sum(info.file_size for info in infos) > MAX_UNZIPPED_BYTES:
                raise _too_large("文件解压后过大，请拆分后分批导入")
            peek = _peek_sheet(package)
    except (zipfile.BadZipFile, OSError, ValueError, EOFError) as exc:
        raise _not_xlsx("压缩包已损坏") from exc
    source.seek(0)
    try:
        CalamineWorkbook.from_filelike(source).close()  # the reader the task uses must accept it too
    except (CalamineError, ValueError) as exc:
        raise _not_xlsx("无法读取工作簿") from exc
    source.seek(0)
    if peek is None:  # a layout the streaming peek does not know: let calamine read the whole sheet
        sheet_name, sheet = _open_sheet(source)
        source.seek(0)
        rows = sheet.iter_rows()
        header_index, header = _read_header(rows)
        has_data = any(any(_text(value) for value in row) for row in rows)
        # iter_rows starts at the sheet's first row, so `end` is also the number of rows after the header.
        total = (sheet.end[0] if sheet.end else 0) - header_index
    else:
        sheet_name, header_index, header, has_data, last_row = peek
        total = (last_row - header_index - 1) if last_row else 0
    _column_map(header)
    if total > MAX_ROWS:
        raise _too_large(f"行数过多：单个文件最多 {MAX_ROWS} 行，请拆分后分批导入")
    if not has_data:
        raise ValidationFailed(ErrorCode.INVALID, "文件中没有会员数据：请从第2行开始填写", field="file")
    return UploadInfo(sheet_name=sheet_name, total_rows=max(total, 1))


_MAIN = "{http://schemas.openxmlformats.org/spreadsheetml/2006/main}"
_DOC_REL = "{http://schemas.openxmlformats.org/officeDocument/2006/relationships}"
_PKG_REL = "{http://schemas.openxmlformats.org/package/2006/relationships}"
_SMALL_PART = 10 * 1024 * 1024
_PEEK_ROW_ELEMENTS = 1000


def _column_index(ref: str) -> int:
    index = 0
    for char in ref:
        if not char.isalpha():
            break
        index = index * 26 + ord(char.upper()) - 64
    return index - 1


def _peek_sheet(package: zipfile.ZipFile):
    """(sheet name, header row index, header cells, has a data row, last row number or None), read by
    streaming only the start of the sheet; None when the package is laid out in a way this does not handle
    (the caller then lets calamine read the sheet)."""
    try:
        return _peek(package)
    except (KeyError, ValueError, ElementTree.ParseError):
        return None


def _peek(package: zipfile.ZipFile):
    def small(name):
        info = package.getinfo(name)
        return ElementTree.fromstring(package.read(name)) if info.file_size <= _SMALL_PART else None

    try:
        workbook, rels = small("xl/workbook.xml"), small("xl/_rels/workbook.xml.rels")
    except KeyError:
        return None
    if workbook is None or rels is None:
        return None
    sheets = [(el.get("name"), el.get(f"{_DOC_REL}id")) for el in workbook.iter(f"{_MAIN}sheet")]
    if not sheets:
        return None
    sheet_name, rel_id = next((sheet for sheet in sheets if sheet[0] == SHEET_NAME), sheets[0])
    targets = {el.get("Id"): el.get("Target", "") for el in rels.iter(f"{_PKG_REL}Relationship")}
    kinds = {el.get("Type", "").rsplit("/", 1)[-1]: el.get("Target", "") for el in rels.iter(f"{_PKG_REL}Relationship")}

    def part(target):
        return target.lstrip("/") if target.startswith("/") else posixpath.normpath(posixpath.join("xl", target))

    if rel_id not in targets:
        return None
    last_row, found, seen_rows = None, [], 0
    with package.open(part(targets[rel_id])) as stream:
        for _, element in ElementTree.iterparse(stream, events=("end",)):
            if element.tag == f"{_MAIN}dimension":
                last = element.get("ref", "").split(":")[-1]
                digits = "".join(char for char in last if char.isdigit())
                last_row = int(digits) if digits else None
            elif element.tag == f"{_MAIN}row":
                seen_rows += 1
                cells = {}
                for position, cell in enumerate(element.iter(f"{_MAIN}c")):
                    kind = cell.get("t")
                    if kind == "inlineStr":
                        value = "".join(text.text or "" for text in cell.iter(f"{_MAIN}t"))
                    else:
                        node = cell.find(f"{_MAIN}v")
                        value = node.text if node is not None else None
                        if kind == "s" and value is not None:
                            value = ("shared", int(value))
                    if value not in (None, ""):
                        cells[_column_index(cell.get("r", "")) if cell.get("r") else position] = value
                number = element.get("r")
                element.clear()
                if cells:
                    if number is None:
                        return None
                    found.append((int(number), cells))
                    if len(found) == 2:
                        break
                if seen_rows >= _PEEK_ROW_ELEMENTS:
                    return None
    if not found:
        raise ValidationFailed(ErrorCode.UPLOAD_BAD_HEADER, "文件是空的：没有找到表头行，请使用导入模板", field="file")
    needed = {value[1] for _, cells in found for value in cells.values() if isinstance(value, tuple)}
    strings = {}
    if needed:
        if "sharedStrings" not in kinds:
            return None
        with package.open(part(kinds["sharedStrings"])) as stream:
            index, top = -1, max(needed)
            for _, element in ElementTree.iterparse(stream, events=("end",)):
                if element.tag != f"{_MAIN}si":
                    continue
                index += 1
                if index in needed:  # plain or rich text; phonetic runs (rPh) are not part of the value
                    runs = [element.find(f"{_MAIN}t"), *(run.find(f"{_MAIN}t") for run in element.findall(f"{_MAIN}r"))]
                    strings[index] = "".join(run.text or "" for run in runs if run is not None)
                element.clear()
                if index >= top:
                    break
        if not needed <= strings.keys():
            return None
    row_number, cells = found[0]
    header = [_text(strings[value[1]] if isinstance(value, tuple) else value) for _, value in sorted(cells.items())]
    return sheet_name, row_number - 1, header, len(found) > 1, last_row


# ---- Starting a job -----------------------------------------------------------------------------


def import_start(*, actor, union: Union, mode: str, upload, original_name: str = "") -> ImportJob:
    """Check the upload and queue an import job into `union`; the task starts once this commits.

    Raises:
        NotFound / PermissionDenied: the union is out of the actor's reach.
        ValidationFailed: bad mode, a union that takes no members, or a rejected file (UPLOAD_* codes).
    """
    member_policy.require(actor, "import", _UnionRef(union))
    _require_accepting(union)
    if mode not in ImportMode.values:
        raise ValidationFailed(ErrorCode.INVALID, "请选择导入方式", field="mode")
    info = inspect_upload(upload)
    name = (original_name or getattr(upload, "name", "") or "")[:200]
    with transaction.atomic():
        job = ImportJob(
            union=union,
            province_id=union.province_id,
            created_by=actor,
            original_name=name,
            mode=mode,
            total_rows=info.total_rows,
        )
        upload.seek(0)
        job.file.save(f"{timezone.localdate():%Y%m%d}-{uuid.uuid4().hex}.xlsx", upload, save=False)
        job.save()
        request_id = audit.current_request_id()
        transaction.on_commit(lambda: _enqueue(job.pk, request_id))
    return job


def _enqueue(job_id: int, request_id: str) -> None:
    from .tasks import run_member_import

    run_member_import.enqueue(job_id, request_id)


# ---- Reading and validating rows -------------------------------------------------------------------


def _text(value) -> str:
    if value is None:
        return ""
    if isinstance(value, str):
        return value.strip()
    if isinstance(value, bool):
        return YES if value else NO
    if isinstance(value, float):
        return str(int(value)) if value.is_integer() else str(value)
    if isinstance(value, datetime.datetime):
        return value.date().isoformat()
    if isinstance(value, datetime.date):
        return value.isoformat()
    return str(value).strip()


def _parse_date(value) -> datetime.date | None:
    if value is None or value == "":
        return None
    if isinstance(value, datetime.datetime):
        return value.date()
    if isinstance(value, datetime.date):
        return value
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        if 19000101 <= value <= 29991231:  # typed as 20240301
            value = str(int(value))
        elif 1 <= value < 2958466:  # an Excel date serial without a date format
            return _EXCEL_EPOCH + datetime.timedelta(days=int(value))
    text = str(value).strip()
    for fmt in _DATE_FORMATS:
        try:
            return datetime.datetime.strptime(text, fmt).date()
        except ValueError:
            continue
    raise ValueError(text)


@dataclass(slots=True)
class RowError:
    row: int
    column: str
    code: str
    message: str

    def as_dict(self) -> dict:
        return {"row": self.row, "column": self.column, "code": str(self.code), "message": self.message}


@dataclass(slots=True)
class ValidRow:
    row: int
    data: PersonData
    id_hash: str


_FIELD_ORDER = ("name", "id_number", "phone", "employer", "joined_on", "is_migrant_worker", "new_form_type")
_NEW_FORM_ERROR = "新就业形态类型无效，可选：" + "、".join(NewFormType.labels) + "，或留空"


def validate_row(
    row_no: int, cells: list, positions: tuple[int, ...], today: datetime.date
) -> ValidRow | list[RowError]:
    """One sheet row -> a cleaned person, or the errors naming its row and columns.

    `positions` are the cells' indexes of the columns in _FIELD_ORDER (see _column_map).
    """
    width = len(cells)
    name, raw_id, phone, employer, joined, migrant, new_form = (
        (cells[position] if position < width else "") for position in positions
    )
    errors: list[RowError] = []
    id_lost = isinstance(raw_id, float) and raw_id >= 1e15
    if id_lost:
        errors.append(RowError(row_no, "身份证号", ErrorCode.INVALID_ID_NUMBER,
                               "身份证号被Excel存成了数字，末尾几位已丢失；请把该列设为“文本”格式后重新填写"))
    try:
        joined_on = _parse_date(joined)
    except ValueError:
        joined_on = None
        errors.append(RowError(row_no, "入会日期", ErrorCode.INVALID_DATE, "入会日期无法识别，请按 2024-03-01 的格式填写"))
    migrant_text = (migrant.strip() if type(migrant) is str else _text(migrant)).upper()
    is_migrant = migrant_text in _YES_VALUES
    if not is_migrant and migrant_text not in _NO_VALUES:
        errors.append(RowError(row_no, "是否农民工", ErrorCode.INVALID, "是否农民工请填写“是”或“否”"))
    new_form_text = new_form.strip() if type(new_form) is str else _text(new_form)
    new_form = _NEW_FORM_BY_TEXT.get(new_form_text) if new_form_text else ""
    if new_form is None:
        new_form = ""
        errors.append(RowError(row_no, "新就业形态类型", ErrorCode.INVALID, _NEW_FORM_ERROR))
    data = PersonData(
        name=name.strip() if type(name) is str else _text(name),
        id_number=raw_id.strip() if type(raw_id) is str else _text(raw_id),
        phone=phone.strip() if type(phone) is str else _text(phone),
        employer=employer.strip() if type(employer) is str else _text(employer),
        is_migrant_worker=is_migrant,
        new_form_type=new_form,
        joined_on=joined_on,
    )
    if not id_lost:  # a number that lost its digits would only add a misleading checksum error
        try:
            clean_person(data, today=today)
        except ValidationFailed as exc:
            for error in getattr(exc, "errors", None) or [exc]:  # every bad cell of the row, not only the first
                if not any(e.column == FIELD_HEADERS.get(error.field, error.field or "") for e in errors):
                    errors.append(RowError(row_no, FIELD_HEADERS.get(error.field, error.field or ""),
                                           str(error.code), error.message))
    if errors:
        errors.sort(key=lambda error: HEADERS.index(error.column) if error.column in HEADERS else len(HEADERS))
        return errors
    data.joined_on = data.joined_on or today
    return ValidRow(row=row_no, data=data, id_hash=lookup_hash(data.id_number))


def _existing_holders(hashes: list[str]) -> dict[str, Member]:
    """Holding members among these 身份证号 hashes, in one query.

    The status is filtered here rather than in SQL: with `status IN (...)` PostgreSQL may pick the
    (user, status) index and scan every member; on the hash alone it probes the hash index.
    """
    found = (
        Member.objects.filter(id_number_hash__in=hashes)
        .select_related("union")
        .only("id_number_hash", "member_no", "status", "union__name")
    )
    return {member.id_number_hash: member for member in found if member.status in HOLDING_STATUSES}


@dataclass
class Validation:
    valid: list[ValidRow]
    errors: list[RowError]
    bad_rows: int
    total_rows: int


def validate_sheet(rows, *, on_progress=None, today: datetime.date | None = None) -> Validation:
    """Validate every data row of a sheet (an iterator of row lists, from the sheet's first row).

    Duplicates are checked within the file (the later row is the error) and against holding members,
    one `__in` query per CHECK_BATCH rows. `on_progress(done)` is called after each batch.
    """
    today = today or timezone.localdate()
    header_index, header = _read_header(rows)
    columns = _column_map(header)
    positions = tuple(columns[field] for field in _FIELD_ORDER)
    valid: list[ValidRow] = []
    errors: list[RowError] = []
    bad_rows = 0
    seen: dict[str, int] = {}
    pending: list[ValidRow] = []
    done = 0

    def flush():
        nonlocal bad_rows
        holders = _existing_holders([item.id_hash for item in pending])
        for item in pending:
            holder = holders.get(item.id_hash)
            if holder is not None:
                bad_rows += 1
                errors.append(RowError(item.row, "身份证号", ErrorCode.DUPLICATE_MEMBER, duplicate_error(holder).message))
                del seen[item.id_hash]  # the row is not imported, so a later duplicate is the same error again
                continue
            valid.append(item)
        pending.clear()
        if on_progress is not None:
            on_progress(done)

    for offset, cells in enumerate(rows):
        row_no = header_index + offset + 2  # as Excel numbers rows: 1-based, after the header
        if not any(value != "" and value is not None for value in cells):
            continue
        done += 1
        if done > MAX_ROWS:
            raise _too_large(f"行数过多：单个文件最多 {MAX_ROWS} 行，请拆分后分批导入")
        result = validate_row(row_no, cells, positions, today)
        if isinstance(result, list):
            bad_rows += 1
            errors.extend(result)
        else:
            first = seen.get(result.id_hash)
            if first is not None:
                bad_rows += 1
                errors.append(RowError(row_no, "身份证号", ErrorCode.DUPLICATE_MEMBER,
                                       f"与本文件第 {first} 行的身份证号重复，一人只能导入一次"))
            else:
                seen[result.id_hash] = row_no
                pending.append(result)
        if done % CHECK_BATCH == 0:
            flush()
    flush()
    errors.sort(key=lambda error: error.row)
    return Validation(valid=valid, errors=errors, bad_rows=bad_rows, total_rows=done)


# ---- Writing -------------------------------------------------------------------------------------


# Columns written for each imported member and history row, in order. `_check_columns` compares them with
# the models, so a column added to Member later cannot be silently left out of imports.
MEMBER_COLUMNS = (
    "name", "id_number", "id_number_hash", "phone", "phone_hash", "employer", "is_migrant_worker",
    "new_form_type", "member_no", "user_id", "gender", "birth_date", "union_id", "province_id", "joined_on",
    "status", "card_version", "created_at", "updated_at",
)
CHANGE_COLUMNS = ("member_id", "province_id", "at", "actor_id", "actor_name", "action", "summary", "changes")


def _check_columns() -> None:
    for model, columns in ((Member, MEMBER_COLUMNS), (MemberChange, CHANGE_COLUMNS)):
        expected = {field.column for field in model._meta.concrete_fields if not field.primary_key}
        if set(columns) != expected:
            drift = sorted(expected ^ set(columns))
            raise RuntimeError(f"bulk import columns for {model.__name__} are out of date: {drift}")


def _birth_date(id_number: str) -> datetime.date:
    # Same as validators.id_number_birth_date for a number clean_id_number accepted, without re-parsing it.
    return datetime.date(int(id_number[6:10]), int(id_number[10:12]), int(id_number[12:14]))


def write_members(*, actor, union: Union, job: ImportJob, rows: list[ValidRow]) -> int:
    """Insert the members and one history row each, WRITE_BATCH rows per statement.

    Must run inside the caller's transaction (the 会员号 counter stays locked until it commits).
    Rows are built as plain tuples rather than model instances — at 100,000 rows Django's per-object
    insert compilation costs more than validation, encryption and the database together — but every
    personal value still goes through its model field, so EncryptedTextField encrypts it.
    On PostgreSQL the rows are streamed with COPY; elsewhere they go through executemany.
    """
    if not rows:
        return 0
    _check_columns()
    numbers = allocate_member_numbers(union=union, count=len(rows))
    authenticated = actor is not None and actor.is_authenticated
    actor_id = actor.pk if authenticated else None
    actor_name = actor.get_username() if authenticated else "系统"
    summary = f"批量导入，加入{union.name}"[:200]
    ops = connection.ops
    encrypt_id = Member._meta.get_field("id_number").get_db_prep_save
    encrypt_phone = Member._meta.get_field("phone").get_db_prep_save
    json_changes = MemberChange._meta.get_field("changes").get_db_prep_save
    now = ops.adapt_datetimefield_value(timezone.now())
    union_id, province_id, active = union.pk, union.province_id, MemberStatus.ACTIVE.value

    def member_rows(batch: list[ValidRow], start: int):
        for offset, item in enumerate(batch):
            data = item.data
            number = data.id_number
            yield (
                data.name, encrypt_id(number, connection), item.id_hash,
                encrypt_phone(data.phone, connection), lookup_hash(data.phone), data.employer,
                data.is_migrant_worker, data.new_form_type, numbers[start + offset], None,
                id_number_gender(number), ops.adapt_datefield_value(_birth_date(number)), union_id,
                province_id, ops.adapt_datefield_value(data.joined_on), active, 1, now, now,
            )

    member_table, change_table = Member._meta.db_table, MemberChange._meta.db_table
    postgres = connection.vendor == "postgresql"
    with connection.wrap_database_errors, connection.cursor() as cursor:
        if postgres:  # ids up front, so rows stream to COPY as they are built and encrypted
            cursor.execute(
                "SELECT nextval(pg_get_serial_sequence(%s, 'id')) FROM generate_series(1, %s)",
                [member_table, len(rows)],
            )
            all_ids = [row[0] for row in cursor.fetchall()]
        for start in range(0, len(rows), WRITE_BATCH):
            batch = rows[start : start + WRITE_BATCH]
            if postgres:
                ids = all_ids[start : start + len(batch)]
                members = ((pk, *row) for pk, row in zip(ids, member_rows(batch, start), strict=True))
                _copy_or_insert(cursor, member_table, ("id", *MEMBER_COLUMNS), members)
            else:
                members = list(member_rows(batch, start))
                _copy_or_insert(cursor, member_table, MEMBER_COLUMNS, members)
                ids = _ids_by_member_no(cursor, [row[MEMBER_COLUMNS.index("member_no")] for row in members])
            changes = (
                (member_id, province_id, now, actor_id, actor_name, "member.import", summary,
                 json_changes({"import_job": job.pk, "row": item.row}, connection))
                for member_id, item in zip(ids, batch, strict=True)
            )
            _copy_or_insert(cursor, change_table, CHANGE_COLUMNS, changes)
    return len(rows)


def _ids_by_member_no(cursor, numbers: list[str]) -> list[int]:
    cursor.execute(
        f"SELECT member_no, id FROM {connection.ops.quote_name(Member._meta.db_table)} "
        f"WHERE member_no IN ({', '.join(['%s'] * len(numbers))})",
        numbers,
    )
    by_number = dict(cursor.fetchall())
    return [by_number[number] for number in numbers]


def _copy_or_insert(cursor, table: str, columns: tuple[str, ...], rows) -> None:
    """Write an iterable of row tuples: COPY on PostgreSQL (the server inserts while rows are still being
    built), one executemany elsewhere."""
    quote = connection.ops.quote_name
    names = ", ".join(quote(column) for column in columns)
    if connection.vendor == "postgresql":
        with cursor.cursor.copy(f"COPY {quote(table)} ({names}) FROM STDIN") as copy:
            for row in rows:
                copy.write_row(row)
    else:
        cursor.executemany(
            f"INSERT INTO {quote(table)} ({names}) VALUES ({', '.join(['%s'] * len(columns))})", list(rows)
        )


# ---- Running a job ----------------------------------------------------------------------------------


def _update(job: ImportJob, **fields) -> None:
    for name, value in fields.items():
        setattr(job, name, value)
    ImportJob.objects.filter(pk=job.pk).update(**fields)


def _finish(job: ImportJob, **fields) -> None:
    """Store the outcome and drop the uploaded file: it holds 身份证号 in clear and is no longer needed."""
    if job.file:
        try:
            job.file.delete(save=False)
        except OSError:
            logger.warning("import job %s: could not delete the uploaded file", job.pk)
    _update(job, file="", finished_at=timezone.now(), **fields)


def import_run(*, job_id: int) -> ImportJob | None:
    """Process a queued job: validate, then write in one transaction. Safe to call twice (runs once)."""
    if not ImportJob.objects.filter(pk=job_id, status=ImportStatus.QUEUED).update(status=ImportStatus.RUNNING):
        return None
    job = ImportJob.objects.select_related("union", "created_by").get(pk=job_id)
    try:
        return _run(job)
    except Exception:
        logger.exception("import job %s failed", job.pk)
        _finish(job, status=ImportStatus.FAILED, message="导入失败：系统出现错误，未导入任何数据。请稍后重试或联系管理员")
        raise


def _run(job: ImportJob) -> ImportJob:
    actor, union = job.created_by, job.union
    if actor is None or not member_policy.can(actor, "import", _UnionRef(union)) or not union.accepts_members:
        _finish(job, status=ImportStatus.FAILED, message="导入失败：您已无权向该工会导入会员，或该工会已不接收会员")
        return job
    timings = {}
    started = time.perf_counter()
    with job.file.open("rb") as handle:
        _, sheet = _open_sheet(handle)
    rows = sheet.iter_rows()
    timings["read"] = time.perf_counter() - started

    last_report = [0.0]

    def progress(done):
        now = time.monotonic()
        if now - last_report[0] >= 0.5:
            last_report[0] = now
            _update(job, processed_rows=min(done, job.total_rows), message="正在校验数据…")

    started = time.perf_counter()
    try:
        result = validate_sheet(rows, on_progress=progress)
    except ValidationFailed as exc:  # the header was checked at upload; only a changed file gets here
        _finish(job, status=ImportStatus.REJECTED, message=exc.message)
        return job
    del sheet, rows
    timings["validate"] = time.perf_counter() - started
    errors = [error.as_dict() for error in result.errors]
    _update(job, total_rows=result.total_rows, processed_rows=result.total_rows)

    if job.mode == ImportMode.ALL_OR_NOTHING and result.errors:
        message = f"共 {result.total_rows} 行，其中 {result.bad_rows} 行有错误。按“全部正确才导入”的要求，本次未导入任何数据，请修改后重新上传"
        _finish(job, status=ImportStatus.REJECTED, error_count=result.bad_rows, errors=errors, message=message)
        _audit(job, actor, result, created=0)
        return job
    if not result.valid:
        _finish(job, status=ImportStatus.REJECTED, error_count=result.bad_rows, errors=errors,
                message=f"共 {result.total_rows} 行，全部有错误，未导入任何数据")
        _audit(job, actor, result, created=0)
        return job

    _update(job, message=f"校验完成，正在写入 {len(result.valid)} 名会员…")
    started = time.perf_counter()
    try:
        with transaction.atomic():
            created = write_members(actor=actor, union=union, job=job, rows=result.valid)
            if result.bad_rows:
                message = f"共 {result.total_rows} 行：成功导入 {created} 名会员，{result.bad_rows} 行有错误未导入"
            else:
                message = f"共 {result.total_rows} 行，全部成功导入"
            _finish(job, status=ImportStatus.DONE, created_count=created, error_count=result.bad_rows,
                    errors=errors, message=message)
            _audit(job, actor, result, created=created)
    except IntegrityError:
        # Someone added one of these people between validation and the write; nothing was written.
        logger.warning("import job %s: conflicting concurrent membership", job.pk)
        _finish(job, status=ImportStatus.FAILED, error_count=result.bad_rows, errors=errors,
                message="导入期间有相同身份证号的会员被其他人录入，本次未导入任何数据，请重新上传")
        return job
    timings["write"] = time.perf_counter() - started
    logger.info("import job %s: %s rows, %s created, timings %s", job.pk, result.total_rows, created,
                {key: round(value, 3) for key, value in timings.items()})
    return job


def _audit(job: ImportJob, actor, result: Validation, *, created: int) -> None:
    audit.record(
        actor=actor,
        action="member.import",
        obj=job,
        union=job.union,
        object_repr=f"批量导入 {job.original_name}"[:200],
        after={
            "union_id": job.union_id,
            "mode": job.mode,
            "status": job.status,
            "file": job.original_name,
            "total_rows": result.total_rows,
            "created": created,
            "error_rows": result.bad_rows,
        },
    )


# ---- Reading a job's report ----------------------------------------------------------------------------


def error_page(job: ImportJob, *, page: int, page_size: int = 50) -> tuple[list[dict], int, int]:
    """One page of a job's errors: (items, page, pages)."""
    total = len(job.errors)
    pages = max(1, -(-total // page_size))
    page = min(max(1, page), pages)
    return job.errors[(page - 1) * page_size : page * page_size], page, pages


def build_error_report(job: ImportJob) -> bytes:
    """The errors of a job as .xlsx: row, column, reason — the rows of the user's own file to fix."""
    import xlsxwriter

    buffer = BytesIO()
    workbook = xlsxwriter.Workbook(buffer, {"in_memory": True})
    sheet = workbook.add_worksheet("错误报告")
    bold = workbook.add_format({"bold": True, "bg_color": "#FDEAEA"})
    sheet.write_row(0, 0, ["行号", "列", "错误原因"], bold)
    sheet.set_column(0, 0, 8)
    sheet.set_column(1, 1, 16)
    sheet.set_column(2, 2, 80)
    for index, error in enumerate(job.errors, start=1):
        sheet.write_number(index, 0, error["row"])
        sheet.write_string(index, 1, error["column"])
        sheet.write_string(index, 2, error["message"])
    sheet.freeze_panes(1, 0)
    workbook.close()
    return buffer.getvalue()
