"""The screening report (issue 11, item 4): no person in it, no small count in it, none derivable.

Results tables are built directly in DuckDB from synthetic rows (fixed ones and hypothesis-drawn
distributions). The checks read the HTML as a reader would: they parse its tables and know only what
the report says about its layout (categories add up to the group's rows, groups add up to the total,
"valid" is the five urgency levels). The secondary-suppression checker is written apart from the
implementation: for each "< k" cell it searches, by bounds propagation and backtracking, for another
whole-number solution of every published sum within every published bound; finding none is a leak.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from datetime import date
from html import unescape
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

import duckdb
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from live import BROWSER_TESTS, chromium
from rugwijzer.knowledge import load_flow, load_knowledge
from rugwijzer.screening.report import render_report
from rugwijzer.screening.suppression import Network, State, suppress

URGENCIES = ["emergency", "urgent", "soon", "routine", "self_care"]
EPISODES = ["acute", "subacute", "chronic"]
STRATA = ["low", "medium", "high"]
FLAGS = ["cauda_equina_bladder", "fever", "night_pain", "cancer_history", "over_six_weeks", "startback_high"]
RISKS = ["sedentary_work", "heavy_lifting_work", "stress_or_fatigue", "pregnancy"]
GROUPS = ["noord", "zuid", "oost", "west", None]
COLUMNS = ("id VARCHAR, urgency VARCHAR, complete BOOLEAN, episode VARCHAR, flags VARCHAR[], suspected VARCHAR[], "
           "startback_risk VARCHAR, risk_factors VARCHAR[], error VARCHAR, afdeling VARCHAR")
TODAY = date(2026, 12, 1)


@dataclass(frozen=True)
class Row:
    id: str
    urgency: str | None
    episode: str | None
    flags: tuple[str, ...]
    startback: str | None
    risks: tuple[str, ...]
    error: str | None
    group: str | None


def results(rows: Sequence[Row]) -> duckdb.DuckDBPyConnection:
    con = duckdb.connect()
    con.execute(f"CREATE TABLE results ({COLUMNS})")
    if rows:
        con.executemany("INSERT INTO results VALUES (?, ?, ?, ?, ?, [], ?, ?, ?, ?)", [
            (r.id, r.urgency, r.error is None, r.episode, list(r.flags), r.startback, list(r.risks), r.error,
             r.group) for r in rows])
    return con


@st.composite
def result_rows(draw: st.DrawFn, max_rows: int = 70) -> list[Row]:
    """Skewed distributions, so that small cells, single small cells and tiny groups all occur."""
    n = draw(st.integers(0, max_rows))
    weights = [draw(st.integers(0, 6)) for _ in GROUPS]
    groups = [g for g, w in zip(GROUPS, weights, strict=True) for _ in range(w)] or ["noord"]
    rows = []
    for i in range(n):
        invalid = draw(st.integers(0, 9)) == 0
        rows.append(Row(
            id=f"PERSON-{i:05d}",
            urgency=None if invalid else draw(st.sampled_from(URGENCIES[:2] + URGENCIES[2:] * 3)),
            episode=None if invalid else draw(st.sampled_from([*EPISODES, "acute", None])),
            flags=() if invalid else tuple(draw(st.sets(st.sampled_from(FLAGS), max_size=3))),
            startback=None if invalid else draw(st.sampled_from([*STRATA, None, None])),
            risks=() if invalid else tuple(draw(st.sets(st.sampled_from(RISKS), max_size=2))),
            error=f"SECRET ERROR about age {i}" if invalid else None,
            group=draw(st.sampled_from(groups))))
    return rows


# ---- reading the report as a reader does ---------------------------------------------------------

@dataclass
class Table:
    section: str
    header: list[str] = field(default_factory=list)
    rows: list[tuple[str, list[str]]] = field(default_factory=list)

    def cell(self, row: str, col: str) -> str:
        return dict(self.rows)[row][self.header.index(col) - 1]


class Reader(HTMLParser):
    """Collects every table with the section it is in: header texts, then (row label, cell texts)."""

    def __init__(self) -> None:
        super().__init__()
        self.tables: list[Table] = []
        self.section = ""
        self.text: list[str] | None = None
        self.row: list[str] | None = None
        self.in_head = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "section":
            self.section = dict(attrs).get("aria-labelledby") or ""
        elif tag == "table":
            self.tables.append(Table(self.section))
        elif tag == "thead":
            self.in_head = True
        elif tag == "tr":
            self.row = []
        elif tag in ("th", "td") and self.row is not None:
            self.text = []

    def handle_endtag(self, tag: str) -> None:
        if tag in ("th", "td") and self.text is not None and self.row is not None:
            self.row.append(" ".join("".join(self.text).split()))
            self.text = None
        elif tag == "tr" and self.row is not None:
            table = self.tables[-1]
            if self.in_head:
                table.header = self.row
            else:
                table.rows.append((self.row[0], self.row[1:]))
            self.row = None
        elif tag == "thead":
            self.in_head = False

    def handle_data(self, data: str) -> None:
        if self.text is not None:
            self.text.append(data)


def tables(html: str) -> dict[str, Table]:
    reader = Reader()
    reader.feed(html)
    return {t.section: t for t in reader.tables}


@dataclass(frozen=True)
class Shown:
    """A cell as published: a number, "< k" (small) or "x" (hidden)."""

    value: int | None
    small: bool
    percent: bool

    @staticmethod
    def parse(text: str) -> Shown:
        count, _, rest = text.partition("(")
        count = count.strip()
        if count.startswith("<"):
            return Shown(None, True, bool(rest))
        if count == "x":
            return Shown(None, False, bool(rest))
        digits = re.sub(r"\D", "", count)
        assert digits and len(digits) == len(re.sub(r"[\s.,\u00a0\u202f]", "", count)), text
        return Shown(int(digits), False, bool(rest))


# ---- the independent checker: can a "< k" cell be worked out? -----------------------------------

Term = tuple[str, Any]  # ("var", name) or ("const", value)


@dataclass
class System:
    """Published sums (total = sum of parts) over published numbers and hidden cells."""

    min_cell: int
    lo: dict[str, int] = field(default_factory=dict)
    hi: dict[str, int] = field(default_factory=dict)
    small: dict[str, int] = field(default_factory=dict)  # "< k" cells and their true values
    sums: list[tuple[list[Term], Term]] = field(default_factory=list)

    def term(self, name: str, text: str, true: int, cap: int = 10**6) -> Term:
        shown = Shown.parse(text)
        if shown.value is not None:
            assert shown.value == true, f"{name}: shows {shown.value}, the data hold {true}"
            return ("const", shown.value)
        assert not shown.percent, f"{name}: a hidden count with a percentage"
        if shown.small:  # "< k" is 0 .. k-1: a zero may be hidden to protect a small count
            assert 0 <= true < self.min_cell, f"{name}: shown as small but is {true}"
            if true > 0:
                self.small[name] = true
        self.lo[name], self.hi[name] = (0, min(self.min_cell - 1, cap)) if shown.small else (self.min_cell, cap)
        return ("var", name)

    def add(self, parts: list[Term], total: Term) -> None:
        self.sums.append((parts, total))

    def leaks(self) -> list[str]:
        """The "< k" cells that have only one value in every solution."""
        return [name for name, true in self.small.items()
                if not (self.solvable(name, None, true - 1) or self.solvable(name, true + 1, None))]

    def solvable(self, name: str, low: int | None, high: int | None) -> bool:
        lo, hi = dict(self.lo), dict(self.hi)
        lo[name] = max(lo[name], low) if low is not None else lo[name]
        hi[name] = min(hi[name], high) if high is not None else hi[name]
        return self.search(lo, hi)

    def search(self, lo: dict[str, int], hi: dict[str, int]) -> bool:
        if not self.propagate(lo, hi):
            return False
        open_vars = [v for v in lo if lo[v] < hi[v]]
        if not open_vars:
            return True
        var = min(open_vars, key=lambda v: hi[v] - lo[v])
        for value in range(lo[var], hi[var] + 1):
            lo2, hi2 = dict(lo), dict(hi)
            lo2[var] = hi2[var] = value
            if self.search(lo2, hi2):
                return True
        return False

    def propagate(self, lo: dict[str, int], hi: dict[str, int]) -> bool:
        def bounds(t: Term) -> tuple[int, int]:
            return (t[1], t[1]) if t[0] == "const" else (lo[t[1]], hi[t[1]])

        changed = True
        while changed:
            changed = False
            for parts, total in self.sums:
                low = sum(bounds(p)[0] for p in parts)
                high = sum(bounds(p)[1] for p in parts)
                t_lo, t_hi = bounds(total)
                for term, new_lo, new_hi in [(total, low, high)] + [
                        (p, t_lo - (high - bounds(p)[1]), t_hi - (low - bounds(p)[0])) for p in parts]:
                    old_lo, old_hi = bounds(term)
                    new_lo, new_hi = max(old_lo, new_lo), min(old_hi, new_hi)
                    if new_lo > new_hi:
                        return False
                    if term[0] == "var" and (new_lo, new_hi) != (old_lo, old_hi):
                        lo[term[1]], hi[term[1]] = new_lo, new_hi
                        changed = True
                        low = sum(bounds(p)[0] for p in parts)
                        high = sum(bounds(p)[1] for p in parts)
                        t_lo, t_hi = bounds(total)
        return True


# ---- what the data hold (counted here, apart from the implementation) --------------------------

def group_labels(rows: Sequence[Row], table: Table, grouped: bool) -> dict[str, list[Row]]:
    """The rows behind each line of a table: named groups, the merged "other" line, and the total."""
    if not grouped:
        return {table.rows[-1][0]: list(rows)}
    named = {r.group for r in rows if r.group is not None}
    lines: dict[str, list[Row]] = {}
    shown = [label for label, _ in table.rows[:-1]]
    for label in shown:
        if label in named:
            lines[label] = [r for r in rows if r.group == label]
        elif label.startswith("("):  # the "no value" group
            lines[label] = [r for r in rows if r.group is None]
    rest = [label for label in shown if label not in lines]
    assert len(rest) <= 1, rest
    if rest:
        taken = {id(r) for members in lines.values() for r in members}
        lines[rest[0]] = [r for r in rows if id(r) not in taken]
    lines[table.rows[-1][0]] = list(rows)
    return lines


PARTITIONS = {"urgency": ("urgency", URGENCIES), "episode": ("episode", EPISODES),
              "startback": ("startback", STRATA)}


def check_report(html: str, rows: Sequence[Row], min_cell: int, grouped: bool) -> None:
    """Every number right, no number under min_cell, no "< k" cell derivable from the others."""
    found = tables(html)
    withheld = set(re.findall(r'<section aria-labelledby="(\w+)">\s*<h2[^>]*>[^<]*</h2>\s*<p>Not shown:', html))
    if "totals" in withheld:  # nothing can protect a small count there (4 rows, k = 3: 2 + 2)
        assert "urgency" in withheld and "totals" not in found
        return
    totals = found["totals"]
    members = group_labels(rows, totals, grouped)
    for label, rs in members.items():
        assert len(rs) >= min_cell, f"group {label!r} of {len(rs)} rows is shown"
    for key, table in found.items():
        for label, cells in table.rows:
            for text in cells:
                shown = Shown.parse(text)
                assert shown.value is None or shown.value == 0 or shown.value >= min_cell, (key, label, text)
    urgency_and_totals(found, members, min_cell)
    for key in ("episode", "startback"):
        if key not in withheld:
            partition(found[key], members, key, min_cell)
    sizes = {label: len(rs) for label, rs in members.items()}
    if "flags" in found:
        items(found["flags"], rows, members, sizes, "flags", min_cell)
    else:  # "none in these rows", or withheld
        assert not any(r.flags for r in rows) or "flags" in withheld
    if "risk_factors" not in withheld:
        items(found["risk_factors"], rows, members, sizes, "risks", min_cell)


def partition(table: Table, members: dict[str, list[Row]], attr: str, min_cell: int,
              system: System | None = None) -> System:
    system = system or System(min_cell)
    cats = PARTITIONS[attr][1] + [None]
    grid: dict[tuple[str, int], Term] = {}
    for label, cells in table.rows:
        rs = members[label]
        counts = Counter(getattr(r, attr) for r in rs)
        for c, cat in enumerate(cats):
            grid[label, c] = system.term(f"{attr}/{label}/{cat}", cells[c], counts[cat])
        assert Shown.parse(cells[len(cats)]).value == len(rs)
        system.add([grid[label, c] for c in range(len(cats))], ("const", len(rs)))
    labels = [label for label, _ in table.rows]
    if len(labels) > 1:
        for c in range(len(cats)):
            system.add([grid[label, c] for label in labels[:-1]], grid[labels[-1], c])
    if attr != "urgency":
        assert system.leaks() == []
    return system


def urgency_and_totals(found: dict[str, Table], members: dict[str, list[Row]], min_cell: int) -> None:
    """Totals are linked to urgency: valid = the five levels, invalid = "no result"."""
    system = partition(found["urgency"], members, "urgency", min_cell)
    for label, cells in found["totals"].rows:
        rs = members[label]
        assert Shown.parse(cells[0]).value == len(rs)
        valid = system.term(f"valid/{label}", cells[1], sum(r.urgency is not None for r in rs))
        invalid = system.term(f"invalid/{label}", cells[2], sum(r.urgency is None for r in rs))
        levels = [("var", f"urgency/{label}/{u}") if f"urgency/{label}/{u}" in system.lo
                  else ("const", sum(r.urgency == u for r in rs)) for u in URGENCIES]
        none = f"urgency/{label}/None"
        system.add(levels, valid)
        system.add([("var", none) if none in system.lo else ("const", sum(r.urgency is None for r in rs))], invalid)
        system.add([valid, invalid], ("const", len(rs)))
    assert system.leaks() == []


def items(table: Table, rows: Sequence[Row], members: dict[str, list[Row]], sizes: dict[str, int], attr: str,
          min_cell: int) -> None:
    """Items overlap: only "groups add up to the total" and "no more than the group's rows" hold."""
    columns = table.header[1:]
    for label, cells in table.rows:
        system = System(min_cell)
        ids = [i for i, name in NAMES[attr].items() if name == label]
        assert len(ids) == 1, label
        terms = []
        for col, text in zip(columns, cells, strict=True):
            rs = members[col]
            terms.append(system.term(f"{label}/{col}", text, sum(ids[0] in getattr(r, attr) for r in rs), sizes[col]))
        if attr == "flags" and terms[-1][0] == "var":  # only flags that occur are listed: the total is >= 1
            system.lo[terms[-1][1]] = max(system.lo[terms[-1][1]], 1)
        if len(terms) > 1:
            system.add(terms[:-1], terms[-1])
        assert system.leaks() == [], label


def english_names() -> dict[str, dict[str, str]]:
    """Item names as an English reader sees them: flag titles, the self-check's risk-factor labels."""
    options = load_flow().question("risk_factors").options
    risks = {str(o.value): o.label.en for o in options if o.label}
    return {"flags": {f.id: f.title.en for f in load_knowledge().flags}, "risks": {**risks, "pregnancy": "Pregnancy"}}


NAMES = english_names()


def report(rows: Sequence[Row], *, lang: str = "en", grouped: bool = True, min_cell: int = 5) -> str:
    return render_report(results(rows), "results", lang=lang, group_by="afdeling" if grouped else None,
                         min_cell=min_cell, today=TODAY)


# ---- fixed examples ----------------------------------------------------------------------------

def fixed_rows() -> list[Row]:
    """Four departments: a large one, two middling, one of three rows; a few invalid rows."""
    rows = []
    plan = [("noord", 40), ("zuid", 12), ("oost", 9), ("west", 3), (None, 6)]
    i = 0
    for group, n in plan:
        for j in range(n):
            invalid = j % 11 == 3
            rows.append(Row(f"PERSON-{i:05d}", None if invalid else URGENCIES[(j * 7) % 5 if j % 3 else 4],
                            None if invalid else EPISODES[j % 3], () if invalid else tuple(FLAGS[: j % 4]),
                            None if invalid else [*STRATA, None][j % 4], () if invalid else tuple(RISKS[: j % 3]),
                            "SECRET ERROR: age 9999 is too high" if invalid else None, group))
            i += 1
    return rows


@pytest.mark.parametrize("grouped", [True, False])
@pytest.mark.parametrize("min_cell", [1, 2, 3, 5, 10])
def test_fixed_report_hides_every_small_count(grouped: bool, min_cell: int) -> None:
    rows = fixed_rows()
    check_report(report(rows, grouped=grouped, min_cell=min_cell), rows, min_cell, grouped)


@pytest.mark.slow
@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(rows=result_rows(), min_cell=st.integers(3, 7), grouped=st.booleans())
def test_any_distribution_hides_every_small_count(rows: list[Row], min_cell: int, grouped: bool) -> None:
    if len(rows) < min_cell:
        html = report(rows, grouped=grouped, min_cell=min_cell)
        assert "<table" not in html
        assert "fewer than" in html
        return
    check_report(report(rows, grouped=grouped, min_cell=min_cell), rows, min_cell, grouped)


def test_checker_finds_a_leak() -> None:
    """The checker is not blind: one small cell beside a shown total is a leak, two are not."""
    system = System(5)
    system.add([system.term("a", "< 5", 3), system.term("b", "17", 17)], ("const", 20))
    assert system.leaks() == ["a"]
    system = System(5)
    system.add([system.term("a", "< 5", 4), system.term("b", "< 5", 4), ("const", 12)], ("const", 20))
    assert system.leaks() == ["a", "b"]  # 4 + 4 = 8: both are 4
    system = System(5)
    system.add([system.term("a", "< 5", 3), system.term("b", "x", 17)], ("const", 20))
    assert system.leaks() == []


@pytest.mark.parametrize(("values", "expected"), [
    ((3, 12, 5, 0), "< = = <"),  # the zero is the next-smallest: "< 5" (3 + 0 = 3 has four answers)
    ((3, 12, 5), "< = x"),       # no zero: the 5 is hidden as "x"
    ((1, 1, 18), "< < ="),       # 1 + 1 = 2: 0 + 2 and 2 + 0 fit too, since "< 5" may be a hidden zero
    ((4, 4, 12), "< < x"),       # 4 + 4 = 8: both must be 4
    ((2, 18), "< x"),
])
def test_suppression_hides_the_next_smallest_cell(values: tuple[int, ...], expected: str) -> None:
    net = Network()
    cells = [net.add("r", "S", v) for v in values]
    net.add("S", "r", sum(values), fixed=True)
    states = suppress(net, 5)
    assert states is not None
    marks = {State.SMALL: "<", State.VALUE: "=", State.HIDDEN: "x"}
    assert " ".join(marks[states[i]] for i in cells) == expected


# ---- privacy, languages and the page itself ------------------------------------------------------

def test_no_id_error_or_free_text_in_the_report() -> None:
    rows = fixed_rows()
    rows += [Row(f"PERSON-X{i}", "soon", "acute", ("Mijn buurman Jan Peeters",), "low", ("Jan's rugzak",), None,
                 "noord") for i in range(6)]
    for lang in ("nl", "fr", "en"):
        html = report(rows, lang=lang)
        assert "PERSON-" not in html
        assert "SECRET" not in html and "9999" not in html
        assert "Peeters" not in html and "rugzak" not in html


class Spy:
    """A DuckDB connection that remembers how many rows each query handed to Python."""

    def __init__(self, con: duckdb.DuckDBPyConnection) -> None:
        self.con = con
        self.fetched: list[list[tuple[Any, ...]]] = []

    def execute(self, sql: str, *args: Any) -> Spy:
        self.result = self.con.execute(sql, *args)
        return self

    @property
    def description(self) -> Any:
        return self.result.description

    def fetchall(self) -> list[tuple[Any, ...]]:
        rows = self.result.fetchall()
        self.fetched.append(rows)
        return rows


def test_only_counts_leave_duckdb() -> None:
    con = duckdb.connect()
    con.execute(f"CREATE TABLE results ({COLUMNS})")
    con.execute("""INSERT INTO results SELECT 'PERSON-' || i, ['soon', 'self_care', 'urgent'][i % 3 + 1], true,
                   'acute', ['fever'], [], 'low', ['sedentary_work'], NULL, ['noord', 'zuid'][i % 2 + 1]
                   FROM range(5000) t(i)""")
    spy = Spy(con)
    render_report(spy, "results", lang="en", group_by="afdeling", today=TODAY)  # type: ignore[arg-type]
    assert spy.fetched
    assert max(len(rows) for rows in spy.fetched) <= 10
    values = {str(v) for rows in spy.fetched for row in rows for v in row}
    assert not any(v.startswith("PERSON-") for v in values)


ENGLISH = ["How to read", "Urgency", "Totals", "Rows", "Valid", "hidden", "Risk factors", "Other groups",
           "knowledge base", "does not replace", " the ", "rows"]


@pytest.mark.parametrize("lang", ["nl", "fr"])
def test_each_language_in_its_own_words(lang: str) -> None:
    html = report(fixed_rows(), lang=lang)
    text = " ".join(unescape(re.sub(r"<[^>]+>", " ", html[html.index("<body"):])).split())
    assert f'<html lang="{lang}">' in html
    for word in ENGLISH:
        assert word not in text, word
    own = {"nl": ["Zo lees je dit verslag", "vervangt geen arts", "Keele", "Urgentie", "Risicofactoren"],
           "fr": ["Comment lire ce rapport", "ne remplace pas un médecin", "Keele", "Urgence", "Facteurs de risque"]}
    for words in own[lang]:
        assert words in text, words
    kb = load_knowledge()
    assert kb.startback.notice[lang] in text  # © Keele University, paraphrase, commercial use


def test_english_report_says_what_it_is() -> None:
    html = report(fixed_rows(), lang="en")
    for words in ["summary for the occupational physician", "1 December 2026", load_knowledge().version,
                  "holds only counts", "does not replace a doctor", "© Keele University", "paraphrase",
                  "Commercial use needs permission", "shown as “&lt; 5”", "a 0 as “&lt; 5”", "a larger number as “x”"]:
        assert words in html, words


@pytest.mark.parametrize("grouped", [True, False])
def test_self_contained_without_script_or_network(grouped: bool) -> None:
    html = report(fixed_rows(), grouped=grouped)
    lowered = html.lower()
    assert "<script" not in lowered and "javascript:" not in lowered
    assert "http://" not in lowered and "https://" not in lowered
    for loader in ("<link", "<img", "<iframe", "<object", "<embed", "@import", "url(", " src=", " href="):
        assert loader not in lowered, loader
    assert "<style>" in lowered and "<svg" in lowered


@pytest.mark.parametrize("grouped", [True, False])
def test_charts_draw_only_shown_counts(grouped: bool) -> None:
    """A bar for each shown count that is not 0, none for a hidden one (its share would give it away)."""
    html = report(fixed_rows(), grouped=grouped)
    found = tables(html)
    for key in ("urgency", "episode", "startback", "flags", "risk_factors"):
        section = html[html.index(f'<section aria-labelledby="{key}">'):]
        chart = section[:section.index("<table")]
        chart = re.sub(r'<ul class="legend">.*?</ul>', "", chart, flags=re.S)
        bars = len(re.findall(r"<rect [^>]*fill=", chart))
        stack = key not in ("flags", "risk_factors")
        shown = [Shown.parse(text) for _, cells in found[key].rows for text in (cells[:-1] if stack else cells)]
        assert bars == sum(1 for c in shown if c.value), key


def test_tables_are_accessible() -> None:
    html = report(fixed_rows())
    assert html.count("<table") == html.count("<caption>") >= 6
    assert html.count('<th scope="row">') >= 6 * 3
    assert "<td" in html and 'aria-hidden="true"' in html  # charts hidden from screen readers, tables not


def test_group_by_with_numbers_and_no_values() -> None:
    con = duckdb.connect()
    con.execute(f"CREATE TABLE results ({COLUMNS.replace('afdeling VARCHAR', 'site INTEGER')})")
    con.execute("""INSERT INTO results SELECT 'P' || i, 'self_care', true, 'acute', [], [], NULL, [], NULL,
                   CASE WHEN i < 10 THEN 7 WHEN i < 20 THEN NULL WHEN i < 22 THEN 9 ELSE 8 END FROM range(30) t(i)""")
    found = tables(render_report(con, "results", lang="en", group_by="site", today=TODAY))
    labels = [label for label, _ in found["totals"].rows]
    # "9" has 2 rows: merged with the next-smallest group ("8", 8 rows) so that "other" is large enough
    assert labels == ["7", "(no value)", "Other groups, combined", "Total"]
    assert [Shown.parse(cells[0]).value for _, cells in found["totals"].rows] == [10, 10, 10, 30]


def test_a_table_nothing_can_protect_is_withheld() -> None:
    """4 rows, k = 3: 2 emergencies and 2 invalid. "< 3" + "< 3" = 4 pins both to 2, whatever else is
    hidden, so urgency and totals are not shown at all."""
    rows = [Row(f"PERSON-{i}", None if i < 2 else "emergency", None if i < 2 else "acute", (), None, (),
                None, "noord") for i in range(4)]
    html = report(rows, grouped=False, min_cell=3)
    found = tables(html)
    assert "totals" not in found and "urgency" not in found
    assert html.count("Not shown: these numbers are too small") >= 2
    check_report(html, rows, 3, grouped=False)


def test_too_few_rows_shows_no_numbers() -> None:
    rows = fixed_rows()[:4]
    html = report(rows)
    assert "<table" not in html
    assert "fewer than 5 rows" in html


def test_bad_arguments() -> None:
    with pytest.raises(ValueError, match="min_cell"):
        report(fixed_rows(), min_cell=0)
    with pytest.raises(ValueError, match="language"):
        report(fixed_rows(), lang="es")
    con = results(fixed_rows())
    con.execute("UPDATE results SET urgency = 'someday' WHERE id = 'PERSON-00001'")
    with pytest.raises(ValueError, match="urgency"):
        render_report(con, "results", lang="en", group_by=None)


# ---- in a real browser: axe-core finds nothing ---------------------------------------------------

@pytest.fixture
def report_files(tmp_path: Path) -> Iterator[list[Path]]:
    files = []
    for lang, grouped in (("nl", True), ("fr", False), ("en", True)):
        path = tmp_path / f"report-{lang}.html"
        path.write_text(report(fixed_rows(), lang=lang, grouped=grouped), encoding="utf-8")
        files.append(path)
    yield files


@pytest.mark.slow
@BROWSER_TESTS[1]
def test_axe_finds_nothing(report_files: list[Path]) -> None:
    from axe_playwright_python.sync_playwright import Axe

    with chromium() as browser:
        page = browser.new_context(viewport={"width": 1024, "height": 800}, offline=True).new_page()
        for path in report_files:
            page.goto(path.as_uri())
            results = Axe().run(page)
            assert results.violations_count == 0, f"{path.name}:\n{results.generate_report()}"
