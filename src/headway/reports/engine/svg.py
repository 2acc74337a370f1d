"""Charts as standalone SVG (no browser, no script): they survive e-mail clients and print."""

from __future__ import annotations

import math
from html import escape

WIDTH, HEIGHT = 560, 220
LEFT, RIGHT, TOP, BOTTOM = 48, 12, 28, 40
INK, ACCENT, MUTED, TARGET = "#1f2937", "#2563eb", "#9ca3af", "#dc2626"


def _number(value: float, unit: str = "") -> str:
    if unit == "%":
        return f"{value:.1f}%"
    if abs(value) >= 1_000_000:
        return f"{value / 1_000_000:.1f}M"
    if abs(value) >= 10_000:
        return f"{value / 1_000:.0f}k"
    return f"{value:,.0f}" if abs(value) >= 100 or value == int(value) else f"{value:.2f}"


def _frame(title: str, body: list[str]) -> str:
    head = (f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {WIDTH} {HEIGHT}" width="{WIDTH}" '
            f'height="{HEIGHT}" role="img" aria-label="{escape(title)}" font-family="Helvetica, Arial, sans-serif" '
            f'font-size="11">')
    title_el = f'<text x="{LEFT}" y="16" font-size="13" font-weight="bold" fill="{INK}">{escape(title)}</text>'
    return "".join([head, f"<title>{escape(title)}</title>", title_el, *body, "</svg>"])


def _scale(values: list[float], target: float | None) -> tuple[float, float]:
    points = [v for v in values if math.isfinite(v)] + ([target] if target is not None else [])
    low, high = min([0.0, *points]), max([0.0, *points])
    if high == low:
        high = low + 1.0
    return low, high


def bar_chart(title: str, labels: list[str], values: list[float], *, unit: str = "") -> str:
    """A horizontal-axis bar chart with one bar per label and its value written above it."""
    if not values:
        return _frame(title, [f'<text x="{LEFT}" y="{HEIGHT // 2}" fill="{MUTED}">No data</text>'])
    low, high = _scale(values, None)
    plot_w, plot_h = WIDTH - LEFT - RIGHT, HEIGHT - TOP - BOTTOM
    step = plot_w / len(values)
    zero_y = TOP + plot_h * (high / (high - low))
    body = [f'<line x1="{LEFT}" y1="{zero_y:.1f}" x2="{WIDTH - RIGHT}" y2="{zero_y:.1f}" stroke="{MUTED}"/>']
    for i, (label, value) in enumerate(zip(labels, values, strict=True)):
        x = LEFT + i * step + step * 0.15
        y = TOP + plot_h * ((high - max(value, 0.0)) / (high - low))
        h = abs(value) / (high - low) * plot_h
        body.append(f'<rect x="{x:.1f}" y="{y:.1f}" width="{step * 0.7:.1f}" height="{h:.1f}" fill="{ACCENT}">'
                    f"<title>{escape(label)}: {escape(_number(value, unit))}</title></rect>")
        body.append(f'<text x="{x + step * 0.35:.1f}" y="{y - 3:.1f}" text-anchor="middle" fill="{INK}">'
                    f"{escape(_number(value, unit))}</text>")
        short = label if len(label) <= 14 else label[:13] + "…"
        body.append(f'<text x="{x + step * 0.35:.1f}" y="{HEIGHT - BOTTOM + 14}" text-anchor="middle" '
                    f'fill="{INK}">{escape(short)}</text>')
    return _frame(title, body)


def line_chart(title: str, labels: list[str], values: list[float], *, target: float | None = None,
               unit: str = "") -> str:
    """A line of ``values`` over ``labels`` (dates), the first and last labels on the axis, a dashed target."""
    if not values:
        return _frame(title, [f'<text x="{LEFT}" y="{HEIGHT // 2}" fill="{MUTED}">No data</text>'])
    low, high = _scale(values, target)
    plot_w, plot_h = WIDTH - LEFT - RIGHT, HEIGHT - TOP - BOTTOM

    def y_of(v: float) -> float:
        return TOP + plot_h * ((high - v) / (high - low))

    def x_of(i: int) -> float:
        return LEFT + (plot_w * i / (len(values) - 1) if len(values) > 1 else plot_w / 2)

    path = " ".join(f"{'M' if i == 0 else 'L'}{x_of(i):.1f},{y_of(v):.1f}" for i, v in enumerate(values))
    body = [
        f'<line x1="{LEFT}" y1="{TOP + plot_h}" x2="{WIDTH - RIGHT}" y2="{TOP + plot_h}" stroke="{MUTED}"/>',
        f'<text x="{LEFT - 4}" y="{TOP + 4}" text-anchor="end" fill="{INK}">{escape(_number(high, unit))}</text>',
        f'<text x="{LEFT - 4}" y="{TOP + plot_h}" text-anchor="end" fill="{INK}">{escape(_number(low, unit))}</text>',
        f'<path d="{path}" fill="none" stroke="{ACCENT}" stroke-width="2"/>',
    ]
    if target is not None:
        ty = y_of(target)
        body.append(f'<line x1="{LEFT}" y1="{ty:.1f}" x2="{WIDTH - RIGHT}" y2="{ty:.1f}" stroke="{TARGET}" '
                    f'stroke-dasharray="4 3"/>')
        body.append(f'<text x="{WIDTH - RIGHT}" y="{ty - 3:.1f}" text-anchor="end" fill="{TARGET}">target '
                    f"{escape(_number(target, unit))}</text>")
    if labels:
        body.append(f'<text x="{LEFT}" y="{HEIGHT - BOTTOM + 14}" fill="{INK}">{escape(labels[0])}</text>')
        body.append(f'<text x="{WIDTH - RIGHT}" y="{HEIGHT - BOTTOM + 14}" text-anchor="end" fill="{INK}">'
                    f"{escape(labels[-1])}</text>")
    return _frame(title, body)
