"""Page forms for the member registry.

These forms only turn posted text into Python values (dates, booleans, choices). Whether a
身份证号, phone or name is acceptable is decided by the services, so the page shows exactly the
message the API gives; most fields are therefore `required=False` here.
"""

import re

from django import forms

from zhijia.core.validators import divisions
from zhijia.org.selectors import significant_division_prefix

from .models import MemberStatus, NewFormType
from .services import STATUS_TRANSITIONS, PersonData

DATE_ERRORS = {"invalid": "日期格式应为 年-月-日，如 2024-05-01"}
NEW_FORM_OPTIONS = [("", "不是新就业形态劳动者")] + list(NewFormType.choices)


class PersonForm(forms.Form):
    name = forms.CharField(required=False)
    id_number = forms.CharField(required=False)
    phone = forms.CharField(required=False)
    employer = forms.CharField(required=False)
    is_migrant_worker = forms.BooleanField(required=False)
    new_form_type = forms.ChoiceField(
        required=False, choices=NEW_FORM_OPTIONS, error_messages={"invalid_choice": "新就业形态类型无效"}
    )

    def person_data(self) -> PersonData:
        data = self.cleaned_data
        return PersonData(
            name=data["name"],
            id_number=data["id_number"],
            phone=data["phone"],
            employer=data["employer"],
            is_migrant_worker=data["is_migrant_worker"],
            new_form_type=data["new_form_type"],
            joined_on=data.get("joined_on"),
        )


class JoinForm(PersonForm):
    note = forms.CharField(required=False, max_length=500, error_messages={"max_length": "说明不能超过500个字"})


class MemberCreateForm(PersonForm):
    union = forms.IntegerField(required=False)
    joined_on = forms.DateField(required=False, error_messages=DATE_ERRORS)


class MemberEditForm(forms.Form):
    """Phone is blank unless the staff member types a new one: the page never shows it in full."""

    name = forms.CharField(required=False)
    phone = forms.CharField(required=False)
    employer = forms.CharField(required=False)
    is_migrant_worker = forms.BooleanField(required=False)
    new_form_type = forms.ChoiceField(
        required=False, choices=NEW_FORM_OPTIONS, error_messages={"invalid_choice": "新就业形态类型无效"}
    )
    joined_on = forms.DateField(required=False, error_messages=DATE_ERRORS)

    def changes(self) -> dict:
        data = dict(self.cleaned_data)
        if not (data.get("phone") or "").strip():
            data.pop("phone")
        if data.get("joined_on") is None:
            data.pop("joined_on")
        return data


def status_options(member) -> list[tuple[str, str]]:
    """The statuses this member may move to, from the service's transition table."""
    allowed = STATUS_TRANSITIONS.get(member.status, set())
    options = [(value, label) for value, label in MemberStatus.choices if value in allowed]
    return [("", "请选择"), *options] if options else []  # never a default: 退会 and 转出 cannot be undone


class ReasonForm(forms.Form):
    reason = forms.CharField(required=False)


class StatusForm(ReasonForm):
    status = forms.CharField(required=False)


class TransferForm(forms.Form):
    reason = forms.CharField(required=False)
    new_employer = forms.CharField(required=False)


class UnionSearchForm(forms.Form):
    """The worker's "find a union" box: a name, an optional place, and the 新就业形态 toggle."""

    q = forms.CharField(required=False, max_length=50)
    place = forms.CharField(required=False, max_length=30)
    flexible = forms.BooleanField(required=False)

    def clean_place(self) -> str:
        """A division code prefix, from either digits ("3205") or a place name ("苏州", "姑苏区")."""
        text = self.cleaned_data["place"].strip()
        if not text:
            return ""
        if re.fullmatch(r"\d{2,6}", text):
            return text
        prefix = place_prefix(text)
        if not prefix:
            raise forms.ValidationError("没有找到这个地区，请换个写法，如“苏州”或“姑苏区”")
        return prefix

    @property
    def has_terms(self) -> bool:
        return bool(self.is_valid() and (self.cleaned_data["q"].strip() or self.cleaned_data["place"]))


def place_prefix(name: str) -> str:
    """The broadest current division whose name contains `name`: "苏州" -> "3205" (the city, not a district)."""
    matches = [
        significant_division_prefix(division.code)
        for division in divisions().values()
        if division.current and name in division.name
    ]
    if not matches:
        return ""
    return min(matches, key=lambda prefix: (len(prefix), prefix))
