"""``headway impact show|measure|ledger|calibration``, ``headway experiment create|list|show|results`` and
``headway annotate``: what shipped work did to the KPIs, experiments read from events, and chart notes."""

from __future__ import annotations

import typer

from headway.cli.console import console, print_json, print_table
from headway.cli.handover import needs_events_store
from headway.conf.bootstrap import setup_django

app = typer.Typer(help="Impact: read-outs of shipped initiatives, the impact ledger and calibration.",
                  no_args_is_help=True)
experiments = typer.Typer(help="Experiments read from exposure events (no feature flags of Headway's own).",
                          no_args_is_help=True)


def _num(value: float | None, digits: int = 4) -> str:
    return "–" if value is None else f"{value:.{digits}g}"


def _print_readout(readout: object) -> None:
    from headway.impact.services import ReadOut

    assert isinstance(readout, ReadOut)
    console.print(f"[bold]#{readout.initiative_id} {readout.title}[/bold] — verdict: [bold]{readout.verdict}[/bold]")
    console.print(readout.method_words)
    if readout.segment:
        trend = "" if readout.pre_trend_p_value is None else f"; pre-trend check p = {readout.pre_trend_p_value:.3g}"
        console.print(f"Treated segment: {readout.segment}{trend}")
    print_table(None, ["KPI", "shipped", "days", "average effect", "interval", "cumulative", "relative",
                       "p-value", "expected"],
                [[readout.kpi, readout.shipped_on, readout.days, _num(readout.average_effect),
                  f"{_num(readout.lower)} … {_num(readout.upper)}", _num(readout.cumulative_effect),
                  "–" if readout.relative_effect is None else f"{readout.relative_effect:+.1%}",
                  _num(readout.p_value, 3), readout.expected_impact or "–"]])
    console.print(readout.reason)


@app.command("show")
def show(initiative: int = typer.Argument(..., help="Initiative id (see `headway idea list`)."),
         as_json: bool = typer.Option(False, "--json", help="Print JSON.")) -> None:
    """The stored read-out of a shipped initiative."""
    setup_django()
    from headway.impact import services

    readout = services.readout(None, initiative)
    if as_json:
        print_json(readout.model_dump(mode="json"))
        return
    _print_readout(readout)


@app.command("measure")
def measure(
    initiative: int = typer.Argument(..., help="Initiative id (see `headway idea list`)."),
    method: str = typer.Option(None, "--method",
                               help="experiment, counterfactual, did (difference-in-differences) or forecast "
                                    "(default: the strongest the data allows)."),
    days: int = typer.Option(None, "--days", help="Days after shipping to measure (default: the initiative's, 28)."),
    control: list[str] = typer.Option(None, "--control", help="A control KPI the change did not touch (repeatable)."),
    shipped_on: str = typer.Option(None, "--shipped-on", help="Correct the ship date (YYYY-MM-DD)."),
    segment: str = typer.Option(None, "--segment",
                                help="The part that got the change, property=value (e.g. device=ios): "
                                     "difference-in-differences against the other values."),
    as_json: bool = typer.Option(False, "--json", help="Print JSON."),
) -> None:
    """Measure a shipped initiative now, store the read-out and move it to measured."""
    setup_django()
    from datetime import date

    from headway.core.errors import ValidationError
    from headway.impact import services

    if shipped_on:
        try:
            day = date.fromisoformat(shipped_on)
        except ValueError:
            raise ValidationError(f"--shipped-on {shipped_on!r} is not a date: use YYYY-MM-DD") from None
        services.set_measurement(None, initiative, shipped_on=day)
    if segment is not None:
        services.set_measurement(None, initiative, segment=segment)
    readout = services.measure(None, initiative, method=method, days=days, controls=control or None)
    if as_json:
        print_json(readout.model_dump(mode="json"))
        return
    _print_readout(readout)


@app.command("ledger")
def ledger(
    quarter: str = typer.Option(None, "--quarter", help="Ship quarter, e.g. 2026-Q1."),
    team: str = typer.Option(None, "--team", help="Lead team name."),
    kind: str = typer.Option(None, "--kind", help="innovate, iterate, maintain or tech_debt."),
    product_area: str = typer.Option(None, "--area", help="Product area."),
    owner: str = typer.Option(None, "--owner", help="Owner's name."),
    as_json: bool = typer.Option(False, "--json", help="Print JSON."),
) -> None:
    """Every measured initiative: expected against measured, with its interval and verdict."""
    setup_django()
    from headway.impact import services

    rows = services.ledger(None, quarter=quarter, team=team, kind=kind, product_area=product_area, owner=owner)
    if as_json:
        print_json([r.model_dump(mode="json") for r in rows])
        return
    print_table("Impact ledger", ["id", "initiative", "quarter", "team", "kind", "KPI", "method", "expected",
                                  "measured", "interval", "verdict"],
                [[r.initiative_id, r.title, r.quarter, r.team or "–", r.kind, r.kpi, r.method, r.expected_impact,
                  _num(r.measured), f"{_num(r.lower)} … {_num(r.upper)}", r.verdict] for r in rows])


@app.command("calibration")
def calibration(as_json: bool = typer.Option(False, "--json", help="Print JSON.")) -> None:
    """How often bets hit by stated confidence, and how far off impact estimates are."""
    setup_django()
    from headway.impact import services

    found = services.calibration(None)
    if as_json:
        print_json(found.model_dump(mode="json"))
        return
    print_table("Calibration", ["confidence", "bets", "hits", "hit rate"],
                [[b.label, b.bets, b.hits, "–" if b.hit_rate is None else f"{b.hit_rate:.0%}"] for b in found.buckets])
    console.print(found.suggestion)


@experiments.command("create")
@needs_events_store
def create(
    name: str = typer.Argument(..., help="A short name: letters, digits, - and _."),
    metric: str = typer.Option(..., "--metric", help="The primary metric's event."),
    date_from: str = typer.Option(..., "--from", help="First day (YYYY-MM-DD)."),
    date_to: str = typer.Option(..., "--to", help="Last day (YYYY-MM-DD)."),
    math: str = typer.Option("conversion", "--math", help="conversion, total or sum."),
    metric_property: str = typer.Option("", "--property", help="The numeric property for --math sum."),
    exposure_event: str = typer.Option("$exposure", "--exposure-event", help="The exposure event."),
    variant_property: str = typer.Option("", "--variant-property", help="The property holding the variant."),
    control: str = typer.Option("control", "--control", help="The control variant."),
    secondary: list[str] = typer.Option(None, "--secondary", help="A secondary metric's event (conversion)."),
    initiative: int = typer.Option(None, "--initiative", help="Link to an initiative: its read-out."),
    sequential: bool = typer.Option(False, "--sequential", help="Always-valid intervals: safe to look daily."),
    title: str = typer.Option("", "--title", help="A title."),
) -> None:
    """Create an experiment read from exposure events."""
    setup_django()
    from headway.impact import services

    experiment = services.create_experiment(None, {
        "name": name, "title": title, "exposure_event": exposure_event, "variant_property": variant_property,
        "control": control, "metric": {"event": metric, "math": math, "property": metric_property},
        "secondary": [{"event": e} for e in secondary or []], "date_from": date_from, "date_to": date_to,
        "sequential": sequential, "initiative_id": initiative,
    })
    console.print(f"Experiment {experiment.name} created; read it with `headway experiment results {experiment.name}`.")


@experiments.command("list")
def list_experiments(as_json: bool = typer.Option(False, "--json", help="Print JSON.")) -> None:
    """Every experiment, the latest first."""
    setup_django()
    from headway.impact import services

    found = services.list_experiments(None)
    if as_json:
        print_json([{"name": e.name, "title": e.title, "metric": e.metric_event, "date_from": e.date_from,
                     "date_to": e.date_to, "initiative_id": e.initiative_id} for e in found])
        return
    print_table("Experiments", ["name", "title", "exposure", "metric", "from", "to", "initiative"],
                [[e.name, e.title, e.exposure_event, f"{e.metric_event} ({e.math})", e.date_from, e.date_to,
                  e.initiative_id or "–"] for e in found])


@experiments.command("show")
def show_experiment(name: str = typer.Argument(..., help="Experiment name (see `headway experiment list`).")) -> None:
    """One experiment's definition."""
    setup_django()
    from headway.impact import services

    e = services.get_experiment(None, name)
    print_table(e.title, ["field", "value"], [
        ["exposure", f"{e.exposure_event} (variant in {e.variant_property})"], ["control", e.control],
        ["primary metric", f"{e.metric_event} ({e.math})"],
        ["secondary", ", ".join(m["event"] for m in e.secondary) or "–"], ["dates", f"{e.date_from} … {e.date_to}"],
        ["sequential", "yes" if e.sequential else "no"], ["initiative", e.initiative_id or "–"],
    ])


@experiments.command("results")
@needs_events_store
def results(name: str = typer.Argument(..., help="Experiment name (see `headway experiment list`)."),
            as_json: bool = typer.Option(False, "--json", help="Print JSON.")) -> None:
    """Per-arm exposures and metric, lift with interval, p-value and chance to win, SRM check."""
    setup_django()
    from headway.impact import services

    r = services.experiment_results(None, name)
    if as_json:
        print_json(r.model_dump(mode="json"))
        return
    print_table(f"{r.title}: arms", ["variant", "exposures", "mean"],
                [[a.variant + (" (control)" if a.control else ""), a.exposures, _num(a.mean)] for a in r.arms])
    print_table("Metrics", ["metric", "variant", "lift", "interval", "p-value", "adjusted p", "chance to win", "CUPED"],
                [[m.metric, m.variant, "–" if m.lift is None else f"{m.lift:+.2%}",
                  f"{_num(m.lower)} … {_num(m.upper)}", _num(m.p_value, 3), _num(m.adjusted_p_value, 3),
                  "–" if m.chance_to_win is None else f"{m.chance_to_win:.1%}",
                  "–" if m.variance_reduction is None else f"−{m.variance_reduction:.0%} variance"]
                 for m in r.primary + r.secondary])
    for note in r.notes:
        console.print(note)


def annotate(
    day: str = typer.Argument(..., help="The date (YYYY-MM-DD)."),
    text: str = typer.Argument(..., help="The note."),
    kpi: str = typer.Option(None, "--kpi", help="Only on this KPI's charts."),
) -> None:
    """Add a dated note to the charts (the workspace's, or one KPI's)."""
    setup_django()
    from headway.impact import services

    note = services.add_annotation(None, day, text, scope="kpi" if kpi else "workspace", target=kpi or "")
    console.print(f"Annotation #{note.pk} on {note.date}: {note.text}")
