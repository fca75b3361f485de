"""The PDF for the doctor's visit: contents, page limit, the asset-only URL fetcher, the CLI and the
``report`` catalogue. Text is read back from the PDF with pypdf, as a person (or a doctor) would."""

from __future__ import annotations

import http.server
import json
import re
import threading
import unicodedata
from collections.abc import Iterator
from datetime import date
from io import BytesIO
from pathlib import Path
from typing import Any, get_args

import pytest
from babel.messages.extract import extract_from_dir
from babel.messages.pofile import read_po
from babel.support import Translations
from pypdf import PdfReader
from typer.testing import CliRunner

from rugwijzer.cli.app import app
from rugwijzer.core.intake import RISK_FACTORS, STARTBACK_KEYS, Intake
from rugwijzer.i18n import LOCALE_DIR
from rugwijzer.languages import LANGS
from rugwijzer.report import ReportError, render_pdf
from rugwijzer.report.fetcher import SCHEME, AssetFetcher, AssetRefused, asset_names
from rugwijzer.report.fields import (
    FIELD_LABELS,
    FIELD_VALUE_LABELS,
    RISK_FACTOR_LABELS,
    STARTBACK_LABELS,
    VALUE_LABELS,
)
from rugwijzer.report.pdf import DOMAIN, assessment_context, check_lang, html_to_pdf, render_html
from rugwijzer.services.assessing import default_assessor

TODAY = date(2026, 11, 25)
REPORT_DIR = Path(__file__).parents[1] / "src" / "rugwijzer" / "report"

# Every alarm answer "no": each case below changes what it is about.
BASE: dict[str, Any] = {
    "age": 40, "duration_days": 3, "pain_score": 5, "pain_trend": "stable", "pain_at_rest": False,
    "night_pain": False, "radiation": "none", "leg_pain_both_sides": False, "numbness_tingling": "none",
    "leg_weakness": "none", "saddle_numbness": False, "bladder_problems": False,
    "bowel_incontinence": False, "trauma": "none", "unexplained_weight_loss": False, "fever": False,
    "cancer_history": False, "sudden_severe_constant_pain": False, "recent_spinal_procedure": False,
}
ALL_AGREE = {key: True for key in STARTBACK_KEYS if key != "bothersomeness"} | {"bothersomeness": "extremely"}
ALL_OPTIONAL_YES = {name: True for name, info in Intake.model_fields.items()
                    if not info.is_required() and info.annotation is bool}
# Every answer that changes the painkiller advice (rules §5), but no flag of its own.
ALL_CAUTIONS = {name: True for name in (
    "stomach_ulcer_history", "kidney_disease", "heart_failure", "blood_thinners", "nsaid_allergy_or_asthma",
    "cardiovascular_disease", "bp_or_water_tablets", "ssri_antidepressant", "liver_disease",
    "heavy_alcohol_use", "body_weight_under_50kg")}
# The seven fields v2 added to the contract: the answers section names each one.
V2_FIELDS = ("neuro_signs_in_different_legs", "cardiovascular_disease", "bp_or_water_tablets",
             "ssri_antidepressant", "liver_disease", "heavy_alcohol_use", "body_weight_under_50kg")
# Painkiller names in the three languages: none may appear in an emergency report.
DRUG_NAMES = ("paracetamol", "paracétamol", "ibuprofen", "ibuprofène", "naproxen", "naproxène",
              "diclofenac", "diclofénac")

CASES: dict[str, dict[str, Any]] = {
    "self_care": {**BASE, "first_episode": False, "risk_factors": ["sedentary_work", "little_exercise"]},
    "soon": {**BASE, "age": 58, "duration_days": 30, "pain_trend": "worsening", "radiation": "below_knee",
             "startback": {**ALL_AGREE, "never_better": False, "no_enjoyment": False,
                           "bothersomeness": "very_much"}},
    # A partial intake that already shows an emergency (contract §4).
    "emergency": {"age": 51, "bladder_problems": True},
    # A complete emergency with lower flags: an urgent (fever) and a soon one (age) to "also tell".
    "emergency_also": {**BASE, "age": 60, "bladder_problems": True, "fever": True},
    # Urgent, with a soon flag to "also tell" and an NSAID caution that must not bring NSAID advice.
    "urgent": {**BASE, "age": 60, "fever": True, "heart_failure": True},
    # A known aneurysm with fainting: call 112 and do not travel (rules §10).
    "aneurysm": {**BASE, "age": 70, "known_aortic_aneurysm": True, "faint_or_clammy": True},
    # Warning signs in pregnancy as the only emergency flag: the maternity unit.
    "maternity": {**BASE, "age": 31, "sex": "female", "pregnancy_weeks": 30, "pregnancy_warning_signs": True},
    # A child: the adult advice does not fit (rules §2, §5, §6).
    "child": {**BASE, "age": 10},
    # Everything at once: many flags, all risk factors, STarT Back, pregnancy: an emergency.
    "heavy": {**BASE, **ALL_OPTIONAL_YES, "age": 72, "sex": "female", "duration_days": 120, "pain_score": 9,
              "pain_trend": "worsening", "pain_at_rest": True, "night_pain": True, "radiation": "toes",
              "leg_pain_both_sides": True, "numbness_tingling": "both_legs", "leg_weakness": "both_legs",
              "saddle_numbness": True, "bladder_problems": True, "bowel_incontinence": True, "trauma": "major",
              "unexplained_weight_loss": True, "fever": True, "cancer_history": True,
              "sudden_severe_constant_pain": True, "recent_spinal_procedure": True, "first_episode": False,
              "pregnancy_weeks": 30, "risk_factors": list(RISK_FACTORS), "startback": ALL_AGREE},
    # The longest report that still has every section: many soon flags, every medication caution,
    # two safety-net tiers, the plan, what to expect and the check-points.
    "heavy_soon": {**BASE, **ALL_CAUTIONS, "age": 72, "sex": "female", "duration_days": 120, "pain_score": 8,
                   "pain_trend": "worsening", "pain_at_rest": True, "night_pain": True, "radiation": "toes",
                   "numbness_tingling": "one_leg", "unexplained_weight_loss": True, "first_episode": False,
                   "osteoporosis": True, "long_term_steroids": True, "immunosuppressed": True,
                   "off_work_because_of_pain": True, "risk_factors": list(RISK_FACTORS), "startback": ALL_AGREE},
    # Three safety-net tiers, the full plan and the not-recommended list, with the caution answers.
    "heavy_routine": {**BASE, **ALL_CAUTIONS, "age": 45, "duration_days": 30, "pain_score": 6,
                      "radiation": "below_knee", "first_episode": False, "off_work_because_of_pain": True,
                      "risk_factors": list(RISK_FACTORS), "startback": ALL_AGREE},
}


def words(text: str) -> str:
    """Text as compared here: Unicode-normalised and without white space, because a PDF line may
    break after a '/' or '-' where the text has no space."""
    return re.sub(r"\s+", "", unicodedata.normalize("NFKC", text))


def pdf_text(pdf: bytes) -> tuple[str, int]:
    reader = PdfReader(BytesIO(pdf))
    return words(" ".join(page.extract_text() or "" for page in reader.pages)), len(reader.pages)


def catalogue(lang: str) -> Any:
    return Translations.load(str(LOCALE_DIR), [lang], domain=DOMAIN)


Key = tuple[str, ...]  # (case, lang) for region be, or (case, lang, region)
Report = tuple[dict[str, Any], str, int, bytes]


class Rendered(dict[Key, Report]):
    """(case, lang[, region]) → (answer, PDF text, page count, PDF), each rendered once, when first
    asked for."""

    def __missing__(self, key: Key) -> Report:
        case, lang, region = (*key, "be") if len(key) == 2 else key
        answer = default_assessor().assess(CASES[case], TODAY, check_lang(lang), region)  # type: ignore[arg-type]
        pdf = render_pdf(answer, CASES[case], lang)
        text, pages = pdf_text(pdf)
        self[key] = (answer, text, pages, pdf)
        return self[key]


def html_of(case: str, lang: str, region: str = "be") -> str:
    """The report's HTML at its normal density, to check which sections are there at all."""
    answer = default_assessor().assess(CASES[case], TODAY, check_lang(lang), region)  # type: ignore[arg-type]
    return render_html("assessment.html.j2", assessment_context(answer, CASES[case], lang), lang)


def explainer(lang: str, region: str = "be") -> Any:
    return default_assessor().explainer(check_lang(lang), region)  # type: ignore[arg-type]


@pytest.fixture(scope="module")
def rendered() -> Rendered:
    return Rendered()


# --- what the report shows ---------------------------------------------------------------------------


@pytest.mark.parametrize("lang", LANGS)
@pytest.mark.parametrize("case", ["self_care", "soon", "urgent", "emergency", "emergency_also"])
def test_report_shows_what_every_result_shows(rendered: Any, case: str, lang: str) -> None:
    answer, text, pages, pdf = rendered[case, lang]
    assert pdf.startswith(b"%PDF-")
    assert answer["urgency"] == case.removesuffix("_also")
    assert 1 <= pages <= 2
    assert words(answer["action"]["name"]) in text
    assert words(answer["action"]["action"]) in text
    assert words(answer["action"]["where"]) in text
    for flag in answer["flags"]:
        assert words(flag["title"]) in text, flag["id"]
        assert words(flag["why"]) in text, flag["id"]
        assert words(flag["source_text"]) in text, flag["id"]  # the sources as a reader knows them
    assert words("SEED") not in text and words("alarm list") not in text  # no internal keys
    if any(flag["also_tell"] for flag in answer["flags"]):
        assert words(answer["also_tell_heading"]) in text
    else:
        assert words(answer["also_tell_heading"]) not in text
    assert words(answer["disclaimer"]) in text
    assert answer["knowledge_version"] in text
    assert words("Rugwijzer") in text
    for line in (answer["medication"] or {}).get("advice", ()):
        assert words(line) in text
    for tier in answer["safety_net"]:
        assert words(tier["heading"]) in text, tier["level"]
        for sign in tier["signs"]:
            assert words(sign) in text
    for step in answer["plan"]:
        assert words(step["title"]) in text
    for line in answer["prognosis"]:
        assert words(line) in text
    if answer["startback"] is not None:
        assert words(answer["startback"]["notice"]) in text
        assert words("Keele") in text
    else:
        assert words("Keele") not in text


@pytest.mark.parametrize("lang", LANGS)
def test_headings_and_answers_are_in_the_chosen_language(rendered: Any, lang: str) -> None:
    _, text, _, _ = rendered["soon", lang]
    _ = catalogue(lang).gettext
    for heading in ("Back pain: summary for the doctor", "The answers", "The plan", "Painkillers"):
        assert words(_(heading)) in text
    assert words(_("Pain reaches as far as")) in text and words(_("below the knee")) in text
    assert words(_("getting worse")) in text
    assert words("25") in text and words("2026") in text  # the assessment date, in words


def test_dates_and_numbers_are_written_out(rendered: Any) -> None:
    _, text, _, _ = rendered["soon", "nl"]
    assert words("25 november 2026") in text
    assert words("30 dagen") in text and words("58 jaar") in text
    _, text, _, _ = rendered["soon", "en"]
    assert words("25 November 2026") in text


def test_startback_is_shown_with_its_stratum_and_the_keele_notice(rendered: Any) -> None:
    answer, text, _, _ = rendered["soon", "en"]
    assert answer["startback"]["risk"] == "medium"
    assert words(answer["startback"]["name"]) in text
    assert words("© Keele University") in text
    assert words("non-commercial") in text and words("paraphrase") in text


def test_partial_emergency_is_marked_incomplete(rendered: Any) -> None:
    for lang in LANGS:
        answer, text, pages, _ = rendered["emergency", lang]
        assert answer["complete"] is False
        _ = catalogue(lang).gettext
        assert words(_("Incomplete:")) in text
        assert words(_("Not answered:")) in text
        assert words(_("Pain now (0–10)")) in text  # one of the fields that was not answered
        assert pages <= 2
    _, text, _, _ = rendered["self_care", "en"]
    assert words("Incomplete") not in text and words("Not answered") not in text


@pytest.mark.parametrize("lang", LANGS)
def test_heavy_case_still_fits_on_two_pages(rendered: Any, lang: str) -> None:
    answer, text, pages, _ = rendered["heavy", lang]
    assert len(answer["flags"]) >= 20 and answer["startback"] is not None
    assert answer["urgency"] == "emergency" and answer["medication"] is None
    assert pages <= 2
    for flag in answer["flags"]:  # the densest layout still shows every flag and why
        assert words(flag["title"]) in text, flag["id"]
        assert words(flag["why"]) in text, flag["id"]
    assert words(answer["also_tell_heading"]) in text
    assert not [name for name in DRUG_NAMES if name in text.lower()]
    assert words(answer["startback"]["notice"]) in text
    assert words(answer["disclaimer"]) in text
    _ = catalogue(lang).gettext
    assert words(_("weak trunk muscles")) in text  # the last risk factor
    for name in V2_FIELDS:  # every answer is named, the seven v2 fields too
        assert words(_(FIELD_LABELS[name])) in text, name


@pytest.mark.parametrize("lang", LANGS)
@pytest.mark.parametrize("case", ["heavy_soon", "heavy_routine"])
def test_heavy_case_with_every_section_still_fits_on_two_pages(rendered: Any, case: str, lang: str) -> None:
    """The medication cautions, the safety net, what to expect and the disclaimer are never dropped
    to fit."""
    answer, text, pages, _ = rendered[case, lang]
    assert answer["urgency"] == case.removeprefix("heavy_")
    assert len(answer["medication"]["nsaid_cautions"]) >= 8
    assert len(answer["medication"]["paracetamol_cautions"]) == 3
    assert answer["medication"]["paracetamol"] == "reduced_dose" and answer["medication"]["nsaid"] == "avoid"
    assert pages <= 2
    for flag in answer["flags"]:
        assert words(flag["title"]) in text, flag["id"]
        assert words(flag["why"]) in text, flag["id"]
    for line in answer["medication"]["advice"]:
        assert words(line) in text
    assert len(answer["safety_net"]) == (2 if case == "heavy_soon" else 3)
    for tier in answer["safety_net"]:
        assert words(tier["heading"]) in text
        for sign in tier["signs"]:
            assert words(sign) in text
    for step in answer["plan"]:
        assert words(step["title"]) in text
    assert answer["prognosis"]
    for line in answer["prognosis"]:  # what to expect is kept in the densest layout too
        assert words(line) in text
    assert words(answer["startback"]["notice"]) in text
    assert words(answer["disclaimer"]) in text
    _ = catalogue(lang).gettext
    for name in V2_FIELDS[1:]:  # the caution answers, by name
        assert words(_(FIELD_LABELS[name])) in text, name


# --- what each urgency leaves out (clinical-rules §10) ---------------------------------------------------


def self_care_texts(lang: str, region: str = "be") -> list[str]:
    """Every text of the knowledge base that belongs to self-care: painkiller advice, the plan, what
    not to do, tips, what to expect, the check-points and the safety net. (Not the short reasons
    after "because:", such as "you are pregnant": an emergency may say that for another reason.)"""
    ex = explainer(lang, region)
    return [*ex.medication.values(), *ex.flag_medication_notes.values(),
            *(step["title"] for step in ex.plan.values()), *(step["text"] for step in ex.plan.values()),
            *(item["name"] for item in ex.avoid.values()), *(tip["text"] for tip in ex.tips.values()),
            *ex.prognosis, *ex.milestones.values(),
            *(tier["heading"] for tier in ex.safety_tiers), *(s for t in ex.safety_tiers for s in t["signs"]),
            *(episode["text"] for episode in ex.episodes.values()),
            *(stratum["care"] for stratum in ex.strata.values())]


SELF_CARE_SECTIONS = ('class="plan"', 'class="medication"', 'class="safety-net', 'class="expect"',
                      'class="milestones"', 'class="avoid')


@pytest.mark.parametrize("lang", LANGS)
@pytest.mark.parametrize("case", ["emergency", "emergency_also", "aneurysm", "maternity", "heavy"])
def test_emergency_report_starts_with_what_to_do_and_has_no_self_care(rendered: Any, case: str,
                                                                        lang: str) -> None:
    answer, text, pages, _ = rendered[case, lang]
    assert answer["urgency"] == "emergency" and answer["medication"] is None
    assert pages <= 2
    # It starts with what to do and where, with 112, before the reasons.
    _ = catalogue(lang).gettext
    start = text.index(words(answer["action"]["action"]))
    assert start < text.index(words(_("Why: what the answers show"))) < text.index(words(answer["flags"][0]["why"]))
    assert start < text.index(words(answer["action"]["where"]))
    assert "112" in text[:start + len(words(answer["action"]["action"]))]
    # Nothing of self-care: no painkillers, plan, what to expect, check-points or safety net.
    assert not [name for name in DRUG_NAMES if name in text.lower()]
    shown = [line for line in self_care_texts(lang) if words(line) in text]
    assert not shown
    html = html_of(case, lang)
    assert not [section for section in SELF_CARE_SECTIONS if section in html]
    assert words(answer["disclaimer"]) in text


@pytest.mark.parametrize("lang", LANGS)
def test_emergency_lists_lower_flags_under_also_tell_the_doctor(rendered: Any, lang: str) -> None:
    answer, text, _, _ = rendered["emergency_also", lang]
    also = [flag for flag in answer["flags"] if flag["also_tell"]]
    assert {flag["level"] for flag in also} == {"urgent", "soon"}
    heading = text.index(words(answer["also_tell_heading"]))
    assert text.index(words(answer["flags"][0]["why"])) < heading  # the emergency flag is the "why"
    for flag in also:
        assert text.index(words(flag["title"])) > heading, flag["id"]
    html = html_of("emergency_also", lang)
    also_part = html[html.index('class="flag-list also-tell-list"'):]
    also_part = also_part[:also_part.index("</ul>")]
    assert 'class="badge"' not in also_part  # a lower flag has no level (and no action) of its own


@pytest.mark.parametrize("lang", LANGS)
@pytest.mark.parametrize(("case", "destination"), [
    ("emergency_also", "emergency_department"), ("aneurysm", "call_112"), ("maternity", "maternity_unit")])
def test_emergency_report_names_the_one_destination(rendered: Any, case: str, destination: str,
                                                    lang: str) -> None:
    answer, text, _, _ = rendered[case, lang]
    assert answer["action"]["destination"] == destination
    places = explainer(lang).destinations
    assert words(places[destination]["where"]) in text
    for other in {"emergency_department", "call_112", "maternity_unit"} - {destination}:
        assert words(places[other]["where"]) not in text, other
        assert words(places[other]["action"]) not in text, other


@pytest.mark.parametrize("lang", LANGS)
def test_urgent_report_gives_paracetamol_only_and_the_112_tier(rendered: Any, lang: str) -> None:
    answer, text, pages, _ = rendered["urgent", lang]
    ex = explainer(lang)
    assert answer["urgency"] == "urgent" and answer["action"]["destination"] == "gp_today"
    assert pages <= 2
    assert words(ex.destinations["gp_today"]["where"]) in text and "1733" in text
    # Paracetamol, and the anti-inflammatory painkillers only as "not until the doctor has seen you".
    assert words(ex.medication["standard"]) in text
    assert words(ex.medication["avoid_urgent"]) in text
    assert words(ex.medication["second_choice"]) not in text
    assert words(ex.medication["avoid"]) not in text
    assert words(ex.medication["muscle_relaxants"]) not in text
    for name in DRUG_NAMES[2:]:
        assert text.lower().count(name) == words(ex.medication["avoid_urgent"]).lower().count(name), name
    _ = catalogue(lang).gettext
    assert words(_("Painkillers until the doctor has seen you")) in text
    # The 112 tier of the safety net, and no other tier.
    tiers = {tier["level"]: tier for tier in ex.safety_tiers}
    assert words(tiers["emergency"]["heading"]) in text and "112" in text
    for sign in tiers["emergency"]["signs"]:
        assert words(sign) in text
    assert words(tiers["urgent"]["heading"]) not in text and words(tiers["soon"]["heading"]) not in text
    # No plan, what to expect or check-points; the soon flag is "also tell the doctor".
    for line in [*ex.prognosis, *ex.milestones.values(), *(step["title"] for step in ex.plan.values())]:
        assert words(line) not in text
    html = html_of("urgent", lang)
    assert not [s for s in ('class="plan"', 'class="expect"', 'class="milestones"', 'class="avoid') if s in html]
    assert words(answer["also_tell_heading"]) in text


@pytest.mark.parametrize("lang", LANGS)
def test_child_report_gives_the_childs_paracetamol_note_and_no_manipulation_or_massage(
        rendered: Any, lang: str) -> None:
    answer, text, pages, _ = rendered["child", lang]
    ex = explainer(lang)
    assert "under_16" in {flag["id"] for flag in answer["flags"]}
    assert pages <= 2
    assert words(ex.flag_medication_notes["under_16"]) in text  # paracetamol at the child's dose
    assert answer["medication"]["nsaid"] == "avoid"
    assert words(ex.medication["second_choice"]) not in text
    for item in ("manual_therapy", "massage"):
        assert words(ex.plan[item]["title"]) not in text, item
        assert words(ex.plan[item]["text"]) not in text, item


def test_region_nl_uses_dutch_words(rendered: Any) -> None:
    answer, text, _, _ = rendered["emergency_also", "nl", "nl"]
    assert answer["region"] == "nl"
    assert words("SEH") in text and "112" in text
    assert words("spoedafdeling") not in text
    answer, text, _, _ = rendered["urgent", "nl", "nl"]
    assert words("huisartsenpost") in text
    assert words("huisartsenwachtpost") not in text and "1733" not in text
    assert words(explainer("nl", "nl").destinations["gp_today"]["where"]) in text
    _, text, _, _ = rendered["urgent", "nl"]  # the same answers in Belgium
    assert words("huisartsenwachtpost") in text and "1733" in text


def test_report_is_a4(rendered: Any) -> None:
    _, _, _, pdf = rendered["self_care", "en"]
    box = PdfReader(BytesIO(pdf)).pages[0].mediabox
    assert (round(float(box.width)), round(float(box.height))) == (595, 842)


def test_unsupported_language_is_refused() -> None:
    answer = default_assessor().assess(CASES["self_care"], TODAY, "en", "be")
    with pytest.raises(ValueError, match="unsupported language"):
        render_pdf(answer, CASES["self_care"], "es")


# --- nothing is fetched from outside the report's own assets -----------------------------------------


class _Recorder(http.server.BaseHTTPRequestHandler):
    requests: list[str] = []  # noqa: RUF012 (shared on purpose: the test reads it)

    def do_GET(self) -> None:
        self.requests.append(self.path)
        self.send_response(200)
        self.send_header("Content-Type", "text/css")
        self.end_headers()
        self.wfile.write(b"body::after { content: 'FETCHED-FROM-NETWORK' }")

    def log_message(self, format: str, *args: Any) -> None:
        pass


@pytest.fixture()
def local_server() -> Iterator[str]:
    """A web server on a free loopback port that records every request it gets."""
    _Recorder.requests = []
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), _Recorder)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=5)


@pytest.mark.parametrize("url", [
    "file:///etc/passwd",
    "FILE:///etc/passwd",
    "http://example.invalid/report.css",
    "https://example.invalid/report.css",
    "data:text/css,body{color:red}",
    "report.css",  # relative: not ours either
    f"{SCHEME}:../fetcher.py",
    f"{SCHEME}:/etc/passwd",
    f"{SCHEME}:///../../knowledge/data/flags.yaml",
    f"{SCHEME}:templates/base.html.j2",
    f"{SCHEME}:missing.css",
])
def test_fetcher_refuses_everything_but_its_own_assets(url: str) -> None:
    fetcher = AssetFetcher()
    with pytest.raises(AssetRefused):
        fetcher(url)
    assert fetcher.refused == [url]


def test_fetcher_serves_the_allow_listed_stylesheet() -> None:
    assert asset_names() == {"report.css": "text/css"}
    response = AssetFetcher()(f"{SCHEME}:report.css")
    body = response.read() if hasattr(response, "read") else response["string"]
    assert b"@page" in body


@pytest.mark.parametrize("template", [
    '<img src="file:///etc/passwd">',
    '<link rel="stylesheet" href="file:///etc/passwd">',
    '<link rel="stylesheet" href="{server}/style.css">',
    '<img src="{server}/image.png">',
    '<style>@import url("{server}/import.css");</style>',
    '<p style="background: url(\'{server}/bg.png\')">x</p>',
    '<svg xmlns="http://www.w3.org/2000/svg" xmlns:xlink="http://www.w3.org/1999/xlink" width="10" '
    'height="10"><image href="{server}/svg.png" width="10" height="10"/></svg>',
    '<object data="{server}/object.svg"></object>',
])
def test_a_template_cannot_fetch_files_or_network(local_server: str, template: str) -> None:
    html = f"<html><body><p>Report</p>{template.format(server=local_server)}</body></html>"
    with pytest.raises(ReportError, match=r"outside its own assets|refused"):
        html_to_pdf(html)
    assert _Recorder.requests == []


def test_an_answer_cannot_inject_markup_or_urls(local_server: str) -> None:
    hostile = (f'<img src="file:///etc/passwd"><link rel="stylesheet" href="{local_server}/x.css">'
               f"<script>alert(1)</script>")
    answer = default_assessor().assess(CASES["soon"], TODAY, "en", "be")
    answer["flags"][0] = {**answer["flags"][0], "title": hostile, "why": "file:///etc/passwd"}
    answer["disclaimer"] = f'<style>@import "{local_server}/d.css";</style>' + answer["disclaimer"]
    pdf = render_pdf(answer, {**CASES["soon"], "sex": "<b>x</b>"}, "en")
    text, _ = pdf_text(pdf)
    assert words("file:///etc/passwd") in text  # shown as text, not followed
    assert words("<script>") in text
    assert words("root:") not in text and words("FETCHED-FROM-NETWORK") not in text
    assert _Recorder.requests == []


# --- the command line ---------------------------------------------------------------------------------

runner = CliRunner()


def run_cli(args: list[str], stdin: str | None = None) -> Any:
    return runner.invoke(app, args, input=stdin)


def write_intake(folder: Path, data: Any, name: str = "intake.json") -> Path:
    path = folder / name
    path.write_text(data if isinstance(data, str) else json.dumps(data), encoding="utf-8")
    return path


def test_cli_writes_the_pdf(tmp_path: Path) -> None:
    source = write_intake(tmp_path, CASES["soon"])
    target = tmp_path / "report.pdf"
    result = run_cli(["report", str(source), "-o", str(target), "--lang", "fr", "--region", "nl",
                      "--date", "2026-11-25"])
    assert result.exit_code == 0, result.output
    text, pages = pdf_text(target.read_bytes())
    assert pages <= 2
    assert words("Mal de dos") in text and words("25 novembre 2026") in text
    assert str(target) in result.stderr
    assert sorted(p.name for p in tmp_path.iterdir()) == ["intake.json", "report.pdf"]


def test_cli_reads_standard_input_and_can_write_standard_output() -> None:
    result = run_cli(["report", "-", "-o", "-", "--lang", "en"], json.dumps(CASES["self_care"]))
    assert result.exit_code == 0, result.stderr
    assert result.stdout_bytes.startswith(b"%PDF-")


def test_cli_partial_emergency_gives_an_incomplete_pdf(tmp_path: Path) -> None:
    source = write_intake(tmp_path, CASES["emergency"])
    target = tmp_path / "report.pdf"
    result = run_cli(["report", str(source), "-o", str(target), "--lang", "en"])
    assert result.exit_code == 0, result.output
    assert "incomplete" in result.stderr
    text, _ = pdf_text(target.read_bytes())
    assert words("Incomplete:") in text and words("Emergency") in text


@pytest.mark.parametrize(("data", "fields"), [
    ({**BASE, "age": "forty"}, ["age"]),
    ({**BASE, "fever": None, "radiation": "knee"}, ["fever", "radiation"]),
    ({"age": 40}, ["duration_days", "pain_score"]),  # partial without an emergency
    ({**BASE, "feverr": True}, ["feverr"]),
    ('{"age": 40, "age": 41}', ["age"]),
    ("not json", ["intake"]),
])
def test_cli_invalid_intake_exit_2_naming_fields_and_no_file(tmp_path: Path, data: Any,
                                                             fields: list[str]) -> None:
    source = write_intake(tmp_path, data)
    target = tmp_path / "report.pdf"
    result = run_cli(["report", str(source), "-o", str(target), "--lang", "en"])
    assert result.exit_code == 2
    for name in fields:
        assert name in result.stderr
    assert "Traceback" not in result.output + result.stderr
    assert sorted(p.name for p in tmp_path.iterdir()) == ["intake.json"]  # nothing left behind


def test_cli_invalid_intake_that_shows_an_emergency_says_so_first(tmp_path: Path) -> None:
    source = write_intake(tmp_path, {**BASE, "age": "forty", "bladder_problems": True})
    result = run_cli(["report", str(source), "-o", str(tmp_path / "report.pdf"), "--lang", "en"])
    assert result.exit_code == 2
    where = explainer("en").destinations["emergency_department"]["where"]
    assert "112" in result.stderr and where in result.stderr
    assert result.stderr.index(where) < result.stderr.index("age")  # the emergency before the problem
    assert sorted(p.name for p in tmp_path.iterdir()) == ["intake.json"]


def test_cli_bad_date_missing_file_and_unwritable_target(tmp_path: Path) -> None:
    source = write_intake(tmp_path, CASES["self_care"])
    result = run_cli(["report", str(source), "-o", str(tmp_path / "r.pdf"), "--date", "25/11/2026"])
    assert result.exit_code == 2 and "--date" in result.stderr
    result = run_cli(["report", str(tmp_path / "missing.json"), "-o", str(tmp_path / "r.pdf")])
    assert result.exit_code == 2 and "cannot read" in result.stderr
    result = run_cli(["report", str(source), "-o", str(tmp_path / "no" / "such" / "r.pdf")])
    assert result.exit_code == 2 and "cannot write" in result.stderr
    assert "Traceback" not in result.output + result.stderr
    assert sorted(p.name for p in tmp_path.iterdir()) == ["intake.json"]


def test_cli_existing_file_is_replaced_whole(tmp_path: Path) -> None:
    source = write_intake(tmp_path, CASES["self_care"])
    target = tmp_path / "report.pdf"
    target.write_bytes(b"old")
    assert run_cli(["report", str(source), "-o", str(target)]).exit_code == 0
    assert target.read_bytes().startswith(b"%PDF-")
    bad = write_intake(tmp_path, {"age": 40}, "bad.json")
    before = target.read_bytes()
    assert run_cli(["report", str(bad), "-o", str(target)]).exit_code == 2
    assert target.read_bytes() == before  # a failed run leaves the old report as it was


# --- labels and the "report" catalogue ----------------------------------------------------------------


def test_every_contract_field_and_value_has_a_label() -> None:
    assert set(FIELD_LABELS) == set(Intake.model_fields)
    assert set(RISK_FACTOR_LABELS) == set(RISK_FACTORS)
    assert set(STARTBACK_LABELS) == set(STARTBACK_KEYS)

    def literal_values(annotation: Any) -> set[str]:
        found: set[str] = set()
        for arg in get_args(annotation) or ():
            if isinstance(arg, str):
                found.add(arg)
            else:
                found |= literal_values(arg)
        return found

    from rugwijzer.core.intake import StartBackAnswers

    for name, info in [*Intake.model_fields.items(), *StartBackAnswers.model_fields.items()]:
        if name == "risk_factors":
            continue
        for value in literal_values(info.annotation):
            assert (name, value) in FIELD_VALUE_LABELS or value in VALUE_LABELS, (name, value)


def _po(lang: str) -> Any:
    with (LOCALE_DIR / lang / "LC_MESSAGES" / f"{DOMAIN}.po").open("rb") as handle:
        return read_po(handle, locale=lang)


def _source_messages() -> set[str]:
    method_map = [("**.py", "python"), ("**/templates/**.j2", "jinja2")]
    options = {"**/templates/**.j2": {"extensions": "jinja2.ext.i18n", "silent": "false"}}
    found: set[str] = set()
    for _file, _line, message, _comments, _context in extract_from_dir(
            str(REPORT_DIR), method_map, options, keywords={"_": None, "gettext": None, "ngettext": (1, 2),
                                                            "N_": None}):
        found.add(message[0] if isinstance(message, tuple) else message)
    cli = REPORT_DIR.parent / "cli" / "report.py"
    for match in re.finditer(r'\b_\("([^"]+)"\)', cli.read_text(encoding="utf-8")):
        found.add(match.group(1))
    return found


@pytest.mark.parametrize("lang", LANGS)
def test_catalogue_is_complete_compiled_and_keeps_placeholders(lang: str) -> None:
    po = _po(lang)
    ids = {m.id if isinstance(m.id, str) else m.id[0] for m in po if m.id}
    missing = _source_messages() - ids
    assert not missing, f"{lang}: strings not in the catalogue: {sorted(missing)}"
    compiled = catalogue(lang)
    for message in po:
        if not message.id:
            continue
        assert not message.fuzzy, message.id
        singular = message.id if isinstance(message.id, str) else message.id[0]
        strings = message.string if isinstance(message.string, tuple) else (message.string,)
        assert all(strings), f"{lang}: no translation for {singular!r}"
        for string in strings:
            assert set(re.findall(r"%\(\w+\)[sd]", string)) == set(re.findall(r"%\(\w+\)[sd]", singular))
        if isinstance(message.id, str):
            assert compiled.gettext(message.id) == message.string, f"{lang}: .mo is older than .po"
