"""Sentiment of feedback with VADER, the lexicon model that ships inside the ``vaderSentiment`` package, with a
product-feedback lexicon on top.

VADER was built for social media: it scores "please", "thanks", "help" and "support" as positive and does not know the words
customers complain with ("crashes", "late", "slow", "refund", "can't"), so "The app crashes every time, please
fix this. Thanks." came out positive. ``FEEDBACK_LEXICON`` adds those complaint words (negative, on VADER's -4..4
scale, close to the valence VADER gives their synonyms: "crashes" as "crash", "freezes" as "stuck") and makes the
politeness of a request neutral. The score is VADER's compound score in [-1, 1]; the label follows VADER's usual
cut-offs (>= 0.05 positive, <= -0.05 negative, neutral between).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache
from typing import Any, Literal

from headway.discovery.engine.texts import cut

Label = Literal["positive", "neutral", "negative"]
THRESHOLD = 0.05

#: Words of product complaints VADER lacks or under-scores, and the politeness of requests it over-scores.
FEEDBACK_LEXICON: dict[str, float] = {
    # software failing
    "crash": -1.8, "crashes": -1.8, "crashed": -1.8, "crashing": -1.8,
    "freeze": -1.5, "freezes": -1.5, "froze": -1.5, "frozen": -1.5, "freezing": -1.5,
    "bug": -1.5, "bugs": -1.5, "buggy": -1.8, "glitch": -1.3, "glitches": -1.3, "glitchy": -1.5,
    "lag": -1.0, "laggy": -1.3, "unusable": -2.2, "unresponsive": -1.6, "outage": -1.8, "down": -0.6,
    "error": -1.7, "errors": -1.7, "fails": -1.8, "failing": -1.8, "failure": -1.8,
    "spinning": -0.8, "timeout": -1.2, "unrelated": -0.8, "irrelevant": -0.9,
    # service and delivery failing
    "late": -1.2, "later": 0.0, "slow": -1.3, "slower": -1.3, "slowly": -1.0, "sluggish": -1.3,
    "delayed": -1.3, "delays": -1.3, "missed": -1.0, "missing": -1.2, "lost": -1.3, "damaged": -1.9,
    "declined": -1.3, "rejected": -1.3, "cancelled": -1.0, "canceled": -1.0, "wrong": -2.1,
    "refund": -0.6, "refunds": -0.6, "overcharged": -1.9, "expensive": -1.0, "overpriced": -1.6,
    "waited": -0.6, "waiting": -0.6, "unanswered": -1.2, "confusing": -1.3,
    "can't": -0.8, "cant": -0.8, "cannot": -0.8, "couldn't": -0.8, "unable": -1.0,
    # the politeness of a request is not praise
    "please": 0.0, "pls": 0.0, "thanks": 0.0, "thank": 0.0, "thx": 0.0, "help": 0.0, "kindly": 0.0,
    "hi": 0.0, "hello": 0.0, "dear": 0.0, "regards": 0.0, "cheers": 0.0, "appreciated": 0.0,
    # words of a complaint's facts, not of a feeling: "customer support", "the promised date", "would like"
    "support": 0.0, "promised": 0.0, "like": 0.0,
}


@dataclass(frozen=True)
class Sentiment:
    """A score in [-1, 1] and its label."""

    score: float
    label: Label


@lru_cache(maxsize=1)
def _analyzer() -> Any:
    from vaderSentiment.vaderSentiment import SentimentIntensityAnalyzer

    analyzer = SentimentIntensityAnalyzer()
    for word, valence in FEEDBACK_LEXICON.items():
        if valence:
            analyzer.lexicon[word] = valence
        else:
            analyzer.lexicon.pop(word, None)
    return analyzer


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
