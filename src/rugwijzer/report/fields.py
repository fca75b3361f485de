"""The person's answers in readable words, for the report.

The table of labels is keyed by the contract's field list (the intake model), and a test checks
that every field, every allowed value, every risk factor and every STarT Back key has a label, so a
new field cannot silently go missing from the report. Labels are short interface strings (catalogue
domain ``report``); the medical texts stay in the knowledge base.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

from rugwijzer.core.intake import OPTIONAL_FIELDS, REQUIRED_FIELDS, STARTBACK_KEYS


def N_(message: str) -> str:
    """Mark a string for the catalogue; it is translated when shown."""
    return message


# One short label per intake field, in the contract's order.
FIELD_LABELS: dict[str, str] = {
    "age": N_("Age"),
    "duration_days": N_("Back pain for"),
    "pain_score": N_("Pain now (0–10)"),
    "pain_trend": N_("Course over the last days"),
    "pain_at_rest": N_("Pain also when lying still"),
    "night_pain": N_("Night pain that does not ease by turning"),
    "radiation": N_("Pain reaches as far as"),
    "leg_pain_both_sides": N_("Pain down both legs"),
    "numbness_tingling": N_("New numbness or tingling"),
    "leg_weakness": N_("New weakness of a leg or foot"),
    "saddle_numbness": N_("Numb around anus, genitals or inner thighs"),
    "bladder_problems": N_("New trouble passing or holding urine"),
    "bowel_incontinence": N_("New loss of bowel control"),
    "trauma": N_("Began after an accident"),
    "unexplained_weight_loss": N_("Losing weight without trying"),
    "fever": N_("Fever or shivering fits"),
    "cancer_history": N_("Has or had cancer"),
    "sudden_severe_constant_pain": N_("Sudden, extreme pain, the same in any position"),
    "recent_spinal_procedure": N_("Back surgery, spinal injection or puncture (last 3 months)"),
    "sex": N_("Sex"),
    "first_episode": N_("First time with back pain"),
    "pregnancy_weeks": N_("Pregnant"),
    "pregnancy_warning_signs": N_("Warning signs in pregnancy"),
    "seen_doctor_this_episode": N_("Already saw a doctor for this episode"),
    "long_term_steroids": N_("Corticosteroids for 3 months or more"),
    "osteoporosis": N_("Osteoporosis"),
    "immunosuppressed": N_("Weakened immune system"),
    "iv_drug_use": N_("Injects drugs"),
    "known_aortic_aneurysm": N_("Known aneurysm of the abdominal aorta"),
    "faint_or_clammy": N_("Feels faint, pale or clammy"),
    "pain_uncontrolled_by_painkillers": N_("Unbearable despite prescribed painkillers"),
    "morning_stiffness_over_30min": N_("Morning stiffness over 30 minutes"),
    "better_with_exercise_not_rest": N_("Better with movement, not with rest"),
    "wakes_second_half_night": N_("Woken by pain late in the night"),
    "alternating_buttock_pain": N_("Buttock pain that switches sides"),
    "stomach_ulcer_history": N_("Stomach ulcer or bleeding in the past"),
    "kidney_disease": N_("Reduced kidney function"),
    "heart_failure": N_("Heart failure"),
    "blood_thinners": N_("Takes a blood thinner (aspirin too)"),
    "nsaid_allergy_or_asthma": N_("Allergy or asthma from anti-inflammatory painkillers"),
    "off_work_because_of_pain": N_("Off work because of the pain"),
    "neuro_signs_in_different_legs": N_("Weakness in one leg, numbness or tingling in the other"),
    "cardiovascular_disease": N_("Heart or blood-vessel disease (heart attack, angina, stroke, TIA)"),
    "bp_or_water_tablets": N_("Takes blood-pressure tablets (ACE inhibitor, sartan) or water tablets"),
    "ssri_antidepressant": N_("Takes an SSRI or SNRI antidepressant"),
    "liver_disease": N_("Liver disease"),
    "heavy_alcohol_use": N_("Usually more than 3 alcoholic drinks a day"),
    "body_weight_under_50kg": N_("Weighs less than 50 kg"),
    "risk_factors": N_("Risk factors"),
    "startback": N_("STarT Back answers"),
}

# Labels of the allowed values of the choice fields. (field, value) wins over value alone.
VALUE_LABELS: dict[str, str] = {
    "improving": N_("getting better"),
    "stable": N_("about the same"),
    "worsening": N_("getting worse"),
    "none": N_("no"),
    "buttock": N_("the buttock"),
    "thigh": N_("the thigh"),
    "below_knee": N_("below the knee"),
    "toes": N_("the toes"),
    "one_leg": N_("one leg"),
    "both_legs": N_("both legs"),
    "minor": N_("yes, a minor one"),
    "major": N_("yes, a major one"),
    "female": N_("female"),
    "male": N_("male"),
    "other": N_("other"),
    "not_at_all": N_("not at all"),
    "slightly": N_("a little"),
    "moderately": N_("fairly"),
    "very_much": N_("a lot"),
    "extremely": N_("enormously"),
}
FIELD_VALUE_LABELS: dict[tuple[str, str], str] = {
    ("radiation", "none"): N_("only the back"),
}

RISK_FACTOR_LABELS: dict[str, str] = {
    "heavy_lifting_work": N_("heavy lifting at work"),
    "twisting_bending": N_("a lot of twisting and bending"),
    "vibration_exposure": N_("vibration (vehicles, machines)"),
    "sedentary_work": N_("sitting a lot at work"),
    "stress_or_fatigue": N_("stress or tiredness"),
    "overweight": N_("overweight"),
    "little_exercise": N_("little exercise"),
    "weak_trunk_muscles": N_("weak trunk muscles"),
}

# Short names of the STarT Back items: our own paraphrase, never the official wording.
STARTBACK_LABELS: dict[str, str] = {
    "leg_pain": N_("pain into a leg"),
    "shoulder_neck_pain": N_("shoulder or neck pain"),
    "walk_short_distances": N_("walks only short distances"),
    "dress_slowly": N_("dresses more slowly"),
    "not_safe_active": N_("being active feels unsafe"),
    "worrying_thoughts": N_("many worrying thoughts"),
    "never_better": N_("fears it will never get better"),
    "no_enjoyment": N_("little enjoyment"),
    "bothersomeness": N_("how bothersome"),
}


def _reading_order(fields: tuple[str, ...]) -> tuple[str, ...]:
    """The contract's order, but with "different legs" right after leg weakness, where a doctor
    looks for it (the contract lists the field with the other v2 additions, at the end)."""
    moved = "neuro_signs_in_different_legs"
    rest = [name for name in fields if name != moved]
    return (*rest[:rest.index("leg_weakness") + 1], moved, *rest[rest.index("leg_weakness") + 1:])


FIELDS: tuple[str, ...] = _reading_order((*REQUIRED_FIELDS, *OPTIONAL_FIELDS))


@dataclass(frozen=True, slots=True)
class Row:
    """One answer: its label, the value in words, and whether it is a 'yes' worth a look."""

    field: str
    label: str
    value: str
    notable: bool


@dataclass(slots=True)
class Answers:
    """The answers as the report shows them."""

    rows: list[Row] = field(default_factory=list)
    not_answered: list[str] = field(default_factory=list)  # labels of missing required fields
    risk_factors: list[str] = field(default_factory=list)
    startback_agreed: list[str] = field(default_factory=list)
    startback_bother: str | None = None
    has_startback: bool = False


Gettext = Callable[[str], str]
NGettext = Callable[[str, str, int], str]


def _value(name: str, value: Any, _: Gettext, ngettext: NGettext) -> tuple[str, bool]:
    """A value in words, and whether it stands out (a 'yes', a choice other than 'none')."""
    if value is None:
        return (_("unknown") if name == "first_episode" else _("not given")), False
    if isinstance(value, bool):
        return (_("yes") if value else _("no")), value
    if isinstance(value, int):
        if name == "age":
            return ngettext("%(num)d year", "%(num)d years", value) % {"num": value}, False
        if name == "duration_days":
            return ngettext("%(num)d day", "%(num)d days", value) % {"num": value}, False
        if name == "pregnancy_weeks":
            return ngettext("yes, %(num)d week", "yes, %(num)d weeks", value) % {"num": value}, True
        return str(value), False
    if isinstance(value, str):
        label = FIELD_VALUE_LABELS.get((name, value)) or VALUE_LABELS.get(value)
        notable = value not in ("none", "improving", "stable") and name != "sex"
        return (_(label) if label else value), notable
    return str(value), False


def readable_answers(intake: Mapping[str, Any], _: Gettext, ngettext: NGettext) -> Answers:
    """The intake in words: every required field (or 'not answered'), each optional field that was
    given, the risk factors, and the STarT Back answers."""
    answers = Answers()
    for name in FIELDS:
        if name in ("risk_factors", "startback"):
            continue
        if name not in intake:
            if name in REQUIRED_FIELDS:
                answers.not_answered.append(_(FIELD_LABELS[name]))
            continue
        text, notable = _value(name, intake[name], _, ngettext)
        answers.rows.append(Row(name, _(FIELD_LABELS[name]), text, notable))
    for factor in intake.get("risk_factors") or ():
        label = RISK_FACTOR_LABELS.get(str(factor))
        answers.risk_factors.append(_(label) if label else str(factor))
    startback = intake.get("startback")
    if isinstance(startback, Mapping):
        answers.has_startback = True
        for key in STARTBACK_KEYS:
            if key != "bothersomeness" and startback.get(key) is True:
                answers.startback_agreed.append(_(STARTBACK_LABELS[key]))
        bother = startback.get("bothersomeness")
        if isinstance(bother, str):
            label = VALUE_LABELS.get(bother)
            answers.startback_bother = _(label) if label else bother
    return answers
