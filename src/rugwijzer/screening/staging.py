"""Input tables → the staged shape the screening query reads (see ``query``).

A typed column (Parquet: BOOLEAN, an integer type, VARCHAR, a list of VARCHAR, a struct) is read as
it is: no parsing, no regular expressions, so a well-typed file costs nothing here. A column of the
wrong type (a DOUBLE ``pain_score``, a VARCHAR ``fever``) is never converted: each of its values is
a problem (contract §1: ``7.0`` is not ``7``, ``"yes"`` is not ``true``). CSV has only text: there
``true``/``false``, whole numbers and ``;``-separated ids are parsed, and an empty cell is NULL.
JSON Lines (and FHIR answers mapped to intakes) keep JSON's own types; see ``json_staging``.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

from sqlglot import exp

from rugwijzer.screening import sql
from rugwijzer.screening.query import GROUP, ID, Staged
from rugwijzer.screening.schema import FIELDS, STARTBACK, Field
from rugwijzer.screening.sql import Dialect, col, lit

STARTBACK_PREFIX = "startback."


@dataclass(frozen=True, slots=True)
class ColumnType:
    """A column's type, reduced to what matters here: bool, int, float, str, list (of str),
    struct (with its fields), or other."""

    kind: str
    fields: Mapping[str, ColumnType] = field(default_factory=dict)


class UnknownColumns(ValueError):
    """Columns that are no contract field and not named by ``--id``/``--group-by`` (contract §5)."""

    def __init__(self, names: list[str]) -> None:
        self.names = names
        super().__init__(", ".join(names))


def known_columns() -> set[str]:
    return {f.name for f in FIELDS} | {STARTBACK_PREFIX + f.name for f in STARTBACK}


def check_columns(columns: Mapping[str, ColumnType], id_column: str | None, group_column: str | None) -> None:
    """A column that is no contract field is refused for the whole file: a typo must never hide a
    red flag (``bladder_problem`` read as unknown)."""
    allowed = known_columns() | {c for c in (id_column, group_column) if c}
    unknown = [name for name in columns if name not in allowed]
    if unknown:
        raise UnknownColumns(unknown)


def _expected(f: Field) -> str:
    return {"bool": "bool", "int": "int", "enum": "str", "list": "list"}[f.kind]


class TableStaging:
    """The staging ``SELECT`` for a table input (Parquet, CSV, or a Spark DataFrame of either)."""

    def __init__(self, columns: Mapping[str, ColumnType], *, text: bool, dialect: Dialect,
                 id_column: str | None, group_column: str | None, row_number: str | None = None) -> None:
        self.columns, self.text, self.dialect = columns, text, dialect
        self.id_column, self.group_column, self.row_number = id_column, group_column, row_number
        self.bad: set[str] = set()

    def _scalar(self, f: Field, source: exp.Expr, name: str, ctype: ColumnType | None) -> list[exp.Expr]:
        """The canonical value of one field and, where its type cannot be trusted, its ``__bad``."""
        if ctype is None:
            return [sql.typed_null(f.sql_type).as_(name, quoted=True)]
        if self.text and ctype.kind == "str" and f.kind != "enum":
            return self._parsed(f, source, name)
        if ctype.kind == _expected(f):
            return [sql.cast(source, f.sql_type).as_(name, quoted=True)]
        self.bad.add(name)
        shown: exp.Expr = sql.cast(source, "VARCHAR")
        if ctype.kind == "str":
            shown = sql.concat(lit('"'), shown, lit('"'))
        return [sql.typed_null(f.sql_type).as_(name, quoted=True),
                sql.when(sql.not_null(source), shown).as_(f"{name}__bad", quoted=True)]

    def _parsed(self, f: Field, source: exp.Expr, name: str) -> list[exp.Expr]:
        """CSV text: ``true``/``false``, whole numbers, ``;``-separated ids; an empty cell is NULL."""
        cell = exp.Nullif(this=source, expression=lit(""))
        if f.kind == "list":
            return [sql.when(sql.not_null(cell), sql.split(cell, ";", self.dialect)).as_(name, quoted=True)]
        if f.kind == "bool":
            ok: exp.Expr = sql.in_(cell, ["true", "false"])
            value: exp.Expr = cell.eq(lit("true"))
        else:
            ok = sql.full_match(cell, "-?[0-9]{1,15}", self.dialect)
            value = sql.cast(cell, "BIGINT")
        self.bad.add(name)
        return [sql.when(ok, value).as_(name, quoted=True),
                sql.when(sql.and_(sql.not_null(cell), sql.not_(ok)), sql.concat(lit('"'), cell, lit('"')))
                .as_(f"{name}__bad", quoted=True)]

    def _startback(self) -> list[exp.Expr]:
        struct = self.columns.get("startback")
        flat = {f.name: self.columns.get(STARTBACK_PREFIX + f.name) for f in STARTBACK}
        out: list[exp.Expr] = []
        if struct is not None and struct.kind == "struct" and all(
                k.name in struct.fields and struct.fields[k.name].kind == _expected(k) for k in STARTBACK) \
                and set(struct.fields) == {k.name for k in STARTBACK}:
            parent = col("startback")
            out.append(sql.not_null(parent).as_("startback__given", quoted=True))
            for k in STARTBACK:
                member = exp.Dot(this=parent, expression=exp.to_identifier(k.name, quoted=True))
                out.append(sql.cast(member, k.sql_type).as_(f"sb__{k.name}", quoted=True))
            return out
        if struct is not None:  # a struct of another shape, or no struct: the whole object is wrong
            self.bad.add("startback")
            out.append(sql.when(sql.not_null(col("startback")), sql.cast(col("startback"), "VARCHAR"))
                       .as_("startback__bad", quoted=True))
        given = [sql.not_null(col(STARTBACK_PREFIX + k)) for k, t in flat.items() if t is not None]
        out.append(sql.or_(*given).as_("startback__given", quoted=True))
        for k in STARTBACK:
            out += self._scalar(k, col(STARTBACK_PREFIX + k.name), f"sb__{k.name}", flat[k.name])
        return out

    def select(self, source: str) -> tuple[exp.Select, Staged]:
        check_columns(self.columns, self.id_column, self.group_column)
        row_id: exp.Expr = (col(self.id_column) if self.id_column and self.id_column in self.columns
                                  else col(self.row_number or "__row"))
        items: list[exp.Expr] = [row_id.as_(ID, quoted=True)]
        if self.group_column:
            items.append(col(self.group_column).as_(GROUP, quoted=True))
        for f in FIELDS:
            if f.kind == "startback":
                items += self._startback()
            else:
                items += self._scalar(f, col(f.name), f.name, self.columns.get(f.name))
        staged = Staged(bad=frozenset(self.bad), group=self.group_column is not None)
        return exp.select(*items).from_(exp.to_table(source)), staged
