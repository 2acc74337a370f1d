"""The emerging flag: a theme's last 28 days must clearly rise above its own baseline, with enough items.

Numbers by hand: expected = baseline items × 28 / baseline days; emerging needs ≥ 10 recent items,
recent ≥ 2 × expected and recent − expected ≥ 3 × √expected (√1 when nothing was expected).
"""

from __future__ import annotations

from datetime import timedelta

import pytest

from headway.discovery import services
from headway.discovery.models import FeedbackItem, Theme
from tests.discovery.conftest import AS_OF


@pytest.mark.parametrize(
    ("recent", "baseline", "baseline_days", "emerging", "why"),
    [
        (12, 0, 84, True, "new: nothing before, 12 now"),
        (9, 0, 84, False, "new but only 9 items"),
        (12, 24, 84, False, "steady: 8 expected, 12 is 1.5 ×"),
        (20, 30, 84, True, "10 expected: 2 × and (20 − 10) / √10 = 3.2"),
        (19, 30, 84, False, "10 expected: 1.9 ×"),
        (10, 15, 84, False, "5 expected: 2 × but (10 − 5) / √5 = 2.2, within noise"),
        (11, 12, 84, True, "4 expected: 2.75 × and (11 − 4) / 2 = 3.5"),
        (40, 0, 20, False, "a young workspace: 20 days of baseline are too few"),
        (40, 0, 28, True, "28 days of baseline are enough"),
    ],
)
def test_emerging_rule_by_hand(recent, baseline, baseline_days, emerging, why):
    assert services.is_emerging(recent, baseline, baseline_days) is emerging, why


def _theme_with_days(label: str, days_ago: list[int]) -> Theme:
    theme = Theme.objects.create(label=label)
    ids = services.add_feedback(
        None, [{"text": f"{label} {i}", "date": AS_OF - timedelta(days=d)} for i, d in enumerate(days_ago)],
        today=AS_OF,
    ).ids
    FeedbackItem.objects.filter(pk__in=ids).update(theme=theme)
    return theme


def test_theme_metrics_flag_only_the_theme_that_rises_above_its_own_baseline(db, workspace):
    # steady: 2 a week for 16 weeks: 8 in the last 28 days, 24 in the 12 weeks before (8 expected)
    steady = _theme_with_days("Refund slow", [d for d in range(0, 16 * 7, 7) for d in (d, d + 3)])
    # rising: 1 a week before (12 in the baseline), 12 in the last 28 days — expected 4, 3 × as many
    rising = _theme_with_days("Double charge", [*range(0, 28, 7), *range(1, 28, 7), *range(2, 28, 7),
                                                *range(28, 28 + 12 * 7, 7)])
    # new and small: 6 items in the last 28 days, nothing before
    small = _theme_with_days("Gift cards", list(range(6)))
    metrics = {m.id: m for m in services.theme_metrics(None, as_of=AS_OF)}
    assert (metrics[steady.pk].recent, metrics[steady.pk].emerging) == (8, False)
    assert (metrics[rising.pk].recent, metrics[rising.pk].emerging) == (12, True)
    assert (metrics[small.pk].recent, metrics[small.pk].emerging) == (6, False)


def test_nothing_is_emerging_in_a_workspace_younger_than_the_baseline(db, workspace):
    theme = _theme_with_days("Double charge", [d for d in range(40) for _ in (0, 1)])  # 80 items in 40 days
    [metrics] = services.theme_metrics(None, as_of=AS_OF)
    assert metrics.id == theme.pk and metrics.recent == 56 and not metrics.emerging  # 12 days of baseline
