"""Hypothesis strategies for valid intakes (contract §1)."""

from __future__ import annotations

from typing import Any

from hypothesis import strategies as st

from rugwijzer.core.intake import RISK_FACTORS, STARTBACK_KEYS

SIDES = ["none", "one_leg", "both_legs"]
RADIATION = ["none", "buttock", "thigh", "below_knee", "toes"]
TRENDS = ["improving", "stable", "worsening"]
TRAUMA = ["none", "minor", "major"]
BOTHER = ["not_at_all", "slightly", "moderately", "very_much", "extremely"]

REQUIRED_BOOLEANS = ["pain_at_rest", "night_pain", "leg_pain_both_sides", "saddle_numbness",
                     "bladder_problems", "bowel_incontinence", "unexplained_weight_loss", "fever",
                     "cancer_history", "sudden_severe_constant_pain", "recent_spinal_procedure"]
OPTIONAL_BOOLEANS = ["pregnancy_warning_signs", "seen_doctor_this_episode", "long_term_steroids",
                     "osteoporosis", "immunosuppressed", "iv_drug_use", "known_aortic_aneurysm",
                     "faint_or_clammy", "pain_uncontrolled_by_painkillers", "morning_stiffness_over_30min",
                     "better_with_exercise_not_rest", "wakes_second_half_night", "alternating_buttock_pain",
                     "stomach_ulcer_history", "kidney_disease", "heart_failure", "blood_thinners",
                     "nsaid_allergy_or_asthma", "off_work_because_of_pain",
                     # clinical rules v2
                     "neuro_signs_in_different_legs", "cardiovascular_disease", "bp_or_water_tablets",
                     "ssri_antidepressant", "liver_disease", "heavy_alcohol_use", "body_weight_under_50kg"]


def startback_answers() -> st.SearchStrategy[dict[str, Any]]:
    items = {k: st.booleans() for k in STARTBACK_KEYS if k != "bothersomeness"}
    return st.fixed_dictionaries({**items, "bothersomeness": st.sampled_from(BOTHER)})


@st.composite
def intakes(draw: st.DrawFn) -> dict[str, Any]:
    """Any valid intake, with the duration kept within the person's life."""
    age = draw(st.integers(0, 120))
    data: dict[str, Any] = {
        "age": age,
        "duration_days": draw(st.one_of(st.integers(0, 120), st.integers(0, min(36500, (age + 1) * 366)))),
        "pain_score": draw(st.integers(0, 10)),
        "pain_trend": draw(st.sampled_from(TRENDS)),
        "radiation": draw(st.sampled_from(RADIATION)),
        "numbness_tingling": draw(st.sampled_from(SIDES)),
        "leg_weakness": draw(st.sampled_from(SIDES)),
        "trauma": draw(st.sampled_from(TRAUMA)),
        **{name: draw(st.booleans()) for name in REQUIRED_BOOLEANS},
    }
    for name in OPTIONAL_BOOLEANS:
        if draw(st.booleans()):
            data[name] = draw(st.booleans())
    optional: dict[str, st.SearchStrategy[Any]] = {
        "sex": st.sampled_from(["female", "male", "other", None]),
        "first_episode": st.sampled_from([True, False, None]),
        "pregnancy_weeks": st.one_of(st.none(), st.integers(1, 45)),
        "risk_factors": st.lists(st.sampled_from(RISK_FACTORS), unique=True),
        "startback": st.one_of(st.none(), startback_answers()),
    }
    for name, strategy in optional.items():
        if draw(st.booleans()):
            data[name] = draw(strategy)
    return data
