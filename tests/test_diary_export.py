"""Exports (JSON, CSV, PDF) hold everything; the chart and its table alternative."""

from __future__ import annotations

import csv
import io
import json
import xml.etree.ElementTree as ET
from collections.abc import Iterator
from pathlib import Path

import pytest

from diary_support import all_clear, baseline, day
from rugwijzer.diary import views
from rugwijzer.diary.chart import ChartText, Milestone, Point, pain_chart_svg, x_extent
from rugwijzer.diary.export import CSV_COLUMNS, export
from rugwijzer.diary.model import NewEntry
from rugwijzer.diary.pdf import render_diary_html
from rugwijzer.diary.service import DiaryService
from rugwijzer.storage import Database

SVG = "{http://www.w3.org/2000/svg}"


@pytest.fixture
def service(tmp_path: Path) -> Iterator[DiaryService]:
    db = Database(f"sqlite:///{tmp_path / 'diary.sqlite3'}")
    svc = DiaryService(db)
    svc.start(day(0), baseline(), day(0), "en")
    for n, pain in [(2, 5), (7, 5), (21, 5), (43, 4)]:
        reason, _ = svc.alarm_check(day(n), pain)
        svc.add(NewEntry(day(n), pain, f"walked {n} min", "paracetamol", f"note <{n}> & more",
                         alarm_answers=all_clear() if reason else None), day(n))
    yield svc
    db.dispose()


def test_json_export_holds_every_answer_entry_and_assessment(service: DiaryService) -> None:
    document = json.loads(export(service, "json", day(43)))
    assert document["format"] == "rugwijzer-diary" and document["exported_on"] == day(43).isoformat()
    [episode] = document["episodes"]
    assert episode["answers"]["age"] == 40
    assert [e["pain"] for e in episode["entries"]] == [5, 5, 5, 4]
    assert episode["entries"][0]["notes"] == "note <2> & more"
    assert episode["entries"][2]["alarm_answers"] == all_clear()
    assert episode["entries"][-1]["advice_given"]["urgency"] == "soon"
    assert [a["urgency"] for a in episode["assessments"]] == ["self_care", "self_care", "self_care", "routine",
                                                               "soon"]


def test_csv_export_has_a_row_per_step(service: DiaryService) -> None:
    rows = list(csv.DictReader(io.StringIO(export(service, "csv", day(43)).decode())))
    assert tuple(rows[0]) == CSV_COLUMNS
    assert [r["kind"] for r in rows] == ["start", "entry", "entry", "entry", "entry"]
    assert json.loads(rows[0]["answers"])["pain_trend"] == "stable"
    assert rows[-1]["day"] == "43" and "over_six_weeks:soon" in rows[-1]["flags"]
    assert rows[1]["notes"] == "note <2> & more"


def test_csv_cells_cannot_become_spreadsheet_formulas(tmp_path: Path) -> None:
    db = Database(f"sqlite:///{tmp_path / 'diary.sqlite3'}")
    svc = DiaryService(db)
    svc.start(day(0), baseline(), day(0), "en")
    svc.add(NewEntry(day(1), 5, "=HYPERLINK(\"http://x\")", "+1", "-2 ok"), day(1))
    [_, row] = list(csv.DictReader(io.StringIO(export(svc, "csv", day(1)).decode())))
    assert (row["activity"], row["medication"], row["notes"]) == ("'=HYPERLINK(\"http://x\")", "'+1", "'-2 ok")
    document = json.loads(export(svc, "json", day(1)))
    assert document["episodes"][0]["entries"][0]["activity"] == "=HYPERLINK(\"http://x\")"  # JSON keeps it as typed
    db.dispose()


def test_export_reports_progress(service: DiaryService) -> None:
    seen: list[tuple[int, int]] = []
    phases: list[str] = []
    export(service, "json", day(43), progress=lambda d, t: seen.append((d, t)), phase=phases.append)
    assert seen[-1] == (5, 5) and phases == ["assessing", "writing"]


def test_pdf_export_is_a_pdf_with_the_chart_and_the_table(service: DiaryService) -> None:
    phases: list[str] = []
    pdf = export(service, "pdf", day(43), "en", phase=phases.append)
    assert pdf.startswith(b"%PDF-") and phases[-1] == "layout"
    html = render_diary_html(service.histories("en"), day(43), "en", "be")
    assert "<svg" in html and "<table" in html and "note &lt;2&gt; &amp; more" in html
    assert "does not replace a doctor" in html  # the disclaimer on every page (footer)


def test_the_chart_marks_the_milestones_and_describes_itself(service: DiaryService) -> None:
    svg = views.chart(service.history("en"), "en")
    root = ET.fromstring(svg)
    assert root.get("role") == "img" and root.find(f"{SVG}title") is not None
    assert "points" in (root.find(f"{SVG}desc").text or "")  # type: ignore[union-attr]
    labels = [t.text for t in root.iter(f"{SVG}text")]
    assert {"Day 7", "Day 21", "Day 43"} <= set(labels)
    assert len(list(root.iter(f"{SVG}circle"))) == 5


def test_the_chart_escapes_its_texts_and_looks_ahead_to_the_next_milestone() -> None:
    text = ChartText("<script>", "a & b", "x", "y")
    points = [Point(0, 5, "<b>"), Point(10, 3, "d")]
    milestones = [Milestone(7, "Day 7", "one week", True), Milestone(21, "Day 21", "three", False)]
    svg = pain_chart_svg(points, milestones, text)
    ET.fromstring(svg)  # well-formed: every text escaped
    assert "<script>" not in svg and x_extent(points, milestones) == 21


def test_the_table_rows_say_what_was_new_at_each_step(service: DiaryService) -> None:
    rows = views.rows(service.history("en"))
    assert rows[0].is_start and rows[0].new_flags == ()
    assert "Pain for more than six weeks" in rows[-1].new_flags
    assert [m for m in rows[-1].milestones if "six weeks" in m]


def test_an_empty_diary_exports_cleanly(tmp_path: Path) -> None:
    svc = DiaryService(Database(f"sqlite:///{tmp_path / 'empty.sqlite3'}"))
    assert json.loads(export(svc, "json", day(0)))["episodes"] == []
    assert export(svc, "csv", day(0)).decode().count("\n") == 1
    assert export(svc, "pdf", day(0), "fr").startswith(b"%PDF-")
