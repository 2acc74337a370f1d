"""Metrics as code: named metrics defined in YAML, validated with line numbers, computed on an EventStore.

```yaml
metrics:
  - name: signups                # simple: an event, a math and filters
    type: simple
    event: signed_up
    math: unique_users           # any trends math; sum/avg/... need math_property
    where: [{property: plan, op: eq, value: pro}]
  - name: conversion             # ratio: numerator / denominator (0 where the denominator is 0)
    type: ratio
    numerator: purchases
    denominator: signups
  - name: revenue_per_signup     # derived: an arithmetic expression over other metrics (never eval)
    type: derived
    expression: revenue / signups
  - name: revenue_7d             # cumulative: a trailing window in days, or grain_to_date: week|month|year
    type: cumulative
    metric: revenue
    window: 7
```
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any, Protocol

import yaml

from headway.analytics.engine import formula as formulas
from headway.analytics.engine.timebuckets import bucket_start, bucket_starts, next_bucket, resolve_range, zone
from headway.analytics.engine.types import (
    FILTER_OPS,
    MATHS,
    PROPERTY_MATHS,
    DateLike,
    Filter,
    TrendsResult,
)
from headway.core.errors import ValidationError

KINDS = ("simple", "ratio", "derived", "cumulative")
GRAINS = ("week", "month", "year")
ADDITIVE_MATHS = ("total", "sum")
FIELDS: dict[str, tuple[set[str], set[str]]] = {  # kind -> (required, optional) besides name/type
    "simple": ({"event"}, {"math", "math_property", "where", "description", "format"}),
    "ratio": ({"numerator", "denominator"}, {"description", "format"}),
    "derived": ({"expression"}, {"description", "format"}),
    "cumulative": ({"metric"}, {"window", "grain_to_date", "description", "format"}),
}


@dataclass(frozen=True)
class MetricIssue:
    """One problem in a metrics file: the 1-based line and what to change."""

    line: int
    message: str

    def __str__(self) -> str:
        return f"line {self.line}: {self.message}"


@dataclass(frozen=True)
class Metric:
    """A named metric; which fields matter depends on ``type``."""

    name: str
    type: str
    event: str | None = None
    math: str = "total"
    math_property: str | None = None
    where: tuple[Filter, ...] = ()
    numerator: str | None = None
    denominator: str | None = None
    expression: str | None = None
    metric: str | None = None
    window: int | None = None
    grain_to_date: str | None = None
    description: str = ""
    format: str = "number"
    line: int = 0


@dataclass(frozen=True)
class MetricResult:
    """A metric's values per interval."""

    name: str
    labels: list[datetime]
    values: list[float]


@dataclass
class MetricCatalog:
    """The metrics of one file (or API payload), by name, in definition order."""

    metrics: dict[str, Metric] = field(default_factory=dict)

    def get(self, name: str) -> Metric:
        """The metric called ``name`` or NotFound-like ValidationError listing the known names."""
        try:
            return self.metrics[name]
        except KeyError:
            raise ValidationError(
                f"no metric named {name!r}; defined: {', '.join(self.metrics) or 'none'}"
            ) from None


class TrendsSource(Protocol):
    """What computing a metric needs: an EventStore."""

    timezone: str

    def trends(self, event: Any, **kwargs: Any) -> TrendsResult:
        """See EventStore.trends."""


# -- loading and validation ------------------------------------------------------------------------------
def validate_text(text: str) -> list[MetricIssue]:
    """Every problem in a metrics YAML document, each with its line (empty when the file is valid)."""
    return _load(text)[1]


def load_text(text: str) -> MetricCatalog:
    """The catalog of a metrics YAML document; ValidationError listing every problem otherwise."""
    catalog, issues = _load(text)
    if issues:
        raise ValidationError(
            f"{len(issues)} problem(s) in the metrics file: " + "; ".join(str(i) for i in issues),
            details=[{"line": i.line, "message": i.message} for i in issues],
        )
    return catalog


def from_dicts(items: list[Mapping[str, Any]]) -> MetricCatalog:
    """A catalog from plain dicts (the API and web page); same checks as YAML."""
    return load_text(yaml.safe_dump({"metrics": [dict(i) for i in items]}, sort_keys=False))


def _load(text: str) -> tuple[MetricCatalog, list[MetricIssue]]:
    issues: list[MetricIssue] = []
    try:
        root = yaml.compose(text)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        line = mark.line + 1 if mark is not None else 1
        return MetricCatalog(), [MetricIssue(line, f"not valid YAML: {getattr(exc, 'problem', exc)}")]
    if root is None:
        return MetricCatalog(), [MetricIssue(1, "the file is empty: start with 'metrics:' and a list")]
    items = _key(root, "metrics") if isinstance(root, yaml.MappingNode) else None
    if not isinstance(items, yaml.SequenceNode):
        line = root.start_mark.line + 1
        return MetricCatalog(), [MetricIssue(line, "expected 'metrics:' followed by a list of metrics")]
    catalog = MetricCatalog()
    declared = {
        str(v.value) for n in items.value if isinstance(n, yaml.MappingNode)
        for k, v in n.value if k.value == "name" and isinstance(v, yaml.ScalarNode)
    }
    seen: set[str] = set()
    for node in items.value:
        name = _key(node, "name") if isinstance(node, yaml.MappingNode) else None
        if isinstance(name, yaml.ScalarNode) and name.value in seen:
            line = node.start_mark.line + 1
            issues.append(MetricIssue(line, f"metric {name.value!r} is defined twice; rename one"))
            continue
        if isinstance(name, yaml.ScalarNode):
            seen.add(str(name.value))
        metric = _metric(node, issues)
        if metric is not None:
            catalog.metrics[metric.name] = metric
    _check_references(catalog, issues, declared)
    return catalog, sorted(issues, key=lambda i: i.line)


def _key(node: yaml.MappingNode, name: str) -> yaml.Node | None:
    return next((v for k, v in node.value if k.value == name), None)


def _metric(node: yaml.Node, issues: list[MetricIssue]) -> Metric | None:
    line = node.start_mark.line + 1
    if not isinstance(node, yaml.MappingNode):
        issues.append(MetricIssue(line, "each metric must be a mapping with name and type"))
        return None
    values: dict[str, Any] = {}
    lines: dict[str, int] = {}
    for key, value in node.value:
        values[key.value] = yaml.safe_load(yaml.serialize(value))
        lines[key.value] = key.start_mark.line + 1
    name, kind = values.get("name"), values.get("type")
    if not isinstance(name, str) or not name.isidentifier():
        issues.append(MetricIssue(lines.get("name", line), "name must be an identifier such as weekly_signups"))
        return None
    if kind not in KINDS:
        issues.append(MetricIssue(lines.get("type", line), f"metric {name}: type must be one of {', '.join(KINDS)}"))
        return None
    required, optional = FIELDS[kind]
    for missing in sorted(required - set(values)):
        issues.append(MetricIssue(line, f"metric {name}: {kind} metrics need '{missing}'"))
    for extra in sorted(set(values) - required - optional - {"name", "type"}):
        issues.append(MetricIssue(lines[extra], f"metric {name}: unknown field '{extra}' for a {kind} metric"))
    before = len(issues)
    fields = _check_fields(name, kind, values, lines, line, issues)
    if len(issues) > before or required - set(values):
        return None
    return Metric(name=name, type=kind, line=line, **fields)


def _check_fields(
    name: str, kind: str, values: dict[str, Any], lines: dict[str, int], line: int, issues: list[MetricIssue]
) -> dict[str, Any]:
    fields: dict[str, Any] = {}

    def problem(key: str, message: str) -> None:
        issues.append(MetricIssue(lines.get(key, line), f"metric {name}: {message}"))

    for key in ("description", "format"):
        if key in values:
            fields[key] = str(values[key])
    if kind == "simple":
        if "event" in values and (not isinstance(values["event"], str) or not values["event"]):
            problem("event", "event must be an event name")
        math = values.get("math", "total")
        if math not in MATHS:
            problem("math", f"math {math!r} is unknown; use one of {', '.join(MATHS)}")
        if math in PROPERTY_MATHS and not values.get("math_property"):
            problem("math", f"math {math} needs math_property (a numeric property)")
        fields.update(event=values.get("event"), math=math, math_property=values.get("math_property"))
        fields["where"] = tuple(_filters(values.get("where") or [], problem))
    elif kind == "ratio":
        for key in ("numerator", "denominator"):
            if not isinstance(values.get(key), str):
                problem(key, f"{key} must be the name of another metric")
            fields[key] = values.get(key)
    elif kind == "derived":
        expression = values.get("expression")
        try:
            formulas.parse(str(expression))
        except ValidationError as exc:
            problem("expression", exc.message)
        fields["expression"] = str(expression)
    else:
        window, grain = values.get("window"), values.get("grain_to_date")
        if (window is None) == (grain is None):
            problem("metric", "give either window (trailing days) or grain_to_date (week, month or year)")
        if window is not None and (not isinstance(window, int) or isinstance(window, bool) or window < 1):
            problem("window", "window must be a whole number of days, at least 1")
        if grain is not None and grain not in GRAINS:
            problem("grain_to_date", f"grain_to_date must be one of {', '.join(GRAINS)}")
        fields.update(metric=values.get("metric"), window=window, grain_to_date=grain)
    return fields


def _filters(raw: Any, problem: Any) -> list[Filter]:
    if not isinstance(raw, list):
        problem("where", "where must be a list of {property, op, value}")
        return []
    result = []
    for item in raw:
        if not isinstance(item, dict) or not isinstance(item.get("property"), str):
            problem("where", f"filter {item!r} needs a property")
            continue
        op = item.get("op", "eq")
        if op not in FILTER_OPS:
            problem("where", f"filter op {op!r} is unknown; use one of {', '.join(FILTER_OPS)}")
            continue
        value = item.get("value")
        result.append(Filter(item["property"], op, tuple(value) if isinstance(value, list) else value))
    return result


def _references(metric: Metric) -> list[str]:
    if metric.type == "ratio":
        return [str(metric.numerator), str(metric.denominator)]
    if metric.type == "derived" and metric.expression:
        return formulas.names(metric.expression)
    if metric.type == "cumulative":
        return [str(metric.metric)]
    return []


def _check_references(catalog: MetricCatalog, issues: list[MetricIssue], declared: set[str]) -> None:
    for metric in catalog.metrics.values():
        for ref in _references(metric):
            if ref not in declared:
                issues.append(MetricIssue(metric.line, f"metric {metric.name}: refers to unknown metric {ref!r}"))
        if metric.type == "cumulative" and metric.metric in catalog.metrics:
            base = catalog.metrics[metric.metric]
            if base.type != "simple" or base.math not in ADDITIVE_MATHS:
                issues.append(MetricIssue(
                    metric.line,
                    f"metric {metric.name}: cumulative adds daily values, so {base.name} must be a simple "
                    f"metric with math {' or '.join(ADDITIVE_MATHS)}",
                ))
    for metric in catalog.metrics.values():
        if _cycle(catalog, metric.name, []):
            issues.append(MetricIssue(metric.line, f"metric {metric.name}: refers to itself through other metrics"))


def _cycle(catalog: MetricCatalog, name: str, path: list[str]) -> bool:
    if name in path:
        return True
    metric = catalog.metrics.get(name)
    if metric is None:
        return False
    return any(_cycle(catalog, ref, [*path, name]) for ref in _references(metric))


# -- computation -----------------------------------------------------------------------------------------
def compute(
    store: TrendsSource,
    catalog: MetricCatalog,
    name: str,
    *,
    date_from: DateLike,
    date_to: DateLike,
    interval: str = "day",
) -> MetricResult:
    """The values of metric ``name`` per ``interval`` from ``date_from`` to ``date_to`` (inclusive)."""
    metric = catalog.get(name)
    if metric.type == "simple":
        trend = store.trends(
            metric.event, math=metric.math, math_property=metric.math_property, where=metric.where,
            interval=interval, date_from=date_from, date_to=date_to,
        )
        return MetricResult(name, trend.labels, trend.series[0].data)
    if metric.type in ("ratio", "derived"):
        expression = f"{metric.numerator} / {metric.denominator}" if metric.type == "ratio" else str(metric.expression)
        parts = {
            ref: compute(store, catalog, ref, date_from=date_from, date_to=date_to, interval=interval)
            for ref in formulas.names(expression)
        }
        labels = next(iter(parts.values())).labels
        return MetricResult(name, labels, formulas.evaluate(expression, {k: v.values for k, v in parts.items()}))
    return _cumulative(store, catalog, metric, date_from, date_to, interval)


def _cumulative(
    store: TrendsSource, catalog: MetricCatalog, metric: Metric, date_from: DateLike, date_to: DateLike,
    interval: str,
) -> MetricResult:
    if interval == "hour":
        raise ValidationError(f"metric {metric.name} is cumulative over days: use interval day, week or month")
    span = resolve_range(date_from, date_to, zone(store.timezone))
    first_day = bucket_start(span.start, "day")
    last_day = bucket_start(span.end - timedelta(microseconds=1), "day")
    if metric.window is not None:
        lookback_start = first_day - timedelta(days=metric.window - 1)
    else:
        lookback_start = bucket_start(first_day, "month" if metric.grain_to_date == "month" else "day")
        if metric.grain_to_date == "week":
            lookback_start = bucket_start(first_day, "week")
        elif metric.grain_to_date == "year":
            lookback_start = first_day.replace(month=1, day=1)
    daily = compute(store, catalog, str(metric.metric), date_from=lookback_start, date_to=last_day.date(),
                    interval="day")
    by_day = dict(zip(daily.labels, daily.values, strict=True))
    labels = bucket_starts(span, interval)
    values = []
    for label in labels:
        day = min(next_bucket(label, interval) - timedelta(days=1), last_day)
        if metric.window is not None:
            start = day - timedelta(days=metric.window - 1)
        elif metric.grain_to_date == "year":
            start = day.replace(month=1, day=1)
        else:
            start = bucket_start(day, str(metric.grain_to_date))
        values.append(sum(v for d, v in by_day.items() if start <= d <= day))
    return MetricResult(metric.name, labels, values)
