"""Sentiment of product feedback: complaint words are negative, the politeness of a request is neutral."""

from __future__ import annotations

import pytest
from vaderSentiment.vaderSentiment import SentimentIntensityAnalyzer

from headway.discovery.engine.sentiment import FEEDBACK_LEXICON, sentiment

COMPLAINTS = [
    "The app crashes every time I open my orders on Android. Please fix this soon.",
    "Hi team, delivery was late again, the parcel came 3 days after the promised date. Thanks.",
    "The iPhone app freezes when I add items to the basket, please help.",
    "Support is too slow, thanks.",
    "Still waiting for my refund, please.",
    "I can't log in since the update.",
    "Checkout keeps spinning, then shows an error.",
]


@pytest.mark.parametrize("text", COMPLAINTS)
def test_complaints_read_negative_even_when_written_politely(text):
    plain_vader = SentimentIntensityAnalyzer().polarity_scores(text)["compound"]
    found = sentiment(text)
    assert found.label == "negative", (found, plain_vader)
    assert found.score < plain_vader  # plain VADER reads most of them as neutral or positive


def test_the_politeness_of_a_request_is_neutral():
    for text in ["Hi team, please add an export to CSV. Thanks!", "Hello, could you help with invoice dates, thanks",
                 "We would like a dark mode please"]:
        assert sentiment(text).label == "neutral", text
    assert SentimentIntensityAnalyzer().polarity_scores("Hi team, please add an export to CSV. Thanks!")[
        "compound"] > 0.5  # what plain VADER says


def test_praise_stays_positive_and_negation_still_turns_a_complaint_word():
    assert sentiment("Love the quick reorder button, great service, thanks!").score > 0.5
    assert sentiment("Excellent quality, delivered on time, we are very happy.").label == "positive"
    assert sentiment("The app is not slow at all").score > 0 > sentiment("The app is slow").score
    assert sentiment("The invoice is sent on the first day of the month.").score == 0.0


def test_the_lexicon_uses_vaders_scale():
    assert all(-4.0 <= v <= 4.0 for v in FEEDBACK_LEXICON.values())
    assert FEEDBACK_LEXICON["crashes"] < 0 and FEEDBACK_LEXICON["please"] == 0.0
