"""Writes to the legal corpus: loading the built-in statutes, and recording questions and feedback."""

import datetime
import hashlib
from dataclasses import dataclass
from pathlib import Path

from django.db import transaction
from django.db.models import F

from zhijia.core import audit
from zhijia.core.errors import ErrorCode, ValidationFailed

from .corpus import LAWS_DIR, parse_law
from .models import Article, CorpusState, Law, LawKind, LegalQuery

audit.register("legal.load", "载入法律法规")
audit.register("legal.handoff", "法律咨询转人工")


def law_kind(title: str) -> str:
    if title.startswith("最高人民法院"):
        return LawKind.INTERPRETATION
    if title.endswith("法") or title.endswith("法典"):
        return LawKind.LAW
    if title.endswith("条例"):
        return LawKind.REGULATION
    return LawKind.RULE


def corpus_bump() -> None:
    """Tell search indexes the corpus changed (they rebuild on their next query)."""
    state, _ = CorpusState.objects.get_or_create(pk=1)
    CorpusState.objects.filter(pk=state.pk).update(version=F("version") + 1)


def corpus_version() -> int:
    return CorpusState.objects.filter(pk=1).values_list("version", flat=True).first() or 0


@dataclass
class LoadResult:
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    articles: int = 0


def _articles(law: Law, parsed) -> list[Article]:
    return [
        Article(law=law, label=a.label, number=a.number, part=a.part, chapter=a.chapter, section=a.section,
                text=a.text, order=a.order)
        for a in parsed.articles
    ]


def corpus_load(*, directory: Path = LAWS_DIR, actor=None) -> LoadResult:
    """Load every built-in law file; idempotent: a law whose file is unchanged is left alone, a changed
    one has its articles replaced in the same transaction."""
    result = LoadResult()
    with transaction.atomic():
        for path in sorted(directory.glob("*.md")):
            if path.name == "SOURCES.md":
                continue
            raw = path.read_text(encoding="utf-8")
            digest = hashlib.sha256(raw.encode()).hexdigest()
            parsed = parse_law(raw)
            law = Law.objects.filter(short_title=parsed.short_title).first()
            if law is not None and law.content_hash == digest:
                result.unchanged += 1
                continue
            fields = dict(
                title=parsed.title,
                kind=law_kind(parsed.short_title),
                effective_date=datetime.date.fromisoformat(parsed.effective_date) if parsed.effective_date else None,
                preamble=parsed.preamble,
                source=f"data/laws/{path.name}（见 SOURCES.md）",
                content_hash=digest,
            )
            if law is None:
                law = Law.objects.create(short_title=parsed.short_title, builtin=True, **fields)
                result.created += 1
            else:
                Law.objects.filter(pk=law.pk).update(**fields)
                law.articles.all().delete()
                result.updated += 1
            rows = _articles(law, parsed)
            Article.objects.bulk_create(rows, batch_size=1000)
            result.articles += len(rows)
        if result.created or result.updated:
            corpus_bump()
            audit.record(actor=actor, action="legal.load", object_type="legal.law", object_id="",
                         object_repr="内置法律法规", after=result.__dict__)
    return result


MAX_QUESTION = 2000


def clean_question(question: str) -> str:
    question = (question or "").strip()
    if not question:
        raise ValidationFailed(ErrorCode.REQUIRED, "请输入您的问题，例如“公司不给加班费怎么办”", field="q")
    if len(question) > MAX_QUESTION:
        raise ValidationFailed(ErrorCode.INVALID, f"问题太长了（超过{MAX_QUESTION}字），请简要说明关键情况", field="q")
    return question


def query_record(*, question: str, user, article_ids: list[int], answer_mode: str) -> LegalQuery:
    authenticated = user is not None and user.is_authenticated
    return LegalQuery.objects.create(question=question, user=user if authenticated else None,
                                     article_ids=article_ids, answer_mode=answer_mode)


def query_feedback(*, query: LegalQuery, helpful: bool, comment: str = "") -> LegalQuery:
    LegalQuery.objects.filter(pk=query.pk).update(helpful=helpful, comment=(comment or "").strip()[:500])
    query.refresh_from_db()
    return query


def own_query(request, query_id) -> LegalQuery | None:
    """A question asked in this browser session or by the signed-in user; None for anyone else's."""
    if not str(query_id).isdigit():
        return None
    query = LegalQuery.objects.filter(pk=int(query_id)).first()
    if query is None:
        return None
    if query.pk in request.session.get("legal_queries", []):
        return query
    if request.user.is_authenticated and query.user_id == request.user.pk:
        return query
    return None


def query_handoff(*, query: LegalQuery, ticket) -> LegalQuery:
    """Record that the question became a rights-protection ticket (转人工)."""
    LegalQuery.objects.filter(pk=query.pk).update(ticket=ticket)
    audit.record(actor=None, action="legal.handoff", obj=ticket, after={"legal_query": query.pk})
    query.refresh_from_db()
    return query
