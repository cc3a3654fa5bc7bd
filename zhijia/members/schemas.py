"""API shapes for the member registry. 身份证号 and phone only ever leave masked, except through reveal."""

import datetime
from typing import Literal

from ninja import Field, Schema

from zhijia.core.schemas import PageQuery

from .models import ApplicationStatus, MemberStatus, TransferStatus


class MemberListItem(Schema):
    id: int
    member_no: str
    name: str
    gender: str
    id_number_masked: str
    phone_masked: str
    employer: str
    is_migrant_worker: bool
    new_form_type: str
    union_id: int
    union_name: str
    status: str
    status_label: str
    joined_on: datetime.date

    @staticmethod
    def resolve_union_name(obj) -> str:
        return obj.union.name

    @staticmethod
    def resolve_status_label(obj) -> str:
        return obj.get_status_display()


class MemberChangeOut(Schema):
    at: datetime.datetime
    actor_name: str
    action: str
    summary: str
    changes: dict


class MemberOut(MemberListItem):
    created_at: datetime.datetime
    updated_at: datetime.datetime
    can_reveal_pii: bool = Field(description="当前用户可否查看完整身份证号和手机号")
    history: list[MemberChangeOut] | None = Field(description="变更记录，新的在前；无权查看时为 null")


class PersonIn(Schema):
    name: str
    id_number: str
    phone: str
    employer: str = ""
    is_migrant_worker: bool = False
    new_form_type: str = ""


class MemberCreateIn(PersonIn):
    union_id: int
    joined_on: datetime.date | None = None


class MemberPatchIn(Schema):
    """Only the fields sent are changed. 身份证号 and union cannot be changed here."""

    name: str | None = None
    phone: str | None = None
    employer: str | None = None
    is_migrant_worker: bool | None = None
    new_form_type: str | None = None
    joined_on: datetime.date | None = None


class MemberStatusIn(Schema):
    status: str = Field(description="reserved 保留会籍 / withdrawn 退会 / transferred_out 转出 / active 恢复")
    reason: str = ""


class RevealIn(Schema):
    field: Literal["id_number", "phone"]


class RevealOut(Schema):
    value: str


class MemberQuery(PageQuery):
    union_id: int | None = Field(None, description="只看该工会及其下级")
    q: str = Field("", description="姓名或会员号前缀，或完整身份证号、手机号")
    status: MemberStatus | None = None
    sort: str = Field("-id", description="member_no、name、joined_on、id，前加 - 为倒序")


class MembershipOut(Schema):
    id: int
    member_no: str
    name: str
    union_id: int
    union_name: str
    status: str
    status_label: str
    joined_on: datetime.date
    card_token: str
    verify_url: str


class ApplicationIn(PersonIn):
    union_id: int
    note: str = ""


class ApplicationOut(Schema):
    id: int
    union_id: int
    union_name: str
    name: str
    id_number_masked: str
    phone_masked: str
    employer: str
    is_migrant_worker: bool
    new_form_type: str
    note: str
    status: str
    status_label: str
    reject_reason: str
    created_at: datetime.datetime
    reviewed_at: datetime.datetime | None
    member_id: int | None

    @staticmethod
    def resolve_union_name(obj) -> str:
        return obj.union.name

    @staticmethod
    def resolve_status_label(obj) -> str:
        return obj.get_status_display()


class ApplicationQuery(PageQuery):
    status: ApplicationStatus | None = Field(None, description="工作人员默认只看待审核的")
    mine: bool = Field(False, description="只看我自己提交的申请")


class ReasonIn(Schema):
    reason: str = ""


class TransferIn(Schema):
    member_id: int
    to_union_id: int
    reason: str = ""
    new_employer: str = ""


class TransferOut(Schema):
    id: int
    member_id: int
    member_no: str
    member_name: str
    from_union_id: int
    from_union_name: str
    to_union_id: int
    to_union_name: str
    reason: str
    new_employer: str
    status: str
    status_label: str
    reject_reason: str
    created_at: datetime.datetime
    released_at: datetime.datetime | None
    decided_at: datetime.datetime | None

    @staticmethod
    def resolve_member_no(obj) -> str:
        return obj.member.member_no

    @staticmethod
    def resolve_member_name(obj) -> str:
        return obj.member.name

    @staticmethod
    def resolve_from_union_name(obj) -> str:
        return obj.from_union.name

    @staticmethod
    def resolve_to_union_name(obj) -> str:
        return obj.to_union.name

    @staticmethod
    def resolve_status_label(obj) -> str:
        return obj.get_status_display()


class TransferQuery(PageQuery):
    status: TransferStatus | None = None


class CardCheckOut(Schema):
    status: Literal["valid", "revoked", "expired", "invalid"]
    label: str
    union_name: str
