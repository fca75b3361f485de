"""Pain over time as an inline SVG (no JavaScript, no external files), with the milestones marked.

The same SVG goes into the web diary and the PDF (WeasyPrint draws inline SVG). It carries a title
and a description for screen readers; the full text alternative is the table shown with it
(``rows`` in :mod:`rugwijzer.diary.views`).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from html import escape

WIDTH, HEIGHT = 640, 260
LEFT, RIGHT, TOP, BOTTOM = 44, 16, 28, 40
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
        f'aria-labelledby="{id_prefix}-title {id_prefix}-desc" font-family="sans-serif" font-size="11">',
        f'<title id="{id_prefix}-title">{escape(text.title)}</title>',
        f'<desc id="{id_prefix}-desc">{escape(text.description)}</desc>',
    ]
    for pain in range(0, 11, 2):  # horizontal grid with the pain scale
        parts.append(f'<line x1="{LEFT}" y1="{y(pain)}" x2="{WIDTH - RIGHT}" y2="{y(pain)}" stroke="{GRID}"/>')
        parts.append(f'<text x="{LEFT - 6}" y="{y(pain) + 4}" text-anchor="end" fill="{TEXT}">{pain}</text>')
    parts += _milestones(milestones, xmax, x, y)
    parts += _line(points, x, y)
    parts.append(f'<text x="{LEFT + plot_w / 2}" y="{HEIGHT - 8}" text-anchor="middle" fill="{TEXT}">'
                 f'{escape(text.x_axis)}</text>')
    parts.append(f'<text x="12" y="{TOP + plot_h / 2}" text-anchor="middle" fill="{TEXT}" '
                 f'transform="rotate(-90 12 {TOP + plot_h / 2})">{escape(text.y_axis)}</text>')
    parts.append(f'<text x="{LEFT}" y="{HEIGHT - 24}" text-anchor="middle" fill="{TEXT}">0</text>')
    parts.append(f'<text x="{WIDTH - RIGHT}" y="{HEIGHT - 24}" text-anchor="end" fill="{TEXT}">{xmax}</text>')
    parts.append("</svg>")
    return "".join(parts)


def _milestones(milestones: Sequence[Milestone], xmax: int, x: _Scale, y: _Scale) -> list[str]:
    parts = []
    for m in milestones:
        if m.day > xmax:
            continue
        colour = REACHED if m.reached else AHEAD
        dash = "" if m.reached else ' stroke-dasharray="4 3"'
        # Labels at the right edge are right-aligned so that they are not cut off.
        anchor = "end" if x(m.day) > WIDTH - RIGHT - 24 else "middle"
        parts.append(f'<g class="milestone"><title>{escape(m.label)}: {escape(m.text)}</title>'
                     f'<line x1="{x(m.day)}" y1="{y(10) - 6}" x2="{x(m.day)}" y2="{y(0)}" stroke="{colour}" '
                     f'stroke-width="1.5"{dash}/>'
                     f'<text x="{x(m.day)}" y="{y(10) - 10}" text-anchor="{anchor}" fill="{colour}">'
                     f'{escape(m.label)}</text></g>')
    return parts


def _line(points: Sequence[Point], x: _Scale, y: _Scale) -> list[str]:
    if not points:
        return []
    coords = " ".join(f"{x(p.day)},{y(p.pain)}" for p in points)
    parts = [f'<polyline points="{coords}" fill="none" stroke="{LINE}" stroke-width="2"/>']
    if len(points) <= MAX_DOTS:
        parts += [f'<circle cx="{x(p.day)}" cy="{y(p.pain)}" r="3.5" fill="{DOT}">'
                  f'<title>{escape(p.label)}</title></circle>' for p in points]
    return parts
