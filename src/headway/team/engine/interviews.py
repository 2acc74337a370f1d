"""Structured interviews from the ladder: an interview kit whose scorecard attributes are a level's competencies,
rated against the ladder's behavioural anchors and spread as focus attributes over at most four interviews so every
must-have competency is assessed at least once; and the debrief of independent scorecards (per-competency spread,
disagreements of two points or more, unrated competencies) with the scorecard submission rate against the 90 %
benchmark.

Pure: plain values in, typed results out.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from headway.core.errors import ValidationError
from headway.team.engine.ladder import RATINGS, Ladder

MAX_INTERVIEWS = 4
MUST_HAVE_COMPETENCIES = 3
"""A job description names its level's three most demanding competencies as must-haves (see
:func:`headway.team.engine.jd.generate_job_description`); the kit assesses each of them."""
DISAGREEMENT = 2
"""Ratings of one competency this many points apart (or more) are a disagreement the debrief flags."""
SUBMISSION_BENCHMARK = 0.9
"""The share of interviews with a submitted scorecard a healthy hiring process reaches."""


@dataclass(frozen=True)
class Attribute:
    """A scorecard attribute: a competency, the rating the level expects and the anchors to rate against."""

    competency: str
    name: str
    expected: int
    anchors: tuple[str, ...]
    must_have: bool


@dataclass(frozen=True)
class Interview:
    """One interview of the kit and the attributes it focuses on."""

    name: str
    focus: tuple[str, ...]


@dataclass(frozen=True)
class Kit:
    """An interview kit for one level: every attribute is rated on every scorecard; each interview focuses on some."""

    level: str
    attributes: tuple[Attribute, ...]
    interviews: tuple[Interview, ...]

    @property
    def must_haves(self) -> tuple[str, ...]:
        """The must-have competencies' slugs."""
        return tuple(a.competency for a in self.attributes if a.must_have)


def must_have_competencies(ladder: Ladder, level: str) -> tuple[str, ...]:
    """The level's must-have competencies: its three most demanding, ties in ladder order (as the job description
    ranks them)."""
    lv = ladder.level(level)
    ranked = sorted(ladder.competencies, key=lambda c: -lv.expectations[c.slug])
    return tuple(c.slug for c in ranked[:MUST_HAVE_COMPETENCIES])


def build_kit(ladder: Ladder, level: str, interviews: int = MAX_INTERVIEWS) -> Kit:
    """The kit for ``level`` with ``interviews`` interviews (1 to 4): the must-have competencies are dealt out
    first, one per interview in turn, then the rest, so every must-have is a focus of at least one interview and
    the interviews carry as even a load as they can."""
    if not 1 <= interviews <= MAX_INTERVIEWS:
        raise ValidationError(f"a kit has 1 to {MAX_INTERVIEWS} interviews, not {interviews}: structured interviews "
                              "stay short", details={"interviews": interviews})
    lv = ladder.level(level)
    must = set(must_have_competencies(ladder, level))
    attributes = tuple(Attribute(c.slug, c.name, lv.expectations[c.slug], c.anchors, c.slug in must)
                       for c in ladder.competencies)
    order = [a.competency for a in attributes if a.must_have] + [a.competency for a in attributes if not a.must_have]
    count = min(interviews, len(order)) or 1
    focus: list[list[str]] = [[] for _ in range(count)]
    for k, slug in enumerate(order):
        focus[k % count].append(slug)
    names = {c.slug: c.name for c in ladder.competencies}
    return Kit(level, attributes, tuple(Interview(f"Interview {k + 1}: {names[f[0]]}" if f else f"Interview {k + 1}",
                                                  tuple(f)) for k, f in enumerate(focus)))


@dataclass(frozen=True)
class Scorecard:
    """One interviewer's ratings (1–5; ``None`` or absent: not rated) and overall recommendation."""

    interviewer: str
    ratings: Mapping[str, int | None]


@dataclass(frozen=True)
class CompetencyDebrief:
    """One competency across the submitted scorecards."""

    competency: str
    name: str
    expected: int
    must_have: bool
    ratings: tuple[tuple[str, int], ...]
    low: int | None
    high: int | None
    spread: int | None
    mean: float | None
    disagreement: bool
    unrated: bool


@dataclass(frozen=True)
class Debrief:
    """The debrief: each competency's spread, the disagreements (ratings 2+ points apart) and the unrated ones."""

    competencies: tuple[CompetencyDebrief, ...]

    @property
    def disagreements(self) -> tuple[str, ...]:
        """Competencies whose ratings are two points or more apart."""
        return tuple(c.competency for c in self.competencies if c.disagreement)

    @property
    def unrated(self) -> tuple[str, ...]:
        """Competencies no submitted scorecard rates."""
        return tuple(c.competency for c in self.competencies if c.unrated)


def debrief(kit: Kit, scorecards: Sequence[Scorecard]) -> Debrief:
    """The debrief of the submitted ``scorecards`` against ``kit``; a rating outside 1–5 or of a competency the
    kit does not have is refused."""
    known = {a.competency for a in kit.attributes}
    for card in scorecards:
        for slug, rating in card.ratings.items():
            if slug not in known:
                raise ValidationError(f"{card.interviewer} rated {slug!r}, which the kit does not assess: rate "
                                      f"{', '.join(sorted(known))}")
            if rating is not None and rating not in RATINGS:
                raise ValidationError(f"{card.interviewer} rated {slug} {rating!r}: ratings run from 1 to 5")
    rows = []
    for attribute in kit.attributes:
        given = tuple((c.interviewer, int(r)) for c in scorecards
                      if (r := c.ratings.get(attribute.competency)) is not None)
        values = [r for _, r in given]
        low, high = (min(values), max(values)) if values else (None, None)
        spread = high - low if low is not None and high is not None else None
        rows.append(CompetencyDebrief(
            attribute.competency, attribute.name, attribute.expected, attribute.must_have, given, low, high, spread,
            round(sum(values) / len(values), 2) if values else None, spread is not None and spread >= DISAGREEMENT,
            not values))
    return Debrief(tuple(rows))


def submission_rate(submitted: int, interviews: int) -> float | None:
    """The share of interviews with a submitted scorecard (``None`` before any interview); compare with
    :data:`SUBMISSION_BENCHMARK`."""
    if submitted < 0 or interviews < 0 or submitted > interviews:
        raise ValidationError(f"{submitted} scorecards for {interviews} interviews: give counts with submitted <= "
                              "interviews")
    return submitted / interviews if interviews else None
