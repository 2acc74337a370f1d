"""Demo step: Northwind Retail's product events, generated with numpy and bulk-ingested into the store.

The shop's visitors browse, search, view items, add to cart, check out and buy. The data has what a head of
product looks for: a funnel with decreasing conversion (visit → view_item → add_to_cart → checkout →
purchase), retention that decays with a user's age, weekly seasonality (more, and more mobile, sessions at
weekends), growth in new sign-ups, and the "One-click checkout" launch halfway through the period, which
lifts checkout → purchase conversion (most on mobile).

Every page a visitor sees is also a ``$pageview`` with its ``$current_url`` (PostHog's convention, so the paths
insight works out of the box): the home page (``/``), sign-up and log-in pages, ``/search``, a category page
(``/c/<category>``) for visitors who browse instead of searching, each product page (``/p/<category>/<item>``),
``/cart``, ``/checkout``, ``/checkout/thanks``, and ``/account`` at the end of some logged-in sessions. A page
view comes 2 seconds before the event on that page (4 s for the category page), so the shop's other events and
every number computed from them are the same as without page views.

:func:`generate_events` is pure (numbers in, a pyarrow Table out); :func:`build_events` is the demo step.
"""

from __future__ import annotations

import zoneinfo
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from pathlib import Path
from typing import Any

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from headway.demo.builder import DemoContext, demo_step

TIMEZONE = "America/New_York"
SHOP_URL = "https://shop.northwind.example"
LAUNCH_NAME = "One-click checkout"
METRICS_FILE = Path(__file__).with_name("demo_metrics.yaml")

DEVICES = np.array(["desktop", "mobile", "tablet"])
DEVICE_WEEKDAY = np.array([0.50, 0.42, 0.08])
DEVICE_WEEKEND = np.array([0.32, 0.55, 0.13])
COUNTRIES = np.array(["US", "CA", "GB", "DE", "FR", "AU", "MX"])
COUNTRY_SHARE = np.array([0.55, 0.10, 0.12, 0.08, 0.06, 0.05, 0.04])
CATEGORIES = np.array(["electronics", "home", "fashion", "beauty", "sports", "toys", "grocery"])
CATEGORY_SHARE = np.array([0.18, 0.17, 0.22, 0.12, 0.11, 0.08, 0.12])
CATEGORY_PRICE = np.array([140.0, 75.0, 60.0, 35.0, 65.0, 40.0, 45.0])
# Share of sessions starting in each local hour: quiet nights, a lunch bump, an evening peak.
HOUR_SHARE = np.array([1, 0.6, 0.4, 0.3, 0.3, 0.5, 1.2, 2.2, 3.2, 4.0, 4.4, 4.8,
                       5.6, 5.4, 4.6, 4.4, 4.5, 4.9, 5.6, 6.8, 7.4, 6.6, 4.4, 2.2])

# Conversion per funnel step; checkout → purchase by device, before and after the launch.
VIEW_RATE = 0.78
CART_RATE = {"free": 0.28, "plus": 0.38}
CHECKOUT_RATE = 0.56
PURCHASE_BEFORE = np.array([0.60, 0.44, 0.52])  # desktop, mobile, tablet
PURCHASE_AFTER = np.array([0.72, 0.70, 0.70])
EVENT_ORDER = ["visit", "sign_up", "login", "search", "view_item", "add_to_cart", "checkout", "purchase"]
PAGEVIEW = "$pageview"
# The page of each event code (view_item: its product page), and /account (page views only).
PAGES = ["/", "/signup", "/login", "/search", "", "/cart", "/checkout", "/checkout/thanks", "/account"]
ACCOUNT_RATE = 0.25  # logged-in sessions that end on /account


@dataclass
class DemoEvents:
    """Generated events and the facts later steps (and tests) rely on."""

    table: pa.Table
    launch_day: date
    facts: dict[str, Any] = field(default_factory=dict)


def _local_days(as_of: date, days: int) -> list[date]:
    return [as_of - timedelta(days=days - 1 - i) for i in range(days)]


def _utc_midnights(days: list[date], tz: str) -> np.ndarray:
    """Microseconds since the epoch (UTC) of each local midnight."""
    zone = zoneinfo.ZoneInfo(tz)
    return np.array([int(datetime.combine(d, time(0), zone).timestamp()) * 1_000_000 for d in days],
                    dtype=np.int64)


def _choice(rng: np.random.Generator, n: int, share: np.ndarray) -> np.ndarray:
    """Indices drawn with the given shares (vectorised, one uniform per draw)."""
    return np.searchsorted(np.cumsum(share / share.sum()), rng.random(n), side="right").clip(0, len(share) - 1)


def _sessions(rng: np.random.Generator, users: int, days: int, weekend: np.ndarray) -> dict[str, np.ndarray]:
    """Which user is active on which day: arrival with growth, retention decaying with the user's age."""
    existing = rng.random(users) < 0.35
    growth = np.log(2.5) / days  # new sign-ups per day grow 2.5x over the period
    u = rng.random(users)
    arrival = np.floor(np.log1p(u * (np.exp(growth * days) - 1)) / growth).astype(np.int64).clip(0, days - 1)
    arrival[existing] = 0
    age0 = np.where(existing, rng.integers(30, 400, users), 0)
    engagement = rng.beta(2.0, 4.5, users).astype(np.float32)
    plan_plus = rng.random(users) < np.where(existing, 0.18, 0.10)
    engagement[plan_plus] *= 1.5

    day = np.arange(days, dtype=np.int64)
    age = day[None, :] - arrival[:, None] + age0[:, None]
    born = day[None, :] >= arrival[:, None]
    curve = (0.06 + 0.55 * np.power(age.clip(0) + 1.0, -0.7)).astype(np.float32)
    prob = engagement[:, None] * curve * np.where(weekend, 1.3, 1.0).astype(np.float32)[None, :]
    first = (~existing)[:, None] & (age == 0)
    # Every existing customer comes back at least once in the period.
    comeback = existing[:, None] & (day[None, :] == rng.integers(0, days, users)[:, None])
    active = born & ((rng.random((users, days), dtype=np.float32) < prob) | first | comeback)
    user_idx, day_idx = np.nonzero(active)
    return {
        "user": user_idx, "day": day_idx, "first": first[user_idx, day_idx],
        "plus": plan_plus, "existing": existing,
    }


def generate_events(*, users: int, days: int, as_of: date, rng: np.random.Generator,
                    tz: str = TIMEZONE) -> DemoEvents:
    """Northwind Retail's events for ``users`` users over ``days`` days ending ``as_of`` (local ``tz``).

    Returns a pyarrow Table with the columns ``uuid``, ``event``, ``timestamp`` (ISO-8601 text, UTC), ``distinct_id`` and
    ``properties`` (JSON text), ordered by time, and the launch facts measured on the generated data.
    """
    local_days = _local_days(as_of, days)
    weekend = np.array([d.weekday() >= 5 for d in local_days])
    launch_index = days // 2
    s = _sessions(rng, users, days, weekend)
    user, day, first = s["user"], s["day"], s["first"]
    n = len(user)

    # Per-user attributes, then per-session ones.
    user_device = _choice(rng, users, DEVICE_WEEKDAY)
    user_country = _choice(rng, users, COUNTRY_SHARE)
    session_device = np.where(rng.random(n) < 0.7, user_device[user],
                              np.where(weekend[day], _choice(rng, n, DEVICE_WEEKEND), _choice(rng, n, DEVICE_WEEKDAY)))
    plus = s["plus"][user]
    category = _choice(rng, n, CATEGORY_SHARE)
    after = day >= launch_index

    # The funnel, one draw per step.
    viewed = rng.random(n) < VIEW_RATE
    views = np.where(viewed, 1 + rng.poisson(1.4, n), 0)
    carted = viewed & (rng.random(n) < np.where(plus, CART_RATE["plus"], CART_RATE["free"])
                       - 0.04 * (session_device == 1))
    checked_out = carted & (rng.random(n) < CHECKOUT_RATE)
    purchase_rate = np.where(after, PURCHASE_AFTER[session_device], PURCHASE_BEFORE[session_device])
    purchased = checked_out & (rng.random(n) < purchase_rate)
    searched = rng.random(n) < 0.55
    signed_up = first & ~s["existing"][user]
    logged_in = ~first & (rng.random(n) < 0.6)

    # Rows: (session, order, event code); views repeat per item viewed.
    parts = [
        (np.arange(n), 0),
        (np.nonzero(signed_up)[0], 1),
        (np.nonzero(logged_in)[0], 2),
        (np.nonzero(searched)[0], 3),
        (np.repeat(np.arange(n), views), 4),
        (np.nonzero(carted)[0], 5),
        (np.nonzero(checked_out)[0], 6),
        (np.nonzero(purchased)[0], 7),
    ]
    sess = np.concatenate([p[0] for p in parts])
    code = np.concatenate([np.full(len(p[0]), p[1], dtype=np.int8) for p in parts])
    order = np.lexsort((code, sess))
    sess, code = sess[order], code[order]
    m = len(sess)

    # Timestamps: a session starts at a local hour from the daily profile; events follow seconds apart.
    midnight = _utc_midnights(local_days, tz)
    start = (midnight[day] + (_choice(rng, n, HOUR_SHARE) * 3600 + rng.integers(0, 3600, n)) * 1_000_000)
    gaps = (5 + rng.exponential(40.0, m)).astype(np.int64) * 1_000_000
    new_session = np.ones(m, dtype=bool)
    new_session[1:] = sess[1:] != sess[:-1]
    gaps[new_session] = 0
    csum = np.cumsum(gaps)
    offset = csum - np.maximum.accumulate(np.where(new_session, csum, 0))
    ts = start[sess] + offset
    by_time = np.argsort(ts, kind="stable")  # rows in time order from here on
    sess, code, ts = sess[by_time], code[by_time], ts[by_time]

    # The draws of the items and baskets come before the page views' (so the shop's events stay the same).
    item_number = rng.integers(1000, 1400, m)
    price = CATEGORY_PRICE[category[sess]] * rng.lognormal(0.0, 0.55, m)
    basket_value = np.round(price * (1 + rng.poisson(0.8, m)), 2)
    seed_word = int(rng.integers(0, 2**31))
    browsing = first_of_session(sess, (code == 4) & ~searched[sess])
    leaving = logged_in[sess] & last_of_session(sess) & (rng.random(m) < ACCOUNT_RATE)

    # Every row, the page views included, as (source event row, kind, time), in time order: kind 0 the event
    # itself, 1 its page view 2 s before, 2 a category page 4 s before, 3 /account 30 s after.
    cat_rows, account_rows = np.nonzero(browsing)[0], np.nonzero(leaving)[0]
    src = np.concatenate([np.arange(m), np.arange(m), cat_rows, account_rows])
    kind = np.concatenate([np.full(m, 0), np.full(m, 1), np.full(len(cat_rows), 2),
                           np.full(len(account_rows), 3)]).astype(np.int8)
    second = 1_000_000
    when = np.concatenate([ts, ts - 2 * second, ts[cat_rows] - 4 * second, ts[account_rows] + 30 * second])
    in_order = np.argsort(when, kind="stable")
    src, kind, when = src[in_order], kind[in_order], when[in_order]
    row_code, row_sess = code[src], sess[src]
    is_event = kind == 0

    # Properties as JSON text, built column-wise in Arrow (fast C++ string kernels, no Python loop).
    def pick(words: np.ndarray | list[str], index: np.ndarray) -> pa.Array:
        return pa.array(list(words), type=pa.string()).take(pa.array(index))

    def const(text: str) -> pa.Scalar:
        return pa.scalar(text, type=pa.string())

    category_text = pick(CATEGORIES, category[row_sess])
    item = pa.array(item_number[src]).cast(pa.string())
    basket = pa.array(basket_value[src]).cast(pa.string())
    item_path = pc.binary_join_element_wise("/p/", category_text, "/", item, "")
    category_path = pc.binary_join_element_wise("/c/", category_text, "")
    page_code = np.where(kind == 3, len(PAGES) - 1, row_code)
    path = pc.if_else(pa.array(kind == 2), category_path,
                      pc.if_else(pa.array((row_code == 4) & (kind < 2)), item_path, pick(PAGES, page_code)))
    with_category = pc.binary_join_element_wise('","category":"', category_text, "")
    with_amount = pc.binary_join_element_wise('","amount":', basket, "")
    has_category = ((row_code >= 3) & (kind < 2)) | (kind == 2)
    properties = pc.binary_join_element_wise(
        const('{"device":"'), pick(DEVICES, session_device[row_sess]),
        const('","country":"'), pick(COUNTRIES, user_country[user[row_sess]]),
        const('","plan":"'), pick(["free", "plus"], plus[row_sess].astype(np.int8)),
        const('","$current_url":"' + SHOP_URL), path,
        pc.if_else(pa.array(has_category), with_category, const("")),
        pc.if_else(pa.array(is_event & (row_code == 7)), with_amount, const('"')),
        const("}"), "",
    )
    user_number = pa.array(user[row_sess] + 1).cast(pa.string())
    distinct = pc.binary_join_element_wise("u", pc.utf8_lpad(user_number, 6, "0"), "")
    uuid = pc.binary_join_element_wise(f"nw{seed_word:08x}", pick(["-", "-pv", "-c", "-a"], kind),
                                       pa.array(src).cast(pa.string()), "")
    table = pa.table({
        "uuid": uuid,
        "event": pick([*EVENT_ORDER, PAGEVIEW], np.where(is_event, row_code, len(EVENT_ORDER))),
        # ISO text (UTC) validates faster in the engine than datetimes turned into text row by row
        "timestamp": pc.binary_join_element_wise(pc.replace_substring(
            pa.array(when // 1_000_000, type=pa.timestamp("s")).cast(pa.string()), " ", "T"), "Z", ""),
        "distinct_id": distinct,
        "properties": properties,
    })

    before = checked_out & ~after
    later = checked_out & after
    facts = {
        "name": LAUNCH_NAME,
        "date": local_days[launch_index],
        "metric": "checkout → purchase conversion",
        "before": round(float(purchased[before].sum() / max(before.sum(), 1)), 4),
        "after": round(float(purchased[later].sum() / max(later.sum(), 1)), 4),
        "events": table.num_rows,
        "pageviews": int((~is_event).sum()),
        "users": len(np.unique(user)),
        "first_day": local_days[0],
        "last_day": local_days[-1],
        "timezone": tz,
    }
    return DemoEvents(table=table, launch_day=local_days[launch_index], facts=facts)


def first_of_session(sess: np.ndarray, rows: np.ndarray) -> np.ndarray:
    """True on the first of the ``rows`` of each session (``sess`` per row, rows in time order)."""
    chosen = np.nonzero(rows)[0]
    first = np.zeros(len(sess), dtype=bool)
    first[chosen[np.unique(sess[chosen], return_index=True)[1]]] = True
    return first


def last_of_session(sess: np.ndarray) -> np.ndarray:
    """True on the last row of each session (``sess`` per row, rows in time order)."""
    last = np.zeros(len(sess), dtype=bool)
    last[len(sess) - 1 - np.unique(sess[::-1], return_index=True)[1]] = True
    return last


@demo_step("product events", order=30, weight=8)
def build_events(ctx: DemoContext) -> None:
    """Generate the shop's events and bulk-ingest them into the store at ``HEADWAY_EVENTS_URL``."""
    from headway.analytics import services

    ctx.progress("generating product events", 0.0)
    events = generate_events(users=ctx.users, days=ctx.days, as_of=ctx.as_of, rng=ctx.rng("events"))
    ctx.progress("ingesting product events", 0.3)
    services.ingest_demo_events(events.table, progress=lambda label, f: ctx.progress(label, 0.3 + 0.7 * f))
    services.load_metrics(None, METRICS_FILE.read_text(encoding="utf-8"), source="demo")
    ctx.made["launch"] = events.facts
    ctx.progress("product events ready", 1.0)
