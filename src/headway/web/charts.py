"""Charts as Vega-Lite specs: built in Python (Altair or a plain dict), drawn in the browser by vega-embed.

A page shows a chart with ``{% load headway_charts %}{% vega_chart spec id="signups" label="..." %}``; the
spec travels as JSON in a ``<script type="application/json">`` and ``static/headway/charts.js`` draws it.
The same data is always available as a table, for screen readers and browsers without JavaScript.
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from django.core.serializers.json import DjangoJSONEncoder

from headway.core.errors import ValidationError

Spec = dict[str, Any]

_COMPOSITE_KEYS = ("hconcat", "vconcat", "concat", "facet", "repeat")
_HTML_ID = re.compile(r"[A-Za-z][A-Za-z0-9_-]{0,63}")


def to_spec(chart: Any) -> Spec:
    """A JSON-ready Vega-Lite spec from an Altair chart or a Vega-Lite dict.

    The input is copied (never changed); dates and decimals become JSON strings and numbers. A single-view
    spec without a width fills its container, so charts follow the page on a narrow screen.
    """
    if hasattr(chart, "to_dict") and not isinstance(chart, Mapping):
        source = chart.to_dict()
    elif isinstance(chart, Mapping):
        source = chart
    else:
        raise ValidationError(
            f"A chart is an Altair chart or a Vega-Lite dict, not {type(chart).__name__}: "
            "build it with altair.Chart(...) or pass the spec as a dict."
        )
    spec: Spec = json.loads(json.dumps(source, cls=DjangoJSONEncoder))
    if not any(key in spec for key in _COMPOSITE_KEYS):
        spec.setdefault("width", "container")
    return spec


def chart_rows(spec: Mapping[str, Any]) -> list[dict[str, Any]]:
    """The inline data rows of a spec: ``data.values`` or its named dataset, else the first layer's."""
    data = spec.get("data")
    if isinstance(data, Mapping):
        if isinstance(data.get("values"), list):
            return [row for row in data["values"] if isinstance(row, dict)]
        name = data.get("name")
        datasets = spec.get("datasets")
        if name and isinstance(datasets, Mapping) and isinstance(datasets.get(name), list):
            return [row for row in datasets[name] if isinstance(row, dict)]
    for layer in spec.get("layer", []) or []:
        if isinstance(layer, Mapping):
            rows = chart_rows({**layer, "datasets": spec.get("datasets", {})})
            if rows:
                return rows
    return []


@dataclass(frozen=True)
class ChartTable:
    """A chart's data as a table: field names, their headings, rows of cells, and how many rows were left out."""

    columns: list[str]
    headings: list[str]
    rows: list[list[Any]]
    left_out: int


def field_titles(spec: Mapping[str, Any]) -> dict[str, str]:
    """The title the spec gives each field in its encoding (axis, legend or tooltip), first one wins."""
    titles: dict[str, str] = {}
    for part in [spec, *(spec.get("layer") or [])]:
        encoding = part.get("encoding") if isinstance(part, Mapping) else None
        for channel in (encoding or {}).values():
            for definition in channel if isinstance(channel, list) else [channel]:  # tooltip: a list
                if isinstance(definition, Mapping) and isinstance(definition.get("title"), str):
                    titles.setdefault(str(definition.get("field")), definition["title"])
    return titles


def chart_table(spec: Mapping[str, Any], limit: int = 100) -> ChartTable:
    """The first ``limit`` rows of a spec's inline data as a table (columns in first-seen order)."""
    rows = chart_rows(spec)
    columns: list[str] = []
    for row in rows:
        columns.extend(key for key in row if key not in columns)
    titles = field_titles(spec)
    cells = [[row.get(column, "") for column in columns] for row in rows[:limit]]
    return ChartTable(columns=columns, headings=[titles.get(c, c) for c in columns], rows=cells,
                      left_out=max(0, len(rows) - limit))


def check_chart_id(chart_id: str) -> str:
    """Return ``chart_id`` when it can serve as an HTML id, else raise with the rule."""
    if not _HTML_ID.fullmatch(chart_id):
        raise ValidationError(
            f"Chart id {chart_id!r} cannot be an HTML id: start with a letter, then use up to 63 letters, "
            "digits, '-' or '_', e.g. id=\"weekly-active\"."
        )
    return chart_id


def chart_title(spec: Mapping[str, Any]) -> str:
    """The spec's title text (or its description), for the chart's accessible name."""
    title = spec.get("title")
    if isinstance(title, Mapping):
        title = title.get("text")
    if isinstance(title, list):
        title = " ".join(str(part) for part in title)
    return str(title or spec.get("description") or "")


def inline_data(rows: Sequence[Mapping[str, Any]]) -> Any:
    """Altair's ``Data`` with ``rows`` inline as its ``values`` (altair's constructor is untyped: typed here once)."""
    import altair as alt

    data: Any = alt.Data
    return data(values=[dict(row) for row in rows])


def bar_chart(rows: list[Mapping[str, Any]], *, category: str, value: str, title: str,
              category_title: str = "", value_title: str = "") -> Spec:
    """A horizontal bar chart spec of ``value`` per ``category``, bars in the order of ``rows``."""
    import altair as alt

    height = max(60, 30 * len(rows))
    chart = (
        alt.Chart(inline_data(rows), title=title, height=height)
        .mark_bar()
        .encode(
            y=alt.Y(f"{category}:N", sort=None, title=category_title or None),
            x=alt.X(f"{value}:Q", title=value_title or value, axis=alt.Axis(tickMinStep=1, format="d")),
            tooltip=[alt.Tooltip(f"{category}:N", title=category_title or category.capitalize()),
                     alt.Tooltip(f"{value}:Q", title=value_title or value)],
        )
    )
    return to_spec(chart)


# --- markers: dates drawn on every KPI and trends chart (release markers and annotations) ------------------


@dataclass(frozen=True)
class ChartMarker:
    """A dated vertical rule on a time chart: a release (``kind="release"``) or an annotation."""

    date: str  # YYYY-MM-DD
    text: str
    kind: str


#: Functions ``(actor, kpi, date_from, date_to) -> list[ChartMarker]``; an app above the charts' apps (impact)
#: registers one when it starts, so a chart asks for markers without importing it.
MARKER_SOURCES: list[Any] = []


def register_marker_source(source: Any) -> None:
    """Add a source of chart markers (idempotent)."""
    if source not in MARKER_SOURCES:
        MARKER_SOURCES.append(source)


def chart_markers(actor: Any, *, kpi: str | None = None, date_from: Any = None,
                  date_to: Any = None) -> list[ChartMarker]:
    """Every registered source's markers for ``kpi`` (None: the workspace's) between the dates."""
    found: list[ChartMarker] = []
    for source in MARKER_SOURCES:
        found.extend(source(actor, kpi, date_from, date_to))
    return sorted(found, key=lambda m: (m.date, m.text))


@dataclass(frozen=True)
class MarkerJump:
    """A choice of the date pickers' "jump to a marker": the range of ``days`` either side of a marker."""

    label: str
    date_from: str
    date_to: str

    @property
    def value(self) -> str:
        """``START..END`` (the KPI page's period syntax)."""
        return f"{self.date_from}..{self.date_to}"


def marker_jumps(markers: Sequence[ChartMarker], days: int = 14, limit: int = 50) -> list[MarkerJump]:
    """The latest ``limit`` markers as date ranges of ``days`` either side, newest first."""
    from datetime import date, timedelta

    jumps = []
    for marker in sorted(markers, key=lambda m: (m.date, m.text), reverse=True)[:limit]:
        day = date.fromisoformat(marker.date)
        kind = "release" if marker.kind == "release" else "note"
        jumps.append(MarkerJump(label=f"{marker.date} — {marker.text} ({kind})",
                                date_from=(day - timedelta(days=days)).isoformat(),
                                date_to=(day + timedelta(days=days)).isoformat()))
    return jumps


def marker_layer(markers: Sequence[ChartMarker], field: str = "date", time_unit: str | None = None) -> Spec:
    """A Vega-Lite layer of dashed rules, one per marker, with the text as tooltip."""
    x: dict[str, Any] = {"field": field, "type": "temporal"}
    if time_unit:
        x["timeUnit"] = time_unit
    return {
        "data": {"values": [{field: m.date, "marker": m.text, "kind": m.kind} for m in markers]},
        "mark": {"type": "rule", "strokeDash": [4, 4], "color": "#8250df"},
        "encoding": {"x": x, "tooltip": [{"field": "marker", "type": "nominal", "title": "Marker"},
                                         {"field": field, "type": "temporal", "title": "Date"}]},
    }
