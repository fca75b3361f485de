"""JSON text from outside (a request body, a form field, a file, a line of a batch): a nesting limit
checked before any recursive parse, and a repeated key named by its full path.

The limit: JSON nested at most :data:`MAX_DEPTH` levels deep (an intake needs 2, a FHIR
QuestionnaireResponse of this project's Questionnaire 7). Deeper text is refused before it is parsed,
because the parsers and the code that walks the parsed value are recursive: a few kilobytes of
``[[[[...`` would otherwise end in a RecursionError.
"""

from __future__ import annotations

import json
import re
from typing import Any

from rugwijzer.core.validation import ALLOWED, IntakeError, Problem, load_json_object

MAX_DEPTH = 64
REPEATED = "this key is given more than once"
_TOKENS = re.compile(rb'"[^"\\]*(?:\\.[^"\\]*)*"|[\[\]{}]', re.S)  # a string, or a bracket


def too_deep(text: str | bytes, limit: int = MAX_DEPTH) -> bool:
    """True when the JSON text opens more than ``limit`` arrays or objects inside each other.
    Brackets inside strings do not count. Cheap when the text has few brackets at all."""
    data = text if isinstance(text, bytes) else text.encode("utf-8", "surrogatepass")
    if data.count(b"{") + data.count(b"[") <= limit:
        return False
    level = 0
    for match in _TOKENS.finditer(data):
        token = match.group()
        if token in (b"{", b"["):
            level += 1
            if level > limit:
                return True
        elif token in (b"}", b"]"):
            level -= 1
    return False


def depth_problem(part: str) -> Problem:
    return Problem(part, f"is nested more than {MAX_DEPTH} levels deep",
                   f"JSON nested at most {MAX_DEPTH} levels deep")


def load_object(text: str | bytes, part: str = "intake") -> dict[str, Any]:
    """One JSON object, as :func:`rugwijzer.core.validation.load_json_object` reads it, after the
    nesting check; ``part`` names the whole text in errors (``intake``, ``body``, ``request``).
    A repeated key is named by its path (``startback.leg_pain``). Raises IntakeError."""
    if too_deep(text):
        raise IntakeError([depth_problem(part)])
    try:
        return load_json_object(text)
    except IntakeError as exc:
        raise IntakeError([_located(p, text, part) for p in exc.problems]) from None


def _located(problem: Problem, text: str | bytes, part: str) -> Problem:
    if problem.message == REPEATED:
        path = repeated_key_path(text) or problem.field
        return Problem(path, REPEATED, ALLOWED.get(path, "each key once"))
    if problem.field == "intake" and part != "intake":
        return Problem(part, problem.message, problem.allowed)
    return problem


class _Pairs(list[tuple[str, Any]]):
    """An object as its key/value pairs, repeated keys kept."""


def repeated_key_path(text: str | bytes) -> str | None:
    """The dotted path of the first repeated key (list positions left out), or None."""
    try:
        tree = json.loads(text, object_pairs_hook=_Pairs)
    except (ValueError, RecursionError):
        return None
    return _find(tree, ())


def _find(node: Any, path: tuple[str, ...]) -> str | None:
    if isinstance(node, _Pairs):
        seen: set[str] = set()
        for key, _ in node:
            if key in seen:
                return ".".join((*path, key))
            seen.add(key)
        children: list[tuple[tuple[str, ...], Any]] = [((*path, key), value) for key, value in node]
    elif isinstance(node, list):
        children = [(path, value) for value in node]
    else:
        return None
    for child_path, value in children:
        found = _find(value, child_path)
        if found:
            return found
    return None
