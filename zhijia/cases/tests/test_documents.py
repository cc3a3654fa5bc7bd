"""The 调解协议书 PDF: a successful mediation prints with embedded CJK fonts; nothing else prints at all."""

import datetime
import logging
import re
import shutil
import socket
import subprocess
import zlib

import pytest

from zhijia.cases import documents
from zhijia.cases.documents import mediation_agreement_pdf
from zhijia.cases.models import Agency, AgencyKind, Mediation, MediationSession, Referral, Ticket
from zhijia.core.errors import InvalidTransition
from zhijia.core.pii import lookup_hash

AGREEMENT = (
    "一、被申请人于2026年11月30日前一次性支付申请人2026年8月至10月工资共计人民币18600元。\n"
    "二、申请人收到上述款项后，双方就本次欠薪争议再无其他纠纷。"
)
ARTICLE_14 = (
    "经调解达成协议的，应当制作调解协议书。调解协议书由双方当事人签名或者盖章，"
    "经调解员签名并加盖调解组织印章后生效，对双方当事人具有约束力，当事人应当履行。"
)


@pytest.fixture
def ticket(tree):
    return Ticket.objects.create(
        number="20261105-0007",
        type="complaint",
        topic="wages",
        channel="hotline",
        complainant_name="王小明",
        complainant_phone="13900000001",
        phone_hash=lookup_hash("13900000001"),
        employer_name="苏州精工机械有限公司",
        division_code="320508",
        description="2026年8月至10月工资共计18600元未发放，多次催要未果。",
        union=tree.grassroots,
        province_id=tree.province.pk,
    )


@pytest.fixture
def mediation(ticket):
    """Concluded at 01:30 on 23 November Beijing time, which is still the 22nd in UTC."""
    mediation = Mediation.objects.create(
        ticket=ticket,
        applicant="王小明",
        respondent="苏州精工机械有限公司",
        mediator="张调解",
        outcome="success",
        agreement=AGREEMENT,
        concluded_at=datetime.datetime(2026, 11, 22, 17, 30, tzinfo=datetime.UTC),
    )
    MediationSession.objects.create(
        mediation=mediation, held_on=datetime.date(2026, 11, 10), place="姑苏区总工会调解室", summary="被申请人承认欠薪事实。"
    )
    return mediation


def pdf_objects(pdf: bytes) -> bytes:
    """The file with every Flate stream inflated: WeasyPrint puts font dictionaries in compressed object streams."""
    parts = [pdf]
    for match in re.finditer(rb"stream\r?\n", pdf):
        try:
            parts.append(zlib.decompressobj().decompress(pdf[match.end() :]))
        except zlib.error:
            pass
    return b"\n".join(parts)


def embedded_fonts(pdf: bytes) -> set[str]:
    return {name.decode() for name in re.findall(rb"/FontName\s*/([^\s/<>\[\]()]+)", pdf_objects(pdf))}


def mapped_characters(pdf: bytes) -> set[str]:
    """Characters the embedded fonts' ToUnicode maps give back to text extraction and search."""
    chars = set()
    for block in re.findall(rb"beginbfchar(.*?)endbfchar", pdf_objects(pdf), re.S):
        for target in re.findall(rb"<[0-9a-fA-F]+>\s*<([0-9a-fA-F]+)>", block):
            chars.update(bytes.fromhex(target.decode()).decode("utf-16-be"))
    for block in re.findall(rb"beginbfrange(.*?)endbfrange", pdf_objects(pdf), re.S):
        for low, high, start in re.findall(rb"<([0-9a-fA-F]+)>\s*<([0-9a-fA-F]+)>\s*<([0-9a-fA-F]+)>", block):
            first = int(start, 16)
            chars.update(chr(first + offset) for offset in range(int(high, 16) - int(low, 16) + 1))
    return chars


def test_agreement_pdf_is_a4_with_an_embedded_cjk_font_covering_the_text(mediation, caplog):
    pdf = mediation_agreement_pdf(mediation)

    assert pdf.startswith(b"%PDF-") and pdf.rstrip().endswith(b"%%EOF")
    assert re.search(rb"/MediaBox \[0 0 595\.\d+ 841\.\d+\]", pdf_objects(pdf)), "not an A4 page"
    fonts = embedded_fonts(pdf)
    assert any(re.search(r"CJK|SourceHan|Source-Han", name) for name in fonts), (
        f"no CJK font embedded (found {sorted(fonts)}): `make browser-deps` installs Debian's fonts-noto-cjk"
    )
    needed = set(re.sub(r"\s", "", AGREEMENT + "调解协议书王小明苏州精工机械有限公司工会张调解"))
    assert needed <= mapped_characters(pdf), f"missing glyphs: {sorted(needed - mapped_characters(pdf))}"
    complaints = [
        record.getMessage()
        for record in caplog.records
        if record.name.startswith("weasyprint") and record.levelno >= logging.WARNING
    ]
    assert not complaints, f"WeasyPrint ignored part of the template: {complaints}"


def test_agreement_text_reads_back_line_by_line(mediation):
    pdftotext = shutil.which("pdftotext")
    if not pdftotext:
        pytest.skip("pdftotext (poppler-utils) is not installed")

    pdf = mediation_agreement_pdf(mediation)
    text = subprocess.run([pdftotext, "-layout", "-", "-"], input=pdf, capture_output=True, check=True).stdout
    lines = [re.sub(r"\s", "", line) for line in text.decode().splitlines()]

    for line in AGREEMENT.splitlines():
        assert any(extracted.startswith(line[:20]) for extracted in lines), f"{line!r} does not start a line"
    flat = "".join(lines)
    assert "调协字〔2026〕第20261105-0007号" in flat and "2026年11月23日" in flat


@pytest.fixture
def rendered(monkeypatch):
    """The HTML each PDF was made from, in order."""
    pages = []
    render = documents.render_to_string

    def keep(*args, **kwargs):
        pages.append(render(*args, **kwargs))
        return pages[-1]

    monkeypatch.setattr(documents, "render_to_string", keep)
    return pages


def test_agreement_names_parties_organisation_sessions_statute_and_date(mediation, tree, rendered):
    mediation_agreement_pdf(mediation)

    html = rendered[-1]
    assert "调协字〔2026〕第 20261105-0007 号" in html
    for text in ["王小明", "苏州精工机械有限公司", tree.grassroots.name, "张调解", "多次催要未果"]:
        assert text in html
    assert "2026年11月10日" in html and "姑苏区总工会调解室" in html and "被申请人承认欠薪事实" in html
    assert AGREEMENT in html, "the agreement must keep its line breaks"
    assert f"第十四条：“{ARTICLE_14}”" in html
    assert "一式三份" in html and "（签名或盖章）" in html and "（印章）" in html
    assert "2026年11月23日" in html, "the date is the Beijing date the mediation concluded"


def test_an_agency_that_mediated_a_referral_is_the_organisation_that_seals(mediation, tree, rendered):
    court = Agency.objects.create(name="姑苏区人民法院诉前调解中心", kind=AgencyKind.COURT, division_code="320508")
    mediation.referral = Referral.objects.create(ticket=mediation.ticket, agency=court, reason="诉前调解")
    mediation.save()

    mediation_agreement_pdf(mediation)

    html = rendered[-1]
    assert "调解组织（印章）：姑苏区人民法院诉前调解中心" in html and "经姑苏区人民法院诉前调解中心主持调解" in html
    assert tree.grassroots.name not in html


@pytest.mark.parametrize(
    ("outcome", "agreement", "message"),
    [
        ("", AGREEMENT, "调解未成功，不能生成调解协议书"),
        ("failed", AGREEMENT, "调解未成功，不能生成调解协议书"),
        ("success", " \n", "协议内容为空，不能生成调解协议书"),
    ],
    ids=["pending", "failed", "blank-agreement"],
)
def test_only_a_successful_mediation_with_an_agreement_prints(mediation, outcome, agreement, message):
    mediation.outcome, mediation.agreement = outcome, agreement

    with pytest.raises(InvalidTransition) as refused:
        mediation_agreement_pdf(mediation)

    assert refused.value.code == "invalid_transition" and refused.value.message == message


def test_nothing_is_fetched_over_the_network(mediation, monkeypatch, caplog):
    def template_with_remote_resources(*args, **kwargs):
        return (
            '<html><head><link rel="stylesheet" href="https://fonts.googleapis.com/css2?family=Noto+Serif+SC">'
            '</head><body><img src="http://127.0.0.1:9/seal.png">调解协议书</body></html>'
        )

    def no_connections(*args, **kwargs):
        raise AssertionError("WeasyPrint opened a connection")

    monkeypatch.setattr(documents, "render_to_string", template_with_remote_resources)
    monkeypatch.setattr(socket.socket, "connect", no_connections)
    monkeypatch.setattr(socket, "create_connection", no_connections)

    pdf = mediation_agreement_pdf(mediation)

    assert pdf.startswith(b"%PDF-")
    refused = [record.getMessage() for record in caplog.records if "disallowed protocol" in record.getMessage()]
    assert len(refused) == 2, refused
