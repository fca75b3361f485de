"""The whole screening query: checks (contract §1), the rules (clinical-rules), the output (contract §5).

It reads a *staged* table (see ``staging`` and ``json_staging``): one canonical column per intake
field (BOOLEAN, BIGINT, VARCHAR, VARCHAR[]), NULL where the answer is not given, and for inputs whose
types cannot be trusted (CSV text, JSON) a ``<field>__bad`` column with the raw value of a wrong type.
The query is built in layers (``SELECT *, new columns FROM (previous layer)``) so that every
condition is evaluated once per row and later layers only combine booleans:

0. each risk-factor id given or not; 1. problems per field, and whether a required answer is missing;
2. the answers as facts (a bad or missing answer is NULL = unknown; optional ones get their default);
3. derived facts, episode, STarT Back; 4. every flag; 5. urgency, row status and suspected causes;
6. plan, avoid, tips and medication items; 7. the output columns.

A row's status follows the Python engine (``Engine.assess`` and ``Assessor._emergency_despite``):
``ok``, ``partial`` (required answers missing, an emergency fires whatever they are), ``error``, or
``error_emergency`` (not valid, but its valid answers already show an emergency: ``urgency`` and the
emergency ``flags`` are filled in next to the error, so the call-back list never misses it).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

from sqlglot import exp

from rugwijzer.core.conditions import Condition
from rugwijzer.core.engine import RuleSet
from rugwijzer.core.knowledge import URGENCIES
from rugwijzer.screening import sql
from rugwijzer.screening.compiler import Facts, compile_condition
from rugwijzer.screening.schema import FIELDS, STARTBACK, Field
from rugwijzer.screening.sql import Dialect, col, lit

Columns = list[tuple[str, exp.Expr]]

# The §5 output columns, in order (after the id column); the group column, if any, comes last.
OUTPUT_COLUMNS: tuple[str, ...] = (
    "urgency", "complete", "episode", "flags", "flag_levels", "suspected",
    "startback_total", "startback_psychosocial", "startback_risk",
    "medication_first_choice", "medication_paracetamol", "medication_paracetamol_cautions",
    "medication_nsaid", "medication_nsaid_cautions",
    "plan", "plan_emphasis", "avoid", "tips", "risk_factors", "knowledge_version", "error", "error_fields",
)
ID, GROUP = "__id", "__group"


@dataclass(frozen=True, slots=True)
class Staged:
    """Which optional columns the staged table has (decided per input format and file schema)."""

    bad: frozenset[str] = frozenset()  # names with a ``<name>__bad`` column (raw value of a wrong type)
    extra: bool = False  # ``__extra_fields`` / ``__extra_problems``: unknown keys (JSON input)
    intake_error: bool = False  # ``__intake_error`` / ``__intake_field``: a line that is no JSON object
    group: bool = False


def _bad(staged: Staged, name: str) -> exp.Expr | None:
    return col(f"{name}__bad") if name in staged.bad else None


def _problem_text(name: str, allowed: str, message: exp.Expr) -> exp.Expr:
    return sql.concat(lit(f"{name}: "), message, lit(f" (allowed: {allowed})"))


def _got(raw: exp.Expr) -> exp.Expr:
    return sql.concat(lit("got "), exp.Substring(this=raw, start=lit(1), length=lit(60)))


def _quoted(value: exp.Expr) -> exp.Expr:
    return sql.concat(lit('"'), value, lit('"'))


class ScreeningQuery:
    """Builds the query for one knowledge base, one staged shape and one dialect."""

    def __init__(self, rules: RuleSet, staged: Staged, dialect: Dialect) -> None:
        self.rules, self.staged, self.dialect = rules, staged, dialect

    def tag(self, value: str, domain: Sequence[str]) -> exp.Expr:
        """An id in an output list. DuckDB gets it as an ENUM of its family: lists of one-byte
        codes are built three times faster than lists of strings, and Parquet stores them as
        strings all the same. Spark gets the plain string."""
        if self.dialect == "duckdb":
            return exp.Cast(this=lit(value), to=_enum(domain))
        return lit(value)

    def empty(self, domain: Sequence[str]) -> exp.Expr:
        if self.dialect == "duckdb":
            return exp.Cast(this=sql.array([]), to=exp.DataType(this=exp.DataType.Type.ARRAY,
                                                                  expressions=[_enum(domain)], nested=True))
        return sql.cast(sql.array([]), "ARRAY<STRING>")

    # ---- 1. problems ---------------------------------------------------------------------------

    def _value_problem(self, f: Field, value: exp.Expr) -> exp.Expr | None:
        """The message when a well-typed value is out of range or not allowed (None: cannot be)."""
        if f.kind == "int":
            ok = exp.Between(this=value, low=lit(f.low), high=lit(f.high))
            return sql.when(sql.not_(ok), _got(sql.cast(value, "VARCHAR")))
        if f.kind == "enum":
            return sql.when(sql.not_(sql.in_(value, f.values)), _got(_quoted(value)))
        if f.kind == "list":
            # Each allowed id counted once: fewer than the list's length means an unknown or a repeated
            # id (cheap; the message, which needs more work, is built only for those rows).
            count = _sum([sql.case((col(f"rf__{v}"), lit(1)), default=lit(0)) for v in f.values])
            listed = sql.join(value, '", "')
            return sql.when(exp.NEQ(this=count, expression=sql.size(value)), sql.case(
                (sql.not_(sql.subset_of(value, f.values, self.dialect)),
                 _got(sql.concat(lit('["'), listed, lit('"]')))),
                default=lit("repeated id")))
        return None

    def _problem(self, name: str, f: Field, value: exp.Expr, bad: exp.Expr | None,
                 missing_is_problem: exp.Expr | None = None) -> exp.Expr | None:
        branches: list[tuple[exp.Expr, exp.Expr]] = []
        if bad is not None:
            branches.append((sql.not_null(bad), _got(bad)))
        if missing_is_problem is not None:
            branches.append((sql.and_(missing_is_problem, sql.is_null(value)), lit("is required but missing")))
        check = self._value_problem(f, value)
        if check is not None:
            branches.append((sql.not_null(value), check))
        if not branches:
            return None
        return sql.case(*((cond, _problem_text(name, f.allowed, msg)) for cond, msg in branches))

    def layer_members(self) -> Columns:
        """Each risk factor id: given or not (for the check and for the rules)."""
        rf = col("risk_factors")
        return [(f"rf__{v}", sql.coalesce(sql.contains(rf, lit(v)), exp.false())) for v in _risk_field().values]

    def layer_problems(self) -> Columns:
        out: Columns = []
        for f in FIELDS:
            if f.kind == "startback":
                out += self._startback_problems(f)
                continue
            problem = self._problem(f.name, f, col(f.name), _bad(self.staged, f.name))
            out.append((f"p__{f.name}", problem if problem is not None else sql.typed_null("VARCHAR")))
            if f.required:
                missing = sql.is_null(col(f.name))
                bad = _bad(self.staged, f.name)
                out.append((f"m__{f.name}", sql.and_(missing, sql.is_null(bad)) if bad is not None else missing))
        return out

    def _startback_problems(self, top: Field) -> Columns:
        out: Columns = []
        bad = _bad(self.staged, "startback")
        out.append(("p__startback", sql.when(sql.not_null(bad), _problem_text("startback", top.allowed, _got(bad)))
                    if bad is not None else sql.typed_null("VARCHAR")))
        given = sql.and_(col("startback__given"), sql.is_null(bad)) if bad is not None else col("startback__given")
        for f in STARTBACK:
            name = f"startback.{f.name}"
            problem = self._problem(name, f, col(f"sb__{f.name}"), _bad(self.staged, f"sb__{f.name}"),
                                    missing_is_problem=given)
            out.append((f"p__sb__{f.name}", problem if problem is not None else sql.typed_null("VARCHAR")))
        return out

    # ---- 2. summary and facts -------------------------------------------------------------------

    def _problem_columns(self) -> list[str]:
        names = [f"p__{f.name}" for f in FIELDS if f.kind != "startback"]
        return [*names, "p__startback", *(f"p__sb__{f.name}" for f in STARTBACK)]

    def layer_facts(self) -> Columns:
        other = [sql.not_null(col(n)) for n in self._problem_columns()]
        if self.staged.extra:
            other.append(exp.GT(this=sql.size(col("__extra_fields")), expression=lit(0)))
        age, days = col("age"), col("duration_days")
        dur_age = sql.and_(sql.is_null(col("p__age")), sql.is_null(col("p__duration_days")),
                           exp.GT(this=days, expression=exp.Mul(
                               this=exp.Paren(this=exp.Add(this=age, expression=lit(1))), expression=lit(366))))
        out: Columns = [("x__other", sql.or_(*other)),
                        ("x__missing", sql.or_(*(col(f"m__{f.name}") for f in FIELDS if f.required))),
                        ("x__dur_age", sql.coalesce(dur_age, exp.false()))]
        for f in FIELDS:
            if f.kind == "startback":
                out += self._startback_facts()
                continue
            valid: exp.Expr = sql.is_null(col(f"p__{f.name}"))
            if f.name == "duration_days":  # a duration longer than the life is unknown, as the engine removes it
                valid = sql.and_(valid, sql.not_(sql.coalesce(dur_age, exp.false())))
            value: exp.Expr = sql.when(valid, col(f.name))
            if not f.required and f.default is not None:
                default = sql.array([]) if f.kind == "list" else lit(f.default)
                value = sql.coalesce(value, sql.cast(default, f.sql_type))
            out.append((f"v__{f.name}", value))
        return out

    def _startback_facts(self) -> Columns:
        valid = sql.and_(col("startback__given"), sql.is_null(col("p__startback")),
                         *(sql.is_null(col(f"p__sb__{f.name}")) for f in STARTBACK))
        out: Columns = [("x__sb_valid", valid)]
        r = self.rules
        score = {k: sql.case((col(f"sb__{k}"), lit(1)), default=lit(0)) for k in r.startback_items}
        bother = sql.case(*((sql.in_(col("sb__bothersomeness"), [v]), lit(s))
                            for v, s in r.startback_bother.items()), default=lit(0))
        total = _sum([*score.values(), bother])
        psycho = _sum([*(score[k] for k in r.startback_psychosocial), bother])
        out.append(("x__sb_total", sql.when(valid, total)))
        out.append(("x__sb_psych", sql.when(valid, psycho)))
        return out

    # ---- 3. derived facts, episode, STarT Back risk --------------------------------------------

    def facts(self, *, with_outcome: bool = False) -> Facts:
        values: dict[str, exp.Expr] = {f.name: col(f"v__{f.name}") for f in FIELDS if f.kind != "startback"}
        values.update({name: col(f"d__{name}") for name in self.rules.derived})
        values["episode"] = col("x__episode")
        values["startback_risk"] = col("x__sb_risk")
        sets: dict[str, dict[str, exp.Expr]] = {
            "risk_factors": {rf: col(f"rf__{rf}") for rf in _risk_field().values}}
        if with_outcome:
            values["urgency"] = col("x__urgency")
            sets["suspected"] = {cause: col(f"s__{cause}") for cause, _ in self.rules.causes}
        nullable = frozenset({f.name for f in FIELDS if f.nullable} | {"startback_risk"})
        return Facts(values, nullable, sets)

    def layer_derived(self) -> Columns:
        base = Facts({f.name: col(f"v__{f.name}") for f in FIELDS if f.kind != "startback"},
                     frozenset(f.name for f in FIELDS if f.nullable))
        out: Columns = [(f"d__{name}", compile_condition(cond, base)) for name, cond in self.rules.derived.items()]
        days = col("v__duration_days")
        branches = [(exp.LTE(this=days, expression=lit(limit)), lit(episode))
                    for episode, limit in self.rules.episodes if limit is not None]
        last = next(e for e, limit in self.rules.episodes if limit is None)
        out.append(("x__episode", sql.when(sql.not_null(days), sql.case(*branches, default=lit(last)))))
        r = self.rules
        out.append(("x__sb_risk", sql.case(
            (exp.GTE(this=col("x__sb_psych"), expression=lit(r.startback_high)), lit("high")),
            (exp.GTE(this=col("x__sb_total"), expression=lit(r.startback_medium)), lit("medium")),
            (sql.not_null(col("x__sb_total")), lit("low")))))
        return out

    # ---- 4. flags -------------------------------------------------------------------------------

    def layer_flags(self) -> Columns:
        facts = self.facts()
        # A flag fires only where its condition is TRUE: NULL (unknown) does not fire it.
        return [(f"fl__{rule.id}", sql.coalesce(compile_condition(rule.condition, facts), exp.false()))
                for rule in self.rules.flags]

    def _level(self, rule_id: str) -> exp.Expr:
        rule = next(r for r in self.rules.flags if r.id == rule_id)
        if rule.level_if_seen_doctor:  # † and ‡: a doctor has seen this episode
            return sql.case((col("v__seen_doctor_this_episode"), self.tag(rule.level_if_seen_doctor, URGENCIES)),
                            default=self.tag(rule.level, URGENCIES))
        return self.tag(rule.level, URGENCIES)

    def _fires_at(self, level: str) -> exp.Expr:
        parts: list[exp.Expr] = []
        for rule in self.rules.flags:
            seen = col("v__seen_doctor_this_episode")
            if rule.level == level:
                parts.append(sql.and_(col(f"fl__{rule.id}"), sql.not_(seen)) if rule.level_if_seen_doctor
                             else col(f"fl__{rule.id}"))
            if rule.level_if_seen_doctor == level:
                parts.append(sql.and_(col(f"fl__{rule.id}"), seen))
        return sql.or_(*parts)

    # ---- 5. urgency, status, suspected ---------------------------------------------------------

    def layer_outcome(self) -> Columns:
        levels = [u for u in reversed(URGENCIES) if u != "self_care"]  # URGENCIES runs from the lowest up
        urgency = sql.case(*((self._fires_at(u), lit(u)) for u in levels), default=lit("self_care"))
        emergency = self._fires_at("emergency")
        status = sql.case(
            *([(sql.not_null(col("__intake_error")), _code("error"))] if self.staged.intake_error else []),
            # Any error: the emergency that holds with the bad answers (and a duration longer than the
            # life) unknown is still reported, as the engine's ``_emergency_despite`` does.
            (sql.or_(col("x__other"), col("x__dur_age")),
             sql.case((emergency, _code("error_emergency")), default=_code("error"))),
            (col("x__missing"), sql.case((emergency, _code("partial")), default=_code("error"))),
            default=_code("ok"))
        out: Columns = [("x__urgency", urgency), ("x__status", status)]
        out += [(f"s__{cause}", sql.or_(*(col(f"fl__{f}") for f in sorted(flags))))
                for cause, flags in self.rules.causes]
        out += [(f"lv__{rule.id}", self._level(rule.id)) for rule in self.rules.flags]
        return out

    # ---- 6. items -------------------------------------------------------------------------------

    def layer_items(self) -> Columns:
        facts = self.facts(with_outcome=True)
        r = self.rules

        def c(condition: Condition) -> exp.Expr:
            return sql.coalesce(compile_condition(condition, facts), exp.false())

        out: Columns = [("g__plan", c(r.plan_gate)), ("g__avoid", c(r.avoid_gate)), ("g__tips", c(r.tips_gate)),
                        ("g__medication", c(r.medication_gate)), ("g__nsaid", c(r.nsaid_gate))]
        for item in r.plan:
            out.append((f"pl__{item.id}", c(item.condition)))
            out += [(f"pe__{item.id}__{e_id}", c(cond)) for e_id, cond in item.emphasis]
        out += [(f"av__{i.id}", c(i.condition)) for i in r.avoid]
        out += [(f"tp__{i.id}", c(i.condition)) for i in r.tips]
        out += [(f"nc__{i.id}", c(i.condition)) for i in r.nsaid_cautions]
        out += [(f"pc__{i.id}", c(i.condition)) for i in r.paracetamol_cautions]
        return out

    # ---- 7. output ------------------------------------------------------------------------------

    def _status(self, *names: str) -> exp.Expr:
        return sql.in_(col("x__status"), [STATUS.index(n) for n in names])

    def _ids(self, pairs: Sequence[tuple[str, exp.Expr]], *, ordered: bool = True) -> exp.Expr:
        chosen = sorted(pairs, key=lambda p: p[0]) if ordered else list(pairs)
        domain = [i for i, _ in pairs]
        return sql.present([sql.when(cond, self.tag(i, domain)) for i, cond in chosen])

    def _flag_lists(self) -> tuple[exp.Expr, exp.Expr]:
        """The fired flags' ids (sorted) and their levels: a struct with one member per flag, NULL
        where it did not fire (a struct is built column-wise; a map per row costs far more)."""
        rules = sorted(self.rules.flags, key=lambda r: r.id)
        domain = [r.id for r in rules]
        emergency_only = [r for r in rules if r.level == "emergency" or r.level_if_seen_doctor == "emergency"]

        def lists(chosen: list[Any], fired: Callable[[str], exp.Expr]) -> tuple[exp.Expr, exp.Expr]:
            ids = sql.present([sql.when(fired(r.id), self.tag(r.id, domain)) for r in chosen])
            members = {r.id: sql.when(fired(r.id), col(f"lv__{r.id}")) for r in chosen}
            none = exp.Cast(this=exp.Null(), to=_enum(URGENCIES)) if self.dialect == "duckdb" else sql.typed_null(
                "VARCHAR")
            return ids, sql.struct([(r.id, members.get(r.id, none)) for r in rules])

        all_ids, all_levels = lists(rules, lambda i: col(f"fl__{i}"))
        # Next to an error only the emergency flags are shown (as ``error.emergency`` does).
        em_ids, em_levels = lists(emergency_only, lambda i: sql.and_(col(f"fl__{i}"), col(f"lv__{i}").eq(
            self.tag("emergency", URGENCIES))))
        despite = self._status("error_emergency")
        assessed = self._status("ok", "partial")
        return (sql.case((assessed, all_ids), (despite, em_ids)),
                sql.case((assessed, all_levels), (despite, em_levels)))

    def _plan(self) -> tuple[exp.Expr, exp.Expr]:
        """The plan's ids in plan order, and a struct of the emphasis per item that has one."""
        ids = self._ids([(i.id, col(f"pl__{i.id}")) for i in self.rules.plan], ordered=False)
        members = []
        for item in self.rules.plan:
            if item.emphasis:  # the first emphasis that holds wins, as in the engine
                chosen = sql.case(*((col(f"pe__{item.id}__{e}"), lit(e)) for e, _ in item.emphasis))
                members.append((item.id, sql.when(sql.and_(col(f"pl__{item.id}"), sql.not_(col("g__plan"))), chosen)))
        return ids, sql.struct(members)

    def _tips(self) -> exp.Expr:
        tips = self.rules.tips
        domain = [t.id for t in tips]
        personal = [sql.when(col(f"tp__{t.id}"), self.tag(t.id, domain)) for t in tips]
        rest = [sql.when(sql.not_(col(f"tp__{t.id}")), self.tag(t.id, domain)) for t in tips]
        return sql.present([*personal, *rest])

    def _medication(self) -> Columns:
        r = self.rules
        give = sql.and_(self._status("ok"), sql.not_(col("g__medication")))
        nsaid = [(i.id, col(f"nc__{i.id}")) for i in r.nsaid_cautions]
        para = [(i.id, col(f"pc__{i.id}")) for i in r.paracetamol_cautions]
        return [
            ("medication_first_choice", sql.when(give, lit(r.first_choice))),
            ("medication_paracetamol", sql.when(give, sql.case(
                (sql.or_(*(c for _, c in para)), lit("reduced_dose")), default=lit("standard")))),
            ("medication_paracetamol_cautions", sql.when(give, self._ids(para))),
            ("medication_nsaid", sql.when(give, sql.case(
                (sql.or_(col("g__nsaid"), *(c for _, c in nsaid)), lit("avoid")), default=lit("second_choice")))),
            ("medication_nsaid_cautions", sql.when(give, self._ids(nsaid))),
        ]

    def _list_for_ok(self, gate: str, items: exp.Expr, domain: Sequence[str]) -> exp.Expr:
        empty = self.empty(domain)
        return sql.case((self._status("partial"), empty),
                        (self._status("ok"), sql.case((col(gate), empty), default=items)))

    def _errors(self) -> tuple[exp.Expr, exp.Expr]:
        """The message and the field list of a row that is not valid, in the order the intake
        validation reports them (the fields of the intake model, unknown keys last)."""
        texts: list[exp.Expr] = []
        names: list[exp.Expr] = []
        for f in FIELDS:
            if f.kind == "startback":
                texts.append(col("p__startback"))
                names.append(sql.when(sql.not_null(col("p__startback")), lit("startback")))
                earlier: list[exp.Expr] = []
                for key in STARTBACK:
                    problem = col(f"p__sb__{key.name}")
                    texts.append(problem)
                    names.append(sql.when(sql.not_null(problem), lit(f"startback.{key.name}")))
                    names.append(sql.when(sql.and_(sql.not_null(problem), sql.not_(sql.or_(*earlier))),
                                          lit("startback")))
                    earlier.append(sql.not_null(problem))
                continue
            missing = _problem_text(f.name, f.allowed, lit("is required but missing"))
            if f.required:
                texts.append(sql.case((col(f"m__{f.name}"), missing), default=col(f"p__{f.name}")))
                names.append(sql.when(sql.or_(col(f"m__{f.name}"), sql.not_null(col(f"p__{f.name}"))), lit(f.name)))
            else:
                texts.append(col(f"p__{f.name}"))
                names.append(sql.when(sql.not_null(col(f"p__{f.name}")), lit(f.name)))
        text_list, name_list = sql.present(texts), sql.present(names)
        if self.staged.extra:
            text_list = exp.ArrayConcat(this=text_list, expressions=[col("__extra_problems")])
            name_list = exp.ArrayConcat(this=name_list, expressions=[col("__extra_fields")])
        dur_age = _problem_text("duration_days", "at most (age + 1) × 366",
                                lit("is longer than the person's life (see age)"))
        listed = sql.concat(lit("invalid intake: "), sql.join(text_list, "; "))
        # Each list appears once: DuckDB hoists an expression used twice out of its CASE, which
        # would then build it for every row instead of for the few invalid ones.
        invalid = self._status("error", "error_emergency")
        only_age = sql.and_(col("x__dur_age"), sql.not_(col("x__other")))
        error = sql.when(invalid, sql.case(
            *([(sql.not_null(col("__intake_error")), sql.concat(lit("invalid intake: "), col("__intake_error")))]
              if self.staged.intake_error else []),
            (only_age, sql.concat(lit("invalid intake: "), dur_age)), default=listed))
        fields = sql.when(invalid, sql.case(
            *([(sql.not_null(col("__intake_error")), col("__intake_fields"))] if self.staged.intake_error else []),
            (only_age, sql.array([lit("duration_days"), lit("age")])), default=name_list))
        return error, fields

    def layer_output(self) -> Columns:
        r = self.rules
        assessed = self._status("ok", "partial")
        shown = self._status("ok", "partial", "error_emergency")
        flags, levels = self._flag_lists()
        plan, emphasis = self._plan()
        error, error_fields = self._errors()
        risk = sorted([*((rf, col(f"rf__{rf}")) for rf in _risk_field().values), ("pregnancy", col("d__pregnant"))])
        out: Columns = [
            ("urgency", sql.case((self._status("error_emergency"), lit("emergency")),
                                 (assessed, col("x__urgency")))),
            ("complete", sql.when(shown, self._status("ok"))),
            ("episode", sql.when(assessed, col("x__episode"))),
            ("flags", flags),
            ("flag_levels", levels),
            ("suspected", sql.when(assessed, self._ids([(c, col(f"s__{c}")) for c, _ in r.causes]))),
            ("startback_total", sql.when(assessed, col("x__sb_total"))),
            ("startback_psychosocial", sql.when(assessed, col("x__sb_psych"))),
            ("startback_risk", sql.when(assessed, col("x__sb_risk"))),
            *self._medication(),
            ("plan", self._list_for_ok("g__plan", plan, [i.id for i in r.plan])),
            ("plan_emphasis", sql.when(self._status("ok"), emphasis)),
            ("avoid", self._list_for_ok("g__avoid", self._ids([(i.id, col(f"av__{i.id}")) for i in r.avoid]),
                                        [i.id for i in r.avoid])),
            ("tips", self._list_for_ok("g__tips", self._tips(), [t.id for t in r.tips])),
            ("risk_factors", sql.when(assessed, self._ids(risk))),
            ("knowledge_version", lit(r.version)),
            ("error", error),
            ("error_fields", error_fields),
        ]
        return out

    # ---- the whole query -------------------------------------------------------------------------

    def build(self, source: str, id_name: str = "id", group_name: str | None = None) -> exp.Select:
        """``SELECT`` the output from the staged table or view called ``source``; the id column is
        called ``id_name`` and the group column (if staged) ``group_name``."""
        layers = [self.layer_members, self.layer_problems, self.layer_facts, self.layer_derived, self.layer_flags,
                  self.layer_outcome, self.layer_items]
        query: exp.Select = exp.select("*").from_(exp.to_table(source))
        for number, layer in enumerate(layers, 1):
            query = exp.select("*", *(e.as_(n, quoted=True) for n, e in layer())).from_(
                query.subquery(f"l{number}"))
        keep = [col(ID).as_(id_name, quoted=True), *(e.as_(n, quoted=True) for n, e in self.layer_output())]
        if self.staged.group:
            keep.append(col(GROUP).as_(group_name or "group", quoted=True))
        return exp.select(*keep).from_(query.subquery("l8"))

    def sql(self, source: str, id_name: str = "id", group_name: str | None = None) -> str:
        return self.build(source, id_name, group_name).sql(dialect=self.dialect)


def _sum(parts: Sequence[exp.Expr]) -> exp.Expr:
    total = parts[0]
    for part in parts[1:]:
        total = exp.Add(this=total, expression=part)
    return exp.Paren(this=total)


STATUS = ("ok", "partial", "error", "error_emergency")  # a row's status, kept as a small integer


def _code(status: str) -> exp.Expr:
    return lit(STATUS.index(status))


def _enum(domain: Sequence[str]) -> exp.DataType:
    values = ", ".join("'" + v.replace("'", "''") + "'" for v in sorted(set(domain)))
    return exp.DataType.build(f"ENUM({values})", dialect="duckdb")


def _risk_field() -> Field:
    return next(f for f in FIELDS if f.name == "risk_factors")
