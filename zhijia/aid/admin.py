"""Back office for hardship aid's configuration: each region's 困难认定标准 and the campaigns. Files, applications,
payments, batches and the ledger are read-only here: they move only through the services (state machines, locks,
audit) on the staff pages. Personal data appears masked, never in full, and the ledger cannot be edited or
deleted by anyone."""

from decimal import Decimal

from django import forms
from django.contrib import admin

from zhijia.core import audit
from zhijia.core.admin import PolicyAdmin, ServiceForm, SuperuserAdmin, shown
from zhijia.core.errors import ZhijiaError
from zhijia.org.models import Level, Union
from zhijia.org.selectors import union_list

from .eligibility import validate_extra_rules
from .models import (
    Application,
    Campaign,
    DisbursementBatch,
    HardshipFile,
    HouseholdMember,
    LedgerEntry,
    Payment,
    RegionRule,
)
from .permissions import application_policy, campaign_policy, file_policy, payment_policy
from .services.applications import CampaignData, campaign_create

audit.register("aid.region_rule_update", "修改困难认定标准")
audit.register("aid.campaign_update", "修改帮扶活动")

ID_NUMBER = shown("id_number_masked", "身份证号", sortable=False)
BANK_ACCOUNT = shown("bank_account_masked", "银行账号", sortable=False)
COMMITTED = shown("committed", "已批准金额（元）")


# ---- Region rules -------------------------------------------------------------------------------------------


class RegionRuleForm(forms.ModelForm):
    class Meta:
        model = RegionRule
        fields = ["division_prefix", "name", "dibao_monthly", "relative_multiple", "accident_ratio", "approval_level",
                  "notice_days", "extra_rules"]

    def clean_dibao_monthly(self):
        value = self.cleaned_data["dibao_monthly"]
        if value is not None and value <= 0:
            raise forms.ValidationError("低保标准应大于零")
        return value

    def clean_relative_multiple(self):
        value = self.cleaned_data["relative_multiple"]
        if value is not None and value < 1:
            raise forms.ValidationError("相对困难倍数不应小于 1")
        return value

    def clean_accident_ratio(self):
        value = self.cleaned_data["accident_ratio"]
        if value is not None and not Decimal(0) < value <= Decimal(1):
            raise forms.ValidationError("意外致困支出占比应在 0 到 1 之间，如 0.80")
        return value

    def clean_notice_days(self):
        value = self.cleaned_data["notice_days"]
        if value is not None and value < 5:
            raise forms.ValidationError("公示期不少于 5 个工作日")
        return value

    def clean_extra_rules(self):
        rules = self.cleaned_data["extra_rules"]
        rules = [] if rules is None else rules
        try:
            validate_extra_rules(rules)
        except ZhijiaError as exc:
            raise forms.ValidationError(exc.message) from None
        return rules


@admin.register(RegionRule)
class RegionRuleAdmin(SuperuserAdmin):
    """National configuration: the thresholds decide who qualifies everywhere, so system superusers keep them.
    A change applies to new assessments and to the yearly re-check (files_flag_for_review)."""

    form = RegionRuleForm
    list_display = ["division_prefix", "name", "dibao_monthly", "relative_multiple", "accident_ratio",
                    "approval_level", "notice_days", "updated_at"]
    search_fields = ["division_prefix", "name"]
    ordering = ["division_prefix"]

    def save_model(self, request, obj, form, change):
        before = {name: str(form.initial.get(name)) for name in form.changed_data} if change else None
        super().save_model(request, obj, form, change)
        audit.record(actor=request.user, action="aid.region_rule_update", obj=obj, before=before,
                     after={name: str(form.cleaned_data.get(name)) for name in form.changed_data})

    def has_delete_permission(self, request, obj=None):
        # The national default ("") is what every region falls back to.
        return super().has_delete_permission(request, obj) and (obj is None or obj.division_prefix != "")


# ---- Campaigns --------------------------------------------------------------------------------------------------

CAMPAIGN_EDITABLE = ["name", "status", "description", "starts_on", "ends_on", "budget", "groups", "standard_amount",
                     "grant_table", "age_limits", "premium", "deductible", "payout_ratio", "annual_cap"]


class CampaignAddForm(ServiceForm):
    """A new campaign goes through campaign_create (validation per kind, permission on the union, audit)."""

    class Meta:
        model = Campaign
        fields = ["union", "name", "kind", "year", "starts_on", "ends_on", "budget", "review_levels", "groups",
                  "standard_amount", "grant_table", "age_limits", "premium", "deductible", "payout_ratio",
                  "annual_cap", "description"]

    def run_service(self, data):
        return campaign_create(actor=self.actor, union=data["union"], data=CampaignData(
            name=data["name"], kind=data["kind"], year=data["year"], starts_on=data["starts_on"],
            ends_on=data["ends_on"], budget=data["budget"], review_levels=list(data["review_levels"] or []),
            groups=list(data["groups"] or []), standard_amount=data["standard_amount"],
            grant_table=data["grant_table"] or {}, age_limits=data["age_limits"] or {}, premium=data["premium"],
            deductible=data["deductible"], payout_ratio=data["payout_ratio"], annual_cap=data["annual_cap"],
            description=data["description"]))


class CampaignChangeForm(forms.ModelForm):
    """Editing a running campaign: kind, union, year and review levels stay (applications climb those levels);
    the budget cannot go below what is already committed."""

    class Meta:
        model = Campaign
        fields = CAMPAIGN_EDITABLE

    def clean(self):
        data = super().clean()
        budget, starts_on, ends_on = data.get("budget"), data.get("starts_on"), data.get("ends_on")
        if budget is not None and budget < self.instance.committed:
            self.add_error("budget", f"预算不能少于已批准金额 {self.instance.committed} 元")
        if budget is not None and budget <= 0:
            self.add_error("budget", "预算应大于零")
        if starts_on and ends_on and ends_on < starts_on:
            self.add_error("ends_on", "截止日期不能早于开始日期")
        ratio = data.get("payout_ratio")
        if self.instance.kind == "mutual" and ratio is not None and not Decimal(0) < ratio <= Decimal(1):
            self.add_error("payout_ratio", "给付比例应在 0 到 1 之间")
        return data


@admin.register(Campaign)
class CampaignAdmin(PolicyAdmin):
    policy = campaign_policy
    view_action = "view"
    change_action = "manage"
    add_action = "manage"
    list_display = ["name", "kind", "union", "year", "status", "budget", COMMITTED,
                    shown("remaining", "剩余（元）", sortable=False), "ends_on"]
    list_filter = ["kind", "status", "year"]
    list_select_related = ["union"]
    search_fields = ["name"]

    def get_form(self, request, obj=None, **kwargs):
        kwargs["form"] = CampaignAddForm if obj is None else CampaignChangeForm
        return super().get_form(request, obj, **kwargs)

    def get_fields(self, request, obj=None):
        if obj is None:
            return CampaignAddForm.Meta.fields
        return ["kind", "union", "year", "review_levels", COMMITTED, *CAMPAIGN_EDITABLE]

    def get_readonly_fields(self, request, obj=None):
        if obj is None:
            return []
        return ["kind", "union", "year", "review_levels", COMMITTED]

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name == "union" and not request.user.is_superuser:
            kwargs["queryset"] = Union.objects.filter(id__in=_managed_union_ids(request.user))
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def save_model(self, request, obj, form, change):
        if not change:
            return super().save_model(request, obj, form, change)
        before = {name: str(form.initial.get(name)) for name in form.changed_data}
        # Only the edited columns: `committed` moves by conditional UPDATEs and must never be overwritten here.
        obj.save(update_fields=CAMPAIGN_EDITABLE)
        audit.record(actor=request.user, action="aid.campaign_update", obj=obj, before=before,
                     after={name: str(form.cleaned_data.get(name)) for name in form.changed_data})


def _managed_union_ids(user) -> list[int]:
    """Unions whose campaigns the user may manage (federations in their subtree)."""
    return [union.pk for union in union_list(actor=user).filter(level__lt=Level.GRASSROOTS)[:2000]
            if campaign_policy.can(user, "manage", _InUnion(union))]


class _InUnion:
    def __init__(self, union):
        self.union = union


# ---- Read-only records -------------------------------------------------------------------------------------------


class ReadOnlyAdmin(PolicyAdmin):
    """Records that change only through the services: viewable within the policy's scope, never edited or deleted."""

    change_action = None
    add_action = None

    def has_delete_permission(self, request, obj=None):
        return False


class HouseholdInline(admin.TabularInline):
    model = HouseholdMember
    fields = readonly_fields = ["relation", "name", ID_NUMBER, "birth_date", "annual_income", "health", "schooling",
                                "work"]
    extra = 0
    can_delete = False
    verbose_name_plural = "家庭成员（身份证号部分隐藏）"

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(HardshipFile)
class HardshipFileAdmin(ReadOnlyAdmin):
    policy = file_policy
    view_action = "list"
    list_display = ["number", "name", "union", "status", "category", "review_due", "created_at"]
    list_filter = ["status", "category", "review_due"]
    list_select_related = ["union"]
    search_fields = ["=number", "^name"]
    show_full_result_count = False
    fields = readonly_fields = [
        "number", "name", "union", "status", "category", shown("eligibility", "认定依据"), "causes", "cause_note",
        "address", "other_income", "unavoidable_spending", "necessary_costs", "bank_name", BANK_ACCOUNT,
        "approval_union", "visited_at", "visited_by", "notice_start", "notice_end", "return_reason", "approved_at",
        "review_due", "review_note", "last_reviewed_on", "exit_reason", "exited_at",
    ]
    inlines = [HouseholdInline]


@admin.register(Application)
class ApplicationAdmin(ReadOnlyAdmin):
    policy = application_policy
    view_action = "list"
    list_display = ["number", "campaign", "name", "union", "amount", "status", "submitted_at"]
    list_filter = ["status", "campaign__kind"]
    list_select_related = ["campaign", "union"]
    search_fields = ["=number", "^name"]
    show_full_result_count = False
    fields = readonly_fields = [
        "number", "campaign", "union", "name", ID_NUMBER, shown("details", "申请内容"), "reason", "amount",
        "calculation", "bank_name", BANK_ACCOUNT, "status", "reviewing_union", "decision_reason", "submitted_at",
        "decided_at",
    ]


@admin.register(Payment)
class PaymentAdmin(ReadOnlyAdmin):
    policy = payment_policy
    view_action = "view"
    list_display = ["pk", "campaign", "payee_name", "bank_name", BANK_ACCOUNT, "amount", "status", "attempt", "batch"]
    list_filter = ["status"]
    list_select_related = ["campaign", "batch"]
    search_fields = ["^payee_name", "=idempotency_key"]
    show_full_result_count = False
    fields = readonly_fields = [
        shown("idempotency_key", "业务参考号"), "application", "campaign", "payee_name", "bank_name", BANK_ACCOUNT,
        "amount", "status", "attempt", "batch", "failure_reason", "bank_reference", "paid_at",
    ]


@admin.register(DisbursementBatch)
class DisbursementBatchAdmin(ReadOnlyAdmin):
    policy = campaign_policy
    view_action = "disburse"
    list_display = ["number", "campaign", "status", "count", "total", "created_at", "exported_at", "settled_at"]
    list_filter = ["status"]
    list_select_related = ["campaign"]
    search_fields = ["=number"]
    fields = readonly_fields = ["number", "campaign", "status", "count", "total", "created_by", "created_at",
                                shown("exported_at", "报送时间"), shown("exported_by", "报送人"),
                                shown("settled_at", "回盘时间")]


@admin.register(LedgerEntry)
class LedgerEntryAdmin(ReadOnlyAdmin):
    """The append-only ledger: no add, change or delete for anyone (a correction is a reversing entry, written
    by the services)."""

    policy = payment_policy
    view_action = "view"
    columns = [shown("at", "时间"), shown("kind", "类型"), shown("amount", "金额（元）"), "campaign",
               shown("application", "申请"), shown("key", "记账键"), shown("note", "摘要"), shown("actor_name", "经办人")]
    list_display = columns
    list_display_links = columns[:1]
    list_filter = ["kind"]
    list_select_related = ["campaign", "application"]
    search_fields = ["=key"]
    show_full_result_count = False
    fields = readonly_fields = [*columns, shown("reverses", "冲正对象")]

    def has_change_permission(self, request, obj=None):
        return False
