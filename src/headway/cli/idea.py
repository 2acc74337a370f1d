"""``headway idea list|show|add|edit|stage|depend|comment|link|score|kano|import``: ideas and initiatives from
the command line."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import typer

from headway.cli.console import console, print_json, print_table, workspace_currency
from headway.cli.handover import needs_events_store
from headway.conf.bootstrap import setup_django
from headway.core.errors import ValidationError
from headway.core.formatting import label, money, number

app = typer.Typer(help="Ideas and initiatives: the backlog, scores and imports.", no_args_is_help=True)


def parse_pairs(pairs: list[str], what: str) -> dict[str, str]:
    """``name=value`` options as a dict, or a clear error."""
    result = {}
    for pair in pairs or []:
        name, sep, value = pair.partition("=")
        if not sep or not name.strip():
            raise ValidationError(f"{what} {pair!r} is not NAME=VALUE, e.g. Web=6.")
        result[name.strip()] = value.strip()
    return result


@app.command("list")
def list_ideas(
    sort: str = typer.Option("score", "--sort", help="score, cost, effort_weeks, demand, user_value, "
                             "business_value, id or title."),
    ascending: bool = typer.Option(False, "--ascending", help="Lowest first."),
    model: str = typer.Option(None, "--model", "-m", help="Scoring setup (default: the primary one)."),
    all_stages: bool = typer.Option(False, "--all", help="Also shipped, measured and parked ones."),
    as_json: bool = typer.Option(False, "--json", help="Print JSON instead of a table."),
) -> None:
    """The backlog with each initiative's current score, cost and stale-input flags."""
    setup_django()
    from headway.planning import services

    rows = services.backlog(None, model_name=model, sort=sort, descending=not ascending, open_only=not all_stages)
    currency = workspace_currency()
    if as_json:
        print_json([r.model_dump() for r in rows])
        return
    print_table(f"Backlog ({len(rows)})", ["id", "title", "stage", "kind", "team", "weeks", "cost", "score",
                                           "0-100", "stale"],
                [(r.id, r.title, label(r.stage), label(r.kind), r.team, number(r.effort_weeks), money(r.cost, currency),
                  "" if r.score is None else number(r.score), "" if r.normalised is None else number(r.normalised),
                  "; ".join(r.stale)) for r in rows])


@app.command("show")
def show(
    initiative: int = typer.Argument(..., help="The initiative's id (see `headway idea list`)."),
    as_json: bool = typer.Option(False, "--json", help="Print JSON."),
) -> None:
    """One initiative: fields, effort and cost, dependencies, scores, history and comments."""
    setup_django()
    from headway.planning import services

    data = services.initiative_detail(None, initiative)
    if as_json:
        print_json(data.model_dump())
        return
    console.print(f"[bold]#{data.id} {data.title}[/] · {label(data.stage)} · {label(data.kind)}", markup=True)
    shown = data.model_dump()
    for key in ("problem", "hypothesis", "product_area", "team", "owner", "duration", "goal", "kpi",
                "expected_impact", "demand", "user_value", "business_value", "kano"):
        if shown[key] not in ("", None):
            linked = f" (id {shown[f'{key}_id']})" if key in ("goal", "kpi") else ""
            console.print(f"{key.replace('_', ' ')}: {shown[key]}{linked}", markup=False)
    console.print(f"effort: {data.effort_weeks:g} person-weeks "
                  f"({', '.join(f'{t} {w:g}' for t, w in data.effort.items()) or 'none'}) · "
                  f"cost: {money(data.cost, workspace_currency())}", markup=False)
    for dep in data.dependencies:
        console.print(f"{dep.type}: #{dep.id} {dep.title}", markup=False)
    for score in data.scores:
        console.print(f"score ({score.model}): {score.value:g} · {score.normalised:g}/100"
                      + (f" · stale: {'; '.join(score.stale)}" if score.stale else ""), markup=False)
    console.print("history: " + " → ".join(h.to for h in data.history), markup=False)
    if data.quarter:
        console.print(f"roadmap: {data.quarter} ({data.commitment})", markup=False)
    for note in data.comments:
        console.print(f"{note.author}: {note.body}", markup=False)
    for attachment in data.attachments:
        console.print(f"link: {attachment.title} <{attachment.url}>", markup=False)


@app.command("add")
def add(
    title: str = typer.Argument(..., help="What the initiative is, in a few words."),
    kind: str = typer.Option("iterate", "--kind", help="innovate, iterate, maintain or tech_debt."),
    team: str = typer.Option(None, "--team", help="The lead team."),
    effort: list[str] = typer.Option(None, "--effort", help="TEAM=WEEKS person-weeks; repeat per team."),
    problem: str = typer.Option("", "--problem"),
    area: str = typer.Option("", "--area", help="Product area."),
    user_value: float = typer.Option(0, "--user-value", help="0-10."),
    business_value: float = typer.Option(0, "--business-value", help="0-10."),
    goal: str = typer.Option("", "--goal", help="The goal it serves: its id or title (see `headway goal list`)."),
    hypothesis: str = typer.Option("", "--hypothesis"),
    owner: int = typer.Option(None, "--owner", help="The owner's person id (see `headway team list`)."),
    kpi: str = typer.Option("", "--kpi", help="The KPI it should move: its name or id (see `headway kpi list`)."),
    impact: str = typer.Option("", "--impact", help="Expected impact on the KPI, e.g. '+2 pts conversion'."),
    duration: int = typer.Option(1, "--duration", help="Quarters it runs (its effort is spread over them)."),
) -> None:
    """Propose an idea."""
    setup_django()
    from headway.planning import services

    created = services.create_initiative(None, title=title, kind=kind, team=team, problem=problem, product_area=area,
                                         user_value=user_value, business_value=business_value, goal=goal,
                                         hypothesis=hypothesis, owner=owner, kpi=kpi, expected_impact=impact,
                                         duration=duration, effort=parse_pairs(effort, "Effort"))
    console.print(f"Added #{created.pk} {created.title} (cost {services.cost(created):,.0f}).", markup=False)


@app.command("edit")
def edit(
    initiative: int = typer.Argument(..., help="The initiative's id."),
    title: str = typer.Option(None, "--title"),
    kind: str = typer.Option(None, "--kind", help="innovate, iterate, maintain or tech_debt."),
    team: str = typer.Option(None, "--team", help="The lead team."),
    effort: list[str] = typer.Option(None, "--effort", help="TEAM=WEEKS person-weeks (0 removes the team); repeat."),
    duration: int = typer.Option(None, "--duration", help="Quarters it runs."),
    problem: str = typer.Option(None, "--problem"),
    hypothesis: str = typer.Option(None, "--hypothesis"),
    area: str = typer.Option(None, "--area", help="Product area."),
    owner: int = typer.Option(None, "--owner", help="The owner's person id."),
    user_value: float = typer.Option(None, "--user-value", help="0-10."),
    business_value: float = typer.Option(None, "--business-value", help="0-10."),
    goal: str = typer.Option(None, "--goal", help="The goal it serves: its id or title ('' unlinks it)."),
    kpi: str = typer.Option(None, "--kpi", help="The KPI it should move: its name or id ('' unlinks it)."),
    impact: str = typer.Option(None, "--impact", help="Expected impact on the KPI."),
) -> None:
    """Change an initiative's fields or effort (only the options given)."""
    setup_django()
    from headway.planning import services

    fields = {"title": title, "kind": kind, "team": team, "duration": duration, "problem": problem,
              "hypothesis": hypothesis, "product_area": area, "owner": owner, "user_value": user_value,
              "business_value": business_value, "goal": goal, "kpi": kpi, "expected_impact": impact}
    changed = services.update_initiative(None, initiative, effort=parse_pairs(effort, "Effort"),
                                         **{k: v for k, v in fields.items() if v is not None})
    console.print(f"Saved #{changed.pk} {changed.title} (cost {services.cost(changed):,.0f}).", markup=False)


@app.command("stage")
def stage(
    initiative: int = typer.Argument(..., help="The initiative's id."),
    to: str = typer.Argument(..., help="idea, discovery, planned, in_progress, shipped, measured or parked."),
) -> None:
    """Move an initiative along the pipeline (the step is kept in its history)."""
    setup_django()
    from headway.planning import services

    moved = services.set_stage(None, initiative, to)
    console.print(f"#{moved.pk} {moved.title} is now {moved.stage}.", markup=False)


@app.command("depend")
def depend(
    initiative: int = typer.Argument(..., help="The initiative that depends."),
    target: int = typer.Argument(..., help="The initiative it requires (or conflicts with)."),
    conflicts: bool = typer.Option(False, "--conflicts", help="The two cannot both be chosen."),
    remove: bool = typer.Option(False, "--remove", help="Remove the links from INITIATIVE to TARGET."),
) -> None:
    """INITIATIVE requires TARGET (which must start no later; a cycle is refused), or conflicts with it."""
    setup_django()
    from headway.planning import services

    if remove:
        count = services.remove_dependency(None, initiative, target)
        console.print(f"Removed {count} link(s) from #{initiative} to #{target}.", markup=False)
        return
    dependency = services.add_dependency(None, initiative, target, "conflicts" if conflicts else "requires")
    console.print(f"#{dependency.source_id} {dependency.type} #{dependency.target_id}.", markup=False)


@app.command("comment")
def comment(
    initiative: int = typer.Argument(..., help="The initiative's id."),
    text: str = typer.Argument(..., help="The comment."),
) -> None:
    """Comment on an initiative."""
    setup_django()
    from headway.planning import services

    services.add_comment(None, initiative, text)
    console.print(f"Commented on #{initiative}.", markup=False)


@app.command("link")
def link(
    initiative: int = typer.Argument(..., help="The initiative's id."),
    url: str = typer.Argument(None, help="An http(s) link to a document, design or ticket."),
    title: str = typer.Option("", "--title", help="What the link is (default: the link)."),
    goal: str = typer.Option(None, "--goal", help="Link the goal it serves: its id or title ('' unlinks it)."),
    kpi: str = typer.Option(None, "--kpi", help="Link the KPI it should move: its name or id ('' unlinks it)."),
    impact: str = typer.Option(None, "--impact", help="The expected impact on the KPI, e.g. '+2 pts'."),
) -> None:
    """Attach a document, design or ticket by link, or link the idea to a goal and a KPI with its expected
    impact."""
    setup_django()
    from django.db import transaction

    from headway.planning import services

    fields: dict[str, Any] = {k: v for k, v in {"goal": goal, "kpi": kpi, "expected_impact": impact}.items()
                              if v is not None}
    if url is None and not fields:
        raise ValidationError("Give a URL to attach, or --goal, --kpi or --impact to link: "
                              f"`headway idea link {initiative} --goal 3 --kpi conversion --impact '+2 pts'`.")
    with transaction.atomic():  # both or neither
        linked = services.update_initiative(None, initiative, **fields) if fields else None
        attached = services.add_attachment(None, initiative, title, url) if url is not None else None
    if linked is not None:
        parts = [f"goal {linked.goal.title} (id {linked.goal_id})" if linked.goal else "no goal",
                 f"KPI {linked.kpi.name}" if linked.kpi else "no KPI"]
        impact_text = f", expected impact {linked.expected_impact}" if linked.expected_impact else ""
        console.print(f"#{linked.pk} {linked.title}: {', '.join(parts)}{impact_text}.", markup=False)
    if attached is not None:
        console.print(f"Linked {attached.title} to #{initiative}.", markup=False)


@app.command("score")
@needs_events_store
def score(
    initiative: int = typer.Argument(None, help="One initiative's id; leave out to score every open one."),
    model: str = typer.Option(None, "--model", "-m", help="Scoring setup (default: the primary one)."),
    set_inputs: list[str] = typer.Option(None, "--set", help="NAME=VALUE scoring input, e.g. reach=1200; repeat."),
    reach_event: str = typer.Option(None, "--reach-event", help="Set reach to the persons who did this event."),
    days: int = typer.Option(30, "--days", help="With --reach-event: the last 7 or 30 days."),
    impact_from_kpi: bool = typer.Option(False, "--impact-from-kpi",
                                         help="Set impact from the expected impact on the linked KPI."),
) -> None:
    """Score one initiative (after setting inputs with --set) or every open one, and print the result."""
    setup_django()
    from headway.planning import services

    inputs = parse_pairs(set_inputs, "Input")
    if (inputs or reach_event or impact_from_kpi) and initiative is None:
        raise ValidationError("--set, --reach-event and --impact-from-kpi need an initiative id: "
                              "`headway idea score ID --set reach=1200`.")
    if initiative is not None:
        if inputs:
            services.set_inputs(None, initiative, inputs)
        if reach_event:
            services.reach_from_analytics(None, initiative, reach_event, days)
        if impact_from_kpi:
            services.impact_from_kpi(None, initiative)
        value = services.score_one(None, initiative, model)
        console.print(f"#{initiative}: {value:g} ({services.get_scoring_model(None, model).name})", markup=False)
        return
    run = services.score_all(None, model)
    console.print(f"Scored {len(run.scores)} initiatives with {run.model}.", markup=False)
    for pk, reason in run.skipped.items():
        console.print(f"skipped #{pk}: {reason}", markup=False)


@app.command("kano")
def kano(
    initiative: int = typer.Argument(..., help="The initiative's id."),
    functional: str = typer.Argument(..., help="How users feel when it is there: like, expect, neutral, tolerate "
                                     "or dislike."),
    dysfunctional: str = typer.Argument(..., help="How they feel when it is not there (same answers)."),
) -> None:
    """Set the Kano category from the survey's answer pair."""
    setup_django()
    from headway.planning import services

    classified = services.set_kano(None, initiative, functional, dysfunctional)
    console.print(f"#{classified.pk} {classified.title} is {classified.kano}.", markup=False)


@app.command("import")
def import_file(
    path: Path = typer.Argument(..., exists=True, dir_okay=False, help="The CSV export."),
    source: str = typer.Option(..., "--from", help="jira or linear."),
    team: str = typer.Option(None, "--team", help="Team for rows without a Team column."),
) -> None:
    """Import initiatives from a Jira or Linear CSV export (all rows or none)."""
    setup_django()
    from headway.planning import services

    report = services.import_csv(None, path.read_text(encoding="utf-8-sig"), source, team=team)
    console.print(f"Imported {len(report.created)} new and updated {len(report.updated)} initiatives.")
