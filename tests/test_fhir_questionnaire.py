"""The FHIR R4 Questionnaire generated from the question flow: valid R4 (round trip), unique linkIds,
contract field names, coded options, nl/fr/en, the Keele notice, and enableWhen that never hides a
question the flow asks."""

from __future__ import annotations

import json
import operator
import random
from collections.abc import Callable, Iterator
from typing import Any

import pytest
from fhir.resources.R4B.questionnaire import Questionnaire
from fhir.resources.R4B.questionnaireresponse import QuestionnaireResponse

from rugwijzer.core.flow import Flow, Question, token
from rugwijzer.core.intake import REQUIRED_FIELDS, STARTBACK_KEYS, Intake
from rugwijzer.fhir.codes import QUESTIONNAIRE_URL, TRANSLATION
from rugwijzer.fhir.enable_when import translate
from rugwijzer.fhir.questionnaire import intake_questionnaire
from rugwijzer.fhir.response import questionnaire_response
from rugwijzer.knowledge import load_flow, load_knowledge
from rugwijzer.languages import LANGS


@pytest.fixture(scope="module")
def flow() -> Flow:
    return load_flow()


def walk(items: list[dict[str, Any]], parent: dict[str, Any] | None = None) -> Iterator[tuple[dict[str, Any], Any]]:
    for item in items:
        yield item, parent
        yield from walk(item.get("item", []), item)


def items_of(questionnaire: dict[str, Any]) -> dict[str, dict[str, Any]]:
    return {item["linkId"]: item for item, _ in walk(questionnaire["item"])}


# ---- a valid R4 resource ---------------------------------------------------------------------------

@pytest.mark.parametrize("lang", LANGS)
def test_the_questionnaire_round_trips_as_r4(lang: Any) -> None:
    resource = intake_questionnaire(lang)
    parsed = Questionnaire.model_validate(json.loads(json.dumps(resource)))
    assert json.loads(parsed.model_dump_json()) == resource
    assert parsed.url == QUESTIONNAIRE_URL and parsed.language == lang
    assert "{" not in resource["description"] and "112" in resource["description"]  # numbers filled in


@pytest.mark.parametrize("lang", LANGS)
def test_link_ids_are_unique(lang: Any) -> None:
    link_ids = [item["linkId"] for item, _ in walk(intake_questionnaire(lang)["item"])]
    assert len(link_ids) == len(set(link_ids))


def test_every_contract_field_is_an_item_named_after_it() -> None:
    items = items_of(intake_questionnaire("en"))
    wanted = {*Intake.model_fields, *(f"startback.{key}" for key in STARTBACK_KEYS)} - {"startback"}
    assert wanted <= set(items)
    for name in REQUIRED_FIELDS:
        assert items[name]["required"] is True
    assert items["age"]["type"] == "integer" and items["fever"]["type"] == "boolean"
    assert items["risk_factors"]["repeats"] is True


def test_answer_options_are_coded(flow: Flow) -> None:
    items = items_of(intake_questionnaire("en"))
    for _, question in flow.questions():
        item = items[question.field]
        if question.kind not in ("choice", "multi"):
            assert "answerOption" not in item
            continue
        codings = [o["valueCoding"] for o in item["answerOption"]]
        assert [c["code"] for c in codings] == [token(o.value) for o in question.options]
        assert {c["system"] for c in codings} == {codings[0]["system"]}
        assert codings[0]["system"].startswith("http://rugwijzer.local/fhir/CodeSystem/")


def _translations(element: dict[str, Any]) -> dict[str, str]:
    out = {}
    for extension in element["extension"]:
        assert extension["url"] == TRANSLATION
        parts = {e["url"]: e.get("valueCode") or e.get("valueString") for e in extension["extension"]}
        out[parts["lang"]] = parts["content"]
    return out


@pytest.mark.parametrize("lang", LANGS)
def test_every_text_has_the_other_two_languages(flow: Flow, lang: Any) -> None:
    items = items_of(intake_questionnaire(lang))
    for item in items.values():
        assert set(_translations(item["_text"])) == set(LANGS) - {lang}, item["linkId"]
        for option in item.get("answerOption", []):
            assert set(_translations(option["valueCoding"]["_display"])) == set(LANGS) - {lang}
    age = flow.question("age").label
    assert age is not None
    assert items["age"]["text"] == age[lang]
    assert _translations(items["age"]["_text"]) == {other: age[other] for other in LANGS if other != lang}


def test_start_back_items_carry_the_keele_notice() -> None:
    resource = intake_questionnaire("en")
    notice = load_knowledge().startback.notice["en"]
    assert resource["copyright"] == notice
    for item, parent in walk(resource["item"]):
        if item["linkId"].startswith("startback."):
            displays = [i for i in parent["item"] if i["type"] == "display"]
            assert any(d["text"] == notice for d in displays), item["linkId"]


def test_help_texts_are_help_buttons(flow: Flow) -> None:
    items = items_of(intake_questionnaire("en"))
    for _, question in [*flow.questions(), *flow.fields()]:  # checklists and their items too
        if question.help:
            help_item = items[f"{question.field}.help"]
            assert help_item["type"] == "display"
            assert help_item["extension"][0]["valueCodeableConcept"]["coding"][0]["code"] == "help"


def test_a_checklist_is_a_group_of_required_yes_no_items(flow: Flow) -> None:
    """Issue 9: "which of these apply?" becomes boolean items in a group; each is answered, so an
    unanswered item is never read as "no"."""
    items = items_of(intake_questionnaire("nl"))
    checklists = [q for _, q in flow.questions() if q.kind == "checklist"]
    assert checklists
    for question in checklists:
        group = items[question.field]
        assert group["type"] == "group" and group["text"] == question.label.nl  # type: ignore[union-attr]
        answers = [i for i in group["item"] if i["type"] != "display"]
        assert [i["linkId"] for i in answers] == [i.field for i in question.items]
        assert all(i["type"] == "boolean" and i["required"] for i in answers)
    assert "bladder_problems" in [i["linkId"] for i in items["alarm_signs"]["item"]]


# ---- enableWhen ---------------------------------------------------------------------------------------

def test_enable_when_refers_to_earlier_questions_with_their_own_codes() -> None:
    resource = intake_questionnaire("en")
    order = [item["linkId"] for item, _ in walk(resource["item"])]
    items = items_of(resource)
    conditions = [(item, c) for item, _ in walk(resource["item"]) for c in item.get("enableWhen", [])]
    assert conditions, "the flow has skip logic"
    for item, condition in conditions:
        target = items[condition["question"]]
        assert order.index(target["linkId"]) < order.index(item["linkId"])
        if "answerCoding" in condition:
            assert condition["answerCoding"] in [
                {k: o["valueCoding"][k] for k in ("system", "code")} for o in target["answerOption"]]
        elif "answerBoolean" in condition:
            assert target["type"] == "boolean"
        else:
            assert "answerInteger" in condition and target["type"] == "integer"


def _no_names(_name: str, _value: Any) -> None:
    return None


def answer_of(name: str, value: Any) -> dict[str, Any] | None:
    if isinstance(value, bool):
        return {"answerBoolean": value}
    if isinstance(value, int):
        return {"answerInteger": value}
    return {"answerCoding": {"code": value}}


@pytest.mark.parametrize(("text", "expected"), [
    ("x", ([("x", "=", True)], None)),
    ("not x", ([("x", "!=", True)], None)),
    ('r in ("a", "b")', ([("r", "=", "a"), ("r", "=", "b")], "any")),
    ('r not in ("a", "b")', ([("r", "!=", "a"), ("r", "!=", "b")], "all")),
    ('s != "m" and age >= 10 and age <= 60', ([("s", "!=", "m"), ("age", ">=", 10), ("age", "<=", 60)], "all")),
    ("d > 84 and age - d / 365.25 < 45", ([("d", ">", 84)], None)),  # the arithmetic part is dropped
    ('x or r == "a"', ([("x", "=", True), ("r", "=", "a")], "any")),
    ('x and r in ("a", "b")', ([("x", "=", True)], None)),  # an "any" cannot nest in an "all": dropped
])
def test_conditions_translate_to_enable_when(text: str, expected: tuple[list[Any], str | None]) -> None:
    rule = translate(text, answer_of)
    assert rule is not None
    fhir = rule.fhir()
    got = [(c["question"], c["operator"], _value(c)) for c in fhir["enableWhen"]]
    assert (got, fhir.get("enableBehavior")) == expected


def _value(condition: dict[str, Any]) -> Any:
    for key in ("answerBoolean", "answerInteger"):
        if key in condition:
            return condition[key]
    return condition["answerCoding"]["code"]


@pytest.mark.parametrize("text", [None, "", "age - d > 3", "x or age - d > 3", "at_least(2, a, b)",
                                  '10 <= age', 'x and not (y or z)'])
def test_what_fhir_cannot_say_leaves_the_item_enabled(text: str | None) -> None:
    rule = translate(text, answer_of)
    assert rule is None or all(c["question"] == "x" for c in rule.conditions)


def test_unknown_questions_leave_the_item_enabled() -> None:
    assert translate("x and y", _no_names) is None


COMPARE: dict[str, Callable[[Any, Any], bool]] = {"=": operator.eq, ">": operator.gt, ">=": operator.ge,
                                                  "<": operator.lt, "<=": operator.le}


def _fhir_value(item: dict[str, Any], answer: Any) -> Any:
    if item["type"] == "choice":
        return token(answer)
    return answer


def enabled_items(resource: dict[str, Any], answers: dict[str, Any]) -> set[str]:
    """FHIR R4 enableWhen semantics: a disabled item has no answer; '!=' holds when no answer equals."""
    enabled: set[str] = set()
    given: dict[str, Any] = {}

    def holds(condition: dict[str, Any]) -> bool:
        question = condition["question"]
        expected = _value(condition)
        if question not in given:
            return condition["operator"] == "!="
        if condition["operator"] == "!=":
            return bool(given[question] != expected)
        return COMPARE[condition["operator"]](given[question], expected)

    def visit(items: list[dict[str, Any]]) -> None:
        for item in items:
            conditions = item.get("enableWhen", [])
            results = [holds(c) for c in conditions]
            on = not conditions or (any(results) if item.get("enableBehavior") == "any" else all(results))
            if not on:
                continue
            enabled.add(item["linkId"])
            if item["linkId"] in answers:
                given[item["linkId"]] = _fhir_value(item, answers[item["linkId"]])
            visit(item.get("item", []))

    visit(resource["item"])
    return enabled


def random_answers(flow: Flow, rng: random.Random) -> dict[str, Any]:
    return {question.field: _random_answer(question, rng) for _, question in flow.questions()}


def _random_answer(question: Question, rng: random.Random) -> Any:
    if question.kind in ("boolean", "choice"):
        return rng.choice(question.options).value
    if question.kind == "multi":
        return [o.value for o in question.options if rng.random() < 0.3]
    low, high = question.min or 0, question.max or 100
    return rng.choice([low, high, rng.randint(low, min(high, 120)), 10, 60, 84, 85])


def _exact(question_text: str | None) -> bool:
    return not question_text or not any(sign in question_text for sign in "+-*/")


def test_fhir_never_hides_what_the_flow_asks(flow: Flow) -> None:
    resource = intake_questionnaire("en")
    rng = random.Random(20261125)
    for _ in range(400):
        answers = random_answers(flow, rng)
        enabled = enabled_items(resource, answers)
        for screen, question in flow.questions():
            asked = flow.applies(question, answers)
            if asked:
                assert question.field in enabled, (question.field, answers)
            elif _exact(screen.ask_when) and _exact(question.ask_when):
                assert question.field not in enabled, (question.field, answers)


# ---- QuestionnaireResponses made from it ------------------------------------------------------------

def test_a_response_built_for_an_intake_round_trips_and_uses_only_its_link_ids() -> None:
    from rugwijzer.http.api.examples import EXAMPLES

    link_ids = set(items_of(intake_questionnaire("en")))
    for example in EXAMPLES.values():
        response = questionnaire_response(example["value"])
        parsed = QuestionnaireResponse.model_validate(json.loads(json.dumps(response)))
        assert json.loads(parsed.model_dump_json()) == response
        used = {item["linkId"] for item, _ in walk(response["item"])}
        assert used <= link_ids
