"""Back office of employment help. The matching weights (MatchConfig, one row) are edited here by system
administrators; employers are registered through employer_create and vacancies moderated (published again,
closed, rejected with a reason) through vacancy_moderate, both within the staff's subtree. Seekers, referrals
and fairs are read-only here — they move through the services on the pages — with phones and 身份证号 masked;
the change log behind the matching index is read-only."""

from django import forms
from django.contrib import admin
from django.db.models import Count
from django.shortcuts import redirect
from django.urls import reverse

from zhijia.accounts.models import Role
from zhijia.core import audit
from zhijia.core.admin import PolicyAdmin, ServiceForm, shown
from zhijia.core.pii import mask_id_number, mask_phone
from zhijia.core.policy import grants_for
from zhijia.org.selectors import union_list

from .models import (
    Employer,
    EmployerAccount,
    JobFair,
    MatchChange,
    MatchConfig,
    Referral,
    SeekerProfile,
    Vacancy,
    VacancyStatus,
)
from .permissions import employer_policy, fair_policy, seeker_policy, vacancy_policy
from .services import EmployerData, employer_create, vacancy_moderate

audit.register("jobs.match_config", "修改匹配权重")

WEIGHTS = ["occupation", "skills", "level", "distance", "wage", "shift", "priority"]


def is_sysadmin(user) -> bool:
    """System superusers and holders of the 系统管理员 role."""
    if not (user.is_active and user.is_authenticated):
        return False
    return user.is_superuser or any(grant.role == Role.SYSADMIN for grant in grants_for(user))


# ---- Matching weights ---------------------------------------------------------------------------------------


class MatchConfigForm(forms.ModelForm):
    class Meta:
        model = MatchConfig
        fields = WEIGHTS

    def clean(self):
        data = super().clean()
        for name in WEIGHTS:
            value = data.get(name)
            if value is not None and not 0 <= value <= 1:
                self.add_error(name, "权重应在 0 到 1 之间，如 0.30")
        if not self.errors and not any(data.get(name) for name in WEIGHTS[:-1]):
            raise forms.ValidationError("职业、技能、等级、距离、工资、班次的权重不能都为 0")
        return data


@admin.register(MatchConfig)
class MatchConfigAdmin(admin.ModelAdmin):
    """One row: the weights every matching query reads (matching.Weights.current). The list goes straight to it."""

    form = MatchConfigForm
    fields = [*WEIGHTS, "updated_at"]
    readonly_fields = ["updated_at"]
    list_display = [*WEIGHTS, "updated_at"]

    def has_module_permission(self, request):
        return is_sysadmin(request.user)

    def has_view_permission(self, request, obj=None):
        return is_sysadmin(request.user)

    def has_change_permission(self, request, obj=None):
        return is_sysadmin(request.user)

    def has_add_permission(self, request):
        return is_sysadmin(request.user) and not MatchConfig.objects.exists()

    def has_delete_permission(self, request, obj=None):
        return False

    def changelist_view(self, request, extra_context=None):
        row = MatchConfig.objects.order_by("id").first()
        if row is not None and self.has_view_permission(request, row):
            return redirect(reverse("admin:jobs_matchconfig_change", args=[row.pk]))
        if row is None and self.has_add_permission(request):
            return redirect(reverse("admin:jobs_matchconfig_add"))
        return super().changelist_view(request, extra_context)

    def save_model(self, request, obj, form, change):
        before = {name: form.initial.get(name) for name in form.changed_data} if change else None
        super().save_model(request, obj, form, change)
        audit.record(actor=request.user, action="jobs.match_config", obj=obj, object_repr="匹配权重", before=before,
                     after={name: form.cleaned_data.get(name) for name in form.changed_data})


# ---- Employers and vacancies --------------------------------------------------------------------------------


def _masked_contact(employer: Employer) -> str:
    return mask_phone(employer.contact_phone or "") or "—"


CONTACT_PHONE = admin.display(description="联系电话")(_masked_contact)


class EmployerAddForm(ServiceForm):
    """A new employer goes through employer_create (credit code and division checked, permission, audit)."""

    contact_phone = forms.CharField(label="联系电话", required=False, max_length=20)

    class Meta:
        model = Employer
        fields = ["union", "name", "credit_code", "division_code", "address", "contact_name"]

    def run_service(self, data):
        return employer_create(actor=self.actor, union=data["union"], data=EmployerData(
            name=data["name"], credit_code=data["credit_code"], division_code=data["division_code"],
            address=data["address"], contact_name=data["contact_name"], contact_phone=data["contact_phone"]))


class AccountInline(admin.TabularInline):
    model = EmployerAccount
    fields = readonly_fields = ["user"]
    extra = 0
    can_delete = False
    verbose_name_plural = "单位账号"

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(Employer)
class EmployerAdmin(PolicyAdmin):
    policy = employer_policy
    view_action = "list"
    add_action = "create"
    list_display = ["name", "credit_code", "union", "division_code", "contact_name", CONTACT_PHONE, "created_at"]
    list_select_related = ["union"]
    search_fields = ["^name", "=credit_code"]
    inlines = [AccountInline]

    def get_form(self, request, obj=None, **kwargs):
        if obj is None:
            kwargs["form"] = EmployerAddForm
        return super().get_form(request, obj, **kwargs)

    def get_fields(self, request, obj=None):
        if obj is None:
            return [*EmployerAddForm.Meta.fields, "contact_phone"]
        return ["name", "credit_code", "union", "division_code", "address", "contact_name", CONTACT_PHONE,
                "created_at"]

    def get_readonly_fields(self, request, obj=None):
        return [] if obj is None else self.get_fields(request, obj)

    def get_inlines(self, request, obj):
        return self.inlines if obj is not None else []

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name == "union" and not request.user.is_superuser:
            kwargs["queryset"] = union_list(actor=request.user)
        return super().formfield_for_foreignkey(db_field, request, **kwargs)


MODERATION_ACTIONS = {VacancyStatus.PUBLISHED: "publish", VacancyStatus.CLOSED: "close",
                      VacancyStatus.REJECTED: "reject"}


class VacancyModerationForm(ServiceForm):
    """Only the moderation fields change here, through vacancy_moderate (a rejection needs its reason)."""

    status = forms.ChoiceField(label="状态", choices=[(s.value, s.label) for s in MODERATION_ACTIONS])

    class Meta:
        model = Vacancy
        fields = ["status", "moderation_note"]

    def run_service(self, data):
        return vacancy_moderate(actor=self.actor, vacancy=self.instance, action=MODERATION_ACTIONS[data["status"]],
                                note=data.get("moderation_note") or "")


@admin.register(Vacancy)
class VacancyAdmin(PolicyAdmin):
    policy = vacancy_policy
    view_action = "list"
    change_action = "moderate"
    form = VacancyModerationForm
    list_display = ["title", "employer", "occupation", "wage_min", "wage_max", "division_code", "status",
                    "valid_until", "headcount"]
    list_filter = ["status"]
    list_select_related = ["employer"]
    search_fields = ["title", "^employer__name"]
    show_full_result_count = False
    readonly_fields = ["employer", "title", "occupation", "skills", "description", "min_level", "min_education",
                       "wage_min", "wage_max", "division_code", "address", "shifts", "headcount", "benefits",
                       "valid_from", "valid_until", shown("created_at", "发布时间"), shown("updated_at", "更新时间")]
    fields = ["status", "moderation_note", *readonly_fields]


# ---- Read-only records ---------------------------------------------------------------------------------------


class ReadOnlyAdmin(PolicyAdmin):
    """Records that change only through the services: viewable within the policy's scope, never edited here."""

    change_action = None
    add_action = None

    def has_delete_permission(self, request, obj=None):
        return False


SEEKER_PHONE = admin.display(description="手机号码")(lambda seeker: seeker.phone_masked)
SEEKER_ID_NUMBER = admin.display(description="身份证号")(lambda seeker: mask_id_number(seeker.id_number or "") or "—")


@admin.register(SeekerProfile)
class SeekerProfileAdmin(ReadOnlyAdmin):
    policy = seeker_policy
    view_action = "list"
    list_display = ["name", SEEKER_PHONE, "union", "priority_group", shown("occupations", "求职意向", sortable=False),
                    "expected_wage", "active", "created_at"]
    list_filter = ["priority_group", "active"]
    list_select_related = ["union"]
    search_fields = ["^name"]
    show_full_result_count = False
    fields = readonly_fields = [
        "name", SEEKER_PHONE, SEEKER_ID_NUMBER, "union", "user", "priority_group", "occupations", "skills",
        "skills_text", "level", "certificates", "education", "experience_years", "expected_wage", "division_code",
        "address", "max_distance_km", "shifts", "start_date", "contact_consent", "active", "registered_by",
        shown("created_at", "登记时间"), shown("updated_at", "更新时间"),
    ]


@admin.register(Referral)
class ReferralAdmin(ReadOnlyAdmin):
    policy = seeker_policy
    view_action = "list"
    list_display = ["pk", "seeker", "vacancy", "union", shown("status", "状态"), shown("created_at", "推荐时间")]
    list_filter = ["status"]
    list_select_related = ["seeker", "vacancy__employer", "union"]
    show_full_result_count = False
    fields = readonly_fields = ["seeker", "vacancy", "union", shown("referred_by", "推荐人"), "note",
                                shown("status", "状态"), "response", shown("created_at", "推荐时间"),
                                shown("updated_at", "更新时间")]


@admin.register(JobFair)
class JobFairAdmin(ReadOnlyAdmin):
    policy = fair_policy
    view_action = "view"
    list_display = ["name", "held_on", "online", "place", "union",
                    shown("registration_count", "报名人数", sortable=False)]
    list_filter = ["online"]
    list_select_related = ["union"]
    search_fields = ["name"]
    date_hierarchy = "held_on"
    fields = readonly_fields = ["name", "union", "online", "held_on", "place", "employers", "vacancies",
                                shown("registration_count", "报名人数", sortable=False)]

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(registration_count=Count("registrations"))


@admin.register(MatchChange)
class MatchChangeAdmin(admin.ModelAdmin):
    """The log each process's matching index replays to catch up: for system administrators to look at only."""

    columns = [shown("id", "序号"), shown("kind", "类型"), shown("object_id", "对象编号"), shown("at", "时间")]
    list_display = columns
    list_display_links = columns[:1]
    list_filter = ["kind"]
    fields = readonly_fields = columns
    show_full_result_count = False

    def has_module_permission(self, request):
        return is_sysadmin(request.user)

    def has_view_permission(self, request, obj=None):
        return is_sysadmin(request.user)

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
