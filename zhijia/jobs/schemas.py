"""API shapes for employment help. A seeker's phone leaves masked unless the endpoint has decided the caller may
see it (`contact_visible`, set from services.seeker_contact_visible); 身份证号 only ever leaves masked, except
through /reveal."""

import datetime

from ninja import Field, Schema

from zhijia.core.pii import mask_id_number, mask_phone
from zhijia.core.schemas import PageQuery
from zhijia.core.validators import division_name

SHIFTS = "day 白班 / night 夜班 / rotating 倒班 / flexible 弹性/兼职"
LEVELS = "0 无等级 / 1 五级初级工 / 2 四级中级工 / 3 三级高级工 / 4 二级技师 / 5 一级高级技师"
EDUCATIONS = "0 不限 / 1 小学 / 2 初中 / 3 高中中专技校 / 4 大专 / 5 本科 / 6 硕士及以上"
PRIORITY_GROUPS = ("redeployed 转岗待岗职工 / hardship_child 困难职工家庭子女 / flexible 灵活就业人员 / "
                   "zero_employment 零就业家庭成员 / migrant 农民工 / new_form 新就业形态劳动者 / graduate 高校毕业生")


# ---- Seekers ------------------------------------------------------------------------------------------------


class SeekerIn(Schema):
    name: str = Field(description="姓名")
    phone: str = Field(description="手机号码")
    occupations: list[str] = Field(description="求职意向（职业名称，最多 5 个，如 电焊工、保洁员）")
    expected_wage: int = Field(description="期望月薪（元）")
    division_code: str = Field(description="可工作地区（6 位行政区划代码）")
    start_date: datetime.date = Field(description="可到岗日期")
    skills: list[str] = Field([], description="技能标签，如 二保焊、叉车证")
    skills_text: str = Field("", description="技能与工作经历")
    level: int = Field(0, description=f"职业技能等级：{LEVELS}")
    certificates: str = Field("", description="证书")
    education: int = Field(0, description=f"学历：{EDUCATIONS}")
    experience_years: int = Field(0, description="工作年限")
    address: str = Field("", description="地址（不填按所在区县中心计算距离）")
    max_distance_km: int = Field(10, description="可接受通勤距离（公里，1–100）")
    shifts: list[str] = Field([], description=f"可接受班次：{SHIFTS}")
    priority_group: str = Field("", description=f"重点群体：{PRIORITY_GROUPS}；留空时如有困难职工档案自动认定")
    contact_consent: bool = Field(False, description="同意向被推荐的用人单位公开联系方式")
    id_number: str = Field("", description="身份证号（选填，用于关联困难职工档案）")


class SeekerCreateIn(SeekerIn):
    union_id: int | None = Field(
        None, description="服务工会。职工本人：默认为本人所在工会，也可选择公开查找到的工会（/api/unions/search）；"
                          "工作人员代为登记：默认为本人任职的工会")


class SeekerQuery(PageQuery):
    q: str = Field("", description="姓名开头")
    priority: str = Field("", description="重点群体；any 表示所有重点群体")
    active: bool | None = Field(True, description="true 求职中（默认）/ false 已停止求职 / 不填为全部")


class _SeekerBase(Schema):
    id: int
    name: str
    phone: str = Field(description="手机号码；除非本人已投递或同意公开、或有权查看，否则部分隐藏")
    contact_visible: bool = Field(False, description="phone 是否为完整号码")
    union_id: int
    union_name: str
    occupations: list[str]
    skills: list[str]
    level: int
    level_label: str
    education: int
    education_label: str
    experience_years: int
    expected_wage: int
    division_code: str
    division_name: str
    priority_group: str
    priority_group_label: str
    active: bool

    @staticmethod
    def resolve_phone(obj) -> str:
        # Fail closed: only an endpoint that asked services.seeker_contact_visible sets contact_visible.
        return obj.phone if getattr(obj, "contact_visible", False) else mask_phone(obj.phone or "")

    @staticmethod
    def resolve_contact_visible(obj) -> bool:
        return bool(getattr(obj, "contact_visible", False))

    @staticmethod
    def resolve_union_name(obj) -> str:
        return obj.union.name

    @staticmethod
    def resolve_level_label(obj) -> str:
        return obj.get_level_display()

    @staticmethod
    def resolve_education_label(obj) -> str:
        return obj.get_education_display()

    @staticmethod
    def resolve_division_name(obj) -> str:
        return division_name(obj.division_code)

    @staticmethod
    def resolve_priority_group_label(obj) -> str:
        return obj.get_priority_group_display() if obj.priority_group else ""


class SeekerListItem(_SeekerBase):
    registered_by_union: bool
    created_at: datetime.datetime

    @staticmethod
    def resolve_registered_by_union(obj) -> bool:
        return obj.registered_by_id is not None


class SeekerOut(SeekerListItem):
    id_number: str = Field(description="身份证号（部分隐藏）")
    skills_text: str
    certificates: str
    address: str
    max_distance_km: int
    shifts: list[str]
    start_date: datetime.date
    contact_consent: bool
    has_account: bool = Field(description="是否关联了职工本人的账号")
    can_reveal_pii: bool = Field(False, description="当前用户可否查看完整手机号和身份证号")
    updated_at: datetime.datetime

    @staticmethod
    def resolve_id_number(obj) -> str:
        return mask_id_number(obj.id_number or "")

    @staticmethod
    def resolve_has_account(obj) -> bool:
        return obj.user_id is not None

    @staticmethod
    def resolve_can_reveal_pii(obj) -> bool:
        return bool(getattr(obj, "can_reveal_pii", False))


class SeekerRevealOut(Schema):
    phone: str
    id_number: str


# ---- Employers ----------------------------------------------------------------------------------------------


class EmployerIn(Schema):
    name: str = Field(description="单位名称")
    credit_code: str = Field(description="统一社会信用代码（18 位）")
    division_code: str = Field(description="所在地区（6 位行政区划代码）")
    address: str = ""
    contact_name: str = ""
    contact_phone: str = ""
    union_id: int | None = Field(None, description="联系工会（负责审核该单位岗位），默认为本人任职的工会")
    account_username: str = Field("", description="选填：关联为单位账号的用户名，该用户即可发布岗位、查看投递")


class EmployerQuery(PageQuery):
    q: str = Field("", description="单位名称开头")


class EmployerOut(Schema):
    id: int
    name: str
    credit_code: str
    division_code: str
    division_name: str
    address: str
    contact_name: str
    contact_phone: str = Field(description="联系电话（部分隐藏）")
    union_id: int
    union_name: str
    created_at: datetime.datetime

    @staticmethod
    def resolve_division_name(obj) -> str:
        return division_name(obj.division_code)

    @staticmethod
    def resolve_contact_phone(obj) -> str:
        return mask_phone(obj.contact_phone or "")

    @staticmethod
    def resolve_union_name(obj) -> str:
        return obj.union.name


# ---- Vacancies ----------------------------------------------------------------------------------------------


class VacancyIn(Schema):
    title: str = Field(description="岗位名称")
    occupation: str = Field("", description="职业（不填按岗位名称识别，如 电焊工 → 焊工）")
    wage_min: int = Field(description="月薪下限（元）")
    wage_max: int = Field(description="月薪上限（元）")
    division_code: str = Field(description="工作地区（6 位行政区划代码）")
    valid_until: datetime.date = Field(description="截止日期，过期自动下架")
    valid_from: datetime.date | None = Field(None, description="发布日期，默认今天")
    skills: list[str] = Field([], description="技能要求")
    description: str = ""
    min_level: int = Field(0, description=f"最低技能等级：{LEVELS}")
    min_education: int = Field(0, description=f"最低学历：{EDUCATIONS}")
    address: str = ""
    shifts: list[str] = Field([], description=f"班次：{SHIFTS}")
    headcount: int = Field(1, description="招聘人数")
    benefits: str = Field("", description="福利待遇")


class VacancyCreateIn(VacancyIn):
    employer_id: int | None = Field(
        None, description="用人单位。单位账号只代表一个单位时可不填；工会代为发布时必填")


class VacancyQuery(PageQuery):
    q: str = Field("", description="岗位名称包含或单位名称开头")
    status: str = Field("", description="draft / published 招聘中 / closed 已结束 / rejected 未通过审核")
    employer_id: int | None = None


class ModerateIn(Schema):
    action: str = Field(description="publish 重新发布 / close 下架 / reject 不通过（须填原因）")
    note: str = ""


class VacancyOut(Schema):
    id: int
    employer_id: int
    employer_name: str
    title: str
    occupation: str
    skills: list[str]
    description: str
    min_level: int
    min_level_label: str
    min_education: int
    min_education_label: str
    wage_min: int
    wage_max: int
    division_code: str
    division_name: str
    address: str
    shifts: list[str]
    headcount: int
    benefits: str
    valid_from: datetime.date
    valid_until: datetime.date
    status: str
    status_label: str
    moderation_note: str
    created_at: datetime.datetime
    updated_at: datetime.datetime

    @staticmethod
    def resolve_employer_name(obj) -> str:
        return obj.employer.name

    @staticmethod
    def resolve_min_level_label(obj) -> str:
        return obj.get_min_level_display()

    @staticmethod
    def resolve_min_education_label(obj) -> str:
        return obj.get_min_education_display()

    @staticmethod
    def resolve_division_name(obj) -> str:
        return division_name(obj.division_code)

    @staticmethod
    def resolve_status_label(obj) -> str:
        return obj.get_status_display()


# ---- Matches and outcomes -----------------------------------------------------------------------------------


class MatchQuery(Schema):
    k: int = Field(20, ge=1, le=100, description="返回前 k 个")


class VacancyMatchOut(Schema):
    vacancy: VacancyOut
    score: float = Field(description="匹配度（0–1）")
    distance_km: float
    reasons: str = Field(description="匹配理由，如 “技能: 二保焊, 看图 · 距离 3.2 km · 工资 6000–8000 符合期望”")
    applied: bool = Field(False, description="该求职者是否已投递")


class SeekerMatchOut(Schema):
    seeker: _SeekerBase
    score: float
    distance_km: float
    reasons: str
    referred: bool = Field(False, description="是否已推荐到该岗位")


class DeclineIn(Schema):
    reason: str = Field(description="不考虑该岗位的原因")


class OutcomeIn(Schema):
    seeker_id: int
    kind: str = Field(description="interviewed 安排面试 / hired 已录用 / declined 未成功（须填原因）")
    reason: str = ""


class OutcomeOut(Schema):
    id: int
    seeker_id: int
    vacancy_id: int
    kind: str
    kind_label: str
    reason: str
    by_name: str
    at: datetime.datetime

    @staticmethod
    def resolve_kind_label(obj) -> str:
        return obj.get_kind_display()


class ApplicantOut(SeekerOut):
    applied: bool = Field(description="是否本人投递")
    referral_id: int | None = Field(None, description="工会推荐记录（如有）")
    referral_status: str = ""
    outcomes: list[OutcomeOut] = Field([], alias="outcome_list", description="在该岗位的进展")


# ---- Referrals ----------------------------------------------------------------------------------------------


class ReferralIn(Schema):
    seeker_id: int
    vacancy_id: int
    note: str = Field("", description="推荐说明")


class ReferralRespondIn(Schema):
    status: str = Field(description="accepted 已接收 / interview 安排面试 / hired 已录用 / declined 未录用（须填原因）")
    response: str = ""


class ReferralQuery(PageQuery):
    status: str = Field("", description="sent / accepted / interview / hired / declined")
    vacancy_id: int | None = None
    seeker_id: int | None = None


class ReferralOut(Schema):
    id: int
    seeker_id: int
    seeker_name: str
    vacancy_id: int
    vacancy_title: str
    employer_name: str
    union_id: int
    union_name: str
    note: str
    status: str
    status_label: str
    response: str
    created_at: datetime.datetime
    updated_at: datetime.datetime

    @staticmethod
    def resolve_seeker_name(obj) -> str:
        return obj.seeker.name

    @staticmethod
    def resolve_vacancy_title(obj) -> str:
        return obj.vacancy.title

    @staticmethod
    def resolve_employer_name(obj) -> str:
        return obj.vacancy.employer.name

    @staticmethod
    def resolve_union_name(obj) -> str:
        return obj.union.name

    @staticmethod
    def resolve_status_label(obj) -> str:
        return obj.get_status_display()


# ---- Job fairs ----------------------------------------------------------------------------------------------


class FairIn(Schema):
    name: str
    held_on: datetime.date = Field(description="举办日期")
    online: bool = Field(False, description="线上招聘会")
    place: str = Field("", description="地点（现场招聘会必填）")
    union_id: int | None = Field(None, description="主办工会，默认为本人任职的工会")
    vacancy_ids: list[int] = Field([], description="参会岗位（招聘中）")


class FairVacanciesIn(Schema):
    vacancy_ids: list[int] = Field(min_length=1)


class FairRegisterIn(Schema):
    seeker_id: int | None = Field(None, description="工作人员代为报名时填写；职工本人不填")


class FairOut(Schema):
    id: int
    name: str
    union_id: int
    union_name: str
    online: bool
    held_on: datetime.date
    place: str
    vacancy_count: int = 0
    registration_count: int = 0

    @staticmethod
    def resolve_union_name(obj) -> str:
        return obj.union.name


class FairRegistrationOut(Schema):
    fair_id: int
    seeker_id: int
    registered_at: datetime.datetime


class FairMatchesOut(Schema):
    fair: FairOut
    seeker_id: int
    seeker_name: str
    items: list[VacancyMatchOut]


# ---- Report -------------------------------------------------------------------------------------------------


class PriorityRowOut(Schema):
    priority_group: str
    label: str
    seekers: int = Field(description="登记求职的重点群体人数")
    matched: int = Field(description="已投递或被推荐的人数")
    referred: int = Field(description="推荐次数")
    hired: int = Field(description="已录用人数")
