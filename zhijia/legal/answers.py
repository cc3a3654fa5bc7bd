"""Answers built on retrieved articles only; nothing here invents law.

Without a language model the explanation is extractive: for each top article, the sentence that shares
most with the question (after expansion), quoted and cited. With an OpenAI-compatible chat endpoint
configured (`ZHIJIA_LLM_URL`, `ZHIJIA_LLM_MODEL`, optional `ZHIJIA_LLM_API_KEY`), the model writes a
plain-language explanation from the retrieved articles alone; every 《…》第…条 it cites must be one of
them, or the answer is discarded and the extractive one shown instead.
"""

import json
import logging
import os
import re
import urllib.request
from dataclasses import dataclass, field

from .retrieval import Result
from .search import expand_query, tokenize

logger = logging.getLogger("zhijia.legal")
_SENTENCE = re.compile(r"[^。；;！？\n]+[。；;！？]?")
_CITATION = re.compile(r"《([^》]+)》\s*(第[零〇一二三四五六七八九十百千]+条(?:之[一二三四五六七八九十]+)?)")
SHOWN = 5

NEXT_STEPS = (
    "如与用人单位协商不成，可以拨打12351职工服务热线或在本平台“转人工”，由工会帮助协调；"
    "也可以自争议发生之日起一年内向劳动人事争议仲裁委员会申请仲裁。"
)


@dataclass
class Answer:
    mode: str  # "extractive" or "llm"
    summary: str
    points: list[tuple[str, str]] = field(default_factory=list)  # (citation, key sentence)
    next_steps: str = NEXT_STEPS


def _key_sentence(text: str, terms: set[str]) -> str:
    sentences = [s.strip() for s in _SENTENCE.findall(text) if s.strip()]
    if not sentences:
        return text
    scored = [(sum(1 for t in terms if t in s), -i, s) for i, s in enumerate(sentences)]
    return max(scored)[2]


def extractive(question: str, results: list[Result]) -> Answer:
    terms = {t for t in tokenize(question) if len(t) > 1} | {t for t, _ in expand_query(question) if len(t) > 1}
    points = [(r.citation, _key_sentence(r.text, terms)) for r in results[:SHOWN]]
    lead = results[0]
    where = f"，主要涉及《{lead.law}》{('“' + lead.chapter + '”') if lead.chapter else ''}的规定" if lead else ""
    summary = f"根据检索到的法律条文{where}。下面摘出与您的问题最相关的规定，原文见各条引用。"
    return Answer(mode="extractive", summary=summary, points=points)


def _llm_config():
    url = os.environ.get("ZHIJIA_LLM_URL", "").rstrip("/")
    model = os.environ.get("ZHIJIA_LLM_MODEL", "")
    return (url, model, os.environ.get("ZHIJIA_LLM_API_KEY", "")) if url and model else None


def _chat(url: str, model: str, key: str, messages: list[dict], timeout: float = 20) -> str:
    body = json.dumps({"model": model, "messages": messages, "temperature": 0.2}).encode()
    request = urllib.request.Request(f"{url}/chat/completions", data=body, method="POST",
                                     headers={"Content-Type": "application/json",
                                              **({"Authorization": f"Bearer {key}"} if key else {})})
    with urllib.request.urlopen(request, timeout=timeout) as response:  # noqa: S310 (configured endpoint)
        return json.load(response)["choices"][0]["message"]["content"]


def citations_in(text: str) -> set[tuple[str, str]]:
    return {(law.removeprefix("中华人民共和国"), article) for law, article in _CITATION.findall(text)}


def llm_answer(question: str, results: list[Result], *, chat=None) -> Answer | None:
    """The model's explanation, or None (not configured, failed, or cited an article it was not given)."""
    config = _llm_config()
    if config is None and chat is None:
        return None
    shown = results[:SHOWN]
    sources = "\n\n".join(f"【{r.citation}】{r.text}" for r in shown)
    messages = [
        {"role": "system", "content": (
            "你是工会的劳动法律咨询助手。只能依据用户提供的法律条文回答，用通俗的中文解释，"
            "引用时写成《法律简称》第X条，且只能引用提供的条文；条文没有涉及的内容要明确说“条文未作规定”，不得编造。")},
        {"role": "user", "content": f"法律条文：\n{sources}\n\n职工的问题：{question}\n\n请用三到六句话解释。"},
    ]
    try:
        text = (chat or (lambda m: _chat(*config, m)))(messages)
    except Exception:  # an unreachable model must never break the page: fall back to extractive
        logger.exception("LLM answer failed")
        return None
    allowed = {(r.law, r.article) for r in shown}
    cited = citations_in(text)
    if not cited or not cited <= allowed:
        logger.warning("LLM answer rejected: cites %s outside %s", cited - allowed, allowed)
        return None
    return Answer(mode="llm", summary=text.strip(), points=[(r.citation, _key_sentence(r.text, set())) for r in shown])


def answer(question: str, results: list[Result], *, chat=None) -> Answer:
    return llm_answer(question, results, chat=chat) or extractive(question, results)
