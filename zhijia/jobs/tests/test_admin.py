"""The jobs admin: the matching weights are one row that system administrators edit (each between 0 and 1,
audited); vacancies are moderated through the service; seekers' phones are masked; everything is scoped."""

import random

import pytest
from django.urls import reverse

from zhijia.accounts.models import User
from zhijia.core.generators import fake_credit_code
from zhijia.core.models import AuditLog
from zhijia.jobs import matching
from zhijia.jobs.models import Employer, MatchChange, MatchConfig, VacancyStatus

pytestmark = pytest.mark.django_db

WEIGHTS = {"occupation": "0.30", "skills": "0.30", "level": "0.10", "distance": "0.15", "wage": "0.10",
           "shift": "0.05", "priority": "0.10"}


def admin_client(client, user):
    user.is_staff = True
    user.save(update_fields=["is_staff"])
    client.force_login(user)
    return client


def test_the_weights_are_one_row_a_sysadmin_edits_within_0_and_1(client, sysadmin):
    client = admin_client(client, sysadmin)
    # no row yet: the list leads to adding it, and once it exists, to editing it
    assert client.get(reverse("admin:jobs_matchconfig_changelist")).url == reverse("admin:jobs_matchconfig_add")
    response = client.post(reverse("admin:jobs_matchconfig_add"), {**WEIGHTS, "distance": "1.5"})
    assert response.status_code == 200 and "权重应在 0 到 1 之间" in response.content.decode()
    response = client.post(reverse("admin:jobs_matchconfig_add"), {**WEIGHTS, "wage": "-0.1"})
    assert response.status_code == 200 and not MatchConfig.objects.exists()
    zero = {name: "0" for name in WEIGHTS}
    assert "不能都为 0" in client.post(reverse("admin:jobs_matchconfig_add"), zero).content.decode()

    assert client.post(reverse("admin:jobs_matchconfig_add"), WEIGHTS).status_code == 302
    row = MatchConfig.objects.get()
    assert client.get(reverse("admin:jobs_matchconfig_changelist")).url == reverse(
        "admin:jobs_matchconfig_change", args=[row.pk])
    assert client.get(reverse("admin:jobs_matchconfig_add")).status_code == 403  # one row only

    response = client.post(reverse("admin:jobs_matchconfig_change", args=[row.pk]), {**WEIGHTS, "distance": "0.40"})
    assert response.status_code == 302 and matching.Weights.current().distance == 0.40
    entry = AuditLog.objects.filter(action="jobs.match_config").latest("id")
    assert entry.before == {"distance": 0.15} and entry.after == {"distance": 0.40}
    response = client.post(reverse("admin:jobs_matchconfig_change", args=[row.pk]), {**WEIGHTS, "skills": "2"})
    assert response.status_code == 200 and MatchConfig.objects.get().skills == 0.30
    assert client.post(reverse("admin:jobs_matchconfig_delete", args=[row.pk]), {"post": "yes"}).status_code == 403


def test_only_sysadmins_reach_the_weights_and_the_change_log(client, county_staff, sysadmin):
    row = MatchConfig.objects.create()
    client = admin_client(client, county_staff)
    assert client.get(reverse("admin:jobs_matchconfig_change", args=[row.pk])).status_code == 403
    assert client.post(reverse("admin:jobs_matchconfig_change", args=[row.pk]),
                       {**WEIGHTS, "skills": "0.9"}).status_code == 403
    assert client.get(reverse("admin:jobs_matchchange_changelist")).status_code == 403
    assert MatchConfig.objects.get().skills == 0.30
    root = User.objects.create_superuser(username="root", password="pass-for-tests-1")
    su = type(client)()
    su.force_login(root)
    assert su.get(reverse("admin:jobs_matchchange_changelist")).status_code == 200
    change = MatchChange.objects.create(kind="vacancy", object_id=1)
    assert su.post(reverse("admin:jobs_matchchange_change", args=[change.pk]), {}).status_code == 403


def test_vacancies_are_moderated_through_the_service_and_stay_in_scope(client, tree, county_staff, chair_b, post):
    vacancy = post()
    client = admin_client(client, county_staff)
    url = reverse("admin:jobs_vacancy_change", args=[vacancy.pk])
    assert "招聘电焊工" in client.get(reverse("admin:jobs_vacancy_changelist")).content.decode()
    # a rejection needs its reason, beside the field
    response = client.post(url, {"status": VacancyStatus.REJECTED, "moderation_note": ""})
    assert response.status_code == 200 and "请填写不通过的原因" in response.content.decode()
    response = client.post(url, {"status": VacancyStatus.REJECTED, "moderation_note": "工资低于最低工资标准"})
    assert response.status_code == 302
    vacancy.refresh_from_db()
    assert vacancy.status == VacancyStatus.REJECTED and vacancy.moderation_note == "工资低于最低工资标准"
    assert AuditLog.objects.filter(action="jobs.vacancy_moderate", actor=county_staff).exists()
    # chair B neither sees nor moderates it
    other = admin_client(type(client)(), chair_b)
    assert "招聘电焊工" not in other.get(reverse("admin:jobs_vacancy_changelist")).content.decode()
    # out of their queryset: the admin answers "does not exist" and sends them back
    assert other.post(url, {"status": VacancyStatus.PUBLISHED, "moderation_note": ""}).status_code == 302
    vacancy.refresh_from_db()
    assert vacancy.status == VacancyStatus.REJECTED


def test_seekers_are_read_only_with_masked_phones(client, county_staff, seeker):
    profile = seeker()
    client = admin_client(client, county_staff)
    listing = client.get(reverse("admin:jobs_seekerprofile_changelist")).content.decode()
    assert "137****1111" in listing and "13700001111" not in listing
    detail = client.get(reverse("admin:jobs_seekerprofile_change", args=[profile.pk])).content.decode()
    assert "13700001111" not in detail and 'name="_save"' not in detail
    assert client.post(reverse("admin:jobs_seekerprofile_delete", args=[profile.pk]),
                       {"post": "yes"}).status_code == 403


def test_employers_are_added_through_the_service(client, tree, county_staff, employer):
    client = admin_client(client, county_staff)
    listing = client.get(reverse("admin:jobs_employer_changelist")).content.decode()
    assert "苏州精工机械有限公司" in listing and "13912340000" not in listing and "139****0000" in listing
    response = client.post(reverse("admin:jobs_employer_add"), {
        "union": tree.county.pk, "name": "苏州新单位有限公司", "credit_code": "91320508MA0000000X",
        "division_code": "320508", "address": "", "contact_name": "", "contact_phone": ""})
    assert response.status_code == 200  # an invalid credit code is refused beside its field
    assert "统一社会信用代码" in response.content.decode() and not Employer.objects.filter(name="苏州新单位有限公司")
    code = fake_credit_code(random.Random(5), "320508", prefix="91")
    response = client.post(reverse("admin:jobs_employer_add"), {
        "union": tree.county.pk, "name": "苏州新单位有限公司", "credit_code": code, "division_code": "320508",
        "address": "姑苏区人民路1号", "contact_name": "王经理", "contact_phone": "13812345678"})
    assert response.status_code == 302
    created = Employer.objects.get(name="苏州新单位有限公司")
    assert created.union == tree.county and created.contact_phone == "13812345678"
    assert AuditLog.objects.filter(action="jobs.employer_create", object_id=str(created.pk)).exists()
    # a union out of reach is not offered
    response = client.post(reverse("admin:jobs_employer_add"), {
        "union": tree.grassroots_b.pk, "name": "苏州另一单位有限公司",
        "credit_code": fake_credit_code(random.Random(6), "320506", prefix="91"), "division_code": "320506"})
    assert response.status_code == 200 and not Employer.objects.filter(name="苏州另一单位有限公司").exists()
