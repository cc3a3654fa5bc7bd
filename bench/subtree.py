"""How fast a city federation lists its members when the registry holds a million people.

On PostgreSQL (DATABASE_URL, default below; the database is created and migrated if missing) it makes sure
1,000,000 demo members exist (seed_demo's builder; skipped when already there), runs ANALYZE, then as the
苏州市总工会 staff user ("city") times what the member list page and API do per request: the grants lookup,
`members.selectors.member_list(actor=..., union=city).count()` and one page of 20 ordered by -id (page 1 and
page 50). Prints the EXPLAIN ANALYZE plans, the figures, and as its last line one JSON object.

    .venv/bin/python bench/subtree.py            # or: make bench
    BENCH_MEMBERS=200000 .venv/bin/python bench/subtree.py
"""

import json
import os
import random
import statistics
import sys
import time
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_URL = "postgres://postgres@127.0.0.1:5432/zhijia_subtree_bench"
TARGET_MEMBERS = int(os.environ.get("BENCH_MEMBERS", "1000000"))
ROUNDS = int(os.environ.get("BENCH_ROUNDS", "50"))
WARMUP = 5
PAGE_SIZE = 20
MIDDLE_PAGE = 50
GOAL_P95_MS = 100
SEED = 2026


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


def ensure_members() -> int:
    from zhijia.members.models import Member
    from zhijia.org import demo
    from zhijia.org.models import Union

    if not Union.objects.exists():
        print(f"seeding the demo tree and {TARGET_MEMBERS:,} members (takes a few minutes)")
        summary = demo.seed_demo(members=TARGET_MEMBERS, seed=SEED, progress=print)
        print(f"seeded {summary.unions:,} unions and {summary.members:,} members in {summary.seconds:.0f} s")
    else:
        existing = Member.objects.count()
        if existing < TARGET_MEMBERS:
            missing = TARGET_MEMBERS - existing
            print(f"{existing:,} members found; adding {missing:,}")
            demo.seed_members(count=missing, rng=random.Random(SEED + existing), progress=print)
            demo._vacuum_analyze()
        else:
            print(f"{existing:,} members already seeded")
    return Member.objects.count()


def timed(fn) -> tuple[float, object]:
    started = time.perf_counter()
    result = fn()
    return (time.perf_counter() - started) * 1000, result


def percentiles(samples: list[float]) -> tuple[float, float]:
    cuts = statistics.quantiles(samples, n=100, method="inclusive")
    return round(statistics.median(samples), 2), round(cuts[94], 2)


def main() -> None:
    url = os.environ.setdefault("DATABASE_URL", DEFAULT_URL)
    if not url.startswith(("postgres://", "postgresql://")):
        sys.exit("bench/subtree.py measures PostgreSQL: set DATABASE_URL=postgres://...")
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "zhijia.settings.dev")
    os.environ["DJANGO_DEBUG"] = "0"  # no query logging: it would skew the timings and hold every SQL string
    sys.path.insert(0, str(ROOT))
    ensure_database(url)

    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from zhijia.accounts.models import User
    from zhijia.core.policy import forget_grants
    from zhijia.members.selectors import member_list
    from zhijia.org.models import Level, Union

    call_command("migrate", verbosity=0)
    members = ensure_members()
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")

    user = User.objects.get(username="city")
    city = Union.objects.get(name="苏州市总工会", level=Level.CITY)

    def count() -> int:
        forget_grants(user)  # a request loads the user's grants once: include that query
        return member_list(actor=user, union=city).count()

    def page(number: int):
        def run():
            forget_grants(user)
            offset = (number - 1) * PAGE_SIZE
            rows = list(member_list(actor=user, union=city)[offset : offset + PAGE_SIZE])
            # What a list row shows: name, 会员号, union name, masked phone (decrypts like the page does).
            return [(m.name, m.member_no, m.union.name, m.phone_masked) for m in rows]

        return run

    def request(number: int):
        def run():
            total = count()
            return total, page(number)()

        return run

    operations = {
        "count": count,
        "page_1": page(1),
        f"page_{MIDDLE_PAGE}": page(MIDDLE_PAGE),
        "request_page_1": request(1),
        f"request_page_{MIDDLE_PAGE}": request(MIDDLE_PAGE),
    }
    for _ in range(WARMUP):
        for fn in operations.values():
            fn()
    samples: dict[str, list[float]] = {name: [] for name in operations}
    for _ in range(ROUNDS):
        for name, fn in operations.items():
            samples[name].append(timed(fn)[0])
    city_count = count()
    assert len(page(MIDDLE_PAGE)()) == PAGE_SIZE, "the city should have at least 50 pages of members"

    print("\n== EXPLAIN ANALYZE (as the 苏州市总工会 staff user) ==")
    for label, fn in (("count", count), (f"page {MIDDLE_PAGE}", page(MIDDLE_PAGE))):
        with CaptureQueriesContext(connection) as captured:
            fn()
        for query in captured.captured_queries:
            if "members_member" not in query["sql"]:
                continue
            print(f"\n-- {label}: {query['sql']}")
            with connection.cursor() as cursor:
                cursor.execute("EXPLAIN (ANALYZE, BUFFERS) " + query["sql"])
                print("\n".join(row[0] for row in cursor.fetchall()))

    print(f"\n== {ROUNDS} rounds after {WARMUP} warm-up rounds; {members:,} members, {city_count:,} under 苏州市总工会 ==")
    figures = {}
    for name, values in samples.items():
        p50, p95 = percentiles(values)
        figures[name] = {"p50_ms": p50, "p95_ms": p95}
        print(f"{name:>18}: p50 {p50:7.2f} ms   p95 {p95:7.2f} ms")
    # The headline is what one list request costs: grants + count + one page, over page 1 and page 50.
    headline = samples["request_page_1"] + samples[f"request_page_{MIDDLE_PAGE}"]
    p50, p95 = percentiles(headline)
    verdict = "met" if p95 < GOAL_P95_MS else "MISSED"
    print(f"list request (count + page): p50 {p50:.2f} ms, p95 {p95:.2f} ms; goal p95 < {GOAL_P95_MS} ms {verdict}")
    load = [round(value, 2) for value in os.getloadavg()]
    print(f"load average {load} on {os.cpu_count()} CPUs (other work on the machine shows up in p95)")
    print(json.dumps({
        "p50_ms": p50,
        "p95_ms": p95,
        "count": city_count,
        "members": members,
        "rounds": ROUNDS,
        "operations": figures,
        "loadavg": load,
    }, ensure_ascii=False))


if __name__ == "__main__":
    main()
