"""Use cases of the core app: the workspace, users and roles, API tokens, the audit log.

Every face (CLI, API, web, Python) calls these functions; each checks the caller's permission.
``actor=None`` means the system itself (the CLI run by the machine's operator, the demo builder).
"""

from __future__ import annotations

import hashlib
import secrets
import zoneinfo
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from django.conf import settings
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError as DjangoValidationError
from django.db import connection, transaction
from django.db.models import QuerySet
from django.utils import timezone

from headway.core import audit
from headway.core.errors import AuthenticationFailed, Conflict, NotFound, Throttled, ValidationError
from headway.core.models import CURRENCIES, ApiToken, AuditEvent, LoginAttempt, User, Workspace
from headway.core.permissions import Perm, Role, parse_role, require

TOKEN_PREFIX = "hw_"  # noqa: S105 - a public marker, not a secret
WORKSPACE_FIELDS = ("name", "industry", "fiscal_year_start_month", "timezone", "week_start", "currency")


def _check(actor: User | None, perm: Perm) -> None:
    if actor is not None:
        require(actor, perm)


# --- workspace -----------------------------------------------------------------------------------------


def get_workspace() -> Workspace:
    """The one workspace; a clear error tells how to create it when it is missing."""
    ws = Workspace.objects.order_by("pk").first()
    if ws is None:
        raise NotFound("No workspace yet: run `headway init` (or `headway demo`) first.")
    return ws


def validate_workspace_fields(fields: dict[str, Any]) -> dict[str, Any]:
    """Check workspace fields, returning the cleaned values or raising with every problem listed."""
    clean: dict[str, Any] = {}
    problems: dict[str, str] = {}
    for key, value in fields.items():
        if key not in WORKSPACE_FIELDS:
            problems[key] = f"unknown field; the workspace has {', '.join(WORKSPACE_FIELDS)}"
            continue
        if key == "name":
            value = str(value).strip()
            if not value or len(value) > 120:
                problems[key] = "give a name of 1 to 120 characters"
        elif key == "fiscal_year_start_month":
            try:
                value = int(value)
            except (TypeError, ValueError):
                value = 0
            if not 1 <= value <= 12:
                problems[key] = "a month number from 1 (January) to 12 (December)"
        elif key == "timezone":
            try:
                zoneinfo.ZoneInfo(str(value))
            except (zoneinfo.ZoneInfoNotFoundError, ValueError):
                problems[key] = f"{value!r} is not an IANA time zone such as Europe/London or America/New_York"
        elif key == "week_start":
            value = str(value).lower()
            if value not in {"monday", "sunday"}:
                problems[key] = "monday or sunday"
        elif key == "currency":
            value = str(value).upper()
            if value not in CURRENCIES:
                problems[key] = f"one of {', '.join(CURRENCIES)}"
        clean[key] = value
    if problems:
        raise ValidationError(
            "Workspace settings are not valid: "
            + "; ".join(f"{k}: {v}" for k, v in problems.items())
            + ".",
            details=problems,
        )
    return clean


@transaction.atomic
def ensure_workspace(name: str = "My company", **fields: Any) -> tuple[Workspace, bool]:
    """Create the workspace if there is none (idempotent); returns it and whether it was created."""
    existing = Workspace.objects.order_by("pk").first()
    if existing is not None:
        return existing, False
    clean = validate_workspace_fields({"name": name, **fields})
    ws = Workspace.objects.create(**clean)
    audit.record(None, AuditEvent.Action.CREATE, ws, summary=f"workspace {ws.name} created")
    return ws, True


@transaction.atomic
def update_workspace(actor: User | None, **fields: Any) -> Workspace:
    """Change workspace settings (admins only)."""
    _check(actor, Perm.EDIT_WORKSPACE)
    clean = validate_workspace_fields(fields)
    ws = get_workspace()
    before = {k: getattr(ws, k) for k in clean}
    for key, value in clean.items():
        setattr(ws, key, value)
    ws.save()
    changes = audit.diff(before, clean)
    if changes:
        audit.record(actor, AuditEvent.Action.UPDATE, ws, summary="workspace settings changed", changes=changes)
    return ws


# --- users ---------------------------------------------------------------------------------------------


def list_users(actor: User | None) -> QuerySet[User]:
    """All users, by username."""
    _check(actor, Perm.VIEW_USERS)
    return User.objects.order_by("username")


def get_user(username: str) -> User:
    """A user by username, or a NotFound that says how to list them."""
    try:
        return User.objects.get(username=username)
    except User.DoesNotExist:
        raise NotFound(f"There is no user {username!r}: `headway user list` shows who exists.") from None


@transaction.atomic
def create_user(
    actor: User | None,
    username: str,
    password: str,
    *,
    role: str = Role.VIEWER,
    email: str = "",
    display_name: str = "",
) -> User:
    """Create a login with a role; the password must pass the password rules."""
    _check(actor, Perm.MANAGE_USERS)
    username = username.strip()
    if not username or len(username) > 150 or any(c.isspace() for c in username):
        raise ValidationError("A username is 1 to 150 characters without spaces.", details={"username": username})
    if User.objects.filter(username=username).exists():
        raise Conflict(f"User {username!r} already exists: pick another name or change its role with set-role.")
    parsed = parse_role(role)
    user = User(username=username, email=email, display_name=display_name, role=parsed)
    check_password_rules(username, password, user)
    user.set_password(password)
    user.save()
    audit.record(actor, AuditEvent.Action.CREATE, user, summary=f"user {username} created as {parsed.value}")
    return user


def check_password_rules(username: str, password: str, user: User | None = None) -> None:
    """Raise a ValidationError listing every password rule ``password`` breaks."""
    try:
        validate_password(password, user or User(username=username))
    except DjangoValidationError as exc:
        raise ValidationError("Password rejected: " + " ".join(exc.messages), details={"password": exc.messages}) from None


@transaction.atomic
def set_role(actor: User | None, username: str, role: str) -> User:
    """Change a user's role; the last admin cannot be demoted."""
    _check(actor, Perm.MANAGE_USERS)
    parsed = parse_role(role)
    user = get_user(username)
    old = user.role
    if old == Role.ADMIN and parsed != Role.ADMIN and User.objects.filter(role=Role.ADMIN).count() == 1:
        raise Conflict(f"{username} is the last admin: make another user admin first.")
    user.role = parsed
    user.save(update_fields=["role"])
    audit.record(
        actor, AuditEvent.Action.UPDATE, user, summary=f"{username}: role {old} → {parsed.value}",
        changes={"role": [old, parsed.value]},
    )
    return user


# --- account lifecycle: passwords, deactivation ----------------------------------------------------------


@transaction.atomic
def change_password(actor: User, current_password: str, new_password: str) -> User:
    """Change your own password: the current one must be right and the new one must pass the password rules.
    Your other browser sessions end (Django ties a session to the password); your API tokens stay."""
    if actor is None or not actor.is_active:
        raise AuthenticationFailed("Log in to change your password.")
    if not actor.check_password(current_password):
        raise ValidationError("The current password is not right: type the one you log in with.",
                              details={"current_password": "not right"})
    if new_password == current_password:
        raise ValidationError("The new password is the current one: choose another.",
                              details={"new_password": "same as the current one"})
    _set_password(actor, new_password, "new_password")
    audit.record(actor, AuditEvent.Action.UPDATE, actor, summary=f"{actor.username} changed their password")
    return actor


@transaction.atomic
def reset_password(actor: User | None, username: str, new_password: str) -> User:
    """Set a user's password (admins; the CLI's operator): it must pass the password rules. The user's
    browser sessions end; their API tokens stay (revoke them too for a leaked password)."""
    _check(actor, Perm.MANAGE_USERS)
    user = get_user(username)
    _set_password(user, new_password, "password")
    audit.record(actor, AuditEvent.Action.UPDATE, user, summary=f"password of {user.username} reset")
    return user


def _set_password(user: User, password: str, field: str) -> None:
    try:
        validate_password(password, user)
    except DjangoValidationError as exc:
        raise ValidationError("Password rejected: " + " ".join(exc.messages), details={field: exc.messages}) from None
    user.set_password(password)
    user.save(update_fields=["password"])


@transaction.atomic
def set_active(actor: User | None, username: str, active: bool) -> User:
    """Deactivate a user (a leaver) or reactivate them (admins). A deactivated user's sessions end and their
    API tokens are revoked at once; reactivating gives back the login, not the old tokens. Nobody deactivates
    themself, nor the last active admin."""
    _check(actor, Perm.MANAGE_USERS)
    user = get_user(username)
    if user.is_active == active:
        return user
    if not active:
        if actor is not None and actor.pk == user.pk:
            raise Conflict("You cannot deactivate yourself: ask another admin.")
        admins = User.objects.filter(role=Role.ADMIN, is_active=True)
        if user.role == Role.ADMIN and admins.count() == 1:
            raise Conflict(f"{username} is the last active admin: make another user admin first.")
    user.is_active = active
    user.save(update_fields=["is_active"])
    if not active:
        ApiToken.objects.filter(user=user, revoked_at__isnull=True).update(revoked_at=timezone.now())
        _end_sessions(user)
    state = "reactivated" if active else "deactivated (sessions ended, API tokens revoked)"
    audit.record(actor, AuditEvent.Action.UPDATE, user, summary=f"user {username} {state}",
                 changes={"is_active": [not active, active]})
    return user


def _end_sessions(user: User) -> None:
    """Delete the user's stored browser sessions (database sessions; the auth backend refuses an inactive
    user's session anyway)."""
    from django.contrib.sessions.models import Session

    key = str(user.pk)
    for session in Session.objects.filter(expire_date__gt=timezone.now()).iterator():
        if session.get_decoded().get("_auth_user_id") == key:
            session.delete()


# --- login throttling ----------------------------------------------------------------------------------


def _throttled() -> Throttled:
    minutes = settings.LOGIN_THROTTLE_WINDOW_SECONDS // 60
    return Throttled(
        f"Too many failed logins: wait {minutes} minutes and try again, or ask an admin to reset your password.",
        details={"retry_after_seconds": settings.LOGIN_THROTTLE_WINDOW_SECONDS},
    )


def _over_limit(username: str, address: str) -> bool:
    window = timezone.now() - timedelta(seconds=settings.LOGIN_THROTTLE_WINDOW_SECONDS)
    recent = LoginAttempt.objects.filter(at__gte=window)
    limit = settings.LOGIN_THROTTLE_FAILURES
    by_user = recent.filter(username=username.lower()[:150]).count()
    by_address = recent.filter(address=address).count() if address else 0
    return by_user > limit or by_address > limit * 4


def check_login_allowed(username: str, address: str = "") -> None:
    """Raise :class:`Throttled` after too many recent failures for this username or address."""
    window = timezone.now() - timedelta(seconds=settings.LOGIN_THROTTLE_WINDOW_SECONDS)
    recent = LoginAttempt.objects.filter(at__gte=window)
    limit = settings.LOGIN_THROTTLE_FAILURES
    by_user = recent.filter(username=username.lower()[:150]).count()
    by_address = recent.filter(address=address).count() if address else 0
    if by_user >= limit or by_address >= limit * 4:
        raise _throttled()


def reserve_login_attempt(username: str, address: str = "") -> int:
    """Count this login as a failure *before* the password is checked, atomically with the limit check, and
    return the attempt's id; raise :class:`Throttled` when it is over the limit for the username (``
    LOGIN_THROTTLE_FAILURES``) or the address (four times that). Concurrent guesses are serialised here, so a
    limit of 5 lets exactly 5 through. A successful login removes the attempt (:func:`note_login_success`)."""
    with transaction.atomic():
        if connection.vendor == "postgresql":  # SQLite's immediate transactions are serial already
            with connection.cursor() as cursor:
                cursor.execute(f"LOCK TABLE {LoginAttempt._meta.db_table} IN SHARE ROW EXCLUSIVE MODE")
        attempt = LoginAttempt.objects.create(username=username.lower()[:150], address=address[:64])
        if _over_limit(username, address[:64]):
            attempt.delete()
            raise _throttled()
    return attempt.pk


def note_login_failure(username: str, address: str = "", *, reserved: int | None = None) -> None:
    """Remember a failed login for throttling (unless ``reserved`` already counts it) and the audit log.

    The audit log names the user only when the username is one: a username box that holds anything else
    (often the password, typed into the wrong box) is recorded as an unknown username, never as its text."""
    if reserved is None:
        LoginAttempt.objects.create(username=username.lower()[:150], address=address[:64])
    known = User.objects.filter(username__iexact=username.strip()).values_list("username", flat=True).first()
    who = repr(known) if known else "an unknown username"
    audit.record(None, AuditEvent.Action.LOGIN_FAILED, object_type="user", object_id=(known or "")[:64],
                 summary=f"failed login for {who} from {address or 'unknown'}")


def note_login_success(user: User, address: str = "") -> None:
    """Clear the user's failures and record the login."""
    LoginAttempt.objects.filter(username=user.username.lower()[:150]).delete()
    audit.record(user, AuditEvent.Action.LOGIN, user, summary=f"{user.username} logged in from {address or 'unknown'}")


# --- API tokens ----------------------------------------------------------------------------------------


@dataclass(frozen=True)
class NewToken:
    """A token just created: ``secret`` is shown once and never stored."""

    token: ApiToken
    secret: str


def _digest(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


@transaction.atomic
def create_token(owner: User, name: str) -> NewToken:
    """Create a personal API token for ``owner``; the secret is returned once."""
    require(owner, Perm.USE_API_TOKENS)
    name = name.strip()
    if not name or len(name) > 100:
        raise ValidationError("Give the token a name of 1 to 100 characters, e.g. 'notebook'.")
    secret = TOKEN_PREFIX + secrets.token_urlsafe(32)
    token = ApiToken.objects.create(user=owner, name=name, prefix=secret[:10], digest=_digest(secret))
    audit.record(owner, AuditEvent.Action.CREATE, token, summary=f"API token {name!r} created")
    return NewToken(token=token, secret=secret)


def list_tokens(owner: User) -> QuerySet[ApiToken]:
    """The owner's tokens (active and revoked), newest first."""
    return ApiToken.objects.filter(user=owner)


@transaction.atomic
def revoke_token(owner: User, token_id: int) -> ApiToken:
    """Revoke one of the owner's tokens; others' tokens are invisible (NotFound)."""
    try:
        token = ApiToken.objects.select_for_update().get(pk=token_id, user=owner)
    except ApiToken.DoesNotExist:
        raise NotFound(f"You have no API token with id {token_id}: list yours with `headway token list`.") from None
    if token.revoked_at is None:
        token.revoked_at = timezone.now()
        token.save(update_fields=["revoked_at"])
        audit.record(owner, AuditEvent.Action.DELETE, token, summary=f"API token {token.name!r} revoked")
    return token


def list_all_tokens(actor: User | None, username: str | None = None) -> QuerySet[ApiToken]:
    """Every user's tokens (or one user's), newest first, with their owner (admins)."""
    _check(actor, Perm.MANAGE_USERS)
    tokens = ApiToken.objects.select_related("user")
    return tokens.filter(user=get_user(username)) if username else tokens


@transaction.atomic
def revoke_any_token(actor: User | None, token_id: int) -> ApiToken:
    """Revoke any user's token (admins): programs using it are refused at once."""
    _check(actor, Perm.MANAGE_USERS)
    try:
        token = ApiToken.objects.select_for_update().select_related("user").get(pk=token_id)
    except ApiToken.DoesNotExist:
        raise NotFound(f"There is no API token with id {token_id}: list them with `headway user tokens`.") from None
    if token.revoked_at is None:
        token.revoked_at = timezone.now()
        token.save(update_fields=["revoked_at"])
        audit.record(actor, AuditEvent.Action.DELETE, token,
                     summary=f"API token {token.name!r} of {token.user.username} revoked")
    return token


def authenticate_token(secret: str) -> User:
    """The active user behind a token secret, or :class:`AuthenticationFailed`."""
    if not secret.startswith(TOKEN_PREFIX):
        raise AuthenticationFailed("That is not a Headway API token: tokens start with 'hw_'.")
    token = ApiToken.objects.select_related("user").filter(digest=_digest(secret)).first()
    if token is None or token.revoked_at is not None or not token.user.is_active:
        raise AuthenticationFailed("The API token is unknown or revoked: create a new one in Settings → API tokens.")
    now = timezone.now()
    if token.last_used_at is None or now - token.last_used_at > timedelta(minutes=1):
        ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
    return token.user


# --- audit log -----------------------------------------------------------------------------------------


def list_audit_events(actor: User | None) -> QuerySet[AuditEvent]:
    """The audit log, newest first (admins only)."""
    _check(actor, Perm.VIEW_AUDIT)
    return AuditEvent.objects.select_related("actor")


def record_view(actor: User, obj: object, summary: str) -> None:
    """Record that ``actor`` viewed confidential data."""
    audit.record(actor, AuditEvent.Action.VIEW, obj, summary=summary)
