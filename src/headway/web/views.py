"""The web shell: login, dashboard, area pages, settings, users, API tokens and error pages."""

from __future__ import annotations

from collections import Counter
from typing import Any

from django.contrib import messages
from django.contrib.auth import update_session_auth_hash
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.contrib.auth.forms import AuthenticationForm
from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.http.response import HttpResponseBase
from django.shortcuts import redirect, render
from django.template import loader
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods

from headway.core import services
from headway.core.errors import HeadwayError, Throttled
from headway.core.errors import ValidationError as HeadwayValidationError
from headway.core.http import AuthedRequest, actor_of
from headway.core.models import CURRENCIES, Job
from headway.core.permissions import Perm, Role, has_perm
from headway.web.charts import bar_chart

AREAS = {
    "insights": ("Insights", "Trends, funnels, retention and paths over your product events."),
    "feedback": ("Feedback", "Customer feedback with automatic themes, sentiment and revenue-weighted demand."),
    "roadmap": ("Ideas & Roadmap", "Evidence-based prioritisation, the optimal portfolio and the roadmap."),
    "goals": ("Goals", "Company objectives, product goals, key results and KPIs."),
    "team": ("Team", "Career ladder, org chart, check-ins and 360 reviews."),
}
MONTHS = ["January", "February", "March", "April", "May", "June", "July", "August", "September", "October",
          "November", "December"]
WORKSPACE_LABELS = {
    "name": "Company name", "industry": "Industry", "fiscal_year_start_month": "Fiscal year starts in",
    "timezone": "Time zone", "week_start": "Week starts on", "currency": "Currency",
}
PERM_LABELS = {
    Perm.VIEW_WORKSPACE: "See every area of the workspace",
    Perm.COMMENT: "Comment on ideas, goals and feedback",
    Perm.EDIT_FEEDBACK: "Add and tag customer feedback",
    Perm.EDIT_IDEAS: "Propose and score ideas",
    Perm.INGEST_EVENTS: "Load product events",
    Perm.EDIT_STRATEGY: "Set goals, KPIs and the North Star",
    Perm.EDIT_PLANS: "Plan the roadmap and budgets",
    Perm.VIEW_CONTACTS: "See customer contact details",
    Perm.MANAGE_TEAM: "Run check-ins and reviews for the team",
    Perm.EDIT_WORKSPACE: "Change workspace settings",
    Perm.MANAGE_USERS: "Add users and change roles",
    Perm.VIEW_AUDIT: "Read the audit log",
    Perm.USE_API_TOKENS: "Use the API with personal tokens",
}
PASSWORD_FIELDS = ("current_password", "new_password", "new_password_again")
PASSWORD_LABELS = {"current_password": "Current password", "new_password": "New password",
                   "new_password_again": "New password again"}
NEW_USER_FIELDS = ("username", "display_name", "email", "password", "role")
NEW_USER_LABELS = {"username": "Username", "display_name": "Name", "email": "Email", "password": "Password",
                   "role": "Role"}


def field_errors(exc: HeadwayError, fields: tuple[str, ...], *, specific: bool = False) -> dict[str, str]:
    """The form fields an error names (its ``details`` keys), else the whole message under ``__all__``.

    With ``specific`` the details' own texts are the field messages (workspace validation writes them so).
    """
    details = exc.details if isinstance(exc.details, dict) else {}
    errors = {key: str(value) if specific else exc.message for key, value in details.items() if key in fields}
    return errors or {"__all__": exc.message}


class ThrottledAuthenticationForm(AuthenticationForm):
    """The login form, turning a throttled login into a form error."""

    def clean(self) -> dict[str, Any]:
        try:
            return super().clean()
        except Throttled as exc:
            raise DjangoValidationError(exc.message, code="throttled") from None


class LoginView(auth_views.LoginView):
    template_name = "web/login.html"
    authentication_form = ThrottledAuthenticationForm
    redirect_authenticated_user = True


@login_required
def dashboard(request: AuthedRequest) -> HttpResponse:
    workspace = services.get_workspace()
    counts = Counter(user.role for user in services.list_users(actor_of(request)))
    people = bar_chart(
        [{"role": role.label, "people": counts.get(role.value, 0)} for role in Role],
        category="role", value="people", title="People by role", value_title="People",
    )
    return render(request, "web/dashboard.html", {
        "title": "Dashboard", "people_chart": people, "people_total": sum(counts.values()),
        "can_do": [label for perm, label in PERM_LABELS.items() if has_perm(request.user, perm)],
        "fiscal_month": MONTHS[workspace.fiscal_year_start_month - 1],
        "areas": [{"name": name, "label": label, "blurb": blurb} for name, (label, blurb) in AREAS.items()],
    })


@login_required
def area(request: AuthedRequest, name: str) -> HttpResponse:
    title, blurb = AREAS[name]
    return render(request, "web/area.html", {"title": title, "blurb": blurb})


@login_required
@require_http_methods(["GET", "POST"])
def workspace_settings(request: AuthedRequest) -> HttpResponse:
    workspace = services.get_workspace()
    values = {key: getattr(workspace, key) for key in services.WORKSPACE_FIELDS}
    errors: dict[str, str] = {}
    if request.method == "POST":
        values = {key: request.POST.get(key, "") for key in services.WORKSPACE_FIELDS}
        try:
            services.update_workspace(actor_of(request), **values)
        except HeadwayError as exc:
            if exc.status == 403:
                raise
            errors = field_errors(exc, services.WORKSPACE_FIELDS, specific=True)
        else:
            messages.success(request, "Workspace settings saved.")
            return redirect("settings")
    return render(request, "web/settings.html", {
        "title": "Settings", "errors": errors, "values": values, "labels": WORKSPACE_LABELS,
        "currencies": CURRENCIES,
        "months": list(enumerate(MONTHS, start=1)), "week_starts": [("monday", "Monday"), ("sunday", "Sunday")],
        "can_edit": has_perm(request.user, Perm.EDIT_WORKSPACE),
    }, status=422 if errors else 200)


@login_required
@require_http_methods(["GET", "POST"])
def users(request: AuthedRequest) -> HttpResponse:
    user_list = services.list_users(actor_of(request))
    errors: dict[str, str] = {}
    values: dict[str, str] = {"role": Role.VIEWER.value}
    if request.method == "POST":
        if request.POST.get("action") in USER_ACTIONS:
            return _user_action(request, request.POST["action"])
        if request.POST.get("action") == "set-role":
            username = request.POST.get("username", "")
            try:
                services.set_role(actor_of(request), username, request.POST.get("role", ""))
            except HeadwayError as exc:
                if exc.status == 403:
                    raise
                messages.error(request, exc.message)
            else:
                messages.success(request, f"Role of {username} changed.")
            return redirect("settings-users")
        values = {key: request.POST.get(key, "") for key in NEW_USER_FIELDS}
        try:
            services.create_user(
                actor_of(request), values["username"], values["password"],
                role=values["role"] or Role.VIEWER, email=values["email"],
                display_name=values["display_name"],
            )
        except HeadwayError as exc:
            if exc.status == 403:
                raise
            errors = {"username": exc.message} if exc.status == 409 else field_errors(exc, NEW_USER_FIELDS)
        else:
            messages.success(request, f"User {values['username']} created.")
            return redirect("settings-users")
    return render(request, "web/users.html", {
        "title": "Users", "users": user_list, "roles": list(Role), "errors": errors, "values": values,
        "role_options": [(role.value, role.label) for role in Role], "labels": NEW_USER_LABELS,
        "can_manage": has_perm(request.user, Perm.MANAGE_USERS),
        "all_tokens": (services.list_all_tokens(actor_of(request))[:200]
                       if has_perm(request.user, Perm.MANAGE_USERS) else []),
    }, status=422 if errors else 200)


#: what an admin does to a user on Settings → Users, and what the page says after it
USER_ACTIONS = {
    "reset-password": "Password of {} set: their browser sessions ended.",
    "deactivate": "{} is deactivated: their sessions ended and their API tokens were revoked.",
    "reactivate": "{} can log in again.",
    "revoke-token": "Token {} revoked: programs using it are now refused.",
}


def _user_action(request: AuthedRequest, action: str) -> HttpResponse:
    actor, username = actor_of(request), request.POST.get("username", "")
    try:
        if action == "reset-password":
            services.reset_password(actor, username, request.POST.get("password", ""))
        elif action == "revoke-token":
            username = services.revoke_any_token(actor, _int(request.POST.get("token", ""))).name
        else:
            services.set_active(actor, username, action == "reactivate")
    except HeadwayError as exc:
        if exc.status == 403:
            raise
        messages.error(request, exc.message)
    else:
        messages.success(request, USER_ACTIONS[action].format(username))
    return redirect("settings-users")


@never_cache
@login_required
@require_http_methods(["GET", "POST"])
def change_password(request: AuthedRequest) -> HttpResponse:
    """Settings → Password: change your own password; this session stays, the others end."""
    errors: dict[str, str] = {}
    if request.method == "POST":
        new, again = request.POST.get("new_password", ""), request.POST.get("new_password_again", "")
        try:
            if new != again:
                raise HeadwayValidationError("The two new passwords differ: type the same one twice.",
                                             details={"new_password_again": "differs"})
            user = services.change_password(actor_of(request), request.POST.get("current_password", ""), new)
        except HeadwayError as exc:
            if exc.status == 403:
                raise
            errors = field_errors(exc, PASSWORD_FIELDS)
        else:
            update_session_auth_hash(request, user)
            messages.success(request, "Password changed: your other sessions have ended.")
            return redirect("settings-password")
    return render(request, "web/password.html", {
        "title": "Change password", "errors": errors, "labels": PASSWORD_LABELS,
    }, status=422 if errors else 200)


@never_cache
@login_required
@require_http_methods(["GET", "POST"])
def tokens(request: AuthedRequest) -> HttpResponse:
    new_secret = None
    errors: dict[str, str] = {}
    if request.method == "POST":
        try:
            if "revoke" in request.POST:
                token = services.revoke_token(actor_of(request), _int(request.POST["revoke"]))
                messages.success(request, f"Token {token.name!r} revoked: programs using it are now refused.")
                return redirect("settings-tokens")
            new_secret = services.create_token(actor_of(request), request.POST.get("name", "")).secret
        except HeadwayError as exc:
            if exc.status != 422:
                raise  # the error page: 403 for a role without tokens, 404 for someone else's token
            errors = {"name": exc.message}
    return render(request, "web/tokens.html", {
        "title": "API tokens", "tokens": services.list_tokens(actor_of(request)),
        "new_secret": new_secret, "errors": errors,
    }, status=422 if errors else 200)


@login_required
def job_progress(request: AuthedRequest, job_id: int) -> HttpResponse:
    """A background job's progress bar (an HTMX partial that polls itself); when the job is done and the page
    named ``next`` (a path of this site) shows its result, the browser goes there."""
    from django.utils.http import url_has_allowed_host_and_scheme

    from headway.core import jobs

    job = jobs.get_job(actor_of(request), job_id)
    target = request.GET.get("next", "")
    next_url = target if target.startswith("/") and url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}) else ""
    response = render(request, "web/_job.html", {"job": job, "next": next_url})
    if job.done and job.status == "succeeded" and next_url and request.headers.get("HX-Request"):
        response["HX-Redirect"] = next_url
    return response


def _int(value: str) -> int:
    try:
        return int(value)
    except ValueError:
        return 0


@login_required
def audit_log(request: AuthedRequest) -> HttpResponse:
    events = services.list_audit_events(actor_of(request))[:200]
    return render(request, "web/audit.html", {"title": "Audit log", "events": events})


@login_required
def jobs_page(request: AuthedRequest) -> HttpResponse:
    """Background jobs: the latest ones with their progress and errors, and the periodic schedule."""
    from headway.core import jobs, schedules

    actor = actor_of(request)
    status = request.GET.get("status", "")
    try:
        listing = jobs.list_jobs(actor, status=status or None, limit=100)
    except HeadwayError as exc:
        if exc.status == 403:
            raise
        messages.error(request, exc.message)
        listing, status = jobs.list_jobs(actor, limit=100), ""
    return render(request, "web/jobs.html", {
        "title": "Background jobs", "jobs": listing, "status": status, "statuses": Job.Status.choices,
        "schedule": schedules.list_schedules(actor),
    })


def logout(request: HttpRequest) -> HttpResponseBase:
    """Log out on POST (the button in the header); a GET only explains that, with status 405."""
    if request.method != "POST":
        response = error_page(request, 405, "Use the Log out button",
                              "Logging out needs the Log out button at the top of every page.")
        response["Allow"] = "POST"
        return response
    return auth_views.LogoutView.as_view()(request)


def error_page(request: HttpRequest, status: int, title: str, message: str) -> HttpResponse:
    """The error page for ``status``; under /api/ the API's error body instead."""
    if request.path.startswith("/api/"):
        code = title.lower().replace(" ", "_")
        return JsonResponse({"error": {"code": code, "message": message, "details": None}}, status=status)
    return render(request, "web/error.html", {"status": status, "title": title, "message": message}, status=status)


def bad_request(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    return error_page(request, 400, "Bad request", "The request could not be understood. Go back and try again.")


def permission_denied(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    return error_page(request, 403, "Not allowed", "Your role does not allow this page. Ask a workspace admin.")


def page_not_found(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    return error_page(request, 404, "Not found", "There is nothing at this address. Check it, or use the menu.")


def server_error(request: HttpRequest) -> HttpResponse:
    """The 500 page, rendered without the request context so that it needs no database."""
    title, message = "Something went wrong", "The error was logged. Try again in a moment."
    if request.path.startswith("/api/"):
        return error_page(request, 500, title, message)
    html = loader.render_to_string("web/error.html", {"status": 500, "title": title, "message": message})
    return HttpResponse(html, status=500)


def csrf_failure(request: HttpRequest, reason: str = "") -> HttpResponse:
    return error_page(request, 403, "Form expired",
                      "The form's security token was missing or stale. Reload the page and submit it again.")
