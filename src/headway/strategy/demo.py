"""Demo step: Northwind Retail's vision and strategy, product areas, goals, North Star and KPI tree.

The KPIs are computed from the demo's events (the analytics step runs first). Targets for the current
fiscal quarter are set from each KPI's own projection so the demo shows every status: on track (target
below the projection), at risk (target inside the interval) and off track (target above it). The
"One-click checkout" launch halfway through the data lifts orders; the alert on orders explains it.
"""

from __future__ import annotations

import math
from datetime import date, timedelta
from typing import Any

import yaml

from headway.demo.builder import DemoContext, demo_step

NORTH_STAR_METRIC = {
    "name": "weekly_buyers", "type": "simple", "event": "purchase", "math": "weekly_active",
    "description": "Customers who bought in the trailing 7 days (the North Star).",
}

# name, label, metric ("" = imported), unit, aggregation, parent, wanted status, owner
KPIS = [
    ("weekly_buyers", "Weekly purchasing customers", "weekly_buyers", "count", "mean", None, "at_risk", "leader"),
    ("visitors", "Daily visitors", "visitors", "count", "mean", "weekly_buyers", "on_track", "pm"),
    ("visitor_conversion", "Visitor to buyer conversion", "visitor_conversion", "percent", "mean",
     "weekly_buyers", "on_track", "pm"),
    ("checkout_conversion", "Checkout conversion", "checkout_conversion", "percent", "mean",
     "visitor_conversion", "on_track", "pm"),
    ("orders", "Orders", "purchases", "count", "sum", "weekly_buyers", "at_risk", "leader"),
    ("revenue", "Revenue", "revenue", "currency", "sum", "orders", "on_track", "leader"),
    ("average_order_value", "Average order value", "average_order_value", "currency", "mean", "orders",
     "off_track", "pm"),
    ("nps", "Net Promoter Score", "", "number", "last", "weekly_buyers", "off_track", "leader"),
]

VISION = "Every household finds what it needs at Northwind in under two minutes, and comes back every week."
STRATEGY_V1 = """## Where we play
Everyday essentials and home goods for busy households in North America and Europe.

## How we win
1. **Frictionless checkout**: every extra step loses buyers, most on mobile.
2. **Weekly habit**: reasons to come back every week (replenishment, offers).
"""
STRATEGY_V2 = STRATEGY_V1 + """3. **Bigger baskets**: bundles and recommendations at the cart.

## What we will not do
- Marketplace sellers this year.
- Discounts that train customers to wait.
"""
CHECKOUT_STRATEGY = """Checkout is where intent turns into revenue. After **One-click checkout**, we remove the
remaining steps for returning customers and bring mobile conversion level with desktop."""

GOALS: list[dict[str, Any]] = [
    {"title": "Grow the base of weekly customers", "level": "company", "owner": "leader",
     "krs": ["weekly_buyers", "visitors"], "update": ("at_risk", 60, "Visitors are on plan; repeat buying lags."),
     "children": [
         {"title": "Make checkout effortless", "area": "Checkout", "owner": "pm",
          "krs": ["checkout_conversion", "orders"],
          "update": ("on_track", 80, "One-click checkout lifted conversion, most on mobile.")},
         {"title": "Turn more visitors into buyers", "area": "Storefront", "owner": "pm",
          "krs": ["visitor_conversion"], "update": ("on_track", 70, "")},
     ]},
    {"title": "Grow revenue profitably", "level": "company", "owner": "leader", "krs": ["revenue"],
     "update": ("on_track", 75, "Revenue follows orders."),
     "children": [
         {"title": "Bigger baskets", "area": "Storefront", "owner": "pm", "krs": ["average_order_value"],
          "update": ("off_track", 30, "Bundles slipped to next quarter.")},
     ]},
    {"title": "Customers love shopping with us", "level": "company", "owner": "leader", "krs": ["nps"],
     "update": ("at_risk", 50, ""),
     "children": [
         {"title": "A mobile app customers recommend", "area": "Mobile app", "owner": "pm", "krs": ["nps"]},
     ]},
]


def add_north_star_metric() -> None:
    """Add the North Star's metric (weekly purchasing customers) to the demo's metric catalogue."""
    from headway.analytics import services as analytics

    items = [dict(m.definition) for m in analytics.list_metrics(None) if m.name != NORTH_STAR_METRIC["name"]]
    text = yaml.safe_dump({"metrics": [*items, NORTH_STAR_METRIC]}, sort_keys=False)
    analytics.load_metrics(None, text, source="demo")


def target_for(status: str, projection: float, lower: float, upper: float, unit: str) -> float:
    """A target that puts a projection (with its interval) in ``status``, rounded where that keeps it so."""
    from headway.strategy.engine.status import judge

    spread = max(upper - projection, abs(projection) * 0.01, 1e-6)
    raw = {"on_track": projection - 0.5 * spread, "at_risk": projection + 0.5 * spread,
           "off_track": upper + spread}[status]
    rounded = round(raw, 3) if unit == "percent" else float(f"{raw:.3g}")
    for candidate in (rounded, raw):
        if judge(projection, lower, upper, candidate, "higher", 0.8)[0] == status:
            return candidate
    return raw


def nps_values(ctx: DemoContext) -> list[tuple[date, float]]:
    """Weekly NPS survey results (an imported KPI): drifting down slowly, with survey noise."""
    rng = ctx.rng("strategy-nps")
    first = ctx.as_of - timedelta(days=ctx.days - 1)
    mondays = [first + timedelta(days=(7 - first.weekday()) % 7 + 7 * i) for i in range(ctx.days // 7 + 1)]
    days = [d for d in mondays if d <= ctx.as_of]
    return [(d, round(42 - 4 * i / max(len(days), 1) + float(rng.normal(0, 1.5)), 1)) for i, d in enumerate(days)]


@demo_step("strategy and KPIs", order=40, weight=2)
def build_strategy(ctx: DemoContext) -> None:
    from headway.core.services import get_user
    from headway.strategy import services
    from headway.strategy.models import KpiValue

    leader = get_user("leader")
    ctx.progress("vision and strategy", 0.0)
    services.create_area(None, "Northwind Shop", "line")
    for product in ("Storefront", "Checkout", "Mobile app"):
        services.create_area(None, product, "product", parent="Northwind Shop")
    services.create_area(None, "Search", "area", parent="Storefront")
    services.create_area(None, "Payments", "area", parent="Checkout")
    services.save_strategy(None, vision=VISION, body=STRATEGY_V1, note="first draft")
    services.save_strategy(leader, vision=VISION, body=STRATEGY_V2, note="added baskets and non-goals")
    services.save_strategy(leader, vision="Checkout in one tap, on every device.", body=CHECKOUT_STRATEGY,
                           area="Checkout")

    ctx.progress("KPIs", 0.1)
    add_north_star_metric()
    for name, label, metric, unit, aggregation, parent, _, owner in KPIS:
        services.create_kpi(None, name, label, metric=metric, unit=unit, aggregation=aggregation, owner=owner,
                            parent=parent, north_star=parent is None)
    nps = services.get_kpi(None, "nps")
    KpiValue.objects.bulk_create([KpiValue(kpi=nps, date=d, value=v, origin=KpiValue.Origin.IMPORTED)
                                  for d, v in nps_values(ctx)])

    ctx.progress("computing KPIs", 0.2)
    services.refresh_kpis(None, as_of=ctx.as_of)
    ctx.progress("targets", 0.8)
    period = services.current_period()
    wanted = {name: status for name, *_, status, _ in KPIS}
    for k in services.kpi_summaries(None, period.name):
        if k.projection is None or k.lower is None or k.upper is None or not math.isfinite(k.projection):
            continue
        value = target_for(wanted[k.name], k.projection, k.lower, k.upper, k.unit)
        services.set_target(None, k.name, period.name, value)

    ctx.progress("goals", 0.9)
    made: dict[str, int] = {}

    def add(spec: dict[str, Any], parent: int | None) -> None:
        goal = services.create_goal(None, spec["title"], period=period.name, level=spec.get("level", "product"),
                                    owner=spec["owner"], parent=parent, area=spec.get("area"),
                                    key_results=spec["krs"])
        made[goal.title] = goal.pk
        if "update" in spec:
            status, confidence, comment = spec["update"]
            services.update_goal(leader, goal.pk, status=status, confidence=confidence, comment=comment)
        for child in spec.get("children", []):
            add(child, goal.pk)

    for spec in GOALS:
        add(spec, None)
    ctx.made["strategy"] = {"period": period.name, "goals": made, "kpis": [k[0] for k in KPIS]}
    ctx.progress("strategy ready", 1.0)
