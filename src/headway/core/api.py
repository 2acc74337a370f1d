"""API for the workspace, users, API tokens and the audit log."""

from __future__ import annotations

from datetime import datetime
from typing import Any, cast

from django.conf import settings
from ninja import Field, Router, Schema, Status
from ninja.pagination import paginate

from headway.core import services
from headway.core.http import AuthedRequest, actor_of, invalid_when
from headway.core.models import ApiToken, AuditEvent
from headway.core.pagination import Pages
from headway.core.permissions import ROLE_PERMISSIONS, Role
from headway.core.request_rules import stated

router = Router(tags=["core"])


class WorkspaceOut(Schema):
    name: str
    industry: str
    fiscal_year_start_month: int
    timezone: str
    week_start: str
    currency: str


class WorkspacePatch(Schema):
    name: str | None = None
    industry: str | None = None
    fiscal_year_start_month: int | None = None
    timezone: str | None = None
    week_start: str | None = None
    currency: str | None = None


class UserOut(Schema):
    id: int
    username: str
    email: str
    display_name: str
    role: str
    is_active: bool


class MeOut(UserOut):
    permissions: list[str]


class UserIn(Schema):
    username: str
    password: str
    role: str = Role.VIEWER.value
    email: str = ""
    display_name: str = ""


class RoleIn(Schema):
    role: str


class TokenOut(Schema):
    id: int
    name: str
    prefix: str
    created_at: datetime
    last_used_at: datetime | None
    revoked_at: datetime | None


def _password_length() -> int:
    """The shortest password Django's validators take (settings.AUTH_PASSWORD_VALIDATORS)."""
    validators = cast("list[dict[str, Any]]", settings.AUTH_PASSWORD_VALIDATORS)
    return max([int(v.get("OPTIONS", {}).get("min_length", 8)) for v in validators
                if v["NAME"].endswith(".MinimumLengthValidator")] or [1])


#: Django's password validators: the length is declared, the rest is not
PASSWORD = {"minLength": _password_length()}
REFUSED_BY_VALIDATORS = "the new password is too common, all digits or too like the user's name or e-mail address"


class PasswordChangeIn(Schema):
    current_password: str = stated(minLength=1)
    new_password: str = stated(**PASSWORD)


class PasswordResetIn(Schema):
    password: str = stated(**PASSWORD)


class UserTokenOut(TokenOut):
    username: str

    @staticmethod
    def resolve_username(obj: ApiToken) -> str:
        return obj.user.username


class TokenIn(Schema):
    name: str = Field(min_length=1, max_length=100, pattern=r"\S")  # the service's rule, declared


class NewTokenOut(TokenOut):
    secret: str


class AuditOut(Schema):
    id: int
    at: datetime
    actor: str
    action: str
    object_type: str
    object_id: str
    summary: str
    changes: dict[str, object]

    @staticmethod
    def resolve_actor(obj: AuditEvent) -> str:
        return obj.actor_label


@router.get("/me", response=MeOut)
def me(request: AuthedRequest) -> dict[str, object]:
    """The authenticated user and the permissions their role grants."""
    user = actor_of(request)
    perms = sorted(p.value for p in ROLE_PERMISSIONS[Role(user.role)])
    return {**UserOut.from_orm(user).dict(), "permissions": perms}


@router.get("/workspace", response=WorkspaceOut)
def get_workspace(request: AuthedRequest) -> object:
    """The company's workspace settings."""
    return services.get_workspace()


@router.patch("/workspace", response=WorkspaceOut)
def patch_workspace(request: AuthedRequest, payload: WorkspacePatch) -> object:
    """Change workspace settings (admins)."""
    return services.update_workspace(actor_of(request), **payload.dict(exclude_none=True))


@router.get("/users", response=list[UserOut])
@paginate(Pages, page_size=50)
def list_users(request: AuthedRequest) -> object:
    """Users, by username (paged)."""
    return services.list_users(actor_of(request))


@router.post("/users", response={201: UserOut})
def create_user(request: AuthedRequest, payload: UserIn) -> Status[Any]:
    """Create a user with a role (admins)."""
    user = services.create_user(actor_of(request), payload.username, payload.password, role=payload.role,
                                email=payload.email, display_name=payload.display_name)
    return Status(201, user)


@router.put("/users/{username}/role", response=UserOut)
def set_role(request: AuthedRequest, username: str, payload: RoleIn) -> object:
    """Change a user's role (admins)."""
    return services.set_role(actor_of(request), username, payload.role)


@router.post("/me/password", response=UserOut, openapi_extra=invalid_when(
    f"the current password is not right or is the new one, or {REFUSED_BY_VALIDATORS}"))
def change_password(request: AuthedRequest, payload: PasswordChangeIn) -> object:
    """Change your own password (the current one is needed); your other browser sessions end."""
    return services.change_password(actor_of(request), payload.current_password, payload.new_password)


@router.put("/users/{username}/password", response=UserOut, openapi_extra=invalid_when(REFUSED_BY_VALIDATORS))
def reset_password(request: AuthedRequest, username: str, payload: PasswordResetIn) -> object:
    """Set a user's password (admins); their browser sessions end."""
    return services.reset_password(actor_of(request), username, payload.password)


@router.post("/users/{username}/deactivate", response=UserOut)
def deactivate_user(request: AuthedRequest, username: str) -> object:
    """Deactivate a user (admins): their sessions end and their API tokens are revoked at once."""
    return services.set_active(actor_of(request), username, False)


@router.post("/users/{username}/reactivate", response=UserOut)
def reactivate_user(request: AuthedRequest, username: str) -> object:
    """Let a deactivated user log in again (admins); their old API tokens stay revoked."""
    return services.set_active(actor_of(request), username, True)


@router.get("/admin/tokens", response=list[UserTokenOut])
@paginate(Pages, page_size=100)
def list_all_tokens(request: AuthedRequest, username: str | None = None) -> object:
    """Every user's API tokens (or one user's with ?username=), newest first (admins)."""
    return services.list_all_tokens(actor_of(request), username)


@router.delete("/admin/tokens/{token_id}", response=UserTokenOut)
def revoke_any_token(request: AuthedRequest, token_id: int) -> object:
    """Revoke any user's API token (admins)."""
    return services.revoke_any_token(actor_of(request), token_id)


@router.get("/tokens", response=list[TokenOut])
def list_tokens(request: AuthedRequest) -> object:
    """Your API tokens."""
    return services.list_tokens(actor_of(request))


@router.post("/tokens", response={201: NewTokenOut})
def create_token(request: AuthedRequest, payload: TokenIn) -> Status[Any]:
    """Create an API token; the secret is in this answer only."""
    new = services.create_token(actor_of(request), payload.name)
    return Status(201, {**TokenOut.from_orm(new.token).dict(), "secret": new.secret})


@router.delete("/tokens/{token_id}", response=TokenOut)
def revoke_token(request: AuthedRequest, token_id: int) -> object:
    """Revoke one of your API tokens."""
    return services.revoke_token(actor_of(request), token_id)


@router.get("/audit", response=list[AuditOut])
@paginate(Pages, page_size=100)
def audit_log(request: AuthedRequest) -> object:
    """The audit log, newest first (admins)."""
    return services.list_audit_events(actor_of(request))
