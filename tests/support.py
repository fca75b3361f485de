"""Test helpers shared by several test modules (import as ``from support import intake``)."""

from __future__ import annotations

from datetime import date
from typing import Any

TODAY = date(2026, 11, 25)

# Ordinary acute low back pain with every alarm answer "no": each test changes what it studies.
NEUTRAL: dict[str, Any] = {
    "age": 40,
    "duration_days": 2,
    "pain_score": 5,
    "pain_trend": "stable",
    "pain_at_rest": False,
    "night_pain": False,
    "radiation": "none",
    "leg_pain_both_sides": False,
    "numbness_tingling": "none",
    "leg_weakness": "none",
    "saddle_numbness": False,
    "bladder_problems": False,
    "bowel_incontinence": False,
    "trauma": "none",
    "unexplained_weight_loss": False,
    "fever": False,
    "cancer_history": False,
    "sudden_severe_constant_pain": False,
    "recent_spinal_procedure": False,
}


def intake(**changes: Any) -> dict[str, Any]:
    """The neutral intake with some answers changed."""
    return {**NEUTRAL, **changes}


def examples(count: int) -> int:
    """Hypothesis examples for a property test: ``count`` in ``make test``, a fifth of it (at least 10)
    in ``make test-fast`` (RUGWIJZER_FAST_TESTS=1), the inner loop."""
    import os

    return max(10, count // 5) if os.environ.get("RUGWIJZER_FAST_TESTS") == "1" else count
