"""``headway idea list|show|add|score|import``: ideas and initiatives from the command line."""

from __future__ import annotations

from pathlib import Path

import typer

from headway.cli.console import console, print_json, print_table
from headway.conf.bootstrap import setup_django
from headway.core.errors import ValidationError

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
    if as_json:
        print_json([services.as_dict(r) for r in rows])
        return
    print_table(f"Backlog ({len(rows)})", ["id", "title", "stage", "kind", "team", "weeks", "cost", "score",
                                           "0-100", "stale"],
                [(r.id, r.title, r.stage, r.kind, r.team, f"{r.effort_weeks:g}", f"{r.cost:,.0f}",
                  "" if r.score is None else f"{r.score:g}", "" if r.normalised is None else f"{r.normalised:g}",
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
        print_json(data)
        return
    console.print(f"[bold]#{data['id']} {data['title']}[/] · {data['stage']} · {data['kind']}", markup=True)
    for key in ("problem", "hypothesis", "product_area", "team", "owner", "goal_ref", "kpi_ref", "expected_impact",
                "demand", "user_value", "business_value", "kano"):
        if data[key] not in ("", None):
            console.print(f"{key.replace('_', ' ')}: {data[key]}", markup=False)
    console.print(f"effort: {data['effort_weeks']:g} person-weeks "
                  f"({', '.join(f'{t} {w:g}' for t, w in data['effort'].items()) or 'none'}) · "
                  f"cost: {data['cost']:,.0f}", markup=False)
    for dep in data["dependencies"]:
        console.print(f"{dep['type']}: #{dep['id']} {dep['title']}", markup=False)
    for score in data["scores"]:
        console.print(f"score ({score['model']}): {score['value']:g} · {score['normalised']:g}/100"
                      + (f" · stale: {'; '.join(score['stale'])}" if score["stale"] else ""), markup=False)
    console.print("history: " + " → ".join(h["to"] for h in data["history"]), markup=False)
    for comment in data["comments"]:
        console.print(f"{comment['author']}: {comment['body']}", markup=False)


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
    goal: str = typer.Option("", "--goal", help="The goal it serves."),
) -> None:
    """Propose an idea."""
    setup_django()
    from headway.planning import services

    created = services.create_initiative(None, title=title, kind=kind, team=team, problem=problem, product_area=area,
                                         user_value=user_value, business_value=business_value, goal_ref=goal,
                                         effort=parse_pairs(effort, "Effort"))
    console.print(f"Added #{created.pk} {created.title} (cost {services.cost(created):,.0f}).", markup=False)


@app.command("score")
def score(
    initiative: int = typer.Argument(None, help="One initiative's id; leave out to score every open one."),
    model: str = typer.Option(None, "--model", "-m", help="Scoring setup (default: the primary one)."),
    set_inputs: list[str] = typer.Option(None, "--set", help="NAME=VALUE scoring input, e.g. reach=1200; repeat."),
    reach_event: str = typer.Option(None, "--reach-event", help="Set reach to the persons who did this event."),
    days: int = typer.Option(30, "--days", help="With --reach-event: the last 7 or 30 days."),
) -> None:
    """Score one initiative (after setting inputs with --set) or every open one, and print the result."""
    setup_django()
    from headway.planning import services

    inputs = parse_pairs(set_inputs, "Input")
    if (inputs or reach_event) and initiative is None:
        raise ValidationError("--set and --reach-event need an initiative id: "
                              "`headway idea score ID --set reach=1200`.")
    if initiative is not None:
        if inputs:
            services.set_inputs(None, initiative, inputs)
        if reach_event:
            services.reach_from_analytics(None, initiative, reach_event, days)
        value = services.score_one(None, initiative, model)
        console.print(f"#{initiative}: {value:g} ({services.get_scoring_model(None, model).name})", markup=False)
        return
    run = services.score_all(None, model)
    console.print(f"Scored {len(run.scores)} initiatives with {run.model}.", markup=False)
    for pk, reason in run.skipped.items():
        console.print(f"skipped #{pk}: {reason}", markup=False)


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
