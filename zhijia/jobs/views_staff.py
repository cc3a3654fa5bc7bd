"""Union staff's pages of employment help: the seekers of their subtree (search, register on someone's behalf,
ranked vacancies with 推荐, the phone revealed to roles allowed and audited), the vacancies they moderate (publish,
close, reject with a reason; post on an employer's behalf; the seekers of their subtree ranked for each) and the
employers (register with the credit code checked, link an account). The forms are the seeker's and the
employer's own (views.py)."""

from types import SimpleNamespace

from django.contrib import messages
from django.db.models import Count, Q
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from zhijia.accounts.models import User
from zhijia.core.errors import NotFound, PermissionDenied, ZhijiaError
from zhijia.core.validators import division_name
from zhijia.core.views import FormErrors, page, paginate, require_allowed
from zhijia.org.models import Union
from zhijia.org.pickers import Picker, picker, picker_choice
from zhijia.org.selectors import union_list

from . import selectors, services
from .models import Employer, Outcome, OutcomeKind, PriorityGroup, Referral, SeekerProfile, Vacancy, VacancyStatus
from .permissions import employer_policy, seeker_policy, vacancy_policy
from .views import (
    SEEKER_FIELDS,
    _applicant_counts,
    _applied_ids,
    _area_context,
    _division,
    _next_url,
    _options,
    _posted_values,
    _seeker_data,
    _seeker_form_context,
    _seeker_values,
    _shift_labels,
    _vacancy_form,
    refusal,
)

STAFF_MATCHES = 20
EMPLOYER_FIELDS = ["union_id", "name", "credit_code", "division_code", "place", "address", "contact_name",
                   "contact_phone", "account"]


# ---- Union staff: seekers ----------------------------------------------------------------------------------


def _probe(union: Union):
    return SimpleNamespace(union=union, user_id=None)


def _first_staff_union(user, policy, action: str) -> Union | None:
    """The default of a 服务工会/联系工会 picker: the first union in reach the user may `action` for."""
    return next((u for u in union_list(actor=user)[:50] if policy.can(user, action, _probe(u))), None)


def _staff_union_choice(user, policy, action: str, value) -> Union | None:
    """The union posted in such a picker, if it is in the user's reach and they may `action` for it."""
    union = picker_choice(user, "org.reach", value)
    return union if union is not None and policy.can(user, action, _probe(union)) else None


@page
def staff_seekers(request):
    require_allowed(request.user, seeker_policy, "list")
    q = request.GET.get("q", "").strip()
    priority = request.GET.get("priority", "")
    if priority not in ("any", *PriorityGroup.values):
        priority = ""
    seekers_page, query = paginate(request, selectors.seeker_list(actor=request.user, q=q, priority=priority))
    return render(request, "jobs/staff_seekers.html", {
        "page": seekers_page, "query": query, "q": q, "priority": priority,
        "priority_options": [("", "全部求职者"), ("any", "重点群体（任一）")] +
                            [(v, label) for v, label in PriorityGroup.choices if v],
        "can_create": seeker_policy.allows(request.user, "create"),
    })


def _staff_seeker_form(request, seeker: SeekerProfile | None):
    user = request.user
    default = _first_staff_union(user, seeker_policy, "create") if seeker is None else seeker.union
    if default is None:
        raise PermissionDenied("您没有代为登记求职者的权限")
    show_phone = seeker is not None and seeker_policy.can(user, "reveal_pii", seeker)
    errors = FormErrors(fields=SEEKER_FIELDS)
    if request.method == "POST":
        values = _posted_values(request.POST)
        union = seeker.union if seeker else _staff_union_choice(user, seeker_policy, "create",
                                                                request.POST.get("union_id"))
        if union is None:
            errors.add("union_id", "请选择服务工会")
        data, division_field = _seeker_data(request.POST, errors, stored=seeker)
        if not errors:
            with refusal(errors, {"division_code": division_field}):
                saved = services.seeker_save(actor=user, union=union, profile=seeker, data=data)
                messages.success(request, f"已{'修改' if seeker else '登记'}求职者 {saved.name}")
                return redirect("jobs:staff_seeker", seeker_id=saved.pk)
    else:
        values = _seeker_values(seeker, show_phone=show_phone, union_id=default.pk)
    union_picker = (Picker(options=[(str(seeker.union.pk), seeker.union.name)], search_url="") if seeker
                    else picker(user, "org.reach", selected=str(values.get("union_id") or "")))
    return render(request, "jobs/staff_seeker_form.html", {
        "seeker": seeker, "union_picker": union_picker,
        **_seeker_form_context(values, errors, seeker.division_code if seeker else default.division_code),
    }, status=422 if errors else 200)


@page
def staff_seeker_new(request):
    require_allowed(request.user, seeker_policy, "create")
    return _staff_seeker_form(request, None)


@page
def staff_seeker_edit(request, seeker_id: int):
    require_allowed(request.user, seeker_policy, "list")
    return _staff_seeker_form(request, selectors.seeker_get(actor=request.user, seeker_id=seeker_id, action="update"))


@page
def staff_seeker(request, seeker_id: int):
    """A seeker of the staff's subtree: profile (phone masked), ranked vacancies with 推荐, referrals so far."""
    user = request.user
    require_allowed(user, seeker_policy, "list")
    seeker = selectors.seeker_get(actor=user, seeker_id=seeker_id, action="list")
    matches = selectors.matches_for_seeker(seeker=seeker, k=STAFF_MATCHES) if seeker.active else []
    referrals = {r.vacancy_id: r for r in Referral.objects.filter(seeker=seeker).select_related("vacancy__employer")}
    applied = _applied_ids(seeker, [m.vacancy.pk for m in matches])
    return render(request, "jobs/staff_seeker.html", {
        "seeker": seeker, "area": division_name(seeker.division_code), "matches": matches,
        "referred": set(referrals), "applied": applied, "referrals": list(referrals.values()),
        "shifts": _shift_labels(seeker.shifts),
        "can_reveal": seeker_policy.can(user, "reveal_pii", seeker),
        "can_refer": seeker_policy.can(user, "refer", seeker),
        "can_edit": seeker_policy.can(user, "update", seeker),
    })


@page
@require_POST
def staff_seeker_reveal(request, seeker_id: int):
    """HTMX: the seeker's phone and 身份证号 in full, for roles allowed; every reveal is audited (jobs.reveal)."""
    require_allowed(request.user, seeker_policy, "list")
    seeker = selectors.seeker_get(actor=request.user, seeker_id=seeker_id, action="list")
    return render(request, "jobs/_reveal.html", {"data": services.seeker_reveal(actor=request.user, seeker=seeker)})


@page
@require_POST
def staff_refer(request):
    """推荐: refer a seeker of the staff's subtree to a published vacancy; back to the page it came from."""
    user = request.user
    require_allowed(user, seeker_policy, "refer")
    seeker_id, vacancy_id = request.POST.get("seeker_id", ""), request.POST.get("vacancy_id", "")
    if not (seeker_id.isdigit() and vacancy_id.isdigit()):
        raise NotFound()
    seeker = selectors.seeker_get(actor=user, seeker_id=int(seeker_id), action="refer")
    vacancy = selectors.vacancy_get(actor=user, vacancy_id=int(vacancy_id), public=True)
    try:
        services.referral_create(actor=user, seeker=seeker, vacancy=vacancy, note=request.POST.get("note", ""))
    except (NotFound, PermissionDenied):
        raise
    except ZhijiaError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, f"已将 {seeker.name} 推荐给 {vacancy.employer.name}（{vacancy.title}）")
    return redirect(_next_url(request, reverse("jobs:staff_seeker", args=[seeker.pk])))


# ---- Union staff: vacancies --------------------------------------------------------------------------------


@page
def staff_vacancies(request):
    """Vacancies of the employers the staff moderate: search, status filter, paging."""
    require_allowed(request.user, vacancy_policy, "list")
    q = request.GET.get("q", "").strip()
    status = request.GET.get("status", "")
    if status not in VacancyStatus.values:
        status = ""
    # an account that is both staff and an employer's sees here only what it moderates
    scope = vacancy_policy.scope_q(request.user, "list") or Q(pk__in=[])
    vacancies = selectors.vacancy_list(actor=request.user, q=q, status=status).filter(scope)
    vacancies_page, query = paginate(request, vacancies)
    counts = _applicant_counts([v.pk for v in vacancies_page])
    return render(request, "jobs/staff_vacancies.html", {
        "page": vacancies_page, "query": query, "q": q, "status": status,
        "rows": [(v, counts.get(v.pk, 0)) for v in vacancies_page],
        "status_options": _options(VacancyStatus, "全部状态"),
        "can_create": vacancy_policy.allows(request.user, "create"),
    })


def _staff_vacancy(user, vacancy_id: int) -> Vacancy:
    vacancy = Vacancy.objects.select_related("employer", "union").filter(pk=vacancy_id).first()
    if vacancy is None or not vacancy_policy.can(user, "view", vacancy):
        raise NotFound()
    return vacancy


@page
def staff_vacancy(request, vacancy_id: int):
    """A vacancy for its moderating union: moderation (publish / close / reject with a reason), the seekers of the
    staff's subtree ranked for it with 推荐, and who applied or was referred."""
    user = request.user
    require_allowed(user, vacancy_policy, "list")
    vacancy = _staff_vacancy(user, vacancy_id)
    errors = FormErrors(fields=["action", "note"])
    if request.method == "POST":
        with refusal(errors):
            action = request.POST.get("action", "")
            services.vacancy_moderate(actor=user, vacancy=vacancy, action=action, note=request.POST.get("note", ""))
            messages.success(request, {"publish": "岗位已重新发布", "close": "岗位已结束招聘",
                                       "reject": "已标记为未通过审核"}[action])
            return redirect("jobs:staff_vacancy", vacancy_id=vacancy.pk)
    ranked = []
    if vacancy.status == VacancyStatus.PUBLISHED:
        found = selectors.matches_for_vacancy(vacancy=vacancy, k=200)
        mine = set(seeker_policy.scope(user, "list", SeekerProfile.objects.filter(
            pk__in=[m.seeker.pk for m in found])).values_list("pk", flat=True))
        ranked = [m for m in found if m.seeker.pk in mine][:STAFF_MATCHES]
    referred = set(Referral.objects.filter(vacancy=vacancy).values_list("seeker_id", flat=True))
    return render(request, "jobs/staff_vacancy.html", {
        "vacancy": vacancy, "errors": errors, "ranked": ranked, "referred": referred,
        "applicants": _staff_applicant_rows(user, vacancy),
        "area": division_name(vacancy.division_code),
        "shifts": _shift_labels(vacancy.shifts),
        "can_moderate": vacancy_policy.can(user, "moderate", vacancy),
        "can_refer": seeker_policy.allows(user, "refer"),
    }, status=422 if errors else 200)


def _staff_applicant_rows(user, vacancy: Vacancy) -> list[dict]:
    """Applicants and referred seekers; the staff see names of their own subtree's seekers only."""
    seekers = list(selectors.applicants_of(actor=user, vacancy=vacancy).select_related("union")[:200])
    mine = set(seeker_policy.scope(user, "list", SeekerProfile.objects.filter(pk__in=[s.pk for s in seekers]))
               .values_list("pk", flat=True))
    latest = {}
    for outcome in Outcome.objects.filter(vacancy=vacancy, seeker_id__in=[s.pk for s in seekers]) \
            .exclude(kind=OutcomeKind.VIEWED).order_by("at", "id"):
        latest[outcome.seeker_id] = outcome
    referrals = {r.seeker_id: r for r in Referral.objects.filter(vacancy=vacancy)}
    return [{"seeker": s, "ours": s.pk in mine, "latest": latest.get(s.pk), "referral": referrals.get(s.pk)}
            for s in seekers]


def _postable_employers(user) -> list[Employer]:
    return [e for e in selectors.employer_list(actor=user)[:500] if vacancy_policy.can(user, "create", e)]


@page
def staff_vacancy_new(request):
    """Post a vacancy on behalf of an employer of the staff's subtree (?employer=<id> preselects it)."""
    require_allowed(request.user, vacancy_policy, "create")
    employers = _postable_employers(request.user)
    chosen = request.GET.get("employer", "")
    if chosen:
        employers = [e for e in employers if str(e.pk) == chosen] or employers
    return _vacancy_form(request, employers=employers, vacancy=None, back=reverse("jobs:staff_vacancies"),
                         done=lambda v: reverse("jobs:staff_vacancy", args=[v.pk]))


@page
def staff_vacancy_edit(request, vacancy_id: int):
    require_allowed(request.user, vacancy_policy, "update")
    vacancy = _staff_vacancy(request.user, vacancy_id)
    vacancy_policy.require(request.user, "update", vacancy)
    return _vacancy_form(request, employers=[vacancy.employer], vacancy=vacancy,
                         back=reverse("jobs:staff_vacancy", args=[vacancy.pk]),
                         done=lambda v: reverse("jobs:staff_vacancy", args=[v.pk]))


# ---- Union staff: employers --------------------------------------------------------------------------------


@page
def staff_employers(request):
    require_allowed(request.user, employer_policy, "list")
    q = request.GET.get("q", "").strip()
    employers = selectors.employer_list(actor=request.user).annotate(
        open_vacancies=Count("vacancies", filter=Q(vacancies__status=VacancyStatus.PUBLISHED)),
        account_count=Count("accounts", distinct=True))
    if q:
        employers = employers.filter(Q(name__contains=q) | Q(credit_code=q.upper()))
    employers_page, query = paginate(request, employers)
    return render(request, "jobs/staff_employers.html", {
        "page": employers_page, "query": query, "q": q,
        "can_create": employer_policy.allows(request.user, "create"),
        "can_post": vacancy_policy.allows(request.user, "create"),
    })


@page
def staff_employer_new(request):
    """Register an employer (credit code checked) under a union of the staff's; optionally link a user account."""
    user = request.user
    require_allowed(user, employer_policy, "create")
    default = _first_staff_union(user, employer_policy, "create")
    if default is None:
        raise PermissionDenied("您没有登记用人单位的权限")
    errors = FormErrors(fields=EMPLOYER_FIELDS)
    if request.method == "POST":
        post = request.POST
        values = _posted_values(post)
        union = _staff_union_choice(user, employer_policy, "create", post.get("union_id"))
        if union is None:
            errors.add("union_id", "请选择联系工会")
        code, division_field = _division(post, errors)
        username = post.get("account", "").strip()
        account = User.objects.filter(username=username, is_active=True).first() if username else None
        if username and account is None:
            errors.add("account", "没有找到这个账号，请先让单位联系人注册")
        if not errors:
            data = services.EmployerData(
                name=post.get("name", ""), credit_code=post.get("credit_code", ""), division_code=code,
                address=post.get("address", "").strip(), contact_name=post.get("contact_name", "").strip(),
                contact_phone=post.get("contact_phone", "").strip())
            with refusal(errors, {"division_code": division_field}):
                employer = services.employer_create(actor=user, union=union, data=data, account_user=account)
                messages.success(request, f"已登记用人单位“{employer.name}”" +
                                 (f"，账号 {account.username} 可登录发布岗位" if account else ""))
                return redirect(f"{reverse('jobs:staff_employers')}?q={employer.credit_code}")
    else:
        values = {"union_id": default.pk}
    return render(request, "jobs/staff_employer_form.html", {
        "values": values, "errors": errors,
        "union_picker": picker(user, "org.reach", selected=str(values.get("union_id") or "")),
        **_area_context(default.division_code, str(values.get("division_code") or "")),
    }, status=422 if errors else 200)
