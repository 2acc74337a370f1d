"""360 review aggregation with anonymity that holds against comparison of totals.

The rules, in the order they are applied (:data:`ANONYMITY_RULE` states them for the reader):

1. *Self* and *manager* responses are not anonymous and are shown as they are.
2. Every other reviewer group (peers, direct reports, engineering, design, marketing, sales) is shown on its
   own only when it has at least ``threshold`` responses (default 3, never below 2).
3. Groups below the threshold are pooled: the small cross-functional groups form "Cross-functional partners"
   and the small peer/direct-report groups form "Other reviewers" when each pool reaches the threshold; when
   only their union does, they form one "Other reviewers" unit; otherwise all of them are hidden.
4. Inside a shown anonymous unit, a competency's mean is shown only when at least ``threshold`` of its
   reviewers rated it.
5. Every displayed number — the overall "everyone but self" aggregate included — is computed only from the
   ratings displayed in the units above. Displayed units are disjoint, so no number can be subtracted from
   another to uncover a hidden group: the report is identical whether or not the hidden responses exist.
6. Comments come only from displayed units, without reviewer identity, in an order that depends only on the
   cycle, the reviewee and the comment text (a seeded keyed-hash shuffle), never on submission order.
"""

from __future__ import annotations

import hashlib
from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import asdict, dataclass, field
from typing import Any

from headway.core.errors import ValidationError

GROUPS = ("self", "manager", "peer", "direct_report", "engineering", "design", "marketing", "sales")
"""Every reviewer group, in display order."""

NAMED_GROUPS = ("self", "manager")
"""Groups that are not anonymous: shown as they are, whatever their size."""

CROSS_FUNCTIONAL = ("engineering", "design", "marketing", "sales")
"""Partner groups outside the product team."""

CLOSE_GROUPS = ("peer", "direct_report")
"""Anonymous groups inside the product team."""

LABELS = {
    "self": "Self",
    "manager": "Manager",
    "peer": "Peers",
    "direct_report": "Direct reports",
    "engineering": "Engineering",
    "design": "Design",
    "marketing": "Marketing",
    "sales": "Sales",
    "cross_functional": "Cross-functional partners",
    "others": "Other reviewers",
    "overall": "All reviewers except self",
}
"""Display label of every group and pooled unit."""

DEFAULT_THRESHOLD = 3
MIN_THRESHOLD = 2

ANONYMITY_RULE = (
    "Self and manager are shown as they are. Every other group is shown only as averages and only with at "
    "least {t} responses (and at least {t} ratings per competency); smaller groups are pooled into "
    "'Cross-functional partners' or 'Other reviewers' when the pool reaches {t}, and hidden otherwise. The "
    "overall average uses only the shown ratings, and comments come only from shown groups, unnamed and "
    "shuffled."
)


@dataclass(frozen=True)
class ReviewResponse:
    """One submitted review: the reviewer's group, ratings 1–5 per competency slug and a comment.

    ``reviewer`` is an opaque id used only to reject a second response from the same person; it never
    appears in any result.
    """

    group: str
    ratings: Mapping[str, int]
    comment: str = ""
    reviewer: str = ""


@dataclass(frozen=True)
class CompetencyScore:
    """The mean rating of one competency in one unit; ``mean`` is None when too few rated it to show it."""

    competency: str
    count: int
    mean: float | None


@dataclass(frozen=True)
class GroupResult:
    """A displayed unit: one reviewer group, or a pool of small groups, as aggregates only."""

    key: str
    label: str
    groups: tuple[str, ...]
    count: int
    scores: tuple[CompetencyScore, ...]

    def mean(self, competency: str) -> float | None:
        """The displayed mean of ``competency`` in this unit (None if hidden or not rated)."""
        for score in self.scores:
            if score.competency == competency:
                return score.mean
        return None

    @property
    def means(self) -> dict[str, float]:
        """The displayed means by competency, hidden ones left out."""
        return {s.competency: s.mean for s in self.scores if s.mean is not None}


@dataclass(frozen=True)
class Comment:
    """A comment as shown: the unit it came from and its text, never its author."""

    unit: str
    text: str


@dataclass(frozen=True)
class ReviewReport:
    """The released results of one reviewee in one cycle: only what may be shown."""

    cycle: str
    reviewee: str
    threshold: int
    units: tuple[GroupResult, ...]
    overall: GroupResult
    hidden_groups: tuple[str, ...]
    comments: tuple[Comment, ...]
    rule: str

    def unit(self, key: str) -> GroupResult | None:
        """The displayed unit ``key`` ("peer", "others", ...), or None if it is not shown."""
        return next((u for u in self.units if u.key == key), None)

    def displayed_numbers(self) -> list[tuple[str, str, str, float | int | None]]:
        """Every number the report shows, as (unit, competency or "", field, value): what a reader sees."""
        out: list[tuple[str, str, str, float | int | None]] = []
        for unit in (*self.units, self.overall):
            out.append((unit.key, "", "count", unit.count))
            for s in unit.scores:
                out.append((unit.key, s.competency, "count", s.count))
                out.append((unit.key, s.competency, "mean", s.mean))
        return out


@dataclass(frozen=True)
class GroupProgress:
    """Responses received against responses expected for one reviewer group (no content)."""

    group: str
    label: str
    expected: int
    received: int


@dataclass(frozen=True)
class ReviewProgress:
    """Collection progress of a review, safe to show to admins: counts only."""

    groups: tuple[GroupProgress, ...]
    expected: int = field(default=0)
    received: int = field(default=0)

    @property
    def percent(self) -> float:
        """Share of expected responses received, 0–100 (100 when nothing is expected)."""
        if self.expected == 0:
            return 100.0
        return round(100 * min(self.received, self.expected) / self.expected, 1)


def check_threshold(threshold: int) -> int:
    """``threshold`` if it is a whole number of at least 2, else a ValidationError saying why."""
    if isinstance(threshold, bool) or not isinstance(threshold, int):
        raise ValidationError(f"anonymity threshold {threshold!r} is not a whole number: use 2 or more")
    if threshold < MIN_THRESHOLD:
        raise ValidationError(
            f"anonymity threshold {threshold} is too low: with fewer than {MIN_THRESHOLD} responses a group's "
            f"average is one person's answer; use {MIN_THRESHOLD} or more (default {DEFAULT_THRESHOLD})"
        )
    return threshold


def _check_responses(responses: Sequence[ReviewResponse], competencies: Sequence[str] | None) -> None:
    known = set(competencies) if competencies is not None else None
    reviewers: set[str] = set()
    for i, resp in enumerate(responses):
        where = f"response {i + 1}"
        if resp.group not in GROUPS:
            raise ValidationError(f"{where} has reviewer group {resp.group!r}: use one of {', '.join(GROUPS)}")
        if resp.reviewer:
            if resp.reviewer in reviewers:
                raise ValidationError(f"{where} is a second response from the same reviewer: keep one")
            reviewers.add(resp.reviewer)
        for slug, rating in resp.ratings.items():
            if known is not None and slug not in known:
                raise ValidationError(f"{where} rates unknown competency {slug!r}: rate the ladder's competencies")
            if isinstance(rating, bool) or rating not in (1, 2, 3, 4, 5):
                raise ValidationError(f"{where} rates {slug!r} {rating!r}: ratings are whole numbers 1–5")


def plan_units(counts: Mapping[str, int], threshold: int = DEFAULT_THRESHOLD) -> tuple[
    list[tuple[str, tuple[str, ...]]], list[str]
]:
    """Which groups are shown alone, which are pooled, and which are hidden, from response counts only.

    Returns ``(units, hidden)`` where ``units`` lists ``(unit key, member groups)`` in display order.
    """
    check_threshold(threshold)
    units: list[tuple[str, tuple[str, ...]]] = []
    small_close: list[str] = []
    small_partners: list[str] = []
    for group in GROUPS:
        n = counts.get(group, 0)
        if n <= 0:
            continue
        if group in NAMED_GROUPS or n >= threshold:
            units.append((group, (group,)))
        elif group in CROSS_FUNCTIONAL:
            small_partners.append(group)
        else:
            small_close.append(group)
    close_n = sum(counts[g] for g in small_close)
    partners_n = sum(counts[g] for g in small_partners)
    if close_n >= threshold and partners_n >= threshold:
        units.append(("cross_functional", tuple(small_partners)))
        units.append(("others", tuple(small_close)))
        return units, []
    if close_n + partners_n >= threshold:
        pooled = tuple(g for g in GROUPS if g in small_close or g in small_partners)
        units.append(("others" if small_close else "cross_functional", pooled))
        return units, []
    return units, [*small_close, *small_partners]


def _scores(
    responses: Sequence[ReviewResponse], competencies: Sequence[str], min_ratings: int
) -> tuple[CompetencyScore, ...]:
    scores = []
    for slug in competencies:
        ratings = [r.ratings[slug] for r in responses if slug in r.ratings]
        shown = bool(ratings) and len(ratings) >= min_ratings
        scores.append(CompetencyScore(slug, len(ratings), round(sum(ratings) / len(ratings), 2) if shown else None))
    return tuple(scores)


def comment_order_key(cycle: str, reviewee: str, text: str) -> str:
    """The sort key of a comment: a hash keyed by cycle and reviewee, so the order ignores submission order."""
    return hashlib.sha256(f"{cycle}\x1f{reviewee}\x1f{text}".encode()).hexdigest()


def aggregate_reviews(
    responses: Sequence[ReviewResponse],
    *,
    cycle: str,
    reviewee: str,
    threshold: int = DEFAULT_THRESHOLD,
    competencies: Sequence[str] | None = None,
) -> ReviewReport:
    """The anonymous report of ``reviewee`` in ``cycle`` from the submitted ``responses``.

    ``competencies`` (the ladder's slugs, in display order) defaults to every rated competency, sorted.
    See the module docstring for the anonymity rules this enforces.
    """
    check_threshold(threshold)
    _check_responses(responses, competencies)
    order = list(competencies) if competencies is not None else sorted({s for r in responses for s in r.ratings})
    counts = Counter(r.group for r in responses)
    plan, hidden = plan_units(counts, threshold)

    units: list[GroupResult] = []
    comments: list[Comment] = []
    shown_ratings: dict[str, list[int]] = {slug: [] for slug in order}
    overall_count = 0
    for key, members in plan:
        members_responses = [r for r in responses if r.group in members]
        named = key in NAMED_GROUPS
        scores = _scores(members_responses, order, 1 if named else threshold)
        units.append(GroupResult(key, LABELS[key], members, len(members_responses), scores))
        comments.extend(Comment(key, r.comment.strip()) for r in members_responses if r.comment.strip())
        if key == "self":
            continue
        overall_count += len(members_responses)
        for score in scores:
            if score.mean is not None:
                shown_ratings[score.competency].extend(
                    r.ratings[score.competency] for r in members_responses if score.competency in r.ratings
                )
    overall_scores = tuple(
        CompetencyScore(slug, len(vals), round(sum(vals) / len(vals), 2) if vals else None)
        for slug, vals in shown_ratings.items()
    )
    overall = GroupResult(
        "overall", LABELS["overall"], tuple(g for _, m in plan for g in m if g != "self"), overall_count,
        overall_scores,
    )
    comments.sort(key=lambda c: (comment_order_key(cycle, reviewee, c.text), c.unit))
    return ReviewReport(
        cycle=cycle,
        reviewee=reviewee,
        threshold=threshold,
        units=tuple(units),
        overall=overall,
        hidden_groups=tuple(hidden),
        comments=tuple(comments),
        rule=ANONYMITY_RULE.format(t=threshold),
    )


def count_by_group(responses: Iterable[ReviewResponse]) -> dict[str, int]:
    """How many responses each reviewer group has submitted."""
    return dict(Counter(r.group for r in responses))


def review_progress(expected: Mapping[str, int], received: Mapping[str, int]) -> ReviewProgress:
    """Received against expected responses per group, in display order: counts, never content."""
    for name, mapping in (("expected", expected), ("received", received)):
        for group, n in mapping.items():
            if group not in GROUPS:
                raise ValidationError(f"{name} counts name group {group!r}: use one of {', '.join(GROUPS)}")
            if isinstance(n, bool) or not isinstance(n, int) or n < 0:
                raise ValidationError(f"{name} count of {group!r} is {n!r}: counts are whole numbers ≥ 0")
    rows = tuple(
        GroupProgress(g, LABELS[g], expected.get(g, 0), received.get(g, 0))
        for g in GROUPS
        if expected.get(g, 0) or received.get(g, 0)
    )
    return ReviewProgress(rows, sum(r.expected for r in rows), sum(r.received for r in rows))


def report_to_dict(report: ReviewReport) -> dict[str, Any]:
    """A report as plain JSON data (stored when a cycle is released; :func:`report_from_dict` reads it)."""
    return asdict(report)


def report_from_dict(data: Mapping[str, Any]) -> ReviewReport:
    """The report stored by :func:`report_to_dict`, exactly as it was."""

    def unit(raw: Mapping[str, Any]) -> GroupResult:
        return GroupResult(key=str(raw["key"]), label=str(raw["label"]), groups=tuple(raw["groups"]),
                           count=int(raw["count"]),
                           scores=tuple(CompetencyScore(str(s["competency"]), int(s["count"]),
                                                        None if s["mean"] is None else float(s["mean"]))
                                        for s in raw["scores"]))

    return ReviewReport(
        cycle=str(data["cycle"]), reviewee=str(data["reviewee"]), threshold=int(data["threshold"]),
        units=tuple(unit(u) for u in data["units"]), overall=unit(data["overall"]),
        hidden_groups=tuple(data["hidden_groups"]),
        comments=tuple(Comment(str(c["unit"]), str(c["text"])) for c in data["comments"]), rule=str(data["rule"]),
    )
