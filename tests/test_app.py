"""The app factory: what every deployment of the web app offers."""

from __future__ import annotations


def test_the_app_serves_no_page_that_loads_from_a_cdn() -> None:
    from fastapi.testclient import TestClient

    from rugwijzer.http.web.app import create_app

    client = TestClient(create_app())
    assert client.get("/docs").status_code == 404
    assert client.get("/redoc").status_code == 404
    assert client.get("/openapi.json").status_code == 200
