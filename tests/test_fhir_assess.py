"""POST /fhir/QuestionnaireResponse/$assess: a Bundle with a RiskAssessment and a CarePlan from the
same engine, or an OperationOutcome that names what is wrong."""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

import pytest
from fastapi.testclient import TestClient
from fhir.resources.R4B.bundle import Bundle
from fhir.resources.R4B.careplan import CarePlan
from fhir.resources.R4B.operationoutcome import OperationOutcome
from fhir.resources.R4B.riskassessment import RiskAssessment
from hypothesis import HealthCheck, given, settings

from rugwijzer.core.intake import Intake
from rugwijzer.fhir.codes import QUESTIONNAIRE_URL, system
from rugwijzer.fhir.response import intake_from_response, questionnaire_response
from rugwijzer.http.api.examples import ORDINARY, STARTBACK_HIGH, intake
from rugwijzer.http.web.app import create_app
from rugwijzer.languages import LANGS
from rugwijzer.services.assessing import default_assessor
from strategies import intakes

URL = "/fhir/QuestionnaireResponse/$assess"
FHIR = {"Content-Type": "application/fhir+json"}


@pytest.fixture(scope="module")
def client() -> Iterator[TestClient]:
    with TestClient(create_app(), raise_server_exceptions=False) as test_client:
        yield test_client


def assess(client: TestClient, body: Any, query: str = "?lang=en", headers: dict[str, str] | None = None) -> Any:
    content = body if isinstance(body, bytes) else json.dumps(body).encode()
    return client.post(URL + query, content=content, headers=headers or FHIR)


def response_for(data: dict[str, Any], **header: Any) -> dict[str, Any]:
    return {**questionnaire_response(data), "authored": "2026-11-25T10:00:00+01:00", **header}


def resources(bundle: dict[str, Any]) -> tuple[dict[str, Any], dict[str, Any]]:
    risk, plan = (entry["resource"] for entry in bundle["entry"])
    return risk, plan


def codes(concept: dict[str, Any], kind: str) -> list[str]:
    return [c["code"] for c in concept["coding"] if c["system"] == system(kind)]


def flag_predictions(risk: dict[str, Any]) -> dict[str, dict[str, Any]]:
    return {codes(p["outcome"], "flag")[0]: p for p in risk["prediction"] if codes(p["outcome"], "flag")}


def outcome_texts(response: Any) -> str:
    body = response.json()
    assert json.loads(OperationOutcome.model_validate(body).model_dump_json()) == body  # round trip
    assert body["resourceType"] == "OperationOutcome"
    return " ".join(i["details"]["text"] for i in body["issue"])


# ---- the answer ------------------------------------------------------------------------------------

CASES = [
    (intake(), "self_care"),
    (intake(bladder_problems=True, radiation="below_knee", leg_pain_both_sides=True), "emergency"),
    (intake(fever=True), "urgent"),
    (intake(age=60), "soon"),
    (intake(duration_days=30, startback=STARTBACK_HIGH), "routine"),
    (intake(sex="female", pregnancy_weeks=28, pregnancy_warning_signs=True), "emergency"),
]


@pytest.mark.parametrize(("data", "urgency"), CASES)
def test_the_bundle_says_what_the_engine_says(client: TestClient, data: dict[str, Any], urgency: str) -> None:
    response = assess(client, response_for(data))
    assert response.status_code == 200, response.text
    assert response.headers["content-type"].startswith("application/fhir+json")
    bundle = response.json()
    risk, plan = resources(bundle)
    assert codes(risk["prediction"][0]["outcome"], "urgency") == [urgency]
    answer = default_assessor().assess(data, None, "en", "be")
    assert set(flag_predictions(risk)) == {f["id"] for f in answer["flags"]}
    assert risk["status"] == "final"
    assert [code for a in plan.get("activity", []) for code in codes(a["detail"]["code"], "plan")
            if not a["detail"].get("doNotPerform")] == [p["id"] for p in answer["plan"]]


@pytest.mark.parametrize(("data", "_urgency"), CASES)
def test_every_resource_round_trips_as_r4(client: TestClient, data: dict[str, Any], _urgency: str) -> None:
    bundle = assess(client, response_for(data)).json()
    assert json.loads(Bundle.model_validate(bundle).model_dump_json()) == bundle
    risk, plan = resources(bundle)
    assert json.loads(RiskAssessment.model_validate(risk).model_dump_json()) == risk
    assert json.loads(CarePlan.model_validate(plan).model_dump_json()) == plan


def test_flags_carry_their_level_reason_and_source(client: TestClient) -> None:
    risk, _ = resources(assess(client, response_for(intake(fever=True, night_pain=True))).json())
    fever = flag_predictions(risk)["fever"]
    assert codes(fever["qualitativeRisk"], "urgency") == ["urgent"]
    assert "NICE-NG59" in fever["rationale"]
    causes = [codes(p["outcome"], "cause") for p in risk["prediction"]]
    assert ["infection"] in causes


def test_start_back_is_in_the_risk_assessment_with_the_keele_notice(client: TestClient) -> None:
    risk, _ = resources(assess(client, response_for(intake(startback=STARTBACK_HIGH))).json())
    startback = [p for p in risk["prediction"] if codes(p["outcome"], "assessment") == ["startback"]]
    assert codes(startback[0]["qualitativeRisk"], "startback-risk") == ["high"]
    assert "psychosocial 4/5" in startback[0]["rationale"]
    assert any("Keele" in note["text"] for note in risk["note"])
    german, _ = resources(assess(client, response_for(intake(startback=STARTBACK_HIGH)), "?lang=de").json())
    scores = [p for p in german["prediction"] if codes(p["outcome"], "assessment") == ["startback"]]
    assert "psychosozial 4/5" in scores[0]["rationale"]  # the scores in the answer's own language too


def test_the_care_plan_has_the_plan_and_what_to_avoid(client: TestClient) -> None:
    _, plan = resources(assess(client, response_for(intake(pain_score=8))).json())
    avoid = [a["detail"] for a in plan["activity"] if a["detail"].get("doNotPerform")]
    answer = default_assessor().assess(intake(pain_score=8), None, "en", "be")
    assert sorted(codes(a["code"], "avoid")[0] for a in avoid) == sorted(a["id"] for a in answer["avoid"])
    limit_bed_rest = next(a["detail"] for a in plan["activity"]
                          if codes(a["detail"]["code"], "plan") == ["limit_bed_rest"])
    assert limit_bed_rest["description"].endswith(next(p["emphasis_text"] for p in answer["plan"]
                                                       if p["id"] == "limit_bed_rest"))
    assert plan["intent"] == "proposal" and plan["supportingInfo"]


def activities(plan: dict[str, Any], kind: str) -> list[tuple[str, bool]]:
    """(code, doNotPerform) of the CarePlan's activities of one kind."""
    return [(code, bool(a["detail"].get("doNotPerform"))) for a in plan.get("activity", [])
            for code in codes(a["detail"]["code"], kind)]


def note_texts(resource: dict[str, Any]) -> str:
    return " ".join(note["text"] for note in resource.get("note", []))


@pytest.mark.parametrize("lang", LANGS)
def test_an_emergency_care_plan_has_no_self_care_at_all(client: TestClient, lang: str) -> None:
    data = intake(bladder_problems=True, radiation="below_knee", pain_score=8, age=60)
    risk, plan = resources(assess(client, response_for(data), query=f"?lang={lang}").json())
    answer = default_assessor().assess(data, None, lang, "be")
    assert "activity" not in plan  # no medication, plan, avoid list
    notes = note_texts(plan)
    assert notes == answer["disclaimer"]  # no prognosis, milestones or safety net: it is the top tier
    for word in ("paracetamol", "ibuprofen", "paracétamol", "ibuprofène"):
        assert word not in json.dumps(plan, ensure_ascii=False).lower()
    assert risk["mitigation"] == answer["action"]["action"]
    assert answer["action"]["where"] in plan["description"]
    also = flag_predictions(risk)["age_under_20_or_over_55"]
    assert also["rationale"].startswith(answer["also_tell_heading"])


def test_an_urgent_care_plan_has_paracetamol_only(client: TestClient) -> None:
    _, plan = resources(assess(client, response_for(intake(fever=True))).json())
    answer = default_assessor().assess(intake(fever=True), None, "en", "be")
    assert activities(plan, "plan") == [] and activities(plan, "avoid") == []
    assert activities(plan, "medication") == [("paracetamol", False), ("nsaid", True)]
    nsaid = next(a["detail"] for a in plan["activity"] if codes(a["detail"]["code"], "medication") == ["nsaid"])
    assert "until the doctor has seen you today" in nsaid["description"]
    tiers = [tier["heading"] for tier in answer["safety_net"]]
    assert len(tiers) == 1 and "112" in tiers[0]
    assert tiers[0] in note_texts(plan)
    assert not any(line in note_texts(plan) for line in default_assessor().explainer("en", "be").prognosis)


def test_a_routine_care_plan_has_painkillers_what_to_expect_and_the_three_tiers(client: TestClient) -> None:
    data = intake(radiation="below_knee")
    _, plan = resources(assess(client, response_for(data)).json())
    answer = default_assessor().assess(data, None, "en", "be")
    assert activities(plan, "medication") == [("paracetamol", False), ("nsaid", False)]
    notes = note_texts(plan)
    assert all(tier["heading"] in notes for tier in answer["safety_net"]) and len(answer["safety_net"]) == 3
    assert all(line in notes for line in answer["prognosis"]) and answer["prognosis"]


def test_an_nsaid_caution_makes_it_a_do_not_perform(client: TestClient) -> None:
    _, plan = resources(assess(client, response_for(intake(blood_thinners=True))).json())
    assert ("nsaid", True) in activities(plan, "medication")


def test_an_aneurysm_means_call_112_and_do_not_travel(client: TestClient) -> None:
    data = intake(age=68, sudden_severe_constant_pain=True, faint_or_clammy=True)
    risk, plan = resources(assess(client, response_for(data)).json())
    answer = default_assessor().assess(data, None, "en", "be")
    assert answer["action"]["destination"] == "call_112"
    assert risk["mitigation"] == answer["action"]["action"] and "112" in risk["mitigation"]
    assert "emergency department" not in risk["mitigation"] + plan["description"]
    assert "activity" not in plan


def test_an_invalid_response_that_shows_an_emergency_says_so_first(client: TestClient) -> None:
    body = response_for({k: v for k, v in intake(bladder_problems=True).items() if k != "fever"})
    body["item"].append({"linkId": "extra", "item": [{"linkId": "fever", "answer": [{"valueString": "yes"}]}]})
    response = assess(client, body)
    assert response.status_code == 422
    issues = response.json()["issue"]
    first = issues[0]
    assert first["severity"] == "information"
    assert codes(first["details"], "urgency") == ["emergency"]
    assert "cauda_equina_bladder" in first["diagnostics"] and "112" in first["details"]["text"]
    assert [i["severity"] for i in issues[1:]] == ["error"] and "fever" in issues[1]["details"]["text"]
    assert "fever" in outcome_texts(response)


def test_an_impossible_response_that_shows_an_emergency_says_so_first(client: TestClient) -> None:
    body = response_for(intake(age=1, duration_days=5000, bowel_incontinence=True))  # longer than the life
    response = assess(client, body, query="?lang=fr")
    assert response.status_code == 422
    first, *rest = response.json()["issue"]
    assert first["severity"] == "information" and "112" in first["details"]["text"]
    assert "cauda_equina_bowel" in first["diagnostics"]
    assert any("duration_days" in issue["details"]["text"] for issue in rest)


def test_an_invalid_response_without_an_emergency_has_no_emergency_issue(client: TestClient) -> None:
    body = response_for({k: v for k, v in intake(unexplained_weight_loss=True).items() if k != "fever"})
    body["item"].append({"linkId": "extra", "item": [{"linkId": "fever", "answer": [{"valueString": "yes"}]}]})
    issues = assess(client, body).json()["issue"]
    assert {i["severity"] for i in issues} == {"error"}


def test_the_subject_the_response_id_and_the_authored_date_are_used(client: TestClient) -> None:
    body = response_for(intake(duration_days=4), id="qr-1", subject={"reference": "Patient/p-7"},
                        authored="2026-01-10T23:30:00+01:00")
    risk, plan = resources(assess(client, body).json())
    assert risk["subject"] == plan["subject"] == {"reference": "Patient/p-7"}
    assert risk["basis"] == [{"reference": "QuestionnaireResponse/qr-1"}]
    assert risk["occurrenceDateTime"] == "2026-01-10"


def test_the_texts_follow_the_language(client: TestClient) -> None:
    dutch = resources(assess(client, response_for(intake(fever=True)), query="").json())[0]
    french = resources(assess(client, response_for(intake(fever=True)), query="",
                              headers={**FHIR, "Accept-Language": "fr"}).json())[0]
    assert dutch["mitigation"] != french["mitigation"]
    nl = default_assessor().assess(intake(fever=True), None, "nl", "be")
    assert dutch["mitigation"] == nl["action"]["action"]


def test_a_parameters_resource_holding_the_response_is_accepted(client: TestClient) -> None:
    parameters = {"resourceType": "Parameters",
                  "parameter": [{"name": "response", "resource": response_for(intake(fever=True))}]}
    response = assess(client, parameters)
    assert response.status_code == 200
    assert codes(resources(response.json())[0]["prediction"][0]["outcome"], "urgency") == ["urgent"]


# ---- how answers are read ---------------------------------------------------------------------------

def test_skipped_questions_get_their_skip_value(client: TestClient) -> None:
    data = {k: v for k, v in ORDINARY.items() if k != "leg_pain_both_sides"}  # radiation none: not asked
    risk, _ = resources(assess(client, response_for(data)).json())
    assert risk["status"] == "final"


def test_a_given_yes_counts_even_where_the_flow_would_not_ask(client: TestClient) -> None:
    data = intake(sex="male", pregnancy_warning_signs=True)
    risk, _ = resources(assess(client, response_for(data)).json())
    assert "pregnancy_warning" in flag_predictions(risk)


def test_coded_yes_no_answers_are_read_as_booleans(client: TestClient) -> None:
    body = response_for(intake(first_episode=False))
    response = assess(client, body)
    assert response.status_code == 200
    body["item"][2]["item"][2]["answer"] = [{"valueBoolean": False}]  # first_episode as valueBoolean
    assert assess(client, body).status_code == 200


def test_a_partial_response_with_an_emergency_is_preliminary(client: TestClient) -> None:
    body = {"resourceType": "QuestionnaireResponse", "status": "in-progress",
            "item": [{"linkId": "screen.bladder_bowel_saddle", "item": [
                {"linkId": "saddle_numbness", "answer": [{"valueBoolean": True}]}]}]}
    response = assess(client, body)
    assert response.status_code == 200
    risk, plan = resources(response.json())
    assert risk["status"] == "preliminary"
    assert codes(risk["prediction"][0]["outcome"], "urgency") == ["emergency"]
    assert "activity" not in plan


def test_a_partial_response_without_an_emergency_names_the_missing_items(client: TestClient) -> None:
    body = {"resourceType": "QuestionnaireResponse", "status": "in-progress",
            "item": [{"linkId": "age", "answer": [{"valueInteger": 50}]}]}
    response = assess(client, body)
    assert response.status_code == 422
    issues = response.json()["issue"]
    assert {i["code"] for i in issues} == {"required"}
    assert "QuestionnaireResponse.descendants().where(linkId='pain_score')" in {i["expression"][0] for i in issues}


@pytest.mark.parametrize(("answer", "link_id"), [
    ({"valueString": "true"}, "fever"),
    ({"valueCoding": {"code": "true"}}, "pain_score"),
    ({"valueDecimal": 7.0}, "pain_score"),
    ({"valueInteger": 11}, "pain_score"),
    ({"valueCoding": {"code": "knee"}}, "radiation"),
    ({"valueBoolean": True}, "radiation"),
    ({"valueCoding": {"code": "true"}}, "fever"),
    ({}, "fever"),
])
def test_an_answer_of_the_wrong_kind_is_named(client: TestClient, answer: dict[str, Any], link_id: str) -> None:
    body = response_for({k: v for k, v in ORDINARY.items() if k != link_id})
    body["item"].append({"linkId": "extra", "item": [{"linkId": link_id, "answer": [answer]}]})
    response = assess(client, body)
    assert response.status_code == 422
    assert link_id in outcome_texts(response)


def test_unknown_repeated_and_doubly_answered_items_are_named(client: TestClient) -> None:
    body = response_for(ORDINARY)
    body["item"].append({"linkId": "more", "item": [
        {"linkId": "fevr", "answer": [{"valueBoolean": True}]},
        {"linkId": "fever", "answer": [{"valueBoolean": True}]},
        {"linkId": "startback.leg_pain", "answer": [{"valueBoolean": True}, {"valueBoolean": False}]}]})
    text = outcome_texts(assess(client, body))
    assert "fevr" in text and "fever: is answered more than once" in text and "startback.leg_pain" in text


def test_another_questionnaire_is_refused(client: TestClient) -> None:
    response = assess(client, response_for(ORDINARY, questionnaire="http://example.org/Questionnaire/phq9"))
    assert response.status_code == 422
    assert "questionnaire" in outcome_texts(response)
    versioned = response_for(ORDINARY, questionnaire=QUESTIONNAIRE_URL + "|1.0.0")
    assert assess(client, versioned).status_code == 200


@pytest.mark.parametrize("authored", ["0001-01-01T00:00:00Z", "9999-12-31"])
def test_an_impossible_authored_date_is_named(client: TestClient, authored: str) -> None:
    response = assess(client, response_for(ORDINARY, authored=authored))
    assert response.status_code in (400, 422)
    assert "authored" in outcome_texts(response)


def test_a_response_entered_in_error_is_refused(client: TestClient) -> None:
    response = assess(client, response_for(ORDINARY, status="entered-in-error"))
    assert response.status_code == 422


@pytest.mark.parametrize(("body", "where"), [
    (b"{not json", "resource"),
    (b'{"resourceType": "QuestionnaireResponse", "status": "completed", "status": "amended"}', "status"),
    ({"resourceType": "Patient"}, "resourceType"),
    ({"resourceType": "QuestionnaireResponse", "status": "completed", "item": [{"answer": []}]}, "linkId"),
    ({"resourceType": "QuestionnaireResponse", "status": "completed", "colour": "blue"}, "colour"),
    ({"resourceType": "Parameters", "parameter": [{"name": "x", "valueString": "y"}]}, "parameter"),
])
def test_what_is_not_a_questionnaire_response_is_a_400(client: TestClient, body: Any, where: str) -> None:
    response = assess(client, body)
    assert response.status_code == 400
    assert where in outcome_texts(response)


def test_errors_of_the_fhir_routes_are_operation_outcomes(client: TestClient) -> None:
    assert "OperationOutcome" in client.get("/fhir/Patient/1").text
    assert client.get(URL).status_code == 405
    too_big = assess(client, b"{" + b" " * 70_000 + b"}")
    assert too_big.status_code == 413 and outcome_texts(too_big)
    wrong_type = assess(client, response_for(ORDINARY), headers={"Content-Type": "text/csv"})
    assert wrong_type.status_code == 415 and "content-type" in outcome_texts(wrong_type)
    bad_lang = assess(client, response_for(ORDINARY), query="?lang=es")
    assert bad_lang.status_code == 422 and "lang" in outcome_texts(bad_lang)


def test_the_questionnaire_route_serves_the_chosen_language(client: TestClient) -> None:
    response = client.get("/fhir/Questionnaire/rugwijzer-intake", headers={"Accept-Language": "fr"})
    assert response.status_code == 200
    assert response.json()["language"] == "fr"
    assert response.headers["content-type"].startswith("application/fhir+json")
    assert client.get("/fhir/Questionnaire/other").status_code == 404


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(data=intakes())
def test_any_intake_survives_the_trip_through_a_questionnaire_response(data: dict[str, Any]) -> None:
    mapped = intake_from_response(questionnaire_response(data))
    assert Intake.model_validate(mapped.intake) == Intake.model_validate(data)


@settings(max_examples=120, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(data=intakes())
def test_no_emergency_or_urgent_bundle_or_card_has_self_care_text(data: dict[str, Any]) -> None:
    """Property (issue 8): an emergency Bundle has no activity and no note but the disclaimer, and its
    CDS card no medication text; an urgent one has paracetamol and a do-not-perform NSAID only, and
    neither has prognosis or milestone text."""
    from rugwijzer.cds.cards import assessment_card
    from rugwijzer.fhir.results import assessment_bundle

    assessor = default_assessor()
    answer = assessor.assess(data, None, "en", "be")
    if answer["urgency"] not in ("emergency", "urgent"):
        return
    risk, plan = resources(assessment_bundle(answer))
    links = [{"label": "rules", "url": "http://example.org/rules", "type": "absolute"}]
    labels = {"reasons": "Reasons", "causes": "Causes", "partial": "Partial", "incomplete": "Incomplete",
              "invalid_emergency": "Invalid", "startback": "total %(total)s/9, psychosocial %(psychosocial)s/5",
              **{f"level.{x}": x for x in ("emergency", "urgent", "soon", "routine")}}
    card = assessment_card(answer, links, labels)
    explainer = assessor.explainer("en", "be")
    text = json.dumps([plan, risk, card])
    for line in [*explainer.prognosis, *explainer.milestones.values(), explainer.medication["second_choice"]]:
        assert json.dumps(line)[1:-1] not in text
    assert card["indicator"] == "critical"
    if answer["urgency"] == "emergency":
        assert "activity" not in plan and note_texts(plan) == answer["disclaimer"]
        for line in explainer.medication.values():
            assert json.dumps(line)[1:-1] not in text
    else:
        assert activities(plan, "medication") == [("paracetamol", False), ("nsaid", True)]
        assert activities(plan, "plan") == [] and activities(plan, "avoid") == []
