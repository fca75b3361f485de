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

from collections import Counter, defaultdict
from collections.abc import Mapping
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
    floor: int = 0          # a lower bound a reader knows (an item listed only when it occurs: 1)


class Network:
    """The counts of one table (or of linked tables) and the sums that tie them together."""

    def __init__(self) -> None:
        self.edges: list[Edge] = []

    def add(self, tail: str, head: str, value: int, *, cap: int | None = None, fixed: bool = False,
            floor: int = 0) -> int:
        """Add a count and return its index."""
        if not 0 <= floor <= value:
            raise ValueError("a count cannot be negative or below its floor")
        self.edges.append(Edge(tail, head, value, cap, fixed, floor))
        return len(self.edges) - 1


Bounds = tuple[int, int | None]


def bounds(edge: Edge, state: State, min_cell: int) -> Bounds:
    """What a reader knows about a count from how it is published (upper None: no bound)."""
    if state is State.VALUE:
        return edge.value, edge.value
    if state is State.SMALL:
        upper = min_cell - 1
        return edge.floor, upper if edge.cap is None else min(upper, edge.cap)
    return max(min_cell, edge.floor), edge.cap


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
    """Primary and secondary suppression; ``None`` when no published table could protect a cell.

    Hiding a count only ever adds ways for the others to move, so a small count that is free stays
    free: each is freed once, in turn, and never looked at again.
    """
    work = Suppression(net, min_cell)
    for index, edge in enumerate(net.edges):
        if work.states[index] is not State.SMALL or edge.value == 0:
            continue
        while work.pinned(index):
            extra = work.next_secondary(index)
            if extra is None:
                return None
            work.hide(extra, secondary_state(net.edges[extra], min_cell))
    work.reveal_derivable()
    return work.states


class Suppression:
    """The states of a network's counts and the residual network of the hidden ones: an arc u -> v
    for each way a hidden count lets one unit of flow move from u to v within its bounds."""

    def __init__(self, net: Network, min_cell: int) -> None:
        self.net, self.min_cell = net, min_cell
        self.states = primary(net, min_cell)
        self.forward: dict[str, Counter[str]] = defaultdict(Counter)
        self.backward: dict[str, Counter[str]] = defaultdict(Counter)
        for index, state in enumerate(self.states):
            if state is not State.VALUE:
                self._arcs(index, +1)

    def bounds(self, index: int, state: State | None = None) -> Bounds:
        return bounds(self.net.edges[index], state or self.states[index], self.min_cell)

    def moves(self, index: int, state: State | None = None) -> list[tuple[str, str]]:
        """The arcs a count adds once hidden: up (tail -> head) and/or down (head -> tail)."""
        edge = self.net.edges[index]
        low, high = self.bounds(index, state)
        arcs = [(edge.tail, edge.head)] if high is None or edge.value < high else []
        return arcs + ([(edge.head, edge.tail)] if edge.value > low else [])

    def _arcs(self, index: int, sign: int) -> None:
        for tail, head in self.moves(index):
            self.forward[tail][head] += sign
            self.backward[head][tail] += sign

    def hide(self, index: int, state: State) -> None:
        self.states[index] = state
        self._arcs(index, +1)

    def show(self, index: int) -> None:
        self._arcs(index, -1)
        self.states[index] = State.VALUE

    def pinned(self, index: int, by_label: bool = False) -> bool:
        """True when every solution of the sums within the bounds gives count ``index`` its value.

        A count that its label alone pins (with min_cell 2, "< 2" is 0 or 1) counts only when
        ``by_label``.
        """
        low, high = self.bounds(index)
        if low == high:
            return by_label
        self._arcs(index, -1)  # a cycle through the count must not use the count itself
        try:
            return not any(start == end or end in reach(self.forward, start, end)
                           for start, end in self.cycle_ends(index))
        finally:
            self._arcs(index, +1)

    def cycle_ends(self, index: int) -> list[tuple[str, str]]:
        """For each way the count may move: where a path must start and end to close the cycle."""
        return [(head, tail) for tail, head in self.moves(index)]

    def next_secondary(self, exposed: int) -> int | None:
        """The published count to hide next so that count ``exposed`` can move.

        Prefer the smallest count that joins the nodes reachable from where the cycle starts to those
        that reach where it ends (that frees it at once); else the smallest one next to either set.
        """
        self._arcs(exposed, -1)
        try:
            sides = [(reach(self.forward, a), reach(self.backward, b)) for a, b in self.cycle_ends(exposed)]
        finally:
            self._arcs(exposed, +1)
        candidates = sorted((e.value, i) for i, (e, s) in enumerate(zip(self.net.edges, self.states, strict=True))
                            if s is State.VALUE and not e.fixed)
        for _, i in candidates:
            arcs = self.moves(i, secondary_state(self.net.edges[i], self.min_cell))
            if any(tail in start and head in end for start, end in sides for tail, head in arcs):
                return i
        near = {node for start, end in sides for node in (*start, *end)}
        return next((i for _, i in candidates if self.net.edges[i].tail in near or self.net.edges[i].head in near),
                    None)

    def reveal_derivable(self) -> None:
        """Show the hidden counts that the other numbers pin down anyway: showing them tells a reader
        nothing new (after the loop only secondary counts can be pinned), and a hidden number anyone
        can work out only confuses."""
        for index, state in enumerate(self.states):
            if state is not State.VALUE and self.pinned(index, by_label=True):
                self.show(index)


def reach(arcs: Mapping[str, Counter[str]], start: str, target: str | None = None) -> set[str]:
    """The nodes reachable from ``start`` over arcs still present (it stops early at ``target``)."""
    seen = {start}
    todo = [start]
    while todo and (target is None or target not in seen):
        node = todo.pop()
        for nxt, count in arcs[node].items() if node in arcs else ():
            if count > 0 and nxt not in seen:
                seen.add(nxt)
                todo.append(nxt)
    return seen
