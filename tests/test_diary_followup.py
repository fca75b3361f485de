"""The diary's pure follow-up rules: trend, intake per step, alarm re-check, what changed."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

import pytest

from diary_support import ONSET, all_clear, baseline, day
from rugwijzer.diary.followup import PainSeries, alarm_due, changes, timeline
from rugwijzer.diary.model import Entry, Episode, NewEntry
from rugwijzer.diary.service import DiaryService
from rugwijzer.knowledge import load_flow
from rugwijzer.knowledge.diary_rules import load_rules
from rugwijzer.languages import LANGS
from rugwijzer.storage import Database

RULES = load_rules()


def _episode(**changes: object) -> Episode:
    return Episode(1, ONSET, ONSET, None, baseline(**changes), datetime(2026, 9, 1))


def _entries(*points: tuple[int, int], **fields: object) -> list[Entry]:
    return [Entry(entry_date=day(d), pain=p, id=i, episode_id=1, **fields)  # type: ignore[arg-type]
            for i, (d, p) in enumerate(points, 1)]


def _trend(*points: tuple[int, int], fallback: str = "stable") -> str:
    series = PainSeries()
    for d, p in points:
        series.append(day(d), p)
    return series.trend(RULES.trend, fallback)


@pytest.mark.parametrize(("points", "expected"), [
    ([(0, 5)], "improving"),                      # one point: the answer given at the start
    ([(0, 5), (1, 7)], "worsening"),              # all recent: latest against the one before
    ([(0, 5), (1, 6)], "stable"),                 # one point up is not yet a trend
    ([(0, 7), (1, 5)], "improving"),
    ([(0, 6), (1, 6), (2, 6), (3, 4), (4, 4), (5, 4)], "improving"),  # means 6 -> 4
    ([(0, 6), (1, 6), (2, 6), (3, 5), (4, 5), (5, 5)], "stable"),     # means 6 -> 5
    ([(0, 4), (1, 4), (2, 4), (3, 5), (4, 6), (5, 6)], "worsening"),  # means 4 -> 5.67
    ([(0, 6), (7, 3)], "improving"),              # weekly entries: the entry a week earlier
    ([(0, 6), (7, 5)], "stable"),
    ([(0, 7), (1, 7), (2, 7), (7, 5), (8, 5), (9, 5)], "improving"),  # slowly better: a week's change
    ([(0, 7), (1, 7), (2, 7), (3, 6), (4, 6), (5, 6), (7, 6), (8, 6), (9, 6)], "stable"),
    ([(0, 3), (7, 2)], "improving"),              # 30% better at low pain counts
    ([(0, 2), (7, 3)], "stable"),                 # a 1-point rise at low pain does not (yet)
    ([(0, 6), (20, 5)], "stable"),                # long gap: the latest entry at least a week old
    ([(0, 6), (20, 8)], "worsening"),
])
def test_trend_rule(points: list[tuple[int, int]], expected: str) -> None:
    assert _trend(*points, fallback="improving" if len(points) == 1 else "stable") == expected


def test_each_step_is_an_intake_with_duration_from_the_onset() -> None:
    steps = timeline(_episode(), _entries((3, 5), (43, 4)), RULES)
    assert [s.day for s in steps] == [0, 3, 43]
    assert [s.intake["pain_score"] for s in steps] == [5, 5, 4]
    assert steps[-1].intake["age"] == 40 and "duration_days" in steps[-1].intake


def test_alarm_answers_and_seeing_a_doctor_carry_forward() -> None:
    entries = [Entry(entry_date=day(2), pain=5, id=1, episode_id=1, alarm_answers={"night_pain": True}),
               Entry(entry_date=day(3), pain=5, id=2, episode_id=1, seen_doctor=True),
               Entry(entry_date=day(4), pain=5, id=3, episode_id=1)]
    steps = timeline(_episode(), entries, RULES)
    assert [s.intake["night_pain"] for s in steps] == [False, True, True, True]
    assert [s.intake.get("seen_doctor_this_episode", False) for s in steps] == [False, False, True, True]


def test_entries_written_the_same_day_keep_their_order_after_the_start() -> None:
    steps = timeline(_episode(), _entries((0, 6), (0, 7)), RULES)
    assert [s.entry.id if s.entry else 0 for s in steps] == [0, 1, 2]


def test_alarm_questions_come_back_weekly_and_when_pain_rises() -> None:
    steps = timeline(_episode(), _entries((3, 5)), RULES)
    assert alarm_due(steps, day(4), 5, RULES) is None
    assert alarm_due(steps, day(4), 6, RULES) == "pain_rises"
    assert alarm_due(steps, day(7), 4, RULES) == "weekly"
    checked = timeline(_episode(), [*_entries((3, 5)),
                                    Entry(entry_date=day(6), pain=5, id=9, episode_id=1, alarm_answers={})], RULES)
    assert alarm_due(checked, day(12), 5, RULES) is None


def test_what_changed_names_new_and_cleared_flags_levels_and_milestones() -> None:
    before = {"urgency": "routine", "episode": "acute", "flags": [
        {"id": "a", "level": "routine", "title": "A"}, {"id": "b", "level": "soon", "title": "B"}],
        "milestones": [{"id": "m1", "day": 7, "date": "x", "reached": True, "text": "t"},
                       {"id": "m2", "day": 43, "date": "y", "reached": False, "text": "u"}]}
    after = {"urgency": "soon", "episode": "subacute", "flags": [
        {"id": "b", "level": "routine", "title": "B"}, {"id": "c", "level": "soon", "title": "C"}],
        "milestones": [{"id": "m1", "day": 7, "date": "x", "reached": True, "text": "t"},
                       {"id": "m2", "day": 43, "date": "y", "reached": True, "text": "u"}]}
    diff = changes(before, after).as_dict()
    assert diff["urgency"] == {"before": "routine", "now": "soon"}
    assert [f["id"] for f in diff["new_flags"]] == ["c"]
    assert [f["id"] for f in diff["cleared_flags"]] == ["a"]
    assert diff["level_changes"] == [{"id": "b", "level": "routine", "title": "B", "level_before": "soon"}]
    assert [m["id"] for m in diff["milestones_reached"]] == ["m2"]
    assert not changes(after, after).anything


def test_an_emergency_or_urgent_advice_has_no_milestones_and_the_follow_up_copes(tmp_path: Path) -> None:
    """v2: an emergency or urgent answer has ``milestones: []``: nothing is "reached" going there, and
    coming back to calm advice shows the milestones passed meanwhile (they were never shown)."""
    service = DiaryService(Database(f"sqlite:///{tmp_path / 'd.sqlite3'}"))
    service.start(day(0), baseline(), day(0), "en")
    calm = service.history("en").latest
    assert calm["milestones"] and calm["expectations"]
    urgent = service.add(NewEntry(day(8), 5, alarm_answers={**all_clear(), "fever": True}), day(8), "en")
    assert urgent.answer["urgency"] == "urgent" and urgent.answer["milestones"] == []
    assert urgent.changes is not None and urgent.changes.milestones_reached == ()
    better = service.add(NewEntry(day(9), 4, alarm_answers={**all_clear(), "fever": False}), day(9), "en")
    assert better.answer["milestones"] and better.changes is not None
    assert [m["id"] for m in better.changes.milestones_reached] == ["one_week"]
    service.db.dispose()


def test_the_rules_file_names_its_source_and_asks_every_alarm_question() -> None:
    assert "Ostelo" in RULES.trend.source and RULES.alarm_recheck.every_days == 7
    assert {"bladder_problems", "saddle_numbness", "leg_weakness", "fever"} <= set(RULES.all_alarm_fields)


def test_every_alarm_question_has_its_wording_in_the_self_check_flow() -> None:
    flow = load_flow()
    for name in RULES.all_alarm_fields:
        label = flow.question(name).label
        assert label is not None and all(label[lang] for lang in LANGS)


def test_follow_up_questions_come_with_the_answers_they_depend_on() -> None:
    facts = dict(baseline(), duration_days=3)
    assert "faint_or_clammy" not in RULES.alarm_fields(facts)
    assert "faint_or_clammy" in RULES.alarm_fields({**facts, "sudden_severe_constant_pain": True})
    assert "pregnancy_warning_signs" in RULES.alarm_fields({**facts, "pregnancy_weeks": 20})
    assert "leg_pain_both_sides" in RULES.alarm_fields({**facts, "radiation": "below_knee"})


def test_a_new_answer_brings_its_follow_up_question_in_the_same_check() -> None:
    steps = timeline(_episode(), [Entry(entry_date=day(7), pain=5, id=1, episode_id=1,
                                        alarm_answers={"sudden_severe_constant_pain": True})], RULES)
    assert "faint_or_clammy" in RULES.alarm_fields(steps[-1].intake)
