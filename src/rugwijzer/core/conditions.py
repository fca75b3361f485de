"""The small condition language of the knowledge base.

Rules in the YAML files state their conditions as Python-style expressions over intake fields and a
few derived facts, e.g. ``pain_trend == "worsening" and (pain_at_rest or night_pain)``, so that a
clinician reads the same text the engine runs. An expression is parsed with :mod:`ast` and only a
small whitelist of node types is accepted; it is then compiled once into a plain function.

The same tree can be evaluated with three-valued (Kleene) logic, where a fact may be ``UNKNOWN``:
that is how a partial intake is screened for emergencies (contract §4). A condition is ``True``
there only when it holds whatever the unknown answers are.
"""

from __future__ import annotations

import ast
import operator
from collections.abc import Callable, Collection, Mapping
from dataclasses import dataclass, field
from typing import Any, Final

from rugwijzer.core.errors import KnowledgeBaseError


class _Unknown:
    """The answer to a question that was not asked (yet)."""

    _instance: _Unknown | None = None

    def __new__(cls) -> _Unknown:
        if cls._instance is None:
            cls._instance = super().__new__(cls)
        return cls._instance

    def __repr__(self) -> str:
        return "UNKNOWN"

    def __bool__(self) -> bool:  # an unknown must never pass silently as "no"
        raise TypeError("UNKNOWN has no truth value; use evaluate_partial")


UNKNOWN: Final = _Unknown()
Truth = bool | _Unknown
Facts = Mapping[str, Any]


class ConditionError(KnowledgeBaseError):
    """A condition text that is not valid in the condition language."""


def at_least(n: int, *answers: object) -> bool:
    """True when at least ``n`` of the answers are true."""
    return sum(1 for a in answers if a) >= n


_FUNCTIONS: Final[dict[str, Callable[..., Any]]] = {"at_least": at_least}

_COMPARE: Final[dict[type[ast.cmpop], Callable[[Any, Any], Any]]] = {
    ast.Eq: operator.eq,
    ast.NotEq: operator.ne,
    ast.Lt: operator.lt,
    ast.LtE: operator.le,
    ast.Gt: operator.gt,
    ast.GtE: operator.ge,
    ast.In: lambda a, b: a in b,
    ast.NotIn: lambda a, b: a not in b,
}
_ARITHMETIC: Final[dict[type[ast.operator], Callable[[Any, Any], Any]]] = {
    ast.Add: operator.add,
    ast.Sub: operator.sub,
    ast.Mult: operator.mul,
    ast.Div: operator.truediv,
}
_ALLOWED_NODES: Final = (
    ast.Expression, ast.BoolOp, ast.And, ast.Or, ast.UnaryOp, ast.Not, ast.USub, ast.BinOp,
    ast.Compare, ast.Name, ast.Load, ast.Constant, ast.Tuple, ast.List, ast.Set, ast.Call,
    *_COMPARE, *_ARITHMETIC,
)


@dataclass(frozen=True, slots=True)
class Domain:
    """What a fact may hold: used to catch typos such as ``radiation == "toe"`` at load time."""

    values: frozenset[str] | None = None  # allowed string values (enum-like facts)


@dataclass(frozen=True, slots=True)
class Condition:
    """A compiled condition: call it on complete facts, or ``evaluate_partial`` with unknowns."""

    text: str
    names: frozenset[str]
    _tree: ast.expr
    _body: ast.expr  # the compiled form's expression, reused by ``compile_group``
    # Compiled to Python on first call: the engine mostly runs whole groups (``compile_group``), and
    # compiling each of ~190 conditions up front would be most of the time a command takes to start.
    _function: Callable[[Facts], Any] | None = field(default=None, compare=False, repr=False)

    def __call__(self, facts: Facts) -> bool:
        function = self._function
        if function is None:
            function = _compile_lambda(self._body, f"<condition {self.text!r}>")
            object.__setattr__(self, "_function", function)
        return bool(function(facts))

    @property
    def tree(self) -> ast.expr:
        """The checked expression tree, for other back ends (the SQL compiler); do not change it."""
        return self._tree

    def evaluate_partial(self, facts: Facts) -> Truth:
        """Kleene evaluation: ``UNKNOWN`` where the answer depends on unknown facts."""
        return _truth(_evaluate3(self._tree, facts))


def compile_condition(text: str, domains: Mapping[str, Domain]) -> Condition:
    """Parse, check and compile ``text``; raise ConditionError naming what is wrong."""
    try:
        tree = ast.parse(text.strip(), mode="eval")
    except SyntaxError as exc:
        raise ConditionError(f"not a valid expression: {text!r} ({exc.msg})") from None
    names = _check(tree, domains, text)
    body = _FactLookup().visit(ast.parse(text.strip(), mode="eval")).body
    return Condition(text=text, names=frozenset(names), _tree=tree.body, _body=body)


def compile_group(conditions: list[Condition]) -> Callable[[Facts], tuple[Any, ...]]:
    """One function that evaluates many conditions at once, returning a tuple of their values
    (use them for their truth: ``a or b`` may give ``a`` itself).

    The engine runs dozens of rules per intake; one call instead of dozens keeps it fast."""
    return _compile_lambda(ast.Tuple(elts=[c._body for c in conditions], ctx=ast.Load()), "<condition group>")


def _compile_lambda(body: ast.expr, name: str) -> Callable[[Facts], Any]:
    function_tree = ast.Expression(
        body=ast.Lambda(
            args=ast.arguments(posonlyargs=[], args=[ast.arg(arg="facts")], kwonlyargs=[],
                               kw_defaults=[], defaults=[]),
            body=body,
        )
    )
    ast.fix_missing_locations(function_tree)
    code = compile(function_tree, name, "eval")
    # Every tree was checked against a whitelist before, so this runs no arbitrary code.
    function: Callable[[Facts], Any] = eval(code, {"__builtins__": {}, **_FUNCTIONS})
    return function


class _FactLookup(ast.NodeTransformer):
    """Turn each fact name into ``facts["name"]`` (function names stay as they are)."""

    def visit_Call(self, node: ast.Call) -> ast.AST:
        node.args = [self.visit(arg) for arg in node.args]
        return node

    def visit_Set(self, node: ast.Set) -> ast.AST:
        """A set of constants becomes one frozenset constant, built once instead of per call."""
        if all(isinstance(e, ast.Constant) for e in node.elts):
            values = frozenset(e.value for e in node.elts if isinstance(e, ast.Constant))
            return ast.copy_location(ast.Constant(values), node)  # type: ignore[arg-type]
        return self.generic_visit(node)

    def visit_Name(self, node: ast.Name) -> ast.AST:
        return ast.copy_location(
            ast.Subscript(value=ast.Name(id="facts", ctx=ast.Load()), slice=ast.Constant(node.id),
                          ctx=ast.Load()),
            node,
        )


def _check(tree: ast.Expression, domains: Mapping[str, Domain], text: str) -> set[str]:
    names: set[str] = set()
    for node in ast.walk(tree):
        if not isinstance(node, _ALLOWED_NODES):
            raise ConditionError(f"{type(node).__name__} is not allowed in a condition: {text!r}")
        if isinstance(node, ast.Call):
            if not isinstance(node.func, ast.Name) or node.func.id not in _FUNCTIONS or node.keywords:
                raise ConditionError(f"only {sorted(_FUNCTIONS)} may be called: {text!r}")
        elif isinstance(node, ast.Name) and not _is_function_name(tree, node):
            if node.id not in domains:
                raise ConditionError(f"unknown fact {node.id!r} in {text!r}")
            names.add(node.id)
        elif isinstance(node, ast.Compare):
            _check_values(node, domains, text)
    return names


def _is_function_name(tree: ast.Expression, name: ast.Name) -> bool:
    return any(isinstance(n, ast.Call) and n.func is name for n in ast.walk(tree))


def _check_values(node: ast.Compare, domains: Mapping[str, Domain], text: str) -> None:
    """A string compared with an enum-like fact must be one of its values."""
    operands = [node.left, *node.comparators]
    allowed: frozenset[str] | None = None
    for operand in operands:
        if isinstance(operand, ast.Name) and operand.id in domains:
            allowed = domains[operand.id].values or allowed
    if allowed is None:
        return
    for operand in operands:
        for value in _string_constants(operand):
            if value not in allowed:
                raise ConditionError(f"{value!r} is not one of {sorted(allowed)} in {text!r}")


def _string_constants(node: ast.expr) -> list[str]:
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        return [node.value]
    if isinstance(node, ast.Tuple | ast.List | ast.Set):
        return [v for element in node.elts for v in _string_constants(element)]
    return []


def _truth(value: Any) -> Truth:
    return UNKNOWN if value is UNKNOWN else bool(value)


def _evaluate3(node: ast.expr, facts: Facts) -> Any:
    """Evaluate with UNKNOWN propagating (Kleene logic for and/or/not)."""
    if isinstance(node, ast.Constant):
        return node.value
    if isinstance(node, ast.Name):
        return facts[node.id]
    if isinstance(node, ast.Tuple | ast.List | ast.Set):
        values = [_evaluate3(e, facts) for e in node.elts]
        return UNKNOWN if any(v is UNKNOWN for v in values) else frozenset(values)
    if isinstance(node, ast.BoolOp):
        return _bool_op(node, facts)
    if isinstance(node, ast.UnaryOp):
        operand = _evaluate3(node.operand, facts)
        if operand is UNKNOWN:
            return UNKNOWN
        return (not operand) if isinstance(node.op, ast.Not) else -operand
    if isinstance(node, ast.BinOp):
        left, right = _evaluate3(node.left, facts), _evaluate3(node.right, facts)
        if left is UNKNOWN or right is UNKNOWN:
            return UNKNOWN
        return _ARITHMETIC[type(node.op)](left, right)
    if isinstance(node, ast.Compare):
        return _compare(node, facts)
    if isinstance(node, ast.Call):
        return _at_least3([_evaluate3(a, facts) for a in node.args])
    raise ConditionError(f"cannot evaluate {ast.dump(node)}")  # unreachable after _check


def _bool_op(node: ast.BoolOp, facts: Facts) -> Truth:
    is_and = isinstance(node.op, ast.And)
    unknown = False
    for value in (_truth(_evaluate3(v, facts)) for v in node.values):
        if value is UNKNOWN:
            unknown = True
        elif value is not is_and:  # a False in an "and", a True in an "or", decides it
            return not is_and
    return UNKNOWN if unknown else is_and


def _compare(node: ast.Compare, facts: Facts) -> Truth:
    left = _evaluate3(node.left, facts)
    unknown = False
    for op, right_node in zip(node.ops, node.comparators, strict=True):
        right = _evaluate3(right_node, facts)
        if left is UNKNOWN or right is UNKNOWN:
            unknown = True
        elif not _COMPARE[type(op)](left, right):
            return False
        left = right
    return UNKNOWN if unknown else True


def _at_least3(values: list[Any]) -> Truth:
    n, answers = values[0], [_truth(v) for v in values[1:]]
    if not isinstance(n, int):  # an unknown count: nothing can be decided
        return UNKNOWN
    yes = sum(1 for a in answers if a is True)
    unknown = sum(1 for a in answers if a is UNKNOWN)
    if yes >= n:
        return True
    return UNKNOWN if yes + unknown >= n else False


def domains_from(names: Collection[str], values: Mapping[str, Collection[str]]) -> dict[str, Domain]:
    """Build the domain table for ``compile_condition`` from fact names and enum values."""
    return {name: Domain(frozenset(values[name]) if name in values else None) for name in names}
