"""The knowledge base's condition language compiled to SQL (sqlglot expression trees).

Input is the very tree the Python engine checked and runs (``Condition.tree``), so there is no
second copy of a rule. The translation keeps the engine's three-valued meaning:

* an unknown answer (a required field of a partial intake) is SQL NULL, and SQL's AND, OR and NOT
  are Kleene's: ``TRUE OR NULL`` is TRUE, ``FALSE AND NULL`` is FALSE, anything else with NULL is
  NULL, exactly as ``Condition.evaluate_partial``; a flag fires only where its condition IS TRUE;
* a comparison with an unknown operand is NULL, as in the engine;
* ``None`` is an ordinary value for the few optional fields that may be null (``sex``,
  ``first_episode``, ``pregnancy_weeks``, the STarT Back risk): there SQL's NULL must not mean
  unknown, so equality is null-safe (``IS NOT DISTINCT FROM``) and ``in`` treats NULL as a value;
* division is real division on doubles, as Python's ``/``;
* sets (``suspected``, ``risk_factors``) are one boolean column per member, computed once.
"""

from __future__ import annotations

import ast
from collections.abc import Mapping
from dataclasses import dataclass, field

from sqlglot import exp

from rugwijzer.core.conditions import Condition
from rugwijzer.screening import sql


class CompileError(ValueError):
    """A condition uses a form the SQL compiler does not translate (caught by the tests for every rule)."""


@dataclass(frozen=True, slots=True)
class Facts:
    """What each name in a condition means in SQL.

    ``values``: a scalar expression per fact; ``nullable``: facts where NULL is a real value (None),
    never an unknown; ``sets``: for set-valued facts, one boolean expression per member."""

    values: Mapping[str, exp.Expr]
    nullable: frozenset[str] = frozenset()
    sets: Mapping[str, Mapping[str, exp.Expr]] = field(default_factory=dict)


def compile_condition(condition: Condition, facts: Facts) -> exp.Expr:
    """The condition as a boolean SQL expression: TRUE, FALSE or NULL (unknown)."""
    return _Translator(facts, condition.text).truth(condition.tree)


class _Translator:
    def __init__(self, facts: Facts, text: str) -> None:
        self.facts = facts
        self.text = text

    def fail(self, node: ast.AST) -> CompileError:
        return CompileError(f"cannot compile {ast.dump(node)} in {self.text!r}")

    def truth(self, node: ast.expr) -> exp.Expr:
        """``node`` used as a truth value (Python's ``bool()``); a set is true when not empty."""
        if isinstance(node, ast.Name) and node.id in self.facts.sets:
            return sql.or_(*self.facts.sets[node.id].values())
        if isinstance(node, ast.BoolOp):
            parts = [self.truth(v) for v in node.values]
            return sql.and_(*parts) if isinstance(node.op, ast.And) else sql.or_(*parts)
        if isinstance(node, ast.UnaryOp) and isinstance(node.op, ast.Not):
            return sql.not_(self.truth(node.operand))
        if isinstance(node, ast.Compare):
            return sql.and_(*(self.compare(op, left, right) for op, left, right in
                              zip(node.ops, [node.left, *node.comparators[:-1]], node.comparators, strict=True)))
        if isinstance(node, ast.Call):
            return self.at_least(node)
        return self.value(node)

    def value(self, node: ast.expr) -> exp.Expr:
        if isinstance(node, ast.Constant):
            if isinstance(node.value, float):  # a real number: compute in doubles, as Python does
                return sql.cast(exp.Literal.number(repr(node.value)), "DOUBLE")
            if node.value is None or isinstance(node.value, str | int | bool):
                return sql.lit(node.value)
        if isinstance(node, ast.Name) and node.id in self.facts.values:
            return self.facts.values[node.id]
        if isinstance(node, ast.UnaryOp) and isinstance(node.op, ast.USub):
            return exp.Neg(this=self.value(node.operand))
        if isinstance(node, ast.BinOp):
            left, right = self.value(node.left), self.value(node.right)
            if isinstance(node.op, ast.Div):
                return exp.Paren(this=exp.Div(this=sql.cast(left, "DOUBLE"), expression=sql.cast(right, "DOUBLE")))
            kind = {ast.Add: exp.Add, ast.Sub: exp.Sub, ast.Mult: exp.Mul}.get(type(node.op))
            if kind is not None:
                return exp.Paren(this=kind(this=left, expression=right))
        if isinstance(node, ast.BoolOp | ast.Compare | ast.Call) or (
                isinstance(node, ast.UnaryOp) and isinstance(node.op, ast.Not)):
            return self.truth(node)
        raise self.fail(node)

    def _nullable(self, *nodes: ast.expr) -> bool:
        return any(isinstance(n, ast.Name) and n.id in self.facts.nullable for n in nodes)

    def compare(self, op: ast.cmpop, left: ast.expr, right: ast.expr) -> exp.Expr:
        if isinstance(op, ast.In | ast.NotIn):
            found = self.membership(left, right)
            return sql.not_(found) if isinstance(op, ast.NotIn) else found
        if isinstance(op, ast.LtE) and isinstance(left, ast.Name) and left.id in self.facts.sets:
            return self.subset(left.id, right)
        if isinstance(op, ast.Eq | ast.NotEq):
            return self.equality(isinstance(op, ast.Eq), left, right)
        kinds = {ast.Lt: exp.LT, ast.LtE: exp.LTE, ast.Gt: exp.GT, ast.GtE: exp.GTE}
        return kinds[type(op)](this=self.value(left), expression=self.value(right))

    def equality(self, equal: bool, left: ast.expr, right: ast.expr) -> exp.Expr:
        """``==``/``!=``: null-safe where None is a value, plain (NULL = unknown) elsewhere."""
        a, b = self.value(left), self.value(right)
        if self._nullable(left, right) or _is_none(left) or _is_none(right):
            same: exp.Expr = exp.NullSafeEQ(this=a, expression=b)
            return same if equal else sql.not_(same)
        return exp.EQ(this=a, expression=b) if equal else exp.NEQ(this=a, expression=b)

    def membership(self, left: ast.expr, right: ast.expr) -> exp.Expr:
        """``x in ("a", "b")`` or ``"a" in risk_factors``."""
        if isinstance(right, ast.Name) and right.id in self.facts.sets:
            if not (isinstance(left, ast.Constant) and isinstance(left.value, str)):
                raise self.fail(left)
            members = self.facts.sets[right.id]
            return members.get(left.value, exp.false())
        if not isinstance(right, ast.Tuple | ast.List | ast.Set) or not all(
                isinstance(e, ast.Constant) for e in right.elts):
            raise self.fail(right)
        values = [self.value(e) for e in right.elts]
        found = exp.In(this=self.value(left), expressions=values)
        # Where None is a value, "None in (...)" is simply false (never unknown).
        return sql.coalesce(found, exp.false()) if self._nullable(left) else found

    def subset(self, name: str, right: ast.expr) -> exp.Expr:
        """``suspected <= {"radicular"}``: no member outside the given set."""
        if not isinstance(right, ast.Set | ast.Tuple | ast.List):
            raise self.fail(right)
        allowed = {e.value for e in right.elts if isinstance(e, ast.Constant)}
        outside = [flag for member, flag in self.facts.sets[name].items() if member not in allowed]
        return sql.not_(sql.or_(*outside))

    def at_least(self, node: ast.Call) -> exp.Expr:
        """``at_least(n, a, b, ...)`` with the engine's Kleene reading: TRUE when n are surely true,
        NULL when the unknown ones could still make n, else FALSE."""
        if not (isinstance(node.func, ast.Name) and node.func.id == "at_least" and node.args
                and isinstance(node.args[0], ast.Constant) and isinstance(node.args[0].value, int)):
            raise self.fail(node)
        n = node.args[0].value
        answers = [self.truth(a) for a in node.args[1:]]
        yes = _count([sql.when(a, sql.lit(1)) for a in answers])
        maybe = _count([sql.when(sql.is_null(a), sql.lit(1)) for a in answers])
        return sql.case((exp.GTE(this=yes, expression=sql.lit(n)), exp.true()),
                        (exp.GTE(this=exp.Add(this=yes, expression=maybe), expression=sql.lit(n)), exp.Null()),
                        default=exp.false())


def _count(parts: list[exp.Case]) -> exp.Expr:
    total: exp.Expr = sql.coalesce(parts[0], sql.lit(0))
    for part in parts[1:]:
        total = exp.Add(this=total, expression=sql.coalesce(part, sql.lit(0)))
    return exp.Paren(this=total)


def _is_none(node: ast.expr) -> bool:
    return isinstance(node, ast.Constant) and node.value is None
