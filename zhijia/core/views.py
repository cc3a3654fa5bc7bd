"""The home page, the audit trail page, and the small helpers every page view shares.

Pages never decide permissions themselves: they ask the domain policy (`allows`) whether the user
may use a page at all, and let selectors and services refuse the rest. `page` turns those refusals
into HTTP (NotFound -> 404, PermissionDenied -> the 403 page); `FormErrors` puts a service's
ValidationFailed message beside the field it names.
"""

import functools
from contextlib import contextmanager
from urllib.parse import urlencode

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied as HttpForbidden
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import render

from . import audit, selectors
from .clouds import areas_for
from .errors import NotFound, PermissionDenied, ZhijiaError
from .policy import grants_for


def page(view):
    """Login required; a domain NotFound becomes 404 and PermissionDenied the 403 page."""

    @functools.wraps(view)
    def wrapper(request, *args, **kwargs):
        try:
            return view(request, *args, **kwargs)
        except NotFound as exc:
            raise Http404(exc.message) from None
        except PermissionDenied as exc:
            raise HttpForbidden(exc.message) from None

    return login_required(wrapper)


def require_allowed(user, policy, action: str) -> None:
    """Refuse a whole page to users the policy never lets do `action` (e.g. workers on staff pages)."""
    if not policy.allows(user, action):
        if user.is_authenticated and grants_for(user):  # union staff, but not in a role that does this
            raise PermissionDenied("您在工会中的职务无权使用此页面（部分功能仅限上级工会或工会主席）")
        raise PermissionDenied("此页面仅限工会工作人员使用")


class FormErrors(dict):
    """Messages keyed by form field; anything not tied to a shown field goes under "form"."""

    def __init__(self, fields=()):
        super().__init__()
        self.fields = set(fields)

    def add(self, field: str | None, message: str) -> None:
        key = field if field in self.fields else "form"
        self.setdefault(key, message)

    def add_error(self, exc: ZhijiaError, renames: dict | None = None) -> None:
        """A service's refusal beside its field (renamed for this form); every field of an InvalidFields."""
        for error in getattr(exc, "errors", None) or [exc]:
            self.add((renames or {}).get(error.field, error.field), error.message)

    def add_form(self, form) -> None:
        """Copy the first error of each field of a Django form (type errors such as a bad date)."""
        for name, messages in form.errors.items():
            self.add(name, messages[0])

    @contextmanager
    def capture(self):
        """Record a service's refusal for display; 404/403 refusals still propagate to `page`."""
        try:
            yield
        except (NotFound, PermissionDenied):
            raise
        except ZhijiaError as exc:
            self.add_error(exc)


def paginate(request, queryset, per_page: int = 20):
    """A page of results and the query string (without `page`) the pager links keep."""
    page_obj = Paginator(queryset, per_page).get_page(request.GET.get("page"))
    params = [(key, value) for key, value in request.GET.items() if key != "page" and value]
    return page_obj, urlencode(params)


def home(request):
    is_staff = request.user.is_authenticated and bool(grants_for(request.user))
    return render(request, "core/home.html", {"areas": areas_for(request.user, is_staff=is_staff)})


@page
def audit_list(request):
    if not selectors.audit_allowed(request.user):
        raise PermissionDenied("此页面仅限工会工作人员使用")
    filters = selectors.AuditFilters.from_query(request.GET)
    errors = FormErrors(fields=["date_from", "date_to"])
    for field, message in filters.errors.items():
        errors.add(field, message)
    entries, query = paginate(request, selectors.audit_list(actor=request.user, filters=filters), per_page=30)
    union_names = selectors.union_names({entry.union_id for entry in entries if entry.union_id})
    rows = [(entry, union_names.get(entry.union_id, "")) for entry in entries]
    return render(
        request,
        "core/audit_list.html",
        {
            "page": entries,
            "rows": rows,
            "query": query,
            "filters": filters,
            "errors": errors,
            "action_options": [("", "全部操作")] + sorted(audit.ACTIONS.items()),
        },
    )
