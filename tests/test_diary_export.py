"""Exports (JSON, CSV, PDF) hold everything; the chart and its table alternative."""

from __future__ import annotations

import csv
import io
import itertools
import json
import re
import xml.etree.ElementTree as ET
from collections.abc import Iterator
from html import unescape
from pathlib import Path

import pytest

from diary_support import all_clear, baseline, day
from rugwijzer.diary import views
from rugwijzer.diary.chart import ChartText, Milestone, Point, pain_chart_svg, x_extent
from rugwijzer.diary.export import CSV_COLUMNS, csv_headings, export
from rugwijzer.diary.model import NewEntry
from rugwijzer.diary.pdf import render_diary_html
from rugwijzer.diary.service import DiaryService
from rugwijzer.i18n import translations
from rugwijzer.languages import LANGS
from rugwijzer.report.fields import FIELD_LABELS
from rugwijzer.services.assessing import default_assessor
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
    rows = list(csv.DictReader(io.StringIO(export(service, "csv", day(43), "en").decode())))
    assert tuple(rows[0]) == tuple(csv_headings("en")) and len(CSV_COLUMNS) == len(rows[0])
    assert [r["Line"] for r in rows] == ["start", "entry", "entry", "entry", "entry"]
    assert "Course over the last days: about the same" in rows[0]["Self-check answers"]
    assert rows[-1]["Day"] == "43" and "Pain for more than six weeks" in rows[-1]["Why"]
    assert rows[-1]["Advice"] == "See your GP within a few days"
    assert rows[1]["Notes"] == "note <2> & more"


@pytest.mark.parametrize("lang", LANGS)
def test_csv_speaks_the_chosen_language_and_holds_no_json(service: DiaryService, lang: str) -> None:
    """Issue 9 §4: column names in the language, alarm answers as readable text, not JSON."""
    text = export(service, "csv", day(43), lang).decode()
    rows = list(csv.reader(io.StringIO(text)))
    assert rows[0] == csv_headings(lang)  # type: ignore[arg-type]
    assert not set(rows[0]) & set(CSV_COLUMNS) - {"Notes"}  # no internal column names
    cells = [cell for row in rows[1:] for cell in row]
    assert not [c for c in cells if c.startswith(("{", "[")) or '":' in c]
    for internal in ("self_care", "over_six_weeks", "bladder_problems", "stable", "true", "false"):
        assert not [c for c in cells if internal in c.split()], internal
    alarms = [row[CSV_COLUMNS.index("alarm_answers")] for row in rows[1:]]
    words = translations(lang, "report").gettext  # the words of the doctor's report
    bladder = words(FIELD_LABELS["bladder_problems"]) + (" : " if lang == "fr" else ": ")
    assert any(bladder + words("no") in cell for cell in alarms), alarms


def test_csv_cells_cannot_become_spreadsheet_formulas(tmp_path: Path) -> None:
    db = Database(f"sqlite:///{tmp_path / 'diary.sqlite3'}")
    svc = DiaryService(db)
    svc.start(day(0), baseline(), day(0), "en")
    svc.add(NewEntry(day(1), 5, "=HYPERLINK(\"http://x\")", "+1", "-2 ok"), day(1))
    [_, row] = list(csv.DictReader(io.StringIO(export(svc, "csv", day(1)).decode())))
    assert (row["Wat ik kon doen"], row["Medicatie"], row["Notities"]) == ("'=HYPERLINK(\"http://x\")", "'+1",
                                                                           "'-2 ok")
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


@pytest.mark.parametrize("lang", LANGS)
def test_the_pdf_of_a_diary_ending_in_an_emergency_has_no_self_care_or_milestones(tmp_path: Path, lang: str) -> None:
    db = Database(f"sqlite:///{tmp_path / 'emergency.sqlite3'}")
    svc = DiaryService(db)
    svc.start(day(0), baseline(), day(0), "en")
    svc.add(NewEntry(day(8), 5, alarm_answers={**all_clear(), "bladder_problems": True, "fever": True}), day(8))
    history = svc.history(lang)  # type: ignore[arg-type]
    assert history.latest["urgency"] == "emergency" and history.latest["milestones"] == []
    html = render_diary_html(svc.histories(lang), day(8), lang, "be")  # type: ignore[arg-type]
    text = plain(html).lower()
    assert not [w for w in ("paracetamol", "paracétamol", "ibuprofen", "ibuprofène") if w in text]
    explainer = default_assessor().explainer(lang)  # type: ignore[arg-type]
    assert not [t for t in [*explainer.prognosis, *explainer.milestones.values()] if t.lower() in text]
    assert not [t["heading"] for t in explainer.safety_tiers if t["heading"].lower() in text]
    assert "112" in plain(html[:html.index("diary-chart")])  # what to do comes before the chart
    root = ET.fromstring(views.chart(history, lang))  # type: ignore[arg-type]
    assert not [g for g in root.iter(f"{SVG}g") if g.get("class") == "milestone"]
    db.dispose()


def test_the_pdf_of_an_urgent_diary_shows_only_the_112_tier(tmp_path: Path) -> None:
    db = Database(f"sqlite:///{tmp_path / 'urgent.sqlite3'}")
    svc = DiaryService(db)
    svc.start(day(0), baseline(), day(0), "en")
    svc.add(NewEntry(day(8), 5, alarm_answers={**all_clear(), "fever": True}), day(8))
    html = plain(render_diary_html(svc.histories("nl", "nl"), day(8), "nl", "nl"))
    tiers = [t["heading"] for t in default_assessor().explainer("nl", "nl").safety_tiers]
    assert tiers[0] in html and tiers[1] not in html and tiers[2] not in html
    assert "1733" not in html  # region nl: the huisartsenpost of the region, no Belgian number
    db.dispose()


def plain(html_text: str) -> str:
    return re.sub(r"\s+", " ", unescape(re.sub(r"<[^>]+>", " ", html_text)))


def test_the_chart_text_is_phone_sized_and_milestone_labels_do_not_overlap() -> None:
    """Issue 9 §4: drawn about as wide as a phone shows it, so 14-unit text stays over 12 px at 390 px."""
    from rugwijzer.diary import chart

    milestones = [Milestone(d, f"Jour {d}", "t", d < 30) for d in (7, 21, 42, 84)]
    root = ET.fromstring(pain_chart_svg([Point(0, 6, "a"), Point(30, 4, "b")], milestones,
                                        ChartText("t", "d", "Jours depuis le début", "Douleur (0-10)")))
    assert float(root.get("font-size", "0")) * 350 / chart.WIDTH >= 12  # 350 px: the chart's width on a phone
    spans: dict[str, list[tuple[float, float]]] = {}
    for group in root.iter(f"{SVG}g"):
        text = group.find(f"{SVG}text")
        assert text is not None and text.text
        start, end, _anchor = chart._label_span(float(text.get("x", "0")), len(text.text) * chart.CHAR)
        spans.setdefault(text.get("y", ""), []).append((start, end))
        assert start >= 0 and end <= chart.WIDTH
    for row in spans.values():
        row.sort()
        assert all(a[1] <= b[0] for a, b in itertools.pairwise(row)), row
