"""Bad input: every problem names the field and what is allowed (contract §1), partial intakes (§4)."""

from __future__ import annotations

import json
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from rugwijzer.core.validation import IntakeError, load_json_object, parse_intake
from rugwijzer.services.assessing import Assessor
from support import NEUTRAL, TODAY, examples, intake


def problems_of(data: Any) -> dict[str, str]:
    with pytest.raises(IntakeError) as info:
        parse_intake(data)
    return {p.field: p.allowed for p in info.value.problems}


@pytest.mark.parametrize(("field", "value", "allowed_part"), [
    ("age", 121, "0 to 120"),
    ("age", -1, "0 to 120"),
    ("age", 40.0, "whole number"),
    ("age", True, "whole number"),
    ("age", "40", "whole number"),
    ("duration_days", 36501, "0 to 36500"),
    ("pain_score", 11, "0 to 10"),
    ("pain_trend", "better", "improving, stable, worsening"),
    ("radiation", "knee", "below_knee"),
    ("numbness_tingling", "left_leg", "one_leg"),
    ("trauma", "severe", "minor"),
    ("bladder_problems", "yes", "true or false"),
    ("bladder_problems", 1, "true or false"),
    ("bladder_problems", None, "true or false"),
    ("fever", None, "true or false"),
    ("pregnancy_weeks", 0, "1 to 45"),
    ("pregnancy_weeks", 46, "1 to 45"),
    ("sex", "f", "female"),
    ("osteoporosis", None, "true or false"),
    ("risk_factors", ["heavy_lifting_work", "heavy_lifting_work"], "distinct"),
    ("risk_factors", ["pregnancy"], "heavy_lifting_work"),
    ("risk_factors", "sedentary_work", "a list"),
])
def test_bad_value_names_field_and_allowed(field: str, value: Any, allowed_part: str) -> None:
    problems = problems_of(intake(**{field: value}))
    assert field in problems
    assert allowed_part in problems[field]


@pytest.mark.parametrize(("field", "value"), [("sex", None), ("first_episode", None),
                                              ("pregnancy_weeks", None), ("startback", None)])
def test_null_allowed_where_the_contract_says_so(field: str, value: Any) -> None:
    assert parse_intake(intake(**{field: value})).complete


def test_unknown_field_is_an_error() -> None:
    problems = problems_of(intake(bladder_problem=True))
    assert "bladder_problem" in problems


def test_all_problems_reported_at_once() -> None:
    problems = problems_of(intake(age=200, pain_trend="x", fever="no", typo=1))
    assert {"age", "pain_trend", "fever", "typo"} <= set(problems)


def test_duration_longer_than_life_names_both_fields() -> None:
    with pytest.raises(IntakeError) as info:
        parse_intake(intake(age=1, duration_days=733))
    assert {"duration_days", "age"} <= set(info.value.fields)
    assert parse_intake(intake(age=1, duration_days=732)).complete


def test_repeated_key_is_an_error_naming_it() -> None:
    text = json.dumps(NEUTRAL)[:-1] + ', "bladder_problems": false}'
    text = text.replace('"bladder_problems": false', '"bladder_problems": true', 1)
    with pytest.raises(IntakeError) as info:
        load_json_object(text)
    assert info.value.fields == ["bladder_problems"]


@pytest.mark.parametrize("text", ["", "[]", "42", "{", '"x"', "null"])
def test_not_an_object(text: str) -> None:
    with pytest.raises(IntakeError) as info:
        load_json_object(text)
    assert info.value.fields == ["intake"]


@pytest.mark.parametrize(("startback", "field"), [
    ({"leg_pain": True}, "startback.shoulder_neck_pain"),
    ("yes", "startback"),
])
def test_bad_startback(startback: Any, field: str) -> None:
    with pytest.raises(IntakeError) as info:
        parse_intake(intake(startback=startback))
    assert field in info.value.fields
    assert "startback" in info.value.fields


def test_startback_unknown_key_and_bad_value() -> None:
    answers = {k: False for k in ("leg_pain", "shoulder_neck_pain", "walk_short_distances", "dress_slowly",
                                  "not_safe_active", "worrying_thoughts", "never_better", "no_enjoyment")}
    with pytest.raises(IntakeError) as info:
        parse_intake(intake(startback={**answers, "bothersomeness": "very", "extra": 1}))
    assert {"startback.bothersomeness", "startback.extra", "startback"} <= set(info.value.fields)


# ---- partial intakes (contract §4) -------------------------------------------------------

def test_partial_with_emergency_gives_incomplete_emergency(assessor: Assessor) -> None:
    answer = assessor.assess({"bladder_problems": True}, TODAY, "en")
    assert answer["complete"] is False
    assert answer["urgency"] == "emergency"
    assert [f["id"] for f in answer["flags"]] == ["cauda_equina_bladder"]
    assert answer["plan"] == answer["avoid"] == answer["tips"] == []
    assert [s["id"] for s in answer["suspected"]] == ["cauda_equina"]
    assert answer["episode"] is None and answer["startback"] is None
    assert answer["action"]["destination"] == "emergency_department"


def test_partial_emergency_needs_certainty(assessor: Assessor) -> None:
    # Sudden severe pain is an emergency only after 40 and in its first 7 days (v2): with the age or
    # the duration unknown it cannot fire.
    with pytest.raises(IntakeError) as info:
        assessor.assess({"sudden_severe_constant_pain": True}, TODAY)
    assert "age" in info.value.fields
    with pytest.raises(IntakeError) as info:
        assessor.assess({"sudden_severe_constant_pain": True, "age": 41}, TODAY)
    assert "duration_days" in info.value.fields
    answer = assessor.assess({"sudden_severe_constant_pain": True, "age": 41, "duration_days": 7}, TODAY)
    assert answer["urgency"] == "emergency" and not answer["complete"]
    assert {f["id"] for f in answer["flags"]} == {"aneurysm_suspected", "sudden_severe_pain"}


def test_partial_without_emergency_names_missing_fields(assessor: Assessor) -> None:
    data = dict(NEUTRAL)
    del data["fever"], data["age"]
    with pytest.raises(IntakeError) as info:
        assessor.assess(data, TODAY)
    assert set(info.value.fields) == {"fever", "age"}


def test_partial_with_another_error_is_an_error(assessor: Assessor) -> None:
    with pytest.raises(IntakeError) as info:
        assessor.assess({"bladder_problems": True, "pain_score": 12}, TODAY)
    assert "pain_score" in info.value.fields


def test_partial_maternity_only_when_pregnancy_warning_alone(assessor: Assessor) -> None:
    alone = assessor.assess({"pregnancy_warning_signs": True}, TODAY, "en")
    assert alone["action"]["destination"] == "maternity_unit"
    both = assessor.assess({"pregnancy_warning_signs": True, "bladder_problems": True}, TODAY, "en")
    assert both["action"]["destination"] == "emergency_department"
    assert both["risk_factors"] == ["pregnancy"]


def test_partial_emergency_gives_no_medication_advice(assessor: Assessor) -> None:
    # v1 advised "avoid" here because the age-70 caution might hold; v2 gives no self-medication
    # advice at all in an emergency (clinical-rules §5): the emergency team decides.
    answer = assessor.assess({"bladder_problems": True}, TODAY)
    assert answer["medication"] is None
    assert answer["prognosis"] == [] and answer["milestones"] == [] and answer["safety_net"] == []


def test_invalid_intake_still_carries_an_emergency(assessor: Assessor) -> None:
    """A null stays an error (contract §1), but the emergency in the other answers is not withheld."""
    with pytest.raises(IntakeError) as info:
        assessor.assess(intake(fever=None, saddle_numbness=True), TODAY, "en")
    assert info.value.fields == ["fever"]
    assert info.value.emergency is not None
    assert [f["id"] for f in info.value.emergency["flags"]] == ["cauda_equina_saddle"]
    assert "112" in info.value.emergency["action"]["action"]
    assert next(iter(info.value.as_dict())) == "emergency"  # shown first (contract §1)
    with pytest.raises(IntakeError) as calm:
        assessor.assess(intake(fever=None), TODAY)
    assert calm.value.emergency is None



def test_an_error_found_only_later_does_not_hide_the_emergency(assessor: Assessor) -> None:
    """Duration is compared with age only when both fields parse: a bad pain score hides a
    duration longer than the person's life until the pain score is set aside. The emergency in
    the other answers must survive both errors."""
    answers = intake(age=30, duration_days=20_000, pain_score="x", saddle_numbness=True)
    with pytest.raises(IntakeError) as info:
        assessor.assess(answers, TODAY, "en")
    assert "pain_score" in info.value.fields
    assert info.value.emergency is not None
    assert [f["id"] for f in info.value.emergency["flags"]] == ["cauda_equina_saddle"]
    with pytest.raises(IntakeError) as calm:
        assessor.assess({**answers, "saddle_numbness": False}, TODAY)
    assert calm.value.emergency is None

_KEYS = st.text(alphabet=st.characters(codec="utf-8", exclude_categories=("Cs",)), max_size=6)
_VALUES = st.recursive(st.none() | st.booleans() | st.integers(-10, 10) | _KEYS,
                       lambda inner: st.lists(inner, max_size=3)
                       | st.lists(st.tuples(_KEYS, inner), max_size=4).map(lambda pairs: ("object", pairs)),
                       max_leaves=12)


def _render(value: Any) -> str:
    """JSON text that may repeat keys (json.dumps cannot write that)."""
    if isinstance(value, tuple) and value and value[0] == "object":
        return "{" + ", ".join(f"{json.dumps(k)} : {_render(v)}" for k, v in value[1]) + "}"
    if isinstance(value, list):
        return "[" + ",".join(_render(v) for v in value) + "]"
    return json.dumps(value)


def _repeats(value: Any) -> bool:
    if isinstance(value, tuple) and value and value[0] == "object":
        keys = [k for k, _ in value[1]]
        return len(keys) != len(set(keys)) or any(_repeats(v) for _, v in value[1])
    return isinstance(value, list) and any(_repeats(v) for v in value)


@settings(max_examples=examples(400), deadline=None)
@given(pairs=st.lists(st.tuples(_KEYS, _VALUES), max_size=6), as_bytes=st.booleans())
def test_every_repeated_key_is_found_at_any_depth(pairs: list[tuple[str, Any]], as_bytes: bool) -> None:
    value = ("object", pairs)
    text: str | bytes = _render(value)
    if as_bytes:
        text = text.encode()
    if _repeats(value):
        with pytest.raises(IntakeError):
            load_json_object(text)
    else:
        assert load_json_object(text) == json.loads(text)
