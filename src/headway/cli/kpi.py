"""``headway kpi list|show|set-target|import|refresh``: KPIs, their targets, progress and forecasts."""

from __future__ import annotations

from dataclasses import asdict
from datetime import date
from pathlib import Path

import typer

from headway.cli.console import console, print_json, print_table
from headway.cli.handover import needs_events_store
from headway.conf.bootstrap import setup_django

app = typer.Typer(help="KPIs: the North Star and KPI tree, targets, progress, forecasts and imports.",
                  no_args_is_help=True)


def _read(path: Path) -> str:
    from headway.core.errors import NotFound

    try:
        return path.read_text(encoding="utf-8")
    except OSError as exc:
        raise NotFound(f"Cannot read {path} ({exc.strerror}): give the path of a CSV file.") from None


@app.command("list")
def list_kpis(
    period: str = typer.Option(None, "--period", help="current (default), next, FY2027 Q2 or START..END."),
    as_json: bool = typer.Option(False, "--json", help="Print JSON."),
) -> None:
    """Every KPI with its value, period to date, projection, target and status."""
    setup_django()
    from headway.strategy import services

    rows = services.kpi_summaries(None, period)
    if as_json:
        print_json([asdict(k) for k in rows])
        return
    print_table(f"KPIs · {rows[0].period if rows else ''}",
                ["KPI", "name", "current", "so far", "projected", "target", "status", "note"],
                [[("★ " if k.north_star else "") + k.label, k.name, k.display["current"], k.display["period_to_date"],
                  k.display["projection"], k.display["target"], k.status_label,
                  f"metric failed: {k.error} (showing the last good value)" if k.error else ""] for k in rows])


@app.command("show")
def show(name: str = typer.Argument(..., help="KPI name (see `headway kpi list`)."),
         period: str = typer.Option(None, "--period", help="current (default), next, FY2027 Q2 or START..END."),
         as_json: bool = typer.Option(False, "--json", help="Print JSON.")) -> None:
    """One KPI for a period: current value, period to date, projection with interval, status and its rule."""
    setup_django()
    from headway.strategy import services

    k = services.kpi_summary(None, name, period)
    if as_json:
        print_json(asdict(k))
        return
    d = k.display
    console.print(f"[bold]{k.label}[/] ({k.name}{', North Star' if k.north_star else ''}) · {k.period} "
                  f"{k.period_start}..{k.period_end}", soft_wrap=True)
    if k.error:
        console.print(f"[red]The metric {k.metric} failed to compute:[/] {k.error} — showing the last good value "
                      f"({d['current']} on {k.current_date}).", soft_wrap=True)
    print_table(None, ["", ""], [
        ["current", f"{d['current']} ({k.current_date})"], ["period to date", d["period_to_date"]],
        ["projected at period end", f"{d['projection']} ({d['lower']} – {d['upper']}, 80%)"],
        ["target", d["target"]], ["status", k.status_label], ["rule", k.rule],
        ["days", f"{k.days_elapsed} of {k.days_total}"], ["model", k.model],
        ["source", f"metric {k.metric}" if k.metric else "imported / entered by hand"],
        ["direction", f"{k.direction} is better, {k.aggregation} of the days"], ["owner", k.owner or "–"],
    ])


@app.command("set-target")
def set_target(name: str = typer.Argument(..., help="KPI name."),
               period: str = typer.Argument(..., help="current, next, FY2027 Q2 or START..END."),
               value: str = typer.Argument(..., help="The target: a number, 42% or $1200.")) -> None:
    """Set a KPI's target for a period (a total, an average or a final value, by the KPI's aggregation)."""
    setup_django()
    from headway.strategy import services

    target = services.set_target(None, name, period, value)
    k = services.kpi_summary(None, name, target.period.name)
    console.print(f"Target of {name} for {target.period.name}: {k.display['target']}. {k.status_label}: {k.rule}",
                  soft_wrap=True)


@app.command("import")
@needs_events_store
def import_file(name: str = typer.Argument(..., help="KPI name (one without a metric, for values)."),
                file: Path = typer.Argument(..., help="CSV with date,value (or period,target with --targets)."),
                targets: bool = typer.Option(False, "--targets", help="The file holds targets: period,target.")) -> None:
    """Import a KPI's values (or targets) from CSV; every line is checked and nothing is saved on an error."""
    setup_django()
    from headway.strategy import services

    text = _read(file)
    if targets:
        rows = services.import_targets(None, name, text)
        console.print(f"Imported {len(rows)} targets into {name}.", soft_wrap=True)
        return
    count = services.import_values(None, name, text)
    services.refresh_kpis(None, names=[name], as_of=services.current_as_of())
    console.print(f"Imported {count} values into {name}.", soft_wrap=True)


@app.command("refresh")
def refresh(
    as_of: str = typer.Option(None, "--as-of", help="Last day to compute (default: yesterday)."),
    wait: float = typer.Option(300.0, "--wait", help="Seconds to wait for the server's worker when a running "
                               "server holds the events store."),
) -> None:
    """Compute every KPI's values, progress and alerts (the server also does it every hour). While a running
    server holds the embedded events store, the work goes to the server's worker; exits 1 unless every KPI was
    computed."""
    setup_django()
    from headway.core import jobs
    from headway.core.errors import ValidationError
    from headway.strategy import services

    try:
        day = date.fromisoformat(as_of) if as_of else None
    except ValueError:
        raise ValidationError(f"--as-of {as_of!r} is not a date: use YYYY-MM-DD.") from None
    if services.events_held_by_server():
        job = services.start_kpi_refresh(None, as_of=day)
        console.print(f"A running Headway server holds the events store: handed the refresh to its worker "
                      f"(job {job.id}).", soft_wrap=True)
        done = jobs.wait_for(job.id, wait)
        if not done.done:
            console.print(f"[red]error:[/] job {job.id} is still {done.status_label.lower()} after {wait:g} s: is "
                          "the server's worker running? Follow it under Settings → Background jobs.", soft_wrap=True)
            raise typer.Exit(1)
        if done.status != "succeeded":
            console.print(f"[red]error:[/] the refresh failed: {done.error}", soft_wrap=True)
            raise typer.Exit(1)
        result = done.result if isinstance(done.result, dict) else {}
        console.print(f"Computed {result.get('kpis', 0)} KPIs up to {result.get('as_of')}; "
                      f"{result.get('alerts', 0)} new alerts.", soft_wrap=True)
        errors = dict(result.get("errors") or {})
    else:
        report = services.refresh_kpis(None, as_of=day)
        errors = report.errors
        console.print(f"Computed {len(report.values) - len(errors)} of {len(report.values)} KPIs up to "
                      f"{report.as_of}; {len(report.alerts)} new alerts.", soft_wrap=True)
        for message in report.alerts:
            console.print(f"alert: {message}", soft_wrap=True)
    for name, error in errors.items():
        console.print(f"[red]{name}:[/] {error} (kept the last good values)", soft_wrap=True)
    if errors:
        raise typer.Exit(1)
