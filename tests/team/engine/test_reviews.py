"""360 review aggregation: thresholds, pooling, hiding, comments, progress — and no subtraction attack."""

from __future__ import annotations

import itertools

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from headway.core.errors import ValidationError
from headway.team.engine.reviews import (
    GROUPS,
    ReviewResponse,
    aggregate_reviews,
    count_by_group,
    plan_units,
    review_progress,
)

COMPS = ["delivery", "discovery"]


def resp(group, delivery, discovery, comment="", reviewer=""):
    return ReviewResponse(group, {"delivery": delivery, "discovery": discovery}, comment, reviewer)


BASE = [
    resp("self", 4, 3),
    resp("manager", 3, 4, "Strong quarter."),
    resp("engineering", 4, 3, "eng a"),
    resp("engineering", 5, 4, "eng b"),
    resp("engineering", 3, 2),
]
PEERS = [resp("peer", 1, 1, "peer one"), resp("peer", 2, 5, "peer two")]


def report(responses, threshold=3, reviewee="ann"):
    return aggregate_reviews(responses, cycle="2025-H1", reviewee=reviewee, threshold=threshold, competencies=COMPS)


def test_two_peers_under_threshold_three_are_hidden():
    r = report(BASE + PEERS)
    assert [u.key for u in r.units] == ["self", "manager", "engineering"]
    assert r.hidden_groups == ("peer",)
    assert r.unit("peer") is None
    eng = r.unit("engineering")
    assert (eng.count, eng.mean("delivery"), eng.mean("discovery")) == (3, 4.0, 3.0)
    # self and manager are shown as they are, even alone
    assert r.unit("self").means == {"delivery": 4.0, "discovery": 3.0}
    assert r.unit("manager").means == {"delivery": 3.0, "discovery": 4.0}
    # overall = manager + engineering only: (3+4+5+3)/4 and (4+3+4+2)/4
    assert r.overall.count == 4
    assert r.overall.means == {"delivery": 3.75, "discovery": 3.25}
    assert sorted(c.text for c in r.comments) == ["Strong quarter.", "eng a", "eng b"]
    assert "3 responses" in r.rule


def test_subtraction_attack_is_impossible():
    """Every displayed number is the same whatever the hidden peers answered, or whether they answered."""
    without = report(BASE)
    with_peers = report(BASE + PEERS)
    assert with_peers.displayed_numbers() == without.displayed_numbers()
    assert with_peers.comments == without.comments
    # Try every possible pair of peer answers: the report never changes, so no arithmetic on displayed
    # numbers can single out what the peers said.
    for d1, v1, d2, v2 in itertools.product(range(1, 6), repeat=4):
        other = report([*BASE, resp("peer", d1, v1), resp("peer", d2, v2)])
        assert other.displayed_numbers() == with_peers.displayed_numbers()
    # The attack this design prevents: a naive "all reviewers" mean over every non-self response would be
    # (3+4+5+3+1+2)/6 = 3.0 for delivery; 6*3.0 - (3+4+5+3) = 3 = 1+2 would expose the peers' sum.
    assert with_peers.overall.mean("delivery") == 3.75


@settings(max_examples=150, deadline=None)
@given(
    st.lists(
        st.tuples(st.sampled_from(GROUPS), st.integers(1, 5), st.integers(1, 5), st.booleans()),
        max_size=14,
    ),
    st.integers(2, 4),
)
def test_hidden_groups_never_change_what_is_shown(rows, threshold):
    responses = [resp(g, d, v, f"c{i}" if has else "") for i, (g, d, v, has) in enumerate(rows)]
    full = report(responses, threshold)
    shown_groups = {g for u in full.units for g in u.groups}
    assert not shown_groups & set(full.hidden_groups)
    # displayed units are disjoint and the overall counts exactly their non-self responses
    assert full.overall.count == sum(u.count for u in full.units if u.key != "self")
    for unit in full.units:
        if unit.key not in ("self", "manager"):
            assert unit.count >= threshold
    for hidden in full.hidden_groups:
        reduced = report([r for r in responses if r.group != hidden], threshold)
        assert reduced.displayed_numbers() == full.displayed_numbers()
        assert reduced.comments == full.comments


def test_small_groups_are_merged_when_the_pool_reaches_the_threshold():
    responses = [
        *BASE[:2],
        resp("peer", 2, 4, "p1"), resp("peer", 4, 4),
        resp("design", 3, 1, "d1"), resp("marketing", 5, 3),
    ]
    r = report(responses)
    others = r.unit("others")
    assert others.groups == ("peer", "design", "marketing")
    assert others.label == "Other reviewers"
    assert (others.count, others.mean("delivery"), others.mean("discovery")) == (4, 3.5, 3.0)
    assert r.hidden_groups == ()
    assert r.overall.means == {"delivery": 3.4, "discovery": 3.2}  # (3+2+4+3+5)/5, (4+4+4+1+3)/5
    assert {c.unit for c in r.comments} == {"manager", "others"}


def test_pools_of_partners_and_of_close_colleagues():
    partners_only = plan_units({"peer": 3, "design": 2, "sales": 1})
    assert partners_only == ([("peer", ("peer",)), ("cross_functional", ("design", "sales"))], [])
    both = plan_units({"peer": 2, "direct_report": 1, "design": 2, "sales": 1})
    assert both == ([("cross_functional", ("design", "sales")), ("others", ("peer", "direct_report"))], [])
    too_few = plan_units({"self": 1, "direct_report": 1, "sales": 1})
    assert too_few == ([("self", ("self",))], ["direct_report", "sales"])
    assert plan_units({"peer": 2}, threshold=2) == ([("peer", ("peer",))], [])


def test_threshold_below_two_is_rejected():
    for bad in (1, 0, -3):
        with pytest.raises(ValidationError, match=f"anonymity threshold {bad} is too low"):
            report(BASE, threshold=bad)
    with pytest.raises(ValidationError, match="not a whole number"):
        report(BASE, threshold=2.5)
    assert report(BASE + PEERS, threshold=2).unit("peer").means == {"delivery": 1.5, "discovery": 3.0}


def test_a_competency_rated_by_too_few_is_hidden_inside_a_shown_group():
    peers = [
        ReviewResponse("peer", {"delivery": 2, "discovery": 5}),
        ReviewResponse("peer", {"delivery": 4, "discovery": 1}),
        ReviewResponse("peer", {"delivery": 3}),
    ]
    r = report([BASE[1], *peers])
    peer = r.unit("peer")
    assert peer.scores[0].count == 3 and peer.mean("delivery") == 3.0
    assert peer.scores[1].count == 2 and peer.mean("discovery") is None
    # the overall leaves the two hidden discovery ratings out: only the manager's 4 remains
    assert r.overall.means == {"delivery": 3.0, "discovery": 4.0}  # (3+2+4+3)/4


def test_comments_are_anonymous_shuffled_and_stable():
    texts = [f"comment {i}" for i in range(6)]
    peers = [resp("peer", 3, 3, t, reviewer=f"u{i}") for i, t in enumerate(texts)]
    first = report(peers)
    order = [c.text for c in first.comments]
    assert sorted(order) == texts
    assert order != texts  # not the submission order
    assert [c.text for c in report(peers).comments] == order  # stable
    assert [c.text for c in report(list(reversed(peers))).comments] == order  # independent of submission
    assert [c.text for c in report(peers, reviewee="bea").comments] != order  # seeded by the reviewee
    assert all(set(vars(c)) == {"unit", "text"} for c in first.comments)  # no reviewer identity
    assert "u0" not in repr(first)


def test_bad_responses_are_rejected():
    with pytest.raises(ValidationError, match="response 2 is a second response from the same reviewer"):
        report([resp("peer", 3, 3, reviewer="x"), resp("peer", 4, 4, reviewer="x")])
    with pytest.raises(ValidationError, match="response 1 rates 'delivery' 6"):
        report([resp("peer", 6, 3)])
    with pytest.raises(ValidationError, match="reviewer group 'friend'"):
        report([resp("friend", 3, 3)])
    with pytest.raises(ValidationError, match="unknown competency 'charm'"):
        report([ReviewResponse("peer", {"charm": 5})])


def test_progress_shows_counts_only():
    received = count_by_group([*BASE[:2], *PEERS])
    assert received == {"self": 1, "manager": 1, "peer": 2}
    progress = review_progress({"self": 1, "manager": 1, "peer": 4, "engineering": 3}, received)
    assert [(g.group, g.expected, g.received) for g in progress.groups] == [
        ("self", 1, 1), ("manager", 1, 1), ("peer", 4, 2), ("engineering", 3, 0),
    ]
    assert (progress.expected, progress.received, progress.percent) == (9, 4, 44.4)
    with pytest.raises(ValidationError, match="group 'friends'"):
        review_progress({"friends": 2}, {})
