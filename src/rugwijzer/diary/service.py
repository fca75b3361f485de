"""Diary use cases: start an episode, add entries (re-assessed by the one engine), end, look back,
export and delete. Adapters (CLI, web) call these; storage does the keeping.

Writes happen in one short unit of work each (see ``rugwijzer.storage``): the episode, its entries
and the new assessment are read and the entry written in the same transaction, so two writers
never base their advice on each other's half-done work.
"""

from __future__ import annotations

import sys
from collections.abc import Callable, Mapping
from dataclasses import dataclass, replace
from datetime import date
from typing import Any

from rugwijzer.core.answer import Answer
from rugwijzer.core.engine import Assessment
from rugwijzer.core.knowledge import Lang, Region
from rugwijzer.core.validation import Problem, parse_intake
from rugwijzer.diary.errors import AlarmCheckDue, DiaryInputError, DiaryStateError
from rugwijzer.diary.followup import (
    AlarmReason,
    Changes,
    Step,
    alarm_due,
    changes,
    previous_step,
    timeline,
)
from rugwijzer.diary.model import Entry, Episode, NewEntry
from rugwijzer.diary.ports import DiaryStore, UnitOfWork
from rugwijzer.diary.validate import check_entry, check_onset, check_started_on
from rugwijzer.knowledge.diary_rules import DiaryRules, load_rules
from rugwijzer.services.assessing import Assessor, default_assessor

Progress = Callable[[int, int], None]  # (done, total)


@dataclass(frozen=True, slots=True)
class Outcome:
    """The result of starting or adding: the new advice and what changed (None at the start)."""

    episode: Episode
    step: Step
    answer: Answer
    changes: Changes | None
    alarm_reason: AlarmReason | None = None

    @property
    def entry(self) -> Entry | None:
        return self.step.entry


@dataclass(frozen=True, slots=True)
class Emergency:
    """An emergency found before the self-check was complete: nothing stored, act now."""

    answer: Answer


@dataclass(frozen=True, slots=True)
class History:
    """One episode looked at now: every step with its advice (``answers[i]`` belongs to ``steps[i]``)."""

    episode: Episode
    steps: list[Step]
    answers: list[Answer]

    @property
    def latest(self) -> Answer:
        return self.answers[-1]

    @property
    def last_changes(self) -> Changes | None:
        return changes(self.answers[-2], self.answers[-1]) if len(self.answers) > 1 else None


class DiaryService:
    def __init__(self, db: DiaryStore, assessor: Assessor | None = None, rules: DiaryRules | None = None) -> None:
        self.db = db
        self.assessor = assessor or default_assessor()
        self.rules = rules or load_rules()

    # ---- reading ---------------------------------------------------------------------------
    def episodes(self) -> list[Episode]:
        return self.db.read(lambda uow: uow.diary.episodes())

    def current(self) -> Episode | None:
        """The latest episode (open or ended), or None before the first."""
        return self.db.read(lambda uow: uow.diary.latest_episode())

    def history(self, lang: Lang = "nl", region: Region = "be", episode_id: int | None = None,
                progress: Progress | None = None) -> History:
        """One episode (default: the latest) with every step re-assessed."""
        def load(uow: UnitOfWork) -> tuple[Episode, list[Entry]]:
            episode = uow.diary.episode(episode_id) if episode_id else uow.diary.latest_episode()
            if episode is None:
                raise DiaryStateError("no_episode")
            return episode, uow.diary.entries(episode.id)

        episode, entries = self.db.read(load)
        return self._history(episode, entries, lang, region, _Ticker(progress, len(entries) + 1))

    def histories(self, lang: Lang = "nl", region: Region = "be",
                  progress: Progress | None = None) -> list[History]:
        """Every episode, read in one transaction (a consistent snapshot, e.g. for export)."""
        records = self.db.read(lambda uow: [(e, uow.diary.entries(e.id)) for e in uow.diary.episodes()])
        ticker = _Ticker(progress, sum(len(entries) + 1 for _, entries in records))
        return [self._history(episode, entries, lang, region, ticker) for episode, entries in records]

    def _history(self, episode: Episode, entries: list[Entry], lang: Lang, region: Region,
                 ticker: _Ticker) -> History:
        steps = timeline(episode, entries, self.rules)
        answers = []
        for step in steps:
            answers.append(self.assessor.assess(step.intake, step.on, lang, region))
            ticker.tick()
        return History(episode, steps, answers)

    def facts_now(self) -> dict[str, Any] | None:
        """The open episode's intake as of its latest step (no assessment), or None."""
        def look(uow: UnitOfWork) -> dict[str, Any] | None:
            latest = uow.diary.latest_episode()
            if latest is None or not latest.open:
                return None
            return dict(timeline(latest, uow.diary.entries(latest.id), self.rules)[-1].intake)

        return self.db.read(look)

    def alarm_check(self, on: date, pain: int) -> tuple[AlarmReason | None, list[str]]:
        """Whether a new entry on ``on`` with ``pain`` must come with the alarm questions, and which
        apply to the person as they are now (a new answer may bring a follow-up question)."""
        def look(uow: UnitOfWork) -> tuple[AlarmReason | None, list[str]]:
            episode = self._open(uow)
            steps = timeline(episode, uow.diary.entries(episode.id), self.rules)
            fields = self.rules.alarm_fields(previous_step(steps, on).intake)
            return alarm_due(steps, on, pain, self.rules), fields

        return self.db.read(look)

    # ---- writing ---------------------------------------------------------------------------
    def start(self, onset: date, answers: Mapping[str, Any], today: date, lang: Lang = "nl",
              region: Region = "be", started_on: date | None = None) -> Outcome | Emergency:
        """Start an episode with the self-check answers, as they were on ``started_on`` (default:
        today, for answers given now); ``duration_days`` comes from ``onset``. Answers written down
        earlier are dated when they were true, so the start's pain never lands after later entries.

        An incomplete self-check that already shows an emergency is not stored: the person must act
        now (contract §4). Raises IntakeError or DiaryInputError naming the fields.
        """
        check_onset(onset, today)
        answered_on = today if started_on is None else started_on
        check_started_on(answered_on, onset, today)
        data = {**answers, "duration_days": (answered_on - onset).days}
        assessment = self.assessor.assessment(data, answered_on)
        if not assessment.complete:
            return Emergency(self.assessor.explainer(lang, region).explain(assessment))
        intake = parse_intake(data).intake.model_dump(mode="json", exclude_defaults=True)

        def work(uow: UnitOfWork) -> Episode:
            latest = uow.diary.latest_episode()
            if latest is not None and latest.open:
                raise DiaryStateError("episode_open")
            baseline = {**intake, "first_episode": False} if latest is not None else intake
            return uow.diary.add_episode(onset, answered_on, baseline)

        episode = self.db.write(work)
        step = timeline(episode, [], self.rules)[0]
        return Outcome(episode, step, self.assessor.assess(step.intake, step.on, lang, region), None)

    def add(self, new: NewEntry, today: date, lang: Lang = "nl", region: Region = "be") -> Outcome:
        """Add an entry to the open episode, re-assess, and say what changed since the step before.

        Raises DiaryInputError (bad values), AlarmCheckDue (alarm answers needed first) or
        DiaryStateError; in each case nothing is stored.
        """
        def work(uow: UnitOfWork) -> _Plan:
            plan = self._plan(uow, new, today, lock=True)
            if plan.reason is not None:
                fields = self.rules.alarm_fields(plan.step.intake)  # with this entry's answers
                self._require_alarm_answers(new, plan.reason, fields, plan.assessment.urgency)
            flags = tuple(f.id for f in plan.assessment.flags)
            stored = uow.diary.add_entry(plan.episode.id, new, plan.assessment.urgency, flags)
            plan.steps[plan.index] = replace(plan.step, entry=stored)
            return plan

        return self._outcome(self.db.write(work), lang, region)

    def preview(self, new: NewEntry, today: date, lang: Lang = "nl", region: Region = "be") -> Outcome:
        """What adding ``new`` would say, without storing it (e.g. to show an emergency at once,
        while the alarm questions are still being asked). Raises as :meth:`add` for bad values."""
        return self._outcome(self.db.read(lambda uow: self._plan(uow, new, today)), lang, region)

    def _plan(self, uow: UnitOfWork, new: NewEntry, today: date, lock: bool = False) -> _Plan:
        episode = self._open(uow, lock=lock)
        check_entry(new, episode, today, self.rules.all_alarm_fields)
        entries = uow.diary.entries(episode.id)
        pending = Entry(**_fields(new), id=sys.maxsize, episode_id=episode.id)  # last of its day
        steps = timeline(episode, [*entries, pending], self.rules)
        index = next(i for i, s in enumerate(steps) if s.entry is pending)
        # Whether the alarm questions are due depends on the steps before this entry only.
        reason = alarm_due(steps[:index] + steps[index + 1:], new.entry_date, new.pain, self.rules)
        assessment = self.assessor.assessment(steps[index].intake, steps[index].on)
        return _Plan(episode, steps, index, reason, assessment)

    def _outcome(self, plan: _Plan, lang: Lang, region: Region) -> Outcome:
        step, before = plan.step, plan.steps[plan.index - 1] if plan.index else None
        answer = self.assessor.explainer(lang, region).explain(plan.assessment)
        previous = self.assessor.assess(before.intake, before.on, lang, region) if before else None
        return Outcome(plan.episode, step, answer, changes(previous, answer) if previous else None, plan.reason)

    @staticmethod
    def _require_alarm_answers(new: NewEntry, reason: AlarmReason, fields: list[str], urgency: str) -> None:
        missing = [f for f in fields if f not in (new.alarm_answers or {})]
        # An emergency answer ends the questions at once (contract §4): the rest can wait.
        if missing and urgency != "emergency":
            raise AlarmCheckDue(reason, missing)

    def end(self, ended_on: date, today: date) -> Episode:
        """Close the open episode (recovered); the next one starts with ``first_episode`` false."""
        def work(uow: UnitOfWork) -> Episode:
            episode = self._open(uow, lock=True)
            last = max([e.entry_date for e in uow.diary.entries(episode.id)] + [episode.started_on])
            if not last <= ended_on <= today:
                raise DiaryInputError([Problem("date", "must fall between the last entry and today",
                                               f"a date from {last} to {today} (YYYY-MM-DD)")])
            uow.diary.end_episode(episode.id, ended_on)
            return replace(episode, ended_on=ended_on)

        return self.db.write(work)

    def delete_everything(self) -> tuple[int, int]:
        """Delete every episode and entry, and leave nothing behind in the database file."""
        counts = self.db.write(lambda uow: uow.diary.delete_everything())
        self.db.compact()
        return counts

    def _open(self, uow: UnitOfWork, lock: bool = False) -> Episode:
        latest = uow.diary.latest_episode()
        if latest is None or not latest.open:
            raise DiaryStateError("no_episode")
        if lock:
            locked = uow.diary.episode(latest.id, lock=True)
            assert locked is not None
            return locked
        return latest

    def previous_pain(self, on: date) -> int | None:
        def look(uow: UnitOfWork) -> int | None:
            latest = uow.diary.latest_episode()
            if latest is None or not latest.open:
                return None
            return previous_step(timeline(latest, uow.diary.entries(latest.id), self.rules), on).pain

        return self.db.read(look)


@dataclass(slots=True)
class _Plan:
    """An entry about to be added: the episode's steps with it, and its assessment."""

    episode: Episode
    steps: list[Step]
    index: int
    reason: AlarmReason | None
    assessment: Assessment

    @property
    def step(self) -> Step:
        return self.steps[self.index]


class _Ticker:
    """Calls ``progress(done, total)`` every 100 steps and at the end (cheap for long diaries)."""

    def __init__(self, progress: Progress | None, total: int) -> None:
        self.progress, self.total, self.done = progress, total, 0

    def tick(self) -> None:
        self.done += 1
        if self.progress and (self.done % 100 == 0 or self.done == self.total):
            self.progress(self.done, self.total)


def _fields(new: NewEntry) -> dict[str, Any]:
    return {name: getattr(new, name) for name in ("entry_date", "pain", "activity", "medication", "notes",
                                                  "seen_doctor", "alarm_answers")}
