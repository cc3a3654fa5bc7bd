"""Demo data for employment help, so `make run` shows every jobs page with content: five 苏州 employers with
accounts (the demo employer login "hr" is 苏州精工机械有限公司's), forty vacancies with realistic titles, skills
and wages in 姑苏、吴中、相城、虎丘, thirty job seekers across every priority group, applications, referrals and
their outcomes, an upcoming job fair with registrations and a past online one. The demo worker 王小明 (13800000000)
has his own profile — his plant is retooling, so he is 转岗 — and his /jobs/ page shows matches.

Everything goes through the jobs services (as the demo's officer, city and employer accounts would click it), so
validation, the audit log, notifications and the matching index's change log are the real thing.
"""

import dataclasses
import datetime
import random
from dataclasses import dataclass

from django.contrib.auth.hashers import make_password
from django.db import transaction
from django.utils import timezone

from zhijia.accounts.models import User
from zhijia.core.generators import fake_credit_code, fake_name, fake_phone
from zhijia.org.demo import DEMO_PASSWORD, WORKER_USERNAME
from zhijia.org.models import Kind, Level, Union

from . import services
from .models import Employer, JobFair, Outcome, Referral, SeekerProfile, Vacancy
from .services import EmployerData, SeekerData, VacancyData

SEED = 20260601
EMPLOYER_USERNAME = "hr"
DAY = datetime.timedelta(days=1)


@dataclass
class JobsDemo:
    employers: int
    vacancies: int
    seekers: int
    referrals: int
    outcomes: int
    fairs: int


# (key, name, division, address, contact, login, the login's display name). The first is the officer's own
# enterprise (its union moderates it); the others have no union of their own, so their district federation does.
EMPLOYERS = [
    ("jinggong", "苏州精工机械有限公司", "320508", "姑苏区金阊新城虎殿路18号", "李敏", EMPLOYER_USERNAME, "精工机械人事 李敏"),
    ("hengtai", "苏州恒泰精密电子有限公司", "320506", "吴中经济开发区旺山工业园6幢", "周婷", "hr_hengtai", "恒泰电子人事 周婷"),
    ("shunda", "苏州顺达供应链管理有限公司", "320507", "相城区黄桥街道富民工业园12号", "陆建华", "hr_shunda", "顺达供应链 陆建华"),
    ("yuehu", "苏州悦湖餐饮管理有限公司", "320508", "姑苏区观前街88号", "沈佳", "hr_yuehu", "悦湖餐饮 沈佳"),
    ("kangning", "苏州高新区康宁养老服务中心", "320505", "虎丘区狮山街道竹园路66号", "顾晓芳", "hr_kangning", "康宁养老 顾晓芳"),
]

# (employer, title, occupation, skills, min level, min education, wage min, wage max, division (None: the
# employer's), shifts, headcount, benefits, description)
VACANCIES = [
    ("jinggong", "数控车工（新产线）", "数控操作工", ["CNC", "数控编程", "看图", "量具使用"], 2, 3, 6500, 8500, None,
     ["day", "rotating"], 4, "五险一金、工作餐、年终奖", "新上数控车削产线，操作 FANUC 系统数控车床，能看懂零件图，会简单编程。"),
    ("jinggong", "电焊工", "焊工", ["二保焊", "氩弧焊", "焊工证", "看图"], 2, 0, 6500, 9000, None, ["day"], 3,
     "五险一金、高温补贴", "结构件焊接，持焊工证，二保焊熟练。"),
    ("jinggong", "机修钳工", "钳工", ["钳工", "装配", "看图"], 2, 0, 6000, 8000, None, ["day"], 2, "五险一金", ""),
    ("jinggong", "装配工", "装配工", ["装配", "看图", "工具使用"], 0, 2, 5200, 6500, None, ["day", "rotating"], 8,
     "五险一金、包工作餐", "减速机总装，按图装配，新人有师傅带。"),
    ("jinggong", "质检员", "质检员", ["质量检验", "量具使用", "Excel"], 1, 3, 5500, 7000, None, ["day"], 2, "五险一金", ""),
    ("jinggong", "设备维修电工", "电工", ["低压电工证", "电气维修", "PLC"], 2, 3, 7000, 9500, None, ["day", "rotating"], 2,
     "五险一金、技能津贴", "负责车间设备电气维护，熟悉西门子 PLC 优先。"),
    ("jinggong", "仓库管理员", "仓库管理员", ["仓储", "出入库", "Excel", "盘点"], 0, 3, 5000, 6200, None, ["day"], 1,
     "五险一金", ""),
    ("jinggong", "叉车司机", "叉车司机", ["叉车证", "叉车"], 1, 0, 5500, 6800, None, ["day"], 2, "五险一金", ""),
    ("hengtai", "CNC操作员", "数控操作工", ["CNC", "加工中心", "看图"], 1, 2, 6000, 8000, None, ["rotating"], 6,
     "五险一金、夜班津贴、免费宿舍", "加工中心上下料、对刀、首件自检，两班倒。"),
    ("hengtai", "SMT操作工", "普工", ["设备操作", "流水线"], 0, 2, 5000, 6500, None, ["rotating", "night"], 20,
     "五险一金、免费班车", "贴片线上料、巡线，无经验可培训。"),
    ("hengtai", "电子装配工", "装配工", ["装配", "焊锡", "电子"], 0, 2, 5000, 6200, None, ["day"], 15, "五险一金、包吃住", ""),
    ("hengtai", "品检员", "质检员", ["质量检验", "品质管理", "量具使用"], 0, 3, 5200, 6500, None, ["day", "rotating"], 4,
     "五险一金", ""),
    ("hengtai", "电子技术员", "电子技术员", ["电子", "焊锡", "仪器操作", "电路"], 0, 4, 6500, 9000, None, ["day"], 2,
     "五险一金、项目奖金", "产品测试与维修，电子类专业大专以上，应届生可。"),
    ("hengtai", "注塑工", "注塑工", ["注塑", "调机"], 0, 2, 5500, 7000, None, ["rotating"], 6, "五险一金、包住", ""),
    ("hengtai", "生产跟单员", "跟单员", ["跟单", "Excel", "沟通"], 0, 4, 5500, 7500, None, ["day"], 2, "五险一金、双休", ""),
    ("hengtai", "普工（长白班）", "普工", ["流水线", "吃苦耐劳"], 0, 0, 4800, 5800, None, ["day"], 30, "五险一金、包工作餐",
     "长白班，做六休一，适合照顾家庭的求职者。"),
    ("shunda", "叉车司机", "叉车司机", ["叉车证", "叉车", "仓储"], 1, 0, 6000, 7500, None, ["rotating"], 4, "五险一金", ""),
    ("shunda", "仓管员", "仓库管理员", ["仓储", "出入库", "WMS", "盘点"], 0, 3, 5500, 7000, None, ["day"], 3, "五险一金", ""),
    ("shunda", "快递分拣员（夜班）", "分拣员", ["分拣", "扫描", "装卸"], 0, 0, 5500, 7000, None, ["night"], 20,
     "夜班补贴、包住", "电商仓夜班分拣，22:00—次日6:00。"),
    ("shunda", "装卸工", "装卸工", ["装卸", "搬运"], 0, 0, 6000, 8000, None, ["rotating"], 10, "计件工资、包吃住", ""),
    ("shunda", "货车司机（B2）", "货车司机", ["B2驾照", "驾驶", "货运"], 0, 2, 8000, 10000, None, ["day"], 3,
     "五险一金、出车补贴", "苏州至上海、嘉兴短途干线。"),
    ("shunda", "物流调度员", "物流调度", ["调度", "运输管理", "Excel"], 0, 4, 6000, 8000, None, ["day"], 1, "五险一金、双休", ""),
    ("shunda", "快递员（相城片区）", "快递员", ["配送", "电动车驾驶", "客户服务"], 0, 0, 7000, 10000, None, ["flexible"], 8,
     "多劳多得", "相城区元和、黄桥片区派件，需自备电动车。"),
    ("shunda", "包装工", "包装工", ["包装", "分拣"], 0, 0, 4800, 5800, "320506", ["day"], 10, "五险一金", "吴中仓库。"),
    ("yuehu", "中餐厨师", "厨师", ["厨师证", "中餐", "烹饪", "刀工"], 2, 0, 7000, 9500, None, ["day"], 2, "包吃住、五险", ""),
    ("yuehu", "面点师", "面点师", ["面点", "白案"], 1, 0, 6000, 7500, None, ["day"], 1, "包吃住", "苏式糕点、早茶点心。"),
    ("yuehu", "餐厅服务员", "服务员", ["服务", "点餐"], 0, 0, 4500, 5500, None, ["day", "flexible"], 8, "包工作餐",
     "可兼职，按小时计薪。"),
    ("yuehu", "收银员", "收银员", ["收银", "POS"], 0, 2, 4500, 5200, None, ["day"], 2, "包工作餐", ""),
    ("yuehu", "帮厨", "洗碗工", ["帮厨", "配菜"], 0, 0, 4300, 5000, None, ["day"], 3, "包吃住", ""),
    ("yuehu", "门店客服（线上订单）", "客服", ["客户服务", "电脑操作", "沟通"], 0, 3, 4800, 6000, None, ["day"], 2,
     "五险、双休", "处理外卖平台订单和顾客评价。"),
    ("yuehu", "厨房学徒", "厨师", ["烹饪"], 0, 0, 4000, 5000, None, ["day"], 2, "包吃住、师傅带教", ""),
    ("yuehu", "外卖配送员（门店自配送）", "外卖骑手", ["配送", "电动车驾驶"], 0, 0, 6000, 8500, None, ["flexible"], 4,
     "单位缴纳工伤保险", ""),
    ("kangning", "养老护理员", "养老护理员", ["养老护理员证", "护理", "照护"], 1, 2, 5500, 7000, None, ["rotating"], 10,
     "五险一金、包住", "失能老人生活照料，持证优先，可带薪培训考证。"),
    ("kangning", "护士", "护士", ["护士执业证", "护理", "输液"], 0, 4, 7000, 9000, None, ["rotating"], 3, "五险一金", ""),
    ("kangning", "保洁员", "保洁员", ["保洁", "清洁"], 0, 0, 3800, 4600, None, ["day"], 4, "包工作餐", ""),
    ("kangning", "营养餐厨师", "厨师", ["厨师证", "烹饪"], 1, 0, 6000, 7500, None, ["day"], 1, "五险一金", "老人营养餐、软食。"),
    ("kangning", "康复护理员", "养老护理员", ["康复", "护理"], 1, 3, 6000, 7500, None, ["day"], 2, "五险一金", ""),
    ("kangning", "行政文员", "文员", ["Office", "Excel", "档案管理"], 0, 4, 5000, 6000, None, ["day"], 1, "五险一金、双休", ""),
    ("kangning", "接送车司机", "驾驶员", ["C1驾照", "驾驶"], 0, 2, 5500, 6500, None, ["day"], 1, "五险一金", ""),
    ("kangning", "保安员", "保安", ["保安证", "巡逻", "监控"], 0, 2, 4500, 5500, None, ["rotating"], 2, "包住", ""),
]

# (union key, priority group, occupations, skills, experience, level, education, years, expected wage, division,
# km, shifts, certificates). Union keys: A the officer's union; WZ/XC/GS the 吴中/相城/姑苏 district federations;
# KD the 姑苏 couriers' federation.
SEEKERS = [
    ("A", "redeployed", ["焊工"], ["二保焊", "氩弧焊", "看图"], "在精工机械做焊工九年，结构件焊接", 2, 2, 9, 7000, "320508", 15,
     ["day"], "焊工证（四级）"),
    ("A", "redeployed", ["电工", "机修工"], ["低压电工证", "电气维修", "PLC"], "设备科维修电工，熟悉西门子 PLC", 3, 3, 12, 8000,
     "320508", 20, ["day", "rotating"], "低压电工作业证"),
    ("A", "redeployed", ["装配工", "普工"], ["装配", "看图"], "总装车间十年", 1, 2, 10, 5500, "320508", 12, ["day"], ""),
    ("A", "hardship_child", ["文员", "客服"], ["Office", "Excel", "打字"], "大专文秘专业应届，会 Excel 数据透视表", 0, 4, 0, 5000,
     "320508", 20, ["day"], ""),
    ("A", "zero_employment", ["保洁员", "家政服务员"], ["保洁"], "做过三年小区保洁", 0, 2, 3, 4200, "320508", 20, ["day"], ""),
    ("A", "migrant", ["叉车司机", "仓库管理员"], ["叉车证", "仓储"], "在物流园开叉车五年", 1, 2, 5, 6200, "320508", 20,
     ["rotating", "day"], "叉车证"),
    ("A", "", ["质检员"], ["质量检验", "量具使用"], "机加工件来料检验四年", 1, 3, 4, 6000, "320508", 15, [], ""),
    ("A", "graduate", ["电子技术员"], ["电子", "电路", "焊锡"], "苏州职业大学应用电子技术专业应届", 0, 4, 0, 6500, "320508", 15,
     ["day"], ""),
    ("WZ", "migrant", ["注塑工", "普工"], ["流水线", "注塑", "调机"], "在电子厂注塑车间三年", 1, 2, 3, 5500, "320506", 10,
     ["rotating", "night"], ""),
    ("WZ", "migrant", ["装配工"], ["装配", "焊锡"], "手机配件装配两年", 0, 2, 2, 5200, "320506", 8, ["day"], ""),
    ("WZ", "redeployed", ["数控操作工"], ["CNC", "看图", "量具使用"], "原纺织机械厂数控车床操作，厂子搬迁待岗", 2, 3, 8, 7000,
     "320506", 15, ["day", "rotating"], "数控车工（四级）"),
    ("WZ", "hardship_child", ["跟单员", "采购"], ["Excel", "沟通", "英语"], "本科国际经济与贸易专业，英语六级", 0, 5, 0, 6000,
     "320506", 15, ["day"], ""),
    ("WZ", "graduate", ["质检员", "化验员"], ["质量检验", "检测"], "应用化工技术专业大专应届", 0, 4, 0, 5500, "320506", 15,
     ["day"], ""),
    ("WZ", "zero_employment", ["包装工", "普工"], ["包装"], "", 0, 1, 1, 4800, "320506", 8, ["day"], ""),
    ("WZ", "flexible", ["服务员", "收银员"], ["服务", "收银"], "奶茶店、超市兼职多年", 0, 2, 4, 4800, "320506", 12,
     ["day", "flexible"], ""),
    ("WZ", "", ["仓库管理员"], ["仓储", "WMS", "Excel"], "电商仓库管理六年", 1, 3, 6, 6500, "320506", 15, ["day"], ""),
    ("XC", "migrant", ["装卸工", "分拣员"], ["装卸", "分拣"], "", 0, 1, 4, 6000, "320507", 10, ["night", "rotating"], ""),
    ("XC", "migrant", ["货车司机"], ["B2驾照", "驾驶"], "跑苏沪线货运八年，无事故", 1, 2, 8, 8500, "320507", 20, ["day"],
     "B2 驾驶证"),
    ("XC", "flexible", ["快递员", "外卖骑手"], ["配送", "电动车驾驶"], "送过两年外卖", 0, 2, 3, 7000, "320507", 10, ["flexible"],
     ""),
    ("XC", "graduate", ["物流调度", "文员"], ["Excel", "运输管理"], "物流管理专业本科应届", 0, 5, 0, 6000, "320507", 20, ["day"], ""),
    ("XC", "", ["叉车司机"], ["叉车证"], "", 1, 2, 6, 6500, "320507", 15, ["rotating"], "叉车证"),
    ("KD", "new_form", ["快递员"], ["配送", "客户服务"], "在快递网点派件四年", 0, 2, 4, 7500, "320508", 15, ["flexible"], ""),
    ("KD", "new_form", ["外卖骑手", "快递员"], ["配送", "电动车驾驶", "导航"], "", 0, 2, 2, 7000, "320508", 12, ["flexible"], ""),
    ("KD", "new_form", ["网约车司机", "驾驶员"], ["C1驾照", "驾驶", "导航"], "开网约车五年", 0, 3, 5, 6000, "320508", 20, [],
     "C1 驾驶证"),
    ("KD", "flexible", ["驾驶员"], ["C1驾照", "驾驶"], "企业班车司机十年", 0, 2, 10, 5800, "320508", 20, ["day"], "C1 驾驶证"),
    ("GS", "flexible", ["养老护理员", "家政服务员"], ["护理", "照护"], "在社区做过两年居家养老护理", 1, 2, 2, 6000, "320508", 20,
     ["rotating", "day"], "养老护理员（五级）"),
    ("GS", "hardship_child", ["护士"], ["护士执业证", "护理"], "卫校毕业，已取得护士执业证", 0, 4, 1, 7000, "320508", 20,
     ["rotating"], "护士执业证书"),
    ("GS", "graduate", ["厨师", "面点师"], ["烹饪", "中餐", "面点"], "烹饪学校毕业，实习一年", 1, 3, 1, 6000, "320508", 10,
     ["day"], "中式烹调师（五级）"),
    ("GS", "", ["保安"], ["保安证", "监控"], "小区保安八年", 0, 2, 8, 5000, "320508", 20, ["rotating"], "保安员证"),
    ("GS", "", ["厨师"], ["厨师证", "中餐", "刀工"], "本帮菜馆掌勺六年", 2, 2, 12, 8000, "320508", 10, ["day"], "中式烹调师（四级）"),
]

WORKER_PROFILE = SeekerData(
    name="王小明", phone=WORKER_USERNAME, occupations=["数控车工", "装配工"], skills=["CNC", "看图", "量具使用"],
    skills_text="在精工机械做车工十二年，会操作 FANUC 数控车床；厂里产线改造，原岗位调整", level=2,
    certificates="车工（四级/中级工）", education=3, experience_years=12, expected_wage=6500, division_code="320508",
    address="姑苏区金阊街道三元新村", max_distance_km=15, shifts=["day", "rotating"], priority_group="redeployed",
    contact_consent=True, start_date=datetime.date(2026, 1, 1))  # replaced by the seeding day


def _unions(officer_union: Union, city: Union) -> dict[str, Union]:
    counties = {u.division_code: u for u in Union.objects.filter(parent=city, level=Level.COUNTY)}
    gusu = counties.get("320508") or officer_union.parent
    couriers = Union.objects.filter(parent=gusu, kind=Kind.SECTOR_FEDERATION, name__contains="快递").first()
    return {"A": officer_union, "GS": gusu, "WZ": counties.get("320506", gusu), "XC": counties.get("320507", gusu),
            "HQ": counties.get("320505", gusu), "KD": couriers or gusu, "city": city}


def _employers(unions: dict, officer: User, city_staff: User, rng: random.Random) -> dict[str, tuple[Employer, User]]:
    password = make_password(DEMO_PASSWORD)  # one hash for all: the password is public, each hash costs ~0.5 s
    union_of = {"320508": unions["GS"], "320506": unions["WZ"], "320507": unions["XC"], "320505": unions["HQ"]}
    made = {}
    for key, name, division, address, contact, login, display in EMPLOYERS:
        account = User.objects.create(username=login, display_name=display, password=password)
        own = key == "jinggong"  # the officer's enterprise: its own union moderates it
        employer = services.employer_create(
            actor=officer if own else city_staff, union=unions["A"] if own else union_of[division],
            account_user=account, data=EmployerData(
                name=name, credit_code=fake_credit_code(rng, division, prefix="91"), division_code=division,
                address=address, contact_name=contact, contact_phone=fake_phone(rng)))
        made[key] = (employer, account)
    return made


def _vacancies(employers: dict, today: datetime.date, rng: random.Random) -> list[Vacancy]:
    made = []
    for (key, title, occupation, skills, level, education, wage_min, wage_max, division, shifts, headcount, benefits,
         description) in VACANCIES:
        employer, account = employers[key]
        made.append(services.vacancy_create(actor=account, employer=employer, today=today, data=VacancyData(
            title=title, occupation=occupation, skills=skills, min_level=level, min_education=education,
            wage_min=wage_min, wage_max=wage_max, division_code=division or employer.division_code,
            address=employer.address if division is None else "", shifts=shifts, headcount=headcount,
            benefits=benefits, description=description, valid_from=today - rng.randint(0, 20) * DAY,
            valid_until=today + rng.randint(30, 90) * DAY)))
    return made


def _seekers(unions: dict, officer: User, city_staff: User, today: datetime.date,
             rng: random.Random) -> list[SeekerProfile]:
    made = []
    for (union_key, group, occupations, skills, text, level, education, years, wage, division, km, shifts,
         certificates) in SEEKERS:
        union = unions[union_key]
        made.append(services.seeker_save(
            actor=officer if union_key == "A" else city_staff, union=union, data=SeekerData(
                name=fake_name(rng), phone=fake_phone(rng), occupations=occupations, skills=skills, skills_text=text,
                level=level, certificates=certificates, education=education, experience_years=years,
                expected_wage=wage, division_code=division, max_distance_km=km, shifts=shifts, priority_group=group,
                contact_consent=rng.random() < 0.6, start_date=today + rng.choice([0, 0, 7, 14]) * DAY)))
    return made


def _by_title(vacancies: list[Vacancy], title: str) -> Vacancy:
    return next(v for v in vacancies if v.title == title)


def _follow_up(vacancies, seekers, employers, officer, city_staff, worker, mine) -> None:
    """Applications, referrals and what the employers answered: every outcome and referral status appears."""
    account = {key: user for key, (_, user) in employers.items()}
    v = {title: _by_title(vacancies, title) for title in (
        "CNC操作员", "数控车工（新产线）", "电焊工", "设备维修电工", "行政文员", "注塑工", "快递分拣员（夜班）",
        "货车司机（B2）", "外卖配送员（门店自配送）", "护士", "生产跟单员", "养老护理员")}
    forklift = next(x for x in vacancies if x.title == "叉车司机" and x.employer == employers["jinggong"][0])

    # 王小明 looked at his own plant's new line and applied to 恒泰; 恒泰 invited him to an interview
    services.outcome_record(actor=worker, seeker=mine, vacancy=v["数控车工（新产线）"], kind="viewed")
    services.outcome_record(actor=worker, seeker=mine, vacancy=v["CNC操作员"], kind="applied")
    services.outcome_record(actor=account["hengtai"], seeker=mine, vacancy=v["CNC操作员"], kind="interviewed",
                            reason="周三上午 9:30 到吴中厂区二楼人事部面试")

    # the officer refers his union's people; the employers answer
    welder, electrician, _, clerk, _, forklift_driver = seekers[:6]
    referral = services.referral_create(actor=officer, seeker=welder, vacancy=v["电焊工"],
                                        note="转岗职工，焊工证四级，焊接经验九年")
    services.referral_respond(actor=account["jinggong"], referral=referral, status="hired", response="已录用，下周一到岗")
    referral = services.referral_create(actor=officer, seeker=electrician, vacancy=v["设备维修电工"],
                                        note="原设备科骨干，熟悉本厂设备")
    services.referral_respond(actor=account["jinggong"], referral=referral, status="interview",
                              response="请本周五下午到设备科面谈")
    referral = services.referral_create(actor=officer, seeker=clerk, vacancy=v["行政文员"],
                                        note="困难职工家庭子女，大专应届，踏实细心")
    services.referral_respond(actor=account["kangning"], referral=referral, status="accepted", response="简历已收到")
    services.outcome_record(actor=officer, seeker=forklift_driver, vacancy=forklift, kind="applied")
    services.outcome_record(actor=account["jinggong"], seeker=forklift_driver, vacancy=forklift, kind="declined",
                            reason="本批叉车岗位已招满，已留存简历")

    # the city federation's staff serve the district federations' seekers
    injection, cnc, trade, nurse, sorter, driver, carer = (seekers[8], seekers[10], seekers[11], seekers[26],
                                                           seekers[16], seekers[17], seekers[25])
    referral = services.referral_create(actor=city_staff, seeker=injection, vacancy=v["注塑工"],
                                        note="农民工，注塑三年，能调机")
    services.referral_respond(actor=account["hengtai"], referral=referral, status="hired", response="已录用")
    services.outcome_record(actor=city_staff, seeker=cnc, vacancy=v["CNC操作员"], kind="applied")
    services.outcome_record(actor=account["hengtai"], seeker=cnc, vacancy=v["CNC操作员"], kind="interviewed")
    services.outcome_record(actor=account["hengtai"], seeker=cnc, vacancy=v["CNC操作员"], kind="hired")
    referral = services.referral_create(actor=city_staff, seeker=sorter, vacancy=v["快递分拣员（夜班）"])
    services.referral_respond(actor=account["shunda"], referral=referral, status="declined",
                              response="面试后求职者希望上白班，本岗位只有夜班")
    services.outcome_record(actor=city_staff, seeker=driver, vacancy=v["货车司机（B2）"], kind="applied")
    services.outcome_record(actor=account["shunda"], seeker=driver, vacancy=v["货车司机（B2）"], kind="interviewed")
    referral = services.referral_create(actor=city_staff, seeker=nurse, vacancy=v["护士"],
                                        note="困难职工家庭子女，已取得护士执业证")
    services.referral_respond(actor=account["kangning"], referral=referral, status="hired", response="已录用，先培训两周")
    services.outcome_record(actor=city_staff, seeker=trade, vacancy=v["生产跟单员"], kind="applied")
    services.outcome_record(actor=city_staff, seeker=carer, vacancy=v["养老护理员"], kind="applied")
    services.outcome_record(actor=account["kangning"], seeker=carer, vacancy=v["养老护理员"], kind="hired")
    services.outcome_record(actor=city_staff, seeker=seekers[21], vacancy=v["外卖配送员（门店自配送）"], kind="viewed")


def _moderate(vacancies: list[Vacancy], city_staff: User) -> None:
    """One vacancy filled and closed, one refused by the moderator: the report shows every status."""
    services.vacancy_moderate(actor=city_staff, vacancy=_by_title(vacancies, "厨房学徒"), action="close",
                              note="已招满")
    services.vacancy_moderate(actor=city_staff, vacancy=_by_title(vacancies, "快递员（相城片区）"), action="reject",
                              note="岗位说明要求求职者自备电动车并缴押金，违反招聘规定，请修改后重新发布")


def _fairs(unions: dict, vacancies: list[Vacancy], seekers: list[SeekerProfile], mine: SeekerProfile,
           officer: User, city_staff: User, worker: User, today: datetime.date) -> None:
    published = [v for v in vacancies if v.status == "published"]
    upcoming = services.fair_create(
        actor=city_staff, union=unions["city"], name=f"{today.year}年“就业援助月”重点群体专场招聘会",
        held_on=today + 10 * DAY, place="姑苏区职工服务中心一楼大厅（三香路1101号）",
        vacancies=[v for v in published if v.valid_until >= today + 10 * DAY])
    services.fair_register(actor=worker, fair=upcoming, seeker=mine)
    for seeker in seekers[:6]:  # the officer registers his union's seekers
        services.fair_register(actor=officer, fair=upcoming, seeker=seeker)
    for seeker in (seekers[8], seekers[10], seekers[16], seekers[21], seekers[26]):
        services.fair_register(actor=city_staff, fair=upcoming, seeker=seeker)
    services.fair_create(
        actor=city_staff, union=unions["WZ"], name="吴中区“直播带岗”线上招聘会", held_on=today - 40 * DAY, online=True, past_ok=True,
        vacancies=[v for v in published if v.employer.name == "苏州恒泰精密电子有限公司"])


def seed_jobs_demo(*, officer_union: Union, city: Union, today: datetime.date | None = None) -> JobsDemo | None:
    """Seed the jobs demo under the demo tree; does nothing (returns None) when any employer or fair exists."""
    if (Employer.objects.exists() or JobFair.objects.exists()
            or User.objects.filter(username=EMPLOYER_USERNAME).exists()):
        return None
    today = today or timezone.localdate()
    rng = random.Random(SEED)
    officer = User.objects.get(username="officer")
    city_staff = User.objects.get(username="city")
    worker = User.objects.get(username=WORKER_USERNAME)
    with transaction.atomic():
        unions = _unions(officer_union, city)
        employers = _employers(unions, officer, city_staff, rng)
        vacancies = _vacancies(employers, today, rng)
        seekers = _seekers(unions, officer, city_staff, today, rng)
        mine = services.seeker_save(actor=worker, for_user=worker, union=officer_union,
                                    data=dataclasses.replace(WORKER_PROFILE, start_date=today))
        _follow_up(vacancies, seekers, employers, officer, city_staff, worker, mine)
        _moderate(vacancies, city_staff)
        vacancies = list(Vacancy.objects.filter(pk__in=[v.pk for v in vacancies]).select_related("employer")
                         .order_by("id"))
        _fairs(unions, vacancies, seekers, mine, officer, city_staff, worker, today)
    return JobsDemo(employers=Employer.objects.count(), vacancies=Vacancy.objects.count(),
                    seekers=SeekerProfile.objects.count(), referrals=Referral.objects.count(),
                    outcomes=Outcome.objects.count(), fairs=JobFair.objects.count())
