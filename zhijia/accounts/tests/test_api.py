"""Signing in over the API: a password buys a bearer token, and the token (or the session) says who you are."""

from django.test import Client

from zhijia.accounts.models import ApiToken
from zhijia.core.models import AuditLog
from zhijia.members.models import ApplicationStatus, JoinApplication


def test_worker_gets_a_token_and_uses_it_to_ask_who_they_are(worker):
    # given a worker's phone number and password
    response = Client().post(
        "/api/auth/token", {"username": "13900000001", "password": "pass-for-tests-1"}, content_type="application/json"
    )
    # then a token comes back, stored only as a hash
    assert response.status_code == 200
    token = response.json()["token"]
    assert token.startswith("zj_")
    stored = ApiToken.objects.get(user=worker)
    assert token not in stored.key_hash
    assert AuditLog.objects.filter(action="token.issue", actor=worker).count() == 1
    # and the token alone identifies the worker, who holds no staff roles
    me = Client().get("/api/auth/me", HTTP_AUTHORIZATION=f"Bearer {token}")
    assert me.status_code == 200
    assert me.json() == {"id": worker.pk, "username": "13900000001", "display_name": "王小明", "roles": []}
    stored.refresh_from_db()
    assert stored.last_used_at is not None


def test_me_lists_staff_roles_with_their_unions(tree, chair):
    client = Client()
    client.force_login(chair)
    assert client.get("/api/auth/me").json()["roles"] == [
        {
            "role": "grassroots_chair",
            "role_label": "基层工会主席",
            "union_id": tree.grassroots.pk,
            "union_name": "苏州精工机械有限公司工会",
        }
    ]


def test_wrong_password_and_unknown_user_get_the_same_401(worker):
    client = Client()
    for username in ("13900000001", "13999999999"):
        response = client.post(
            "/api/auth/token", {"username": username, "password": "nope"}, content_type="application/json"
        )
        assert response.status_code == 401
        assert response.json() == {"code": "invalid_credentials", "message": "用户名或密码不正确", "field": None}
    assert not ApiToken.objects.exists()


def test_inactive_user_gets_no_token(worker):
    worker.is_active = False
    worker.save()
    response = Client().post(
        "/api/auth/token", {"username": "13900000001", "password": "pass-for-tests-1"}, content_type="application/json"
    )
    assert response.status_code == 401 and not ApiToken.objects.exists()


def test_missing_malformed_and_revoked_tokens_are_401(worker):
    token, raw = ApiToken.issue(worker)
    client = Client()
    assert client.get("/api/auth/me").status_code == 401
    assert client.get("/api/auth/me", HTTP_AUTHORIZATION=raw).status_code == 401  # no "Bearer " prefix
    assert client.get("/api/auth/me", HTTP_AUTHORIZATION="Bearer zj_forged").status_code == 401
    token.revoked = True
    token.save()
    response = client.get("/api/auth/me", HTTP_AUTHORIZATION=f"Bearer {raw}")
    assert response.status_code == 401 and response.json()["code"] == "not_authenticated"


def test_bearer_token_needs_no_csrf_token_but_a_session_does(tree, worker, person):
    # given a client that enforces CSRF like a browser would
    _, raw = ApiToken.issue(worker)
    data = person()
    body = {"union_id": tree.grassroots.pk, "name": data.name, "id_number": data.id_number, "phone": data.phone}
    with_token = Client(enforce_csrf_checks=True).post(
        "/api/join-applications", body, content_type="application/json", HTTP_AUTHORIZATION=f"Bearer {raw}"
    )
    assert with_token.status_code == 201
    # a cookie session without the CSRF token is refused
    session = Client(enforce_csrf_checks=True)
    session.force_login(worker)
    application = JoinApplication.objects.get(pk=with_token.json()["id"])
    refused = session.post(f"/api/join-applications/{application.pk}/withdraw")
    assert refused.status_code == 403
    assert refused.json()["code"] == "csrf_failed"
    application.refresh_from_db()
    assert application.status == ApplicationStatus.PENDING


def test_token_endpoint_locks_out_after_repeated_failures(worker, settings):
    client = Client()
    for _ in range(settings.AXES_FAILURE_LIMIT):
        client.post("/api/auth/token", {"username": "13900000001", "password": "wrong"}, content_type="application/json")
    response = client.post(
        "/api/auth/token", {"username": "13900000001", "password": "pass-for-tests-1"}, content_type="application/json"
    )
    assert response.status_code == 429
    assert response.json()["code"] == "login_locked"
    assert not ApiToken.objects.filter(user=worker).exists()
