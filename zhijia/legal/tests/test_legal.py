"""The corpus, its loader, the ask page and API, answers (extractive and checked LLM), feedback, 转人工."""

import io
import json
import shutil

import pytest
from django.core.management import call_command
from django.test import Client

from zhijia.legal import answers
from zhijia.legal.corpus import LAWS_DIR, article_label, article_number, parse_law
from zhijia.legal.models import Article, Law, LegalQuery
from zhijia.legal.retrieval import search
from zhijia.legal.services import corpus_load, corpus_version

CORE = ["劳动合同法.md", "劳动法.md", "职工带薪年休假条例.md", "关于职工全年月平均工作时间和工资折算问题的通知.md",
        "女职工劳动保护特别规定.md"]


@pytest.fixture
def corpus(db, tmp_path):
    for name in CORE:
        shutil.copy(LAWS_DIR / name, tmp_path / name)
    corpus_load(directory=tmp_path)
    return tmp_path


def test_article_numbers_both_ways():
    assert article_number("第四十七条") == 47
    assert article_number("第一百一十条") == 110
    assert article_label(47) == "第四十七条" and article_label(10) == "第十条" and article_label(1010) == "第一千零一十条"


def test_parse_keeps_structure_and_text_verbatim():
    law = parse_law((LAWS_DIR / "劳动合同法.md").read_text(encoding="utf-8"))
    assert law.title == "中华人民共和国劳动合同法" and law.short_title == "劳动合同法"
    assert law.effective_date == "2012-12-28"
    by_label = {a.label: a for a in law.articles}
    assert len(law.articles) == 98
    a47 = by_label["第四十七条"]
    assert a47.number == 47 and a47.chapter == "第四章 劳动合同的解除和终止"
    assert a47.text.startswith("经济补偿按劳动者在本单位工作的年限，每满一年支付一个月工资的标准向劳动者支付。")
    assert a47.text.count("\n") == 2  # three paragraphs, kept as such
    assert "本条所称月工资" in a47.text


def test_a_notice_without_articles_is_cited_by_section():
    law = parse_law((LAWS_DIR / "关于职工全年月平均工作时间和工资折算问题的通知.md").read_text(encoding="utf-8"))
    labels = [a.label for a in law.articles]
    assert "二、日工资、小时工资的折算" in labels
    assert "21.75" in law.articles[labels.index("二、日工资、小时工资的折算")].text


def test_load_is_idempotent_and_reloads_a_changed_file(corpus):
    version = corpus_version()
    assert Law.objects.count() == len(CORE)
    count = Article.objects.count()
    assert corpus_load(directory=corpus).unchanged == len(CORE)
    assert Article.objects.count() == count and corpus_version() == version
    path = corpus / "职工带薪年休假条例.md"
    path.write_text(path.read_text(encoding="utf-8").replace("第三条 职工累计工作", "第三条 职工累计工作（测试修改）"), encoding="utf-8")
    result = corpus_load(directory=corpus)
    assert result.updated == 1 and corpus_version() > version
    assert "测试修改" in Article.objects.get(law__short_title="职工带薪年休假条例", number=3).text


def test_search_returns_cited_verbatim_articles(corpus):
    results = search("干了三年被辞退能赔多少", k=5)
    assert results and all(r.text == Article.objects.get(pk=r.id).text for r in results)
    assert ("劳动合同法", "第四十七条") in {(r.law, r.article) for r in results}


def test_index_follows_corpus_changes(corpus):
    law = Law.objects.create(title="苏州市职工权益保障办法", short_title="苏州市职工权益保障办法", kind="local")
    assert not any(r.law == law.short_title for r in search("职工疗休养每年几天", k=10))
    Article.objects.create(law=law, label="第五条", number=5, text="用人单位应当每年安排职工疗休养不少于五天。", order=1)
    assert search("职工疗休养每年几天", k=3)[0].law == "苏州市职工权益保障办法"


def test_legal_ask_command_prints_json(corpus):
    out = io.StringIO()
    call_command("legal_ask", "公司不给加班费怎么办", "--k", "3", "--json", stdout=out)
    rows = json.loads(out.getvalue())
    assert len(rows) == 3 and {"law", "article", "score", "text"} <= set(rows[0])
    assert rows[0]["score"] >= rows[1]["score"] >= rows[2]["score"]


def test_search_api_and_bad_input(corpus):
    client = Client()
    rows = client.get("/api/legal/search", {"q": "试用期最长多久", "k": 5}).json()
    assert len(rows) == 5 and rows[0]["article"].startswith("第")
    for q in ("", "x" * 2001, "how much overtime pay"):
        response = client.get("/api/legal/search", {"q": q})
        assert response.status_code == 422 and response.json()["field"] == "q"


def test_article_pages_and_api(corpus):
    article = Article.objects.get(law__short_title="劳动合同法", number=47)
    page = Client().get(f"/legal/articles/{article.pk}/").content.decode()
    assert "《劳动合同法》第四十七条" in page and "每满一年支付一个月工资" in page
    assert Client().get(f"/api/legal/articles/{article.pk}").json()["article"] == "第四十七条"
    assert Client().get("/api/legal/articles/999999").status_code == 404
    assert "劳动合同法" in Client().get("/legal/laws/").content.decode()


def test_ask_page_answers_with_citations_and_records_the_question(corpus):
    body = Client().get("/legal/", {"q": "干了三年被辞退能赔多少"}).content.decode()
    assert "简要解答" in body and "《劳动合同法》第四十七条" in body
    assert LegalQuery.objects.get().answer_mode == "extractive"


@pytest.mark.parametrize("q,message", [("   ", ""), ("a" * 2001, "问题太长"), ("hello", "请用中文")])
def test_ask_page_bad_input_is_a_message_not_an_error(corpus, q, message):
    response = Client().get("/legal/", {"q": q})
    assert response.status_code == 200
    assert message in response.content.decode()


def test_outside_labor_law_says_so(corpus):
    body = Client().get("/legal/", {"q": "离婚后房子怎么分"}).content.decode()
    assert "不属于劳动法律问题" in body and "简要解答" not in body


def test_feedback_only_on_own_question(corpus):
    client = Client()
    client.get("/legal/", {"q": "年假一年有几天"})
    query = LegalQuery.objects.get()
    assert Client().post(f"/legal/q/{query.pk}/feedback/", {"helpful": "1"}).status_code == 404
    client.post(f"/legal/q/{query.pk}/feedback/", {"helpful": "0"})
    query.refresh_from_db()
    assert query.helpful is False


def test_handoff_prefills_the_ticket_and_links_it(corpus, tree, calendar, worker):
    client = Client()
    client.force_login(worker)
    client.get("/legal/", {"q": "公司三个月没发工资了怎么办"})
    query = LegalQuery.objects.get()
    form = client.get(client.get(f"/legal/q/{query.pk}/handoff/?kind=legal_aid")["Location"]).content.decode()
    assert "公司三个月没发工资了怎么办" in form and f'name="legal_query" value="{query.pk}"' in form
    assert '<option value="wages" selected>' in form  # the classifier's topic: no extra step before submitting
    response = client.post("/cases/new/", {
        "legal_query": query.pk, "type": "legal_aid", "topic": "wages", "complainant_name": "王小明",
        "complainant_phone": "13912345678", "employer_name": "苏州精工机械有限公司", "division_code": "320508",
        "description": query.question, "workers_affected": "1",
    })
    assert response.status_code == 302
    query.refresh_from_db()
    assert query.ticket is not None and query.ticket.type == "legal_aid"


def test_llm_answer_with_foreign_citation_falls_back_to_extractive(corpus):
    results = search("干了三年被辞退能赔多少", k=5)
    good = f"按照《{results[0].law}》{results[0].article}，可以要求经济补偿。"
    assert answers.answer("q", results, chat=lambda messages: good).mode == "llm"
    invented = good + "另外依据《劳动法》第九百九十九条还可以要求双倍赔偿。"
    assert answers.answer("q", results, chat=lambda messages: invented).mode == "extractive"
    uncited = "可以要求赔偿。"
    assert answers.answer("q", results, chat=lambda messages: uncited).mode == "extractive"

    def broken(messages):
        raise OSError("connection refused")

    assert answers.answer("q", results, chat=broken).mode == "extractive"


def test_llm_sees_only_the_retrieved_articles(corpus):
    results = search("年假一年有几天", k=5)
    seen = {}

    def chat(messages):
        seen["prompt"] = messages[-1]["content"]
        return f"《{results[0].law}》{results[0].article}规定了年休假天数。"

    answers.answer("年假一年有几天", results, chat=chat)
    for r in results[: answers.SHOWN]:
        assert r.text in seen["prompt"]


def test_ask_api_explains_records_and_takes_feedback(corpus):
    client = Client()
    body = client.post("/api/legal/ask", data=json.dumps({"q": "干了三年被辞退能赔多少", "k": 5}),
                       content_type="application/json").json()
    assert body["labor_question"] and body["mode"] == "extractive"
    assert ("劳动合同法", "第四十七条") in {(a["law"], a["article"]) for a in body["articles"]}
    assert any(p["citation"] == "《劳动合同法》第四十七条" for p in body["points"])
    feedback = f"/api/legal/queries/{body['query_id']}/feedback"
    assert Client().post(feedback, data=json.dumps({"helpful": True}), content_type="application/json").status_code == 404
    assert client.post(feedback, data=json.dumps({"helpful": True}), content_type="application/json").status_code == 204
    assert LegalQuery.objects.get(pk=body["query_id"]).helpful is True
    outside = client.post("/api/legal/ask", data=json.dumps({"q": "离婚后房子怎么分"}), content_type="application/json").json()
    assert outside["mode"] == "none" and not outside["labor_question"]
