"""一函两书: a draft from a ticket or a checkup quotes the articles verbatim; staff edit it, issue it, and then it
never changes; only staff of the issuing union (or above it) see letters; the PDF carries the letterhead."""

import datetime
import logging

import pytest

from zhijia.cases.services import ticket_create
from zhijia.cases.tests.conftest import ticket_data
from zhijia.core.errors import InvalidTransition, NotFound, PermissionDenied, ValidationFailed
from zhijia.core.models import AuditLog
from zhijia.legal import checkup as checkups
from zhijia.legal import letters
from zhijia.legal.models import Article, Letter, LetterKind, LetterStatus
from zhijia.legal.tests.test_checkup import COMPLIANT, CREDIT_CODE, load_laws, logged_in, pdf_text

LAWS = ["劳动合同法", "劳动法", "工会法", "社会保险法", "劳动合同法实施条例", "工资支付暂行规定"]


@pytest.fixture
def corpus(db, tmp_path):
    load_laws(tmp_path, LAWS)


@pytest.fixture
def ticket(tree, calendar, worker, corpus):
    """王小明's wage complaint against his own company, handled by its union (苏州精工机械有限公司工会)."""
    return ticket_create(actor=worker, data=ticket_data(), channel="web")


@pytest.fixture
def draft(ticket, chair):
    return letters.letter_draft_from_ticket(actor=chair, ticket=ticket, kind=LetterKind.REMINDER)


def article(law: str, label: str) -> str:
    return Article.objects.get(law__short_title=law, label=label).text


def edit_form(letter: Letter, **overrides) -> dict:
    data = {
        "kind": letter.kind,
        "number": letter.number,
        "issuer_name": letter.issuer_name,
        "recipient": letter.recipient,
        "employer_name": letter.employer_name,
        "facts": letter.facts,
        "citations": letters.citations_text(letter),
        "remedy": letter.remedy,
        "reply_due_on": letter.reply_due_on.isoformat(),
        "dated": letter.dated.isoformat(),
        "action": "save",
    }
    data.update(overrides)
    return data


def data_of(letter: Letter, **overrides) -> letters.LetterData:
    values = edit_form(letter, **overrides)
    values.pop("action")
    return letters.LetterData(**values)


# ---- Drafting ------------------------------------------------------------------------------------------------------


def test_a_draft_from_a_ticket_states_the_facts_and_quotes_the_articles(ticket, draft, tree, chair):
    assert draft.status == LetterStatus.DRAFT and draft.union == tree.grassroots
    assert draft.issuer_name == "苏州精工机械有限公司工会" and draft.recipient == "苏州精工机械有限公司"
    assert "公司已经两个月没有发工资了，老板说资金周转困难" in draft.facts and ticket.number in draft.facts
    assert "存在以下问题" not in draft.facts  # the letter's own lead says it; the facts must not say it again
    assert "王小明" not in draft.facts and "13912345678" not in draft.facts, "the employer must not learn who complained"
    cited = {(c["law"], c["label"]): c["text"] for c in draft.citations}
    assert ("劳动合同法", "第七十八条") in cited, "the union's right to supervise is always cited"
    assert cited[("劳动法", "第五十条")] == article("劳动法", "第五十条") == "工资应当以货币形式按月支付给劳动者本人。不得克扣或者无故拖欠劳动者的工资。"
    assert draft.reply_due_on == draft.dated + datetime.timedelta(days=15)

    html = letters.letter_html(draft)
    assert "苏州精工机械有限公司工会" in html and "劳动法律监督提示函" in html
    assert "《中华人民共和国劳动法》第五十条：“工资应当以货币形式按月支付给劳动者本人。不得克扣或者无故拖欠劳动者的工资。”" in html
    entry = AuditLog.objects.get(action="letter.draft")
    assert entry.object_id == str(draft.pk) and entry.union_id == tree.grassroots.pk and entry.actor == chair


def test_staff_start_a_draft_from_a_ticket_number_on_the_page(ticket, chair):
    client = logged_in(chair)
    assert client.get("/legal/letters/new/").status_code == 200

    response = client.post("/legal/letters/new/", {"ticket": ticket.number.lower(), "kind": "opinion", "union": ""})

    letter = Letter.objects.get()
    assert response.status_code == 302 and response["Location"] == f"/legal/letters/{letter.pk}/"
    assert letter.kind == LetterKind.OPINION and letter.ticket == ticket
    page = client.get(response["Location"]).content.decode()
    assert "劳动法律监督意见书" in page and "老板说资金周转困难" in page
    assert "不得克扣或者无故拖欠劳动者的工资" in page


def test_a_ticket_the_user_may_not_see_cannot_become_a_letter(ticket, nanjing_staff):
    response = logged_in(nanjing_staff).post("/legal/letters/new/", {"ticket": ticket.number, "kind": "reminder"})

    assert response.status_code == 422 and "未找到该工单，或您无权查看" in response.content.decode()
    with pytest.raises(NotFound):
        letters.letter_draft_from_ticket(actor=nanjing_staff, ticket=ticket, kind=LetterKind.REMINDER)
    assert Letter.objects.count() == 0


def test_grassroots_staff_issue_only_under_their_own_union(ticket, chair, tree):
    with pytest.raises(PermissionDenied):
        letters.letter_draft_from_ticket(actor=chair, ticket=ticket, kind=LetterKind.REMINDER, union=tree.county)


def test_a_suggestion_goes_to_a_department_the_staff_name(ticket, county_staff):
    letter = letters.letter_draft_from_ticket(actor=county_staff, ticket=ticket, kind=LetterKind.SUGGESTION)

    assert letter.recipient == "" and ("工会法", "第二十三条") in {(c["law"], c["label"]) for c in letter.citations}
    with pytest.raises(ValidationFailed) as refused:
        letters.letter_issue(actor=county_staff, letter=letter)
    assert refused.value.field == "recipient" and refused.value.message == "请填写主送单位"
    assert Letter.objects.get().status == LetterStatus.DRAFT


def test_a_draft_from_a_checkup_lists_its_risks_remedies_and_articles(corpus, tree, worker, chair, chair_b,
                                                                       nanjing_staff):
    raw = {**COMPLIANT, "contract_written": "none", "insurance_base": "no"}
    report = checkups.checkup_submit(actor=worker, data=checkups.CheckupData(
        "苏州精工机械有限公司", CREDIT_CODE, "320508", raw))

    letter = letters.letter_draft_from_checkup(actor=chair, checkup=report, kind=LetterKind.OPINION)

    assert letter.checkup == report and letter.union == tree.grassroots
    assert "1. 未依法订立书面劳动合同（高风险）" in letter.facts and "2. 未按实际工资申报缴费基数（中风险）" in letter.facts
    assert "补订书面劳动合同" in letter.remedy and "补缴差额" in letter.remedy
    cited = {(c["law"], c["label"]): c["text"] for c in letter.citations}
    assert cited[("劳动合同法", "第八十二条")] == article("劳动合同法", "第八十二条")
    assert cited[("社会保险法", "第八十六条")] == article("社会保险法", "第八十六条")

    for stranger in [nanjing_staff, chair_b]:
        with pytest.raises(NotFound):
            letters.letter_draft_from_checkup(actor=stranger, checkup=report, kind=LetterKind.OPINION)
        response = logged_in(stranger).post("/legal/letters/new/", {"checkup": report.pk, "kind": "opinion"})
        assert response.status_code == 404
    assert Letter.objects.count() == 1

    clean = checkups.checkup_submit(actor=worker, data=checkups.CheckupData(
        "苏州精工机械有限公司", CREDIT_CODE, "320508", COMPLIANT))
    with pytest.raises(ValidationFailed, match="未发现风险"):
        letters.letter_draft_from_checkup(actor=chair, checkup=clean, kind=LetterKind.REMINDER)


def worst_answers() -> dict:
    """Every question answered the way that finds the most risks, one question at a time."""
    raw = dict(COMPLIANT)
    for key, question in checkups.QUESTIONS.items():
        choices = [value for value, _ in question.options] if question.kind == "choice" else ["0", "300"]
        raw[key] = max(choices, key=lambda value: len(checkups.evaluate(checkups.clean_answers({**raw, key: value}))))
    return raw


def test_a_report_with_more_articles_than_a_letter_holds_still_drafts(corpus, tree, worker, chair):
    report = checkups.checkup_submit(actor=worker, data=checkups.CheckupData(
        "苏州精工机械有限公司", CREDIT_CODE, "320508", worst_answers()))
    cited = {tuple(c) for risk in report.risks for c in risk["citations"]}
    assert len(cited) > letters.MAX_CITATIONS  # what used to end in "引用条文不能超过30条"

    letter = letters.letter_draft_from_checkup(actor=chair, checkup=report, kind=LetterKind.REMINDER)
    assert 0 < len(letter.citations) <= letters.MAX_CITATIONS  # the first 30; staff edit the list before issuing
    assert (letter.citations[0]["law"], letter.citations[0]["label"]) == ("劳动合同法", "第七十八条")  # the basis first
    assert f"{len(report.risks)}. " in letter.facts  # every finding stays in the facts


# ---- Editing and issuing ------------------------------------------------------------------------------------------


def test_staff_edit_a_draft_and_the_citations_are_quoted_afresh(draft, chair):
    client = logged_in(chair)

    response = client.post(f"/legal/letters/{draft.pk}/", edit_form(
        draft, remedy="请于十日内足额支付2026年9月、10月工资。", citations="《劳动合同法》第三十条\n劳动法 第五十条\n",
        recipient="苏州精工机械有限公司人力资源部"))

    assert response.status_code == 302
    draft.refresh_from_db()
    assert draft.status == LetterStatus.DRAFT and draft.remedy == "请于十日内足额支付2026年9月、10月工资。"
    assert draft.recipient == "苏州精工机械有限公司人力资源部"
    assert [(c["law"], c["label"]) for c in draft.citations] == [("劳动合同法", "第三十条"), ("劳动法", "第五十条")]
    assert draft.citations[0]["text"] == article("劳动合同法", "第三十条")
    entry = AuditLog.objects.get(action="letter.update")
    assert entry.before["remedy"] != entry.after["remedy"] == draft.remedy


@pytest.mark.parametrize(
    ("overrides", "field", "message"),
    [
        ({"citations": "劳动合同法 第九百条"}, "citations", "法规库中没有《劳动合同法》第九百条，请核对法规简称和条号"),
        ({"citations": ""}, "citations", "请至少引用一条法律条文"),
        ({"facts": "  "}, "facts", "请填写基本事实"),
        ({"reply_due_on": "2026-01-01", "dated": "2026-01-10"}, "reply_due_on", "书面答复期限应晚于落款日期"),
        ({"dated": "2026-13-01"}, "dated", "落款日期格式应为 年-月-日"),
    ],
    ids=["unknown-article", "no-citation", "no-facts", "deadline-before-date", "bad-date"],
)
def test_a_bad_edit_is_refused_beside_its_field(draft, chair, overrides, field, message):
    response = logged_in(chair).post(f"/legal/letters/{draft.pk}/", edit_form(draft, **overrides))

    assert response.status_code == 422
    body = response.content.decode()
    beside = body[body.index(f'id="f-{field}"'):]
    assert beside.index(message) < beside.index("</div>")
    assert Letter.objects.get().facts == draft.facts and not AuditLog.objects.filter(action="letter.update").exists()


def test_issuing_numbers_the_letter_and_it_can_no_longer_be_edited(draft, ticket, chair):
    client = logged_in(chair)

    response = client.post(f"/legal/letters/{draft.pk}/", edit_form(draft, action="issue", dated="2026-11-23",
                                                                    reply_due_on="2026-12-08"))

    assert response.status_code == 302
    draft.refresh_from_db()
    assert draft.status == LetterStatus.ISSUED and draft.number == "工监提〔2026〕1号" and draft.issued_by == chair
    assert AuditLog.objects.filter(action="letter.issue", object_id=str(draft.pk)).exists()
    second = letters.letter_draft_from_ticket(actor=chair, ticket=ticket, kind=LetterKind.REMINDER)
    second = letters.letter_update(actor=chair, letter=second, data=data_of(second, dated="2026-11-24",
                                                                            reply_due_on="2026-12-09"))
    assert letters.letter_issue(actor=chair, letter=second).number == "工监提〔2026〕2号"

    refused = client.post(f"/legal/letters/{draft.pk}/", edit_form(draft, remedy="改掉"))
    assert refused.status_code == 422 and "该文书已发出，不能再修改" in refused.content.decode()
    assert Letter.objects.get(pk=draft.pk).remedy != "改掉"
    page = client.get(f"/legal/letters/{draft.pk}/").content.decode()
    assert 'name="remedy"' not in page and "已发出的文书不能修改" in page
    with pytest.raises(InvalidTransition) as again:
        letters.letter_issue(actor=chair, letter=draft)
    assert again.value.code == "invalid_transition" and again.value.message == "该文书已发出，不能重复发出"
    with pytest.raises(InvalidTransition, match="该文书已发出，不能再修改"):
        letters.letter_update(actor=chair, letter=draft, data=data_of(draft, remedy="改掉"))


def test_a_number_already_used_by_the_union_is_refused(draft, ticket, chair):
    letters.letter_update(actor=chair, letter=draft, data=data_of(draft, number="苏精工监〔2026〕7号"))
    other = letters.letter_draft_from_ticket(actor=chair, ticket=ticket, kind=LetterKind.OPINION)

    with pytest.raises(ValidationFailed) as refused:
        letters.letter_update(actor=chair, letter=other, data=data_of(other, number="苏精工监〔2026〕7号"))

    assert refused.value.field == "number" and "已有文号" in refused.value.message


# ---- Who sees letters ------------------------------------------------------------------------------------------------


def test_letters_are_seen_by_the_issuing_union_and_those_above_it_only(
    draft, chair, officer, county_staff, city_staff, chair_b, nanjing_staff
):
    url = f"/legal/letters/{draft.pk}/"
    for reader in [chair, officer, county_staff, city_staff]:
        assert logged_in(reader).get(url).status_code == 200
        assert "苏州精工机械有限公司" in logged_in(reader).get("/legal/letters/").content.decode()
    for stranger in [chair_b, nanjing_staff]:
        client = logged_in(stranger)
        assert client.get(url).status_code == 404
        assert client.get(url + "pdf/").status_code == 404
        assert client.post(url, edit_form(draft, remedy="改掉")).status_code == 404
        assert "苏州精工机械有限公司" not in client.get("/legal/letters/").content.decode()
    assert Letter.objects.get().remedy == draft.remedy


def test_a_worker_cannot_create_or_list_letters(ticket, worker):
    client = logged_in(worker)

    assert client.get("/legal/letters/").status_code == 403
    assert client.get("/legal/letters/new/").status_code == 403
    assert client.post("/legal/letters/new/", {"ticket": ticket.number, "kind": "reminder"}).status_code == 403
    with pytest.raises(PermissionDenied):
        letters.letter_draft_from_ticket(actor=worker, ticket=ticket, kind=LetterKind.REMINDER)
    assert Letter.objects.count() == 0


# ---- Printing ------------------------------------------------------------------------------------------------------


def test_the_letter_prints_with_letterhead_facts_and_quoted_articles(draft, chair, caplog):
    client = logged_in(chair)

    response = client.get(f"/legal/letters/{draft.pk}/pdf/")

    assert response.status_code == 200 and response.content.startswith(b"%PDF-")
    text = pdf_text(response.content)
    assert "苏州精工机械有限公司工会" in text and "劳动法律监督提示函" in text and "草稿" in text
    assert "老板说资金周转困难" in text and "不得克扣或者无故拖欠劳动者的工资" in text
    complaints = [r.getMessage() for r in caplog.records
                  if r.name.startswith("weasyprint") and r.levelno >= logging.WARNING]
    assert not complaints, f"WeasyPrint ignored part of the template: {complaints}"

    client.post(f"/legal/letters/{draft.pk}/", edit_form(draft, action="issue", dated="2026-11-23",
                                                        reply_due_on="2026-12-08"))
    issued = pdf_text(client.get(f"/legal/letters/{draft.pk}/pdf/").content)
    assert "草稿" not in issued and "工监提〔2026〕1号" in issued
    assert "2026年11月23日" in issued and "请你单位于2026年12月8日前将整改情况书面回复本会" in issued
