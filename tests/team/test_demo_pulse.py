"""The demo's second released cycle, "Growth team pulse, Q2": the small Growth team stays under the threshold.

Acquisition's PM has self, manager, one peer and one engineer: peer and engineering (2 < 3) are hidden on
every face, so the overall average is the manager's ratings alone. Loyalty's PM has two peers and one designer:
pooled into "Other reviewers" (3), whose means the test recomputes from the stored responses.
"""

from __future__ import annotations

import json
import re
from datetime import date

import pytest
from typer.testing import CliRunner

from headway.cli import app
from headway.demo.builder import DemoContext
from headway.demo.company import build_company, demo_password
from headway.team.demo import PULSE_CYCLE, build_team, build_team_practices
from headway.team.models import Response
from headway.team.services import review_reports, reviews

SPEC = re.compile(r'<script id="competency-([\w-]+)-spec" type="application/json">(.*?)</script>', re.S)


@pytest.mark.slow
@pytest.mark.django_db
def test_pulse_cycle_hides_the_small_group_on_every_face(client):
    ctx = DemoContext(seed=7, as_of=date(2026, 6, 30))
    build_company(ctx)
    build_team(ctx)
    build_team_practices(ctx)
    ids = ctx.made["people"]
    cycle = reviews.get_cycle(None, ctx.made["pulse_cycle"])
    assert (cycle.name, cycle.state) == (PULSE_CYCLE, "released")
    assert reviews.get_cycle(None, ctx.made["review_cycle"]).state == "released"  # the first cycle is kept
    slugs = [c.slug for c in reviews.cycle_ladder(cycle).competencies]

    acq = ids["pm-acquisition"]
    stored = {r.group: r.ratings for r in Response.objects.filter(review__cycle=cycle, review__reviewee_id=acq)}
    assert sorted(stored) == ["engineering", "manager", "peer", "self"]  # the hidden responses do exist
    report = review_reports.results(None, cycle.pk, acq).report
    assert [u.key for u in report.units] == ["self", "manager"]
    assert report.hidden_groups == ("peer", "engineering")
    assert report.overall.count == 1
    assert report.overall.means == {s: float(stored["manager"][s]) for s in slugs}

    loyalty = ids["pm-loyalty"]
    pooled = [r.ratings for r in Response.objects.filter(review__cycle=cycle, review__reviewee_id=loyalty,
                                                         group__in=["peer", "design"])]
    assert len(pooled) == 3
    others = review_reports.results(None, cycle.pk, loyalty).report.unit("others")
    assert others is not None and others.groups == ("peer", "design")
    assert others.means == {s: round(sum(r[s] for r in pooled) / 3, 2) for s in slugs}

    # Web: the demo product leader (VP Product, in the chain) sees the explanation and no hidden group.
    assert client.login(username="leader", password=demo_password("leader"))
    html = client.get(f"/team/reviews/{cycle.pk}/results/{acq}/").content.decode()
    assert "Not shown (fewer than 3 responses): peer, engineering." in html
    charts = {slug: json.loads(spec)["data"]["values"] for slug, spec in SPEC.findall(html)}
    assert set(charts) == set(slugs)
    for slug, rows in charts.items():
        assert [r["group"] for r in rows] == ["Self", "Manager", "All reviewers except self"]
        assert rows[2]["mean"] == float(stored["manager"][slug])
    assert "Peers" not in html and ">Engineering<" not in html
    # API and CLI show the same units and hidden groups.
    api = client.get(f"/api/v1/team/reviews/cycles/{cycle.pk}/reviewees/{acq}/results").json()
    out = CliRunner().invoke(app, ["review", "results", str(cycle.pk), str(acq), "--as", "leader", "--json"])
    cli = json.loads(out.output)
    for face in (api, cli):
        assert [u["key"] for u in face["units"]] == ["self", "manager"]
        assert face["hidden_groups"] == ["peer", "engineering"]
        assert face["overall"]["count"] == 1
