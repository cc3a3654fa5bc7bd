"""BM25 over statute articles, with the fields, expansion and priors that make colloquial questions find them.

Why plain Python rather than bm25s or scipy sparse matrices: the corpus is ~2,850 articles (~280,000
characters). A query is a sum over the postings of its terms (BM25 impacts, idf × saturated tf), a few
thousand additions for a typical question and a few milliseconds in all; building is dominated by jieba
segmentation (~0.9 s), which no BM25 library removes. A dependency would buy nothing measurable and would add
compiled wheels (numpy, scipy) to pin and install everywhere.

Ranking, for `expand=True` (`bench/legal_eval.py --ablate` prints what each part is worth; on the public set
the expansion table moves recall@5 from 0.37 to 0.73, the citation prior 0.62 -> 0.73, the law prior 0.06, the
compound parts 0.04, the heading field and the story/question split 0.015 each; bigrams only reorder the top):
- fields: the article's words (with the dictionary words inside long compounds), its headings (law title,
  chapter, section), and its character bigrams, each its own BM25 index, summed with weights;
- the query drops colloquial stopwords, weighs a repeated word more (1 + ln n), single characters and bare
  numbers less, and gains the statute terms of the expansion table, weighted;
- a long story (a pasted case) counts what it asks (问题：…, sentences with ？) over the facts it tells, and
  drops the procedure every case retells (原告, 仲裁委员会, 判决 …);
- a prior per law: for a worker's question the core labor statutes are likelier answers than the Civil Code;
- a prior per article from how often other articles cite it: 第四十七条 (经济补偿), cited by the articles on
  赔偿金, 竞业限制 and others, is the hub people need far more often than a procedural provision.
`expand=False` is the honest baseline: BM25 over the jieba words of the article text and of the question,
nothing else.
"""

import copy
import heapq
import logging
import math
import re
import threading
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
    "残疾人保障法": RELATED,
    "民法典": GENERAL,
    "个人信息保护法": GENERAL,
    "人口与计划生育法": GENERAL,
    "医疗保障基金使用监督管理条例": GENERAL,
    "国家机关、事业单位贯彻《国务院关于职工工作时间的规定》的实施办法": GENERAL,
}

MAX_QUERY_CHARS = 800  # a pasted judgment is cut to its start; the facts that matter come first
LONG_QUERY_CHARS = 120  # past this a question is a story: what it asks weighs more than the facts it tells
# The procedure every case story retells (who sued whom, which body decided); in a long story they say nothing
# about the issue. A short question about procedure keeps them.
CASE_WORDS = frozenset(
    "以下 做出 原告 被告 本院 法院 判决 判决书 案件 分析 给出 可能 诉至 诉讼 起诉 驳回 裁决书 仲裁裁决 裁决 不服 上诉 一审 二审 "
    "申诉 作出 以下简称 简称 请求 仲裁请求 诉讼请求 仲裁委 劳动人事争议仲裁委员会 仲裁委员会 问题 仲裁 劳动仲裁 申请仲裁 "
    "仲裁申请 维护 合法权益 诉讼 诉至法院".split()
)
_CASE_WORDS_LONGEST_FIRST = sorted(CASE_WORDS, key=len, reverse=True)


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
    citation_weight: float = 0.3  # × ln(1 + how often other articles cite this one)
    narrative_weight: float = 0.5  # the facts of a long story, against what it asks
    single_char_weight: float = 0.3
    number_weight: float = 0.0
    rrf_k: int = 60  # reciprocal rank fusion constant (hybrid only)
    fusion_depth: int = 100  # how many of each ranking fusion looks at


class _Field:
    """One BM25 index: term -> [(doc number, impact)], impact = idf × saturated, length-normalised tf.

    idf is Lucene's ln(1 + (N - df + 0.5) / (df + 0.5)), never negative, so a term in most articles still
    counts a little rather than against them. Building only counts; a term's impacts are computed the first
    time a query uses it (most of the ~100,000 distinct terms and bigrams never are), which halves build time.
    """

    __slots__ = ("count", "counts", "impacts", "k1", "norms")

    def __init__(self, documents: list[Counter], k1: float, b: float):
        self.count = len(documents)
        self.k1 = k1
        lengths = [sum(terms.values()) for terms in documents]
        average = (sum(lengths) / self.count) if self.count and sum(lengths) else 1.0
        self.norms = [k1 * (1 - b + b * length / average) for length in lengths]
        counts: dict[str, list[tuple[int, int]]] = defaultdict(list)
        for number, terms in enumerate(documents):
            for term, tf in terms.items():
                counts[term].append((number, tf))
        self.counts = dict(counts)
        self.impacts: dict[str, list[tuple[int, float]]] = {}

    def postings(self, term: str) -> list[tuple[int, float]]:
        entries = self.impacts.get(term)
        if entries is None:
            raw = self.counts.get(term, ())
            df, norms, scale = len(raw), self.norms, self.k1 + 1
            idf = math.log(1 + (self.count - df + 0.5) / (df + 0.5))
            entries = [(n, idf * tf * scale / (tf + norms[n])) for n, tf in raw]
            self.impacts[term] = entries  # a racing thread computes the same list; either may win
        return entries

    def add_scores(self, scores: list[float], query: dict[str, float], scale: float = 1.0) -> None:
        for term, weight in query.items():
            weight *= scale
            for number, impact in self.postings(term):
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
    """Statute articles ready to search. Build once (`Index.build`), then search from any thread: queries only
    read, apart from caches that any thread may fill."""

    def __init__(self, docs: list[Doc], ranking: Ranking, embedder=None):
        self.docs = docs
        self.ranking = ranking
        self.embedder = embedder
        self.build_seconds = 0.0
        self._tokens: list[list[str]] = []
        self._plain_field: _Field | None = None
        self._words: _Field
        self._headings: _Field
        self._grams: _Field
        self._prior: list[float] = []
        self._vectors: list[list[float]] | None = None
        self._lock = threading.Lock()

    @classmethod
    def build(cls, docs: list[Doc], *, ranking: Ranking | None = None, embedder=None) -> "Index":
        """Index the articles: ~1.4 s for the bundled corpus, plus ~1 s for jieba's first load in the process.

        With an embedder, every article is embedded too (far slower; the embedder's own cost).
        """
        started = time.perf_counter()
        index = cls(list(docs), ranking or Ranking(), embedder)
        if len({doc.id for doc in index.docs}) != len(index.docs):
            raise ValueError("document ids must be unique")
        r = index.ranking
        words, headings, grams = [], [], []
        heading_terms: dict[str, Counter] = {}
        for doc in index.docs:
            tokens = tokenize(doc.text)
            index._tokens.append(tokens)
            words.append(Counter(_words_with_parts(tokens)))
            grams.append(Counter(bigrams(doc.text)))
            heading = " ".join(part for part in (doc.law, doc.chapter, doc.section) if part)
            if heading not in heading_terms:
                heading_terms[heading] = Counter(_words_with_parts(tokenize(_strip_numbering(heading))))
            headings.append(heading_terms[heading])
        index._prior = _priors(index.docs, r)
        index._words = _Field(words, r.k1, r.b)
        index._headings = _Field(headings, r.k1, r.b)
        index._grams = _Field(grams, r.k1, r.b)
        if embedder is not None:
            from .semantic import normalise_vector

            try:
                vectors = _embed_in_batches(embedder, [_embed_text(doc) for doc in index.docs])
            except Exception:  # an optional backend never takes search down
                logger.warning("embedder failed while building; searching with BM25 alone", exc_info=True)
            else:
                index._vectors = [normalise_vector(vector) for vector in vectors]
        index.build_seconds = time.perf_counter() - started
        return index

    def __len__(self) -> int:
        return len(self.docs)

    def with_ranking(self, ranking: Ranking) -> "Index":
        """The same index searched with other knobs, without segmenting again (for benchmarks and ablations).

        k1 and b are fixed at build; changing them needs `Index.build`.
        """
        if (ranking.k1, ranking.b) != (self.ranking.k1, self.ranking.b):
            raise ValueError("k1 and b are fixed when the index is built")
        other = copy.copy(self)
        other.ranking = ranking
        other._prior = _priors(self.docs, ranking)
        return other

    def _plain(self) -> _Field:
        """The baseline's field, built at its first use: only the benchmark and debugging ask for it."""
        if self._plain_field is None:
            with self._lock:
                if self._plain_field is None:
                    r = self.ranking
                    self._plain_field = _Field([Counter(tokens) for tokens in self._tokens], r.k1, r.b)
        return self._plain_field

    # Queries ---------------------------------------------------------------------------------------------------

    def plan(self, query: str, *, expand: bool = True) -> QueryPlan:
        text = normalize(query)[:MAX_QUERY_CHARS]
        if not expand:
            return QueryPlan(words=dict.fromkeys(tokenize(text), 1.0), grams={})
        r = self.ranking
        counts: dict[str, float] = defaultdict(float)
        grams: dict[str, float] = {}
        narrative = len(text) > LONG_QUERY_CHARS or ("原告" in text and "被告" in text)
        for sentence, emphasis in _sentences(text, r.narrative_weight):
            tokens = tokenize(sentence)
            for word in tokens:
                if word in STOPWORDS or (narrative and word in CASE_WORDS):
                    continue
                if word.isascii() and word.isdigit():  # statutes spell numbers in characters; 7 only hits tables
                    weight = emphasis * r.number_weight
                elif len(word) == 1:  # what jieba could not join: 天, 岗, 期 mean little alone
                    weight = emphasis * r.single_char_weight
                else:
                    weight = emphasis
                if not weight:
                    continue
                counts[word] += weight
                for part in subwords(word):
                    if part not in STOPWORDS:
                        counts[part] += emphasis * r.subword_weight
            for run in _content_runs(tokens):
                for gram in bigrams(run):
                    grams[gram] = max(grams.get(gram, 0.0), emphasis)
        # A word said again counts more, with diminishing returns: 1, 1.69, 2.1 … for 1, 2, 3 mentions.
        words = {term: (1 + math.log(n) if n > 1 else n) for term, n in counts.items()}

        def add(term: str, weight: float) -> None:
            if weight > words.get(term, 0.0):
                words[term] = weight

        asked = _question_part(text)
        story = _without_procedure(text) if narrative else text
        for part, emphasis in ((story, r.narrative_weight if narrative and asked else 1.0), (asked, 1.0)):
            for term, weight in expand_query(part):
                weight *= r.expansion_scale * emphasis
                for word in tokenize(term):
                    add(word, weight)
                    for sub in subwords(word):
                        add(sub, weight * r.subword_weight)
        return QueryPlan(words=words, grams=grams)

    def bm25_scores(self, query: str, *, expand: bool = True) -> list[float]:
        plan = self.plan(query, expand=expand)
        scores = [0.0] * len(self.docs)
        if not expand:
            self._plain().add_scores(scores, plan.words)
            return scores
        r = self.ranking
        self._words.add_scores(scores, plan.words)
        self._headings.add_scores(scores, plan.words, r.heading_weight)
        self._grams.add_scores(scores, plan.grams, r.bigram_weight)
        return [score * prior for score, prior in zip(scores, self._prior)]

    def search(self, query: str, k: int = 10, *, expand: bool = True) -> list[Hit]:
        """The k articles that best answer the question, best first. expand=False is plain BM25.

        With an embedder (given to `build`), the expanded ranking is fused with embedding similarity.
        """
        if k <= 0 or not query.strip():
            return []
        scores = self.bm25_scores(query, expand=expand)
        if self._vectors is not None and expand:
            fused = self._fused(query, scores, k)
            if fused is not None:
                return fused
        return [Hit(id=self.docs[n].id, score=round(s, 6)) for s, n in _top(scores, k)]

    def _fused(self, query: str, scores: list[float], k: int) -> list[Hit] | None:
        """Reciprocal rank fusion of BM25 and cosine similarity: sum of 1 / (rrf_k + rank) over the two lists.

        None when the embedder fails: an optional backend never takes search down.
        """
        from .semantic import cosine_scores, normalise_vector

        r = self.ranking
        try:
            vector = normalise_vector(self.embedder.embed([normalize(query)[:MAX_QUERY_CHARS]])[0])
        except Exception:
            logger.warning("embedder failed; answering with BM25 alone", exc_info=True)
            return None
        similarity = cosine_scores(vector, self._vectors)
        fused: dict[int, float] = defaultdict(float)
        for ranked in (_top(scores, r.fusion_depth), _top(similarity, r.fusion_depth, positive=False)):
            for rank, (_, number) in enumerate(ranked, start=1):
                fused[number] += 1.0 / (r.rrf_k + rank)
        best = heapq.nlargest(k, fused.items(), key=lambda item: (item[1], -item[0]))
        return [Hit(id=self.docs[n].id, score=round(s, 6)) for n, s in best]


def _top(scores: list[float], k: int, *, positive: bool = True) -> list[tuple[float, int]]:
    """(score, doc number) of the k best, ties to the earlier article; only positive scores unless told."""
    candidates = ((s, -n) for n, s in enumerate(scores) if s > 0 or not positive)
    return [(s, -n) for s, n in heapq.nlargest(k, candidates)]


_SENTENCE_END = re.compile(r"(?<=[。！？!?；;\n])")


def _question_part(text: str) -> str:
    """What a long text asks: the part after 问题：, else its sentences with a question mark, else nothing."""
    if len(text) <= LONG_QUERY_CHARS:
        return text
    if "问题:" in text:
        return text.rsplit("问题:", 1)[1]
    return "".join(s for s in _SENTENCE_END.split(text) if "?" in s)


def _sentences(text: str, narrative_weight: float) -> list[tuple[str, float]]:
    """A short question is all question; in a long story, what is asked weighs more than the facts told."""
    asked = _question_part(text)
    if len(text) <= LONG_QUERY_CHARS or not asked:
        return [(text, 1.0)]
    return [(text.replace(asked, " "), narrative_weight), (asked, 1.0)]


def _without_procedure(text: str) -> str:
    for word in _CASE_WORDS_LONGEST_FIRST:
        text = text.replace(word, " ")
    return text


def _strip_numbering(heading: str) -> str:
    """第四章 劳动合同的解除和终止 -> 劳动合同的解除和终止: chapter numbers say nothing about the subject."""
    parts = []
    for part in heading.split():
        if part.startswith("第") and part[-1:] in "编章节" and len(part) <= 6:
            continue
        parts.append(part)
    return " ".join(parts)


_PRC = "中华人民共和国"
_ARTICLE_REF = re.compile(r"第([零〇一二三四五六七八九十百千]+)条")
_SAME_LAW = re.compile(r"本(?:法|条例|规定|办法|解释)$")


def citation_counts(docs: list[Doc]) -> Counter:
    """How often each article is cited by others (本法第四十七条, 劳动合同法第八十二条): the hubs of a statute."""
    known = {(doc.law, doc.article) for doc in docs}
    laws = sorted({doc.law for doc in docs}, key=len, reverse=True)
    counts: Counter = Counter()
    for doc in docs:
        for match in _ARTICLE_REF.finditer(doc.text):
            before = doc.text[max(0, match.start() - 40) : match.start()].replace("》", "").replace(_PRC, "")
            if _SAME_LAW.search(before):
                law = doc.law
            else:
                law = next((title for title in laws if before.endswith(title)), None)
            target = (law, match.group(0))
            if law and target in known and target != (doc.law, doc.article):
                counts[target] += 1
    return counts



def _priors(docs: list[Doc], ranking: Ranking) -> list[float]:
    cited = citation_counts(docs)
    priors = []
    for doc in docs:
        prior = ranking.law_prior.get(doc.law, ranking.default_prior)
        prior *= 1 + ranking.citation_weight * math.log1p(cited[(doc.law, doc.article)])
        priors.append(prior)
    return priors


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

