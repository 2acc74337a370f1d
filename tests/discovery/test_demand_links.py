"""Discovery and planning meet through a signal and a resolver: discovery imports nothing of planning, the
initiative's demand score is written in the same transaction as the link, and deleting an initiative removes
the links to it."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

from headway.core.errors import NotFound
from headway.discovery import services
from headway.discovery.models import DemandLink, FeedbackItem
from headway.discovery.signals import demand_changed

DISCOVERY = Path(services.__file__).resolve().parents[1]


def test_discovery_imports_nothing_of_planning():
    found = []
    for path in DISCOVERY.rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            names = [a.name for a in node.names] if isinstance(node, ast.Import) else (
                [node.module or ""] if isinstance(node, ast.ImportFrom) else [])
            found += [f"{path.name}: {n}" for n in names if n.startswith("headway.planning")]
    assert found == []


def test_a_missing_initiative_is_refused_with_the_same_message(corpus):
    item = FeedbackItem.objects.first()
    with pytest.raises(NotFound, match=r"There is no initiative 999: the backlog lists the ideas and their numbers\."):
        services.link_demand(None, "initiative:999", item_id=item.pk)
    with pytest.raises(NotFound, match="There is no initiative 999"):
        services.demand_for("999")


def test_the_score_follows_links_and_unlinks(corpus):
    from headway.planning import services as planning

    idea = planning.create_initiative(None, title="Faster delivery")
    item = FeedbackItem.objects.get(text="My parcel delivery was late by 2 days")
    link = services.link_demand(None, idea.pk, importance="critical", item_id=item.pk)
    assert link.idea_ref == f"initiative:{idea.pk}" and link.initiative_id == idea.pk
    idea.refresh_from_db()
    # Acme only (ARR 120,000; mean ARR 54,000): 3 × (1 + 120/54) = 9.67
    assert idea.demand_score == 9.67
    services.unlink_demand(None, link.pk)
    idea.refresh_from_db()
    assert idea.demand_score == 0


def test_a_failing_listener_leaves_no_link_behind(corpus):
    def refuse(sender, **kwargs):
        raise RuntimeError("listener failed")

    demand_changed.connect(refuse, dispatch_uid="test.refuse")
    try:
        with pytest.raises(RuntimeError, match="listener failed"):
            services.link_demand(None, "Gift cards", item_id=FeedbackItem.objects.first().pk)
    finally:
        demand_changed.disconnect(dispatch_uid="test.refuse")
    assert not DemandLink.objects.exists()


def test_deleting_an_initiative_removes_its_links_only(corpus):
    from headway.planning import services as planning

    idea = planning.create_initiative(None, title="Faster delivery")
    first, second = FeedbackItem.objects.order_by("id")[:2]
    services.link_demand(None, idea.pk, item_id=first.pk)
    services.link_demand(None, "Gift cards", item_id=second.pk)
    planning.delete_initiative(None, idea.pk)
    assert list(DemandLink.objects.values_list("idea_ref", flat=True)) == ["Gift cards"]
    assert [d.idea_ref for d in services.list_demand(None)] == ["Gift cards"]
