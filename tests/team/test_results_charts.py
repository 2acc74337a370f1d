"""The released report's small multiples: one bar chart per competency, only displayed groups, values by hand.

Ann's review (see conftest): problem-framing — self 5, manager 4, peers (4+3+5)/3 = 4.0, cross-functional
partners (Ed 2, Fay 3, Dan 4) = 3.0, everyone but self 25/7 = 3.57; delivery — 5, 4, (3+5+4)/3 = 4.0,
(2+3+1)/3 = 2.0, 22/7 = 3.14. The default ladder expects 3 of a PM in both.
"""

from __future__ import annotations

import json
import re

from headway.team.services import ladders
from tests.conftest import PASSWORD
from tests.team.conftest import run_review

SPEC = re.compile(r'<script id="competency-([\w-]+)-spec" type="application/json">(.*?)</script>', re.S)


def chart_rows(html: str) -> dict[str, list[dict[str, object]]]:
    """Competency slug → the data rows of its chart, read from the specs on the page."""
    return {slug: json.loads(spec)["data"]["values"] for slug, spec in SPEC.findall(html)}


def results_html(client, people, **kwargs) -> str:
    cycle = run_review(people, **kwargs)
    assert client.login(username="vic", password=PASSWORD)
    return client.get(f"/team/reviews/{cycle.pk}/results/{people['Ann'].pk}/").content.decode()


def test_one_chart_per_competency_with_hand_computed_means(client, people):
    html = results_html(client, people)
    expected = ladders.current_ladder(None).level("pm").expectations
    assert (expected["problem-framing"], expected["delivery"]) == (3, 3)
    rows = chart_rows(html)
    groups = ["Self", "Manager", "Peers", "Cross-functional partners", "All reviewers except self"]
    assert rows["problem-framing"] == [{"group": g, "mean": m, "expected": 3}
                                       for g, m in zip(groups, [5.0, 4.0, 4.0, 3.0, 3.57], strict=True)]
    assert rows["delivery"] == [{"group": g, "mean": m, "expected": 3}
                                for g, m in zip(groups, [5.0, 4.0, 4.0, 2.0, 3.14], strict=True)]
    # Every other competency was rated by nobody: a figure with the empty message, no spec, no numbers.
    slugs = [c.slug for c in ladders.current_ladder(None).competencies]
    assert set(rows) == {"problem-framing", "delivery"}
    for slug in slugs:
        assert f'id="competency-{slug}"' in html
    assert html.count("No group has enough ratings of") == len(slugs) - 2
    # Each chart is named for screen readers and has the table fallback; the rule line marks the expectation.
    assert 'aria-label="Bar chart: average rating of Delivery and prioritisation per reviewer group; ' \
           'the level expects 3"' in html
    assert "<td>Cross-functional partners</td><td>2.0</td><td>3</td>" in html
    spec = json.loads(dict(SPEC.findall(html))["delivery"])
    assert [layer["mark"]["type"] for layer in spec["layer"]] == ["bar", "rule"]


def test_hidden_groups_never_reach_a_chart(client, people):
    # Bea (peer) and Ed (engineering) are one response each: under the threshold of 3, so both are hidden.
    html = results_html(client, people, reviewers=("Bea", "Ed"))
    rows = chart_rows(html)
    # Overall is the manager alone (4, 4): the hidden 4,3 and 2,2 do not move it.
    assert rows["problem-framing"] == [{"group": "Self", "mean": 5.0, "expected": 3},
                                       {"group": "Manager", "mean": 4.0, "expected": 3},
                                       {"group": "All reviewers except self", "mean": 4.0, "expected": 3}]
    assert [r["mean"] for r in rows["delivery"]] == [5.0, 4.0, 4.0]
    specs = "".join(spec for _, spec in SPEC.findall(html))
    assert "Peers" not in specs and "Engineering" not in specs
    assert "Not shown (fewer than 3 responses): peer, engineering." in html
