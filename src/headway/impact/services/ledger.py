"""The impact ledger (every measured initiative: expected against measured, interval and verdict) and the
calibration of the team's bets: hit rate by confidence bucket, the median ratio measured/expected, and a
suggested correction the scoring pages show next to impact and confidence inputs (nothing changes silently).
"""

from __future__ import annotations

import statistics
from datetime import date

from pydantic import BaseModel

from headway.core.models import User
from headway.core.permissions import Perm, check
from headway.impact.models import Measurement

#: RICE confidence values (0.5 low, 0.8 medium, 1 high) and ICE's 1-10, as buckets of a probability
BUCKETS = ((0.0, 0.65, "low (≤ 60%)"), (0.65, 0.9, "medium (~80%)"), (0.9, 1.01, "high (~100%)"))


class LedgerRow(BaseModel):
    """One measured initiative."""

    initiative_id: int
    title: str
    team: str | None
    product_area: str
    owner: str | None
    kind: str
    frameworks: list[str]
    quarter: str
    shipped_on: date | None
    kpi: str
    method: str
    expected_impact: str
    expected: float | None
    expected_relative: bool
    measured: float | None
    lower: float | None
    upper: float | None
    verdict: str
    confidence: float | None


class Bucket(BaseModel):
    """Bets of one confidence bucket and how many hit."""

    label: str
    low: float
    high: float
    bets: int
    hits: int
    hit_rate: float | None


class Calibration(BaseModel):
    """How often bets hit, by stated confidence, and how far off impact estimates are."""

    measured: int
    hits: int
    hit_rate: float | None
    buckets: list[Bucket]
    median_ratio: float | None
    ratios: int
    suggestion: str


def _quarter(day: date | None) -> str:
    return f"{day.year}-Q{(day.month - 1) // 3 + 1}" if day else ""


def _confidence(inputs: dict[str, dict[str, float | str]]) -> float | None:
    if "confidence" in inputs:
        value = float(inputs["confidence"]["value"])
        return value / 100 if value > 1 else value
    if "ice_confidence" in inputs:
        return float(inputs["ice_confidence"]["value"]) / 10
    return None


def ledger(actor: User | None, *, quarter: str | None = None, team: str | None = None, kind: str | None = None,
           product_area: str | None = None, owner: str | None = None,
           framework: str | None = None) -> list[LedgerRow]:
    """Every measured initiative, filtered by ship quarter (``2026-Q1``), team, kind, product area, owner or
    scoring framework."""
    check(actor, Perm.VIEW_WORKSPACE)
    from headway.planning import services as planning

    rows = []
    for m in Measurement.objects.exclude(verdict="").order_by("shipped_on", "initiative_id"):
        detail = planning.initiative_detail(actor, m.initiative_id)
        row = LedgerRow(
            initiative_id=m.initiative_id, title=detail.title, team=detail.team, product_area=detail.product_area,
            owner=detail.owner, kind=detail.kind, frameworks=sorted({s.framework for s in detail.scores}),
            quarter=_quarter(m.shipped_on), shipped_on=m.shipped_on, kpi=m.kpi, method=m.used_method,
            expected_impact=detail.expected_impact, expected=m.expected, expected_relative=m.expected_relative,
            measured=m.relative_effect if m.expected_relative else m.average_effect,
            lower=m.lower, upper=m.upper, verdict=m.verdict, confidence=_confidence(detail.inputs),
        )
        if quarter and row.quarter != quarter.upper().replace(" ", "-"):
            continue
        if team and (row.team or "").lower() != team.lower():
            continue
        if kind and row.kind != kind:
            continue
        if product_area and row.product_area.lower() != product_area.lower():
            continue
        if owner and (row.owner or "").lower() != owner.lower():
            continue
        if framework and framework not in row.frameworks:
            continue
        rows.append(row)
    return rows


def calibration(actor: User | None, **filters: str | None) -> Calibration:
    """Hit rate by confidence bucket, the median measured/expected ratio and a suggested correction."""
    rows = ledger(actor, **filters)
    hits = sum(r.verdict == "hit" for r in rows)
    buckets = []
    for low, high, label in BUCKETS:
        inside = [r for r in rows if r.confidence is not None and low <= r.confidence < high]
        won = sum(r.verdict == "hit" for r in inside)
        buckets.append(Bucket(label=label, low=low, high=min(high, 1.0), bets=len(inside), hits=won,
                              hit_rate=won / len(inside) if inside else None))
    ratios = [r.measured / r.expected for r in rows if r.expected and r.measured is not None]
    median = statistics.median(ratios) if ratios else None
    return Calibration(measured=len(rows), hits=hits, hit_rate=hits / len(rows) if rows else None, buckets=buckets,
                       median_ratio=median, ratios=len(ratios), suggestion=_suggestion(buckets, median, len(ratios)))


def _suggestion(buckets: list[Bucket], median: float | None, count: int) -> str:
    if count < 3 or median is None:
        return "Too few measured bets with a numeric expected impact to suggest a correction (3 needed)."
    parts = [f"Measured impact has been {median:.2f}× the estimate (median of {count}): consider multiplying "
             f"impact estimates by {median:.2f}."]
    for b in buckets:
        if b.bets >= 3 and b.hit_rate is not None:
            parts.append(f"Bets scored {b.label} hit {b.hit_rate:.0%} of the time.")
    return " ".join(parts)
