"""Difference-in-differences read-outs: when only part of the population got the change (a device, a country, a
plan), the treated segment's KPI against the other segments', before and after the ship date.

A segment is ``property=value`` (``device=ios``). The KPI's metric is computed per segment straight from the
events store: the stored metric catalogue with ``property = value`` added to every simple metric's filters (a
ratio's numerator and denominator alike), passed to analytics' ``compute_metric``. The segments are the values
of the property on the events of the metric's base event (a ratio's denominator) over the read-out's window, up
to ``MAX_SEGMENTS``. The panel (one row per segment and day) goes to the engine's ``diff_in_diff`` with a linear
pre-trend check (a handful of segments leaves too few clusters for one term per pre day). DiD needs the treated
segment and at least two others with data; otherwise :func:`segment_panel` says why, and the read-out falls back
to the next method the data allows.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any

from headway.core.errors import ValidationError
from headway.core.models import User

MAX_SEGMENTS = 20
MIN_OTHERS = 2
PRE_TREND_ALPHA = 0.05


@dataclass(frozen=True)
class Segment:
    """``property = value``: the part of the population that got the change."""

    property: str
    value: str

    def __str__(self) -> str:
        return f"{self.property}={self.value}"


@dataclass
class SegmentPanel:
    """The KPI per segment and day over the read-out window (``treated`` is the segment's value)."""

    segment: Segment
    days: list[date]
    split: int
    values: dict[str, list[float]] = field(default_factory=dict)

    @property
    def others(self) -> list[str]:
        """The untreated segments."""
        return [v for v in self.values if v != self.segment.value]


class SegmentUnavailable(ValidationError):
    """The data does not allow a difference-in-differences for this segment (the message says why)."""


def parse_segment(text: str | None) -> Segment | None:
    """``"device=ios"`` as a :class:`Segment`; blank is None; anything else a ValidationError saying the form."""
    text = (text or "").strip()
    if not text:
        return None
    prop, sep, value = text.partition("=")
    prop, value = prop.strip(), value.strip()
    if not sep or not prop or not value or len(text) > 200 or prop.startswith("$"):
        raise ValidationError(
            f"Segment {text!r} is not property=value: name the event property and the value that got the change, "
            "for example device=ios, country=FR or plan=pro."
        )
    return Segment(prop, value)


def _base_event(actor: User | None, metric_name: str) -> tuple[str, dict[str, Any]]:
    """The event whose property values are the segments (a ratio's denominator), and the catalogue by name."""
    from headway.analytics import services as analytics

    definitions = {m.name: dict(m.definition) for m in analytics.list_metrics(actor)}
    seen: set[str] = set()
    name = metric_name
    while name in definitions and name not in seen:
        seen.add(name)
        found = definitions[name]
        if found.get("type") == "simple":
            return str(found["event"]), definitions
        name = str(found.get("denominator") or found.get("numerator") or found.get("metric") or "")
    raise SegmentUnavailable(
        f"Metric {metric_name!r} counts no event that can be split by a property; a difference-in-differences "
        "needs a KPI computed from events."
    )


def _segmented(definitions: dict[str, Any], segment: Segment) -> str:
    """The catalogue as YAML with ``property = value`` added to every simple metric's filters."""
    import yaml

    items = []
    for item in definitions.values():
        item = dict(item)
        if item.get("type") == "simple":
            item["where"] = [*item.get("where", []), {"property": segment.property, "op": "eq",
                                                      "value": segment.value}]
        items.append(item)
    return yaml.safe_dump({"metrics": items}, sort_keys=False)


def _values(actor: User | None, event: str, segment: Segment, start: date, end: date) -> list[str]:
    from headway.analytics import services as analytics

    result = analytics.trends(actor, {"event": event, "math": "total", "interval": "day", "date_from": start,
                                      "date_to": end, "breakdown": segment.property,
                                      "breakdown_limit": MAX_SEGMENTS})
    return [str(s.breakdown_value) for s in result.series
            if not s.is_other and s.breakdown_value not in (None, "") and s.total > 0]


def segment_panel(actor: User | None, metric: str, segment: Segment, ship: date, *, pre_days: int,
                  post_days: int, as_of: date, min_pre: int) -> SegmentPanel:
    """The KPI's metric per segment and day from ``ship - pre_days`` to the last day with data, or
    :class:`SegmentUnavailable` saying why the data does not allow a difference-in-differences."""
    from headway.analytics import services as analytics

    if not metric:
        raise SegmentUnavailable("The KPI is not computed from events (it has no metric), so it cannot be split "
                                 f"by {segment.property}.")
    event, definitions = _base_event(actor, metric)
    start, end = ship - timedelta(days=pre_days), min(ship + timedelta(days=post_days - 1), as_of)
    if end < ship:
        raise ValidationError(f"No day after the ship date {ship} has passed yet: wait for data, then measure.")
    values = _values(actor, event, segment, start, end)
    if segment.value not in values:
        raise SegmentUnavailable(
            f"No {event} event has {segment.property}={segment.value} between {start} and {end}; check the "
            f"property and value (seen: {', '.join(values[:10]) or 'none'})."
        )
    if len(values) - 1 < MIN_OTHERS:
        raise SegmentUnavailable(
            f"{segment.property} has {len(values) - 1} other value(s) with {event} events; a "
            f"difference-in-differences needs at least {MIN_OTHERS} untreated segments."
        )
    panel = SegmentPanel(segment=segment, days=[], split=0)
    series: dict[str, dict[date, float]] = {}
    for value in values:
        found = analytics.compute_metric(actor, metric, date_from=start, date_to=end, interval="day",
                                         text=_segmented(definitions, Segment(segment.property, value)))
        series[value] = {(d.date() if hasattr(d, "date") else d): float(v)
                         for d, v in zip(found.labels, found.values, strict=True)}
    active = [d for d in sorted(series[segment.value]) if any(s.get(d, 0.0) for s in series.values())]
    if not active:
        raise SegmentUnavailable(f"The metric {metric} is zero for every segment of {segment.property}.")
    panel.days = [d for d in sorted(series[segment.value]) if d >= active[0]]
    panel.split = len([d for d in panel.days if d < ship])
    if panel.split < min_pre:
        raise SegmentUnavailable(
            f"The segments have {panel.split} day(s) of data before the ship date {ship}; a read-out needs at "
            f"least {min_pre}."
        )
    if panel.split == len(panel.days):
        raise SegmentUnavailable(f"No segment has data since the ship date {ship}: wait for data, then measure.")
    panel.values = {value: [series[value].get(d, 0.0) for d in panel.days] for value in values}
    return panel


def did_effect(panel: SegmentPanel, alpha: float) -> dict[str, object]:
    """The engine's difference-in-differences on the panel, with the treated segment's counterfactual path (its
    pre-period gap to the others' mean, added to the others' mean after the ship date)."""
    from headway.impact.engine import diff_in_diff

    treated = panel.segment.value
    rows = [{"unit": value, "period": k, "treated": value == treated, "post": k >= panel.split, "y": y}
            for value, ys in panel.values.items() for k, y in enumerate(ys)]
    result = diff_in_diff(rows, alpha=alpha, pre_trend="linear")
    others = [sum(panel.values[v][k] for v in panel.others) / len(panel.others) for k in range(len(panel.days))]
    mine = panel.values[treated]
    gap = sum(mine[k] - others[k] for k in range(panel.split)) / panel.split
    predicted = [others[k] + gap for k in range(panel.split, len(panel.days))]
    half = (result.ci[1] - result.ci[0]) / 2
    baseline = sum(predicted) / len(predicted)
    return {
        "effect": result.effect, "lo": result.ci[0], "hi": result.ci[1], "p": result.p_value,
        "predicted": predicted, "lower": [p - half for p in predicted], "upper": [p + half for p in predicted],
        "relative": result.effect / baseline if baseline else None, "baseline": baseline,
        "pre_trend_p_value": result.pre_trend_p_value, "y": mine,
    }
