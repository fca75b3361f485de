"""Load the knowledge base from its YAML files and check it, failing loudly on any broken entry.

The files in ``data/`` are the one place where a clinician reviews every rule, threshold, source and
text. Each file holds one section of :class:`~rugwijzer.core.knowledge.KnowledgeBase`.
"""

from __future__ import annotations

import functools
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

from rugwijzer.core.errors import KnowledgeBaseError
from rugwijzer.languages import KNOWLEDGE_DIR, LANGS, REGISTRY_FILE

if TYPE_CHECKING:
    from pydantic import ValidationError

    from rugwijzer.core.flow import Flow
    from rugwijzer.core.knowledge import KnowledgeBase, Lang

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


class KnowledgeError(KnowledgeBaseError):
    """A knowledge file is missing, malformed or inconsistent; the message names file and entry."""



DATA_DIR = KNOWLEDGE_DIR  # RUGWIJZER_KNOWLEDGE_DIR moves it (see rugwijzer.languages)


def read_yaml(filename: str, folder: Path | None = None) -> Any:
    """One knowledge file, strictly: a missing file, broken YAML or a repeated key is a KnowledgeError
    naming the file. The one way every knowledge file is read."""
    import yaml

    from rugwijzer.knowledge.yaml_loader import StrictLoader

    base = folder if folder is not None else DATA_DIR
    try:
        return yaml.load((base / filename).read_text(encoding="utf-8"), Loader=StrictLoader)
    except FileNotFoundError:
        raise KnowledgeError(f"{filename}: file is missing") from None
    except yaml.YAMLError as exc:
        raise KnowledgeError(f"{filename}: not valid YAML: {exc}") from None


def read_documents(folder: Path | None = None) -> dict[str, Any]:
    """Read every section file; each must hold one mapping with its section's key."""
    documents: dict[str, Any] = {}
    for section, filename in SECTIONS.items():
        data = read_yaml(filename, folder)
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
    from pydantic import ValidationError

    from rugwijzer.core.knowledge import KnowledgeBase

    try:
        kb = KnowledgeBase.model_validate(documents)
    except ValidationError as exc:
        raise KnowledgeError(_describe(exc, documents)) from None
    for section, filename in SECTIONS.items():
        check_languages(getattr(kb, section), filename, langs)
    from rugwijzer.core.engine import Engine
    from rugwijzer.core.errors import KnowledgeBaseError
    from rugwijzer.knowledge.checks import check_consistency

    try:
        check_consistency(kb)
        Engine(kb)  # compiles every condition against the facts it may use: the deepest check of all
    except KnowledgeBaseError as exc:
        raise KnowledgeError(str(exc)) from None
    return kb


def check_languages(node: Any, where: str, langs: Sequence[Lang] = LANGS) -> None:
    """Every text under ``node`` has exactly the languages ``langs``; else KnowledgeError naming it."""
    from rugwijzer.core.knowledge import missing_languages

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


def knowledge_version() -> str:
    """The knowledge base's version from meta.yaml alone (for ``--version``: no full load)."""
    meta = read_yaml(SECTIONS["meta"])
    if not isinstance(meta, dict) or not isinstance(meta.get("version"), str):
        raise KnowledgeError(f"{SECTIONS['meta']}: version: missing")
    return str(meta["version"])


@functools.cache
def load_knowledge() -> KnowledgeBase:
    """The packaged knowledge base, read and checked once per process.

    The checked knowledge base is also kept in the user's cache folder, under a key made of every
    knowledge file's bytes and the versions of Rugwijzer, Python and pydantic: the next command
    starts from it instead of parsing, validating and cross-checking the YAML again (most of the
    time a command takes to start). Any change to a file gives a new key, so a cached copy is
    never stale; a cache that cannot be read or written is simply not used."""
    key = _cache_key()
    cached = _read_cache(key)
    if cached is not None:
        return cached
    kb = build(read_documents())
    _write_cache(key, kb)
    return kb


CACHE_ENV = "RUGWIJZER_CACHE"  # a folder for the cache; "off" keeps nothing


def _cache_key() -> str:
    import hashlib
    import sys

    import pydantic

    from rugwijzer import __version__

    digest = hashlib.sha256(f"{__version__}|{sys.version}|{pydantic.VERSION}|{','.join(LANGS)}".encode())
    for filename in (*SECTIONS.values(), REGISTRY_FILE):
        digest.update(filename.encode() + b"\0" + (DATA_DIR / filename).read_bytes() + b"\0")
    return digest.hexdigest()[:32]


def _cache_path(key: str) -> Path | None:
    import os

    setting = os.environ.get(CACHE_ENV, "")
    if setting == "off":
        return None
    if setting:
        folder = Path(setting)
    else:
        import platformdirs

        folder = Path(platformdirs.user_cache_dir("rugwijzer", appauthor=False))
    return folder / f"knowledge-{key}.pickle"


def _read_cache(key: str) -> KnowledgeBase | None:
    import pickle

    from rugwijzer.core.knowledge import KnowledgeBase

    path = _cache_path(key)
    try:
        if path is None or not _own(path):  # only a file this user wrote
            return None
        kb = pickle.loads(path.read_bytes())
    except Exception:  # missing, unreadable or from another version: build it again
        return None
    return kb if isinstance(kb, KnowledgeBase) else None


def _write_cache(key: str, kb: KnowledgeBase) -> None:
    import os
    import pickle
    import tempfile

    path = _cache_path(key)
    if path is None:
        return
    try:
        path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
        handle, temp = tempfile.mkstemp(dir=path.parent, prefix=".knowledge-", suffix=".tmp")  # 0600
        with os.fdopen(handle, "wb") as stream:
            stream.write(pickle.dumps(kb, protocol=pickle.HIGHEST_PROTOCOL))
        os.replace(temp, path)
    except OSError:
        return


def _own(path: Path) -> bool:
    import os

    return not hasattr(os, "getuid") or path.stat().st_uid == os.getuid()


QUESTIONS_FILE = "questions.yaml"


def read_questions(folder: Path | None = None) -> Any:
    """The raw question flow document (questions.yaml), read with the same strict YAML loader."""
    return read_yaml(QUESTIONS_FILE, folder)


@functools.cache
def load_flow() -> Flow:
    """The self-check question flow, checked against the contract and the knowledge base."""
    from rugwijzer.core.flow import FlowError, build_flow

    try:
        return build_flow(read_questions(), load_knowledge())
    except FlowError as exc:
        raise KnowledgeError(f"{QUESTIONS_FILE}: {exc}") from None
