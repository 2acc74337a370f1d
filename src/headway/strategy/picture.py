"""The KPI tree as a server-drawn SVG picture: one box per KPI with its status colour, value and sparkline.

Every text is escaped; the picture has a title and a description for screen readers, and the page also
shows the same numbers as a table.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from django.utils.html import format_html
from django.utils.safestring import SafeString, mark_safe

BOX_W, BOX_H, GAP_X, GAP_Y, PAD = 210, 92, 18, 46, 8
STATUS_CLASS = {"on_track": "on-track", "at_risk": "at-risk", "off_track": "off-track", "no_target": "no-target",
                "no_data": "no-data"}


def sparkline_points(values: Sequence[float], width: float, height: float) -> str:
    """The ``points`` of an SVG polyline drawing ``values`` in a ``width`` × ``height`` box (empty when
    there are fewer than two finite values)."""
    finite = [v for v in values if math.isfinite(v)]
    if len(finite) < 2:
        return ""
    low, high = min(finite), max(finite)
    span = (high - low) or 1.0
    step = width / (len(values) - 1)
    return " ".join(
        f"{i * step:.1f},{height - (v - low) / span * height:.1f}" for i, v in enumerate(values) if math.isfinite(v)
    )


def sparkline_svg(values: Sequence[float], label: str, width: int = 120, height: int = 28) -> SafeString:
    """A small inline sparkline with an accessible label."""
    points = sparkline_points(values, width, height - 2)
    return format_html(
        '<svg class="sparkline" viewBox="0 -1 {} {}" width="{}" height="{}" role="img" aria-label="{}">'
        '<polyline points="{}" fill="none" stroke="currentColor" stroke-width="1.5"/></svg>',
        width, height, width, height, label, points,
    )


@dataclass
class Placed:
    kpi: Any
    x: float
    y: float
    parent: Placed | None


def layout(kpis: Sequence[Any]) -> tuple[list[Placed], int, int]:
    """Place KPI summaries as a tree (``name``/``parent``): leaves side by side, parents centred over
    their inputs, one row per depth. Returns the boxes and the picture's width and height."""
    names = {k.name for k in kpis}
    children: dict[str | None, list[Any]] = {}
    for k in kpis:
        children.setdefault(k.parent if k.parent in names else None, []).append(k)
    placed: list[Placed] = []
    next_x = [0.0]

    def place(k: Any, depth: int, parent: Placed | None) -> Placed:
        node = Placed(k, 0.0, depth * (BOX_H + GAP_Y), parent)
        placed.append(node)
        kids = [place(c, depth + 1, node) for c in children.get(k.name, [])]
        if kids:
            node.x = (kids[0].x + kids[-1].x) / 2
        else:
            node.x = next_x[0]
            next_x[0] += BOX_W + GAP_X
        return node

    for root in sorted(children.get(None, []), key=lambda k: not k.north_star):
        place(root, 0, None)
    width = int(max((p.x for p in placed), default=0) + BOX_W)
    height = int(max((p.y for p in placed), default=0) + BOX_H)
    return placed, width, height


def _described(display: dict[str, str]) -> str:
    """A KPI card's number with its basis and target when it is the period's (``200 projected for Q2, target
    250``); the latest day's value alone otherwise."""
    card, basis = display.get("card", display["current"]), display.get("card_basis", "latest day")
    return card if basis == "latest day" else f"{card} {basis}, target {display['target']}"


def kpi_tree_svg(kpis: Sequence[Any], link: Any = None) -> SafeString:
    """The KPI tree picture; ``link(name)`` gives each box's URL."""
    placed, width, height = layout(kpis)
    if not placed:
        return SafeString("")
    parts = [format_html(
        '<svg class="kpi-tree" viewBox="-2 -2 {} {}" role="img" aria-labelledby="kpi-tree-title kpi-tree-desc" '
        'preserveAspectRatio="xMidYMin meet">', width + 4, height + 4)]
    parts.append(format_html('<title id="kpi-tree-title">KPI tree</title><desc id="kpi-tree-desc">{}</desc>',
                             "; ".join(f"{p.kpi.label}: {_described(p.kpi.display)}, {p.kpi.status_label}"
                                       + (f", input of {p.parent.kpi.label}" if p.parent else "") for p in placed)))
    for p in placed:
        if p.parent is not None:
            x1, y1 = p.parent.x + BOX_W / 2, p.parent.y + BOX_H
            x2, y2 = p.x + BOX_W / 2, p.y
            mid = (y1 + y2) / 2
            parts.append(format_html('<path class="edge" d="M{},{} C{},{} {},{} {},{}"/>',
                                     x1, y1, x1, mid, x2, mid, x2, y2))
    for p in placed:
        k = p.kpi
        status = STATUS_CLASS.get(k.status, "no-data")
        points = sparkline_points(k.spark, BOX_W - 2 * PAD - 6, 22)
        label = k.label if len(k.label) <= 25 else k.label[:24] + "…"
        href = link(k.name) if link else ""
        box = format_html(
            '<g class="kpi-node {}" transform="translate({},{})">'
            '<rect class="box" width="{}" height="{}" rx="8"/><rect class="stripe" width="6" height="{}" rx="3"/>'
            '<title>{}</title>'
            '<text class="name" x="{}" y="20">{}{}</text>'
            '<text class="value" x="{}" y="41">{}<tspan class="basis" dx="4">{}</tspan></text>'
            '<polyline class="spark" transform="translate({},{})" points="{}"/>'
            '<text class="meta" x="{}" y="{}">{}</text></g>',
            status, p.x, p.y, BOX_W, BOX_H, BOX_H, f"{k.label}: {k.rule}", PAD + 6, "★ " if k.north_star else "",
            label, PAD + 6, k.display.get("card", k.display["current"]),
            "projected" if k.display.get("card_basis", "").startswith("projected")
            else "so far" if k.display.get("card_basis", "").startswith("so far") else "latest day", PAD + 6, 48, points, PAD + 6, BOX_H - 9,
            f"{k.status_label} · target {k.display['target']}" if k.target is not None else k.status_label,
        )
        parts.append(format_html('<a href="{}">{}</a>', href, box) if href else box)
    parts.append(mark_safe("</svg>"))
    return SafeString("".join(str(part) for part in parts))


