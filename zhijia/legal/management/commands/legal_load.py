from django.core.management.base import BaseCommand

from zhijia.legal.services import corpus_load


class Command(BaseCommand):
    help = "载入（或更新）内置法律法规条文；文件未变的法律不重复载入"

    def handle(self, *args, **options):
        result = corpus_load()
        self.stdout.write(
            f"法律法规：新增 {result.created} 部，更新 {result.updated} 部，未变 {result.unchanged} 部；写入条文 {result.articles} 条"
        )
