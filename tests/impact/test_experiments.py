"""Experiments from exposure events: the read-out of a planted lift and a metric that does not move."""

from __future__ import annotations

import pytest
from scipy import stats

from headway.core.errors import NotFound, PermissionDenied, ValidationError
from headway.impact import ProportionStats, compare, services
from headway.planning import services as planning

from .conftest import experiment_events

SPEC = {"name": "one-click", "title": "One-click checkout", "control": "control",
        "metric": {"event": "purchase", "math": "conversion"},
        "secondary": [{"event": "signup", "math": "conversion"}, {"event": "purchase", "math": "sum",
                                                                   "property": "amount"}],
        "date_from": "2026-01-01", "date_to": "2026-01-31"}


def _by_hand(event: str) -> dict[str, ProportionStats]:
    rows = experiment_events()
    arm = {r["distinct_id"]: r["properties"]["variant"] for r in rows if r["event"] == "$exposure"}
    converted = {r["distinct_id"] for r in rows if r["event"] == event}
    out = {}
    for variant in ("control", "test"):
        people = [p for p, v in arm.items() if v == variant]
        out[variant] = ProportionStats(len(people), sum(p in converted for p in people))
    return out


def test_the_planted_lift_is_found_and_the_flat_metric_is_not(experiment_store, leader):
    experiment = services.create_experiment(leader, SPEC)
    assert experiment.variant_property == "variant"  # the default of $exposure
    result = services.experiment_results(leader, "one-click")
    arms = _by_hand("purchase")
    assert [(a.variant, a.exposures) for a in result.arms] == [("control", 1000), ("test", 1000)]
    primary = result.primary[0]
    expected = compare(arms["control"], arms["test"], relative=True)
    assert primary.lift == pytest.approx(expected.effect)
    assert (primary.lower, primary.upper) == pytest.approx(expected.ci)
    assert primary.p_value == pytest.approx(expected.p_value)
    assert primary.significant and primary.lift > 0
    assert primary.chance_to_win > 0.99
    signup = result.secondary[0]
    assert not signup.significant
    raw = [m.p_value for m in result.secondary]
    assert [m.adjusted_p_value for m in result.secondary] == pytest.approx(
        list(stats.false_discovery_control(raw)))
    assert result.srm_p_value == pytest.approx(1.0) and not result.srm_warning
    assert result.excluded == 0


def test_bad_experiments_say_what_to_change(experiment_store, leader, viewer):
    with pytest.raises(PermissionDenied):
        services.create_experiment(viewer, SPEC)
    with pytest.raises(ValidationError, match="no event named 'checkout'"):
        services.create_experiment(leader, {**SPEC, "metric": {"event": "checkout"}})
    with pytest.raises(ValidationError, match="swap"):
        services.create_experiment(leader, {**SPEC, "date_from": "2026-02-01"})
    services.create_experiment(leader, {**SPEC, "name": "wrong-control", "control": "baseline"})
    with pytest.raises(ValidationError, match="variants seen are control, test"):
        services.experiment_results(leader, "wrong-control")
    services.create_experiment(leader, {**SPEC, "name": "no-exposures", "exposure_event": "signup"})
    with pytest.raises(ValidationError, match="No signup events"):
        services.experiment_results(leader, "no-exposures")
    with pytest.raises(NotFound, match="headway experiment list"):
        services.get_experiment(leader, "missing")


def test_a_linked_experiment_is_the_initiative_read_out(experiment_store, leader):
    initiative = planning.create_initiative(None, title="One-click checkout", expected_impact="+10%")
    planning.set_stage(None, initiative.pk, "shipped")
    services.create_experiment(leader, {**SPEC, "initiative_id": initiative.pk})
    readout = services.measure(leader, initiative.pk)
    result = services.experiment_results(leader, "one-click")
    assert readout.method == "experiment"
    assert readout.relative_effect == pytest.approx(result.primary[0].lift)
    assert readout.verdict == "hit"  # lift ~ +30% against +10% expected
    assert planning.get_initiative(None, initiative.pk).stage == "measured"


def test_event_names_are_read_only_when_a_metric_comes_out_empty(experiment_store, leader, monkeypatch):
    """A read-out with data does not list the store's event names (a pass over every event); a metric whose
    event is gone from the store still gets the message that says so."""
    from headway.analytics import EventStore
    from headway.impact.models import Experiment

    services.create_experiment(leader, SPEC)
    listed: list[int] = []
    original = EventStore.event_names

    def counting(self: EventStore) -> list[str]:
        listed.append(1)
        return original(self)

    monkeypatch.setattr(EventStore, "event_names", counting)
    assert services.experiment_results(leader, "one-click").primary[0].significant
    assert listed == []
    Experiment.objects.filter(name="one-click").update(metric_event="checkout")
    with pytest.raises(ValidationError, match="No event named 'checkout'"):
        services.experiment_results(leader, "one-click")
    assert listed == [1]
