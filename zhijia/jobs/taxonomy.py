"""Occupation names and their synonyms (data/occupations.tsv), and the words matching compares.

电焊工, 氩弧焊工 and 焊接工 are one occupation (焊工); a title like 招聘数控车工（两班倒）names 数控操作工. Text
(titles, skills, experience) is segmented with jieba, with every occupation name, synonym and typical skill added
as a word so that 二保焊 or 叉车证 stay whole.
"""

import functools
import logging
import re
import threading
import unicodedata
from dataclasses import dataclass
from pathlib import Path

import jieba

DATA = Path(__file__).resolve().parent / "data" / "occupations.tsv"
_WORD = re.compile(r"[\u3400-\u9fffa-z0-9+#]")
STOP = frozenset("招聘 急招 诚聘 高薪 若干 若干名 名 人 岗位 师傅 熟练 优先 包吃住 包住 长期 短期 临时 有 经验 者 及 和 的 会 能".split())


@dataclass(frozen=True)
class Occupation:
    name: str
    synonyms: tuple[str, ...]
    category: str
    skills: tuple[str, ...]


def normalize(text: str) -> str:
    return unicodedata.normalize("NFKC", text or "").strip().lower()


@functools.cache
def occupations() -> dict[str, Occupation]:
    table = {}
    lines = [line for line in DATA.read_text(encoding="utf-8").splitlines() if line and not line.startswith("#")]
    for number, line in enumerate(lines[1:], start=2):
        columns = line.split("\t")
        if len(columns) != 4:
            raise ValueError(f"{DATA.name}: row {number}: expected name, synonyms, category, skills")
        name, synonyms, category, skills = columns
        table[name] = Occupation(name, tuple(s for s in synonyms.split("|") if s), category,
                                 tuple(s for s in skills.split("|") if s))
    return table


@functools.cache
def _aliases() -> list[tuple[str, str]]:
    """(alias, occupation) longest alias first, so 数控车工 wins over 车工."""
    pairs = []
    for occupation in occupations().values():
        for alias in (occupation.name, *occupation.synonyms):
            pairs.append((normalize(alias), occupation.name))
    return sorted(pairs, key=lambda pair: len(pair[0]), reverse=True)


def canonical(text: str) -> str | None:
    """The occupation a name or title means, or None: exact alias first, then the longest alias it contains."""
    text = normalize(text)
    if not text:
        return None
    for alias, name in _aliases():
        if text == alias:
            return name
    for alias, name in _aliases():
        if alias in text:
            return name
    return None


def category_of(name: str) -> str:
    occupation = occupations().get(name)
    return occupation.category if occupation else ""


_lock = threading.Lock()
_tokenizer: jieba.Tokenizer | None = None


def tokenizer() -> jieba.Tokenizer:
    global _tokenizer
    if _tokenizer is None:
        with _lock:
            if _tokenizer is None:
                jieba.setLogLevel(logging.WARNING)
                loaded = jieba.Tokenizer()
                loaded.initialize()
                for occupation in occupations().values():
                    for word in (occupation.name, *occupation.synonyms, *occupation.skills):
                        loaded.add_word(normalize(word), 2000)
                _tokenizer = loaded
    return _tokenizer


def words(*texts: str) -> set[str]:
    """The content words of the texts: jieba words of two or more characters (or ascii terms), stopwords out."""
    found = set()
    for text in texts:
        for word in tokenizer().lcut(normalize(text), HMM=False):
            if _WORD.search(word) and word not in STOP and (len(word) > 1 or word.isascii()):
                found.add(word)
    return found


def skill_tags(values) -> list[str]:
    """Clean free-form skill tags: normalised, de-duplicated, at most 20 of at most 20 characters."""
    tags = []
    for value in values or []:
        tag = normalize(str(value))[:20]
        if tag and tag not in tags:
            tags.append(tag)
    return tags[:20]


def skill_labels(values) -> list[str]:
    """The tags as stored and shown: as typed (CNC, Excel), de-duplicated the way matching compares them
    (`skill_tags`, which matching applies itself), at most 20 of at most 20 characters."""
    labels, seen = [], set()
    for value in values or []:
        label = unicodedata.normalize("NFKC", str(value)).strip()[:20]
        if label and normalize(label) not in seen:
            seen.add(normalize(label))
            labels.append(label)
    return labels[:20]


@functools.cache
def _labels() -> dict[str, str]:
    """normalised word -> how the occupation table writes it (cnc -> CNC, excel -> Excel)."""
    table = {}
    for occupation in occupations().values():
        for word in (occupation.name, *occupation.synonyms, *occupation.skills):
            table.setdefault(normalize(word), word)
    return table


def display(word: str) -> str:
    """A normalised word as people write it: the occupation table's spelling, else a short Latin acronym in
    capitals (plc -> PLC), else unchanged."""
    known = _labels().get(word)
    if known:
        return known
    if word.isascii() and word.isalpha() and len(word) <= 3:
        return word.upper()
    return word
