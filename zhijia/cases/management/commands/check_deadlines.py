"""Daily job: remind handlers of tickets due within a working day, escalate overdue ones.

Run it once a day (cron, or a Celery beat / systemd timer in production):
    python manage.py check_deadlines
It is idempotent for a day, so running it again does nothing new.
"""

import datetime

from django.core.management.base import BaseCommand, CommandError

from zhijia.cases.services import deadlines_check


class Command(BaseCommand):
    help = "提醒即将到期的工单并对超期工单升级督办"

    def add_arguments(self, parser):
        parser.add_argument("--date", help="按指定日期检查（YYYY-MM-DD），默认今天")

    def handle(self, *args, date=None, **options):
        today = None
        if date:
            try:
                today = datetime.date.fromisoformat(date)
            except ValueError:
                raise CommandError("--date 应为 YYYY-MM-DD") from None
        result = deadlines_check(today=today)
        self.stdout.write(f"已提醒 {result['reminded']} 件，升级督办 {result['escalated']} 件")
