"""Whether a question is about work at all, so the page can say so instead of forcing an article on it.

A question is in scope when it names something only work has (wages, dismissal, social insurance, an
employer …), or matches a row of the expansion table, and it is not mainly about another field of law
(marriage, inheritance, shares, traffic accidents between strangers, crime). Everyday words both sides use
(公司, 合同, 老板) count for little on their own.
"""

from .expansion import matching_rows
from .text import normalize

# Words that only come up about work. Each counts 1.
LABOR_WORDS = (
    "劳动", "工资", "薪", "工钱", "加班", "社保", "社会保险", "五险", "公积金", "养老保险", "医保", "失业", "工伤",
    "职业病", "辞退", "开除", "解雇", "裁员", "辞职", "离职", "入职", "试用期", "转正", "年假", "年休假", "产假",
    "孕期", "哺乳", "女职工", "职工", "员工", "用人单位", "雇主", "雇员", "上班", "下班", "打工", "工地", "工厂",
    "厂里", "包工头", "工头", "仲裁", "劳务派遣", "派遣", "竞业", "经济补偿", "赔偿金", "工龄", "退休", "招聘",
    "面试", "录用", "工会", "考勤", "打卡", "岗位", "调岗", "绩效", "提成", "奖金", "事假", "病假", "婚假",
    "加班费", "劳务", "用工", "农民工", "实习", "在职", "工作时间", "休息日", "节假日", "值班", "夜班", "倒班",
    "安全生产", "特种作业", "劳动保护",
)
# Everyday words that lean towards work but also fit elsewhere. Each counts 0.5.
WEAK_LABOR_WORDS = ("公司", "单位", "老板", "企业", "合同", "工作", "干活", "领导", "同事", "厂", "店里", "车间", "仓库",
                    "组长", "主管", "工友")
# Words that point to another field of law. Each counts 1 against.
OTHER_WORDS = (
    "离婚", "结婚", "彩礼", "婚前", "夫妻", "抚养权", "抚养费", "赡养", "继承", "遗产", "遗嘱", "股票", "股权",
    "股东", "基金", "理财", "炒股", "期货", "比特币", "买房", "卖房", "房贷", "房产证", "租房", "房东", "租客",
    "物业", "装修", "借钱", "借款", "欠条", "网贷", "信用卡", "高利贷", "贷款", "交通事故", "撞车", "酒驾", "驾照",
    "违章", "刑事", "判刑", "坐牢", "诈骗", "盗窃", "偷", "吸毒", "网购", "退货", "商家", "消费者", "假货", "商标",
    "专利", "著作权", "版权", "税", "发票", "签证", "护照", "出国", "户口", "宅基地", "土地", "拆迁", "邻居",
    "宠物", "狗", "考试", "高考", "成绩", "学费", "减肥", "天气", "菜谱", "游戏", "电影",
)


def labor_score(query: str) -> tuple[float, float]:
    """(evidence for work, evidence for another field), from the words the question contains."""
    text = normalize(query)
    labor = sum(1.0 for word in LABOR_WORDS if word in text)
    labor += sum(0.5 for word in WEAK_LABOR_WORDS if word in text)
    labor += 0.5 * len(matching_rows(text))
    other = sum(1.0 for word in OTHER_WORDS if word in text)
    return labor, other


def is_labor_question(query: str) -> bool:
    """False for questions plainly outside labor law (离婚财产怎么分, 股票怎么买) and for empty ones."""
    labor, other = labor_score(query)
    return labor >= 1.0 and labor > other
