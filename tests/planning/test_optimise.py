"""The optimal portfolio through the services: hand-solved on the four-initiative fixture.

Objective ``value`` = user value + business value: A 14, B 15, C 6, D 10; costs A 40k, B 36k, C 30k, D 32k.
With a budget of 100k the best plan is B + C + D (31, 98k): A + B is only 29, and no three with A fit.
"""

from __future__ import annotations

from datetime import date

import pytest

from headway.core.errors import NotFound, PermissionDenied, ValidationError
from headway.planning import services
from headway.planning.engine.portfolio import InfeasibleError
from headway.planning.models import RoadmapItem, Scenario

TODAY = date(2026, 5, 10)


def ids(result, *keys):
    return [item["id"] for item in result["items"]]


def test_best_plan_under_budget_with_explanation(portfolio):
    a, b, c, d = (portfolio[k].pk for k in "ABCD")
    result = services.optimise(None, {"budget": 100_000, "objective": "value", "quarters": 1}, today=TODAY).model_dump()
    assert ids(result) == [b, c, d]
    assert (result["value"], result["cost"], result["optimal"], result["gap"]) == (31, 98_000, True, 0)
    assert result["quarters"] == ["2026-Q2"] and {i["quarter"] for i in result["items"]} == {"2026-Q2"}
    assert result["binding"] == ["budget"]
    assert result["budget_plus_10"]["value"] == 39  # 110k buys A + B + D (108k)
    assert [i["id"] for i in result["budget_plus_10"]["added"]] == [a]
    assert [i["id"] for i in result["budget_plus_10"]["removed"]] == [c]
    assert {k: result["budget_plus_10"][k] for k in ("optimal", "bound", "gap", "certainty")} == {
        "optimal": True, "bound": 39, "gap": 0, "certainty": "proven"}
    assert {w["certainty"] for w in result["extra_engineer"].values()} == {"proven"}
    assert result["certainty"] == "proven"
    assert [r["id"] for r in result["left_out"]] == [a]
    assert "costs 40000 but only 2000 of the budget is left" in result["left_out"][0]["reason"]
    mix = {m["kind"]: m for m in result["mix"]}
    assert mix["maintain"]["cost"] == 30_000 and mix["innovate"]["share"] == pytest.approx(round(32 / 98, 4))


def test_dependencies_and_must_have_change_the_plan(portfolio):
    a, b, c, d = (portfolio[k].pk for k in "ABCD")
    services.add_dependency(None, b, a)  # B requires A: B + C + D is no longer possible
    result = services.optimise(None, {"budget": 100_000, "objective": "value", "quarters": 1}, today=TODAY).model_dump()
    assert ids(result) == [a, b] and result["value"] == 29
    result = services.optimise(None, {"budget": 100_000, "objective": "value", "quarters": 1, "exclude": [a]},
                               today=TODAY).model_dump()
    assert ids(result) == [c, d] and result["value"] == 16


def test_prerequisite_starts_no_later_and_capacity_spreads_quarters(portfolio):
    a, b = portfolio["A"].pk, portfolio["B"].pk
    services.add_dependency(None, b, a)
    services.save_team(None, "Web", headcount=1)  # 12 person-weeks a quarter: A (10) and B (4) cannot share one
    result = services.optimise(None, {"objective": "value", "quarters": 2, "must": [a, b]}, today=TODAY).model_dump()
    quarter = {i["id"]: i["quarter"] for i in result["items"]}
    assert quarter[a] == "2026-Q2" and quarter[b] == "2026-Q3"


def test_infeasible_constraints_are_named(portfolio):
    a, b, c = (portfolio[k].pk for k in "ABC")
    with pytest.raises(InfeasibleError) as caught:
        services.optimise(None, {"budget": 100_000, "quarters": 1, "objective": "value", "must": [a, b, c]},
                          today=TODAY)
    clash = caught.value.details["constraints"]
    assert sorted(clash) == sorted(["budget", f"must-have #{a}", f"must-have #{b}", f"must-have #{c}"])
    assert f"must-have #{a} Saved carts" in caught.value.message


def test_bad_requests(portfolio):
    with pytest.raises(ValidationError, match="budget cannot be negative"):
        services.optimise(None, {"budget": -5})
    with pytest.raises(ValidationError, match="'profit' is not an objective"):
        services.optimise(None, {"objective": "profit"})
    with pytest.raises(ValidationError, match=r"no open initiative 999"):
        services.optimise(None, {"must": [999]})
    with pytest.raises(ValidationError, match=r"mix_min\.growth"):
        services.optimise(None, {"mix_min": {"growth": 0.2}})


def test_scenarios_saved_compared_and_applied(portfolio, viewer):
    a, b, c, d = (portfolio[k].pk for k in "ABCD")
    with pytest.raises(PermissionDenied):
        services.optimise(viewer, {"budget": 100_000}, scenario="Lean")
    services.optimise(None, {"budget": 100_000, "objective": "value", "quarters": 1}, scenario="Lean", today=TODAY)
    services.optimise(None, {"budget": 110_000, "objective": "value", "quarters": 1}, scenario="Plus", today=TODAY)
    assert Scenario.objects.get(name="Lean").value == 31
    table = services.compare_scenarios(None, ["Lean", "Plus"]).model_dump()
    assert [(s["name"], s["value"], s["cost"]) for s in table["scenarios"]] == [("Lean", 31, 98_000),
                                                                                  ("Plus", 39, 108_000)]
    rows = {r["id"]: r["quarters"] for r in table["rows"]}
    assert rows == {b: ["2026-Q2", "2026-Q2"], d: ["2026-Q2", "2026-Q2"], a: [None, "2026-Q2"],
                    c: ["2026-Q2", None]}
    assert services.apply_scenario(None, "Plus") == 3
    assert sorted(RoadmapItem.objects.values_list("initiative_id", flat=True)) == sorted([a, b, d])
    with pytest.raises(NotFound, match="scenarios are Lean, Plus"):
        services.get_scenario(None, "Nope")


def test_score_objective_uses_normalised_scores(portfolio):
    services.score_all(None)  # normalised RICE: A 100, B 35.7, C 0, D unscored (0)
    result = services.optimise(None, {"budget": 80_000, "quarters": 1}, explain=False, today=TODAY).model_dump()
    assert ids(result) == [portfolio["A"].pk, portfolio["B"].pk]
    assert result["value"] == pytest.approx(100 + (62.5 - 25 / 3) / (160 - 25 / 3) * 100, abs=1e-3)


@pytest.mark.parametrize(("optimal", "gap", "words"), [
    (True, 0.0, "proven"), (False, 0.001, "within 0.1 %"), (False, 0.0234, "within 2.3 %"),
    (False, 0.25, "within 25 %"), (False, 3.5, "within 350 %"), (False, 1e-9, "within 0.01 %"),
    (False, None, "bound unknown"), (False, float("inf"), "bound unknown")])
def test_certainty_in_words(optimal, gap, words):
    assert services.certainty(optimal, gap) == words


def test_a_what_if_not_proven_says_how_far_it_may_be(portfolio):
    from headway.planning.engine.portfolio import WhatIf
    from headway.planning.services.portfolio import _what_if

    a, c = portfolio["A"], portfolio["C"]
    by_pk = {a.pk: a, c.pk: c}
    unproven = WhatIf("+10% budget", value=39.0, delta=8.0, added=(f"#{a.pk}",), removed=(f"#{c.pk}",),
                      optimal=False, bound=39.039, gap=0.001)
    shown = _what_if(unproven, by_pk).model_dump()
    assert shown["added"] == [{"id": a.pk, "title": "Saved carts"}]
    assert (shown["optimal"], shown["bound"], shown["gap"], shown["certainty"]) == (False, 39.039, 0.001,
                                                                                   "within 0.1 %")
    no_bound = WhatIf("+1 engineer in Web", 31.0, 0.0, (), (), False, float("inf"), float("inf"))
    assert {k: _what_if(no_bound, by_pk).model_dump()[k] for k in ("bound", "gap", "certainty")} == {
        "bound": None, "gap": None, "certainty": "bound unknown"}
