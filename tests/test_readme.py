"""The README's commands work as written (issue 9 §5): every ``rugwijzer`` / ``python -m rugwijzer``
line of its shell blocks runs, from a folder holding ``examples/`` as a fresh clone does, and the
``curl`` example gets its answer from the app; every ``examples/`` file it names exists and is a
valid intake; it starts with the two ``make`` commands, and ``make run PORT=...`` reaches ``serve``."""

from __future__ import annotations

import json
import re
import shlex
import subprocess
from pathlib import Path

import pytest
from typer.testing import CliRunner

from rugwijzer.cli.app import app
from rugwijzer.storage import ENV_HOME, ENV_URL

ROOT = Path(__file__).resolve().parents[1]
README = (ROOT / "README.md").read_text(encoding="utf-8")
PREFIXES = (["rugwijzer"], ["python", "-m", "rugwijzer"], ["python3", "-m", "rugwijzer"])
# The terminal self-check asks its questions on standard input: a typical self-care case (35, male,
# 3 days, no alarm signs, pain 4, about the same), then "0" (no / none of these) to the end.
CHECK_ANSWERS = "35\n2\n3\n1\n0\n0\n0\n0\n0\n0\n4\n2\n" + "0\n" * 40


def blocks(language: str) -> list[str]:
    return re.findall(rf"^```{language}\n(.*?)^```", README, re.S | re.M)


def commands(block: str) -> list[list[str]]:
    """The command lines of a shell block (continued lines joined, comments dropped)."""
    joined = re.sub(r"\\\n\s*", " ", block)
    return [shlex.split(line, comments=True) for line in joined.splitlines() if line.strip()]


def rugwijzer_commands() -> list[list[str]]:
    found = []
    for block in blocks("sh"):
        for words in commands(block):
            for prefix in PREFIXES:
                if words[:len(prefix)] == prefix:
                    found.append(words[len(prefix):])
    return found


def test_the_readme_starts_with_the_two_commands() -> None:
    first = blocks("sh")[0]
    assert [words[:2] for words in commands(first)] == [["make", "run"], ["make", "test"]]
    assert README.index("```") == README.index("```sh\n" + first)  # the first code block of all


def test_every_examples_path_in_the_readme_exists_and_is_a_valid_intake() -> None:
    from rugwijzer.services.assessing import default_assessor

    named = set(re.findall(r"examples/[\w.-]+", README))
    assert {"examples/intake-self-care.json", "examples/intakes.jsonl"} <= named
    assessor = default_assessor()
    for name in sorted(named):
        path = ROOT / name
        assert path.is_file(), f"README names {name}, which does not exist"
        texts = path.read_text(encoding="utf-8").splitlines() if path.suffix == ".jsonl" else [path.read_text()]
        for text in texts:
            assessment = assessor.assessment(json.loads(text))  # raises IntakeError when not valid
            assert assessment.complete or assessment.urgency == "emergency", name


@pytest.fixture
def fresh_clone(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A working folder like a fresh clone's (``examples/`` in it) and a diary of its own."""
    (tmp_path / "work").mkdir()
    (tmp_path / "work" / "examples").symlink_to(ROOT / "examples", target_is_directory=True)
    monkeypatch.chdir(tmp_path / "work")
    monkeypatch.delenv(ENV_URL, raising=False)
    monkeypatch.setenv(ENV_HOME, str(tmp_path / "home"))
    return tmp_path / "work"


def test_every_rugwijzer_command_in_the_readme_runs_as_written(fresh_clone: Path) -> None:
    found = rugwijzer_commands()
    assert len(found) >= 15 and ["--version"] in found
    runner = CliRunner()
    for args in found:
        interactive = args[:1] == ["check"]
        result = runner.invoke(app, args, input=CHECK_ANSWERS if interactive else None)
        shown = " ".join(["rugwijzer", *args])
        assert result.exit_code == 0, f"{shown}\n{result.output}"
        assert "Traceback" not in result.output, shown
        if interactive:
            assert "does not replace a doctor" in result.output
        output = next((args[i + 1] for i, a in enumerate(args) if a in ("-o", "--output")), None)
        if output:  # a PDF report, or a screening's Parquet or CSV table
            start = {".pdf": b"%PDF-", ".parquet": b"PAR1", ".csv": b"id,urgency,"}[Path(output).suffix]
            assert (fresh_clone / output).read_bytes().startswith(start), shown


def test_the_curl_example_gets_its_assessment(fresh_clone: Path) -> None:
    from fastapi.testclient import TestClient

    from rugwijzer.http.web.app import create_app

    curls = [words for block in blocks("sh") for words in commands(block) if words[:1] == ["curl"]]
    assert curls
    client = TestClient(create_app())
    for words in curls:
        url = next(w for w in words if w.startswith("http"))
        body = next(words[i + 1] for i, w in enumerate(words) if w == "-d")
        assert body.startswith("@")
        response = client.post(url.split("8000", 1)[1], content=Path(body[1:]).read_bytes(),
                               headers={"Content-Type": "application/json"})
        assert response.status_code == 200, response.text
        assert response.json()["urgency"] == "self_care"


def test_make_run_takes_a_port_and_keeps_args(tmp_path: Path) -> None:
    """``make run PORT=8123`` and ``ARGS=`` reach ``rugwijzer serve`` (a dry run: nothing starts)."""
    if subprocess.run(["make", "--version"], capture_output=True).returncode != 0:
        pytest.skip("make is not installed")
    venv = tmp_path / "venv"
    venv.mkdir()
    (venv / ".installed").touch()  # newer than pyproject.toml and the lock: no install step
    for extra, wanted in ((["PORT=8123"], ["serve", "--port", "8123"]),
                          (["PORT=8124", "ARGS=--lang fr"], ["serve", "--port", "8124", "--lang", "fr"]),
                          (["ARGS=--lang en --port 8001"], ["serve", "--lang", "en", "--port", "8001"])):
        done = subprocess.run(["make", "-n", "--no-print-directory", "-C", str(ROOT), "run", f"VENV={venv}", *extra],
                              capture_output=True, text=True, check=True)
        [line] = done.stdout.strip().splitlines()
        assert shlex.split(line) == [f"{venv}/bin/rugwijzer", *wanted], done.stdout
    assert "make run PORT=" in README
