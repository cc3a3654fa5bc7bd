import datetime

from ninja import Field, Schema

from zhijia.core.schemas import PageQuery


class UnionPublicOut(Schema):
    """What anyone may see about a union when looking for one to join."""

    id: int
    name: str
    kind: str
    level: int
    division_code: str
    address: str


class UnionListItem(Schema):
    id: int
    name: str
    kind: str
    kind_label: str
    level: int
    level_label: str
    parent_id: int | None
    division_code: str
    status: str

    @staticmethod
    def resolve_kind_label(obj) -> str:
        return obj.get_kind_display()

    @staticmethod
    def resolve_level_label(obj) -> str:
        return obj.get_level_display()


class UnionOut(UnionListItem):
    parent_name: str | None
    depth: int
    credit_code: str | None
    division_name: str
    address: str
    chair_name: str
    established_on: datetime.date | None
    status_label: str
    member_count: int = Field(description="本级及下级工会在会会员数")

    @staticmethod
    def resolve_parent_name(obj) -> str | None:
        return obj.parent.name if obj.parent_id else None

    @staticmethod
    def resolve_status_label(obj) -> str:
        return obj.get_status_display()


class UnionFields(Schema):
    name: str
    kind: str
    level: int
    division_code: str
    credit_code: str | None = None
    address: str = ""
    chair_name: str = ""
    established_on: datetime.date | None = None
    status: str = "active"


class UnionCreateIn(UnionFields):
    parent_id: int


class UnionPatchIn(Schema):
    """Only the fields sent are changed."""

    name: str | None = None
    kind: str | None = None
    level: int | None = None
    division_code: str | None = None
    credit_code: str | None = None
    address: str | None = None
    chair_name: str | None = None
    established_on: datetime.date | None = None
    status: str | None = None


class UnionMoveIn(Schema):
    parent_id: int


class UnionQuery(PageQuery):
    q: str = Field("", description="按名称查找")


class UnionSearchQuery(PageQuery):
    q: str = Field("", description="单位或工会名称、地址")
    division: str = Field("", pattern=r"^\d{0,6}$", description="行政区划代码，如 320508")
    flexible: bool = Field(False, description="只找新就业形态劳动者可加入的联合会、园区、乡镇(街道)、村(社区)工会")
