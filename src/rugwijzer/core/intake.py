"""The intake: one person's answers at one moment (contract §1).

Strict on purpose: a typo, a ``null`` or a ``"yes"`` where ``true`` is meant must never hide a red
flag, so unknown fields, explicit nulls and loose types are all errors.
"""

from __future__ import annotations

from typing import Annotated, Literal, get_args

from pydantic import BaseModel, ConfigDict, Field, field_validator

PainTrend = Literal["improving", "stable", "worsening"]
Radiation = Literal["none", "buttock", "thigh", "below_knee", "toes"]
Sides = Literal["none", "one_leg", "both_legs"]
Trauma = Literal["none", "minor", "major"]
Sex = Literal["female", "male", "other"]
Bothersomeness = Literal["not_at_all", "slightly", "moderately", "very_much", "extremely"]
RiskFactor = Literal[
    "heavy_lifting_work",
    "twisting_bending",
    "vibration_exposure",
    "sedentary_work",
    "stress_or_fatigue",
    "overweight",
    "little_exercise",
    "weak_trunk_muscles",
]
RISK_FACTORS: tuple[str, ...] = get_args(RiskFactor)

_STRICT = ConfigDict(extra="forbid", strict=True, frozen=True)


class StartBackAnswers(BaseModel):
    """The nine STarT Back answers (paraphrased keys; © Keele University)."""

    model_config = _STRICT

    leg_pain: bool
    shoulder_neck_pain: bool
    walk_short_distances: bool
    dress_slowly: bool
    not_safe_active: bool
    worrying_thoughts: bool
    never_better: bool
    no_enjoyment: bool
    bothersomeness: Bothersomeness


class Intake(BaseModel):
    """Contract §1: required fields first, then the optional ones with their 'not present' default."""

    model_config = _STRICT

    age: Annotated[int, Field(ge=0, le=120)]
    duration_days: Annotated[int, Field(ge=0, le=36500)]
    pain_score: Annotated[int, Field(ge=0, le=10)]
    pain_trend: PainTrend
    pain_at_rest: bool
    night_pain: bool
    radiation: Radiation
    leg_pain_both_sides: bool
    numbness_tingling: Sides
    leg_weakness: Sides
    saddle_numbness: bool
    bladder_problems: bool
    bowel_incontinence: bool
    trauma: Trauma
    unexplained_weight_loss: bool
    fever: bool
    cancer_history: bool
    sudden_severe_constant_pain: bool
    recent_spinal_procedure: bool

    sex: Sex | None = None
    first_episode: bool | None = None
    pregnancy_weeks: Annotated[int, Field(ge=1, le=45)] | None = None
    pregnancy_warning_signs: bool = False
    seen_doctor_this_episode: bool = False
    long_term_steroids: bool = False
    osteoporosis: bool = False
    immunosuppressed: bool = False
    iv_drug_use: bool = False
    known_aortic_aneurysm: bool = False
    faint_or_clammy: bool = False
    pain_uncontrolled_by_painkillers: bool = False
    morning_stiffness_over_30min: bool = False
    better_with_exercise_not_rest: bool = False
    wakes_second_half_night: bool = False
    alternating_buttock_pain: bool = False
    stomach_ulcer_history: bool = False
    kidney_disease: bool = False
    heart_failure: bool = False
    blood_thinners: bool = False
    nsaid_allergy_or_asthma: bool = False
    off_work_because_of_pain: bool = False
    neuro_signs_in_different_legs: bool = False
    cardiovascular_disease: bool = False
    bp_or_water_tablets: bool = False
    ssri_antidepressant: bool = False
    liver_disease: bool = False
    heavy_alcohol_use: bool = False
    body_weight_under_50kg: bool = False
    risk_factors: list[RiskFactor] = Field(default_factory=list)
    startback: StartBackAnswers | None = None

    @field_validator("risk_factors", mode="after")
    @classmethod
    def _no_repeated_risk_factor(cls, value: list[RiskFactor]) -> list[RiskFactor]:
        repeated = sorted({v for v in value if value.count(v) > 1})
        if repeated:
            raise ValueError(f"repeated id: {', '.join(repeated)}")
        return value


REQUIRED_FIELDS: tuple[str, ...] = tuple(
    name for name, info in Intake.model_fields.items() if info.is_required()
)
OPTIONAL_FIELDS: tuple[str, ...] = tuple(
    name for name in Intake.model_fields if name not in REQUIRED_FIELDS
)
STARTBACK_KEYS: tuple[str, ...] = tuple(StartBackAnswers.model_fields)
