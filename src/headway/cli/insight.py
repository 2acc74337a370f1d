"""``headway insight trends``: the same trends the Insights page and the API show."""

from __future__ import annotations

from datetime import datetime

import typer

from headway.cli.console import console, print_json, print_table
from headway.conf.bootstrap import setup_django

app = typer.Typer(help="Ask questions of the product events: trends.", no_args_is_help=True)


@app.command("trends")
def trends(
    event: str = typer.Argument(..., help="Event name, e.g. purchase."),
    math: str = typer.Option("total", "--math", help="total, unique_users, weekly_active, monthly_active, "
                                                      "sum, avg, min, max, median."),
    math_property: str = typer.Option(None, "--property", help="Numeric property for sum/avg/min/max/median."),
    interval: str = typer.Option("day", "--interval", help="hour, day, week or month."),
    date_from: datetime = typer.Option(None, "--from", formats=["%Y-%m-%d"], help="First day (inclusive)."),
    date_to: datetime = typer.Option(None, "--to", formats=["%Y-%m-%d"], help="Last day (inclusive)."),
    where: list[str] = typer.Option(None, "--where", help="Filter property:op:value (repeatable), "
                                                          "e.g. device:eq:mobile, amount:gt:100."),
    breakdown: str = typer.Option(None, "--breakdown", help="Split by this property."),
    breakdown_limit: int = typer.Option(25, "--breakdown-limit", help="Series kept before 'Other'."),
    cumulative: bool = typer.Option(False, "--cumulative", help="Running total over the range."),
    series: list[str] = typer.Option(None, "--series", help="A further series B, C, ... as "
                                                            "EVENT[:MATH[:PROPERTY]] (repeatable)."),
    formula: str = typer.Option(None, "--formula", help="Combine the series, e.g. 'A / B * 100'."),
    compare: bool = typer.Option(False, "--compare", help="Add the previous period of the same length."),
    as_json: bool = typer.Option(False, "--json", help="Print the result as JSON."),
    as_csv: bool = typer.Option(False, "--csv", help="Print the rows as CSV."),
) -> None:
    """Events over time: a Rich table of interval × series (or --json / --csv)."""
    setup_django()
    from headway.analytics import services

    query = services.trends_query({
        "event": event, "math": math, "math_property": math_property, "interval": interval,
        "date_from": date_from.date() if date_from else None, "date_to": date_to.date() if date_to else None,
        "where": where or [], "breakdown": breakdown, "breakdown_limit": breakdown_limit, "cumulative": cumulative,
        "series": series or [], "formula": formula, "compare": compare,
    })
    result = services.trends(None, query)
    rows = services.trends_rows(result)
    if as_json:
        print_json(result.as_dict())
    elif as_csv:
        typer.echo(services.rows_as_csv(rows), nl=False)
    else:
        names = [services.series_name(s) for s in result.series]
        table_rows = [[services.trends_label(label, result.interval), *(_fmt(s.data[i]) for s in result.series)]
                      for i, label in enumerate(result.labels)]
        print_table(f"{formula or event} · {math} per {interval} ({result.timezone})", ["interval", *names],
                    table_rows)
        console.print(f"big number: {_fmt(services.big_number(query, result))}")
        previous = services.previous_big_number(query, result)
        if previous is not None:
            console.print(f"previous period: {_fmt(previous)}")


def _fmt(value: float) -> str:
    return f"{value:,.0f}" if float(value).is_integer() else f"{value:,.2f}"
