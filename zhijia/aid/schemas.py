"""API shapes for hardship aid. Money is Decimal (a JSON string on the way out), never float. 身份证号, phones and
bank accounts only ever leave masked, except through /reveal and the bank's payment file."""

import datetime
from decimal import Decimal
from typing import Annotated

from ninja import Field, Schema
from pydantic import PlainSerializer

from zhijia.core.pii import mask_phone
from zhijia.core.schemas import PageQuery

# Yuan with two decimals, as a string: "3000.00" whatever the database's arithmetic returned.
Money = Annotated[Decimal, PlainSerializer(lambda value: f"{value:.2f}", return_type=str)]


class VersionIn(Schema):
    version: int | None = Field(None, description="读取时的 version；若已被他人更新则返回 409 stale_version")


class ReasonIn(Schema):
    reason: str


class OptionalReasonIn(Schema):
    reason: str = ""


# ---- Hardship files ---------------------------------------------------------------------------------------


class PersonIn(Schema):
    relation: str = Field(description="self 本人 / spouse 配偶 / child 子女 / parent 父母 / other 其他")
    name: str
    id_number: str = Field(description="18位身份证号")
    annual_income: Decimal = Field(Decimal(0), description="年收入（元）")
    health: str = ""
    schooling: str = ""
    work: str = ""


class FileIn(Schema):
    name: str = Field(description="职工姓名")
    phone: str = ""
    address: str = ""
    causes: list[str] = Field(description="致困原因：illness 疾病 / schooling 子女就学 / unemployment 下岗失业 / "
                                          "disaster 意外灾害 / injury 工伤 / other 其他")
    cause_note: str = ""
    other_income: Decimal = Field(Decimal(0), description="其他家庭收入（元/年）")
    unavoidable_spending: Decimal = Field(Decimal(0), description="刚性支出（元/年）：医疗、子女就学等")
    necessary_costs: Decimal = Field(Decimal(0), description="当年意外必需支出（元）")
    bank_name: str = ""
    bank_account: str = ""
    household: list[PersonIn] = Field(description="家庭成员，含职工本人（relation=self）")


class FileCreateIn(FileIn):
    union_id: int | None = Field(None, description="职工所在的基层工会（工作人员建档时必填；职工本人申请时默认为本人所在工会）")
    member_id: int | None = Field(None, description="工作人员建档时：职工的会员记录；填写后职工本人可在线查看档案进度")


class FileUpdateIn(FileIn, VersionIn):
    pass


class FileQuery(PageQuery):
    q: str = Field("", description="姓名开头或档案编号")
    status: str = ""
    category: str = ""
    union_id: int | None = Field(None, description="只看该工会及其下级")
    review_due: bool | None = Field(None, description="true：只看待复核的档案")


class VisitIn(Schema):
    note: str = Field(description="走访记录")
    visited_by: str = Field("", description="走访人，默认为当前用户")


class ObjectionIn(Schema):
    content: str
    raised_by: str = ""


class ObjectionResolveIn(Schema):
    upheld: bool = Field(description="异议是否成立；成立则档案退回")
    resolution: str


class FileListItem(Schema):
    number: str
    name: str
    union_id: int
    union_name: str = Field(alias="union.name")
    status: str
    status_label: str = Field(alias="get_status_display")
    category: str
    category_label: str = Field(alias="get_category_display")
    causes: list[str]
    review_due: bool
    notice_end: datetime.date | None
    created_at: datetime.datetime
    version: int


class HouseholdMemberOut(Schema):
    relation: str
    relation_label: str = Field(alias="get_relation_display")
    name: str
    id_number: str = Field(alias="id_number_masked")
    birth_date: datetime.date
    annual_income: Money
    health: str
    schooling: str
    work: str


class FileEventOut(Schema):
    at: datetime.datetime
    action: str
    from_status: str
    to_status: str
    actor_name: str
    note: str


class ObjectionOut(Schema):
    id: int
    raised_at: datetime.datetime
    raised_by: str
    content: str
    resolved: bool
    upheld: bool
    resolution: str
    resolved_at: datetime.datetime | None
    resolved_by: str


class EligibilityOut(Schema):
    category: str = ""
    measures: dict = {}
    reasons: list[str] = []


class FileOut(FileListItem):
    phone: str
    address: str
    cause_note: str
    other_income: Money
    unavoidable_spending: Money
    necessary_costs: Money
    bank_name: str
    bank_account: str = Field(alias="bank_account_masked")
    eligibility: EligibilityOut
    approval_union_id: int | None
    visit_note: str
    visited_by: str
    visited_at: datetime.datetime | None
    notice_start: datetime.date | None
    return_reason: str
    approved_at: datetime.datetime | None
    review_note: str
    last_reviewed_on: datetime.date | None
    exit_reason: str
    exited_at: datetime.datetime | None
    can_reveal_pii: bool = Field(False, description="当前用户可否查看完整身份证号、电话和银行账号")
    household: list[HouseholdMemberOut] = Field([], alias="household_list")
    events: list[FileEventOut] = Field([], alias="event_list")
    objections: list[ObjectionOut] = Field([], alias="objection_list")

    @staticmethod
    def resolve_phone(obj) -> str:
        return mask_phone(obj.phone or "")


class PersonRevealOut(Schema):
    name: str
    id_number: str


class FileRevealOut(Schema):
    phone: str
    bank_account: str
    household: list[PersonRevealOut]


# ---- Campaigns --------------------------------------------------------------------------------------------


class CampaignUpdateIn(Schema):
    name: str
    ends_on: datetime.date = Field(description="截止日期（不早于开始日期）")
    budget: Decimal = Field(description="预算（元），不少于已批准金额")
    description: str = ""


class CampaignIn(Schema):
    union_id: int = Field(description="主办工会")
    name: str
    kind: str = Field(description="relief 送温暖/专项帮扶 / tuition 金秋助学 / mutual 职工医疗互助")
    year: int
    starts_on: datetime.date
    ends_on: datetime.date
    budget: Decimal = Field(description="预算（元）")
    review_levels: list[int] = Field(description="依次审核的工会层级，如 [4, 3]：基层工会初审、县级总工会审批")
    groups: list[str] = Field([], description="送温暖的帮扶对象：hardship / frontline / new_form / migrant / model_worker")
    standard_amount: Decimal = Field(Decimal(0), description="送温暖每户标准（元）")
    grant_table: dict = Field({}, description='助学金标准，如 {"bachelor": {"file": 5000, "no_file": 3000}}')
    age_limits: dict = {}
    premium: Decimal = Field(Decimal(0), description="医疗互助每人每期保费（元）")
    deductible: Decimal = Field(Decimal(0), description="医疗互助起付线（元）")
    payout_ratio: Decimal = Field(Decimal(0), description="医疗互助给付比例（0 到 1）")
    annual_cap: Decimal = Field(Decimal(0), description="医疗互助年度给付上限（元）")
    description: str = ""


class CampaignQuery(PageQuery):
    kind: str = ""
    status: str = ""
    year: int | None = None


class CampaignOut(Schema):
    id: int
    name: str
    kind: str
    kind_label: str = Field(alias="get_kind_display")
    union_id: int
    union_name: str = Field(alias="union.name")
    year: int
    status: str
    status_label: str = Field(alias="get_status_display")
    description: str
    starts_on: datetime.date
    ends_on: datetime.date
    budget: Money
    committed: Money
    remaining: Money
    review_levels: list[int]
    groups: list[str]
    standard_amount: Money
    grant_table: dict
    age_limits: dict
    premium: Money
    deductible: Money
    payout_ratio: Decimal
    annual_cap: Money


class OpenCampaignOut(Schema):
    member_id: int
    union_id: int
    union_name: str
    campaign: CampaignOut


# ---- Applications -----------------------------------------------------------------------------------------


class ApplicationIn(Schema):
    union_id: int | None = Field(None, description="工作人员代为申请时：申请人所在的基层工会；职工本人申请时不填")
    member_id: int | None = Field(None, description="工作人员代为申请医疗互助理赔时：参保会员")
    name: str
    id_number: str
    bank_name: str = ""
    bank_account: str = ""
    reason: str = ""
    groups: list[str] = Field([], description="送温暖：工会确认的帮扶对象类别")
    child_name: str = ""
    child_id_number: str = ""
    school: str = ""
    level: str = Field("", description="金秋助学入学层次：high_school / vocational / college / bachelor / graduate")
    admission_year: int | None = None
    tuition: Decimal = Decimal(0)
    hospital: str = ""
    bill_number: str = ""
    total: Decimal = Field(Decimal(0), description="医疗费用总额（元）")
    insurance_paid: Decimal = Field(Decimal(0), description="医保统筹支付（元）")
    self_paid: Decimal = Field(Decimal(0), description="个人自付（元）")


class ApplicationQuery(PageQuery):
    campaign_id: int | None = None
    status: str = ""
    q: str = Field("", description="申请人姓名开头或申请编号")
    awaiting: bool = Field(False, description="true：只看当前待本人审核的申请")


class ApplicationListItem(Schema):
    number: str
    campaign_id: int
    campaign_name: str = Field(alias="campaign.name")
    union_id: int
    union_name: str = Field(alias="union.name")
    name: str
    amount: Money
    status: str
    status_label: str = Field(alias="get_status_display")
    reviewing_union_id: int | None
    reviewing_union_name: str | None = None
    submitted_at: datetime.datetime
    decided_at: datetime.datetime | None
    version: int

    @staticmethod
    def resolve_reviewing_union_name(obj) -> str | None:
        return obj.reviewing_union.name if obj.reviewing_union_id else None


class DecisionOut(Schema):
    at: datetime.datetime
    level: int | None
    union_id: int | None
    reviewer_name: str
    decision: str
    decision_label: str = Field(alias="get_decision_display")
    reason: str


class PaymentBriefOut(Schema):
    status: str
    status_label: str = Field(alias="get_status_display")
    amount: Money
    paid_at: datetime.datetime | None
    failure_reason: str


class ApplicationOut(ApplicationListItem):
    id_number: str = Field(alias="id_number_masked")
    bank_name: str
    bank_account: str = Field(alias="bank_account_masked")
    details: dict
    reason: str
    calculation: str
    decision_reason: str
    hardship_file_number: str | None = None
    level_index: int
    decisions: list[DecisionOut] = Field([], alias="decision_list")
    payment: PaymentBriefOut | None = Field(None, alias="payment_brief")

    @staticmethod
    def resolve_hardship_file_number(obj) -> str | None:
        return obj.hardship_file.number if obj.hardship_file_id else None


class DecideIn(VersionIn):
    decision: str = Field(description="approve 同意 / return 退回补正 / reject 不予批准")
    reason: str = Field("", description="退回或不予批准时必填")


class BulkApproveIn(Schema):
    ids: list[int] | None = Field(None, description="申请 id；不填则为本活动中待本人审核的全部申请")


class BulkApproveOut(Schema):
    approved: int
    advanced: int
    skipped: int
    error: str | None


# ---- Mutual aid -------------------------------------------------------------------------------------------


class EnrollIn(Schema):
    member_ids: list[int]
    by_union: bool = Field(False, description="工会统一参保")


class EnrollmentOut(Schema):
    id: int
    member_id: int
    member_name: str = Field(alias="member.name")
    union_id: int
    premium: Money
    by_union: bool
    enrolled_at: datetime.datetime


class EnrollOut(Schema):
    enrolled: int = Field(description="本次新参保人数（已参保的不重复计入）")
    items: list[EnrollmentOut]


# ---- Money ------------------------------------------------------------------------------------------------


class PaymentQuery(PageQuery):
    status: str = ""
    batch_id: int | None = None


class PaymentOut(Schema):
    id: int
    idempotency_key: str
    application_number: str = Field(alias="application.number")
    union_id: int
    amount: Money
    payee_name: str
    bank_name: str
    bank_account: str = Field(alias="bank_account_masked")
    status: str
    status_label: str = Field(alias="get_status_display")
    attempt: int
    batch_id: int | None
    failure_reason: str
    bank_reference: str
    paid_at: datetime.datetime | None


class BatchIn(Schema):
    limit: int | None = Field(None, ge=1, description="本批最多笔数")


class BatchOut(Schema):
    id: int
    number: str
    campaign_id: int
    campaign_name: str = Field(alias="campaign.name")
    status: str
    status_label: str = Field(alias="get_status_display")
    total: Money
    count: int
    created_at: datetime.datetime
    exported_at: datetime.datetime | None
    exported_by: str
    settled_at: datetime.datetime | None
    by_status: dict[str, int] = Field({}, description="各发放状态的笔数")


class ResultRowIn(Schema):
    key: str = Field("", description="业务参考号（款项的幂等键）")
    payment_id: int | None = None
    result: str = Field(description="paid / failed / returned，或 成功 / 失败 / 退回")
    reason: str = ""
    reference: str = Field("", description="银行流水号")


class ResultRowsIn(Schema):
    rows: list[ResultRowIn]


class RowErrorOut(Schema):
    row: int
    message: str


class ResultsOut(Schema):
    paid: int
    failed: int
    returned: int
    unchanged: int
    errors: list[RowErrorOut]


class PaymentResultIn(Schema):
    result: str = Field(description="paid 已发放 / failed 发放失败 / returned 退回（退汇）")
    reason: str = ""
    reference: str = ""
