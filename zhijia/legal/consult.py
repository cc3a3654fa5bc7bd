"""One consultation: find the articles, explain them (only if the question is about labor law), and
record the question so it can be rated or handed to the union. Pages and the API both go through here."""

from dataclasses import dataclass

from . import answers, services
from .models import LegalQuery
from .retrieval import Result, check_query, search
from .search import is_labor_question

SESSION_KEY = "legal_queries"


@dataclass
class Consultation:
    question: str
    results: list[Result]
    labor_question: bool
    answer: answers.Answer | None
    record: LegalQuery


def legal_consult(*, question: str, user, session, k: int = 10) -> Consultation:
    """Raises ValidationFailed (field "q") for empty, over-long or non-Chinese questions."""
    question = check_query(question)
    results = search(question, k=k)
    labor = is_labor_question(question)
    reply = answers.answer(question, results) if labor and results else None
    record = services.query_record(question=question, user=user, article_ids=[r.id for r in results],
                                   answer_mode=reply.mode if reply else "none")
    # The browser that asked may rate the question and hand it over (see services.own_query).
    session[SESSION_KEY] = (session.get(SESSION_KEY, []) + [record.pk])[-20:]
    return Consultation(question=question, results=results, labor_question=labor, answer=reply, record=record)
