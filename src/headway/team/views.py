"""The team's pages: the ladder, a person, check-ins, 360 reviews, readiness, job descriptions and interviews (the
team page with the org chart and the people list is in :mod:`org_views`; review, check-in and erasure controls in
:mod:`review_views`, :mod:`checkin_views` and :mod:`erase_views`).

Each view calls the services (which check access) and renders; POST handlers redirect after success and show a
HeadwayError's message on the same page.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

import altair as alt
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import redirect, render

from headway.core.errors import HeadwayError, NotFound
from headway.core.http import AuthedRequest, actor_of
from headway.core.permissions import Perm, has_perm
from headway.core.validation import form_id, form_ids, form_json_object
from headway.team import services
from headway.team.engine.checkins import CADENCES
from headway.team.engine.jd import MAX_MUST_HAVES
from headway.team.engine.ladder import SCOPES
from headway.team.models import Department
from headway.team.services import (
    checkins,
    jobs,
    ladders,
    privacy,
    readiness,
    reminders,
    review_reports,
    reviews,
)
from headway.team.services.access import person_of
from headway.web.charts import inline_data


def _post(request: HttpRequest, action: Callable[[], object], ok: str) -> HttpResponseRedirect:
    """Run a POST action; report success or the error's message, then go back to the same page."""
    try:
        action()
        messages.success(request, ok)
    except HeadwayError as exc:
        if exc.status in (403, 404):  # refused, or not the role's to see: the error page, as in the API
            raise
        messages.error(request, exc.message)
    return redirect(request.path)


def _lines(text: str) -> list[str]:
    return [line.strip() for line in text.splitlines() if line.strip()]


@login_required
def ladder_page(request: AuthedRequest) -> HttpResponse:
    actor = actor_of(request)
    if request.method == "POST":
        op = request.POST.get("op", "")
        args: dict[str, object] = {k: v for k, v in request.POST.items()
                                   if k not in {"op", "csrfmiddlewaretoken", "note"} and v}
        if "anchors" in args:
            args["anchors"] = _lines(str(args["anchors"]))
        expectations = args.pop("expectations", None)

        def edit() -> object:
            if expectations is not None:
                args["expectations"] = form_json_object(expectations, "expectations", '{"pm-1": 2}')
            return ladders.edit_ladder(actor, op, note=request.POST.get("note", ""), **args)

        return _post(request, edit, "The ladder was saved as a new version.")
    ladder = ladders.current_ladder(actor)
    rows = [{"competency": c, "expected": [lv.expectations[c.slug] for lv in ladder.levels]}
            for c in ladder.competencies]
    return render(request, "team/ladder.html", {
        "title": "Career ladder", "ladder": ladder, "rows": rows, "scopes": SCOPES,
        "by_level": [(lv, [(c.name, lv.expectations[c.slug]) for c in ladder.competencies]) for lv in ladder.levels],
        "versions": ladders.list_versions(actor),
        "can_edit": has_perm(actor, Perm.MANAGE_TEAM),
    })


@login_required
def person_page(request: AuthedRequest, person_id: int) -> HttpResponse:
    actor = actor_of(request)
    if request.method == "POST":
        return _post(request, lambda: services.update_person(actor, person_id, **person_fields(request)),
                     "Saved.")
    person = services.get_person(actor, person_id)
    return render(request, "team/person.html", {
        "title": person.name, "person": person, "chain": services.reporting_chain(person),
        "reports": person.reports.filter(active=True).order_by("name"),
        "pairs": checkins.pairs_of_person(actor, person.pk),
        "reviews": review_reports.visible_reviews(actor, person.pk),
        "is_me": person_of(actor) == person, **person_form_context(actor),
        "can_erase": has_perm(actor, Perm.MANAGE_USERS) and person.active,
    })


def person_fields(request: HttpRequest) -> dict[str, Any]:
    """The person form's fields (a blank manager is nobody)."""
    form = request.POST
    fields: dict[str, Any] = {k: form.get(k, "").strip() for k in ("name", "title", "email", "department", "level")
                              if k in form}
    if "manager" in form:
        fields["manager"] = _int(form["manager"]) or None
    if form.get("active") in ("0", "1"):  # the edit form's Status: works here, or has left
        fields["active"] = form["active"] == "1"
    return fields


def person_form_context(actor: Any) -> dict[str, Any]:
    """What the add and edit forms offer: only to those who manage the team."""
    if not has_perm(actor, Perm.MANAGE_TEAM):
        return {"can_manage_people": False}
    return {"can_manage_people": True, "departments": Department.choices,
            "levels": ladders.current_ladder(actor).levels, "managers": list(services.list_people(actor))}


@login_required
def checkins_page(request: AuthedRequest) -> HttpResponse:
    actor = actor_of(request)
    if request.method == "POST":  # start a series: a manager with a report (leaders: any pair)
        form = request.POST
        return _post(request, lambda: checkins.create_pair(
            actor, _int(form.get("manager", "")), _int(form.get("report", "")), form.get("cadence") or "weekly"),
            "Check-ins started.")
    pairs = [checkins.pair_view(actor, p.pk) for p in checkins.list_pairs(actor)]
    me = person_of(actor)
    can_manage = has_perm(actor, Perm.MANAGE_TEAM)
    people = list(services.list_people(actor))
    reports = people if can_manage else [p for p in people if me and p.manager_id == me.pk]
    return render(request, "team/checkins.html", {
        "title": "Check-ins", "pairs": pairs,
        "overdue": checkins.overdue_data(checkins.overdue(actor)),
        "can_start": bool(reports) and (can_manage or me is not None), "can_manage": can_manage, "me": me,
        "managers": people if can_manage else [me] if me else [],
        "reports": reports,
        "cadences": list(CADENCES.items()),
    })


def _int(value: str) -> int:
    return int(value) if value.strip().isdigit() else 0


@login_required
def pair_page(request: AuthedRequest, pair_id: int) -> HttpResponse:
    actor = actor_of(request)
    if request.method == "POST":
        form = request.POST
        if form.get("form") == "agenda":
            return _post(request, lambda: checkins.add_agenda_item(
                actor, pair_id, form.get("text", ""), private=bool(form.get("private"))), "Agenda item added.")
        if form.get("form") == "action":
            return _post(request, lambda: checkins.add_action_item(
                actor, pair_id, form.get("text", ""), form_id(form.get("owner") or "0", "owner", what="a person"), form.get("due") or None),
                "Action item added.")
        pulse = form.get("pulse")
        return _post(request, lambda: checkins.record_checkin(
            actor, pair_id, on=form.get("date") or None, pulse=form_id(pulse, "pulse", what="a pulse from 1 to 5") if pulse else None,
            pulse_comment=form.get("pulse_comment", ""), notes=form.get("notes", ""),
            done=form_ids(form.getlist("done"), "done", what="an agenda item"),
            actions_done=form_ids(form.getlist("actions_done"), "actions_done", what="an action item")),
            "Check-in recorded.")
    view = checkins.pair_view(actor, pair_id)
    me = person_of(actor)
    return render(request, "team/pair.html", {
        "title": "Check-ins", "view": view, "pulses": range(1, 6), "cadences": list(CADENCES.items()),
        "in_pair": me is not None and me.pk in (view.pair.manager_id, view.pair.report_id)})


@login_required
def reviews_page(request: AuthedRequest) -> HttpResponse:
    actor = actor_of(request)
    if request.method == "POST":
        return _post(request, lambda: reviews.create_cycle(
            actor, request.POST.get("name", ""), form_ids(request.POST.getlist("reviewee"), "reviewee",
                                                          what="a person")),
                     "Review cycle created.")
    return render(request, "team/reviews.html", {
        "title": "Reviews", "cycles": reviews.list_cycles(actor),
        "todo": reviews.my_assignments(actor), "threshold": reviews.threshold(),
        "can_set_threshold": has_perm(actor, Perm.EDIT_WORKSPACE), "max_threshold": reviews.MAX_THRESHOLD,
        "can_manage": has_perm(actor, Perm.MANAGE_TEAM), "people": services.list_people(actor),
    })


@login_required
def cycle_page(request: AuthedRequest, cycle_id: int) -> HttpResponse:
    actor = actor_of(request)
    if request.method == "POST":
        form = request.POST
        what = form.get("form")
        if what == "advance":
            return _post(request, lambda: reviews.advance(actor, cycle_id, form.get("to") or None), "Cycle moved on.")
        if what == "nominate":  # the reviewee for themselves, or a manager for a report (form's reviewee)
            me = person_of(actor)
            whom = form.get("reviewee") or str(me.pk if me else 0)
            return _post(request, lambda: reviews.nominate(
                actor, cycle_id, form_id(whom, "reviewee", what="a person"),
                form_ids(form.getlist("reviewer"), "reviewer", what="a person")), "Reviewers nominated.")
        if what == "decide":
            return _post(request, lambda: reviews.decide(
                actor, form_id(form.get("nomination") or "0", "nomination", what="a nomination"), form.get("approve") == "1"), "Nomination decided.")
        if what == "calibrate":
            return _post(request, lambda: review_reports.calibrate(
                actor, cycle_id, form_id(form.get("reviewee") or "0", "reviewee", what="a person"), performance=form.get("performance") or None,
                potential=form.get("potential") or None, notes=form.get("notes")), "Calibration saved.")
    cycle = reviews.get_cycle(actor, cycle_id)
    me = person_of(actor)
    mine = cycle.reviews.filter(reviewee=me).first() if me else None
    managed = [r for r in cycle.reviews.select_related("reviewee") if me and reviews.may_manage(actor, r)]
    return render(request, "team/cycle.html", {
        "title": cycle.name, "cycle": cycle, "next_state": reviews.NEXT_STATE.get(cycle.state),
        "progress": review_reports.progress(actor, cycle_id),
        "mine": mine, "my_nominations": reviews.list_nominations(actor, cycle_id, me.pk) if mine and me else [],
        "managed": [(r, reviews.list_nominations(actor, cycle_id, r.reviewee_id)) for r in managed],
        "people": services.list_people(actor), "can_manage": has_perm(actor, Perm.MANAGE_TEAM),
        "results": [r for r in cycle.reviews.select_related("reviewee") if review_reports.may_see_results(actor, r)],
        "ratings": range(1, 6), "missing": _missing(actor, cycle),
        "reviewees": {r.reviewee_id for r in cycle.reviews.all()},
    })


def _missing(actor: Any, cycle: Any) -> list[reminders.MissingLine] | None:
    """Who is missing (counts per reviewee and group) while collecting, for those who may see it; else None."""
    if cycle.state != "collecting":
        return None
    try:
        return reminders.missing(actor, cycle.pk)
    except HeadwayError:
        return None


@login_required
def respond_page(request: AuthedRequest, nomination_id: int) -> HttpResponse:
    actor = actor_of(request)
    assignment = next((a for a in reviews.my_assignments(actor) if a.nomination.pk == nomination_id), None)
    if assignment is None:
        raise NotFound("There is no open review for you with this id: see Reviews for yours.")
    if request.method == "POST":
        ratings = {q.slug: request.POST.get(f"rating-{q.slug}") for q in reviews.questions(assignment.review.cycle)}
        try:
            reviews.respond(actor, nomination_id, ratings, request.POST.get("comment", ""))
        except HeadwayError as exc:
            if exc.status == 403:
                raise
            messages.error(request, exc.message)
            return redirect(request.path)
        messages.success(request, "Review submitted. Thank you.")
        return redirect("team-reviews")
    return render(request, "team/respond.html", {
        "title": "Write a review", "assignment": assignment,
        "questions": reviews.questions(assignment.review.cycle), "ratings": range(1, 6),
    })


def _expected_levels(res: review_reports.Results) -> dict[str, int]:
    """What the ladder expects of the reviewee's level per competency; empty when the level is not on it."""
    ladder = reviews.cycle_ladder(res.review.cycle)
    level = next((lv for lv in ladder.levels if lv.slug == res.review.reviewee.level), None)
    return dict(level.expectations) if level else {}


def competency_charts(data: review_reports.ReviewResults, expected: dict[str, int]) -> list[dict[str, Any]]:
    """One small bar chart per competency: a bar per displayed unit (hidden means left out), the expected
    level as a rule line. Built only from ``results_data``, so a hidden group's numbers never reach a chart."""
    units = [*data.units, data.overall]
    charts = []
    for i, score in enumerate(data.overall.scores):
        slug, name = score.competency, score.name
        rows: list[dict[str, Any]] = [{"group": u.label, "mean": u.scores[i].mean}
                                      for u in units if u.scores[i].mean is not None]
        if slug in expected:
            rows = [{**row, "expected": expected[slug]} for row in rows]
        y = alt.Y("mean:Q", title="Average rating", scale=alt.Scale(domain=[0, 5]))
        bars = alt.Chart().mark_bar().encode(
            x=alt.X("group:N", title="Group", sort=None, axis=alt.Axis(labelAngle=-30)), y=y,
            tooltip=[alt.Tooltip("group:N", title="Group"), alt.Tooltip("mean:Q", title="Average rating")],
        )
        layers: list[Any] = [bars]
        label = f"Bar chart: average rating of {name} per reviewer group"
        if slug in expected:
            layers.append(alt.Chart().mark_rule(color="#b45309", strokeDash=[4, 3], size=2).encode(
                y=alt.Y("max(expected):Q", title="Expected at this level")))
            label += f"; the level expects {expected[slug]}"
        chart = alt.layer(*layers, data=inline_data(rows), title=name, height=160)
        charts.append({"id": f"competency-{slug}", "label": label, "spec": chart,
                       "empty": f"No group has enough ratings of {name} to show an average."})
    return charts


@login_required
def results_page(request: AuthedRequest, cycle_id: int, person_id: int) -> HttpResponse:
    res = review_reports.results(actor_of(request), cycle_id, person_id)
    data = review_reports.results_data(res)
    units = [*data.units, data.overall]
    table = [{"name": s.name, "means": [u.scores[i].mean for u in units]}
             for i, s in enumerate(data.overall.scores)]
    return render(request, "team/results.html", {"title": f"Review of {data.reviewee}", "data": data,
                                                 "units": units, "table": table,
                                                 "charts": competency_charts(data, _expected_levels(res))})


@login_required
def ninebox_page(request: AuthedRequest, cycle_id: int) -> HttpResponse:
    cycle = reviews.get_cycle(actor_of(request), cycle_id)
    data = review_reports.nine_box_data(review_reports.nine_box(actor_of(request), cycle_id))
    selected = request.GET.get("cell", "")
    cell = next((c for c in data.cells if c.name == selected), None)
    return render(request, "team/ninebox.html", {"title": "Nine-box", "cycle": cycle, "data": data, "cell": cell})


@login_required
def readiness_page(request: AuthedRequest, person_id: int) -> HttpResponse:
    person = services.get_person(actor_of(request), person_id)
    data = readiness.readiness_data(readiness.promotion_readiness(actor_of(request), person_id))
    return render(request, "team/readiness.html", {"title": "Promotion readiness", "person": person, "data": data})


@login_required
def jobs_page(request: AuthedRequest) -> HttpResponse:
    actor = actor_of(request)
    if request.method == "POST":
        form = request.POST
        pay = ({"minimum": form["pay_min"], "maximum": form.get("pay_max"), "currency": form.get("currency")}
               if form.get("pay_min") else None)
        return _post(request, lambda: jobs.generate(
            actor, level=form.get("level", ""), specialisation=form.get("specialisation", "core"),
            team=form.get("team", ""), location=form.get("location", ""), mission=form.get("mission", ""),
            pay=pay), "Job description generated.")
    ladder = ladders.current_ladder(actor)
    return render(request, "team/jobs.html", {
        "title": "Job descriptions", "jobs": jobs.list_jobs(actor), "ladder": ladder,
        "can_edit": has_perm(actor, Perm.MANAGE_TEAM),
    })


@login_required
def job_page(request: AuthedRequest, job_id: int) -> HttpResponse:
    actor = actor_of(request)
    if request.method == "POST":
        form = request.POST
        changes: dict[str, Any] = {k: form.get(k, "") for k in ("title", "location", "summary", "about_company")}
        for key in ("responsibilities", "must_haves", "nice_to_haves"):
            changes[key] = _lines(form.get(key, ""))
        return _post(request, lambda: jobs.edit(actor, job_id, note=form.get("note", ""), **changes),
                     "Saved as a new version.")
    return render(request, "team/job.html", {
        "title": "Job description", "job": (job := jobs.job_data(actor, job_id)),
        "lines": {"responsibilities": "\n".join(job.responsibilities), "must_haves": "\n".join(job.must_haves),
                  "nice_to_haves": "\n".join(job.nice_to_haves)},
        "versions": jobs.versions(actor, job_id), "max_must_haves": MAX_MUST_HAVES,
        "preview": jobs.export(actor, job_id, "html").text, "can_edit": has_perm(actor, Perm.MANAGE_TEAM),
    })


@login_required
def job_export(request: AuthedRequest, job_id: int, fmt: str) -> HttpResponse:
    out = jobs.export(actor_of(request), job_id, fmt)
    response = HttpResponse(out.text, content_type=f"{out.media_type}; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{out.filename}"'
    return response


@login_required
def my_data_export(request: AuthedRequest) -> HttpResponse:
    data = privacy.export_person_data(actor_of(request))
    response = HttpResponse(json.dumps(data.model_dump(mode="json"), indent=2), content_type="application/json")
    response["Content-Disposition"] = 'attachment; filename="my-headway-data.json"'
    return response


@login_required
def interviews_page(request: AuthedRequest, job_id: int) -> HttpResponse:
    """A job's interview kit, the viewer's own scorecards to submit, and for a candidate the scorecards the viewer
    may read and the debrief (others' only once the viewer's own is submitted)."""
    from headway.core.errors import HeadwayError, NotFound

    actor = actor_of(request)
    iv = services.interviews
    if request.method == "POST":
        form = request.POST
        action = form.get("action", "")
        if action == "kit":
            return _post(request, lambda: iv.make_kit(actor, job_id, int(form.get("interviews") or 4)),
                         "Interview kit made.")
        if action == "assign":
            return _post(request, lambda: iv.assign(actor, job_id, form.get("candidate", ""),
                                                    form.get("interview", ""), form.get("interviewer", ""),
                                                    candidate_email=form.get("candidate_email", "")),
                         "Interview assigned.")
        ratings = {k.removeprefix("rating_"): v for k, v in form.items() if k.startswith("rating_")}
        return _post(request, lambda: iv.submit(actor, int(form.get("scorecard") or 0), ratings,
                                                notes=form.get("notes", ""),
                                                recommendation=form.get("recommendation", "")),
                     "Scorecard submitted.")
    try:
        kit = iv.get_kit(actor, job_id)
    except NotFound:
        kit = None
    candidate = request.GET.get("candidate", "").strip()
    cards, debrief, hidden = [], None, ""
    if kit is not None and candidate:
        try:
            cards = iv.visible(actor, job_id, candidate)
            debrief = iv.debrief(actor, job_id, candidate)
        except HeadwayError as exc:
            hidden = exc.message
    mine = [c for c in iv.mine(actor) if c.job_id == job_id]
    return render(request, "team/interviews.html", {
        "title": "Interviews", "job_id": job_id, "kit": kit, "mine": mine, "candidate": candidate, "cards": cards,
        "debrief": debrief, "hidden": hidden, "can_manage": has_perm(actor, Perm.MANAGE_TEAM),
        "can_erase": has_perm(actor, Perm.MANAGE_USERS),
        "rate": iv.submission_rate(actor, job_id) if kit is not None and has_perm(actor, Perm.MANAGE_TEAM) else None,
    })
