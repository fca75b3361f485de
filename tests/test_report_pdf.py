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
from rugwijzer.report import ReportError, render_pdf
from rugwijzer.report.fetcher import SCHEME, AssetFetcher, AssetRefused, asset_names
from rugwijzer.report.fields import (
    FIELD_LABELS,
    FIELD_VALUE_LABELS,
    RISK_FACTOR_LABELS,
    STARTBACK_LABELS,
    VALUE_LABELS,
)
from rugwijzer.report.pdf import DOMAIN, check_lang, html_to_pdf
from rugwijzer.services.assessing import default_assessor

TODAY = date(2026, 11, 25)
LANGS = ("nl", "fr", "en")
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

CASES: dict[str, dict[str, Any]] = {
    "self_care": {**BASE, "first_episode": False, "risk_factors": ["sedentary_work", "little_exercise"]},
    "soon": {**BASE, "age": 58, "duration_days": 30, "pain_trend": "worsening", "radiation": "below_knee",
             "startback": {**ALL_AGREE, "never_better": False, "no_enjoyment": False,
                           "bothersomeness": "very_much"}},
    # A partial intake that already shows an emergency (contract §4).
    "emergency": {"age": 51, "bladder_problems": True},
    # Everything at once: many flags, all risk factors, STarT Back, pregnancy.
    "heavy": {**BASE, **ALL_OPTIONAL_YES, "age": 72, "sex": "female", "duration_days": 120, "pain_score": 9,
              "pain_trend": "worsening", "pain_at_rest": True, "night_pain": True, "radiation": "toes",
              "leg_pain_both_sides": True, "numbness_tingling": "both_legs", "leg_weakness": "both_legs",
              "saddle_numbness": True, "bladder_problems": True, "bowel_incontinence": True, "trauma": "major",
              "unexplained_weight_loss": True, "fever": True, "cancer_history": True,
              "sudden_severe_constant_pain": True, "recent_spinal_procedure": True, "first_episode": False,
              "pregnancy_weeks": 30, "risk_factors": list(RISK_FACTORS), "startback": ALL_AGREE},
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


class Rendered(dict[tuple[str, str], tuple[dict[str, Any], str, int, bytes]]):
    """(case, lang) → (answer, PDF text, page count, PDF), each rendered once, when first asked for."""

    def __missing__(self, key: tuple[str, str]) -> tuple[dict[str, Any], str, int, bytes]:
        case, lang = key
        answer = default_assessor().assess(CASES[case], TODAY, check_lang(lang), "be")
        pdf = render_pdf(answer, CASES[case], lang)
        text, pages = pdf_text(pdf)
        self[key] = (answer, text, pages, pdf)
        return self[key]


@pytest.fixture(scope="module")
def rendered() -> Rendered:
    return Rendered()


# --- what the report shows ---------------------------------------------------------------------------


@pytest.mark.parametrize("lang", LANGS)
@pytest.mark.parametrize("case", ["self_care", "soon", "emergency"])
def test_report_shows_what_every_result_shows(rendered: Any, case: str, lang: str) -> None:
    answer, text, pages, pdf = rendered[case, lang]
    assert pdf.startswith(b"%PDF-")
    assert answer["urgency"] == case
    assert 1 <= pages <= 2
    assert words(answer["action"]["name"]) in text
    assert words(answer["action"]["action"]) in text
    for flag in answer["flags"]:
        assert words(flag["title"]) in text, flag["id"]
        assert words(flag["why"]) in text, flag["id"]
        assert words(flag["source"]) in text, flag["id"]
    assert words(answer["disclaimer"]) in text
    assert answer["knowledge_version"] in text
    assert words("Rugwijzer") in text
    for line in answer["medication"]["advice"]:
        assert words(line) in text
    for sign in answer["safety_net"]["emergency"]:
        assert words(sign) in text
    for step in answer["plan"]:
        assert words(step["title"]) in text
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
    assert pages <= 2
    for flag in answer["flags"]:  # the densest layout still shows every flag and why
        assert words(flag["title"]) in text, flag["id"]
        assert words(flag["why"]) in text, flag["id"]
    assert len(answer["medication"]["nsaid_cautions"]) >= 5
    for line in answer["medication"]["advice"]:
        assert words(line) in text
    assert words(answer["startback"]["notice"]) in text
    assert words(answer["disclaimer"]) in text
    _ = catalogue(lang).gettext
    assert words(_("weak trunk muscles")) in text  # the last risk factor


def test_report_is_a4(rendered: Any) -> None:
    _, _, _, pdf = rendered["self_care", "en"]
    box = PdfReader(BytesIO(pdf)).pages[0].mediabox
    assert (round(float(box.width)), round(float(box.height))) == (595, 842)


def test_unsupported_language_is_refused() -> None:
    answer = default_assessor().assess(CASES["self_care"], TODAY, "en", "be")
    with pytest.raises(ValueError, match="unsupported language"):
        render_pdf(answer, CASES["self_care"], "de")


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
