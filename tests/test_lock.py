"""The dependency lock: every dependency of pyproject.toml (and its test extra) pinned with hashes in
requirements.lock, and the audit step honest about what it could check (tools/audit.py)."""

from __future__ import annotations

import importlib.util
import re
import tomllib
from pathlib import Path
from typing import Any

import pytest

ROOT = Path(__file__).resolve().parents[1]
LOCK = ROOT / "requirements.lock"


def _name(requirement: str) -> str:
    return re.split(r"[\s\[<>=!~;]", requirement.strip(), maxsplit=1)[0].lower().replace("_", "-").replace(".", "-")


def locked() -> dict[str, str]:
    pins = re.findall(r"^([A-Za-z0-9_.\-]+)==(\S+) \\$", LOCK.read_text(), re.M)
    return {_name(name): version for name, version in pins}


def test_every_dependency_is_pinned_with_hashes() -> None:
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    wanted = {_name(r) for r in [*project["dependencies"], *project["optional-dependencies"]["test"]]}
    missing = sorted(wanted - set(locked()))
    assert missing == [], f"not in requirements.lock: {missing}; run `make lock` and commit the lock"
    blocks = re.split(r"\n(?=[a-z0-9])", LOCK.read_text().split("\n\n", 1)[1])
    assert all("--hash=sha256:" in block for block in blocks if "==" in block)
    assert "setuptools" in locked()  # the build backend too: `make` installs the project without isolation


def audit_module() -> Any:
    spec = importlib.util.spec_from_file_location("audit", ROOT / "tools" / "audit.py")
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_an_unreachable_advisory_database_is_said_plainly_not_passed(capsys: pytest.CaptureFixture[str]) -> None:
    skipped = [{"name": n, "version": "1", "skip_reason": "Dependency not found on PyPI"} for n in ("a", "b")]
    assert audit_module().report(skipped) == 0
    out = capsys.readouterr().out
    assert "audit NOT done" in out and "no known vulnerabilities" not in out


def test_a_known_vulnerability_fails_the_audit(capsys: pytest.CaptureFixture[str]) -> None:
    found = [{"name": "a", "version": "1", "vulns": [{"id": "PYSEC-0000-1"}]},
             {"name": "b", "version": "2", "vulns": []}]
    assert audit_module().report(found) == 1
    assert "a 1: PYSEC-0000-1" in capsys.readouterr().out


def test_a_partial_audit_names_what_was_not_checked(capsys: pytest.CaptureFixture[str]) -> None:
    mixed = [{"name": "a", "version": "1", "vulns": []}, {"name": "b", "version": "2", "skip_reason": "x"}]
    assert audit_module().report(mixed) == 0
    assert "audit INCOMPLETE: 1 packages checked, 1 could not be looked up: b" in capsys.readouterr().out
