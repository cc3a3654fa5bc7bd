"""Pages of the 劳动法治体检 (an enterprise fills in the questionnaire and reads its risk report) and of the
一函两书 (union staff draft, edit, issue and print 劳动法律监督 letters). Decisions are the services'."""

from django.contrib import messages
from django.http import HttpResponse
from django.shortcuts import redirect, render

from zhijia.core.errors import NotFound
from zhijia.core.policy import grants_for
from zhijia.core.views import FormErrors, page, paginate, require_allowed
from zhijia.org.pickers import Picker, picker
from zhijia.org.selectors import union_list

from . import checkup as checkups
from . import letters
from .models import Letter, LetterKind, LetterStatus
from .permissions import letter_policy

ENTERPRISE_FIELDS = ["enterprise_name", "credit_code", "division_code", "union"]
LETTER_FIELDS = ["kind", "number", "issuer_name", "recipient", "employer_name", "facts", "citations", "remedy",
                 "reply_due_on", "dated"]


def _pdf(data: bytes, filename: str) -> HttpResponse:
    response = HttpResponse(data, content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="{filename}"'
    return response


def _union_picker(user, blank: str, selected: str = "") -> Picker | None:
    """Staff pick a union in their reach; others (an enterprise's HR) have none to pick."""
    if not grants_for(user):
        return None
    return picker(user, "org.reach", blank=blank, selected=selected)


def _chosen_union(user, value: str, errors: FormErrors):
    """The union picked in a form, if the user works for it; a pick out of reach is an error beside the field."""
    if not value:
        return None
    union = union_list(actor=user).filter(pk=value).first() if value.isdigit() else None
    if union is None:
        errors.add("union", "只能选择您所在或所辖的工会")
    return union


# ---- 劳动法治体检 -------------------------------------------------------------------------------------------------


def _questionnaire(values, errors) -> list[tuple[str, list[dict]]]:
    """The sections with each question's form field, numbered through, with what was typed and its error."""
    sections, number = [], 0
    for section in checkups.SECTIONS:
        rows = []
        for question in section.questions:
            number += 1
            label = f"{number}. {question.text}" + (f"（{question.unit}）" if question.unit else "")
            rows.append({
                "name": question.field,
                "label": label,
                "value": values.get(question.field, ""),
                "error": errors.get(question.field, ""),
                "help": question.help,
                "number": question.kind == "number",
                "options": [("", "请选择")] + list(question.options) if question.kind == "choice" else None,
            })
        sections.append((section.title, rows))
    return sections


@page
def checkup(request):
    """The questionnaire; anyone signed in fills it in for an enterprise (union staff on its behalf)."""
    user = request.user
    errors = FormErrors(fields=ENTERPRISE_FIELDS + [q.field for q in checkups.QUESTIONS.values()])
    values = request.POST if request.method == "POST" else {}
    if request.method == "POST":
        data = checkups.CheckupData(
            enterprise_name=values.get("enterprise_name", ""),
            credit_code=values.get("credit_code", ""),
            division_code=values.get("division_code", ""),
            answers={key: values.get(q.field, "") for key, q in checkups.QUESTIONS.items()},
            union=_chosen_union(user, values.get("union", ""), errors),
        )
        # Show every problem at once: the questionnaire is long.
        for field_name, message in {**checkups.enterprise_problems(data),
                                    **checkups.answer_problems(data.answers)}.items():
            errors.add(field_name, message)
        if not errors:
            with errors.capture():
                report = checkups.checkup_submit(actor=user, data=data)
                return redirect("legal:checkup_report", checkup_id=report.pk)
    return render(request, "legal/checkup_form.html", {
        "values": values,
        "errors": errors,
        "sections": _questionnaire(values, errors),
        "union_picker": _union_picker(user, "按单位名称和所在地区自动确定", values.get("union", "")),
    }, status=422 if errors else 200)


@page
def checkup_list(request):
    reports, query = paginate(request, checkups.checkup_list(actor=request.user))
    return render(request, "legal/checkup_list.html", {"page": reports, "query": query})


@page
def checkup_report(request, checkup_id: int):
    report = checkups.checkup_get(actor=request.user, checkup_id=checkup_id)
    return render(request, "legal/checkup_report.html", {
        **checkups.report(report),
        "can_draft": bool(report.risks) and letter_policy.can(request.user, "draft", Letter(union=report.union)),
        "kind_options": list(LetterKind.choices),
    })


@page
def checkup_pdf(request, checkup_id: int):
    report = checkups.checkup_get(actor=request.user, checkup_id=checkup_id)
    return _pdf(checkups.checkup_pdf(report), f"checkup-{report.pk}.pdf")


# ---- 一函两书 --------------------------------------------------------------------------------------------------------


@page
def letter_list(request):
    require_allowed(request.user, letter_policy, "list")
    status, kind = request.GET.get("status", ""), request.GET.get("kind", "")
    page_obj, query = paginate(request, letters.letter_list(actor=request.user, status=status, kind=kind))
    return render(request, "legal/letter_list.html", {
        "page": page_obj,
        "query": query,
        "status": status,
        "kind": kind,
        "status_options": [("", "全部状态")] + list(LetterStatus.choices),
        "kind_options": [("", "全部类型")] + list(LetterKind.choices),
    })


@page
def letter_new(request):
    """Start a draft from a ticket (by its number) or from a checkup report (linked from the report)."""
    from zhijia.cases.selectors import ticket_get

    user = request.user
    require_allowed(user, letter_policy, "draft")
    errors = FormErrors(fields=["ticket", "kind", "union"])
    values = request.POST if request.method == "POST" else request.GET
    report = None
    if values.get("checkup", "").isdigit():
        report = checkups.checkup_get(actor=user, checkup_id=int(values["checkup"]))
    if request.method == "POST":
        union = _chosen_union(user, values.get("union", ""), errors)
        ticket = None
        if report is None:
            number = values.get("ticket", "").strip().upper()
            if not number:
                errors.add("ticket", "请填写工单号")
            else:
                try:
                    ticket = ticket_get(actor=user, number=number)
                except NotFound:
                    errors.add("ticket", "未找到该工单，或您无权查看")
        if not errors:
            with errors.capture():
                kind = values.get("kind", "")
                if report is not None:
                    letter = letters.letter_draft_from_checkup(actor=user, checkup=report, kind=kind, union=union)
                else:
                    letter = letters.letter_draft_from_ticket(actor=user, ticket=ticket, kind=kind, union=union)
                messages.success(request, "已生成草稿，请核对修改后发出")
                return redirect("legal:letter_edit", letter_id=letter.pk)
    return render(request, "legal/letter_new.html", {
        "values": values,
        "errors": errors,
        "report": report,
        "kind_options": [("", "请选择")] + list(LetterKind.choices),
        "union_picker": _union_picker(user, "承办工会（默认）", values.get("union", "")),
    }, status=422 if errors else 200)


def _letter_data(post) -> letters.LetterData:
    return letters.LetterData(**{name: post.get(name, "") for name in LETTER_FIELDS})


def _letter_values(letter: Letter) -> dict:
    return {
        "kind": letter.kind,
        "number": letter.number,
        "issuer_name": letter.issuer_name,
        "recipient": letter.recipient,
        "employer_name": letter.employer_name,
        "facts": letter.facts,
        "citations": letters.citations_text(letter),
        "remedy": letter.remedy,
        "reply_due_on": letter.reply_due_on.isoformat() if letter.reply_due_on else "",
        "dated": letter.dated.isoformat() if letter.dated else "",
    }


@page
def letter_edit(request, letter_id: int):
    """A draft's form (save, or save and issue); an issued letter read-only."""
    user = request.user
    letter = letters.letter_get(actor=user, letter_id=letter_id)
    errors = FormErrors(fields=LETTER_FIELDS)
    values = request.POST if request.method == "POST" else _letter_values(letter)
    if request.method == "POST":
        with errors.capture():
            letter = letters.letter_update(actor=user, letter=letter, data=_letter_data(request.POST))
            if request.POST.get("action") == "issue":
                letter = letters.letter_issue(actor=user, letter=letter)
                messages.success(request, f"已发出，文号：{letter.number}")
            else:
                messages.success(request, "草稿已保存")
            return redirect("legal:letter_edit", letter_id=letter.pk)
        letter = letters.letter_get(actor=user, letter_id=letter_id)
    return render(request, "legal/letter_edit.html", {
        "letter": letter,
        "values": values,
        "errors": errors,
        "editable": letter.is_draft and letter_policy.can(user, "edit", letter),
        "kind_options": list(LetterKind.choices),
        "source": letters.source_label(letter),
    }, status=422 if errors else 200)


@page
def letter_pdf(request, letter_id: int):
    letter = letters.letter_get(actor=request.user, letter_id=letter_id)
    return _pdf(letters.letter_pdf(letter), f"letter-{letter.pk}.pdf")

