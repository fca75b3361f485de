"""The web diary in a real browser: the real server on a free port on 127.0.0.1 and Debian's headless
Chromium (never ``playwright install``). A new user starts a diary, answers the self-check, adds
entries until day 43 and sees the six-weeks advice; axe-core runs on every kind of diary page (zero
violations allowed) on a phone-sized screen. Skips, saying so, without /usr/bin/chromium."""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import date
from pathlib import Path
from typing import Any

import pytest

from diary_support import day
from live import BROWSER_TESTS, WIDEST, chromium, serving
from rugwijzer import bootstrap
from rugwijzer.http.web import auth
from rugwijzer.storage import ENV_HOME, ENV_URL
from test_diary_web import finished_answers

PHONE = {"width": 390, "height": 844}

pytestmark = BROWSER_TESTS

ANSWERS = {"age": "40", "sex": "male", "radiation": "none", "pain_trend": "stable", "first_episode": "true",
           "leg_weakness": "none", "numbness_tingling": "none", "trauma": "none", "pain_score": "5",
           "wants_startback": "false"}


@pytest.fixture(scope="module")
def base_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    from rugwijzer.http.web.app import create_app

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
    monkeypatch.setattr(bootstrap, "clock", lambda: today)


def axe_clean(page: Any, name: str) -> None:
    from axe_playwright_python.sync_playwright import Axe

    page.wait_for_load_state("load")  # a page measured while its stylesheet still loads is wider
    assert page.evaluate("() => document.documentElement.scrollWidth <= window.innerWidth"), (
        name, page.evaluate(WIDEST))
    results = Axe().run(page)
    assert results.violations_count == 0, f"{name}:\n{results.generate_report()}"


def answer_screen(page: Any) -> None:
    for name in page.eval_on_selector_all("input[type=radio]", "els => [...new Set(els.map(e => e.name))]"):
        values = page.eval_on_selector_all(f"input[name='{name}']", "els => els.map(e => e.value)")
        value = ANSWERS.get(name, "false" if "false" in values else values[0])
        page.check(f"input[name='{name}'][value='{value}']")
    for name in page.eval_on_selector_all("input[type=checkbox][value=none]", "els => els.map(e => e.name)"):
        page.check(f"input[name='{name}'][value='none']")  # a checklist: "none of these", ticked on purpose
    for name in page.eval_on_selector_all("input[type=text]", "els => els.map(e => e.name)"):
        page.fill(f"input[name='{name}']", ANSWERS.get(name, ""))


def test_a_new_user_keeps_a_diary_in_the_browser(page: Any, base_url: str, monkeypatch: pytest.MonkeyPatch) -> None:
    set_today(monkeypatch, day(0))
    page.goto(f"{base_url}/diary?lang=en")  # not logged in: the login page, nothing of the diary
    assert "Open your diary" in page.content() and 'name="token"' not in page.content()
    axe_clean(page, "login page")
    page.goto(f"{base_url}/diary/login?code={auth.new_login_code()}&lang=en")  # the link `serve` prints
    assert page.url.endswith("/diary?lang=en")
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
    page.click("form[action^='/diary/entries'] button.primary")
    axe_clean(page, "alarm questions with errors")  # the weekly alarm questions were left empty
    answer_screen(page)
    page.check("input[name='pain_score'][value='5']")
    page.click("form[action^='/diary/entries'] button.primary")
    content = page.content()
    assert "Entry saved" in content and "Pain for more than six weeks" in content
    assert page.locator("svg.pain-chart").is_visible() and page.locator("table.diary-table").is_visible()
    axe_clean(page, "diary with entries")

    with page.expect_download() as download:
        page.click("a[href*='/diary/export/csv']")
    assert "walked to the park" in Path(download.value.path()).read_text()
    import rugwijzer.http.web.diary_export as web_export

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


def start_with_the_self_check(page: Any, base_url: str) -> None:
    page.goto(f"{base_url}/diary?lang=en")
    page.fill("#d-onset", day(0).isoformat())
    page.click("button.primary")
    for _ in range(30):
        if "/diary/start" not in page.content():
            break
        answer_screen(page)
        page.click("button.primary")
    assert "The diary has started" in page.content()


def log_in(page: Any, base_url: str) -> None:
    page.goto(f"{base_url}/diary/login?code={auth.new_login_code()}&lang=en")
    if "/diary/delete" in page.content() or "Start a diary" not in page.content():  # an earlier test's diary
        page.goto(f"{base_url}/diary/delete?lang=en")
        page.check("#d-confirm")
        page.click("button.danger")


def test_an_entry_waiting_for_the_alarm_questions_opens_at_them_saying_not_saved(
        page: Any, base_url: str, monkeypatch: pytest.MonkeyPatch) -> None:
    """Issue 9 §4: no JavaScript; the form's action carries the fragment of what needs doing."""
    set_today(monkeypatch, day(0))
    log_in(page, base_url)
    start_with_the_self_check(page, base_url)
    set_today(monkeypatch, day(1))
    page.goto(f"{base_url}/diary?lang=en")
    page.check("input[name='pain_score'][value='8']")  # higher than at the start: the questions first
    page.click("form[action^='/diary/entries'] button.primary")
    assert page.url.endswith("#entry-check")
    questions = page.locator("#entry-check")
    assert "Not saved yet" in questions.inner_text()
    box = questions.bounding_box()
    assert box is not None and -2 <= box["y"] < PHONE["height"] / 2  # the questions, at the top of the screen
    assert page.evaluate("() => document.activeElement.id") == "entry-check"
    assert page.locator("p.callout-warn").count() == 1  # and the message at the top of the page
    axe_clean(page, "entry waiting for the alarm questions")
    answer_screen(page)
    page.check("input[name='pain_score'][value='8']")
    page.click("form[action^='/diary/entries'] button.primary")
    assert "Entry saved" in page.content() and page.url.endswith("#advice")


def test_the_chart_text_is_readable_and_the_notes_reachable_on_a_phone(
        page: Any, base_url: str, monkeypatch: pytest.MonkeyPatch) -> None:
    set_today(monkeypatch, day(0))
    log_in(page, base_url)
    start_with_the_self_check(page, base_url)
    for n, pain in ((3, 5), (10, 4), (24, 3)):
        set_today(monkeypatch, day(n))
        page.goto(f"{base_url}/diary?lang=fr")
        page.fill("#d-entry-date", day(n).isoformat())
        page.check(f"input[name='pain_score'][value='{pain}']")
        page.fill("#d-notes", f"note du jour {n}, assez longue pour prendre de la place dans le tableau")
        answer_screen(page)
        page.check(f"input[name='pain_score'][value='{pain}']")
        page.click("form[action^='/diary/entries'] button.primary")
        assert "callout-ok" in page.content()
    sizes = page.evaluate("""() => {
        const svg = document.querySelector('svg.pain-chart');
        const scale = svg.getBoundingClientRect().width / svg.viewBox.baseVal.width;
        return [...svg.querySelectorAll('text')].map(t => parseFloat(getComputedStyle(t).fontSize) * scale);
    }""")
    assert sizes and min(sizes) >= 12, sizes
    region = page.locator("div.table-scroll")
    region.focus()  # the region takes the keyboard focus: arrows scroll it sideways
    for _ in range(40):
        page.keyboard.press("ArrowRight")
    page.wait_for_function("""() => { const s = document.querySelector('div.table-scroll');
                                      return s.scrollLeft + s.clientWidth >= s.scrollWidth - 1; }""")
    cell = page.locator("table.diary-table tbody tr:last-child td:last-child")
    assert "note du jour 24" in cell.inner_text()
    inside = page.evaluate("""() => {
        const r = document.querySelector('div.table-scroll').getBoundingClientRect();
        const c = document.querySelector('table.diary-table tbody tr:last-child td:last-child').getBoundingClientRect();
        const s = document.querySelector('div.table-scroll');
        return c.left >= r.left - 1 && c.right <= r.right + 1 ? true : [r.left, r.right, c.left, c.right,
                                                                         s.scrollLeft, s.scrollWidth];
    }""")
    assert inside is True, inside
    axe_clean(page, "diary with notes, in French")


def test_keep_a_diary_from_the_result_page(page: Any, base_url: str, monkeypatch: pytest.MonkeyPatch) -> None:
    set_today(monkeypatch, day(0))
    log_in(page, base_url)
    page.goto(f"{base_url}/?lang=en")
    page.evaluate("""answers => {  // the result page, as the result's own forms post it
        const form = Object.assign(document.createElement('form'), {method: 'post', action: '/check'});
        for (const [name, value] of Object.entries({view: 'result', lang: 'en', region: 'be', answers})) {
            form.append(Object.assign(document.createElement('input'), {type: 'hidden', name, value}));
        }
        document.body.append(form);
        form.submit();
    }""", json.dumps(finished_answers()))
    page.wait_for_selector("form.keep-diary")
    axe_clean(page, "result with keep a diary")
    page.click("form.keep-diary button")
    assert "Keep a diary with these answers" in page.content()
    axe_clean(page, "keep a diary: confirm the onset")
    page.click("button.primary")
    assert "The diary has started" in page.content()
