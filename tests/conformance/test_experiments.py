"""An experiment's arms on every backend, against a brute-force pandas computation of the same definition.

Persons e0..e119 see ``$exposure`` events with ``variant`` control or test (some twice, a few in both arms, a
few only before the range); ``purchase`` events with an ``amount`` fall before and after each first exposure.
"""

from __future__ import annotations

import random
from datetime import datetime, timedelta

import pandas as pd
import pytest

from headway.analytics import EventStore, Filter
from headway.core.errors import ValidationError

START, END = datetime(2026, 1, 1), datetime(2026, 2, 1)  # date_from 2026-01-01, date_to 2026-01-31
RANGE = {"date_from": "2026-01-01", "date_to": "2026-01-31"}


def _records() -> list[dict]:
    rng = random.Random(16)
    rows: list[dict] = []
    for i in range(120):
        who = f"e{i}"
        variant = "test" if i % 2 else "control"
        first = START + timedelta(hours=rng.randrange(0, 31 * 24))
        if i % 23 == 0:
            first = START - timedelta(days=3)  # exposed only before the range: not in the experiment
        rows.append({"event": "$exposure", "timestamp": first.isoformat(), "distinct_id": who,
                     "properties": {"variant": variant, "flag": "checkout"}})
        if i % 5 == 0:
            again = first + timedelta(hours=rng.randrange(1, 48))
            other = ("control" if variant == "test" else "test") if i % 15 == 0 else variant
            rows.append({"event": "$exposure", "timestamp": again.isoformat(), "distinct_id": who,
                         "properties": {"variant": other, "flag": "checkout"}})
        lift = 1 if variant == "test" else 0
        for _ in range(rng.randrange(0, 4) + lift):
            when = first + timedelta(hours=rng.randrange(-10 * 24, 40 * 24))
            rows.append({"event": "purchase", "timestamp": when.isoformat(), "distinct_id": who,
                         "properties": {"amount": rng.randrange(5, 60)}})
    rows.append({"event": "$exposure", "timestamp": "2026-01-05T10:00:00", "distinct_id": "other-flag",
                 "properties": {"variant": "test", "flag": "search"}})
    return rows


RECORDS = _records()


def brute_force(math: str, pre_days: int, flag: str | None = None) -> dict[str, tuple]:
    """Per variant: n, sum, sum of squares, pre sum, pre sum of squares, sum of products."""
    frame = pd.DataFrame(RECORDS)
    frame["ts"] = pd.to_datetime(frame.timestamp)
    exp = frame[(frame.event == "$exposure") & (frame.ts >= START) & (frame.ts < END)].copy()
    if flag:
        exp = exp[exp.properties.map(lambda p: p.get("flag")) == flag]
    exp["variant"] = exp.properties.map(lambda p: p["variant"])
    per = exp.groupby("distinct_id").agg(first=("ts", "min"), k=("variant", "nunique"), variant=("variant", "max"))
    per = per[per.k == 1]
    buys = frame[frame.event == "purchase"]
    out: dict[str, tuple] = {}
    for variant, group in per.groupby("variant"):
        posts, pres = [], []
        for who, row in group.iterrows():
            mine = buys[buys.distinct_id == who]
            post = mine[(mine.ts >= row["first"]) & (mine.ts < END)]
            pre = mine[(mine.ts >= row["first"] - timedelta(days=pre_days)) & (mine.ts < row["first"])]
            if math == "sum":
                pv, qv = float(post.properties.map(lambda p: p["amount"]).sum()), float(
                    pre.properties.map(lambda p: p["amount"]).sum())
            else:
                pv, qv = float(len(post)), float(len(pre))
            if math == "conversion":
                pv, qv = float(pv > 0), float(qv > 0)
            posts.append(pv)
            pres.append(qv)
        out[variant] = (len(posts), sum(posts), sum(p * p for p in posts), sum(pres), sum(q * q for q in pres),
                        sum(p * q for p, q in zip(posts, pres, strict=True)))
    return out


def excluded_by_hand() -> int:
    frame = pd.DataFrame(RECORDS)
    frame["ts"] = pd.to_datetime(frame.timestamp)
    exp = frame[(frame.event == "$exposure") & (frame.ts >= START) & (frame.ts < END)]
    variants = exp.groupby("distinct_id").properties.agg(lambda s: len({p["variant"] for p in s}))
    return int((variants > 1).sum())


@pytest.fixture
def store(seeded_store) -> EventStore:
    return seeded_store(RECORDS)


@pytest.mark.parametrize("math", ["total", "sum", "conversion"])
def test_arms_equal_the_brute_force(store, math):
    data = store.experiment(
        exposure_event="$exposure", variant_property="variant", metric_event="purchase", math=math,
        metric_property="amount" if math == "sum" else None, pre_period_days=7, **RANGE,
    )
    expected = brute_force(math, 7)
    assert set(data.arms) == {"control", "test"}
    for variant, (n, total, squares, pre, pre_sq, products) in expected.items():
        arm = data.arms[variant]
        cuped = data.cuped[variant]
        assert data.exposures[variant] == n == arm.n
        if math == "conversion":
            assert arm.successes == total
        else:
            assert (arm.sum, arm.sum_squares) == pytest.approx((total, squares))
        assert (cuped.n, cuped.sum, cuped.pre_sum, cuped.pre_sum_squares, cuped.sum_products) == pytest.approx(
            (n, total, pre, pre_sq, products))
    assert data.excluded == excluded_by_hand() > 0
    from scipy.stats import chisquare

    assert data.srm_p_value == pytest.approx(chisquare(list(data.exposures.values())).pvalue)


def test_exposure_filter_and_feed_into_compare(store):
    data = store.experiment(metric_event="purchase", where=[Filter("flag", "eq", "checkout")], **RANGE)
    expected = brute_force("total", 7, flag="checkout")
    assert {v: a.n for v, a in data.arms.items()} == {v: e[0] for v, e in expected.items()}
    from headway.impact import compare

    result = compare(data.cuped["control"], data.cuped["test"])
    plain = compare(data.arms["control"], data.arms["test"])
    assert result.variance_reduction is not None
    assert plain.effect == pytest.approx(data.arms["test"].mean - data.arms["control"].mean)


def test_bad_requests_say_what_to_change(store):
    with pytest.raises(ValidationError, match="metric_property"):
        store.experiment(metric_event="purchase", math="sum", **RANGE)
    with pytest.raises(ValidationError, match="math must be"):
        store.experiment(metric_event="purchase", math="median", **RANGE)
    empty = store.experiment(exposure_event="nothing", metric_event="purchase", **RANGE)
    assert (empty.arms, empty.excluded, empty.srm_p_value) == ({}, 0, None)


def test_one_query_reads_the_arms_and_the_persons_left_out(store, monkeypatch):
    """The exposures are read once: the arms and the count of persons in several variants come back from one
    query (one row per arm and one per variant among the persons left out), with the brute force's numbers."""
    asked: list[object] = []
    original = store.rows

    def counting(expr):
        asked.append(expr)
        return original(expr)

    monkeypatch.setattr(store, "rows", counting)
    data = store.experiment(metric_event="purchase", math="total", pre_period_days=7, **RANGE)
    assert len(asked) == 1
    expected = brute_force("total", 7)
    assert set(data.cuped) == set(expected) == {"control", "test"}
    for variant, (n, total, _, pre, _, products) in expected.items():
        cuped = data.cuped[variant]
        assert cuped.n == n
        assert (cuped.sum, cuped.pre_sum, cuped.sum_products) == pytest.approx((total, pre, products))
    assert data.excluded == excluded_by_hand() > 0
