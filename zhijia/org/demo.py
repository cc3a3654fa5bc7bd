"""Demo data: a realistic slice of the Jiangsu union tree, its members, and the demo accounts.

Used by `manage.py seed_demo` and bench/subtree.py. It writes in bulk instead of calling union_create and
member_create once per row, because a benchmark seed is thousands of unions and a million members. It keeps
the invariants those services keep: every Union's path/depth/province_id (see the model docstring); every
Member's province_id, gender and birth date derived from a valid 身份证号, a 会员号 from
allocate_member_numbers, and at most one holding membership per person. One audit entry records the run.
"""

import datetime
import functools
import random
import time
from collections.abc import Callable
from dataclasses import dataclass

from django.contrib.auth.hashers import make_password
from django.db import connection, reset_queries, transaction
from django.utils import timezone
from stdnum.cn import ric

from zhijia.accounts.models import Role, RoleAssignment, User
from zhijia.core import audit
from zhijia.core.generators import fake_credit_code, fake_name, fake_phone
from zhijia.core.pii import encrypt, lookup_hash
from zhijia.core.validators import divisions
from zhijia.members.models import Member, MemberStatus, NewFormType
from zhijia.members.services import allocate_member_numbers

from .models import MEMBER_KINDS, Kind, Level, Status, Union

audit.register("demo.seed", "生成演示数据")

DEMO_PASSWORD = "zhijia-demo-2026"
WORKER_USERNAME = "13800000000"
OFFICER_UNION_NAME = "苏州精工机械有限公司工会"
OFFICER_UNION_DIVISION = "320508"  # 姑苏区
PROVINCE_CODE = "320000"

# Prefecture-level cities of Jiangsu with their 2020 census population (millions), which weights how many
# members each gets. 淮安 (320800) is left out: divisions.tsv marks its code as revoked (the code was first
# 淮阴市's), so clean_division_code would refuse it.
CITIES = [
    ("320500", 12.7), ("320100", 9.3), ("320200", 7.5), ("320400", 5.3), ("320600", 7.7), ("320300", 9.1),
    ("321000", 4.6), ("321100", 3.2), ("321200", 4.5), ("320900", 6.7), ("320700", 4.6), ("321300", 5.0),
]
SMALL_DEMO_MEMBERS = 50_000  # below this, only 苏州, 南京 and 无锡 so a small demo is not spread too thin
SMALL_DEMO_CITIES = 3

BRANDS = (
    "恒瑞 华星 中科 金鹰 宏达 博远 鼎盛 天成 新宇 永盛 瑞丰 东方 长江 润华 海昌 联创 思源 德信 汇通 正泰 明阳 国泰 嘉和 "
    "宝利 精诚 卓越 雅致 凯达 信达 隆兴 天合 旭日 晨光 润泽 锦华 盛世 和泰 安捷 中盛 远景 华美 同创 荣丰 永鑫 金桥"
).split()
INDUSTRIES = (
    "精密机械 电子科技 纺织 新材料 生物医药 物流 汽车零部件 光电 智能装备 化工 食品 建筑工程 软件 半导体 环保科技 "
    "家具 服装 电缆 模具 包装 钢结构 医疗器械 印染 光伏科技 不锈钢制品"
).split()
STREETS = "城东 城西 城南 城北 新城 湖滨 滨江 金山 龙山 凤凰 东湖 南湖 北塘 双桥 清河 长安 和平 永安 太平 梅园".split()
ROADS = "人民路 解放路 中山路 建设路 长江路 新华路 和平路 科技路 创业路 工业大道 港城路 青年路 文化路 迎宾大道".split()
SHOPS = "商贸有限公司 餐饮管理有限公司 便利店 汽车维修服务部 家政服务有限公司 装饰工程有限公司 超市 物业管理有限公司".split()
COURIER_BRANDS = "顺丰速运 中通快递 圆通速递 韵达快递 申通快递 京东物流 极兔速递 中国邮政".split()
FOOD_BRANDS = ["美团外卖", "饿了么"]
FLEXIBLE_EMPLOYERS = {
    NewFormType.RIDE_HAILING: ["滴滴出行", "T3出行", "曹操出行", "高德打车"],
    NewFormType.TRUCK_DRIVER: ["货拉拉", "满帮货运", "快狗打车"],
    NewFormType.STREAMER: ["抖音平台主播", "快手平台主播"],
    NewFormType.OTHER: ["个体经营", "灵活就业"],
}
# Where many 农民工 in Jiangsu come from (current codes; historical ones are found by name for older people).
MIGRANT_ORIGINS = ["341221", "341222", "340826", "411525", "411623", "411625", "510623", "520525", "321322", "320324"]
MIGRANT_SHARE = {Kind.ENTERPRISE: 0.3, Kind.INSTITUTION: 0.02, Kind.SECTOR_FEDERATION: 0.65,
                 Kind.REGIONAL_FEDERATION: 0.5, Kind.PARK: 0.35, Kind.TOWNSHIP: 0.3, Kind.COMMUNITY: 0.2}
# Typical membership of one union of each kind, relative; enterprises vary around it (log-normal).
KIND_SIZE = {Kind.ENTERPRISE: 150, Kind.INSTITUTION: 300, Kind.SECTOR_FEDERATION: 250,
             Kind.REGIONAL_FEDERATION: 200, Kind.PARK: 150, Kind.TOWNSHIP: 100, Kind.COMMUNITY: 60}

Progress = Callable[[str], None] | None


@dataclass
class DemoSummary:
    unions: int
    members: int
    province: Union
    city: Union
    officer_union: Union
    seconds: float


def seed_demo(*, members: int, seed: int = 2026, progress: Progress = None, batch_size: int = 5000) -> DemoSummary:
    """Build the demo tree, accounts and `members` members into an empty database."""
    started = time.monotonic()
    rng = random.Random(seed)
    cities = CITIES if members >= SMALL_DEMO_MEMBERS else CITIES[:SMALL_DEMO_CITIES]
    with transaction.atomic():
        tree = _build_tree(rng, cities=[code for code, _ in cities], members=members)
        admin = _create_accounts(tree)
        from zhijia.cases.demo import seed_cases_demo

        seed_cases_demo(operator=User.objects.get(username="city"), officer=User.objects.get(username="officer"),
                        officer_union=tree.officer_union, city=tree.city)
    if progress:
        progress(f"工会组织 {tree.count} 个已建好")
    created = seed_members(count=members, rng=rng, progress=progress, batch_size=batch_size)
    summary = DemoSummary(
        unions=tree.count,
        members=created,
        province=tree.province,
        city=tree.city,
        officer_union=tree.officer_union,
        seconds=time.monotonic() - started,
    )
    audit.record(
        actor=admin,
        action="demo.seed",
        union=tree.province,
        object_type="org.union",
        object_id=tree.province.pk,
        object_repr="演示数据",
        after={"unions": summary.unions, "members": summary.members, "seed": seed},
    )
    _vacuum_analyze()
    return summary


# ---- The tree -------------------------------------------------------------------------------


@dataclass
class _Tree:
    count: int
    province: Union
    city: Union
    officer_union: Union


def _short(name: str, parent_full: str) -> str:
    """"江苏省苏州市姑苏区" under "江苏省苏州市" -> "姑苏区"."""
    return name[len(parent_full):] if name.startswith(parent_full) and len(name) > len(parent_full) else name


def counties_of(city_code: str) -> list[str]:
    """Current county-level codes under a prefecture-level city, without the 市辖区 placeholder."""
    prefix = city_code[:4]
    return [
        code for code, division in sorted(divisions().items())
        if code.startswith(prefix) and code[4:] not in ("00", "01") and division.current
        and not division.name.endswith("市辖区")
    ]


class _Builder:
    def __init__(self, rng: random.Random):
        self.rng = rng
        self.levels: list[list[Union]] = [[] for _ in range(6)]
        self.names: set[str] = set()
        self.credit_codes: set[str] = set()

    def add(self, *, depth: int, parent: Union | None, name: str, kind: str, level: int, division_code: str,
            founded: tuple[int, int], address_area: str) -> Union:
        rng = self.rng
        while True:
            credit_code = fake_credit_code(rng, division_code)
            if credit_code not in self.credit_codes:
                self.credit_codes.add(credit_code)
                break
        self.names.add(name)
        union = Union(
            name=name,
            kind=kind,
            level=level,
            parent=parent,
            division_code=division_code,
            credit_code=credit_code,
            chair_name=fake_name(rng),
            address=f"{address_area}{rng.choice(ROADS)}{rng.randint(1, 999)}号",
            established_on=datetime.date(rng.randint(*founded), rng.randint(1, 12), rng.randint(1, 28)),
            status=Status.ACTIVE,
        )
        self.levels[depth].append(union)
        return union

    def company(self, city_short: str) -> str:
        while True:
            name = (f"{city_short}{self.rng.choice(BRANDS)}{self.rng.choice(INDUSTRIES)}"
                    f"{'股份有限公司' if self.rng.random() < 0.2 else '有限公司'}工会")
            if name not in self.names:
                return name

    def save(self) -> int:
        """Insert level by level so each parent has its id, then fill path/depth/province_id."""
        total = 0
        for depth, unions in enumerate(self.levels):
            if not unions:
                continue
            Union.objects.bulk_create(unions, batch_size=1000)
            for union in unions:
                parent = union.parent
                union.path = (parent.path if parent else "/") + f"{union.pk}/"
                union.depth = depth
                if union.level == Level.NATIONAL:
                    union.province_id = None
                else:
                    union.province_id = parent.province_id if parent and parent.province_id else union.pk
            Union.objects.bulk_update(unions, ["path", "depth", "province_id"], batch_size=500)
            total += len(unions)
        return total


def _build_tree(rng: random.Random, *, cities: list[str], members: int) -> _Tree:
    names = divisions()
    b = _Builder(rng)
    national = b.add(depth=0, parent=None, name="中华全国总工会", kind=Kind.FEDERATION, level=Level.NATIONAL,
                     division_code="110000", founded=(1925, 1925), address_area="北京市西城区")
    national.established_on = datetime.date(1925, 5, 1)
    province_full = names[PROVINCE_CODE].name
    province = b.add(depth=1, parent=national, name="江苏省总工会", kind=Kind.FEDERATION, level=Level.PROVINCIAL,
                     division_code=PROVINCE_CODE, founded=(1950, 1955), address_area=f"{province_full}南京市")
    county_codes = {city: counties_of(city) for city in cities}
    per_county = max(2, min(40, round(members / (sum(map(len, county_codes.values())) * 250))))
    officer_union = None
    suzhou = None
    for city_code in cities:
        city_full = names[city_code].name
        city_short = _short(city_full, province_full)
        city = b.add(depth=2, parent=province, name=f"{city_short}总工会", kind=Kind.FEDERATION, level=Level.CITY,
                     division_code=city_code, founded=(1950, 1985), address_area=city_full)
        if city_code == "320500":
            suzhou = city
        for county_code in county_codes[city_code]:
            county_full = names[county_code].name
            short = _short(county_full, city_full)
            county = b.add(depth=3, parent=city, name=f"{short}总工会", kind=Kind.FEDERATION, level=Level.COUNTY,
                           division_code=county_code, founded=(1955, 2013), address_area=county_full)
            if county_code == OFFICER_UNION_DIVISION and officer_union is None:
                # The demo chair's union: the first grassroots union created in 苏州 (lowest id).
                officer_union = b.add(depth=4, parent=county, name=OFFICER_UNION_NAME, kind=Kind.ENTERPRISE,
                                      level=Level.GRASSROOTS, division_code=county_code, founded=(1998, 2010),
                                      address_area=county_full)
                b.levels[4].insert(0, b.levels[4].pop())
            _county_children(b, county, short=short, county_full=county_full, city_short=city_short[:-1],
                             per_county=per_county)
    if suzhou is None or officer_union is None:
        raise ValueError("the demo tree needs 苏州市 (320500) and 姑苏区 (320508)")
    count = b.save()
    return _Tree(count=count, province=province, city=suzhou, officer_union=officer_union)


def _county_children(b: _Builder, county: Union, *, short: str, county_full: str, city_short: str,
                     per_county: int) -> None:
    rng = b.rng
    code = county.division_code
    grassroots = {"depth": 4, "parent": county, "level": Level.GRASSROOTS, "division_code": code,
                  "address_area": county_full}
    b.add(name=f"{short}人民医院工会", kind=Kind.INSTITUTION, founded=(1980, 2005), **grassroots)
    b.add(name=f"{short}快递行业工会联合会", kind=Kind.SECTOR_FEDERATION, founded=(2018, 2024), **grassroots)
    b.add(name=f"{short}外卖配送行业工会联合会", kind=Kind.SECTOR_FEDERATION, founded=(2019, 2024), **grassroots)
    b.add(name=f"{short}新就业形态劳动者工会联合会", kind=Kind.REGIONAL_FEDERATION, founded=(2020, 2024), **grassroots)
    park_name = f"{short}经济开发区工会" if short[-1] in "市县" else f"{short}高新技术产业园区工会"
    park = b.add(name=park_name, kind=Kind.PARK, founded=(2000, 2015), **grassroots)
    place = "镇" if short[-1] in "市县" else "街道"
    towns = [
        b.add(name=f"{short}{street}{place}工会", kind=Kind.TOWNSHIP, founded=(1990, 2015), **grassroots)
        for street in rng.sample(STREETS, 2)
    ]
    for _ in range(per_county):
        # Half the enterprise unions report to the county federation, the rest to a park or town union.
        roll = rng.random()
        parent, depth = (county, 4) if roll < 0.5 else ((park, 5) if roll < 0.75 else (rng.choice(towns), 5))
        b.add(depth=depth, parent=parent, name=b.company(city_short), kind=Kind.ENTERPRISE, level=Level.GRASSROOTS,
              division_code=code, founded=(1992, 2023), address_area=county_full)


def _create_accounts(tree: _Tree) -> User:
    # One hash for all four: the password is public anyway, and each PBKDF2 run costs most of a second.
    password = make_password(DEMO_PASSWORD)

    def account(username: str, display_name: str, role: str | None = None, union: Union | None = None, **flags):
        user = User.objects.create(username=username, display_name=display_name, password=password, **flags)
        if role:
            RoleAssignment.objects.create(user=user, union=union, role=role)
        return user

    account(WORKER_USERNAME, "王小明")  # not a member yet, so the join flow can be shown
    account("officer", tree.officer_union.chair_name, Role.GRASSROOTS_CHAIR, tree.officer_union)
    account("city", "孙丽华", Role.UPPER_STAFF, tree.city)
    return account("admin", "系统管理员", Role.SYSADMIN, tree.province, is_staff=True, is_superuser=True)


# ---- Members ---------------------------------------------------------------------------------


@functools.cache
def _place_candidates(code: str) -> tuple[str, ...]:
    """Place codes to try for someone from `code`, nearest first: itself, same-named codes of the province
    (the county under an older prefecture), the city's other districts, its 市辖区 and the city itself, anywhere
    in the province, and last Beijing (where generators.fake_id_number falls back too)."""
    table = divisions()
    city = code[:4] + "00"
    short = _short(table[code].name, table[city].name) if code in table and city in table else ""
    same_name = [c for c, d in sorted(table.items())
                 if c != code and c[:2] == code[:2] and len(short) >= 2 and d.name.endswith(short)]
    same_city = [c for c in sorted(table) if c[:4] == code[:4] and c[4:] not in ("00", "01")]
    same_province = [c for c in sorted(table) if c[:2] == code[:2] and c[2:] != "0000"]
    ordered = [code, *same_name, *same_city, code[:4] + "01", city, *same_province, "110101"]
    return tuple(dict.fromkeys(c for c in ordered if c in table))


@functools.cache
def _birth_place(code: str, year: int) -> str:
    """The first candidate place code that was in use in `year` (stdnum knows when each code was valid)."""
    for place in _place_candidates(code):
        body = f"{place}{year}0101001"
        if ric.is_valid(body + ric.calc_check_digit(body + "0")):
            return place
    return "110101"


class IdNumbers:
    """Valid 身份证号 fast enough for a million people.

    Same rules as generators.fake_id_number (age 18–60, place code in use in the birth year), but the
    place check is cached per (place, year): stdnum's lookup costs about 0.2 ms a call. People born before
    their district existed get the code in use then, found by name or within the same city.
    """

    def __init__(self, rng: random.Random, today: datetime.date):
        self.rng = rng
        self.today = today

    def make(self, code: str) -> str:
        birth = self.today - datetime.timedelta(days=self.rng.randint(18 * 366, 60 * 365))
        body = f"{_birth_place(code, birth.year)}{birth:%Y%m%d}{self.rng.randint(0, 999):03d}"
        return body + ric.calc_check_digit(body + "0")


@dataclass
class _Target:
    """A member-holding union and how to make plausible members for it."""

    id: int
    province_id: int
    division_code: str
    kind: str
    name: str
    employer: str
    area: str
    established_on: datetime.date | None
    new_form_types: tuple[str, ...]


def _targets(rng: random.Random, member_count: int) -> tuple[list[_Target], list[float]]:
    population = dict(CITIES)
    rows = list(
        Union.objects.filter(kind__in=MEMBER_KINDS, status=Status.ACTIVE)
        .order_by("id")
        .values_list("id", "province_id", "division_code", "kind", "name", "established_on")
    )
    if not rows:
        raise ValueError("no union accepts members: build the tree first")
    unions_per_city: dict[str, int] = {}
    for row in rows:
        unions_per_city[row[2][:4]] = unions_per_city.get(row[2][:4], 0) + 1
    table = divisions()
    targets, weights = [], []
    officer_index = None
    for union_id, province_id, code, kind, name, established_on in rows:
        city_full = table.get(code[:4] + "00")
        area = _short(table[code].name, city_full.name) if code in table and city_full else ""
        new_form: tuple[str, ...] = ()
        employer = name.removesuffix("工会")
        if kind == Kind.SECTOR_FEDERATION:
            new_form = (NewFormType.COURIER,) if "快递" in name else (NewFormType.FOOD_DELIVERY,)
        elif kind == Kind.REGIONAL_FEDERATION:
            new_form = tuple(FLEXIBLE_EMPLOYERS)
        targets.append(_Target(union_id, province_id, code, kind, name, employer, area, established_on, new_form))
        size = KIND_SIZE.get(kind, 100)
        if kind == Kind.ENTERPRISE:
            size *= rng.lognormvariate(0, 0.9)
        city_weight = population.get(code[:4] + "00", 3.0) / unions_per_city[code[:4]]
        weights.append(size * city_weight)
        if name == OFFICER_UNION_NAME:
            officer_index = len(targets) - 1
    if officer_index is not None and member_count:
        # Give the demo chair's union a visible share: about 10% of a small demo, at most ~5,000 members.
        share = min(0.1, 5000 / member_count)
        others = sum(weights) - weights[officer_index]
        weights[officer_index] = others * share / (1 - share)
    return targets, weights


def _employer(rng: random.Random, target: _Target, new_form_type: str) -> str:
    if new_form_type == NewFormType.COURIER:
        return f"{rng.choice(COURIER_BRANDS)}{target.area}网点"
    if new_form_type == NewFormType.FOOD_DELIVERY:
        return f"{rng.choice(FOOD_BRANDS)}{target.area}配送站"
    if new_form_type:
        return rng.choice(FLEXIBLE_EMPLOYERS[new_form_type])
    if target.kind in (Kind.ENTERPRISE, Kind.INSTITUTION):
        return target.employer
    # Park, town and regional unions gather the staff of small firms without a union of their own.
    return f"{target.area}{rng.choice(BRANDS)}{rng.choice(SHOPS)}"


MEMBER_COLUMNS = [
    "name", "id_number", "id_number_hash", "phone", "phone_hash", "employer", "is_migrant_worker", "new_form_type",
    "member_no", "user_id", "gender", "birth_date", "union_id", "province_id", "joined_on", "status",
    "card_version", "created_at", "updated_at",
]
MEMBER_NO, ID_NUMBER, PHONE = (MEMBER_COLUMNS.index(name) for name in ("member_no", "id_number", "phone"))


def seed_members(*, count: int, rng: random.Random, progress: Progress = None, batch_size: int = 5000) -> int:
    """Add `count` members spread over the member-holding unions already in the database.

    Each batch takes its 会员号 block and is written in its own transaction (COPY on PostgreSQL,
    bulk_create elsewhere), so memory stays flat and an interrupted run can be topped up.
    """
    if count <= 0:
        return 0
    today = timezone.localdate()
    now = timezone.now()
    targets, weights = _targets(rng, count)
    cumulative = list(_accumulate(weights))
    ids = IdNumbers(rng, today)
    # Keys of people already registered, so no one gets a second holding membership.
    taken = {int(h[:16], 16) for h in Member.objects.values_list("id_number_hash", flat=True).iterator(10000)}
    number_union = Union.objects.get(pk=targets[0].id)
    use_copy = connection.vendor == "postgresql"
    started = time.monotonic()
    done = 0
    while done < count:
        size = min(batch_size, count - done)
        chosen = rng.choices(targets, cum_weights=cumulative, k=size)
        rows = (_member_row(rng, ids, target, today, now, taken) for target in chosen)
        if not use_copy:
            rows = list(rows)  # generated before the counter row is locked
        with transaction.atomic():
            numbers = iter(allocate_member_numbers(union=number_union, count=size))
            if use_copy:
                # Rows are made while COPY streams, so PostgreSQL indexes one batch while Python makes the next rows.
                _copy_members(rows, numbers)
            else:
                members = []
                for row in rows:
                    row[MEMBER_NO] = next(numbers)
                    members.append(Member(**dict(zip(MEMBER_COLUMNS, row, strict=True))))
                Member.objects.bulk_create(members, batch_size=batch_size)
        done += size
        reset_queries()  # with DEBUG on, Django would otherwise keep every INSERT's SQL in memory
        if progress:
            elapsed = time.monotonic() - started
            eta = elapsed / done * (count - done)
            progress(f"会员 {done:,}/{count:,}（{done * 100 // count}%），已用 {elapsed:.0f} 秒，约还需 {eta:.0f} 秒")
    return done


def _accumulate(weights: list[float]):
    total = 0.0
    for weight in weights:
        total += weight
        yield total


def _member_row(rng: random.Random, ids: IdNumbers, target: _Target, today: datetime.date,
                now: datetime.datetime, taken: set[int]) -> list:
    migrant = rng.random() < MIGRANT_SHARE.get(target.kind, 0.2)
    new_form_type = ""
    if target.new_form_types and (target.kind == Kind.SECTOR_FEDERATION or rng.random() < 0.6):
        new_form_type = rng.choice(target.new_form_types)
    while True:
        id_number = ids.make(rng.choice(MIGRANT_ORIGINS) if migrant else target.division_code)
        id_hash = lookup_hash(id_number)
        key = int(id_hash[:16], 16)
        if key not in taken:
            taken.add(key)
            break
    birth = datetime.date(int(id_number[6:10]), int(id_number[10:12]), int(id_number[12:14]))
    earliest = max(birth + datetime.timedelta(days=6575), target.established_on or datetime.date(1990, 1, 1))
    joined_on = earliest + datetime.timedelta(days=rng.randint(0, max(0, (today - earliest).days)))
    roll = rng.random()
    status = MemberStatus.WITHDRAWN if roll < 0.015 else MemberStatus.RESERVED if roll < 0.025 else MemberStatus.ACTIVE
    phone = fake_phone(rng)
    return [
        fake_name(rng), id_number, id_hash, phone, lookup_hash(phone), _employer(rng, target, new_form_type), migrant,
        new_form_type, None, None, "M" if int(id_number[16]) % 2 else "F", birth, target.id, target.province_id,
        min(joined_on, today), status, 1, now, now,
    ]


def _copy_members(rows, numbers) -> None:
    quote = connection.ops.quote_name
    columns = ", ".join(quote(column) for column in MEMBER_COLUMNS)
    with connection.cursor() as cursor:
        with cursor.copy(f"COPY {quote(Member._meta.db_table)} ({columns}) FROM STDIN") as copy:
            for row in rows:
                row[MEMBER_NO] = next(numbers)
                row[ID_NUMBER] = encrypt(row[ID_NUMBER])
                row[PHONE] = encrypt(row[PHONE])
                copy.write_row(row)


def _vacuum_analyze() -> None:
    """After a bulk load, refresh planner statistics (and on PostgreSQL the visibility map) like autovacuum would."""
    if connection.in_atomic_block:
        return
    tables = [Union._meta.db_table, Member._meta.db_table]
    with connection.cursor() as cursor:
        for table in tables:
            if connection.vendor == "postgresql":
                cursor.execute(f"VACUUM (ANALYZE) {connection.ops.quote_name(table)}")
            elif connection.vendor == "sqlite":
                cursor.execute(f"ANALYZE {connection.ops.quote_name(table)}")
