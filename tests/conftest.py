"""Shared fixtures for the whole test suite, and the one place where each test module gets its tier.

Tiers (markers, see pyproject.toml):

- ``unit``: no server, no database, no browser, no subprocess and no PDF; the core, the knowledge base,
  the services with in-memory fakes. ``make test-fast`` runs only these (with fewer hypothesis
  examples), for the inner loop.
- ``integration``: the adapters and entrypoints in-process (TestClient, CliRunner, SQLite and
  PostgreSQL, WeasyPrint, subprocesses).
- ``e2e``: a real server driven by a real browser (Debian's Chromium).

``make test`` runs every tier. A module not listed below is ``integration`` (it still runs in
``make test``); list it under ``unit`` when it is fast and touches nothing outside the process.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from rugwijzer.services.assessing import Assessor, default_assessor

UNIT = {
    "test_diary_trend", "test_fhir_questionnaire", "test_flow", "test_i18n", "test_knowledge",
    "test_lock", "test_properties", "test_rules", "test_spec_cases", "test_validation",
    "test_diary_service_fake",
}
E2E = {"test_diary_browser", "test_browser_selfcheck", "test_lforms"}


def tier_of(path: Path) -> str:
    if path.stem in UNIT:
        return "unit"
    if path.stem in E2E or path.parent.name == "e2e":
        return "e2e"
    return "integration"


def pytest_ignore_collect(collection_path: Path, config: pytest.Config) -> bool | None:
    """With ``-m unit`` (make test-fast), other tiers' modules are not even imported: that alone saves
    seconds (they import the web app, the PDF renderer and the database)."""
    if (config.getoption("markexpr") == "unit" and collection_path.suffix == ".py"
            and collection_path.name.startswith("test_") and tier_of(collection_path) != "unit"):
        return True
    return None


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    for item in items:
        item.add_marker(tier_of(Path(str(item.path))))


@pytest.fixture(scope="session")
def assessor() -> Assessor:
    """The assessor for the packaged knowledge base."""
    return default_assessor()
