"""End to end: the real server on a free port on 127.0.0.1 and Debian's headless Chromium.

For each language it completes the self-check for an emergency, an urgent, a "soon" and a self-care
case on a phone-sized screen (answers given by the contract's field names), checks that the result's
first screen holds what to do and where, downloads the PDF, and runs axe-core on every page it meets,
results folded and unfolded (zero violations allowed). It also measures, and prints, the screens and seconds a typical
self-care case takes and the bytes each page transfers (never asserted: timings vary by machine).

Chromium is Debian's (/usr/bin/chromium), driven by Playwright's Python API; never run
``playwright install``. Without /usr/bin/chromium these tests skip, saying so.
"""

from __future__ import annotations

import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest

from live import BROWSER_TESTS, WIDEST, chromium, serving
from rugwijzer.knowledge import load_flow, load_knowledge
from rugwijzer.languages import LANGS

PHONE = {"width": 390, "height": 844}
MAX_PAGE_BYTES = 60 * 1024
# For the estimate of a person's time (printed, never asserted): plain B1 text read at 200 words a
# minute, and three seconds to tap each answer (issue 9).
WORDS_PER_MINUTE = 200
SECONDS_PER_ANSWER = 3

pytestmark = BROWSER_TESTS

SELF_CARE: dict[str, Any] = {
    "age": 40, "sex": "male", "radiation": "none", "duration_days": 3, "pain_trend": "stable",
    "first_episode": "null", "leg_weakness": "none", "numbness_tingling": "none", "trauma": "none",
    "pain_score": 4, "risk_factors": ["sedentary_work"], "wants_startback": False,
}
CASES: dict[str, dict[str, Any]] = {
    "self_care": SELF_CARE,
    "soon": {**SELF_CARE, "age": 62, "radiation": "toes", "leg_pain_both_sides": False},
    "urgent": {**SELF_CARE, "fever": True},
    "emergency": {**SELF_CARE, "age": 52, "saddle_numbness": True},
}


@dataclass
class Measurements:
    pages: list[tuple[str, int]] = field(default_factory=list)  # (page, bytes transferred)
    # (lang, case, screens, seconds in the browser without our checks, words read, answers given)
    runs: list[tuple[str, str, int, float, int, int]] = field(default_factory=list)
    axe_pages: int = 0
    checking: float = 0.0  # seconds spent in check_page (axe, sizes), left out of the timings


MEASURED = Measurements()


# ---- the server and the browser ----------------------------------------------------------------

@pytest.fixture(scope="module")
def base_url() -> Iterator[str]:
    """The real app under uvicorn; always shut down, even when a test fails."""
    from rugwijzer.http.web.app import create_app

    with serving(create_app()) as url:
        yield url


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    with chromium() as launched:
        yield launched


@pytest.fixture
def page(browser: Any) -> Iterator[Any]:
    context = browser.new_context(viewport=PHONE, accept_downloads=True)
    try:
        yield context.new_page()
    finally:
        context.close()


@pytest.fixture(scope="module", autouse=True)
def report_measurements(request: pytest.FixtureRequest) -> Iterator[None]:
    yield
    if not MEASURED.runs:
        return
    lines = ["", "Self-check in Chromium (phone-sized, 390x844):"]
    for lang, case, screens, seconds, words, answers in MEASURED.runs:
        person = words / WORDS_PER_MINUTE * 60 + answers * SECONDS_PER_ANSWER
        lines.append(f"  {lang} {case:<9} {screens:>2} question screens, {seconds:5.2f} s in the browser; "
                     f"a person: about {person / 60:.1f} min ({words} words to read, {answers} answers)")
    biggest = max(MEASURED.pages, key=lambda p: p[1])
    lines.append(f"  pages measured: {len(MEASURED.pages)}; axe-core run on {MEASURED.axe_pages} pages, "
                 "0 violations")
    lines.append(f"  largest page: {biggest[0]} {biggest[1]} bytes transferred (limit {MAX_PAGE_BYTES})")
    seen: set[str] = set()
    for name, size in MEASURED.pages:
        if name not in seen:
            seen.add(name)
            lines.append(f"    {name:<40} {size:>6} bytes")
    capture = request.config.pluginmanager.getplugin("capturemanager")
    with capture.global_and_fixture_disabled() if capture else _nothing():
        print("\n".join(lines))


class _nothing:
    def __enter__(self) -> None:
        return None

    def __exit__(self, *args: object) -> None:
        return None


# ---- helpers -----------------------------------------------------------------------------------

AXE_DONE: set[str] = set()


def check_page(page: Any, name: str) -> None:
    """Every page: small, no horizontal scrolling on a phone, and no axe-core violation."""
    began = time.perf_counter()
    try:
        _check_page(page, name)
    finally:
        MEASURED.checking += time.perf_counter() - began


def _check_page(page: Any, name: str) -> None:
    transferred = page.evaluate(
        """() => performance.getEntriesByType('navigation').concat(performance.getEntriesByType('resource'))
                .reduce((sum, e) => sum + (e.transferSize || e.encodedBodySize || 0), 0)""")
    document = page.evaluate("() => document.documentElement.outerHTML.length")
    size = max(int(transferred), int(document))
    MEASURED.pages.append((name, size))
    assert size <= MAX_PAGE_BYTES, f"{name}: {size} bytes"
    page.wait_for_load_state("load")  # a page measured while its stylesheet still loads is wider
    assert page.evaluate("() => document.documentElement.scrollWidth <= window.innerWidth"), (
        name, page.evaluate(WIDEST))
    if name in AXE_DONE:  # the same page in the same state was already checked
        return
    from axe_playwright_python.sync_playwright import Axe

    results = Axe().run(page)
    MEASURED.axe_pages += 1
    AXE_DONE.add(name)
    assert results.violations_count == 0, f"{name}:\n{results.generate_report()}"


def count_words(page: Any) -> int:
    """Words a person reads on a question screen: title, intro, questions and answers (the help
    texts stay folded; buttons, progress and footer are not counted)."""
    texts: list[str] = page.eval_on_selector_all(
        "main h1, main .intro, main .notice, #flow legend, #flow .question-label, #flow .option label",
        "els => els.map(e => e.innerText)")
    return sum(len(text.split()) for text in texts)


def fields_on(page: Any) -> list[str]:
    names: list[str] = page.eval_on_selector_all(
        "#flow input:not([type=hidden]), #flow select", "els => [...new Set(els.map(e => e.name))]")
    return names


def token(value: Any) -> str:
    if value is None:
        return "null"
    return str(value).lower() if isinstance(value, bool) else str(value)


def fill_screen(page: Any, wanted: dict[str, Any]) -> None:
    for name in fields_on(page):
        if name.endswith("__unit"):
            page.select_option(f'select[name="{name}"]', "days")
            continue
        value = wanted.get(name, False)
        question = load_flow().question(name)
        if question.kind == "checklist":  # the fields wanted true, or "none of these" ticked on purpose
            value = [item.field for item in question.items if wanted.get(item.field) is True] or ["none"]
        kind = page.get_attribute(f'#flow [name="{name}"]', "type")
        if kind == "text":
            page.fill(f'input[name="{name}"]', str(value))
        elif kind == "checkbox":
            for item in value:
                page.check(f'input[name="{name}"][value="{item}"]')
        else:
            page.check(f'input[name="{name}"][value="{token(value)}"]')


def click_and_wait(page: Any, selector: str) -> None:
    with page.expect_navigation():
        page.click(selector)


def start(page: Any, base_url: str, lang: str) -> None:
    page.goto(f"{base_url}/?lang={lang}")
    check_page(page, f"{lang}/start")
    click_and_wait(page, "main form button[type=submit]")


def screen_id(page: Any) -> str:
    value: str = page.get_attribute('#flow input[name="screen"]', "value")
    return value


# ---- the tests ---------------------------------------------------------------------------------

def heading(lang: str, case: str) -> str:
    """The result's heading for an urgency, from the knowledge base (the test follows its words)."""
    name = next(u.name for u in load_knowledge().messages.urgencies if u.id == case)
    return str(getattr(name, lang))


@pytest.mark.parametrize("lang", LANGS)
@pytest.mark.parametrize("case", ["self_care", "soon", "urgent", "emergency"])
def test_complete_the_self_check(page: Any, base_url: str, lang: str, case: str) -> None:
    wanted = CASES[case]
    started, checking = time.perf_counter(), MEASURED.checking
    start(page, base_url, lang)
    screens = words = answers = 0
    while page.locator("#flow").count():
        screens += 1
        check_page(page, f"{lang}/{screen_id(page)}")
        words += count_words(page)
        answers += len([n for n in fields_on(page) if not n.endswith("__unit")])
        fill_screen(page, wanted)
        click_and_wait(page, '#flow button[value="next"]')
    seconds = time.perf_counter() - started - (MEASURED.checking - checking)
    MEASURED.runs.append((lang, case, screens, seconds, words, answers))
    assert page.inner_text("#urgency-title").startswith(heading(lang, case))
    check_page(page, f"{lang}/result-{case}")
    assert page.locator('a[href="tel:112"]').count() >= 1
    assert page.locator("footer .disclaimer").inner_text().strip()
    first_screen_holds_what_and_where(page)
    if case == "emergency":
        assert screens <= 2  # the alarm signs come first: an emergency within two screens (issue 9)
        assert page.locator(".callout-emergency").count() == 1
        assert "112" in page.inner_text(".urgency .action")
    elif case == "urgent":
        assert page.locator("#plan-title").count() == 0 and page.locator("#medication-title").count() == 1
    else:
        assert page.locator("#plan-title").count() == 1
        unfold_everything(page)
        check_page(page, f"{lang}/result-{case}-unfolded")
    download_pdf(page)


def first_screen_holds_what_and_where(page: Any) -> None:
    """The action and where to go are on the first phone screen, without scrolling (issue 9)."""
    page.evaluate("() => window.scrollTo(0, 0)")
    for selector in ("#urgency-title", ".urgency .action", ".urgency .where"):
        box = page.locator(selector).bounding_box()
        assert box is not None and box["y"] + box["height"] <= PHONE["height"], selector


def unfold_everything(page: Any) -> None:
    """Open every <details> the way a person does: by its summary (nested ones once their parent is open)."""
    for _ in range(3):
        closed = page.locator("details:not([open]) > summary")
        if not closed.count():
            return
        for i in range(closed.count() - 1, -1, -1):
            summary = closed.nth(i)
            if summary.is_visible():
                summary.click()
    assert page.locator("details:not([open])").count() == 0


def test_the_print_button_opens_the_folded_parts_for_the_paper(page: Any, base_url: str) -> None:
    start(page, base_url, "en")
    while page.locator("#flow").count():
        fill_screen(page, SELF_CARE)
        click_and_wait(page, '#flow button[value="next"]')
    button = page.locator("button[data-print]")
    assert button.is_visible()  # hidden without JavaScript, shown by the script
    page.evaluate("() => { window.print = () => { window.__printed = true; }; }")
    button.click()
    assert page.evaluate("() => window.__printed === true")
    page.evaluate("() => window.dispatchEvent(new Event('beforeprint'))")
    assert page.locator("details:not([open])").count() == 0
    page.evaluate("() => window.dispatchEvent(new Event('afterprint'))")
    assert page.locator("details[open]").count() == 0


def download_pdf(page: Any) -> None:
    with page.expect_download() as info:
        page.click('form[action="/report.pdf"] button')
    path = info.value.path()
    assert path is not None
    assert Path(path).read_bytes().startswith(b"%PDF")


def test_errors_are_shown_next_to_their_fields_and_pass_axe(page: Any, base_url: str) -> None:
    start(page, base_url, "en")
    click_and_wait(page, '#flow button[value="next"]')
    assert page.title().startswith("Error:")
    assert page.locator(".error-summary a").count() >= 2  # every question of the first screen left empty
    assert page.evaluate("() => document.activeElement.classList.contains('error-summary')")
    described = page.get_attribute("#q-age", "aria-describedby")
    assert described is not None and "q-age-error" in described.split()
    check_page(page, "en/first-screen-with-errors")
    page.click('.error-summary a[href="#q-age"]')
    assert page.evaluate("() => document.activeElement.id") == "q-age"


def assert_filled(page: Any, wanted: dict[str, Any]) -> None:
    """Every yes/no and choice question on the screen shows the answer given before."""
    for name in fields_on(page):
        if page.get_attribute(f'#flow [name="{name}"]', "type") == "radio":
            value = token(wanted.get(name, False))
            assert page.is_checked(f'input[name="{name}"][value="{value}"]'), name


def test_back_and_reload_never_lose_answers(page: Any, base_url: str) -> None:
    wanted = {**SELF_CARE, "age": 47}
    start(page, base_url, "nl")
    fill_screen(page, wanted)
    click_and_wait(page, '#flow button[value="next"]')
    second = screen_id(page)
    fill_screen(page, wanted)
    click_and_wait(page, '#flow button[value="next"]')
    third = screen_id(page)
    assert third != second
    page.reload()  # sends the same form again
    assert screen_id(page) == third
    page.go_back()  # the browser's own Back button
    assert screen_id(page) == second
    assert_filled(page, wanted)
    click_and_wait(page, '#flow button[value="next"]')
    click_and_wait(page, '#flow button[value="back"]')  # our Back button
    assert screen_id(page) == second
    assert_filled(page, wanted)
    click_and_wait(page, '#flow button[value="back"]')
    assert page.input_value("#q-age") == "47"


def test_the_language_switch_keeps_the_answers(page: Any, base_url: str) -> None:
    start(page, base_url, "nl")
    fill_screen(page, SELF_CARE)
    click_and_wait(page, '#flow button[value="next"]')
    second = screen_id(page)
    click_and_wait(page, 'form.languages button[value="fr"]')
    assert page.get_attribute("html", "lang") == "fr"
    assert screen_id(page) == second
    click_and_wait(page, '#flow button[value="back"]')
    assert page.input_value("#q-age") == "40"
    check_page(page, "fr/first-screen-filled")
    click_and_wait(page, 'form.languages button[value="de"]')  # and on into German: still the same answers
    assert page.get_attribute("html", "lang") == "de"
    assert page.input_value("#q-age") == "40"
    check_page(page, "de/first-screen-filled")


def test_it_works_without_javascript(browser: Any, base_url: str) -> None:
    context = browser.new_context(viewport=PHONE, java_script_enabled=False)
    try:
        page = context.new_page()
        page.goto(f"{base_url}/?lang=en")
        click_and_wait(page, "main form button[type=submit]")
        first = screen_id(page)
        while page.locator("#flow").count():
            fill_screen(page, {**SELF_CARE, "age": 35, "sex": "female"})
            click_and_wait(page, '#flow button[value="next"]')
            assert not page.locator("#flow").count() or screen_id(page) != first
        assert page.inner_text("#urgency-title") == heading("en", "self_care")
        assert not page.locator("button[data-print]").is_visible()  # the print button needs the script
        page.locator("#avoid > summary").click()  # folded parts open without JavaScript
        assert page.locator("#avoid").get_attribute("open") is not None
    finally:
        context.close()
