"""The web diary in a real browser: the real server on a free port on 127.0.0.1 and Debian's headless
Chromium (never ``playwright install``). A new user starts a diary, answers the self-check, adds
entries until day 43 and sees the six-weeks advice; axe-core runs on every kind of diary page (zero
violations allowed) on a phone-sized screen. Skips, saying so, without /usr/bin/chromium."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date
from pathlib import Path
from typing import Any

import pytest

import rugwijzer.diary.web as diary_web
from diary_support import day
from live import BROWSER_TESTS, chromium, serving
from rugwijzer.storage import ENV_HOME, ENV_URL

PHONE = {"width": 390, "height": 844}

pytestmark = BROWSER_TESTS

ANSWERS = {"age": "40", "sex": "male", "radiation": "none", "pain_trend": "stable", "first_episode": "true",
           "leg_weakness": "none", "numbness_tingling": "none", "trauma": "none", "pain_score": "5",
           "wants_startback": "false"}


@pytest.fixture(scope="module")
def base_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    from rugwijzer.web.app import create_app

    patch = pytest.MonkeyPatch()
    patch.delenv(ENV_URL, raising=False)
    patch.setenv(ENV_HOME, str(tmp_path_factory.mktemp("diary-home")))
    try:
        with serving(create_app()) as url:
            yield url
    finally:
        patch.undo()


@pytest.fixture
def page(base_url: str) -> Iterator[Any]:

    with chromium() as browser:
        yield browser.new_context(viewport=PHONE, accept_downloads=True).new_page()


def set_today(monkeypatch: pytest.MonkeyPatch, today: date) -> None:
    monkeypatch.setattr(diary_web, "clock", lambda: today)


def axe_clean(page: Any, name: str) -> None:
    from axe_playwright_python.sync_playwright import Axe

    assert page.evaluate("() => document.documentElement.scrollWidth <= window.innerWidth"), name
    results = Axe().run(page)
    assert results.violations_count == 0, f"{name}:\n{results.generate_report()}"


def answer_screen(page: Any) -> None:
    for name in page.eval_on_selector_all("input[type=radio]", "els => [...new Set(els.map(e => e.name))]"):
        values = page.eval_on_selector_all(f"input[name='{name}']", "els => els.map(e => e.value)")
        value = ANSWERS.get(name, "false" if "false" in values else values[0])
        page.check(f"input[name='{name}'][value='{value}']")
    for name in page.eval_on_selector_all("input[type=text]", "els => els.map(e => e.name)"):
        page.fill(f"input[name='{name}']", ANSWERS.get(name, ""))


def test_a_new_user_keeps_a_diary_in_the_browser(page: Any, base_url: str, monkeypatch: pytest.MonkeyPatch) -> None:
    set_today(monkeypatch, day(0))
    page.goto(f"{base_url}/diary?lang=en")
    axe_clean(page, "empty diary")
    page.fill("#d-onset", day(0).isoformat())
    page.click("button.primary")
    axe_clean(page, "self-check screen")
    for _ in range(30):
        if "/diary/start" not in page.content():
            break
        answer_screen(page)
        page.click("button.primary")
    assert "The diary has started" in page.content()
    axe_clean(page, "diary after start")

    set_today(monkeypatch, day(43))
    page.goto(f"{base_url}/diary?lang=en")
    page.fill("#d-entry-date", day(43).isoformat())
    page.check("input[name='pain_score'][value='5']")
    page.fill("#d-notes", "walked to the park")
    page.click("form[action='/diary/entries'] button.primary")
    axe_clean(page, "alarm questions with errors")  # the weekly alarm questions were left empty
    answer_screen(page)
    page.check("input[name='pain_score'][value='5']")
    page.click("form[action='/diary/entries'] button.primary")
    content = page.content()
    assert "Entry saved" in content and "Pain for more than six weeks" in content
    assert page.locator("svg.pain-chart").is_visible() and page.locator("table.diary-table").is_visible()
    axe_clean(page, "diary with entries")

    with page.expect_download() as download:
        page.click("a[href*='/diary/export/csv']")
    assert "walked to the park" in Path(download.value.path()).read_text()
    import rugwijzer.diary.web_export as web_export

    monkeypatch.setattr(web_export, "STREAM_ABOVE", 0)  # show the progress page even for a short diary
    page.goto(f"{base_url}/diary/export/pdf?lang=en")
    assert "Your PDF is ready" in page.content()
    axe_clean(page, "export progress")
    with page.expect_download() as pdf:
        page.click("a[href*='/diary/export/ready/']")
    assert Path(pdf.value.path()).read_bytes().startswith(b"%PDF-")
    page.goto(f"{base_url}/diary?lang=en")
    page.click("a[href*='/diary/delete']")
    axe_clean(page, "delete confirmation")
    page.check("#d-confirm")
    page.click("button.danger")
    assert "Nothing of the diary is left" in page.content()
    axe_clean(page, "deleted")
