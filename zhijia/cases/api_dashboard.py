"""维权统计 over the API: the same figures as the dashboard page, for the union's subtree the caller may see.
Register with `api.add_router("/cases", router)` (or any prefix) in zhijia/api.py."""

import datetime

from ninja import Field, Query, Router, Schema

from zhijia.core.schemas import ERRORS

from .stats import dashboard as dashboard_figures
from .stats import dashboard_union, resolve_range

router = Router()
TAGS = ["维权统计"]


class DashboardQuery(Schema):
    union_id: int | None = Field(None, description="统计哪个工会及其下级；缺省为本人任职的最高一级工会")
    date_from: datetime.date | None = Field(None, description="受理日期起（含），缺省为结束日期前90天")
    date_to: datetime.date | None = Field(None, description="受理日期止（含），缺省为今天")


class RateOut(Schema):
    numerator: int = Field(description="分子")
    denominator: int = Field(description="分母")
    rate: float | None = Field(description="比率（0–1），分母为0时为空")
    percent: float | None = Field(description="百分数，保留一位小数")


class CountOut(Schema):
    key: str
    label: str
    count: int


class TrendPointOut(Schema):
    period: datetime.date = Field(description="日期，或按月统计时该月1日")
    label: str
    count: int


class EmployerOut(Schema):
    employer_name: str
    count: int


class DashboardOut(Schema):
    union_id: int
    union_name: str
    date_from: datetime.date
    date_to: datetime.date
    today: datetime.date
    total: int = Field(description="区间内受理的工单数")
    open: int = Field(description="其中未结案（含已办结待回访）")
    overdue: int = Field(description="其中当前超期（未办结且本环节期限早于今天）")
    on_time: RateOut = Field(description="按期办结率：已办结工单中，办结日期不晚于办结期限的比例")
    satisfaction: RateOut = Field(description="满意率：已评价工单中，满意或基本满意的比例")
    by_type: list[CountOut]
    by_topic: list[CountOut]
    by_status: list[CountOut]
    granularity: str = Field(description="趋势粒度：day 按日（区间不超过62天）或 month 按月")
    trend: list[TrendPointOut]
    top_employers: list[EmployerOut] = Field(description="工单数最多的10家用人单位")


@router.get("/dashboard", tags=TAGS, response={200: DashboardOut, **ERRORS}, summary="维权统计")
def dashboard(request, filters: Query[DashboardQuery]):
    union = dashboard_union(actor=request.auth, union_id=filters.union_id)
    date_from, date_to = resolve_range(filters.date_from, filters.date_to)
    return dashboard_figures(actor=request.auth, union=union, date_from=date_from, date_to=date_to)
