"""Every flag of clinical-rules v2 §2 on both sides of each of its conditions, thresholds and time windows."""

from __future__ import annotations

from typing import Any

import pytest

from rugwijzer.services.assessing import Assessor
from support import TODAY, intake

OSTEO = {"osteoporosis": True}
# (flag, level, answers that fire it, answers just on the other side of the line)
CASES: list[tuple[str, str, dict[str, Any], dict[str, Any]]] = [
    ("cauda_equina_bladder", "emergency", {"bladder_problems": True}, {}),
    ("cauda_equina_bowel", "emergency", {"bowel_incontinence": True}, {}),
    ("cauda_equina_saddle", "emergency", {"saddle_numbness": True}, {}),
    ("bilateral_leg_symptoms", "emergency", {"numbness_tingling": "both_legs"}, {"numbness_tingling": "one_leg"}),
    ("bilateral_leg_symptoms", "emergency", {"leg_weakness": "both_legs"}, {"leg_weakness": "one_leg"}),
    ("bilateral_leg_symptoms", "emergency",
     {"leg_weakness": "one_leg", "numbness_tingling": "one_leg", "neuro_signs_in_different_legs": True},
     {"leg_weakness": "one_leg", "numbness_tingling": "one_leg", "neuro_signs_in_different_legs": False}),
    ("bilateral_leg_symptoms", "emergency", {"neuro_signs_in_different_legs": True}, {}),
    ("bilateral_sciatica", "emergency", {"leg_pain_both_sides": True, "radiation": "below_knee"},
     {"leg_pain_both_sides": True, "radiation": "thigh"}),
    ("bilateral_sciatica", "emergency", {"leg_pain_both_sides": True, "radiation": "toes"},
     {"leg_pain_both_sides": False, "radiation": "toes"}),
    ("aneurysm_suspected", "emergency", {"sudden_severe_constant_pain": True, "age": 41},
     {"sudden_severe_constant_pain": True, "age": 40}),
    ("aneurysm_suspected", "emergency", {"sudden_severe_constant_pain": True, "age": 41},
     {"sudden_severe_constant_pain": False, "age": 41}),
    ("aneurysm_suspected", "emergency", {"sudden_severe_constant_pain": True, "age": 70, "duration_days": 7},
     {"sudden_severe_constant_pain": True, "age": 70, "duration_days": 8}),
    ("aneurysm_shock", "emergency", {"known_aortic_aneurysm": True, "faint_or_clammy": True},
     {"known_aortic_aneurysm": True}),
    ("aneurysm_shock", "emergency", {"known_aortic_aneurysm": True, "faint_or_clammy": True},
     {"faint_or_clammy": True}),
    ("aneurysm_shock", "emergency", {"sudden_severe_constant_pain": True, "age": 30, "faint_or_clammy": True},
     {"sudden_severe_constant_pain": False, "age": 30, "faint_or_clammy": True}),
    ("aneurysm_shock", "emergency", {"sudden_severe_constant_pain": True, "age": 30, "known_aortic_aneurysm": True},
     {"sudden_severe_constant_pain": True, "age": 30}),
    ("major_trauma", "emergency", {"trauma": "major"}, {"trauma": "minor"}),
    ("major_trauma", "emergency", {"trauma": "major", "duration_days": 2}, {"trauma": "major", "duration_days": 3}),
    ("major_trauma_earlier", "urgent", {"trauma": "major", "duration_days": 3},
     {"trauma": "major", "duration_days": 2}),
    ("major_trauma_earlier", "urgent", {"trauma": "major", "duration_days": 300},
     {"trauma": "minor", "duration_days": 300}),
    ("neuro_signs_with_cancer", "emergency", {"cancer_history": True, "numbness_tingling": "one_leg"},
     {"cancer_history": False, "numbness_tingling": "one_leg"}),
    ("neuro_signs_with_cancer", "emergency", {"cancer_history": True, "leg_weakness": "one_leg"},
     {"cancer_history": True}),
    ("neuro_signs_with_cancer", "emergency", {"cancer_history": True, "radiation": "below_knee"},
     {"cancer_history": True, "radiation": "thigh"}),
    ("neuro_signs_with_infection_risk", "emergency", {"fever": True, "numbness_tingling": "one_leg"},
     {"fever": True, "radiation": "toes"}),
    ("neuro_signs_with_infection_risk", "emergency", {"recent_spinal_procedure": True, "leg_weakness": "one_leg"},
     {"recent_spinal_procedure": False, "leg_weakness": "one_leg"}),
    # v2: after a procedure, numbness in one leg alone is urgent, not an emergency; in both legs it is.
    ("neuro_signs_with_infection_risk", "emergency",
     {"recent_spinal_procedure": True, "numbness_tingling": "both_legs"},
     {"recent_spinal_procedure": True, "numbness_tingling": "one_leg"}),
    ("numbness_after_spinal_procedure", "urgent", {"recent_spinal_procedure": True, "numbness_tingling": "one_leg"},
     {"recent_spinal_procedure": True, "numbness_tingling": "one_leg", "fever": True}),
    ("numbness_after_spinal_procedure", "urgent", {"recent_spinal_procedure": True, "numbness_tingling": "one_leg"},
     {"recent_spinal_procedure": True, "numbness_tingling": "both_legs"}),
    ("bilateral_leg_pain", "urgent", {"leg_pain_both_sides": True, "radiation": "thigh"},
     {"leg_pain_both_sides": True, "radiation": "buttock"}),
    ("bilateral_leg_pain", "urgent", {"leg_pain_both_sides": True, "radiation": "thigh"},
     {"leg_pain_both_sides": True, "radiation": "below_knee"}),
    ("known_aneurysm_back_pain", "urgent", {"known_aortic_aneurysm": True}, {"faint_or_clammy": True}),
    ("pregnancy_warning", "emergency", {"pregnancy_warning_signs": True}, {"pregnancy_weeks": 30}),
    ("leg_weakness", "urgent", {"leg_weakness": "one_leg"}, {"leg_weakness": "none"}),
    ("leg_weakness", "urgent", {"leg_weakness": "one_leg"}, {"leg_weakness": "both_legs"}),
    ("fever", "urgent", {"fever": True}, {}),
    ("cancer_with_concerning_pain", "urgent", {"cancer_history": True, "pain_trend": "worsening"},
     {"cancer_history": True, "pain_trend": "stable"}),
    ("cancer_with_concerning_pain", "urgent", {"cancer_history": True, "night_pain": True},
     {"cancer_history": False, "night_pain": True}),
    ("cancer_with_concerning_pain", "urgent", {"cancer_history": True, "pain_at_rest": True},
     {"cancer_history": True, "pain_trend": "improving"}),
    ("fragility_fracture", "urgent", {"trauma": "minor", "age": 70}, {"trauma": "minor", "age": 69}),
    ("fragility_fracture", "urgent", {"trauma": "minor", **OSTEO}, {"trauma": "none", "pain_score": 6, **OSTEO}),
    ("fragility_fracture", "urgent", {"trauma": "major", "long_term_steroids": True}, {"trauma": "minor"}),
    ("possible_fragility_fracture", "urgent", {"pain_score": 7, "duration_days": 42, **OSTEO},
     {"pain_score": 6, "duration_days": 42, **OSTEO}),
    ("possible_fragility_fracture", "urgent", {"pain_score": 7, "duration_days": 42, "long_term_steroids": True},
     {"pain_score": 7, "duration_days": 43, "long_term_steroids": True}),
    ("possible_fragility_fracture", "urgent", {"pain_score": 10, **OSTEO},
     {"pain_score": 10, "trauma": "minor", "age": 50, "long_term_steroids": False}),
    ("sudden_severe_pain", "urgent", {"sudden_severe_constant_pain": True, "age": 20}, {"age": 20}),
    ("uncontrolled_pain", "urgent", {"pain_uncontrolled_by_painkillers": True}, {}),
    ("severe_after_one_week", "soon", {"duration_days": 7, "pain_score": 7}, {"duration_days": 6, "pain_score": 7}),
    ("severe_after_one_week", "soon", {"duration_days": 7, "pain_score": 7, "pain_trend": "worsening"},
     {"duration_days": 7, "pain_score": 6}),
    ("severe_after_one_week", "soon", {"duration_days": 30, "pain_score": 9},
     {"duration_days": 30, "pain_score": 9, "pain_trend": "improving"}),
    ("worsening_at_rest_or_night", "soon", {"pain_trend": "worsening", "pain_at_rest": True},
     {"pain_trend": "stable", "pain_at_rest": True}),
    ("worsening_at_rest_or_night", "soon", {"pain_trend": "worsening", "night_pain": True},
     {"pain_trend": "worsening"}),
    ("radiates_to_toes", "soon", {"radiation": "toes"}, {"radiation": "below_knee"}),
    ("numbness_one_leg", "soon", {"numbness_tingling": "one_leg"}, {"numbness_tingling": "both_legs"}),
    ("age_under_20_or_over_55", "soon", {"age": 19}, {"age": 20}),
    ("age_under_20_or_over_55", "soon", {"age": 56}, {"age": 55}),
    ("under_16", "soon", {"age": 15}, {"age": 16}),
    ("under_16", "soon", {"age": 0, "duration_days": 0}, {"age": 19}),
    ("rest_pain_persisting", "soon", {"pain_at_rest": True, "duration_days": 14},
     {"pain_at_rest": True, "duration_days": 13}),
    ("rest_pain_persisting", "soon", {"pain_at_rest": True, "duration_days": 14, "pain_trend": "improving"},
     {"pain_at_rest": False, "duration_days": 14}),
    ("accident", "soon", {"trauma": "minor"}, {"trauma": "none"}),
    ("weight_loss", "soon", {"unexplained_weight_loss": True}, {}),
    ("over_six_weeks", "soon", {"duration_days": 43}, {"duration_days": 42}),
    ("cancer_history", "soon", {"cancer_history": True}, {}),
    ("fracture_risk", "soon", {"long_term_steroids": True}, {}),
    ("fracture_risk", "soon", {"osteoporosis": True}, {}),
    ("infection_risk", "soon", {"immunosuppressed": True}, {}),
    ("infection_risk", "soon", {"iv_drug_use": True}, {}),
    ("infection_risk", "soon", {"recent_spinal_procedure": True}, {}),
    ("night_pain", "soon", {"night_pain": True}, {"pain_at_rest": True}),
    ("radicular_pain", "routine", {"radiation": "below_knee"}, {"radiation": "thigh"}),
    ("radicular_pain", "routine", {"radiation": "toes"}, {"radiation": "buttock"}),
    ("worsening_or_too_severe", "routine", {"pain_trend": "worsening"}, {"pain_trend": "stable"}),
    ("worsening_or_too_severe", "routine", {"duration_days": 3, "pain_score": 8},
     {"duration_days": 2, "pain_score": 8}),
    ("worsening_or_too_severe", "routine", {"duration_days": 3, "pain_score": 8},
     {"duration_days": 3, "pain_score": 7}),
    ("not_improving_three_weeks", "routine", {"duration_days": 21}, {"duration_days": 20}),
    ("not_improving_three_weeks", "routine", {"duration_days": 21, "pain_trend": "worsening"},
     {"duration_days": 21, "pain_trend": "improving"}),
]

INFLAMMATORY = {"morning_stiffness_over_30min": True, "better_with_exercise_not_rest": True}
CASES += [
    # age at onset = age - duration/365.25 must be below 45; duration above 84 days.
    ("inflammatory_pattern", "soon", {"age": 44, "duration_days": 85, **INFLAMMATORY},
     {"age": 44, "duration_days": 84, **INFLAMMATORY}),
    ("inflammatory_pattern", "soon", {"age": 46, "duration_days": 366, **INFLAMMATORY},
     {"age": 46, "duration_days": 365, **INFLAMMATORY}),
    ("inflammatory_pattern", "soon",
     {"age": 30, "duration_days": 200, "wakes_second_half_night": True, "alternating_buttock_pain": True},
     {"age": 30, "duration_days": 200, "wakes_second_half_night": True}),
]


def _fired(assessor: Assessor, answers: dict[str, Any]) -> dict[str, str]:
    result = assessor.assess(answers, TODAY, "en")
    return {f["id"]: f["level"] for f in result["flags"]}


@pytest.mark.parametrize(("flag", "level", "fires", "not_fires"), CASES,
                         ids=[f"{c[0]}-{i}" for i, c in enumerate(CASES)])
def test_flag_on_both_sides(assessor: Assessor, flag: str, level: str, fires: dict[str, Any],
                            not_fires: dict[str, Any]) -> None:
    assert _fired(assessor, intake(**fires)).get(flag) == level
    assert flag not in _fired(assessor, intake(**not_fires))


def test_every_flag_is_covered(assessor: Assessor) -> None:
    assert {c[0] for c in CASES} | {"startback_medium", "startback_high"} == {f.id for f in assessor.kb.flags}


STANDING = ["age_under_20_or_over_55", "under_16", "accident", "over_six_weeks", "cancer_history", "fracture_risk",
            "infection_risk"]
# Urgent flags marked with a double dagger in clinical-rules v2 §2: routine once a doctor has seen exactly this.
SEEN_URGENT = ["major_trauma_earlier", "fragility_fracture", "possible_fragility_fracture", "sudden_severe_pain"]


@pytest.mark.parametrize("flag", STANDING)
def test_standing_flags_turn_routine_once_seen(assessor: Assessor, flag: str) -> None:
    fires = next(c[2] for c in CASES if c[0] == flag)
    assert _fired(assessor, intake(**fires))[flag] == "soon"
    assert _fired(assessor, intake(**fires, seen_doctor_this_episode=True))[flag] == "routine"


@pytest.mark.parametrize("flag", SEEN_URGENT)
def test_double_dagger_urgent_flags_turn_routine_once_seen(assessor: Assessor, flag: str) -> None:
    fires = next(c[2] for c in CASES if c[0] == flag)
    assert _fired(assessor, intake(**fires))[flag] == "urgent"
    assert _fired(assessor, intake(**fires, seen_doctor_this_episode=True))[flag] == "routine"


@pytest.mark.parametrize("flag", ["leg_weakness", "fever", "bilateral_leg_pain", "known_aneurysm_back_pain",
                                  "numbness_after_spinal_procedure", "cancer_with_concerning_pain",
                                  "uncontrolled_pain"])
def test_other_urgent_flags_stay_urgent_once_seen(assessor: Assessor, flag: str) -> None:
    fires = next(c[2] for c in CASES if c[0] == flag)
    assert _fired(assessor, intake(**fires, seen_doctor_this_episode=True))[flag] == "urgent"


@pytest.mark.parametrize("flag", ["weight_loss", "night_pain", "numbness_one_leg", "radiates_to_toes",
                                  "severe_after_one_week", "rest_pain_persisting"])
def test_other_soon_flags_stay_soon_once_seen(assessor: Assessor, flag: str) -> None:
    fires = next(c[2] for c in CASES if c[0] == flag)
    assert _fired(assessor, intake(**fires, seen_doctor_this_episode=True))[flag] == "soon"


def _startback(**agree: Any) -> dict[str, Any]:
    answers: dict[str, Any] = {k: False for k in ("leg_pain", "shoulder_neck_pain", "walk_short_distances",
                                                  "dress_slowly", "not_safe_active", "worrying_thoughts",
                                                  "never_better", "no_enjoyment")}
    answers["bothersomeness"] = "slightly"
    return {**answers, **agree}


def test_startback_flags(assessor: Assessor) -> None:
    low = _startback(leg_pain=True, shoulder_neck_pain=True, walk_short_distances=True)
    medium = _startback(leg_pain=True, shoulder_neck_pain=True, walk_short_distances=True, dress_slowly=True)
    high = _startback(not_safe_active=True, worrying_thoughts=True, never_better=True,
                      bothersomeness="very_much")
    assert not {"startback_medium", "startback_high"} & set(_fired(assessor, intake(startback=low)))
    assert _fired(assessor, intake(startback=medium)).get("startback_medium") == "routine"
    assert _fired(assessor, intake(startback=high)).get("startback_high") == "routine"
    assert "startback_medium" not in _fired(assessor, intake(startback=high))


def test_flags_are_ordered_by_level_then_id(assessor: Assessor) -> None:
    answers = intake(bladder_problems=True, fever=True, night_pain=True, radiation="toes", age=60,
                     trauma="minor")
    levels = ["emergency", "urgent", "soon", "routine"]
    flags = assessor.assess(answers, TODAY)["flags"]
    keys = [(levels.index(f["level"]), f["id"]) for f in flags]
    assert keys == sorted(keys)
    assert len(flags) >= 6


@pytest.mark.parametrize(("days", "episode"), [(0, "acute"), (42, "acute"), (43, "subacute"),
                                               (84, "subacute"), (85, "chronic"), (36500, "chronic")])
def test_episode_classes(assessor: Assessor, days: int, episode: str) -> None:
    assert assessor.assess(intake(duration_days=days, age=120), TODAY)["episode"] == episode
