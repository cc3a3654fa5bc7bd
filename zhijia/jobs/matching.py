"""智能寻对匹配: ranked vacancies for a seeker and ranked seekers for a vacancy.

Hard constraints filter: the vacancy is published and within its dates (checked at query time, so an expired
vacancy is never matched even before `unpublish_expired` closes it), the distance is within the seeker's range,
the wage range reaches the seeker's expectation, the seeker's level and education meet the minimum, and the
seeker can start before the vacancy closes. A score then combines, with the weights of MatchConfig:
occupation (same occupation 1, same category 0.5), skills and text (the IDF-weighted share of the vacancy's words
the seeker has), level, distance, wage fit, shift and — when ranking seekers for a vacancy — priority group.
Every match carries its reasons ("技能: 电工, 焊工 · 距离 3.2 km · 工资 5000–6500 符合期望").

The index: each process keeps every published vacancy and active seeker in memory, with postings keyed by
(occupation or skill, grid cell). A query reads only the postings of its own occupations and skills in the cells
within range — never the whole table. Changes reach the index incrementally: every save writes a MatchChange row,
and before answering, the index replays the changes it has not seen (one indexed query when there are none).
Grid cells are 0.2° squares (about 22 km north–south): two floor divisions, which is all a radius query over
them needs, so no geohash library is used.

Scale (bench/matching.py: a million vacancies, 100,000 seekers, about 1 GB): a query keeps the numeric fields of
its candidates in numpy columns, filters them and bounds their scores in a few vectorised steps, and computes the
exact per-pair score only for the few candidates whose bound can still reach the top k.
"""

import datetime
import functools
import gc
import heapq
import logging
import math
import sys
import threading
import time
from collections import Counter, defaultdict
from dataclasses import dataclass, field

import numpy as np
from django.utils import timezone

from zhijia.core.geo import EARTH_KM, distance_km

from . import taxonomy
from .models import MatchChange, MatchConfig, SeekerProfile, Vacancy, VacancyStatus

logger = logging.getLogger(__name__)

CELL = 0.2  # degrees
MAX_SEEKER_KM = 100  # the farthest a seeker may say they travel; bounds the cells a vacancy query reads
REBUILD_AFTER = 50_000  # more changes than this to replay: rebuild instead
SLACK_KM = 1e-6  # numpy's and math's haversine may differ in the last bits: the exact check has the last word
SLACK_SCORE = 1e-9


@dataclass(frozen=True)
class Weights:
    occupation: float = 0.30
    skills: float = 0.30
    level: float = 0.10
    distance: float = 0.15
    wage: float = 0.10
    shift: float = 0.05
    priority: float = 0.10

    @classmethod
    def current(cls) -> "Weights":
        row = MatchConfig.objects.order_by("id").first()
        if row is None:
            return cls()
        return cls(row.occupation, row.skills, row.level, row.distance, row.wage, row.shift, row.priority)


@dataclass(slots=True)
class VacancyEntry:
    id: int
    occupation: str
    category: str
    words: frozenset
    skills: tuple
    level: int
    education: int
    wage_min: int
    wage_max: int
    lat: float
    lon: float
    shifts: frozenset
    valid_from: int
    valid_until: int
    keys: tuple = ()


@dataclass(slots=True)
class SeekerEntry:
    id: int
    occupations: tuple
    categories: frozenset
    words: frozenset
    skills: tuple
    level: int
    education: int
    expected_wage: int
    lat: float
    lon: float
    max_km: int
    shifts: frozenset
    start: int
    priority: str
    keys: tuple = ()


@dataclass(frozen=True)
class Match:
    id: int  # the vacancy's (for a seeker) or the seeker's (for a vacancy)
    score: float
    distance_km: float
    reasons: str
    parts: dict = field(default_factory=dict)


def _cell(lat: float, lon: float) -> tuple[int, int]:
    return (math.floor(lat / CELL), math.floor(lon / CELL))


def _cells_within(lat: float, lon: float, km: float) -> list[tuple[int, int]]:
    dlat = km / 111.0
    dlon = km / (111.0 * max(0.2, math.cos(math.radians(lat))))
    lat0, lon0 = _cell(lat - dlat, lon - dlon)
    lat1, lon1 = _cell(lat + dlat, lon + dlon)
    return [(a, b) for a in range(lat0, lat1 + 1) for b in range(lon0, lon1 + 1)]


# Titles, occupation names and skill tags repeat across vacancies (招聘普工, 电焊工, 看图): segment each once,
# and let equal word sets and key tuples be one shared object, so a million entries do not hold a million copies.

@functools.lru_cache(maxsize=65_536)
def _canonical(text: str) -> str | None:
    return taxonomy.canonical(text)


@functools.lru_cache(maxsize=65_536)
def _normalize(text: str) -> str:
    return sys.intern(taxonomy.normalize(text))


@functools.lru_cache(maxsize=262_144)
def _words_of(text: str) -> frozenset:
    return frozenset(sys.intern(word) for word in taxonomy.words(text))


_shared: dict = {}


def _share(value):
    """The one stored object equal to value (the table starts over when full: sharing is only a saving)."""
    found = _shared.get(value)
    if found is None:
        if len(_shared) >= 262_144:
            _shared.clear()
        _shared[value] = found = value
    return found


def _tags(values) -> tuple:
    return tuple(sys.intern(tag) for tag in taxonomy.skill_tags(values))


def _texts_words(*texts) -> set:
    """taxonomy.words(*texts), one text (and one space-separated tag) at a time, each cached: jieba never
    segments across a space, so the union is the same."""
    found = set()
    for text in texts:
        for part in (text or "").split(" "):
            if part:
                found |= _words_of(part)
    return found


def vacancy_entry(v) -> VacancyEntry:
    """From a Vacancy (or anything with its fields, such as a generated row in the benchmark)."""
    occupation = _canonical(v.occupation) or _canonical(v.title) or _normalize(v.occupation)
    skills = _share(_tags(v.skills))
    words = _share(frozenset(_texts_words(v.title, *skills) | set(skills) | {occupation}))
    keys = _share(tuple({sys.intern(f"o:{occupation}"), *(sys.intern(f"s:{s}") for s in skills)}))
    return VacancyEntry(v.id, occupation, taxonomy.category_of(occupation), words, skills, v.min_level,
                        v.min_education, v.wage_min, v.wage_max, v.lat, v.lon, _share(frozenset(v.shifts or ())),
                        v.valid_from.toordinal(), v.valid_until.toordinal(), keys)


def seeker_entry(s) -> SeekerEntry:
    occupations = _share(tuple(dict.fromkeys(_canonical(o) or _normalize(o) for o in s.occupations if o)))
    skills = _share(_tags(s.skills))
    words = frozenset(_texts_words(s.skills_text, s.certificates, *skills) | set(skills) | set(occupations))
    keys = _share(tuple({*(sys.intern(f"o:{o}") for o in occupations), *(sys.intern(f"s:{k}") for k in skills)}))
    return SeekerEntry(s.id, occupations, _share(frozenset(taxonomy.category_of(o) for o in occupations)),
                       _share(words), skills, s.level, s.education, s.expected_wage, s.lat, s.lon,
                       min(s.max_distance_km, MAX_SEEKER_KM), _share(frozenset(s.shifts or ())),
                       s.start_date.toordinal(), s.priority_group or "", keys)


class _Columns:
    """One side's entries as numpy columns, one slot per entry (a dropped entry's slot is reused), so that a
    query filters and pre-scores thousands of candidates at once. Postings hold slots."""

    def __init__(self, **dtypes):
        self.capacity = 1024
        self.arrays = {name: np.zeros(self.capacity, dtype) for name, dtype in dtypes.items()}
        self.entries: list = []  # slot -> entry, None when free
        self.posting_arrays: dict[tuple, np.ndarray] = {}  # (key, cell) -> its slots, while unchanged
        self.slot_of: dict[int, int] = {}  # entry id -> slot
        self.free: list[int] = []

    def add(self, entry, values: dict) -> int:
        if self.free:
            slot = self.free.pop()
            self.entries[slot] = entry
        else:
            slot = len(self.entries)
            self.entries.append(entry)
            if slot == self.capacity:
                self.capacity *= 2
                for name, array in self.arrays.items():
                    grown = np.zeros(self.capacity, array.dtype)
                    grown[:slot] = array
                    self.arrays[name] = grown
        for name, value in values.items():
            self.arrays[name][slot] = value
        self.slot_of[entry.id] = slot
        return slot

    def remove(self, entry_id: int) -> int | None:
        slot = self.slot_of.pop(entry_id, None)
        if slot is not None:
            self.entries[slot] = None
            self.free.append(slot)
        return slot


class _Idf(dict):
    """IDF of each word for the index as it is now; computed on first use, thrown away at the next change."""

    def __init__(self, df: Counter, n: int):
        super().__init__()
        self.df = df
        self.n = max(1, n)

    def __missing__(self, word: str) -> float:
        value = self[word] = math.log(1 + self.n / (1 + max(0, self.df.get(word, 0))))
        return value


class _Totals(dict):
    """The summed IDF of a word set (vacancies share word sets, so this is keyed by the set)."""

    def __init__(self, idf: _Idf):
        super().__init__()
        self.idf = idf

    def __missing__(self, words: frozenset) -> float:
        value = self[words] = sum(self.idf[word] for word in words)
        return value


def _haversine_km(lat: float, lon: float, lats, lons):
    """geo.distance_km from one point to many, vectorised (the same formula)."""
    lat1, lon1 = math.radians(lat), math.radians(lon)
    lat2, lon2 = np.radians(lats), np.radians(lons)
    h = np.sin((lat2 - lat1) / 2) ** 2 + math.cos(lat1) * np.cos(lat2) * np.sin((lon2 - lon1) / 2) ** 2
    return 2 * EARTH_KM * np.arcsin(np.minimum(1.0, np.sqrt(h)))


class MatchIndex:
    """Published vacancies and active seekers, with postings by (occupation or skill key, cell).

    A query gathers the candidates of its keys and cells, then, over numpy columns, drops those failing a hard
    constraint and computes every part of the score but the skills share, which is at most 1. Candidates are
    then scored exactly (the per-pair formula in `_fit`) from the highest such bound down, until no bound can
    beat the k-th score found: the result is the same as scoring every candidate, for a fraction of them.
    """

    def __init__(self):
        self.vacancies: dict[int, VacancyEntry] = {}
        self.seekers: dict[int, SeekerEntry] = {}
        self.v_postings: dict[tuple, set] = defaultdict(set)  # (key, cell) -> vacancy slots
        self.s_postings: dict[tuple, set] = defaultdict(set)  # (key, cell) -> seeker slots
        self.df: Counter = Counter()  # vacancies per word, for IDF
        self.last_change = 0
        self.build_seconds = 0.0
        self.lock = threading.RLock()
        self._v = _Columns(id="i8", lat="f8", lon="f8", level="i2", education="i2", wage_min="i8", wage_max="i8",
                           valid_from="i4", valid_until="i4", occupation="i4", category="i4", shifts="i8")
        self._s = _Columns(id="i8", lat="f8", lon="f8", level="i2", education="i2", expected_wage="i8", max_km="f8",
                           start="i4", shifts="i8", priority="?")
        self._codes: dict[str, int] = {"": 0}  # occupation and category names -> small ints (0: none)
        self._shift_bits: dict[str, int] = {}
        self._version = 0  # bumped by every vacancy change: IDF depends on them all
        self._idf_cache: tuple[int, _Idf, _Totals] | None = None

    # Building and keeping up --------------------------------------------------------------------------------

    @classmethod
    def build(cls) -> "MatchIndex":
        started = time.perf_counter()
        index = cls()
        index.last_change = MatchChange.objects.order_by("-id").values_list("id", flat=True).first() or 0
        today = timezone.localdate()
        vacancies = Vacancy.objects.filter(status=VacancyStatus.PUBLISHED, valid_until__gte=today)
        index.put_many(
            vacancies=map(vacancy_entry, vacancies.values_list(*VACANCY_FIELDS, named=True).iterator(chunk_size=5000)),
            seekers=map(seeker_entry, SeekerProfile.objects.filter(active=True)
                        .values_list(*SEEKER_FIELDS, named=True).iterator(chunk_size=5000)))
        index.build_seconds = time.perf_counter() - started
        return index

    def put_many(self, *, vacancies=(), seekers=()) -> None:
        """put_vacancy and put_seeker for many entries, with the cyclic garbage collector paused: nothing put is
        garbage, and a collector walking the growing index again and again costs a third of a large build."""
        paused = gc.isenabled()
        gc.disable()
        count = 0
        try:
            for count, entry in enumerate(vacancies, start=1):
                self.put_vacancy(entry)
            for entry in seekers:
                self.put_seeker(entry)
                count += 1
        finally:
            if paused:
                gc.enable()
        if paused and count >= 100_000:
            # Everything put is still in the youngest generation: collect now, in the build, rather than in the
            # next few requests (once per generation, about a second each for a million vacancies).
            gc.collect()

    def _code(self, name: str) -> int:
        code = self._codes.get(name)
        if code is None:
            code = self._codes[name] = len(self._codes)
        return code

    def _shift_mask(self, shifts) -> int:
        mask = 0
        for shift in shifts:
            bit = self._shift_bits.get(shift)
            if bit is None:
                # Services allow four shifts; only hand-made entries with over 62 kinds would share the last bit.
                bit = self._shift_bits[shift] = min(len(self._shift_bits), 62)
            mask |= 1 << bit
        return mask

    def put_vacancy(self, entry: VacancyEntry) -> None:
        with self.lock:
            self.drop_vacancy(entry.id)
            self.vacancies[entry.id] = entry
            slot = self._v.add(entry, {
                "id": entry.id, "lat": entry.lat, "lon": entry.lon, "level": entry.level, "education": entry.education,
                "wage_min": entry.wage_min, "wage_max": entry.wage_max, "valid_from": entry.valid_from,
                "valid_until": entry.valid_until, "occupation": self._code(entry.occupation),
                "category": self._code(entry.category), "shifts": self._shift_mask(entry.shifts)})
            cell = _cell(entry.lat, entry.lon)
            for key in entry.keys:
                self.v_postings[(key, cell)].add(slot)
                self._v.posting_arrays.pop((key, cell), None)
            self.df.update(entry.words)
            self._version += 1

    def drop_vacancy(self, vacancy_id: int) -> None:
        with self.lock:
            entry = self.vacancies.pop(vacancy_id, None)
            if entry is None:
                return
            slot = self._v.remove(vacancy_id)
            cell = _cell(entry.lat, entry.lon)
            for key in entry.keys:
                self.v_postings[(key, cell)].discard(slot)
                self._v.posting_arrays.pop((key, cell), None)
            self.df.subtract(entry.words)
            self._version += 1

    def put_seeker(self, entry: SeekerEntry) -> None:
        with self.lock:
            self.drop_seeker(entry.id)
            self.seekers[entry.id] = entry
            slot = self._s.add(entry, {
                "id": entry.id, "lat": entry.lat, "lon": entry.lon, "level": entry.level, "education": entry.education,
                "expected_wage": entry.expected_wage, "max_km": entry.max_km, "start": entry.start,
                "shifts": self._shift_mask(entry.shifts), "priority": bool(entry.priority)})
            cell = _cell(entry.lat, entry.lon)
            for key in entry.keys:
                self.s_postings[(key, cell)].add(slot)
                self._s.posting_arrays.pop((key, cell), None)

    def drop_seeker(self, seeker_id: int) -> None:
        with self.lock:
            entry = self.seekers.pop(seeker_id, None)
            if entry is None:
                return
            slot = self._s.remove(seeker_id)
            cell = _cell(entry.lat, entry.lon)
            for key in entry.keys:
                self.s_postings[(key, cell)].discard(slot)
                self._s.posting_arrays.pop((key, cell), None)

    def catch_up(self) -> int:
        """Apply the changes written since this index last looked; returns how many."""
        changes = list(MatchChange.objects.filter(id__gt=self.last_change).order_by("id")
                       .values_list("id", "kind", "object_id")[:REBUILD_AFTER])
        if not changes:
            return 0
        vacancy_ids = {oid for _, kind, oid in changes if kind == "vacancy"}
        seeker_ids = {oid for _, kind, oid in changes if kind == "seeker"}
        today = timezone.localdate()
        with self.lock:
            fresh = {v.id: v for v in Vacancy.objects.filter(id__in=vacancy_ids)
                     .values_list(*VACANCY_FIELDS, named=True)}
            for vacancy_id in vacancy_ids:
                vacancy = fresh.get(vacancy_id)
                if vacancy is None or vacancy.status != VacancyStatus.PUBLISHED or vacancy.valid_until < today:
                    self.drop_vacancy(vacancy_id)
                else:
                    self.put_vacancy(vacancy_entry(vacancy))
            fresh = {s.id: s for s in SeekerProfile.objects.filter(id__in=seeker_ids)
                     .values_list(*SEEKER_FIELDS, named=True)}
            for seeker_id in seeker_ids:
                seeker = fresh.get(seeker_id)
                if seeker is None or not seeker.active:
                    self.drop_seeker(seeker_id)
                else:
                    self.put_seeker(seeker_entry(seeker))
            self.last_change = changes[-1][0]
        return len(changes)

    # Scoring --------------------------------------------------------------------------------------------------

    def _idf_tables(self) -> tuple[_Idf, _Totals]:
        cached = self._idf_cache
        if cached is None or cached[0] != self._version:
            idf = _Idf(self.df, len(self.vacancies))
            cached = self._idf_cache = (self._version, idf, _Totals(idf))
        return cached[1], cached[2]

    def _idf(self, word: str) -> float:
        return self._idf_tables()[0][word]

    def _fit(self, s: SeekerEntry, v: VacancyEntry, w: Weights, today: int, with_priority: bool):
        """None when a hard constraint fails, else (score, distance, occupation, skills, level, distance part,
        wage, shift, priority) of the pair."""
        if not (v.valid_from <= today <= v.valid_until) or s.start > v.valid_until:
            return None
        if s.level < v.level or s.education < v.education or v.wage_max < s.expected_wage:
            return None
        km = distance_km((s.lat, s.lon), (v.lat, v.lon))
        if km > s.max_km:
            return None
        if v.occupation in s.occupations:
            occupation = 1.0
        elif v.category and v.category in s.categories:
            occupation = 0.5
        else:
            occupation = 0.0
        idf, totals = self._idf_tables()
        shared = s.words & v.words
        total = totals[v.words] or 1.0
        skills = sum(idf[word] for word in shared) / total
        level = 1.0 if s.level - v.level <= 1 else max(0.5, 1.0 - 0.15 * (s.level - v.level - 1))
        distance = max(0.0, 1.0 - km / max(1, s.max_km))
        wage = (1.0 if v.wage_min >= s.expected_wage
                else (v.wage_max - s.expected_wage) / max(1, v.wage_max - v.wage_min))
        shift = 1.0 if not s.shifts or not v.shifts or s.shifts & v.shifts else 0.0
        priority = 1.0 if with_priority and s.priority else 0.0
        score = (w.occupation * occupation + w.skills * skills + w.level * level + w.distance * distance
                 + w.wage * wage + w.shift * shift + w.priority * priority)
        return score, km, occupation, skills, level, distance, wage, shift, priority

    def _score(self, s: SeekerEntry, v: VacancyEntry, w: Weights, today: int, *, with_priority: bool):
        """None when a hard constraint fails, else (score, distance, parts)."""
        fit = self._fit(s, v, w, today, with_priority)
        return fit and (fit[0], fit[1], self._parts(s, v, fit))

    @staticmethod
    def _parts(s: SeekerEntry, v: VacancyEntry, fit: tuple) -> dict:
        _, _, occupation, skills, level, distance, wage, shift, priority = fit
        return {"occupation": occupation, "skills": round(skills, 3), "level": level, "distance": round(distance, 3),
                "wage": round(wage, 3), "shift": shift, "priority": priority,
                "shared": sorted(word for word in s.words & v.words if word in s.skills or word in v.skills
                                 or word == v.occupation)}

    @staticmethod
    def reasons(s: SeekerEntry, v: VacancyEntry, km: float, parts: dict) -> str:
        items = []
        if parts["shared"]:
            items.append("技能: " + ", ".join(taxonomy.display(word) for word in parts["shared"][:4]))
        elif parts["occupation"] == 0.5:
            items.append(f"同类职业: {v.category}")
        items.append(f"距离 {km:.1f} km")
        fit = "符合期望" if parts["wage"] >= 1 else "可达期望"
        items.append(f"工资 {v.wage_min}–{v.wage_max} {fit}")
        if parts["shift"] == 0:
            items.append("班次与意向不同")
        if parts["priority"]:
            items.append("重点帮扶对象")
        return " · ".join(items)

    def _candidates(self, side: "_Columns", postings: dict, keys, cells, only=None):
        """The slots posted under any of the keys in any of the cells, sorted, each once. Each posting's slots
        are kept as an array too (dropped when the posting changes), so a wide query joins arrays instead of
        uniting Python sets."""
        arrays = side.posting_arrays
        parts = []
        total = 0
        for key in keys:
            for cell in cells:
                array = arrays.get((key, cell))
                if array is None:
                    slots = postings.get((key, cell))
                    if not slots:
                        continue
                    array = arrays[(key, cell)] = np.fromiter(slots, dtype=np.int32, count=len(slots))
                parts.append(array)
                total += len(array)
        if not parts:
            return np.empty(0, dtype=np.int32)
        if total * 16 < len(side.entries):
            found = np.unique(np.concatenate(parts))
        else:  # a wide query: marking slots beats sorting them
            marks = np.zeros(len(side.entries), dtype=bool)
            for array in parts:
                marks[array] = True
            found = np.flatnonzero(marks).astype(np.int32)
        if only is not None:
            ids = side.arrays["id"][found]
            if len(only) < len(found):
                found = found[np.isin(ids, np.fromiter(only, dtype=np.int64, count=len(only)))]
            else:
                found = found[np.fromiter((i in only for i in ids.tolist()), dtype=bool, count=len(found))]
        return found

    def _best(self, slots, bounds, pair, k: int) -> list:
        """The k best (score, -id, fit, entry) among the slots, scoring pairs exactly from the highest bound down
        and stopping once no remaining bound reaches the k-th score."""
        n = len(slots)
        if k <= 0 or not n:
            return []
        heap: list = []
        remaining = np.arange(n)
        size = max(4 * k, 64)  # most queries end within the best few bounds: sort those first, then 4x more
        while len(remaining):
            if size < len(remaining):
                split = np.argpartition(-bounds[remaining], size - 1)
                chunk, remaining = remaining[split[:size]], remaining[split[size:]]
            else:
                chunk, remaining = remaining, remaining[:0]
            chunk = chunk[np.argsort(-bounds[chunk], kind="stable")]
            for slot, bound in zip(slots[chunk].tolist(), bounds[chunk].tolist()):
                if len(heap) >= k and bound < heap[0][0]:
                    return sorted(heap, key=lambda item: item[:2], reverse=True)
                fit = pair(slot)
                if fit is None:
                    continue
                item = (fit[0], -fit[-1].id, fit, fit[-1])
                if len(heap) < k:
                    heapq.heappush(heap, item)
                elif item[:2] > heap[0][:2]:
                    heapq.heapreplace(heap, item)
            size *= 4
        return sorted(heap, key=lambda item: item[:2], reverse=True)

    # Queries --------------------------------------------------------------------------------------------------

    def for_seeker(self, seeker: SeekerEntry, k: int = 20, *, weights: Weights | None = None,
                   today: datetime.date | None = None, only: set[int] | None = None) -> list[Match]:
        """The seeker's top k vacancies; `only` limits them to a set (a job fair's vacancies)."""
        w = weights or Weights()
        day = (today or timezone.localdate()).toordinal()
        s = seeker
        with self.lock:
            side = self._v
            col = side.arrays
            c = self._candidates(side, self.v_postings, s.keys, _cells_within(s.lat, s.lon, s.max_km), only)
            until = col["valid_until"][c]
            keep = ((col["valid_from"][c] <= day) & (day <= until) & (s.start <= until)
                    & (col["level"][c] <= s.level) & (col["education"][c] <= s.education)
                    & (col["wage_max"][c] >= s.expected_wage))
            c = c[keep]
            km = _haversine_km(s.lat, s.lon, col["lat"][c], col["lon"][c])
            near = km <= s.max_km + SLACK_KM
            c, km = c[near], km[near]
            occupations = [self._codes.get(name, -1) for name in s.occupations]
            categories = [self._codes.get(name, -1) for name in s.categories if name]
            occupation = np.where(np.isin(col["occupation"][c], occupations), 1.0,
                                  np.where(np.isin(col["category"][c], categories), 0.5, 0.0))
            shifts = col["shifts"][c]
            shift = np.where((shifts == 0) | ((shifts & self._shift_mask(s.shifts)) != 0), 1.0, 0.0) \
                if s.shifts else 1.0
            bounds = self._bounds(w, occupation, s.level - col["level"][c], km, s.max_km, col["wage_min"][c],
                                  col["wage_max"][c], s.expected_wage, shift, 0.0)
            entries = side.entries

            def pair(slot):
                v = entries[slot]
                fit = self._fit(s, v, w, day, False)
                return fit and (*fit, v)

            best = self._best(c, bounds, pair, k)
        return [self._match(s, v, fit, v) for _, _, fit, v in best]

    def for_vacancy(self, vacancy: VacancyEntry, k: int = 20, *, weights: Weights | None = None,
                    today: datetime.date | None = None) -> list[Match]:
        w = weights or Weights()
        day = (today or timezone.localdate()).toordinal()
        v = vacancy
        if not (v.valid_from <= day <= v.valid_until):
            return []
        with self.lock:
            side = self._s
            col = side.arrays
            c = self._candidates(side, self.s_postings, v.keys, _cells_within(v.lat, v.lon, MAX_SEEKER_KM))
            keep = ((col["start"][c] <= v.valid_until) & (col["level"][c] >= v.level)
                    & (col["education"][c] >= v.education) & (col["expected_wage"][c] <= v.wage_max))
            c = c[keep]
            km = _haversine_km(v.lat, v.lon, col["lat"][c], col["lon"][c])
            max_km = col["max_km"][c]
            near = km <= max_km + SLACK_KM
            c, km, max_km = c[near], km[near], max_km[near]
            entries = side.entries
            occupation = np.array([1.0 if v.occupation in s.occupations else
                                   0.5 if v.category and v.category in s.categories else 0.0
                                   for s in map(entries.__getitem__, c.tolist())], dtype="f8")
            shifts = col["shifts"][c]
            shift = np.where((shifts == 0) | ((shifts & self._shift_mask(v.shifts)) != 0), 1.0, 0.0) \
                if v.shifts else 1.0
            bounds = self._bounds(w, occupation, col["level"][c] - v.level, km, max_km, v.wage_min, v.wage_max,
                                  col["expected_wage"][c], shift, np.where(col["priority"][c], 1.0, 0.0))

            def pair(slot):
                s = entries[slot]
                fit = self._fit(s, v, w, day, True)
                return fit and (*fit, s)

            best = self._best(c, bounds, pair, k)
        return [self._match(s, v, fit, s) for _, _, fit, s in best]

    @staticmethod
    def _bounds(w: Weights, occupation, level_gap, km, max_km, wage_min, wage_max, expected, shift, priority):
        """Every part of the score but the skills share, vectorised, plus the most the skills share can add."""
        level = np.where(level_gap <= 1, 1.0, np.maximum(0.5, 1.0 - 0.15 * (level_gap - 1)))
        distance = np.maximum(0.0, 1.0 - km / np.maximum(1, max_km))
        wage = np.where(wage_min >= expected, 1.0, (wage_max - expected) / np.maximum(1, wage_max - wage_min))
        return (w.occupation * occupation + w.level * level + w.distance * distance + w.wage * wage
                + w.shift * shift + w.priority * priority + max(0.0, w.skills) + SLACK_SCORE)

    def _match(self, s: SeekerEntry, v: VacancyEntry, fit: tuple, other) -> Match:
        parts = self._parts(s, v, fit[:9])
        return Match(other.id, round(fit[0], 4), round(fit[1], 2), self.reasons(s, v, fit[1], parts), parts)


VACANCY_FIELDS = ("id", "title", "occupation", "skills", "min_level", "min_education", "wage_min", "wage_max", "lat",
                  "lon", "shifts", "valid_from", "valid_until", "status")
SEEKER_FIELDS = ("id", "occupations", "skills", "skills_text", "certificates", "level", "education", "expected_wage",
                 "lat", "lon", "max_distance_km", "shifts", "start_date", "priority_group", "active")

_index: MatchIndex | None = None
_index_lock = threading.Lock()


def index() -> MatchIndex:
    """This process's index, built on first use and brought up to date with the changes since."""
    global _index
    if _index is None:
        with _index_lock:
            if _index is None:
                _index = MatchIndex.build()
                logger.info("matching index built in %.1f s", _index.build_seconds)
                return _index
    if _index.catch_up() >= REBUILD_AFTER:
        with _index_lock:
            _index = MatchIndex.build()
    return _index


def reset() -> None:
    """Forget the index (tests; a process that changed the tables without MatchChange rows)."""
    global _index
    with _index_lock:
        _index = None


def record_change(kind: str, object_ids) -> None:
    MatchChange.objects.bulk_create([MatchChange(kind=kind, object_id=oid) for oid in object_ids], batch_size=5000)
