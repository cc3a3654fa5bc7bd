"""How fast the national one-open-file check answers with ten million people on file, and how long a county
federation takes to approve and pay a 100,000-household 送温暖 campaign.

On PostgreSQL (DATABASE_URL, default below; the database is created and migrated if missing, and kept) it
builds the union tree of a million-member demo seed (江苏省, 12 cities, 4,239 unions) without members, then
loads once, by INSERT … SELECT generate_series, --members household members (holding=True) in files of three
spread over the grassroots unions (3.3 million files for ten million people), with ~1,000 probe people whose
身份证号 hash is real. Then:

1. as the 苏州市总工会 staff user "city", times `aid.services.files.duplicate_check` for one person at a time:
   1,000 people on file (it raises DuplicateFile) and 1,000 who are not, interleaved; prints p50/p95/max and
   the EXPLAIN ANALYZE of the lookup;
2. creates a new relief campaign of 姑苏区总工会 (review at the county level) with --households applications
   in review, then as a county staff user times, end to end: bulk approval, batch creation, submission, the
   bank file (CSV, export logged), and the bank's all-paid result file recorded; checks the budget, payments
   and ledger, and times recording the same result file again (it must change nothing).

    .venv/bin/python bench/aid.py                                  # or: make bench
    .venv/bin/python bench/aid.py --members 300000 --households 5000
    .venv/bin/python bench/aid.py --profile                        # cProfile of each campaign step

Each run adds one campaign (the ledger is append-only, so earlier runs' campaigns stay). Prints what it
measured; the last line is one JSON object with dup_check_p95_ms, batch_s and peak_rss_mb.
"""

import argparse
import cProfile
import csv
import datetime
import io
import json
import os
import pstats
import random
import resource
import statistics
import sys
import time
from decimal import Decimal
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_URL = "postgres://postgres@127.0.0.1:5432/zhijia_aid_bench"
SEED = 2026
TREE_AS_FOR_MEMBERS = 1_000_000  # the demo builder sizes the tree by member count: this gives all 12 cities
PER_FILE = 3
PROBES = 1000
WARMUP = 50
GOAL_DUP_P95_MS = 20
STANDARD = Decimal("800")  # 每户标准 of the benchmark campaign
COUNTY_DIVISION = "320508"  # 姑苏区: the county federation that runs the campaign
COUNTY_USERNAME = "bench-aid-county"
BULK_PREFIX = "KB"  # 档案编号 of the bulk-loaded files (real ones are KN…), so they never meet
PROBE_PREFIX = "KP"
LOADED_TABLE = "bench_aid_loaded"  # how many bulk members this database holds (written with the load)
APPLICATION_CHUNK = 5000
BANKS = ["中国工商银行", "中国农业银行", "中国银行", "中国建设银行", "交通银行", "江苏银行", "苏州农村商业银行",
         "中国邮政储蓄银行"]
FILE_STATUSES = ["active"] * 16 + ["submitted", "visited", "notice", "review"]  # all of them hold their people


# ---- Set-up ---------------------------------------------------------------------------------------------


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


def ensure_tree() -> None:
    """The demo tree of a million-member seed and its accounts (city, officer, admin), without members."""
    from django.db import transaction

    from zhijia.org import demo
    from zhijia.org.models import Union

    if Union.objects.exists():
        return
    started = time.perf_counter()
    with transaction.atomic():
        tree = demo._build_tree(random.Random(SEED), cities=[code for code, _ in demo.CITIES],
                                members=TREE_AS_FOR_MEMBERS)
        demo._create_accounts(tree)
    demo._vacuum_analyze()
    print(f"built the demo tree ({tree.count:,} unions) in {time.perf_counter() - started:.0f} s")


def ensure_staff(username: str, display_name: str, union):
    from zhijia.accounts.models import Role, RoleAssignment, User

    user, _ = User.objects.get_or_create(username=username, defaults={"display_name": display_name})
    RoleAssignment.objects.get_or_create(user=user, union=union, role=Role.UPPER_STAFF)
    return user


def grassroots_unions() -> list[tuple[int, int, int, str]]:
    """(union id, its county federation's id, province id, division code) of every active grassroots union."""
    from zhijia.org.models import Level, Union

    rows = list(Union.objects.filter(status="active").values_list("id", "level", "path", "province_id",
                                                                   "division_code"))
    counties = {row[0] for row in rows if row[1] == Level.COUNTY}
    result = []
    for union_id, level, path, province_id, code in rows:
        if level != Level.GRASSROOTS:
            continue
        county = next(int(part) for part in path.strip("/").split("/") if int(part) in counties)
        result.append((union_id, county, province_id, code))
    return sorted(result)


def distinct_id_numbers(rng: random.Random, count: int, codes: list[str], avoid: set[str] = frozenset(),
                        **ages) -> list[str]:
    from zhijia.core.generators import fake_id_number

    seen: set[str] = set()
    numbers = []
    while len(numbers) < count:
        number = fake_id_number(rng, rng.choice(codes), **ages)
        if number not in seen and number not in avoid:
            seen.add(number)
            numbers.append(number)
    return numbers


# ---- Ten million people on file ---------------------------------------------------------------------------


def secondary_schema(cursor, table: str) -> tuple[list[str], list[str]]:
    """(drop, restore) statements for the table's indexes other than the primary key and its unique and
    foreign-key constraints, exactly as they are defined now. Loading without them and building them after is
    what makes ten million rows take minutes, not an hour (each row would otherwise walk four b-trees of random
    64-character hashes and queue a deferred foreign-key check)."""
    cursor.execute(
        "SELECT conname, contype, pg_get_constraintdef(oid) FROM pg_constraint "
        "WHERE conrelid = %s::regclass AND contype IN ('u', 'f') ORDER BY contype DESC, conname", [table])
    constraints = cursor.fetchall()
    cursor.execute(
        "SELECT i.relname, pg_get_indexdef(i.oid) FROM pg_index x JOIN pg_class i ON i.oid = x.indexrelid "
        "WHERE x.indrelid = %s::regclass AND NOT x.indisprimary AND NOT EXISTS ("
        "  SELECT 1 FROM pg_constraint c WHERE c.conindid = x.indexrelid AND c.conrelid = x.indrelid"
        "  AND c.contype IN ('p', 'u', 'x')) ORDER BY i.relname", [table])
    indexes = cursor.fetchall()
    # Unique constraints come first ('u' > 'f'): restored in this order, dropped in the reverse.
    drop = [f'ALTER TABLE {table} DROP CONSTRAINT "{name}"' for name, _, _ in reversed(constraints)]
    drop += [f'DROP INDEX "{name}"' for name, _ in indexes]
    restore = [definition for _, definition in indexes]
    restore += [f'ALTER TABLE {table} ADD CONSTRAINT "{name}" {definition}' for name, _, definition in constraints]
    return drop, restore


def loaded_members() -> int:
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute(f"CREATE TABLE IF NOT EXISTS {LOADED_TABLE} (members bigint NOT NULL, files bigint NOT NULL,"
                       " loaded_at timestamptz NOT NULL)")
        cursor.execute(f"SELECT members FROM {LOADED_TABLE}")
        row = cursor.fetchone()
    return row[0] if row else 0


def ensure_people(target: int, unions: list[tuple]) -> None:
    """Bulk members and their files by SQL, once: file i holds members 3i-2 … 3i (本人, 配偶, 子女), each with a
    distinct 64-hex hash. Their 身份证号 ciphertext is one of a pool of real encryptions (decryptable, though it
    does not match the hash); the probe people, who do match, are loaded separately."""
    from django.db import connection, transaction

    from zhijia.core.generators import fake_name
    from zhijia.core.pii import encrypt

    bulk = target - PROBES
    existing = loaded_members()
    if existing == bulk:
        print(f"{bulk:,} bulk household members already loaded")
        return
    rng = random.Random(SEED)
    files = -(-bulk // PER_FILE)
    names = [fake_name(rng) for _ in range(500)]
    codes = sorted({code for *_, code in unions})
    ciphers = [encrypt(number) for number in distinct_id_numbers(rng, 1000, codes)]
    union_ids = [row[0] for row in unions]
    approval_ids = [row[1] for row in unions]
    province_ids = [row[2] for row in unions]
    started = time.perf_counter()
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("SET LOCAL maintenance_work_mem = '1GB'")
        cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")  # no deferred checks pending when the ALTERs come
        cursor.execute("LOCK TABLE aid_hardshipfile, aid_householdmember IN EXCLUSIVE MODE")
        if existing:
            print(f"{existing:,} bulk members found, {bulk:,} wanted: removing them first")
            cursor.execute("DELETE FROM aid_householdmember WHERE file_id IN "
                           "(SELECT id FROM aid_hardshipfile WHERE number LIKE %s)", [BULK_PREFIX + "%"])
            cursor.execute("DELETE FROM aid_hardshipfile WHERE number LIKE %s", [BULK_PREFIX + "%"])
            cursor.execute(f"DELETE FROM {LOADED_TABLE}")
        schema = [secondary_schema(cursor, table) for table in ("aid_householdmember", "aid_hardshipfile")]
        for drop, _ in schema:
            for statement in drop:
                cursor.execute(statement)
        cursor.execute("SELECT coalesce(max(id), 0) FROM aid_hardshipfile")
        base = cursor.fetchone()[0]
        print(f"loading {files:,} files and {bulk:,} household members by INSERT … SELECT (a few minutes)")
        cursor.execute("""
            INSERT INTO aid_hardshipfile (
                id, number, union_id, province_id, approval_union_id, name, phone, address, causes, cause_note,
                other_income, unavoidable_spending, necessary_costs, bank_name, bank_account, category,
                eligibility, status, visit_note, visited_by, visited_at, return_reason, approved_at, review_due,
                review_note, exit_reason, version, created_at, updated_at)
            SELECT %(base)s + i, %(prefix)s || lpad(i::text, 10, '0'), (%(unions)s::bigint[])[k],
                   (%(provinces)s::bigint[])[k], (%(approvals)s::bigint[])[k], (%(names)s::text[])[1 + i %% 500],
                   '', '', (ARRAY['["illness"]', '["unemployment"]', '["schooling", "illness"]', '["injury"]',
                   '["disaster"]', '["other"]'])[1 + i %% 6]::jsonb, '', (i * 37 %% 24000)::numeric,
                   (i * 53 %% 30000)::numeric, 0, '', '',
                   (ARRAY['deep', 'relative', 'relative', 'accident'])[1 + i %% 4], '{}'::jsonb,
                   (%(statuses)s::text[])[1 + i * 7 %% %(status_count)s], '', '', created - interval '20 days',
                   '', created - interval '3 days', false, '', '', 1, created, created
            FROM (SELECT i, 1 + (i * 2654435761 %% %(union_count)s) AS k,
                         now() - make_interval(days => (i %% 1500)::int) AS created
                  FROM generate_series(1::bigint, %(files)s::bigint) AS i) AS g
        """, {"base": base, "prefix": BULK_PREFIX, "unions": union_ids, "provinces": province_ids,
              "approvals": approval_ids, "names": names, "statuses": FILE_STATUSES,
              "status_count": len(FILE_STATUSES), "union_count": len(union_ids), "files": files})
        cursor.execute("SELECT setval(pg_get_serial_sequence('aid_hardshipfile', 'id'), %s)", [base + files])
        print(f"  files in {time.perf_counter() - started:.0f} s")
        cursor.execute("""
            INSERT INTO aid_householdmember (file_id, relation, name, id_number, id_number_hash, birth_date, health,
                                             schooling, work, annual_income, holding)
            SELECT %(base)s + (n - 1) / 3 + 1, (ARRAY['self', 'spouse', 'child'])[1 + (n - 1) %% 3],
                   (%(names)s::text[])[1 + n * 7 %% 500], (%(ciphers)s::text[])[1 + n %% 1000],
                   encode(sha256(('zhijia-aid-bench:' || n)::bytea), 'hex'),
                   CASE WHEN (n - 1) %% 3 = 2 THEN date '2004-01-01' + (n * 13 %% 7000)::int
                        ELSE date '1966-01-01' + (n * 7919 %% 13000)::int END,
                   '', '', '', CASE WHEN (n - 1) %% 3 = 2 THEN 0 ELSE (n * 31 %% 36000)::numeric END, true
            FROM generate_series(1::bigint, %(bulk)s::bigint) AS n
        """, {"base": base, "names": names, "ciphers": ciphers, "bulk": bulk})
        print(f"  household members in {time.perf_counter() - started:.0f} s; building indexes and constraints")
        for _, restore in schema:
            for statement in restore:
                step = time.perf_counter()
                cursor.execute(statement)
                print(f"    {time.perf_counter() - step:5.1f} s  {statement[:110]}")
        cursor.execute(f"INSERT INTO {LOADED_TABLE} VALUES (%s, %s, now())", [bulk, files])
    with connection.cursor() as cursor:
        for table in ("aid_hardshipfile", "aid_householdmember"):
            cursor.execute(f"VACUUM (ANALYZE) {table}")
    print(f"loaded {files:,} files and {bulk:,} members in {time.perf_counter() - started:.0f} s, "
          "then VACUUM (ANALYZE)")


def ensure_probes(hits: list[str], unions: list[tuple]) -> None:
    """The probe people, three to a file like the rest, with real ciphertext and real hashes. Reloaded when
    their hashes are not found (the PII hash key changed, e.g. var/ was cleaned)."""
    from django.db import connection, transaction

    from zhijia.aid.models import HardshipFile, HouseholdMember
    from zhijia.core.generators import fake_name
    from zhijia.core.pii import lookup_hash
    from zhijia.core.validators import id_number_birth_date

    hashes = [lookup_hash(number) for number in hits]
    if HouseholdMember.objects.filter(id_number_hash__in=hashes, holding=True).count() == len(hashes):
        return
    rng = random.Random(SEED + 7)
    with transaction.atomic():
        with connection.cursor() as cursor:
            cursor.execute("DELETE FROM aid_householdmember WHERE file_id IN "
                           "(SELECT id FROM aid_hardshipfile WHERE number LIKE %s)", [PROBE_PREFIX + "%"])
            cursor.execute("DELETE FROM aid_hardshipfile WHERE number LIKE %s", [PROBE_PREFIX + "%"])
        now = datetime.datetime.now(datetime.UTC)
        files = []
        for index in range(-(-len(hits) // PER_FILE)):
            union_id, county_id, province_id, _ = rng.choice(unions)
            files.append(HardshipFile(
                number=f"{PROBE_PREFIX}{index + 1:010d}", union_id=union_id, province_id=province_id,
                approval_union_id=county_id, name=fake_name(rng), causes=["illness"], category="relative",
                status="active", approved_at=now, bank_name=rng.choice(BANKS),
                bank_account="6222" + "".join(rng.choice("0123456789") for _ in range(15))))
        HardshipFile.objects.bulk_create(files)
        HouseholdMember.objects.bulk_create([
            HouseholdMember(file=files[n // PER_FILE], relation=("self", "spouse", "child")[n % PER_FILE],
                            name=fake_name(rng), id_number=number, id_number_hash=digest,
                            birth_date=id_number_birth_date(number), holding=True)
            for n, (number, digest) in enumerate(zip(hits, hashes))])
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE aid_hardshipfile")
        cursor.execute("ANALYZE aid_householdmember")
    print(f"loaded {len(hits):,} probe people in {len(files):,} files")


# ---- 1. The national duplicate check --------------------------------------------------------------------------


def percentiles(samples: list[float]) -> tuple[float, float, float]:
    cuts = statistics.quantiles(samples, n=100, method="inclusive")
    return round(statistics.median(samples), 2), round(cuts[94], 2), round(max(samples), 2)


def measure_duplicate_check(user, hits: list[str], misses: list[str]) -> dict:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from zhijia.aid.services.files import DuplicateFile, duplicate_check
    from zhijia.core.policy import forget_grants
    from zhijia.core.pii import lookup_hash

    def check(digest: str) -> bool:
        forget_grants(user)  # a request loads the user's grants once; a hit needs them for the message
        try:
            duplicate_check(actor=user, hashes=[digest])
        except DuplicateFile:
            return True
        return False

    calls = [(lookup_hash(number), True) for number in hits] + [(lookup_hash(number), False) for number in misses]
    random.Random(SEED).shuffle(calls)
    for digest, _ in calls[:WARMUP]:
        check(digest)
    samples: dict[bool, list[float]] = {True: [], False: []}
    wrong = 0
    for digest, on_file in calls:
        started = time.perf_counter()
        found = check(digest)
        samples[on_file].append((time.perf_counter() - started) * 1000)
        wrong += found != on_file
    if wrong:
        sys.exit(f"the duplicate check answered wrongly for {wrong} of {len(calls)} people")

    print("\n== EXPLAIN ANALYZE of the duplicate check (one person on file) ==")
    with CaptureQueriesContext(connection) as captured:
        check(next(digest for digest, on_file in calls if on_file))
    for query in captured.captured_queries:
        if "aid_householdmember" in query["sql"]:
            print(f"-- {query['sql']}")
            with connection.cursor() as cursor:
                cursor.execute("EXPLAIN (ANALYZE, BUFFERS) " + query["sql"])
                print("\n".join(row[0] for row in cursor.fetchall()))

    both = samples[True] + samples[False]
    figures = {}
    print(f"\n== duplicate check, one person per call, {len(both):,} calls after {WARMUP} warm-up calls ==")
    for label, values in (("on file (raises)", samples[True]), ("not on file", samples[False]), ("all", both)):
        p50, p95, top = percentiles(values)
        figures[label] = {"p50_ms": p50, "p95_ms": p95, "max_ms": top, "calls": len(values)}
        print(f"{label:>17}: p50 {p50:6.2f} ms   p95 {p95:6.2f} ms   max {top:7.2f} ms   ({len(values):,} calls)")
    p95 = figures["all"]["p95_ms"]
    print(f"duplicate check p95 {p95:.2f} ms; goal < {GOAL_DUP_P95_MS} ms "
          f"{'met' if p95 < GOAL_DUP_P95_MS else 'MISSED'}")
    return {"hit": figures["on file (raises)"], "miss": figures["not on file"], "all": figures["all"]}


# ---- 2. A 100,000-household campaign, approved and paid -------------------------------------------------------


def create_campaign(actor, county, households: int, unions: list[tuple]):
    """A new relief campaign of the county with `households` applications in review at the county level,
    bulk-created through the ORM (which encrypts 身份证号 and bank account)."""
    from django.db import connection
    from django.utils import timezone

    from zhijia.aid import rules
    from zhijia.aid.models import Application, CampaignKind
    from zhijia.aid.services.applications import CampaignData, campaign_create
    from zhijia.core.generators import fake_name
    from zhijia.core.pii import lookup_hash

    started = time.perf_counter()
    today = timezone.localdate()
    campaign = campaign_create(actor=actor, union=county, data=CampaignData(
        name=f"{today.year + 1}年元旦春节送温暖（压力测试 {timezone.localtime():%m-%d %H:%M:%S}）",
        kind=CampaignKind.RELIEF, year=today.year, starts_on=today, ends_on=today + datetime.timedelta(days=60),
        budget=str(STANDARD * households + 10_000), review_levels=[3], groups=["hardship", "frontline"],
        standard_amount=str(STANDARD)))
    amount = rules.relief_amount(campaign.standard_amount)
    members = [row for row in unions if row[1] == county.pk]
    rng = random.Random(SEED)
    numbers = distinct_id_numbers(rng, households, [COUNTY_DIVISION], min_age=22, max_age=60)
    for start in range(0, households, APPLICATION_CHUNK):
        rows = []
        for index in range(start, min(start + APPLICATION_CHUNK, households)):
            union_id, _, province_id, _ = rng.choice(members)
            digest = lookup_hash(numbers[index])
            rows.append(Application(
                number=f"BB{campaign.pk:06d}{index + 1:07d}", campaign=campaign, union_id=union_id,
                province_id=province_id, name=fake_name(rng), id_number=numbers[index], id_number_hash=digest,
                beneficiary_hash=lookup_hash(f"household:{digest}"), details={"groups": ["frontline"]},
                reason="家庭收入低，春节前申请送温暖慰问", amount=amount.value, calculation=amount.calculation,
                bank_name=rng.choice(BANKS), bank_account="6222" + f"{rng.randrange(10**15):015d}",
                reviewing_union=county))
        Application.objects.bulk_create(rows, batch_size=1000)
    with connection.cursor() as cursor:
        for table in ("aid_application", "aid_payment", "aid_ledgerentry", "aid_reviewdecision",
                      "aid_disbursementbatch"):
            cursor.execute(f"ANALYZE {table}")
    print(f"\ncreated campaign {campaign.pk} “{campaign.name}” with {households:,} applications in review "
          f"in {time.perf_counter() - started:.0f} s")
    return campaign


class QueryCounter:
    """Counts the queries sent (without keeping their SQL, which for bulk updates runs to megabytes)."""

    def __init__(self):
        self.count = 0

    def __call__(self, execute, sql, params, many, context):
        self.count += 1
        return execute(sql, params, many, context)


def run_campaign(actor, campaign, households: int, profile: bool) -> dict:
    from django.db import connection
    from django.db.models import Sum

    from zhijia.aid import exports
    from zhijia.aid.models import (
        Application,
        ApplicationStatus,
        BatchStatus,
        Campaign,
        LedgerEntry,
        LedgerKind,
        Payment,
        PaymentStatus,
    )
    from zhijia.aid.services import applications, payments

    state: dict = {}

    def approve():
        state["approval"] = applications.applications_approve_bulk(actor=actor, campaign=campaign)
        return state["approval"]["approved"]

    def create_batch():
        state["batch"] = payments.batch_create(actor=actor, campaign=campaign)
        return state["batch"].count

    def submit():
        state["batch"] = payments.batch_submit(actor=actor, batch=state["batch"])
        return state["batch"].count

    def export():
        content, _, _ = exports.bank_file(state["batch"], fmt="csv")
        payments.record_bank_export(actor=actor, batch=state["batch"])
        state["bank_file"] = content
        return content.count(b"\n") - 1

    def bank_answers():
        """The bank's result file for the exported one: every payment credited, with a 流水号."""
        out = io.StringIO()
        writer = csv.writer(out)
        writer.writerow(["业务参考号", "收款人户名", "金额", "结果", "原因", "银行流水号"])
        for number, row in enumerate(csv.reader(io.StringIO(state["bank_file"].decode("utf-8-sig"))), start=0):
            if number:
                writer.writerow([row[6], row[2], row[4], "成功", "", f"B{state['batch'].pk:06d}{number:08d}"])
        state["result_file"] = ("\ufeff" + out.getvalue()).encode("utf-8")
        return number

    def record():
        rows = exports.read_result_file(state["result_file"], "result.csv")
        state["outcome"] = payments.batch_record_results(actor=actor, batch=state["batch"], rows=rows)
        return state["outcome"]["paid"]

    def record_again():
        rows = exports.read_result_file(state["result_file"], "result.csv")
        state["again"] = payments.batch_record_results(actor=actor, batch=state["batch"], rows=rows)
        return state["again"]["unchanged"]

    steps = [
        ("approve", "applications_approve_bulk", approve),
        ("batch_create", "batch_create", create_batch),
        ("batch_submit", "batch_submit", submit),
        ("bank_export", "bank_file (CSV) + record_bank_export", export),
        ("bank_answers", "bank's all-paid result file (bench side, not timed in batch_s)", bank_answers),
        ("record_results", "read_result_file + batch_record_results", record),
    ]
    timings = {}
    print(f"\n== approving and paying {households:,} households, as {actor.username} (upper staff, 姑苏区总工会) ==")
    for key, label, fn in steps + [("record_again", "the same result file again (must change nothing)",
                                    record_again)]:
        counter = QueryCounter()
        profiler = cProfile.Profile() if profile and key != "bank_answers" else None
        with connection.execute_wrapper(counter):
            started = time.perf_counter()
            if profiler:
                profiler.enable()
            rows = fn()
            if profiler:
                profiler.disable()
            seconds = time.perf_counter() - started
        rate = rows / seconds if seconds else 0
        timings[key] = {"s": round(seconds, 3), "rows": rows, "rows_per_s": round(rate), "queries": counter.count}
        print(f"{key:>15}: {seconds:7.2f} s  {rows:>8,} rows  {rate:>9,.0f} rows/s  {counter.count:>5,} queries  "
              f"— {label}")
        if profiler:
            print(f"\n-- cProfile of {key}, top 25 by cumulative time --")
            out = io.StringIO()
            pstats.Stats(profiler, stream=out).sort_stats("cumulative").print_stats(25)
            print("\n".join(out.getvalue().splitlines()[4:]))
    batch_s = sum(timings[key]["s"] for key, _, _ in steps if key != "bank_answers")
    print(f"{'batch_s':>15}: {batch_s:7.2f} s  end to end (approve → batch → submit → bank file → results)")

    # What must hold afterwards.
    campaign = Campaign.objects.get(pk=campaign.pk)
    approved_sum = Application.objects.filter(campaign=campaign, status=ApplicationStatus.APPROVED) \
        .aggregate(total=Sum("amount"))["total"] or Decimal(0)
    batch = type(state["batch"]).objects.get(pk=state["batch"].pk)
    checks = {
        "approved": state["approval"]["approved"] == households and state["approval"]["error"] is None,
        "committed_equals_sum": campaign.committed == approved_sum == STANDARD * households,
        "payments_paid": Payment.objects.filter(campaign=campaign, status=PaymentStatus.PAID).count() == households,
        "ledger_commit": LedgerEntry.objects.filter(campaign=campaign, kind=LedgerKind.COMMIT).count() == households,
        "ledger_paid": LedgerEntry.objects.filter(campaign=campaign, kind=LedgerKind.PAID).count() == households,
        "batch_settled": batch.status == BatchStatus.SETTLED and batch.count == households,
        "results_recorded": state["outcome"]["paid"] == households and not state["outcome"]["errors"],
        "references_stored": Payment.objects.filter(
            batch=batch, bank_reference__startswith=f"B{batch.pk:06d}").count() == households,
        "reapply_changes_nothing": (state["again"]["paid"] == 0 and state["again"]["unchanged"] == households
                                    and not state["again"]["errors"]),
    }
    print(f"campaign committed {campaign.committed} 元 = approved sum {approved_sum} 元; checks: "
          + ", ".join(f"{name} {'ok' if passed else 'FAILED'}" for name, passed in checks.items()))
    if not all(checks.values()):
        print(f"approval {state['approval']}, results {dict(state['outcome'], errors=state['outcome']['errors'][:5])}"
              f", again {dict(state['again'], errors=state['again']['errors'][:5])}")
        sys.exit("the campaign checks failed")
    return {"batch_s": round(batch_s, 2), "steps": timings, "checks": checks}


# ---- Main ---------------------------------------------------------------------------------------------------


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--members", type=int, default=10_000_000,
                        help="household members on file, all holding (default 10,000,000)")
    parser.add_argument("--households", type=int, default=100_000,
                        help="applications in the campaign approved and paid (default 100,000)")
    parser.add_argument("--profile", action="store_true", help="print a cProfile of each campaign step")
    args = parser.parse_args()
    if args.members < 10 * PROBES:
        parser.error(f"--members should be at least {10 * PROBES:,}")

    url = os.environ.setdefault("DATABASE_URL", DEFAULT_URL)
    if not url.startswith(("postgres://", "postgresql://")):
        sys.exit("bench/aid.py measures PostgreSQL: set DATABASE_URL=postgres://...")
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "zhijia.settings.dev")
    os.environ["DJANGO_DEBUG"] = "0"  # no query logging: it would skew the timings and hold every SQL string
    sys.path.insert(0, str(ROOT))
    ensure_database(url)

    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection

    from zhijia.accounts.models import User
    from zhijia.aid.models import HouseholdMember
    from zhijia.core.pii import lookup_hash
    from zhijia.org.models import Level, Union

    call_command("migrate", verbosity=0)
    ensure_tree()
    unions = grassroots_unions()
    ensure_people(args.members, unions)
    codes = sorted({code for *_, code in unions})
    hits = distinct_id_numbers(random.Random(SEED + 1), PROBES, codes)
    misses = distinct_id_numbers(random.Random(SEED + 2), PROBES, codes, avoid=set(hits))
    ensure_probes(hits, unions)
    miss_hashes = [lookup_hash(number) for number in misses]
    if HouseholdMember.objects.filter(id_number_hash__in=miss_hashes).exists():
        sys.exit("a person meant to be absent is on file")
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
        cursor.execute("SELECT count(*) FROM aid_householdmember WHERE holding")
        on_file = cursor.fetchone()[0]
        cursor.execute("SELECT count(*) FROM aid_hardshipfile")
        file_count = cursor.fetchone()[0]
    print(f"{on_file:,} people in open files ({file_count:,} files over {len(unions):,} grassroots unions)")

    city_user = User.objects.get(username="city")
    duplicate = measure_duplicate_check(city_user, hits, misses)

    county = Union.objects.get(division_code=COUNTY_DIVISION, level=Level.COUNTY)
    county_staff = ensure_staff(COUNTY_USERNAME, "姑苏区总工会帮扶中心", county)
    campaign = create_campaign(county_staff, county, args.households, unions)
    money = run_campaign(county_staff, campaign, args.households, args.profile)

    peak_rss_mb = round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1)
    load = [round(value, 2) for value in os.getloadavg()]
    print(f"\npeak RSS {peak_rss_mb} MiB; load average {load} on {os.cpu_count()} CPUs")
    print(json.dumps({
        "dup_check_p95_ms": duplicate["all"]["p95_ms"],
        "dup_check_p50_ms": duplicate["all"]["p50_ms"],
        "dup_check_max_ms": duplicate["all"]["max_ms"],
        "dup_check": {"hit": duplicate["hit"], "miss": duplicate["miss"]},
        "batch_s": money["batch_s"],
        "steps": money["steps"],
        "checks_ok": all(money["checks"].values()),
        "peak_rss_mb": peak_rss_mb,
        "members_on_file": on_file,
        "files": file_count,
        "households": args.households,
        "campaign_id": campaign.pk,
        "loadavg": load,
    }, ensure_ascii=False))


if __name__ == "__main__":
    main()
