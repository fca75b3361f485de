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
from rugwijzer.core.knowledge import Lang, Region
from rugwijzer.diary.followup import Step
from rugwijzer.diary.service import DiaryService, History, Progress

Format = Literal["csv", "json", "pdf"]
FORMATS: tuple[Format, ...] = ("csv", "json", "pdf")
FORMAT_NAME = "rugwijzer-diary"
FORMAT_VERSION = 1
Phase = Callable[[str], None]  # told "assessing", "writing", "layout" as an export moves on

CSV_COLUMNS = ("episode_id", "onset", "started_on", "ended_on", "kind", "entry_id", "date", "day", "pain",
               "activity", "medication", "notes", "seen_doctor", "alarm_answers", "answers", "trend",
               "episode", "urgency", "flags", "advice_given_urgency", "advice_given_flags", "created_at")


def _assessed(step: Step, answer: Mapping[str, Any]) -> dict[str, Any]:
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


def to_csv(histories: list[History]) -> bytes:
    """One row per step (the start, then each entry); answers as JSON inside their cell."""
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=CSV_COLUMNS, lineterminator="\n")
    writer.writeheader()
    for h in histories:
        episode = {"episode_id": h.episode.id, "onset": h.episode.onset.isoformat(),
                   "started_on": h.episode.started_on.isoformat(),
                   "ended_on": h.episode.ended_on.isoformat() if h.episode.ended_on else ""}
        for step, answer in zip(h.steps, h.answers, strict=True):
            writer.writerow({**episode, **_csv_step(step, answer, h.episode.baseline)})
    return out.getvalue().encode("utf-8")


def _csv_step(step: Step, answer: Mapping[str, Any], baseline: Mapping[str, Any]) -> dict[str, Any]:
    row: dict[str, Any] = {"date": step.on.isoformat(), "day": step.day, "pain": step.pain, "trend": step.trend,
                           "episode": answer["episode"], "urgency": answer["urgency"],
                           "flags": " ".join(f"{f['id']}:{f['level']}" for f in answer["flags"])}
    entry = step.entry
    if entry is None:
        return {**row, "kind": "start", "answers": orjson.dumps(dict(baseline)).decode()}
    return {**row, "kind": "entry", "entry_id": entry.id, "activity": _cell(entry.activity),
            "medication": _cell(entry.medication), "notes": _cell(entry.notes), "seen_doctor": entry.seen_doctor,
            "alarm_answers": orjson.dumps(entry.alarm_answers).decode() if entry.alarm_answers is not None else "",
            "advice_given_urgency": entry.urgency or "", "advice_given_flags": " ".join(entry.flag_ids or ()),
            "created_at": entry.created_at.isoformat()}


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
        return to_csv(histories)
    from rugwijzer.diary.pdf import render_diary_pdf

    return render_diary_pdf(histories, today, lang, region, phase=tell)
