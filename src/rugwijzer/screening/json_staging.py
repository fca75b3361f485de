"""JSON Lines → the staged shape (DuckDB's JSON functions; Spark gets the staged result as Parquet).

Each line is checked as ``rugwijzer assess --jsonl`` checks it: one JSON object, no key twice, JSON's
own types (``7.0`` is no integer, ``"true"`` no boolean), ``null`` only where the contract allows it,
unknown keys named. A line that is no JSON object becomes an error row, never a dropped row.
"""

from __future__ import annotations

from sqlglot import exp

from rugwijzer.screening import sql
from rugwijzer.screening.query import GROUP, ID, Staged
from rugwijzer.screening.schema import FIELDS, STARTBACK, Field
from rugwijzer.screening.sql import col, lit

TEXT, ROW, RAW = "__text", "__row", "__raw"
_JSON_TYPES = {"bool": ("BOOLEAN",), "int": ("BIGINT", "UBIGINT"), "enum": ("VARCHAR",), "list": ("ARRAY",)}
_UNKNOWN_KEY = "is not a known field (check the spelling) (allowed: the fields of contract §1)"


def _path(*keys: str) -> exp.Expr:
    return lit("$." + ".".join('"' + k.replace('"', '\\"') + '"' for k in keys))


def _fn(name: str, *args: exp.Expr) -> exp.Expr:
    return exp.Anonymous(this=name, expressions=list(args))


def _value(f: Field, keys: tuple[str, ...], name: str) -> list[exp.Expr]:
    kind = _fn("json_type", col(TEXT), _path(*keys))
    raw = sql.cast(_fn("json_extract", col(TEXT), _path(*keys)), "VARCHAR")
    text = _fn("json_extract_string", col(TEXT), _path(*keys))
    # TRY_CAST: the value is converted before its JSON type is known to fit (the type decides after)
    if f.kind == "list":
        value: exp.Expr = exp.TryCast(this=_fn("json_extract", col(TEXT), _path(*keys)),
                                            to=exp.DataType.build("VARCHAR[]"))
    else:
        value = exp.TryCast(this=text, to=exp.DataType.build(f.sql_type))
    fits = sql.in_(kind, _JSON_TYPES[f.kind])
    # null is a value only where the contract says "or null"; elsewhere it is an error, never "no"
    allowed_null = sql.in_(kind, ["NULL"]) if f.nullable else exp.false()
    good = sql.and_(fits, sql.not_null(value))
    return [sql.when(good, value).as_(name, quoted=True),
            sql.when(sql.and_(sql.not_null(kind), sql.not_(good), sql.not_(allowed_null)), raw)
            .as_(f"{name}__bad", quoted=True)]


def _extra(keys: exp.Expr, known: list[str], prefix: str) -> exp.Expr:
    """The keys not in ``known``, in the order given, each as ``prefix + key``."""
    k = exp.to_identifier("k")
    unknown = exp.ArrayFilter(this=keys, expression=exp.Lambda(
        this=sql.not_(sql.in_(exp.Column(this=k), known)), expressions=[k]))
    return exp.Anonymous(this="list_transform", expressions=[unknown, exp.Lambda(
        this=sql.concat(lit(prefix), exp.Column(this=k)), expressions=[k])])


def _problems(names: exp.Expr) -> exp.Expr:
    k = exp.to_identifier("k")
    return exp.Anonymous(this="list_transform", expressions=[names, exp.Lambda(
        this=sql.concat(exp.Column(this=k), lit(": " + _UNKNOWN_KEY)), expressions=[k])])


def _intake_error(pre_errors: bool) -> tuple[exp.Expr, exp.Expr]:
    """The message and field of a line that is not one JSON object with distinct keys."""
    keys = _fn("json_keys", col(TEXT))
    valid, is_object = col("__valid"), col("__object")
    repeated_key = _fn("list_filter", keys, exp.Lambda(  # the first key given twice
        this=exp.GT(this=_fn("list_count", _fn("list_filter", keys, exp.Lambda(
            this=exp.column("y").eq(exp.column("k")), expressions=[exp.to_identifier("y")]))),
            expression=lit(1)), expressions=[exp.to_identifier("k")]))
    first_repeat = exp.Bracket(this=repeated_key, expressions=[lit(1)])
    has_repeat = sql.and_(valid, is_object,
                          exp.NEQ(this=sql.size(_fn("list_distinct", keys)), expression=sql.size(keys)))
    blank = sql.or_(sql.is_null(col(RAW)), exp.Trim(this=col(RAW)).eq(lit("")))
    message = sql.case(
        (blank, lit("intake: not valid JSON (an empty line) (allowed: one JSON object)")),
        (sql.not_(valid), lit("intake: not valid JSON (allowed: one JSON object)")),
        (sql.not_(is_object), lit("intake: expected a JSON object (allowed: one JSON object)")),
        (has_repeat, sql.concat(first_repeat, lit(": this key is given more than once (allowed: each key once)"))))
    name = sql.case((has_repeat, first_repeat), default=lit("intake"))
    if pre_errors:  # a record that could not even be turned into an intake (a bad FHIR resource)
        message = sql.case((sql.not_null(col("__pre_error")), col("__pre_error")), default=message)
        name = sql.case((sql.not_null(col("__pre_error")), col("__pre_fields")), default=sql.array([name]))
        return message, sql.when(sql.not_null(message), name)
    return message, sql.when(sql.not_null(message), sql.array([name]))


def _safe(source: str) -> exp.Select:
    """``__text``: the line when it is one JSON object, else ``{}``, so that no JSON function ever
    sees malformed text (the line's error is reported from ``__valid`` and ``__object``)."""
    valid = _fn("json_valid", col(RAW))
    first = exp.select("*", valid.as_("__valid", quoted=True),
                       sql.case((valid, col(RAW)), default=lit("null")).as_("__safe", quoted=True)
                       ).from_(exp.to_table(source))
    is_object = _fn("json_type", col("__safe")).eq(lit("OBJECT"))
    return exp.select("*", is_object.as_("__object", quoted=True),
                      sql.case((is_object, col("__safe")), default=lit("{}")).as_(TEXT, quoted=True)
                      ).from_(first.subquery("s1"))


def json_select(source: str, id_key: str | None, group_key: str | None,
                pre_errors: bool = False) -> tuple[exp.Select, Staged]:
    """The staging SELECT over ``source`` (columns ``__row`` and ``__raw``: one line each)."""
    bad: set[str] = set()
    message, name = _intake_error(pre_errors)
    object_ok = sql.is_null(message)
    row_id: exp.Expr = sql.cast(col(ROW), "VARCHAR")
    if id_key:
        row_id = sql.coalesce(_fn("json_extract_string", col(TEXT), _path(id_key)), row_id)
    items: list[exp.Expr] = [row_id.as_(ID, quoted=True), message.as_("__intake_error", quoted=True),
                                   name.as_("__intake_fields", quoted=True)]
    if group_key:
        items.append(_fn("json_extract_string", col(TEXT), _path(group_key)).as_(GROUP, quoted=True))
    for f in FIELDS:
        if f.kind == "startback":
            kind = _fn("json_type", col(TEXT), _path("startback"))
            items.append(sql.and_(object_ok, kind.eq(lit("OBJECT"))).as_("startback__given", quoted=True))
            items.append(sql.when(sql.and_(object_ok, sql.not_(sql.in_(kind, ["OBJECT", "NULL"]))),
                                  sql.cast(_fn("json_extract", col(TEXT), _path("startback")), "VARCHAR"))
                         .as_("startback__bad", quoted=True))
            bad.add("startback")
            for k in STARTBACK:
                items += _value(k, ("startback", k.name), f"sb__{k.name}")
                bad.add(f"sb__{k.name}")
            continue
        items += _value(f, (f.name,), f.name)
        bad.add(f.name)
    top = [f.name for f in FIELDS] + [k for k in (id_key, group_key) if k]
    inner = sql.case((_fn("json_type", col(TEXT), _path("startback")).eq(lit("OBJECT")),
                      _extra(_fn("json_keys", col(TEXT), _path("startback")), [k.name for k in STARTBACK],
                             "startback.")), default=sql.cast(sql.array([]), "VARCHAR[]"))
    extra = sql.case((object_ok, exp.ArrayConcat(this=inner, expressions=[
        _extra(_fn("json_keys", col(TEXT)), top, "")])), default=sql.cast(sql.array([]), "VARCHAR[]"))
    staged_items = exp.select(*items, extra.as_("__extra_fields", quoted=True)).from_(_safe(source).subquery("s2"))
    outer = exp.select("*", _problems(col("__extra_fields")).as_("__extra_problems", quoted=True)).from_(
        staged_items.subquery("j"))
    return outer, Staged(bad=frozenset(bad), extra=True, intake_error=True, group=group_key is not None)
