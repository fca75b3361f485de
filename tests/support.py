"""Test helpers shared by several test modules (import as ``from support import intake``)."""

from __future__ import annotations

from datetime import date
from typing import Any

from rugwijzer.http.api.examples import ORDINARY

TODAY = date(2026, 11, 25)

# Ordinary acute low back pain with every alarm answer "no" (the API's own example): each test
# changes what it studies.
NEUTRAL: dict[str, Any] = dict(ORDINARY)


def intake(**changes: Any) -> dict[str, Any]:
    """The neutral intake with some answers changed."""
    return {**NEUTRAL, **changes}


def examples(count: int) -> int:
    """Hypothesis examples for a property test: ``count`` in ``make test``, a fifth of it (at least 10)
    in ``make test-fast`` (RUGWIJZER_FAST_TESTS=1), the inner loop."""
    import os

    return max(10, count // 5) if os.environ.get("RUGWIJZER_FAST_TESTS") == "1" else count
