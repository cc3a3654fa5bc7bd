"""一函两书: the 劳动法律监督提示函, 意见书 and 建议书 a union sends when it finds an employer breaking labour law.

A letter starts as a draft built from a ticket (the worker's complaint) or a 劳动法治体检 report, quoting the
articles behind it verbatim from the corpus; staff edit the draft, then issue it, after which it never changes.
Workflow: draft -> issued (TRANSITIONS); every write is audited.
"""

import datetime
import re
from dataclasses import dataclass
from pathlib import Path

from django.db import transaction
from django.template.loader import render_to_string
from django.utils import timezone

from zhijia.core import audit
from zhijia.core.errors import ErrorCode, InvalidTransition, NotFound, PermissionDenied, ValidationFailed
from zhijia.core.pdf import html_to_pdf
from zhijia.core.validators import clean_date, clean_required

from .checkup import resolve_citations
from .models import Checkup, Letter, LetterKind, LetterStatus, RiskLevel
from .permissions import checkup_policy, letter_policy

for _name, _label in {
    "letter.draft": "起草劳动法律监督文书",
    "letter.update": "修改劳动法律监督文书",
    "letter.issue": "发出劳动法律监督文书",
}.items():
    audit.register(_name, _label)

# Allowed transitions: status -> {action: next status}. Anything else is refused.
TRANSITIONS = {
    LetterStatus.DRAFT: {"edit": LetterStatus.DRAFT, "issue": LetterStatus.ISSUED},
    LetterStatus.ISSUED: {},
}
REFUSALS = {
    "edit": "该文书已发出，不能再修改",
    "issue": "该文书已发出，不能重复发出",
}

NUMBER_PREFIX = {LetterKind.REMINDER: "工监提", LetterKind.OPINION: "工监意", LetterKind.SUGGESTION: "工监建"}
REPLY_DAYS = 15
MAX_CITATIONS = 30
AUDITED_FIELDS = ["kind", "status", "number", "issuer_name", "recipient", "employer_name", "facts", "remedy",
                  "reply_due_on", "dated"]

# The union's right to supervise and demand correction: cited in every letter.
BASIS = {
    LetterKind.REMINDER: [("劳动合同法", "第七十八条")],
    LetterKind.OPINION: [("劳动合同法", "第七十八条")],
    # A 建议书 goes to the government when the employer does not put things right.
    LetterKind.SUGGESTION: [("劳动合同法", "第七十八条"), ("工会法", "第二十三条")],
}
# What a ticket's topic usually breaches, and what the union asks for. Staff edit both before issuing.
TOPIC_DEFAULTS = {
    "wages": ([("劳动法", "第五十条"), ("劳动合同法", "第三十条"), ("劳动合同法", "第八十五条")],
              "立即核实并足额支付拖欠、克扣的职工劳动报酬，今后按约定日期以货币形式按月足额支付工资。"),
    "contract": ([("劳动合同法", "第十条"), ("劳动合同法", "第八十二条")],
                 "依法与未订立书面劳动合同的职工补订书面劳动合同，并依法支付未订立书面劳动合同期间的二倍工资差额。"),
    "social_insurance": ([("社会保险法", "第五十八条"), ("社会保险法", "第六十条")],
                         "依法为全部职工办理社会保险登记，按职工实际工资申报缴费基数，按时足额缴纳并补缴欠缴的社会保险费。"),
    "injury": ([("社会保险法", "第三十三条"), ("工伤保险条例", "第二条")],
               "依法参加工伤保险并为全部职工缴纳工伤保险费，及时为受伤职工申请工伤认定，落实工伤保险待遇。"),
    "hours": ([("劳动法", "第三十六条"), ("劳动法", "第四十一条"), ("劳动法", "第四十四条")],
              "严格执行国家工时制度，延长工作时间须与工会和职工协商且不超过法定上限，并依法支付加班工资。"),
    "women": ([("女职工劳动保护特别规定", "第五条"), ("女职工劳动保护特别规定", "第七条")],
              "落实女职工特殊劳动保护，不因怀孕、生育、哺乳降低女职工工资或解除劳动合同，保障其依法享受产假。"),
    "safety": ([("安全生产法", "第四十五条"), ("劳动法", "第五十四条")],
               "落实安全生产责任，为职工提供符合国家标准或者行业标准的劳动防护用品，并开展安全生产教育和培训。"),
    "democratic": ([("劳动合同法", "第四条"), ("工会法", "第二十条")],
                   "依法建立健全职工代表大会制度，制定、修改涉及职工切身利益的规章制度时依法履行民主程序并予以公示。"),
}
DEFAULT_REMEDY = "对上述问题进行核查，依法予以纠正，保障职工合法权益。"

_LABEL = re.compile(r"(第[零〇一二三四五六七八九十百千]+条(?:之[一二三四五六七八九十]+)?)$")


# ---- Reading ------------------------------------------------------------------------------------------------------


def letter_list(*, actor, status: str = "", kind: str = ""):
    letters = letter_policy.scope(actor, "list", Letter.objects.select_related("union"))
    if status in LetterStatus.values:
        letters = letters.filter(status=status)
    if kind in LetterKind.values:
        letters = letters.filter(kind=kind)
    return letters.order_by("-created_at", "-id")


def letter_get(*, actor, letter_id: int) -> Letter:
    return letter_policy.get_or_404(actor, "view", Letter.objects.select_related("union", "ticket", "checkup"),
                                    pk=letter_id)


def source_label(letter: Letter) -> str:
    """How the union came to know the facts, as the letter says it."""
    if letter.ticket_id:
        return "受理职工诉求"
    if letter.checkup_id:
        return "开展劳动法治体检"
    return "开展劳动法律监督"


# ---- Citations ----------------------------------------------------------------------------------------------------


def quote(citations, *, strict: bool = True) -> list[dict]:
    """The articles cited, quoted verbatim from the corpus, in the order given and without repeats.
    Not strict (a draft's suggested citations): what the corpus lacks is left out.

    Raises:
        ValidationFailed: (strict) a citation is not an article of the corpus.
    """
    pairs = list(dict.fromkeys((law, label) for law, label in citations))
    if len(pairs) > MAX_CITATIONS:
        if strict:
            raise ValidationFailed(ErrorCode.INVALID, f"引用条文不能超过{MAX_CITATIONS}条", field="citations")
        # A draft from a report with many findings: the first ones (the basis, then the gravest findings' articles)
        # make the draft; staff add or drop citations before issuing.
        pairs = pairs[:MAX_CITATIONS]
    articles = resolve_citations(pairs)
    quoted = []
    for law, label in pairs:
        article = articles.get((law, label))
        if article is None:
            if not strict:
                continue
            raise ValidationFailed(ErrorCode.INVALID, f"法规库中没有《{law}》{label}，请核对法规简称和条号",
                                   field="citations")
        quoted.append({"law": law, "title": article.law.title, "label": label, "text": article.text})
    return quoted


def parse_citations(text: str) -> list[tuple[str, str]]:
    """One citation a line, as staff type them: `劳动合同法 第十条`, `《劳动合同法》第十条`.

    Raises:
        ValidationFailed: a line names no article.
    """
    pairs = []
    for line in (text or "").splitlines():
        line = line.strip().rstrip("，,。；;")
        if not line:
            continue
        match = _LABEL.search(line)
        if match:
            law, label = line[: match.start()].strip(), match.group(1)
        else:  # a notice cited by its section heading: `law heading`
            law, _, label = line.partition(" ")
            label = label.strip()
        if law.startswith("《") and law.endswith("》"):
            law = law[1:-1]
        if not law or not label:
            raise ValidationFailed(ErrorCode.INVALID, f"“{line}”不是有效的引用，请按“劳动合同法 第十条”的格式每行填写一条",
                                   field="citations")
        pairs.append((law.removeprefix("中华人民共和国"), label))
    return pairs


def citations_text(letter: Letter) -> str:
    """The citations as the edit form shows them, one a line."""
    return "\n".join(f"{c['law']} {c['label']}" for c in letter.citations)


# ---- Drafting -----------------------------------------------------------------------------------------------------


def _require_drafting_union(actor, union) -> None:
    if union is None or not letter_policy.can(actor, "draft", Letter(union=union)):
        raise PermissionDenied("您无权以该工会名义制发劳动法律监督文书")


def _default_union(actor, preferred):
    """The union a letter goes out under: the one handling the matter when the actor works for it."""
    if preferred is not None and letter_policy.can(actor, "draft", Letter(union=preferred)):
        return preferred
    return None


def _today() -> datetime.date:
    return timezone.localdate()


def _clean_kind(kind: str) -> str:
    if kind not in LetterKind.values:
        raise ValidationFailed(ErrorCode.INVALID, "请选择文书类型", field="kind")
    return kind


def _chinese_date(day: datetime.date) -> str:
    return f"{day.year}年{day.month}月{day.day}日"


def _new_letter(*, actor, kind: str, union, **fields) -> Letter:
    _require_drafting_union(actor, union)
    today = _today()
    employer = fields["employer_name"]
    letter = Letter(
        kind=kind,
        union=union,
        issuer_name=union.name,
        # A 建议书 goes to the government department that can act; staff fill it in.
        recipient="" if kind == LetterKind.SUGGESTION else employer,
        dated=today,
        reply_due_on=today + datetime.timedelta(days=REPLY_DAYS),
        created_by=actor,
        **fields,
    )
    with transaction.atomic():
        letter.save()
        audit.record(actor=actor, action="letter.draft", obj=letter, after=audit.snapshot(letter, AUDITED_FIELDS))
    return letter


def letter_draft_from_ticket(*, actor, ticket, kind: str, union=None) -> Letter:
    """Draft a letter about a ticket's employer, quoting the articles its topic usually breaches.

    The facts name the ticket but never the complainant: the letter goes to the employer.

    Raises:
        NotFound: the actor may not see the ticket.
        PermissionDenied: the actor may not issue letters for the union.
        ValidationFailed: unknown kind.
    """
    from zhijia.cases.permissions import ticket_policy

    if not ticket_policy.can(actor, "view", ticket):
        raise NotFound()
    kind = _clean_kind(kind)
    union = union or _default_union(actor, ticket.union)
    cited, remedy = TOPIC_DEFAULTS.get(ticket.topic, ([], DEFAULT_REMEDY))
    received = timezone.localtime(ticket.created_at).date() if ticket.created_at else _today()
    affected = f"，涉及职工{ticket.workers_affected}人" if ticket.workers_affected > 1 else ""
    facts = (f"{_chinese_date(received)}，本会受理职工反映（工单号{ticket.number}{affected}），"
             f"主要情况如下：\n{ticket.description.strip()}")
    return _new_letter(
        actor=actor, kind=kind, union=union, ticket=ticket, employer_name=ticket.employer_name,
        facts=facts, remedy=remedy, citations=quote(BASIS[kind] + cited, strict=False),
    )


def letter_draft_from_checkup(*, actor, checkup: Checkup, kind: str, union=None) -> Letter:
    """Draft a letter listing a checkup's risks, their remedies and the articles behind them.

    Raises:
        NotFound: the actor may not see the report.
        PermissionDenied: the actor may not issue letters for the union.
        ValidationFailed: unknown kind, or a report without risks.
    """
    if not checkup_policy.can(actor, "view", checkup):
        raise NotFound()
    kind = _clean_kind(kind)
    if not checkup.risks:
        raise ValidationFailed(ErrorCode.INVALID, "该体检报告未发现风险，无需制发文书", field="kind")
    union = union or _default_union(actor, checkup.union)
    levels = dict(RiskLevel.choices)
    done = timezone.localtime(checkup.created_at).date()
    facts = "\n".join(
        [f"{_chinese_date(done)}，{checkup.enterprise_name}参加劳动法治体检，发现以下问题："]
        + [f"{n}. {risk['title']}（{levels.get(risk['level'], '')}风险）：{risk['description']}"
           for n, risk in enumerate(checkup.risks, start=1)]
    )
    remedy = "\n".join(f"{n}. {risk['remedy']}" for n, risk in enumerate(checkup.risks, start=1))
    cited = [tuple(c) for risk in checkup.risks for c in risk["citations"]]
    return _new_letter(
        actor=actor, kind=kind, union=union, checkup=checkup, employer_name=checkup.enterprise_name,
        facts=facts, remedy=remedy, citations=quote(BASIS[kind] + cited, strict=False),
    )


# ---- Editing and issuing -----------------------------------------------------------------------------------------


@dataclass
class LetterData:
    kind: str
    number: str
    issuer_name: str
    recipient: str
    employer_name: str
    facts: str
    citations: str  # one a line, see parse_citations
    remedy: str
    reply_due_on: str  # ISO date
    dated: str  # ISO date


def _check_dates(dated: datetime.date, reply_due_on: datetime.date) -> None:
    if reply_due_on <= dated:
        raise ValidationFailed(ErrorCode.INVALID_DATE, "书面答复期限应晚于落款日期", field="reply_due_on")


def _require_transition(letter: Letter, action: str) -> None:
    if action not in TRANSITIONS.get(letter.status, {}):
        raise InvalidTransition(REFUSALS[action])


def _locked(letter: Letter) -> Letter:
    return Letter.objects.select_for_update().select_related("union").get(pk=letter.pk)


def letter_update(*, actor, letter: Letter, data: LetterData) -> Letter:
    """Save a draft as edited; the citations are quoted afresh from the corpus.

    Raises:
        InvalidTransition: the letter was issued.
        ValidationFailed: a field is missing or malformed (named), or a citation is not in the corpus.
    """
    with transaction.atomic():
        letter = _locked(letter)
        letter_policy.require(actor, "edit", letter)
        _require_transition(letter, "edit")
        kind = _clean_kind(data.kind)
        number = (data.number or "").strip()
        if len(number) > 50:
            raise ValidationFailed(ErrorCode.INVALID, "文号不能超过50个字", field="number")
        if number and Letter.objects.filter(union=letter.union, number=number).exclude(pk=letter.pk).exists():
            raise ValidationFailed(ErrorCode.CONFLICT, f"本会已有文号为“{number}”的文书", field="number")
        before = audit.snapshot(letter, AUDITED_FIELDS)
        letter.kind = kind
        letter.number = number
        letter.issuer_name = clean_required(data.issuer_name, field="issuer_name", label="发文单位", max_length=100)
        letter.recipient = clean_required(data.recipient, field="recipient", label="主送单位", max_length=100)
        letter.employer_name = clean_required(data.employer_name, field="employer_name", label="被监督用人单位",
                                              max_length=100)
        letter.facts = clean_required(data.facts, field="facts", label="基本事实", max_length=5000)
        pairs = parse_citations(data.citations)
        if not pairs:
            raise ValidationFailed(ErrorCode.REQUIRED, "请至少引用一条法律条文", field="citations")
        letter.citations = quote(pairs)
        letter.remedy = clean_required(data.remedy, field="remedy", label="整改要求", max_length=3000)
        letter.dated = clean_date(data.dated, field="dated", label="落款日期")
        letter.reply_due_on = clean_date(data.reply_due_on, field="reply_due_on", label="书面答复期限")
        _check_dates(letter.dated, letter.reply_due_on)
        letter.save()
        audit.record(actor=actor, action="letter.update", obj=letter, before=before,
                     after=audit.snapshot(letter, AUDITED_FIELDS))
    return letter


def _next_number(letter: Letter, year: int) -> str:
    prefix = f"{NUMBER_PREFIX[letter.kind]}〔{year}〕"
    taken = set(Letter.objects.filter(union=letter.union, number__startswith=prefix).values_list("number", flat=True))
    sequence = len(taken) + 1
    while f"{prefix}{sequence}号" in taken:
        sequence += 1
    return f"{prefix}{sequence}号"


def letter_issue(*, actor, letter: Letter) -> Letter:
    """Issue a draft: it gets its 文号 (when it has none) and can no longer be edited.

    Raises:
        InvalidTransition: the letter was already issued.
        ValidationFailed: something a letter must say is missing (named).
    """
    from zhijia.org.models import Union

    with transaction.atomic():
        # One issuer at a time per union, so two letters never get the same 文号.
        Union.objects.select_for_update().filter(pk=letter.union_id).first()
        letter = _locked(letter)
        letter_policy.require(actor, "issue", letter)
        _require_transition(letter, "issue")
        for field_name, label in [("issuer_name", "发文单位"), ("recipient", "主送单位"), ("employer_name", "被监督用人单位"),
                                  ("facts", "基本事实"), ("remedy", "整改要求")]:
            clean_required(getattr(letter, field_name), field=field_name, label=label)
        if not letter.citations:
            raise ValidationFailed(ErrorCode.REQUIRED, "请至少引用一条法律条文", field="citations")
        letter.dated = letter.dated or _today()
        if letter.reply_due_on is None:
            raise ValidationFailed(ErrorCode.REQUIRED, "请填写书面答复期限", field="reply_due_on")
        _check_dates(letter.dated, letter.reply_due_on)
        before = audit.snapshot(letter, AUDITED_FIELDS)
        letter.number = letter.number or _next_number(letter, letter.dated.year)
        letter.status = TRANSITIONS[letter.status]["issue"]
        letter.issued_by = actor
        letter.issued_at = timezone.now()
        letter.save()
        audit.record(actor=actor, action="letter.issue", obj=letter, before=before,
                     after=audit.snapshot(letter, AUDITED_FIELDS))
    return letter


# ---- Printing -----------------------------------------------------------------------------------------------------

TEMPLATE_DIR = Path(__file__).resolve().parent / "templates" / "legal"


def letter_context(letter: Letter) -> dict:
    return {
        "letter": letter,
        "source": source_label(letter),
        "is_suggestion": letter.kind == LetterKind.SUGGESTION,
        "is_opinion": letter.kind == LetterKind.OPINION,
    }


def letter_html(letter: Letter) -> str:
    return render_to_string("legal/letter_pdf.html", letter_context(letter))


def letter_pdf(letter: Letter) -> bytes:
    """The letter on A4; a draft is marked 草稿 on every page."""
    return html_to_pdf(letter_html(letter), base_dir=TEMPLATE_DIR)
