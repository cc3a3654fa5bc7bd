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
"""

import datetime
import heapq
import logging
import math
import threading
import time
from collections import Counter, defaultdict
from dataclasses import dataclass, field

from django.utils import timezone

from zhijia.core.geo import distance_km

from . import taxonomy
from .models import MatchChange, MatchConfig, SeekerProfile, Vacancy, VacancyStatus

logger = logging.getLogger(__name__)

CELL = 0.2  # degrees
MAX_SEEKER_KM = 100  # the farthest a seeker may say they travel; bounds the cells a vacancy query reads
REBUILD_AFTER = 50_000  # more changes than this to replay: rebuild instead


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


def vacancy_entry(v) -> VacancyEntry:
    """From a Vacancy (or anything with its fields, such as a generated row in the benchmark)."""
    occupation = taxonomy.canonical(v.occupation) or taxonomy.canonical(v.title) or taxonomy.normalize(v.occupation)
    skills = tuple(taxonomy.skill_tags(v.skills))
    words = frozenset(taxonomy.words(v.title, " ".join(skills)) | set(skills) | {occupation})
    keys = tuple({f"o:{occupation}", *(f"s:{s}" for s in skills)})
    return VacancyEntry(v.id, occupation, taxonomy.category_of(occupation), words, skills, v.min_level,
                        v.min_education, v.wage_min, v.wage_max, v.lat, v.lon, frozenset(v.shifts or ()),
                        v.valid_from.toordinal(), v.valid_until.toordinal(), keys)


def seeker_entry(s) -> SeekerEntry:
    occupations = tuple(dict.fromkeys(taxonomy.canonical(o) or taxonomy.normalize(o) for o in s.occupations if o))
    skills = tuple(taxonomy.skill_tags(s.skills))
    words = frozenset(taxonomy.words(s.skills_text, s.certificates, " ".join(skills)) | set(skills) | set(occupations))
    keys = tuple({*(f"o:{o}" for o in occupations), *(f"s:{k}" for k in skills)})
    return SeekerEntry(s.id, occupations, frozenset(taxonomy.category_of(o) for o in occupations), words, skills,
                       s.level, s.education, s.expected_wage, s.lat, s.lon, min(s.max_distance_km, MAX_SEEKER_KM),
                       frozenset(s.shifts or ()), s.start_date.toordinal(), s.priority_group or "", keys)


class MatchIndex:
    """Published vacancies and active seekers, with postings by (occupation or skill key, cell)."""

    def __init__(self):
        self.vacancies: dict[int, VacancyEntry] = {}
        self.seekers: dict[int, SeekerEntry] = {}
        self.v_postings: dict[tuple, set] = defaultdict(set)
        self.s_postings: dict[tuple, set] = defaultdict(set)
        self.df: Counter = Counter()  # vacancies per word, for IDF
        self.last_change = 0
        self.build_seconds = 0.0
        self.lock = threading.RLock()

    # Building and keeping up --------------------------------------------------------------------------------

    @classmethod
    def build(cls) -> "MatchIndex":
        started = time.perf_counter()
        index = cls()
        index.last_change = MatchChange.objects.order_by("-id").values_list("id", flat=True).first() or 0
        today = timezone.localdate()
        for vacancy in Vacancy.objects.filter(status=VacancyStatus.PUBLISHED, valid_until__gte=today) \
                .only(*VACANCY_FIELDS).iterator(chunk_size=5000):
            index.put_vacancy(vacancy_entry(vacancy))
        for seeker in SeekerProfile.objects.filter(active=True).only(*SEEKER_FIELDS).iterator(chunk_size=5000):
            index.put_seeker(seeker_entry(seeker))
        index.build_seconds = time.perf_counter() - started
        return index

    def put_vacancy(self, entry: VacancyEntry) -> None:
        with self.lock:
            self.drop_vacancy(entry.id)
            self.vacancies[entry.id] = entry
            cell = _cell(entry.lat, entry.lon)
            for key in entry.keys:
                self.v_postings[(key, cell)].add(entry.id)
            self.df.update(entry.words)

    def drop_vacancy(self, vacancy_id: int) -> None:
        with self.lock:
            entry = self.vacancies.pop(vacancy_id, None)
            if entry is None:
                return
            cell = _cell(entry.lat, entry.lon)
            for key in entry.keys:
                self.v_postings[(key, cell)].discard(vacancy_id)
            self.df.subtract(entry.words)

    def put_seeker(self, entry: SeekerEntry) -> None:
        with self.lock:
            self.drop_seeker(entry.id)
            self.seekers[entry.id] = entry
            cell = _cell(entry.lat, entry.lon)
            for key in entry.keys:
                self.s_postings[(key, cell)].add(entry.id)

    def drop_seeker(self, seeker_id: int) -> None:
        with self.lock:
            entry = self.seekers.pop(seeker_id, None)
            if entry is None:
                return
            cell = _cell(entry.lat, entry.lon)
            for key in entry.keys:
                self.s_postings[(key, cell)].discard(seeker_id)

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
            fresh = {v.id: v for v in Vacancy.objects.filter(id__in=vacancy_ids).only(*VACANCY_FIELDS)}
            for vacancy_id in vacancy_ids:
                vacancy = fresh.get(vacancy_id)
                if vacancy is None or vacancy.status != VacancyStatus.PUBLISHED or vacancy.valid_until < today:
                    self.drop_vacancy(vacancy_id)
                else:
                    self.put_vacancy(vacancy_entry(vacancy))
            fresh = {s.id: s for s in SeekerProfile.objects.filter(id__in=seeker_ids).only(*SEEKER_FIELDS)}
            for seeker_id in seeker_ids:
                seeker = fresh.get(seeker_id)
                if seeker is None or not seeker.active:
                    self.drop_seeker(seeker_id)
                else:
                    self.put_seeker(seeker_entry(seeker))
            self.last_change = changes[-1][0]
        return len(changes)

    # Scoring --------------------------------------------------------------------------------------------------

    def _idf(self, word: str) -> float:
        n = max(1, len(self.vacancies))
        return math.log(1 + n / (1 + max(0, self.df.get(word, 0))))

    def _score(self, s: SeekerEntry, v: VacancyEntry, w: Weights, today: int, *, with_priority: bool):
        """None when a hard constraint fails, else (score, distance, parts)."""
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
        shared = s.words & v.words
        total = sum(self._idf(word) for word in v.words) or 1.0
        skills = sum(self._idf(word) for word in shared) / total
        level = 1.0 if s.level - v.level <= 1 else max(0.5, 1.0 - 0.15 * (s.level - v.level - 1))
        distance = max(0.0, 1.0 - km / max(1, s.max_km))
        wage = 1.0 if v.wage_min >= s.expected_wage else (v.wage_max - s.expected_wage) / max(1, v.wage_max - v.wage_min)
        shift = 1.0 if not s.shifts or not v.shifts or s.shifts & v.shifts else 0.0
        priority = 1.0 if with_priority and s.priority else 0.0
        score = (w.occupation * occupation + w.skills * skills + w.level * level + w.distance * distance
                 + w.wage * wage + w.shift * shift + w.priority * priority)
        parts = {"occupation": occupation, "skills": round(skills, 3), "level": level, "distance": round(distance, 3),
                 "wage": round(wage, 3), "shift": shift, "priority": priority,
                 "shared": sorted(word for word in shared if word in s.skills or word in v.skills
                                  or word == v.occupation)}
        return score, km, parts

    @staticmethod
    def reasons(s: SeekerEntry, v: VacancyEntry, km: float, parts: dict) -> str:
        items = []
        if parts["shared"]:
            items.append("技能: " + ", ".join(parts["shared"][:4]))
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

    # Queries --------------------------------------------------------------------------------------------------

    def for_seeker(self, seeker: SeekerEntry, k: int = 20, *, weights: Weights | None = None,
                   today: datetime.date | None = None, only: set[int] | None = None) -> list[Match]:
        """The seeker's top k vacancies; `only` limits them to a set (a job fair's vacancies)."""
        w = weights or Weights()
        day = (today or timezone.localdate()).toordinal()
        candidates: set = set()
        cells = _cells_within(seeker.lat, seeker.lon, seeker.max_km)
        for key in seeker.keys:
            for cell in cells:
                found = self.v_postings.get((key, cell))
                if found:
                    candidates |= found
        if only is not None:
            candidates &= only
        scored = []
        for vacancy_id in candidates:
            v = self.vacancies.get(vacancy_id)
            result = v and self._score(seeker, v, w, day, with_priority=False)
            if result:
                scored.append((result[0], -vacancy_id, result[1], result[2], v))
        best = heapq.nlargest(k, scored, key=lambda item: (item[0], item[1]))
        return [Match(v.id, round(score, 4), round(km, 2), self.reasons(seeker, v, km, parts), parts)
                for score, _, km, parts, v in best]

    def for_vacancy(self, vacancy: VacancyEntry, k: int = 20, *, weights: Weights | None = None,
                    today: datetime.date | None = None) -> list[Match]:
        w = weights or Weights()
        day = (today or timezone.localdate()).toordinal()
        candidates: set = set()
        cells = _cells_within(vacancy.lat, vacancy.lon, MAX_SEEKER_KM)
        for key in vacancy.keys:
            for cell in cells:
                found = self.s_postings.get((key, cell))
                if found:
                    candidates |= found
        scored = []
        for seeker_id in candidates:
            s = self.seekers.get(seeker_id)
            result = s and self._score(s, vacancy, w, day, with_priority=True)
            if result:
                scored.append((result[0], -seeker_id, result[1], result[2], s))
        best = heapq.nlargest(k, scored, key=lambda item: (item[0], item[1]))
        return [Match(s.id, round(score, 4), round(km, 2), self.reasons(s, vacancy, km, parts), parts)
                for score, _, km, parts, s in best]


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
