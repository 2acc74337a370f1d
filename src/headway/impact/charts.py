"""The impact pages' charts (Vega-Lite specs built with Altair): actual against counterfactual with its band,
experiment intervals, and the calibration of bets."""

from __future__ import annotations

from typing import Any

from headway.impact.services import Calibration, ExperimentReadout, ReadOut
from headway.web.charts import Spec, inline_data, to_spec


def readout_chart(readout: ReadOut) -> Spec:
    """The KPI before and after the ship date, with the counterfactual and its 95% band after it."""
    import altair as alt

    rows: list[dict[str, Any]] = []
    for p in readout.series:
        rows.append({"date": p.date.isoformat(), "series": "actual", "value": p.actual})
        if p.predicted is not None:
            rows.append({"date": p.date.isoformat(), "series": "counterfactual", "value": p.predicted,
                         "lower": p.lower, "upper": p.upper})
    data = inline_data(rows)
    base = alt.Chart(data, title=f"{readout.kpi}: actual against the counterfactual", height=240)
    band = base.transform_filter(alt.datum.series == "counterfactual").mark_area(opacity=0.2).encode(
        x=alt.X("date:T", title=None), y=alt.Y("lower:Q", title=readout.kpi), y2="upper:Q")
    lines = base.mark_line().encode(
        x="date:T", y="value:Q", color=alt.Color("series:N", title=None),
        strokeDash=alt.StrokeDash("series:N", legend=None),
        tooltip=[alt.Tooltip("date:T"), alt.Tooltip("series:N"), alt.Tooltip("value:Q", format=".4g")])
    rule = alt.Chart(inline_data([{"date": readout.shipped_on.isoformat(), "label": "shipped"}])).mark_rule(
        strokeDash=[4, 4]).encode(x="date:T", tooltip=[alt.Tooltip("label:N")])
    return to_spec(alt.layer(band, lines, rule))


def intervals_chart(result: ExperimentReadout) -> Spec:
    """Each variant's lift on each metric with its interval."""
    import altair as alt

    rows = [{"metric": f"{m.metric} · {m.variant}", "lift": m.lift if m.lift is not None else m.absolute_effect,
             "lower": m.lower, "upper": m.upper} for m in result.primary + result.secondary]
    base = alt.Chart(inline_data(rows), title="Lift with its interval", height=max(60, 40 * len(rows)))
    bars = base.mark_rule(strokeWidth=3).encode(y=alt.Y("metric:N", title=None, sort=None),
                                                x=alt.X("lower:Q", title="lift"), x2="upper:Q")
    points = base.mark_point(filled=True, size=60).encode(
        y=alt.Y("metric:N", sort=None), x="lift:Q",
        tooltip=[alt.Tooltip("metric:N"), alt.Tooltip("lift:Q", format="+.2%"),
                 alt.Tooltip("lower:Q", format="+.2%"), alt.Tooltip("upper:Q", format="+.2%")])
    zero = alt.Chart(inline_data([{"x": 0}])).mark_rule(color="#888").encode(x="x:Q")
    return to_spec(alt.layer(bars, points, zero))


def calibration_chart(found: Calibration) -> Spec:
    """Hit rate by stated confidence against the rate a calibrated team would have."""
    import altair as alt

    rows = [{"confidence": b.label, "hit rate": b.hit_rate or 0.0, "bets": b.bets,
             "calibrated": (b.low + b.high) / 2} for b in found.buckets]
    base = alt.Chart(inline_data(rows), title="How often bets hit, by stated confidence", height=160)
    bars = base.mark_bar().encode(
        y=alt.Y("confidence:N", sort=None, title=None),
        x=alt.X("hit rate:Q", axis=alt.Axis(format="%"), scale=alt.Scale(domain=[0, 1])),
        tooltip=[alt.Tooltip("confidence:N"), alt.Tooltip("hit rate:Q", format=".0%"), alt.Tooltip("bets:Q")])
    ticks = base.mark_tick(color="#cf222e", thickness=2).encode(y=alt.Y("confidence:N", sort=None), x="calibrated:Q")
    return to_spec(alt.layer(bars, ticks))
