import time, datetime
import pytest
from django.db import connection
from django.utils import timezone
from zhijia.cases.stats import dashboard
from zhijia.cases.models import Ticket

def test_bench(tree, city_staff, calendar):
    n = 1_000_000
    unions = [tree.grassroots.pk, tree.grassroots_b.pk, tree.county.pk, tree.grassroots_c.pk]
    with connection.cursor() as c:
        c.execute(f"""
        INSERT INTO cases_ticket (number, type, topic, suggested_type, suggested_topic, channel, status, complexity, version,
          complainant_name, complainant_phone, phone_hash, employer_name, employer_credit_code, division_code, description,
          workers_affected, union_id, province_id, step_due_on, due_on, answer, resolution, rating, rating_comment, reopen_count,
          created_at, updated_at, resolved_at)
        SELECT 'B' || g, (ARRAY['consult','service','complaint','legal_aid','suggestion'])[1 + g % 5],
          (ARRAY['wages','contract','injury','hours','other'])[1 + g % 5], '', '', 'web',
          (ARRAY['assigned','in_progress','resolved','archived'])[1 + g % 4], 'ordinary', 1,
          'x', 'x', 'h', 'emp' || (g % 5000), '', '320508', 'd', 1,
          (ARRAY[{unions[0]},{unions[1]},{unions[2]},{unions[3]}])[1 + g % 4], {tree.province.province_id},
          CURRENT_DATE + (g % 20) - 10, CURRENT_DATE + (g % 20) - 10, '', '', (ARRAY['','satisfied','basic','unsatisfied'])[1 + g % 4], '', 0,
          now() - (g % 700) * interval '1 day', now(), CASE WHEN g % 4 >= 2 THEN now() - (g % 600) * interval '1 day' END
        FROM generate_series(1, {n}) g
        """)
        c.execute("ANALYZE cases_ticket")
    today = timezone.localdate()
    for days in (30, 90, 365):
        t = time.perf_counter()
        f = dashboard(actor=city_staff, union=tree.city, date_from=today - datetime.timedelta(days=days - 1), date_to=today)
        print(days, "days", round(time.perf_counter() - t, 3), "s total", f["total"])
    from django.db import connection as conn
    from django.test.utils import CaptureQueriesContext
    with CaptureQueriesContext(conn) as ctx:
        dashboard(actor=city_staff, union=tree.city, date_from=today - datetime.timedelta(days=89), date_to=today)
    with connection.cursor() as c:
        for q in ctx.captured_queries[1:2]:
            print(q["sql"])
            c.execute("EXPLAIN ANALYZE " + q["sql"])
            print("\n".join(r[0] for r in c.fetchall()))
