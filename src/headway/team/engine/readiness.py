"""Promotion readiness against the next level's expectations, and the nine-box grid.

Readiness compares a person's ratings (from their manager, or the overall averages of a released review)
with what the next level of the ladder expects, competency by competency. The verdict follows
:data:`READINESS_RULE`, which the result repeats so that nobody has to guess how it was reached.
"""

from __future__ import annotations

from collections.abc import Hashable, Mapping
from dataclasses import dataclass

from headway.core.errors import ValidationError
from headway.team.engine.ladder import Ladder, Level
from headway.team.engine.reviews import ReviewReport

READY, NEARLY, NOT_YET = "ready", "nearly", "not_yet"
VERDICT_LABELS = {READY: "Ready", NEARLY: "Nearly ready", NOT_YET: "Not yet"}

READINESS_RULE = (
    "Ready: every competency meets the {level} expectation. Nearly: no competency is more than {gap:g} point "
    "below it and at most {gaps} fall short. Not yet: otherwise (an unrated competency counts as a full gap)."
)


@dataclass(frozen=True)
class Gap:
    """A competency where the person is below the next level's expectation."""

    competency: str
    name: str
    expected: int
    actual: float | None
    gap: float


@dataclass(frozen=True)
class Strength:
    """A competency where the person meets or exceeds the next level's expectation."""

    competency: str
    name: str
    expected: int
    actual: float
    margin: float


@dataclass(frozen=True)
class Readiness:
    """How ready a person is for the next level, with the gaps, the strengths and the rule applied."""

    current_level: str
    target_level: str
    target_title: str
    gaps: tuple[Gap, ...]
    strengths: tuple[Strength, ...]
    verdict: str
    rule: str

    @property
    def verdict_label(self) -> str:
        """The verdict as a person reads it ("Nearly ready")."""
        return VERDICT_LABELS[self.verdict]


def _check_rating(value: float, what: str) -> float:
    if isinstance(value, bool) or not isinstance(value, int | float) or not 1 <= value <= 5:
        raise ValidationError(f"{what} is {value!r}: ratings run from 1 to 5")
    return float(value)


def promotion_readiness(
    ladder: Ladder,
    current_level: str,
    ratings: Mapping[str, float],
    *,
    track: str | None = None,
    target_level: str | None = None,
    nearly_max_gap: float = 1.0,
    nearly_max_gaps: int = 2,
) -> Readiness:
    """Compare ``ratings`` (competency slug → 1–5) with the expectations of the next level.

    The next level is the lowest one ranked above ``current_level`` on ``track`` (default: the current
    level's track); ``target_level`` names another one explicitly. Gaps are listed largest first, strengths
    largest margin first.
    """
    current = ladder.level(current_level)
    target: Level | None
    if target_level is not None:
        target = ladder.level(target_level)
        if target.rank <= current.rank:
            raise ValidationError(
                f"{target.title} is not above {current.title}: choose a higher level as the promotion target"
            )
    else:
        target = ladder.next_level(current_level, track)
    if target is None:
        wanted = track or current.track
        raise ValidationError(
            f"{current.title} is the top of the {wanted} track: pass another track or a target level to compare"
        )
    known = {c.slug for c in ladder.competencies}
    for slug, value in ratings.items():
        if slug not in known:
            raise ValidationError(f"rating for unknown competency {slug!r}: use the ladder's competency slugs")
        _check_rating(value, f"the rating of {slug!r}")
    gaps: list[Gap] = []
    strengths: list[Strength] = []
    for comp in ladder.competencies:
        expected = target.expectations[comp.slug]
        actual = ratings.get(comp.slug)
        if actual is None:
            gaps.append(Gap(comp.slug, comp.name, expected, None, float(expected)))
        elif actual < expected:
            gaps.append(Gap(comp.slug, comp.name, expected, float(actual), round(expected - actual, 2)))
        else:
            strengths.append(Strength(comp.slug, comp.name, expected, float(actual), round(actual - expected, 2)))
    gaps.sort(key=lambda g: -g.gap)
    strengths.sort(key=lambda s: -s.margin)
    if not gaps:
        verdict = READY
    elif len(gaps) <= nearly_max_gaps and all(g.gap <= nearly_max_gap for g in gaps):
        verdict = NEARLY
    else:
        verdict = NOT_YET
    return Readiness(
        current_level=current.slug,
        target_level=target.slug,
        target_title=target.title,
        gaps=tuple(gaps),
        strengths=tuple(strengths),
        verdict=verdict,
        rule=READINESS_RULE.format(level=target.title, gap=nearly_max_gap, gaps=nearly_max_gaps),
    )


def ratings_from_report(report: ReviewReport) -> dict[str, float]:
    """The overall displayed means of a review report (everyone but self), for :func:`promotion_readiness`."""
    return report.overall.means


# ------------------------------------------------------------------------------------------------ nine-box

BANDS = ("low", "medium", "high")

NINE_BOX_NAMES = {
    # (performance band, potential band): name
    ("high", "high"): "Star",
    ("medium", "high"): "High potential",
    ("low", "high"): "Rough diamond",
    ("high", "medium"): "High performer",
    ("medium", "medium"): "Core player",
    ("low", "medium"): "Inconsistent player",
    ("high", "low"): "Trusted professional",
    ("medium", "low"): "Effective contributor",
    ("low", "low"): "Talent risk",
}
"""The conventional name of each cell (names vary between companies; these are common ones)."""

BAND_RULE = "low: below 2.5, medium: 2.5 to below 3.5, high: 3.5 and above (on the 1–5 scale)"


@dataclass(frozen=True)
class NineBoxCell:
    """A cell of the nine-box grid: row 0 is high potential, column 2 is high performance."""

    performance: str
    potential: str
    name: str

    @property
    def row(self) -> int:
        """Grid row from the top (0: high potential)."""
        return 2 - BANDS.index(self.potential)

    @property
    def column(self) -> int:
        """Grid column from the left (0: low performance)."""
        return BANDS.index(self.performance)


def band(score: float) -> str:
    """The band of a 1–5 score, by :data:`BAND_RULE`."""
    value = _check_rating(score, "the score")
    if value < 2.5:
        return "low"
    return "medium" if value < 3.5 else "high"


def nine_box(performance: float, potential: float) -> NineBoxCell:
    """The nine-box cell of a performance and a potential rating, both 1–5."""
    perf = band(_check_rating(performance, "performance"))
    pot = band(_check_rating(potential, "potential"))
    return NineBoxCell(perf, pot, NINE_BOX_NAMES[(perf, pot)])


def nine_box_grid(people: Mapping[Hashable, tuple[float, float]]) -> dict[str, list[Hashable]]:
    """People (id → (performance, potential)) by cell name, every cell present, for drill-down."""
    grid: dict[str, list[Hashable]] = {name: [] for name in NINE_BOX_NAMES.values()}
    for person, (performance, potential) in people.items():
        grid[nine_box(performance, potential).name].append(person)
    return grid
