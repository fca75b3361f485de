"""Example intakes for the API description (and for the project's own tests)."""

from __future__ import annotations

from typing import Any

ORDINARY: dict[str, Any] = {
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

STARTBACK_HIGH: dict[str, Any] = {
    "leg_pain": True,
    "shoulder_neck_pain": False,
    "walk_short_distances": True,
    "dress_slowly": False,
    "not_safe_active": True,
    "worrying_thoughts": True,
    "never_better": True,
    "no_enjoyment": False,
    "bothersomeness": "very_much",
}


def intake(**changes: Any) -> dict[str, Any]:
    """The ordinary intake with some answers changed."""
    return {**ORDINARY, **changes}


EXAMPLES: dict[str, dict[str, Any]] = {
    "ordinary": {
        "summary": "Ordinary acute low back pain, day 2",
        "value": ORDINARY,
    },
    "sciatica_with_startback": {
        "summary": "Three weeks of pain into the calf, off work, with STarT Back answers",
        "value": intake(duration_days=21, pain_score=7, radiation="below_knee", first_episode=False,
                        off_work_because_of_pain=True, risk_factors=["heavy_lifting_work", "little_exercise"],
                        startback=STARTBACK_HIGH),
    },
    "urgent": {
        "summary": "Fever with back pain: a doctor today; paracetamol only, and the 112 tier of the safety net",
        "value": intake(fever=True),
    },
    "cauda_equina": {
        "summary": "New loss of bladder control with pain down both legs: emergency",
        "value": intake(age=47, pain_score=8, radiation="below_knee", leg_pain_both_sides=True,
                        bladder_problems=True),
    },
    "partial_emergency": {
        "summary": "A half-filled intake that already shows an emergency (contract §4): complete=false",
        "value": {"age": 52, "saddle_numbness": True},
    },
}
