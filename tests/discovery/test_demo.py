"""The demo's customers and feedback generator: sizes, dates, and the theme that starts with the launch."""

from __future__ import annotations

from collections import Counter
from datetime import date, timedelta

import numpy as np

from headway.discovery.demo import make_accounts, make_feedback

AS_OF, LAUNCH = date(2025, 6, 30), date(2025, 4, 1)


def test_accounts_and_feedback_sizes_and_dates():
    accounts = make_accounts(np.random.default_rng(1))
    assert len(accounts) == 400 and len({a["name"] for a in accounts}) == 400
    assert {a["segment"] for a in accounts} == {"Enterprise", "Mid-market", "Small business"}
    records = make_feedback(np.random.default_rng(1), as_of=AS_OF, days=180, launch_day=LAUNCH)
    assert len(records) == 3200
    assert min(r["date"] for r in records) >= AS_OF - timedelta(days=179) and max(r["date"] for r in records) <= AS_OF
    oneclick = [r["date"] for r in records if r["theme_key"] == "oneclick"]
    assert min(oneclick) >= LAUNCH and len(oneclick) > 150
    recent = Counter(r["theme_key"] for r in records if r["date"] > AS_OF - timedelta(days=28))
    before = Counter(r["theme_key"] for r in records if AS_OF - timedelta(days=56) < r["date"] <= AS_OF - timedelta(days=28))
    assert recent["oneclick"] > before["oneclick"]
    same = make_feedback(np.random.default_rng(1), as_of=AS_OF, days=180, launch_day=LAUNCH)
    assert [r["text"] for r in same] == [r["text"] for r in records]


def test_demo_feedback_step_flags_only_the_launch_theme_as_emerging_with_readable_labels(db, workspace):
    from sklearn.feature_extraction.text import ENGLISH_STOP_WORDS

    from headway.demo.builder import DemoContext
    from headway.discovery import services
    from headway.discovery.demo import build_feedback
    from headway.discovery.models import FeedbackItem

    build_feedback(DemoContext(seed=7, as_of=AS_OF))  # the launch falls halfway through the 180 days
    themes = services.theme_metrics(None, as_of=AS_OF)
    emerging = [m for m in themes if m.emerging]
    assert emerging, "the launch theme must be emerging"
    assert len(emerging) <= len(themes) // 5  # few themes are flagged
    for metrics in themes:
        texts = list(FeedbackItem.objects.filter(theme_id=metrics.id).values_list("text", flat=True))
        launch_share = sum("one-click" in t.lower() for t in texts) / len(texts)
        if metrics.emerging:  # every emerging theme is about the launch: one-click checkout's accidental orders
            assert launch_share >= 0.8, (metrics.label, launch_share)
    from headway.discovery.engine.labels import COMPOUNDS

    for metrics in themes + services.theme_metrics(None, as_of=AS_OF, parents=True):
        label = metrics.label.lower()
        for phrase, joined in COMPOUNDS.items():  # "out of stock" is one word of a label
            label = label.replace(" ".join(phrase), joined)
        words = label.split()
        assert 1 <= len(words) <= 4 and not set(words) & ENGLISH_STOP_WORDS, metrics.label
    labels = [m.label for m in themes]
    assert len(set(labels)) == len(labels)
