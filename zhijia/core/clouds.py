"""The service areas shown on the worker home page, and whether each is built yet."""

from dataclasses import dataclass


@dataclass(frozen=True)
class ServiceArea:
    key: str
    name: str
    summary: str
    url_name: str | None  # None: not built yet, said so on the page
    staff_only: bool = False  # union staff's tools: shown to staff, and to guests as a sign-in for staff


def areas_for(user, *, is_staff: bool) -> list[ServiceArea]:
    """What the home page offers: a signed-in worker, employer or agency does not see the staff workbench."""
    signed_in = user.is_authenticated
    return [area for area in SERVICE_AREAS if not area.staff_only or is_staff or not signed_in]


SERVICE_AREAS = [
    ServiceArea("join", "入会与会员卡", "在线申请入会、电子会员卡、会员关系转接", "members:my"),
    ServiceArea("skills", "技术技能云", "技能培训、劳动和技能竞赛", None),
    ServiceArea("innovation", "创新创造云", "职工创新成果、技术难题对接", None),
    ServiceArea("legal", "法务云", "劳动法律咨询（条文依据）、12351维权投诉、调解与法律援助", "cases:home"),
    ServiceArea("health", "健康云", "职工健康服务、医疗互助", None),
    ServiceArea("aid", "困难帮扶", "困难职工建档、送温暖、金秋助学、医疗互助", "aid:home"),
    ServiceArea("jobs", "就业帮扶云", "求职登记、岗位推荐、智能寻对匹配", "jobs:home"),
    ServiceArea("grassroots", "基层工会工作辅助云", "会员名册、入会审核、转接办理", "members:staff_home",
                staff_only=True),
]
