"""``headway plan optimise|scenarios|compare|apply|team``: the optimal portfolio from the command line."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import typer

from headway.cli.console import console, print_json, print_table, workspace_currency
from headway.cli.idea import parse_pairs
from headway.conf.bootstrap import setup_django
from headway.core.formatting import label, money, number, percent

if TYPE_CHECKING:
    from headway.planning.services import HiringResult, WhatIfPlan

app = typer.Typer(help="The optimal portfolio under budget and capacity, scenarios and teams.", no_args_is_help=True)


def _ids(values: list[str] | None) -> list[str]:
    return [v for value in values or [] for v in value.split(",") if v.strip()]


def what_if_line(what_if: WhatIfPlan) -> str:
    """One what-if in a line: the gain, how sure it is, what comes in and goes out."""
    line = f"{what_if.change}: {what_if.delta:+g} value ({what_if.certainty})"
    added = ", ".join(f"#{a.id}" for a in what_if.added)
    removed = ", ".join(f"#{r.id}" for r in what_if.removed)
    return line + (f", adds {added}" if added else "") + (f", drops {removed}" if removed else "")


@app.command("optimise")
def optimise(
    budget: float = typer.Option(None, "--budget", help="Money available over the plan (leave out: no limit)."),
    scenario: str = typer.Option(None, "--scenario", help="Save the plan under this name."),
    quarters: int = typer.Option(4, "--quarters", help="How many quarters to plan, from --start."),
    start: str = typer.Option(None, "--start", help="First quarter, e.g. 2026-Q3 (default: this quarter)."),
    objective: str = typer.Option("score", "--objective", help="score, score:SETUP, demand or value."),
    user_weight: float = typer.Option(1.0, "--user-weight", help="Weight of user value (objective value)."),
    business_weight: float = typer.Option(1.0, "--business-weight", help="Weight of business value."),
    must: list[str] = typer.Option(None, "--must", help="Initiative ids that must be in (repeat or 1,2,3)."),
    exclude: list[str] = typer.Option(None, "--exclude", help="Initiative ids that must stay out."),
    engineers: list[str] = typer.Option(None, "--engineers", help="TEAM=N extra (or fewer) people; repeat."),
    mix_min: list[str] = typer.Option(None, "--mix-min", help="KIND=SHARE lowest share of cost, e.g. innovate=0.5."),
    mix_max: list[str] = typer.Option(None, "--mix-max", help="KIND=SHARE highest share of cost."),
    target_mix: str = typer.Option("70/20/10", "--target-mix", help="innovate/iterate/maintain to compare with."),
    cover: list[str] = typer.Option(None, "--cover", help="A goal (id or title) at least one chosen initiative must serve; repeat."),
    time_limit: float = typer.Option(10.0, "--time-limit", help="Seconds before the best plan found is returned."),
    hire: list[str] = typer.Option(None, "--hire", help="A team the plan may hire in (its roles); repeat."),
    apply: bool = typer.Option(False, "--apply", help="Put the plan on the roadmap (needs --scenario)."),
    as_json: bool = typer.Option(False, "--json", help="Print JSON."),
) -> None:
    """Find the best plan under the budget and each team's capacity, and explain it."""
    setup_django()
    from headway.core.errors import ValidationError
    from headway.planning import services

    if apply and not scenario:
        raise ValidationError("--apply puts a saved scenario on the roadmap: add --scenario NAME.")
    request: dict[str, Any] = {"budget": budget, "quarters": quarters, "start": start, "objective": objective,
               "user_weight": user_weight, "business_weight": business_weight, "must": _ids(must),
               "exclude": _ids(exclude), "extra_headcount": parse_pairs(engineers, "Engineers"),
               "mix_min": parse_pairs(mix_min, "Mix"), "mix_max": parse_pairs(mix_max, "Mix"),
               "target_mix": target_mix, "cover_goals": cover or [], "time_limit": time_limit,
               "hire": hire or []}
    result = services.optimise(None, request, scenario=scenario)
    if apply:
        services.apply_scenario(None, scenario)
    if as_json:
        print_json(result.model_dump(exclude_unset=True))
        return
    proof = "proven optimal" if result.optimal else f"NOT proven optimal (gap {result.gap or 0:.2%})"
    budget_text = f" of {result.budget:,.0f}" if result.budget is not None else ""
    console.print(f"[bold]Plan value {result.value:g}[/] ({proof}, {result.seconds:.2f} s): "
                  f"{len(result.items)} initiatives costing {result.cost:,.0f}{budget_text}.", markup=True)
    print_table(None, ["quarter", "quarters", "id", "title", "kind", "team", "cost", "value"],
                [(i.quarter, i.duration, i.id, i.title, label(i.kind), i.team, money(i.cost, workspace_currency()),
                  number(i.value))
                 for i in sorted(result.items, key=lambda i: (i.quarter, i.id))])
    print_table("Mix (share of cost)", ["kind", "share", "target", "difference"],
                [(label(m.kind), percent(m.share), percent(m.target),
                  ("+" if m.difference >= 0 else "") + percent(m.difference)) for m in result.mix])
    if result.binding is not None:
        console.print("Binding: " + ("; ".join(result.binding) or "nothing"), markup=False)
        for what_if in [result.budget_plus_10, *(result.extra_engineer or {}).values()]:
            if what_if:
                console.print(what_if_line(what_if), markup=False)
        left_out = result.left_out or []
        for row in left_out[:15]:
            console.print(f"out #{row.id} {row.title}: {row.reason}", markup=False)
        if len(left_out) > 15:
            console.print(f"... and {len(left_out) - 15} more left out (see --json).", markup=False)
    if result.hiring is not None:
        _print_hiring(result.hiring)
    if scenario:
        console.print(f"Saved as scenario {scenario!r}" + (" and put on the roadmap." if apply else "."),
                      markup=False)


def _print_hiring(hiring: HiringResult) -> None:
    print_table("Hires", ["role", "people", "opened", "starts", "cost in the plan", "a quarter after", "decided"],
                [(h.role, h.count, h.opened, h.start, money(h.cost, workspace_currency()),
                  money(h.cost_per_quarter, workspace_currency()),
                  f"{h.decided} in the hiring plan" if h.decided else "chosen by the plan") for h in hiring.hires])
    per_10k = f"{hiring.value_per_10k:g} value per 10k on people" if hiring.value_per_10k is not None else \
        "no money on people"
    without = f"{hiring.value_without_hiring:g}" if hiring.value_without_hiring is not None else "?"
    console.print(f"Hiring costs {hiring.hire_cost:,.0f} in the plan and {hiring.run_rate:,.0f} a quarter after it; "
                  f"{per_10k}; without hiring the plan is worth {without}.", markup=False)
    for unlock in hiring.unlocks:
        console.print(unlock.text, markup=False)
    for change in hiring.what_ifs:
        outcome = (f"{change.value:g} ({change.delta:+g})" if change.value is not None and change.delta is not None
                   else "not possible" if not change.feasible else "no plan found in time")
        console.print(f"What if {change.change}: {outcome}", markup=False)


app.command("optimize", hidden=True, help="The same as `headway plan optimise`.")(optimise)


@app.command("scenarios")
def scenarios() -> None:
    """List saved scenarios."""
    setup_django()
    from headway.planning import services

    print_table("Scenarios", ["name", "objective", "budget", "value", "initiatives", "optimal", "by"],
                [(s.name, s.constraints.get("objective"), s.constraints.get("budget"), f"{s.value:g}",
                  len(s.result.get("items", [])), "yes" if s.optimal else f"gap {s.gap:.2%}", s.created_by)
                 for s in services.list_scenarios(None)])


@app.command("compare")
def compare(names: list[str] = typer.Argument(..., help="Two or more scenario names.")) -> None:
    """Scenarios side by side: totals, and the quarter each gives each initiative."""
    setup_django()
    from headway.planning import services

    table = services.compare_scenarios(None, names)
    heads = [s.name for s in table.scenarios]
    print_table("Scenarios", ["", *heads], [
        ["budget", *(money(s.budget, workspace_currency()) if s.budget is not None else "none"
                     for s in table.scenarios)],
        ["value", *(number(s.value) for s in table.scenarios)],
        ["cost", *(money(s.cost or 0, workspace_currency()) for s in table.scenarios)],
        ["initiatives", *(s.initiatives for s in table.scenarios)],
    ])
    print_table("Initiatives", ["id", "title", *heads],
                [[r.id, r.title, *(q or "-" for q in r.quarters)] for r in table.rows])


@app.command("apply")
def apply_command(
    name: str = typer.Argument(..., help="The scenario."),
    commitment: str = typer.Option("auto", "--commitment",
                                   help="auto (now committed, next likely, later exploring), committed, likely or "
                                   "exploring."),
) -> None:
    """Put a saved scenario's plan on the roadmap."""
    setup_django()
    from headway.planning import services

    count = services.apply_scenario(None, name, commitment)
    console.print(f"Placed {count} initiatives from {name!r} on the roadmap.", markup=False)


@app.command("team")
def team(
    name: str = typer.Argument(..., help="Team name."),
    cost: float = typer.Option(None, "--cost", help="Loaded cost of one person-week."),
    headcount: int = typer.Option(None, "--headcount", help="People in the team."),
    weeks: int = typer.Option(None, "--weeks", help="Working weeks per person per quarter (default 12)."),
) -> None:
    """Add or change a delivery team (cost per person-week and capacity)."""
    setup_django()
    from headway.planning import services

    fields = {k: v for k, v in {"cost_per_week": cost, "headcount": headcount, "weeks_per_quarter": weeks}.items()
              if v is not None}
    saved = services.save_team(None, name, **fields)
    console.print(f"{saved.name}: {saved.cost_per_week:,.0f} a person-week, {saved.capacity_weeks:g} person-weeks a "
                  "quarter.", markup=False)


@app.command("teams")
def teams() -> None:
    """List delivery teams with cost and capacity."""
    setup_django()
    from headway.planning import services

    print_table("Teams", ["team", "cost per person-week", "headcount", "person-weeks a quarter"],
                [(t.name, money(float(t.cost_per_week), workspace_currency()), t.headcount, number(t.capacity_weeks))
                 for t in services.list_teams(None)])
