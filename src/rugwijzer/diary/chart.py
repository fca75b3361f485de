"""Pain over time as an inline SVG (no JavaScript, no external files), with the milestones marked.

The same SVG goes into the web diary and the PDF (WeasyPrint draws inline SVG). It carries a title
and a description for screen readers; the full text alternative is the table shown with it
(``rows`` in :mod:`rugwijzer.diary.views`).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from html import escape

# Drawn about as wide as a phone shows it (390 px screen), so that the text stays at least 12 px there:
# the SVG scales with the page, and its text with it (issue 9 §4). The web page caps its width.
WIDTH, HEIGHT = 400, 280
FONT = 14  # px at 1:1; about 12.5 px on a 390 px phone
LEFT, RIGHT, TOP, BOTTOM = 40, 12, 2 * FONT + 18, 44
CHAR = 0.6 * FONT  # a generous average character width, to keep milestone labels apart
MAX_DOTS = 250  # beyond this many entries the line alone is drawn, to keep the page light
_Scale = Callable[[float], float]  # data value -> SVG coordinate
LINE, DOT, REACHED, AHEAD, GRID, TEXT = "#1f4e79", "#1f4e79", "#a33b00", "#6b6b6b", "#d0d0d0", "#222222"


@dataclass(frozen=True, slots=True)
class Point:
    day: int
    pain: int
    label: str  # e.g. "2026-09-08: 5/10", shown as a tooltip


@dataclass(frozen=True, slots=True)
class Milestone:
    day: int
    label: str  # short, e.g. "Day 43"
    text: str  # what it means
    reached: bool


@dataclass(frozen=True, slots=True)
class ChartText:
    """The words of the chart, in the reader's language (the caller translates)."""

    title: str
    description: str
    x_axis: str
    y_axis: str


def x_extent(points: Sequence[Point], milestones: Sequence[Milestone]) -> int:
    """Last day on the x axis: the last entry, stretched to the next milestone ahead (so people see
    what comes next), and at least a week."""
    last = max((p.day for p in points), default=0)
    ahead = [m.day for m in milestones if m.day > last]
    return max(7, last, min(ahead) if ahead else last)


def pain_chart_svg(points: Sequence[Point], milestones: Sequence[Milestone], text: ChartText,
                   id_prefix: str = "pain-chart") -> str:
    """The chart as an SVG element (a string of markup, every text escaped)."""
    xmax = x_extent(points, milestones)
    plot_w, plot_h = WIDTH - LEFT - RIGHT, HEIGHT - TOP - BOTTOM

    def x(day: float) -> float:
        return round(LEFT + plot_w * day / xmax, 1)

    def y(pain: float) -> float:
        return round(TOP + plot_h * (1 - pain / 10), 1)

    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" class="pain-chart" viewBox="0 0 {WIDTH} {HEIGHT}" '
        f'width="{WIDTH}" height="{HEIGHT}" role="img" '
        f'aria-labelledby="{id_prefix}-title {id_prefix}-desc" font-family="sans-serif" font-size="{FONT}">',
        f'<title id="{id_prefix}-title">{escape(text.title)}</title>',
        f'<desc id="{id_prefix}-desc">{escape(text.description)}</desc>',
    ]
    for pain in range(0, 11, 2):  # horizontal grid with the pain scale
        parts.append(f'<line x1="{LEFT}" y1="{y(pain)}" x2="{WIDTH - RIGHT}" y2="{y(pain)}" stroke="{GRID}"/>')
        parts.append(f'<text x="{LEFT - 6}" y="{y(pain) + 4}" text-anchor="end" fill="{TEXT}">{pain}</text>')
    parts += _milestones(milestones, xmax, x, y)
    parts += _line(points, x, y)
    parts.append(f'<text x="{LEFT + plot_w / 2}" y="{HEIGHT - 6}" text-anchor="middle" fill="{TEXT}">'
                 f'{escape(text.x_axis)}</text>')
    parts.append(f'<text x="{FONT}" y="{TOP + plot_h / 2}" text-anchor="middle" fill="{TEXT}" '
                 f'transform="rotate(-90 {FONT} {TOP + plot_h / 2})">{escape(text.y_axis)}</text>')
    parts.append(f'<text x="{LEFT}" y="{HEIGHT - BOTTOM + FONT + 6}" text-anchor="middle" fill="{TEXT}">0</text>')
    parts.append(f'<text x="{WIDTH - RIGHT}" y="{HEIGHT - BOTTOM + FONT + 6}" text-anchor="end" fill="{TEXT}">'
                 f'{xmax}</text>')
    parts.append("</svg>")
    return "".join(parts)


def _milestones(milestones: Sequence[Milestone], xmax: int, x: _Scale, y: _Scale) -> list[str]:
    parts = []
    ends = [float("-inf"), float("-inf")]  # where the last label of each of two rows ends
    for m in milestones:
        if m.day > xmax:
            continue
        colour = REACHED if m.reached else AHEAD
        dash = "" if m.reached else ' stroke-dasharray="4 3"'
        start, end, anchor = _label_span(x(m.day), len(m.label) * CHAR)
        row = 0 if start > ends[0] + 4 else 1  # a label too close to the one before goes one row up
        ends[row] = end
        top = y(10) - 6 - row * (FONT + 2)
        parts.append(f'<g class="milestone"><title>{escape(m.label)}: {escape(m.text)}</title>'
                     f'<line x1="{x(m.day)}" y1="{top}" x2="{x(m.day)}" y2="{y(0)}" stroke="{colour}" '
                     f'stroke-width="1.5"{dash}/>'
                     f'<text x="{x(m.day)}" y="{top - 4}" text-anchor="{anchor}" fill="{colour}">'
                     f'{escape(m.label)}</text></g>')
    return parts


def _label_span(at: float, width: float) -> tuple[float, float, str]:
    """Where a label centred on ``at`` starts and ends, moved in from the edges (never cut off)."""
    if at + width / 2 > WIDTH - RIGHT:
        return at - width, at, "end"
    if at - width / 2 < LEFT:
        return at, at + width, "start"
    return at - width / 2, at + width / 2, "middle"


def _line(points: Sequence[Point], x: _Scale, y: _Scale) -> list[str]:
    if not points:
        return []
    coords = " ".join(f"{x(p.day)},{y(p.pain)}" for p in points)
    parts = [f'<polyline points="{coords}" fill="none" stroke="{LINE}" stroke-width="2"/>']
    if len(points) <= MAX_DOTS:
        parts += [f'<circle cx="{x(p.day)}" cy="{y(p.pain)}" r="3.5" fill="{DOT}">'
                  f'<title>{escape(p.label)}</title></circle>' for p in points]
    return parts
