import json

from django.core.management.base import BaseCommand, CommandError

from zhijia.core.errors import ZhijiaError
from zhijia.legal.retrieval import search


class Command(BaseCommand):
    help = "按劳动法律问题检索条文，例如：manage.py legal_ask \"公司不给加班费怎么办\" --k 10 --json"

    def add_arguments(self, parser):
        parser.add_argument("question")
        parser.add_argument("--k", type=int, default=10)
        parser.add_argument("--json", action="store_true", help="输出 JSON 列表（最相关的在前）")

    def handle(self, *args, question: str, k: int, json: bool, **options):
        try:
            results = search(question, k=k)
        except ZhijiaError as exc:
            raise CommandError(exc.message) from None
        if json:
            rows = [{"law": r.law, "article": r.article, "score": r.score, "text": r.text, "id": r.id, "url": r.url}
                    for r in results]
            self.stdout.write(_dumps(rows))
            return
        for rank, r in enumerate(results, start=1):
            self.stdout.write(f"{rank}. {r.citation}（{r.score:.2f}）\n   {r.text[:120]}")


def _dumps(rows) -> str:
    return json.dumps(rows, ensure_ascii=False, indent=2)
