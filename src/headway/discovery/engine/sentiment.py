"""Sentiment of feedback with VADER, the lexicon model that ships inside the ``vaderSentiment`` package.

The score is VADER's compound score in [-1, 1]; the label follows VADER's usual cut-offs (>= 0.05 positive,
<= -0.05 negative, neutral between).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache
from typing import Any, Literal

from headway.discovery.engine.texts import cut

Label = Literal["positive", "neutral", "negative"]
THRESHOLD = 0.05


@dataclass(frozen=True)
class Sentiment:
    """A score in [-1, 1] and its label."""

    score: float
    label: Label


@lru_cache(maxsize=1)
def _analyzer() -> Any:
    from vaderSentiment.vaderSentiment import SentimentIntensityAnalyzer

    return SentimentIntensityAnalyzer()


def label_for(score: float) -> Label:
    """``positive``, ``negative`` or ``neutral`` for a score in [-1, 1]."""
    if score >= THRESHOLD:
        return "positive"
    if score <= -THRESHOLD:
        return "negative"
    return "neutral"


def sentiment(text: str) -> Sentiment:
    """The sentiment of one text."""
    score = float(_analyzer().polarity_scores(cut(text)[0])["compound"])
    return Sentiment(round(score, 4), label_for(score))


def sentiments(texts: Sequence[str]) -> list[Sentiment]:
    """The sentiment of each text."""
    return [sentiment(t) for t in texts]


def mean_sentiment(items: Sequence[Sentiment]) -> Sentiment:
    """The average sentiment of a group (a theme); neutral when the group is empty."""
    if not items:
        return Sentiment(0.0, "neutral")
    score = sum(s.score for s in items) / len(items)
    return Sentiment(round(score, 4), label_for(score))
