"""The card for one assessment: critical for emergency and urgent, warning for soon, info otherwise,
with the reasons and links to the public explanation of the rules (never to personal data)."""

from __future__ import annotations

import uuid
from typing import Any

INDICATORS = {"emergency": "critical", "urgent": "critical", "soon": "warning", "routine": "info",
              "self_care": "info"}
SUMMARY_MAX = 140


def _summary(text: str) -> str:
    return text if len(text) <= SUMMARY_MAX else text[: SUMMARY_MAX - 1].rstrip() + "…"


def _reasons(answer: dict[str, Any], labels: dict[str, str]) -> list[str]:
    lines = [f"{labels['reasons']}:", ""]
    lines += [f"- **{f['title']}** ({f['level']}): {f['why']} _({f['source']})_" for f in answer["flags"]]
    if answer["suspected"]:
        lines += ["", f"{labels['causes']}:", ""]
        lines += [f"- {c['name']}: {c['explanation']}" for c in answer["suspected"]]
    return [*lines, ""]


def _detail(answer: dict[str, Any], labels: dict[str, str]) -> str:
    action = answer["action"]
    parts = [f"**{action['name']}**: {action['action']} ({action['where']})", ""]
    if not answer["complete"]:
        parts += [labels["partial"], ""]
    if answer["flags"]:
        parts += _reasons(answer, labels)
    startback = answer["startback"]
    if startback:
        parts += [f"STarT Back: {startback['name']} (total {startback['total']}/9, psychosocial "
                  f"{startback['psychosocial']}/5). {startback['care']}", "", f"_{startback['notice']}_", ""]
    parts.append(f"_{answer['disclaimer']}_")
    return "\n".join(parts)


def assessment_card(answer: dict[str, Any], links: list[dict[str, str]], labels: dict[str, str]) -> dict[str, Any]:
    """The card for an assessment answer (with texts) from the core."""
    return {
        "uuid": str(uuid.uuid4()),
        "summary": _summary(f"Rugwijzer: {answer['action']['name']}"
                            + "".join(f"; {f['title']}" for f in answer["flags"])),
        "indicator": INDICATORS[answer["urgency"]],
        "detail": _detail(answer, labels),
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
