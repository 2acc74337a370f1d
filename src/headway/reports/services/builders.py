"""The content of each report pack, built from the other apps' public services with the real actor, so every
number equals the one the pages, the API and the CLI show for the same period."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

from headway.core import formatting
from headway.core.errors import NotFound, ValidationError
from headway.core.models import User
from headway.reports.engine import Chart, Document, Section, Table

KINDS = ("weekly", "monthly", "okr", "board", "roadmap", "release-notes")
SHIPPED = ("shipped", "measured")


def _pct(value: float | None) -> str:
    return "—" if value is None else f"{value * 100:.0f}%"


def _kpi_table(summaries: list[Any]) -> Table:
    return Table(columns=["KPI", "Owner", "Period to date", "Target", "Forecast", "Status"],
                 rows=[[k.label, k.owner or "—", k.display.get("period_to_date", "—"), k.display.get("target", "—"),
                        k.display.get("projection", "—"), k.status_label] for k in summaries])


def _north_star_chart(actor: User | None, summaries: list[Any], period: str) -> Chart | None:
    from headway.strategy import services as strategy

    star = next((k for k in summaries if k.north_star), None)
    if star is None:
        return None
    data = strategy.kpi_chart_data(actor, star.name, period)
    return Chart(title=f"{star.label} (North Star)", kind="line", labels=[p.date for p in data.actual],
                 values=[p.value for p in data.actual], target=data.target if data.cumulative else None,
                 unit=star.unit)


def _goal_rows(goals: list[Any]) -> list[list[str]]:
    rows: list[list[str]] = []

    def walk(goal: Any, depth: int) -> None:
        rows.append([("— " * depth) + goal.title, goal.owner or "—", goal.status_label, f"{goal.confidence}/10",
                     _pct(goal.progress)])
        for child in goal.children:
            walk(child, depth + 1)

    for g in goals:
        walk(g, 0)
    return rows


def _goals(actor: User | None, period: str) -> list[Any]:
    from headway.strategy import services as strategy

    return strategy.goal_views(actor, strategy.list_goals(actor, period))


def _shipped(actor: User | None, start: dt.date, end: dt.date) -> list[Any]:
    """Initiatives that reached shipped between ``start`` and ``end`` (their details, demand included)."""
    from headway.planning import services as planning

    found = []
    for stage in SHIPPED:
        for initiative in planning.list_initiatives(actor, stage=stage):
            detail = planning.initiative_detail(actor, initiative.pk)
            when = next((s.at.date() for s in detail.history if s.to == "shipped"), None)
            if when is not None and start <= when <= end:
                found.append(detail)
    return sorted(found, key=lambda d: d.id)


def measured_impact(actor: User | None, initiative_id: int) -> str:
    """The initiative's measured effect in words (``+0.012 a day (0.008 to 0.016), Hit · experiment``), or that
    no read-out exists yet: the number the impact read-out page shows."""
    from headway.impact import services as impact

    try:
        r = impact.readout(actor, initiative_id)
    except NotFound:
        return "no read-out yet"
    sign = "+" if r.average_effect > 0 else ""
    return (f"{sign}{formatting.number(r.average_effect)} a day ({formatting.number(r.lower)} to "
            f"{formatting.number(r.upper)}), {formatting.label(r.verdict)} · {r.method_words}")


def _themes(actor: User | None, as_of: dt.date) -> list[Any]:
    from headway.discovery import services as discovery

    return discovery.theme_metrics(actor, as_of=as_of)


def _period(actor: User | None, period: str) -> tuple[str, dt.date, dt.date]:
    from headway.strategy import services as strategy

    p = strategy.resolve_period(actor, period or "current")
    return p.name, p.start, p.end


def weekly(actor: User | None, period: str, audience: str) -> Document:
    """The weekly digest: KPI moves against target and forecast, new alerts, emerging themes, launches, goal
    check-ins due — for the seven days up to the latest computed day."""
    from headway.strategy import services as strategy

    as_of = strategy.current_as_of()
    start = as_of - dt.timedelta(days=6)
    name, _, _ = _period(actor, period)
    summaries = strategy.kpi_summaries(actor, name)
    alerts = [a for a in strategy.alert_views(actor, include_acknowledged=False) if a.until >= start]
    emerging = [t for t in _themes(actor, as_of) if t.emerging]
    shipped = _shipped(actor, start, strategy.today())
    due = []
    for goal in strategy.list_goals(actor, name):
        check_ins = strategy.goal_check_ins(actor, goal.pk)
        last = max((c.at.date() for c in check_ins), default=None)
        if last is None or last < start:
            due.append(f"{goal.title} ({goal.owner.name if goal.owner else 'no owner'}): last check-in "
                       f"{last.isoformat() if last else 'never'}")
    return Document(
        title="Weekly digest", subtitle=f"{start.isoformat()} to {as_of.isoformat()} · targets for {name}",
        sections=[
            Section("kpis", "KPIs against target and forecast", table=_kpi_table(summaries),
                    chart=_north_star_chart(actor, summaries, name), empty="No KPIs yet."),
            Section("alerts", "New alerts", bullets=[f"{a.kpi}: {a.message}" for a in alerts],
                    empty="No new alerts this week."),
            Section("themes", "Emerging feedback themes",
                    bullets=[f"{t.label}: {t.recent} items in the last 28 days (previously {t.previous})"
                             for t in emerging], empty="No emerging themes."),
            Section("launches", "Launches", bullets=[f"#{d.id} {d.title}" for d in shipped],
                    empty="Nothing shipped this week."),
            Section("checkins", "Goal check-ins due", bullets=due, empty="Every goal was checked in this week."),
        ])


def monthly(actor: User | None, period: str, audience: str) -> Document:
    """The monthly product review; *Decisions needed* is the leader's free text."""
    from headway.strategy import services as strategy

    name, start, end = _period(actor, period)
    as_of = strategy.current_as_of()
    summaries = strategy.kpi_summaries(actor, name)
    goals = _goals(actor, name)
    shipped = _shipped(actor, as_of - dt.timedelta(days=30), strategy.today())
    themes = sorted(_themes(actor, as_of), key=lambda t: (-t.arr, t.label))[:5]
    risks = [f"{k.label}: {k.status_label} ({k.rule})" for k in summaries if k.status in ("off_track", "at_risk")]
    risks += [f"{a.kpi}: {a.message}" for a in strategy.alert_views(actor, include_acknowledged=False)]
    return Document(
        title="Monthly product review", subtitle=f"{(as_of - dt.timedelta(days=30)).isoformat()} to "
        f"{as_of.isoformat()} · {name} ({start.isoformat()}..{end.isoformat()})",
        sections=[
            Section("goals", "Goals", table=Table(["Goal", "Owner", "Status", "Confidence", "Progress"],
                                                  _goal_rows(goals)), empty="No goals for this period."),
            Section("kpis", "KPIs with forecasts and status", table=_kpi_table(summaries),
                    chart=_north_star_chart(actor, summaries, name), empty="No KPIs yet."),
            Section("shipped", "Shipped work and its impact", table=Table(
                ["Initiative", "KPI", "Expected impact", "Measured impact"],
                [[f"#{d.id} {d.title}", d.kpi_label or "—", d.expected_impact or "—",
                  measured_impact(actor, d.id)] for d in shipped]), empty="Nothing shipped in the last 30 days."),
            Section("themes", "Top feedback themes by revenue", table=Table(
                ["Theme", "Items", "Accounts", "ARR"], [[t.label, str(t.size), str(t.accounts), f"{t.arr:,.0f}"]
                                                        for t in themes]),
                    chart=Chart("ARR asking, by theme", "bar", [t.label for t in themes], [t.arr for t in themes])
                    if themes else None, empty="No themes yet."),
            Section("risks", "Risks", bullets=risks, empty="No KPI off track and no open alert."),
            Section("decisions", "Decisions needed", editable=True, empty="None written yet."),
        ])


def okr(actor: User | None, period: str, audience: str) -> Document:
    """The quarterly OKR scorecard: each goal and key result with owner, status, confidence history and why."""
    from headway.strategy import services as strategy

    name, start, end = _period(actor, period)
    sections = []
    flat: list[Any] = []

    def walk(goal: Any) -> None:
        flat.append(goal)
        for child in goal.children:
            walk(child)

    for g in _goals(actor, name):
        walk(g)
    for goal in flat:
        history = strategy.goal_check_ins(actor, goal.id)
        krs = Table(["Key result", "Status", "Progress", "Period to date", "Target"],
                    [[k.label, k.status_label, _pct(k.progress), k.period_to_date, k.target] for k in goal.key_results])
        lines = [f"{c.at.date().isoformat()} · {c.status} · confidence {c.confidence}/10 · {c.author}"
                 + (f": {c.comment}" if c.comment else "") for c in history]
        sections.append(Section(f"goal-{goal.id}", goal.title, text=(
            f"Owner: {goal.owner or '—'} · status: {goal.status_label} · confidence {goal.confidence}/10 · "
            f"progress {_pct(goal.progress)}"), bullets=lines, table=krs))
    if not sections:
        sections.append(Section("goals", "Goals", empty=f"No goals for {name}: add them on the Goals page."))
    return Document(title="OKR scorecard", subtitle=f"{name} ({start.isoformat()}..{end.isoformat()})",
                    sections=sections)


def board(actor: User | None, period: str, audience: str) -> Document:
    """The board pack's product section; *Asks* is the leader's free text."""
    from headway.planning import services as planning
    from headway.strategy import services as strategy

    name, _, _ = _period(actor, period)
    as_of = strategy.current_as_of()
    summaries = strategy.kpi_summaries(actor, name)
    star = next((k for k in summaries if k.north_star), None)
    by_parent: dict[str | None, list[Any]] = {}
    for k in summaries:
        by_parent.setdefault(k.parent, []).append(k)
    tree: list[str] = []

    def walk(parent: str | None, depth: int) -> None:
        for k in by_parent.get(parent, []):
            tree.append(("  " * depth) + f"{k.label}: {k.display.get('period_to_date', '—')} "
                        f"(target {k.display.get('target', '—')}, {k.status_label})")
            walk(k.name, depth + 1)

    walk(None, 0)
    next_q = planning.quarters(None, 2)[-1]
    road = planning.roadmap(actor, "leadership")
    shipped = _shipped(actor, as_of - dt.timedelta(days=91), strategy.today())
    return Document(title="Board pack: product", subtitle=f"{name} · as of {as_of.isoformat()}", sections=[
        Section("north-star", "North Star", text=(f"**{star.label}**: {star.display.get('period_to_date', '—')} "
                                                  f"against a target of {star.display.get('target', '—')} "
                                                  f"({star.status_label}).") if star else "",
                chart=_north_star_chart(actor, summaries, name), empty="No North Star KPI set."),
        Section("kpi-tree", "KPI tree", bullets=tree, empty="No KPIs yet."),
        Section("goals", "Goals", table=Table(["Goal", "Owner", "Status", "Confidence", "Progress"],
                                              _goal_rows(_goals(actor, name))), empty="No goals for this period."),
        Section("shipped", "What shipped and what it did", table=Table(
            ["Initiative", "KPI", "Expected impact", "Measured impact"],
            [[f"#{d.id} {d.title}", d.kpi_label or "—", d.expected_impact or "—", measured_impact(actor, d.id)]
             for d in shipped]),
            empty="Nothing shipped this quarter."),
        Section("roadmap", f"Next quarter's roadmap ({next_q})", table=Table(
            ["Initiative", "Commitment", "Kind", "Team"],
            [[str(r["title"]), str(r["commitment"]), str(r["kind"]), str(r.get("team", "") or "—")]
             for r in road.rows if r["quarter"] == next_q]), empty=f"Nothing placed in {next_q} yet."),
        Section("asks", "Asks", editable=True, empty="None written yet."),
    ])


ONE_PAGER_COLUMNS = ("title", "end_quarter", "commitment", "kind", "stage", "team", "goal", "kpi",
                     "effort_weeks", "cost")


def roadmap_pack(actor: User | None, period: str, audience: str) -> Document:
    """The roadmap one-pager for one audience view: exactly the columns and items that view shows."""
    from headway.planning import services as planning

    view = planning.roadmap(actor, audience or "leadership")
    columns = [c for c in ONE_PAGER_COLUMNS if c in view.columns]  # never a column the view hides
    sections = []
    for q in view.quarters:
        rows = [r for r in view.rows if r["quarter"] == q]
        if not rows:
            continue
        sections.append(Section(f"q-{q}", q, table=Table(
            [c.replace("_", " ") for c in columns],
            [[_value(r.get(c, "")) for c in columns] for r in rows])))
    if not sections:
        sections.append(Section("empty", "Roadmap", empty="Nothing is on the roadmap yet."))
    return Document(title=f"Roadmap: {view.audience}", subtitle=f"the {view.audience} view", sections=sections)


def _value(value: object) -> str:
    if isinstance(value, list):
        return ", ".join(str(v) for v in value)
    if isinstance(value, float):
        return f"{value:,.1f}"
    return str(value)


def release_notes(actor: User | None, period: str, audience: str) -> Document:
    """Release notes: the initiatives shipped in the period, with the accounts whose feedback asked for them."""
    from headway.discovery import services as discovery

    name, start, end = _period(actor, period)
    sections = []
    for d in _shipped(actor, start, end):
        demand = discovery.demand_for(d.id, actor=actor)
        names = demand.account_names
        shown = ", ".join(names[:MAX_ACCOUNTS]) + (f" and {len(names) - MAX_ACCOUNTS} more"
                                                     if len(names) > MAX_ACCOUNTS else "")
        asked = (f"Asked for by {shown} ({formatting.money(demand.arr, _currency())} ARR, "
                 f"{formatting.number(demand.items)} feedback item{'' if demand.items == 1 else 's'})"
                 if names else (f"Asked for in {formatting.number(demand.items)} feedback item"
                                f"{'' if demand.items == 1 else 's'}" if demand.items else "No linked feedback."))
        sections.append(Section(f"i-{d.id}", d.title, text=d.problem or d.hypothesis, bullets=[asked]))
    if not sections:
        sections.append(Section("none", "Shipped", empty=f"Nothing shipped in {name}."))
    return Document(title="Release notes", subtitle=f"{name} ({start.isoformat()}..{end.isoformat()})",
                    sections=sections)


MAX_ACCOUNTS = 8


def _currency() -> str:
    from headway.core.services import get_workspace

    return get_workspace().currency or "USD"


BUILDERS: dict[str, Callable[[User | None, str, str], Document]] = {
    "weekly": weekly, "monthly": monthly, "okr": okr, "board": board, "roadmap": roadmap_pack,
    "release-notes": release_notes,
}


def build_document(actor: User | None, kind: str, *, period: str = "current", audience: str = "") -> Document:
    """The document of pack ``kind`` for ``period`` (and ``audience`` for the roadmap)."""
    key = (kind or "").strip().lower()
    if key not in BUILDERS:
        raise ValidationError(f"There is no report pack {kind!r}: choose one of {', '.join(KINDS)}.",
                              details={"kind": kind})
    return BUILDERS[key](actor, period or "current", audience)
