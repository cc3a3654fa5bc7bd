"""Pages for browsing and maintaining the union tree within the user's reach."""

from django.contrib import messages
from django.db.models import Case, CharField, Count, Value, When
from django.db.models.functions import StrIndex, Substr
from django.shortcuts import redirect, render

from zhijia.core.policy import grants_for
from zhijia.core.views import FormErrors, page, paginate, require_allowed

from . import services
from .forms import MoveForm, UnionForm, union_values
from .models import Kind, Level, Status, Union
from .permissions import policy
from .selectors import union_list as scoped_unions

CHILDREN_PER_PAGE = 50
UNION_FIELDS = list(UnionForm.base_fields)
KIND_OPTIONS = list(Kind.choices)
LEVEL_OPTIONS = [(str(value), label) for value, label in Level.choices]
STATUS_OPTIONS = list(Status.choices)
LEAF_KINDS = {Kind.ENTERPRISE, Kind.INSTITUTION}


def active_member_counts(union: Union) -> tuple[int, dict[int, int]]:
    """Active members in the union's subtree, and per direct child, in one grouped query.

    Each member is grouped by the path segment right after `union.path` (the child its union sits
    under); members of `union` itself fall in the "" group.
    """
    from zhijia.members.models import Member, MemberStatus

    rest = Substr("union__path", len(union.path) + 1)
    child = Case(
        When(union_id=union.pk, then=Value("")),
        default=Substr(rest, 1, StrIndex(rest, Value("/")) - 1),
        output_field=CharField(),
    )
    members = Member.objects.filter(status=MemberStatus.ACTIVE, union__path__startswith=union.path)
    if union.province_id is not None:
        members = members.filter(province_id=union.province_id)
    rows = members.annotate(child=child).values("child").annotate(n=Count("id")).values_list("child", "n")
    total, per_child = 0, {}
    for key, count in rows:
        total += count
        if key:
            per_child[int(key)] = count
    return total, per_child


@page
def union_list(request):
    user = request.user
    require_allowed(user, policy, "view")
    query = request.GET.get("q", "").strip()
    if query:
        page_obj, page_query = paginate(request, scoped_unions(actor=user, query=query), CHILDREN_PER_PAGE)
        roots = None
    else:
        page_obj, page_query = None, ""
        roots = scoped_unions(actor=user).filter(id__in={grant.union_id for grant in grants_for(user)})
    return render(request, "org/union_list.html", {"q": query, "page": page_obj, "query": page_query, "roots": roots})


def _union(request, union_id: int) -> Union:
    require_allowed(request.user, policy, "view")
    return policy.get_or_404(request.user, "view", Union.objects.all(), pk=union_id)


@page
def union_detail(request, union_id: int):
    user = request.user
    union = _union(request, union_id)
    children, page_query = paginate(
        request, scoped_unions(actor=user).filter(parent=union).order_by("name"), CHILDREN_PER_PAGE
    )
    total, per_child = active_member_counts(union)
    rows = [(child, per_child.get(child.pk, 0)) for child in children]
    ancestors = [(ancestor, policy.can(user, "view", ancestor)) for ancestor in union.ancestors()]
    return render(
        request,
        "org/union_detail.html",
        {
            "union": union,
            "ancestors": ancestors,
            "rows": rows,
            "page": children,
            "query": page_query,
            "member_total": total,
            "can_update": policy.can(user, "update", union),
            "can_create": policy.can(user, "create", union) and union.kind not in LEAF_KINDS,
            "can_move": policy.can(user, "move", union) and union.parent_id is not None,
        },
    )


def _form_context(values, errors) -> dict:
    return {
        "values": values,
        "errors": errors,
        "kind_options": KIND_OPTIONS,
        "level_options": LEVEL_OPTIONS,
        "status_options": STATUS_OPTIONS,
    }


@page
def union_edit(request, union_id: int):
    user = request.user
    union = _union(request, union_id)
    policy.require(user, "update", union)
    errors = FormErrors(fields=UNION_FIELDS)
    values = union_values(union)
    if request.method == "POST":
        form = UnionForm(request.POST)
        values = request.POST
        if not form.is_valid():
            errors.add_form(form)
        else:
            with errors.capture():
                services.union_update(actor=user, union=union, data=form.union_data())
            if not errors:
                messages.success(request, "工会信息已保存")
                return redirect("org:union_detail", union_id=union.pk)
    context = {"union": union, "mode": "edit", **_form_context(values, errors)}
    return render(request, "org/union_form.html", context, status=400 if errors else 200)


@page
def union_create(request, union_id: int):
    """Create a union directly under `union_id`."""
    user = request.user
    parent = _union(request, union_id)
    policy.require(user, "create", parent)
    errors = FormErrors(fields=UNION_FIELDS)
    values = {
        "kind": Kind.ENTERPRISE,
        "level": min(parent.level + 1, Level.GRASSROOTS),
        "division_code": parent.division_code,
        "status": Status.ACTIVE,
    }
    if request.method == "POST":
        form = UnionForm(request.POST)
        values = request.POST
        if not form.is_valid():
            errors.add_form(form)
        else:
            with errors.capture():
                union = services.union_create(actor=user, parent=parent, data=form.union_data())
            if not errors:
                messages.success(request, f"已建立“{union.name}”")
                return redirect("org:union_detail", union_id=union.pk)
    context = {"union": parent, "mode": "create", **_form_context(values, errors)}
    return render(request, "org/union_form.html", context, status=400 if errors else 200)


def _parent_options(user, union: Union, limit: int = 500) -> list[tuple[str, str]]:
    rows = (
        scoped_unions(actor=user)
        .exclude(path__startswith=union.path)
        .exclude(kind__in=LEAF_KINDS)
        .values_list("id", "name", "depth")[:limit]
    )
    rows = list(rows)
    top = min((depth for _, _, depth in rows), default=0)
    return [(str(pk), "　" * (depth - top) + name) for pk, name, depth in rows]


@page
def union_move(request, union_id: int):
    """Put a union (with everything below it) under another parent. System administrators only."""
    user = request.user
    union = _union(request, union_id)
    policy.require(user, "move", union)
    errors = FormErrors(fields=["parent"])
    values = {"parent": str(union.parent_id or "")}
    if request.method == "POST":
        form = MoveForm(request.POST)
        values = request.POST
        if not form.is_valid():
            errors.add_form(form)
        else:
            new_parent = scoped_unions(actor=user).filter(pk=form.cleaned_data["parent"]).first()
            if new_parent is None:
                errors.add("parent", "请选择新的上级工会")
            else:
                with errors.capture():
                    services.union_move(actor=user, union=union, new_parent=new_parent)
                if not errors:
                    messages.success(request, f"已将“{union.name}”调整到“{new_parent.name}”之下")
                    return redirect("org:union_detail", union_id=union.pk)
    return render(
        request,
        "org/union_move.html",
        {
            "union": union,
            "values": values,
            "errors": errors,
            "parent_options": [("", "请选择")] + _parent_options(user, union),
        },
        status=400 if errors else 200,
    )


@page
def union_options(request, purpose: str):
    """HTMX: the <option>s of a union picker (org/pickers.py) matching what was typed in its search box."""
    from .pickers import picker_search

    blank = request.GET.get("blank", "")
    # The select sends its current value under its own name (`field`), so the choice survives the search.
    field = request.GET.get("field", "")
    selected = request.GET.get(field, "") if field and field != "q" else request.GET.get("selected", "")
    within_id = request.GET.get("within", "")
    within = Union.objects.filter(pk=within_id).first() if within_id.isdigit() else None
    options = picker_search(request.user, purpose, request.GET.get("q", ""), selected=selected, within=within)
    return render(request, "org/_picker_options.html", {
        "options": ([("", blank)] if blank else []) + options,
        "selected": selected,
        "empty": not options,
    })
