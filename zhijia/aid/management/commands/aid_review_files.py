"""Yearly review (动态管理) of hardship files: flag active files not reviewed for a year, or that no longer meet
their region's current rule, so the grassroots union re-visits the household.

Run it daily or after a region's 低保 line changes (cron, or a systemd timer in production):
    python manage.py aid_review_files [--today YYYY-MM-DD]
A file already flagged is not flagged again, so running it twice flags nothing new.
"""

import datetime

from django.core.management.base import BaseCommand, CommandError

from zhijia.aid.services.files import files_flag_for_review


class Command(BaseCommand):
    help = "困难职工档案动态管理：标记满一年未复核或按现行标准已不符合条件的在档档案"

    def add_arguments(self, parser):
        parser.add_argument("--today", help="按指定日期复核（YYYY-MM-DD），默认今天")

    def handle(self, *args, today=None, **options):
        day = None
        if today:
            try:
                day = datetime.date.fromisoformat(today)
            except ValueError:
                raise CommandError("--today 应为 YYYY-MM-DD") from None
        flagged = files_flag_for_review(today=day)
        self.stdout.write(f"已标记待复核档案 {flagged} 份")
