"""The demo's product events: names and properties, determinism, funnel, retention, seasonality, the launch."""

from __future__ import annotations

import json
from datetime import date

import numpy as np
import pandas as pd
import pytest

from headway.analytics.demo import (
    CATEGORIES,
    COUNTRIES,
    DEVICES,
    EVENT_ORDER,
    PAGEVIEW,
    SHOP_URL,
    generate_events,
)
from tests.conftest import PASSWORD

AS_OF = date(2026, 3, 31)
SMALL = {"users": 2000, "days": 60, "as_of": AS_OF}


@pytest.fixture(scope="module")
def demo():
    return generate_events(rng=np.random.default_rng([7, 1]), **SMALL)


@pytest.fixture(scope="module")
def frame(demo) -> pd.DataFrame:
    df = demo.table.to_pandas()
    df["timestamp"] = pd.to_datetime(df["timestamp"], format="ISO8601", utc=True)
    df["local_day"] = df["timestamp"].dt.tz_convert("America/New_York").dt.date
    props = df["properties"].map(json.loads)
    for key in ("device", "country", "plan", "category", "amount", "$current_url"):
        df[key] = props.map(lambda p, key=key: p.get(key))
    return df


def test_events_have_the_shop_names_and_required_columns(demo, frame):
    assert demo.table.column_names == ["uuid", "event", "timestamp", "distinct_id", "properties"]
    assert set(frame["event"]) == {*EVENT_ORDER, PAGEVIEW}
    assert demo.table.column("timestamp")[0].as_py().endswith("Z")
    assert frame["uuid"].is_unique
    assert frame["timestamp"].is_monotonic_increasing
    assert frame["distinct_id"].str.fullmatch(r"u\d{6}").all()
    assert frame["local_day"].min() == date(2026, 1, 31) and frame["local_day"].max() == AS_OF


def test_properties_are_believable(frame):
    assert set(frame["device"]) == set(DEVICES)
    assert set(frame["country"]) <= set(COUNTRIES) and frame["country"].notna().all()
    assert set(frame["plan"]) == {"free", "plus"}
    assert frame["$current_url"].str.startswith(SHOP_URL + "/").all()
    views = frame[frame["event"] == "view_item"]
    assert views["$current_url"].str.fullmatch(SHOP_URL + r"/p/[a-z]+/\d{4}").all()
    assert set(views["category"]) == set(CATEGORIES)
    purchases = frame[frame["event"] == "purchase"]
    assert purchases["amount"].notna().all() and (purchases["amount"] > 0).all()
    assert 40 < purchases["amount"].median() < 250  # a basket of one or two items
    assert frame.loc[frame["event"] != "purchase", "amount"].isna().all()
    assert frame.loc[frame["event"].isin(["visit", "login", "sign_up"]), "category"].isna().all()


def test_the_same_seed_gives_the_same_events_and_another_seed_others(demo):
    again = generate_events(rng=np.random.default_rng([7, 1]), **SMALL)
    other = generate_events(rng=np.random.default_rng([8, 1]), **SMALL)
    assert again.table.equals(demo.table)
    assert again.facts == demo.facts
    assert not other.table.equals(demo.table)


def test_the_funnel_narrows_at_every_step(frame):
    # one session per user and day: a step counts the user-days that reached it
    reached = {step: frame.loc[frame["event"] == step, ["distinct_id", "local_day"]].drop_duplicates().shape[0]
               for step in ("visit", "view_item", "add_to_cart", "checkout", "purchase")}
    counts = list(reached.values())
    assert counts == sorted(counts, reverse=True) and len(set(counts)) == 5
    assert 0.7 < reached["view_item"] / reached["visit"] < 0.86


def test_the_launch_lifts_checkout_to_purchase_conversion(demo, frame):
    steps = frame[frame["event"].isin(["checkout", "purchase"])]
    per_session = steps.pivot_table(index=["distinct_id", "local_day"], columns="event", values="uuid",
                                    aggfunc="count", fill_value=0).reset_index()
    launch = demo.facts["date"]
    assert launch == date(2026, 3, 2)  # day 30 of 60
    before = per_session[per_session["local_day"] < launch]
    after = per_session[per_session["local_day"] >= launch]
    rate_before = before["purchase"].sum() / before["checkout"].sum()
    rate_after = after["purchase"].sum() / after["checkout"].sum()
    assert rate_after - rate_before > 0.1
    assert (round(rate_before, 4), round(rate_after, 4)) == (demo.facts["before"], demo.facts["after"])


def test_weekends_bring_more_visits(frame):
    daily = frame[frame["event"] == "visit"].groupby("local_day").size()
    weekend = np.array([d.weekday() >= 5 for d in daily.index])
    assert daily[weekend].mean() / daily[~weekend].mean() > 1.1
    mobile_share = frame[frame["event"] == "visit"].assign(
        weekend=lambda d: [x.weekday() >= 5 for x in d["local_day"]]).groupby("weekend")["device"].apply(
        lambda s: (s == "mobile").mean())
    assert mobile_share[True] > mobile_share[False]


def test_new_users_come_back_less_and_less_and_sign_ups_grow(frame):
    signups = frame[frame["event"] == "sign_up"].set_index("distinct_id")["local_day"]
    early = signups[signups < date(2026, 2, 8)]
    visits = frame[(frame["event"] == "visit") & frame["distinct_id"].isin(early.index)]
    age_weeks = (pd.to_datetime(visits["local_day"]) - pd.to_datetime(early[visits["distinct_id"]].values)).dt.days // 7
    active = visits.assign(week=age_weeks.values).groupby("week")["distinct_id"].nunique()
    assert active[0] == len(early)
    assert active[0] > active[1] > active[3] > 0
    first_third = (signups < date(2026, 2, 21)).sum()
    last_third = (signups >= date(2026, 3, 12)).sum()
    assert last_third > first_third


def test_each_page_is_viewed_two_seconds_before_its_event(demo, frame):
    views = frame[frame["event"] == PAGEVIEW]
    shop = frame[frame["event"] != PAGEVIEW]
    assert demo.facts["pageviews"] == len(views) and demo.facts["events"] == len(frame)
    seen = views.assign(timestamp=views["timestamp"] + pd.Timedelta(seconds=2))
    paired = shop.merge(seen, on=["distinct_id", "timestamp", "$current_url"], how="left", suffixes=("", "_view"))
    assert paired["uuid_view"].notna().all()  # every shop event has its page view
    assert views["amount"].isna().all()
    pages = views["$current_url"].str.removeprefix(SHOP_URL)
    kinds = pages.str.replace(r"^/p/[a-z]+/\d{4}$", "/p/ITEM", regex=True).str.replace(r"^/c/[a-z]+$", "/c/CAT",
                                                                                          regex=True)
    assert set(kinds) == {"/", "/signup", "/login", "/search", "/c/CAT", "/p/ITEM", "/cart", "/checkout",
                          "/checkout/thanks", "/account"}
    assert set(views.loc[pages.str.startswith("/c/"), "category"]) == set(CATEGORIES)
    # the pages narrow like the funnel: home > product pages' sessions > cart > checkout > thanks
    per_page = pages.value_counts()
    assert per_page["/"] > per_page["/cart"] > per_page["/checkout"] > per_page["/checkout/thanks"] > 0


def test_the_page_views_keep_the_shop_events_uuids(demo):
    import pyarrow.compute as pc

    is_view = pc.equal(demo.table.column("event"), PAGEVIEW)
    shop, views = demo.table.filter(pc.invert(is_view)), demo.table.filter(is_view)
    assert pc.all(pc.match_substring_regex(shop.column("uuid"), r"^nw[0-9a-f]{8}-\d+$")).as_py()
    assert pc.all(pc.match_substring_regex(views.column("uuid"), r"^nw[0-9a-f]{8}-(pv|c|a)\d+$")).as_py()


@pytest.mark.django_db
def test_the_paths_page_draws_the_demo_shop_by_default(client, viewer, empty_store):
    from datetime import date as day

    from headway.analytics import services

    today = day.today()
    events = generate_events(users=300, days=14, as_of=today, rng=np.random.default_rng([7, 1]))
    assert services.ingest(None, events.table).ingested == events.table.num_rows
    assert client.login(username="vic", password=PASSWORD)
    html = client.get("/insights/", {"tab": "paths"}).content.decode()
    assert html.count('class="sankey-link"') > 5
    assert 'font-size="12">/</text>' in html and 'font-size="12">/search</text>' in html
