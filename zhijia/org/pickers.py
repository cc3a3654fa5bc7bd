"""Union pickers that scale to a province's tens of thousands of unions.

A form shows a <select> of the first SHOWN unions in the user's reach. When there are more, a search box above it
asks `/org/unions/options/<purpose>/?q=…` for the unions whose name contains what is typed, and the answer replaces
the select's options. A purpose names the set a picker offers and is registered once with the function that scopes
it, so the search can never offer a union the form would not take; the form still checks the posted id itself
against the same set (`picker_choice`), never against the options it happened to show.
"""

from collections.abc import Callable
from dataclasses import dataclass
from urllib.parse import urlencode

from django.db.models import QuerySet
from django.urls import reverse

from zhijia.core.errors import NotFound

SHOWN = 300
SEARCH_LIMIT = 50

_SCOPES: dict[str, Callable[..., QuerySet]] = {}


def register(purpose: str, scope: Callable[..., QuerySet]) -> None:
    """`scope(user)` returns the unions the picker may offer that user (any order)."""
    _SCOPES[purpose] = scope


def picker_scope(user, purpose: str) -> QuerySet:
    scope = _SCOPES.get(purpose)
    if scope is None:
        raise NotFound("没有这个选择器")
    return scope(user)


@dataclass(frozen=True)
class Picker:
    options: list[tuple[str, str]]
    search_url: str  # "" when every union fits in the select


def _indented(rows) -> list[tuple[str, str]]:
    top = min((depth for _, _, depth in rows), default=0)
    return [(str(pk), "　" * (depth - top) + name) for pk, name, depth in rows]


def _within(scope: QuerySet, within) -> QuerySet:
    """Narrowed to one union's subtree (a campaign's, say): only ever fewer unions than the purpose allows."""
    return scope if within is None else scope.filter(path__startswith=within.path)


def picker(user, purpose: str, *, blank: str | None = None, selected: str = "", within=None) -> Picker:
    """The select's first options (indented by depth), the selected union kept among them wherever it sits,
    and the search URL when the set is larger than what is shown. `within` narrows the set to a union's subtree."""
    scope = _within(picker_scope(user, purpose), within).order_by("path")
    rows = list(scope.values_list("id", "name", "depth")[: SHOWN + 1])
    more = len(rows) > SHOWN
    rows = rows[:SHOWN]
    if more and str(selected).isdigit() and all(str(pk) != str(selected) for pk, _, _ in rows):
        rows = list(scope.filter(pk=selected).values_list("id", "name", "depth")) + rows
    options = ([("", blank)] if blank is not None else []) + _indented(rows)
    return Picker(options=options, search_url=search_url(purpose, blank=blank, within=within) if more else "")


def search_url(purpose: str, *, blank: str | None = None, within=None) -> str:
    params = {key: value for key, value in (("blank", blank), ("within", within and within.pk)) if value}
    return reverse("org:union_options", args=[purpose]) + ("?" + urlencode(params) if params else "")


def drilldown(user, purpose: str, union) -> Picker:
    """A report's union select: the unions of the set where the user holds a role, the union shown, and the ones
    directly below it to drill into. Past SHOWN of those, the search box reaches the whole set."""
    from zhijia.core.policy import grants_for

    scope = picker_scope(user, purpose)
    roots = list(scope.filter(id__in={grant.union_id for grant in grants_for(user)})
                 .order_by("path").values_list("id", "name"))
    options = [(str(pk), name) for pk, name in roots]
    listed = {pk for pk, _ in roots}
    parent = scope.filter(pk=union.parent_id).values_list("id", "name").first() if union.parent_id else None
    if parent and parent[0] not in listed:  # one step back up, without starting again from the top
        options.append((str(parent[0]), f"↑ {parent[1]}"))
    if union.pk not in listed:
        options.append((str(union.pk), union.name))
    children = list(scope.filter(parent=union).order_by("name").values_list("id", "name")[: SHOWN + 1])
    options += [(str(pk), f"　└ {name}") for pk, name in children[:SHOWN]]
    return Picker(options=options, search_url=search_url(purpose) if len(children) > SHOWN else "")


def picker_search(user, purpose: str, query: str, *, selected: str = "", within=None) -> list[tuple[str, str]]:
    """Unions of the picker's set whose name contains the query (all of them, up to SEARCH_LIMIT, for an empty
    one), the selected union first so a search never drops what the form holds."""
    scope = _within(picker_scope(user, purpose), within)
    query = query.strip()[:50]
    found = scope.filter(name__icontains=query) if query else scope
    rows = list(found.order_by("path").values_list("id", "name")[:SEARCH_LIMIT])
    if str(selected).isdigit() and all(str(pk) != str(selected) for pk, _ in rows):
        rows = list(scope.filter(pk=selected).values_list("id", "name")) + rows
    return [(str(pk), name) for pk, name in rows]


def picker_choice(user, purpose: str, value, *, within=None):
    """The union posted for the picker, if it is in the picker's set for this user; else None."""
    value = str(value or "").strip()
    if not value.isdigit():
        return None
    return _within(picker_scope(user, purpose), within).filter(pk=value).first()


def _in_reach(user) -> QuerySet:
    from .selectors import union_list

    return union_list(actor=user)


register("org.reach", _in_reach)  # every union the user may see: list filters, the unions a document is issued by
