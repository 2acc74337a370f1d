"""``headway role ...`` (roles a team can hire for, and team attrition) and ``headway hire ...`` (the hiring plan:
planned, approved, open, filled)."""

from __future__ import annotations

from typing import TYPE_CHECKING

import typer

from headway.cli.console import console, print_json, print_table, workspace_currency
from headway.conf.bootstrap import setup_django
from headway.core.formatting import label, money

if TYPE_CHECKING:
    from headway.planning.services import OpeningView, RoleView

roles = typer.Typer(help="Roles a team can hire for: cost, lead time, ramp, mentor time; team attrition.",
                    no_args_is_help=True)
hires = typer.Typer(help="The hiring plan: openings planned, approved by the leader, open and filled.",
                    no_args_is_help=True)


def _role_line(role: RoleView) -> str:
    cap = f", at most {role.max_per_quarter} a quarter" if role.max_per_quarter is not None else ""
    return (f"{role.key} (id {role.id}): {role.annual_cost:,.0f} a year + {role.hiring_cost:,.0f} to hire, lead "
            f"{role.lead_quarters} quarter(s), ramp {', '.join(f'{s:g}' for s in role.ramp)}, mentor "
            f"{role.mentor_weeks:g} weeks{cap}")


@roles.command("list")
def list_roles(team: str = typer.Option(None, "--team", help="Only this team's roles."),
               as_json: bool = typer.Option(False, "--json", help="Print JSON.")) -> None:
    """List the roles teams can hire for."""
    setup_django()
    from headway.planning import services

    found = services.list_roles(None, team)
    if as_json:
        print_json([r.model_dump() for r in found])
        return
    currency = workspace_currency()
    print_table("Roles", ["id", "role", "title", "a year", "to hire", "lead", "ramp", "mentor weeks", "cap"],
                [(r.id, r.key, r.title, money(r.annual_cost, currency), money(r.hiring_cost, currency),
                  r.lead_quarters,
                  ",".join(f"{s:g}" for s in r.ramp), f"{r.mentor_weeks:g}",
                  "-" if r.max_per_quarter is None else r.max_per_quarter) for r in found])


@roles.command("set")
def set_role(
    team: str = typer.Argument(..., help="The team that hires."),
    level: str = typer.Option("", "--level", help="A ladder level (blank for a role outside the ladder)."),
    location: str = typer.Option("", "--location", help="Where pay differs, e.g. Berlin."),
    title: str = typer.Option(None, "--title", help="The job title, e.g. Engineer."),
    annual_cost: float = typer.Option(None, "--annual-cost", help="Loaded cost a year."),
    hiring_cost: float = typer.Option(None, "--hiring-cost", help="One-off recruiting cost."),
    lead: int = typer.Option(None, "--lead", help="Quarters from opening the role to the start."),
    ramp: str = typer.Option(None, "--ramp", help="Share of full speed in each first quarter, e.g. 0.5,1.0."),
    mentor_weeks: float = typer.Option(None, "--mentor-weeks", help="Weeks the team mentors a starter."),
    max_per_quarter: int = typer.Option(None, "--max-per-quarter", help="At most this many starters a quarter."),
    weeks: float = typer.Option(None, "--weeks", help="Person-weeks a quarter at full speed (default: the team's)."),
) -> None:
    """Add or change the role of a team at a level (and location)."""
    setup_django()
    from headway.planning import services

    fields = {"title": title, "annual_cost": annual_cost, "hiring_cost": hiring_cost, "lead_quarters": lead,
              "ramp": ramp, "mentor_weeks": mentor_weeks, "max_per_quarter": max_per_quarter,
              "weeks_per_person": weeks}
    saved = services.save_role(None, team, level, location, **{k: v for k, v in fields.items() if v is not None})
    console.print(_role_line(saved), markup=False)


@roles.command("delete")
def delete_role(role: str = typer.Argument(..., help="The role's id or name (e.g. 'Web Engineer').")) -> None:
    """Remove a role no opening uses."""
    setup_django()
    from headway.planning import services

    services.delete_role(None, role)
    console.print(f"Deleted role {role}.", markup=False)


@roles.command("attrition")
def attrition(team: str = typer.Argument(..., help="The team."),
              rate: str = typer.Argument(..., help="Annual attrition: 12 (per cent) or 0.12.")) -> None:
    """Set a team's annual attrition rate (the optimiser takes it off the team's capacity each quarter)."""
    setup_django()
    from headway.planning import services

    saved = services.set_attrition(None, team, rate)
    console.print(f"{saved.name}: {saved.attrition:.1%} attrition a year.", markup=False)


def _opening_line(opening: OpeningView) -> str:
    who = f", filled by {opening.person}" if opening.person else ""
    return (f"opening {opening.id}: {opening.role} starting {opening.start_quarter} (open by {opening.open_by}), "
            f"{opening.status}{who}")


@hires.command("list")
def list_openings(status: str = typer.Option(None, "--status", help="planned, approved, open, filled, cancelled."),
                  as_json: bool = typer.Option(False, "--json", help="Print JSON.")) -> None:
    """The hiring plan."""
    setup_django()
    from headway.planning import services

    plan = services.hiring_plan(None, status)
    currency = workspace_currency()
    if as_json:
        print_json(plan.model_dump())
        return
    print_table("Hiring plan", ["id", "role", "open by", "start", "status", "approved by", "person", "a year"],
                [(o.id, o.role, o.open_by, o.start_quarter, label(o.status), o.approved_by or "-",
                  o.person or "-", money(o.annual_cost, currency)) for o in plan.openings])
    console.print(", ".join(f"{n} {label(s).lower()}" for s, n in plan.counts.items())
                  + f"; {money(plan.annual_cost, currency)} a year.",
                  markup=False)


@hires.command("plan")
def plan_opening(role: str = typer.Argument(..., help="The role's id or name (e.g. 'Web Engineer')."),
                 start: str = typer.Argument(..., help="The quarter the starter should start, e.g. 2026-Q3."),
                 note: str = typer.Option("", "--note", help="Why."),
                 count: int = typer.Option(1, "--count", help="How many people.")) -> None:
    """Propose hires of a role (planned until the leader approves)."""
    setup_django()
    from headway.planning import services

    for _ in range(max(count, 1)):
        console.print(_opening_line(services.plan_opening(None, role, start, note=note)), markup=False)


@hires.command("approve")
def approve(opening: int = typer.Argument(..., help="The opening's id.")) -> None:
    """Approve a planned opening (the leader)."""
    setup_django()
    from headway.planning import services

    console.print(_opening_line(services.approve_opening(None, opening)), markup=False)


@hires.command("open")
def open_command(opening: int = typer.Argument(..., help="The opening's id.")) -> None:
    """Start recruiting for an approved opening."""
    setup_django()
    from headway.planning import services

    console.print(_opening_line(services.open_opening(None, opening)), markup=False)


@hires.command("fill")
def fill(opening: int = typer.Argument(..., help="The opening's id."),
         name: str = typer.Argument(..., help="The starter's name."),
         start_date: str = typer.Option(None, "--start-date", help="First day, e.g. 2026-10-01."),
         email: str = typer.Option("", "--email", help="Work e-mail."),
         manager: int = typer.Option(None, "--manager", help="The manager's person id.")) -> None:
    """Fill an open opening: the starter joins the org chart."""
    setup_django()
    from headway.planning import services

    console.print(_opening_line(services.fill_opening(None, opening, name, start_date=start_date, email=email,
                                                      manager=manager)), markup=False)


@hires.command("cancel")
def cancel(opening: int = typer.Argument(..., help="The opening's id.")) -> None:
    """Cancel an opening that is not filled."""
    setup_django()
    from headway.planning import services

    console.print(_opening_line(services.cancel_opening(None, opening)), markup=False)
