import datetime

from ninja import Field, Schema

from zhijia.core.schemas import PageQuery


class TicketIn(Schema):
    type: str = Field(description="诉求类型：consult 咨询 / service 服务帮扶 / complaint 投诉/信访 / legal_aid 法律援助 / suggestion 意见建议")
    topic: str = Field(description="问题类别，如 wages 欠薪/工资、contract 劳动合同")
    complainant_name: str
    complainant_phone: str
    employer_name: str
    employer_credit_code: str = ""
    division_code: str = Field(description="用人单位所在地的6位行政区划代码")
    description: str
    workers_affected: int = 1
    complexity: str = "ordinary"
    channel: str = "api"
    answer: str = Field("", description="咨询当场答复的内容（仅工作人员；填写后工单直接办结归档）")
    phone_token: str = Field("", description="游客提交时：手机验证码校验后取得的令牌")


class PhoneIn(Schema):
    phone: str


class PhoneCheckIn(Schema):
    phone: str
    code: str


class PhoneTokenOut(Schema):
    token: str


class SuggestOut(Schema):
    type: str
    topic: str
    type_confidence: float
    topic_confidence: float
    keywords: list[str]


class EventOut(Schema):
    at: datetime.datetime
    action: str
    public_note: str
    actor_name: str = ""


class TicketListItem(Schema):
    number: str
    type: str
    topic: str
    status: str
    status_label: str = Field(alias="get_status_display")
    channel: str
    complexity: str
    employer_name: str
    union_id: int
    union_name: str = Field(alias="union.name")
    complainant_name: str = Field(alias="masked_name")
    complainant_phone: str = Field(alias="masked_phone")
    workers_affected: int
    step_due_on: datetime.date | None
    created_at: datetime.datetime
    version: int


class TicketOut(TicketListItem):
    suggested_type: str
    suggested_topic: str
    division_code: str
    employer_credit_code: str
    description: str
    handler_id: int | None
    due_on: datetime.date | None
    escalated_to_id: int | None
    answer: str
    resolution: str
    rating: str
    rating_comment: str
    reopen_count: int
    events: list[EventOut] = Field([], alias="event_list")


class PublicTicketOut(Schema):
    number: str
    type_label: str = Field(alias="get_type_display")
    topic_label: str = Field(alias="get_topic_display")
    status: str
    status_label: str = Field(alias="get_status_display")
    union_name: str = Field(alias="union.name")
    resolution: str
    rating: str
    created_at: datetime.datetime
    steps: list[EventOut] = Field([], alias="step_list")


class TicketQuery(PageQuery):
    q: str = ""
    status: str = ""
    type: str = ""
    topic: str = ""
    overdue: bool = False
    union_id: int | None = None
    sort: str = "-created_at"


class VersionIn(Schema):
    version: int | None = Field(None, description="读取时的 version；若已被他人更新则返回 409 stale_version")


class TransferIn(VersionIn):
    to_union_id: int
    reason: str


class ResolveIn(VersionIn):
    resolution: str


class ReasonIn(VersionIn):
    reason: str


class CallbackIn(VersionIn):
    rating: str = Field(description="satisfied 满意 / basic 基本满意 / unsatisfied 不满意")
    comment: str = ""
    reopen: bool = False


class RateIn(Schema):
    rating: str
    comment: str = ""


class TicketPatchIn(VersionIn):
    type: str | None = None
    topic: str | None = None
    complexity: str | None = None


class AttachmentOut(Schema):
    id: int
    name: str
    content_type: str
    size: int


class RevealOut(Schema):
    complainant_phone: str


class BoardTicketOut(Schema):
    number: str
    status: str
    topic: str
    employer_name: str
    union_name: str = Field(alias="union.name")
    step_due_on: datetime.date | None


class BoardUnionOut(Schema):
    union_id: int
    union_name: str
    overdue: int


class BoardOut(Schema):
    overdue_total: int
    near_total: int
    tickets: list[BoardTicketOut]
    by_union: list[BoardUnionOut]


class ReferralIn(VersionIn):
    agency_id: int
    reason: str


class ReferralOut(Schema):
    id: int
    ticket_number: str = Field(alias="ticket.number")
    agency_id: int
    agency_name: str = Field(alias="agency.name")
    status: str
    reason: str
    return_reason: str
    result: str
    referred_at: datetime.datetime


class AgencyTicketOut(Schema):
    """What a partner agency sees: the matter, never the complainant's identity or contact."""

    number: str
    type_label: str = Field(alias="get_type_display")
    topic_label: str = Field(alias="get_topic_display")
    employer_name: str
    division_code: str
    description: str
    workers_affected: int
    union_name: str = Field(alias="union.name")


class AgencyReferralOut(ReferralOut):
    ticket: AgencyTicketOut


class NoteIn(Schema):
    note: str


class ResultIn(Schema):
    result: str


class MediationIn(VersionIn):
    applicant: str
    respondent: str
    mediator: str


class SessionIn(Schema):
    held_on: datetime.date
    place: str
    summary: str


class ConcludeIn(Schema):
    outcome: str = Field(description="success 调解成功 / failed 调解不成")
    agreement: str = ""
    guidance: str = ""


class MediationOut(Schema):
    id: int
    applicant: str
    respondent: str
    mediator: str
    outcome: str
    agreement: str
    guidance: str
    concluded_at: datetime.datetime | None


class LegalAidIn(VersionIn):
    matter: str


class DecideIn(Schema):
    eligible: bool
    reason: str


class AssignIn(Schema):
    provider_id: int


class LegalAidOut(Schema):
    id: int
    status: str
    matter: str
    decision_reason: str
    provider_id: int | None
    progress: list
    result: str


class WarningOut(Schema):
    id: int
    kind: str
    kind_label: str = Field(alias="get_kind_display")
    status: str
    union_id: int
    employer_name: str
    summary: str
    created_at: datetime.datetime


class WarningNoteIn(Schema):
    note: str
    status: str
