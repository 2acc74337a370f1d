"""find_themes on a hand-made corpus whose three topics a person sees at once."""

from __future__ import annotations

import json

import pytest

from headway.core.errors import ValidationError
from headway.discovery import find_themes
from headway.discovery.engine import ThemeModel, model_available
from headway.discovery.engine.texts import MAX_CHARS

from .corpus import LOGIN, TEXTS, TOPICS, TRUTH

METHODS = ["lexical", *(["minilm"] if model_available() else [])]


def groups(labels: list[int]) -> set[frozenset[int]]:
    """A partition as a set of sets of indices, so theme numbering does not matter."""
    found: dict[int, set[int]] = {}
    for index, label in enumerate(labels):
        found.setdefault(label, set()).add(index)
    return {frozenset(g) for g in found.values()}


@pytest.mark.parametrize("method", METHODS)
def test_every_text_gets_one_theme_and_sizes_add_up(method):
    result = find_themes(TEXTS, seed=0, method=method)
    assert len(result.assignments) == len(TEXTS)
    ids = {t.id for t in result.themes}
    assert set(result.assignments) == ids == set(range(len(result.themes)))
    assert [t.size for t in result.themes] == [result.assignments.count(t.id) for t in result.themes]


@pytest.mark.parametrize("method", METHODS)
def test_same_seed_same_result(method):
    first = find_themes(TEXTS, seed=3, method=method)
    again = find_themes(TEXTS, seed=3, method=method)
    assert first.assignments == again.assignments
    assert first.themes == again.themes


@pytest.mark.parametrize("method", METHODS)
def test_themes_never_mix_topics(method):
    result = find_themes(TEXTS, seed=0, method=method)
    for group in groups(result.assignments):
        assert len({TRUTH[i] for i in group}) == 1, sorted(group)


@pytest.mark.skipif(not model_available(), reason="needs the `ai` extra (sentence-embedding model)")
def test_model_finds_exactly_the_three_topics_with_their_words():
    result = find_themes(TEXTS, seed=0, method="minilm")
    assert groups(result.assignments) == groups(TRUTH)
    for topic, (word, texts) in enumerate(TOPICS.items()):
        theme = result.themes[result.assignments[TEXTS.index(texts[0])]]
        assert word in theme.label.split() + theme.keywords, (topic, theme)
        assert 2 <= len(theme.label.split()) <= 4


def test_fallback_labels_carry_the_topic_word():
    result = find_themes(TEXTS, seed=0, method="lexical")
    for word, texts in TOPICS.items():
        theme = result.themes[result.assignments[TEXTS.index(texts[1])]]
        assert word in theme.label.split() + theme.keywords[:3], theme


@pytest.mark.parametrize("method", METHODS)
def test_new_text_joins_the_theme_of_its_topic(method):
    result = find_themes(TEXTS, seed=0, method=method)
    login_theme = result.assignments[TEXTS.index(LOGIN[0])]
    [joined] = result.model.assign(["I cannot log in, my password reset email never arrives"])
    assert joined.theme == login_theme
    # a saved model (JSON) assigns the same way
    saved = ThemeModel.from_dict(json.loads(json.dumps(result.model.to_dict())))
    assert saved.assign(["I cannot log in, my password reset email never arrives"]) == [joined]


def test_unrelated_themes_get_no_catch_all_parent():
    texts = [
        f"{word} {n}" for word in ("alpha", "beta", "gamma", "delta", "omega", "sigma") for n in range(6)
    ]
    result = find_themes(texts, seed=0, method="lexical")
    assert len(result.themes) == 6
    assert [len(set(result.assignments[i : i + 6])) for i in range(0, 36, 6)] == [1] * 6
    assert result.parents == [] and all(t.parent is None for t in result.themes)  # nothing relates


def test_related_themes_share_a_parent_named_by_what_they_share():
    texts = [*[f"Late delivery, the courier came {n} days late" for n in range(6)],
             *[f"Delivery tracking never updates, order {n}" for n in range(6)],
             *[f"Refund for returned parcel {n} still missing" for n in range(6)],
             *[f"Return label for parcel {n} is broken" for n in range(6)],
             *[f"Search shows the wrong products for query {n}" for n in range(6)]]
    result = find_themes(texts, seed=0, method="lexical")
    theme_of = [result.themes[result.assignments[i]] for i in range(0, 30, 6)]
    assert len({t.id for t in theme_of}) == 5
    late, tracking, refund, label, search = theme_of
    assert late.parent is not None and late.parent == tracking.parent
    assert refund.parent is not None and refund.parent == label.parent != late.parent
    assert search.parent is None or search.parent not in {late.parent, refund.parent}
    for parent in result.parents:
        children = [t for t in result.themes if t.parent == parent.id]
        assert len(children) >= 2 and parent.size == sum(c.size for c in children)
        assert parent.label.lower() not in {c.label.lower() for c in children}
    assert "delivery" in next(p for p in result.parents if p.id == late.parent).label.lower()


def test_empty_and_whitespace_texts_are_rejected_with_their_index():
    with pytest.raises(ValidationError) as caught:
        find_themes(["fine text", "", "another", "   \n\t"])
    assert [d["index"] for d in caught.value.details] == [1, 3]
    assert "index 1, 3" in caught.value.message


def test_single_string_and_empty_list_are_rejected():
    with pytest.raises(ValidationError):
        find_themes("one text")
    with pytest.raises(ValidationError):
        find_themes([])


@pytest.mark.parametrize("method", METHODS)
def test_very_long_text_is_truncated_and_flagged(method):
    long_text = "the courier lost my parcel " * (MAX_CHARS // 10)
    result = find_themes([*TEXTS, long_text], seed=0, method=method)
    assert result.truncated == [len(TEXTS)]
    assert len(result.assignments) == len(TEXTS) + 1


def test_one_or_two_texts_make_one_theme():
    assert find_themes(["only one"], method="lexical").assignments == [0]
    result = find_themes(["a parcel", "a refund"], method="lexical")
    assert result.assignments == [0, 0]
    assert result.themes[0].size == 2


def test_texts_of_stop_words_only_still_get_themes_and_parents():
    texts = [
        *[f"{w} {n}" for w in ("alpha", "beta", "gamma", "delta") for n in range(5)],
        "the",
        "and it",
        "of",
    ]
    result = find_themes(texts, seed=0, method="lexical")
    assert len(result.assignments) == len(texts)
    assert sum(t.size for t in result.themes) == len(texts)
