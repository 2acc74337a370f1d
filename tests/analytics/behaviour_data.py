"""A small, hand-computed event set for the behavioural insights (London time = UTC in January 2026).

Persons: a visits, views an item and buys within 10 minutes on 5 Jan and visits again on 7 Jan; b visits on
5 Jan and views an item a day later; c visits on 6 Jan; d only views an item. a and b browse pages.
"""

from __future__ import annotations


def _e(n: int, event: str, ts: str, who: str, **props: object) -> dict[str, object]:
    return {"uuid": f"b{n}", "event": event, "timestamp": f"2026-01-{ts}Z", "distinct_id": who, "properties": props}


EVENTS = [
    _e(1, "visit", "05T10:00:00", "a", device="mobile"),
    _e(2, "view_item", "05T10:05:00", "a", device="mobile"),
    _e(3, "purchase", "05T10:10:00", "a", device="mobile", amount=20),
    _e(4, "visit", "05T11:00:00", "b", device="desktop"),
    _e(5, "view_item", "06T11:00:00", "b", device="desktop"),
    _e(6, "visit", "06T09:00:00", "c", device="desktop"),
    _e(7, "view_item", "06T12:00:00", "d", device="tablet"),
    _e(8, "visit", "07T08:00:00", "a", device="mobile"),
    _e(9, "$pageview", "05T09:00:00", "a", page="/home"),
    _e(10, "$pageview", "05T09:01:00", "a", page="/pricing"),
    _e(11, "$pageview", "05T09:02:00", "a", page="/signup"),
    _e(12, "$pageview", "05T09:30:00", "b", page="/home"),
    _e(13, "$pageview", "05T09:31:00", "b", page="/pricing"),
]
RANGE = {"date_from": "2026-01-05", "date_to": "2026-01-07"}
FUNNEL = {"steps": ["visit", "view_item", "purchase"], **RANGE}
# By hand: 3 persons visit (a, b, c); a and b view an item after their visit (300 s and 86,400 s later);
# a buys 300 s after viewing. c drops off at step 2, b at step 3.
FUNNEL_COUNTS = [3, 2, 1]
FUNNEL_TIMES = [None, 43350.0, 300.0]
RETENTION = {"target_event": "visit", "period": "day", "intervals": 3, "date_to": "2026-01-07"}
# cohort 5 Jan = {a, b}: nobody visits on the 6th, a on the 7th; 6 Jan = {c}: gone on the 7th; 7 Jan = {a}.
RETENTION_VALUES = [[2, 0, 1], [1, 0], [1]]
ACTIVITY = {"event": "visit", "interval": "day", **RANGE}
STICKINESS = [2, 1, 0]  # b and c visit on one day, a on two (5 and 7 Jan)
LIFECYCLE = {"new": [2, 1, 0], "returning": [0, 0, 0], "resurrecting": [0, 0, 1], "dormant": [0, -2, -1]}
PATHS = [(1, "/home", "/pricing", 2), (2, "/pricing", "/signup", 1)]
