"""A Sankey layout of path edges, drawn as server-side SVG (Vega-Lite has no Sankey).

Pure: edges in, positions out. Column ``c`` holds the pages at step ``c + 1``; a node is as tall as the persons
through it; a link is a band from its source's right edge to its target's left edge, as wide as its persons.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit

WIDTH, HEIGHT, NODE_WIDTH, GAP, LABEL_ROOM = 960, 420, 12, 10, 150


@dataclass(frozen=True)
class Node:
    """A page at a step: its column, box and label."""

    step: int
    name: str
    persons: int
    x: float
    y: float
    height: float

    @property
    def label(self) -> str:
        """The name as drawn: a URL without its scheme and host (``/cart``), anything else as it is."""
        return short_label(self.name)


def short_label(name: str) -> str:
    """``https://shop.example/p/toys/1179`` as ``/p/toys/1179``; text that is not an absolute URL unchanged."""
    parts = urlsplit(name)
    if not (parts.scheme and parts.netloc):
        return name
    return (parts.path or "/") + (f"?{parts.query}" if parts.query else "")


@dataclass(frozen=True)
class Link:
    """A band between two nodes: its SVG path, width and the edge it draws."""

    step: int
    source: str
    target: str
    persons: int
    path: str
    width: float

    @property
    def source_label(self) -> str:
        """The source as drawn (see :func:`short_label`)."""
        return short_label(self.source)

    @property
    def target_label(self) -> str:
        """The target as drawn (see :func:`short_label`)."""
        return short_label(self.target)


@dataclass(frozen=True)
class Layout:
    """Everything the template draws."""

    width: int
    height: int
    nodes: list[Node]
    links: list[Link]


def layout(edges: Sequence[Any], *, width: int = WIDTH, height: int = HEIGHT) -> Layout:
    """Positions of the nodes and links of ``edges`` (objects with step, source, target, count)."""
    if not edges:
        return Layout(width, height, [], [])
    inflow: dict[tuple[int, str], int] = defaultdict(int)
    outflow: dict[tuple[int, str], int] = defaultdict(int)
    for e in edges:
        outflow[(e.step, e.source)] += e.count
        inflow[(e.step + 1, e.target)] += e.count
    keys = set(inflow) | set(outflow)
    size = {k: max(inflow.get(k, 0), outflow.get(k, 0)) for k in keys}
    steps = sorted({k[0] for k in keys})
    columns = {s: sorted((k for k in keys if k[0] == s), key=lambda k: (-size[k], k[1])) for s in steps}
    tallest = max(sum(size[k] for k in col) for col in columns.values())
    most_nodes = max(len(col) for col in columns.values())
    scale = (height - GAP * (most_nodes - 1)) / tallest if tallest else 0.0
    span = (width - NODE_WIDTH - LABEL_ROOM) / max(1, len(steps) - 1)
    nodes: dict[tuple[int, str], Node] = {}
    for i, step in enumerate(steps):
        y = 0.0
        for key in columns[step]:
            h = max(1.0, size[key] * scale)
            nodes[key] = Node(step, key[1], size[key], round(i * span, 1), round(y, 1), round(h, 1))
            y += h + GAP
    out_used: dict[tuple[int, str], float] = defaultdict(float)
    in_used: dict[tuple[int, str], float] = defaultdict(float)
    links = []
    for e in sorted(edges, key=lambda e: (e.step, -e.count, e.source, e.target)):
        src, dst = nodes[(e.step, e.source)], nodes[(e.step + 1, e.target)]
        w = max(1.0, e.count * scale)
        y0 = src.y + out_used[(e.step, e.source)] + w / 2
        y1 = dst.y + in_used[(e.step + 1, e.target)] + w / 2
        out_used[(e.step, e.source)] += w
        in_used[(e.step + 1, e.target)] += w
        x0, x1 = src.x + NODE_WIDTH, dst.x
        mid = (x0 + x1) / 2
        path = f"M{x0:.1f},{y0:.1f} C{mid:.1f},{y0:.1f} {mid:.1f},{y1:.1f} {x1:.1f},{y1:.1f}"
        links.append(Link(e.step, e.source, e.target, e.count, path, round(w, 1)))
    return Layout(width, height, list(nodes.values()), links)
