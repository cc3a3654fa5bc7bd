"""Writes for employment help: employers, vacancies, seeker profiles, outcomes, referrals and job fairs.
Each checks permission and input, writes in one transaction, and is audited; saving a vacancy or a profile
records a MatchChange (signals), which is how the matching indexes stay current."""

import datetime
from dataclasses import dataclass, field

from django.db import IntegrityError, transaction
from django.utils import timezone

from zhijia.core import audit
from zhijia.core.errors import (
    Conflict,
    ErrorCode,
    FieldChecks,
    InvalidTransition,
    NotFound,
    PermissionDenied,
    ValidationFailed,
)
from zhijia.core.geo import division_centre
from zhijia.core.notify import notify
from zhijia.core.pii import lookup_hash
from zhijia.core.validators import (
    clean_credit_code,
    clean_division_code,
    clean_id_number,
    clean_phone,
    clean_required,
)
from zhijia.org.models import Union

from . import taxonomy
from .matching import record_change
from .models import (
    Education,
    Employer,
    EmployerAccount,
    FairRegistration,
    JobFair,
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
from .permissions import employer_ids_of, employer_policy, fair_policy, seeker_policy, vacancy_policy

for _name, _label in [
    ("jobs.employer_create", "登记用人单位"), ("jobs.vacancy_save", "发布或修改岗位"), ("jobs.vacancy_moderate", "审核岗位"),
    ("jobs.vacancy_unpublish", "岗位到期下架"), ("jobs.seeker_save", "登记求职信息"), ("jobs.outcome", "记录求职进展"),
    ("jobs.refer", "推荐求职者"), ("jobs.referral_respond", "单位反馈推荐"), ("jobs.fair", "招聘会"),
    ("jobs.reveal", "查看求职者联系方式"),
]:
    audit.register(_name, _label)

MAX_WAGE = 1_000_000


class _Probe:
    def __init__(self, union: Union):
        self.union = union
        self.user_id = None


def _point(division_code: str, field_name: str = "division_code") -> tuple[str, float, float]:
    code = clean_division_code(division_code, field=field_name)
    point = division_centre(code)
    if point is None:
        raise ValidationFailed(ErrorCode.INVALID_DIVISION_CODE, "该地区不在已知的行政区划内", field=field_name)
    return code, point[0], point[1]


def _choices(values, allowed, *, field_name: str, label: str) -> list[str]:
    values = list(dict.fromkeys(values or []))
    unknown = [value for value in values if value not in allowed]
    if unknown:
        raise ValidationFailed(ErrorCode.INVALID, f"{label}无效：{'、'.join(map(str, unknown))}", field=field_name)
    return values


def _wage(value, *, field_name: str, label: str) -> int:
    try:
        wage = int(value)
    except (TypeError, ValueError):
        raise ValidationFailed(ErrorCode.INVALID, f"{label}应为整数（元/月）", field=field_name) from None
    if not 0 < wage <= MAX_WAGE:
        raise ValidationFailed(ErrorCode.INVALID, f"{label}应在 1 到 {MAX_WAGE} 元之间", field=field_name)
    return wage


# Employers -----------------------------------------------------------------------------------------------------

@dataclass
class EmployerData:
    name: str
    credit_code: str
    division_code: str
    address: str = ""
    contact_name: str = ""
    contact_phone: str = ""


@transaction.atomic
def employer_create(*, actor, union: Union, data: EmployerData, account_user=None) -> Employer:
    """Register an employer under the union that will moderate it; optionally tie a user account to it."""
    employer_policy.require(actor, "create", _Probe(union))
    code = clean_credit_code(data.credit_code)
    if Employer.objects.filter(credit_code=code).exists():
        raise Conflict(ErrorCode.DUPLICATE_CREDIT_CODE, "该统一社会信用代码的单位已登记", field="credit_code")
    division, _, _ = _point(data.division_code)
    employer = Employer.objects.create(
        name=clean_required(data.name, field="name", label="单位名称", max_length=100), credit_code=code,
        division_code=division, address=data.address[:200], contact_name=data.contact_name[:50],
        contact_phone=clean_phone(data.contact_phone, field="contact_phone") if data.contact_phone else "",
        union=union, province_id=union.province_id)
    if account_user is not None:
        EmployerAccount.objects.create(user=account_user, employer=employer)
    audit.record(actor=actor, action="jobs.employer_create", obj=employer, union=union,
                 after={"name": employer.name, "credit_code": code})
    return employer


# Vacancies -----------------------------------------------------------------------------------------------------

@dataclass
class VacancyData:
    title: str
    occupation: str
    wage_min: int
    wage_max: int
    division_code: str
    valid_until: datetime.date
    valid_from: datetime.date | None = None
    skills: list[str] = field(default_factory=list)
    description: str = ""
    min_level: int = 0
    min_education: int = 0
    address: str = ""
    shifts: list[str] = field(default_factory=list)
    headcount: int = 1
    benefits: str = ""


def _may_post(actor, employer: Employer) -> None:
    if employer.pk in employer_ids_of(actor):
        return
    vacancy_policy.require(actor, "create", employer)


def _clean_vacancy(data: VacancyData, today: datetime.date) -> dict:
    title = clean_required(data.title, field="title", label="岗位名称", max_length=100)
    occupation = taxonomy.canonical(data.occupation) or taxonomy.canonical(title)
    if occupation is None:
        occupation = clean_required(data.occupation, field="occupation", label="职业", max_length=50)
    wage_min = _wage(data.wage_min, field_name="wage_min", label="月薪下限")
    wage_max = _wage(data.wage_max, field_name="wage_max", label="月薪上限")
    if wage_min > wage_max:
        raise ValidationFailed(ErrorCode.INVALID, "月薪下限不能高于上限", field="wage_min")
    valid_from = data.valid_from or today
    if data.valid_until < today:
        raise ValidationFailed(ErrorCode.INVALID, "截止日期已过，岗位已过期", field="valid_until")
    if data.valid_until < valid_from:
        raise ValidationFailed(ErrorCode.INVALID, "截止日期不能早于发布日期", field="valid_until")
    if (data.valid_until - valid_from).days > 366:
        raise ValidationFailed(ErrorCode.INVALID, "岗位有效期不能超过一年", field="valid_until")
    division, lat, lon = _point(data.division_code)
    if data.min_level not in SkillLevel.values:
        raise ValidationFailed(ErrorCode.INVALID, "技能等级无效", field="min_level")
    if data.min_education not in Education.values:
        raise ValidationFailed(ErrorCode.INVALID, "学历要求无效", field="min_education")
    if not 1 <= int(data.headcount) <= 10000:
        raise ValidationFailed(ErrorCode.INVALID, "招聘人数应在 1 到 10000 之间", field="headcount")
    return {
        "title": title, "occupation": occupation, "skills": taxonomy.skill_labels(data.skills),
        "description": data.description[:5000], "min_level": data.min_level, "min_education": data.min_education,
        "wage_min": wage_min, "wage_max": wage_max, "division_code": division, "address": data.address[:200],
        "lat": lat, "lon": lon, "shifts": _choices(data.shifts, Shift.values, field_name="shifts", label="班次"),
        "headcount": int(data.headcount), "benefits": data.benefits[:200], "valid_from": valid_from,
        "valid_until": data.valid_until,
    }


@transaction.atomic
def vacancy_create(*, actor, employer: Employer, data: VacancyData, today: datetime.date | None = None) -> Vacancy:
    """An employer (or union staff on its behalf) posts a vacancy; it is published at once (staff may close it)."""
    _may_post(actor, employer)
    fields = _clean_vacancy(data, today or timezone.localdate())
    vacancy = Vacancy.objects.create(employer=employer, union=employer.union, province_id=employer.province_id,
                                     created_by=actor, status=VacancyStatus.PUBLISHED, **fields)
    audit.record(actor=actor, action="jobs.vacancy_save", obj=vacancy, union=employer.union,
                 after={"title": vacancy.title, "wage": f"{vacancy.wage_min}-{vacancy.wage_max}"})
    return vacancy


@transaction.atomic
def vacancy_update(*, actor, vacancy: Vacancy, data: VacancyData, today: datetime.date | None = None) -> Vacancy:
    vacancy = Vacancy.objects.select_for_update().select_related("employer").get(pk=vacancy.pk)
    _may_post(actor, vacancy.employer)
    for name, value in _clean_vacancy(data, today or timezone.localdate()).items():
        setattr(vacancy, name, value)
    vacancy.save()
    audit.record(actor=actor, action="jobs.vacancy_save", obj=vacancy, union=vacancy.union,
                 after={"title": vacancy.title})
    return vacancy


@transaction.atomic
def vacancy_moderate(*, actor, vacancy: Vacancy, action: str, note: str = "") -> Vacancy:
    """Union staff close or reject a vacancy (with a reason) or publish it again."""
    vacancy = Vacancy.objects.select_for_update().get(pk=vacancy.pk)
    vacancy_policy.require(actor, "moderate", vacancy)
    targets = {"publish": VacancyStatus.PUBLISHED, "close": VacancyStatus.CLOSED, "reject": VacancyStatus.REJECTED}
    if action not in targets:
        raise ValidationFailed(ErrorCode.INVALID, "审核操作无效", field="action")
    if action == "reject":
        note = clean_required(note, field="note", label="不通过的原因", max_length=200)
    if action == "publish" and vacancy.valid_until < timezone.localdate():
        raise InvalidTransition("岗位已过截止日期，请先修改日期")
    vacancy.status = targets[action]
    vacancy.moderation_note = note[:200]
    vacancy.save()
    audit.record(actor=actor, action="jobs.vacancy_moderate", obj=vacancy, union=vacancy.union,
                 after={"status": vacancy.status, "note": note})
    return vacancy


def vacancies_unpublish_expired(*, today: datetime.date | None = None) -> int:
    """Close published vacancies whose dates have passed (matching already ignores them)."""
    today = today or timezone.localdate()
    with transaction.atomic():
        ids = list(Vacancy.objects.select_for_update().filter(status=VacancyStatus.PUBLISHED, valid_until__lt=today)
                   .values_list("id", flat=True))
        Vacancy.objects.filter(id__in=ids).update(status=VacancyStatus.CLOSED, moderation_note="已过截止日期，自动下架")
        record_change("vacancy", ids)  # update() sends no signals
    return len(ids)


# Seekers -------------------------------------------------------------------------------------------------------

@dataclass
class SeekerData:
    name: str
    phone: str
    occupations: list[str]
    expected_wage: int
    division_code: str
    start_date: datetime.date
    skills: list[str] = field(default_factory=list)
    skills_text: str = ""
    level: int = 0
    certificates: str = ""
    education: int = 0
    experience_years: int = 0
    address: str = ""
    max_distance_km: int = 10
    shifts: list[str] = field(default_factory=list)
    priority_group: str = ""
    contact_consent: bool = False
    id_number: str = ""


def derived_priority(id_hash: str) -> str:
    """A priority group that follows from a hardship file: a child in an active file is 困难职工家庭子女."""
    if not id_hash:
        return ""
    from zhijia.aid.models import FileStatus, HouseholdMember

    child = HouseholdMember.objects.filter(id_number_hash=id_hash, holding=True, relation="child",
                                           file__status=FileStatus.ACTIVE).exists()
    return PriorityGroup.HARDSHIP_CHILD if child else ""


def _clean_seeker(data: SeekerData) -> dict:
    occupations = [taxonomy.canonical(o) or taxonomy.normalize(o) for o in data.occupations if str(o).strip()]
    if not occupations:
        raise ValidationFailed(ErrorCode.REQUIRED, "请至少填写一个求职意向", field="occupations")
    division, lat, lon = _point(data.division_code)
    if not 1 <= int(data.max_distance_km) <= 100:
        raise ValidationFailed(ErrorCode.INVALID, "通勤距离应在 1 到 100 公里之间", field="max_distance_km")
    if data.level not in SkillLevel.values:
        raise ValidationFailed(ErrorCode.INVALID, "技能等级无效", field="level")
    if data.education not in Education.values:
        raise ValidationFailed(ErrorCode.INVALID, "学历无效", field="education")
    if not 0 <= int(data.experience_years) <= 60:
        raise ValidationFailed(ErrorCode.INVALID, "工作年限应在 0 到 60 之间", field="experience_years")
    if data.priority_group not in PriorityGroup.values:
        raise ValidationFailed(ErrorCode.INVALID, "重点群体无效", field="priority_group")
    id_number = clean_id_number(data.id_number) if data.id_number else ""
    id_hash = lookup_hash(id_number) if id_number else ""
    return {
        "name": clean_required(data.name, field="name", label="姓名", max_length=50),
        "phone": clean_phone(data.phone), "id_number": id_number, "id_number_hash": id_hash,
        "occupations": list(dict.fromkeys(occupations))[:5], "skills": taxonomy.skill_labels(data.skills),
        "skills_text": data.skills_text[:1000], "level": data.level, "certificates": data.certificates[:300],
        "education": data.education, "experience_years": int(data.experience_years),
        "expected_wage": _wage(data.expected_wage, field_name="expected_wage", label="期望月薪"),
        "division_code": division, "address": data.address[:200], "lat": lat, "lon": lon,
        "max_distance_km": int(data.max_distance_km),
        "shifts": _choices(data.shifts, Shift.values, field_name="shifts", label="班次"),
        "start_date": data.start_date, "priority_group": data.priority_group or derived_priority(id_hash),
        "contact_consent": bool(data.contact_consent),
    }


@transaction.atomic
def seeker_save(*, actor, data: SeekerData, union: Union | None = None, profile: SeekerProfile | None = None,
                for_user=None) -> SeekerProfile:
    """Create or update a job-seeker profile: a worker their own (union = their member union, or the union they
    choose), or a union officer on someone's behalf (`registered_by`). Saving means looking for work: a seeker
    marked hired is 求职中 again."""
    fields = {**_clean_seeker(data), "active": True}
    if profile is not None:
        profile = SeekerProfile.objects.select_for_update().get(pk=profile.pk)
        seeker_policy.require(actor, "update", profile)
        for name, value in fields.items():
            setattr(profile, name, value)
        profile.save()
    else:
        if union is None:
            raise ValidationFailed(ErrorCode.REQUIRED, "请选择服务工会", field="union_id")
        own = for_user is not None and for_user == actor
        if own:
            if SeekerProfile.objects.filter(user=actor).exists():
                raise Conflict(ErrorCode.CONFLICT, "您已登记过求职信息，请直接修改", field="user")
        else:
            seeker_policy.require(actor, "create", _Probe(union))
        profile = SeekerProfile.objects.create(union=union, province_id=union.province_id, user=for_user,
                                               registered_by=None if own else actor, **fields)
    audit.record(actor=actor, action="jobs.seeker_save", obj=profile, union=profile.union,
                 after={"occupations": profile.occupations, "priority_group": profile.priority_group})
    return profile


# Outcomes and referrals ----------------------------------------------------------------------------------------

SEEKER_OUTCOMES = {OutcomeKind.VIEWED, OutcomeKind.APPLIED, OutcomeKind.DECLINED}
EMPLOYER_OUTCOMES = {OutcomeKind.INTERVIEWED, OutcomeKind.HIRED, OutcomeKind.DECLINED}


def _has_outcome(seeker: SeekerProfile, vacancy: Vacancy, kind: str) -> bool:
    return Outcome.objects.filter(seeker=seeker, vacancy=vacancy, kind=kind).exists()


@transaction.atomic
def outcome_record(*, actor, seeker: SeekerProfile, vacancy: Vacancy, kind: str, reason: str = "") -> Outcome:
    """viewed / applied / declined by the seeker (or the officer serving them); interviewed / hired / declined
    by the employer for a seeker who applied or was referred. Applying twice records one application."""
    if kind not in OutcomeKind.values:
        raise ValidationFailed(ErrorCode.INVALID, "进展类型无效", field="kind")
    is_employer = vacancy.employer_id in employer_ids_of(actor)
    if is_employer:
        if kind not in EMPLOYER_OUTCOMES:
            raise PermissionDenied("用人单位只能登记面试、录用或未录用")
        if not (_has_outcome(seeker, vacancy, OutcomeKind.APPLIED) or
                Referral.objects.filter(seeker=seeker, vacancy=vacancy).exists()):
            raise NotFound()
    elif seeker_policy.can(actor, "update", seeker):
        if seeker.user_id == getattr(actor, "pk", None) and kind not in SEEKER_OUTCOMES:
            raise PermissionDenied("面试、录用结果由用人单位或工会登记")
    else:
        raise NotFound()
    if kind == OutcomeKind.APPLIED:
        if vacancy.status != VacancyStatus.PUBLISHED or vacancy.valid_until < timezone.localdate():
            raise ValidationFailed(ErrorCode.INVALID, "该岗位已停止招聘", field="vacancy_id")
        existing = Outcome.objects.filter(seeker=seeker, vacancy=vacancy, kind=kind).first()
        if existing:
            return existing
    if kind == OutcomeKind.DECLINED:
        reason = clean_required(reason, field="reason", label="原因", max_length=200)
    outcome = Outcome.objects.create(seeker=seeker, vacancy=vacancy, kind=kind, reason=reason[:200],
                                     by_name=str(actor))
    Referral.objects.filter(seeker=seeker, vacancy=vacancy).exclude(status=ReferralStatus.HIRED).update(
        status={OutcomeKind.INTERVIEWED: ReferralStatus.INTERVIEW, OutcomeKind.HIRED: ReferralStatus.HIRED,
                OutcomeKind.DECLINED: ReferralStatus.DECLINED}.get(kind, ReferralStatus.SENT)
    ) if kind in EMPLOYER_OUTCOMES else None
    if kind == OutcomeKind.HIRED:
        _hired(seeker)
    audit.record(actor=actor, action="jobs.outcome", obj=vacancy, union=vacancy.union,
                 after={"seeker": seeker.pk, "kind": kind, "reason": reason})
    if kind == OutcomeKind.APPLIED:
        accounts = [a.user for a in vacancy.employer.accounts.select_related("user")]
        notify(accounts, "收到新的求职申请", f"{vacancy.title}：有求职者投递", f"/jobs/employer/vacancies/{vacancy.pk}/")
    return outcome


def _hired(seeker: SeekerProfile) -> None:
    """Hired: no longer 求职中, so matching stops offering the seeker (the index follows the save). The seeker or
    their union turns it back on when they look again."""
    if seeker.active:
        seeker.active = False
        seeker.save(update_fields=["active", "updated_at"])


@transaction.atomic
def referral_create(*, actor, seeker: SeekerProfile, vacancy: Vacancy, note: str = "") -> Referral:
    seeker_policy.require(actor, "refer", seeker)
    if vacancy.status != VacancyStatus.PUBLISHED or vacancy.valid_until < timezone.localdate():
        raise ValidationFailed(ErrorCode.INVALID, "该岗位已停止招聘", field="vacancy_id")
    try:
        with transaction.atomic():
            referral = Referral.objects.create(seeker=seeker, vacancy=vacancy, union=seeker.union,
                                               province_id=seeker.province_id, referred_by=actor, note=note[:500])
    except IntegrityError:
        raise Conflict(ErrorCode.CONFLICT, "已向该岗位推荐过此求职者", field="vacancy_id") from None
    audit.record(actor=actor, action="jobs.refer", obj=referral, union=seeker.union,
                 after={"seeker": seeker.pk, "vacancy": vacancy.pk})
    accounts = [a.user for a in vacancy.employer.accounts.select_related("user")]
    notify(accounts, "工会推荐了求职者", f"{vacancy.title}：{seeker.union.name} 推荐了一位求职者",
           f"/jobs/employer/vacancies/{vacancy.pk}/")
    if seeker.user_id:
        notify([seeker.user], "工会为您推荐了岗位", f"{vacancy.employer.name}：{vacancy.title}", f"/jobs/vacancies/{vacancy.pk}/")
    return referral


@transaction.atomic
def referral_respond(*, actor, referral: Referral, status: str, response: str = "") -> Referral:
    referral = Referral.objects.select_for_update().select_related("vacancy").get(pk=referral.pk)
    if referral.vacancy.employer_id not in employer_ids_of(actor):
        raise NotFound()
    if status not in (ReferralStatus.ACCEPTED, ReferralStatus.INTERVIEW, ReferralStatus.HIRED, ReferralStatus.DECLINED):
        raise ValidationFailed(ErrorCode.INVALID, "反馈状态无效", field="status")
    if status == ReferralStatus.DECLINED:
        response = clean_required(response, field="response", label="未录用原因", max_length=500)
    referral.status = status
    referral.response = response[:500]
    referral.save()
    kind = {ReferralStatus.INTERVIEW: OutcomeKind.INTERVIEWED, ReferralStatus.HIRED: OutcomeKind.HIRED,
            ReferralStatus.DECLINED: OutcomeKind.DECLINED}.get(status)
    if kind:
        Outcome.objects.create(seeker=referral.seeker, vacancy=referral.vacancy, kind=kind, reason=response[:200],
                               by_name=str(actor))
    if kind == OutcomeKind.HIRED:
        _hired(referral.seeker)
    audit.record(actor=actor, action="jobs.referral_respond", obj=referral, union=referral.union,
                 after={"status": status, "response": response})
    return referral


def seeker_contact_visible(*, actor, seeker: SeekerProfile, vacancy: Vacancy | None = None) -> bool:
    """Staff with PII rights always; an employer only for a seeker who applied to one of its vacancies or agreed."""
    return seeker.pk in seekers_contact_visible(actor=actor, seekers=[seeker])


def seekers_contact_visible(*, actor, seekers) -> set[int]:
    """seeker_contact_visible for a page of seekers at once (two queries, not two per seeker): the ids of those
    whose contact details the actor may see."""
    seekers = list(seekers)
    actor_id = getattr(actor, "pk", None)
    visible = {s.pk for s in seekers
               if (actor_id is not None and s.user_id == actor_id) or seeker_policy.can(actor, "reveal_pii", s)}
    employers = employer_ids_of(actor)
    rest = [s.pk for s in seekers if s.pk not in visible]
    if not employers or not rest:
        return visible
    visible |= set(Outcome.objects.filter(seeker_id__in=rest, vacancy__employer_id__in=employers,
                                          kind=OutcomeKind.APPLIED).values_list("seeker_id", flat=True))
    consenting = [s.pk for s in seekers if s.contact_consent and s.pk not in visible]
    if consenting:
        visible |= set(Referral.objects.filter(seeker_id__in=consenting, vacancy__employer_id__in=employers)
                       .values_list("seeker_id", flat=True))
    return visible


def seeker_reveal(*, actor, seeker: SeekerProfile) -> dict:
    """The seeker's full phone and 身份证号, for roles allowed to see them; every reveal is logged."""
    seeker_policy.require(actor, "reveal_pii", seeker)
    audit.record(actor=actor, action="jobs.reveal", obj=seeker, union=seeker.union,
                 after={"fields": ["phone", "id_number"]})
    return {"phone": seeker.phone, "id_number": seeker.id_number}


# Job fairs -----------------------------------------------------------------------------------------------------

@transaction.atomic
def fair_create(*, actor, union: Union, name: str, held_on: datetime.date | None, online: bool = False, place: str = "",
                vacancies: list[Vacancy] = (), past_ok: bool = False) -> JobFair:
    """A fair on a day to come; `past_ok` records one already held (history, the demo)."""
    fair_policy.require(actor, "manage", _Probe(union))
    checks = FieldChecks()
    with checks:
        name = clean_required(name, field="name", label="名称", max_length=100)
    with checks:
        if held_on is None:
            raise ValidationFailed(ErrorCode.REQUIRED, "请填写举办日期，如 2026-12-01", field="held_on")
        if held_on < timezone.localdate() and not past_ok:
            raise ValidationFailed(ErrorCode.INVALID, "举办日期不能早于今天", field="held_on")
    with checks:
        if not online and not place.strip():
            raise ValidationFailed(ErrorCode.REQUIRED, "现场招聘会请填写地点", field="place")
    checks.raise_any()
    fair = JobFair.objects.create(name=name, union=union, province_id=union.province_id, online=online,
                                  held_on=held_on, place=place[:200])
    if vacancies:
        fair.vacancies.add(*vacancies)
        fair.employers.add(*{v.employer for v in vacancies})
    audit.record(actor=actor, action="jobs.fair", obj=fair, union=union, after={"name": fair.name})
    return fair


@transaction.atomic
def fair_add_vacancies(*, actor, fair: JobFair, vacancies: list[Vacancy]) -> JobFair:
    fair_policy.require(actor, "manage", fair)
    expired = [v for v in vacancies if v.status != VacancyStatus.PUBLISHED]
    if expired:
        raise ValidationFailed(ErrorCode.INVALID, f"岗位“{expired[0].title}”已停止招聘", field="vacancy_ids")
    fair.vacancies.add(*vacancies)
    fair.employers.add(*{v.employer for v in vacancies})
    return fair


@transaction.atomic
def fair_register(*, actor, fair: JobFair, seeker: SeekerProfile) -> FairRegistration:
    """A seeker (or their officer) registers for a fair; registering twice is one registration."""
    if seeker.user_id is None or seeker.user_id != getattr(actor, "pk", None):
        seeker_policy.require(actor, "update", seeker)
    if fair.held_on < timezone.localdate():
        raise ValidationFailed(ErrorCode.INVALID, "招聘会已结束", field="fair_id")
    registration, _ = FairRegistration.objects.get_or_create(fair=fair, seeker=seeker)
    return registration
