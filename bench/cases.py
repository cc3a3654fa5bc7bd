"""How fast the 12351 hotline takes in tickets over the API, and how fast a province's overdue board answers
when the province holds a million tickets.

On PostgreSQL (DATABASE_URL, default below; the database is created and migrated if missing) it builds the
union tree a million-member demo seed gets (12 cities, 4,239 unions) with only a few members, who don't
matter here, bulk-loads --tickets tickets for 江苏省 by COPY (skipped when already there), ANALYZEs, then:

1. times `cases.selectors.overdue_board` in this process, as a request would run it (grants included), for
   江苏省总工会 as a provincial hotline operator and for 苏州市总工会 as the demo user "city", and prints the
   EXPLAIN ANALYZE of each of its queries;
2. starts the real server (gunicorn, 2 workers × 4 threads, production settings) on a free loopback port
   and POSTs --intake tickets to /api/cases/tickets from --clients keep-alive connections with the
   operator's bearer token, then GETs /api/cases/overdue through it.

    .venv/bin/python bench/cases.py                      # 1,000,000 tickets, 2,000 intake requests
    .venv/bin/python bench/cases.py --tickets 50000 --intake 200

Prints what it measured; the last line is one JSON object with intake_per_s and overdue_p95_ms.
"""

import argparse
import datetime
import http.client
import json
import os
import random
import secrets
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_URL = "postgres://postgres@127.0.0.1:5432/zhijia_cases_bench"
SEED = 2026
TREE_AS_FOR_MEMBERS = 1_000_000  # the demo builder sizes the tree by member count: this gives all 12 cities
WARMUP = 3
GOAL_P95_MS = 200
BATCH = 50_000
# Bulk-loaded 工单号 take sequences from here, so they never meet the numbers intake takes from TicketCounter.
BULK_SEQUENCE_FROM = 900_001
HOTLINE_USERNAME = "bench-hotline"
TOKEN_NAME = "bench/cases.py"
AS_OF_TABLE = "bench_cases_as_of"  # the day the loaded deadlines are relative to (this database only)

# What the tickets are about (weights), roughly the mix a provincial 12351 line reports.
TYPES = {"consult": 45, "complaint": 25, "service": 15, "legal_aid": 8, "suggestion": 7}
TOPICS = {"wages": 35, "contract": 15, "social_insurance": 12, "injury": 8, "hours": 8, "women": 3,
          "new_form": 6, "safety": 3, "democratic": 2, "other": 8}
COMPLEXITY = {"simple": 30, "ordinary": 60, "complex": 10}
CHANNELS = {"hotline": 55, "app": 20, "web": 10, "api": 15}
# Who ends up handling them: mostly the employer's own union or the county (or its towns), rarely higher.
HANDLERS = {"employer": 45, "county": 35, "grassroots_open": 12, "city": 6, "province": 2}
OPEN_SHARE = 0.15
OPEN_STATUSES = {"assigned": 15, "in_progress": 55, "mediation": 8, "legal_aid": 7, "resolved": 15}
OVERDUE_SHARE = 0.30  # of the open tickets, past their step deadline
NEAR_SHARE = 0.07  # of the open tickets, due today or on the next working day

DESCRIPTIONS = {
    "wages": "{e}拖欠本人{n}个月工资共计{m}元，多次找老板讨要都说资金紧张，希望工会帮助追讨。",
    "contract": "入职{e}已{n}个月，公司一直未签订书面劳动合同，现在口头通知辞退，想要求支付二倍工资和经济补偿。",
    "social_insurance": "{e}没有为本人缴纳社会保险，{n}年来只发工资不交社保，想咨询怎样要求单位补缴。",
    "injury": "在{e}上班时被机器压伤手指，单位不愿申报工伤，{m}元医药费都是自己垫付的。",
    "hours": "{e}要求每天工作{n}小时，每月只休两天，加班费从来没有发过，请工会帮忙协调。",
    "women": "怀孕后被{e}调岗降薪，产假期间工资也停发了，请求工会维护女职工合法权益。",
    "new_form": "本人在{e}跑单，平台单方面调整计价规则，超时罚款和扣款不透明，想了解如何维权。",
    "safety": "{e}车间粉尘很大，没有发放劳动防护用品，工友们担心出事故，希望工会督促整改。",
    "democratic": "{e}没有召开职工代表大会就修改了考勤和绩效制度，扣钱很多，职工意见很大。",
    "other": "想咨询{e}职工在带薪年休假和病假工资方面的政策规定，请工作人员解答。",
}
EXTRAS = ["已向劳动监察大队反映，暂无结果。", "同车间还有几位工友情况相同。", "白天上班不方便接电话，请傍晚联系。",
          "单位负责人电话打不通。", "有考勤记录和工资条可以提供。", ""]
RESOLUTIONS = ["经工会协调，单位已补发拖欠工资。", "已当面解答政策，职工表示理解。", "已转交劳动监察部门处理并跟踪结果。",
               "经调解双方达成一致，单位支付经济补偿。", "已指导职工申请劳动仲裁并提供法律援助。"]


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


def ensure_tree(members: int) -> None:
    """The demo tree of a million-member seed (all 12 cities, 40 enterprise unions per county) but only
    `members` members: seed_demo sizes the tree by its member count, so its steps are called one by one here."""
    from django.db import transaction

    from zhijia.org import demo
    from zhijia.org.models import Union

    if Union.objects.exists():
        return
    started = time.perf_counter()
    rng = random.Random(SEED)
    with transaction.atomic():
        tree = demo._build_tree(rng, cities=[code for code, _ in demo.CITIES], members=TREE_AS_FOR_MEMBERS)
        demo._create_accounts(tree)
    demo.seed_members(count=members, rng=rng)
    demo._vacuum_analyze()
    seconds = time.perf_counter() - started
    print(f"seeded the demo tree ({tree.count:,} unions) and {members:,} members in {seconds:.0f} s")


def ensure_hotline(province):
    """A 12351 hotline operator: upper_staff at the provincial federation, so the whole province is in reach."""
    from zhijia.accounts.models import Role, RoleAssignment, User

    user, _ = User.objects.get_or_create(username=HOTLINE_USERNAME, defaults={"display_name": "热线话务员"})
    RoleAssignment.objects.get_or_create(user=user, union=province, role=Role.UPPER_STAFF)
    return user


def issue_token(user) -> str:
    from zhijia.accounts.models import ApiToken

    ApiToken.objects.filter(user=user, name=TOKEN_NAME).delete()
    return ApiToken.issue(user, name=TOKEN_NAME)[1]


def remove_earlier_intake(hotline) -> None:
    """Tickets an earlier run took in through the API; the board is measured on the bulk-loaded ones."""
    from zhijia.cases.models import Ticket

    deleted = Ticket.objects.filter(created_by=hotline).delete()[1].get("cases.Ticket", 0)
    if deleted:
        print(f"removed {deleted:,} tickets taken in by an earlier run")


# ---- The million tickets ----------------------------------------------------------------------------------


def weighted(rng: random.Random, table: dict[str, int]) -> str:
    return rng.choices(list(table), weights=list(table.values()))[0]


class TicketMaker:
    """Plausible tickets for the unions of one province: who handles them, about which employer, in which state.

    Employers repeat (a small firm's workers call more than once), so the per-employer warning counts and
    the employer index see realistic duplicates.
    """

    def __init__(self, rng: random.Random, province_id: int, today: datetime.date):
        from django.utils import timezone

        from zhijia.core.workdays import add_working_days
        from zhijia.org import demo
        from zhijia.org.models import Kind, Level, Union

        self.rng = rng
        self.province_id = province_id
        self.today = today
        self.now = timezone.now()
        self.near = add_working_days(today, 1)
        population = dict(demo.CITIES)
        rows = list(Union.objects.filter(province_id=province_id, status="active").order_by("id").values_list(
            "id", "parent_id", "name", "kind", "level", "division_code"))
        self.unions = {row[0]: row for row in rows}
        groups: dict[str, list] = {name: [] for name in HANDLERS}
        for union_id, _, name, kind, level, code in rows:
            if level == Level.PROVINCIAL:
                group = "province"
            elif level == Level.CITY:
                group = "city"
            elif kind == Kind.FEDERATION:
                group = "county"
            elif kind in (Kind.ENTERPRISE, Kind.INSTITUTION):
                group = "employer"
            else:
                group = "grassroots_open"
            size = rng.lognormvariate(0, 0.9) if kind == Kind.ENTERPRISE else 1.0
            groups[group].append((union_id, population.get(code[:4] + "00", 5.0) * size))
        self.choices = {}
        for group, members in groups.items():
            per_city: dict[str, int] = {}
            for union_id, _ in members:
                city = self.unions[union_id][5][:4]
                per_city[city] = per_city.get(city, 0) + 1
            ids = [union_id for union_id, _ in members]
            weights = [weight / per_city[self.unions[union_id][5][:4]] for union_id, weight in members]
            self.choices[group] = (ids, weights)
        self.small_firms: dict[int, list[tuple[str, str]]] = {}
        self.credit_codes: dict[str, str] = {}

    def handler(self) -> tuple:
        ids, weights = self.choices[weighted(self.rng, HANDLERS)]
        return self.unions[self.rng.choices(ids, weights=weights)[0]]

    def _credit_code(self, employer: str, code: str, share: float) -> str:
        from zhijia.core.generators import fake_credit_code

        if employer not in self.credit_codes:
            has_code = self.rng.random() < share
            self.credit_codes[employer] = fake_credit_code(self.rng, code, prefix="91") if has_code else ""
        return self.credit_codes[employer]

    def employer(self, union: tuple) -> tuple[str, str]:
        """(employer name, credit code) of a ticket handled by `union` that routing would send there."""
        from zhijia.org import demo
        from zhijia.org.models import Kind

        rng = self.rng
        union_id, _, name, kind, _, code = union
        area = name.removesuffix("总工会")[:3]
        if kind in (Kind.ENTERPRISE, Kind.INSTITUTION):
            employer = name.removesuffix("工会")
            return employer, self._credit_code(employer, code, 0.7)
        if kind == Kind.SECTOR_FEDERATION:
            brands = demo.COURIER_BRANDS if "快递" in name else demo.FOOD_BRANDS
            return f"{rng.choice(brands)}{area}{'网点' if '快递' in name else '配送站'}", ""
        if kind == Kind.REGIONAL_FEDERATION:
            return rng.choice([e for names in demo.FLEXIBLE_EMPLOYERS.values() for e in names]), ""
        firms = self.small_firms.setdefault(union_id, [])
        if len(firms) < 80 or rng.random() < 0.2:
            employer = f"{area}{rng.choice(demo.BRANDS)}{rng.choice(demo.SHOPS)}"
            firms.append((employer, self._credit_code(employer, code, 0.5)))
            return firms[-1]
        return rng.choice(firms)

    def intake_payload(self) -> dict:
        """One hotline call as the operator types it in (the API routes it; answered consultations close)."""
        from zhijia.core.generators import fake_name, fake_phone

        rng = self.rng
        union = self.handler()
        while union[4] < 3:  # the hotline files by the employer's locality: county level and below
            union = self.handler()
        employer, credit_code = self.employer(union)
        ticket_type, topic = weighted(rng, TYPES), weighted(rng, TOPICS)
        payload = {
            "type": ticket_type, "topic": topic, "complainant_name": fake_name(rng),
            "complainant_phone": fake_phone(rng), "employer_name": employer, "employer_credit_code": credit_code,
            "division_code": union[5], "description": self.description(topic, employer),
            "workers_affected": self.workers(), "complexity": weighted(rng, COMPLEXITY), "channel": "hotline",
        }
        if ticket_type == "consult" and rng.random() < 0.4:
            payload["answer"] = "已在电话中解答相关政策规定，并告知可到属地工会职工服务中心进一步咨询。"
        return payload

    def description(self, topic: str, employer: str) -> str:
        rng = self.rng
        text = DESCRIPTIONS[topic].format(e=employer, n=rng.randint(2, 11), m=rng.randint(3, 90) * 1000)
        return text + rng.choice(EXTRAS)

    def workers(self) -> int:
        roll = self.rng.random()
        return 1 if roll < 0.85 else self.rng.randint(2, 9) if roll < 0.97 else self.rng.randint(10, 60)


TICKET_COLUMNS = [
    "number", "type", "topic", "suggested_type", "suggested_topic", "channel", "status", "complexity", "version",
    "complainant_name", "complainant_phone", "phone_hash", "employer_name", "employer_credit_code", "division_code",
    "description", "workers_affected", "union_id", "province_id", "step_due_on", "due_on", "escalated_to_id",
    "escalated_at", "answer", "resolution", "rating", "rating_comment", "reopen_count", "created_at", "updated_at",
    "resolved_at", "closed_at",
]


class Phones:
    """A pool of callers' mobiles, each encrypted and hashed once (AES-GCM per row would dominate the load)."""

    def __init__(self, rng: random.Random, size: int):
        from zhijia.core.generators import fake_phone
        from zhijia.core.pii import encrypt, lookup_hash

        self.rng = rng
        self.pool = []
        for _ in range(size):
            phone = fake_phone(rng)
            self.pool.append((encrypt(phone), lookup_hash(phone)))

    def pick(self) -> tuple[str, str]:
        return self.rng.choice(self.pool)


def ticket_row(maker: TicketMaker, phones: Phones, sequences: dict, tz) -> list:
    from zhijia.core.generators import fake_name

    rng, today = maker.rng, maker.today
    union = maker.handler()
    union_id, parent_id, _, _, _, code = union
    employer, credit_code = maker.employer(union)
    ticket_type, topic = weighted(rng, TYPES), weighted(rng, TOPICS)
    complexity = weighted(rng, COMPLEXITY)
    step_due_on = due_on = escalated_to = escalated_at = resolved_at = closed_at = None
    answer = resolution = rating = ""
    if rng.random() < OPEN_SHARE:
        status = weighted(rng, OPEN_STATUSES)
        roll = rng.random()
        if roll < OVERDUE_SHARE:
            late = 1 + int(rng.expovariate(1 / 15))
            step_due_on = today - datetime.timedelta(days=late)
            age = late + rng.randint(1, 30)
            escalated_to = parent_id
        elif roll < OVERDUE_SHARE + NEAR_SHARE:
            step_due_on = rng.choice([today, maker.near])
            age = rng.randint(1, 20)
        else:
            step_due_on = today + datetime.timedelta(days=rng.randint((maker.near - today).days + 1, 45))
            age = rng.randint(0, 40)
        if status not in ("assigned", "resolved"):
            due_on = step_due_on
    else:
        status = "archived"
        age = rng.randint(1, 730)
    created = datetime.datetime.combine(today - datetime.timedelta(days=age), datetime.time(8), tz)
    created += datetime.timedelta(seconds=rng.randint(0, 11 * 3600))
    if escalated_to:
        escalated_at = datetime.datetime.combine(step_due_on + datetime.timedelta(days=1), datetime.time(2), tz)
    if status in ("resolved", "archived"):
        resolved_at = min(created + datetime.timedelta(days=rng.randint(0, 25), hours=rng.randint(1, 9)), maker.now)
        resolution = answer = rng.choice(RESOLUTIONS)
        if status == "archived":
            closed_at = min(resolved_at + datetime.timedelta(days=rng.randint(1, 6)), maker.now)
            rating = rng.choices(["satisfied", "basic", "unsatisfied"], weights=[80, 15, 5])[0]
    day = created.date()
    sequence = sequences.get(day, BULK_SEQUENCE_FROM)
    sequences[day] = sequence + 1
    phone, phone_hash = phones.pick()
    return [
        f"WQ{day:%Y%m%d}{sequence:06d}", ticket_type, topic, "", "", weighted(rng, CHANNELS), status, complexity, 1,
        fake_name(rng), phone, phone_hash, employer, credit_code, code, maker.description(topic, employer),
        maker.workers(), union_id, maker.province_id, step_due_on, due_on,
        escalated_to, escalated_at, answer if ticket_type == "consult" else "", resolution, rating, "", 0, created,
        closed_at or resolved_at or created, resolved_at, closed_at,
    ]


def ensure_tickets(province, target: int) -> int:
    """Top the province up to `target` tickets by COPY, BATCH per transaction; returns the count."""
    from django.db import connection, transaction
    from django.utils import timezone

    from zhijia.cases.models import Ticket

    existing = Ticket.objects.filter(province_id=province.province_id).count()
    today = timezone.localdate()
    ensure_as_of(province.province_id, today, loaded=existing == 0)
    if existing >= target:
        print(f"{existing:,} tickets already loaded for {province.name}")
        return existing
    missing = target - existing
    print(f"{existing:,} tickets found for {province.name}; loading {missing:,} by COPY (a few minutes for a million)")
    with connection.cursor() as cursor:  # later sequences of each day, so a top-up never reuses a number
        cursor.execute(
            "SELECT substr(number, 3, 8), max(substr(number, 11)::int) FROM cases_ticket "
            "WHERE province_id = %s AND substr(number, 11) >= %s GROUP BY 1",
            [province.province_id, f"{BULK_SEQUENCE_FROM:06d}"],
        )
        sequences = {datetime.datetime.strptime(day, "%Y%m%d").date(): last + 1 for day, last in cursor.fetchall()}
    rng = random.Random(SEED + existing)
    maker = TicketMaker(rng, province.province_id, today)
    phones = Phones(rng, min(200_000, max(1000, missing // 5)))
    tz = timezone.get_current_timezone()
    quote = connection.ops.quote_name
    columns = ", ".join(quote(column) for column in TICKET_COLUMNS)
    started = time.perf_counter()
    done = 0
    while done < missing:
        size = min(BATCH, missing - done)
        with transaction.atomic(), connection.cursor() as cursor:
            with cursor.copy(f"COPY {quote(Ticket._meta.db_table)} ({columns}) FROM STDIN") as copy:
                for _ in range(size):
                    copy.write_row(ticket_row(maker, phones, sequences, tz))
        done += size
        elapsed = time.perf_counter() - started
        remaining = elapsed / done * (missing - done)
        print(f"  tickets {done:,}/{missing:,} in {elapsed:.0f} s (about {remaining:.0f} s to go)")
    with connection.cursor() as cursor:
        cursor.execute(f"VACUUM (ANALYZE) {quote(Ticket._meta.db_table)}")
    print(f"loaded {missing:,} tickets in {time.perf_counter() - started:.0f} s, then VACUUM (ANALYZE)")
    return Ticket.objects.filter(province_id=province.province_id).count()


def ensure_as_of(province_id: int, today: datetime.date, *, loaded: bool) -> None:
    """Keep the loaded deadlines relative to today: on a later day, move the open tickets' deadlines by the
    days that passed, so a rerun sees the same share overdue instead of every open ticket going overdue."""
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute(
            f"CREATE TABLE IF NOT EXISTS {AS_OF_TABLE} (province_id bigint PRIMARY KEY, as_of date NOT NULL)"
        )
        cursor.execute(f"SELECT as_of FROM {AS_OF_TABLE} WHERE province_id = %s", [province_id])
        row = cursor.fetchone()
        if row is None or loaded:
            cursor.execute(
                f"INSERT INTO {AS_OF_TABLE} VALUES (%s, %s) "
                "ON CONFLICT (province_id) DO UPDATE SET as_of = EXCLUDED.as_of",
                [province_id, today],
            )
            return
        days = (today - row[0]).days
        if days <= 0:
            return
        started = time.perf_counter()
        cursor.execute(
            "UPDATE cases_ticket SET step_due_on = step_due_on + %s, due_on = due_on + %s "
            "WHERE province_id = %s AND step_due_on IS NOT NULL AND created_by_id IS NULL",
            [days, days, province_id],
        )
        moved = cursor.rowcount
        cursor.execute(f"UPDATE {AS_OF_TABLE} SET as_of = %s WHERE province_id = %s", [today, province_id])
        cursor.execute("VACUUM (ANALYZE) cases_ticket")
        print(f"moved {moved:,} open tickets' deadlines {days} days on (loaded as of {row[0]}) in "
              f"{time.perf_counter() - started:.0f} s")


# ---- Measuring ----------------------------------------------------------------------------------------------


def percentiles(samples: list[float]) -> tuple[float, float]:
    cuts = statistics.quantiles(samples, n=100, method="inclusive")
    return round(statistics.median(samples), 2), round(cuts[94], 2)


def time_calls(fn, rounds: int) -> list[float]:
    for _ in range(WARMUP):
        fn()
    samples = []
    for _ in range(rounds):
        started = time.perf_counter()
        fn()
        samples.append((time.perf_counter() - started) * 1000)
    return samples


def board_call(user, union):
    from zhijia.cases.selectors import overdue_board
    from zhijia.core.policy import forget_grants

    def run():
        forget_grants(user)  # a request loads the user's grants once: include that query
        board = overdue_board(actor=user, union=union)
        # What the page and API read of each row and of the per-union counts.
        rows = [(t.number, t.union.name, t.step_due_on) for t in board.tickets]
        return board, rows, [u.name for u, _ in board.by_union]

    return run


def explain_board(label: str, fn) -> list[tuple[float, str]]:
    """EXPLAIN (ANALYZE, BUFFERS) of each query one board call sends, as Django sends it, and each query's
    median time over 10 plain runs. Returns (median ms, sql) per query."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as captured:
        fn()
    timings = []
    print(f"\n== {label}: {len(captured.captured_queries)} queries ==")
    for index, query in enumerate(captured.captured_queries, 1):
        sql = query["sql"]
        samples = []
        with connection.cursor() as cursor:
            for _ in range(10):
                started = time.perf_counter()
                cursor.execute(sql)
                cursor.fetchall()
                samples.append((time.perf_counter() - started) * 1000)
        median = statistics.median(samples)
        timings.append((median, sql))
        shown = sql if len(sql) < 1500 else sql[:1500] + " …"
        print(f"\n-- query {index}, median {median:.2f} ms over 10 runs: {shown}")
        if "cases_ticket" in sql:
            with connection.cursor() as cursor:
                cursor.execute("EXPLAIN (ANALYZE, BUFFERS) " + sql)
                print("\n".join(row[0] for row in cursor.fetchall()))
    return timings


# ---- The server and its clients -------------------------------------------------------------------------


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class Server:
    """gunicorn with the production settings, as deployed: 2 worker processes (one per core) with 4 threads
    each (the gthread worker keeps HTTP/1.1 connections alive), on a loopback port."""

    def __init__(self, database_url: str):
        from django.conf import settings

        self.port = free_port()
        self.log = tempfile.NamedTemporaryFile(prefix="bench-cases-server-", suffix=".log", delete=False)
        env = {
            **os.environ,
            "DJANGO_SETTINGS_MODULE": "zhijia.settings.prod",
            "DATABASE_URL": database_url,
            "DJANGO_DEBUG": "0",
            "DJANGO_SECRET_KEY": secrets.token_urlsafe(50),
            # The same keys as this process, which encrypted the loaded phones.
            "ZHIJIA_PII_KEY": settings.PII_ENCRYPTION_KEY,
            "ZHIJIA_PII_HASH_KEY": settings.PII_HASH_KEY,
            "DJANGO_ALLOWED_HOSTS": "127.0.0.1,localhost",
            "DJANGO_SECURE_SSL_REDIRECT": "0",  # plain HTTP on loopback; a TLS proxy does this in production
            "DJANGO_SECURE_COOKIES": "0",
            "PYTHONUNBUFFERED": "1",
        }
        self.process = subprocess.Popen(
            [str(Path(sys.executable).with_name("gunicorn")), "zhijia.wsgi", "--workers", "2", "--threads", "4",
             "--worker-class", "gthread", "--bind", f"127.0.0.1:{self.port}"],
            cwd=ROOT, env=env, stdout=self.log, stderr=subprocess.STDOUT,
        )

    def wait_ready(self, timeout: float = 60) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                break
            try:
                connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=5)
                connection.request("GET", "/api/cases/overdue?union_id=1")
                status = connection.getresponse().status
                connection.close()
                if status == 401:
                    return
            except OSError:
                pass
            time.sleep(0.3)
        self.stop()
        sys.exit(f"the server did not start; its log:\n{self.tail()}")

    def tail(self, lines: int = 40) -> str:
        return "\n".join(Path(self.log.name).read_text(errors="replace").splitlines()[-lines:])

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(10)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        self.log.close()
        Path(self.log.name).unlink(missing_ok=True)


def run_intake(port: int, token: str, bodies: list[bytes], clients: int) -> dict:
    """POST every body from `clients` threads, each over one keep-alive connection; time the whole run."""
    headers = {"Authorization": f"Bearer {token}", "Content-Type": "application/json"}
    lock = threading.Lock()
    next_index = iter(range(len(bodies)))
    latencies: list[float] = []
    errors: list[tuple[int, str]] = []
    created = 0

    def client() -> None:
        nonlocal created
        connection = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
        while True:
            with lock:
                index = next(next_index, None)
            if index is None:
                break
            started = time.perf_counter()
            try:
                connection.request("POST", "/api/cases/tickets", body=bodies[index], headers=headers)
                response = connection.getresponse()
                body = response.read()
                status = response.status
                if response.will_close:
                    connection.close()
                    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
            except (OSError, http.client.HTTPException) as error:
                status, body = 0, repr(error).encode()
                connection.close()
                connection = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
            elapsed = (time.perf_counter() - started) * 1000
            with lock:
                if status == 201:
                    created += 1
                    latencies.append(elapsed)
                else:
                    errors.append((status, body.decode(errors="replace")[:500]))
        connection.close()

    threads = [threading.Thread(target=client) for _ in range(clients)]
    started = time.perf_counter()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return {"seconds": time.perf_counter() - started, "created": created, "latencies": latencies, "errors": errors}


def time_http_board(port: int, token: str, union_id: int, rounds: int) -> tuple[list[float], dict]:
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
    headers = {"Authorization": f"Bearer {token}"}
    samples, body = [], {}
    for index in range(WARMUP + rounds):
        started = time.perf_counter()
        connection.request("GET", f"/api/cases/overdue?union_id={union_id}", headers=headers)
        response = connection.getresponse()
        raw = response.read()
        elapsed = (time.perf_counter() - started) * 1000
        if response.status != 200:
            sys.exit(f"GET /api/cases/overdue?union_id={union_id} answered {response.status}: {raw[:500]!r}")
        if index >= WARMUP:
            samples.append(elapsed)
        body = json.loads(raw)
    connection.close()
    return samples, body


# ---- Main -------------------------------------------------------------------------------------------------


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--tickets", type=int, default=1_000_000, help="tickets of the province (default 1,000,000)")
    parser.add_argument("--intake", type=int, default=2000, help="tickets to POST through the API (default 2,000)")
    parser.add_argument("--clients", type=int, default=4, help="concurrent API clients (default 4)")
    parser.add_argument("--rounds", type=int, default=50, help="timed board calls per case (default 50)")
    parser.add_argument("--members", type=int, default=10_000, help="members seeded with the tree (default 10,000)")
    args = parser.parse_args()

    url = os.environ.setdefault("DATABASE_URL", DEFAULT_URL)
    if not url.startswith(("postgres://", "postgresql://")):
        sys.exit("bench/cases.py measures PostgreSQL: set DATABASE_URL=postgres://...")
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "zhijia.settings.dev")
    os.environ["DJANGO_DEBUG"] = "0"  # no query logging: it would skew the timings and hold every SQL string
    os.environ.setdefault("LOG_LEVEL", "WARNING")
    sys.path.insert(0, str(ROOT))
    ensure_database(url)

    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection
    from django.utils import timezone

    from zhijia.accounts.models import User
    from zhijia.org.models import Level, Union

    call_command("migrate", verbosity=0)
    ensure_tree(args.members)
    province = Union.objects.get(name="江苏省总工会", level=Level.PROVINCIAL)
    city = Union.objects.get(name="苏州市总工会", level=Level.CITY)
    hotline = ensure_hotline(province)
    city_user = User.objects.get(username="city")
    remove_earlier_intake(hotline)
    tickets = ensure_tickets(province, args.tickets)
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE cases_ticket")

    # 1. The overdue board, in process.
    cases = {"province": board_call(hotline, province), "city": board_call(city_user, city)}
    boards = {name: fn()[0] for name, fn in cases.items()}
    samples = {name: time_calls(fn, args.rounds) for name, fn in cases.items()}
    for name, board in boards.items():
        union = province if name == "province" else city
        print(f"board of {union.name}: {board.overdue_total:,} overdue, {board.near_total:,} due within a working day,"
              f" {len(board.tickets)} rows shown, {len(board.by_union)} child unions with overdue tickets")
    query_times = {}
    for name, fn in cases.items():
        label = f"overdue_board for {'江苏省总工会 (hotline operator)' if name == 'province' else '苏州市总工会 (city)'}"
        query_times[name] = explain_board(label, fn)

    # 2. Intake and the board over HTTP, through the running server.
    maker = TicketMaker(random.Random(SEED + int(time.time())), province.province_id, timezone.localdate())
    payloads = [maker.intake_payload() for _ in range(args.intake + args.clients)]
    bodies = [json.dumps(payload, ensure_ascii=False).encode() for payload in payloads]
    hotline_token, city_token = issue_token(hotline), issue_token(city_user)
    server = Server(url)
    try:
        server.wait_ready()
        # One request per client first: the server imports the API and opens its connections on first use.
        warm = run_intake(server.port, hotline_token, bodies[: args.clients], args.clients)
        intake = run_intake(server.port, hotline_token, bodies[args.clients :], args.clients)
        http_samples = {}
        for name, (token, union) in {"city": (city_token, city), "province": (hotline_token, province)}.items():
            http_samples[name] = time_http_board(server.port, token, union.pk, args.rounds)[0]
        server_log = server.tail(15) if intake["errors"] or warm["errors"] else ""
    finally:
        server.stop()

    errors = warm["errors"] + intake["errors"]
    for status, body in errors[:20]:
        print(f"intake error {status}: {body}")
    if server_log:
        print(f"server log (last lines):\n{server_log}")
    rate = intake["created"] / intake["seconds"]

    print(f"\n== figures: {tickets:,} tickets in 江苏省; {args.rounds} rounds after {WARMUP} warm-ups ==")
    figures = {}
    for name, values in samples.items():
        p50, p95 = percentiles(values)
        figures[f"board_{name}"] = {"p50_ms": p50, "p95_ms": p95}
        print(f"overdue_board({name:>8}) in process: p50 {p50:7.2f} ms   p95 {p95:7.2f} ms")
    for name, values in http_samples.items():
        p50, p95 = percentiles(values)
        figures[f"http_board_{name}"] = {"p50_ms": p50, "p95_ms": p95}
        print(f"GET /api/cases/overdue ({name:>8}):  p50 {p50:7.2f} ms   p95 {p95:7.2f} ms")
    for name, timings in query_times.items():
        slowest = max(timings)
        print(f"slowest query of the {name} board: {slowest[0]:.1f} ms of {sum(t for t, _ in timings):.1f} ms: "
              f"{slowest[1][:160]} …")
    intake_p50, intake_p95 = percentiles(intake["latencies"]) if len(intake["latencies"]) > 1 else (0.0, 0.0)
    print(f"intake: {intake['created']:,} tickets created by POST /api/cases/tickets in {intake['seconds']:.1f} s "
          f"from {args.clients} clients: {rate:,.1f} per second (per request p50 {intake_p50:.1f} ms, "
          f"p95 {intake_p95:.1f} ms); {len(errors)} errors")
    p50, p95 = figures["board_province"]["p50_ms"], figures["board_province"]["p95_ms"]
    verdict = "met" if p95 < GOAL_P95_MS else "MISSED"
    print(f"province overdue board: p50 {p50:.2f} ms, p95 {p95:.2f} ms; goal p95 < {GOAL_P95_MS} ms {verdict}")
    load = [round(value, 2) for value in os.getloadavg()]
    print(f"load average {load} on {os.cpu_count()} CPUs (other work on the machine shows up in p95)")
    print(json.dumps({
        "intake_per_s": round(rate, 1),
        "intake_errors": len(errors),
        "intake_requests": args.intake,
        "intake_clients": args.clients,
        "intake_p50_ms": intake_p50,
        "intake_p95_ms": intake_p95,
        "overdue_p50_ms": p50,
        "overdue_p95_ms": p95,
        "tickets": tickets,
        "overdue_province": boards["province"].overdue_total,
        "overdue_city": boards["city"].overdue_total,
        "near_province": boards["province"].near_total,
        "rounds": args.rounds,
        "operations": figures,
        "loadavg": load,
    }, ensure_ascii=False))


if __name__ == "__main__":
    main()
