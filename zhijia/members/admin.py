"""Admin for the member registry: scoped by the member policies, PII only ever masked.

身份证号 and phone never appear raw here (no field, column or search); staff who may see them in
full use the audited 查看完整 button on the member page. Edits go through member_update; adding
members, status changes and reviews with reasons are done on the staff pages.
"""

from django.contrib import admin, messages

from zhijia.core.admin import PolicyAdmin, ServiceForm, shown
from zhijia.core.errors import ZhijiaError

from . import services
from .models import ImportJob, JoinApplication, Member, MemberChange, TransferRequest
from .permissions import application_policy, import_policy, member_policy, transfer_policy

ID_NUMBER = shown("id_number_masked", "身份证号", sortable=False)
PHONE = shown("phone_masked", "手机号码", sortable=False)
PII_FIELDS = ["id_number", "id_number_hash", "phone", "phone_hash"]


class MemberAdminForm(ServiceForm):
    class Meta:
        model = Member
        fields = ["name", "employer", "is_migrant_worker", "new_form_type", "joined_on"]

    def run_service(self, data):
        return services.member_update(actor=self.actor, member=self.instance, changes=dict(data))


@admin.register(Member)
class MemberAdmin(PolicyAdmin):
    policy = member_policy
    view_action = "list"
    change_action = "update"
    form = MemberAdminForm
    list_display = ["member_no", "name", ID_NUMBER, PHONE, "union", "status", "joined_on"]
    list_filter = ["status"]
    list_select_related = ["union"]
    search_fields = ["=member_no", "^name"]
    show_full_result_count = False
    fields = [
        "member_no",
        "name",
        ID_NUMBER,
        PHONE,
        "gender",
        "birth_date",
        "union",
        "employer",
        "is_migrant_worker",
        "new_form_type",
        "joined_on",
        "status",
    ]
    readonly_fields = ["member_no", ID_NUMBER, PHONE, "gender", "birth_date", "union", "status"]
    exclude = PII_FIELDS


@admin.register(MemberChange)
class MemberChangeAdmin(PolicyAdmin):
    policy = member_policy
    view_action = "history"
    columns = [
        shown("member", "会员"),
        shown("at", "时间"),
        shown("actor_name", "操作人"),
        shown("action", "操作"),
        shown("summary", "摘要"),
        shown("changes", "变更内容"),
    ]
    list_display = columns[:5]
    list_display_links = columns[:2]
    list_select_related = ["member"]
    fields = readonly_fields = columns
    show_full_result_count = False

    def scope(self, request, qs):
        # A change is visible with its member: scope the members, then take their changes.
        members = member_policy.scope(request.user, "history", Member.objects.all())
        return qs.filter(member__in=members.values("id"))

    def has_view_permission(self, request, obj=None):
        if obj is None or request.user.is_superuser:
            return super().has_view_permission(request, obj)
        return member_policy.can(request.user, "history", obj.member)


@admin.action(description="批准所选入会申请", permissions=["review"])
def approve_applications(modeladmin, request, queryset):
    approved = 0
    for application in queryset:
        try:
            services.join_approve(actor=request.user, application=application)
            approved += 1
        except ZhijiaError as exc:
            modeladmin.message_user(request, f"{application.name}：{exc.message}", messages.ERROR)
    if approved:
        modeladmin.message_user(request, f"已批准 {approved} 份入会申请", messages.SUCCESS)


@admin.register(JoinApplication)
class JoinApplicationAdmin(PolicyAdmin):
    policy = application_policy
    view_action = "list"
    actions = [approve_applications]
    status_column = shown("status", "状态")
    created_column = shown("created_at", "提交时间")
    list_display = ["name", ID_NUMBER, "union", status_column, created_column]
    list_filter = ["status"]
    list_select_related = ["union"]
    search_fields = ["^name"]
    fields = readonly_fields = [
        "name",
        ID_NUMBER,
        PHONE,
        "employer",
        "is_migrant_worker",
        "new_form_type",
        "union",
        "note",
        status_column,
        "reject_reason",
        shown("reviewed_by", "审核人"),
        shown("reviewed_at", "审核时间"),
        created_column,
    ]

    def has_review_permission(self, request):
        return application_policy.allows(request.user, "review")


@admin.register(TransferRequest)
class TransferRequestAdmin(PolicyAdmin):
    policy = transfer_policy
    view_action = "list"
    columns = {
        "member": shown("member", "会员"),
        "from_union": shown("from_union", "转出工会"),
        "to_union": shown("to_union", "转入工会"),
        "status": shown("status", "状态"),
        "created_at": shown("created_at", "申请时间"),
    }
    list_display = list(columns.values())
    list_display_links = [columns["member"]]
    list_filter = ["status"]
    list_select_related = ["member", "from_union", "to_union"]
    fields = readonly_fields = [
        columns["member"],
        columns["from_union"],
        columns["to_union"],
        "reason",
        "new_employer",
        columns["status"],
        "reject_reason",
        shown("released_at", "同意转出时间"),
        shown("decided_at", "办结时间"),
        columns["created_at"],
    ]


@admin.register(ImportJob)
class ImportJobAdmin(PolicyAdmin):
    """Progress and counts only: the per-row error list may quote the uploaded personal data."""

    policy = import_policy
    columns = {
        "original_name": shown("original_name", "文件"),
        "union": shown("union", "导入到"),
        "mode": shown("mode", "方式"),
        "status": shown("status", "状态"),
        "total_rows": shown("total_rows", "总行数"),
        "created_count": shown("created_count", "已导入"),
        "error_count": shown("error_count", "错误行数"),
        "created_at": shown("created_at", "提交时间"),
        "finished_at": shown("finished_at", "完成时间"),
        "message": shown("message", "说明"),
    }
    list_display = [
        columns["original_name"],
        columns["union"],
        columns["status"],
        columns["created_count"],
        columns["error_count"],
        columns["created_at"],
    ]
    list_display_links = [columns["original_name"]]
    list_select_related = ["union"]
    fields = readonly_fields = list(columns.values())
