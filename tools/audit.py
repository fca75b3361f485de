"""Check the locked dependencies against the Python advisory database with pip-audit.

Exit 0 when no known vulnerability is found; exit 1 when one is (listed) or pip-audit fails for
another reason. When the advisory database cannot be reached, say so plainly ("audit NOT done")
and exit 0: a build must not fail for a missing network, and must not pretend it checked either.

Usage: ``python tools/audit.py LOCKFILE TOOLS_VENV`` (``make audit``); pip-audit is installed into
TOOLS_VENV on first use.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path
from typing import Any


def _pip_audit(tools: Path) -> Path | None:
    """pip-audit in its own virtual environment (not the project's), installed when missing."""
    program = tools / "bin" / "pip-audit"
    if program.exists():
        return program
    steps = [[sys.executable, "-m", "venv", str(tools)],
             [str(tools / "bin" / "pip"), "install", "--quiet", "pip-audit"]]
    for step in steps:
        if subprocess.run(step, capture_output=True, timeout=600, check=False).returncode != 0:
            return None
    return program


def main(lock: str, tools: str) -> int:
    pip_audit = _pip_audit(Path(tools))
    if pip_audit is None:
        print("pip-audit: audit NOT done: pip-audit could not be installed (no package index reachable).")
        return 0
    command = [str(pip_audit), "--requirement", lock, "--require-hashes", "--disable-pip", "--progress-spinner",
               "off", "--format", "json", "--output", "-"]
    try:
        done = subprocess.run(command, capture_output=True, text=True, timeout=600, check=False)
    except subprocess.TimeoutExpired:
        print("pip-audit: audit NOT done: the advisory database did not answer within 10 minutes.")
        return 0
    try:
        dependencies = json.loads(done.stdout)["dependencies"]
    except (ValueError, KeyError, TypeError):
        last = (done.stderr.strip().splitlines() or ["no output"])[-1][:300]
        print(f"pip-audit: audit NOT done: pip-audit gave no result ({last}).")
        return 0 if done.returncode == 0 or "connect" in done.stderr.lower() else 1
    return report(dependencies)


def report(dependencies: list[dict[str, Any]]) -> int:
    """Print what was checked, what could not be, and every known vulnerability; 1 if there is one."""
    skipped = [d["name"] for d in dependencies if d.get("skip_reason")]
    vulnerable = [d for d in dependencies if d.get("vulns")]
    checked = len(dependencies) - len(skipped)
    for dependency in vulnerable:
        ids = ", ".join(v["id"] for v in dependency["vulns"])
        print(f"pip-audit: {dependency['name']} {dependency['version']}: {ids}")
    if skipped and not checked:
        print(f"pip-audit: audit NOT done: the advisory database could not be reached from here (none of the "
              f"{len(skipped)} locked packages could be looked up). Run `make audit` where PyPI's advisory "
              "data can be reached.")
    elif skipped:
        print(f"pip-audit: audit INCOMPLETE: {checked} packages checked, {len(skipped)} could not be looked up: "
              + ", ".join(skipped))
    else:
        print(f"pip-audit: {checked} packages checked against the advisory database.")
    if vulnerable:
        print(f"pip-audit: {len(vulnerable)} locked packages have known vulnerabilities: update them and `make lock`.")
        return 1
    if checked:
        print("pip-audit: no known vulnerabilities in the packages that were checked.")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1], sys.argv[2]))
