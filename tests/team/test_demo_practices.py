"""The demo's ladder, check-ins, released review cycle (one pooled, one hidden group) and job descriptions."""

from __future__ import annotations

from datetime import date

import pytest

from headway.demo.builder import DemoContext
from headway.demo.company import build_company
from headway.team.demo import CHECKIN_WEEKS, build_team, build_team_practices
from headway.team.models import Checkin, CheckinPair, JobDescription, Person
from headway.team.services import checkins, interviews, jobs, ladders, review_reports, reviews

AS_OF = date(2026, 6, 30)


@pytest.mark.slow
@pytest.mark.django_db
def test_demo_practices():
    ctx = DemoContext(seed=7, as_of=AS_OF)
    build_company(ctx)
    build_team(ctx)
    build_team_practices(ctx)
    ids = ctx.made["people"]
    assert ladders.current_ladder(None).version == 1
    pairs = CheckinPair.objects.count()
    pms = Person.objects.filter(level__in=["apm", "pm", "senior_pm"]).count()
    assert pairs == pms
    skipped = len(range(0, pms, 4))  # every fourth pair missed its last two weeks
    assert Checkin.objects.count() == pms * CHECKIN_WEEKS - 2 * skipped
    late = checkins.overdue(None, today=AS_OF)
    # Regular pairs last met in week 11 (AS_OF - 7 days): due on AS_OF, not overdue. Skipped pairs last met in
    # week 9 (AS_OF - 21 days): due AS_OF - 14 days, so 14 days overdue.
    assert [o.days_overdue for o in late] == [14] * skipped

    cycle = reviews.get_cycle(None, ctx.made["review_cycle"])
    assert cycle.state == "released"
    priya = review_reports.results(None, cycle.pk, ids["pm-checkout"]).report
    assert [u.key for u in priya.units] == ["self", "manager", "peer", "engineering", "cross_functional"]
    assert priya.unit("cross_functional").groups == ("design", "marketing", "sales")
    assert priya.hidden_groups == ()
    gpm = review_reports.results(None, cycle.pk, ids["gpm-search-discovery"]).report
    assert [u.key for u in gpm.units] == ["self", "manager", "direct_report"]
    assert set(gpm.hidden_groups) == {"peer", "engineering"}
    assert gpm.overall.count == 4  # manager + three direct reports

    titles = sorted(JobDescription.objects.values_list("title", flat=True))
    assert titles == ["Product Manager, Platform", "Senior Product Manager, Growth"]
    growth = JobDescription.objects.get(title="Senior Product Manager, Growth")
    assert jobs.content(None, growth.pk).pay.text() == "USD 165,000–205,000 per year"
    growth = JobDescription.objects.get(team="Growth")
    kit = interviews.get_kit(None, growth.pk)
    assert len(kit.interviews) == 3 and {a.competency for a in kit.attributes if a.must_have} <= {
        f for i in kit.interviews for f in i.focus}
    debrief = interviews.debrief(None, growth.pk, "Jordan Avery")
    assert (debrief.submitted, debrief.interviews, debrief.unrated) == (3, 3, [])
    assert len(debrief.disagreements) == 1
