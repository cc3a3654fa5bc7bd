"""The colloquial-to-statute table (data/expansions.tsv) and the check that a question is about labor law.

Workers say 辞退, 加班费, 五险一金; statutes say 解除劳动合同, 延长工作时间 工资报酬, 社会保险 住房公积金. Each
row of the table maps everyday patterns to the statute's terms with a weight, and a question gains the terms of
every row whose pattern it contains.
"""

import threading
from dataclasses import dataclass
from pathlib import Path

from .text import DATA_DIR, normalize

EXPANSIONS_PATH = DATA_DIR / "expansions.tsv"
HEADER = ("pattern", "terms", "weight")


@dataclass(frozen=True)
class Expansion:
    patterns: tuple[tuple[str, ...], ...]  # alternatives; each a set of substrings that must all occur
    terms: tuple[str, ...]
    weight: float
    line: int

    def matches(self, text: str) -> bool:
        return any(all(part in text for part in parts) for parts in self.patterns)


class ExpansionTableError(ValueError):
    pass


def read_expansions(path: Path = EXPANSIONS_PATH) -> list[Expansion]:
    """Parse the table; a malformed row raises ExpansionTableError naming its line."""
    rows: list[Expansion] = []
    header_seen = False
    for number, raw in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        if not raw.strip() or raw.lstrip().startswith("#"):
            continue
        columns = raw.rstrip("\n").split("\t")
        if not header_seen:
            if tuple(column.strip() for column in columns) != HEADER:
                raise ExpansionTableError(f"{path.name}:{number}: expected the header {' <tab> '.join(HEADER)}")
            header_seen = True
            continue
        if len(columns) != 3:
            raise ExpansionTableError(f"{path.name}:{number}: expected 3 tab-separated columns, got {len(columns)}")
        patterns = tuple(
            tuple(normalize(part.strip()) for part in alternative.split("&") if part.strip())
            for alternative in columns[0].split("|")
            if alternative.strip()
        )
        terms = tuple(columns[1].split())
        try:
            weight = float(columns[2])
        except ValueError:
            raise ExpansionTableError(f"{path.name}:{number}: weight {columns[2]!r} is not a number") from None
        if not patterns or not terms or not 0 < weight <= 1:
            raise ExpansionTableError(f"{path.name}:{number}: needs patterns, terms and a weight in (0, 1]")
        rows.append(Expansion(patterns=patterns, terms=terms, weight=weight, line=number))
    if not header_seen:
        raise ExpansionTableError(f"{path.name}: no header")
    return rows


_lock = threading.Lock()
_table: list[Expansion] | None = None


def expansions() -> list[Expansion]:
    global _table
    if _table is None:
        with _lock:
            if _table is None:
                _table = read_expansions()
    return _table


def matching_rows(text: str, table: list[Expansion] | None = None) -> list[Expansion]:
    text = normalize(text)
    return [row for row in (expansions() if table is None else table) if row.matches(text)]


def expand_query(text: str) -> list[tuple[str, float]]:
    """The statute terms the question implies, each with its largest weight, in table order."""
    weights: dict[str, float] = {}
    for row in matching_rows(text):
        for term in row.terms:
            if weights.get(term, 0.0) < row.weight:
                weights[term] = row.weight
    return list(weights.items())
