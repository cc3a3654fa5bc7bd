"""Demo data for hardship aid, so `make run` shows every aid page with content: household files in each state
(draft, public notice, awaiting approval, on file, one flagged at its yearly review) across a few 苏州 unions,
a 送温暖 campaign, an open 金秋助学 campaign, a 医疗互助 plan with enrollments, and applications at every review
level — some approved and paid, one bank batch exported and partly paid, one payment returned by the bank.

Everything goes through the aid services (as the demo's officer and city accounts would click it), so budgets,
payments, the ledger, file history and the audit log are the real thing. The region rules (苏州 低保 1,245 元)
are the ones migration 0002 seeds. The demo worker 王小明 joins the officer's union here (through the join
service), so he has an application of his own and can apply to the open 金秋助学 campaign.
"""

import dataclasses
import datetime
import random
from dataclasses import dataclass
from decimal import Decimal

from django.db import transaction
from django.utils import timezone

from zhijia.accounts.models import User
from zhijia.core.generators import fake_id_number, fake_name, fake_phone
from zhijia.members.models import Member, MemberStatus
from zhijia.members.services import PersonData, join_apply, join_approve
from zhijia.org.demo import WORKER_USERNAME
from zhijia.org.models import Kind, Level, Union

from .models import Application, Campaign, CampaignKind, HardshipFile, Payment, RegionRule
from .region_seed import seed_regions
from .services import applications as app_svc
from .services import files as file_svc
from .services import payments as pay_svc
from .services.applications import ApplicationIn, CampaignData
from .services.files import FileData, PersonIn

SEED = 20261123
BANKS = ["中国工商银行", "中国农业银行", "中国银行", "中国建设银行", "交通银行", "苏州银行", "江苏银行"]
STREETS = ["双塔街道南园新村", "金阊街道三元新村", "城南街道吴中新村", "长桥街道龙西新村", "横泾街道上林社区",
           "狮山街道狮山新村", "枫桥街道金色家园", "平江街道东园新村"]


@dataclass
class AidDemo:
    files: int
    campaigns: int
    applications: int
    payments: int


class _People:
    """Who the demo's households and applicants are: the union's own seeded members first (so a file or a
    mutual-aid claim points at a real member), then made-up people of the same place."""

    def __init__(self, rng: random.Random):
        self.rng = rng
        self.used: set[int] = set()

    def worker(self, union: Union, *, min_age: int = 38, max_age: int = 55) -> tuple[str, str, Member | None]:
        today = timezone.localdate()
        born = (today - datetime.timedelta(days=round(365.25 * (max_age + 1))),
                today - datetime.timedelta(days=round(365.25 * min_age)))
        member = (Member.objects.filter(union=union, status=MemberStatus.ACTIVE, user__isnull=True,
                                        birth_date__range=born)
                  .exclude(pk__in=self.used).order_by("id").first())
        if member is not None:
            self.used.add(member.pk)
            return member.name, member.id_number, member
        return fake_name(self.rng), self.id_number(union, min_age, max_age), None

    def id_number(self, union: Union, min_age: int, max_age: int) -> str:
        return fake_id_number(self.rng, union.division_code, min_age=min_age, max_age=max_age)

    def relative(self, union: Union, relation: str, income, *, min_age=30, max_age=55, **extra) -> PersonIn:
        return PersonIn(relation=relation, name=fake_name(self.rng), annual_income=income,
                        id_number=self.id_number(union, min_age, max_age), **extra)

    def bank(self) -> tuple[str, str]:
        return self.rng.choice(BANKS), "6222" + "".join(str(self.rng.randint(0, 9)) for _ in range(15))


# (union, causes, note, the worker's income, the others (relation, income, details), unavoidable spending, the
# year's necessary costs, the state the file is taken to). Figures are yearly 元; with 苏州's 低保 line of 1,245 元
# per person a month they come out as 深度困难, 相对困难 or 意外致困 — eligibility decides, not this table.
HOUSEHOLDS = [
    ("A", ["illness"], "妻子患尿毒症，每周三次血液透析，长期无法工作；儿子今年考上大学", 30000,
     [("spouse", 0, {"health": "尿毒症（血液透析）", "work": "无业"}),
      ("child", 0, {"min_age": 18, "max_age": 19, "schooling": "今年考入大学本科"})], 6000, 0, "active"),
    ("A", ["schooling", "unemployment"], "本人下岗后在车间做临时工，两个孩子读书，妻子务农", 80000,
     [("spouse", 8000, {"work": "务农"}), ("child", 0, {"min_age": 15, "max_age": 16, "schooling": "高中在读"}),
      ("child", 0, {"min_age": 11, "max_age": 12, "schooling": "小学在读"})], 9000, 0, "active"),
    ("A", ["disaster", "injury"], "今年夏天家中失火，本人救火时烧伤住院，房屋需重建", 96000,
     [("spouse", 30000, {"work": "超市收银员"}), ("parent", 0, {"min_age": 70, "max_age": 75, "health": "高血压"})],
     0, 125000, "flagged"),
    ("A", ["illness"], "本人确诊肺癌，化疗期间停工，家庭收入骤减", 24000,
     [("spouse", 12000, {"work": "保洁员"})], 8000, 0, "notice"),
    ("A", ["unemployment"], "企业停产后本人待岗，爱人打零工", 36000,
     [("spouse", 15000, {"work": "零工"}), ("child", 0, {"min_age": 8, "max_age": 9, "schooling": "小学在读"})],
     3000, 0, "draft"),
    ("A", ["illness", "other"], "本人患类风湿关节炎，独自抚养孩子", 30000,
     [("child", 0, {"min_age": 13, "max_age": 14, "schooling": "初中在读"})], 7000, 0, "review"),
    ("B", ["unemployment"], "夫妻同厂，工厂减产后双双待岗，仅领基本生活费", 26000,
     [("spouse", 14000, {"work": "待岗"}), ("child", 0, {"min_age": 18, "max_age": 19, "schooling": "今年考入大专"})],
     2000, 0, "active"),
    ("B", ["illness"], "儿子患白血病，正在苏大附儿院治疗", 48000,
     [("spouse", 20000, {"work": "纺织工"}), ("child", 0, {"min_age": 8, "max_age": 10, "health": "白血病"})],
     30000, 0, "notice"),
    ("C", ["illness", "schooling"], "母亲中风卧床，需人照料，女儿读高中", 60000,
     [("parent", 0, {"min_age": 68, "max_age": 72, "health": "中风卧床"}),
      ("child", 0, {"min_age": 16, "max_age": 17, "schooling": "高中在读"})], 12000, 0, "active"),
    ("D", ["injury"], "送件途中被车撞伤，骨折住院三个月，平台未参加工伤保险", 70000,
     [("spouse", 20000, {"work": "家政服务员"})], 0, 85000, "active"),
]


def _unions(officer_union: Union, city: Union) -> dict[str, Union]:
    """A: the officer's union; B and C: enterprise unions in two other 苏州 districts; D: the 姑苏区 couriers'
    federation — so the reports have several unions and districts to break down."""
    unions = {"A": officer_union}
    others = (Union.objects.filter(path__startswith=city.path, level=Level.GRASSROOTS, kind=Kind.ENTERPRISE)
              .exclude(division_code=officer_union.division_code).order_by("id"))
    seen = set()
    for union in others:
        if union.parent_id not in seen:
            seen.add(union.parent_id)
            unions["BC"[len(seen) - 1]] = union
        if len(seen) == 2:
            break
    couriers = Union.objects.filter(parent=officer_union.parent, kind=Kind.SECTOR_FEDERATION,
                                    name__contains="快递").first()
    unions["D"] = couriers or officer_union
    unions.setdefault("B", officer_union)
    unions.setdefault("C", unions["B"])
    return unions


def _household(people: _People, union: Union, spec) -> tuple[FileData, Member | None]:
    _, causes, note, income, others, spending, costs, _ = spec
    name, id_number, member = people.worker(union)
    bank_name, account = people.bank()
    rng = people.rng
    household = [PersonIn(relation="self", name=name, id_number=id_number, annual_income=income,
                          work="在职" if union.kind == Kind.ENTERPRISE else "快递员")]
    for relation, other_income, extra in others:
        extra = dict(extra)
        ages = {key: extra.pop(key) for key in ("min_age", "max_age") if key in extra}
        household.append(people.relative(union, relation, other_income, **ages, **extra))
    data = FileData(name=name, household=household, causes=list(causes), cause_note=note, phone=fake_phone(rng),
                    address=f"{union.division_name}{rng.choice(STREETS)}{rng.randint(1, 40)}幢{rng.randint(101, 602)}室",
                    unavoidable_spending=spending, necessary_costs=costs, bank_name=bank_name, bank_account=account)
    return data, member


def _to_notice(file: HardshipFile, actor, started: datetime.date) -> HardshipFile:
    file = file_svc.file_submit(actor=actor, file=file)
    file = file_svc.file_visit(actor=actor, file=file, visited_by=f"{actor}、工会小组长",
                               note="入户走访核实：家庭成员、收入和支出情况与申报一致，住房简陋，确有困难。")
    return file_svc.file_notice_start(actor=actor, file=file, today=started)


def _files(unions: dict, people: _People, officer: User, city_staff: User, today: datetime.date) -> dict:
    """Take each household to its state; returns {state: [(file, data)]}."""
    made: dict[str, list] = {}
    for spec in HOUSEHOLDS:
        union = unions[spec[0]]
        actor = officer if union == unions["A"] else city_staff
        data, member = _household(people, union, spec)
        file = file_svc.file_create(actor=actor, union=union, data=dataclasses.replace(data), member=member)
        state = spec[-1]
        if state == "notice":
            file = _to_notice(file, actor, today)
        elif state in ("review", "active", "flagged"):
            file = _to_notice(file, actor, today - datetime.timedelta(days=30))
            file = file_svc.file_notice_close(actor=actor, file=file, today=today)
            if state != "review":
                file = file_svc.file_approve(actor=city_staff, file=file)
        if state == "flagged":  # this year's figures: the household has recovered, so the review flags it
            recovered = dataclasses.replace(data, necessary_costs=0, household=[
                dataclasses.replace(person, annual_income=Decimal(person.annual_income) + 40000)
                if person.relation in ("self", "spouse") else person for person in data.household])
            file = file_svc.file_reassess(actor=actor, file=file, data=recovered, today=today)
        made.setdefault(state, []).append((file, data))
    return made


def _campaigns(city: Union, city_staff: User, today: datetime.date) -> tuple[Campaign, Campaign, Campaign]:
    year = today.year
    day = datetime.timedelta(days=1)
    relief = app_svc.campaign_create(actor=city_staff, union=city, data=CampaignData(
        name=f"{year}年冬季送温暖", kind=CampaignKind.RELIEF, year=year, starts_on=today - 30 * day,
        ends_on=today + 45 * day, budget="200000", review_levels=[Level.GRASSROOTS, Level.COUNTY],
        groups=["hardship", "frontline", "new_form", "model_worker"], standard_amount="1000",
        description="走访慰问在档困难职工、一线职工和新就业形态劳动者，每户慰问金 1000 元。"))
    tuition = app_svc.campaign_create(actor=city_staff, union=city, data=CampaignData(
        name=f"{year}年金秋助学", kind=CampaignKind.TUITION, year=year, starts_on=today - 20 * day,
        ends_on=today + 40 * day, budget="300000", review_levels=[Level.GRASSROOTS, Level.COUNTY],
        grant_table={"high_school": {"file": 2000, "no_file": 1000}, "vocational": {"file": 2000, "no_file": 1000},
                     "college": {"file": 4000, "no_file": 2000}, "bachelor": {"file": 5000, "no_file": 3000},
                     "graduate": {"file": 6000, "no_file": 3000}},
        description="资助困难职工家庭和一线职工家庭今年考入高中、中职、大学的子女。"))
    mutual = app_svc.campaign_create(actor=city_staff, union=city, data=CampaignData(
        name=f"{year}年度职工住院医疗互助", kind=CampaignKind.MUTUAL, year=year,
        starts_on=datetime.date(year, 1, 1), ends_on=datetime.date(year, 12, 31), budget="500000",
        review_levels=[Level.COUNTY], premium="30", deductible="1000", payout_ratio="0.5", annual_cap="20000",
        description="会员每人每年 30 元，住院个人自付超过 1000 元的部分给付 50%，每年最高 2 万元。"))
    return relief, tuition, mutual


def _apply(actor, campaign: Campaign, union: Union, name: str, id_number: str, people: _People, *,
           member=None, applicant=None, **fields) -> Application:
    bank_name, account = people.bank()
    data = ApplicationIn(name=name, id_number=id_number, bank_name=bank_name, bank_account=account, **fields)
    return app_svc.application_submit(actor=actor, campaign=campaign, union=union, data=data, member=member,
                                      applicant=applicant)


def _approve(application: Application, *reviewers) -> Application:
    for reviewer in reviewers:
        application = app_svc.application_decide(actor=reviewer, application=application, decision="approve")
    return application


def _worker_joins(officer: User, union: Union, rng: random.Random) -> tuple[User, Member]:
    worker = User.objects.get(username=WORKER_USERNAME)
    join = join_apply(actor=worker, union=union, data=PersonData(
        name=worker.display_name or "王小明", id_number=fake_id_number(rng, union.division_code, min_age=40, max_age=45),
        phone=WORKER_USERNAME, employer=union.name.removesuffix("工会")))
    return worker, join_approve(actor=officer, application=join)


def seed_aid_demo(*, officer_union: Union, city: Union, today: datetime.date | None = None) -> AidDemo | None:
    """Seed the aid demo under the demo tree; does nothing (returns None) when any campaign or file exists."""
    if Campaign.objects.exists() or HardshipFile.objects.exists():
        return None
    today = today or timezone.localdate()
    seed_regions(RegionRule)  # a flushed database (browser tests) has lost the migration's rules
    rng = random.Random(SEED)
    people = _People(rng)
    officer = User.objects.get(username="officer")
    city_staff = User.objects.get(username="city")
    with transaction.atomic():
        unions = _unions(officer_union, city)
        files = _files(unions, people, officer, city_staff, today)
        relief, tuition, mutual = _campaigns(city, city_staff, today)
        worker, worker_member = _worker_joins(officer, unions["A"], rng)
        _relief_applications(relief, files, unions, people, officer, city_staff, worker, worker_member)
        _tuition_applications(tuition, files, unions, people, officer, city_staff)
        _mutual_plan(mutual, unions["A"], people, officer, city_staff, worker_member)
        _pay(relief, tuition, city_staff)
    return AidDemo(files=HardshipFile.objects.count(), campaigns=Campaign.objects.count(),
                   applications=Application.objects.count(), payments=Payment.objects.count())


def _self_of(data: FileData) -> PersonIn:
    return next(person for person in data.household if person.relation == "self")


def _relief_applications(relief, files, unions, people, officer, city_staff, worker, worker_member) -> None:
    union_a = unions["A"]
    on_file = files["active"] + files["flagged"]
    for file, data in on_file:  # every household on file gets the visit and the grant
        actor = officer if file.union_id == union_a.pk else city_staff
        me = _self_of(data)
        application = _apply(actor, relief, file.union, me.name, me.id_number, people, member=file.member,
                             reason="在档困难职工，春节前走访慰问")
        _approve(application, actor, city_staff)
    # 王小明 applies himself as a frontline worker; his union agreed, the district federation has it now
    mine = _apply(worker, relief, union_a, worker_member.name, worker_member.id_number, people,
                  member=worker_member, applicant=worker, groups=["frontline"],
                  reason="车间一线操作工，今年妻子生病住院，家里开销大")
    _approve(mine, officer)
    name, id_number, member = people.worker(union_a)
    _apply(officer, relief, union_a, name, id_number, people, member=member, groups=["frontline"],
           reason="一线装配工，连续三年春节坚守岗位")
    name, id_number, member = people.worker(union_a)
    returned = _apply(officer, relief, union_a, name, id_number, people, member=member, groups=["frontline"],
                      reason="一线职工")
    app_svc.application_decide(actor=city_staff, application=_approve(returned, officer), decision="return",
                               reason="请补充所在班组出具的一线岗位证明")
    name, id_number, member = people.worker(union_a)
    refused = _apply(officer, relief, union_a, name, id_number, people, member=member, groups=["frontline"],
                     reason="家庭生活困难")
    app_svc.application_decide(actor=city_staff, application=_approve(refused, officer), decision="reject",
                               reason="经核实该职工为管理岗位，不属于本次一线职工慰问范围")


def _tuition_applications(tuition, files, unions, people, officer, city_staff) -> None:
    union_a = unions["A"]
    school = {"bachelor": ("苏州大学", "6800"), "college": ("苏州工业职业技术学院", "5500"),
              "high_school": ("苏州市第三中学", "1800")}
    for file, data in files["active"]:
        child = next((p for p in data.household if p.relation == "child" and p.schooling.startswith("今年考入")), None)
        if child is None:
            continue
        level = "bachelor" if "本科" in child.schooling else "college"
        actor = officer if file.union_id == union_a.pk else city_staff
        me = _self_of(data)
        application = _apply(actor, tuition, file.union, me.name, me.id_number, people, member=file.member,
                             child_name=child.name, child_id_number=child.id_number, school=school[level][0],
                             level=level, admission_year=tuition.year, tuition=school[level][1],
                             reason="在档困难职工子女今年升学")
        _approve(application, actor, city_staff)
    for level, ages, decided in (("bachelor", (18, 19), True), ("high_school", (15, 16), False)):  # not on file
        name, id_number, member = people.worker(union_a, min_age=40, max_age=50)
        application = _apply(officer, tuition, union_a, name, id_number, people, member=member,
                             child_name=fake_name(people.rng), school=school[level][0], level=level,
                             child_id_number=people.id_number(union_a, *ages),
                             admission_year=tuition.year, tuition=school[level][1], reason="一线职工子女升学")
        if decided:
            _approve(application, officer, city_staff)


def _mutual_plan(mutual, union_a, people, officer, city_staff, worker_member) -> None:
    members = list(Member.objects.filter(union=union_a, status=MemberStatus.ACTIVE).exclude(pk=worker_member.pk)
                   .order_by("id")[:20])
    app_svc.enrollment_create(actor=officer, plan=mutual, members=[worker_member, *members], by_union=True)
    claimants = (members[:2] or [worker_member]) * 2
    bills = [("苏州大学附属第一医院", "26000", "15000", "11000", True), ("苏州市立医院", "9800", "6200", "3600", False)]
    for member, (hospital, total, insurance, self_paid, decided) in zip(claimants, bills):
        bill_number = f"ZY{mutual.year}{people.rng.randint(100000, 999999)}"
        claim = _apply(officer, mutual, union_a, member.name, member.id_number, people, member=member,
                       hospital=hospital, bill_number=bill_number, total=total, insurance_paid=insurance,
                       self_paid=self_paid, reason="住院治疗")
        if decided:
            _approve(claim, city_staff)


def _pay(relief: Campaign, tuition: Campaign, city_staff: User) -> None:
    """送温暖: one batch sent to the bank, most paid, one failed, one still waiting for the bank's answer, and one
    paid then returned (退汇) and queued again. 金秋助学: one batch, the bank's result file says all paid."""
    batch = pay_svc.batch_submit(actor=city_staff, batch=pay_svc.batch_create(actor=city_staff, campaign=relief))
    # the last payment stays in the exported batch: the bank has not answered for it yet
    *paid, failed, _waiting = batch.payments.order_by("id")
    for number, payment in enumerate(paid, start=1):
        pay_svc.payment_record(actor=city_staff, payment=payment, result="paid",
                               reference=f"YH{batch.pk:04d}{number:04d}")
    pay_svc.payment_record(actor=city_staff, payment=failed, result="failed", reason="户名与账号不符")
    if paid:
        returned = pay_svc.payment_record(actor=city_staff, payment=paid[-1], result="returned",
                                          reason="收款账户已冻结，银行退汇")
        pay_svc.payment_retry(actor=city_staff, payment=returned)

    batch = pay_svc.batch_submit(actor=city_staff, batch=pay_svc.batch_create(actor=city_staff, campaign=tuition))
    rows = [{"key": key, "result": "成功", "reference": f"JQ{batch.pk:04d}{number:04d}"}
            for number, key in enumerate(batch.payments.order_by("id").values_list("idempotency_key", flat=True), 1)]
    pay_svc.batch_record_results(actor=city_staff, batch=batch, rows=rows)
