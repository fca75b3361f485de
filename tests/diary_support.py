"""Helpers for the diary tests (import as ``from diary_support import ...``)."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from rugwijzer.knowledge.diary_rules import field_kind, load_rules
from support import intake

ONSET = date(2026, 9, 1)


def day(n: int) -> date:
    """The date ``n`` days after the onset (day 43 is the first 'longer than six weeks')."""
    return ONSET + timedelta(days=n)


def all_clear() -> dict[str, Any]:
    """Every alarm question answered 'no' (or 'none')."""
    return {name: False if field_kind(name) == "bool" else "none" for name in load_rules().all_alarm_fields}


def baseline(**changes: Any) -> dict[str, Any]:
    """A self-check at the start of a diary: ordinary back pain, pain 5, stable."""
    data = intake(**{"pain_score": 5, "pain_trend": "stable", **changes})
    data.pop("duration_days")
    return data


def log_in(client: Any) -> None:
    """Open the diary as its owner, the way a person does: with the link ``rugwijzer serve`` prints."""
    from rugwijzer.http.web import auth

    response = client.get(f"/diary/login?code={auth.new_login_code()}", follow_redirects=False)
    assert response.status_code == 303, response.text
    assert client.cookies.get(auth.COOKIE)
