"""Shapes every API router shares: the error body, paging parameters and the paged list envelope."""

import datetime
from typing import Generic, TypeVar

from django.db.models import QuerySet
from ninja import Field, Schema

T = TypeVar("T")

DEFAULT_PAGE_SIZE = 20
MAX_PAGE_SIZE = 100


class FieldErrorOut(Schema):
    code: str
    message: str
    field: str | None = None


class ErrorOut(Schema):
    code: str
    message: str
    field: str | None = None
    errors: list[FieldErrorOut] | None = Field(
        None, description="几个字段同时有误时逐一列出（第一个即 code/message/field）")


# Every refusal comes back in the same shape; listing them makes the OpenAPI document honest.
ERRORS = {401: ErrorOut, 403: ErrorOut, 404: ErrorOut, 409: ErrorOut, 422: ErrorOut}


class PageQuery(Schema):
    page: int = Field(1, ge=1, description="页码，从 1 开始")
    page_size: int = Field(DEFAULT_PAGE_SIZE, ge=1, le=MAX_PAGE_SIZE, description=f"每页条数，最多 {MAX_PAGE_SIZE}")


class Page(Schema, Generic[T]):
    items: list[T]
    total: int
    page: int
    page_size: int


def paginate(queryset: QuerySet, paging: PageQuery) -> dict:
    """One page of an already scoped and ordered queryset, with the total count."""
    start = (paging.page - 1) * paging.page_size
    return {
        "items": list(queryset[start : start + paging.page_size]),
        "total": queryset.count(),
        "page": paging.page,
        "page_size": paging.page_size,
    }


class AuditEntryOut(Schema):
    id: int
    created_at: datetime.datetime
    action: str
    action_label: str
    actor_id: int | None
    actor_name: str
    union_id: int | None
    object_type: str
    object_id: str
    object_repr: str
    before: dict | None
    after: dict | None
    request_id: str


class AuditQuery(PageQuery):
    action: str = Field("", description="审计动作名，如 member.reveal_pii")
    union_id: int | None = Field(None, description="只看该工会本级的记录")
