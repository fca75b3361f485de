"""What people see of a diary, in their language: the table rows, the chart and short labels.

Shared by the web pages, the PDF and the terminal. Medical words come from the answers (knowledge
base) and the question flow; interface words from the ``diary`` gettext catalogue.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from rugwijzer.core.answer import Answer
from rugwijzer.core.knowledge import Lang
from rugwijzer.diary.chart import ChartText, Milestone, Point, pain_chart_svg
from rugwijzer.diary.followup import Step, changes
from rugwijzer.diary.service import History
from rugwijzer.i18n import gettext_for
from rugwijzer.knowledge import load_flow

DOMAIN = "diary"


def gettext(lang: Lang) -> Callable[[str], str]:
    return gettext_for(lang, DOMAIN)


def trend_label(trend: str, lang: Lang) -> str:
    """The words for a trend, as the self-check flow words the pain_trend answers."""
    option = load_flow().question("pain_trend").option(trend)
    return option.label[lang] if option and option.label else trend


def answer_label(name: str, value: Any, lang: Lang) -> str:
    """An alarm answer in words (the flow's option label, or yes/no)."""
    flow = load_flow()
    option = flow.question(name).option(value)
    if option is not None and option.label is not None:
        return option.label[lang]
    if isinstance(value, bool):
        return flow.texts["yes" if value else "no"][lang]
    return str(value)


def answers_text(answers: Mapping[str, Any], lang: Lang) -> str:
    """Answers as readable text, "field: answer; field: answer", in the words of the doctor's report
    (the CSV export: no JSON and no field names for people)."""
    from rugwijzer.i18n import translations
    from rugwijzer.report.fields import readable_answers

    catalogue = translations(lang, "report")
    said = readable_answers(answers, catalogue.gettext, catalogue.ngettext)
    colon, semicolon = (" : ", " ; ") if lang == "fr" else (": ", "; ")
    parts = [f"{row.label}{colon}{row.value}" for row in said.rows]
    _ = gettext(lang)
    if said.risk_factors:
        parts.append(f"{_('What may play a part')}{colon}{', '.join(said.risk_factors)}")
    if said.has_startback:
        agreed = [*said.startback_agreed, *([said.startback_bother] if said.startback_bother else [])]
        parts.append(f"STarT Back{colon}{', '.join(agreed) or '-'}")
    return semicolon.join(parts)


@dataclass(frozen=True, slots=True)
class Row:
    """One line of the diary table (the chart's text alternative)."""

    step: Step
    answer: Answer
    new_flags: tuple[str, ...]
    milestones: tuple[str, ...]

    @property
    def entry_date(self) -> str:
        return self.step.on.isoformat()

    @property
    def is_start(self) -> bool:
        return self.step.entry is None


def rows(history: History) -> list[Row]:
    """Each step with its advice and what was new at that step (flag titles, milestone texts)."""
    out = []
    previous: Mapping[str, Any] | None = None
    for step, answer in zip(history.steps, history.answers, strict=True):
        diff = changes(previous, answer) if previous is not None else None
        out.append(Row(step, answer,
                       tuple(f["title"] for f in diff.new_flags) if diff else (),
                       tuple(m["text"] for m in diff.milestones_reached) if diff else ()))
        previous = answer
    return out


def milestone_label(day: int, lang: Lang) -> str:
    _ = gettext(lang)
    return _("Day %(day)s") % {"day": day}


def chart(history: History, lang: Lang, id_prefix: str = "pain-chart") -> str:
    """The SVG pain chart of an episode with its milestones."""
    _ = gettext(lang)
    points = [Point(s.day, s.pain, f"{s.on.isoformat()}: {s.pain}/10") for s in history.steps]
    milestones = [Milestone(int(m["day"]), milestone_label(int(m["day"]), lang), str(m["text"]), bool(m["reached"]))
                  for m in history.latest.get("milestones", [])]
    pains = [s.pain for s in history.steps]
    numbers = {"count": len(pains), "low": min(pains), "high": max(pains), "last": pains[-1]}
    if milestones:
        description = _("Pain from 0 to 10 on each diary day since the onset; %(count)s points, lowest %(low)s, "
                        "highest %(high)s, last %(last)s. Vertical lines mark the milestones. The table below "
                        "gives the same data.") % numbers
    else:  # an emergency or urgent advice has no milestones (clinical rules §10)
        description = _("Pain from 0 to 10 on each diary day since the onset; %(count)s points, lowest %(low)s, "
                        "highest %(high)s, last %(last)s. The table below gives the same data.") % numbers
    text = ChartText(title=_("Pain over time"), description=description,
                     x_axis=_("Days since the pain began"), y_axis=_("Pain (0-10)"))
    return pain_chart_svg(points, milestones, text, id_prefix)
