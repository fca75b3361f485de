"""Export everything the diary holds: JSON (complete, machine-readable), CSV (one row per step) and
PDF (for people and their doctor). The person owns the data; nothing is left out.

Each export reads every episode in one transaction and re-assesses every step (reported through
``progress(done, total)``), so the advice shown is what the engine says for those entries now;
``advice_given`` keeps what the diary said at the time.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Callable, Mapping
from datetime import date
from typing import Any, Literal

import orjson

from rugwijzer import __version__
from rugwijzer.core.answer import Answer
from rugwijzer.core.knowledge import Lang, Region
from rugwijzer.diary.followup import Step
from rugwijzer.diary.service import DiaryService, History, Progress
from rugwijzer.i18n import N_

Format = Literal["csv", "json", "pdf"]
FORMATS: tuple[Format, ...] = ("csv", "json", "pdf")
FORMAT_NAME = "rugwijzer-diary"
FORMAT_VERSION = 1
Phase = Callable[[str], None]  # told "assessing", "writing", "layout" as an export moves on

CSV_COLUMNS = ("episode_id", "onset", "started_on", "ended_on", "kind", "entry_id", "date", "day", "pain",
               "activity", "medication", "notes", "seen_doctor", "alarm_answers", "answers", "trend",
               "episode", "urgency", "flags", "advice_given_urgency", "advice_given_flags", "created_at")


# The CSV is for people (a spreadsheet): its column names and cells are in the chosen language, and
# answers are readable text, never JSON (issue 9 §4). The JSON export keeps the machine names.
CSV_HEADINGS = {
    "episode_id": N_("Episode"), "onset": N_("Pain began on"), "started_on": N_("Diary started on"),
    "ended_on": N_("Recovered on"), "kind": N_("Line"), "entry_id": N_("Entry number"), "date": N_("Date"),
    "day": N_("Day"), "pain": N_("Pain"), "activity": N_("What I could do"), "medication": N_("Medication"),
    "notes": N_("Notes"), "seen_doctor": N_("Seen a doctor"), "alarm_answers": N_("Alarm questions answered"),
    "answers": N_("Self-check answers"), "trend": N_("Trend"), "episode": N_("Kind of episode"),
    "urgency": N_("Advice"), "flags": N_("Why"), "advice_given_urgency": N_("Advice given then"),
    "advice_given_flags": N_("Why, then"), "created_at": N_("Written on"),
}


def csv_headings(lang: Lang) -> list[str]:
    """The CSV's column names in ``lang``, in the order of :data:`CSV_COLUMNS`."""
    from rugwijzer.diary.views import gettext

    _ = gettext(lang)
    return [_(CSV_HEADINGS[name]) for name in CSV_COLUMNS]


def _assessed(step: Step, answer: Answer) -> dict[str, Any]:
    return {"date": step.on.isoformat(), "day": step.day, "entry_id": step.entry.id if step.entry else None,
            "pain": step.pain, "trend": step.trend, "episode": answer["episode"], "urgency": answer["urgency"],
            "flags": [{"id": f["id"], "level": f["level"]} for f in answer["flags"]]}


def _entry(step: Step) -> dict[str, Any]:
    entry = step.entry
    assert entry is not None
    return {"id": entry.id, "date": entry.entry_date.isoformat(), "pain": entry.pain, "activity": entry.activity,
            "medication": entry.medication, "notes": entry.notes, "seen_doctor": entry.seen_doctor,
            "alarm_answers": entry.alarm_answers, "created_at": entry.created_at.isoformat(),
            "advice_given": None if entry.urgency is None else {"urgency": entry.urgency,
                                                                 "flags": list(entry.flag_ids or ())}}


def as_document(histories: list[History], exported_on: date, knowledge_version: str) -> dict[str, Any]:
    """The whole diary as one JSON-ready document."""
    return {
        "format": FORMAT_NAME, "format_version": FORMAT_VERSION, "rugwijzer_version": __version__,
        "knowledge_version": knowledge_version, "exported_on": exported_on.isoformat(),
        "episodes": [{
            "id": h.episode.id, "onset": h.episode.onset.isoformat(),
            "started_on": h.episode.started_on.isoformat(),
            "ended_on": h.episode.ended_on.isoformat() if h.episode.ended_on else None,
            "answers": dict(h.episode.baseline),
            "entries": [_entry(s) for s in h.steps if s.entry is not None],
            "assessments": [_assessed(s, a) for s, a in zip(h.steps, h.answers, strict=True)],
        } for h in histories],
    }


def to_json(histories: list[History], exported_on: date, knowledge_version: str) -> bytes:
    return orjson.dumps(as_document(histories, exported_on, knowledge_version), option=orjson.OPT_INDENT_2)


def to_csv(histories: list[History], lang: Lang = "nl", region: Region = "be") -> bytes:
    """One row per step (the start, then each entry), in ``lang``: readable words, no JSON."""
    from rugwijzer.services.assessing import default_assessor

    words = _CsvWords(lang, default_assessor().explainer(lang, region))
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(csv_headings(lang))
    for h in histories:
        episode = {"episode_id": h.episode.id, "onset": h.episode.onset.isoformat(),
                   "started_on": h.episode.started_on.isoformat(),
                   "ended_on": h.episode.ended_on.isoformat() if h.episode.ended_on else ""}
        for step, answer in zip(h.steps, h.answers, strict=True):
            row = {**episode, **_csv_step(step, answer, h.episode.baseline, words)}
            writer.writerow([row.get(name, "") for name in CSV_COLUMNS])
    return out.getvalue().encode("utf-8")


class _CsvWords:
    """The words of one language for the CSV cells (labels of the flow, names of the knowledge base)."""

    def __init__(self, lang: Lang, explainer: Any) -> None:
        from rugwijzer.diary import views

        self.lang, self.explainer, self.views = lang, explainer, views
        _ = views.gettext(lang)
        self.start, self.entry = _(N_("start")), _(N_("entry"))

    def yes_no(self, value: bool) -> str:
        from rugwijzer.knowledge import load_flow

        return load_flow().texts["yes" if value else "no"][self.lang]

    def flags(self, ids: Any) -> str:
        return "; ".join(self.explainer.flags[i]["title"] if i in self.explainer.flags else str(i) for i in ids)


def _csv_step(step: Step, answer: Answer, baseline: Mapping[str, Any], words: _CsvWords) -> dict[str, Any]:
    from rugwijzer.diary.views import answers_text, trend_label

    kind = answer["episode_text"]
    row: dict[str, Any] = {"date": step.on.isoformat(), "day": step.day, "pain": step.pain,
                           "trend": trend_label(step.trend, words.lang), "episode": kind["name"] if kind else "",
                           "urgency": answer["action"]["name"], "flags": "; ".join(f["title"] for f in answer["flags"])}
    entry = step.entry
    if entry is None:
        return {**row, "kind": words.start, "answers": _cell(answers_text(baseline, words.lang))}
    given = words.explainer.urgencies.get(entry.urgency, "") if entry.urgency else ""
    return {**row, "kind": words.entry, "entry_id": entry.id, "activity": _cell(entry.activity),
            "medication": _cell(entry.medication), "notes": _cell(entry.notes),
            "seen_doctor": words.yes_no(entry.seen_doctor),
            "alarm_answers": _cell(answers_text(entry.alarm_answers or {}, words.lang)),
            "advice_given_urgency": given, "advice_given_flags": words.flags(entry.flag_ids or ()),
            "created_at": entry.created_at.isoformat(timespec="seconds")}


def _cell(text: str | None) -> str | None:
    """A person's own text, kept from being read as a formula by a spreadsheet (CSV injection):
    a leading =, +, -, @, tab or carriage return gets an apostrophe in front, as OWASP advises."""
    if text and text[0] in "=+-@\t\r":
        return "'" + text
    return text


def export(service: DiaryService, fmt: Format, today: date, lang: Lang = "nl", region: Region = "be",
           progress: Progress | None = None, phase: Phase | None = None) -> bytes:
    """Everything in the diary in one format."""
    tell = phase or (lambda _name: None)
    tell("assessing")
    histories = service.histories(lang, region, progress)
    tell("writing")
    if fmt == "json":
        return to_json(histories, today, service.assessor.kb.version)
    if fmt == "csv":
        return to_csv(histories, lang, region)
    from rugwijzer.diary.pdf import render_diary_pdf

    return render_diary_pdf(histories, today, lang, region, phase=tell)
