"""The pure org engine: tree, cycles, spans, layout and text wrapping (no database)."""

from __future__ import annotations

from itertools import combinations

from headway.team.engine.layout import Geometry, layout_org, wrap_text
from headway.team.engine.org import (
    PersonRow,
    build_tree,
    chain_of_command,
    cycle_if_moved,
    find_cycles,
    spans_of_control,
)

ROWS = [
    PersonRow(1, "Cora", "CPO", "product"),
    PersonRow(2, "Vic", "VP Product", "product", 1),
    PersonRow(3, "Ed", "VP Engineering", "engineering", 1),
    PersonRow(4, "Ann", "PM", "product", 2),
    PersonRow(5, "Bea", "PM", "product", 2),
    PersonRow(6, "Dan", "Designer", "design", 2),
    PersonRow(7, "Fay", "EM", "engineering", 3),
]


def shape(nodes):
    return [(n.name, shape(n.children)) for n in nodes]


def test_tree_shape_puts_own_department_first_then_names():
    roots = build_tree(ROWS)
    assert shape(roots) == [
        ("Cora", [("Vic", [("Ann", []), ("Bea", []), ("Dan", [])]), ("Ed", [("Fay", [])])]),
    ]
    assert roots[0].size == 7


def test_unknown_manager_makes_a_root():
    roots = build_tree([PersonRow(1, "A", "t", "sales", 99), PersonRow(2, "B", "t", "sales", 1)])
    assert shape(roots) == [("A", [("B", [])])]


def test_cycle_if_moved_names_the_loop():
    managers = {1: None, 2: 1, 4: 2}
    assert cycle_if_moved(managers, 1, 4) == [1, 4, 2, 1]
    assert cycle_if_moved(managers, 2, 2) == [2, 2]
    assert cycle_if_moved(managers, 4, 1) == []
    assert cycle_if_moved(managers, 1, None) == []


def test_find_cycles_reports_each_loop_once():
    assert find_cycles({1: 2, 2: 3, 3: 1, 4: None, 5: 5, 6: 4}) == [[1, 2, 3, 1], [5, 5]]


def test_chain_of_command_nearest_first():
    managers = {r.id: r.manager_id for r in ROWS}
    assert chain_of_command(managers, 4) == [2, 1]
    assert chain_of_command(managers, 1) == []
    assert chain_of_command({1: 2, 2: 1}, 1) == [2]


def test_spans_flags_wide_and_single():
    rows = [PersonRow(1, "Boss", "CEO", "product")]
    rows += [PersonRow(10 + i, f"R{i}", "PM", "product", 1) for i in range(9)]
    rows += [PersonRow(30, "Solo", "EM", "engineering", 10), PersonRow(31, "Only", "Eng", "engineering", 30)]
    spans = {s.name: s for s in spans_of_control(rows)}
    assert {n: s.direct_reports for n, s in spans.items()} == {"Boss": 9, "R0": 1, "Solo": 1}
    assert spans["Boss"].wide and not spans["Boss"].single
    assert spans["R0"].single and not spans["R0"].wide
    assert spans["Boss"].flag == "wide: more than 8 direct reports"
    assert spans["Solo"].flag == "single: one direct report"
    rows8 = [PersonRow(1, "Boss", "CEO", "product")] + [PersonRow(10 + i, "R", "PM", "product", 1) for i in range(8)]
    assert spans_of_control(rows8)[0].wide is False


def test_layout_by_hand():
    geo = Geometry(box_width=100, box_height=40, gap_x=10, gap_y=20, indent=20, margin=0)
    chart = layout_org(build_tree(ROWS), geometry=geo)
    at = {b.name: (b.x, b.y) for b in chart.boxes}
    # Vic's reports are all leaves: a stacked column indented by 20 under Vic; same for Ed's.
    # Both subtrees have the same shape (a box, then boxes 20 px to the right), so on every row Ed's subtree
    # sits 10 px right of Vic's: Ed at 100 + 10 = 110, Fay at 130 (Ann ends at 120). Cora is centred: 55.
    assert at == {
        "Cora": (55, 0), "Vic": (0, 60), "Ann": (20, 120), "Bea": (20, 180), "Dan": (20, 240),
        "Ed": (110, 60), "Fay": (130, 120),
    }
    assert (chart.width, chart.height) == (230, 280)
    links = {(link.manager_id, link.report_id): link.path for link in chart.links}
    assert links[(1, 2)] == "M105,40 L105,50 L50,50 L50,60"
    assert links[(2, 5)] == "M10,100 L10,200 L20,200"


def test_layout_never_overlaps_and_collapses():
    rows = [PersonRow(1, "Top", "CPO", "product")]
    next_id = 2
    for d in range(3):
        director = next_id
        rows.append(PersonRow(director, f"D{d}", "Director", "product", 1))
        next_id += 1
        for g in range(2):
            gpm = next_id
            rows.append(PersonRow(gpm, f"G{d}{g}", "GPM", "product", director))
            next_id += 1
            for p in range(3 + g):
                rows.append(PersonRow(next_id, f"P{d}{g}{p}", "PM", "product", gpm))
                next_id += 1
    chart = layout_org(build_tree(rows))
    assert len(chart.boxes) == len(rows) == 1 + 3 * (1 + 2 + 7)
    for a, b in combinations(chart.boxes, 2):
        apart = a.x + a.width <= b.x or b.x + b.width <= a.x or a.y + a.height <= b.y or b.y + b.height <= a.y
        assert apart, (a.name, b.name)
    collapsed = layout_org(build_tree(rows), collapse_depth=1)
    assert sorted(b.name for b in collapsed.boxes) == ["D0", "D1", "D2", "Top"]
    assert {b.name: b.hidden_reports for b in collapsed.boxes} == {"Top": 0, "D0": 9, "D1": 9, "D2": 9}


def test_wrap_text():
    assert wrap_text("Director of Product, Checkout & Payments", 28, 2) == ["Director of Product,", "Checkout & Payments"]
    assert wrap_text("one two three four", 7, 2) == ["one two", "three…"]
    assert wrap_text("Supercalifragilistic", 8, 1) == ["Superca…"]
    assert wrap_text("", 8, 2) == []
