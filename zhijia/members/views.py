"""Member pages: the worker's 我的 / 入会 / 会员卡 / 转接, the public card check, and the staff 工作台.

Views stay thin: reads go through selectors and policies, writes through services, and a
service's refusal is shown beside the field it names (see zhijia.core.views.FormErrors).
"""

from urllib.parse import urlencode

from django.contrib import messages
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.safestring import mark_safe
from django.views.decorators.http import require_POST

from zhijia.core.errors import NotFound
from zhijia.core.views import FormErrors, page, paginate, require_allowed
from zhijia.org.models import Kind
from zhijia.org.pickers import picker
from zhijia.org.selectors import union_list, union_search_for_joining

from . import selectors, services
from .card import card_qr_svg, card_token
from .card import card_verify as check_card
from .forms import (
    NEW_FORM_OPTIONS,
    JoinForm,
    MemberCreateForm,
    MemberEditForm,
    ReasonForm,
    StatusForm,
    TransferForm,
    UnionSearchForm,
    status_options,
)
from .models import (
    OPEN_TRANSFER_STATUSES,
    ApplicationStatus,
    MemberStatus,
    TransferRequest,
    TransferStatus,
)
from .permissions import accept_policy, application_policy, member_policy, release_policy, transfer_policy

EMPLOYER_KINDS = {Kind.ENTERPRISE, Kind.INSTITUTION}
PER_PAGE = 20
SEARCH_LIMIT = 20
PERSON_FIELDS = ["name", "id_number", "phone", "employer", "is_migrant_worker", "new_form_type"]


# ---- Worker pages ---------------------------------------------------------------------------


@page
def my(request):
    user = request.user
    membership = selectors.my_active_membership(user=user)
    transfers = (
        transfer_policy.scope(user, "view", TransferRequest.objects.filter(member__user=user))
        .select_related("from_union", "to_union")
        .order_by("-id")
    )
    return render(
        request,
        "members/my.html",
        {
            "membership": membership,
            "applications": selectors.my_applications(user=user)[:20],
            "transfers": transfers[:20],
            "open_statuses": OPEN_TRANSFER_STATUSES,
        },
    )


def _union_search(request):
    """Run the worker's union search from the query string; returns (form, results or None)."""
    form = UnionSearchForm(request.GET)
    if not form.has_terms:
        return form, None
    data = form.cleaned_data
    results = union_search_for_joining(
        query=data["q"].strip(), division_prefix=data["place"], flexible=data["flexible"]
    )[:SEARCH_LIMIT]
    return form, list(results)


def _search_context(request, pick_url: str) -> dict:
    form, results = _union_search(request)
    return {
        "search": form,
        "search_errors": {name: errors[0] for name, errors in form.errors.items()},
        "results": results,
        "pick_url": pick_url,
        "flexible": form.cleaned_data.get("flexible", False) if form.is_valid() else False,
    }


def _joinable_union(union_id):
    union = union_search_for_joining().filter(pk=union_id).first() if str(union_id).isdigit() else None
    if union is None:
        raise NotFound("没有找到这个工会，或它不接收会员")
    return union


@page
def join(request):
    """Find a union (HTMX live results), then apply to it with ?union=<id>."""
    user = request.user
    if request.htmx and request.method == "GET" and "union" not in request.GET:
        return render(request, "members/_union_results.html", _search_context(request, reverse("members:join")))
    context = {
        "membership": selectors.my_active_membership(user=user),
        "pending": selectors.my_applications(user=user).filter(status=ApplicationStatus.PENDING).first(),
        "new_form_options": NEW_FORM_OPTIONS,
    }
    union_id = request.POST.get("union") if request.method == "POST" else request.GET.get("union")
    if not union_id:
        context.update(_search_context(request, reverse("members:join")))
        return render(request, "members/join.html", context)

    union = _joinable_union(union_id)
    errors = FormErrors(fields=PERSON_FIELDS + ["note"])
    if request.method == "POST":
        form = JoinForm(request.POST)
        values = request.POST
        if not form.is_valid():
            errors.add_form(form)
        else:
            with errors.capture():
                services.join_apply(actor=user, union=union, data=form.person_data(), note=form.cleaned_data["note"])
            if not errors:
                messages.success(request, f"入会申请已提交，请等待“{union.name}”审核")
                return redirect("members:my")
    else:
        phone = user.username if user.username.isdigit() else ""
        values = {
            "name": user.display_name,
            "phone": phone,
            "new_form_type": "",
            # An enterprise union's name is usually "<employer>工会": a sensible guess the worker can edit.
            "employer": union.name.removesuffix("工会") if union.kind in EMPLOYER_KINDS else "",
        }
    context.update({"union": union, "values": values, "errors": errors})
    status = 400 if errors else 200
    return render(request, "members/join_form.html", context, status=status)


@page
def card(request):
    membership = selectors.my_active_membership(user=request.user)
    context = {"membership": membership}
    if membership is not None:
        verify_url = request.build_absolute_uri(reverse("members:card_verify", args=[card_token(membership)]))
        # segno writes the SVG itself from a URL we built; nothing user-typed reaches it unescaped.
        context.update({"verify_url": verify_url, "qr_svg": mark_safe(card_qr_svg(verify_url))})
    return render(request, "members/card.html", context)


def card_verify(request, token: str):
    """Public: anyone scanning the QR learns only whether the card is valid and its union."""
    result = check_card(token)
    response = render(request, "members/card_verify.html", {"result": result})
    response["Cache-Control"] = "no-store"
    response["X-Robots-Tag"] = "noindex"
    return response


@page
def transfer_request(request):
    """A member asks to move to another union: pick it (same search as 入会), give a reason."""
    user = request.user
    membership = selectors.my_active_membership(user=user)
    context = {"membership": membership}
    if membership is None:
        return render(request, "members/transfer_request.html", context)
    if request.htmx and request.method == "GET" and "union" not in request.GET:
        return render(
            request, "members/_union_results.html", _search_context(request, reverse("members:transfer_request"))
        )
    open_transfer = membership.transfers.filter(status__in=OPEN_TRANSFER_STATUSES).select_related("to_union").first()
    context["open_transfer"] = open_transfer
    union_id = request.POST.get("union") if request.method == "POST" else request.GET.get("union")
    if open_transfer is not None or not union_id:
        context.update(_search_context(request, reverse("members:transfer_request")))
        return render(request, "members/transfer_request.html", context)

    to_union = _joinable_union(union_id)
    errors = FormErrors(fields=["reason", "new_employer"])
    values = {}
    if request.method == "POST":
        form = TransferForm(request.POST)
        values = request.POST
        form.is_valid()
        with errors.capture():
            services.transfer_request(
                actor=user,
                member=membership,
                to_union=to_union,
                reason=form.cleaned_data.get("reason", ""),
                new_employer=form.cleaned_data.get("new_employer", ""),
            )
        if not errors:
            messages.success(request, f"转接申请已提交：转入“{to_union.name}”，请等待两方工会办理")
            return redirect("members:my")
    context.update({"to_union": to_union, "values": values, "errors": errors})
    return render(request, "members/transfer_form.html", context, status=400 if errors else 200)


@page
@require_POST
def transfer_cancel(request, transfer_id: int):
    transfer = selectors.transfer_get(actor=request.user, transfer_id=transfer_id)
    errors = FormErrors()
    with errors.capture():
        services.transfer_cancel(actor=request.user, transfer=transfer)
    _flash(request, errors, "已撤销转接申请")
    return redirect("members:my")


@page
@require_POST
def application_withdraw(request, application_id: int):
    application = selectors.application_get(actor=request.user, application_id=application_id)
    errors = FormErrors()
    with errors.capture():
        services.join_withdraw(actor=request.user, application=application)
    _flash(request, errors, "已撤回入会申请")
    return redirect("members:my")


def _flash(request, errors: FormErrors, success: str) -> None:
    if errors:
        messages.error(request, errors["form"])
    else:
        messages.success(request, success)


# ---- Staff pages ----------------------------------------------------------------------------


@page
def staff_home(request):
    user = request.user
    require_allowed(user, member_policy, "list")
    release_side = release_policy.scope(
        user, "release", selectors.transfer_list(actor=user, status=TransferStatus.PENDING_RELEASE)
    )
    accept_side = accept_policy.scope(
        user, "accept", selectors.transfer_list(actor=user, status=TransferStatus.PENDING_ACCEPT)
    )
    return render(
        request,
        "members/staff_home.html",
        {
            "pending_applications": selectors.application_list(actor=user).count(),
            "pending_release": release_side.count(),
            "pending_accept": accept_side.count(),
            "active_members": selectors.member_list(actor=user, status=MemberStatus.ACTIVE).count(),
            "can_import": member_policy.allows(user, "import"),
            "can_export": member_policy.allows(user, "export"),
        },
    )


SORT_COLUMNS = [("member_no", "会员号"), ("name", "姓名"), ("joined_on", "入会日期")]


@page
def member_list(request):
    user = request.user
    require_allowed(user, member_policy, "list")
    query = request.GET.get("q", "").strip()
    status = request.GET.get("status", "")
    status = status if status in MemberStatus.values else ""
    sort = request.GET.get("sort", "-id")
    sort = sort if sort in selectors.SORTS else "-id"
    union = None
    union_id = request.GET.get("union", "")
    if union_id.isdigit():
        union = union_list(actor=user).filter(pk=union_id).first()
    members = selectors.member_list(actor=user, union=union, query=query, status=status, sort=sort)
    page_obj, page_query = paginate(request, members, PER_PAGE)

    keep = [(key, value) for key, value in request.GET.items() if key not in ("page", "sort") and value]
    sort_links = []
    for column, label in SORT_COLUMNS:
        next_sort = f"-{column}" if sort == column else column
        arrow = "↑" if sort == column else "↓" if sort == f"-{column}" else ""
        sort_links.append((label, "?" + urlencode(keep + [("sort", next_sort)]), arrow))
    context = {
        "page": page_obj,
        "query": page_query,
        "q": query,
        "status": status,
        "union_id": str(union.pk) if union else "",
        "sort_links": sort_links,
        "status_options": [("", "全部状态")] + list(MemberStatus.choices),
        "union_picker": picker(user, "org.reach", blank="全部工会", selected=str(union.pk) if union else ""),
        "can_create": member_policy.allows(user, "create"),
        "can_import": member_policy.allows(user, "import"),
        "can_export": member_policy.allows(user, "export"),
    }
    if request.htmx:
        return render(request, "members/_member_table.html", context)
    return render(request, "members/member_list.html", context)


def _member_page(request, member, *, status_errors=None, status_values=None, http_status=200):
    user = request.user
    history = member.changes.all()[:50] if member_policy.can(user, "history", member) else None
    return render(
        request,
        "members/member_detail.html",
        {
            "member": member,
            "can_reveal": member_policy.can(user, "reveal_pii", member),
            "can_update": member_policy.can(user, "update", member),
            "can_change_status": member_policy.can(user, "change_status", member),
            "status_options": status_options(member),
            "status_errors": status_errors or {},
            "status_values": status_values or {},
            "history": history,
        },
        status=http_status,
    )


@page
def member_detail(request, member_id: int):
    require_allowed(request.user, member_policy, "list")
    return _member_page(request, selectors.member_get(actor=request.user, member_id=member_id))


@page
@require_POST
def member_reveal(request, member_id: int, field: str):
    """HTMX: swap a masked 身份证号/手机号 for the full value. Audited by the service."""
    require_allowed(request.user, member_policy, "list")
    member = selectors.member_get(actor=request.user, member_id=member_id)
    value = services.member_reveal_pii(actor=request.user, member=member, field=field)
    return render(request, "members/_pii.html", {"member": member, "field": field, "value": value, "revealed": True})


@page
def member_edit(request, member_id: int):
    user = request.user
    require_allowed(user, member_policy, "list")
    member = selectors.member_get(actor=user, member_id=member_id)
    member_policy.require(user, "update", member)
    errors = FormErrors(fields=list(MemberEditForm.base_fields))
    if request.method == "POST":
        form = MemberEditForm(request.POST)
        values = request.POST
        if not form.is_valid():
            errors.add_form(form)
        else:
            with errors.capture():
                services.member_update(actor=user, member=member, changes=form.changes())
            if not errors:
                messages.success(request, "会员信息已保存")
                return redirect("members:member_detail", member_id=member.pk)
    else:
        values = {
            "name": member.name,
            "employer": member.employer,
            "is_migrant_worker": member.is_migrant_worker,
            "new_form_type": member.new_form_type,
            "joined_on": member.joined_on.isoformat(),
        }
    return render(
        request,
        "members/member_edit.html",
        {"member": member, "values": values, "errors": errors, "new_form_options": NEW_FORM_OPTIONS},
        status=400 if errors else 200,
    )


@page
@require_POST
def member_change_status(request, member_id: int):
    user = request.user
    require_allowed(user, member_policy, "list")
    member = selectors.member_get(actor=user, member_id=member_id)
    form = StatusForm(request.POST)
    form.is_valid()
    errors = FormErrors(fields=["status", "reason"])
    with errors.capture():
        services.member_change_status(
            actor=user, member=member, status=form.cleaned_data["status"], reason=form.cleaned_data["reason"]
        )
    if errors:
        member.refresh_from_db()
        return _member_page(request, member, status_errors=errors, status_values=request.POST, http_status=400)
    messages.success(request, "会籍状态已变更")
    return redirect("members:member_detail", member_id=member.pk)


@page
def member_create(request):
    user = request.user
    require_allowed(user, member_policy, "create")
    errors = FormErrors(fields=PERSON_FIELDS + ["union", "joined_on"])
    only = list(selectors.accepting_unions(user).values_list("pk", flat=True)[:2])
    values = {"union": str(only[0]) if len(only) == 1 else ""}
    if request.method == "POST":
        form = MemberCreateForm(request.POST)
        values = request.POST
        if not form.is_valid():
            errors.add_form(form)
        else:
            union_id = form.cleaned_data["union"]
            union = union_list(actor=user).filter(pk=union_id).first() if union_id else None
            if union is None:
                errors.add("union", "请选择会员所在的工会")
            else:
                with errors.capture():
                    member = services.member_create(actor=user, union=union, data=form.person_data())
                if not errors:
                    messages.success(request, f"已添加会员 {member.name}，会员号 {member.member_no}")
                    return redirect("members:member_detail", member_id=member.pk)
    return render(
        request,
        "members/member_create.html",
        {
            "values": values,
            "errors": errors,
            "union_picker": picker(user, "members.accepting", blank="请选择", selected=values.get("union", "")),
            "new_form_options": NEW_FORM_OPTIONS,
        },
        status=400 if errors else 200,
    )


APPLICATION_STATUS_OPTIONS = [("pending", "待审核"), ("all", "全部")] + [
    (value, label) for value, label in ApplicationStatus.choices if value != ApplicationStatus.PENDING
]


@page
def application_list(request):
    user = request.user
    require_allowed(user, application_policy, "list")
    status = request.GET.get("status", ApplicationStatus.PENDING)
    if status not in ApplicationStatus.values and status != "all":
        status = ApplicationStatus.PENDING
    applications = selectors.application_list(actor=user, status="" if status == "all" else status)
    page_obj, page_query = paginate(request, applications, PER_PAGE)
    return render(
        request,
        "members/application_list.html",
        {"page": page_obj, "query": page_query, "status": status, "status_options": APPLICATION_STATUS_OPTIONS},
    )


def _application_page(request, application, *, errors=None, values=None, http_status=200):
    return render(
        request,
        "members/application_detail.html",
        {
            "application": application,
            "can_review": application.status == ApplicationStatus.PENDING
            and application_policy.can(request.user, "review", application),
            "errors": errors or {},
            "values": values or {},
        },
        status=http_status,
    )


@page
def application_detail(request, application_id: int):
    require_allowed(request.user, application_policy, "list")
    return _application_page(request, selectors.application_get(actor=request.user, application_id=application_id))


@page
@require_POST
def application_approve(request, application_id: int):
    user = request.user
    require_allowed(user, application_policy, "list")
    application = selectors.application_get(actor=user, application_id=application_id)
    errors = FormErrors()
    with errors.capture():
        member = services.join_approve(actor=user, application=application)
    if errors:
        application.refresh_from_db()
        return _application_page(request, application, errors=errors, http_status=400)
    messages.success(request, f"已批准 {member.name} 入会，会员号 {member.member_no}")
    return redirect("members:application_list")


@page
@require_POST
def application_reject(request, application_id: int):
    user = request.user
    require_allowed(user, application_policy, "list")
    application = selectors.application_get(actor=user, application_id=application_id)
    form = ReasonForm(request.POST)
    form.is_valid()
    errors = FormErrors(fields=["reason"])
    with errors.capture():
        services.join_reject(actor=user, application=application, reason=form.cleaned_data["reason"])
    if errors:
        application.refresh_from_db()
        return _application_page(request, application, errors=errors, values=request.POST, http_status=400)
    messages.success(request, f"已驳回 {application.name} 的入会申请")
    return redirect("members:application_list")


TRANSFER_STATUS_OPTIONS = [("", "全部状态")] + list(TransferStatus.choices)


def _transfer_actions(user, transfer) -> None:
    """Which side of this transfer the user may act on (the policy decides; the page only shows)."""
    transfer.can_release = transfer.status == TransferStatus.PENDING_RELEASE and release_policy.can(
        user, "release", transfer
    )
    transfer.can_accept = transfer.status == TransferStatus.PENDING_ACCEPT and accept_policy.can(
        user, "accept", transfer
    )
    transfer.can_reject = transfer.can_release or transfer.can_accept


@page
def transfer_list(request):
    user = request.user
    require_allowed(user, transfer_policy, "list")
    status = request.GET.get("status", "")
    status = status if status in TransferStatus.values else ""
    page_obj, page_query = paginate(request, selectors.transfer_list(actor=user, status=status), PER_PAGE)
    for transfer in page_obj:
        _transfer_actions(user, transfer)
    return render(
        request,
        "members/transfer_list.html",
        {"page": page_obj, "query": page_query, "status": status, "status_options": TRANSFER_STATUS_OPTIONS},
    )


def _staff_transfer(request, transfer_id: int):
    require_allowed(request.user, transfer_policy, "list")
    return selectors.transfer_get(actor=request.user, transfer_id=transfer_id)


@page
@require_POST
def transfer_release(request, transfer_id: int):
    transfer = _staff_transfer(request, transfer_id)
    errors = FormErrors()
    with errors.capture():
        services.transfer_release(actor=request.user, transfer=transfer)
    _flash(request, errors, f"已同意 {transfer.member.name} 转出，等待“{transfer.to_union.name}”接收")
    return redirect("members:transfer_list")


@page
@require_POST
def transfer_accept(request, transfer_id: int):
    transfer = _staff_transfer(request, transfer_id)
    errors = FormErrors()
    with errors.capture():
        services.transfer_accept(actor=request.user, transfer=transfer)
    _flash(request, errors, f"已接收 {transfer.member.name} 转入“{transfer.to_union.name}”")
    return redirect("members:transfer_list")


@page
def transfer_reject(request, transfer_id: int):
    """GET: the reason form; POST: refuse the transfer on the user's side with that reason."""
    user = request.user
    transfer = _staff_transfer(request, transfer_id)
    errors = FormErrors(fields=["reason"])
    values = {}
    if request.method == "POST":
        form = ReasonForm(request.POST)
        form.is_valid()
        values = request.POST
        with errors.capture():
            services.transfer_reject(actor=user, transfer=transfer, reason=form.cleaned_data["reason"])
        if not errors:
            messages.success(request, f"已拒绝 {transfer.member.name} 的转接申请")
            return redirect("members:transfer_list")
        transfer.refresh_from_db()
    _transfer_actions(user, transfer)
    return render(
        request,
        "members/transfer_reject.html",
        {"transfer": transfer, "errors": errors, "values": values},
        status=400 if errors else 200,
    )
