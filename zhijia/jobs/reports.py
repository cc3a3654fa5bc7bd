"""就业帮扶统计 over a union's subtree, and a job fair's match lists (a printed sheet per seeker, one workbook).

The report: priority-group seekers and how many were matched, referred and hired (selectors.priority_report),
vacancies by status and what happened to the union's seekers (outcomes by kind) — GROUP BYs in the database, a
handful of queries however many rows. The fair lists rank, for each registered seeker, the fair's own vacancies
on the fair's day; a seeker's name is masked for staff without the right to see personal data, and no phone
number or 身份证号 is ever printed or exported. Both workbooks are audited.
"""

import datetime
from dataclasses import dataclass
from io import BytesIO

from django.db.models import Count, Q, Sum
from django.utils import timezone

from zhijia.core import audit
from zhijia.core.errors import NotFound
from zhijia.core.pii import mask_name
from zhijia.core.policy import AtUnion, union_in_reach
from zhijia.org.models import Union

from . import selectors
from .models import (
    FairRegistration,
    JobFair,
    Outcome,
    OutcomeKind,
    PriorityGroup,
    SeekerProfile,
    Vacancy,
    VacancyStatus,
)
from .permissions import seeker_policy, vacancy_policy

audit.register("jobs.report_export", "导出就业帮扶统计")
audit.register("jobs.fair_export", "导出招聘会匹配名单")

FAIR_MATCHES = 20  # vacancies listed per seeker on a sheet and in the workbook
PRIORITY_COLUMNS = ("seekers", "matched", "referred", "hired")


# ---- 就业帮扶统计 ------------------------------------------------------------------------------------------


def report_union(*, actor, union_id: int | str | None) -> Union:
    """The union the report is about (see core.policy.union_in_reach)."""
    return union_in_reach(actor=actor, policy=seeker_policy, action="report", union_id=union_id)


def _seekers(actor, union: Union):
    return seeker_policy.scope(actor, "report", SeekerProfile.objects.all()).filter(union__path__startswith=union.path)


def report(*, actor, union: Union) -> dict:
    """Every figure of the page for the actor's view of `union` and the unions below it."""
    if not seeker_policy.can(actor, "report", AtUnion(union)):
        raise NotFound(field="union")
    seekers = _seekers(actor, union)

    found = {row["priority_group"]: row for row in selectors.priority_report(actor=actor, union=union)}
    priority = []
    for group in PriorityGroup:
        if group.value:
            row = found.get(group.value, {})
            priority.append({"key": group.value, "label": group.label,
                             **{column: row.get(column, 0) for column in PRIORITY_COLUMNS}})
    priority_total = {column: sum(row[column] for row in priority) for column in PRIORITY_COLUMNS}

    everyone = seekers.aggregate(total=Count("id"), active=Count("id", filter=Q(active=True)))

    vacancies = (vacancy_policy.scope(actor, "list", Vacancy.objects.all())
                 .filter(union__path__startswith=union.path).order_by())
    by_status = {row["status"]: row for row in vacancies.values("status").annotate(
        count=Count("id"), headcount=Sum("headcount"))}
    vacancy_rows = [{"key": status.value, "label": status.label,
                     "count": by_status.get(status.value, {}).get("count", 0),
                     "headcount": by_status.get(status.value, {}).get("headcount") or 0}
                    for status in VacancyStatus]

    outcomes = Outcome.objects.filter(seeker__in=seekers.values("id")).order_by()
    by_kind = {row["kind"]: row for row in outcomes.values("kind").annotate(
        count=Count("id"), seekers=Count("seeker", distinct=True))}
    outcome_rows = [{"key": kind.value, "label": kind.label,
                     "count": by_kind.get(kind.value, {}).get("count", 0),
                     "seekers": by_kind.get(kind.value, {}).get("seekers", 0)}
                    for kind in OutcomeKind]

    return {
        "union_id": union.pk,
        "union_name": union.name,
        "today": timezone.localdate(),
        "seekers": everyone,
        "priority": priority,
        "priority_total": priority_total,
        "vacancies": vacancy_rows,
        "vacancies_total": {"count": sum(r["count"] for r in vacancy_rows),
                            "headcount": sum(r["headcount"] for r in vacancy_rows)},
        "outcomes": outcome_rows,
    }


def _report_tables(figures: dict) -> list[tuple[str, list[str], list[list]]]:
    """(sheet name, header, rows) for every table the page shows, in the same order."""
    total = figures["priority_total"]
    return [
        ("重点群体", ["重点群体", "求职人数", "已对接（投递或推荐）", "已推荐", "已就业"],
         [[r["label"], r["seekers"], r["matched"], r["referred"], r["hired"]] for r in figures["priority"]]
         + [["合计", total["seekers"], total["matched"], total["referred"], total["hired"]]]),
        ("岗位状态", ["岗位状态", "岗位数", "招聘人数"],
         [[r["label"], r["count"], r["headcount"]] for r in figures["vacancies"]]
         + [["合计", figures["vacancies_total"]["count"], figures["vacancies_total"]["headcount"]]]),
        ("求职进展", ["进展", "记录数", "涉及求职者"],
         [[r["label"], r["count"], r["seekers"]] for r in figures["outcomes"]]),
    ]


def _write_cells(sheet, row_index: int, row: list) -> None:
    """Numbers as numbers, everything else as text (so a name starting with "=" never becomes a formula)."""
    for col, value in enumerate(row):
        if isinstance(value, bool):
            sheet.write_string(row_index, col, "是" if value else "否")
        elif isinstance(value, (int, float)):
            sheet.write_number(row_index, col, value)
        else:
            sheet.write_string(row_index, col, "" if value is None else str(value))


def report_xlsx(*, actor, union: Union) -> tuple[bytes, str]:
    """Every table of the report as a sheet; only counts and labels leave the system. Audited."""
    import xlsxwriter

    figures = report(actor=actor, union=union)
    buffer = BytesIO()
    book = xlsxwriter.Workbook(buffer, {"in_memory": True})
    head = book.add_format({"bold": True, "bg_color": "#FDEAEA"})
    title = book.add_format({"bold": True, "font_size": 13})
    for name, header, rows in _report_tables(figures):
        sheet = book.add_worksheet(name)
        sheet.write_string(0, 0, f"{figures['union_name']} 就业帮扶统计 · {name}", title)
        sheet.write_row(1, 0, header, head)
        sheet.set_column(0, 0, 24)
        sheet.set_column(1, len(header) - 1, 16)
        for row_index, row in enumerate(rows, start=2):
            _write_cells(sheet, row_index, row)
        sheet.write_string(len(rows) + 3, 0, f"统计日期：{figures['today']:%Y-%m-%d}")
        sheet.freeze_panes(2, 0)
    book.close()
    audit.record(actor=actor, action="jobs.report_export", union=union, object_type="jobs.report",
                 object_id=union.pk, object_repr=f"就业帮扶统计：{union.name}",
                 after={"export": "report", "union_id": union.pk})
    return buffer.getvalue(), f"就业帮扶统计-{union.name}-{figures['today']:%Y%m%d}.xlsx"


# ---- Job fair match lists ----------------------------------------------------------------------------------


def fair_day(fair: JobFair, today: datetime.date | None = None) -> datetime.date:
    """The day matches are worked out for: the fair's day, or today once it is over (so expired vacancies go)."""
    return max(fair.held_on, today or timezone.localdate())


def fair_vacancy_ids(fair: JobFair) -> set[int]:
    return set(fair.vacancies.values_list("id", flat=True))


def fair_matches(*, fair: JobFair, seeker: SeekerProfile, only: set[int] | None = None,
                 k: int = FAIR_MATCHES) -> list[selectors.VacancyMatch]:
    """The seeker's ranked matches among the fair's vacancies (pass `only` to reuse the fair's ids)."""
    only = fair_vacancy_ids(fair) if only is None else only
    if not only:
        return []
    return selectors.matches_for_seeker(seeker=seeker, k=k, only=only, today=fair_day(fair))


def seeker_name(actor, seeker: SeekerProfile) -> str:
    """The full name for the seeker themself and staff with the right to see personal data; else 张*明."""
    if seeker.user_id is not None and seeker.user_id == getattr(actor, "pk", None):
        return seeker.name
    if seeker_policy.can(actor, "reveal_pii", seeker):
        return seeker.name
    return mask_name(seeker.name)


def points(score: float) -> int:
    """A match score as the 0–100 figure people read (with the default weights, 100 is a perfect match)."""
    return round(score * 100)


def wage_text(vacancy: Vacancy) -> str:
    return f"{vacancy.wage_min}–{vacancy.wage_max}"


FAIR_COLUMNS = ["序号", "求职者", "服务工会", "求职意向", "排名", "岗位", "用人单位", "月薪（元）", "工作地区", "匹配分",
                "匹配理由", "距离（公里）"]


@dataclass
class FairSheetRow:
    registration: FairRegistration
    name: str
    matches: list


def fair_rows(*, actor, fair: JobFair, registrations) -> list[FairSheetRow]:
    """Each registration with the seeker's name as the actor may see it and their matches at the fair."""
    only = fair_vacancy_ids(fair)
    return [FairSheetRow(registration, seeker_name(actor, registration.seeker),
                         fair_matches(fair=fair, seeker=registration.seeker, only=only))
            for registration in registrations]


def fair_matches_xlsx(*, actor, fair: JobFair) -> tuple[bytes, str]:
    """Every registered seeker's matches at the fair, one row per (seeker, vacancy); names masked for staff
    without PII rights, no phone or 身份证号. The caller has checked the actor may view the fair. Audited."""
    import xlsxwriter

    from zhijia.core.validators import division_name

    registrations = fair.registrations.select_related("seeker__union").order_by("id")
    rows = fair_rows(actor=actor, fair=fair, registrations=registrations)
    buffer = BytesIO()
    book = xlsxwriter.Workbook(buffer, {"in_memory": True})
    head = book.add_format({"bold": True, "bg_color": "#FDEAEA"})
    title = book.add_format({"bold": True, "font_size": 13})
    sheet = book.add_worksheet("匹配名单")
    place = "线上" if fair.online else fair.place
    sheet.write_string(0, 0, f"{fair.name}（{fair.held_on:%Y-%m-%d} · {place}）求职者匹配岗位名单", title)
    sheet.write_row(1, 0, FAIR_COLUMNS, head)
    line = 2
    for number, row in enumerate(rows, start=1):
        seeker = row.registration.seeker
        who = [number, row.name, seeker.union.name, "、".join(seeker.occupations)]
        if not row.matches:
            _write_cells(sheet, line, [*who, "", "（暂无符合条件的岗位）"])
            line += 1
        for rank, found in enumerate(row.matches, start=1):
            vacancy, match = found.vacancy, found.match
            _write_cells(sheet, line, [*who, rank, vacancy.title, vacancy.employer.name, wage_text(vacancy),
                                       division_name(vacancy.division_code), points(match.score), match.reasons,
                                       round(match.distance_km, 1)])
            line += 1
    sheet.set_column(0, 0, 6)
    sheet.set_column(1, 1, 10)
    sheet.set_column(2, 3, 22)
    sheet.set_column(4, 4, 6)
    sheet.set_column(5, 6, 24)
    sheet.set_column(7, 9, 12)
    sheet.set_column(10, 10, 48)
    sheet.freeze_panes(2, 0)
    book.close()
    audit.record(actor=actor, action="jobs.fair_export", obj=fair, union=fair.union,
                 after={"export": "fair_matches", "seekers": len(rows), "rows": line - 2})
    return buffer.getvalue(), f"{fair.name}-匹配名单.xlsx"
