"""A tidy org-chart layout: boxes and connector lines in pixels, computed from an org tree.

Subtrees are packed as close as their contours allow (Reingold-Tilford style) with each manager centred
over their reports; a manager whose reports have no reports of their own gets them as one stacked column,
which keeps a 60-person org about ten boxes wide. Below ``collapse_depth`` reports are hidden and counted.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from headway.team.engine.org import OrgNode

Contour = dict[int, tuple[float, float]]
"""Row index → (leftmost x, rightmost x) of a subtree, relative to its root box's left edge."""


@dataclass(frozen=True)
class Geometry:
    """Sizes in pixels."""

    box_width: float = 196
    box_height: float = 60
    gap_x: float = 16
    gap_y: float = 28
    indent: float = 20
    margin: float = 12

    @property
    def row_pitch(self) -> float:
        """Vertical distance between the tops of two rows of boxes."""
        return self.box_height + self.gap_y


@dataclass(frozen=True)
class Box:
    """One person's box; ``hidden_reports`` counts the people collapsed below it."""

    id: int
    name: str
    title: str
    department: str
    x: float
    y: float
    width: float
    height: float
    depth: int
    manager_id: int | None
    hidden_reports: int = 0


@dataclass(frozen=True)
class Link:
    """An orthogonal connector from a manager's box to a report's box, as a polyline."""

    manager_id: int
    report_id: int
    points: tuple[tuple[float, float], ...]

    @property
    def path(self) -> str:
        """The polyline as an SVG path ``d`` attribute."""
        return " ".join(f"{'M' if i == 0 else 'L'}{x:g},{y:g}" for i, (x, y) in enumerate(self.points))


@dataclass(frozen=True)
class ChartLayout:
    """Every box (in tree order: the first root first) and link of the chart, and the drawing's size."""

    boxes: list[Box]
    links: list[Link]
    width: float
    height: float


@dataclass
class _Placed:
    node: OrgNode
    x: float
    row: int
    manager_id: int | None
    stacked: bool
    hidden: int


def _merge(into: Contour, other: Contour, shift: float) -> None:
    for row, (left, right) in other.items():
        if row in into:
            into[row] = (min(into[row][0], left + shift), max(into[row][1], right + shift))
        else:
            into[row] = (left + shift, right + shift)


def _separation(left: Contour, right: Contour, gap: float) -> float:
    """How far right ``right`` must move so that no row overlaps ``left`` (0 when they share no row)."""
    shifts = [left[row][1] - right[row][0] + gap for row in right if row in left]
    return max(shifts, default=0.0)


def _visible_children(node: OrgNode, depth: int, collapse_depth: int | None,
                      expanded: frozenset[int] = frozenset()) -> list[OrgNode]:
    if collapse_depth is not None and depth >= collapse_depth and node.id not in expanded:
        return []
    return node.children


def _layout(node: OrgNode, depth: int, manager_id: int | None, geo: Geometry,
            collapse_depth: int | None, expanded: frozenset[int]) -> tuple[list[_Placed], Contour]:
    children = _visible_children(node, depth, collapse_depth, expanded)
    hidden = node.size - 1 if node.children and not children else 0
    me = _Placed(node, 0.0, depth, manager_id, stacked=False, hidden=hidden)
    contour: Contour = {depth: (0.0, geo.box_width)}
    if not children:
        return [me], contour
    if all(not _visible_children(c, depth + 1, collapse_depth, expanded) for c in children):
        placed = [me]
        for i, child in enumerate(children, start=1):
            child_hidden = child.size - 1
            placed.append(_Placed(child, geo.indent, depth + i, node.id, stacked=True, hidden=child_hidden))
            contour[depth + i] = (geo.indent, geo.indent + geo.box_width)
        return placed, contour
    subtrees = [_layout(child, depth + 1, node.id, geo, collapse_depth, expanded) for child in children]
    packed: Contour = {}
    offsets: list[float] = []
    for _, sub_contour in subtrees:
        shift = _separation(packed, sub_contour, geo.gap_x) if offsets else 0.0
        offsets.append(shift)
        _merge(packed, sub_contour, shift)
    centre = (offsets[0] + offsets[-1]) / 2
    placed = [me]
    for (sub_placed, _), offset in zip(subtrees, offsets, strict=True):
        for p in sub_placed:
            p.x += offset - centre
        placed.extend(sub_placed)
    _merge(contour, packed, -centre)
    return placed, contour


def layout_org(roots: Sequence[OrgNode], *, collapse_depth: int | None = None,
               geometry: Geometry | None = None, expanded: frozenset[int] = frozenset()) -> ChartLayout:
    """Lay out an org forest; ``collapse_depth=3`` shows depths 0 to 3 and counts the people below them; the
    reports of a person in ``expanded`` show whatever their depth (their manager must be shown too)."""
    geo = geometry or Geometry()
    placed: list[_Placed] = []
    packed: Contour = {}
    for i, root in enumerate(roots):
        sub_placed, sub_contour = _layout(root, 0, None, geo, collapse_depth, expanded)
        shift = _separation(packed, sub_contour, geo.gap_x * 2) if i else 0.0
        for p in sub_placed:
            p.x += shift
        _merge(packed, sub_contour, shift)
        placed.extend(sub_placed)
    if not placed:
        return ChartLayout(boxes=[], links=[], width=0.0, height=0.0)
    left = min(lo for lo, _ in packed.values())
    boxes = {
        p.node.id: Box(
            id=p.node.id, name=p.node.name, title=p.node.title, department=p.node.department,
            x=p.x - left + geo.margin, y=p.row * geo.row_pitch + geo.margin, width=geo.box_width,
            height=geo.box_height, depth=p.row, manager_id=p.manager_id, hidden_reports=p.hidden,
        )
        for p in placed
    }
    links = [
        _link(boxes[p.manager_id], boxes[p.node.id], p.stacked, geo)
        for p in placed
        if p.manager_id is not None
    ]
    width = max(b.x + b.width for b in boxes.values()) + geo.margin
    height = max(b.y + b.height for b in boxes.values()) + geo.margin
    return ChartLayout(boxes=list(boxes.values()), links=links, width=width, height=height)


def _link(manager: Box, report: Box, stacked: bool, geo: Geometry) -> Link:
    bottom = manager.y + manager.height
    points: tuple[tuple[float, float], ...]
    if stacked:
        spine = manager.x + geo.indent / 2
        middle = report.y + report.height / 2
        points = ((spine, bottom), (spine, middle), (report.x, middle))
    else:
        elbow = bottom + geo.gap_y / 2
        start, end = manager.x + manager.width / 2, report.x + report.width / 2
        points = ((start, bottom), (start, elbow), (end, elbow), (end, report.y))
    return Link(manager_id=manager.id, report_id=report.id, points=points)


def wrap_text(text: str, max_chars: int, max_lines: int) -> list[str]:
    """Break text into at most ``max_lines`` lines of at most ``max_chars``, with an ellipsis where cut."""
    lines: list[str] = []
    for word in text.split():
        if lines and len(lines[-1]) + 1 + len(word) <= max_chars:
            lines[-1] += " " + word
        else:
            lines.append(word)
    lines = [line if len(line) <= max_chars else line[: max_chars - 1] + "…" for line in lines]
    if len(lines) > max_lines:
        last = lines[max_lines - 1]
        last = last + "…" if len(last) < max_chars else last[: max_chars - 1] + "…"
        lines = [*lines[: max_lines - 1], last]
    return lines
