"""The web shell: login, dashboard, area pages, settings, users, API tokens and error pages."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.contrib.auth.forms import AuthenticationForm
from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods, require_POST

from headway.core import services
from headway.core.errors import HeadwayError, Throttled
from headway.core.models import CURRENCIES
from headway.core.permissions import Perm, Role, has_perm

AREAS = {
    "insights": ("Insights", "Trends, funnels, retention and paths over your product events."),
    "feedback": ("Feedback", "Customer feedback with automatic themes, sentiment and revenue-weighted demand."),
    "roadmap": ("Ideas & Roadmap", "Evidence-based prioritisation, the optimal portfolio and the roadmap."),
    "goals": ("Goals", "Company objectives, product goals, key results and KPIs."),
    "team": ("Team", "Career ladder, org chart, check-ins and 360 reviews."),
}


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
def dashboard(request: HttpRequest) -> HttpResponse:
    return render(request, "web/dashboard.html", {"title": "Dashboard"})


@login_required
def area(request: HttpRequest, name: str) -> HttpResponse:
    title, blurb = AREAS[name]
    return render(request, "web/area.html", {"title": title, "blurb": blurb})


@login_required
@require_http_methods(["GET", "POST"])
def workspace_settings(request: HttpRequest) -> HttpResponse:
    errors: dict[str, str] = {}
    if request.method == "POST":
        fields = {k: request.POST.get(k, "") for k in services.WORKSPACE_FIELDS}
        try:
            services.update_workspace(request.user, **fields)  # type: ignore[arg-type]
        except HeadwayError as exc:
            errors = exc.details if isinstance(exc.details, dict) else {"__all__": exc.message}
            if exc.status == 403:
                raise
        else:
            messages.success(request, "Workspace settings saved.")
            return redirect("settings")
    return render(request, "web/settings.html", {
        "title": "Settings", "errors": errors, "currencies": CURRENCIES,
        "months": ["January", "February", "March", "April", "May", "June", "July", "August", "September",
                   "October", "November", "December"],
        "can_edit": has_perm(request.user, Perm.EDIT_WORKSPACE),
    })


@login_required
@require_http_methods(["GET", "POST"])
def users(request: HttpRequest) -> HttpResponse:
    user_list = services.list_users(request.user)  # type: ignore[arg-type]
    if request.method == "POST":
        try:
            if request.POST.get("action") == "set-role":
                services.set_role(request.user, request.POST["username"], request.POST["role"])  # type: ignore[arg-type]
                messages.success(request, f"Role of {request.POST['username']} changed.")
            else:
                services.create_user(
                    request.user, request.POST.get("username", ""), request.POST.get("password", ""),  # type: ignore[arg-type]
                    role=request.POST.get("role", Role.VIEWER), email=request.POST.get("email", ""),
                    display_name=request.POST.get("display_name", ""),
                )
                messages.success(request, f"User {request.POST.get('username')} created.")
        except HeadwayError as exc:
            if exc.status == 403:
                raise
            messages.error(request, exc.message)
        return redirect("settings-users")
    return render(request, "web/users.html", {
        "title": "Users", "users": user_list, "roles": list(Role),
        "can_manage": has_perm(request.user, Perm.MANAGE_USERS),
    })


@login_required
@require_http_methods(["GET", "POST"])
def tokens(request: HttpRequest) -> HttpResponse:
    new_secret = None
    if request.method == "POST":
        try:
            if "revoke" in request.POST:
                services.revoke_token(request.user, int(request.POST["revoke"]))  # type: ignore[arg-type]
                messages.success(request, "Token revoked.")
                return redirect("settings-tokens")
            new_secret = services.create_token(request.user, request.POST.get("name", "")).secret  # type: ignore[arg-type]
        except HeadwayError as exc:
            messages.error(request, exc.message)
    return render(request, "web/tokens.html", {
        "title": "API tokens", "tokens": services.list_tokens(request.user),  # type: ignore[arg-type]
        "new_secret": new_secret,
    })


@login_required
def audit_log(request: HttpRequest) -> HttpResponse:
    events = services.list_audit_events(request.user)[:200]  # type: ignore[arg-type]
    return render(request, "web/audit.html", {"title": "Audit log", "events": events})


@require_POST
def logout(request: HttpRequest) -> HttpResponse:
    return auth_views.LogoutView.as_view()(request)


def error_page(request: HttpRequest, status: int, title: str, message: str) -> HttpResponse:
    return render(request, "web/error.html", {"status": status, "title": title, "message": message}, status=status)


def bad_request(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    return error_page(request, 400, "Bad request", "The request could not be understood. Go back and try again.")


def permission_denied(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    return error_page(request, 403, "Not allowed", "Your role does not allow this page. Ask a workspace admin.")


def page_not_found(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    return error_page(request, 404, "Page not found", "There is nothing here. Check the address or use the menu.")


def server_error(request: HttpRequest) -> HttpResponse:
    return error_page(request, 500, "Something went wrong", "The error was logged. Try again in a moment.")


def csrf_failure(request: HttpRequest, reason: str = "") -> HttpResponse:
    return error_page(request, 403, "Form expired",
                      "The form's security token was missing or stale. Reload the page and submit it again.")
