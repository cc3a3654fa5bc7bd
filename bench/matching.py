"""How fast and how well 智能寻对匹配 works: a million vacancies and 100,000 job seekers in memory, the index built
from PostgreSQL tables and kept up incrementally, and ranking quality on a labelled set against a text baseline.

1. Quality: reads bench/data/matching_labelled.jsonl (written by --relabel; its hand-checked cases are kept when
   it is rewritten): each line is a seeker and a pool of about 50 vacancies with graded relevance (2 clearly
   right, 1 partly right, 0 wrong) from labelling rules written independently of the matcher's score. All pools
   go into one MatchIndex; for each seeker, MatchIndex.for_seeker ranks its pool (vacancies it filters out rank
   nowhere). Prints NDCG@10 of the matcher and of a plain TF-IDF cosine baseline (seeker occupations + skills +
   skills_text against vacancy title + skills, no constraints), side by side; also word Jaccard, and TF-IDF
   ranking only the vacancies that pass the matcher's hard constraints (what the score adds to the filters).
2. PostgreSQL (DATABASE_URL, default database zhijia_matching_bench, created and migrated if missing, and kept):
   --pg-vacancies vacancies (default 10,000) and --pg-seekers seekers in the tables; times MatchIndex.build()
   through matching.index(), then updates 100 vacancies through services.vacancy_update and times the catch-up
   that the next matching.index() does (one MatchChange read, then only those rows).
3. Scale, in memory: --vacancies (default 1,000,000) and --seekers (default 100,000) generated rows go into a
   MatchIndex directly (put_vacancy(vacancy_entry(row)), no database: the rows are light objects with a
   Vacancy's fields), then --queries (default 1,000) top-20 queries for seekers and for vacancies are timed,
   and 100 of each of the heaviest kind a form allows (5 common occupations, 20 skills, 100 km, in 北京/上海/深圳).

The generated data: titles, synonyms and skills from zhijia/jobs/data/occupations.tsv (急招电焊工,
氩弧焊工（长白班）), wages by occupation and city, points around the centres of 300 districts of 60 cities
(zhijia/core/geo.py), weighted by city size; shifts, levels, education, validity dates, priority groups.

    .venv/bin/python bench/matching.py                       # or: make bench
    .venv/bin/python bench/matching.py --vacancies 200000 --seekers 20000 --queries 300   # quicker
    .venv/bin/python bench/matching.py --no-postgres --profile

The last line is one JSON object: build_s, peak_rss_mb, seeker_p95_ms, vacancy_p95_ms, ndcg10, baseline_ndcg10
(and more). Goals: p95 < 50 ms per query on 2 cores, peak memory < 4 GiB.
"""

import argparse
import cProfile
import datetime
import gc
import json
import math
import os
import pstats
import random
import resource
import statistics
import sys
import time
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_URL = "postgres://postgres@127.0.0.1:5432/zhijia_matching_bench"
LABELLED = ROOT / "bench" / "data" / "matching_labelled.jsonl"
SEED = 2026
GOAL_P95_MS = 50
GOAL_RSS_MB = 4096
TOP = 20
WIDE = {"seeker": "5 common occupations, 20 skills, 100 km", "vacancy": "普工 asking 20 common skills"}

# 60 cities (code, relative size, wage level); five districts each are drawn from zhijia/core/geo.py's centres.
CITIES = [
    ("110100", 10, 1.35), ("310100", 10, 1.35), ("440300", 9, 1.30), ("440100", 8, 1.20), ("500100", 7, 0.95),
    ("510100", 7, 1.00), ("330100", 6, 1.15), ("320500", 6, 1.10), ("420100", 6, 1.00), ("120100", 5, 1.05),
    ("610100", 5, 0.95), ("320100", 5, 1.10), ("410100", 5, 0.90), ("430100", 4, 0.95), ("440600", 4, 1.05),
    ("370200", 4, 1.00), ("330200", 4, 1.10), ("320200", 4, 1.10), ("370100", 3.5, 0.95), ("210100", 3.5, 0.85),
    ("340100", 3.5, 0.95), ("210200", 3, 0.90), ("350200", 3, 1.05), ("350100", 3, 0.95), ("130100", 3, 0.80),
    ("230100", 3, 0.80), ("220100", 2.5, 0.80), ("360100", 2.5, 0.85), ("450100", 2.5, 0.80), ("530100", 2.5, 0.85),
    ("330300", 2.5, 1.00), ("320400", 2.5, 1.00), ("320600", 2.5, 0.95), ("320300", 2.5, 0.85), ("350500", 2.5, 0.95),
    ("520100", 2, 0.85), ("140100", 2, 0.80), ("330700", 2, 0.95), ("370600", 2, 0.90), ("370700", 2, 0.85),
    ("371300", 2, 0.80), ("130200", 2, 0.80), ("130600", 2, 0.75), ("441300", 2, 0.95), ("330600", 1.8, 1.00),
    ("620100", 1.5, 0.75), ("650100", 1.5, 0.85), ("370300", 1.5, 0.85), ("410300", 1.5, 0.80), ("440400", 1.5, 1.05),
    ("360700", 1.5, 0.75), ("321000", 1.5, 0.95), ("150100", 1.2, 0.80), ("440700", 1.2, 0.90), ("340200", 1.2, 0.85),
    ("640100", 1, 0.75), ("460100", 1, 0.85), ("420500", 1, 0.80), ("321100", 1, 0.95), ("630100", 0.8, 0.75),
]
DISTRICTS_PER_CITY = 5

# Monthly wage (yuan) a typical vacancy of the occupation offers in a city of wage level 1.0.
WAGE = {
    "普工": 5000, "装配工": 5200, "电工": 6800, "焊工": 7000, "钳工": 6500, "车工": 6300, "数控操作工": 6800,
    "机修工": 6500, "注塑工": 5200, "质检员": 5000, "包装工": 4300, "缝纫工": 5500, "叉车司机": 5800,
    "仓库管理员": 5000, "分拣员": 4800, "装卸工": 5500, "快递员": 6500, "外卖骑手": 6800, "网约车司机": 7000,
    "货车司机": 8500, "驾驶员": 5500, "保安": 4000, "保洁员": 3300, "家政服务员": 5500, "育婴员": 7500,
    "养老护理员": 4800, "护士": 6000, "厨师": 7000, "面点师": 5800, "服务员": 4200, "洗碗工": 3800, "收银员": 4000,
    "营业员": 4500, "客服": 4800, "销售": 6500, "会计": 6000, "出纳": 4800, "文员": 4300, "行政": 5000, "人事": 5800,
    "汽车维修工": 6500, "钣金工": 7000, "木工": 8000, "瓦工": 8500, "钢筋工": 8000, "架子工": 8500, "油漆工": 7500,
    "水电工": 7500, "空调安装工": 7000, "电梯维修工": 7000, "美容师": 6000, "美发师": 6500, "保健按摩师": 6500,
    "物业管理员": 4500, "绿化工": 3800, "电商运营": 7000, "主播": 8000, "软件开发": 13000, "软件测试": 9500,
    "平面设计": 7500, "教师": 7000, "幼儿教师": 5000, "采购": 6500, "跟单员": 6000, "物流调度": 6000,
    "化验员": 5000, "印刷工": 5500, "电子技术员": 6500,
}
# How common vacancies of an occupation are (default 1.5).
POSTED = {"普工": 12, "装配工": 4, "电工": 3, "焊工": 3, "数控操作工": 3, "质检员": 3, "包装工": 3, "快递员": 4,
          "外卖骑手": 4, "分拣员": 3, "服务员": 5, "保安": 4, "保洁员": 4, "销售": 6, "客服": 4, "营业员": 4, "厨师": 3,
          "司机": 2, "仓库管理员": 3, "养老护理员": 2.5, "家政服务员": 2.5}
SKILLED = {"电工", "焊工", "钳工", "车工", "数控操作工", "机修工", "电梯维修工", "汽车维修工", "钣金工", "木工",
           "瓦工", "水电工", "空调安装工", "护士", "厨师", "软件开发", "软件测试", "会计", "电子技术员"}
EDUCATED = {"护士": 4, "会计": 4, "软件开发": 5, "软件测试": 4, "教师": 5, "幼儿教师": 4, "人事": 4, "行政": 3,
            "电商运营": 3, "平面设计": 4, "化验员": 3}
TITLE_PREFIXES = [""] * 6 + ["急招", "招聘", "诚聘", "高薪招聘", "长期招", "直招", "本厂招"]
TITLE_SUFFIXES = [("", None)] * 8 + [
    ("（长白班）", "day"), ("（两班倒）", "rotating"), ("若干名", None), ("（包吃住）", None), ("（五险一金）", None),
    ("学徒", None), ("（日结）", "flexible"), ("（月休4天）", None), ("（可兼职）", "flexible"), ("（男女不限）", None),
    ("（有证优先）", None), ("（经验不限）", None), ("（周末双休）", "day"), ("（夜班）", "night"),
]
BRANDS = "恒瑞 华星 中科 金鹰 宏达 博远 鼎盛 天成 新宇 永盛 瑞丰 东方 长江 润华 海昌 联创 思源 德信 汇通 正泰".split()
GENERIC_SKILLS = ["吃苦耐劳", "沟通", "责任心", "团队合作", "Excel", "普通话", "服从安排"]
SHIFT_SETS = [((), 15), (("day",), 45), (("day", "night"), 8), (("rotating",), 17), (("night",), 5),
              (("flexible",), 10)]
SEEKER_SHIFTS = [((), 40), (("day",), 30), (("day", "rotating"), 12), (("flexible",), 10), (("day", "night"), 8)]
PRIORITY = ["redeployed", "hardship_child", "flexible", "zero_employment", "migrant", "new_form", "graduate"]
RANGES = [(3, 5), (5, 15), (10, 25), (15, 20), (20, 15), (30, 12), (50, 8)]  # (km, weight) seekers will travel
EXPERIENCE = ["从事{alias}工作{years}年，熟悉{s1}和{s2}", "做过{years}年{alias}，会{s1}", "{years}年{category}行业经验，"
              "{s1}、{s2}都会", "在{brand}厂做{alias}{years}年", "持有{s1}，能吃苦"]


def weighted(pairs):
    values = [value for value, _ in pairs]
    cumulative, total = [], 0.0
    for _, weight in pairs:
        total += weight
        cumulative.append(total)
    return values, cumulative


@dataclass(slots=True)
class VacancyRow:
    """What vacancy_entry reads of a Vacancy, plus where it is (for printing) and the generator's truth."""
    id: int
    title: str
    occupation: str
    skills: list
    min_level: int
    min_education: int
    wage_min: int
    wage_max: int
    lat: float
    lon: float
    shifts: list
    valid_from: datetime.date
    valid_until: datetime.date
    division_code: str = ""


@dataclass(slots=True)
class SeekerRow:
    id: int
    occupations: list
    skills: list
    skills_text: str
    certificates: str
    level: int
    education: int
    expected_wage: int
    lat: float
    lon: float
    max_distance_km: int
    shifts: list
    start_date: datetime.date
    priority_group: str
    division_code: str = ""
    truth: tuple = field(default=())  # the canonical occupations the generator meant


class Generator:
    """Realistic rows from the occupation table and district centres, reproducible from the seed."""

    def __init__(self, seed: int, today: datetime.date):
        from zhijia.core.geo import _centres
        from zhijia.core.validators import divisions
        from zhijia.jobs import taxonomy

        self.rng = random.Random(seed)
        self.today = today
        self.occupations = taxonomy.occupations()
        centres = _centres()
        current = {code for code, division in divisions().items() if division.current}
        places = []
        for code, size, level in CITIES:
            districts = sorted(k for k in centres if k[:4] == code[:4] and k[4:] != "00"
                               and k in current)[:DISTRICTS_PER_CITY]
            shares = [1 / (rank + 1) ** 0.6 for rank in range(len(districts))]
            for district, share in zip(districts, shares):
                lat, lon = centres[district]
                places.append(((district, lat, lon, level), size * share / sum(shares)))
        self.places, self.place_weights = weighted(places)
        names = list(self.occupations)
        self.posted, self.posted_weights = weighted([(n, POSTED.get(n, 1.5)) for n in names])
        self.by_category: dict[str, list[str]] = {}
        for name, occupation in self.occupations.items():
            self.by_category.setdefault(occupation.category, []).append(name)
        self.shift_sets, self.shift_weights = weighted(SHIFT_SETS)
        self.seeker_shifts, self.seeker_shift_weights = weighted(SEEKER_SHIFTS)
        self.ranges, self.range_weights = weighted(RANGES)

    def place(self):
        rng = self.rng
        code, lat, lon, level = rng.choices(self.places, cum_weights=self.place_weights)[0]
        if rng.random() < 0.7:  # a geocoded address near the district centre; else the centre itself
            lat, lon = lat + rng.gauss(0, 0.03), lon + rng.gauss(0, 0.035)
        return code, round(lat, 5), round(lon, 5), level

    def occupation(self) -> str:
        return self.rng.choices(self.posted, cum_weights=self.posted_weights)[0]

    def alias(self, name: str) -> str:
        synonyms = self.occupations[name].synonyms
        return self.rng.choice(synonyms) if synonyms and self.rng.random() < 0.5 else name

    def title(self, name: str) -> tuple[str, str | None]:
        rng = self.rng
        suffix, shift = rng.choice(TITLE_SUFFIXES)
        brand = f"{rng.choice(BRANDS)}" if rng.random() < 0.1 else ""
        return f"{brand}{rng.choice(TITLE_PREFIXES)}{self.alias(name)}{suffix}", shift

    def skills(self, name: str, most: int = 4) -> list[str]:
        rng = self.rng
        typical = self.occupations[name].skills
        chosen = rng.sample(typical, rng.randint(1, min(most, len(typical))))
        if rng.random() < 0.2:
            chosen.append(rng.choice(GENERIC_SKILLS))
        return chosen

    def wage_range(self, name: str, level: float) -> tuple[int, int]:
        low = round(WAGE[name] * level * self.rng.uniform(0.78, 1.05), -2)
        return int(low), int(round(low * self.rng.uniform(1.1, 1.6), -2))

    def vacancy(self, vacancy_id: int, name: str | None = None) -> VacancyRow:
        rng = self.rng
        name = name or self.occupation()
        title, title_shift = self.title(name)
        code, lat, lon, level = self.place()
        wage_min, wage_max = self.wage_range(name, level)
        shifts = [title_shift] if title_shift else list(rng.choices(self.shift_sets, cum_weights=self.shift_weights)[0])
        skilled = name in SKILLED
        min_level = rng.choices(range(5), weights=[30, 25, 25, 14, 6] if skilled else [70, 15, 10, 4, 1])[0]
        education = EDUCATED.get(name, 0)
        min_education = education if rng.random() < 0.7 else rng.choices([0, 2, 3], weights=[60, 25, 15])[0]
        valid_from = self.today - datetime.timedelta(days=rng.randint(0, 90))
        if rng.random() < 0.03:  # posted ahead of time
            valid_from = self.today + datetime.timedelta(days=rng.randint(1, 14))
        valid_until = max(valid_from, self.today) + datetime.timedelta(days=rng.randint(0, 120))
        skills = self.skills(name) if rng.random() < 0.9 else []
        occupation = name if rng.random() < 0.8 else self.alias(name)  # what the employer picked or typed
        return VacancyRow(vacancy_id, title, occupation, skills, min_level, min_education, wage_min, wage_max, lat,
                          lon, shifts, valid_from, valid_until, code)

    def busy_place(self):
        code, lat, lon, level = self.rng.choice([p for p in self.places if p[0][:4] in ("1101", "3101", "4403")])
        return code, lat, lon, level

    def wide_seeker(self, seeker_id: int) -> SeekerRow:
        names = ["普工", "销售", "服务员", "装配工", "快递员"]
        row = self.seeker(seeker_id, names)
        row.occupations = names
        row.skills = list(dict.fromkeys(s for n in names for s in self.occupations[n].skills))[:20]
        row.max_distance_km, row.level, row.education = 100, 5, 6
        row.division_code, row.lat, row.lon, _ = self.busy_place()
        return row

    def wide_vacancy(self, vacancy_id: int) -> VacancyRow:
        row = self.vacancy(vacancy_id, "普工")
        row.skills = list(dict.fromkeys(s for n in ("普工", "装配工", "包装工", "质检员", "分拣员")
                                        for s in self.occupations[n].skills))[:20]
        row.min_level = row.min_education = 0
        row.wage_max = max(row.wage_max, 20_000)
        row.division_code, row.lat, row.lon, _ = self.busy_place()
        return row

    def seeker(self, seeker_id: int, names: list[str] | None = None) -> SeekerRow:
        rng = self.rng
        if names is None:
            first = self.occupation()
            names = [first]
            for _ in range(rng.choices([0, 1, 2], weights=[50, 35, 15])[0]):
                same = self.by_category[self.occupations[first].category]
                other = rng.choice(same) if rng.random() < 0.7 else self.occupation()
                if other not in names:
                    names.append(other)
        skills = []
        for name in names:
            skills += [s for s in self.skills(name, most=3) if s not in skills]
        years = rng.randint(1, 20)
        text = ""
        if rng.random() < 0.7:
            pool = self.occupations[names[0]].skills
            text = rng.choice(EXPERIENCE).format(alias=self.alias(names[0]), years=years, s1=rng.choice(pool),
                                                 s2=rng.choice(pool), category=self.occupations[names[0]].category,
                                                 brand=rng.choice(BRANDS))
        certificates = "，".join(s for s in skills if s.endswith(("证", "驾照")))
        code, lat, lon, level = self.place()
        skilled = names[0] in SKILLED
        return SeekerRow(
            seeker_id, [self.alias(name) for name in names], skills, text, certificates,
            rng.choices(range(6), weights=[25, 25, 25, 15, 7, 3] if skilled else [55, 20, 15, 7, 2, 1])[0],
            rng.choices(range(7), weights=[2, 5, 30, 35, 15, 11, 2])[0],
            int(round(WAGE[names[0]] * level * rng.uniform(0.75, 1.1), -2)), lat, lon,
            rng.choices(self.ranges, cum_weights=self.range_weights)[0],
            list(rng.choices(self.seeker_shifts, cum_weights=self.seeker_shift_weights)[0]),
            self.today + datetime.timedelta(days=rng.randint(-30, 30)),
            rng.choice(PRIORITY) if rng.random() < 0.4 else "", code, tuple(names))


# ---- Scale: a million vacancies in memory ---------------------------------------------------------------------


def rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def current_rss_mb() -> float:
    with open("/proc/self/statm") as statm:
        return int(statm.read().split()[1]) * os.sysconf("SC_PAGE_SIZE") / 2**20


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, math.ceil(share * len(ordered)) - 1)]


def measure_scale(args, today: datetime.date) -> dict:
    from zhijia.jobs.matching import MatchIndex, seeker_entry, vacancy_entry

    print(f"\n== Scale: {args.vacancies:,} vacancies and {args.seekers:,} seekers in memory "
          "(generated rows → vacancy_entry/seeker_entry → MatchIndex.put_*; no database) ==")
    generator = Generator(SEED, today)
    rng = random.Random(SEED + 7)
    before = current_rss_mb()
    index = MatchIndex()
    probe_vacancies, probe_seekers = [], []
    wanted_v = set(rng.sample(range(1, args.vacancies + 1), min(args.queries, args.vacancies)))
    wanted_s = set(rng.sample(range(1, args.seekers + 1), min(args.queries, args.seekers)))
    profiler = cProfile.Profile() if args.profile else None
    generating = 0.0
    started = time.perf_counter()

    def rows(make, count, wanted, probes, label):
        nonlocal generating
        for row_id in range(1, count + 1):
            t0 = time.perf_counter()
            row = make(row_id)
            generating += time.perf_counter() - t0
            if row_id in wanted:
                probes.append(row)
            if row_id % 250_000 == 0:
                print(f"  {row_id:,} {label}, {time.perf_counter() - started:.0f} s, RSS {current_rss_mb():.0f} MiB")
            yield row

    # put_many is put_vacancy/put_seeker in a loop with the garbage collector paused, as MatchIndex.build does.
    index.put_many(vacancies=map(vacancy_entry, rows(generator.vacancy, args.vacancies, wanted_v, probe_vacancies,
                                                     "vacancies")),
                   seekers=map(seeker_entry, rows(generator.seeker, args.seekers, wanted_s, probe_seekers, "seekers")))
    elapsed = time.perf_counter() - started
    build_s = elapsed - generating
    after = current_rss_mb()
    print(f"built in {build_s:.1f} s (plus {generating:.1f} s generating the rows); "
          f"index ≈ {after - before:.0f} MiB (RSS {after:.0f} MiB, peak {rss_mb():.0f} MiB)")

    def timed(rows, make, query):
        times, sizes = [], []
        for row in rows[:20]:  # warm-up
            query(make(row), TOP, today=today)
        if profiler:
            profiler.enable()
        for row in rows:
            t0 = time.perf_counter()
            found = query(make(row), TOP, today=today)
            times.append((time.perf_counter() - t0) * 1000)
            sizes.append(len(found))
        if profiler:
            profiler.disable()
        return times, sizes

    rng.shuffle(probe_seekers)
    rng.shuffle(probe_vacancies)
    figures = {}
    for label, rows, make, query in [("seeker", probe_seekers, seeker_entry, index.for_seeker),
                                     ("vacancy", probe_vacancies, vacancy_entry, index.for_vacancy)]:
        times, sizes = timed(rows, make, query)
        p50, p95 = statistics.median(times), percentile(times, 0.95)
        empty = sum(1 for n in sizes if n == 0)
        print(f"top-{TOP} for a {label}: {len(times):,} queries, p50 {p50:.1f} ms, p95 {p95:.1f} ms, "
              f"max {max(times):.1f} ms; mean {statistics.mean(sizes):.1f} results, {empty} with none")
        figures[f"{label}_p50_ms"] = round(p50, 2)
        figures[f"{label}_p95_ms"] = round(p95, 2)

    # The heaviest queries there can be: the widest profile a form allows, in the three busiest cities.
    wide_seekers = [generator.wide_seeker(args.seekers + n) for n in range(100)]
    wide_vacancies = [generator.wide_vacancy(args.vacancies + n) for n in range(100)]
    for label, rows, make, query in [("seeker", wide_seekers, seeker_entry, index.for_seeker),
                                     ("vacancy", wide_vacancies, vacancy_entry, index.for_vacancy)]:
        times, _ = timed(rows, make, query)
        print(f"worst case, top-{TOP} for a {label} ({WIDE[label]}, 北京/上海/深圳): "
              f"p50 {statistics.median(times):.1f} ms, p95 {percentile(times, 0.95):.1f} ms, max {max(times):.1f} ms")
        figures[f"wide_{label}_p95_ms"] = round(percentile(times, 0.95), 2)
    if profiler:
        pstats.Stats(profiler).sort_stats("cumulative").print_stats(25)
    t0 = time.perf_counter()
    gc.collect()
    print(f"a full garbage collection (it walks the whole index) takes {time.perf_counter() - t0:.2f} s; Python runs "
          "one only after the long-lived objects grew by a quarter")
    figures["build_s"] = round(build_s, 1)
    figures["index_mb"] = round(after - before)
    return figures


# ---- Quality: a labelled set, the matcher and a text baseline ------------------------------------------------

SOFT_SKILLS = {"吃苦耐劳", "沟通", "责任心", "团队合作", "服从安排", "普通话", "客户服务", "服务"}
LABELLED_SEEKERS = 200
PLAIN_OCCUPATIONS = ["技术工人", "储备干部", "操作岗", "技术员", "普通员工", "多面手", "综合岗"]
POOL_INTENTS = (  # what the pool generator aims at; the label comes from relevance(), not from this
    ["right"] * 8 + ["far"] * 4 + ["wage-short"] * 3 + ["other-skills"] * 2 + ["related"] * 3
    + ["plain-title"] * 2 + ["unrelated"] * 8 + ["lookalike"] * 6 + ["expired"] * 3 + ["not-open"] * 2 + ["level"] * 2
    + ["education"] * 2 + ["too-far"] * 3 + ["wage-low"] * 2
)


def relevance(seeker: dict, vacancy: dict) -> tuple[int, str]:
    """What a careful person would say of the vacancy for the seeker: 2 clearly right, 1 partly right, 0 wrong.

    Written from the generator's truth (the occupation each row was made from, its skill tags) and the
    seeker's stated conditions, independently of the matcher's score:
    - wrong whatever the occupation: not open today, closing before the seeker can start, asking a higher skill
      level or education than the seeker has, farther than the seeker will travel, or paying at most less than
      90% of what the seeker expects;
    - clearly right: one of the seeker's occupations, within 60% of their travel range, the top of the wage
      range reaching their expectation, a shared hard skill (or none asked), and a shift they accept;
    - partly right: one of their occupations short of one of those; or another occupation of the same
      category sharing a hard skill; or any occupation sharing two hard skills (电工 → 水电工);
    - otherwise wrong. Soft skills (吃苦耐劳, 沟通, 客户服务 …) never count as shared.
    """
    from zhijia.core.geo import distance_km
    from zhijia.jobs.taxonomy import occupations

    table = occupations()
    truth = vacancy["truth"]
    km = distance_km((seeker["lat"], seeker["lon"]), (vacancy["lat"], vacancy["lon"]))
    if vacancy["valid_from"] > 0 or vacancy["valid_until"] < 0:
        return 0, "not open today"
    if seeker["start"] > vacancy["valid_until"]:
        return 0, "closes before the seeker can start"
    if vacancy["min_level"] > seeker["level"] or vacancy["min_education"] > seeker["education"]:
        return 0, "asks more level or education than the seeker has"
    if km > seeker["max_distance_km"]:
        return 0, f"{km:.1f} km, beyond the seeker's {seeker['max_distance_km']} km"
    if vacancy["wage_max"] < 0.9 * seeker["expected_wage"]:
        return 0, "pays well below the expectation"
    shared = (set(vacancy["skills"]) & set(seeker["skills"])) - SOFT_SKILLS
    shifts_ok = not seeker["shifts"] or not vacancy["shifts"] or set(seeker["shifts"]) & set(vacancy["shifts"])
    if truth in seeker["truth"]:
        short = [why for why, failed in [
            ("farther than 60% of the range", km > 0.6 * seeker["max_distance_km"]),
            ("wage top below the expectation", vacancy["wage_max"] < seeker["expected_wage"]),
            ("no shared hard skill", vacancy["skills"] and not shared),
            ("shift not accepted", not shifts_ok)] if failed]
        return (1, f"same occupation, but {', '.join(short)}") if short else (2, "same occupation, near, fits")
    categories = {table[name].category for name in seeker["truth"] if name in table}
    if truth in table and table[truth].category in categories and shared:
        return 1, f"same category, shares {'、'.join(sorted(shared))}"
    if len(shared) >= 2:
        return 1, f"other category, shares {'、'.join(sorted(shared))}"
    return 0, "other occupation"


def _offset_point(rng: random.Random, lat: float, lon: float, km: float) -> tuple[float, float]:
    bearing = rng.uniform(0, 2 * math.pi)
    return (round(lat + km / 111.0 * math.cos(bearing), 5),
            round(lon + km / (111.0 * math.cos(math.radians(lat))) * math.sin(bearing), 5))


def _lookalikes(name: str, seeker_skills: list[str]) -> list[str]:
    """Occupations of another category that look like this one: a shared two-character piece of a name or a
    shared skill tag (车工 and 网约车司机, 电工 and 汽车电工, 焊工 and 钣金工 …)."""
    from zhijia.jobs.taxonomy import occupations

    table = occupations()
    mine = table[name]
    pieces = {alias[i:i + 2] for alias in (name, *mine.synonyms) for i in range(len(alias) - 1)}
    found = []
    for other, occupation in table.items():
        if occupation.category == mine.category:
            continue
        names = " ".join((other, *occupation.synonyms))
        if any(piece in names for piece in pieces) or set(occupation.skills) & set(seeker_skills):
            found.append(other)
    return found


def labelled_pool(gen: Generator, seeker: dict, first_id: int) -> list[dict]:
    """About 50 vacancies around the seeker: clearly right, partly right and wrong ones, each labelled."""
    from zhijia.jobs.taxonomy import occupations

    table = occupations()
    rng = gen.rng
    names = list(seeker["truth"])
    category = table[names[0]].category
    same_category = [n for n in gen.by_category[category] if n not in names]
    other_category = [n for n in table if table[n].category != category and n not in names]
    lookalikes = _lookalikes(names[0], seeker["skills"]) or other_category
    pool = []
    for offset, intent in enumerate(POOL_INTENTS):
        if intent == "related":
            name = rng.choice(same_category or other_category)
        elif intent == "unrelated":
            name = rng.choice(other_category)
        elif intent == "lookalike":
            name = rng.choice(lookalikes)
        else:
            name = names[0] if rng.random() < 0.7 else rng.choice(names)
        row = gen.vacancy(first_id + offset, name)
        if intent == "plain-title":  # the employer named no known occupation: only the skills say what it is
            row.occupation = rng.choice(PLAIN_OCCUPATIONS)
            row.title = f"{rng.choice(TITLE_PREFIXES)}{row.occupation}"
        expected, km_range = seeker["expected_wage"], seeker["max_distance_km"]
        mine = [s for s in seeker["skills"] if s in table[name].skills and s not in SOFT_SKILLS]
        skills = list(dict.fromkeys(([rng.choice(mine)] if mine else []) + gen.skills(name, most=3)))
        if intent == "other-skills":
            skills = [s for s in table[name].skills if s not in seeker["skills"]][:2]
        km = rng.uniform(0.0, 0.55) * km_range
        if intent == "far":
            km = rng.uniform(0.65, 0.97) * km_range
        elif intent == "too-far":
            km = rng.uniform(1.3, 3.0) * km_range
        elif intent in ("related", "unrelated", "lookalike"):
            km = rng.uniform(0.0, 0.8) * km_range
        lat, lon = _offset_point(rng, seeker["lat"], seeker["lon"], km)
        wage_min = int(round(expected * rng.uniform(0.85, 1.15), -2))
        wage_max = int(round(max(wage_min * rng.uniform(1.1, 1.5), expected * rng.uniform(1.0, 1.3)), -2))
        if intent == "wage-short":
            wage_max = int(round(expected * rng.uniform(0.91, 0.99), -1))
            wage_min = int(round(wage_max * rng.uniform(0.7, 0.9), -2))
        elif intent == "wage-low":
            wage_max = int(round(expected * rng.uniform(0.6, 0.85), -2))
            wage_min = int(round(wage_max * rng.uniform(0.7, 0.9), -2))
        level = rng.randint(0, seeker["level"])
        education = rng.randint(0, seeker["education"])
        if intent == "level":
            level = min(5, seeker["level"] + rng.randint(1, 2))
        elif intent == "education":
            education = min(6, seeker["education"] + rng.randint(1, 2))
        start = max(0, seeker["start"])
        valid_from, valid_until = -rng.randint(0, 60), start + rng.randint(1, 120)
        if intent == "expired":
            valid_until = -rng.randint(1, 30)
            valid_from = valid_until - rng.randint(10, 60)
        elif intent == "not-open":
            valid_from = rng.randint(1, 10)
            valid_until = valid_from + rng.randint(20, 90)
        shifts = row.shifts
        if seeker["shifts"] and intent in ("right", "far", "wage-short"):
            shifts = rng.choice([[], [rng.choice(seeker["shifts"])]])
        vacancy = {"id": row.id, "title": row.title, "occupation": row.occupation, "skills": skills,
                   "min_level": level, "min_education": education, "wage_min": wage_min, "wage_max": wage_max,
                   "division_code": seeker["division_code"], "lat": lat, "lon": lon, "shifts": shifts,
                   "valid_from": valid_from, "valid_until": valid_until, "truth": name, "intent": intent}
        vacancy["relevance"], vacancy["why"] = relevance(seeker, vacancy)
        pool.append(vacancy)
    rng.shuffle(pool)
    return pool


def seeker_dict(row: SeekerRow, today: datetime.date) -> dict:
    return {"id": row.id, "occupations": row.occupations, "skills": row.skills, "skills_text": row.skills_text,
            "certificates": row.certificates, "level": row.level, "education": row.education,
            "expected_wage": row.expected_wage, "division_code": row.division_code, "lat": row.lat, "lon": row.lon,
            "max_distance_km": row.max_distance_km, "shifts": row.shifts, "start": (row.start_date - today).days,
            "priority_group": row.priority_group, "truth": list(row.truth)}


def write_labelled(today: datetime.date) -> None:
    """Rewrite the generated cases of the labelled set; the hand-checked ones are kept as they are."""
    hand = [line for line in LABELLED.read_text(encoding="utf-8").splitlines()
            if line.strip() and json.loads(line)["source"] == "hand"] if LABELLED.exists() else []
    gen = Generator(SEED + 100, today)
    names = list(gen.occupations)
    lines = []
    for number in range(LABELLED_SEEKERS):
        first = names[number % len(names)]
        chosen = [first]
        if gen.rng.random() < 0.4:
            chosen.append(gen.rng.choice(gen.by_category[gen.occupations[first].category]))
        row = gen.seeker(number + 1, list(dict.fromkeys(chosen)))
        seeker = seeker_dict(row, today)
        pool = labelled_pool(gen, seeker, 100_000 + number * 100)
        lines.append(json.dumps({"case": f"g{number + 1:03d}", "source": "generated", "seeker": seeker,
                                 "pool": pool}, ensure_ascii=False))
    LABELLED.parent.mkdir(parents=True, exist_ok=True)
    LABELLED.write_text("\n".join(lines + hand) + "\n", encoding="utf-8")
    print(f"wrote {len(lines)} generated cases to {LABELLED.relative_to(ROOT)} (kept {len(hand)} hand-checked)")


def passes_filters(seeker: dict, vacancy: dict) -> bool:
    """The matcher's hard constraints, restated for the filtered baseline."""
    from zhijia.core.geo import distance_km

    return (vacancy["valid_from"] <= 0 <= vacancy["valid_until"] and seeker["start"] <= vacancy["valid_until"]
            and seeker["level"] >= vacancy["min_level"] and seeker["education"] >= vacancy["min_education"]
            and vacancy["wage_max"] >= seeker["expected_wage"]
            and distance_km((seeker["lat"], seeker["lon"]), (vacancy["lat"], vacancy["lon"]))
            <= min(seeker["max_distance_km"], 100))


def _ndcg(ranked: list[int], labels: dict[int, int], at: int = 10) -> float:
    dcg = sum((2 ** labels.get(vid, 0) - 1) / math.log2(rank + 2) for rank, vid in enumerate(ranked[:at]))
    ideal = sorted(labels.values(), reverse=True)[:at]
    best = sum((2 ** rel - 1) / math.log2(rank + 2) for rank, rel in enumerate(ideal))
    return dcg / best if best else 0.0


def measure_quality(today: datetime.date) -> dict:
    from zhijia.jobs import taxonomy
    from zhijia.jobs.matching import MatchIndex, seeker_entry, vacancy_entry

    cases = [json.loads(line) for line in LABELLED.read_text(encoding="utf-8").splitlines() if line.strip()]
    day = datetime.timedelta(days=1)

    def vacancy_row(v: dict) -> VacancyRow:
        return VacancyRow(v["id"], v["title"], v["occupation"], v["skills"], v["min_level"], v["min_education"],
                          v["wage_min"], v["wage_max"], v["lat"], v["lon"], v["shifts"], today + v["valid_from"] * day,
                          today + v["valid_until"] * day, v["division_code"])

    def seeker_row(s: dict) -> SeekerRow:
        return SeekerRow(s["id"], s["occupations"], s["skills"], s["skills_text"], s["certificates"], s["level"],
                         s["education"], s["expected_wage"], s["lat"], s["lon"], s["max_distance_km"], s["shifts"],
                         today + s["start"] * day, s["priority_group"], s["division_code"])

    index = MatchIndex()
    documents = {}
    for case in cases:
        for v in case["pool"]:
            index.put_vacancy(vacancy_entry(vacancy_row(v)))
            documents[v["id"]] = taxonomy.words(v["title"], " ".join(v["skills"]))
    df = Counter(word for words in documents.values() for word in words)
    idf = {word: math.log((1 + len(documents)) / (1 + n)) + 1 for word, n in df.items()}

    def tfidf_cosine(query: set, words: set) -> float:
        shared = sum(idf.get(w, 0) ** 2 for w in query & words)
        norm = math.sqrt(sum(idf.get(w, 0) ** 2 for w in query)) * math.sqrt(sum(idf[w] ** 2 for w in words))
        return shared / norm if norm else 0.0

    results = {"generated": [], "hand": []}
    labels_total = Counter()
    for case in cases:
        s = case["seeker"]
        labels = {v["id"]: v["relevance"] for v in case["pool"]}
        labels_total.update(labels.values())
        pool_ids = set(labels)
        found = [m.id for m in index.for_seeker(seeker_entry(seeker_row(s)), 10, today=today, only=pool_ids)]
        query = taxonomy.words(" ".join(s["occupations"]), " ".join(s["skills"]), s["skills_text"])
        baseline = sorted(pool_ids, key=lambda vid: (-tfidf_cosine(query, documents[vid]), vid))
        jaccard = sorted(pool_ids, key=lambda vid: (-len(query & documents[vid]) / max(1, len(query | documents[vid])),
                                                    vid))
        allowed = {v["id"] for v in case["pool"] if passes_filters(s, v)}
        filtered = [vid for vid in baseline if vid in allowed]
        results[case["source"]].append((_ndcg(found, labels), _ndcg(baseline, labels), _ndcg(jaccard, labels),
                                        _ndcg(filtered, labels), sum(1 for vid in found[:10] if labels[vid] == 0)))
    print(f"\n== Quality: {len(cases)} seekers (labels 2/1/0: {labels_total[2]:,}/{labels_total[1]:,}/"
          f"{labels_total[0]:,} vacancies), NDCG@10 ==")
    print(f"{'':20}{'matcher':>9}{'TF-IDF cosine':>15}{'word Jaccard':>14}{'TF-IDF + filters':>18}"
          f"{'matcher: wrong in top 10':>26}")
    figures = {}
    for name, rows in [("generated", results["generated"]), ("hand-checked", results["hand"]),
                       ("all", results["generated"] + results["hand"])]:
        if not rows:
            continue
        means = [statistics.mean(r[i] for r in rows) for i in range(5)]
        print(f"{name + f' ({len(rows)})':20}{means[0]:9.3f}{means[1]:15.3f}{means[2]:14.3f}{means[3]:18.3f}"
              f"{means[4]:26.2f}")
        figures[name] = means
    print("(TF-IDF + filters: the baseline's order among the vacancies that pass the matcher's hard constraints — "
          "how much of the gain is the constraints and how much the score)")
    return {"ndcg10": round(figures["all"][0], 3), "baseline_ndcg10": round(figures["all"][1], 3),
            "filtered_baseline_ndcg10": round(figures["all"][3], 3)}


# ---- PostgreSQL: the index built from the tables, and kept up from the change log ----------------------------

BENCH_UNION = "就业帮扶基准测试工会"
BENCH_HR = "bench-jobs-hr"
AS_OF_TABLE = "bench_matching_as_of"
UPDATES = 100


def ensure_database(url: str) -> None:
    import psycopg
    from psycopg import sql

    parts = urlsplit(url)
    name = parts.path.lstrip("/")
    admin_url = urlunsplit(parts._replace(path="/postgres"))
    with psycopg.connect(admin_url, autocommit=True, connect_timeout=5) as conn:
        if not conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone():
            print(f"creating database {name}")
            conn.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))


def ensure_tables_data(args, today: datetime.date):
    """The bench union, 100 employers with one HR account, and --pg-vacancies vacancies and --pg-seekers seekers
    (bulk-inserted: what is measured is reading them back). Dates move with the calendar between runs."""
    from django.db import connection, transaction

    from zhijia.accounts.models import User
    from zhijia.core.generators import fake_credit_code, fake_name, fake_phone
    from zhijia.jobs import taxonomy
    from zhijia.jobs.models import Employer, EmployerAccount, SeekerProfile, Vacancy, VacancyStatus
    from zhijia.org.models import Kind, Level, Union

    rng = random.Random(SEED + 200)
    gen = Generator(SEED + 200, today)
    with transaction.atomic():
        union = Union.objects.filter(name=BENCH_UNION).first()
        if union is None:
            union = Union.objects.create(name=BENCH_UNION, kind=Kind.FEDERATION, level=Level.PROVINCIAL,
                                         division_code="320000")
            union.path, union.province_id = f"/{union.pk}/", union.pk
            union.save()
        hr, _ = User.objects.get_or_create(username=BENCH_HR, defaults={"display_name": "基准测试单位人事"})
        employers = list(Employer.objects.filter(union=union).order_by("id"))
        if not employers:
            for number in range(100):
                code, *_ = gen.place()
                employers.append(Employer.objects.create(
                    name=f"{rng.choice(BRANDS)}{number:03d}实业有限公司", union=union, province_id=union.province_id,
                    credit_code=fake_credit_code(rng, code, prefix="91"), division_code=code))
            EmployerAccount.objects.bulk_create([EmployerAccount(user=hr, employer=e) for e in employers])
        with connection.cursor() as cursor:
            cursor.execute(f"CREATE TABLE IF NOT EXISTS {AS_OF_TABLE} (day date NOT NULL)")
            cursor.execute(f"SELECT day FROM {AS_OF_TABLE}")
            row = cursor.fetchone()
            if row is None:
                cursor.execute(f"INSERT INTO {AS_OF_TABLE} VALUES (%s)", [today])
            elif row[0] != today:
                days = (today - row[0]).days  # keep the same share open, closing soon, not yet open
                cursor.execute("UPDATE jobs_vacancy SET valid_from = valid_from + %s, valid_until = valid_until + %s "
                               "WHERE union_id = %s", [days, days, union.pk])
                cursor.execute("UPDATE jobs_seekerprofile SET start_date = start_date + %s WHERE union_id = %s",
                               [days, union.pk])
                cursor.execute(f"UPDATE {AS_OF_TABLE} SET day = %s", [today])
        have = Vacancy.objects.filter(union=union).count()
        rows = [gen.vacancy(number) for number in range(have + 1, args.pg_vacancies + 1)]
        Vacancy.objects.bulk_create([Vacancy(
            employer=rng.choice(employers), union=union, province_id=union.province_id, title=row.title,
            occupation=taxonomy.canonical(row.occupation) or taxonomy.canonical(row.title) or row.occupation,
            skills=row.skills, min_level=row.min_level, min_education=row.min_education, wage_min=row.wage_min,
            wage_max=row.wage_max, division_code=row.division_code, lat=row.lat, lon=row.lon, shifts=row.shifts,
            valid_from=row.valid_from, valid_until=row.valid_until, status=VacancyStatus.PUBLISHED)
            for row in rows], batch_size=2000)
        have_seekers = SeekerProfile.objects.filter(union=union).count()
        seekers = [gen.seeker(number) for number in range(have_seekers + 1, args.pg_seekers + 1)]
        SeekerProfile.objects.bulk_create([SeekerProfile(
            union=union, province_id=union.province_id, name=fake_name(rng), phone=fake_phone(rng),
            occupations=[taxonomy.canonical(o) or taxonomy.normalize(o) for o in row.occupations],
            skills=row.skills, skills_text=row.skills_text, level=row.level, certificates=row.certificates,
            education=row.education, expected_wage=row.expected_wage, division_code=row.division_code, lat=row.lat,
            lon=row.lon, max_distance_km=row.max_distance_km, shifts=row.shifts, start_date=row.start_date,
            priority_group=row.priority_group) for row in seekers], batch_size=2000)
    if rows or seekers:
        print(f"inserted {len(rows):,} vacancies and {len(seekers):,} seekers")
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE jobs_vacancy")
            cursor.execute("ANALYZE jobs_seekerprofile")
    return union, hr


def measure_postgres(args, today: datetime.date) -> dict:
    from django.core.management import call_command

    from zhijia.jobs import matching, selectors, services
    from zhijia.jobs.models import SeekerProfile, Vacancy, VacancyStatus

    print(f"\n== PostgreSQL ({os.environ['DATABASE_URL'].rsplit('/', 1)[-1]}): MatchIndex.build() from the tables, "
          f"then the catch-up after {UPDATES} vacancy updates ==")
    call_command("migrate", verbosity=0)
    union, hr = ensure_tables_data(args, today)
    matching.reset()
    started = time.perf_counter()
    index = matching.index()
    build_s = time.perf_counter() - started
    open_rows = Vacancy.objects.filter(status=VacancyStatus.PUBLISHED, valid_until__gte=today).count()
    print(f"matching.index() built from the tables in {build_s:.2f} s (the first in this process: it loads jieba's "
          f"dictionary): {len(index.vacancies):,} vacancies ({open_rows:,} published and not past their dates), "
          f"{len(index.seekers):,} seekers")
    matching.reset()
    started = time.perf_counter()
    index = matching.index()
    rebuild_s = time.perf_counter() - started
    rows = len(index.vacancies) + len(index.seekers)
    print(f"built again (jieba loaded, segmentations cached): {rebuild_s:.2f} s, "
          f"{rebuild_s / max(1, rows) * 1e6:.0f} µs a row")

    idle = []
    for _ in range(30):
        t0 = time.perf_counter()
        assert matching.index() is index
        idle.append((time.perf_counter() - t0) * 1000)
    print(f"matching.index() with nothing to catch up: median {statistics.median(idle):.2f} ms (one indexed read)")

    rng = random.Random(SEED + 300)
    chosen = rng.sample(list(Vacancy.objects.filter(union=union, status=VacancyStatus.PUBLISHED,
                                                    valid_until__gt=today).values_list("id", flat=True)), UPDATES)
    started = time.perf_counter()
    wages = {}
    for vacancy in Vacancy.objects.filter(id__in=chosen):
        wage_max = vacancy.wage_max + 100 if vacancy.wage_max < 60_000 else vacancy.wage_min
        services.vacancy_update(actor=hr, vacancy=vacancy, data=services.VacancyData(
            title=vacancy.title, occupation=vacancy.occupation, wage_min=vacancy.wage_min, wage_max=wage_max,
            division_code=vacancy.division_code, valid_until=vacancy.valid_until,
            valid_from=min(vacancy.valid_from, today), skills=vacancy.skills, min_level=vacancy.min_level,
            min_education=vacancy.min_education, shifts=vacancy.shifts))
        wages[vacancy.id] = wage_max
    update_s = time.perf_counter() - started
    started = time.perf_counter()
    caught_up = matching.index()
    catch_up_ms = (time.perf_counter() - started) * 1000
    stale = [vid for vid, wage in wages.items() if caught_up.vacancies[vid].wage_max != wage]
    print(f"{UPDATES} vacancies updated through services.vacancy_update in {update_s:.2f} s; the next "
          f"matching.index() caught up in {catch_up_ms:.1f} ms ({'same index' if caught_up is index else 'REBUILT'}"
          f", {len(stale)} stale)")
    if stale or caught_up is not index:
        sys.exit("the catch-up missed changes")

    profiles = list(SeekerProfile.objects.filter(union=union, active=True).order_by("?")[:200])
    times = []
    for profile in profiles:
        t0 = time.perf_counter()
        selectors.matches_for_seeker(seeker=profile, today=today)
        times.append((time.perf_counter() - t0) * 1000)
    print(f"selectors.matches_for_seeker end to end (weights, catch-up check, query, rows): "
          f"p50 {statistics.median(times):.1f} ms, p95 {percentile(times, 0.95):.1f} ms")
    return {"pg_vacancies": len(index.vacancies), "pg_build_s": round(build_s, 2), "pg_rebuild_s": round(rebuild_s, 2),
            "pg_catch_up_ms": round(catch_up_ms, 1), "pg_idle_catch_up_ms": round(statistics.median(idle), 2)}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--vacancies", type=int, default=1_000_000)
    parser.add_argument("--seekers", type=int, default=100_000)
    parser.add_argument("--queries", type=int, default=1000, help="timed queries of each kind (default 1,000)")
    parser.add_argument("--pg-vacancies", type=int, default=10_000)
    parser.add_argument("--pg-seekers", type=int, default=1_000)
    parser.add_argument("--no-postgres", action="store_true", help="skip the PostgreSQL build and catch-up")
    parser.add_argument("--relabel", action="store_true", help="rewrite the generated part of the labelled set")
    parser.add_argument("--profile", action="store_true", help="print a cProfile of the timed queries")
    args = parser.parse_args()

    url = os.environ.setdefault("DATABASE_URL", DEFAULT_URL)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "zhijia.settings.dev")
    os.environ["DJANGO_DEBUG"] = "0"
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()
    from django.utils import timezone

    today = timezone.localdate()
    pg = {}
    if not args.no_postgres:
        if not url.startswith(("postgres://", "postgresql://")):
            sys.exit("the PostgreSQL part needs DATABASE_URL=postgres://... (or --no-postgres)")
        ensure_database(url)
        pg = measure_postgres(args, today)
    if args.relabel or not LABELLED.exists():
        write_labelled(today)
    quality = measure_quality(today)
    figures = measure_scale(args, today) if args.vacancies else {}
    peak = round(rss_mb(), 1)
    load = [round(value, 2) for value in os.getloadavg()]
    print(f"\npeak RSS {peak} MiB (goal < {GOAL_RSS_MB}); load average {load} on {os.cpu_count()} CPUs")
    if figures:
        met = (max(figures["seeker_p95_ms"], figures["vacancy_p95_ms"]) < GOAL_P95_MS and peak < GOAL_RSS_MB)
        print(f"goals (p95 < {GOAL_P95_MS} ms per query, peak memory < 4 GiB): {'met' if met else 'NOT MET'}")
    print(json.dumps({"build_s": figures.get("build_s"), "peak_rss_mb": peak,
                      "seeker_p95_ms": figures.get("seeker_p95_ms"), "vacancy_p95_ms": figures.get("vacancy_p95_ms"),
                      **quality, **{k: v for k, v in figures.items() if k not in ("build_s",)}, **pg},
                     ensure_ascii=False))


if __name__ == "__main__":
    main()
