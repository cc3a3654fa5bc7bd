"""BM25 over statute articles, with the fields, expansion and priors that make colloquial questions find them.

Why plain Python rather than bm25s or scipy sparse matrices: the corpus is ~2,850 articles (~280,000
characters). Postings hold precomputed BM25 impacts (idf × saturated tf), so a query is a sum over the postings
of its terms, a few thousand additions for a typical question, well under the latency budget; building is
dominated by jieba segmentation (~0.9 s), which no BM25 library removes. A dependency would buy nothing
measurable and would add a compiled wheel to pin.

Ranking, for `expand=True` (the figures each part moved are in bench/legal_eval.py's report):
- fields: the article's words (with the dictionary words inside long compounds), its headings (law title,
  chapter, section), and its character bigrams, each its own BM25 index, summed with weights;
- the query drops colloquial stopwords and gains the statute terms of the expansion table, weighted;
- a prior per law: for a worker's question the core labor statutes are likelier answers than the Civil Code;
- purpose clauses (第一条 为了…制定本法) and supplementary provisions (附则) are rarely the answer.
`expand=False` is the honest baseline: BM25 over the jieba words of the article text and of the question,
nothing else.
"""

import heapq
import logging
import math
import time
from collections import Counter, defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field

from .expansion import expand_query
from .text import STOPWORDS, bigrams, normalize, subwords, tokenize

logger = logging.getLogger(__name__)

# Core labor statutes first; statutes that touch work only in part after; the rest (the Civil Code, personal
# information, family planning, medical insurance fund supervision) last. Unknown laws (local regulations and
# union policies added later) count as the middle tier.
CORE, RELATED, GENERAL = 1.0, 0.85, 0.6
LAW_PRIOR: dict[str, float] = {
    "劳动合同法": CORE,
    "劳动法": CORE,
    "劳动合同法实施条例": CORE,
    "社会保险法": CORE,
    "工伤保险条例": CORE,
    "劳动争议调解仲裁法": CORE,
    "职工带薪年休假条例": CORE,
    "女职工劳动保护特别规定": CORE,
    "工资支付暂行规定": CORE,
    "最高人民法院关于审理劳动争议案件适用法律问题的解释（一）": CORE,
    "保障农民工工资支付条例": RELATED,
    "企业职工带薪年休假实施办法": RELATED,
    "失业保险条例": RELATED,
    "社会保险费征缴暂行条例": RELATED,
    "社会保险经办条例": RELATED,
    "住房公积金管理条例": RELATED,
    "职业病防治法": RELATED,
    "就业促进法": RELATED,
    "工会法": RELATED,
    "劳动保障监察条例": RELATED,
    "国务院关于职工工作时间的规定": RELATED,
    "关于工资总额组成的规定": RELATED,
    "关于职工全年月平均工作时间和工资折算问题的通知": RELATED,
    "残疾人就业条例": RELATED,
    "使用有毒物品作业场所劳动保护条例": RELATED,
    "安全生产法": RELATED,
    "最高人民法院关于审理工伤保险行政案件若干问题的规定": RELATED,
    "最高人民法院关于审理拒不支付劳动报酬刑事案件适用法律若干问题的解释": RELATED,
    "最高人民法院关于在民事审判工作中适用《中华人民共和国工会法》若干问题的解释": RELATED,
    "民法典": GENERAL,
    "个人信息保护法": GENERAL,
    "人口与计划生育法": GENERAL,
    "医疗保障基金使用监督管理条例": GENERAL,
    "残疾人保障法": GENERAL,
    "国家机关、事业单位贯彻《国务院关于职工工作时间的规定》的实施办法": GENERAL,
}

MAX_QUERY_CHARS = 600  # a pasted judgment is cut to its start; the facts that matter come first


@dataclass(frozen=True)
class Doc:
    id: str
    law: str  # short title: 劳动合同法
    article: str  # 第四十七条
    text: str
    chapter: str = ""
    section: str = ""


@dataclass(frozen=True)
class Hit:
    id: str
    score: float


@dataclass(frozen=True)
class Ranking:
    """The knobs of the expanded ranking; the defaults are what bench/legal_eval.py measured best."""

    k1: float = 1.2
    b: float = 0.75
    heading_weight: float = 0.3
    bigram_weight: float = 0.3
    subword_weight: float = 0.5  # a dictionary word inside a longer query word
    expansion_scale: float = 1.0  # times each table row's own weight
    law_prior: dict[str, float] = field(default_factory=lambda: dict(LAW_PRIOR))
    default_prior: float = RELATED
    purpose_clause_prior: float = 0.7
    supplementary_prior: float = 0.7
    rrf_k: int = 60  # reciprocal rank fusion constant (hybrid only)
    fusion_depth: int = 100  # how many of each ranking fusion looks at


class _Field:
    """One BM25 index: term -> [(doc number, impact)], impact = idf × saturated, length-normalised tf."""

    __slots__ = ("postings",)

    def __init__(self, documents: list[Counter], k1: float, b: float):
        count = len(documents)
        lengths = [sum(terms.values()) for terms in documents]
        average = (sum(lengths) / count) if count else 1.0
        frequency: Counter = Counter()
        for terms in documents:
            frequency.update(terms.keys())
        idf = {term: math.log(1 + (count - df + 0.5) / (df + 0.5)) for term, df in frequency.items()}
        postings: dict[str, list[tuple[int, float]]] = defaultdict(list)
        for number, (terms, length) in enumerate(zip(documents, lengths)):
            norm = k1 * (1 - b + b * length / average) if average else k1
            for term, tf in terms.items():
                postings[term].append((number, idf[term] * tf * (k1 + 1) / (tf + norm)))
        self.postings = dict(postings)

    def add_scores(self, scores: list[float], query: dict[str, float], scale: float = 1.0) -> None:
        postings = self.postings
        for term, weight in query.items():
            entries = postings.get(term)
            if entries:
                weight *= scale
                for number, impact in entries:
                    scores[number] += weight * impact


def _words_with_parts(words: Iterable[str]) -> list[str]:
    out = []
    for word in words:
        out.append(word)
        out.extend(subwords(word))
    return out


def _content_runs(words: list[str]) -> list[str]:
    """The question's content words, joined where they were adjacent: runs the stopwords did not break."""
    runs, current = [], []
    for word in words:
        if word in STOPWORDS or not word.strip():
            if current:
                runs.append("".join(current))
            current = []
        else:
            current.append(word)
    if current:
        runs.append("".join(current))
    return runs


@dataclass
class QueryPlan:
    """What a question became: weighted terms per field. Kept for showing and debugging."""

    words: dict[str, float]
    grams: dict[str, float]


class Index:
    def __init__(self, docs: list[Doc], ranking: Ranking, embedder=None):
        self.docs = docs
        self.ranking = ranking
        self.embedder = embedder
        self.build_seconds = 0.0
        self._plain: _Field
        self._words: _Field
        self._headings: _Field
        self._grams: _Field
        self._prior: list[float] = []
        self._vectors: list[list[float]] | None = None

    @classmethod
    def build(cls, docs: list[Doc], *, ranking: Ranking | None = None, embedder=None) -> "Index":
        """Index the articles. ~2 s for the bundled corpus, most of it jieba (its first load included)."""
        started = time.perf_counter()
        index = cls(list(docs), ranking or Ranking(), embedder)
        if len({doc.id for doc in index.docs}) != len(index.docs):
            raise ValueError("document ids must be unique")
        r = index.ranking
        plain, words, headings, grams = [], [], [], []
        heading_terms: dict[str, Counter] = {}
        for doc in index.docs:
            tokens = tokenize(doc.text)
            plain.append(Counter(tokens))
            words.append(Counter(_words_with_parts(tokens)))
            grams.append(Counter(bigrams(doc.text)))
            heading = " ".join(part for part in (doc.law, doc.chapter, doc.section) if part)
            if heading not in heading_terms:
                heading_terms[heading] = Counter(_words_with_parts(tokenize(_strip_numbering(heading))))
            headings.append(heading_terms[heading])
            index._prior.append(_doc_prior(doc, r))
        index._plain = _Field(plain, r.k1, r.b)
        index._words = _Field(words, r.k1, r.b)
        index._headings = _Field(headings, r.k1, r.b)
        index._grams = _Field(grams, r.k1, r.b)
        if embedder is not None:
            from .semantic import EmbedderUnavailable, normalise_vector

            try:
                vectors = _embed_in_batches(embedder, [_embed_text(doc) for doc in index.docs])
            except EmbedderUnavailable:
                logger.warning("embedder unavailable while building; searching with BM25 alone", exc_info=True)
            else:
                index._vectors = [normalise_vector(vector) for vector in vectors]
        index.build_seconds = time.perf_counter() - started
        return index

    def __len__(self) -> int:
        return len(self.docs)

    # Queries ---------------------------------------------------------------------------------------------------

    def plan(self, query: str, *, expand: bool = True) -> QueryPlan:
        text = normalize(query)[:MAX_QUERY_CHARS]
        tokens = tokenize(text)
        if not expand:
            return QueryPlan(words=dict.fromkeys(tokens, 1.0), grams={})
        r = self.ranking
        words: dict[str, float] = {}

        def add(term: str, weight: float) -> None:
            if weight > words.get(term, 0.0):
                words[term] = weight

        for word in tokens:
            if word in STOPWORDS:
                continue
            add(word, 1.0)
            for part in subwords(word):
                if part not in STOPWORDS:
                    add(part, r.subword_weight)
        for term, weight in expand_query(text):
            for word in tokenize(term):
                add(word, weight * r.expansion_scale)
                for part in subwords(word):
                    add(part, weight * r.expansion_scale * r.subword_weight)
        grams = dict.fromkeys((gram for run in _content_runs(tokens) for gram in bigrams(run)), 1.0)
        return QueryPlan(words=words, grams=grams)

    def bm25_scores(self, query: str, *, expand: bool = True) -> list[float]:
        plan = self.plan(query, expand=expand)
        scores = [0.0] * len(self.docs)
        if not expand:
            self._plain.add_scores(scores, plan.words)
            return scores
        r = self.ranking
        self._words.add_scores(scores, plan.words)
        self._headings.add_scores(scores, plan.words, r.heading_weight)
        self._grams.add_scores(scores, plan.grams, r.bigram_weight)
        return [score * prior for score, prior in zip(scores, self._prior)]

    def search(self, query: str, k: int = 10, *, expand: bool = True) -> list[Hit]:
        """The k articles that best answer the question, best first. expand=False is plain BM25."""
        if k <= 0 or not query.strip():
            return []
        scores = self.bm25_scores(query, expand=expand)
        if self._vectors is not None and expand:
            return self._fused(query, scores, k)
        top = heapq.nlargest(k, ((s, n) for n, s in enumerate(scores) if s > 0))
        return [Hit(id=self.docs[n].id, score=round(s, 6)) for s, n in top]

    def _fused(self, query: str, scores: list[float], k: int) -> list[Hit]:
        """Reciprocal rank fusion of BM25 and cosine similarity to the question's embedding."""
        from .semantic import EmbedderUnavailable, cosine_scores, normalise_vector

        r = self.ranking
        try:
            vector = normalise_vector(self.embedder.embed([normalize(query)[:MAX_QUERY_CHARS]])[0])
        except EmbedderUnavailable:
            logger.warning("embedder unavailable; answering with BM25 alone", exc_info=True)
            top = heapq.nlargest(k, ((s, n) for n, s in enumerate(scores) if s > 0))
            return [Hit(id=self.docs[n].id, score=round(s, 6)) for s, n in top]
        similarity = cosine_scores(vector, self._vectors)
        fused: dict[int, float] = defaultdict(float)
        for ranking in (scores, similarity):
            top = heapq.nlargest(r.fusion_depth, ((s, n) for n, s in enumerate(ranking) if s > 0))
            for rank, (_, number) in enumerate(top, start=1):
                fused[number] += 1.0 / (r.rrf_k + rank)
        best = heapq.nlargest(k, ((s, -n) for n, s in fused.items()))
        return [Hit(id=self.docs[-n].id, score=round(s, 6)) for s, n in best]


def _strip_numbering(heading: str) -> str:
    """第四章 劳动合同的解除和终止 -> 劳动合同的解除和终止: chapter numbers say nothing about the subject."""
    parts = []
    for part in heading.split():
        if part.startswith("第") and part[-1:] in "编章节" and len(part) <= 6:
            continue
        parts.append(part)
    return " ".join(parts)


def _doc_prior(doc: Doc, ranking: Ranking) -> float:
    prior = ranking.law_prior.get(doc.law, ranking.default_prior)
    if doc.text.startswith("为了") and ("制定本" in doc.text[:120] or "制定" in doc.text[:120]):
        prior *= ranking.purpose_clause_prior
    if "附则" in doc.chapter:
        prior *= ranking.supplementary_prior
    return prior


def _embed_text(doc: Doc) -> str:
    return f"{doc.law} {doc.article} {doc.chapter} {doc.text}"[:512]


def _embed_in_batches(embedder, texts: list[str], size: int = 64) -> list[list[float]]:
    vectors: list[list[float]] = []
    for start in range(0, len(texts), size):
        vectors.extend(embedder.embed(texts[start : start + size]))
    if len(vectors) != len(texts):
        raise ValueError("the embedder returned a different number of vectors than texts")
    return vectors


def docs_from_laws(laws) -> list[Doc]:
    """Docs from `corpus.read_laws()` (or anything shaped like it): id is `short title:article label`."""
    docs = []
    for law in laws:
        for article in law.articles:
            chapter = " ".join(part for part in (article.part, article.chapter) if part)
            docs.append(Doc(id=f"{law.short_title}:{article.label}", law=law.short_title, article=article.label,
                            text=article.text, chapter=chapter, section=article.section))
    return docs

