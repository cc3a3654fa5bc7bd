"""Valid-looking Chinese identifiers for demo data, tests and benchmarks (never real people)."""

import datetime
import random

from stdnum.cn import ric, uscc

SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏魏吕丁任沈姚卢姜崔钟谭陆汪范金石廖贾夏韦付方白邹孟熊秦邱江尹薛闫段雷侯龙史陶黎贺顾毛郝龚邵万钱严覃武戴莫孔向汤"
GIVEN = "伟芳娜秀英敏静丽强磊军洋勇艳杰娟涛明超秀兰霞平刚桂英华玉兰萍红建华文辉力明永健世广志义兴良海山仁波宁贵福生龙元全国胜学祥才发武新利清飞彬富顺信子杰涛昌成康星光天达安岩中茂进林有坚和彪博诚先敬震振壮会思群豪心邦承乐绍功松善厚庆磊民友裕河哲江超浩亮政谦亨奇固之轮翰朗伯宏言若鸣朋斌梁栋维启克伦翔旭鹏泽晨辰士以建家致树炎德行时泰盛雄琛钧冠策腾楠榕风航弘"
UNION_CREDIT_PREFIX = "81"  # 工会 registration authority code + type in GB 32100
_USCC_ALPHABET = "0123456789ABCDEFGHJKLMNPQRTUWXY"


def fake_name(rng: random.Random) -> str:
    given = rng.choice(GIVEN) + (rng.choice(GIVEN) if rng.random() < 0.7 else "")
    return rng.choice(SURNAMES) + given


def fake_id_number(rng: random.Random, division_code: str, *, min_age: int = 18, max_age: int = 60,
                   today: datetime.date | None = None) -> str:
    today = today or datetime.date.today()
    days = rng.randint(min_age * 366, max_age * 365)
    birth = today - datetime.timedelta(days=days)
    # The place code must have existed in the birth year; fall back to the prefecture, then Beijing.
    for place in (division_code, division_code[:4] + "00", "110101"):
        body = f"{place}{birth:%Y%m%d}{rng.randint(0, 999):03d}"
        number = body + ric.calc_check_digit(body + "0")  # stdnum expects a placeholder check digit
        if ric.is_valid(number):
            return number
    return number


def fake_credit_code(rng: random.Random, division_code: str, prefix: str = UNION_CREDIT_PREFIX) -> str:
    org = "".join(rng.choice(_USCC_ALPHABET) for _ in range(9))
    body = f"{prefix}{division_code}{org}"
    return body + uscc.calc_check_digit(body)


def fake_phone(rng: random.Random) -> str:
    return rng.choice(["13", "15", "17", "18", "19"]) + f"{rng.randint(0, 999999999):09d}"
