"""法务云 pages: ask a question, read the articles (quoted, cited, each with its own page), say whether it
helped, or hand the question to the union as a ticket (转人工)."""

from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from zhijia.core.errors import ValidationFailed

from . import services
from .consult import legal_consult
from .models import Article, Law, LawKind, LegalQuery

EXAMPLES = ["公司不给加班费怎么办", "干了三年被辞退能赔多少", "试用期最长可以约定多久", "怀孕了公司要把我辞退", "年假一年有几天"]


def ask(request):
    question = (request.GET.get("q") or "").strip()
    context = {"q": question, "examples": EXAMPLES}
    if question:
        try:
            consultation = legal_consult(question=question, user=request.user, session=request.session)
        except ValidationFailed as exc:  # empty, too long, not Chinese: say how to ask, never an error page
            context["error"] = exc.message
            return render(request, "legal/ask.html", context)
        results = consultation.results
        context.update(results=results[:5], more=results[5:], answer=consultation.answer,
                       outside=not consultation.labor_question, record=consultation.record)
    return render(request, "legal/ask.html", context)


def _own_query(request, query_id: int) -> LegalQuery:
    """Nobody rates or reuses someone else's question."""
    query = services.own_query(request, query_id)
    if query is None:
        raise Http404()
    return query


@require_POST
def feedback(request, query_id: int):
    query = _own_query(request, query_id)
    services.query_feedback(query=query, helpful=request.POST.get("helpful") == "1", comment=request.POST.get("comment", ""))
    return render(request, "legal/_feedback_done.html", {"query": query})


def handoff(request, query_id: int):
    """转人工 / 申请法律援助: open the ticket form with the question filled in."""
    query = _own_query(request, query_id)
    kind = "legal_aid" if request.GET.get("kind") == "legal_aid" else "consult"
    return redirect(f"{reverse('cases:new')}?legal_query={query.pk}&type={kind}")


def article(request, article_id: int):
    item = get_object_or_404(Article.objects.select_related("law"), pk=article_id, law__active=True)
    siblings = Article.objects.filter(law=item.law, order__in=[item.order - 1, item.order + 1]).order_by("order")
    return render(request, "legal/article.html", {"article": item, "siblings": siblings})


def law_list(request):
    laws = Law.objects.filter(active=True).order_by("kind", "short_title")
    groups = [(label, [law for law in laws if law.kind == value]) for value, label in LawKind.choices]
    return render(request, "legal/law_list.html", {"groups": [g for g in groups if g[1]]})


def law_detail(request, law_id: int):
    law = get_object_or_404(Law, pk=law_id, active=True)
    return render(request, "legal/law_detail.html", {"law": law, "articles": law.articles.all()})
