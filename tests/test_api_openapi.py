"""The API description: /openapi.json documents every route with examples, and its answer models
stay in step with what the core's explainer really returns."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest
from fastapi.testclient import TestClient
from pydantic import BaseModel

from rugwijzer.core.validation import IntakeError
from rugwijzer.http.api.examples import EXAMPLES, STARTBACK_HIGH, intake
from rugwijzer.http.api.models import AssessmentAnswer, ErrorEnvelope, RulesDocument
from rugwijzer.http.web.app import create_app
from rugwijzer.languages import LANGS
from rugwijzer.services.assessing import default_assessor
from rugwijzer.services.review import review_document

DAY = date(2026, 11, 25)
ONLY_SOMETIMES = {"emphasis", "emphasis_text"}  # a plan step has an emphasis only where the rules give one
VARIED = [
    intake(),
    intake(bladder_problems=True),
    {"age": 30, "saddle_numbness": True},  # partial: complete=false, no episode
    intake(duration_days=100, pain_score=8, first_episode=False, startback=STARTBACK_HIGH,
           off_work_because_of_pain=True, risk_factors=["sedentary_work"]),
    intake(sex="female", pregnancy_weeks=20, pregnancy_warning_signs=True),
    intake(fever=True, age=75, blood_thinners=True),
    intake(age=70, sudden_severe_constant_pain=True, faint_or_clammy=True),  # call 112, do not travel
    intake(age=12, liver_disease=True),  # a child: a medication note, paracetamol at a reduced dose
    intake(unexplained_weight_loss=True, numbness_tingling="one_leg"),  # soon: two tiers
]


@pytest.fixture(scope="module")
def openapi() -> dict[str, Any]:
    with TestClient(create_app()) as client:
        document: dict[str, Any] = client.get("/openapi.json").json()
    return document


def _keys_match(model: type[BaseModel], value: Any, where: str) -> list[str]:
    """Every key the explainer writes is a field of the model, and every required field is there."""
    if not isinstance(value, dict):
        return []
    fields = model.model_fields
    out = [f"{where}: {k} is not documented" for k in set(value) - set(fields)]
    out += [f"{where}: {k} is documented but missing" for k in fields
            if k not in value and k not in ONLY_SOMETIMES]
    for name, info in fields.items():
        inner = _model_in(info.annotation)
        if inner and name in value:
            items = value[name] if isinstance(value[name], list) else [value[name]]
            for item in items:
                out += _keys_match(inner, item, f"{where}.{name}")
    return out


def _model_in(annotation: Any) -> type[BaseModel] | None:
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return annotation
    for arg in getattr(annotation, "__args__", ()):
        found = _model_in(arg)
        if found:
            return found
    return None


@pytest.mark.parametrize("data", VARIED)
@pytest.mark.parametrize("lang", LANGS)
def test_the_answer_model_matches_the_explainer(data: dict[str, Any], lang: Any) -> None:
    answer = default_assessor().assess(data, DAY, lang, "nl")
    assert _keys_match(AssessmentAnswer, answer, "answer") == []
    AssessmentAnswer.model_validate(answer)


def test_the_error_model_matches_the_core() -> None:
    with pytest.raises(IntakeError) as caught:
        default_assessor().assessment(intake(age=-1, duration_days=40000, fever=None), DAY)
    ErrorEnvelope.model_validate({"error": {"status": 422, **caught.value.as_dict()}})


def test_the_error_model_matches_an_error_that_carries_an_emergency() -> None:
    with pytest.raises(IntakeError) as caught:
        default_assessor().assess(intake(saddle_numbness=True, fever=None), DAY, "fr", "nl")
    body = {"error": {"status": 422, **caught.value.as_dict()}}
    assert _keys_match(ErrorEnvelope, body, "error") == []
    ErrorEnvelope.model_validate(body)


def test_the_rules_model_matches_the_review_document() -> None:
    document = review_document(default_assessor().kb, "en")
    assert _keys_match(RulesDocument, document, "rules") == []
    RulesDocument.model_validate(document)


def test_every_route_is_described(openapi: dict[str, Any]) -> None:
    paths = openapi["paths"]
    assert {"/api/v1/assessments", "/api/v1/rules", "/api/v1/questionnaire", "/fhir/Questionnaire/rugwijzer-intake",
            "/fhir/QuestionnaireResponse/$assess", "/cds-services", "/cds-services/rugwijzer-lbp-triage"} <= set(paths)
    assert "/api/v1/noop" not in paths


def test_the_assessment_route_has_examples_and_the_error_format(openapi: dict[str, Any]) -> None:
    post = openapi["paths"]["/api/v1/assessments"]["post"]
    body = post["requestBody"]["content"]["application/json"]
    assert set(body["examples"]) == set(EXAMPLES)
    assert "bladder_problems" in body["schema"]["required"]
    assert body["schema"]["additionalProperties"] is False
    for status in ("413", "415", "422", "default"):
        schema = post["responses"][status]["content"]["application/json"]["schema"]
        assert schema == {"$ref": "#/components/schemas/ErrorEnvelope"}
    examples = post["responses"]["422"]["content"]["application/json"]["examples"]
    invalid = examples["invalid"]["value"]
    assert {"pain_score", "radiation", "fever"} <= set(invalid["error"]["fields"])
    assert "emergency" not in invalid["error"]
    with_emergency = examples["invalid_with_emergency"]["value"]
    assert next(iter(with_emergency["error"])) == "emergency"  # first, as the API answers it
    assert [f["id"] for f in with_emergency["error"]["emergency"]["flags"]] == ["cauda_equina_saddle"]
    for named in examples.values():
        ErrorEnvelope.model_validate(named["value"])
    answers = post["responses"]["200"]["content"]["application/json"]["examples"]
    for named in answers.values():
        AssessmentAnswer.model_validate(named["value"])
    urgent = answers["urgent"]["value"]
    assert urgent["urgency"] == "urgent" and urgent["medication"]["nsaid"] == "avoid"
    assert [tier["level"] for tier in urgent["safety_net"]] == ["emergency"]


def test_query_parameters_are_described(openapi: dict[str, Any]) -> None:
    parameters = {p["name"]: p for p in openapi["paths"]["/api/v1/assessments"]["post"]["parameters"]}
    assert {"lang", "region", "date"} <= set(parameters)
    assert "Accept-Language" in parameters["lang"]["description"]
