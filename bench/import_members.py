"""Benchmark: import 100,000 generated members from an .xlsx through the same code path as the page and API.

    .venv/bin/python bench/import_members.py [--rows 100000] [--mode all_or_nothing] [--profile]

Uses $DATABASE_URL when set (PostgreSQL: the database is created if missing, and members left by an earlier
run of this benchmark are removed first), else a temporary SQLite file under var/ that is deleted afterwards.
The timed part is `imports.import_start` (upload checks, job, task: validation + encryption + batched insert)
with django.tasks' immediate backend, so the task runs when the upload commits, as it would in a worker.
Prints what it measured; the last line is one JSON object with rows_per_s and peak_rss_mb.
"""

import argparse
import json
import logging
import os
import random
import resource
import shutil
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
BENCH_PREFIX = "基准测试"


def rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # KiB on Linux


def configure() -> tuple[str, Path | None]:
    sqlite_file = None
    if not os.environ.get("DATABASE_URL"):
        (ROOT / "var").mkdir(exist_ok=True)
        descriptor, name = tempfile.mkstemp(prefix="bench-import-", suffix=".sqlite3", dir=ROOT / "var")
        os.close(descriptor)
        sqlite_file = Path(name)
        os.environ["DATABASE_URL"] = f"sqlite:///{sqlite_file}"
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "zhijia.settings.dev")
    os.environ["DJANGO_DEBUG"] = "0"  # with DEBUG on, Django keeps every SQL statement in memory
    os.environ["ZHIJIA_TASKS_BACKEND"] = "django.tasks.backends.immediate.ImmediateBackend"
    os.environ.setdefault("LOG_LEVEL", "WARNING")
    url = os.environ["DATABASE_URL"]
    if url.startswith("postgres"):
        ensure_postgres_database(url)
    return url, sqlite_file


def ensure_postgres_database(url: str) -> None:
    import dj_database_url
    import psycopg
    from psycopg import sql

    config = dj_database_url.parse(url)
    with psycopg.connect(
        dbname="postgres", user=config["USER"] or None, password=config["PASSWORD"] or None,
        host=config["HOST"] or None, port=config["PORT"] or None, autocommit=True,
    ) as connection:
        exists = connection.execute("SELECT 1 FROM pg_database WHERE datname = %s", [config["NAME"]]).fetchone()
        if not exists:
            connection.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(config["NAME"])))


def remove_earlier_runs() -> None:
    from django.db import connection

    from zhijia.org.models import Union

    unions = list(Union.objects.filter(name__startswith=BENCH_PREFIX).order_by("-depth").values_list("id", flat=True))
    if not unions:
        return
    marks = ",".join(["%s"] * len(unions))
    with connection.cursor() as cursor:
        cursor.execute(
            f"DELETE FROM members_memberchange WHERE member_id IN "
            f"(SELECT id FROM members_member WHERE union_id IN ({marks}))", unions,
        )
        cursor.execute(f"DELETE FROM members_member WHERE union_id IN ({marks})", unions)
        cursor.execute(f"DELETE FROM members_importjob WHERE union_id IN ({marks})", unions)
        cursor.execute(f"DELETE FROM accounts_roleassignment WHERE union_id IN ({marks})", unions)
        for union_id in unions:  # children first
            cursor.execute("DELETE FROM org_union WHERE id = %s", [union_id])
        if connection.vendor == "postgresql":
            # Dead index entries for the same 身份证号 hashes would slow the next run's unique checks.
            cursor.execute("VACUUM ANALYZE members_member, members_memberchange")


def make_tree(rng: random.Random):
    """省 → 市 → 区 → 基层 (an enterprise union that takes members), plus an officer who may import."""
    from zhijia.accounts.models import Role, RoleAssignment, User
    from zhijia.core.generators import fake_credit_code
    from zhijia.org.models import Kind, Level, Union

    def make(name, kind, level, parent, division):
        union = Union.objects.create(
            name=f"{BENCH_PREFIX}{name}", kind=kind, level=level, parent=parent, division_code=division,
            credit_code=fake_credit_code(rng, division),
        )
        union.path = (parent.path if parent else "/") + f"{union.pk}/"
        union.depth = parent.depth + 1 if parent else 0
        union.province_id = parent.province_id if parent and parent.province_id else union.pk
        union.save()
        return union

    province = make("江苏省总工会", Kind.FEDERATION, Level.PROVINCIAL, None, "320000")
    city = make("苏州市总工会", Kind.FEDERATION, Level.CITY, province, "320500")
    county = make("姑苏区总工会", Kind.FEDERATION, Level.COUNTY, city, "320508")
    grassroots = make("苏州精工机械有限公司工会", Kind.ENTERPRISE, Level.GRASSROOTS, county, "320508")
    officer, _ = User.objects.get_or_create(username="bench-importer", defaults={"display_name": "基准测试干事"})
    RoleAssignment.objects.get_or_create(user=officer, union=grassroots, role=Role.GRASSROOTS_OFFICER)
    return grassroots, officer


def generate_xlsx(path: Path, rows: int, rng: random.Random) -> None:
    """`rows` valid, distinct people in the import template's columns (written in constant memory)."""
    import datetime

    import xlsxwriter

    from zhijia.core.generators import fake_id_number, fake_name, fake_phone
    from zhijia.members.imports import HEADERS, SHEET_NAME
    from zhijia.members.models import NewFormType

    places = ["320508", "320506", "320505", "320507", "320582", "320583", "320585", "110101", "310115"]
    new_forms = ["", "", "", "", *NewFormType.labels]
    today = datetime.date.today()
    workbook = xlsxwriter.Workbook(str(path), {"constant_memory": True})
    sheet = workbook.add_worksheet(SHEET_NAME)
    date = workbook.add_format({"num_format": "yyyy-mm-dd"})
    sheet.write_row(0, 0, HEADERS)
    seen = set()
    for row in range(1, rows + 1):
        while True:
            id_number = fake_id_number(rng, rng.choice(places))
            if id_number not in seen:
                seen.add(id_number)
                break
        sheet.write_string(row, 0, fake_name(rng))
        sheet.write_string(row, 1, id_number)
        sheet.write_string(row, 2, fake_phone(rng))
        sheet.write_string(row, 3, "苏州精工机械有限公司")
        sheet.write_datetime(row, 4, today - datetime.timedelta(days=rng.randint(0, 3650)), date)
        sheet.write_string(row, 5, "是" if rng.random() < 0.3 else "否")
        sheet.write_string(row, 6, rng.choice(new_forms))
    workbook.close()


class PhaseLog(logging.Handler):
    """Picks up the phase timings the import logs when it finishes."""

    def __init__(self):
        super().__init__(logging.INFO)
        self.timings = {}

    def emit(self, record):
        if record.msg.startswith("import job %s: %s rows"):
            self.timings = record.args[-1]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--rows", type=int, default=100_000)
    parser.add_argument("--mode", default="all_or_nothing", choices=["all_or_nothing", "valid_only"])
    parser.add_argument("--profile", action="store_true", help="print the top of a cProfile of the import")
    args = parser.parse_args()

    _, sqlite_file = configure()
    workdir = Path(tempfile.mkdtemp(prefix="bench-import-"))
    try:
        import django

        django.setup()
        from django.core.files import File
        from django.core.management import call_command
        from django.db import connection

        from zhijia.members import imports
        from zhijia.members.models import ImportStatus, Member

        engine = connection.vendor
        started = time.perf_counter()
        call_command("migrate", verbosity=0)
        remove_earlier_runs()
        name = connection.settings_dict["NAME"]
        print(f"database: {engine} ({name}), schema ready in {time.perf_counter() - started:.1f}s")

        rng = random.Random(20261123)
        union, officer = make_tree(rng)
        path = workdir / "members.xlsx"
        started = time.perf_counter()
        generate_xlsx(path, args.rows, rng)
        generate_s = time.perf_counter() - started
        print(f"generated {args.rows} rows into {path.stat().st_size / 1e6:.1f} MB of xlsx in {generate_s:.1f}s")

        phases = PhaseLog()
        logger = logging.getLogger("zhijia.members.imports")
        logger.addHandler(phases)
        logger.setLevel(logging.INFO)
        logger.propagate = False  # keep the output to what this script prints
        logging.getLogger("django.tasks").setLevel(logging.WARNING)
        rss_before = rss_mb()
        profiler = None
        if args.profile:
            import cProfile

            profiler = cProfile.Profile()
            profiler.enable()
        started, cpu_started = time.perf_counter(), time.process_time()
        with path.open("rb") as handle:
            job = imports.import_start(
                actor=officer, union=union, mode=args.mode, upload=File(handle, name="members.xlsx"),
                original_name="members.xlsx",
            )
        seconds, cpu_seconds = time.perf_counter() - started, time.process_time() - cpu_started
        if profiler is not None:
            import pstats

            profiler.disable()
            pstats.Stats(profiler).sort_stats(os.environ.get("BENCH_PROFILE_SORT", "cumulative")).print_stats(35)
        job.refresh_from_db()
        peak = rss_mb()
        created = Member.objects.filter(union=union).count()
        if job.status != ImportStatus.DONE or created != args.rows:
            print(f"import did not complete: status={job.status} created={created} message={job.message}")
            print(json.dumps(job.errors[:5], ensure_ascii=False))
            sys.exit(1)
        rate = args.rows / seconds
        print(f"imported {created} members ({args.mode}) in {seconds:.2f}s: {rate:,.0f} rows/s")
        print("  phases (s): " + ", ".join(f"{key} {value}" for key, value in phases.timings.items())
              + f"; upload check, job and file copy {seconds - sum(phases.timings.values()):.2f}")
        print(f"  this process used {cpu_seconds:.2f}s of CPU (the rest is the database and other load;"
              f" load average {os.getloadavg()[0]:.2f} on {os.cpu_count()} CPUs)")
        print(f"  peak RSS {peak:.0f} MiB (before the import: {rss_before:.0f} MiB)")
        print(json.dumps({
            "database": engine,
            "rows": args.rows,
            "mode": args.mode,
            "seconds": round(seconds, 3),
            "client_cpu_s": round(cpu_seconds, 3),
            "load_average": round(os.getloadavg()[0], 2),
            "rows_per_s": round(rate),
            "peak_rss_mb": round(peak, 1),
            "rss_before_import_mb": round(rss_before, 1),
            "phases_s": phases.timings,
            "generate_s": round(generate_s, 2),
        }), flush=True)
    finally:
        try:
            from django.db import connections

            connections.close_all()
        except Exception:  # noqa: BLE001 — Django may not have started
            pass
        shutil.rmtree(workdir, ignore_errors=True)
        if sqlite_file is not None:
            for suffix in ("", "-wal", "-shm"):
                Path(f"{sqlite_file}{suffix}").unlink(missing_ok=True)


if __name__ == "__main__":
    main()
