"""Broad themes: a theme named after a product dissolves into the problems its texts raise; related themes
whose labels share a head word merge, and no two labels then share one."""

from __future__ import annotations

import numpy as np

from headway.discovery.engine.broad import dissolve, facet_themes, merge_shared_words
from headway.discovery.engine.clustering import theme_similarity, topic_rows
from headway.discovery.engine.labels import name_themes, phrases_of

PRODUCTS = ["hand soap", "printer paper", "coffee beans", "desk chair"]
PROBLEMS = ["Late delivery of the {p}, it came {n} days late", "Card payment failed when I ordered {p}",
            "Refund for the returned {p} still missing after {n} weeks"]


def _product_corpus() -> tuple[list[str], list[int], list[int]]:
    """Three problems × four products, three texts each; the clustering put a third of the hand soap texts in
    a theme of their own (3), as a sentence model grouping by product does. Returns texts, themes, problems."""
    texts, themes, problems = [], [], []
    for problem, template in enumerate(PROBLEMS):
        for product in PRODUCTS:
            for n in range(2, 5):
                texts.append(template.format(p=product, n=n))
                themes.append(3 if product == "hand soap" and n == 2 else problem)
                problems.append(problem)
    return texts, themes, problems


def test_a_theme_named_after_a_product_is_a_facet_and_dissolves_into_its_problems():
    texts, themes, problems = _product_corpus()
    phrases = phrases_of(texts)
    names = name_themes(texts, themes, phrases=phrases, broad=True)
    assert names[3].label == "Hand soap"  # what its texts are about, not their problem
    assert facet_themes(phrases, themes, names) == [3]
    rows = topic_rows(texts)
    moved = dissolve(themes, [3], np.asarray(rows.toarray(), dtype=np.float32), rows)
    assert len(set(moved)) == 3
    assert all(len({m for m, p in zip(moved, problems, strict=True) if p == problem}) == 1 for problem in range(3))


def test_a_problem_theme_is_no_facet_though_its_texts_name_products():
    texts, _themes, problems = _product_corpus()
    phrases = phrases_of(texts)
    assert facet_themes(phrases, problems, name_themes(texts, problems, phrases=phrases, broad=True)) == []


SUPPORT = [*[f"Customer support took {n} days to answer a simple question" for n in range(2, 8)],
           *[f"Live chat support never answers, order {n}" for n in range(2, 5)],
           *[f"I waited on hold for an hour, support is too slow, ticket {n}" for n in range(2, 5)]]
DELIVERY = [f"Late delivery again, {n} days late" for n in range(2, 8)]


def test_related_themes_whose_labels_share_a_word_merge():
    texts = SUPPORT + DELIVERY
    themes = [0] * 6 + [1] * 6 + [2] * 6  # customer support; chat and hold support; late delivery
    phrases = phrases_of(texts)
    before = [n.label for n in name_themes(texts, themes, phrases=phrases, broad=True)]
    assert before[0] == "Customer support" and before[1].endswith("support"), before  # one theme, said two ways
    similarity = theme_similarity(topic_rows(texts), themes)
    merged, names = merge_shared_words(phrases, themes, texts, similarity, 0.02)
    assert merged == [0] * 12 + [1] * 6
    assert [n.label for n in names] == ["Customer support", "Late delivery"]


def test_unrelated_themes_sharing_a_word_stay_apart_and_the_smaller_takes_another_label():
    texts = [*[f"Customer support took {n} days" for n in range(2, 8)],
             *[f"Phone support for the printer, model {n}" for n in range(2, 8)]]
    themes = [0] * 6 + [1] * 6
    phrases = phrases_of(texts)
    similarity = np.array([[1.0, 0.0], [0.0, 1.0]], dtype=np.float32)  # nothing in common
    merged, names = merge_shared_words(phrases, themes, texts, similarity, 0.05)
    assert merged == themes
    assert names[0].label == "Customer support" and "support" not in names[1].key, names
