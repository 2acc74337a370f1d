"""API for the workspace, users, API tokens and the audit log."""

from __future__ import annotations

from datetime import datetime

from django.http import HttpRequest
from ninja import Router, Schema, Status
from ninja.pagination import paginate

from headway.core import services
from headway.core.pagination import Pages
from headway.core.permissions import ROLE_PERMISSIONS, Role

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


class TokenIn(Schema):
    name: str


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
    def resolve_actor(obj: object) -> str:
        return obj.actor_label  # type: ignore[attr-defined,no-any-return]


@router.get("/me", response=MeOut)
def me(request: HttpRequest) -> dict[str, object]:
    """The authenticated user and the permissions their role grants."""
    user = request.user
    perms = sorted(p.value for p in ROLE_PERMISSIONS[Role(user.role)])  # type: ignore[union-attr]
    return {**UserOut.from_orm(user).dict(), "permissions": perms}


@router.get("/workspace", response=WorkspaceOut)
def get_workspace(request: HttpRequest) -> object:
    """The company's workspace settings."""
    return services.get_workspace()


@router.patch("/workspace", response=WorkspaceOut)
def patch_workspace(request: HttpRequest, payload: WorkspacePatch) -> object:
    """Change workspace settings (admins)."""
    return services.update_workspace(request.user, **payload.dict(exclude_none=True))  # type: ignore[arg-type]


@router.get("/users", response=list[UserOut])
@paginate(Pages, page_size=50)
def list_users(request: HttpRequest) -> object:
    """Users, by username (paged)."""
    return services.list_users(request.user)  # type: ignore[arg-type]


@router.post("/users", response={201: UserOut})
def create_user(request: HttpRequest, payload: UserIn) -> Status:
    """Create a user with a role (admins)."""
    user = services.create_user(request.user, payload.username, payload.password, role=payload.role,  # type: ignore[arg-type]
                                email=payload.email, display_name=payload.display_name)
    return Status(201, user)


@router.put("/users/{username}/role", response=UserOut)
def set_role(request: HttpRequest, username: str, payload: RoleIn) -> object:
    """Change a user's role (admins)."""
    return services.set_role(request.user, username, payload.role)  # type: ignore[arg-type]


@router.get("/tokens", response=list[TokenOut])
def list_tokens(request: HttpRequest) -> object:
    """Your API tokens."""
    return services.list_tokens(request.user)  # type: ignore[arg-type]


@router.post("/tokens", response={201: NewTokenOut})
def create_token(request: HttpRequest, payload: TokenIn) -> Status:
    """Create an API token; the secret is in this answer only."""
    new = services.create_token(request.user, payload.name)  # type: ignore[arg-type]
    return Status(201, {**TokenOut.from_orm(new.token).dict(), "secret": new.secret})


@router.delete("/tokens/{token_id}", response=TokenOut)
def revoke_token(request: HttpRequest, token_id: int) -> object:
    """Revoke one of your API tokens."""
    return services.revoke_token(request.user, token_id)  # type: ignore[arg-type]


@router.get("/audit", response=list[AuditOut])
@paginate(Pages, page_size=100)
def audit_log(request: HttpRequest) -> object:
    """The audit log, newest first (admins)."""
    return services.list_audit_events(request.user)  # type: ignore[arg-type]
