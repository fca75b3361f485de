"""A fifth language is data and catalogues only: a throw-away language ``xx`` added to a copy of the
knowledge folder (its registry, languages.yaml, and a text beside every other) and of the catalogue
folder (one .po/.mo per domain) is spoken by the command line, the web app, the API, FHIR and the
PDF's page, with no change to any code. The copies are used through RUGWIJZER_KNOWLEDGE_DIR and
RUGWIJZER_LOCALE_DIR in a fresh process, as a deployment would."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import textwrap
from pathlib import Path
from typing import Any

import pytest
import yaml
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po, write_po

from rugwijzer.i18n import DOMAINS, LOCALE_DIR
from rugwijzer.knowledge import DATA_DIR
from rugwijzer.languages import LANGS

ROOT = Path(__file__).resolve().parents[1]
MARK = "XX-"  # every xx text starts with it, so that a test can tell it from the others
REGISTRY_ENTRY = {"code": "xx", "name": "Xxish", "region": "be", "locales": {"be": "en_GB", "nl": "en_GB"}}


def _add_xx(node: Any) -> int:
    """Give every text (a mapping with exactly the registered languages) an ``xx`` text; count them."""
    count = 0
    if isinstance(node, dict):
        if node and set(node) == set(LANGS) and all(isinstance(v, str) for v in node.values()):
            node["xx"] = MARK + node["en"]
            return 1
        for value in node.values():
            count += _add_xx(value)
    elif isinstance(node, list):
        for value in node:
            count += _add_xx(value)
    return count


def _mark(message: str) -> str:
    return MARK + message if message else message


@pytest.fixture(scope="module")
def folders(tmp_path_factory: pytest.TempPathFactory) -> dict[str, str]:
    base = tmp_path_factory.mktemp("xx")
    data, locale = base / "data", base / "locale"
    shutil.copytree(str(DATA_DIR), data)
    shutil.copytree(str(LOCALE_DIR), locale)
    registry = yaml.safe_load((data / "languages.yaml").read_text(encoding="utf-8"))
    registry["languages"].append(REGISTRY_ENTRY)
    (data / "languages.yaml").write_text(yaml.safe_dump(registry, allow_unicode=True), encoding="utf-8")
    texts = 0
    for path in sorted(data.glob("*.yaml")):
        if path.name == "languages.yaml":
            continue
        document = yaml.safe_load(path.read_text(encoding="utf-8"))
        texts += _add_xx(document)
        path.write_text(yaml.safe_dump(document, allow_unicode=True, sort_keys=False), encoding="utf-8")
    assert texts > 400  # every knowledge text got its xx text
    (locale / "xx" / "LC_MESSAGES").mkdir(parents=True)
    for domain in DOMAINS:
        with (locale / "en" / "LC_MESSAGES" / f"{domain}.po").open("rb") as handle:
            catalogue = read_po(handle, locale="en")
        for message in catalogue:
            if message.id:
                message.string = (tuple(_mark(s) for s in message.string) if isinstance(message.string, tuple)
                                  else _mark(message.string))
        for suffix, writer in ((".po", write_po), (".mo", write_mo)):
            with (locale / "xx" / "LC_MESSAGES" / f"{domain}{suffix}").open("wb") as handle:
                writer(handle, catalogue)
    return {"RUGWIJZER_KNOWLEDGE_DIR": str(data), "RUGWIJZER_LOCALE_DIR": str(locale)}


def rugwijzer(env: dict[str, str], *args: str, code: str | None = None) -> subprocess.CompletedProcess[str]:
    """``python -m rugwijzer ARGS`` (or ``python -c CODE``) in a fresh process with ``env`` added."""
    command = [sys.executable, "-c", code] if code is not None else [sys.executable, "-m", "rugwijzer", *args]
    return subprocess.run(command, capture_output=True, text=True, cwd=ROOT, timeout=120,
                          env={**os.environ, "PYTHONIOENCODING": "utf-8", "COLUMNS": "200", **env})


def test_the_registry_decides_which_languages_exist(folders: dict[str, str]) -> None:
    refused = rugwijzer({}, "assess", "examples/intake-self-care.json", "--lang", "xx")
    assert refused.returncode == 2 and "'xx' is not one of nl, fr, en, de" in refused.stderr
    listed = rugwijzer(folders, code="from rugwijzer.languages import LANGS, NAMES; print(LANGS, NAMES['xx'])")
    assert listed.stdout.strip() == f"{(*LANGS, 'xx')} Xxish", listed.stderr


def test_the_command_line_speaks_the_new_language(folders: dict[str, str]) -> None:
    result = rugwijzer(folders, "assess", "examples/intake-self-care.json", "--lang", "xx")
    assert result.returncode == 0, result.stderr
    out = result.stdout
    assert "XX-What to do now" in out  # the cli catalogue
    assert "XX-Keep moving" in out and "XX-Self-care" in out  # the knowledge texts
    assert "Blijf bewegen" not in out and "Wat doe je nu" not in out  # not the default language
    rules = rugwijzer(folders, "rules", "--lang", "xx", "--format", "markdown")
    assert rules.returncode == 0, rules.stderr
    assert "XX-Rugwijzer knowledge base for low back pain" in rules.stdout
    both = rugwijzer(folders, "rules", "--lang", "all", "--format", "json")
    assert both.returncode == 0 and '"why.xx"' in both.stdout


def test_a_knowledge_text_without_the_new_language_is_refused(folders: dict[str, str], tmp_path: Path) -> None:
    data = tmp_path / "data"
    shutil.copytree(folders["RUGWIJZER_KNOWLEDGE_DIR"], data)
    tips = yaml.safe_load((data / "tips.yaml").read_text(encoding="utf-8"))
    del tips["tips"]["items"][0]["title"]["xx"]
    (data / "tips.yaml").write_text(yaml.safe_dump(tips, allow_unicode=True, sort_keys=False), encoding="utf-8")
    result = rugwijzer({**folders, "RUGWIJZER_KNOWLEDGE_DIR": str(data)}, "rules", "--lang", "xx")
    assert result.returncode != 0
    assert "tips.yaml: items[sleeping_position].title" in result.stderr and "missing xx" in result.stderr


WEB = textwrap.dedent("""
    import json
    from fastapi.testclient import TestClient
    from rugwijzer.report.pdf import assessment_context, render_html
    from rugwijzer.services.assessing import default_assessor
    from rugwijzer.http.web.app import create_app

    client = TestClient(create_app())
    intake = json.load(open("examples/intake-self-care.json"))
    answer = default_assessor().assess(intake, None, "xx", "be")
    print(json.dumps({
        "start": client.get("/?lang=xx").text,
        "missing_by_header": client.get("/no-such-page", headers={"Accept-Language": "xx, nl;q=0.5"}).text,
        "api": client.post("/api/v1/assessments?lang=xx", json=intake).json(),
        "openapi": client.get("/openapi.json").json(),
        "fhir": client.get("/fhir/Questionnaire/rugwijzer-intake?lang=xx").json(),
        "pdf_page": render_html("assessment.html.j2", assessment_context(answer, intake, "xx"), "xx"),
    }))
""")


def test_the_web_app_api_fhir_and_pdf_speak_the_new_language(folders: dict[str, str]) -> None:
    import json

    result = rugwijzer(folders, code=WEB)
    assert result.returncode == 0, result.stderr
    shown = json.loads(result.stdout)
    start = shown["start"]
    assert '<html lang="xx">' in start and "XX-Low back pain: what should you do?" in start
    assert 'hreflang="xx" aria-current="page">Xxish</a>' in start  # in the language switch
    assert '<html lang="xx">' in shown["missing_by_header"]  # Accept-Language negotiation (an error page)
    api = shown["api"]
    assert api["lang"] == "xx" and api["action"]["name"] == "XX-Self-care"
    assert api["disclaimer"].startswith(MARK)
    enums = [p["schema"].get("enum") for path in shown["openapi"]["paths"].values() for op in path.values()
             if isinstance(op, dict) for p in op.get("parameters", []) if p.get("name") == "lang"]
    assert enums and all(e == [*LANGS, "xx"] for e in enums)
    fhir = shown["fhir"]
    assert fhir["language"] == "xx" and fhir["title"].startswith(MARK)
    assert fhir["item"][0]["text"].startswith(MARK)
    assert '<html lang="xx">' in shown["pdf_page"] and "XX-Back pain: summary for the doctor" in shown["pdf_page"]
