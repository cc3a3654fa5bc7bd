"""Pages of employment help for job seekers (profile, matches with their reasons, a vacancy, 投递, what became of
it) and employer accounts (vacancies, the seekers who applied or were referred, 面试/录用/未录用), and the forms
union staff share with them (views_staff.py). Thin: selectors read, services write and refuse; a refusal is shown
beside the field it names, and nothing is saved."""

import datetime
import functools
import re
from contextlib import contextmanager

from django.contrib import messages
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_POST

from zhijia.core.errors import ErrorCode, NotFound, PermissionDenied, ValidationFailed, ZhijiaError
from zhijia.core.pii import mask_id_number
from zhijia.core.validators import division_from_place, division_name, divisions
from zhijia.core.views import FormErrors, page, paginate
from zhijia.members.selectors import my_active_membership
from zhijia.org.models import Kind, Level, Union
from zhijia.org.models import Status as UnionStatus

from . import selectors, services, taxonomy
from .models import (
    Education,
    Employer,
    Outcome,
    OutcomeKind,
    PriorityGroup,
    Referral,
    ReferralStatus,
    SeekerProfile,
    Shift,
    SkillLevel,
    Vacancy,
    VacancyStatus,
)
from .permissions import employer_ids_of, seeker_policy

TAGS = re.compile(r"[、，,；;/\s]+")
MAX_OCCUPATIONS = 5
DISTANCES = [3, 5, 10, 15, 20, 30, 50, 100]
HOME_MATCHES = 10
SEEKER_FIELDS = ["union_id", "name", "phone", "id_number", "occupations", "skills", "skills_text", "level",
                 "certificates", "education", "experience_years", "expected_wage", "division_code", "place", "address",
                 "max_distance_km", "shifts", "start_date", "priority_group", "contact_consent"]
VACANCY_FIELDS = ["employer_id", "title", "occupation", "skills", "description", "min_level", "min_education",
                  "wage_min", "wage_max", "division_code", "place", "address", "shifts", "headcount", "benefits",
                  "valid_from", "valid_until"]
# What an employer may answer for an applicant: (referral status, outcome kind) and the button's words.
RESPONSES = {
    "interview": (ReferralStatus.INTERVIEW, OutcomeKind.INTERVIEWED, "已记录：安排面试"),
    "hire": (ReferralStatus.HIRED, OutcomeKind.HIRED, "已记录：录用"),
    "decline": (ReferralStatus.DECLINED, OutcomeKind.DECLINED, "已记录：未录用"),
}


# ---- Small helpers ----------------------------------------------------------------------------------------------


def public(view):
    """A page anyone may open; a domain NotFound becomes 404."""

    @functools.wraps(view)
    def wrapper(request, *args, **kwargs):
        try:
            return view(request, *args, **kwargs)
        except NotFound as exc:
            raise Http404(exc.message) from None

    return wrapper


@contextmanager
def refusal(errors: FormErrors, renames: dict | None = None):
    """A service's refusal goes beside its field (renamed for this form); 404/403 propagate to `page`."""
    try:
        yield
    except (NotFound, PermissionDenied):
        raise
    except ZhijiaError as exc:
        errors.add_error(exc, renames)


def _tags(text: str) -> list[str]:
    return [tag for tag in TAGS.split(text or "") if tag]


def _number(post, name: str, label: str, errors: FormErrors, *, default: int | None = None) -> int | None:
    text = (post.get(name) or "").strip()
    if not text and default is not None:
        return default
    if not re.fullmatch(r"\d{1,9}", text):
        errors.add(name, f"{label}应为整数" if text else f"请填写{label}")
        return None
    return int(text)


def _date(post, name: str, label: str, errors: FormErrors, *, required: bool = True) -> datetime.date | None:
    text = (post.get(name) or "").strip()
    if not text:
        if required:
            errors.add(name, f"请填写{label}")
        return None
    try:
        return datetime.date.fromisoformat(text)
    except ValueError:
        errors.add(name, "日期格式应为 年-月-日，如 2026-05-01")
        return None


def _choice(post, name: str, enum, label: str, errors: FormErrors) -> int:
    text = (post.get(name) or "0").strip()
    if not text.isdigit() or int(text) not in enum.values:
        errors.add(name, f"{label}无效")
        return 0
    return int(text)


def _next_url(request, default: str) -> str:
    target = request.POST.get("next") or request.GET.get("next") or ""
    if target and url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}):
        return target
    return default


def _shift_labels(shifts) -> list[str]:
    return [Shift(s).label for s in shifts or () if s in Shift.values]


def _options(enum, blank: str | None = None) -> list[tuple[str, str]]:
    return ([("", blank)] if blank is not None else []) + [(str(value), label) for value, label in enum.choices]


# ---- Where: a division from a select of nearby districts or a typed place name -------------------------------


@functools.cache
def area_options(code: str) -> tuple[tuple[str, str], ...]:
    """The 地区 choices around a division: the districts of its city, or the cities of its province."""
    if not re.fullmatch(r"\d{6}", code or ""):
        return ()
    table = divisions()
    if code.endswith("0000"):
        parent = table.get(code)
        rows = [d for d in table.values() if d.current and d.code.startswith(code[:2]) and d.code.endswith("00")
                and d.code != code]
    else:
        parent = table.get(code[:4] + "00")
        rows = [d for d in table.values() if d.current and d.code.startswith(code[:4]) and not d.code.endswith("00")
                and not d.name.endswith("市辖区")]
    strip = parent.name if parent else ""
    return tuple((d.code, d.name.removeprefix(strip) or d.name) for d in sorted(rows, key=lambda d: d.code))


def _division(post, errors: FormErrors) -> tuple[str, str]:
    """(code, field it came from): a typed place wins over the select."""
    typed = (post.get("place") or "").strip()
    if not typed:
        code = (post.get("division_code") or "").strip()
        if not code:
            errors.add("division_code", "请选择地区，或填写地名")
        return code, "division_code"
    try:
        return division_from_place(typed, field="place"), "place"
    except ValidationFailed as exc:
        errors.add("place", exc.message)
        return "", "place"


def _area_context(home_code: str, chosen: str) -> dict:
    options = list(area_options(home_code))
    if chosen and chosen not in {code for code, _ in options}:
        options = list(area_options(chosen)) or [(chosen, division_name(chosen) or chosen)]
    return {"area_options": [("", "请选择")] + options if options else []}


def local_union(code: str) -> Union | None:
    """The local federation serving a division (its district's, else its city's, else its province's): the
    union of a job seeker who is not a member anywhere."""
    for candidate in (code, code[:4] + "00", code[:2] + "0000"):
        union = Union.objects.filter(kind=Kind.FEDERATION, status=UnionStatus.ACTIVE, level__gt=Level.NATIONAL,
                                     division_code=candidate).order_by("level", "id").first()
        if union is not None:
            return union
    return None


# ---- The seeker form (a worker's own, and staff registering someone) ----------------------------------------


def _seeker_data(post, errors: FormErrors, *, stored: SeekerProfile | None) -> tuple[services.SeekerData, str]:
    """SeekerData from the form and the field the 地区 came from. A value left masked (phone, 身份证号) keeps
    what is stored; an id number not on the form is kept too."""
    occupations = _tags(post.get("occupations", ""))
    if len(occupations) > MAX_OCCUPATIONS:
        errors.add("occupations", f"求职意向最多填{MAX_OCCUPATIONS}个")
    code, division_field = _division(post, errors)
    phone = post.get("phone", "").strip()
    if stored is not None and phone and phone == stored.phone_masked:
        phone = stored.phone
    id_number = post.get("id_number", "").strip() if "id_number" in post else (stored.id_number if stored else "")
    if stored is not None and id_number and id_number == mask_id_number(stored.id_number or ""):
        id_number = stored.id_number
    data = services.SeekerData(
        name=post.get("name", ""), phone=phone, occupations=occupations,
        expected_wage=post.get("expected_wage", "").strip(), division_code=code,
        start_date=_date(post, "start_date", "可到岗日期", errors),
        skills=_tags(post.get("skills", "")), skills_text=post.get("skills_text", "").strip(),
        level=_choice(post, "level", SkillLevel, "技能等级", errors),
        certificates=post.get("certificates", "").strip(),
        education=_choice(post, "education", Education, "学历", errors),
        experience_years=_number(post, "experience_years", "工作年限", errors, default=0),
        address=post.get("address", "").strip(),
        max_distance_km=_number(post, "max_distance_km", "通勤距离", errors, default=10),
        shifts=post.getlist("shifts"), priority_group=post.get("priority_group", ""),
        contact_consent=bool(post.get("contact_consent")), id_number=id_number,
    )
    return data, division_field


def _seeker_values(profile: SeekerProfile | None, *, show_phone: bool, **initial) -> dict:
    if profile is None:
        return {"start_date": timezone.localdate().isoformat(), "max_distance_km": 10, "shifts": [], **initial}
    return {
        "union_id": profile.union_id, "name": profile.name,
        "phone": profile.phone if show_phone else profile.phone_masked,
        "id_number": mask_id_number(profile.id_number or ""),
        "occupations": "、".join(profile.occupations), "skills": "、".join(profile.skills),
        "skills_text": profile.skills_text, "level": profile.level, "certificates": profile.certificates,
        "education": profile.education, "experience_years": profile.experience_years,
        "expected_wage": profile.expected_wage, "division_code": profile.division_code, "address": profile.address,
        "max_distance_km": profile.max_distance_km, "shifts": profile.shifts,
        "start_date": profile.start_date.isoformat(), "priority_group": profile.priority_group,
        "contact_consent": profile.contact_consent,
    }


def _posted_values(post) -> dict:
    values = {key: post.get(key) for key in post}
    values["shifts"] = post.getlist("shifts")
    return values


@functools.cache
def _occupation_hints() -> dict:
    """For the form's suggestion chips: every occupation name, and each alias's typical skills."""
    table = taxonomy.occupations()
    skills = {}
    for occupation in table.values():
        for alias in (occupation.name, *occupation.synonyms):
            skills.setdefault(alias, list(occupation.skills))
    return {"names": list(table), "skills": skills}


def _seeker_form_context(values: dict, errors: FormErrors, home_code: str) -> dict:
    chosen = str(values.get("max_distance_km", ""))
    distances = sorted({*DISTANCES, int(chosen)}) if chosen.isdigit() else DISTANCES
    return {
        "values": values, "errors": errors,
        "hints": _occupation_hints(),
        "popular": _occupation_hints()["names"][:16],
        "level_options": _options(SkillLevel), "education_options": _options(Education),
        "distance_options": [(str(km), f"{km} 公里以内") for km in distances],
        "shift_options": Shift.choices,
        "priority_options": [("", "不属于以下群体")] + [(v, label) for v, label in PriorityGroup.choices if v],
        **_area_context(home_code, str(values.get("division_code") or "")),
    }


# ---- Seeker ------------------------------------------------------------------------------------------------


def _applied_ids(profile: SeekerProfile | None, vacancy_ids) -> set[int]:
    if profile is None:
        return set()
    return set(Outcome.objects.filter(seeker=profile, vacancy_id__in=list(vacancy_ids), kind=OutcomeKind.APPLIED)
               .values_list("vacancy_id", flat=True))


@public
def home(request):
    """The seeker's page: their profile in a line (or the call to register) and their best matches."""
    user = request.user
    if not user.is_authenticated:
        return render(request, "jobs/home.html", {"guest": True})
    profile = selectors.my_profile(user=user)
    matches = selectors.matches_for_seeker(seeker=profile, k=HOME_MATCHES) if profile and profile.active else []
    return render(request, "jobs/home.html", {
        "profile": profile,
        "area": division_name(profile.division_code) if profile else "",
        "matches": matches,
        "applied": _applied_ids(profile, [m.vacancy.pk for m in matches]),
        "is_employer": bool(employer_ids_of(user)),
        "is_staff": seeker_policy.allows(user, "list"),
    })


@page
def profile(request):
    """The worker's own profile, filled in on a phone in a few minutes. Their union is the one they are a member
    of; a worker who is not a member is served by the local federation of where they want to work."""
    user = request.user
    mine = selectors.my_profile(user=user)
    membership = my_active_membership(user=user)
    errors = FormErrors(fields=[f for f in SEEKER_FIELDS if f not in ("union_id", "id_number")])
    if request.method == "POST":
        values = _posted_values(request.POST)
        data, division_field = _seeker_data(request.POST, errors, stored=mine)
        if not errors:
            union = None
            if mine is None:
                union = membership.union if membership else local_union(data.division_code)
            with refusal(errors, {"division_code": division_field, "union_id": division_field}):
                services.seeker_save(actor=user, for_user=user, union=union, profile=mine, data=data)
                messages.success(request, "求职信息已保存，下面是为您匹配的岗位" if mine is None else "求职信息已更新")
                return redirect(_next_url(request, reverse("jobs:home")))
            if errors.get(division_field) == "请选择服务工会":  # the division is fine, but no union serves it
                errors[division_field] = "该地区暂无工会提供就业服务，请先入会或联系当地工会"
    else:
        phone = user.username if user.username.isdigit() else ""
        district = membership.union.division_code if membership else ""
        values = _seeker_values(mine, show_phone=True, name=membership.name if membership else user.display_name,
                                phone=membership.phone if membership else phone,
                                division_code="" if district.endswith("00") else district)
    home_code = (mine.division_code if mine else membership.union.division_code if membership else "")
    return render(request, "jobs/profile.html", {
        "profile": mine, "membership": membership, "next": _next_url(request, ""),
        **_seeker_form_context(values, errors, home_code),
    }, status=422 if errors else 200)


def _seeker_vacancy(user, vacancy_id: int, profile: SeekerProfile | None) -> Vacancy:
    """A published vacancy, or one the seeker applied or was referred to (they may follow it after it closes)."""
    try:
        return selectors.vacancy_get(actor=user, vacancy_id=vacancy_id, public=True)
    except NotFound:
        if profile is not None and (Outcome.objects.filter(seeker=profile, vacancy_id=vacancy_id).exists()
                                    or Referral.objects.filter(seeker=profile, vacancy_id=vacancy_id).exists()):
            return Vacancy.objects.select_related("employer").get(pk=vacancy_id)
        raise


@public
def vacancy(request, vacancy_id: int):
    """A vacancy as seekers see it; a logged-in seeker's first look is recorded (已查看)."""
    user = request.user
    profile = selectors.my_profile(user=user) if user.is_authenticated else None
    vacancy = _seeker_vacancy(user, vacancy_id, profile)
    kinds: set[str] = set()
    fit = None
    if profile is not None:
        kinds = set(Outcome.objects.filter(seeker=profile, vacancy=vacancy).values_list("kind", flat=True))
        if vacancy.status == VacancyStatus.PUBLISHED and OutcomeKind.VIEWED not in kinds:
            services.outcome_record(actor=user, seeker=profile, vacancy=vacancy, kind=OutcomeKind.VIEWED)
        found = selectors.matches_for_seeker(seeker=profile, k=1, only={vacancy.pk}) if profile.active else []
        fit = found[0].match if found else None
    return render(request, "jobs/vacancy.html", {
        "vacancy": vacancy, "profile": profile, "fit": fit,
        "applied": OutcomeKind.APPLIED in kinds,
        "open": vacancy.status == VacancyStatus.PUBLISHED and vacancy.valid_until >= timezone.localdate(),
        "area": division_name(vacancy.division_code),
        "shifts": _shift_labels(vacancy.shifts),
    })


@page
@require_POST
def apply(request, vacancy_id: int):
    """投递: the seeker applies; from then on the employer sees their phone."""
    user = request.user
    profile = selectors.my_profile(user=user)
    here = reverse("jobs:vacancy", args=[vacancy_id])
    if profile is None:
        messages.info(request, "投递前请先登记求职信息，只需几分钟")
        return redirect(f"{reverse('jobs:profile')}?next={here}")
    vacancy = _seeker_vacancy(user, vacancy_id, profile)
    try:
        services.outcome_record(actor=user, seeker=profile, vacancy=vacancy, kind=OutcomeKind.APPLIED)
    except (NotFound, PermissionDenied):
        raise
    except ZhijiaError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, f"已投递“{vacancy.title}”，用人单位将通过您的手机与您联系")
    return redirect(_next_url(request, here))


@page
def applications(request):
    """What became of the seeker's applications and of the union's referrals, newest first."""
    profile = selectors.my_profile(user=request.user)
    rows = {}
    if profile is not None:
        for outcome in Outcome.objects.filter(seeker=profile).exclude(kind=OutcomeKind.VIEWED) \
                .select_related("vacancy__employer").order_by("at", "id"):
            row = rows.setdefault(outcome.vacancy_id, {"vacancy": outcome.vacancy, "steps": [], "referral": None})
            row["steps"].append(outcome)
        for referral in Referral.objects.filter(seeker=profile).select_related("vacancy__employer", "union"):
            row = rows.setdefault(referral.vacancy_id, {"vacancy": referral.vacancy, "steps": [], "referral": None})
            row["referral"] = referral
    for row in rows.values():
        row["latest"] = row["steps"][-1] if row["steps"] else None
        row["at"] = max([s.at for s in row["steps"]] + ([row["referral"].updated_at] if row["referral"] else []))
    return render(request, "jobs/applications.html", {
        "profile": profile, "rows": sorted(rows.values(), key=lambda row: row["at"], reverse=True),
    })


# ---- Vacancy form (employer accounts, and staff on an employer's behalf) ------------------------------------


def _vacancy_data(post, errors: FormErrors) -> tuple[services.VacancyData, str]:
    code, division_field = _division(post, errors)
    data = services.VacancyData(
        title=post.get("title", ""), occupation=post.get("occupation", "").strip(),
        wage_min=post.get("wage_min", "").strip(), wage_max=post.get("wage_max", "").strip(),
        division_code=code, valid_until=_date(post, "valid_until", "截止日期", errors),
        valid_from=_date(post, "valid_from", "发布日期", errors, required=False),
        skills=_tags(post.get("skills", "")), description=post.get("description", "").strip(),
        min_level=_choice(post, "min_level", SkillLevel, "技能等级", errors),
        min_education=_choice(post, "min_education", Education, "学历要求", errors),
        address=post.get("address", "").strip(), shifts=post.getlist("shifts"),
        headcount=_number(post, "headcount", "招聘人数", errors, default=1), benefits=post.get("benefits", "").strip(),
    )
    return data, division_field


def _vacancy_values(vacancy: Vacancy | None, employer: Employer | None) -> dict:
    if vacancy is None:
        today = timezone.localdate()
        return {"employer_id": employer.pk if employer else "", "division_code": employer.division_code if employer
                else "", "address": employer.address if employer else "", "headcount": 1, "shifts": [],
                "valid_from": today.isoformat(), "valid_until": (today + datetime.timedelta(days=30)).isoformat()}
    return {
        "employer_id": vacancy.employer_id, "title": vacancy.title, "occupation": vacancy.occupation,
        "skills": "、".join(vacancy.skills), "description": vacancy.description, "min_level": vacancy.min_level,
        "min_education": vacancy.min_education, "wage_min": vacancy.wage_min, "wage_max": vacancy.wage_max,
        "division_code": vacancy.division_code, "address": vacancy.address, "shifts": vacancy.shifts,
        "headcount": vacancy.headcount, "benefits": vacancy.benefits, "valid_from": vacancy.valid_from.isoformat(),
        "valid_until": vacancy.valid_until.isoformat(),
    }


def _vacancy_form(request, *, employers: list[Employer], vacancy: Vacancy | None, back: str, done):
    """New or edit. `employers` are those the user may post for; `done(vacancy)` is where a saved one goes."""
    errors = FormErrors(fields=VACANCY_FIELDS)
    if request.method == "POST":
        values = _posted_values(request.POST)
        employer = vacancy.employer if vacancy else next(
            (e for e in employers if str(e.pk) == request.POST.get("employer_id", "")), None)
        if employer is None:
            errors.add("employer_id", "请选择用人单位")
        data, division_field = _vacancy_data(request.POST, errors)
        if not errors:
            with refusal(errors, {"division_code": division_field}):
                if vacancy is None:
                    saved = services.vacancy_create(actor=request.user, employer=employer, data=data)
                    messages.success(request, f"岗位“{saved.title}”已发布")
                else:
                    saved = services.vacancy_update(actor=request.user, vacancy=vacancy, data=data)
                    messages.success(request, "岗位已修改")
                return redirect(done(saved))
    else:
        values = _vacancy_values(vacancy, employers[0] if len(employers) == 1 else None)
    home_code = vacancy.employer.division_code if vacancy else (employers[0].division_code if employers else "")
    return render(request, "jobs/vacancy_form.html", {
        "vacancy": vacancy, "values": values, "errors": errors, "back": back,
        "employer_options": None if vacancy else [("", "请选择")] + [(str(e.pk), e.name) for e in employers],
        "occupation_names": _occupation_hints()["names"],
        "level_options": _options(SkillLevel), "education_options": _options(Education),
        "shift_options": Shift.choices,
        **_area_context(home_code, str(values.get("division_code") or "")),
    }, status=422 if errors else 200)


# ---- Employer account --------------------------------------------------------------------------------------


def _employer_ids(user) -> set[int]:
    ids = employer_ids_of(user)
    if not ids:
        raise PermissionDenied("此页面仅限用人单位账号使用，请联系工会开通")
    return ids


def _applicant_counts(vacancy_ids: list[int]) -> dict[int, int]:
    """Seekers who applied to or were referred to each vacancy."""
    pairs = set(Outcome.objects.filter(vacancy_id__in=vacancy_ids, kind=OutcomeKind.APPLIED)
                .values_list("vacancy_id", "seeker_id"))
    pairs |= set(Referral.objects.filter(vacancy_id__in=vacancy_ids).values_list("vacancy_id", "seeker_id"))
    counts: dict[int, int] = {}
    for vacancy_id, _ in pairs:
        counts[vacancy_id] = counts.get(vacancy_id, 0) + 1
    return counts


@page
def employer_home(request):
    ids = _employer_ids(request.user)
    status = request.GET.get("status", "")
    vacancies = selectors.vacancy_list(actor=request.user, status=status if status in VacancyStatus.values else "") \
        .filter(employer_id__in=ids)
    vacancies_page, query = paginate(request, vacancies)
    counts = _applicant_counts([v.pk for v in vacancies_page])
    return render(request, "jobs/employer_home.html", {
        "employers": Employer.objects.filter(pk__in=ids).select_related("union"),
        "page": vacancies_page, "query": query, "status": status,
        "rows": [(v, counts.get(v.pk, 0)) for v in vacancies_page],
        "status_options": _options(VacancyStatus, "全部状态"),
    })


def _own_vacancy(user, vacancy_id: int) -> Vacancy:
    vacancy = Vacancy.objects.select_related("employer").filter(pk=vacancy_id, employer_id__in=_employer_ids(user)) \
        .first()
    if vacancy is None:
        raise NotFound()
    return vacancy


@page
def employer_vacancy_new(request):
    ids = _employer_ids(request.user)
    return _vacancy_form(request, employers=list(Employer.objects.filter(pk__in=ids)), vacancy=None,
                         back=reverse("jobs:employer_home"),
                         done=lambda v: reverse("jobs:employer_vacancy", args=[v.pk]))


@page
def employer_vacancy_edit(request, vacancy_id: int):
    vacancy = _own_vacancy(request.user, vacancy_id)
    return _vacancy_form(request, employers=[vacancy.employer], vacancy=vacancy,
                         back=reverse("jobs:employer_vacancy", args=[vacancy.pk]),
                         done=lambda v: reverse("jobs:employer_vacancy", args=[v.pk]))


def _applicant_rows(user, vacancy: Vacancy) -> list[dict]:
    """Who applied or was referred, what became of it, and the phone only where the employer may see it."""
    seekers = list(selectors.applicants_of(actor=user, vacancy=vacancy).select_related("union"))
    ids = [s.pk for s in seekers]
    steps: dict[int, list[Outcome]] = {}
    for outcome in Outcome.objects.filter(vacancy=vacancy, seeker_id__in=ids).exclude(kind=OutcomeKind.VIEWED) \
            .order_by("at", "id"):
        steps.setdefault(outcome.seeker_id, []).append(outcome)
    referrals = {r.seeker_id: r for r in Referral.objects.filter(vacancy=vacancy, seeker_id__in=ids)
                 .select_related("union")}
    shown = services.seekers_contact_visible(actor=user, seekers=seekers)
    rows = []
    for seeker in seekers:
        visible = seeker.pk in shown
        history = steps.get(seeker.pk, [])
        rows.append({
            "seeker": seeker, "phone": seeker.phone if visible else seeker.phone_masked, "visible": visible,
            "applied": any(o.kind == OutcomeKind.APPLIED for o in history), "referral": referrals.get(seeker.pk),
            "latest": history[-1] if history else None,
            "done": any(o.kind in (OutcomeKind.HIRED, OutcomeKind.DECLINED) for o in history),
        })
    return rows


@page
def employer_vacancy(request, vacancy_id: int):
    """The employer's vacancy: applicants and seekers the union referred, with 面试 / 录用 / 未录用 (with a reason)."""
    user = request.user
    vacancy = _own_vacancy(user, vacancy_id)
    row_errors: dict[int, str] = {}
    if request.method == "POST":
        seeker_id = request.POST.get("seeker_id", "")
        seeker = selectors.applicants_of(actor=user, vacancy=vacancy).filter(
            pk=int(seeker_id) if seeker_id.isdigit() else 0).first()
        if seeker is None:
            raise NotFound()
        action = request.POST.get("action", "")
        reason = request.POST.get("reason", "").strip()
        try:
            if action not in RESPONSES:
                raise ValidationFailed(ErrorCode.INVALID, "未知操作", field="action")
            status, kind, done = RESPONSES[action]
            referral = Referral.objects.filter(seeker=seeker, vacancy=vacancy).first()
            if referral is not None:
                services.referral_respond(actor=user, referral=referral, status=status, response=reason)
            else:
                services.outcome_record(actor=user, seeker=seeker, vacancy=vacancy, kind=kind, reason=reason)
        except (NotFound, PermissionDenied):
            raise
        except ZhijiaError as exc:
            row_errors[seeker.pk] = exc.message
        else:
            messages.success(request, f"{done}（{seeker.name}）")
            return redirect("jobs:employer_vacancy", vacancy_id=vacancy.pk)
    return render(request, "jobs/employer_vacancy.html", {
        "vacancy": vacancy, "rows": _applicant_rows(user, vacancy), "row_errors": row_errors,
        "area": division_name(vacancy.division_code), "shifts": _shift_labels(vacancy.shifts),
    }, status=422 if row_errors else 200)
