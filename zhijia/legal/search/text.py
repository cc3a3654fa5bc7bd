"""Text analysis shared by the index and the queries: normalisation, jieba segmentation with the legal user
dictionary, the colloquial stopword list, and character bigrams.

jieba is loaded at first use, once, under a lock (about a second with its dictionary cache). It gets its own
`jieba.Tokenizer` so that the legal user dictionary changes no other segmentation in the project, and its cache
file goes to the project's var/ directory when there is one rather than to the shared temporary directory.
"""

import logging
import os
import re
import threading
import unicodedata
from functools import lru_cache
from pathlib import Path

import jieba

DATA_DIR = Path(__file__).resolve().parent.parent / "data"
USERDICT_PATH = DATA_DIR / "userdict.txt"
PROJECT_ROOT = Path(__file__).resolve().parents[3]

_CJK = re.compile(r"[\u3400-\u9fff]{2,}")
_WORD = re.compile(r"[\u3400-\u9fffa-z0-9]")  # a token with none of these is punctuation or space

# What people add around a question that no statute says: pronouns, question words and particles, and the
# everyday names of the parties (statutes say 用人单位 and 劳动者; the expansion table maps the everyday names).
STOPWORDS = frozenset(
    """
    我 我们 你 你们 他 她 他们 她们 它 咱 咱们 俺 本人 自己 人家 大家 别人 某 某某 某个 某些 这 那 这个 那个 这些 那些 这样
    那样 这种 那种 这么 那么 这里 那里 哪里 哪 哪个 哪些 什么 怎么 怎样 怎么样 怎么办 如何 为什么 为何 多少 几 几个 吗 呢 吧 啊
    呀 哦 嗯 哈 啦 嘛 呗 么 了 的 地 得 着 过 和 与 跟 及 或 或者 还是 是 是否 是不是 有没有 能否 能不能 可不可以 可以吗 可以
    能 会 会不会 要 想 想要 请问 请 问 问一下 咨询 您 您好 你好 谢谢 麻烦 老师 律师 一下 一个 一些 一直 已经 现在 目前 当时 然后
    但是 但 可是 而且 并且 因为 所以 如果 要是 就 都 也 还 又 再 才 只 很 太 非常 特别 比较 真的 其实 应该 应当 需要 一定 到底
    究竟 违法吗 合法吗 对不对 行不行 好不好 该 该怎么办 怎么处理 处理 办 问题 情况 事情 有关 相关 法律 规定 法律规定
    依据 根据 哪条 条款 对 把 被 给 让 在 从 到 向 为 以 于 上 下 里 中 后 前 时 时候 之后 之前 期间 有 没有 没 不 无
    公司 单位 老板 厂里 厂子 工厂 员工 职员 工人 打工 上班 干活 做 干 说 讲 告诉 知道 觉得 认为 出 来 去 回 拿
    """.split()
)

_lock = threading.Lock()
_tokenizer: jieba.Tokenizer | None = None


def var_dir() -> Path | None:
    """The project's runtime directory (settings.VAR_DIR when Django is set up), if it exists."""
    candidate: Path | None = None
    try:
        from django.conf import settings

        if settings.configured:
            candidate = Path(settings.VAR_DIR)
    except Exception:  # Django absent or settings broken: fall back to the plain path
        candidate = None
    if candidate is None:
        candidate = Path(os.environ.get("ZHIJIA_VAR_DIR", PROJECT_ROOT / "var"))
    return candidate if candidate.is_dir() else None


def tokenizer() -> jieba.Tokenizer:
    """The jieba tokenizer with the legal user dictionary, loaded once and shared by all threads."""
    global _tokenizer
    if _tokenizer is None:
        with _lock:
            if _tokenizer is None:
                jieba.setLogLevel(logging.WARNING)
                loaded = jieba.Tokenizer()
                cache_dir = var_dir()
                if cache_dir is not None:
                    loaded.tmp_dir = str(cache_dir)
                loaded.initialize()
                for word, freq in read_userdict():
                    loaded.add_word(word, freq)
                _tokenizer = loaded
    return _tokenizer


def read_userdict(path: Path = USERDICT_PATH) -> list[tuple[str, int | None]]:
    """`word [freq]` per line, `#` comments. Without a frequency jieba picks one that keeps the word whole."""
    entries = []
    for line in path.read_text(encoding="utf-8").splitlines():
        line = line.split("#", 1)[0].strip()
        if not line:
            continue
        parts = line.split()
        entries.append((parts[0], int(parts[1]) if len(parts) > 1 and parts[1].isdigit() else None))
    return entries


def normalize(text: str) -> str:
    """NFKC folds the full-width digits, letters and punctuation that phones and input methods mix freely."""
    return unicodedata.normalize("NFKC", text).lower()


def tokenize(text: str) -> list[str]:
    """jieba words of the text, in order, with punctuation and spaces dropped; legal terms stay whole."""
    text = normalize(text)
    return [word for word in tokenizer().lcut(text, HMM=False) if _WORD.search(word)]


@lru_cache(maxsize=50000)
def subwords(word: str) -> tuple[str, ...]:
    """The words a compound is made of, recursively: 解除劳动合同 -> 解除, 劳动合同, 劳动, 合同.

    The user dictionary keeps 解除劳动合同 whole where it occurs, but a statute also says 解除与劳动者的劳动合同,
    so both sides index the parts as well. A part is the compound's best segmentation once the compound itself
    is ruled out, so 延长工作时间 gives 延长 and 工作时间, never the accidental 长工.
    """
    if len(word) < 3 or not _CJK.fullmatch(word):
        return ()
    segmenter = tokenizer()
    dag = segmenter.get_DAG(word)
    dag[0] = [end for end in dag[0] if end != len(word) - 1] or [0]
    route: dict = {}
    segmenter.calc(word, dag, route)
    found: list[str] = []
    start = 0
    while start < len(word):
        end = route[start][1] + 1
        part = word[start:end]
        if len(part) >= 2 and part not in found:
            found.append(part)
            found.extend(sub for sub in subwords(part) if sub not in found)
        start = end
    return tuple(found)


def bigrams(text: str) -> list[str]:
    """Overlapping character pairs of each run of Chinese characters."""
    grams = []
    for run in _CJK.findall(normalize(text)):
        grams.extend(run[i : i + 2] for i in range(len(run) - 1))
    return grams
