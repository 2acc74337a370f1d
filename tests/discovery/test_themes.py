"""Themes stored from the engine: structure, metrics by hand, edits surviving re-runs, incremental assignment,
search and demand."""

from __future__ import annotations

import pytest

from headway.core.errors import Conflict, PermissionDenied, ValidationError
from headway.discovery import services
from headway.discovery.engine import sentiment
from headway.discovery.models import FeedbackItem, Theme, ThemeRun
from tests.discovery.conftest import AS_OF


def item(text: str) -> FeedbackItem:
    return FeedbackItem.objects.select_related("theme").get(text=text)


def parent_of(text: str) -> Theme:
    return item(text).theme.parent


def test_every_item_gets_a_theme_and_topics_get_their_own_parent(themed):
    assert FeedbackItem.objects.filter(theme__isnull=True).count() == 0
    assert themed.items == 36 and themed.method == "tfidf-lsa"
    parents = {name: {parent_of(t.format(i + 2)).pk for i in range(4) for t in texts}
               for name, texts in (("delivery", ["My parcel delivery was late by {} days"]),
                                   ("checkout", ["Checkout payment failed with card error {}"]),
                                   ("crashes", ["Android app crashes constantly {}"]))}
    assert all(len(ids) == 1 for ids in parents.values())
    assert len({next(iter(ids)) for ids in parents.values()}) == 3
    assert sum(t.size for t in Theme.objects.filter(is_parent=False)) == 36
    assert all(t.label and t.keywords for t in Theme.objects.all())


def test_parent_metrics_computed_by_hand(themed):
    metrics = {m.id: m for m in services.theme_metrics(None, as_of=AS_OF, parents=True)}
    delivery = metrics[parent_of("My parcel delivery was late by 2 days").pk]
    checkout = metrics[parent_of("Checkout payment failed with card error 2").pk]
    crashes = metrics[parent_of("Android app crashes constantly 2").pk]
    # delivery: 12 items on the last 12 days, all Acme (Enterprise, ARR 120,000)
    assert (delivery.size, delivery.recent, delivery.previous, delivery.growth, delivery.emerging) == (
        12, 12, 0, None, True)
    assert (delivery.accounts, delivery.arr, delivery.segments) == (1, 120_000, {"Enterprise": 1})
    # checkout: 12 items 40-51 days ago, all Bolt: none recent, 12 in the 28 days before → growth -100 %
    assert (checkout.recent, checkout.previous, checkout.growth, checkout.emerging) == (0, 12, -1.0, False)
    assert (checkout.accounts, checkout.arr) == (1, 30_000)
    # crashes: one item a week (0, 7, ..., 77 days ago): 4 recent, 4 before, no account
    assert (crashes.recent, crashes.previous, crashes.growth, crashes.emerging, crashes.arr) == (4, 4, 0.0, False, 0)
    assert crashes.weekly == [1] * 12
    texts = FeedbackItem.objects.filter(theme__parent_id=crashes.id).values_list("text", flat=True)
    expected = sum(sentiment(t).score for t in texts) / len(texts)
    assert crashes.sentiment == pytest.approx(expected, abs=0.001)


def test_edits_survive_a_rerun(themed):
    delivery = item("My parcel delivery was late by 2 days").theme
    services.rename_theme(None, delivery.pk, "Late deliveries")
    checkout_a = item("Checkout payment failed with card error 2").theme
    checkout_b = item("Card payment error at checkout, code 2").theme
    assert checkout_a.pk != checkout_b.pk
    services.merge_themes(None, checkout_a.pk, [checkout_b.pk])
    moved = item("Android app crashes constantly 5")
    services.move_items(None, [moved.pk], delivery.pk)
    courier = [item(f"The delivery courier was late again, {n} days") for n in (2, 3)]
    split = services.split_theme(None, courier[0].theme_id, [c.pk for c in courier], "Courier problems")

    run = services.start_theme_run(None, method="lexical", background=False)
    assert run.status == "done"
    assert Theme.objects.get(pk=delivery.pk).label == "Late deliveries"
    assert item("My parcel delivery was late by 2 days").theme_id == delivery.pk
    assert item("Card payment error at checkout, code 3").theme_id == item(
        "Checkout payment failed with card error 4").theme_id == checkout_a.pk
    assert not Theme.objects.filter(pk=checkout_b.pk).exists()
    assert item("Android app crashes constantly 5").theme_id == delivery.pk
    assert {c.theme_id for c in (item("The delivery courier was late again, 2 days"),
                                 item("The delivery courier was late again, 3 days"))} == {split.pk}
    assert Theme.objects.get(pk=split.pk).label == "Courier problems"
    assert sum(t.size for t in Theme.objects.filter(is_parent=False)) == 36


def test_new_feedback_joins_existing_themes_incrementally(themed):
    result = services.add_feedback(None, [{"text": "Android app crashes constantly 9"},
                                          {"text": "Late delivery of my parcel, waited 9 days"}], today=AS_OF)
    assert result.assigned == 2 and ThemeRun.objects.count() == 1
    assert item("Android app crashes constantly 9").theme_id == item("Android app crashes constantly 2").theme_id
    assert item("Late delivery of my parcel, waited 9 days").theme.parent == parent_of(
        "My parcel delivery was late by 2 days")
    assert FeedbackItem.objects.filter(reviewed=False).count() == 38


def test_keyword_and_semantic_search(themed):
    hits = services.search(None, "courier", mode="keyword")
    assert sorted(h.item.text for h in hits) == sorted(f"The delivery courier was late again, {n} days"
                                                       for n in (2, 3, 4, 5))
    semantic = services.search(None, "android crash", mode="semantic", limit=3)
    assert all("ndroid" in h.item.text for h in semantic)
    with pytest.raises(ValidationError):
        services.search(None, "   ")


def test_search_loads_only_the_hits_as_items(themed, monkeypatch):
    """The ranking reads one column of every item; only the hits are built as items (with account and theme),
    in the ranking's order."""
    built: list[int] = []
    original = FeedbackItem.from_db.__func__  # type: ignore[attr-defined]

    def counting(cls, db, field_names, values):
        built.append(1)
        return original(cls, db, field_names, values)

    monkeypatch.setattr(FeedbackItem, "from_db", classmethod(counting))
    for mode in ("semantic", "keyword"):
        built.clear()
        hits = services.search(None, "android crash", mode=mode, limit=3)
        assert len(hits) == 3 and len(built) == 3
        assert [h.score for h in hits] == sorted((h.score for h in hits), reverse=True)
        assert all("ndroid" in h.item.text and h.item.theme is not None for h in hits)
    assert FeedbackItem.objects.count() > 3


def test_semantic_search_needs_themes(corpus):
    with pytest.raises(Conflict, match="needs computed themes"):
        services.search(None, "late", mode="semantic")


def test_demand_score_by_hand(themed, workspace):
    from headway.planning import services as planning

    idea = planning.create_initiative(None, title="Faster delivery")
    delivery_parent = parent_of("My parcel delivery was late by 2 days")
    services.link_demand(None, idea.pk, importance="critical", theme_id=delivery_parent.pk)
    services.link_demand(None, f"initiative:{idea.pk}", importance="nice_to_have",
                         item_id=item("Android app crashes constantly 3").pk)
    services.link_demand(None, str(idea.pk), importance="important",
                         item_id=item("Card payment error at checkout, code 2").pk)
    demand = services.demand_for(idea)
    # mean ARR of accounts with revenue: (120,000 + 30,000 + 12,000) / 3 = 54,000
    # Acme 3 × (1 + 120/54) + the crash item 1 × 1 + Bolt 2 × (1 + 30/54) = 9.6667 + 1 + 3.1111 = 13.78
    assert (demand.score, demand.accounts, demand.arr, demand.items, demand.links) == (13.78, 2, 150_000, 14, 3)
    assert demand.by_importance == {"nice_to_have": 1, "important": 1, "critical": 1}
    idea.refresh_from_db()
    assert idea.demand_score == 13.78
    free = services.link_demand(None, "Gift cards", importance="important",
                                item_id=item("Card payment error at checkout, code 3").pk)
    assert free.initiative_id is None and services.demand_for("Gift cards").score == round(2 * (1 + 30 / 54), 2)


def test_only_one_run_at_a_time_and_viewers_cannot_start(corpus, viewer):
    ThemeRun.objects.create(status="running")
    with pytest.raises(Conflict, match="already being computed"):
        services.start_theme_run(None, background=False)
    with pytest.raises(PermissionDenied):
        services.start_theme_run(viewer, background=False)


def test_a_failed_run_says_why_and_changes_nothing(db, workspace):
    with pytest.raises(ValidationError, match="no feedback yet"):
        services.start_theme_run(None, background=False)
    assert ThemeRun.objects.count() == 0
