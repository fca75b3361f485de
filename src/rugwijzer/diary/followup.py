"""Pure follow-up rules (clinical rules §9): one intake per diary entry, the pain trend, when to ask
the alarm questions again, and what changed between two assessments. No I/O, no clock.

Every step of an episode (the start, then each entry in diary order) becomes an ordinary intake:
the self-check answers given at the start, overlaid with the alarm answers given since, with
``duration_days`` = entry date - onset, ``pain_score`` = the entry's pain and ``pain_trend`` from
the entries (rule in ``diary.yaml``). The one engine assesses it like any other intake.
"""

from __future__ import annotations

import bisect
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any, Literal

from rugwijzer.diary.model import Entry, Episode
from rugwijzer.knowledge.diary_rules import DiaryRules, TrendRule

Trend = Literal["improving", "stable", "worsening"]
AlarmReason = Literal["weekly", "pain_rises"]


@dataclass(frozen=True, slots=True)
class Step:
    """One moment of the episode: the start (``entry`` is None) or one diary entry."""

    entry: Entry | None
    on: date
    pain: int
    trend: str
    intake: Mapping[str, Any]
    alarm_checked: bool

    @property
    def day(self) -> int:
        """Days since onset (the intake's ``duration_days``)."""
        return int(self.intake["duration_days"])


class PainSeries:
    """Pain points in diary order with running sums, so each trend costs O(log n), not O(n)."""

    def __init__(self) -> None:
        self.dates: list[date] = []
        self.pains: list[int] = []
        self._sums: list[int] = [0]

    def append(self, on: date, pain: int) -> None:
        self.dates.append(on)
        self.pains.append(pain)
        self._sums.append(self._sums[-1] + pain)

    def _mean(self, lo: int, hi: int) -> float:
        return (self._sums[hi] - self._sums[lo]) / (hi - lo)

    def trend(self, rule: TrendRule, fallback: str) -> str:
        """The trend at the last point (see ``diary.yaml`` for the rule and its source)."""
        end = len(self.dates)
        if end < 2:
            return fallback
        recent_lo = self._after(rule.window_days, end)
        if recent_lo == 0:  # every entry is recent: the latest against the one before
            reference = float(self.pains[-2])
            change = self.pains[-1] - reference
        else:
            reference = self._reference(rule, recent_lo)
            change = self._mean(recent_lo, end) - reference
        if change >= rule.worsening_rise:
            return "worsening"
        if _improved(rule, reference, change) or self._improved_since_first_week(rule, recent_lo, end):
            return "improving"
        return "stable"

    def _improved_since_first_week(self, rule: TrendRule, recent_lo: int, end: int) -> bool:
        """A slow, steady fall (7, 7, 6, 5, 5, 4, 4, 3 over four weeks) is too small from one week to
        the next to count, but it is a real improvement since the first week of the diary."""
        first_hi = bisect.bisect_left(self.dates, self.dates[0] + timedelta(days=rule.first_week_days), 0, end)
        if first_hi >= recent_lo:  # the first week is still part of the recent window
            return False
        reference = self._mean(0, first_hi)
        return _improved(rule, reference, self._mean(recent_lo, end) - reference)

    def _after(self, days: int, end: int) -> int:
        """Index of the first point less than ``days`` days before the last one."""
        return bisect.bisect_right(self.dates, self.dates[-1] - timedelta(days=days), 0, end)

    def _reference(self, rule: TrendRule, recent_lo: int) -> float:
        """What the recent mean is compared with: a week earlier, or the nearest stand-in."""
        ref_hi = self._after(rule.lookback_days, recent_lo)
        ref_lo = self._after(rule.lookback_days + rule.window_days, ref_hi)
        if ref_lo < ref_hi:  # entries in the window a week earlier
            return self._mean(ref_lo, ref_hi)
        if ref_hi > 0:  # none there: the latest entry at least a week old
            return self.pains[ref_hi - 1]
        return self._mean(0, recent_lo)  # a diary younger than a week: the days before the recent ones


def _improved(rule: TrendRule, reference: float, change: float) -> bool:
    """A drop of at least the minimal important change: in points, or as a share of the reference."""
    return -change >= rule.improving_drop or (reference > 0 and -change / reference >= rule.improving_ratio)


def step_intake(episode: Episode, on: date, pain: int, trend: str, alarms: Mapping[str, Any],
                seen_doctor: bool) -> dict[str, Any]:
    """The intake for one moment: the start's answers updated by everything learnt since."""
    data = {**episode.baseline, **alarms, "duration_days": (on - episode.onset).days,
            "pain_score": pain, "pain_trend": trend}
    if seen_doctor:
        data["seen_doctor_this_episode"] = True
    return data


def _order(item: Entry | None, episode: Episode) -> tuple[date, int, int]:
    # The start comes before the entries written on the same day.
    return (episode.started_on, 0, 0) if item is None else (item.entry_date, 1, item.id)


def timeline(episode: Episode, entries: Sequence[Entry], rules: DiaryRules) -> list[Step]:
    """Every step of the episode in diary order, each with the intake the engine will assess."""
    items: list[Entry | None] = [None, *entries]
    items.sort(key=lambda item: _order(item, episode))
    series = PainSeries()
    alarms: dict[str, Any] = {}
    seen = bool(episode.baseline.get("seen_doctor_this_episode", False))
    steps: list[Step] = []
    for item in items:
        if item is None:
            on, pain, checked = episode.started_on, int(episode.baseline["pain_score"]), True
        else:
            on, pain, checked = item.entry_date, item.pain, item.alarm_answers is not None
            alarms.update(item.alarm_answers or {})
            seen = seen or item.seen_doctor
        series.append(on, pain)
        trend = series.trend(rules.trend, str(episode.baseline["pain_trend"]))
        steps.append(Step(item, on, pain, trend, step_intake(episode, on, pain, trend, alarms, seen), checked))
    return steps


def previous_step(steps: Sequence[Step], on: date) -> Step:
    """The step a new entry dated ``on`` follows (it goes after that day's other entries)."""
    before = [s for s in steps if s.on <= on]
    return before[-1] if before else steps[0]


def alarm_due(steps: Sequence[Step], on: date, pain: int, rules: DiaryRules) -> AlarmReason | None:
    """Why the alarm questions must be asked again with a new entry, or None (clinical rules §9)."""
    last_check = max(s.on for s in steps if s.alarm_checked)
    if (on - last_check).days >= rules.alarm_recheck.every_days:
        return "weekly"
    if rules.alarm_recheck.when_pain_rises and pain > previous_step(steps, on).pain:
        return "pain_rises"
    return None


# ---- what changed ------------------------------------------------------------------------

@dataclass(frozen=True, slots=True)
class Changes:
    """The difference between the advice before an entry and after it (both answer dicts)."""

    urgency_before: str
    urgency: str
    episode_before: str | None
    episode: str | None
    new_flags: tuple[Mapping[str, Any], ...]
    cleared_flags: tuple[Mapping[str, Any], ...]
    level_changes: tuple[tuple[Mapping[str, Any], str], ...]  # (flag now, its level before)
    milestones_reached: tuple[Mapping[str, Any], ...]

    @property
    def anything(self) -> bool:
        return bool(self.urgency != self.urgency_before or self.episode != self.episode_before
                    or self.new_flags or self.cleared_flags or self.level_changes or self.milestones_reached)

    def as_dict(self) -> dict[str, Any]:
        def flag(f: Mapping[str, Any]) -> dict[str, Any]:
            return {k: f[k] for k in ("id", "level", "title") if k in f}

        return {
            "urgency": {"before": self.urgency_before, "now": self.urgency},
            "episode": {"before": self.episode_before, "now": self.episode},
            "new_flags": [flag(f) for f in self.new_flags],
            "cleared_flags": [flag(f) for f in self.cleared_flags],
            "level_changes": [{**flag(f), "level_before": before} for f, before in self.level_changes],
            "milestones_reached": [{k: m[k] for k in ("id", "day", "date", "text")} for m in
                                   self.milestones_reached],
        }


def changes(before: Mapping[str, Any], after: Mapping[str, Any]) -> Changes:
    old = {f["id"]: f for f in before["flags"]}
    new = {f["id"]: f for f in after["flags"]}
    reached_before = {m["id"] for m in before.get("milestones", []) if m["reached"]}
    return Changes(
        urgency_before=before["urgency"], urgency=after["urgency"],
        episode_before=before.get("episode"), episode=after.get("episode"),
        new_flags=tuple(f for i, f in new.items() if i not in old),
        cleared_flags=tuple(f for i, f in old.items() if i not in new),
        level_changes=tuple((f, old[i]["level"]) for i, f in new.items() if i in old and old[i]["level"] != f["level"]),
        milestones_reached=tuple(m for m in after.get("milestones", [])
                                 if m["reached"] and m["id"] not in reached_before),
    )
