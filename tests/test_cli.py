"""The command line (contract §3): output, exit codes and error messages, run as a user would."""

from __future__ import annotations

import io
import json
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from rich.console import Console
from typer.testing import CliRunner

from rugwijzer.cli.app import app
from rugwijzer.languages import LANGS
from strategies import intakes
from support import NEUTRAL, TODAY, intake

runner = CliRunner()


def run(args: list[str], stdin: str | None = None) -> Any:
    return runner.invoke(app, args, input=stdin)


def test_json_output_has_the_contract_keys() -> None:
    result = run(["assess", "--json", "-"], json.dumps(intake()))
    assert result.exit_code == 0, result.output
    answer = json.loads(result.stdout)
    for key in ("urgency", "flags", "episode", "suspected", "startback", "medication", "plan", "avoid", "tips",
                "risk_factors", "knowledge_version", "complete"):
        assert key in answer
    assert answer["urgency"] == "self_care" and answer["complete"] is True


@pytest.mark.parametrize(("lang", "words"), [
    ("nl", ["112", "huisarts"]),
    ("fr", ["112", "médecin"]),
    ("en", ["112", "doctor"]),
])
def test_readable_summary_in_each_language(lang: str, words: list[str]) -> None:
    result = run(["assess", "--lang", lang, "-"], json.dumps(intake(fever=True)))
    assert result.exit_code == 0, result.output
    for word in words:
        assert word in result.stdout


def test_summary_puts_the_action_first_and_the_disclaimer_last(assessor: Any) -> None:
    result = run(["assess", "--lang", "en", "-"], json.dumps(intake(bladder_problems=True)))
    answer = assessor.assess(intake(bladder_problems=True), lang="en")
    out = result.stdout
    flag_title = answer["flags"][0]["title"]
    assert out.index(answer["action"]["name"]) < out.index(flag_title)
    assert out.index(flag_title) < out.rindex(answer["disclaimer"][:20])


def test_region_changes_the_out_of_hours_number() -> None:
    be = run(["assess", "--json", "--region", "be", "-"], json.dumps(intake(fever=True)))
    nl = run(["assess", "--json", "--region", "nl", "-"], json.dumps(intake(fever=True)))
    assert "1733" in json.loads(be.stdout)["action"]["action"]
    assert "1733" not in json.loads(nl.stdout)["action"]["action"]


def test_reads_a_file(tmp_path: Path) -> None:
    path = tmp_path / "intake.json"
    path.write_text(json.dumps(intake(radiation="toes")), encoding="utf-8")
    result = run(["assess", "--json", str(path)])
    assert result.exit_code == 0
    assert json.loads(result.stdout)["urgency"] == "soon"


def test_missing_file_is_exit_2(tmp_path: Path) -> None:
    result = run(["assess", str(tmp_path / "nope.json")])
    assert result.exit_code == 2
    assert "cannot read" in result.stderr


def test_invalid_single_intake_exits_2_naming_fields_and_allowed_values() -> None:
    result = run(["assess", "--lang", "en", "-"], json.dumps(intake(pain_score=11, radiation="knee")))
    assert result.exit_code == 2
    assert "pain_score" in result.stderr and "0 to 10" in result.stderr
    assert "radiation" in result.stderr and "below_knee" in result.stderr
    assert "Traceback" not in result.output


def test_invalid_json_exits_2() -> None:
    result = run(["assess", "-"], "{not json")
    assert result.exit_code == 2
    assert "intake" in result.stderr


def test_jsonl_one_line_per_input_line_in_order() -> None:
    lines = [json.dumps(intake()), json.dumps(intake(age="old")), "", json.dumps(intake(bladder_problems=True))]
    result = run(["assess", "--jsonl", "-"], "\n".join(lines) + "\n")
    assert result.exit_code == 2
    out = [json.loads(line) for line in result.stdout.splitlines()]
    assert len(out) == 4
    assert out[0]["urgency"] == "self_care"
    assert out[1]["error"]["line"] == 2 and "age" in out[1]["error"]["fields"]
    assert out[2]["error"]["line"] == 3
    assert out[3]["urgency"] == "emergency"


def test_jsonl_all_valid_exits_0() -> None:
    result = run(["assess", "--jsonl", "-"], "\n".join(json.dumps(intake(age=a)) for a in (30, 60)) + "\n")
    assert result.exit_code == 0
    assert [json.loads(x)["urgency"] for x in result.stdout.splitlines()] == ["self_care", "soon"]


def test_partial_emergency_from_the_cli() -> None:
    result = run(["assess", "--json", "-"], json.dumps({"saddle_numbness": True}))
    assert result.exit_code == 0
    answer = json.loads(result.stdout)
    assert answer["urgency"] == "emergency" and answer["complete"] is False


def test_partial_without_emergency_names_missing_fields() -> None:
    data = dict(NEUTRAL)
    del data["night_pain"]
    result = run(["assess", "--lang", "en", "-"], json.dumps(data))
    assert result.exit_code == 2
    assert "night_pain" in result.stderr


def test_bad_option_value_is_exit_2() -> None:
    result = run(["assess", "--lang", "es", "-"], json.dumps(intake()))
    assert result.exit_code == 2


def test_date_option_sets_the_milestones() -> None:
    result = run(["assess", "--json", "--date", "2026-01-10", "-"], json.dumps(intake(duration_days=10)))
    answer = json.loads(result.stdout)
    assert answer["onset"] == "2025-12-31"
    assert [m["date"] for m in answer["milestones"]] == ["2026-01-07", "2026-01-21", "2026-02-12", "2026-03-26"]
    assert [m["reached"] for m in answer["milestones"]] == [True, False, False, False]
    assert run(["assess", "--date", "10/01/2026", "-"], json.dumps(intake())).exit_code == 2


@pytest.mark.parametrize("lang", LANGS)
def test_rules_lists_every_flag_with_condition_and_source(lang: str, assessor: Any) -> None:
    result = run(["rules", "--lang", lang, "--format", "json"])
    assert result.exit_code == 0
    doc = json.loads(result.stdout)
    flags = next(s for s in doc["sections"] if s["key"] == "flags")
    assert {r["id"] for r in flags["rows"]} == {f.id for f in assessor.kb.flags}
    assert all(r["condition"] and r["source"] and r["why"] for r in flags["rows"])


def test_rules_table_renders() -> None:
    result = run(["rules", "--lang", "en"])
    assert result.exit_code == 0
    assert "cauda_equina_bladder" in result.stdout and "BASS2018" in result.stdout


def test_version() -> None:
    result = run(["--version"])
    assert result.exit_code == 0
    assert "rugwijzer" in result.stdout and "knowledge base" in result.stdout


def test_python_dash_m_and_console_script_work_the_same() -> None:
    data = json.dumps(intake(night_pain=True))
    by_module = subprocess.run([sys.executable, "-m", "rugwijzer", "assess", "--json", "-"], input=data,
                               capture_output=True, text=True, check=True)
    script = Path(sys.executable).with_name("rugwijzer")
    by_script = subprocess.run([str(script), "assess", "--json", "-"], input=data, capture_output=True,
                               text=True, check=True)
    a, b = json.loads(by_module.stdout), json.loads(by_script.stdout)
    assert a["urgency"] == b["urgency"] == "soon"
    assert a["flags"] == b["flags"]


def test_invalid_line_with_an_emergency_says_so() -> None:
    typo = {k: v for k, v in intake(bladder_problem=True, saddle_numbness=True).items() if k != "bladder_problems"}
    lines = ["{", json.dumps(typo)]
    result = run(["assess", "--jsonl", "-"], "\n".join(lines) + "\n")
    first, second = (json.loads(x) for x in result.stdout.splitlines())
    assert "emergency" not in first["error"]
    assert [f["id"] for f in second["error"]["emergency"]["flags"]] == ["cauda_equina_saddle"]
    assert next(iter(second["error"])) == "emergency"  # shown first (contract §1)
    assert {"bladder_problem", "bladder_problems"} <= set(second["error"]["fields"])
    single = run(["assess", "--lang", "en", "-"], lines[1])
    assert single.exit_code == 2
    assert "112" in single.stderr and "bladder_problem" in single.stderr



# ---- what each urgency shows (clinical-rules §10) ---------------------------------------------

def flat(text: str) -> str:
    """The text with its line wrapping undone (Rich wraps at the terminal width)."""
    return " ".join(text.translate({ord(c): " " for c in "│─╭╮╰╯"}).split())


def shown(data: dict[str, Any], lang: str, region: str = "be") -> str:
    result = run(["assess", "--lang", lang, "--region", region, "--date", "2026-11-25", "-"], json.dumps(data))
    assert result.exit_code == 0, result.output
    return flat(result.stdout)


def self_care_texts(assessor: Any, lang: str, region: str = "be") -> list[str]:
    """Every medication, prognosis and milestone text, and the safety net's headings."""
    explainer = assessor.explainer(lang, region)
    return [*explainer.medication.values(), *explainer.prognosis, *explainer.milestones.values(),
            *(tier["heading"] for tier in explainer.safety_tiers)]


EMERGENCY = intake(bladder_problems=True, age=60, radiation="below_knee", pain_score=8, duration_days=10)


@pytest.mark.parametrize("lang", LANGS)
@pytest.mark.parametrize("region", ["be", "nl"])
def test_an_emergency_shows_no_self_care_and_ends_with_the_112_line(assessor: Any, lang: str, region: str) -> None:
    out = shown(EMERGENCY, lang, region)
    answer = assessor.assess(EMERGENCY, TODAY, lang, region)
    for text in self_care_texts(assessor, lang, region):
        assert flat(text) not in out
    for word in ("paracetamol", "paracétamol", "ibuprofen", "ibuprofène"):
        assert word not in out.lower()
    for step in assessor.explainer(lang, region).plan.values():
        assert flat(step["text"]) not in out
    assert out.endswith(flat(f"→ {answer['action']['where']}")) and "112" in answer["action"]["where"]
    assert out.index(flat(answer["action"]["action"])) < out.index(flat(answer["disclaimer"]))


def test_an_emergency_lists_lower_flags_under_also_tell_the_doctor(assessor: Any) -> None:
    out = shown(EMERGENCY, "en")
    answer = assessor.assess(EMERGENCY, TODAY, "en")
    heading = out.index(answer["also_tell_heading"])
    reasons = [f for f in answer["flags"] if not f["also_tell"]]
    also = [f for f in answer["flags"] if f["also_tell"]]
    assert [f["id"] for f in reasons] == ["cauda_equina_bladder"] and also
    assert out.index(reasons[0]["title"]) < heading
    for flag in also:  # listed after the heading, with their why, without a level of their own
        assert out.index(flag["title"]) > heading
        assert f"{flag['title']} (" not in out


def test_an_urgent_result_shows_paracetamol_only_and_the_112_tier(assessor: Any) -> None:
    data = intake(fever=True)
    out = shown(data, "en")
    explainer = assessor.explainer("en", "be")
    assert flat(explainer.medication["standard"]) in out
    assert flat(explainer.medication["avoid_urgent"]) in out
    assert flat(explainer.medication["second_choice"]) not in out
    tiers = {tier["level"]: tier for tier in explainer.safety_tiers}
    assert flat(tiers["emergency"]["heading"]) in out
    assert flat(tiers["urgent"]["heading"]) not in out and flat(tiers["soon"]["heading"]) not in out
    for text in [*explainer.prognosis, *explainer.milestones.values()]:
        assert flat(text) not in out
    assert "Your plan" not in out and "What to expect" not in out


def test_a_routine_result_shows_everything_with_the_three_tiers_in_order(assessor: Any) -> None:
    data = intake(radiation="below_knee", duration_days=10)
    out = shown(data, "fr", "nl")
    answer = assessor.assess(data, TODAY, "fr", "nl")
    headings = [out.index(flat(tier["heading"])) for tier in answer["safety_net"]]
    assert len(headings) == 3 and headings == sorted(headings)
    assert all(flat(line) in out for line in answer["prognosis"])
    assert all(flat(m["text"]) in out for m in answer["milestones"])
    assert flat(answer["medication"]["advice"][0]) in out
    assert all(step["title"] in out for step in answer["plan"])
    assert out.endswith(flat(answer["disclaimer"]))
    assert "kinésithérapeute (fysiotherapeut)" in out  # the words of region nl


def test_the_painkillers_show_each_caution_under_its_medicine(assessor: Any) -> None:
    data = intake(blood_thinners=True, heavy_alcohol_use=True)
    out = shown(data, "en")
    med = assessor.assess(data, TODAY, "en")["medication"]
    assert med["nsaid"] == "avoid" and med["paracetamol"] == "reduced_dose"
    explainer = assessor.explainer("en", "be")
    assert flat(explainer.medication["second_choice"]) not in out
    for lines in (med["paracetamol_advice"], med["nsaid_advice"]):
        assert out.index(flat(f"• {lines[0]}")) < out.index(flat(f"– {lines[1]}"))


def test_a_soon_result_shows_two_tiers(assessor: Any) -> None:
    out = shown(intake(unexplained_weight_loss=True), "nl")
    tiers = {t["level"]: flat(t["heading"]) for t in assessor.explainer("nl", "be").safety_tiers}
    assert tiers["emergency"] in out and tiers["urgent"] in out and tiers["soon"] not in out


@pytest.mark.parametrize("lang", [lang for lang in LANGS if lang != "en"])
def test_no_internal_ids_in_the_readable_output(lang: str) -> None:
    for data in (EMERGENCY, intake(fever=True, age=60), intake(unexplained_weight_loss=True), intake()):
        out = shown(data, lang)
        for internal in ("[emergency]", "[urgent]", "[soon]", "[routine]", "self_care", "emergency_department",
                         "(emergency)", "(soon)", "(routine)"):
            assert internal not in out


def test_the_source_is_named_for_a_lay_reader(assessor: Any) -> None:
    out = shown(intake(fever=True), "fr")
    flag = assessor.assess(intake(fever=True), TODAY, "fr")["flags"][0]
    assert flat(f"Source : {flag['source_text']}") in out


def test_json_texts_of_an_emergency_have_no_self_care(assessor: Any) -> None:
    result = run(["assess", "--json", "--lang", "nl", "-"], json.dumps(EMERGENCY))
    answer = json.loads(result.stdout)
    assert answer["medication"] is None and answer["plan"] == [] and answer["prognosis"] == []
    assert answer["milestones"] == [] and answer["safety_net"] == [] and answer["tips"] == []
    text = json.dumps(answer, ensure_ascii=False)
    for line in self_care_texts(assessor, "nl"):
        assert line not in text


def test_json_error_carries_the_emergency_first() -> None:
    result = run(["assess", "--json", "--lang", "en", "-"], json.dumps(intake(bowel_incontinence=True, fever=None)))
    assert result.exit_code == 2
    error = json.loads(result.stdout)["error"]
    assert next(iter(error)) == "emergency"
    assert [f["id"] for f in error["emergency"]["flags"]] == ["cauda_equina_bowel"]
    assert error["fields"] == ["fever"]


def test_an_invalid_intake_with_an_emergency_shows_it_first_and_last(assessor: Any) -> None:
    result = run(["assess", "--lang", "en", "-"], json.dumps(intake(bowel_incontinence=True, fever=None)))
    assert result.exit_code == 2
    err = flat(result.stderr)
    emergency = assessor.assess(intake(bowel_incontinence=True), TODAY, "en")
    assert err.startswith(emergency["action"]["name"])
    assert err.index(emergency["flags"][0]["title"]) < err.index("fever")
    assert err.endswith(flat(f"→ {emergency['action']['where']}"))


# ---- rugwijzer rules: the complete audit (clinical-rules §11) ----------------------------------

def rules_json(lang: str) -> dict[str, Any]:
    result = run(["rules", "--lang", lang, "--format", "json"])
    assert result.exit_code == 0, result.output
    doc: dict[str, Any] = json.loads(result.stdout)
    return doc


def section(doc: dict[str, Any], key: str) -> dict[str, Any]:
    found: dict[str, Any] = next(s for s in doc["sections"] if s["key"] == key)
    return found


def test_rules_cover_everything_a_clinician_audits() -> None:
    doc = rules_json("en")
    assert [s["key"] for s in doc["sections"]] == [
        "episodes", "derived", "flags", "causes", "startback", "startback_risk", "medication", "medication_texts",
        "plan", "avoid", "tips", "risk_factors", "milestones", "diary", "urgencies", "destinations", "regions",
        "safety_net",
        "messages", "flow", "partial_intake", "differences", "references"]
    assert "contract §4" in section(doc, "partial_intake")["title"]
    assert "complete = false" in section(doc, "partial_intake")["note"]


def test_rules_mark_every_downgrade_and_own_choice(assessor: Any) -> None:
    rows = {r["id"]: r for r in section(rules_json("en"), "flags")["rows"]}
    for flag in assessor.kb.flags:
        row = rows[flag.id]
        assert row["level"] == flag.level and row["condition"] == flag.when and row["source"] == flag.source
        assert row["level_if_seen_doctor"] == (flag.level_if_seen_doctor or "")
        assert row["own_choice"] == (f"Rugwijzer's own choice: {flag.own_choice.en}" if flag.own_choice else "")
    assert rows["major_trauma_earlier"]["level_if_seen_doctor"] == "routine"
    assert "2-day" in rows["major_trauma"]["own_choice"] and "14-day" in rows["rest_pain_persisting"]["own_choice"]
    assert rows["aneurysm_shock"]["destination"] == "call_112"


def test_rules_resolve_the_phone_numbers_per_region() -> None:
    doc = rules_json("nl")
    destinations = {(r["id"], r["region"]): r for r in section(doc, "destinations")["rows"]}
    assert "1733" in destinations[("gp_today", "be")]["action"]
    assert "1733" not in destinations[("gp_today", "nl")]["action"]
    assert "huisartsenpost" in destinations[("gp_today", "nl")]["action"]
    assert "spoedafdeling" in destinations[("emergency_department", "be")]["action"]
    assert "SEH" in destinations[("emergency_department", "nl")]["action"]
    assert "spoedafdeling" not in destinations[("call_112", "be")]["action"]
    text = json.dumps(doc, ensure_ascii=False)
    for placeholder in ("{emergency_number}", "{out_of_hours}", "{emergency_department}", "{physio}"):
        assert placeholder not in text
    tiers = section(doc, "safety_net")["rows"]
    assert {r["level"] for r in tiers} == {"emergency", "urgent", "soon"}
    assert any(r["kind"] == "titel" and r["region"] == "be" and "1733" in r["text"] for r in tiers)


def test_rules_list_medication_cautions_and_texts(assessor: Any) -> None:
    doc = rules_json("en")
    cautions = {(r["medicine"], r["caution"]): r for r in section(doc, "medication")["rows"]}
    med = assessor.kb.medication
    assert {c for _, c in cautions} == {c.id for c in [*med.cautions, *med.paracetamol_cautions]}
    assert cautions[("NSAID", "ssri_antidepressant")]["source"] and cautions[("paracetamol", "liver_disease")]["text"]
    assert 'urgency == "emergency"' in section(doc, "medication")["note"]
    texts = {r["id"]: r for r in section(doc, "medication_texts")["rows"]}
    assert texts["nsaid_avoid_urgent"]["when"] == 'urgency == "urgent"'
    assert "until the doctor has seen you today" in texts["nsaid_avoid_urgent"]["text"]


def test_rules_show_the_question_flow_skip_logic_and_the_diary_thresholds() -> None:
    from rugwijzer.knowledge import load_flow
    from rugwijzer.knowledge.diary_rules import load_rules

    doc = rules_json("en")
    flow_rows = section(doc, "flow")["rows"]
    for screen in load_flow().screens:
        row = next(r for r in flow_rows if r["screen"] == screen.id and not r["field"])
        assert row["ask_when"] == (screen.ask_when or "always")
    asked = {r["field"]: r for r in flow_rows if r["field"]}
    assert asked["leg_pain_both_sides"]["ask_when"] and asked["leg_pain_both_sides"]["skip_value"] == "false"
    diary = {r["setting"]: r["value"] for r in section(doc, "diary")["rows"]}
    assert diary["alarm_recheck.every_days"] == str(load_rules().alarm_recheck.every_days)
    assert diary["trend.worsening_rise"] == str(load_rules().trend.worsening_rise)


def test_rules_show_the_differences_of_clinical_rules_11() -> None:
    rows = {r["id"]: r for r in section(rules_json("en"), "differences")["rows"]}
    assert {"first_painkiller", "acupuncture", "age_flag", "prognosis", "children", "duration_classes"} <= set(rows)
    assert "4 in 10" in rows["prognosis"]["text"] and "6 in 10" in rows["prognosis"]["text"]
    assert "7 in 10" in rows["prognosis"]["text"] and "Henschke 2008" in rows["prognosis"]["text"]
    assert "own choice" in rows["children"]["text"] and "16" in rows["children"]["text"]


def test_rules_in_all_languages_side_by_side_as_json() -> None:
    doc = rules_json("all")
    assert doc["lang"] == "all"
    flags = section(doc, "flags")
    first = flags["rows"][0]
    for lang in LANGS:
        assert first[f"why.{lang}"] and first[f"title.{lang}"]
    assert first["why.nl"] != first["why.fr"] != first["why.en"]
    assert "condition" in first and "condition.nl" not in first  # rules themselves are not translated
    partial = section(doc, "partial_intake")["note"]
    assert partial.count("complete = false") == len(LANGS) and all(f"{lang}: " in partial for lang in LANGS)


def test_rules_in_all_languages_as_markdown_tables() -> None:
    result = run(["rules", "--lang", "all", "--format", "markdown"])
    assert result.exit_code == 0
    header = next(line for line in result.stdout.splitlines() if line.startswith("| id | level |"))
    assert "| why (nl) | why (fr) | why (en) |" in header
    for row in result.stdout.splitlines():
        if row.startswith("| cauda_equina_bladder |"):
            assert row.count(" | ") == header.count(" | ")


def test_rules_in_all_languages_in_the_terminal_as_blocks() -> None:
    result = run(["rules", "--lang", "all"])
    assert result.exit_code == 0
    out = result.stdout
    assert "why (nl):" in out and "why (fr):" in out and "why (en):" in out
    assert "Rugwijzer's own choice" in out


def test_rules_bad_language_is_refused() -> None:
    assert run(["rules", "--lang", "es"]).exit_code == 2


@settings(max_examples=120, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(data=intakes(), lang=st.sampled_from(LANGS), region=st.sampled_from(["be", "nl"]))
def test_no_emergency_or_urgent_output_has_self_care_text(assessor: Any, data: dict[str, Any], lang: Any,
                                                          region: Any) -> None:
    """Property (issue 8): whatever the answers, the terminal output of an emergency has no medication,
    plan, prognosis, milestone or safety-net text and ends with the 112 line; an urgent one has no plan,
    prognosis or milestone text and no NSAID as a second choice."""
    from rugwijzer.cli.render import render_assessment
    from rugwijzer.i18n import gettext_for

    answer = assessor.assess(data, TODAY, lang, region)
    console = Console(record=True, width=120, file=io.StringIO())
    render_assessment(console, answer, gettext_for(lang))
    out = flat(console.export_text())
    explainer = assessor.explainer(lang, region)
    assert out.endswith(flat(answer["action"]["where"]) if answer["urgency"] == "emergency"
                        else flat(answer["disclaimer"]))
    if answer["urgency"] not in ("emergency", "urgent"):
        return
    forbidden = [*explainer.prognosis, *explainer.milestones.values(), explainer.medication["second_choice"],
                 *(step["text"] for step in explainer.plan.values())]
    if answer["urgency"] == "emergency":
        forbidden += [*explainer.medication.values(), *(tier["heading"] for tier in explainer.safety_tiers)]
    for text in forbidden:
        assert flat(text) not in out
