"""CDS Hooks 2.0: discovery, and the patient-view service that turns the patient's latest prefetched
QuestionnaireResponse into one card (critical, warning or info), or no card at all."""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

import pytest
from fastapi.testclient import TestClient

from rugwijzer.fhir.codes import QUESTIONNAIRE_URL
from rugwijzer.fhir.response import questionnaire_response
from rugwijzer.http.api.examples import ORDINARY, STARTBACK_HIGH, intake
from rugwijzer.http.web.app import create_app
from rugwijzer.knowledge import load_knowledge
from rugwijzer.languages import LANGS
from rugwijzer.services.assessing import default_assessor

SERVICE = "/cds-services/rugwijzer-lbp-triage"


@pytest.fixture(scope="module")
def client() -> Iterator[TestClient]:
    with TestClient(create_app(), raise_server_exceptions=False) as test_client:
        yield test_client


def response_for(data: dict[str, Any], authored: str = "2026-11-20T09:00:00Z", **header: Any) -> dict[str, Any]:
    return {**questionnaire_response(data), "subject": {"reference": "Patient/alice"}, "authored": authored,
            **header}


def searchset(*resources: dict[str, Any]) -> dict[str, Any]:
    return {"resourceType": "Bundle", "type": "searchset", "total": len(resources),
            "entry": [{"fullUrl": f"http://ehr.example/fhir/QuestionnaireResponse/{n}", "resource": r}
                      for n, r in enumerate(resources)]}


def call(client: TestClient, prefetched: Any = None, query: str = "?lang=en", **changes: Any) -> Any:
    request = {"hook": "patient-view", "hookInstance": "d1577c69-dfbe-44ad-ba6d-3e05e953b2ea",
               "fhirServer": "http://ehr.example/fhir",
               "context": {"userId": "Practitioner/bob", "patientId": "alice"},
               "prefetch": {"questionnaireResponse": prefetched}, **changes}
    return client.post(SERVICE + query, content=json.dumps(request), headers={"Content-Type": "application/json"})


def cards(client: TestClient, prefetched: Any, **changes: Any) -> list[dict[str, Any]]:
    response = call(client, prefetched, **changes)
    assert response.status_code == 200, response.text
    found: list[dict[str, Any]] = response.json()["cards"]
    return found


def test_discovery_lists_the_service_with_its_prefetch(client: TestClient) -> None:
    services = client.get("/cds-services").json()["services"]
    assert len(services) == 1
    service = services[0]
    assert service["id"] == "rugwijzer-lbp-triage" and service["hook"] == "patient-view"
    template = service["prefetch"]["questionnaireResponse"]
    assert template.startswith("QuestionnaireResponse?subject={{context.patientId}}")
    assert f"questionnaire={QUESTIONNAIRE_URL}" in template and "_sort=-authored" in template
    assert "_count=1" in template


@pytest.mark.parametrize(("data", "indicator"), [
    (intake(bladder_problems=True), "critical"),
    (intake(fever=True), "critical"),
    (intake(unexplained_weight_loss=True), "warning"),
    (intake(radiation="below_knee"), "info"),
    (intake(), "info"),
])
def test_one_card_with_the_indicator_of_the_urgency(client: TestClient, data: dict[str, Any], indicator: str) -> None:
    found = cards(client, searchset(response_for(data)))
    assert len(found) == 1
    card = found[0]
    assert card["indicator"] == indicator
    assert len(card["summary"]) <= 140
    assert card["source"]["label"] == "Rugwijzer"
    answer = default_assessor().assess(data, None, "en", "be")
    assert answer["action"]["name"] in card["summary"]
    for flag in answer["flags"]:
        assert flag["title"] in card["detail"] and flag["why"] in card["detail"]


def test_a_single_prefetched_resource_works_too(client: TestClient) -> None:
    assert cards(client, response_for(intake(fever=True)))[0]["indicator"] == "critical"


def test_the_card_links_to_the_public_rules_never_to_the_patient(client: TestClient) -> None:
    card = cards(client, searchset(response_for(intake(fever=True))))[0]
    for link in card["links"]:
        assert link["type"] == "absolute"
        assert link["url"].startswith("http://127.0.0.1/api/v1/rules")  # loopback: no public URL is set
        assert "alice" not in link["url"]
    assert "alice" not in json.dumps(card)
    assert client.get(card["links"][0]["url"].removeprefix("http://127.0.0.1")).status_code == 200


def test_the_link_never_follows_the_host_header(client: TestClient, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("RUGWIJZER_PUBLIC_URL", raising=False)
    body = {"hookInstance": "h1", "hook": "patient-view", "context": {"patientId": "p1"},
            "prefetch": {"questionnaireResponse": response_for(intake(fever=True))}}
    response = client.post("/cds-services/rugwijzer-lbp-triage", json=body, headers={"Host": "evil.example"})
    assert response.status_code == 200, response.text
    for link in response.json()["cards"][0]["links"]:
        assert link["url"].startswith("http://127.0.0.1/api/v1/rules"), link


def test_the_link_uses_the_public_address_when_set(client: TestClient, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("RUGWIJZER_PUBLIC_URL", "https://rugwijzer.example.org/")
    card = cards(client, response_for(intake(fever=True)))[0]
    assert card["links"][0]["url"] == "https://rugwijzer.example.org/api/v1/rules?lang=en"


def test_the_latest_response_is_assessed(client: TestClient) -> None:
    old = response_for(intake(bladder_problems=True), authored="2025-01-01T10:00:00Z")
    new = response_for(intake(), authored="2026-11-24T10:00:00Z")
    assert cards(client, searchset(old, new))[0]["indicator"] == "info"
    withdrawn = response_for(intake(fever=True), authored="2026-11-25T10:00:00Z", status="entered-in-error")
    assert cards(client, searchset(old, new, withdrawn))[0]["indicator"] == "info"


def test_start_back_and_an_unfinished_emergency_are_said(client: TestClient) -> None:
    with_startback = cards(client, response_for(intake(startback=STARTBACK_HIGH)))[0]
    assert "STarT Back" in with_startback["detail"] and "Keele" in with_startback["detail"]
    partial = {"resourceType": "QuestionnaireResponse", "status": "in-progress",
               "item": [{"linkId": "bowel_incontinence", "answer": [{"valueBoolean": True}]}]}
    card = cards(client, partial)[0]
    assert card["indicator"] == "critical" and "not finished" in card["detail"]


@pytest.mark.parametrize("prefetched", [
    None,
    searchset(),
    {"resourceType": "OperationOutcome", "issue": []},
    searchset({"resourceType": "Patient", "id": "alice"}),
    searchset(response_for(intake(fever=True), questionnaire="http://example.org/Questionnaire/phq9")),
])
def test_no_card_when_there_is_nothing_to_assess(client: TestClient, prefetched: Any) -> None:
    assert cards(client, prefetched) == []


def test_no_card_without_prefetch(client: TestClient) -> None:
    assert cards(client, None, prefetch=None) == []
    assert cards(client, None, prefetch={}) == []


def test_a_response_that_cannot_be_assessed_gives_an_info_card_naming_the_items(client: TestClient) -> None:
    incomplete = {"resourceType": "QuestionnaireResponse", "status": "in-progress",
                  "item": [{"linkId": "age", "answer": [{"valueInteger": 50}]}]}
    card = cards(client, incomplete)[0]
    assert card["indicator"] == "info" and "`pain_score`" in card["detail"]
    wrong = response_for({k: v for k, v in ORDINARY.items() if k != "fever"})
    wrong["item"].append({"linkId": "x", "item": [{"linkId": "fever", "answer": [{"valueString": "yes"}]}]})
    assert "`fever`" in cards(client, wrong)[0]["detail"]


def test_texts_follow_the_language(client: TestClient) -> None:
    dutch = cards(client, response_for(intake(fever=True)), query="")[0]
    french = call(client, response_for(intake(fever=True)), query="?lang=fr").json()["cards"][0]
    assert dutch["summary"] != french["summary"]
    assert default_assessor().assess(intake(fever=True), None, "fr", "be")["action"]["name"] in french["summary"]


@pytest.mark.parametrize(("changes", "field"), [
    ({"hook": "order-sign"}, "hook"),
    ({"context": {"userId": "Practitioner/bob"}}, "context.patientId"),
    ({"hookInstance": None}, "hookInstance"),
])
def test_a_bad_request_is_a_400_naming_what_is_wrong(client: TestClient, changes: dict[str, Any], field: str) -> None:
    response = call(client, None, **changes)
    assert response.status_code == 400
    error = response.json()["error"]
    assert field in error["fields"]


def test_a_repeated_key_in_the_request_is_refused(client: TestClient) -> None:
    body = b'{"hook": "patient-view", "hook": "patient-view", "hookInstance": "x", "context": {"patientId": "a"}}'
    response = client.post(SERVICE, content=body, headers={"Content-Type": "application/json"})
    assert response.status_code == 400 and "hook" in response.json()["error"]["fields"]


def test_errors_use_the_api_error_format(client: TestClient) -> None:
    missing = client.get("/cds-services/other-service")
    assert missing.status_code in (404, 405) and "error" in missing.json()
    assert "error" in client.put(SERVICE).json()


@pytest.mark.parametrize("lang", LANGS)
def test_an_emergency_card_has_one_destination_and_no_self_care(client: TestClient, lang: str) -> None:
    data = intake(bladder_problems=True, age=60, radiation="below_knee", startback=STARTBACK_HIGH)
    card = cards(client, response_for(data), query=f"?lang={lang}")[0]
    answer = default_assessor().assess(data, None, lang, "be")
    assert card["indicator"] == "critical"
    assert card["detail"].startswith(f"**{answer['action']['name']}**: {answer['action']['action']} "
                                      f"({answer['action']['where']})")
    assert "suggestions" not in card or card["suggestions"] == []
    text = card["detail"].lower()
    for word in ("paracetamol", "paracétamol", "ibuprofen", "ibuprofène"):
        assert word not in text
    care = next(s.care[lang] for s in load_knowledge().startback.strata if s.id == answer["startback"]["risk"])
    assert care not in card["detail"]  # matched care is self-care advice
    also = [f for f in answer["flags"] if f["also_tell"]]
    assert {f["id"] for f in also} == {"age_under_20_or_over_55", "radicular_pain", "startback_high"}
    heading = card["detail"].index(answer["also_tell_heading"])
    for flag in also:  # listed after the heading, without a level or action of their own
        assert card["detail"].index(f"- **{flag['title']}**: {flag['why']}") > heading
    assert not any(f["title"] in card["summary"] for f in also)  # the summary: the action and its reasons
    reasons = card["detail"][:heading]
    assert answer["flags"][0]["title"] in reasons and not any(f["title"] in reasons for f in also)


def test_the_level_of_a_reason_is_said_in_words(client: TestClient) -> None:
    card = cards(client, response_for(intake(unexplained_weight_loss=True)), query="?lang=nl")[0]
    assert "(binnen enkele dagen de huisarts)" in card["detail"]
    assert "(soon)" not in card["detail"]


def test_an_aneurysm_card_says_call_112_and_not_the_emergency_department(client: TestClient) -> None:
    data = intake(age=70, sudden_severe_constant_pain=True, faint_or_clammy=True)
    card = cards(client, response_for(data))[0]
    assert card["indicator"] == "critical" and "112" in card["detail"]
    assert "emergency department" not in card["detail"]


def test_an_unreadable_response_that_shows_an_emergency_gives_a_critical_card(client: TestClient) -> None:
    wrong = response_for({k: v for k, v in intake(saddle_numbness=True).items() if k != "fever"})
    wrong["item"].append({"linkId": "x", "item": [{"linkId": "fever", "answer": [{"valueString": "yes"}]}]})
    card = cards(client, wrong)[0]
    assert card["indicator"] == "critical"
    emergency = default_assessor().assess(intake(saddle_numbness=True), None, "en", "be")
    assert card["detail"].startswith(f"**{emergency['action']['name']}**")
    assert "Numb skin around the bottom or genitals" in card["detail"] and "`fever`" in card["detail"]
    assert card["detail"].index("112") < card["detail"].index("`fever`")


def test_an_impossible_intake_that_shows_an_emergency_gives_a_critical_card(client: TestClient) -> None:
    data = intake(age=1, duration_days=5000, bowel_incontinence=True)  # duration longer than the life
    card = cards(client, response_for(data))[0]
    assert card["indicator"] == "critical" and "`duration_days`" in card["detail"]
