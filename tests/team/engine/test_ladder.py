"""The career ladder: default content, immutable versioned edits, validation and plain-dict round trips."""

from __future__ import annotations

import dataclasses
import itertools
import json

import pytest

from headway.core.errors import NotFound, ValidationError
from headway.team.engine.default_ladder import default_ladder
from headway.team.engine.ladder import (
    Competency,
    Level,
    add_competency,
    add_level,
    ladder_from_dict,
    ladder_problems,
    ladder_to_dict,
    remove_area,
    remove_competency,
    remove_level,
    rename_area,
    rename_competency,
    rename_level,
    set_expectation,
    update_level,
    validate_ladder,
)

LADDER = default_ladder()


def test_default_ladder_levels_tracks_years_and_scope():
    rows = [(lv.slug, lv.track, lv.rank, lv.years, lv.scope) for lv in LADDER.levels]
    assert rows == [
        ("apm", "ic", 1, "0–2", "feature"),
        ("pm", "ic", 2, "2–4", "product"),
        ("senior_pm", "ic", 3, "4–7", "product"),
        ("principal_pm", "ic", 4, "7+", "product_line"),
        ("group_pm", "manager", 4, "7+", "product_line"),
        ("director", "manager", 5, "10+", "product_line"),
        ("vp", "manager", 6, "12+", "organisation"),
        ("cpo", "manager", 7, "15+", "organisation"),
    ]
    assert LADDER.level("vp").title == "Head of Product / VP of Product"
    assert LADDER.version == 1


def test_default_ladder_competencies_anchors_and_specialisations():
    assert [a.slug for a in LADDER.areas] == [
        "product-execution", "customer-insight", "product-strategy", "influence-and-leadership",
    ]
    assert [len(a.competencies) for a in LADDER.areas] == [3, 3, 3, 3]
    assert all(len(c.anchors) == 5 for c in LADDER.competencies)
    assert [s.slug for s in LADDER.specialisations] == ["core", "growth", "data", "platform"]
    # Associate PMs are expected at 2 in discovery: the anchor for rating 2 describes that behaviour.
    discovery = LADDER.competency("discovery")
    assert discovery.anchor(LADDER.level("apm").expectations["discovery"]) == discovery.anchors[1]
    with pytest.raises(ValidationError, match="ratings run from 1 to 5"):
        discovery.anchor(6)


def test_expectations_never_drop_on_the_way_up_either_track():
    ic = ["apm", "pm", "senior_pm", "principal_pm"]
    manager = ["apm", "pm", "senior_pm", "group_pm", "director", "vp", "cpo"]
    for path in (ic, manager):
        for lower, higher in itertools.pairwise(path):
            for comp in LADDER.competencies:
                low = LADDER.level(lower).expectations[comp.slug]
                high = LADDER.level(higher).expectations[comp.slug]
                assert low <= high, (lower, higher, comp.slug)


def test_next_level_follows_the_track():
    assert LADDER.next_level("apm").slug == "pm"
    assert LADDER.next_level("senior_pm").slug == "principal_pm"
    assert LADDER.next_level("senior_pm", "manager").slug == "group_pm"
    assert LADDER.next_level("group_pm").slug == "director"
    assert LADDER.next_level("principal_pm") is None
    assert LADDER.next_level("cpo") is None
    with pytest.raises(ValidationError, match="unknown track 'exec'"):
        LADDER.next_level("pm", "exec")
    with pytest.raises(NotFound, match=r"no level 'vp-eng'.*apm, pm"):
        LADDER.level("vp-eng")


def test_rename_level_returns_a_new_version_and_keeps_the_old_one():
    renamed = rename_level(LADDER, "pm", "Product Owner")
    assert renamed.version == 2
    assert renamed.change_note == "Renamed level 'Product Manager' to 'Product Owner'"
    assert renamed.level("pm").title == "Product Owner"
    assert LADDER.level("pm").title == "Product Manager"  # the original is untouched
    again = rename_level(renamed, "pm", "PM", note="Shorter titles")
    assert (again.version, again.change_note) == (3, "Shorter titles")


def test_add_level_makes_room_at_its_rank():
    pm2 = Level("pm_2", "Product Manager II", 3, "ic", 3, 5, "product", "Between PM and Senior PM.",
                dict(LADDER.level("pm").expectations))
    bigger = add_level(LADDER, pm2)
    assert [(lv.slug, lv.rank) for lv in bigger.levels] == [
        ("apm", 1), ("pm", 2), ("pm_2", 3), ("senior_pm", 4), ("principal_pm", 5), ("group_pm", 5),
        ("director", 6), ("vp", 7), ("cpo", 8),
    ]
    assert bigger.next_level("pm").slug == "pm_2"
    assert bigger.version == 2 and bigger.change_note == "Added level 'Product Manager II'"
    with pytest.raises(ValidationError, match="'pm' is already used"):
        add_level(LADDER, dataclasses.replace(pm2, slug="pm"))


def test_added_level_must_have_every_expectation():
    partial = Level("head", "Head of Product", 6, "ic", 10, None, "organisation", "x", {"delivery": 5})
    with pytest.raises(ValidationError, match="level 'head' has no expectation for competency 'problem-framing'"):
        add_level(LADDER, partial)


def test_remove_level_and_update_level():
    smaller = remove_level(LADDER, "group_pm")
    assert [lv.slug for lv in smaller.levels] == [
        "apm", "pm", "senior_pm", "principal_pm", "director", "vp", "cpo",
    ]
    assert smaller.next_level("senior_pm", "manager").slug == "director"
    updated = update_level(LADDER, "apm", years_max=1, scope="feature")
    assert updated.level("apm").years == "0–1"
    assert updated.change_note == "Changed scope, years_max of level 'Associate Product Manager'"
    with pytest.raises(ValidationError, match="slug cannot change"):
        update_level(LADDER, "apm", slug="associate")
    with pytest.raises(ValidationError, match="cannot update level 'apm'"):
        update_level(LADDER, "apm", colour="red")
    with pytest.raises(ValidationError, match="scope 'galaxy'"):
        update_level(LADDER, "apm", scope="galaxy")


def test_competency_edits():
    new = Competency("writing", "Writing", "Clear documents.", ("a", "b", "c", "d", "e"))
    expected = {lv.slug: min(5, lv.rank) for lv in LADDER.levels}
    added = add_competency(LADDER, "influence-and-leadership", new, expected)
    assert added.competencies[-1].slug == "writing"
    assert added.level("vp").expectations["writing"] == 5
    assert added.level("pm").expectations["writing"] == 2
    missing = {k: v for k, v in expected.items() if k != "cpo"}
    with pytest.raises(ValidationError, match="level 'cpo' has no expectation for competency 'writing'"):
        add_competency(LADDER, "influence-and-leadership", new, missing)
    with pytest.raises(NotFound, match="no area 'hiring'"):
        add_competency(LADDER, "hiring", new, expected)

    removed = remove_competency(added, "market")
    assert "market" not in {c.slug for c in removed.competencies}
    assert all("market" not in lv.expectations for lv in removed.levels)
    assert removed.version == 3

    renamed = rename_competency(LADDER, "business", "Commercial sense")
    assert renamed.competency("business").name == "Commercial sense"
    assert rename_area(LADDER, "customer-insight", "Customers").areas[1].name == "Customers"
    without = remove_area(LADDER, "product-strategy")
    assert len(without.competencies) == 9
    assert "vision" not in without.level("pm").expectations


def test_set_expectation_checks_the_range():
    changed = set_expectation(LADDER, "pm", "market", 3)
    assert changed.level("pm").expectations["market"] == 3
    assert changed.change_note == "Product Manager now expects 3 in Market and competition"
    with pytest.raises(ValidationError, match="level 'pm' expects 6 for 'market'"):
        set_expectation(LADDER, "pm", "market", 6)


def test_validation_names_each_problem():
    levels = list(LADDER.levels)
    broken = dataclasses.replace(
        LADDER,
        levels=(levels[1], levels[0], dataclasses.replace(levels[2], slug="pm"), *levels[3:]),
    )
    problems = ladder_problems(broken)
    assert "level slug 'pm' is used twice: slugs must be unique" in problems
    assert any("level 'apm' (rank 1) comes after 'pm' (rank 2)" in p for p in problems)
    assert any("share rank" in p for p in problems) is False
    with pytest.raises(ValidationError) as info:
        validate_ladder(broken)
    assert info.value.details["problems"] == problems
    assert "(and 1 more)" in info.value.message

    clash = dataclasses.replace(LADDER, levels=(*levels, dataclasses.replace(levels[7], slug="ceo")))
    assert any("levels 'cpo' and 'ceo' share rank 7 on the manager track" in p for p in ladder_problems(clash))
    assert ladder_problems(LADDER) == []


def test_plain_dict_round_trip_through_json():
    edited = rename_level(LADDER, "pm", "Product Owner")
    data = json.loads(json.dumps(ladder_to_dict(edited)))
    assert data["version"] == 2 and data["levels"][1]["title"] == "Product Owner"
    assert ladder_from_dict(data) == edited


def test_malformed_dict_names_the_path():
    data = ladder_to_dict(LADDER)
    del data["levels"][2]["rank"]
    with pytest.raises(ValidationError, match=r"levels\[2\]\.rank is missing"):
        ladder_from_dict(data)
    data = ladder_to_dict(LADDER)
    data["areas"][0]["competencies"][1]["anchors"] = "good"
    with pytest.raises(ValidationError, match=r"areas\[0\]\.competencies\[1\]\.anchors must be a list"):
        ladder_from_dict(data)
    data = ladder_to_dict(LADDER)
    data["levels"][0]["expectations"]["delivery"] = 0
    with pytest.raises(ValidationError, match="level 'apm' expects 0 for 'delivery'"):
        ladder_from_dict(data)
    with pytest.raises(ValidationError, match="format 2"):
        ladder_from_dict({**ladder_to_dict(LADDER), "format": 2})
