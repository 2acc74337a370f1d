"""Interview kits from the ladder and the debrief of independent scorecards (issue 18, point 3), pure engine."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from headway.core.errors import ValidationError
from headway.team.engine.default_ladder import default_ladder
from headway.team.engine.interviews import (
    Kit,
    Scorecard,
    build_kit,
    debrief,
    must_have_competencies,
    submission_rate,
)
from headway.team.engine.ladder import Competency, CompetencyArea, Ladder, Level

LADDER = default_ladder()


def _check(kit: Kit, must: tuple[str, ...], interviews: int) -> None:
    assert len(kit.interviews) == min(interviews, len(kit.attributes))  # as many as asked, one focus each at least
    focused = [slug for interview in kit.interviews for slug in interview.focus]
    assert set(must) <= set(focused), "a must-have competency is assessed in no interview"
    assert set(focused) == {a.competency for a in kit.attributes}  # every attribute is someone's focus
    assert len(focused) == len(set(focused))  # and only one interview's
    loads = [len(i.focus) for i in kit.interviews]
    assert max(loads) - min(loads) <= 1


@pytest.mark.parametrize("level", [lv.slug for lv in LADDER.levels])
@pytest.mark.parametrize("interviews", [1, 2, 3, 4])
def test_every_must_have_of_every_level_is_a_focus(level: str, interviews: int) -> None:
    kit = build_kit(LADDER, level, interviews)
    assert kit.must_haves == tuple(a.competency for a in kit.attributes if a.must_have)
    assert set(kit.must_haves) == set(must_have_competencies(LADDER, level)) and len(kit.must_haves) == 3
    _check(kit, kit.must_haves, interviews)
    expected = LADDER.level(level).expectations
    assert {a.competency: a.expected for a in kit.attributes} == dict(expected)
    assert all(len(a.anchors) == 5 for a in kit.attributes)


@st.composite
def ladders(draw: st.DrawFn) -> Ladder:
    n = draw(st.integers(1, 12))
    comps = tuple(Competency(f"c{k}", f"Competency {k}", "", tuple(f"anchor {r}" for r in range(1, 6)))
                  for k in range(n))
    areas = (CompetencyArea("a", "Area", comps),)
    levels = tuple(Level(f"l{k}", f"Level {k}", k, "ic", 0, None, "feature", "",
                         {c.slug: draw(st.integers(1, 5)) for c in comps}) for k in range(draw(st.integers(1, 4))))
    return Ladder("random", 1, "", levels, areas)


@settings(max_examples=200, deadline=None, derandomize=True)
@given(ladders(), st.integers(1, 4))
def test_property_every_must_have_is_assessed(ladder: Ladder, interviews: int) -> None:
    for level in ladder.levels:
        kit = build_kit(ladder, level.slug, interviews)
        must = must_have_competencies(ladder, level.slug)
        # the must-haves are the most demanding: no other competency is expected higher than the lowest of them
        lowest = min(level.expectations[m] for m in must)
        assert all(level.expectations[c.slug] <= lowest for c in ladder.competencies if c.slug not in must)
        _check(kit, must, interviews)


def test_kits_have_one_to_four_interviews() -> None:
    with pytest.raises(ValidationError, match="a kit has 1 to 4 interviews, not 5"):
        build_kit(LADDER, LADDER.levels[0].slug, 5)


def test_debrief_flags_disagreements_of_two_points_and_unrated_competencies() -> None:
    kit = build_kit(LADDER, "pm", 3)
    slugs = [a.competency for a in kit.attributes]
    first, second, third = slugs[0], slugs[1], slugs[2]
    cards = [Scorecard("ana", {first: 2, second: 3}), Scorecard("ben", {first: 4, second: 4}),
             Scorecard("cy", {first: 3, second: None})]
    result = debrief(kit, cards)
    rows = {r.competency: r for r in result.competencies}
    assert (rows[first].low, rows[first].high, rows[first].spread, rows[first].mean) == (2, 4, 2, 3.0)
    assert rows[first].disagreement and not rows[second].disagreement  # 3 and 4: one point apart
    assert rows[second].ratings == (("ana", 3), ("ben", 4))
    assert result.disagreements == (first,)
    assert third in result.unrated and first not in result.unrated and len(result.unrated) == len(slugs) - 2
    with pytest.raises(ValidationError, match="ratings run from 1 to 5"):
        debrief(kit, [Scorecard("ana", {first: 6})])
    with pytest.raises(ValidationError, match="which the kit does not assess"):
        debrief(kit, [Scorecard("ana", {"juggling": 3})])


def test_submission_rate_against_the_benchmark() -> None:
    assert submission_rate(9, 10) == 0.9 and submission_rate(0, 0) is None
    with pytest.raises(ValidationError):
        submission_rate(3, 2)
