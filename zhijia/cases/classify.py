"""Suggests a ticket's type and topic from the worker's description, for the hotline operator and the web form.

The suggestion is only shown; people always choose. Two multinomial Naive Bayes models (type, topic) over
jieba words and character bigrams are trained at first use from data/labelled_tickets.tsv, whose header
states the labelling guideline. A hand-written lexicon of telling words adds fixed evidence on top, so a
word the few hundred examples never saw still counts, and the words found are shown to the operator as the
reason. Pure Python: the first call loads jieba's dictionary (about a second); after that a description takes
well under a millisecond, and the longest no more than a few.
"""

import logging
import math
import random
import re
import threading
import unicodedata
from collections import Counter, defaultdict
from dataclasses import dataclass
from pathlib import Path

import jieba
from django.conf import settings

from .models.tickets import TicketType, Topic

DATA_PATH = Path(__file__).resolve().parent / "data" / "labelled_tickets.tsv"
HEADER = ("type", "topic", "text")
# Long notes are cut to their start and end, which bounds the time per call (jieba takes ~3 µs a character);
# the worker says who they are and what happened first, and what they want from the union last.
HEAD_CHARS, TAIL_CHARS = 400, 200

# Chosen by cross-validation over the labelled set (bench/classify_eval.py prints the figures); neighbouring
# values score within a point of these.
ALPHA = 1.0  # additive smoothing of feature counts
SCALE = 0.2  # NB counts overlapping words and bigrams as independent evidence; damping keeps confidences honest
LEXICON_WEIGHT = 3.0  # log-odds added per lexicon word found
# The guideline lets these win over whatever else the text says (a worker asking for a lawyer is legal_aid
# however much they complain); their words count double.
LABEL_WEIGHT = {TicketType.LEGAL_AID: 2.0, Topic.NEW_FORM: 2.0, Topic.WOMEN: 2.0}

# Words that point to a topic or a type. Each table is matched leftmost-longest: "加班费" counts once, for
# wages, not also as "加班" for hours. The two tables are matched apart, so "拖欠工资" is a wages word and
# its "拖欠" still says complaint.
TOPIC_LEXICON: dict[str, tuple[str, ...]] = {
    Topic.WAGES: (
        "工资", "欠薪", "工钱", "薪水", "拖欠工资", "加班费", "最低工资", "克扣", "年终奖", "提成", "绩效",
        "工资条", "欠条", "包工头", "底薪", "计件", "高温津贴", "发工资", "结账", "扣钱", "夜班费", "课时费",
    ),
    Topic.CONTRACT: (
        "劳动合同", "签合同", "试用期", "辞退", "开除", "解除合同", "解除劳动", "辞职", "离职证明", "经济补偿",
        "赔偿金", "劳务派遣", "派遣", "竞业限制", "违约金", "续签", "裁员", "调岗", "转正", "自动离职",
        "双倍工资", "解雇", "押金", "身份证", "毕业证", "解约", "劳动关系",
    ),
    Topic.SOCIAL_INSURANCE: (
        "社保", "社会保险", "养老保险", "养老金", "医保", "医疗保险", "失业金", "失业保险", "公积金", "五险一金",
        "退休金", "缴费基数", "断缴", "参保",
    ),
    Topic.INJURY: (
        "工伤", "职业病", "受伤", "摔伤", "骨折", "尘肺", "矽肺", "伤残", "劳动能力鉴定", "停工留薪", "工伤保险",
        "砸伤", "压断", "烫伤", "扭伤", "卷伤", "心梗", "脑溢血", "车祸",
    ),
    Topic.HOURS: (
        "加班", "休息", "年假", "年休假", "休假", "工时", "调休", "单休", "大小周", "996", "婚假", "丧假", "病假",
        "夜班", "值班", "陪产假", "育儿假", "事假", "旷工", "小时", "补休", "节假日", "下班后", "周末",
    ),
    Topic.WOMEN: (
        "怀孕", "孕期", "产假", "哺乳", "生育", "产检", "女职工", "女工", "女员工", "性骚扰", "骚扰", "流产",
        "母婴室", "妈咪小屋", "两癌", "婚育", "动手动脚", "已婚", "喂奶", "女的",
    ),
    Topic.NEW_FORM: (
        "外卖", "骑手", "快递", "网约车", "滴滴", "美团", "饿了么", "闪送", "货拉拉", "代驾", "主播", "直播",
        "众包", "跑单", "接单", "派单", "配送", "站长", "封号", "新就业形态", "职业伤害", "平台", "网点", "抽成",
        "超时", "账号",
    ),
    Topic.SAFETY: (
        "安全生产", "安全隐患", "隐患", "消防", "劳保", "防护", "安全帽", "安全带", "安全网", "中毒", "爆炸",
        "通风", "中暑", "特种作业", "粉尘", "防毒", "高温", "危险", "噪音", "瓦斯", "电线", "防护罩", "甲醛",
        "有毒", "出事", "检验",
    ),
    Topic.DEMOCRATIC: (
        "职代会", "职工代表", "职工大会", "厂务公开", "换届", "选举", "工会主席", "集体协商", "集体合同",
        "成立工会", "组建工会", "工会经费", "征求意见", "规章制度",
    ),
    Topic.OTHER: (
        "会员", "入会", "加入工会", "技能培训", "歧视", "食堂", "宿舍", "心理", "助学", "托管", "联谊", "疗休养",
        "乙肝", "招聘", "骂人", "辱骂", "造谣", "名誉", "返乡", "夜校", "会员卡",
    ),
}

TYPE_LEXICON: dict[str, tuple[str, ...]] = {
    TicketType.CONSULT: (
        "想问", "请问", "问一下", "咨询", "是否", "算不算", "是不是", "合法吗", "怎么算", "对不对", "可以吗",
        "多少天", "多久", "怎么领", "怎么办理", "有什么影响", "吗", "怎么", "多少", "哪里", "哪个", "要不要",
    ),
    TicketType.COMPLAINT: (
        "投诉", "举报", "反映", "不给", "拖欠", "一直不", "没发", "不发", "强制", "逼", "跑了", "没人管",
        "不承认", "拒绝", "找不到", "打不通",
    ),
    TicketType.LEGAL_AID: (
        "律师", "打官司", "官司", "起诉", "法律援助", "应诉", "申请书", "强制执行", "代理", "开庭", "告他",
        "告他们",
    ),
    TicketType.SERVICE: (
        "困难", "帮扶", "救助", "助学", "补助", "慰问", "报名", "托管", "介绍", "心理咨询", "驿站", "疗休养",
        "送温暖", "送清凉", "补贴",
    ),
    TicketType.SUGGESTION: ("建议", "希望工会", "希望", "呼吁", "推动", "出台"),
}

_DIGITS = re.compile(r"\d+")
_RUN = re.compile(r"[\u4e00-\u9fff0-9a-z]+")  # Chinese, digits and Latin letters: what features are made of

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class Suggestion:
    type: str  # a TicketType value
    topic: str  # a Topic value
    type_confidence: float  # 0..1, posterior of the chosen type
    topic_confidence: float  # 0..1, posterior of the chosen topic
    keywords: tuple[str, ...]  # lexicon words found in the text, in reading order, for the operator to see why


NOTHING = Suggestion(
    type=TicketType.CONSULT.value, topic=Topic.OTHER.value, type_confidence=0.0, topic_confidence=0.0, keywords=()
)


def suggest(text: str) -> Suggestion:
    """Suggest a type and topic for a ticket description.

    Text with nothing to go on (blank, or not one word the model knows) gets consult/other at confidence 0.
    """
    text = _normalise(text or "")
    if not text:
        return NOTHING
    model = _model()
    keywords, type_hits, topic_hits = _lexicon_hits(text)
    features = _features(model.tokenizer, text)
    if not keywords and not any(feature in model.types.weights for feature in features):
        return NOTHING
    kind, type_confidence = model.types.predict(features, type_hits)
    topic, topic_confidence = model.topics.predict(features, topic_hits)
    return Suggestion(
        type=kind, topic=topic, type_confidence=type_confidence, topic_confidence=topic_confidence, keywords=keywords
    )


def read_labelled(path: Path = DATA_PATH) -> list[tuple[str, str, str]]:
    """The labelled set as (type, topic, text) rows. Raises ValueError naming the line of a bad row."""
    types, topics = set(TicketType.values), set(Topic.values)
    rows = []
    header_seen = False
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        if not line.strip() or line.startswith("#"):
            continue
        fields = tuple(line.split("\t"))
        if not header_seen:
            if fields != HEADER:
                raise ValueError(f"{path.name}:{number}: expected the header {HEADER}, got {fields}")
            header_seen = True
        elif len(fields) == 3 and fields[0] in types and fields[1] in topics and fields[2].strip():
            rows.append(fields)
        else:
            raise ValueError(f"{path.name}:{number}: expected a type, a topic and a text, got {fields}")
    return rows


def evaluate(folds: int = 5, seed: int = 7) -> dict:
    """Cross-validate over the labelled set: each row is predicted by models trained without its fold.

    Folds are stratified by (type, topic). Returns the counts and accuracies, precision and recall per type
    and per topic, confusion matrices (true label -> predicted label -> count), and the mean confidence of
    the suggestions, to hold against the accuracy (the confidences are honest when the two are close).
    """
    rows = read_labelled()
    tokenizer = _model().tokenizer
    examples = []
    for kind, topic, text in rows:
        text = _normalise(text)
        _, type_hits, topic_hits = _lexicon_hits(text)
        examples.append((kind, topic, _features(tokenizer, text), type_hits, topic_hits))
    fold_of = _stratified_folds([(kind, topic) for kind, topic, _ in rows], folds, seed)

    guesses: dict[int, tuple[str, float, str, float]] = {}
    for fold in range(folds):
        train = [example for example, f in zip(examples, fold_of) if f != fold]
        types = _NaiveBayes(TicketType.values, [(features, kind) for kind, _, features, _, _ in train])
        topics = _NaiveBayes(Topic.values, [(features, topic) for _, topic, features, _, _ in train])
        for index, (_, _, features, type_hits, topic_hits) in enumerate(examples):
            if fold_of[index] == fold:
                guesses[index] = (*types.predict(features, type_hits), *topics.predict(features, topic_hits))

    n = len(rows)
    type_pairs = [(kind, guesses[i][0]) for i, (kind, _, _) in enumerate(rows)]
    topic_pairs = [(topic, guesses[i][2]) for i, (_, topic, _) in enumerate(rows)]
    return {
        "n": n,
        "folds": folds,
        "type_accuracy": sum(truth == guess for truth, guess in type_pairs) / n,
        "topic_accuracy": sum(truth == guess for truth, guess in topic_pairs) / n,
        "type_mean_confidence": sum(guess[1] for guess in guesses.values()) / n,
        "topic_mean_confidence": sum(guess[3] for guess in guesses.values()) / n,
        "per_type": _per_label(TicketType.values, type_pairs),
        "per_topic": _per_label(Topic.values, topic_pairs),
        "confusion": {"type": _confusion(type_pairs), "topic": _confusion(topic_pairs)},
    }


# Model -------------------------------------------------------------------------------------------------------


class _NaiveBayes:
    """Multinomial Naive Bayes over feature sets, with lexicon hits added as fixed log-odds."""

    def __init__(self, labels: list[str], examples: list[tuple[frozenset[str], str]]):
        self.labels = list(labels)
        position = {label: i for i, label in enumerate(self.labels)}
        documents = Counter(label for _, label in examples)
        counts: dict[str, list[int]] = defaultdict(lambda: [0] * len(self.labels))
        totals = [0] * len(self.labels)
        for features, label in examples:
            totals[position[label]] += len(features)
            for feature in features:
                counts[feature][position[label]] += 1
        denominators = [math.log(total + ALPHA * len(counts)) for total in totals]
        # A label without examples (possible in a small fold) gets a tiny prior rather than minus infinity.
        smoothed_total = len(examples) + 0.1 * len(self.labels)
        self.prior = [math.log((documents[label] + 0.1) / smoothed_total) for label in self.labels]
        self.weights = {
            feature: [math.log(count + ALPHA) - denominator for count, denominator in zip(per_label, denominators)]
            for feature, per_label in counts.items()
        }

    def predict(self, features: frozenset[str], hits: Counter) -> tuple[str, float]:
        """The most likely label and its posterior."""
        scores = list(self.prior)
        for feature in features:
            weights = self.weights.get(feature)
            if weights is not None:
                scores = [score + weight for score, weight in zip(scores, weights)]
        scores = [SCALE * score + LEXICON_WEIGHT * hits[label] for score, label in zip(scores, self.labels)]
        top = max(scores)
        total = sum(math.exp(score - top) for score in scores)
        return self.labels[scores.index(top)], 1.0 / total


@dataclass(frozen=True)
class _Model:
    tokenizer: jieba.Tokenizer
    types: _NaiveBayes
    topics: _NaiveBayes


_loaded: _Model | None = None
_lock = threading.Lock()


def _model() -> _Model:
    global _loaded
    if _loaded is None:
        with _lock:
            if _loaded is None:
                _loaded = _build()
    return _loaded


def _build() -> _Model:
    tokenizer = _tokenizer()
    examples = [(kind, topic, _features(tokenizer, _normalise(text))) for kind, topic, text in read_labelled()]
    return _Model(
        tokenizer=tokenizer,
        types=_NaiveBayes(TicketType.values, [(features, kind) for kind, _, features in examples]),
        topics=_NaiveBayes(Topic.values, [(features, topic) for _, topic, features in examples]),
    )


def _tokenizer() -> jieba.Tokenizer:
    jieba.setLogLevel(logging.WARNING)
    tokenizer = jieba.Tokenizer()
    # jieba caches its parsed dictionary in a file; keep it with our runtime files rather than in the shared /tmp.
    cache_dir = Path(settings.VAR_DIR)
    try:
        cache_dir.mkdir(parents=True, exist_ok=True)
        tokenizer.tmp_dir = str(cache_dir)
    except OSError:
        logger.warning("cannot create %s; jieba caches its dictionary in the system temporary directory", cache_dir)
    tokenizer.initialize()
    return tokenizer


# Text --------------------------------------------------------------------------------------------------------


def _normalise(text: str) -> str:
    # NFKC folds the full-width digits, letters and punctuation that phones and input methods mix freely.
    text = text.strip()
    if len(text) > HEAD_CHARS + TAIL_CHARS:
        text = f"{text[:HEAD_CHARS]}\n{text[-TAIL_CHARS:]}"
    return unicodedata.normalize("NFKC", text).lower()


def _features(tokenizer: jieba.Tokenizer, text: str) -> frozenset[str]:
    text = _DIGITS.sub("0", text)  # amounts and dates matter as "a number", not which one
    # Without HMM guessing of unknown words: as accurate here (the bigrams cover them), and twice as fast.
    features = {"w:" + word for word in tokenizer.lcut(text, HMM=False) if _RUN.fullmatch(word)}
    for run in _RUN.findall(text):
        features.update("b:" + run[i : i + 2] for i in range(len(run) - 1))
    return frozenset(features)


class _Lexicon:
    """One lexicon, matched leftmost-longest so that "加班费" counts once, for wages, not also as "加班"."""

    def __init__(self, lexicon: dict[str, tuple[str, ...]]):
        self.labels: dict[str, str] = {}
        for label, words in lexicon.items():
            for word in words:
                if self.labels.setdefault(word, label.value) != label.value:
                    raise ValueError(f"lexicon word {word!r} is listed for both {self.labels[word]} and {label.value}")
        self.longest = max(map(len, self.labels))
        self.first_chars = frozenset(word[0] for word in self.labels)

    def scan(self, text: str) -> list[tuple[int, str, str]]:
        """(position, word, label) of each match."""
        matches = []
        i = 0
        while i < len(text):
            if text[i] in self.first_chars:
                for length in range(min(self.longest, len(text) - i), 0, -1):
                    label = self.labels.get(text[i : i + length])
                    if label:
                        matches.append((i, text[i : i + length], label))
                        i += length - 1
                        break
            i += 1
        return matches


_TYPE_WORDS = _Lexicon(TYPE_LEXICON)
_TOPIC_WORDS = _Lexicon(TOPIC_LEXICON)


def _lexicon_hits(text: str) -> tuple[tuple[str, ...], Counter, Counter]:
    """The lexicon words in the text, and the weighted count of words pointing to each type and each topic."""
    type_matches, topic_matches = _TYPE_WORDS.scan(text), _TOPIC_WORDS.scan(text)
    type_hits: Counter = Counter()
    for _, _, label in type_matches:
        type_hits[label] += LABEL_WEIGHT.get(label, 1.0)
    topic_hits: Counter = Counter()
    for _, _, label in topic_matches:
        topic_hits[label] += LABEL_WEIGHT.get(label, 1.0)
    words = list(dict.fromkeys(word for _, word, _ in sorted(type_matches + topic_matches)))
    # Show "拖欠工资", not also the "拖欠" inside it.
    shown = tuple(word for word in words if not any(word != other and word in other for other in words))
    return shown, type_hits, topic_hits


# Evaluation --------------------------------------------------------------------------------------------------


def _stratified_folds(strata: list[tuple[str, str]], folds: int, seed: int) -> list[int]:
    rng = random.Random(seed)
    groups: dict[tuple[str, str], list[int]] = defaultdict(list)
    for index, stratum in enumerate(strata):
        groups[stratum].append(index)
    fold_of = [0] * len(strata)
    position = 0  # carries on across groups, so that small groups do not all start in fold 0
    for stratum in sorted(groups):
        members = groups[stratum]
        rng.shuffle(members)
        for index in members:
            fold_of[index] = position % folds
            position += 1
    return fold_of


def _per_label(labels: list[str], pairs: list[tuple[str, str]]) -> dict[str, dict]:
    result = {}
    for label in labels:
        hits = sum(1 for truth, guess in pairs if truth == guess == label)
        actual = sum(1 for truth, _ in pairs if truth == label)
        predicted = sum(1 for _, guess in pairs if guess == label)
        result[label] = {
            "precision": hits / predicted if predicted else 0.0,
            "recall": hits / actual if actual else 0.0,
            "n": actual,
        }
    return result


def _confusion(pairs: list[tuple[str, str]]) -> dict[str, dict[str, int]]:
    matrix: dict[str, dict[str, int]] = defaultdict(dict)
    for truth, guess in pairs:
        matrix[truth][guess] = matrix[truth].get(guess, 0) + 1
    return dict(matrix)
