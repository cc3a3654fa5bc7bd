"""`manage.py seed_demo --members N [--if-empty] [--seed S]`: demo union tree, members and accounts."""

from django.core.management.base import BaseCommand, CommandError

from zhijia.org.demo import DEMO_PASSWORD, WORKER_USERNAME, seed_demo
from zhijia.org.models import Union

PROGRESS_FROM = 20_000  # members; smaller runs finish in seconds and print only the summary


class Command(BaseCommand):
    help = "生成演示数据：江苏省工会组织树、会员和演示账号（只能生成到空库里）"

    def add_arguments(self, parser):
        parser.add_argument("--members", type=int, default=300, help="会员人数（默认 300，压测可用 1000000）")
        parser.add_argument("--if-empty", action="store_true", help="库里已有工会时什么也不做")
        parser.add_argument("--seed", type=int, default=2026, help="随机种子，同一种子生成同样的组织和人员")

    def handle(self, *args, members: int, if_empty: bool, seed: int, **options):
        if members < 0:
            raise CommandError("--members 不能为负数")
        if Union.objects.exists():
            if if_empty:
                self.stdout.write("已有工会数据，跳过生成演示数据。")
                return
            raise CommandError("库里已有工会数据：演示数据只能生成到空库里（加 --if-empty 可跳过）。")
        chatty = members >= PROGRESS_FROM or options["verbosity"] >= 2
        summary = seed_demo(members=members, seed=seed, progress=self.stdout.write if chatty else None)
        if members:  # hardship aid needs members: files, applicants, mutual-aid enrollments
            from zhijia.aid.demo import seed_aid_demo

            seed_aid_demo(officer_union=summary.officer_union, city=summary.city)
        from zhijia.jobs.demo import seed_jobs_demo

        seed_jobs_demo(officer_union=summary.officer_union, city=summary.city)
        self.stdout.write(self.style.SUCCESS(
            f"演示数据已生成：工会 {summary.unions:,} 个，会员 {summary.members:,} 人，用时 {summary.seconds:.1f} 秒。"
        ))
        self.stdout.write(
            f"  职工 {WORKER_USERNAME}（王小明，{'已入会，有帮扶申请' if members else '尚未入会'}）、"
            f"officer（{summary.officer_union.name}主席）、"
            f"city（{summary.city.name}）、court（协作法院）、hr（苏州精工机械有限公司人事，发布岗位、答复推荐）、"
            f"admin（{summary.province.name}系统管理员，可进管理后台），"
            f"密码均为 {DEMO_PASSWORD}"
        )
