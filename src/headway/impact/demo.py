"""Northwind Retail's impact: the "One-click checkout" launch measured on checkout conversion (the generator
planted the jump), a randomised experiment in the events (a planted lift on ``wishlist_add``, none on
``share_product``) linked to the "Wishlist reminders" initiative, shipped initiatives that moved nothing, and
enough measured history for the calibration view to say something.

A build too short for a read-out (fewer than 10 days before a ship date) keeps the initiatives shipped and
unmeasured: the read-out page then says why.
"""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from typing import Any

import numpy as np

from headway.demo.builder import DemoContext, demo_step

EXPERIMENT = "wishlist-reminders"
#: the experiment's planted conversions per arm: wishlist_add lifts, share_product does not
PLANTED = {"wishlist_add": (0.20, 0.25), "share_product": (0.06, 0.06)}
#: (title, team, kind, KPI, expected impact, confidence, ship day as a share of the data's span)
NULL_BETS = [
    ("Gift wrapping at checkout", "Checkout", "innovate", "average_order_value", "+5", 0.5, 0.3),
    ("Search synonyms", "Search & Discovery", "iterate", "visitors", "+5%", 0.8, 0.25),
    ("Homepage refresh", "Store & Mobile", "innovate", "visitor_conversion", "+1 pp", 0.5, 0.35),
]


def experiment_events(rng: np.random.Generator, start: date, days: int, persons: int) -> list[dict[str, Any]]:
    """Exposure events (``$exposure`` with ``variant`` control or reminders, flag ``wishlist-reminders``) and the
    metric events after each exposure, with the planted rates."""
    rows: list[dict[str, Any]] = []
    for k in range(persons):
        who = f"wishlist-exp-{k:05d}"
        variant = "reminders" if rng.random() < 0.5 else "control"
        day = start + timedelta(days=int(rng.integers(0, max(days - 2, 1))))
        seen = datetime.combine(day, time(hour=int(rng.integers(8, 22))))
        rows.append({"event": "$exposure", "timestamp": seen.isoformat(), "distinct_id": who,
                     "properties": {"variant": variant, "flag": EXPERIMENT}})
        for event, (control, treated) in PLANTED.items():
            if rng.random() < (treated if variant == "reminders" else control):
                later = seen + timedelta(hours=int(rng.integers(1, 48)))
                rows.append({"event": event, "timestamp": later.isoformat(), "distinct_id": who,
                             "properties": {}})
    return rows


def _measure(initiative_id: int, as_of: date, **kwargs: Any) -> str | None:
    from headway.core.errors import HeadwayError
    from headway.impact import services

    try:
        return services.measure(None, initiative_id, as_of=as_of, **kwargs).verdict
    except HeadwayError:
        return None


@demo_step("impact read-outs and experiments", order=70, weight=1.0)
def build_impact(ctx: DemoContext) -> None:
    """Ship and measure the launch, the experiment's initiative and the bets that moved nothing."""
    from headway.analytics import services as analytics
    from headway.impact import services
    from headway.planning import services as planning

    launch = ctx.made.get("launch") or {}
    if not launch:
        return
    first, last = launch["first_day"], launch["last_day"]
    span = (last - first).days + 1
    made: dict[str, Any] = {"verdicts": {}}

    def ship(title: str, team: str, kind: str, kpi: str | None, expected: str, confidence: float,
             day: date) -> int:
        initiative = planning.create_initiative(None, title=title, team=team, kind=kind, kpi=kpi,
                                                expected_impact=expected, product_area=team)
        planning.set_inputs(None, initiative.pk, {"reach": 1000, "impact": 1, "confidence": confidence})
        planning.set_stage(None, initiative.pk, "shipped")
        services.set_measurement(None, initiative.pk, shipped_on=day)
        return int(initiative.pk)

    ctx.progress("impact read-outs", 0.1)
    one_click = ship("One-click checkout", "Checkout", "iterate", "checkout_conversion", "+8 pp checkout conversion",
                     0.8, launch["date"])
    made["one_click"] = one_click
    made["verdicts"][one_click] = _measure(one_click, last, days=28)
    for n, (title, team, kind, kpi, expected, confidence, share) in enumerate(NULL_BETS):
        pk = ship(title, team, kind, kpi, expected, confidence, first + timedelta(days=int(span * share)))
        made["verdicts"][pk] = _measure(pk, last, days=21)
        ctx.progress("impact read-outs", 0.2 + 0.1 * n)

    ctx.progress("the wishlist experiment", 0.6)
    days = min(28, span)
    start = last - timedelta(days=days - 1)
    rows = experiment_events(ctx.rng("impact-experiment"), start, days, persons=6000)
    analytics.ingest(None, rows)
    wishlist = ship("Wishlist reminders", "Growth", "iterate", None, "+15%", 1.0, start)
    services.create_experiment(None, {
        "name": EXPERIMENT, "title": "Wishlist reminders", "control": "control",
        "flag_property": "flag", "flag_value": EXPERIMENT,
        "metric": {"event": "wishlist_add", "math": "conversion"},
        "secondary": [{"event": "share_product", "math": "conversion"}],
        "date_from": start, "date_to": last, "initiative_id": wishlist,
    })
    made["wishlist"] = wishlist
    made["verdicts"][wishlist] = _measure(wishlist, last)
    ctx.made["impact"] = made
    ctx.progress("impact ready", 1.0)
