"""Account writes: registering a worker account, granting and revoking staff roles."""

from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError as DjangoValidationError
from django.db import transaction

from zhijia.core import audit
from zhijia.core.errors import ErrorCode, ValidationFailed
from zhijia.core.policy import forget_grants
from zhijia.core.validators import clean_phone, clean_required

from .models import Role, RoleAssignment, User

audit.register("account.register", "注册账号")
audit.register("role.grant", "授予角色")
audit.register("role.revoke", "撤销角色")
audit.register("token.issue", "签发 API 令牌")


def api_token_issue(*, user: User, name: str = "") -> str:
    """Issue a bearer token for the user and return the raw token (shown once, stored only hashed)."""
    from .models import ApiToken

    with transaction.atomic():
        token, raw = ApiToken.issue(user, name=name)
        audit.record(actor=user, action="token.issue", obj=token, object_repr=name or "API 令牌")
    return raw


def account_register(*, username: str, display_name: str, password: str) -> User:
    """A worker signs up with a mobile number as the login name."""
    username = clean_phone(username, field="username")
    display_name = clean_required(display_name, field="display_name", label="姓名", max_length=50)
    if User.objects.filter(username=username).exists():
        raise ValidationFailed(ErrorCode.CONFLICT, "该手机号已注册，请直接登录", field="username")
    try:
        validate_password(password)
    except DjangoValidationError as exc:
        raise ValidationFailed(ErrorCode.INVALID, "；".join(exc.messages), field="password") from None
    with transaction.atomic():
        user = User.objects.create_user(username=username, password=password, display_name=display_name)
        audit.record(actor=user, action="account.register", obj=user, object_repr=username)
    return user


def role_grant(*, actor, user: User, union, role: str) -> RoleAssignment:
    from zhijia.org.permissions import policy as union_policy

    if role not in Role.values:
        raise ValidationFailed(ErrorCode.INVALID, "角色无效", field="role")
    with transaction.atomic():
        union_policy.require(actor, "manage_roles", union)
        assignment, _ = RoleAssignment.objects.get_or_create(user=user, union=union, role=role)
        forget_grants(user)
        audit.record(actor=actor, action="role.grant", obj=assignment, union=union, after={"user": user.pk, "role": role})
    return assignment


def role_revoke(*, actor, assignment: RoleAssignment) -> None:
    from zhijia.org.permissions import policy as union_policy

    with transaction.atomic():
        union_policy.require(actor, "manage_roles", assignment.union)
        audit.record(
            actor=actor, action="role.revoke", obj=assignment, union=assignment.union,
            before={"user": assignment.user_id, "role": assignment.role},
        )
        assignment.delete()
        forget_grants(assignment.user)
