"""Readable terminal rendering of an assessment (Rich): the action first, then why and what to do.

What is shown depends on the urgency (clinical-rules §10). An emergency shows what to do and where,
why, what else to tell the doctor and the disclaimer, and nothing of self-care; its output ends with
the 112 line, so that it never scrolls away under calmer text. An urgent result adds paracetamol only
and the 112 tier of the safety net. Lower levels show everything, with the safety net in its tiers.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from rich.console import Console, Group
from rich.padding import Padding
from rich.panel import Panel
from rich.text import Text

from rugwijzer.core.answer import Answer, Flag, Medication
from rugwijzer.i18n import N_

COLOURS = {"emergency": "bold white on red", "urgent": "bold red", "soon": "bold dark_orange",
           "routine": "bold blue", "self_care": "bold green"}
BORDERS = {"emergency": "red", "urgent": "red", "soon": "dark_orange", "routine": "blue",
           "self_care": "green"}
# How fast each flag's level needs a doctor, in words (never the internal id).
LEVEL_WORDS = {"emergency": N_("emergency: now"), "urgent": N_("a doctor today"),
               "soon": N_("the GP within a few days"), "routine": N_("plan a visit")}
TIER_STYLES = {"emergency": "bold red", "urgent": "bold dark_orange", "soon": "bold"}

Gettext = Callable[[str], str]


def render_assessment(console: Console, a: Answer, _: Gettext) -> None:
    """Print the answer in the order a person needs it."""
    urgency = a["urgency"]
    _action(console, a, _)
    _flags(console, a, _)
    _summary(console, a, _)
    if urgency != "emergency":
        _self_care(console, a, _)
        _safety_net(console, a, _)
    console.print(Panel(Text(a["disclaimer"]), border_style="dim"))
    if urgency == "emergency":
        # The last line on the screen: where to go now, with the emergency number.
        console.print(Text(f" → {a['action']['where']} ", style=COLOURS["emergency"]))


def _action(console: Console, a: Answer, _: Gettext) -> None:
    urgency, action = a["urgency"], a["action"]
    head = Group(
        Text(action["name"], style=COLOURS[urgency]),
        Text(action["action"]),
        Text(f"→ {action['where']}", style="bold"),
    )
    console.print(Panel(head, title=_("What to do now"), border_style=BORDERS[urgency]))
    if not a["complete"]:
        incomplete = _("Not all questions were answered, but this answer is already clear: act on it now.")
        console.print(Text(incomplete, style="bold red"))


def _flags(console: Console, a: Answer, _: Gettext) -> None:
    """Why (the flags that decide the result), then what else to tell the doctor, with no action."""
    reasons = [f for f in a["flags"] if not f["also_tell"]]
    also = [f for f in a["flags"] if f["also_tell"]]
    if reasons:
        console.rule(_("Why"))
        for flag in reasons:
            _flag(console, flag, _, level=True)
    if also:
        console.rule(a["also_tell_heading"])
        for flag in also:
            _flag(console, flag, _, level=False)


def _flag(console: Console, flag: Flag, _: Gettext, level: bool) -> None:
    parts: list[Any] = [("• ", "bold"), (flag["title"], "bold")]
    if level:
        parts.append((f" ({_(LEVEL_WORDS[flag['level']])})", "dim"))
    console.print(Text.assemble(*parts))
    _indented(console, flag["why"], 2)
    _indented(console, _("Source: {source}").format(source=flag["source_text"]), 2, "dim")


def _indented(console: Console, text: str, indent: int, style: str = "") -> None:
    """A paragraph that keeps its indent when it wraps."""
    console.print(Padding(Text(text, style=style), (0, 0, 0, indent)))


def _summary(console: Console, a: Answer, _: Gettext) -> None:
    lines = []
    if a["episode_text"]:
        lines.append(_("Episode: {name}").format(name=a["episode_text"]["name"]))
    if a["suspected"]:
        names = ", ".join(s["name"] for s in a["suspected"])
        lines.append(_("Possible specific cause: {names}").format(names=names))
    elif a["complete"]:
        lines.append(_("No sign of a specific cause: this looks like ordinary low back pain."))
    sb = a["startback"]
    if sb and a["expectations"]:  # the matched care is self-care advice: not when a doctor decides today
        score = _("STarT Back: {risk} (total {total}/9, psychosocial {psychosocial}/5).").format(
            risk=sb["name"], total=sb["total"], psychosocial=sb["psychosocial"])
        lines.append(f"{score} {sb['care']}")
        lines.append(sb["notice"])
    if lines:
        console.rule(_("Summary"))
        for line in lines:
            console.print(line, highlight=False)


def _self_care(console: Console, a: Answer, _: Gettext) -> None:
    """Plan, painkillers, what to avoid, tips and what to expect: each only when the answer has it."""
    if a["plan"]:
        console.rule(_("Your plan"))
        for risk in a.get("risk_advice", []):  # what the person ticked, said back first
            console.print(Text.assemble(("• ", "bold"), (risk["you"], "bold"), f" → {risk['advice']}"))
        for number, step in enumerate(a["plan"], 1):
            console.print(Text.assemble((f"{number}. {step['title']}", "bold")))
            _indented(console, step["text"], 3)
            if "emphasis_text" in step:
                _indented(console, step["emphasis_text"], 3, "italic")
    if a["medication"]:
        _medication(console, a["medication"], _)
    if a["avoid"]:
        console.rule(_("Better not"))
        for item in a["avoid"]:
            console.print(Text.assemble(("• ", "bold"), (item["name"], "bold"), f": {item['why']}"))
    if a["tips"]:
        console.rule(_("Tips for moving and posture"))
        for tip in a["tips"]:
            console.print(Text.assemble(("• ", "bold"), (tip["title"], "bold"), f": {tip['text']}"))
    _expectations(console, a, _)


def _medication(console: Console, med: Medication, _: Gettext) -> None:
    """Paracetamol, then the anti-inflammatory painkillers, each with its reasons indented under
    it, then the notes."""
    console.rule(_("Painkillers"))
    for lines in (med["paracetamol_advice"], med["nsaid_advice"]):
        if lines:
            _indented(console, f"• {lines[0]}", 0)
            for reason in lines[1:]:
                _indented(console, f"– {reason}", 2)
    for note in med["notes"]:
        _indented(console, f"• {note}", 0)


def _expectations(console: Console, a: Answer, _: Gettext) -> None:
    if not (a["prognosis"] or a["milestones"]):
        return
    console.rule(_("What to expect"))
    for line in a["prognosis"]:
        console.print(f"• {line}", highlight=False)
    if a["milestones"]:
        console.print(Text(_("Check-points for this episode:"), style="bold"))
        for m in a["milestones"]:
            mark = "✓" if m["reached"] else "○"
            console.print(f"  {mark} {m['date']}: {m['text']}", highlight=False)


def _safety_net(console: Console, a: Answer, _: Gettext) -> None:
    """The tiers above the result's own level, most urgent first, each under its own heading."""
    if not a["safety_net"]:
        return
    console.rule(_("Safety net"))
    for tier in sorted(a["safety_net"], key=lambda t: list(TIER_STYLES).index(t["level"])):
        console.print(Text(tier["heading"], style=TIER_STYLES[tier["level"]]))
        for line in tier["signs"]:
            console.print(f"  • {line}", highlight=False)
