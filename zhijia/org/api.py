"""The union tree over the API: browse what the caller oversees, create, edit and move unions,
and a public search workers use to find a union to join."""

from django.apps import apps
from ninja import Query, Router, Status

from zhijia.core.errors import NotFound
from zhijia.core.schemas import ERRORS, Page, paginate

from . import selectors, services
from .models import Union
from .permissions import policy
from .schemas import (
    UnionCreateIn,
    UnionListItem,
    UnionMoveIn,
    UnionOut,
    UnionPatchIn,
    UnionPublicOut,
    UnionQuery,
    UnionSearchQuery,
)

router = Router(tags=["工会组织"])


def _visible_union(actor, union_id: int) -> Union:
    return policy.get_or_404(actor, "view", Union.objects.select_related("parent"), pk=union_id)


def _any_union(union_id: int, *, field: str) -> Union:
    """A union named as a target (a new parent); the service decides whether the caller may use it."""
    union = Union.objects.filter(pk=union_id).first()
    if union is None:
        raise NotFound(field=field)
    return union


def _with_member_count(union: Union) -> Union:
    # Counted live so it can never drift; the (province_id, union, status) index keeps it cheap.
    # The model is looked up by name because the org domain sits below members and does not import it.
    member_model = apps.get_model("members", "Member")
    members = member_model.objects.filter(union__path__startswith=union.path, status="active")
    if union.province_id is not None:
        members = members.filter(province_id=union.province_id)
    union.member_count = members.count()
    return union


@router.get("", response={200: Page[UnionListItem], **ERRORS}, summary="我可管理的工会")
def union_list(request, filters: Query[UnionQuery]):
    policy.require(request.auth, "view")
    return paginate(selectors.union_list(actor=request.auth, query=filters.q), filters)


@router.get("/search", auth=None, response={200: Page[UnionPublicOut], **ERRORS}, summary="查找可加入的工会（公开）")
def union_search(request, filters: Query[UnionSearchQuery]):
    unions = selectors.union_search_for_joining(
        query=filters.q.strip(), division_prefix=filters.division, flexible=filters.flexible
    )
    return paginate(unions, filters)


@router.get("/{int:union_id}", response={200: UnionOut, **ERRORS}, summary="工会详情")
def union_detail(request, union_id: int):
    return _with_member_count(_visible_union(request.auth, union_id))


@router.post("", response={201: UnionOut, **ERRORS}, summary="新建下级工会")
def union_create(request, payload: UnionCreateIn):
    parent = _any_union(payload.parent_id, field="parent_id")
    data = services.UnionData(**payload.model_dump(exclude={"parent_id"}))
    union = services.union_create(actor=request.auth, parent=parent, data=data)
    return Status(201, _with_member_count(union))


@router.patch("/{int:union_id}", response={200: UnionOut, **ERRORS}, summary="修改工会信息")
def union_update(request, union_id: int, payload: UnionPatchIn):
    union = _visible_union(request.auth, union_id)
    current = {name: getattr(union, name) for name in services.UnionData.__dataclass_fields__}
    data = services.UnionData(**{**current, **payload.model_dump(exclude_unset=True)})
    return _with_member_count(services.union_update(actor=request.auth, union=union, data=data))


@router.post("/{int:union_id}/move", response={200: UnionOut, **ERRORS}, summary="调整上级工会")
def union_move(request, union_id: int, payload: UnionMoveIn):
    union = _visible_union(request.auth, union_id)
    new_parent = _any_union(payload.parent_id, field="parent_id")
    return _with_member_count(services.union_move(actor=request.auth, union=union, new_parent=new_parent))


@router.get("/{int:union_id}/children", response={200: list[UnionListItem], **ERRORS}, summary="直属下级工会")
def union_children(request, union_id: int):
    union = _visible_union(request.auth, union_id)
    return list(selectors.union_list(actor=request.auth).filter(parent_id=union.pk))
