"""The screening report for an occupational physician: one self-contained HTML file, no person in it.

``render_report(con, results, lang=, group_by=, min_cell=)`` reads a DuckDB table or view of
screening results (contract §5: ``urgency``, ``episode``, ``flags``, ``startback_risk``,
``risk_factors``, ... and the ``group_by`` column when given) and returns the HTML: totals, urgency,
episode, STarT Back strata, the most frequent flags and risk factors, overall and per group, each
as a chart (inline SVG, decorative) next to a table with the same numbers (for screen readers and
for print). No script, no network, inline CSS.

Privacy by design:

- Everything is counted inside DuckDB (``GROUP BY``); Python only sees counts per group and
  category, never a row. No id, no free text and no error message reaches the report. Only ids the
  knowledge base knows are shown (by their translated names), so a stray text in a list column is
  never printed.
- Groups smaller than ``min_cell`` are merged into "other groups, combined" (with the next-smallest
  groups when that is still too small), so that every group size shown is at least ``min_cell``.
  Fewer than ``min_cell`` rows in all: no numbers at all.
- Every other count goes through :mod:`rugwijzer.screening.suppression`: 0 < n < ``min_cell`` = k
  is shown as "< k" (primary); then, until no such count can be worked out from the totals, the
  other cells and the bounds, the next-smallest count is hidden too (secondary): a zero as "< k"
  (so "< k" means 0 .. k-1), a larger count as "x". Zeros are otherwise shown as 0. A table that
  nothing can protect (4 rows, k = 3: "< 3" + "< 3" = 4) is withheld whole.
- Urgency and the totals (valid / invalid) are one table for this purpose, since "valid" is the sum of
  the five urgency levels; each other table is checked with its own totals. The group sizes and the
  number of rows are the only numbers tables share, and they are always shown. Links through the
  medical meaning (a flag implies an urgency level) are not modelled.
- Percentages are only given for shown counts, out of a group size that is shown.
"""

from __future__ import annotations

import functools
from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

import duckdb
from babel.numbers import format_decimal, format_percent
from jinja2 import Environment, PackageLoader

from rugwijzer.core.knowledge import KnowledgeBase, Lang
from rugwijzer.i18n import N_, translations
from rugwijzer.knowledge import load_flow, load_knowledge
from rugwijzer.languages import babel_locale, language
from rugwijzer.report.pdf import check_lang, long_date, report_environment
from rugwijzer.screening.suppression import Network, State, suppress

DOMAIN = "screening"
URGENCIES = ("emergency", "urgent", "soon", "routine", "self_care")
EPISODES = ("acute", "subacute", "chronic")
STRATA = ("low", "medium", "high")
NONE = ""  # a NULL in a category column: no result, or not known
TOP_FLAGS = 15

# Names of risk-factor ids that the self-check does not ask as such (pregnancy is its own question).
EXTRA_RISK_LABELS: dict[str, str] = {"pregnancy": N_("Pregnancy")}

Key = tuple[Any, ...]  # names one count in a table: ("n", g), ("x", g, category), ("u", category), ...


@dataclass(frozen=True, slots=True)
class Group:
    label: str
    keys: frozenset[str | None]  # the group column's values (as text) counted in this group
    size: int


@dataclass(frozen=True, slots=True)
class Figure:
    """One published count: its text ("12", "< 5", "x"), a percentage and its width in a chart."""

    text: str
    percent: str
    share: float
    state: str


@dataclass(frozen=True, slots=True)
class Line:
    label: str
    cells: list[Figure]
    total: bool = False


@dataclass(frozen=True, slots=True)
class Table:
    key: str
    title: str
    caption: str
    columns: list[str]
    lines: list[Line]
    kind: str  # "stack": categories of one whole; "bars": counts of items that may overlap
    colors: list[str]
    withheld: bool = False


# ---- reading counts from DuckDB (never rows) -----------------------------------------------------

def _ident(name: str) -> str:
    """A quoted identifier; a dotted name is read as schema.table."""
    return ".".join('"' + part.replace('"', '""') + '"' for part in name.split("."))


@dataclass(frozen=True, slots=True)
class Source:
    con: duckdb.DuckDBPyConnection
    table: str
    group: str  # SQL for the group of a row, as text ('' for one group)

    def sizes(self) -> dict[str | None, int]:
        rows = self.con.execute(f"SELECT {self.group}, count(*) FROM {self.table} GROUP BY ALL").fetchall()
        return {key: int(n) for key, n in rows}

    def categories(self, column: str) -> dict[tuple[str | None, str], int]:
        sql = (f"SELECT {self.group}, coalesce(CAST({_ident(column)} AS VARCHAR), '{NONE}'), count(*) "
               f"FROM {self.table} GROUP BY ALL")
        return {(key, cat): int(n) for key, cat, n in self.con.execute(sql).fetchall()}

    def items(self, column: str) -> dict[tuple[str | None, str], int]:
        """Per group, how many rows hold each id of a list column (each row once per id)."""
        sql = (f"SELECT grp, item, count(*) FROM (SELECT {self.group} AS grp, "
               f"unnest(list_distinct({_ident(column)})) AS item FROM {self.table}) GROUP BY ALL")
        return {(key, item): int(n) for key, item, n in self.con.execute(sql).fetchall()}

    def versions(self) -> list[str]:
        names = [d[0] for d in self.con.execute(f"SELECT * FROM {self.table} LIMIT 0").description]
        if "knowledge_version" not in names:
            return []
        sql = f"SELECT DISTINCT knowledge_version FROM {self.table} WHERE knowledge_version IS NOT NULL ORDER BY 1"
        return [str(v) for (v,) in self.con.execute(sql).fetchall()]


# ---- groups ------------------------------------------------------------------------------------

def merge_groups(sizes: Mapping[str | None, int], min_cell: int, other: str, no_value: str) -> list[Group]:
    """Groups of at least ``min_cell`` rows; smaller ones merged into one ``other`` group, which
    takes in the next-smallest groups until it too is large enough."""
    ordered = sorted(sizes.items(), key=lambda kv: (kv[1], kv[0] is None, str(kv[0])))
    small = [kv for kv in ordered if kv[1] < min_cell]
    large = [kv for kv in ordered if kv[1] >= min_cell]
    while small and sum(n for _, n in small) < min_cell and large:
        small.append(large.pop(0))
    groups = [Group(no_value if key is None else key, frozenset([key]), n) for key, n in large]
    groups.sort(key=lambda g: (None in g.keys, g.label))
    if small:
        groups.append(Group(other, frozenset(k for k, _ in small), sum(n for _, n in small)))
    return groups


def regroup(counts: Mapping[tuple[str | None, str], int], groups: Sequence[Group]) -> dict[tuple[int, str], int]:
    """Counts per (group index, category) after merging."""
    where = {key: i for i, g in enumerate(groups) for key in g.keys}
    merged: dict[tuple[int, str], int] = defaultdict(int)
    for (key, cat), n in counts.items():
        merged[where[key], cat] += n
    return merged


# ---- networks of published counts --------------------------------------------------------------

def partition_network(groups: Sequence[Group], cats: Sequence[str], counts: Mapping[tuple[int, str], int],
                      valid: frozenset[str], grouped: bool) -> tuple[Network, dict[Key, int]]:
    """Each group's rows split into ``cats`` (``valid`` ones also add up to a "valid" count).

    Keys: ("n", g) group size, ("v", g) valid, ("x", g, c) cell, ("u", c) / ("V",) / ("N",) totals.
    Without groups the one group's cells are the totals.
    """
    net = Network()
    ids: dict[Key, int] = {}
    total = sum(g.size for g in groups)
    for g, group in enumerate(groups):
        row = f"r{g}" if grouped else "r"
        ids["n", g] = net.add("S", row, group.size, fixed=True)
        if valid:
            ids["v", g] = net.add(row, f"v{g}", sum(counts.get((g, c), 0) for c in valid))
        for c in cats:
            tail = f"v{g}" if c in valid else row
            ids["x", g, c] = net.add(tail, f"c:{c}" if grouped else "S", counts.get((g, c), 0))
    if not grouped:
        return net, {**ids, **{("u", c): ids["x", 0, c] for c in cats}, ("V",): ids.get(("v", 0), -1),
                     ("N",): ids["n", 0]}
    for c in cats:
        ids["u", c] = net.add(f"c:{c}", "HV" if c in valid else "H", sum(counts.get((g, c), 0) for g in
                                                                             range(len(groups))))
    if valid:
        ids["V",] = net.add("HV", "H", sum(counts.get((g, c), 0) for g in range(len(groups)) for c in valid))
    ids["N",] = net.add("H", "S", total, fixed=True)
    return net, ids


def item_network(groups: Sequence[Group], counts: Mapping[tuple[int, str], int], item: str,
                 grouped: bool, listed_if_any: bool) -> tuple[Network, dict[Key, int]]:
    """How many rows hold ``item``, per group and in all: only the total is a sum (items overlap).

    ``listed_if_any``: the item is only in the report when it occurs, so a reader knows its total is
    at least 1.
    """
    net = Network()
    total = sum(counts.get((g, item), 0) for g in range(len(groups)))
    size = sum(g.size for g in groups)
    floor = 1 if listed_if_any else 0
    if not grouped:
        return net, {("u",): net.add("X", "X", total, cap=size, floor=floor)}
    ids: dict[Key, int] = {("x", g): net.add("A", "B", counts.get((g, item), 0), cap=group.size)
                           for g, group in enumerate(groups)}
    ids["u",] = net.add("B", "A", total, cap=size, floor=floor)
    return net, ids


# ---- turning counts into what a reader sees ------------------------------------------------------

@dataclass(frozen=True, slots=True)
class Formatter:
    lang: Lang
    min_cell: int
    hidden: str  # the mark of a secondary-suppressed count

    def number(self, n: int) -> str:
        return format_decimal(n, locale=_locale(self.lang))

    def figure(self, n: int, state: State, base: int | None) -> Figure:
        if state is State.SMALL:
            return Figure(f"< {self.number(self.min_cell)}", "", 0.0, state.value)
        if state is State.HIDDEN:
            return Figure(self.hidden, "", 0.0, state.value)
        if not base:
            return Figure(self.number(n), "", 0.0, state.value)
        return Figure(self.number(n), format_percent(n / base, locale=_locale(self.lang)), n / base, state.value)


def _figures(net: Network, states: Sequence[State], fmt: Formatter, ids: Mapping[Key, int],
             keys: Iterable[Key], base: int | None) -> list[Figure]:
    return [fmt.figure(net.edges[ids[k]].value, states[ids[k]], base) for k in keys]


@dataclass(frozen=True, slots=True)
class Layout:
    """Where the groups go in a table, and the words around them."""

    groups: list[Group]
    grouped: bool
    fmt: Formatter
    total_label: str

    @property
    def size(self) -> int:
        return sum(g.size for g in self.groups)


def partition_lines(net: Network, states: Sequence[State], ids: Mapping[Key, int], layout: Layout,
                    columns: Sequence[Key]) -> list[Line]:
    """One line per group, then the total: ``columns`` are the keys of the totals, e.g. ("u", "soon");
    a group size (("N",), ("n", g)) is shown without a percentage."""
    def line(g: int | None, label: str, size: int) -> Line:
        cells = []
        for col in columns:
            key = col if g is None else _for_group(col, g)
            base = None if key[0] in ("n", "N") else size
            cells.extend(_figures(net, states, layout.fmt, ids, [key], base))
        return Line(label, cells, g is None)

    lines = [line(g, group.label, group.size) for g, group in enumerate(layout.groups)] if layout.grouped else []
    return [*lines, line(None, layout.total_label, layout.size)]


def _for_group(total_key: Key, g: int) -> Key:
    """The per-group key of a total's key: ("u", c) -> ("x", g, c), ("V",) -> ("v", g), ("N",) -> ("n", g)."""
    kind = {"u": "x", "V": "v", "N": "n"}[total_key[0]]
    return (kind, g, *total_key[1:])


def withheld(key: str, title: str, caption: str) -> Table:
    return Table(key, title, caption, [], [], "stack", [], withheld=True)


# ---- the report --------------------------------------------------------------------------------

COLORS = {
    "urgency": ["#7f1d1d", "#c2410c", "#a16207", "#1d4ed8", "#15803d", "#6b7280"],
    "episode": ["#0e7490", "#7c3aed", "#be185d", "#6b7280"],
    "startback": ["#15803d", "#a16207", "#b91c1c", "#6b7280"],
    "bars": ["#1e3a8a", "#0f766e", "#7c2d12", "#581c87", "#14532d", "#713f12"],
}


class Builder:
    """Builds the tables of one report: knows the language, the groups and the knowledge base."""

    def __init__(self, source: Source, layout: Layout, kb: KnowledgeBase, _: Any) -> None:
        self.source, self.layout, self.kb, self._ = source, layout, kb, _
        self.lang = layout.fmt.lang

    def counts(self, column: str, items: bool = False) -> dict[tuple[int, str], int]:
        raw = self.source.items(column) if items else self.source.categories(column)
        return regroup(raw, self.layout.groups)

    def partition(self, column: str, cats: Sequence[str], valid: frozenset[str] = frozenset()) \
            -> tuple[Network, list[State] | None, dict[Key, int]]:
        counts = self.counts(column)
        unknown = {c for _, c in counts} - set(cats)
        if unknown:
            raise ValueError(f"column {column!r} holds values that are not ids of the contract")
        net, ids = partition_network(self.layout.groups, cats, counts, valid, self.layout.grouped)
        return net, suppress(net, self.layout.fmt.min_cell), ids

    def stack(self, key: str, title: str, caption: str, labels: list[str],
              part: tuple[Network, list[State] | None, dict[Key, int]], cats: Sequence[str]) -> Table:
        net, states, ids = part
        if states is None:
            return withheld(key, title, caption)
        columns: list[Key] = [*(("u", c) for c in cats), ("N",)]
        lines = partition_lines(net, states, ids, self.layout, columns)
        return Table(key, title, caption, [*labels, self._("Total")], lines, "stack", COLORS[key])

    def urgency_and_totals(self) -> list[Table]:
        cats = (*URGENCIES, NONE)
        part = self.partition("urgency", cats, frozenset(URGENCIES))
        net, states, ids = part
        names: dict[str, str] = {u.id: u.name[self.lang] for u in self.kb.messages.urgencies}
        totals_title, totals_caption = self._("Totals"), self._("Rows, valid rows and invalid rows")
        if states is None:
            return [withheld("totals", totals_title, totals_caption),
                    withheld("urgency", self._("Urgency"), self._("How soon a doctor is needed"))]
        totals = Table("totals", totals_title, totals_caption,
                       [self._("Rows"), self._("Valid"), self._("Invalid (no result)")],
                       partition_lines(net, states, ids, self.layout, [("N",), ("V",), ("u", NONE)]),
                       "stack", [])
        urgency = self.stack("urgency", self._("Urgency"), self._("How soon a doctor is needed"),
                             [*(names[u] for u in URGENCIES), self._("No result (invalid)")], part, cats)
        return [totals, urgency]

    def episode(self) -> Table:
        names: dict[str, str] = {e.id: e.name[self.lang] for e in self.kb.meta.episodes}
        return self.categories("episode", "episode", EPISODES, names, self._("Episode"),
                               self._("How long the back pain has lasted"), self._("Not known"))

    def startback(self) -> Table:
        names: dict[str, str] = {s.id: s.name[self.lang] for s in self.kb.startback.strata}
        return self.categories("startback", "startback_risk", STRATA, names, self._("STarT Back"),
                               self._("Risk that the pain lasts (STarT Back)"), self._("No score"))

    def categories(self, key: str, column: str, ids: Sequence[str], names: Mapping[str, str], title: str,
                   caption: str, unknown: str) -> Table:
        """A column of one id or NULL per row: its categories (NULL last) per group."""
        cats = (*ids, NONE)
        return self.stack(key, title, caption, [*(names[i] for i in ids), unknown], self.partition(column, cats), cats)

    def items(self, key: str, column: str, names: Mapping[str, str], title: str, caption: str,
              top: int | None, keep_zeros: bool) -> Table:
        counts = self.counts(column, items=True)
        totals = {item: sum(counts.get((g, item), 0) for g in range(len(self.layout.groups))) for item in names}
        chosen = _top(totals, names, self.layout.fmt.min_cell, top, keep_zeros)
        lines = []
        for item in chosen:
            net, ids = item_network(self.layout.groups, counts, item, self.layout.grouped, not keep_zeros)
            states = suppress(net, self.layout.fmt.min_cell)
            if states is None:
                return withheld(key, title, caption)
            lines.append(self.item_line(net, states, ids, names[item]))
        lines.sort(key=lambda ln: (ln.cells[-1].state != "value", -ln.cells[-1].share, ln.label))
        columns = [g.label for g in self.layout.groups] if self.layout.grouped else []
        return Table(key, title, caption, [*columns, self._("Total")], lines, "bars", COLORS["bars"])

    def item_line(self, net: Network, states: Sequence[State], ids: Mapping[Key, int], label: str) -> Line:
        fmt = self.layout.fmt
        cells = [fmt.figure(net.edges[ids["x", g]].value, states[ids["x", g]], group.size)
                 for g, group in enumerate(self.layout.groups)] if self.layout.grouped else []
        cells += _figures(net, states, fmt, ids, [("u",)], self.layout.size)
        return Line(label, cells)


def _top(totals: Mapping[str, int], names: Mapping[str, str], min_cell: int, top: int | None,
         keep_zeros: bool) -> list[str]:
    """The most frequent items: counts of at least ``min_cell`` by size, then small ones by name (so
    that the choice never ranks counts that are not shown)."""
    large = sorted((i for i, n in totals.items() if n >= min_cell), key=lambda i: (-totals[i], names[i]))
    rest = sorted((i for i, n in totals.items() if n < min_cell and (n > 0 or keep_zeros)), key=lambda i: names[i])
    chosen = [*large, *rest]
    return chosen[:top] if top else chosen


def risk_factor_names(kb: KnowledgeBase, lang: Lang, _: Any) -> dict[str, str]:
    """Risk factors by the self-check's own short labels; others (pregnancy) from this catalogue."""
    options = {str(o.value): o.label[lang] for o in load_flow().question("risk_factors").options if o.label}
    return {rid: options.get(rid) or _(EXTRA_RISK_LABELS.get(rid, rid)) for rid in kb.risk_factors}


@functools.cache
def environment(lang: Lang) -> Environment:
    """The report Jinja environment (autoescaped, strict, gettext) with this domain's catalogue."""
    return report_environment(PackageLoader("rugwijzer.screening", "templates"), translations(lang, DOMAIN))


def render_report(con: duckdb.DuckDBPyConnection, results: str, *, lang: str, group_by: str | None,
                  min_cell: int = 5, today: date | None = None) -> str:
    """The HTML report on the results table or view ``results`` (see the module docstring).

    ``today`` is the date printed on it (default: today). Raises ValueError for an unknown language,
    a ``min_cell`` below 1 or a category column holding something that is not a contract id.
    """
    code = check_lang(lang)
    if min_cell < 1:
        raise ValueError("min_cell must be at least 1")
    _ = translations(code, DOMAIN).gettext
    kb = load_knowledge()
    source = Source(con, _ident(results), f"CAST({_ident(group_by)} AS VARCHAR)" if group_by else "''")
    groups = merge_groups(source.sizes(), min_cell, _("Other groups, combined"), _("(no value)"))
    layout = Layout(groups, group_by is not None, Formatter(code, min_cell, "x"), _("Total"))
    enough = layout.size >= min_cell
    context = {
        "lang": code, "min_cell": min_cell, "group_by": group_by, "grouped": layout.grouped,
        "today": long_date(today or date.today(), code),
        "versions": source.versions() or [kb.version],
        "enough": enough,
        "rows": layout.fmt.number(layout.size) if enough else f"< {layout.fmt.number(min_cell)}",
        "groups": len(groups) if enough else 0,
        "merged": any(len(g.keys) > 1 for g in groups),
        "startback_notice": kb.startback.notice[code],
        "tables": build_tables(source, layout, kb, _) if enough else [],
    }
    return environment(code).get_template("report.html.j2").render(**context)


def build_tables(source: Source, layout: Layout, kb: KnowledgeBase, _: Any) -> list[Table]:
    b = Builder(source, layout, kb, _)
    lang = layout.fmt.lang
    flags = {f.id: f.title[lang] for f in kb.flags}
    return [
        *b.urgency_and_totals(), b.episode(), b.startback(),
        b.items("flags", "flags", flags, _("Alarm signs (flags)"),
                _("The most frequent alarm signs: rows with each sign"), TOP_FLAGS, keep_zeros=False),
        b.items("risk_factors", "risk_factors", risk_factor_names(kb, lang, _), _("Risk factors"),
                _("Risk factors: rows with each factor"), None, keep_zeros=True),
    ]


def _locale(lang: Lang) -> str:
    """Numbers as the language writes them in its own region (the registry's Babel locale)."""
    return babel_locale(lang, language(lang).region)
