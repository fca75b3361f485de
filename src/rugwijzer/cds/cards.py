"""The card for one assessment: critical for emergency and urgent, warning for soon, info otherwise,
with the reasons and links to the public explanation of the rules (never to personal data).

The card says what every surface says (clinical-rules §10): the one destination; in an emergency or
urgent result the lower flags are listed under "also tell the doctor" without an action of their own,
and no self-care (no suggestions, no STarT Back matched care)."""

from __future__ import annotations

import uuid
from collections.abc import Mapping
from typing import Any

from rugwijzer.core.answer import Answer, Flag

INDICATORS = {"emergency": "critical", "urgent": "critical", "soon": "warning", "routine": "info",
              "self_care": "info"}
SUMMARY_MAX = 140


def _summary(text: str) -> str:
    return text if len(text) <= SUMMARY_MAX else text[: SUMMARY_MAX - 1].rstrip() + "…"


def _flag_line(flag: Flag, labels: dict[str, str]) -> str:
    return f"- **{flag['title']}** ({labels['level.' + flag['level']]}): {flag['why']} _({flag['source']})_"


def _reasons(answer: Answer, labels: dict[str, str]) -> list[str]:
    lines = [f"{labels['reasons']}:", ""]
    lines += [_flag_line(f, labels) for f in answer["flags"] if not f["also_tell"]]
    also = [f for f in answer["flags"] if f["also_tell"]]
    if also:
        lines += ["", answer["also_tell_heading"], ""]
        lines += [f"- **{f['title']}**: {f['why']} _({f['source']})_" for f in also]
    if answer["suspected"]:
        lines += ["", f"{labels['causes']}:", ""]
        lines += [f"- {c['name']}: {c['explanation']}" for c in answer["suspected"]]
    return [*lines, ""]


def _startback(answer: Answer, labels: dict[str, str]) -> list[str]:
    startback = answer["startback"]
    if not startback:
        return []
    # The matched care is self-care advice: left out when a doctor decides today (clinical-rules §10).
    care = f" {startback['care']}" if answer["expectations"] else ""
    scores = labels["startback"] % {"total": startback["total"], "psychosocial": startback["psychosocial"]}
    return [f"STarT Back: {startback['name']} ({scores}).{care}", "", f"_{startback['notice']}_", ""]


def _detail(answer: Answer, labels: dict[str, str]) -> str:
    action = answer["action"]
    parts = [f"**{action['name']}**: {action['action']} ({action['where']})", ""]
    if not answer["complete"]:
        parts += [labels["partial"], ""]
    if answer["flags"]:
        parts += _reasons(answer, labels)
    parts += _startback(answer, labels)
    parts.append(f"_{answer['disclaimer']}_")
    return "\n".join(parts)


def assessment_card(answer: Answer, links: list[dict[str, str]], labels: dict[str, str]) -> dict[str, Any]:
    """The card for an assessment answer (with texts) from the core."""
    return {
        "uuid": str(uuid.uuid4()),
        "summary": _summary(f"Rugwijzer: {answer['action']['name']}"
                            + "".join(f"; {f['title']}" for f in answer["flags"] if not f["also_tell"])),
        "indicator": INDICATORS[answer["urgency"]],
        "detail": _detail(answer, labels),
        "source": {"label": "Rugwijzer", "url": links[0]["url"]},
        "links": links,
    }


def emergency_problem_card(emergency: Mapping[str, Any], fields: list[str], links: list[dict[str, str]],
                           labels: dict[str, str]) -> dict[str, Any]:
    """A critical card for a questionnaire response that cannot be assessed but whose valid answers
    already show an emergency (contract §1): the emergency first, then the fields to correct."""
    action = emergency["action"]
    flags = list(emergency["flags"])
    detail = [f"**{action['name']}**: {action['action']} ({action['where']})", "", labels["invalid_emergency"], "",
              *(_flag_line(f, labels) for f in flags), "",
              f"{labels['incomplete']}: " + ", ".join(f"`{name}`" for name in fields), "",
              f"_{emergency['disclaimer']}_"]
    return {
        "uuid": str(uuid.uuid4()),
        "summary": _summary(f"Rugwijzer: {action['name']}" + "".join(f"; {f['title']}" for f in flags)),
        "indicator": "critical",
        "detail": "\n".join(detail),
        "source": {"label": "Rugwijzer", "url": links[0]["url"]},
        "links": links,
    }


def problem_card(fields: list[str], links: list[dict[str, str]], labels: dict[str, str]) -> dict[str, Any]:
    """An info card for a questionnaire response that cannot be assessed (names the fields)."""
    return {
        "uuid": str(uuid.uuid4()),
        "summary": _summary(f"Rugwijzer: {labels['incomplete']}"),
        "indicator": "info",
        "detail": f"{labels['incomplete']}: " + ", ".join(f"`{name}`" for name in fields),
        "source": {"label": "Rugwijzer", "url": links[0]["url"]},
        "links": links,
    }
