"""The query parameters of the interoperability routes: ``lang``, ``region`` and ``date``.

Read straight from the query string (FastAPI's per-parameter validation costs more than the
engine itself on the hot path) and documented in OpenAPI by hand; a bad value is a 422 that names
the parameter and what it allows, in the route's error format.
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import date
from types import MappingProxyType
from typing import Any
from urllib.parse import unquote_plus

from starlette.requests import Request

from rugwijzer.core.knowledge import REGIONS, Lang, Region
from rugwijzer.core.validation import EARLIEST, LATEST
from rugwijzer.http.api.errors import ApiError, ErrorInfo
from rugwijzer.http.api.negotiation import choose_lang
from rugwijzer.languages import LANGS

_LANGS: dict[str, Lang] = {lang: lang for lang in LANGS}
_REGIONS: dict[str, Region] = {region: region for region in REGIONS}

LANG = {"name": "lang", "in": "query", "required": False, "schema": {"enum": list(LANGS), "type": "string"},
        "description": "language of the texts; wins over Accept-Language (default nl)"}
REGION = {"name": "region", "in": "query", "required": False,
          "schema": {"enum": list(REGIONS), "type": "string", "default": "be"},
          "description": "phone numbers and services of Belgium (be, default) or the Netherlands (nl)"}
DATE = {"name": "date", "in": "query", "required": False, "schema": {"type": "string", "format": "date"},
        "description": "assessment date (ISO, 1900–2199); default: today on the server"}


def parameters(*documented: dict[str, Any]) -> dict[str, Any]:
    """``openapi_extra`` for a route that reads these parameters."""
    return {"parameters": list(documented)}


@dataclass(frozen=True, slots=True)
class Options:
    lang: Lang
    region: Region
    day: date


_KNOWN = frozenset({"lang", "region", "date"})


def _query(request: Request) -> Mapping[str, str]:
    """The known parameters of the query string (the last value wins)."""
    raw: bytes = request.scope.get("query_string", b"")
    return _remembered_query(raw) if len(raw) <= 200 else _parse_query(raw)


def _parse_query(raw: bytes) -> Mapping[str, str]:
    """Read without building Starlette's QueryParams (this runs on every assessment)."""
    found: dict[str, str] = {}
    for part in raw.split(b"&") if raw else ():
        name, _, value = part.partition(b"=")
        key = unquote_plus(name.decode("latin-1"))
        if key in _KNOWN:
            found[key] = unquote_plus(value.decode("latin-1"), encoding="utf-8", errors="replace")
    return MappingProxyType(found)  # read-only: remembered results are shared


_remembered_query = functools.lru_cache(maxsize=256)(_parse_query)  # clients repeat a few query strings


def _bad(name: str, value: str, allowed: str) -> ApiError:
    return ApiError(ErrorInfo.single(422, name, f"got {value[:40]!r}", allowed))


def lang_of(request: Request) -> Lang:
    """``?lang=`` first, then Accept-Language, then Dutch."""
    query = _query(request).get("lang")
    if query is not None and query not in _LANGS:
        raise _bad("lang", query, "one of " + ", ".join(LANGS))
    return choose_lang(_LANGS.get(query or ""), request.headers.get("accept-language"))


def region_of(request: Request) -> Region:
    query = _query(request).get("region", "be")
    if query not in _REGIONS:
        raise _bad("region", query, "one of " + ", ".join(REGIONS))
    return _REGIONS[query]


def day_of(request: Request) -> date:
    query = _query(request).get("date")
    if query is None:
        return date.today()
    try:
        day = date.fromisoformat(query)
    except ValueError:
        raise _bad("date", query, "an ISO date (YYYY-MM-DD) from 1900 to 2199") from None
    if not EARLIEST <= day <= LATEST or len(query) != 10:
        raise _bad("date", query, "an ISO date (YYYY-MM-DD) from 1900 to 2199")
    return day


def options(request: Request) -> Options:
    return Options(lang_of(request), region_of(request), day_of(request))


def require_content_type(request: Request, default: str, accepted: Callable[[str], bool], allowed: str) -> None:
    """415 unless the body's media type (``default`` when the request names none) is accepted."""
    kind = request.headers.get("content-type", default).split(";")[0].strip().lower()
    if not accepted(kind):
        raise ApiError(ErrorInfo.single(415, "content-type", f"unsupported media type {kind[:60]!r}", allowed))
