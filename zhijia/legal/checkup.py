"""劳动法治体检: an enterprise answers a questionnaire and learns, article by article, where it breaks labour law.

The questionnaire (SECTIONS) and the rules (RULES) are data. A rule names the answers that reveal a problem,
how serious it is, what to do about it, and the articles behind it as (law short title, article label)
pairs that must resolve to an `Article` of the corpus (a test pins this). `checkup_submit` keeps the risks
found at the time with the answers, so a report reads the same after the rules change.
"""

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from functools import reduce
from operator import or_
from pathlib import Path

from django.db import transaction
from django.db.models import Q

from zhijia.core import audit
from zhijia.core.errors import ErrorCode, PermissionDenied, ValidationFailed
from zhijia.core.pdf import render_pdf
from zhijia.core.validators import clean_credit_code, clean_division_code, clean_required, division_from_place

from .models import Article, Checkup, RiskLevel

audit.register("checkup.submit", "提交劳动法治体检")

Citation = tuple[str, str]
Answers = Mapping[str, object]

YES_NO = (("yes", "是"), ("no", "否"))
MAX_NUMBER = 1_000_000


@dataclass(frozen=True)
class Question:
    key: str
    text: str
    kind: str = "choice"  # "choice" (one of `options`) or "number" (a whole number >= 0)
    options: tuple[tuple[str, str], ...] = YES_NO
    help: str = ""
    unit: str = ""

    @property
    def field(self) -> str:
        """The form field (and the `field` of a ValidationFailed) answering this question."""
        return f"q_{self.key}"


@dataclass(frozen=True)
class Section:
    key: str
    title: str
    questions: tuple[Question, ...]


@dataclass(frozen=True)
class Rule:
    code: str
    section: str
    level: str
    title: str
    description: str
    remedy: str
    citations: tuple[Citation, ...]
    when: Callable[[Answers], bool] = field(compare=False)


def answer_is(key: str, *values: str) -> Callable[[Answers], bool]:
    return lambda answers: answers.get(key) in values


def more_than(key: str, limit: int) -> Callable[[Answers], bool]:
    return lambda answers: (answers.get(key) or 0) > limit


def at_most(key: str, limit: int) -> Callable[[Answers], bool]:
    return lambda answers: (answers.get(key) or 0) <= limit


def all_of(*tests: Callable[[Answers], bool]) -> Callable[[Answers], bool]:
    return lambda answers: all(test(answers) for test in tests)


# ---- The questionnaire --------------------------------------------------------------------------------------

SECTIONS: tuple[Section, ...] = (
    Section("basics", "基本情况", (
        Question("employees", "在职职工人数", kind="number", unit="人", help="含劳务派遣、非全日制用工人员"),
    )),
    Section("contract", "劳动合同", (
        Question("contract_written", "是否与全部职工订立了书面劳动合同？",
                 options=(("all", "全部订立"), ("some", "部分职工未订立"), ("none", "均未订立")),
                 help="自用工之日起一个月内应当订立"),
        Question("contract_copy", "劳动合同文本是否交给职工本人一份？"),
        Question("roster", "是否建立了职工名册？"),
        Question("probation", "试用期约定是否符合法定上限，且同一职工只约定一次？",
                 help="合同期限三个月以上不满一年的不超过一个月，一年以上不满三年的不超过二个月，三年以上的不超过六个月"),
        Question("deposit", "招用职工时是否扣押身份证等证件，或收取押金、保证金等财物？"),
        Question("dispatch", "劳务派遣用工情况",
                 options=(("none", "未使用劳务派遣"), ("auxiliary", "仅用于临时性、辅助性或者替代性岗位"),
                          ("core", "用于主营业务等长期岗位"))),
        Question("dismissal_union", "单方解除劳动合同时，是否事先将理由通知工会？",
                 options=(("na", "近一年未单方解除劳动合同"), ("yes", "均事先通知"), ("no", "未通知或部分未通知"))),
    )),
    Section("hours", "工时休假", (
        Question("overtime_hours", "职工每月平均加班时长", kind="number", unit="小时",
                 help="超出标准工作时间的部分，按加班最多的岗位填写"),
        Question("rest_day", "是否保证职工每周至少休息一日？"),
        Question("hours_system", "实行的工时制度",
                 options=(("standard", "标准工时制"), ("approved", "综合计算工时或不定时工作制，已经劳动行政部门批准"),
                          ("unapproved", "综合计算工时或不定时工作制，未经批准"))),
        Question("overtime_pay", "安排加班后是否按法定标准支付加班工资？",
                 options=(("na", "未安排加班"), ("full", "足额支付（或休息日加班已安排补休）"), ("short", "部分支付或未支付")),
                 help="工作日延时不低于150%，休息日不能补休的不低于200%，法定休假日不低于300%"),
        Question("annual_leave", "连续工作满一年的职工是否享受带薪年休假（应休未休的按日工资300%支付）？"),
    )),
    Section("wages", "工资支付", (
        Question("wage_payment", "近一年工资是否按约定日期足额支付？",
                 options=(("on_time", "均按时足额支付"), ("late", "偶有推迟发放"), ("arrears", "存在拖欠或克扣"))),
        Question("below_minimum", "是否有职工正常工作时间的工资低于当地最低工资标准？"),
        Question("payslip", "是否书面记录工资支付情况，并向职工提供工资清单？"),
        Question("deductions", "是否以罚款等名义扣减职工工资（代扣个人所得税、社会保险费个人部分等法定情形除外）？"),
    )),
    Section("insurance", "社会保险", (
        Question("insurance_coverage", "是否为全部职工参加五项社会保险（养老、医疗、工伤、失业、生育）？",
                 options=(("all", "全部参加"), ("partial", "部分职工或部分险种未参加"), ("none", "均未参加"))),
        Question("insurance_base", "是否按职工实际工资申报社会保险缴费基数？"),
        Question("insurance_waiver", "是否有职工签署“自愿放弃社会保险”的声明，或以现金补贴代替缴纳社会保险？"),
        Question("housing_fund", "是否为职工缴存住房公积金？"),
    )),
    Section("safety", "劳动安全卫生与女职工保护", (
        Question("safety_training", "是否对职工进行安全生产教育和培训？"),
        Question("protective_equipment", "是否为职工提供符合国家标准或者行业标准的劳动防护用品？"),
        Question("health_checks", "接触职业病危害的职工是否进行上岗前、在岗期间和离岗时的职业健康检查？",
                 options=(("na", "无职业病危害岗位"), ("yes", "是"), ("no", "否"))),
        Question("pregnant_overtime", "是否安排怀孕七个月以上或哺乳未满一周岁婴儿的女职工加班或上夜班？",
                 options=(("na", "目前无此类女职工"), ("no", "未安排"), ("yes", "有安排"))),
        Question("maternity", "女职工是否享受不少于98天的产假，且未因怀孕、生育、哺乳被降低工资或解除劳动合同？",
                 options=(("na", "近年无女职工生育"), ("yes", "是"), ("no", "否"))),
    )),
    Section("democracy", "民主管理", (
        Question("union_established", "本单位是否已建立工会？"),
        Question("union_funds", "是否按全部职工工资总额的2%按月拨缴工会经费？",
                 options=(("na", "未建立工会"), ("yes", "是"), ("no", "否"))),
        Question("congress", "是否建立并定期召开职工代表大会（或职工大会）？"),
        Question("rules_procedure", "制定或修改工资、工时、休息休假等规章制度时，是否经职工代表大会或全体职工讨论、与工会协商，并向职工公示？"),
        Question("open_affairs", "是否实行厂务公开，向职工公开规章制度、工资支付制度和社会保险参保缴费等情况？"),
        Question("collective_contract", "是否与职工一方签订集体合同（含工资专项集体合同）？",
                 options=(("valid", "已签订且在有效期内"), ("expired", "已过期未续签"), ("none", "未签订"))),
        Question("collective_procedure", "集体合同草案是否提交职工代表大会或全体职工讨论通过，并报送劳动行政部门？",
                 options=(("na", "未签订集体合同"), ("yes", "是"), ("no", "否"))),
    )),
)

QUESTIONS: dict[str, Question] = {q.key: q for section in SECTIONS for q in section.questions}
SECTION_TITLES: dict[str, str] = {section.key: section.title for section in SECTIONS}

# ---- The rules ----------------------------------------------------------------------------------------------

H, M, L = RiskLevel.HIGH, RiskLevel.MEDIUM, RiskLevel.LOW

RULES: tuple[Rule, ...] = (
    Rule("contract.unsigned", "contract", H, "未依法订立书面劳动合同",
         "部分或全部职工没有书面劳动合同。超过一个月不满一年未订立的，单位应当每月向职工支付二倍工资；满一年未订立的，视为已订立无固定期限劳动合同。",
         "立即与未签合同的职工补订书面劳动合同，新招职工自用工之日起一个月内签订，并依法支付二倍工资差额。",
         (("劳动合同法", "第十条"), ("劳动合同法", "第八十二条"), ("劳动合同法实施条例", "第六条"),
          ("劳动合同法实施条例", "第七条")),
         answer_is("contract_written", "some", "none")),
    Rule("contract.copy", "contract", L, "劳动合同文本未交付职工",
         "劳动合同应当由单位和职工各执一份，未交付的由劳动行政部门责令改正，造成损害的应当赔偿。",
         "将劳动合同文本交职工本人一份，并保留签收记录。",
         (("劳动合同法", "第十六条"), ("劳动合同法", "第八十一条")),
         answer_is("contract_copy", "no")),
    Rule("contract.roster", "contract", L, "未建立职工名册",
         "单位应当自用工之日起建立职工名册备查，逾期不改的可处2000元以上2万元以下罚款。",
         "建立职工名册，载明姓名、性别、身份证号码、用工形式、用工起始时间、劳动合同期限等内容。",
         (("劳动合同法", "第七条"), ("劳动合同法实施条例", "第八条"), ("劳动合同法实施条例", "第三十三条")),
         answer_is("roster", "no")),
    Rule("contract.probation", "contract", M, "试用期约定违法",
         "试用期超过法定上限或重复约定试用期。违法约定的试用期已经履行的，单位应当按试用期满月工资向职工支付赔偿金。",
         "按合同期限重新核定试用期，同一职工只约定一次试用期，已超期履行的依法支付赔偿金。",
         (("劳动合同法", "第十九条"), ("劳动合同法", "第八十三条")),
         answer_is("probation", "no")),
    Rule("contract.deposit", "contract", H, "扣押证件或收取押金",
         "招用职工时扣押身份证等证件或收取押金、保证金，属于法律明令禁止的行为，将被责令退还并处罚款。",
         "立即将扣押的证件退还职工本人，退还收取的押金、保证金等财物。",
         (("劳动合同法", "第九条"), ("劳动合同法", "第八十四条")),
         answer_is("deposit", "yes")),
    Rule("contract.dispatch", "contract", M, "劳务派遣用工超出范围",
         "劳务派遣只能在临时性、辅助性或者替代性岗位上使用，主营业务等长期岗位应当直接订立劳动合同。",
         "梳理派遣岗位，将主营业务岗位的派遣职工转为直接用工，依法订立劳动合同。",
         (("劳动合同法", "第六十六条"),),
         answer_is("dispatch", "core")),
    Rule("contract.dismissal_union", "contract", M, "单方解除劳动合同未通知工会",
         "单位单方解除劳动合同，应当事先将理由通知工会；工会认为违法的有权要求纠正，单位应当研究并书面通知处理结果。",
         "今后单方解除劳动合同前，书面将理由通知工会并听取意见。",
         (("劳动合同法", "第四十三条"), ("工会法", "第二十二条")),
         answer_is("dismissal_union", "no")),

    Rule("hours.overtime_limit", "hours", H, "加班超过法定上限",
         "延长工作时间一般每日不超过一小时，特殊原因每日不超过三小时，每月不得超过三十六小时。",
         "调整生产安排或增加人手，将每月加班控制在三十六小时以内，加班须与工会和职工协商。",
         (("劳动法", "第四十一条"), ("劳动法", "第四十三条"), ("劳动法", "第九十条")),
         more_than("overtime_hours", 36)),
    Rule("hours.rest_day", "hours", H, "未保证每周至少休息一日",
         "用人单位应当保证劳动者每周至少休息一日。",
         "合理安排排班，保证每名职工每周至少连续休息一日。",
         (("劳动法", "第三十八条"),),
         answer_is("rest_day", "no")),
    Rule("hours.unapproved_system", "hours", M, "特殊工时制度未经批准",
         "企业因生产特点不能实行标准工时制度的，须经劳动行政部门批准，方可实行综合计算工时工作制或不定时工作制等其他工作和休息办法。",
         "向当地人力资源社会保障部门申请特殊工时制度审批，批准前按标准工时制执行并支付加班工资。",
         (("劳动法", "第三十九条"), ("国务院关于职工工作时间的规定", "第五条")),
         answer_is("hours_system", "unapproved")),
    Rule("hours.overtime_pay", "hours", H, "未足额支付加班工资",
         "安排加班应当按不低于工资150%、200%（休息日不能补休的）、300%（法定休假日）的标准支付加班工资。",
         "核算近两年的加班时长，足额补发加班工资，今后按月随工资一并支付。",
         (("劳动法", "第四十四条"), ("劳动合同法", "第三十一条"), ("工资支付暂行规定", "第十三条")),
         answer_is("overtime_pay", "short")),
    Rule("hours.annual_leave", "hours", M, "未落实带薪年休假",
         "连续工作一年以上的职工享受带薪年休假，应休未休的，单位应当按日工资收入的300%支付年休假工资报酬。",
         "制定年休假安排计划，保证职工休假；确因工作需要不能安排的，经职工同意后按300%支付工资报酬。",
         (("职工带薪年休假条例", "第二条"), ("职工带薪年休假条例", "第三条"), ("职工带薪年休假条例", "第五条")),
         answer_is("annual_leave", "no")),

    Rule("wages.arrears", "wages", H, "拖欠或克扣工资",
         "工资应当以货币形式按月足额支付给职工本人，不得克扣或者无故拖欠；逾期不付的，可被责令按应付金额50%至100%加付赔偿金。",
         "立即清偿拖欠、克扣的工资，建立工资支付台账，按约定日期足额发放。",
         (("劳动法", "第五十条"), ("劳动合同法", "第三十条"), ("劳动合同法", "第八十五条"),
          ("工资支付暂行规定", "第七条")),
         answer_is("wage_payment", "arrears")),
    Rule("wages.late", "wages", M, "工资未按约定日期发放",
         "工资必须在约定的日期支付，遇节假日或休息日应当提前在最近的工作日支付。",
         "固定工资发放日并按时发放，遇节假日提前发放。",
         (("工资支付暂行规定", "第七条"), ("劳动法", "第五十条")),
         answer_is("wage_payment", "late")),
    Rule("wages.below_minimum", "wages", H, "工资低于当地最低工资标准",
         "职工在正常工作时间内的工资不得低于当地最低工资标准，低于的应当补足差额。",
         "对照当地现行最低工资标准调整工资，补发差额部分。",
         (("劳动法", "第四十八条"), ("劳动合同法", "第八十五条")),
         answer_is("below_minimum", "yes")),
    Rule("wages.payslip", "wages", L, "未记录工资支付或未提供工资清单",
         "单位必须书面记录支付工资的数额、时间、领取者姓名及签字，保存两年以上，并向职工提供工资清单。",
         "建立工资支付记录，每月向职工提供列明各项目的工资清单。",
         (("工资支付暂行规定", "第六条"),),
         answer_is("payslip", "no")),
    Rule("wages.deductions", "wages", M, "违规扣减工资",
         "除代扣个人所得税、社会保险费个人部分等法定情形外，单位不得克扣职工工资。",
         "停止以罚款等名义扣减工资，退还违规扣减的部分，修订相关规章制度。",
         (("工资支付暂行规定", "第十五条"), ("劳动法", "第五十条")),
         answer_is("deductions", "yes")),

    Rule("insurance.coverage", "insurance", H, "未为全部职工参加社会保险",
         "职工应当参加基本养老、基本医疗、工伤、失业、生育保险，单位应当自用工之日起三十日内为职工办理社会保险登记。",
         "为未参保的职工办理社会保险登记，补缴欠缴的社会保险费。",
         (("社会保险法", "第十条"), ("社会保险法", "第二十三条"), ("社会保险法", "第三十三条"),
          ("社会保险法", "第四十四条"), ("社会保险法", "第五十三条"), ("社会保险法", "第五十八条")),
         answer_is("insurance_coverage", "partial", "none")),
    Rule("insurance.base", "insurance", M, "未按实际工资申报缴费基数",
         "单位应当按时足额缴纳社会保险费；未足额缴纳的，将被责令补足并按日加收万分之五的滞纳金。",
         "按职工实际工资核定缴费基数，补缴差额。",
         (("社会保险法", "第六十条"), ("社会保险法", "第八十六条")),
         answer_is("insurance_base", "no")),
    Rule("insurance.waiver", "insurance", H, "以“自愿放弃”或现金补贴代替缴纳社会保险",
         "参加社会保险、缴纳社会保险费是单位的法定义务，职工签署的放弃声明不能免除；应当参加工伤保险而未参加的，职工发生工伤时由单位按工伤保险待遇标准支付费用。",
         "停止以现金补贴代替参保，为相关职工补办参保并补缴社会保险费。",
         (("社会保险法", "第六十条"), ("劳动法", "第七十二条"), ("工伤保险条例", "第六十二条")),
         answer_is("insurance_waiver", "yes")),
    Rule("insurance.housing_fund", "insurance", M, "未缴存住房公积金",
         "单位录用职工的，应当自录用之日起三十日内办理住房公积金缴存登记，并按时、足额缴存。",
         "向住房公积金管理中心办理缴存登记，为职工设立账户并按时足额缴存。",
         (("住房公积金管理条例", "第十五条"), ("住房公积金管理条例", "第二十条")),
         answer_is("housing_fund", "no")),

    Rule("safety.training", "safety", M, "未开展安全生产教育和培训",
         "单位应当对职工进行安全生产教育和培训，未经培训合格的不得上岗作业。",
         "制定年度安全培训计划，对全体职工开展岗前和定期安全生产培训并建立培训档案。",
         (("安全生产法", "第二十八条"), ("劳动法", "第五十二条")),
         answer_is("safety_training", "no")),
    Rule("safety.equipment", "safety", H, "未提供合格的劳动防护用品",
         "单位必须为职工提供符合国家标准或者行业标准的劳动防护用品，并监督、教育职工正确佩戴使用。",
         "按岗位配发符合标准的劳动防护用品，并监督职工正确佩戴使用。",
         (("安全生产法", "第四十五条"), ("劳动法", "第五十四条")),
         answer_is("protective_equipment", "no")),
    Rule("safety.health_checks", "safety", H, "未组织职业健康检查",
         "接触职业病危害作业的职工，单位应当组织上岗前、在岗期间和离岗时的职业健康检查，费用由单位承担。",
         "委托有资质的机构为接害岗位职工进行职业健康检查，书面告知结果并建立健康监护档案。",
         (("职业病防治法", "第三十五条"), ("劳动法", "第五十四条")),
         answer_is("health_checks", "no")),
    Rule("safety.pregnant_overtime", "safety", H, "安排孕期、哺乳期女职工加班或夜班",
         "对怀孕七个月以上和哺乳未满一周岁婴儿的女职工，不得延长劳动时间或者安排夜班劳动。",
         "立即停止安排相关女职工加班和夜班，孕期女职工按医嘱减轻劳动量，并安排哺乳时间。",
         (("女职工劳动保护特别规定", "第六条"), ("女职工劳动保护特别规定", "第九条"), ("劳动法", "第六十一条"),
          ("劳动法", "第六十三条")),
         answer_is("pregnant_overtime", "yes")),
    Rule("safety.maternity", "safety", H, "女职工生育权益未落实",
         "女职工生育享受98天产假；单位不得因女职工怀孕、生育、哺乳降低其工资、予以辞退或者解除劳动合同。",
         "足额落实产假及生育津贴，纠正降薪或解除劳动合同的决定。",
         (("女职工劳动保护特别规定", "第五条"), ("女职工劳动保护特别规定", "第七条"), ("劳动法", "第六十二条")),
         answer_is("maternity", "no")),

    Rule("democracy.no_union", "democracy", M, "职工二十五人以上未建立工会",
         "职工有依法参加和组织工会的权利，会员二十五人以上的应当建立基层工会委员会。",
         "支持职工依法组建工会，可联系所在地总工会指导筹建。",
         (("工会法", "第三条"), ("工会法", "第十一条")),
         all_of(answer_is("union_established", "no"), more_than("employees", 24))),
    Rule("democracy.no_union_small", "democracy", L, "尚未建立工会",
         "不足二十五人的单位，可以单独建立基层工会委员会，也可以与其他单位联合建立，或选举组织员一人组织会员开展活动。",
         "可联系所在地总工会，以单独建会、联合建会或加入区域性、行业性工会联合会等方式组织职工入会。",
         (("工会法", "第三条"), ("工会法", "第十一条")),
         all_of(answer_is("union_established", "no"), at_most("employees", 24))),
    Rule("democracy.union_funds", "democracy", M, "未足额拨缴工会经费",
         "建立工会组织的单位应当按每月全部职工工资总额的2%向工会拨缴经费；拖延或拒不拨缴的，工会可以申请支付令。",
         "按全部职工工资总额的2%按月足额拨缴工会经费，补缴欠缴部分。",
         (("工会法", "第四十三条"), ("工会法", "第四十四条")),
         answer_is("union_funds", "no")),
    Rule("democracy.congress", "democracy", M, "未建立职工代表大会制度",
         "职工通过职工大会、职工代表大会等形式参与民主管理；违反职工代表大会制度的，工会有权要求纠正。",
         "建立职工代表大会（或职工大会）制度，每年至少召开一次，审议涉及职工切身利益的重大事项。",
         (("劳动法", "第八条"), ("工会法", "第二十条")),
         answer_is("congress", "no")),
    Rule("democracy.rules_procedure", "democracy", M, "规章制度未经民主程序或未公示",
         "涉及劳动报酬、工作时间、休息休假等切身利益的规章制度，应当经职工代表大会或全体职工讨论、与工会平等协商确定并公示；违法的规章制度将被责令改正。",
         "对现行规章制度履行民主程序，经职工代表大会或全体职工讨论、与工会协商后，书面公示或告知职工。",
         (("劳动合同法", "第四条"), ("劳动合同法", "第八十条")),
         answer_is("rules_procedure", "no")),
    Rule("democracy.open_affairs", "democracy", L, "未实行厂务公开",
         "直接涉及职工切身利益的规章制度和重大事项应当公示或告知职工，工资支付制度应当告知全体职工，工伤保险参保情况应当在单位内公示。",
         "建立厂务公开制度，定期公开规章制度、工资支付制度、社会保险参保缴费等情况。",
         (("劳动合同法", "第四条"), ("工资支付暂行规定", "第十七条"), ("工伤保险条例", "第四条")),
         answer_is("open_affairs", "no")),
    Rule("democracy.no_collective_contract", "democracy", M, "未签订集体合同",
         "职工一方可以与单位就劳动报酬、工作时间、休息休假、劳动安全卫生、保险福利等事项平等协商、订立集体合同，工会代表职工签订。",
         "由工会代表职工与单位开展集体协商，签订集体合同或工资专项集体合同。",
         (("劳动合同法", "第五十一条"), ("劳动合同法", "第五十二条"), ("工会法", "第二十一条")),
         answer_is("collective_contract", "none")),
    Rule("democracy.collective_expired", "democracy", L, "集体合同已过期未续签",
         "集体合同期满未续签，劳动报酬、工作时间等经集体协商确定的标准失去依据，工会应当代表职工开展新一轮平等协商。",
         "启动新一轮集体协商，续签集体合同。",
         (("劳动合同法", "第五十一条"), ("工会法", "第二十一条")),
         answer_is("collective_contract", "expired")),
    Rule("democracy.collective_procedure", "democracy", L, "集体合同未履行法定程序",
         "集体合同草案应当提交职工代表大会或者全体职工讨论通过，订立后报送劳动行政部门。",
         "将集体合同草案提交职工代表大会或全体职工讨论通过，并报送当地人力资源社会保障部门审查。",
         (("劳动合同法", "第五十一条"), ("劳动合同法", "第五十四条")),
         answer_is("collective_procedure", "no")),
)

LEVEL_ORDER = {RiskLevel.HIGH: 0, RiskLevel.MEDIUM: 1, RiskLevel.LOW: 2}
SECTION_ORDER = {section.key: index for index, section in enumerate(SECTIONS)}


# ---- Answers and risks ----------------------------------------------------------------------------------------


def _answer_errors(raw: Mapping[str, str]) -> list[ValidationFailed]:
    errors = []
    for number, question in enumerate(QUESTIONS.values(), start=1):
        value = str(raw.get(question.key) or "").strip()
        if not value:
            message, code = f"请回答第{number}题：{question.text.rstrip('？')}", ErrorCode.REQUIRED
        elif question.kind == "number" and (not value.isdigit() or int(value) > MAX_NUMBER):
            message, code = f"第{number}题请填写不小于0的整数", ErrorCode.INVALID
        elif question.kind == "choice" and value not in dict(question.options):
            message, code = f"第{number}题请从选项中选择", ErrorCode.INVALID
        else:
            continue
        errors.append(ValidationFailed(code, message, field=question.field))
    return errors


def answer_problems(raw: Mapping[str, str]) -> dict[str, str]:
    """Every unanswered or malformed question, as form field -> message; `raw` is keyed by question key."""
    return {error.field: error.message for error in _answer_errors(raw)}


def clean_answers(raw: Mapping[str, str]) -> dict[str, object]:
    """The answers with numbers as ints. Raises ValidationFailed naming the first question at fault."""
    errors = _answer_errors(raw)
    if errors:
        raise errors[0]
    return {
        key: int(str(raw[key]).strip()) if question.kind == "number" else str(raw[key]).strip()
        for key, question in QUESTIONS.items()
    }


def evaluate(answers: Answers) -> list[dict]:
    """The risks the answers show, most serious first, as the JSON a Checkup keeps."""
    found = [rule for rule in RULES if rule.when(answers)]
    found.sort(key=lambda rule: (LEVEL_ORDER[rule.level], SECTION_ORDER[rule.section]))
    return [
        {
            "code": rule.code,
            "level": str(rule.level),
            "section": SECTION_TITLES[rule.section],
            "title": rule.title,
            "description": rule.description,
            "remedy": rule.remedy,
            "citations": [list(citation) for citation in rule.citations],
        }
        for rule in found
    ]


def resolve_citations(citations) -> dict[Citation, Article]:
    """The articles cited, in one query; a citation missing from the corpus is simply absent."""
    pairs = {(law, label) for law, label in citations}
    if not pairs:
        return {}
    query = reduce(or_, (Q(law__short_title=law, label=label) for law, label in pairs))
    articles = Article.objects.filter(query, law__active=True).select_related("law")
    return {(article.law.short_title, article.label): article for article in articles}


# ---- Submitting -------------------------------------------------------------------------------------------------


@dataclass
class CheckupData:
    enterprise_name: str
    credit_code: str
    division_code: str
    answers: Mapping[str, str]
    union: object = None  # a Union the actor works for, or None to find the enterprise's union


def _clean_enterprise(data: CheckupData) -> tuple[str, str, str]:
    return (
        clean_required(data.enterprise_name, field="enterprise_name", label="单位名称", max_length=100),
        clean_credit_code(data.credit_code),
        clean_division_code(division_from_place(data.division_code)),
    )


def enterprise_problems(data: CheckupData) -> dict[str, str]:
    """Every problem with the enterprise fields, as field -> message (a page shows them all at once)."""
    problems = {}
    for field_name, check in [
        ("enterprise_name", lambda: clean_required(data.enterprise_name, field="enterprise_name", label="单位名称",
                                                   max_length=100)),
        ("credit_code", lambda: clean_credit_code(data.credit_code)),
        ("division_code", lambda: clean_division_code(division_from_place(data.division_code))),
    ]:
        try:
            check()
        except ValidationFailed as exc:
            problems[field_name] = exc.message
    return problems


def _following_union(*, actor, chosen, enterprise_name: str, division_code: str):
    from zhijia.cases.routing import route_ticket
    from zhijia.org.permissions import policy as union_policy

    if chosen is None:
        return route_ticket(employer_name=enterprise_name, division_code=division_code).union
    if not union_policy.can(actor, "view", chosen):
        raise ValidationFailed(ErrorCode.INVALID, "只能选择您所在或所辖的工会", field="union")
    return chosen


def checkup_submit(*, actor, data: CheckupData) -> Checkup:
    """Record a checkup and the risks its answers show.

    The union following the enterprise up is the one chosen by a union staff member filling the form in,
    otherwise the one a ticket from this enterprise would go to (its own union, else the local federation).

    Raises:
        PermissionDenied: the actor is not signed in.
        ValidationFailed: a field or answer is missing or malformed (naming the first one at fault).
    """
    from .permissions import checkup_policy

    if not checkup_policy.allows(actor, "create"):
        raise PermissionDenied("请先登录")
    name, credit_code, division_code = _clean_enterprise(data)
    answers = clean_answers(data.answers)
    union = _following_union(actor=actor, chosen=data.union, enterprise_name=name, division_code=division_code)
    with transaction.atomic():
        checkup = Checkup.objects.create(
            enterprise_name=name,
            credit_code=credit_code,
            division_code=division_code,
            union=union,
            owner=actor,
            answers=answers,
            risks=evaluate(answers),
        )
        audit.record(actor=actor, action="checkup.submit", obj=checkup,
                     after={"enterprise_name": name, "credit_code": credit_code, "union": union.pk,
                            "risks": [risk["code"] for risk in checkup.risks]})
    return checkup


# ---- Reading ------------------------------------------------------------------------------------------------------


def checkup_list(*, actor):
    from .permissions import checkup_policy

    return checkup_policy.scope(actor, "list", Checkup.objects.select_related("union")).order_by("-created_at", "-id")


def checkup_get(*, actor, checkup_id: int) -> Checkup:
    from .permissions import checkup_policy

    return checkup_policy.get_or_404(actor, "view", Checkup.objects.select_related("union", "owner"), pk=checkup_id)


@dataclass
class ReportRisk:
    risk: dict
    quotes: list[tuple[str, str, str]]  # (law short title, article label, text or "" when not in the corpus)


def report(checkup: Checkup) -> dict:
    """What the report page and PDF show: the risks with their articles quoted, and the answers given."""
    articles = resolve_citations(
        (law, label) for risk in checkup.risks for law, label in risk["citations"]
    )
    risks = [
        ReportRisk(risk, [(law, label, articles[(law, label)].text if (law, label) in articles else "")
                          for law, label in risk["citations"]])
        for risk in checkup.risks
    ]
    answered = []
    for section in SECTIONS:
        rows = []
        for question in section.questions:
            value = checkup.answers.get(question.key, "")
            shown = f"{value}{question.unit}" if question.kind == "number" else dict(question.options).get(value, value)
            rows.append((question.text, shown))
        answered.append((section.title, rows))
    return {
        "checkup": checkup,
        "risks": risks,
        "answered": answered,
        "counts": {"high": checkup.high_count, "medium": checkup.medium_count, "low": checkup.low_count},
    }


TEMPLATE_DIR = Path(__file__).resolve().parent / "templates" / "legal"


def checkup_pdf(checkup: Checkup) -> bytes:
    return render_pdf("legal/checkup_report_pdf.html", report(checkup), base_dir=TEMPLATE_DIR)
