"""The search index over the article records, rebuilt when the corpus version moves (a law loaded, a
local regulation added in the back office), never per query. One index per process, built on first use."""

import re
import threading
from dataclasses import dataclass

from django.urls import reverse

from zhijia.core.errors import ErrorCode, ValidationFailed

from .models import Article
from .search import Doc, Index
from .services import clean_question, corpus_version

_lock = threading.Lock()
_state: dict = {"version": None, "index": None, "articles": {}}
_CJK = re.compile(r"[\u4e00-\u9fff]")


@dataclass
class Result:
    id: int
    law: str
    law_title: str
    article: str
    number: int
    chapter: str
    score: float
    text: str
    url: str

    @property
    def citation(self) -> str:
        return f"《{self.law}》{self.article}"


def _build():
    rows = Article.objects.filter(law__active=True).select_related("law").order_by("law_id", "order")
    articles = {str(a.pk): a for a in rows}
    docs = [Doc(id=key, law=a.law.short_title, article=a.label, text=a.text, chapter=a.chapter, section=a.section)
            for key, a in articles.items()]
    return Index.build(docs), articles


def current_index():
    version = corpus_version()
    if _state["version"] != version:
        with _lock:
            if _state["version"] != version:
                index, articles = _build()
                _state.update(version=version, index=index, articles=articles)
    return _state["index"], _state["articles"]


def check_query(question: str) -> str:
    """Refuse what cannot be searched, with a message that helps."""
    question = clean_question(question)
    if not _CJK.search(question):
        raise ValidationFailed(ErrorCode.INVALID, "请用中文描述您遇到的劳动问题，例如“公司不给加班费怎么办”", field="q")
    return question


def search(question: str, k: int = 10) -> list[Result]:
    question = check_query(question)
    k = max(1, min(int(k), 50))
    index, articles = current_index()
    results = []
    for hit in index.search(question, k=k):
        article = articles.get(hit.id)
        if article is None:
            continue
        results.append(Result(
            id=article.pk, law=article.law.short_title, law_title=article.law.title, article=article.label,
            number=article.number, chapter=article.chapter, score=round(float(hit.score), 4), text=article.text,
            url=reverse("legal:article", args=[article.pk]),
        ))
    return results
