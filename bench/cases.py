"""How fast the 12351 hotline takes in tickets over the API, and how fast a province's overdue board answers
when the province holds a million tickets.

On PostgreSQL (DATABASE_URL, default below; the database is created and migrated if missing) it builds the
demo union tree (the same 3,951 unions as bench/subtree.py, with only a few members, who don't matter here),
bulk-loads --tickets tickets for 江苏省 by COPY (skipped when already there), runs VACUUM ANALYZE, then:

1. times `cases.selectors.overdue_board` in this process, as a request would run it (grants included), for
   江苏省总工会 as a provincial hotline operator and for 苏州市总工会 as the demo user "city", and prints the
   EXPLAIN ANALYZE of each of its queries;
2. starts the real server (`manage.py runserver --noreload`, production settings) on a free loopback port
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
    """The demo tree of a million-member seed (12 cities, 82 counties, 3,951 unions) but only `members`
    members: seed_demo sizes the tree by its member count, so its steps are called one by one here."""
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
    print(f"seeded the demo tree ({tree.count:,} unions) and {members:,} members in {time.perf_counter() - started:.0f} s")


def ensure_hotline(province):
    """A 12351 hotline operator: upper_staff at the provincial federation, with a fresh bearer token."""
    from zhijia.accounts.models import ApiToken, Role, RoleAssignment, User

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
        from zhijia.core.workdays import add_working_days
        from zhijia.org import demo
        from zhijia.org.models import Kind, Level, Union

        self.rng = rng
        self.province_id = province_id
        self.today = today
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
            self.credit_codes[employer] = fake_credit_code(self.rng, code, prefix="91") if self.rng.random() < share else ""
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
        resolved_at = created + datetime.timedelta(days=rng.randint(0, 25), hours=rng.randint(1, 9))
        resolution = answer = rng.choice(RESOLUTIONS)
        if status == "archived":
            closed_at = resolved_at + datetime.timedelta(days=rng.randint(1, 6))
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
        print(f"  tickets {done:,}/{missing:,} in {elapsed:.0f} s (about {elapsed / done * (missing - done):.0f} s to go)")
    with connection.cursor() as cursor:
        cursor.execute(f"VACUUM (ANALYZE) {quote(Ticket._meta.db_table)}")
    print(f"loaded {missing:,} tickets in {time.perf_counter() - started:.0f} s, then VACUUM (ANALYZE)")
    return Ticket.objects.filter(province_id=province.province_id).count()


def ensure_as_of(province_id: int, today: datetime.date, *, loaded: bool) -> None:
    """Keep the loaded deadlines relative to today: on a later day, move the open tickets' deadlines by the
    days that passed, so a rerun sees the same share overdue instead of every open ticket going overdue."""
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute(f"CREATE TABLE IF NOT EXISTS {AS_OF_TABLE} (province_id bigint PRIMARY KEY, as_of date NOT NULL)")
        cursor.execute(f"SELECT as_of FROM {AS_OF_TABLE} WHERE province_id = %s", [province_id])
        row = cursor.fetchone()
        if row is None or loaded:
            cursor.execute(
                f"INSERT INTO {AS_OF_TABLE} VALUES (%s, %s) ON CONFLICT (province_id) DO UPDATE SET as_of = EXCLUDED.as_of",
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
