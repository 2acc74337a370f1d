"""The Ideas & Roadmap pages: roadmap views, the backlog with trade-offs, one idea, scoring setups and the
optimiser. Every number comes from :mod:`headway.planning.services`, the same functions the API and CLI call."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_http_methods

from headway.core import formatting, jobs
from headway.core.errors import HeadwayError, ValidationError
from headway.core.http import AuthedRequest
from headway.core.pagination import page_number
from headway.core.permissions import Perm, has_perm, require
from headway.core.validation import is_id
from headway.planning import charts, services
from headway.planning.models import Framework, Stage
from headway.web.hints import scoring_hints

OPTIMISE_WAIT_SECONDS = 1.0
"""How long the optimiser page waits for a plan before it shows a progress bar instead."""
TABS = [("roadmap", "Roadmap"), ("roadmap-backlog", "Backlog"), ("roadmap-optimise", "Optimiser"),
        ("roadmap-scoring", "Scoring"), ("roadmap-teams", "Teams"), ("roadmap-hiring", "Hiring")]


def page_with_tabs(request: HttpRequest, template: str, current: str, context: dict[str, Any], *,
          status: int = 200) -> HttpResponse:
    tabs = [{"name": n, "label": label, "current": n == current} for n, label in TABS]
    return render(request, template, {"tabs": tabs, **context}, status=status)


COLUMN_PAGE = 12
"""Cards in one now / next / later column before it pages."""


def _board_pages(request: AuthedRequest, board: dict[str, list[Any]]) -> list[dict[str, Any]]:
    """Each column's page of cards (``?now=2`` pages the now column) with links that keep the other columns."""
    columns = []
    for name, items in board.items():
        pages = max(1, -(-len(items) // COLUMN_PAGE))
        page = min(page_number(request.GET.get(name)), pages)

        def link(to: int, name: str = name) -> str:
            query = request.GET.copy()
            query[name] = str(to)
            return "?" + query.urlencode() + f"#column-{name}"

        columns.append({"name": name, "items": items[(page - 1) * COLUMN_PAGE:page * COLUMN_PAGE],
                        "total": len(items), "page": page, "pages": pages,
                        "previous": link(page - 1) if page > 1 else "", "next": link(page + 1) if page < pages else ""})
    return columns


@login_required
def roadmap_page(request: AuthedRequest) -> HttpResponse:
    audience = request.GET.get("for") or "leadership"
    view = services.roadmap(request.user, audience)
    capacity = services.capacity(request.user, start=view.quarters[0] if view.quarters else None,
                                 count=max(len(view.quarters), 4))
    show_capacity = audience in ("leadership", "engineering")
    return page_with_tabs(request, "planning/roadmap.html", "roadmap", {
        "title": "Roadmap",
        "audience": view.audience,
        "audiences": list(services.AUDIENCES),
        "view": view,
        "board": _board_pages(request, view.board()),
        "gantt": charts.gantt(view.quarters, view.rows),
        "capacity": capacity if show_capacity else [],
        "capacity_spec": charts.capacity_spec(capacity) if show_capacity else None,
        "kind_colours": charts.KIND_COLOURS,
        "can_share": has_perm(request.user, Perm.EDIT_PLANS),
    })


@login_required
@require_http_methods(["GET", "POST"])
def idea_page(request: AuthedRequest, initiative_id: int) -> HttpResponse:
    actor = request.user
    if request.method == "POST":
        action = request.POST.get("action")
        try:
            if action == "stage":
                services.set_stage(actor, initiative_id, request.POST.get("stage", ""))
                messages.success(request, "Stage changed.")
            elif action == "depend":
                services.add_dependency(actor, initiative_id, _id(request.POST.get("target")),
                                        request.POST.get("type", "requires"))
                messages.success(request, "Dependency added.")
            elif action == "undepend":
                services.remove_dependency(actor, initiative_id, _id(request.POST.get("target")))
                messages.success(request, "Dependency removed.")
            elif action == "inputs":
                values = {name: request.POST[name].strip() for name in services.INPUTS
                          if request.POST.get(name, "").strip()}
                if not values:
                    raise ValidationError("Enter at least one scoring input, then save.")
                services.set_inputs(actor, initiative_id, values, detail=request.POST.get("detail", "").strip())
                messages.success(request, f"Scoring inputs saved: {', '.join(values)}.")
            elif action == "reach":
                done = services.reach_from_analytics(actor, initiative_id, request.POST.get("event", "").strip(),
                                                     _days(request.POST.get("days")))
                messages.success(request, f"Reach set from analytics: {done.inputs['reach']['detail']}: "
                                          f"{formatting.number(done.inputs['reach']['value'])}.")
            elif action == "impact":
                done = services.impact_from_kpi(actor, initiative_id)
                messages.success(request, f"RICE impact set to {formatting.number(done.inputs['impact']['value'])} "
                                          f"from the linked KPI ({done.inputs['impact']['detail']}).")
            elif action == "link":
                services.add_attachment(actor, initiative_id, request.POST.get("title", ""),
                                        request.POST.get("url", ""))
                messages.success(request, "Link added.")
            else:
                services.add_comment(actor, initiative_id, request.POST.get("body", ""))
                messages.success(request, "Comment added.")
        except HeadwayError as exc:
            if exc.status == 403:
                raise
            messages.error(request, exc.message)
        return redirect("roadmap-idea", initiative_id=initiative_id)
    data = services.initiative_detail(actor, initiative_id)
    can_edit = services.may_change(actor, services.get_initiative(actor, initiative_id))
    others = [(i.pk, f"#{i.pk} {i.title}") for i in services.list_initiatives(actor)
              if i.pk != initiative_id]
    return page_with_tabs(request, "planning/idea.html", "roadmap-backlog", {
        "title": data.title, "idea": data, "stages": Stage.choices, "others": others,
        "can_edit": can_edit,
        "can_comment": has_perm(actor, Perm.COMMENT), "can_delete": has_perm(actor, Perm.EDIT_PLANS),
        "scoring_hints": scoring_hints(actor),
        "reach_events": services.reach_events(actor) if can_edit else [],
        "input_fields": [(name, hint, formatting.editable((data.inputs.get(name) or {}).get("value", "")))
                         for name, hint in services.INPUTS.items()],
    })


IDEA_FIELDS = ("title", "problem", "hypothesis", "product_area", "owner", "team", "kind", "duration", "goal",
               "kpi", "expected_impact", "user_value", "business_value", "kano")
LINK_FIELDS = ("owner", "goal", "kpi")
"""Selects whose value is a row's id (the detail gives it as ``<name>_id``)."""
IDEA_LABELS = {"title": "Title", "problem": "Problem", "hypothesis": "Hypothesis", "product_area": "Product area",
               "owner": "Owner", "team": "Lead team", "kind": "Kind", "duration": "Duration",
               "goal": "Goal", "kpi": "KPI", "expected_impact": "Expected impact",
               "user_value": "User value", "business_value": "Business value", "kano": "Kano category",
               "quarter": "Roadmap quarter", "commitment": "Commitment", "kano_functional": "Kano: if it has this",
               "kano_dysfunctional": "Kano: if it has not"}
KANO_FIELDS = ("kano_functional", "kano_dysfunctional")
"""The Kano answer pair; when given, it sets the Kano category."""


def _idea_form(request: AuthedRequest, initiative_id: int | None) -> HttpResponse:
    """The new-idea and edit-idea form: every problem shown next to its field, nothing saved unless all is well."""
    actor = request.user
    require(actor, Perm.EDIT_IDEAS)
    can_plan = has_perm(actor, Perm.EDIT_PLANS)
    teams = list(services.list_teams(actor))
    current = services.initiative_detail(actor, initiative_id) if initiative_id is not None else None
    if current is not None:
        shown = current.model_dump()
        values = {k: "" if shown.get(k) is None else str(shown[k]) for k in IDEA_FIELDS if k not in LINK_FIELDS}
        values.update({k: str(shown[f"{k}_id"] or "") for k in LINK_FIELDS})
        values.update(quarter=current.quarter or "", commitment=current.commitment or "likely")
        effort = {t.pk: f"{current.effort[t.name]:g}" if t.name in current.effort else "" for t in teams}
    else:
        values = dict.fromkeys(IDEA_FIELDS, "") | {"kind": "iterate", "duration": "1", "user_value": "0",
                                                   "business_value": "0", "quarter": "", "commitment": "likely"}
        effort = dict.fromkeys((t.pk for t in teams), "")
    errors: dict[str, str] = {}
    if request.method == "POST":
        values = {k: request.POST.get(k, "").strip() for k in (*IDEA_FIELDS, *KANO_FIELDS, "quarter", "commitment")}
        effort = {t.pk: request.POST.get(f"effort-{t.pk}", "").strip() for t in teams}
        if not can_plan and "quarter" in request.POST and values["quarter"] != ((current and current.quarter) or ""):
            # the form shows no roadmap place to those who may not plan: a posted one is refused, as in the API
            require(actor, Perm.EDIT_PLANS)
        try:
            if values["kano_functional"] or values["kano_dysfunctional"]:
                values["kano"] = services.kano_of_answers(values["kano_functional"], values["kano_dysfunctional"])
            saved = services.save_idea(
                actor, initiative_id, {k: _row_id(values[k]) if k in ("goal", "kpi") else values[k]
                                       for k in IDEA_FIELDS},
                {t.name: effort[t.pk] or 0 for t in teams},
                quarter=values["quarter"] if can_plan else None, commitment=values["commitment"] or "likely")
        except ValidationError as exc:
            details = exc.details if isinstance(exc.details, dict) else {}
            by_name = {f"effort.{t.name}": f"effort-{t.pk}" for t in teams}
            errors = {by_name.get(str(k), str(k)): str(v) for k, v in details.items()} or {"__all__": exc.message}
        else:
            messages.success(request, f"Idea #{saved.pk} {saved.title} {'saved' if current else 'proposed'}.")
            return redirect("roadmap-idea", initiative_id=saved.pk)
    labels = IDEA_LABELS | {f"effort-{t.pk}": f"Effort of {t.name}" for t in teams}
    return page_with_tabs(request, "planning/idea_form.html", "roadmap-backlog", {
        "title": f"Edit #{initiative_id}" if current else "New idea", "idea": current, "values": values,
        "errors": errors, "labels": labels, "choices": services.idea_form_choices(actor), "can_plan": can_plan,
        "kano_answers": [("", "Not asked")] + [(a, a) for a in services.KANO_ANSWERS],
        "efforts": [{"id": f"effort-{t.pk}", "team": t.name, "value": effort[t.pk],
                     "rate": t.cost_per_week, "error": errors.get(f"effort-{t.pk}", "")} for t in teams],
    }, status=422 if errors else 200)


@login_required
@require_http_methods(["GET", "POST"])
def idea_new(request: AuthedRequest) -> HttpResponse:
    """Propose an idea (needs ideas.edit)."""
    return _idea_form(request, None)


@login_required
@require_http_methods(["GET", "POST"])
def idea_edit(request: AuthedRequest, initiative_id: int) -> HttpResponse:
    """Change an idea (needs ideas.edit; its roadmap place needs plans.edit)."""
    return _idea_form(request, initiative_id)


def _row_id(value: str) -> int | str:
    """A select's value: a row's id as a number (so it is never taken for a title), else the text as given."""
    return int(value) if is_id(value) else value


def _days(value: str | None) -> int:
    """The posted window of reach from analytics (7 or 30 days; the service says so for anything else)."""
    text = str(value or "30").strip()
    return int(text) if text.isdigit() and len(text) < 4 else 0


def _id(value: str | None) -> int:
    """A posted initiative id, or a ValidationError saying what to pick."""
    try:
        return int(str(value or "").strip().lstrip("#"))
    except ValueError:
        raise ValidationError(f"{value!r} is not an initiative: pick one from the list.") from None


@login_required
@require_http_methods(["GET", "POST"])
def scoring_page(request: AuthedRequest) -> HttpResponse:
    actor = request.user
    error: HeadwayError | None = None
    values = {"name": "", "framework": "formula", "formula": "", "weights": "", "stale_after_days": "90"}
    if request.method == "POST":
        values = {k: request.POST.get(k, v) for k, v in values.items()}
        try:
            if request.POST.get("action") == "run":
                run = services.score_all(actor, request.POST.get("model") or None)
                messages.success(request, f"Scored {len(run.scores)} initiatives with {run.model}; "
                                          f"{len(run.skipped)} skipped for missing inputs.")
                return redirect("roadmap-scoring")
            weights = {}
            for part in values["weights"].replace("\n", ",").split(","):
                name, _, weight = part.partition("=")
                if name.strip():
                    weights[name.strip()] = weight.strip()
            services.save_scoring_model(actor, values["name"], values["framework"],
                                        formula=values["formula"], weights=weights,
                                        stale_after_days=values["stale_after_days"],
                                        primary=bool(request.POST.get("primary")))
            messages.success(request, f"Scoring setup {values['name']} saved.")
            return redirect("roadmap-scoring")
        except HeadwayError as exc:
            if exc.status == 403:
                raise
            error = exc
    details = error.details if error is not None and isinstance(error.details, dict) else {}
    column = details.get("column") if error is not None and error.code == "formula_error" else None
    return page_with_tabs(request, "planning/scoring.html", "roadmap-scoring", {
        "title": "Scoring", "models": services.list_scoring_models(actor),
        "frameworks": Framework.choices, "inputs": services.INPUTS, "derived": services.DERIVED,
        "fields": services.known_fields(), "values": values, "error": error,
        "formula_caret": " " * (int(column) - 1) + "^" if column else "",
        "can_edit": has_perm(actor, Perm.EDIT_PLANS), "can_score": has_perm(actor, Perm.EDIT_IDEAS),
        "hints": scoring_hints(actor),
    })


OPTIMISE_FIELDS = ("budget", "quarters", "start", "objective", "user_weight", "business_weight", "must", "exclude",
                   "target_mix", "time_limit")


@login_required
@require_http_methods(["GET", "POST"])
def optimise_page(request: AuthedRequest) -> HttpResponse:
    actor = request.user
    source = request.POST if request.method == "POST" else request.GET
    teams = list(services.list_teams(actor))
    values = {k: source.get(k, "") for k in OPTIMISE_FIELDS}
    values["quarters"] = values["quarters"] or "4"
    values["objective"] = values["objective"] or "score"
    values["target_mix"] = values["target_mix"] or "70/20/10"
    result = None
    error = None
    job = None
    follow = ""
    scenario = (request.POST.get("scenario") or "").strip() if request.method == "POST" else ""
    if "run" in source or "job" in source or request.method == "POST":
        request_data: dict[str, Any] = {k: v for k, v in values.items() if v not in ("", None)}
        for key in ("mix_min", "mix_max"):
            shares = {kind: source.get(f"{key}_{kind}") for kind in services.MIX_KINDS}
            request_data[key] = {k: v for k, v in shares.items() if v}
        request_data["cover_goals"] = [_row_id(g.strip()) for g in source.getlist("cover_goals") if g.strip()]
        request_data["extra_headcount"] = {t.name: source.get(f"extra_{t.pk}") for t in teams
                                           if source.get(f"extra_{t.pk}", "").strip()}
        request_data["hire"] = [t for t in source.getlist("hire") if t.strip()]
        job_param = source.get("job", "")
        try:
            if is_id(job_param):  # a run that went on in the background, now done (or still going)
                job = jobs.get_job(actor, int(job_param))
                result = services.optimisation_result(actor, job.id)
            else:  # a run the page waits up to a second for, then follows with a progress bar
                job = services.start_optimisation(actor, request_data, scenario=scenario or None)
                job = jobs.wait_for(job.id, OPTIMISE_WAIT_SECONDS)
                result = services.optimisation_result(actor, job.id)
                if result is not None and scenario:
                    messages.success(request, f"Saved as scenario {scenario}.")
            if result is None:
                query = {k: v for k, v in source.lists() if k not in ("csrfmiddlewaretoken", "job")}
                follow = reverse("roadmap-optimise") + "?" + urlencode({**query, "job": job.id}, doseq=True)
        except HeadwayError as exc:
            if exc.status == 403:
                raise
            error = exc
    compare = source.getlist("compare") if hasattr(source, "getlist") else []
    comparison = services.compare_scenarios(actor, compare) if compare else None
    return page_with_tabs(request, "planning/optimise.html", "roadmap-optimise", {
        "title": "Optimiser", "values": values, "result": result, "error": error,
        "job": job if result is None and error is None else None, "follow": follow,
        "mix_kinds": services.MIX_KINDS,
        "mix_values": {k: (source.get(f"mix_min_{k}", ""), source.get(f"mix_max_{k}", ""))
                       for k in services.MIX_KINDS},
        "extra_headcount": [{"id": f"extra_{t.pk}", "team": t.name, "value": source.get(f"extra_{t.pk}", "")}
                            for t in teams],
        "goals": services.goals_in_use(), "cover_goals": [_row_id(g.strip()) for g in source.getlist("cover_goals")],
        "scenarios": services.list_scenarios(actor), "comparison": comparison,
        "compare": compare, "can_save": has_perm(actor, Perm.EDIT_PLANS),
        "hiring_teams": sorted({r.team for r in services.list_roles(actor)}), "hire": source.getlist("hire"),
        "hiring_spec": charts.capacity_spec(result.hiring.capacity, "The plan's capacity with its hires")
        if result is not None and result.hiring is not None and result.hiring.capacity else None,
    })


HIRING_ACTIONS = {"approve": services.approve_opening, "open": services.open_opening,
                  "cancel": services.cancel_opening}


@login_required
@require_http_methods(["GET", "POST"])
def hiring_page(request: AuthedRequest) -> HttpResponse:
    """The hiring plan: roles, attrition and openings, with the actions the viewer may take."""
    actor = request.user
    error: HeadwayError | None = None
    if request.method == "POST":
        action, post = request.POST.get("action", ""), request.POST
        try:
            if action in HIRING_ACTIONS:
                opening = HIRING_ACTIONS[action](actor, _id(post.get("opening")))
                messages.success(request, f"Opening {opening.id} is {opening.status}.")
            elif action == "fill":
                opening = services.fill_opening(actor, _id(post.get("opening")), post.get("name", ""),
                                                start_date=post.get("start_date") or None,
                                                email=post.get("email", ""))
                messages.success(request, f"{opening.person} joins {opening.team} as {opening.title}.")
            elif action == "plan":
                opening = services.plan_opening(actor, post.get("role", ""), post.get("start_quarter", ""),
                                                note=post.get("note", ""))
                messages.success(request, f"Opening {opening.id} planned: {opening.role} in {opening.start_quarter}.")
            elif action == "role":
                fields = {k: post.get(k) for k in services.ROLE_FIELDS if (post.get(k) or "").strip()}
                role = services.save_role(actor, post.get("team", ""), post.get("level", ""),
                                          post.get("location", ""), **fields)
                messages.success(request, f"Role {role.key} saved.")
            elif action == "delete-role":
                doomed = services.get_role(actor, post.get("role", ""))
                services.delete_role(actor, doomed.pk)
                messages.success(request, f"Role {doomed.key} deleted.")
            elif action == "attrition":
                team = services.set_attrition(actor, post.get("team", ""), post.get("rate", ""))
                messages.success(request, f"{team.name}: {team.attrition:.1%} attrition a year.")
            else:
                raise ValidationError(f"There is no action {action!r} on the hiring page.")
            return redirect("roadmap-hiring")
        except HeadwayError as exc:
            if exc.status == 403:
                raise
            error = exc
    return page_with_tabs(request, "planning/hiring.html", "roadmap-hiring", {
        "title": "Hiring plan", "plan": services.hiring_plan(actor), "roles": services.list_roles(actor),
        "teams": services.list_teams(actor), "error": error, "post": request.POST,
        "can_propose": has_perm(actor, Perm.EDIT_IDEAS), "can_approve": has_perm(actor, Perm.EDIT_PLANS),
        "can_fill": has_perm(actor, Perm.MANAGE_TEAM),
        "quarter": services.quarter_of(timezone.localdate()),
    }, status=200 if error is None else error.status)
