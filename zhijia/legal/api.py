"""法务云 over the API: search the statutes, read articles and laws, ask for an answer, give feedback."""

import datetime

from ninja import Field, Router, Schema

from zhijia.core.errors import NotFound
from zhijia.core.schemas import ERRORS

from . import answers, services
from .models import Article, Law
from .consult import legal_consult
from .retrieval import search

router = Router(auth=None)
TAGS = ["法务云"]


class HitOut(Schema):
    law: str
    article: str
    score: float
    text: str
    id: int
    url: str


class ArticleOut(Schema):
    id: int
    law: str = Field(alias="law.short_title")
    law_title: str = Field(alias="law.title")
    article: str = Field(alias="label")
    number: int
    part: str
    chapter: str
    section: str
    text: str


class LawOut(Schema):
    id: int
    title: str
    short_title: str
    kind: str
    effective_date: datetime.date | None = None
    articles: int = Field(0, alias="article_count")


class AskIn(Schema):
    q: str
    k: int = 5


class PointOut(Schema):
    citation: str
    sentence: str


class AskOut(Schema):
    query_id: int
    labor_question: bool
    mode: str
    summary: str
    points: list[PointOut]
    next_steps: str
    articles: list[HitOut]


class FeedbackIn(Schema):
    helpful: bool
    comment: str = ""


def _hits(results) -> list[dict]:
    return [{"law": r.law, "article": r.article, "score": r.score, "text": r.text, "id": r.id, "url": r.url} for r in results]


@router.get("/search", tags=TAGS, response={200: list[HitOut], **ERRORS}, summary="按问题检索法律条文（最相关的在前）")
def legal_search(request, q: str = "", k: int = 10):
    return _hits(search(q, k=k))


@router.post("/ask", tags=TAGS, response={200: AskOut, **ERRORS}, summary="咨询：检索条文并给出解释")
def legal_ask(request, payload: AskIn):
    consultation = legal_consult(question=payload.q, user=request.user, session=request.session, k=max(payload.k, 5))
    reply = consultation.answer
    return {
        "query_id": consultation.record.pk,
        "labor_question": consultation.labor_question,
        "mode": reply.mode if reply else "none",
        "summary": reply.summary if reply else "您的问题看起来不属于劳动法律问题，本服务只解答劳动领域的问题。",
        "points": [{"citation": c, "sentence": s} for c, s in (reply.points if reply else [])],
        "next_steps": answers.NEXT_STEPS,
        "articles": _hits(consultation.results[: payload.k]),
    }


@router.post("/queries/{int:query_id}/feedback", tags=TAGS, response={204: None, **ERRORS}, summary="有帮助 / 没帮助")
def legal_feedback(request, query_id: int, payload: FeedbackIn):
    query = services.own_query(request, query_id)
    if query is None:
        raise NotFound()
    services.query_feedback(query=query, helpful=payload.helpful, comment=payload.comment)
    return 204, None


@router.get("/articles/{int:article_id}", tags=TAGS, response={200: ArticleOut, **ERRORS}, summary="条文")
def legal_article(request, article_id: int):
    article = Article.objects.select_related("law").filter(pk=article_id, law__active=True).first()
    if article is None:
        raise NotFound()
    return article


@router.get("/laws", tags=TAGS, response={200: list[LawOut], **ERRORS}, summary="法律法规目录")
def legal_laws(request):
    from django.db.models import Count

    return list(Law.objects.filter(active=True).annotate(article_count=Count("articles")).order_by("kind", "short_title"))


@router.get("/laws/{int:law_id}/articles", tags=TAGS, response={200: list[ArticleOut], **ERRORS}, summary="一部法律的全部条文")
def legal_law_articles(request, law_id: int):
    law = Law.objects.filter(pk=law_id, active=True).first()
    if law is None:
        raise NotFound()
    return list(law.articles.select_related("law"))


class CitationOut(Schema):
    law: str
    article: str
    id: int | None
    text: str


class CalcOut(Schema):
    amount: str | None
    days: int | None
    lines: list[str]
    articles: list[CitationOut]


@router.get("/calc/{kind}", tags=TAGS, response={200: CalcOut, **ERRORS},
            summary="计算器：severance 经济补偿 / overtime 加班工资 / leave 年休假 / probation 试用期 / maternity 产假")
def legal_calc(request, kind: str):
    """Parameters as on the page (e.g. severance: start, end, monthly_wage, local_average_wage, reason,
    last_month_wage); the result lists the articles it rests on with their text."""
    from .views_calc import CALCULATORS, cited_articles, run

    if kind not in CALCULATORS:
        raise NotFound("未知的计算器")
    result = run(kind, request.GET)
    articles = []
    for (law, label), (_, article) in zip(result.articles, cited_articles(result.articles)):
        articles.append({"law": law, "article": label, "id": article.pk if article else None,
                         "text": article.text if article else ""})
    return {"amount": str(result.amount) if result.amount is not None else None, "days": result.days,
            "lines": result.lines, "articles": articles}
