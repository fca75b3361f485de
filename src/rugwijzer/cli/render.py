"""Readable terminal rendering of an assessment (Rich): the action first, then why and what to do."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from rich.console import Console, Group
from rich.padding import Padding
from rich.panel import Panel
from rich.text import Text

COLOURS = {"emergency": "bold white on red", "urgent": "bold red", "soon": "bold dark_orange",
           "routine": "bold blue", "self_care": "bold green"}
BORDERS = {"emergency": "red", "urgent": "red", "soon": "dark_orange", "routine": "blue",
           "self_care": "green"}


def render_assessment(console: Console, a: dict[str, Any], _: Callable[[str], str]) -> None:
    """Print the answer in the order a person needs it."""
    urgency = a["urgency"]
    action = a["action"]
    head = Group(
        Text(action["name"], style=COLOURS[urgency]),
        Text(action["action"]),
        Text(f"→ {action['where']}", style="bold"),
    )
    console.print(Panel(head, title=_("What to do now"), border_style=BORDERS[urgency]))
    if not a["complete"]:
        incomplete = _("Not all questions were answered, but this answer is already clear: act on it now.")
        console.print(Text(incomplete, style="bold red"))
    if a["flags"]:
        console.rule(_("Why"))
        source_label = _("Source")
        for flag in a["flags"]:
            console.print(Text.assemble(("• ", "bold"), (flag["title"], "bold"), f" [{flag['level']}]"))
            _indented(console, flag["why"], 2)
            _indented(console, f"{source_label}: {flag['source']}", 2, "dim")
    _summary(console, a, _)
    if a["plan"]:
        console.rule(_("Your plan"))
        for number, step in enumerate(a["plan"], 1):
            console.print(Text.assemble((f"{number}. {step['title']}", "bold")))
            _indented(console, step["text"], 3)
            if "emphasis_text" in step:
                _indented(console, step["emphasis_text"], 3, "italic")
    console.rule(_("Painkillers"))
    for line in a["medication"]["advice"]:
        console.print(f"• {line}", highlight=False)
    if a["avoid"]:
        console.rule(_("Better not"))
        for item in a["avoid"]:
            console.print(Text.assemble(("• ", "bold"), (item["name"], "bold"), f": {item['why']}"))
    if a["tips"]:
        console.rule(_("Tips for moving and posture"))
        for tip in a["tips"]:
            console.print(Text.assemble(("• ", "bold"), (tip["title"], "bold"), f": {tip['text']}"))
    _expectations(console, a, _)
    _safety_net(console, a, _)
    console.print(Panel(Text(a["disclaimer"]), border_style="dim"))


def _indented(console: Console, text: str, indent: int, style: str = "") -> None:
    """A paragraph that keeps its indent when it wraps."""
    console.print(Padding(Text(text, style=style), (0, 0, 0, indent)))


def _summary(console: Console, a: dict[str, Any], _: Callable[[str], str]) -> None:
    lines = []
    if a["episode_text"]:
        lines.append(_("Episode: {name}").format(name=a["episode_text"]["name"]))
    if a["suspected"]:
        names = "; ".join(s["name"] for s in a["suspected"])
        lines.append(_("Possible specific cause: {names}").format(names=names))
    elif a["complete"]:
        lines.append(_("No sign of a specific cause: this looks like ordinary low back pain."))
    sb = a["startback"]
    if sb:
        score = _("STarT Back: {risk} (total {total}/9, psychosocial {psychosocial}/5).").format(
            risk=sb["name"], total=sb["total"], psychosocial=sb["psychosocial"])
        lines.append(f"{score} {sb['care']}")
        lines.append(sb["notice"])
    if lines:
        console.rule(_("Summary"))
        for line in lines:
            console.print(line, highlight=False)


def _expectations(console: Console, a: dict[str, Any], _: Callable[[str], str]) -> None:
    console.rule(_("What to expect"))
    for line in a["prognosis"]:
        console.print(f"• {line}", highlight=False)
    if a["milestones"]:
        console.print(Text(_("Check-points for this episode:"), style="bold"))
        for m in a["milestones"]:
            mark = "✓" if m["reached"] else "○"
            console.print(f"  {mark} {m['date']}: {m['text']}", highlight=False)


def _safety_net(console: Console, a: dict[str, Any], _: Callable[[str], str]) -> None:
    number = a["action"]["emergency_number"]
    console.rule(_("Safety net"))
    call_now = _("Call {number} at once when one of these happens:").format(number=number)
    console.print(Text(call_now, style="bold red"))
    for line in a["safety_net"]["emergency"]:
        console.print(f"  • {line}", highlight=False)
    console.print(Text(_("See a doctor soon when one of these happens:"), style="bold"))
    for line in a["safety_net"]["doctor"]:
        console.print(f"  • {line}", highlight=False)
