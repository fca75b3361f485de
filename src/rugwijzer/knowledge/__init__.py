"""Load the knowledge base from its YAML files and check it, failing loudly on any broken entry.

The files in ``data/`` are the one place where a clinician reviews every rule, threshold, source and
text. Each file holds one section of :class:`~rugwijzer.core.knowledge.KnowledgeBase`.
"""

from __future__ import annotations

import functools
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

import yaml
from pydantic import ValidationError

from rugwijzer.core.knowledge import KnowledgeBase, Lang, missing_languages
from rugwijzer.languages import KNOWLEDGE_DIR, LANGS

if TYPE_CHECKING:
    from rugwijzer.core.flow import Flow

SECTIONS: dict[str, str] = {
    "meta": "meta.yaml",
    "flags": "flags.yaml",
    "causes": "causes.yaml",
    "plan": "plan.yaml",
    "avoid": "avoid.yaml",
    "tips": "tips.yaml",
    "medication": "medication.yaml",
    "startback": "startback.yaml",
    "messages": "messages.yaml",
    "differences": "differences.yaml",
    "risk_factors": "risk_factors.yaml",
}


class KnowledgeError(ValueError):
    """A knowledge file is missing, malformed or inconsistent; the message names file and entry."""


class _UniqueKeyLoader(yaml.SafeLoader):
    """A YAML loader that refuses a repeated key (it would silently replace a rule)."""


def _construct_mapping(loader: _UniqueKeyLoader, node: yaml.MappingNode, deep: bool = False) -> Any:
    seen: set[Any] = set()
    for key_node, _ in node.value:
        key = loader.construct_object(key_node, deep=deep)
        if key in seen:
            raise yaml.constructor.ConstructorError(
                None, None, f"key {key!r} appears twice", key_node.start_mark)
        seen.add(key)
    return loader.construct_mapping(node, deep=deep)


_UniqueKeyLoader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG, _construct_mapping)

DATA_DIR = KNOWLEDGE_DIR


def read_documents(folder: Path | None = None) -> dict[str, Any]:
    """Read every section file; each must hold one mapping with its section's key."""
    base = folder if folder is not None else DATA_DIR
    documents: dict[str, Any] = {}
    for section, filename in SECTIONS.items():
        try:
            data = yaml.load((base / filename).read_text(encoding="utf-8"), Loader=_UniqueKeyLoader)
        except FileNotFoundError:
            raise KnowledgeError(f"{filename}: file is missing") from None
        except yaml.YAMLError as exc:
            raise KnowledgeError(f"{filename}: not valid YAML: {exc}") from None
        if not isinstance(data, dict):
            raise KnowledgeError(f"{filename}: expected a mapping at the top")
        if section == "meta":
            documents[section] = data
        elif set(data) != {section}:
            raise KnowledgeError(f"{filename}: expected exactly one top-level key {section!r}")
        else:
            documents[section] = data[section]
    return documents


def build(documents: dict[str, Any], langs: Sequence[Lang] = LANGS) -> KnowledgeBase:
    """Validate the documents into a KnowledgeBase and check it; errors name file and entry.

    Every text must be written in every registered language (``langs``), no more and no less.
    """
    try:
        kb = KnowledgeBase.model_validate(documents)
    except ValidationError as exc:
        raise KnowledgeError(_describe(exc, documents)) from None
    for section, filename in SECTIONS.items():
        check_languages(getattr(kb, section), filename, langs)
    # Imported here: the engine compiles every condition, which is the deepest check of all.
    from rugwijzer.core.engine import Engine, EngineError

    try:
        Engine(kb)
    except EngineError as exc:
        raise KnowledgeError(str(exc)) from None
    return kb


def check_languages(node: Any, where: str, langs: Sequence[Lang] = LANGS) -> None:
    """Every text under ``node`` has exactly the languages ``langs``; else KnowledgeError naming it."""
    problem = missing_languages(node, langs)
    if problem:
        raise KnowledgeError(f"{where}: {problem}")


def _describe(exc: ValidationError, documents: dict[str, Any]) -> str:
    lines = []
    for error in exc.errors(include_url=False):
        loc = list(error["loc"])
        section = str(loc[0]) if loc else "?"
        where = _entry_name(documents.get(section), loc[1:])
        lines.append(f"{SECTIONS.get(section, section)}: {where}: {error['msg']}")
    return "invalid knowledge base:\n  " + "\n  ".join(lines)


def _entry_name(node: Any, path: list[Any]) -> str:
    """Readable location such as ``flags[cauda_equina_bladder].why.fr``."""
    parts: list[str] = []
    for step in path:
        if isinstance(step, int) and isinstance(node, list) and step < len(node):
            node = node[step]
            name = node.get("id") or node.get("key") if isinstance(node, dict) else None
            parts.append(f"[{name}]" if name else f"[{step}]")
        else:
            node = node.get(step) if isinstance(node, dict) else None
            parts.append(f".{step}" if parts else str(step))
    return "".join(parts) or "(top)"


@functools.cache
def load_knowledge() -> KnowledgeBase:
    """The packaged knowledge base, read and checked once per process."""
    return build(read_documents())


QUESTIONS_FILE = "questions.yaml"


def read_questions(folder: Path | None = None) -> Any:
    """The raw question flow document (questions.yaml), read with the same strict YAML loader."""
    base = folder if folder is not None else DATA_DIR
    try:
        return yaml.load((base / QUESTIONS_FILE).read_text(encoding="utf-8"), Loader=_UniqueKeyLoader)
    except FileNotFoundError:
        raise KnowledgeError(f"{QUESTIONS_FILE}: file is missing") from None
    except yaml.YAMLError as exc:
        raise KnowledgeError(f"{QUESTIONS_FILE}: not valid YAML: {exc}") from None


@functools.cache
def load_flow() -> Flow:
    """The self-check question flow, checked against the contract and the knowledge base."""
    from rugwijzer.core.flow import FlowError, build_flow

    try:
        return build_flow(read_questions(), load_knowledge())
    except FlowError as exc:
        raise KnowledgeError(f"{QUESTIONS_FILE}: {exc}") from None
