"""Properties that must hold for every intake, not just the examples (hypothesis)."""

from __future__ import annotations

import itertools
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from rugwijzer.core.intake import REQUIRED_FIELDS
from rugwijzer.core.validation import IntakeError
from rugwijzer.services.assessing import Assessor
from strategies import BOTHER, RADIATION, SIDES, TRAUMA, TRENDS, intakes
from support import TODAY, examples

LEVELS = ["self_care", "routine", "soon", "urgent", "emergency"]

# Answers that are an emergency on their own, whatever else is true (clinical-rules §2).
EMERGENCY_ANSWERS: list[dict[str, Any]] = [
    {"bladder_problems": True},
    {"bowel_incontinence": True},
    {"saddle_numbness": True},
    {"numbness_tingling": "both_legs"},
    {"leg_weakness": "both_legs"},
    {"leg_pain_both_sides": True, "radiation": "below_knee"},
    {"leg_pain_both_sides": True, "radiation": "toes"},
    {"sudden_severe_constant_pain": True, "faint_or_clammy": True},
    {"sudden_severe_constant_pain": True, "known_aortic_aneurysm": True},
    {"trauma": "major", "duration_days": 2},  # within its 2-day window (major_trauma_earlier after it)
    {"cancer_history": True, "leg_weakness": "one_leg"},
    {"fever": True, "numbness_tingling": "one_leg"},
    {"recent_spinal_procedure": True, "leg_weakness": "one_leg"},
    {"pregnancy_warning_signs": True},
]


def rank(urgency: str) -> int:
    return LEVELS.index(urgency)


@settings(max_examples=examples(300), deadline=None)
@given(data=intakes(), emergency=st.sampled_from(EMERGENCY_ANSWERS))
def test_any_emergency_answer_gives_emergency(assessor: Assessor, data: dict[str, Any],
                                              emergency: dict[str, Any]) -> None:
    answer = assessor.assess({**data, **emergency}, TODAY)
    assert answer["urgency"] == "emergency"
    assert answer["plan"] == [] and answer["tips"] == [] and answer["avoid"] == []


@settings(max_examples=examples(400), deadline=None)
@given(data=intakes())
def test_urgency_is_the_highest_fired_level(assessor: Assessor, data: dict[str, Any]) -> None:
    answer = assessor.assess(data, TODAY)
    levels = [f["level"] for f in answer["flags"]]
    assert answer["urgency"] == (max(levels, key=rank) if levels else "self_care")
    assert answer["complete"] is True
    gated = answer["urgency"] in ("emergency", "urgent")
    assert (answer["plan"] == []) == gated
    assert (answer["tips"] == []) == gated


def _escalations(data: dict[str, Any]) -> list[dict[str, Any]]:
    """Every single step that makes a symptom worse (or present)."""
    steps: list[dict[str, Any]] = []
    for name in ("pain_at_rest", "night_pain", "leg_pain_both_sides", "saddle_numbness", "bladder_problems",
                 "bowel_incontinence", "unexplained_weight_loss", "fever", "cancer_history",
                 "sudden_severe_constant_pain", "recent_spinal_procedure", "pregnancy_warning_signs",
                 "long_term_steroids", "osteoporosis", "immunosuppressed", "iv_drug_use",
                 "known_aortic_aneurysm", "faint_or_clammy", "pain_uncontrolled_by_painkillers",
                 "morning_stiffness_over_30min", "better_with_exercise_not_rest", "wakes_second_half_night",
                 "alternating_buttock_pain"):
        if not data.get(name, False):
            steps.append({name: True})
    for name, order in (("numbness_tingling", SIDES), ("leg_weakness", SIDES), ("radiation", RADIATION),
                        ("trauma", TRAUMA), ("pain_trend", TRENDS)):
        for worse in order[order.index(data[name]) + 1:]:
            steps.append({name: worse})
    steps += [{"pain_score": p} for p in range(data["pain_score"] + 1, 11)]
    return steps


@settings(max_examples=examples(150), deadline=None)
@given(data=intakes())
def test_a_worse_symptom_never_lowers_urgency(assessor: Assessor, data: dict[str, Any]) -> None:
    before = rank(assessor.assess(data, TODAY)["urgency"])
    for step in _escalations(data):
        after = rank(assessor.assess({**data, **step}, TODAY)["urgency"])
        assert after >= before, step


@settings(max_examples=examples(200), deadline=None)
@given(data=intakes(), drop=st.sets(st.sampled_from(REQUIRED_FIELDS), min_size=1))
def test_partial_answers_are_sound(assessor: Assessor, data: dict[str, Any], drop: set[str]) -> None:
    """What a partial intake reports must hold for the complete one (it is one possible completion)."""
    full = assessor.assess(data, TODAY)
    partial_data = {k: v for k, v in data.items() if k not in drop}
    try:
        partial = assessor.assess(partial_data, TODAY)
    except IntakeError as exc:
        assert set(exc.fields) == drop
        return
    assert partial["complete"] is False and partial["urgency"] == "emergency"
    assert {f["id"] for f in partial["flags"]} <= {f["id"] for f in full["flags"]}
    assert full["urgency"] == "emergency"


def _published_startback(answers: dict[str, Any]) -> tuple[int, int, str]:
    """HILL2008 written out by hand from the paper, by item content."""
    physical = ["leg_pain", "shoulder_neck_pain", "walk_short_distances", "dress_slowly"]
    psychological = ["not_safe_active", "worrying_thoughts", "never_better", "no_enjoyment"]
    bother = 1 if answers["bothersomeness"] in ("very_much", "extremely") else 0
    psychosocial = sum(answers[k] for k in psychological) + bother
    total = psychosocial + sum(answers[k] for k in physical)
    risk = "high" if psychosocial >= 4 else "medium" if total >= 4 else "low"
    return total, psychosocial, risk


ITEM_KEYS = ["leg_pain", "shoulder_neck_pain", "walk_short_distances", "dress_slowly", "not_safe_active",
             "worrying_thoughts", "never_better", "no_enjoyment"]


@pytest.mark.parametrize("bother", BOTHER)
def test_startback_matches_the_published_scoring_for_every_answer(assessor: Assessor, bother: str) -> None:
    from support import intake

    for bits in itertools.product([False, True], repeat=8):
        answers: dict[str, Any] = {**dict(zip(ITEM_KEYS, bits, strict=True)), "bothersomeness": bother}
        score = assessor.assessment(intake(startback=answers), TODAY).startback
        assert score is not None
        assert (score.total, score.psychosocial, score.risk) == _published_startback(answers), answers


@settings(max_examples=examples(200), deadline=None)
@given(data=intakes())
def test_output_orders(assessor: Assessor, data: dict[str, Any]) -> None:
    answer = assessor.assess(data, TODAY)
    plan_order = [p.id for p in assessor.kb.plan.items]
    plan = [p["id"] for p in answer["plan"]]
    assert plan == sorted(plan, key=plan_order.index)
    for key in ("suspected", "avoid"):
        ids = [i["id"] for i in answer[key]]
        assert ids == sorted(ids)
    assert answer["risk_factors"] == sorted(answer["risk_factors"])
    if answer["medication"] is not None:
        for key in ("nsaid_cautions", "paracetamol_cautions"):
            assert answer["medication"][key] == sorted(answer["medication"][key])
    if answer["tips"]:
        assert sorted(t["id"] for t in answer["tips"]) == sorted(t.id for t in assessor.kb.tips.items)
    assert answer == assessor.assess(data, TODAY)  # deterministic


def test_the_strategies_draw_every_field_of_the_intake_model() -> None:
    """The intake strategy is derived from the model: a new field is drawn without touching the tests,
    and an annotation the strategies cannot read fails here instead of being skipped."""
    from rugwijzer.core.intake import Intake

    seen: set[str] = set()

    @settings(max_examples=examples(200), deadline=None)
    @given(intakes())
    def draw(data: dict[str, Any]) -> None:
        Intake.model_validate(data)
        seen.update(data)

    draw()
    assert seen == set(Intake.model_fields)


def test_an_unknown_annotation_fails_loudly() -> None:
    from strategies import for_annotation

    with pytest.raises(TypeError, match="nobody reads"):
        for_annotation(float)
