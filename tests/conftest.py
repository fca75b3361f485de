"""Shared fixtures for the whole test suite."""

from __future__ import annotations

import pytest

from rugwijzer.services.assessing import Assessor, default_assessor


@pytest.fixture(scope="session")
def assessor() -> Assessor:
    """The assessor for the packaged knowledge base."""
    return default_assessor()
