"""Small builders for the sqlglot expressions the screening query needs, per dialect.

Most of the query is plain SQL that sqlglot renders for any dialect; the list functions differ
(DuckDB ``list_has_all`` against Spark ``array_except``), so those few live here.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Literal

from sqlglot import exp

Dialect = Literal["duckdb", "spark"]
DIALECTS: tuple[Dialect, ...] = ("duckdb", "spark")


def col(name: str) -> exp.Column:
    """A column by its exact name (always quoted: CSV headers may hold dots)."""
    return exp.Column(this=exp.to_identifier(name, quoted=True))


def lit(value: str | int | bool | None) -> exp.Expr:
    if value is None:
        return exp.Null()
    if isinstance(value, bool):
        return exp.Boolean(this=value)
    if isinstance(value, int):
        return exp.Literal.number(value)
    return exp.Literal.string(value)


def cast(expression: exp.Expr, to: str) -> exp.Cast:
    return exp.Cast(this=expression, to=exp.DataType.build(to))


def typed_null(to: str) -> exp.Cast:
    return cast(exp.Null(), to)


def and_(*parts: exp.Expr) -> exp.Expr:
    return exp.and_(*parts, wrap=True) if parts else exp.true()


def or_(*parts: exp.Expr) -> exp.Expr:
    return exp.or_(*parts, wrap=True) if parts else exp.false()


def not_(part: exp.Expr) -> exp.Expr:
    return exp.Not(this=exp.Paren(this=part))


def is_null(part: exp.Expr) -> exp.Expr:
    return exp.Is(this=part, expression=exp.Null())


def not_null(part: exp.Expr) -> exp.Expr:
    return exp.Not(this=is_null(part))


def coalesce(part: exp.Expr, default: exp.Expr) -> exp.Expr:
    return exp.Coalesce(this=part, expressions=[default])


def case(*branches: tuple[exp.Expr, exp.Expr], default: exp.Expr | None = None) -> exp.Case:
    return exp.Case(ifs=[exp.If(this=cond, true=value) for cond, value in branches], default=default)


def when(condition: exp.Expr, value: exp.Expr) -> exp.Case:
    return case((condition, value))


def concat(*parts: exp.Expr) -> exp.Expr:
    return exp.Concat(expressions=list(parts), safe=False, coalesce=False)


def in_(part: exp.Expr, values: Iterable[str | int]) -> exp.In:
    return exp.In(this=part, expressions=[lit(v) for v in values])


def array(items: Sequence[exp.Expr]) -> exp.Array:
    return exp.Array(expressions=list(items))


def present(items: Sequence[exp.Expr]) -> exp.Expr:
    """One array of the items that are not NULL, in order: the one way every output list is built
    (a CASE per possible id, then a single filter, instead of growing a list element by element)."""
    x = exp.to_identifier("x")
    return exp.ArrayFilter(this=array(items),
                           expression=exp.Lambda(this=not_null(exp.Column(this=x)), expressions=[x]))


def contains(array_: exp.Expr, value: exp.Expr) -> exp.Expr:
    return exp.ArrayContains(this=array_, expression=value)


def size(array_: exp.Expr) -> exp.Expr:
    return exp.ArraySize(this=array_)


def join(array_: exp.Expr, separator: str) -> exp.Expr:
    return exp.ArrayToString(this=array_, expression=lit(separator))




def struct(members: Sequence[tuple[str, exp.Expr]]) -> exp.Expr:
    return exp.Struct(expressions=[exp.PropertyEQ(this=exp.to_identifier(name, quoted=True), expression=value)
                                   for name, value in members])


def subset_of(array_: exp.Expr, allowed: Sequence[str], dialect: Dialect) -> exp.Expr:
    """Every element of ``array_`` is one of ``allowed``."""
    if dialect == "duckdb":
        return exp.Anonymous(this="list_has_all", expressions=[array([lit(a) for a in allowed]), array_])
    return exp.EQ(this=size(exp.Anonymous(this="array_except", expressions=[array_, array([lit(a) for a in allowed])])),
                  expression=lit(0))




def split(text: exp.Expr, separator: str, dialect: Dialect) -> exp.Expr:
    # Spark's split takes a regular expression; the separator here is a plain ';'.
    name = "string_split" if dialect == "duckdb" else "split"
    return exp.Anonymous(this=name, expressions=[text, lit(separator)])


def full_match(text: exp.Expr, pattern: str, dialect: Dialect) -> exp.Expr:
    if dialect == "duckdb":
        return exp.Anonymous(this="regexp_full_match", expressions=[text, lit(pattern)])
    return exp.RegexpLike(this=text, expression=lit(f"^(?:{pattern})$"))
