"""Diary use cases over real storage (SQLite, and PostgreSQL where the database matters)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from diary_support import all_clear, baseline, day
from pg_server import db_url, pg_url, postgres_server  # noqa: F401 (fixtures)
from rugwijzer.core.validation import IntakeError
from rugwijzer.diary.errors import AlarmCheckDue, DiaryInputError, DiaryStateError
from rugwijzer.diary.model import NewEntry
from rugwijzer.diary.service import DiaryService, Emergency, Outcome
from rugwijzer.storage import Database


@pytest.fixture
def service(tmp_path: Path) -> Iterator[DiaryService]:
    db = Database(f"sqlite:///{tmp_path / 'diary.sqlite3'}")
    yield DiaryService(db)
    db.dispose()


@pytest.fixture
def any_service(db_url: str) -> Iterator[DiaryService]:  # noqa: F811
    db = Database(db_url)
    yield DiaryService(db)
    db.dispose()


def _start(service: DiaryService, **changes: object) -> Outcome:
    outcome = service.start(day(0), baseline(**changes), day(0), "en")
    assert isinstance(outcome, Outcome)
    return outcome


def _add(service: DiaryService, n: int, pain: int, **fields: object) -> Outcome:
    reason, _ = service.alarm_check(day(n), pain)
    answers = fields.pop("alarm_answers", all_clear() if reason else None)
    return service.add(NewEntry(day(n), pain, alarm_answers=answers, **fields), day(n), "en")  # type: ignore[arg-type]


def _flag_ids(outcome: Outcome) -> list[str]:
    return [f["id"] for f in outcome.answer["flags"]]


def test_the_advice_changes_as_days_pass(any_service: DiaryService) -> None:
    start = _start(any_service)
    assert start.answer["urgency"] == "self_care" and start.changes is None
    week = _add(any_service, 7, 5)
    assert [m["id"] for m in week.changes.milestones_reached] == ["one_week"]  # type: ignore[union-attr]
    three = _add(any_service, 21, 5)
    assert "not_improving_three_weeks" in [f["id"] for f in three.changes.new_flags]  # type: ignore[union-attr]
    six = _add(any_service, 43, 5)
    assert [f["id"] for f in six.changes.new_flags] == ["over_six_weeks"]  # type: ignore[union-attr]
    assert six.answer["urgency"] == "soon" and six.answer["episode"] == "subacute"
    assert six.changes.urgency_before == "routine"  # type: ignore[union-attr]
    chronic = _add(any_service, 85, 5)
    assert chronic.answer["episode"] == "chronic"
    assert "multidisciplinary" in [p["id"] for p in chronic.answer["plan"]]
    assert [m["id"] for m in chronic.changes.milestones_reached] == ["twelve_weeks"]  # type: ignore[union-attr]


def test_seeing_a_doctor_turns_the_standing_flags_to_routine(service: DiaryService) -> None:
    _start(service)
    assert _add(service, 43, 5).answer["urgency"] == "soon"
    seen = _add(service, 44, 5, seen_doctor=True)
    assert {f["id"]: f["level"] for f in seen.answer["flags"]}["over_six_weeks"] == "routine"
    assert seen.answer["urgency"] == "routine"
    later = _add(service, 46, 5)  # stays seen: not sent to the GP at every entry
    assert later.answer["urgency"] == "routine"
    assert [(f["id"], before) for f, before in seen.changes.level_changes] == [  # type: ignore[union-attr]
        ("over_six_weeks", "soon")]


def test_the_entry_records_the_advice_it_gave(service: DiaryService) -> None:
    _start(service)
    outcome = _add(service, 43, 5, activity="walked", medication="paracetamol", notes="tired")
    [entry] = service.db.read(lambda uow: uow.diary.entries(outcome.episode.id))
    assert entry.urgency == "soon" and "over_six_weeks" in (entry.flag_ids or ())
    assert (entry.activity, entry.medication, entry.notes) == ("walked", "paracetamol", "tired")


def test_several_entries_a_day(service: DiaryService) -> None:
    _start(service)
    _add(service, 2, 5, notes="morning")
    _add(service, 2, 4, notes="evening")
    history = service.history("en")
    assert [s.entry.notes if s.entry else "start" for s in history.steps] == ["start", "morning", "evening"]


def test_alarm_questions_are_required_weekly_and_nothing_is_stored_without_them(service: DiaryService) -> None:
    _start(service)
    with pytest.raises(AlarmCheckDue) as caught:
        service.add(NewEntry(day(7), 5), day(7))
    assert caught.value.reason == "weekly"
    assert "bladder_problems" in caught.value.fields
    assert service.db.read(lambda uow: uow.diary.count_entries()) == 0


def test_alarm_questions_are_required_when_pain_rises(service: DiaryService) -> None:
    _start(service)
    reason, fields = service.alarm_check(day(1), 6)
    assert reason == "pain_rises" and "saddle_numbness" in fields and "faint_or_clammy" not in fields
    with pytest.raises(AlarmCheckDue) as caught:
        service.add(NewEntry(day(1), 6), day(1))
    assert caught.value.reason == "pain_rises"
    assert service.add(NewEntry(day(1), 6, alarm_answers=all_clear()), day(1)).alarm_reason == "pain_rises"


def test_an_emergency_answer_ends_the_alarm_questions_and_shows_the_emergency(service: DiaryService) -> None:
    _start(service)
    outcome = service.add(NewEntry(day(8), 5, alarm_answers={"bladder_problems": True}), day(8), "en")
    assert outcome.answer["urgency"] == "emergency"
    assert outcome.answer["action"]["emergency_number"] == "112"
    assert "cauda_equina_bladder" in [f["id"] for f in outcome.changes.new_flags]  # type: ignore[union-attr]


@pytest.mark.parametrize(("entry", "field"), [
    (NewEntry(day(2), 11), "pain"),
    (NewEntry(day(2), True), "pain"),  # type: ignore[arg-type]
    (NewEntry(day(-1), 5), "date"),
    (NewEntry(day(9), 5), "date"),  # after today (day 2)
    (NewEntry(day(2), 5, notes="x" * 5000), "notes"),
    (NewEntry(day(2), 5, alarm_answers={"bladder": True}), "bladder"),
    (NewEntry(day(2), 5, alarm_answers={"fever": "yes"}), "fever"),
    (NewEntry(day(2), 5, alarm_answers={"radiation": "knee"}), "radiation"),
])
def test_bad_input_is_rejected_naming_the_field_and_nothing_changes(service: DiaryService, entry: NewEntry,
                                                                    field: str) -> None:
    _start(service)
    with pytest.raises(DiaryInputError) as caught:
        service.add(entry, day(2))
    assert field in caught.value.fields
    problem = next(p for p in caught.value.problems if p.field == field)
    assert problem.allowed
    assert service.db.read(lambda uow: uow.diary.count_entries()) == 0


def test_a_bad_self_check_starts_nothing(service: DiaryService) -> None:
    with pytest.raises(IntakeError) as caught:
        service.start(day(0), {**baseline(), "pain_score": 12}, day(0))
    assert "pain_score" in caught.value.fields
    with pytest.raises(DiaryInputError, match="onset"):
        service.start(day(5), baseline(), day(0))
    assert service.episodes() == []


def test_an_emergency_in_an_unfinished_self_check_is_shown_and_not_stored(service: DiaryService) -> None:
    outcome = service.start(day(0), {"bladder_problems": True}, day(0), "en")
    assert isinstance(outcome, Emergency) and outcome.answer["urgency"] == "emergency"
    assert service.episodes() == []


def test_after_recovery_a_new_episode_is_not_the_first(any_service: DiaryService) -> None:
    _start(any_service, first_episode=True)
    with pytest.raises(DiaryStateError) as caught:
        any_service.start(day(3), baseline(), day(3))
    assert caught.value.code == "episode_open"
    _add(any_service, 10, 1)
    any_service.end(day(12), day(12))
    with pytest.raises(DiaryStateError):
        any_service.add(NewEntry(day(13), 1), day(13))
    second = any_service.start(day(200), baseline(first_episode=True), day(201), "en")
    assert isinstance(second, Outcome)
    assert second.episode.baseline["first_episode"] is False
    exercise = next(p for p in second.answer["plan"] if p["id"] == "exercise_therapy")
    assert exercise.get("emphasis") == "supervised"  # a recurrent episode gets supervised exercise
    assert len(any_service.episodes()) == 2


def test_adding_before_any_episode_says_so(service: DiaryService) -> None:
    with pytest.raises(DiaryStateError) as caught:
        service.add(NewEntry(day(1), 5), day(1))
    assert caught.value.code == "no_episode"


def test_history_re_assesses_every_step(service: DiaryService) -> None:
    _start(service)
    for n in (7, 21, 43):
        _add(service, n, 5)
    progress: list[tuple[int, int]] = []
    history = service.history("fr", progress=lambda done, total: progress.append((done, total)))
    assert [s.day for s in history.steps] == [0, 7, 21, 43]
    assert [a["urgency"] for a in history.answers] == ["self_care", "self_care", "routine", "soon"]
    assert history.latest["lang"] == "fr"
    assert progress[-1] == (4, 4)
    assert history.last_changes is not None and history.last_changes.urgency == "soon"


def test_delete_everything(any_service: DiaryService) -> None:
    _start(any_service)
    _add(any_service, 1, 4)
    assert any_service.delete_everything() == (1, 1)
    assert any_service.episodes() == []


def test_a_yes_that_brings_a_follow_up_question_asks_it_before_storing(service: DiaryService) -> None:
    _start(service)
    answers = {**all_clear(), "sudden_severe_constant_pain": True}
    answers.pop("faint_or_clammy")
    with pytest.raises(AlarmCheckDue) as caught:
        service.add(NewEntry(day(7), 5, alarm_answers=answers), day(7))
    assert caught.value.missing == ["faint_or_clammy"]
    outcome = service.add(NewEntry(day(7), 5, alarm_answers={**answers, "faint_or_clammy": False}), day(7), "en")
    assert outcome.answer["urgency"] == "urgent"


def test_answers_written_down_at_the_onset_come_before_later_entries(service: DiaryService) -> None:
    """Issue 9 §4: a start from earlier answers is dated when they were true, not when typed in."""
    outcome = service.start(day(0), baseline(pain_score=7), day(20), "en", started_on=day(0))
    assert isinstance(outcome, Outcome)
    assert outcome.episode.started_on == day(0) and outcome.step.day == 0
    service.add(NewEntry(day(5), 6, alarm_answers=all_clear()), day(20))
    steps = service.history("en").steps
    assert [(s.on, s.pain) for s in steps] == [(day(0), 7), (day(5), 6)]
    assert steps[0].entry is None  # the start first


@pytest.mark.parametrize("when", [-1, 21])
def test_a_start_day_outside_onset_to_today_is_refused(service: DiaryService, when: int) -> None:
    with pytest.raises(DiaryInputError) as raised:
        service.start(day(0), baseline(), day(20), started_on=day(when))
    assert raised.value.problems[0].field == "started_on"
    assert service.episodes() == []
