"""Page forms for the union tree: they parse posted text; the services judge the values."""

from django import forms

from .models import Kind, Level, Status
from .services import UnionData

DATE_ERRORS = {"invalid": "日期格式应为 年-月-日，如 2010-05-01"}


class UnionForm(forms.Form):
    name = forms.CharField(required=False)
    kind = forms.ChoiceField(
        choices=Kind.choices, error_messages={"required": "请选择工会类型", "invalid_choice": "工会类型无效"}
    )
    level = forms.TypedChoiceField(
        choices=Level.choices, coerce=int, error_messages={"required": "请选择层级", "invalid_choice": "工会层级无效"}
    )
    division_code = forms.CharField(required=False)
    credit_code = forms.CharField(required=False)
    address = forms.CharField(required=False, max_length=200, error_messages={"max_length": "地址不能超过200个字"})
    chair_name = forms.CharField(required=False, max_length=50, error_messages={"max_length": "主席姓名不能超过50个字"})
    established_on = forms.DateField(required=False, error_messages=DATE_ERRORS)
    status = forms.ChoiceField(
        choices=Status.choices, initial=Status.ACTIVE, error_messages={"invalid_choice": "状态无效"}
    )

    def union_data(self) -> UnionData:
        data = self.cleaned_data
        return UnionData(
            name=data["name"],
            kind=data["kind"],
            level=data["level"],
            division_code=data["division_code"],
            credit_code=data["credit_code"] or None,
            address=data["address"],
            chair_name=data["chair_name"],
            established_on=data["established_on"],
            status=data["status"],
        )


def union_values(union) -> dict:
    """Initial form values from an existing union."""
    return {
        "name": union.name,
        "kind": union.kind,
        "level": union.level,
        "division_code": union.division_code,
        "credit_code": union.credit_code or "",
        "address": union.address,
        "chair_name": union.chair_name,
        "established_on": union.established_on.isoformat() if union.established_on else "",
        "status": union.status,
    }


class MoveForm(forms.Form):
    parent = forms.IntegerField(error_messages={"required": "请选择新的上级工会", "invalid": "请选择新的上级工会"})
