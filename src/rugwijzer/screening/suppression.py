"""Small-cell suppression, primary and secondary, for the numbers of the screening report.

Every number a report publishes is the flow on one edge of a small network in which each node
balances (what flows in flows out). That is exactly the set of sums a reader can use: a group's rows
split into categories, a category's groups add up to its total, and so on. A number no sum ties to
anything is a loop on one node.

The rule (``min_cell`` = k):

1. **Primary**: a count with 0 < n < k is published as "< k" (state ``SMALL``).
2. **Zeros are published as 0**, unless one is needed as a secondary cell (below). A zero counts no
   one, but it can still help to pin others down (a group of 3 spread 1, 1, 1, 0 over four
   categories gives every 1 away), so the safer reading is taken: "< k" means 0 .. k-1, and a reader
   can never rule out 0 for it.
3. **Secondary**: while the published numbers still pin a primary "< k" cell to one value (through
   the sums, the zeros and the bounds of every hidden cell), the next-smallest published count that
   helps is hidden too: a zero as "< k", a larger count as "x" (state ``HIDDEN``: a reader knows only
   that it is at least k and at most the group's size). Whether a cell is pinned is checked exactly: it
   is free when some other solution of all the sums within all the bounds gives it another value,
   i.e. when it lies on a cycle of the residual network (the sums of these tables form a network
   matrix, so the check loses nothing for whole numbers).
4. Numbers marked ``fixed`` (group sizes, the number of rows) are always published; the caller makes
   sure they are never small (small groups are merged before anything is counted).
5. A hidden cell that the other numbers pin down anyway is shown again at the end: it tells a reader
   nothing new (it is a zero, or at least k).

When no choice of secondary cells protects a small cell, :func:`suppress` returns ``None`` and the
caller withholds the whole table.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from enum import Enum


class State(Enum):
    """How one count is published."""

    VALUE = "value"    # the number itself (zeros too)
    SMALL = "small"    # "< k": a count below k (primary), or a zero hidden to protect one (secondary)
    HIDDEN = "hidden"  # "x": a count of at least k hidden to protect a small one (secondary)


@dataclass(frozen=True, slots=True)
class Edge:
    """One published count: ``value`` flows from ``tail`` to ``head``."""

    tail: str
    head: str
    value: int
    cap: int | None = None  # an upper bound a reader knows besides the sums (a group's size)
    fixed: bool = False     # always published: a group's size, the number of rows


class Network:
    """The counts of one table (or of linked tables) and the sums that tie them together."""

    def __init__(self) -> None:
        self.edges: list[Edge] = []

    def add(self, tail: str, head: str, value: int, *, cap: int | None = None, fixed: bool = False) -> int:
        """Add a count and return its index."""
        if value < 0:
            raise ValueError("a count cannot be negative")
        self.edges.append(Edge(tail, head, value, cap, fixed))
        return len(self.edges) - 1


Bounds = tuple[int, int | None]


def bounds(edge: Edge, state: State, min_cell: int) -> Bounds:
    """What a reader knows about a count from how it is published (upper None: no bound)."""
    if state is State.VALUE:
        return edge.value, edge.value
    if state is State.SMALL:
        upper = min_cell - 1
        return 0, upper if edge.cap is None else min(upper, edge.cap)
    return min_cell, edge.cap


def secondary_state(edge: Edge, min_cell: int) -> State:
    """How a count hidden to protect another is published: a zero as "< k", others as "x"."""
    return State.SMALL if edge.value < min_cell else State.HIDDEN


def primary(net: Network, min_cell: int) -> list[State]:
    """Every count below ``min_cell`` (but not zero) becomes "< k"."""
    states = []
    for edge in net.edges:
        small = 0 < edge.value < min_cell
        if small and edge.fixed:
            raise ValueError("a count that must be published is below the minimum cell size")
        states.append(State.SMALL if small else State.VALUE)
    return states


def suppress(net: Network, min_cell: int) -> list[State] | None:
    """Primary and secondary suppression; ``None`` when no published table could protect a cell."""
    states = primary(net, min_cell)
    while (exposed := first_exposed(net, states, min_cell)) is not None:
        extra = next_secondary(net, states, min_cell, exposed)
        if extra is None:
            return None
        states[extra] = secondary_state(net.edges[extra], min_cell)
    return reveal_derivable(net, states, min_cell)


def reveal_derivable(net: Network, states: list[State], min_cell: int) -> list[State]:
    """Show the "x" counts that the other numbers pin down anyway: showing them tells a reader
    nothing new, and a hidden number anyone can work out only confuses."""
    for index, state in enumerate(states):
        if state is not State.VALUE and is_pinned(net, states, min_cell, index, by_label=True):
            states[index] = State.VALUE  # after the loop only secondary cells can be pinned
    return states


def first_exposed(net: Network, states: Sequence[State], min_cell: int) -> int | None:
    """The first small count (not a hidden zero) that the published numbers pin to one value, if any."""
    for index, state in enumerate(states):
        if state is State.SMALL and net.edges[index].value > 0 and is_pinned(net, states, min_cell, index):
            return index
    return None


def is_pinned(net: Network, states: Sequence[State], min_cell: int, index: int, by_label: bool = False) -> bool:
    """True when every solution of the sums within the bounds gives count ``index`` its value.

    A count that its label alone pins (with min_cell 2, "< 2" is 1) counts only when ``by_label``:
    for a "< k" that is the caller's choice of min_cell, not a leak.
    """
    edge = net.edges[index]
    low, high = bounds(edge, states[index], min_cell)
    if low == high:
        return by_label
    arcs = residual(net, states, min_cell, skip=index)
    up = (high is None or edge.value < high) and edge.tail in reach(arcs, edge.head, edge.tail)
    down = edge.value > low and edge.head in reach(arcs, edge.tail, edge.head)
    return not (up or down)


def residual(net: Network, states: Sequence[State], min_cell: int, skip: int) -> dict[str, set[str]]:
    """Where a unit of flow may move through the hidden counts (all but ``skip``) within their bounds."""
    arcs: dict[str, set[str]] = defaultdict(set)
    for index, (edge, state) in enumerate(zip(net.edges, states, strict=True)):
        if state is State.VALUE or index == skip:
            continue
        low, high = bounds(edge, state, min_cell)
        if high is None or edge.value < high:
            arcs[edge.tail].add(edge.head)
        if edge.value > low:
            arcs[edge.head].add(edge.tail)
    return arcs


def reach(arcs: dict[str, set[str]], start: str, target: str | None = None) -> set[str]:
    """The nodes reachable from ``start`` (it stops early once ``target`` is found)."""
    seen = {start}
    todo = [start]
    while todo and (target is None or target not in seen):
        for nxt in arcs.get(todo.pop(), ()):
            if nxt not in seen:
                seen.add(nxt)
                todo.append(nxt)
    return seen


def reverse(arcs: dict[str, set[str]]) -> dict[str, set[str]]:
    back: dict[str, set[str]] = defaultdict(set)
    for tail, heads in arcs.items():
        for head in heads:
            back[head].add(tail)
    return back


def next_secondary(net: Network, states: Sequence[State], min_cell: int, exposed: int) -> int | None:
    """The published count to hide next so that count ``exposed`` can move.

    Prefer the smallest count that joins the nodes the exposed count can reach to those that reach
    back to it (that frees it at once); else the smallest one next to either set (to widen them).
    """
    edge = net.edges[exposed]
    low, high = bounds(edge, states[exposed], min_cell)
    arcs = residual(net, states, min_cell, skip=exposed)
    back = reverse(arcs)
    moves = []  # (nodes reachable from where the cycle starts, nodes that reach where it must end)
    if high is None or edge.value < high:
        moves.append((reach(arcs, edge.head), reach(back, edge.tail)))
    if edge.value > low:
        moves.append((reach(arcs, edge.tail), reach(back, edge.head)))
    candidates = sorted((e.value, i) for i, (e, s) in enumerate(zip(net.edges, states, strict=True))
                        if s is State.VALUE and not e.fixed)
    for _, i in candidates:
        if any(_joins(net.edges[i], min_cell, start, end) for start, end in moves):
            return i
    near = {node for start, end in moves for node in (*start, *end)}
    return next((i for _, i in candidates if _touches(net.edges[i], near)), None)


def _joins(edge: Edge, min_cell: int, start: set[str], end: set[str]) -> bool:
    """Would hiding ``edge`` add an arc from ``start`` into ``end``?"""
    low, high = bounds(edge, secondary_state(edge, min_cell), min_cell)
    forward = high is None or edge.value < high
    backward = edge.value > low
    return (forward and edge.tail in start and edge.head in end) or (
        backward and edge.head in start and edge.tail in end)


def _touches(edge: Edge, nodes: set[str]) -> bool:
    return edge.tail in nodes or edge.head in nodes
