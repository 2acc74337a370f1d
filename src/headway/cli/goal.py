"""``headway goal list|show|add|update``: company objectives and product goals, key results and check-ins."""

from __future__ import annotations

from dataclasses import asdict
from typing import TYPE_CHECKING

import typer

from headway.cli.console import console, print_json, print_table
from headway.conf.bootstrap import setup_django
from headway.core.formatting import label, percent

if TYPE_CHECKING:
    from headway.strategy.services import GoalView

app = typer.Typer(help="Goals: company objectives, product goals, key results and check-ins.", no_args_is_help=True)


def _rows(goals: list[GoalView], depth: int = 0) -> list[list[object]]:
    rows: list[list[object]] = []
    for g in goals:
        krs = ", ".join(f"{k.kpi} {k.projected}/{k.target}" for k in g.key_results)
        rows.append([g.id, "  " * depth + g.title, label(g.level), g.period, g.owner, g.track.status_label,
                     percent(g.track.progress), percent(g.confidence, ratio=False), krs])
        rows.extend(_rows(g.children, depth + 1))
    return rows


@app.command("list")
def list_goals(
    period: str = typer.Option(None, "--period", help="current, next, FY2027 Q2 or START..END (default: all)."),
    as_json: bool = typer.Option(False, "--json", help="Print JSON."),
) -> None:
    """Goals as an alignment tree, with status, confidence and key-result progress."""
    setup_django()
    from headway.strategy import services

    views = services.goal_views(None, services.list_goals(None, period))
    if as_json:
        print_json([asdict(v) for v in views])
        return
    print_table("Goals", ["id", "goal", "level", "period", "owner", "status", "progress (projected)", "confidence",
                          "key results (projected/target)"], _rows(views))


@app.command("show")
def show(goal_id: int = typer.Argument(..., help="Goal id (see `headway goal list`)."),
         as_json: bool = typer.Option(False, "--json", help="Print JSON.")) -> None:
    """One goal: key results with progress, and its check-in history."""
    setup_django()
    from headway.strategy import services

    view = services.goal_view(None, goal_id)
    updates = services.goal_check_ins(None, goal_id)
    if as_json:
        print_json({**asdict(view), "updates": [asdict(u) for u in updates]})
        return
    console.print(f"[bold]{view.title}[/] ({label(view.level)}, {view.period}) owner {view.owner or '–'}: "
                  f"{view.track.status_label}, progress {percent(view.track.progress)} (projected); "
                  f"latest check-in {label(view.status)}, confidence {percent(view.confidence, ratio=False)}",
                  soft_wrap=True)
    console.print(view.track.rule, soft_wrap=True, markup=False)
    print_table("Key results", ["KPI", "key result", "status", "so far", "projected", "target", "progress"],
                [[k.kpi, k.label, k.status_label, k.period_to_date, k.projected, k.target,
                  percent(k.projected_share)] for k in view.key_results])
    print_table("Check-ins", ["when", "who", "status", "confidence", "comment"],
                [[u.at, u.author, label(u.status), percent(u.confidence, ratio=False), u.comment] for u in updates])


@app.command("add")
def add(
    title: str = typer.Argument(..., help="What the goal is."),
    period: str = typer.Option("current", "--period", help="current, next, FY2027 Q2 or START..END."),
    level: str = typer.Option("product", "--level", help="company (objective) or product (goal)."),
    owner: str = typer.Option(None, "--owner", help="Username of the owner."),
    parent: int = typer.Option(None, "--supports", help="Id of the goal this one supports."),
    area: str = typer.Option(None, "--area", help="Product area (line, product or area name)."),
    kpi: list[str] = typer.Option(None, "--kpi", help="A KPI as key result (repeat)."),
    description: str = typer.Option("", "--description", help="Longer text."),
) -> None:
    """Add a company objective or a product goal."""
    setup_django()
    from headway.strategy import services

    goal = services.create_goal(None, title, period=period, level=level, owner=owner, parent=parent, area=area,
                                description=description, key_results=kpi or [])
    console.print(f"Goal {goal.pk} added: {goal.title} ({goal.period.name}).", soft_wrap=True)


@app.command("update")
def update(
    goal_id: int = typer.Argument(..., help="Goal id."),
    status: str = typer.Option(None, "--status", help="not_started, on_track, at_risk, off_track, done, dropped."),
    confidence: str = typer.Option(None, "--confidence", help="0 to 100 (percent)."),
    comment: str = typer.Option("", "--comment", help="Why: kept in the check-in history."),
    title: str = typer.Option(None, "--title", help="New title."),
    owner: str = typer.Option(None, "--owner", help="New owner's username."),
    kpi: list[str] = typer.Option(None, "--kpi", help="Replace the key results with these KPIs (repeat)."),
) -> None:
    """Check in on a goal (status, confidence and a comment) or change it."""
    setup_django()
    from headway.strategy import services

    goal = services.update_goal(None, goal_id, status=status, confidence=confidence, comment=comment, title=title,
                                owner=owner, key_results=kpi or None)
    console.print(f"Goal {goal.pk}: {label(goal.status)}, confidence {percent(goal.confidence, ratio=False)}.",
                  soft_wrap=True)
