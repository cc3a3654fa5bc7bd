"""Employment help over the API (/api/jobs/): a worker's job-seeking profile, matches and applications; employers'
vacancies, applicants and answers to referrals; union staff's seekers, moderation, matches, referrals, job fairs
and the priority-group report. Endpoints are thin: selectors scope what the caller may see, services check and
write. A seeker's phone leaves masked unless services.seeker_contact_visible allows it; 身份证号 only via /reveal."""

from collections import defaultdict
from contextlib import contextmanager

from django.db import transaction
from django.db.models import Count
from django.http import HttpResponse
from ninja import Query, Router, Status

from zhijia.accounts.models import User
from zhijia.core.errors import ErrorCode, NotFound, PermissionDenied, ValidationFailed
from zhijia.core.pii import mask_name
from zhijia.core.policy import grants_for
from zhijia.core.schemas import ERRORS, Page, PageQuery, paginate
from zhijia.members.models import MemberStatus
from zhijia.members.selectors import my_active_membership, my_memberships
from zhijia.org.models import Union
from zhijia.org.permissions import policy as union_policy
from zhijia.org.selectors import union_search_for_joining

from . import selectors, services
from .models import (
    Employer,
    FairRegistration,
    JobFair,
    Outcome,
    OutcomeKind,
    Referral,
    SeekerProfile,
    Vacancy,
    VacancyStatus,
)
from .permissions import employer_ids_of, employer_policy, fair_policy, seeker_policy, vacancy_policy
from .schemas import (
    ApplicantOut,
    DeclineIn,
    EmployerIn,
    EmployerOut,
    EmployerQuery,
    FairIn,
    FairMatchesOut,
    FairOut,
    FairRegisterIn,
    FairRegistrationOut,
    FairVacanciesIn,
    MatchQuery,
    ModerateIn,
    OutcomeIn,
    OutcomeOut,
    PriorityRowOut,
    ReferralIn,
    ReferralOut,
    ReferralQuery,
    ReferralRespondIn,
    SeekerCreateIn,
    SeekerIn,
    SeekerListItem,
    SeekerMatchOut,
    SeekerOut,
    SeekerQuery,
    SeekerRevealOut,
    VacancyCreateIn,
    VacancyIn,
    VacancyMatchOut,
    VacancyOut,
    VacancyQuery,
)

router = Router()
SEEKING = ["求职（职工本人）"]
SEEKERS = ["求职者服务（工会）"]
EMPLOYER = ["用人单位（单位账号）"]
VACANCIES = ["岗位与审核"]
EMPLOYERS = ["用人单位登记"]
REFERRALS = ["推荐"]
FAIRS = ["招聘会"]
REPORT = ["就业帮扶统计"]


# ---- Shared helpers -----------------------------------------------------------------------------------------


def _union(request, union_id: int | None, field: str = "union_id") -> Union | None:
    if union_id is None:
        return None
    try:
        return union_policy.get_or_404(request.auth, "view", Union.objects.all(), pk=union_id)
    except NotFound:
        raise NotFound(field=field) from None


def _acting_union(request, union_id: int | None) -> Union:
    """The union named, else the one union the staff member works for (they must choose when they hold several)."""
    if union_id is not None:
        return _union(request, union_id)
    unions = {grant.union_id for grant in grants_for(request.auth)}
    if not unions:
        raise PermissionDenied()
    if len(unions) > 1:
        raise ValidationFailed(ErrorCode.REQUIRED, "您在多个工会任职，请选择工会", field="union_id")
    return Union.objects.get(pk=unions.pop())


@contextmanager
def _found(field: str):
    """A selector's NotFound, naming the request field that pointed at the missing object."""
    try:
        yield
    except NotFound as error:
        raise NotFound(error.message, field=error.field or field) from None


def _seeker_out(actor, seeker: SeekerProfile, visible: set[int] | None = None) -> SeekerProfile:
    """Mark whether the phone may leave in full (`visible`: the ids already worked out for a whole page)."""
    if visible is None:
        visible = services.seekers_contact_visible(actor=actor, seekers=[seeker])
    seeker.contact_visible = seeker.pk in visible
    seeker.can_reveal_pii = seeker_policy.can(actor, "reveal_pii", seeker)
    return seeker


def _seeker_data(payload: SeekerIn) -> services.SeekerData:
    return services.SeekerData(**payload.model_dump(exclude={"union_id"}))


def _vacancy_data(payload: VacancyIn) -> services.VacancyData:
    return services.VacancyData(**payload.model_dump(exclude={"employer_id"}))


def _vacancy_matches(found: list[selectors.VacancyMatch], seeker: SeekerProfile) -> list[dict]:
    applied = set(Outcome.objects.filter(seeker=seeker, kind=OutcomeKind.APPLIED,
                                         vacancy_id__in=[m.vacancy.pk for m in found])
                  .values_list("vacancy_id", flat=True))
    return [{"vacancy": m.vacancy, "score": m.match.score, "distance_km": m.match.distance_km,
             "reasons": m.match.reasons, "applied": m.vacancy.pk in applied} for m in found]


# ---- The worker's own job seeking ---------------------------------------------------------------------------


def _my_profile(request) -> SeekerProfile:
    profile = selectors.my_profile(user=request.auth)
    if profile is None:
        raise NotFound("您还没有登记求职信息")
    return profile


def _union_for_worker(request, union_id: int | None) -> Union:
    """Where a worker registers: the union named (one open to joining — the public union search lists them —
    or one they belong to), else their own union."""
    if union_id is None:
        membership = my_active_membership(user=request.auth)
        if membership is None:
            raise ValidationFailed(ErrorCode.REQUIRED, "请选择服务工会：可按地区或行业查找面向灵活就业人员的工会",
                                   field="union_id")
        return membership.union
    union = union_search_for_joining().filter(pk=union_id).first()
    if union is None:
        membership = my_memberships(user=request.auth).filter(union_id=union_id, status=MemberStatus.ACTIVE).first()
        union = membership.union if membership else None
    if union is None:
        raise ValidationFailed(ErrorCode.INVALID, "该工会不受理求职登记，请通过“查找工会”选择", field="union_id")
    return union


@router.get("/me/profile", tags=SEEKING, response={200: SeekerOut, **ERRORS}, summary="我的求职信息")
def my_profile(request):
    return _seeker_out(request.auth, _my_profile(request))


@router.post("/me/profile", tags=SEEKING, response={201: SeekerOut, **ERRORS}, summary="登记求职信息")
def my_profile_create(request, payload: SeekerCreateIn):
    union = _union_for_worker(request, payload.union_id)
    profile = services.seeker_save(actor=request.auth, data=_seeker_data(payload), union=union, for_user=request.auth)
    return Status(201, _seeker_out(request.auth, profile))


@router.put("/me/profile", tags=SEEKING, response={200: SeekerOut, **ERRORS}, summary="修改求职信息")
def my_profile_update(request, payload: SeekerIn):
    profile = services.seeker_save(actor=request.auth, data=_seeker_data(payload), profile=_my_profile(request))
    return _seeker_out(request.auth, profile)


@router.get("/me/matches", tags=SEEKING, response={200: list[VacancyMatchOut], **ERRORS},
            summary="为我匹配的岗位（按匹配度排序，附匹配理由）")
def my_matches(request, filters: Query[MatchQuery]):
    profile = _my_profile(request)
    return _vacancy_matches(selectors.matches_for_seeker(seeker=profile, k=filters.k), profile)


def _seeker_outcome(request, vacancy_id: int, kind: str, reason: str = "") -> Outcome:
    profile = _my_profile(request)
    vacancy = selectors.vacancy_get(actor=request.auth, vacancy_id=vacancy_id, public=True)
    return services.outcome_record(actor=request.auth, seeker=profile, vacancy=vacancy, kind=kind, reason=reason)


@router.post("/vacancies/{int:vacancy_id}/apply", tags=SEEKING, response={200: OutcomeOut, **ERRORS},
             summary="投递岗位（投递后单位可看到我的联系方式）")
def vacancy_apply(request, vacancy_id: int):
    return _seeker_outcome(request, vacancy_id, OutcomeKind.APPLIED)


@router.post("/vacancies/{int:vacancy_id}/view", tags=SEEKING, response={200: OutcomeOut, **ERRORS},
             summary="记录已查看岗位")
def vacancy_viewed(request, vacancy_id: int):
    return _seeker_outcome(request, vacancy_id, OutcomeKind.VIEWED)


@router.post("/vacancies/{int:vacancy_id}/decline", tags=SEEKING, response={200: OutcomeOut, **ERRORS},
             summary="不考虑该岗位（填写原因）")
def vacancy_decline(request, vacancy_id: int, payload: DeclineIn):
    return _seeker_outcome(request, vacancy_id, OutcomeKind.DECLINED, payload.reason)


# ---- Union staff: seekers -----------------------------------------------------------------------------------


@router.get("/seekers", tags=SEEKERS, response={200: Page[SeekerListItem], **ERRORS},
            summary="求职者列表（手机号部分隐藏）")
def seeker_list(request, filters: Query[SeekerQuery]):
    seeker_policy.require(request.auth, "list")
    return paginate(selectors.seeker_list(actor=request.auth, q=filters.q.strip(), priority=filters.priority,
                                          active=filters.active), filters)


@router.post("/seekers", tags=SEEKERS, response={201: SeekerOut, **ERRORS}, summary="代为登记求职者")
def seeker_create(request, payload: SeekerCreateIn):
    seeker_policy.require(request.auth, "create")
    profile = services.seeker_save(actor=request.auth, data=_seeker_data(payload),
                                   union=_acting_union(request, payload.union_id))
    return Status(201, _seeker_out(request.auth, profile))


@router.get("/seekers/{int:seeker_id}", tags=SEEKERS, response={200: SeekerOut, **ERRORS}, summary="求职者详情")
def seeker_detail(request, seeker_id: int):
    return _seeker_out(request.auth, selectors.seeker_get(actor=request.auth, seeker_id=seeker_id))


@router.put("/seekers/{int:seeker_id}", tags=SEEKERS, response={200: SeekerOut, **ERRORS}, summary="修改求职者信息")
def seeker_update(request, seeker_id: int, payload: SeekerIn):
    profile = selectors.seeker_get(actor=request.auth, seeker_id=seeker_id, action="update")
    profile = services.seeker_save(actor=request.auth, data=_seeker_data(payload), profile=profile)
    return _seeker_out(request.auth, profile)


@router.get("/seekers/{int:seeker_id}/matches", tags=SEEKERS, response={200: list[VacancyMatchOut], **ERRORS},
            summary="为求职者匹配的岗位")
def seeker_matches(request, seeker_id: int, filters: Query[MatchQuery]):
    profile = selectors.seeker_get(actor=request.auth, seeker_id=seeker_id, action="refer")
    return _vacancy_matches(selectors.matches_for_seeker(seeker=profile, k=filters.k), profile)


@router.post("/seekers/{int:seeker_id}/reveal", tags=SEEKERS, response={200: SeekerRevealOut, **ERRORS},
             summary="查看完整手机号和身份证号（记入审计）")
def seeker_reveal(request, response: HttpResponse, seeker_id: int):
    profile = selectors.seeker_get(actor=request.auth, seeker_id=seeker_id)
    revealed = services.seeker_reveal(actor=request.auth, seeker=profile)
    response["Cache-Control"] = "no-store"
    return revealed


# ---- Vacancies: public reading, employers' own, staff moderation -------------------------------------------


@router.get("/vacancies/{int:vacancy_id}", tags=VACANCIES, response={200: VacancyOut, **ERRORS},
            summary="岗位详情（招聘中的岗位所有登录用户可见）")
def vacancy_detail(request, vacancy_id: int):
    return selectors.vacancy_get(actor=request.auth, vacancy_id=vacancy_id, public=True)


def _my_employers(request) -> set[int]:
    employers = employer_ids_of(request.auth)
    if not employers:
        raise PermissionDenied("仅用人单位账号可以使用")
    return employers


@router.get("/employer/vacancies", tags=EMPLOYER, response={200: Page[VacancyOut], **ERRORS}, summary="本单位的岗位")
def employer_vacancies(request, filters: Query[VacancyQuery]):
    employers = _my_employers(request)
    vacancies = selectors.vacancy_list(actor=request.auth, q=filters.q.strip(), status=filters.status,
                                       employer_id=filters.employer_id)
    return paginate(vacancies.filter(employer_id__in=employers), filters)


@router.post("/employer/vacancies", tags=EMPLOYER, response={201: VacancyOut, **ERRORS}, summary="发布岗位")
def employer_vacancy_create(request, payload: VacancyCreateIn):
    employers = _my_employers(request)
    if payload.employer_id is None:
        if len(employers) > 1:
            raise ValidationFailed(ErrorCode.REQUIRED, "您代表多个单位，请选择用人单位", field="employer_id")
        employer_id = next(iter(employers))
    elif payload.employer_id in employers:
        employer_id = payload.employer_id
    else:
        raise NotFound(field="employer_id")
    employer = Employer.objects.select_related("union").get(pk=employer_id)
    return Status(201, services.vacancy_create(actor=request.auth, employer=employer, data=_vacancy_data(payload)))


@router.put("/employer/vacancies/{int:vacancy_id}", tags=EMPLOYER, response={200: VacancyOut, **ERRORS},
            summary="修改岗位")
def employer_vacancy_update(request, vacancy_id: int, payload: VacancyIn):
    vacancy = selectors.vacancy_get(actor=request.auth, vacancy_id=vacancy_id)
    return services.vacancy_update(actor=request.auth, vacancy=vacancy, data=_vacancy_data(payload))


@router.get("/employer/vacancies/{int:vacancy_id}/applicants", tags=EMPLOYER,
            response={200: Page[ApplicantOut], **ERRORS},
            summary="投递或被推荐到该岗位的求职者（未投递且未同意公开的，手机号部分隐藏）")
def employer_applicants(request, vacancy_id: int, filters: Query[PageQuery]):
    actor = request.auth
    vacancy = selectors.vacancy_get(actor=actor, vacancy_id=vacancy_id)
    page = paginate(selectors.applicants_of(actor=actor, vacancy=vacancy).select_related("union"), filters)
    ids = [seeker.pk for seeker in page["items"]]
    outcomes = defaultdict(list)
    for outcome in Outcome.objects.filter(vacancy=vacancy, seeker_id__in=ids):
        outcomes[outcome.seeker_id].append(outcome)
    referrals = {r.seeker_id: r for r in Referral.objects.filter(vacancy=vacancy, seeker_id__in=ids)}
    visible = services.seekers_contact_visible(actor=actor, seekers=page["items"])
    for seeker in page["items"]:
        _seeker_out(actor, seeker, visible)
        seeker.outcome_list = outcomes[seeker.pk]
        seeker.applied = any(o.kind == OutcomeKind.APPLIED for o in seeker.outcome_list)
        referral = referrals.get(seeker.pk)
        seeker.referral_id = referral.pk if referral else None
        seeker.referral_status = referral.status if referral else ""
    return page


@router.post("/employer/vacancies/{int:vacancy_id}/outcomes", tags=EMPLOYER, response={201: OutcomeOut, **ERRORS},
             summary="登记面试、录用或未录用")
def employer_outcome(request, vacancy_id: int, payload: OutcomeIn):
    vacancy = selectors.vacancy_get(actor=request.auth, vacancy_id=vacancy_id)
    with _found("seeker_id"):
        seeker = selectors.seeker_get(actor=request.auth, seeker_id=payload.seeker_id)
    outcome = services.outcome_record(actor=request.auth, seeker=seeker, vacancy=vacancy, kind=payload.kind,
                                      reason=payload.reason)
    return Status(201, outcome)


@router.post("/employer/referrals/{int:referral_id}/respond", tags=EMPLOYER, response={200: ReferralOut, **ERRORS},
             summary="反馈工会的推荐")
def employer_referral_respond(request, referral_id: int, payload: ReferralRespondIn):
    referral = Referral.objects.filter(pk=referral_id, vacancy__employer_id__in=employer_ids_of(request.auth)).first()
    if referral is None:
        raise NotFound()
    referral = services.referral_respond(actor=request.auth, referral=referral, status=payload.status,
                                         response=payload.response)
    return _referrals().get(pk=referral.pk)


@router.get("/vacancies", tags=VACANCIES, response={200: Page[VacancyOut], **ERRORS}, summary="岗位列表（审核）")
def vacancy_list(request, filters: Query[VacancyQuery]):
    vacancy_policy.require(request.auth, "list")
    return paginate(selectors.vacancy_list(actor=request.auth, q=filters.q.strip(), status=filters.status,
                                           employer_id=filters.employer_id), filters)


@router.post("/vacancies", tags=VACANCIES, response={201: VacancyOut, **ERRORS}, summary="代用人单位发布岗位")
def vacancy_create(request, payload: VacancyCreateIn):
    vacancy_policy.require(request.auth, "create")
    if payload.employer_id is None:
        raise ValidationFailed(ErrorCode.REQUIRED, "请选择用人单位", field="employer_id")
    with _found("employer_id"):
        employer = employer_policy.get_or_404(request.auth, "view", Employer.objects.select_related("union"),
                                              pk=payload.employer_id)
    return Status(201, services.vacancy_create(actor=request.auth, employer=employer, data=_vacancy_data(payload)))


@router.post("/vacancies/{int:vacancy_id}/moderate", tags=VACANCIES, response={200: VacancyOut, **ERRORS},
             summary="审核岗位：下架、不通过或重新发布")
def vacancy_moderate(request, vacancy_id: int, payload: ModerateIn):
    vacancy = selectors.vacancy_get(actor=request.auth, vacancy_id=vacancy_id)
    return services.vacancy_moderate(actor=request.auth, vacancy=vacancy, action=payload.action, note=payload.note)


@router.get("/vacancies/{int:vacancy_id}/matches", tags=VACANCIES, response={200: list[SeekerMatchOut], **ERRORS},
            summary="为岗位匹配的求职者（本人服务范围内，手机号部分隐藏）")
def vacancy_matches(request, vacancy_id: int, filters: Query[MatchQuery]):
    actor = request.auth
    vacancy_policy.require(actor, "list")
    vacancy = vacancy_policy.get_or_404(actor, "view", Vacancy.objects.select_related("employer"), pk=vacancy_id)
    if vacancy.status != VacancyStatus.PUBLISHED:
        return []
    # The index ranks every seeker; staff see the ones they serve, so rank a wider pool and keep theirs.
    pool = selectors.matches_for_vacancy(vacancy=vacancy, k=max(filters.k * 5, 100))
    served = set(seeker_policy.scope(actor, "refer", SeekerProfile.objects.filter(
        pk__in=[m.seeker.pk for m in pool])).values_list("pk", flat=True))
    found = [m for m in pool if m.seeker.pk in served][:filters.k]
    referred = set(Referral.objects.filter(vacancy=vacancy, seeker_id__in=[m.seeker.pk for m in found])
                   .values_list("seeker_id", flat=True))
    return [{"seeker": m.seeker, "score": m.match.score, "distance_km": m.match.distance_km,
             "reasons": m.match.reasons, "referred": m.seeker.pk in referred} for m in found]


# ---- Employers ----------------------------------------------------------------------------------------------


@router.get("/employers", tags=EMPLOYERS, response={200: Page[EmployerOut], **ERRORS}, summary="用人单位列表")
def employer_list(request, filters: Query[EmployerQuery]):
    employer_policy.require(request.auth, "list")
    employers = selectors.employer_list(actor=request.auth)
    if filters.q.strip():
        employers = employers.filter(name__startswith=filters.q.strip())
    return paginate(employers, filters)


@router.post("/employers", tags=EMPLOYERS, response={201: EmployerOut, **ERRORS},
             summary="登记用人单位（可同时关联单位账号）")
def employer_create(request, payload: EmployerIn):
    employer_policy.require(request.auth, "create")
    union = _acting_union(request, payload.union_id)
    account = None
    if payload.account_username.strip():
        account = User.objects.filter(username=payload.account_username.strip(), is_active=True).first()
        if account is None:
            raise ValidationFailed(ErrorCode.INVALID, "找不到该用户名的账号，请先请对方注册", field="account_username")
    data = services.EmployerData(**payload.model_dump(exclude={"union_id", "account_username"}))
    employer = services.employer_create(actor=request.auth, union=union, data=data, account_user=account)
    return Status(201, employer)


# ---- Referrals ----------------------------------------------------------------------------------------------


def _referrals():
    return Referral.objects.select_related("seeker", "vacancy__employer", "union")


@router.post("/referrals", tags=REFERRALS, response={201: ReferralOut, **ERRORS}, summary="推荐求职者到岗位")
def referral_create(request, payload: ReferralIn):
    seeker_policy.require(request.auth, "refer")
    with _found("seeker_id"):
        seeker = selectors.seeker_get(actor=request.auth, seeker_id=payload.seeker_id, action="refer")
    with _found("vacancy_id"):
        vacancy = selectors.vacancy_get(actor=request.auth, vacancy_id=payload.vacancy_id, public=True)
    referral = services.referral_create(actor=request.auth, seeker=seeker, vacancy=vacancy, note=payload.note)
    return Status(201, _referrals().get(pk=referral.pk))


@router.get("/referrals", tags=REFERRALS, response={200: Page[ReferralOut], **ERRORS},
            summary="推荐记录（本级及下级工会）")
def referral_list(request, filters: Query[ReferralQuery]):
    seeker_policy.require(request.auth, "refer")
    # A referral belongs to the seeker's union: staff see the referrals of the seekers they serve.
    referrals = seeker_policy.scope(request.auth, "refer", _referrals())
    if filters.status:
        referrals = referrals.filter(status=filters.status)
    if filters.vacancy_id:
        referrals = referrals.filter(vacancy_id=filters.vacancy_id)
    if filters.seeker_id:
        referrals = referrals.filter(seeker_id=filters.seeker_id)
    return paginate(referrals.order_by("-id"), filters)


# ---- Job fairs ----------------------------------------------------------------------------------------------


def _fairs(request):
    """Staff: the fairs of their subtree; anyone else: the fairs still to come."""
    fairs = (selectors.fair_list(actor=request.auth) if fair_policy.allows(request.auth, "view")
             else selectors.fairs_open())
    return fairs.select_related("union").annotate(vacancy_count=Count("vacancies", distinct=True),
                                                  registration_count=Count("registrations", distinct=True))


def _fair(request, fair_id: int) -> JobFair:
    fair = _fairs(request).filter(pk=fair_id).first() or selectors.fairs_open().filter(pk=fair_id).first()
    if fair is None:
        raise NotFound()
    return fair


def _vacancies(ids: list[int]) -> list[Vacancy]:
    vacancies = list(Vacancy.objects.select_related("employer").filter(pk__in=set(ids)))
    if len(vacancies) != len(set(ids)):
        raise NotFound("岗位不存在", field="vacancy_ids")
    return vacancies


@router.get("/fairs", tags=FAIRS, response={200: Page[FairOut], **ERRORS}, summary="招聘会列表")
def fair_list(request, filters: Query[PageQuery]):
    return paginate(_fairs(request), filters)


@router.post("/fairs", tags=FAIRS, response={201: FairOut, **ERRORS}, summary="举办招聘会")
def fair_create(request, payload: FairIn):
    fair_policy.require(request.auth, "manage")
    union = _acting_union(request, payload.union_id)
    vacancies = _vacancies(payload.vacancy_ids)
    with transaction.atomic():  # the fair and its vacancies, or nothing
        fair = services.fair_create(actor=request.auth, union=union, name=payload.name, held_on=payload.held_on,
                                    online=payload.online, place=payload.place)
        if vacancies:
            services.fair_add_vacancies(actor=request.auth, fair=fair, vacancies=vacancies)
    return Status(201, _fair(request, fair.pk))


@router.post("/fairs/{int:fair_id}/vacancies", tags=FAIRS, response={200: FairOut, **ERRORS}, summary="添加参会岗位")
def fair_vacancies(request, fair_id: int, payload: FairVacanciesIn):
    fair = fair_policy.get_or_404(request.auth, "view", JobFair.objects.all(), pk=fair_id)
    services.fair_add_vacancies(actor=request.auth, fair=fair, vacancies=_vacancies(payload.vacancy_ids))
    return _fair(request, fair.pk)


@router.post("/fairs/{int:fair_id}/register", tags=FAIRS, response={200: FairRegistrationOut, **ERRORS},
             summary="报名招聘会（本人，或工会代为报名）")
def fair_register(request, fair_id: int, payload: FairRegisterIn | None = None):
    fair = _fair(request, fair_id)
    if payload is None or payload.seeker_id is None:
        seeker = _my_profile(request)
    else:
        with _found("seeker_id"):
            seeker = selectors.seeker_get(actor=request.auth, seeker_id=payload.seeker_id, action="update")
    return services.fair_register(actor=request.auth, fair=fair, seeker=seeker)


@router.get("/fairs/{int:fair_id}/matches/{int:seeker_id}", tags=FAIRS, response={200: FairMatchesOut, **ERRORS},
            summary="求职者当天的匹配岗位（限本场招聘会）")
def fair_matches(request, fair_id: int, seeker_id: int, filters: Query[MatchQuery]):
    actor = request.auth
    fair = _fair(request, fair_id)
    try:
        seeker = selectors.seeker_get(actor=actor, seeker_id=seeker_id, action="update")
    except NotFound:
        # The fair's organisers print the list for everyone registered, wherever the seeker is served.
        registration = FairRegistration.objects.filter(fair=fair, seeker_id=seeker_id).select_related("seeker").first()
        if registration is None or not fair_policy.can(actor, "view", fair):
            raise
        seeker = registration.seeker
    only = set(fair.vacancies.values_list("id", flat=True))
    found = selectors.matches_for_seeker(seeker=seeker, k=filters.k, only=only, today=fair.held_on)
    # Organisers from another area see the name masked, as on the printed sheet.
    name = seeker.name if seeker_policy.can(actor, "view", seeker) else mask_name(seeker.name)
    return {"fair": fair, "seeker_id": seeker.pk, "seeker_name": name, "items": _vacancy_matches(found, seeker)}


# ---- Report -------------------------------------------------------------------------------------------------


@router.get("/report/priority", tags=REPORT, response={200: list[PriorityRowOut], **ERRORS},
            summary="重点群体求职、匹配、推荐、录用人数（本级及下级）")
def priority_report(request, union_id: int | None = None):
    seeker_policy.require(request.auth, "report")
    return selectors.priority_report(actor=request.auth, union=_union(request, union_id))
