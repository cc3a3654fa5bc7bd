"""Writes to the union tree."""

import datetime
from dataclasses import dataclass

from django.db import transaction
from django.db.models import F, Value
from django.db.models.functions import Concat, Length, Substr

from zhijia.core import audit
from zhijia.core.models import AuditLog
from zhijia.core.errors import ErrorCode, ValidationFailed
from zhijia.core.validators import clean_credit_code, clean_division_code, clean_required

from .models import Kind, Level, Status, Union
from .permissions import policy
from .signals import union_subtree_moved

audit.register("union.create", "新建工会")
audit.register("union.update", "修改工会信息")
audit.register("union.move", "调整上级工会")

GRASSROOTS_KINDS = {Kind.ENTERPRISE, Kind.INSTITUTION}


@dataclass
class UnionData:
    name: str
    kind: str
    level: int
    division_code: str
    credit_code: str | None = None
    address: str = ""
    chair_name: str = ""
    established_on: datetime.date | None = None
    status: str = Status.ACTIVE


def _clean(data: UnionData, *, exclude_id: int | None = None) -> UnionData:
    data.name = clean_required(data.name, field="name", label="工会名称", max_length=100)
    if data.kind not in Kind.values:
        raise ValidationFailed(ErrorCode.INVALID, "工会类型无效", field="kind")
    if data.level not in Level.values:
        raise ValidationFailed(ErrorCode.INVALID, "工会层级无效", field="level")
    if data.status not in Status.values:
        raise ValidationFailed(ErrorCode.INVALID, "工会状态无效", field="status")
    data.division_code = clean_division_code(data.division_code)
    data.credit_code = clean_credit_code(data.credit_code) if data.credit_code else None
    if data.credit_code:
        clash = Union.objects.filter(credit_code=data.credit_code).exclude(id=exclude_id).first()
        if clash:
            raise ValidationFailed(
                ErrorCode.DUPLICATE_CREDIT_CODE, f"该统一社会信用代码已被“{clash.name}”使用", field="credit_code"
            )
    if data.established_on and data.established_on > datetime.date.today():
        raise ValidationFailed(ErrorCode.INVALID_DATE, "成立日期不能晚于今天", field="established_on")
    return data


def _check_placement(*, kind: str, level: int, parent: Union | None) -> None:
    if parent is None:
        if level != Level.NATIONAL:
            raise ValidationFailed(ErrorCode.INVALID, "只有全国总工会可以没有上级工会", field="parent")
        return
    if level < parent.level:
        raise ValidationFailed(ErrorCode.INVALID, "下级工会的层级不能高于上级工会", field="level")
    if kind == Kind.FEDERATION and level <= parent.level:
        raise ValidationFailed(ErrorCode.INVALID, "地方总工会必须比上级工会低一级", field="level")
    if parent.kind in GRASSROOTS_KINDS:
        raise ValidationFailed(ErrorCode.INVALID, "企业或机关事业单位工会下不能再设工会", field="parent")


def _province_for(*, level: int, parent: Union | None, own_id: int) -> int | None:
    if level == Level.NATIONAL:
        return None
    if parent is not None and parent.province_id is not None:
        return parent.province_id
    return own_id


def union_create(*, actor, parent: Union | None, data: UnionData) -> Union:
    with transaction.atomic():
        if parent is not None:
            parent = Union.objects.select_for_update().get(pk=parent.pk)
            policy.require(actor, "create", parent)
        elif not getattr(actor, "is_superuser", False):
            raise ValidationFailed(ErrorCode.PERMISSION_DENIED, "只有超级管理员可以建立顶级工会", field="parent")
        data = _clean(data)
        _check_placement(kind=data.kind, level=data.level, parent=parent)
        union = Union.objects.create(parent=parent, **data.__dict__)
        union.path = (parent.path if parent else "/") + f"{union.pk}/"
        union.depth = parent.depth + 1 if parent else 0
        union.province_id = _province_for(level=union.level, parent=parent, own_id=union.pk)
        union.save(update_fields=["path", "depth", "province_id"])
        audit.record(actor=actor, action="union.create", obj=union, union=union, after=audit.snapshot(union))
    return union


def union_update(*, actor, union: Union, data: UnionData) -> Union:
    with transaction.atomic():
        union = Union.objects.select_for_update().get(pk=union.pk)
        policy.require(actor, "update", union)
        before = audit.snapshot(union)
        data = _clean(data, exclude_id=union.pk)
        _check_placement(kind=data.kind, level=data.level, parent=union.parent)
        for key, value in data.__dict__.items():
            setattr(union, key, value)
        union.save()
        audit.record(actor=actor, action="union.update", obj=union, union=union, before=before, after=audit.snapshot(union))
    return union


def union_move(*, actor, union: Union, new_parent: Union) -> Union:
    """Put a union (and everything below it) under a new parent, keeping every path consistent."""
    with transaction.atomic():
        union = Union.objects.select_for_update().get(pk=union.pk)
        new_parent = Union.objects.select_for_update().get(pk=new_parent.pk)
        policy.require(actor, "move", union)
        policy.require(actor, "move", new_parent)
        if new_parent.path.startswith(union.path):
            raise ValidationFailed(ErrorCode.UNION_CYCLE, "不能把工会移到它自己或它的下级工会之下", field="parent")
        _check_placement(kind=union.kind, level=union.level, parent=new_parent)
        before = audit.snapshot(union)
        old_path = union.path
        new_path = new_parent.path + f"{union.pk}/"
        depth_delta = new_parent.depth + 1 - union.depth
        province_id = _province_for(level=union.level, parent=new_parent, own_id=union.pk)
        subtree = Union.objects.filter(path__startswith=old_path)
        subtree.update(
            path=Concat(Value(new_path), Substr("path", len(old_path) + 1, Length("path"))),
            depth=F("depth") + depth_delta,
            province_id=province_id,
        )
        Union.objects.filter(pk=union.pk).update(parent=new_parent)
        # The audit trail follows the subtree so the new parent's staff see its history.
        AuditLog.objects.filter(union_path__startswith=old_path).update(
            union_path=Concat(Value(new_path), Substr("union_path", len(old_path) + 1, Length("union_path"))),
            province_id=province_id,
        )
        union_subtree_moved.send(sender=Union, old_path=old_path, new_path=new_path, province_id=province_id)
        union.refresh_from_db()
        audit.record(actor=actor, action="union.move", obj=union, union=union, before=before, after=audit.snapshot(union))
    return union
