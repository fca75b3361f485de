"""The JSON API under /api/v1: same engine, strict input, one error format, texts by language."""

from __future__ import annotations

import json
import logging
from collections.abc import Iterator
from datetime import date
from typing import Any

import pytest
from fastapi.testclient import TestClient

from rugwijzer.http.api.examples import EXAMPLES, ORDINARY, STARTBACK_HIGH, intake
from rugwijzer.http.api.negotiation import accept_language, choose_lang
from rugwijzer.http.web.app import create_app
from rugwijzer.languages import LANGS
from rugwijzer.services.assessing import default_assessor

URL = "/api/v1/assessments"
DAY = "2026-11-25"


@pytest.fixture(scope="module")
def client() -> Iterator[TestClient]:
    with TestClient(create_app(), raise_server_exceptions=False) as test_client:
        yield test_client


def post(client: TestClient, body: Any, query: str = "", **headers: str) -> Any:
    content = body if isinstance(body, bytes) else json.dumps(body).encode()
    return client.post(f"{URL}?date={DAY}{query}", content=content,
                       headers={"Content-Type": "application/json", **headers})


def error_of(response: Any) -> dict[str, Any]:
    body = response.json()
    assert set(body) == {"error"}, body
    error: dict[str, Any] = body["error"]
    assert set(error) == {"status", "message", "fields", "problems"}
    assert error["status"] == response.status_code
    return error


# ---- answers -------------------------------------------------------------------------------

def test_an_intake_gets_the_engines_answer(client: TestClient) -> None:
    response = post(client, ORDINARY)
    assert response.status_code == 200
    assert response.json() == default_assessor().assess(ORDINARY, date(2026, 11, 25), "nl", "be")
    assert response.headers["cache-control"] == "no-store"
    assert response.headers["content-language"] == "nl"


@pytest.mark.parametrize(("changes", "urgency"), [
    ({}, "self_care"),
    ({"bladder_problems": True}, "emergency"),
    ({"fever": True}, "urgent"),
    ({"unexplained_weight_loss": True}, "soon"),
    ({"radiation": "below_knee"}, "routine"),
])
def test_urgency_comes_from_the_engine(client: TestClient, changes: dict[str, Any], urgency: str) -> None:
    assert post(client, intake(**changes)).json()["urgency"] == urgency


def test_every_example_of_the_api_description_is_answered(client: TestClient) -> None:
    for name, example in EXAMPLES.items():
        response = post(client, example["value"])
        assert response.status_code == 200, name


def test_a_partial_intake_with_an_emergency_is_answered_incomplete(client: TestClient) -> None:
    answer = post(client, {"age": 60, "bowel_incontinence": True}).json()
    assert answer["urgency"] == "emergency" and answer["complete"] is False
    assert answer["plan"] == [] and answer["episode"] is None


def test_a_partial_intake_without_an_emergency_names_the_missing_fields(client: TestClient) -> None:
    response = post(client, {"age": 60, "fever": True})
    assert response.status_code == 422
    assert {"duration_days", "pain_score", "bladder_problems"} <= set(error_of(response)["fields"])


# ---- language and region -------------------------------------------------------------------

def test_lang_query_wins_over_accept_language(client: TestClient) -> None:
    answer = post(client, ORDINARY, "&lang=fr", **{"Accept-Language": "en"}).json()
    assert answer["lang"] == "fr"
    assert answer["disclaimer"] == default_assessor().assess(ORDINARY, None, "fr", "be")["disclaimer"]


def test_accept_language_is_used_without_lang(client: TestClient) -> None:
    response = post(client, ORDINARY, **{"Accept-Language": "es-ES, en;q=0.4, fr;q=0.8"})
    assert response.json()["lang"] == "fr"
    assert response.headers["content-language"] == "fr"
    german = post(client, ORDINARY, **{"Accept-Language": "de-BE, fr;q=0.8"})
    assert german.json()["lang"] == "de" and german.headers["content-language"] == "de"


@pytest.mark.parametrize(("header", "lang"), [
    (None, None), ("", None), ("*", None), ("es", None), ("de", "de"), ("de-DE", "de"), ("en", "en"), ("EN-gb", "en"),
    ("nl-BE,nl;q=0.9", "nl"), ("fr;q=0.2, en;q=0.3", "en"), ("en;q=0, fr", "fr"), ("fr;q=bad, en;q=0.1", "en"),
])
def test_accept_language_parsing(header: str | None, lang: str | None) -> None:
    assert accept_language(header) == lang


def test_dutch_is_the_default() -> None:
    assert choose_lang(None, None) == "nl"
    assert choose_lang("en", "fr") == "en"


def test_region_gives_the_numbers(client: TestClient) -> None:
    belgium = post(client, intake(fever=True), "&region=be").json()
    netherlands = post(client, intake(fever=True), "&region=nl").json()
    assert belgium["region"] == "be" and netherlands["region"] == "nl"
    assert belgium["action"]["out_of_hours_number"] != netherlands["action"]["out_of_hours_number"]


def test_the_date_is_the_assessment_date(client: TestClient) -> None:
    answer = post(client, intake(duration_days=3)).json()
    assert answer["assessed_on"] == DAY and answer["onset"] == "2026-11-22"


@pytest.mark.parametrize("query", ["&lang=es", "&region=fr", "&date=yesterday", "&date=1066-10-14"])
def test_bad_query_parameters_are_named(client: TestClient, query: str) -> None:
    response = post(client, ORDINARY, query)
    assert response.status_code == 422
    name = query[1:].split("=")[0]
    assert name in error_of(response)["fields"]


# ---- strict input: every bad field named, with what is allowed -------------------------------

def test_every_bad_field_is_named_with_what_is_allowed(client: TestClient) -> None:
    bad = intake(pain_score=11, radiation="knee", fever="yes", age=40.0, colour="blue")
    response = post(client, bad)
    assert response.status_code == 422
    error = error_of(response)
    assert {"pain_score", "radiation", "fever", "age", "colour"} <= set(error["fields"])
    allowed = {p["field"]: p["allowed"] for p in error["problems"]}
    assert "below_knee" in allowed["radiation"] and "10" in allowed["pain_score"]


@pytest.mark.parametrize(("body", "field"), [
    (intake(fever=None), "fever"),
    (intake(night_pain="true"), "night_pain"),
    (intake(pain_score=True), "pain_score"),
    (intake(age=40.0), "age"),
    ({k: v for k, v in ORDINARY.items() if k != "trauma"} | {"fever": "no"}, "trauma"),
    (intake(risk_factors=["overweight", "overweight"]), "risk_factors"),
    (intake(startback={**STARTBACK_HIGH, "bothersomeness": "a lot"}), "startback.bothersomeness"),
    (intake(startback={"leg_pain": True}), "startback"),
    (intake(age=1, duration_days=1000), "duration_days"),
    (intake(fevr=True), "fevr"),
])
def test_strict_types_and_values(client: TestClient, body: dict[str, Any], field: str) -> None:
    response = post(client, body)
    assert response.status_code == 422
    assert field in error_of(response)["fields"]
    assert field in response.text


@pytest.mark.parametrize("lang", LANGS)
def test_an_invalid_intake_that_shows_an_emergency_carries_it_first(client: TestClient, lang: str) -> None:
    from rugwijzer.http.api.models import ErrorEnvelope

    response = post(client, intake(bladder_problems=True, fever="yes"), f"&lang={lang}")
    assert response.status_code == 422
    error = response.json()["error"]
    assert next(iter(error)) == "emergency"  # shown first (contract §1)
    assert list(error)[1:] == ["status", "message", "fields", "problems"]
    emergency = error["emergency"]
    assert emergency["urgency"] == "emergency"
    assert [f["id"] for f in emergency["flags"]] == ["cauda_equina_bladder"]
    assert "112" in emergency["action"]["action"] and emergency["action"]["destination"] == "emergency_department"
    assert error["fields"] == ["fever"]
    ErrorEnvelope.model_validate(response.json())


def test_an_invalid_intake_without_an_emergency_carries_none(client: TestClient) -> None:
    response = post(client, intake(unexplained_weight_loss=True, fever="yes"))
    assert response.status_code == 422
    assert "emergency" not in error_of(response)


def test_a_typo_next_to_an_emergency_does_not_hide_it(client: TestClient) -> None:
    body = {k: v for k, v in intake(saddle_numbness=True, bowel_incontinence_=True).items()}
    response = post(client, body)
    assert response.status_code == 422
    error = response.json()["error"]
    assert [f["id"] for f in error["emergency"]["flags"]] == ["cauda_equina_saddle"]
    assert "bowel_incontinence_" in error["fields"]


def test_a_repeated_key_is_refused_by_name(client: TestClient) -> None:
    text = json.dumps(ORDINARY)[:-1] + ', "bladder_problems": true, "bladder_problems": false}'
    response = post(client, text.encode())
    assert response.status_code == 422
    assert error_of(response)["fields"] == ["bladder_problems"]


@pytest.mark.parametrize("body", [b"", b"not json", b"[1, 2]", b"\xff\xfe", b'"text"'])
def test_not_an_object_is_refused(client: TestClient, body: bytes) -> None:
    response = post(client, body)
    assert response.status_code == 422
    assert error_of(response)["fields"] == ["intake"]


def test_a_non_json_body_is_unsupported(client: TestClient) -> None:
    response = client.post(URL, content=json.dumps(ORDINARY), headers={"Content-Type": "text/plain"})
    assert response.status_code == 415
    assert error_of(response)["fields"] == ["content-type"]


def test_json_with_a_charset_is_fine(client: TestClient) -> None:
    response = client.post(URL, content=json.dumps(ORDINARY),
                           headers={"Content-Type": "application/json; charset=utf-8"})
    assert response.status_code == 200


# ---- size limit and the error format of every error -------------------------------------------

def test_a_large_body_is_refused_with_413(client: TestClient) -> None:
    response = post(client, intake(padding="x" * 70_000))
    assert response.status_code == 413
    assert error_of(response)["fields"] == ["request"]


def test_a_large_streamed_body_is_refused_with_413(client: TestClient) -> None:
    def chunks() -> Iterator[bytes]:
        yield b'{"age": 40, "padding": "'
        for _ in range(100):
            yield b"x" * 1000
        yield b'"}'

    response = client.post(URL, content=chunks(), headers={"Content-Type": "application/json"})
    assert response.status_code == 413
    assert error_of(response)["status"] == 413


def test_not_found_and_wrong_method_use_the_error_format(client: TestClient) -> None:
    missing = client.get("/api/v1/nothing-here")
    assert missing.status_code == 404 and error_of(missing)
    wrong = client.get(URL)
    assert wrong.status_code == 405 and error_of(wrong)
    assert wrong.headers["allow"] == "POST"


def test_other_paths_keep_the_apps_own_errors(client: TestClient) -> None:
    response = client.get("/no-such-page-anywhere")
    assert response.status_code == 404
    assert response.headers["content-type"].startswith("text/html")  # the web app's own page
    assert "This page does not exist" in client.get("/no-such-page-anywhere?lang=en").text
    assert response.headers["x-content-type-options"] == "nosniff"
    assert "frame-ancestors 'none'" in response.headers["content-security-policy"]


def test_an_internal_error_is_a_500_in_the_format_and_logs_nothing_personal(
        client: TestClient, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture) -> None:
    def broken(*args: Any, **kwargs: Any) -> None:
        raise RuntimeError(f"boom {args}")

    monkeypatch.setattr(default_assessor(), "assess_text", broken)
    with caplog.at_level(logging.DEBUG):
        response = post(client, intake(age=77))
    assert response.status_code == 500
    assert error_of(response)["message"].startswith("internal error")
    assert "77" not in caplog.text and "age" not in caplog.text
    assert "RuntimeError" in caplog.text


# ---- rules and the question flow -------------------------------------------------------------

def test_rules_are_served_in_the_chosen_language(client: TestClient) -> None:
    from rugwijzer.services.review import review_document

    response = client.get("/api/v1/rules?lang=en")
    assert response.status_code == 200
    assert response.json() == review_document(default_assessor().kb, "en")
    assert client.get("/api/v1/rules", headers={"Accept-Language": "fr"}).json()["lang"] == "fr"


def test_the_question_flow_is_served_as_data(client: TestClient) -> None:
    from rugwijzer.knowledge import load_flow

    document = client.get("/api/v1/questionnaire").json()
    flow = load_flow()
    assert [s["id"] for s in document["screens"]] == [s.id for s in flow.screens]
    shown = [q for s in document["screens"] for q in s["questions"]]
    fields = {q["field"] for q in shown} | {item["field"] for q in shown for item in q.get("items", [])}
    assert {"bladder_problems", "startback.bothersomeness"} <= fields
    assert document["knowledge_version"] == default_assessor().kb.version


def test_the_api_stores_nothing_between_requests(client: TestClient) -> None:
    first = post(client, intake(fever=True)).json()
    post(client, intake(bladder_problems=True))
    assert post(client, intake(fever=True)).json() == first


@pytest.mark.parametrize(("query", "lang"), [("&lang=en&lang=fr", "fr"), ("&lang=%65n", "en"), ("&other=1", "nl")])
def test_the_query_string_is_read_as_sent(client: TestClient, query: str, lang: str) -> None:
    assert post(client, ORDINARY, query).json()["lang"] == lang


@pytest.mark.parametrize("query", ["&region=", "&date=2026-02-30", "&date=20261125", "&lang=EN"])
def test_odd_query_values_are_refused(client: TestClient, query: str) -> None:
    assert post(client, ORDINARY, query).status_code == 422
