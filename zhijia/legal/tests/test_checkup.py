"""劳动法治体检: the rules find what the answers reveal (and nothing else), every article they cite exists,
an enterprise gets its report as a page and a PDF, and only its filler and its union's staff read it."""

import logging
import random
import re
import shutil
import subprocess

import pytest
from django.test import Client

from zhijia.core.errors import ValidationFailed
from zhijia.core.generators import fake_credit_code
from zhijia.core.models import AuditLog
from zhijia.legal import checkup as checkups
from zhijia.legal.corpus import LAWS_DIR
from zhijia.legal.models import Article, Checkup
from zhijia.legal.services import corpus_load

CREDIT_CODE = fake_credit_code(random.Random(3), "320508", prefix="91")

# Answers of an enterprise that does everything right.
COMPLIANT = {
    "employees": "120",
    "contract_written": "all",
    "contract_copy": "yes",
    "roster": "yes",
    "probation": "yes",
    "deposit": "no",
    "dispatch": "none",
    "dismissal_union": "yes",
    "overtime_hours": "20",
    "rest_day": "yes",
    "hours_system": "standard",
    "overtime_pay": "full",
    "annual_leave": "yes",
    "wage_payment": "on_time",
    "below_minimum": "no",
    "payslip": "yes",
    "deductions": "no",
    "insurance_coverage": "all",
    "insurance_base": "yes",
    "insurance_waiver": "no",
    "housing_fund": "yes",
    "safety_training": "yes",
    "protective_equipment": "yes",
    "health_checks": "yes",
    "pregnant_overtime": "no",
    "maternity": "yes",
    "union_established": "yes",
    "union_funds": "yes",
    "congress": "yes",
    "rules_procedure": "yes",
    "open_affairs": "yes",
    "collective_contract": "valid",
    "collective_procedure": "yes",
}

# For each rule, answers (over COMPLIANT) that should make it, and only it, fire.
TRIGGERS = {
    "contract.unsigned": {"contract_written": "some"},
    "contract.copy": {"contract_copy": "no"},
    "contract.roster": {"roster": "no"},
    "contract.probation": {"probation": "no"},
    "contract.deposit": {"deposit": "yes"},
    "contract.dispatch": {"dispatch": "core"},
    "contract.dismissal_union": {"dismissal_union": "no"},
    "hours.overtime_limit": {"overtime_hours": "60"},
    "hours.rest_day": {"rest_day": "no"},
    "hours.unapproved_system": {"hours_system": "unapproved"},
    "hours.overtime_pay": {"overtime_pay": "short"},
    "hours.annual_leave": {"annual_leave": "no"},
    "wages.arrears": {"wage_payment": "arrears"},
    "wages.late": {"wage_payment": "late"},
    "wages.below_minimum": {"below_minimum": "yes"},
    "wages.payslip": {"payslip": "no"},
    "wages.deductions": {"deductions": "yes"},
    "insurance.coverage": {"insurance_coverage": "partial"},
    "insurance.base": {"insurance_base": "no"},
    "insurance.waiver": {"insurance_waiver": "yes"},
    "insurance.housing_fund": {"housing_fund": "no"},
    "safety.training": {"safety_training": "no"},
    "safety.equipment": {"protective_equipment": "no"},
    "safety.health_checks": {"health_checks": "no"},
    "safety.pregnant_overtime": {"pregnant_overtime": "yes"},
    "safety.maternity": {"maternity": "no"},
    "democracy.no_union": {"union_established": "no", "union_funds": "na"},
    "democracy.no_union_small": {"union_established": "no", "union_funds": "na", "employees": "12"},
    "democracy.union_funds": {"union_funds": "no"},
    "democracy.congress": {"congress": "no"},
    "democracy.rules_procedure": {"rules_procedure": "no"},
    "democracy.open_affairs": {"open_affairs": "no"},
    "democracy.no_collective_contract": {"collective_contract": "none", "collective_procedure": "na"},
    "democracy.collective_expired": {"collective_contract": "expired"},
    "democracy.collective_procedure": {"collective_procedure": "no"},
}


def load_laws(directory, names) -> None:
    for name in names:
        shutil.copy(LAWS_DIR / f"{name}.md", directory / f"{name}.md")
    corpus_load(directory=directory)


def cited_laws() -> set[str]:
    return {law for rule in checkups.RULES for law, _ in rule.citations}


@pytest.fixture
def rules_corpus(db, tmp_path):
    """Every law the rules cite, loaded as `manage.py legal_load` would."""
    load_laws(tmp_path, cited_laws())


def answers(**overrides) -> dict:
    return {**COMPLIANT, **{key: str(value) for key, value in overrides.items()}}


def found(raw: dict) -> list[str]:
    return [risk["code"] for risk in checkups.evaluate(checkups.clean_answers(raw))]


def form(**overrides) -> dict:
    data = {"enterprise_name": "苏州精工机械有限公司", "credit_code": CREDIT_CODE, "division_code": "320508"}
    data.update({f"q_{key}": value for key, value in COMPLIANT.items()})
    data.update(overrides)
    return data


def logged_in(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def pdf_text(pdf: bytes) -> str:
    pdftotext = shutil.which("pdftotext")
    if not pdftotext:
        pytest.skip("pdftotext (poppler-utils) is not installed")
    text = subprocess.run([pdftotext, "-layout", "-", "-"], input=pdf, capture_output=True, check=True).stdout
    return re.sub(r"\s", "", text.decode())


# ---- The questionnaire and its rules --------------------------------------------------------------------------


def test_the_questionnaire_covers_every_area_of_a_labour_law_checkup():
    titles = [section.title for section in checkups.SECTIONS]
    for area in ["劳动合同", "工时休假", "工资支付", "社会保险", "劳动安全卫生与女职工保护", "民主管理"]:
        assert area in titles
    assert len(checkups.QUESTIONS) >= 20
    democracy = " ".join(q.text for q in checkups.SECTIONS[titles.index("民主管理")].questions)
    assert all(word in democracy for word in ["职工代表大会", "厂务公开", "工会", "集体合同"])
    assert set(COMPLIANT) == set(checkups.QUESTIONS), "the compliant answers must answer every question"


def test_every_rule_has_a_trigger_in_these_tests():
    assert set(TRIGGERS) == {rule.code for rule in checkups.RULES}


def test_every_citation_in_the_rules_is_an_article_of_the_corpus(rules_corpus):
    for rule in checkups.RULES:
        assert rule.citations, f"{rule.code} cites nothing"
        for law, label in rule.citations:
            assert Article.objects.filter(law__short_title=law, label=label).exists(), f"{rule.code}: 《{law}》{label}"
    every = [citation for rule in checkups.RULES for citation in rule.citations]
    assert set(checkups.resolve_citations(every)) == set(every)


def test_an_enterprise_that_does_everything_right_has_no_risk():
    assert found(answers()) == []


@pytest.mark.parametrize("code", sorted(TRIGGERS))
def test_each_rule_fires_for_its_answer_and_nothing_else_does(code):
    assert found(answers(**TRIGGERS[code])) == [code]


@pytest.mark.parametrize(
    ("hours", "expected"), [(36, []), (37, ["hours.overtime_limit"])], ids=["at-the-limit", "one-hour-over"]
)
def test_overtime_is_a_risk_only_past_thirty_six_hours_a_month(hours, expected):
    assert found(answers(overtime_hours=hours)) == expected


@pytest.mark.parametrize(
    ("employees", "expected"), [(24, "democracy.no_union_small"), (25, "democracy.no_union")], ids=["24", "25"]
)
def test_a_missing_union_is_a_bigger_risk_from_twenty_five_employees(employees, expected):
    assert found(answers(union_established="no", union_funds="na", employees=employees)) == [expected]


def test_risks_come_most_serious_first_with_their_remedy_and_articles():
    risks = checkups.evaluate(checkups.clean_answers(answers(open_affairs="no", contract_written="none",
                                                             insurance_base="no")))
    assert [r["level"] for r in risks] == ["high", "medium", "low"]
    unsigned = risks[0]
    assert unsigned["title"] == "未依法订立书面劳动合同" and unsigned["section"] == "劳动合同"
    assert ["劳动合同法", "第八十二条"] in unsigned["citations"] and "二倍工资" in unsigned["remedy"]


def test_an_unanswered_or_malformed_question_is_named():
    with pytest.raises(ValidationFailed) as missing:
        checkups.clean_answers({k: v for k, v in answers().items() if k != "roster"})
    assert missing.value.field == "q_roster" and "请回答第4题" in missing.value.message

    problems = checkups.answer_problems(answers(overtime_hours="很多", rest_day="maybe"))
    assert problems == {"q_overtime_hours": "第9题请填写不小于0的整数", "q_rest_day": "第10题请从选项中选择"}


# ---- Pages -------------------------------------------------------------------------------------------------------


def test_an_enterprise_fills_in_the_checkup_and_reads_its_report(rules_corpus, tree, worker):
    client = logged_in(worker)
    assert "劳动法治体检" in client.get("/legal/checkup/").content.decode()

    response = client.post("/legal/checkup/", form(q_contract_written="some", q_wage_payment="arrears"))

    assert response.status_code == 302
    checkup = Checkup.objects.get()
    assert response["Location"] == f"/legal/checkup/{checkup.pk}/"
    assert checkup.enterprise_name == "苏州精工机械有限公司" and checkup.credit_code == CREDIT_CODE
    assert checkup.owner == worker and checkup.union == tree.grassroots  # the enterprise's own union follows it up
    assert checkup.answers["overtime_hours"] == 20 and checkup.answers["contract_written"] == "some"
    assert [r["code"] for r in checkup.risks] == ["contract.unsigned", "wages.arrears"]
    entry = AuditLog.objects.get(action="checkup.submit")
    assert entry.object_id == str(checkup.pk) and entry.union_id == tree.grassroots.pk

    page = client.get(response["Location"]).content.decode()
    assert "苏州精工机械有限公司" in page and "高风险 2 项，中风险 0 项，低风险 0 项" in page
    assert "未依法订立书面劳动合同" in page and "拖欠或克扣工资" in page
    article_82 = Article.objects.get(law__short_title="劳动合同法", label="第八十二条").text
    assert article_82.splitlines()[0] in page, "the articles behind a risk are quoted"
    assert "制发劳动法律监督文书" not in page, "a worker drafts no letters"


def test_the_enterprise_place_may_be_typed_as_a_name(rules_corpus, tree, worker):
    response = logged_in(worker).post("/legal/checkup/", form(division_code="苏州市姑苏区"))
    assert response.status_code == 302 and Checkup.objects.get().division_code == "320508"
    unknown = logged_in(worker).post("/legal/checkup/", form(division_code="火星"))
    assert unknown.status_code in (400, 422) and "没有找到这个地区" in unknown.content.decode()


def test_the_report_prints_as_a_pdf_with_the_enterprise_and_its_risks(rules_corpus, tree, worker, caplog):
    client = logged_in(worker)
    client.post("/legal/checkup/", form(q_insurance_waiver="yes"))
    checkup = Checkup.objects.get()

    response = client.get(f"/legal/checkup/{checkup.pk}/pdf/")

    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    assert response.content.startswith(b"%PDF-")
    text = pdf_text(response.content)
    assert "劳动法治体检报告" in text and "苏州精工机械有限公司" in text
    assert "以“自愿放弃”或现金补贴代替缴纳社会保险" in text
    assert "《社会保险法》第六十条" in text and "用人单位应当自行申报、按时足额缴纳社会保险费" in text
    complaints = [r.getMessage() for r in caplog.records
                  if r.name.startswith("weasyprint") and r.levelno >= logging.WARNING]
    assert not complaints, f"WeasyPrint ignored part of the template: {complaints}"


def test_a_bad_credit_code_is_shown_beside_its_field_and_nothing_is_saved(tree, worker):
    response = logged_in(worker).post("/legal/checkup/", form(credit_code="91320508MA1234567X", q_roster=""))

    assert response.status_code == 422
    body = response.content.decode()
    field = body[body.index('id="f-credit_code"'):]
    assert field.index("统一社会信用代码格式或校验位不正确") < field.index("</div>")
    assert "请回答第4题：是否建立了职工名册" in body, "every problem is shown at once"
    assert Checkup.objects.count() == 0


def test_signing_in_is_required(tree):
    response = Client().get("/legal/checkup/")
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]


def test_union_staff_may_file_for_an_enterprise_under_a_union_they_work_for(rules_corpus, tree, county_staff):
    client = logged_in(county_staff)

    refused = client.post("/legal/checkup/", form(union=str(tree.grassroots_c.pk)))
    assert refused.status_code == 422 and "只能选择您所在或所辖的工会" in refused.content.decode()

    client.post("/legal/checkup/", form(enterprise_name="姑苏快递有限公司", union=str(tree.regional.pk)))
    assert Checkup.objects.get().union == tree.regional


def test_the_filler_and_the_unions_staff_read_a_report_and_nobody_else(
    rules_corpus, tree, worker, other_worker, chair, county_staff, chair_b, nanjing_staff
):
    logged_in(worker).post("/legal/checkup/", form(q_roster="no"))
    checkup = Checkup.objects.get()
    url = f"/legal/checkup/{checkup.pk}/"

    for reader in [worker, chair, county_staff]:
        assert logged_in(reader).get(url).status_code == 200
        assert "苏州精工机械有限公司" in logged_in(reader).get("/legal/checkup/reports/").content.decode()
    assert logged_in(chair).get(url + "pdf/").status_code == 200
    for stranger in [other_worker, chair_b, nanjing_staff]:
        assert logged_in(stranger).get(url).status_code == 404
        assert logged_in(stranger).get(url + "pdf/").status_code == 404
        assert "苏州精工机械有限公司" not in logged_in(stranger).get("/legal/checkup/reports/").content.decode()
