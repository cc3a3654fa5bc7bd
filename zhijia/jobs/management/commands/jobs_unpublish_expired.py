from django.core.management.base import BaseCommand

from zhijia.jobs.services import vacancies_unpublish_expired


class Command(BaseCommand):
    help = "Close published vacancies whose closing date has passed (run daily, e.g. from cron)."

    def handle(self, *args, **options):
        self.stdout.write(f"已下架过期岗位 {vacancies_unpublish_expired()} 个")
