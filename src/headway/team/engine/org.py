"""The reporting hierarchy as plain data: tree, cycles, spans of control, reporting chains.

Takes :class:`PersonRow` values (no Django) and returns typed results.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

WIDE_SPAN = 8
"""A manager with more direct reports than this is flagged as having a wide span."""


@dataclass(frozen=True)
class PersonRow:
    """One person as the engine sees them."""

    id: int
    name: str
    title: str
    department: str
    manager_id: int | None = None
    level: str = ""
    team: str = ""


@dataclass
class OrgNode:
    """A person in the org tree with their direct reports."""

    id: int
    name: str
    title: str
    department: str
    level: str
    team: str
    children: list[OrgNode] = field(default_factory=list)

    @property
    def size(self) -> int:
        """The number of people in this subtree, this person included."""
        return 1 + sum(child.size for child in self.children)


@dataclass(frozen=True)
class Span:
    """A manager's span of control and its flags."""

    manager_id: int
    name: str
    title: str
    department: str
    direct_reports: int
    wide: bool
    single: bool

    @property
    def flag(self) -> str:
        """A short reason to look at this span, or an empty string."""
        if self.wide:
            return f"wide: more than {WIDE_SPAN} direct reports"
        if self.single:
            return "single: one direct report"
        return ""


def build_tree(people: Sequence[PersonRow]) -> list[OrgNode]:
    """The org as a forest: people without a (known) manager are roots, biggest first.

    A manager's reports come in their own department first, then the other departments, each by name.

    People caught in a reporting cycle have no root above them and are left out; call :func:`find_cycles`
    to report them.
    """
    nodes = {p.id: OrgNode(p.id, p.name, p.title, p.department, p.level, p.team) for p in people}
    roots: list[OrgNode] = []
    for p in people:
        if p.manager_id is None or p.manager_id not in nodes:
            roots.append(nodes[p.id])
        else:
            nodes[p.manager_id].children.append(nodes[p.id])
    for node in nodes.values():
        home = node.department
        node.children.sort(key=lambda n: (n.department != home, n.department, n.name, n.id))
    roots.sort(key=lambda n: (-n.size, n.name, n.id))
    return roots


def cycle_if_moved(
    managers: Mapping[int, int | None], person_id: int, new_manager_id: int | None
) -> list[int]:
    """The reporting cycle that making ``new_manager_id`` the manager of ``person_id`` would create.

    Returns the ids around the cycle, starting and ending with ``person_id`` (``[a, b, a]`` when ``a`` would
    report to ``b`` who reports to ``a``), or an empty list when the move is safe.
    """
    path = [person_id]
    current = new_manager_id
    seen = {person_id}
    while current is not None:
        path.append(current)
        if current == person_id:
            return path
        if current in seen:  # an existing cycle above, not through this person
            return []
        seen.add(current)
        current = managers.get(current)
    return []


def find_cycles(managers: Mapping[int, int | None]) -> list[list[int]]:
    """Every reporting cycle in a manager mapping, each as ids starting and ending with its smallest id."""
    cycles: list[list[int]] = []
    done: set[int] = set()
    for start in sorted(managers):
        path: list[int] = []
        on_path: set[int] = set()
        current: int | None = start
        while current is not None and current not in done and current not in on_path:
            path.append(current)
            on_path.add(current)
            current = managers.get(current)
        if current is not None and current in on_path:
            loop = path[path.index(current):]
            first = loop.index(min(loop))
            loop = loop[first:] + loop[:first]
            cycles.append([*loop, loop[0]])
        done.update(path)
    return cycles


def spans_of_control(people: Sequence[PersonRow]) -> list[Span]:
    """Direct reports per manager, most first, with wide (> :data:`WIDE_SPAN`) and single (1) flags."""
    by_id = {p.id: p for p in people}
    counts: dict[int, int] = {}
    for p in people:
        if p.manager_id is not None and p.manager_id in by_id:
            counts[p.manager_id] = counts.get(p.manager_id, 0) + 1
    spans = [
        Span(
            manager_id=mid, name=by_id[mid].name, title=by_id[mid].title, department=by_id[mid].department,
            direct_reports=n, wide=n > WIDE_SPAN, single=n == 1,
        )
        for mid, n in counts.items()
    ]
    spans.sort(key=lambda s: (-s.direct_reports, s.name, s.manager_id))
    return spans


def chain_of_command(managers: Mapping[int, int | None], person_id: int) -> list[int]:
    """The ids of a person's managers, nearest first, up to the top (stops safely at a cycle)."""
    chain: list[int] = []
    seen = {person_id}
    current = managers.get(person_id)
    while current is not None and current not in seen:
        chain.append(current)
        seen.add(current)
        current = managers.get(current)
    return chain
