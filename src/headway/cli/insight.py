"""``headway insight trends``: the same trends the Insights page and the API show."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from typing import TYPE_CHECKING, Any

import typer

from headway.cli.console import console, print_json, print_table
from headway.cli.handover import needs_events_store
from headway.conf.bootstrap import setup_django
from headway.core.formatting import number

if TYPE_CHECKING:
    from headway.analytics.engine import RetentionResult
    from headway.analytics.services import Answer

app = typer.Typer(help="Ask questions of the product events: trends.", no_args_is_help=True)


@app.command("trends")
@needs_events_store
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
    cohort: int = typer.Option(None, "--cohort", help="Only the persons of this saved cohort (its id)."),
    breakdown_cohort: list[int] = typer.Option(None, "--breakdown-cohort", help="Split by this saved cohort "
                                               "(its id; repeatable): a series per cohort, then (none)."),
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
        "cohort": cohort, "breakdown_cohorts": breakdown_cohort or [],
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
    return number(value)


# --- behavioural insights: one command per insight, the same runner as the page and the API -----------

JSON_OPTION = typer.Option(False, "--json", help="Print the result as JSON.")
CSV_OPTION = typer.Option(False, "--csv", help="Print the rows as CSV.")
WHERE_OPTION = typer.Option(None, "--where", help="Filter property:op:value on every event (repeatable).")
COHORT_OPTION = typer.Option(None, "--cohort", help="Only the persons of this saved cohort (its id).")
BREAKDOWN_COHORT_OPTION = typer.Option(None, "--breakdown-cohort", help="Split by this saved cohort (its id; "
                                       "repeatable): a person counts in the first one they belong to, then (none).")


def _day(value: datetime | None) -> str | None:
    return value.date().isoformat() if value else None


def _show(kind: str, query: Mapping[str, object], title: str, as_json: bool, as_csv: bool) -> None:
    """Run an insight and print it as a Rich table, JSON or CSV."""
    setup_django()
    from headway.analytics import services

    answer = services.run(None, kind, dict(query))
    if as_json:
        body = services.answer_body(answer)  # the API's body; the curve is retention's only
        print_json(body.model_dump(mode="json", exclude=None if kind == "retention" else {"curve"}))
        return
    if as_csv:
        typer.echo(services.rows_as_csv(answer.rows), nl=False)
        return
    if kind == "retention":
        _retention_table(answer, title)
        return
    columns = list(answer.rows[0]) if answer.rows else ["(no rows)"]
    print_table(f"{title} ({answer.timezone})", columns,
                [[_cell(row[c]) for c in columns] for row in answer.rows])
    if not answer.rows:
        console.print("No persons match: widen the dates or remove a filter.")


def _retention_table(answer: Answer[Any, RetentionResult], title: str) -> None:
    """The retention table, then one per group of a cohort breakdown."""
    whole = answer.result
    _retention_group(whole, f"{title} ({answer.timezone})")
    for part in whole.breakdowns:
        _retention_group(part.result, f"{title} · {'(none)' if part.value is None else part.value}")


def _retention_group(result: RetentionResult, title: str) -> None:
    from headway.analytics import services

    width = max((len(c.values) for c in result.cohorts), default=1)
    rows: list[list[object]] = [
        [services.trends_label(c.start, result.period), c.values[0] if c.values else 0,
         *(f"{v} ({services.percent(v, c.values[0])}%)" for v in c.values[1:])] for c in result.cohorts]
    curve = services.retention_curve(result)
    rows.append(["all cohorts", curve[0]["persons"] if curve else 0, *(f"{p['rate']}%" for p in curve[1:])])
    print_table(title, ["cohort", "size", *(str(j) for j in range(1, width))], rows)


def _cell(value: object) -> str:
    if value is None:
        return ""
    return _fmt(value) if isinstance(value, float) else str(value)


@app.command("funnel")
@needs_events_store
def funnel(
    steps: list[str] = typer.Argument(..., help="Two or more events in order, e.g. visit view_item purchase."),
    date_from: datetime = typer.Option(None, "--from", formats=["%Y-%m-%d"], help="First day people may enter."),
    date_to: datetime = typer.Option(None, "--to", formats=["%Y-%m-%d"], help="Last day people may enter."),
    window: int = typer.Option(14, "--window", help="Conversion window, in --window-unit."),
    window_unit: str = typer.Option("day", "--window-unit", help="minute, hour, day or week."),
    order: str = typer.Option("ordered", "--order", help="ordered, strict or unordered."),
    step_where: list[str] = typer.Option(None, "--step-where", help="A step's own filter N:property:op:value "
                                                                    "(N counts steps from 1; repeatable)."),
    exclude: list[str] = typer.Option(None, "--exclude", help="EVENT:FROM:TO drops an attempt with EVENT between "
                                                              "steps FROM and TO (counted from 0)."),
    where: list[str] = WHERE_OPTION,
    breakdown: str = typer.Option(None, "--breakdown", help="Split by this property (at the first step)."),
    cohort: int = COHORT_OPTION,
    breakdown_cohort: list[int] = BREAKDOWN_COHORT_OPTION,
    as_json: bool = JSON_OPTION,
    as_csv: bool = CSV_OPTION,
) -> None:
    """Where people drop out: persons per step, conversion rates, drop-off and time to convert."""
    step_where_of: list[list[str]] = [[] for _ in steps]
    for text in step_where or []:
        number, _, condition = text.partition(":")
        if not number.isdigit() or not 1 <= int(number) <= len(steps):
            raise typer.BadParameter(f"{text!r}: start with the step number 1 to {len(steps)}, e.g. 2:device:eq:mobile",
                                     param_hint="--step-where")
        step_where_of[int(number) - 1].append(condition)
    step_items = [{"event": s, "where": w} for s, w in zip(steps, step_where_of, strict=True)]
    exclusions = []
    for text in exclude or []:
        parts = text.rsplit(":", 2)
        if len(parts) != 3 or not parts[1].isdigit() or not parts[2].isdigit():
            raise typer.BadParameter(f"{text!r}: write EVENT:FROM:TO, e.g. refund:0:2", param_hint="--exclude")
        exclusions.append({"event": parts[0], "from_step": int(parts[1]), "to_step": int(parts[2])})
    query = {"steps": step_items, "date_from": _day(date_from), "date_to": _day(date_to), "window": window,
             "window_unit": window_unit, "order": order, "exclusions": exclusions, "where": where or [],
             "breakdown": breakdown, "cohort": cohort, "breakdown_cohorts": breakdown_cohort or []}
    _show("funnel", query, f"Funnel {' → '.join(steps)} ({order}, {window} {window_unit})", as_json, as_csv)


@app.command("retention")
@needs_events_store
def retention(
    target_event: str = typer.Argument(..., help="The event that puts a person in a cohort, e.g. sign_up."),
    returning_event: str = typer.Option(None, "--returning", help="The event that counts as coming back "
                                                                  "(default: the same)."),
    period: str = typer.Option("day", "--period", help="hour, day, week or month."),
    intervals: int = typer.Option(11, "--intervals", help="How many cohorts and periods (1 to 100)."),
    date_to: datetime = typer.Option(None, "--to", formats=["%Y-%m-%d"], help="The last period holds this day."),
    kind: str = typer.Option("recurring", "--kind", help="recurring or first_time."),
    mode: str = typer.Option("on", "--mode", help="on (that period) or on_or_after (that period or later)."),
    target_where: list[str] = typer.Option(None, "--target-where", help="Filter on the target event."),
    returning_where: list[str] = typer.Option(None, "--returning-where", help="Filter on the returning event."),
    where: list[str] = WHERE_OPTION,
    cohort: int = COHORT_OPTION,
    breakdown_cohort: list[int] = BREAKDOWN_COHORT_OPTION,
    as_json: bool = JSON_OPTION,
    as_csv: bool = CSV_OPTION,
) -> None:
    """Whether people come back: a cohort per period, persons retained (and %) in each later period."""
    query = {"target_event": target_event, "returning_event": returning_event, "period": period,
             "intervals": intervals, "date_to": _day(date_to), "kind": kind, "mode": mode,
             "target_where": target_where or [], "returning_where": returning_where or [], "where": where or [],
             "cohort": cohort, "breakdown_cohorts": breakdown_cohort or []}
    _show("retention", query, f"Retention of {target_event} per {period} ({kind}, {mode})", as_json, as_csv)


def _activity(kind: str, event: str, interval: str, date_from: datetime | None, date_to: datetime | None,
              where: list[str] | None, cohort: int | None, breakdown_cohort: list[int] | None, as_json: bool,
              as_csv: bool) -> None:
    query = {"event": event, "interval": interval, "date_from": _day(date_from), "date_to": _day(date_to),
             "where": where or [], "cohort": cohort, "breakdown_cohorts": breakdown_cohort or []}
    _show(kind, query, f"{kind.capitalize()} of {event} per {interval}", as_json, as_csv)


@app.command("stickiness")
@needs_events_store
def stickiness(
    event: str = typer.Argument(..., help="Event name, e.g. login."),
    interval: str = typer.Option("day", "--interval", help="day, week or month."),
    date_from: datetime = typer.Option(None, "--from", formats=["%Y-%m-%d"], help="First day (inclusive)."),
    date_to: datetime = typer.Option(None, "--to", formats=["%Y-%m-%d"], help="Last day (inclusive)."),
    where: list[str] = WHERE_OPTION,
    cohort: int = COHORT_OPTION,
    breakdown_cohort: list[int] = BREAKDOWN_COHORT_OPTION,
    as_json: bool = JSON_OPTION,
    as_csv: bool = CSV_OPTION,
) -> None:
    """How habits form: persons by the number of intervals of the range they did the event in."""
    _activity("stickiness", event, interval, date_from, date_to, where, cohort, breakdown_cohort, as_json, as_csv)


@app.command("lifecycle")
@needs_events_store
def lifecycle(
    event: str = typer.Argument(..., help="Event name, e.g. login."),
    interval: str = typer.Option("day", "--interval", help="day, week or month."),
    date_from: datetime = typer.Option(None, "--from", formats=["%Y-%m-%d"], help="First day (inclusive)."),
    date_to: datetime = typer.Option(None, "--to", formats=["%Y-%m-%d"], help="Last day (inclusive)."),
    where: list[str] = WHERE_OPTION,
    cohort: int = COHORT_OPTION,
    breakdown_cohort: list[int] = BREAKDOWN_COHORT_OPTION,
    as_json: bool = JSON_OPTION,
    as_csv: bool = CSV_OPTION,
) -> None:
    """New, returning, resurrecting and dormant (negative) persons per interval."""
    _activity("lifecycle", event, interval, date_from, date_to, where, cohort, breakdown_cohort, as_json, as_csv)


@app.command("paths")
@needs_events_store
def paths(
    date_from: datetime = typer.Option(None, "--from", formats=["%Y-%m-%d"], help="First day (inclusive)."),
    date_to: datetime = typer.Option(None, "--to", formats=["%Y-%m-%d"], help="Last day (inclusive)."),
    custom: bool = typer.Option(False, "--custom", help="Paths between custom events instead of page views."),
    path_property: str = typer.Option("$current_url", "--property", help="The page views' property that names "
                                                                          "the page."),
    include: list[str] = typer.Option(None, "--include", help="With --custom: only these events (repeatable)."),
    max_steps: int = typer.Option(5, "--max-steps", help="Steps per person (2 to 10)."),
    start_point: str = typer.Option(None, "--start", help="Paths start at each person's first visit of this page "
                                                          "(or event), e.g. /cart."),
    end_point: str = typer.Option(None, "--end", help="Paths end at the first visit of this page (or event)."),
    where: list[str] = WHERE_OPTION,
    cohort: int = COHORT_OPTION,
    breakdown_cohort: list[int] = BREAKDOWN_COHORT_OPTION,
    as_json: bool = JSON_OPTION,
    as_csv: bool = CSV_OPTION,
) -> None:
    """The most frequent transitions between consecutive page views (or custom events)."""
    query = {"date_from": _day(date_from), "date_to": _day(date_to),
             "event_type": "custom" if custom else "$pageview", "path_property": path_property,
             "include_events": include or None, "max_steps": max_steps, "start_point": start_point,
             "end_point": end_point, "where": where or [], "cohort": cohort,
             "breakdown_cohorts": breakdown_cohort or []}
    _show("paths", query, "Paths" + (" between custom events" if custom else f" by {path_property}"),
          as_json, as_csv)


# --- cohorts -------------------------------------------------------------------------------------------

cohort_app = typer.Typer(help="Saved sets of persons defined by behaviour or property.", no_args_is_help=True)
app.add_typer(cohort_app, name="cohort")


@cohort_app.command("list")
def cohort_list(as_json: bool = JSON_OPTION) -> None:
    """The saved cohorts: id, name and definition in words."""
    setup_django()
    from headway.analytics import services

    rows = [{"id": c.pk, "name": c.name, "definition": services.describe(services.definition(c.definition))}
            for c in services.list_cohorts(None)]
    if as_json:
        print_json(rows)
    else:
        print_table("Cohorts", ["id", "name", "definition"], [list(r.values()) for r in rows])


@cohort_app.command("create")
def cohort_create(
    name: str = typer.Argument(..., help="A unique name, e.g. 'Repeat buyers'."),
    event: str = typer.Option(None, "--event", help="Behaviour: persons who did this event ..."),
    min_count: int = typer.Option(1, "--min-count", help="... at least this many times ..."),
    max_count: int = typer.Option(None, "--max-count", help="... and at most this many times ..."),
    days: int = typer.Option(30, "--days", help="... in the last this many days."),
    where: list[str] = typer.Option(None, "--where", help="Behaviour: filter on the events (repeatable)."),
    prop: list[str] = typer.Option(None, "--property", help="Property rule property:op:value (repeatable)."),
    match: str = typer.Option("all", "--match", help="all (every rule) or any (at least one)."),
    description: str = typer.Option("", "--description", help="What the cohort is for."),
) -> None:
    """Save a cohort, e.g. --event purchase --min-count 2 --days 30, or --property plan:eq:plus."""
    setup_django()
    from headway.analytics import services

    rules: list[dict[str, object]] = [{"property": p} for p in prop or []]
    if event:
        rules.insert(0, {"event": event, "min_count": min_count, "max_count": max_count, "days": days,
                         "where": where or []})
    cohort = services.create_cohort(None, name, {"rules": rules, "match": match}, description=description)
    console.print(f"cohort {cohort.pk} saved: {services.describe(services.definition(cohort.definition))}")


@cohort_app.command("persons")
@needs_events_store
def cohort_persons(cohort_id: int = typer.Argument(..., help="The cohort's id."),
                   as_json: bool = JSON_OPTION) -> None:
    """The persons in a cohort now."""
    setup_django()
    from headway.analytics import services

    found = services.members(None, cohort_id)
    if as_json:
        print_json(found)
    else:
        print_table(f"{len(found)} persons", ["person"], [[p] for p in found])


@cohort_app.command("delete")
def cohort_delete(cohort_id: int = typer.Argument(..., help="The cohort's id.")) -> None:
    """Delete a cohort."""
    setup_django()
    from headway.analytics import services

    services.delete_cohort(None, cohort_id)
    console.print(f"cohort {cohort_id} deleted")
