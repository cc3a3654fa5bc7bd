from django.test import Client

from zhijia.accounts.models import User
from zhijia.core.models import AuditLog


def test_register_creates_worker_and_logs_in(db):
    response = Client().post(
        "/accounts/register/?next=/join/", {"username": "13912345678", "display_name": "陈工", "password": "strong-pass-9"}
    )
    assert response.status_code == 302 and response["Location"] == "/join/"
    user = User.objects.get(username="13912345678")
    assert user.display_name == "陈工"
    assert AuditLog.objects.filter(action="account.register", actor=user).exists()


def test_register_never_redirects_off_site(db):
    response = Client().post(
        "/accounts/register/?next=https://evil.example/", {"username": "13912345679", "display_name": "陈工", "password": "strong-pass-9"}
    )
    assert response.status_code == 302 and response["Location"] == "/me/"


def test_register_rejects_bad_phone_naming_the_field(db):
    response = Client().post("/accounts/register/", {"username": "12345", "display_name": "陈工", "password": "strong-pass-9"})
    assert response.status_code == 200
    assert "手机号码应为11位" in response.content.decode()
    assert not User.objects.exists()


def test_repeated_wrong_passwords_pause_logins_for_that_account(db, settings):
    User.objects.create_user(username="13912340000", password="right-pass-77")
    client = Client()
    for _ in range(settings.AXES_FAILURE_LIMIT):
        client.post("/accounts/login/", {"username": "13912340000", "password": "wrong"})
    # even the right password is refused now, with a Chinese explanation
    response = client.post("/accounts/login/", {"username": "13912340000", "password": "right-pass-77"})
    assert response.status_code == 429
    assert "登录已暂停" in response.content.decode()
    assert "_auth_user_id" not in client.session
    # another account from the same address is unaffected
    User.objects.create_user(username="13912340001", password="right-pass-77")
    ok = Client().post("/accounts/login/", {"username": "13912340001", "password": "right-pass-77"})
    assert ok.status_code == 302
