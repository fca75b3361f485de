"""A flow condition (``ask_when``, the knowledge base's condition language) → FHIR ``enableWhen``.

Only what FHIR can say is translated: a yes/no answer (``x``, ``not x``), a comparison of one answer
with a constant (``==``, ``!=``, ``<``, ``<=``, ``>``, ``>=``), ``in``/``not in`` a list, and one
level of ``and``/``or`` over those. Anything richer (arithmetic, nesting) is left out, and leaving
out is always on the safe side: a dropped part of an ``and`` only makes the item enabled more
often, and an ``or`` with a part FHIR cannot say leaves the item always enabled. An enabled item
that does not apply costs one extra answer; a hidden one could hide a red flag.
"""

from __future__ import annotations

import ast
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, Literal

Behavior = Literal["any", "all"]
_OPERATORS: dict[type[ast.cmpop], str] = {ast.Eq: "=", ast.NotEq: "!=", ast.Lt: "<", ast.LtE: "<=",
                                          ast.Gt: ">", ast.GtE: ">="}

# How a constant is written for a question: answerBoolean / answerInteger / answerCoding.
AnswerOf = Callable[[str, Any], dict[str, Any] | None]
Conditions = tuple[dict[str, Any], ...]


@dataclass(frozen=True, slots=True)
class EnableWhen:
    conditions: tuple[dict[str, Any], ...]
    behavior: Behavior = "all"

    def fhir(self) -> dict[str, Any]:
        """The item members: ``enableWhen`` and, with more than one condition, ``enableBehavior``."""
        out: dict[str, Any] = {"enableWhen": list(self.conditions)}
        if len(self.conditions) > 1:
            out["enableBehavior"] = self.behavior
        return out


class _Untranslatable(Exception):
    pass


def translate(text: str | None, answer_of: AnswerOf) -> EnableWhen | None:
    """The enableWhen for a condition, or None: always enabled (no condition, or none FHIR can say)."""
    if not text:
        return None
    node = ast.parse(text.strip(), mode="eval").body
    try:
        return _top(node, answer_of)
    except _Untranslatable:
        return None


def _top(node: ast.expr, answer_of: AnswerOf) -> EnableWhen:
    if isinstance(node, ast.BoolOp) and isinstance(node.op, ast.And):
        parts = [_atoms_or_none(value, answer_of, "all") for value in node.values]
        kept = tuple(c for part in parts for c in part or ())  # dropping a conjunct is safe
        if not kept:
            raise _Untranslatable
        return EnableWhen(kept, "all")
    if isinstance(node, ast.BoolOp) and isinstance(node.op, ast.Or):
        alternatives = [_atoms(value, answer_of, "any") for value in node.values]  # all or nothing
        return EnableWhen(tuple(c for part in alternatives for c in part), "any")
    conditions, behavior = _simple(node, answer_of)
    return EnableWhen(conditions, behavior)


def _atoms_or_none(node: ast.expr, answer_of: AnswerOf, behavior: Behavior) -> Conditions | None:
    try:
        return _atoms(node, answer_of, behavior)
    except _Untranslatable:
        return None


def _atoms(node: ast.expr, answer_of: AnswerOf, behavior: Behavior) -> Conditions:
    """Conditions that combine with ``behavior``; a part that needs the other one cannot nest."""
    conditions, own = _simple(node, answer_of)
    if len(conditions) > 1 and own != behavior:
        raise _Untranslatable
    return conditions


def _simple(node: ast.expr, answer_of: AnswerOf) -> tuple[Conditions, Behavior]:
    if isinstance(node, ast.Name):
        return (_condition(node.id, "=", True, answer_of),), "all"
    if isinstance(node, ast.UnaryOp) and isinstance(node.op, ast.Not) and isinstance(node.operand, ast.Name):
        return (_condition(node.operand.id, "!=", True, answer_of),), "all"
    if isinstance(node, ast.Compare) and len(node.ops) == 1 and isinstance(node.left, ast.Name):
        return _compare(node.left.id, node.ops[0], node.comparators[0], answer_of)
    raise _Untranslatable


def _compare(name: str, op: ast.cmpop, right: ast.expr, answer_of: AnswerOf) -> tuple[Conditions, Behavior]:
    if type(op) in _OPERATORS and isinstance(right, ast.Constant):
        return (_condition(name, _OPERATORS[type(op)], right.value, answer_of),), "all"
    if isinstance(op, ast.In | ast.NotIn) and isinstance(right, ast.Tuple | ast.List | ast.Set):
        values = [e.value for e in right.elts if isinstance(e, ast.Constant)]
        if len(values) != len(right.elts) or not values:
            raise _Untranslatable
        operator = "=" if isinstance(op, ast.In) else "!="
        behavior: Behavior = "any" if isinstance(op, ast.In) else "all"
        return tuple(_condition(name, operator, v, answer_of) for v in values), behavior
    raise _Untranslatable


def _condition(name: str, operator: str, value: Any, answer_of: AnswerOf) -> dict[str, Any]:
    answer = answer_of(name, value)
    if answer is None:
        raise _Untranslatable
    return {"question": name, "operator": operator, **answer}
