"""Issue 10: every bad input is a clear 4xx naming the part, in the route's own format.

Nested bodies at depth 10,000 on every JSON and form route (and in the command line), wrong types
where a list is expected, repeated keys named by their path, contract details of FHIR and CDS Hooks.
"""

from __future__ import annotations

import json
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient

from diary_support import log_in
from rugwijzer.fhir.response import questionnaire_response
from rugwijzer.http.api.examples import ORDINARY, intake
from rugwijzer.http.web.app import create_app
from rugwijzer.services.json_input import MAX_DEPTH, load_object, too_deep
from rugwijzer.storage import ENV_HOME, ENV_URL

LOCAL = "http://127.0.0.1:8000"
DEEP = 10_000
FHIR = {"Content-Type": "application/fhir+json"}
JSON_ROUTES = ["/api/v1/assessments", "/api/v1/diary/episodes", "/api/v1/diary/entries", "/api/v1/diary/end",
               "/cds-services/rugwijzer-lbp-triage", "/fhir/QuestionnaireResponse/$assess"]


@pytest.fixture
def client(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[TestClient]:
    monkeypatch.delenv(ENV_URL, raising=False)
    monkeypatch.setenv(ENV_HOME, str(tmp_path))
    with TestClient(create_app(), base_url=LOCAL, client=("127.0.0.1", 50130)) as test_client:
        log_in(test_client)
        yield test_client


def nested(depth: int, inner: str = "1") -> str:
    return "[" * depth + inner + "]" * depth


def problems_of(response: Any) -> list[dict[str, Any]]:
    body = response.json()
    if body.get("resourceType") == "OperationOutcome":
        return [{"field": "", "message": i["details"]["text"]} for i in body["issue"]]
    found: list[dict[str, Any]] = body["error"]["problems"]
    return found


# ---- the nesting limit -----------------------------------------------------------------------

def test_the_depth_check_counts_brackets_outside_strings_only() -> None:
    assert not too_deep(nested(MAX_DEPTH)) and too_deep(nested(MAX_DEPTH + 1))
    assert not too_deep('{"notes": "' + "[" * 500 + '"}')
    assert not too_deep(b'{"a": "\\"[[[[", "b": [' + b"[]," * 200 + b"[]]}")
    assert too_deep(b'{"a": ' + nested(DEEP).encode() + b"}")


@pytest.mark.parametrize("route", JSON_ROUTES)
@pytest.mark.parametrize("shape", ["array", "inside an object"])
def test_a_deeply_nested_body_is_a_clear_4xx_on_every_json_route(client: TestClient, route: str, shape: str) -> None:
    text = nested(DEEP) if shape == "array" else '{"answers": ' + nested(DEEP) + "}"
    headers = FHIR if route.startswith("/fhir") else {"Content-Type": "application/json"}
    response = client.post(route, content=text.encode(), headers=headers)
    assert response.status_code in (400, 422), response.text
    messages = " ".join(p["message"] for p in problems_of(response))
    assert f"nested more than {MAX_DEPTH} levels deep" in messages


def test_a_deep_prefetch_or_group_nesting_is_refused_by_name(client: TestClient) -> None:
    hook = {"hook": "patient-view", "hookInstance": "h", "context": {"patientId": "p"},
            "prefetch": {"questionnaireResponse": json.loads(nested(200))}}
    response = client.post("/cds-services/rugwijzer-lbp-triage", content=json.dumps(hook).encode(),
                           headers={"Content-Type": "application/json"})
    assert response.status_code == 400 and response.json()["error"]["fields"] == ["request"]
    assert response.json()["error"]["message"].startswith("invalid CDS Hooks request")
    group: dict[str, Any] = {"linkId": "age", "answer": [{"valueInteger": 40}]}
    for n in range(120):
        group = {"linkId": f"g{n}", "item": [group]}
    resource = {"resourceType": "QuestionnaireResponse", "status": "completed", "item": [group]}
    answer = client.post("/fhir/QuestionnaireResponse/$assess", content=json.dumps(resource), headers=FHIR)
    assert answer.status_code == 400, answer.text
    assert answer.json()["resourceType"] == "OperationOutcome"
    assert "resource: is nested more than 64 levels deep" in answer.text


@pytest.mark.parametrize("route", ["/check", "/report.pdf"])
def test_deeply_nested_answers_in_a_form_are_a_400_page(client: TestClient, route: str) -> None:
    response = client.post(route, data={"lang": "en", "view": "screen", "answers": nested(DEEP)})
    assert response.status_code == 400
    assert response.headers["content-type"].startswith("text/html")
    assert "answers: is nested more than 64 levels deep" in response.text
    assert "frame-ancestors 'none'" in response.headers["content-security-policy"]


def test_deeply_nested_answers_in_the_diary_start_form_are_a_400_page(client: TestClient) -> None:
    from test_diary_web import token

    page = client.get("/diary?lang=en")
    response = client.post("/diary/start", data={"token": token(page.text), "lang": "en", "onset": "2026-11-01",
                                                  "screen": "about_you", "answers": nested(DEEP)})
    assert response.status_code == 400 and "answers: is nested more than 64 levels deep" in response.text


def rugwijzer(*args: str, stdin: bytes = b"", env: dict[str, str] | None = None) -> subprocess.CompletedProcess[bytes]:
    return subprocess.run([sys.executable, "-m", "rugwijzer", *args], input=stdin, capture_output=True,
                          env=env, timeout=120, check=False)


def test_the_command_line_refuses_a_deep_intake_in_one_clear_message(tmp_path: Path) -> None:
    deep = tmp_path / "deep.json"
    deep.write_text('{"age": ' + nested(DEEP) + "}")
    for args in (["assess", str(deep)], ["report", str(deep), "-o", str(tmp_path / "r.pdf")]):
        done = rugwijzer(*args, "--lang", "en")
        assert done.returncode == 2, done.stderr
        assert b"Traceback" not in done.stderr and b"nested more than 64 levels deep" in done.stderr


def test_jsonl_gives_one_line_per_line_with_an_error_line_for_a_deep_one() -> None:
    good = json.dumps(ORDINARY).encode()
    lines = [good, nested(DEEP).encode(), b'{"startback": {"leg_pain": true, "leg_pain": false}}', good]
    done = rugwijzer("assess", "--jsonl", "--date", "2026-11-25", stdin=b"\n".join(lines) + b"\n")
    out = done.stdout.decode().splitlines()
    assert done.returncode == 2 and len(out) == 4, done.stderr
    assert "urgency" in json.loads(out[0]) and "urgency" in json.loads(out[3])
    deep_error = json.loads(out[1])["error"]
    assert deep_error["line"] == 2 and deep_error["fields"] == ["intake"]
    assert json.loads(out[2])["error"]["fields"][0] == "startback.leg_pain"


# ---- types where a list is expected, tokens that are not ASCII ------------------------------------

def test_parameters_that_are_not_a_list_are_a_400(client: TestClient) -> None:
    response = client.post("/fhir/QuestionnaireResponse/$assess", headers=FHIR,
                           content=b'{"resourceType":"Parameters","parameter":5}')
    assert response.status_code == 400 and "parameter: got int" in response.text


def test_a_bundle_whose_entry_is_not_a_list_is_a_400(client: TestClient) -> None:
    body = {"hook": "patient-view", "hookInstance": "h", "context": {"patientId": "p"},
            "prefetch": {"questionnaireResponse": {"resourceType": "Bundle", "entry": 5}}}
    response = client.post("/cds-services/rugwijzer-lbp-triage", json=body)
    assert response.status_code == 400
    assert response.json()["error"]["fields"] == ["prefetch.questionnaireResponse.entry"]


def test_a_non_ascii_form_token_is_refused_like_any_wrong_token(client: TestClient) -> None:
    response = client.post("/diary/delete?lang=en", data={"token": "jéton-ünïcode", "confirm": "yes"})
    assert response.status_code == 403 and "This form has expired" in response.text


# ---- contract details ------------------------------------------------------------------------

def test_a_repeated_key_inside_startback_is_named_by_its_path(client: TestClient) -> None:
    body = json.dumps({**ORDINARY, "startback": None})[:-1] + ', "startback": {"leg_pain": true, "leg_pain": false}}'
    response = client.post("/api/v1/assessments", content=body.encode(), headers={"Content-Type": "application/json"})
    assert response.status_code == 422
    assert response.json()["error"]["fields"][0] == "startback"  # the outer one is given twice first
    inner = b'{"startback": {"leg_pain": true, "leg_pain": false}}'
    response = client.post("/api/v1/assessments", content=inner, headers={"Content-Type": "application/json"})
    assert response.json()["error"]["problems"][0]["field"] == "startback.leg_pain"
    with pytest.raises(ValueError, match=r"startback\.leg_pain"):
        load_object(inner)


def test_diary_and_cds_errors_do_not_call_their_body_an_intake(client: TestClient) -> None:
    diary = client.post("/api/v1/diary/entries", content=b"{not json", headers={"Content-Type": "application/json"})
    assert diary.status_code == 422 and diary.json()["error"]["message"].startswith("invalid diary input: body")
    cds = client.post("/cds-services/rugwijzer-lbp-triage", content=b"[]", headers={"Content-Type": "application/json"})
    assert cds.status_code == 400 and cds.json()["error"]["message"].startswith("invalid CDS Hooks request: request")
    for response in (diary, cds):
        assert "intake" not in response.json()["error"]["message"]


def test_an_unknown_questionnaire_response_status_is_refused(client: TestClient) -> None:
    resource = {**questionnaire_response(intake()), "status": "bogus"}
    response = client.post("/fhir/QuestionnaireResponse/$assess", json=resource, headers=FHIR)
    assert response.status_code == 400
    issue = response.json()["issue"][0]
    assert issue["expression"] == ["QuestionnaireResponse.status"] and "completed" in issue["details"]["text"]


def test_quotes_in_a_link_id_are_escaped_in_the_expression(client: TestClient) -> None:
    resource = {"resourceType": "QuestionnaireResponse", "status": "completed",
                "item": [{"linkId": "x') or true or ('", "answer": [{"valueBoolean": True}]}]}
    response = client.post("/fhir/QuestionnaireResponse/$assess", json=resource, headers=FHIR)
    assert response.status_code == 422
    expression = response.json()["issue"][0]["expression"][0]
    assert expression == "QuestionnaireResponse.descendants().where(linkId='x\\') or true or (\\'')"


def test_the_api_description_is_as_strict_as_the_server(client: TestClient) -> None:
    spec = client.get("/openapi.json").json()
    hook = spec["paths"]["/cds-services/rugwijzer-lbp-triage"]["post"]["requestBody"]["content"]
    assert hook["application/json"]["schema"]["properties"]["hook"]["enum"] == ["patient-view"]
    fhir = spec["paths"]["/fhir/QuestionnaireResponse/$assess"]["post"]["requestBody"]["content"]
    response_schema = fhir["application/fhir+json"]["schema"]["oneOf"][0]
    assert "status" in response_schema["required"] and "bogus" not in response_schema["properties"]["status"]["enum"]


def test_a_405_names_every_method_of_the_path(client: TestClient) -> None:
    response = client.put("/api/v1/diary")
    assert response.status_code == 405 and response.headers["allow"] == "GET, DELETE"
    assert response.json()["error"]["status"] == 405
