"""The self-check in the browser: ``GET /`` (start), ``POST /check`` (each question screen and the
result) and ``POST /report.pdf`` (the result as a PDF to take to the doctor).

Where the answers live. The self-check stores nothing, so the answers travel with the page: every
form carries all answers so far in one hidden field, and each step is a POST. We chose this over
the alternatives on purpose:

- answers in the URL (POST-redirect-GET with a query string): URLs end up in the browser history,
  in synced browser profiles, in bookmarks and in logs. Health data must not be there.
- a cookie or a server-side session: that is storage, on the machine or on the server.

Back and reload keep the answers all the same. Our own Back button posts every answer and shows
the previous screen filled in. The browser's Back shows the earlier page from its history cache
(we send ``Cache-Control: private, no-cache``: ``no-store`` would turn Back into a "confirm form
resubmission" page), and a reload sends the same form again, which gives the same page: every
step is computed from the form alone. A full reload of ``/check`` without a form starts again.

Every answer goes through the one engine: after each screen :func:`rugwijzer.core.flow.submit`
asks it whether the answers so far are already an emergency (contract §4).
"""

from __future__ import annotations

import functools
import json
from collections.abc import Mapping, Sequence
from datetime import date
from importlib import resources
from typing import Any, Literal

from fastapi import APIRouter, HTTPException, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from jinja2 import Environment, PackageLoader

from rugwijzer import __version__, bootstrap
from rugwijzer.core.flow import AnswerValue, FieldError, Flow, Screen, conflicts, emergency_stop, submit
from rugwijzer.core.knowledge import REGIONS, Lang, Region
from rugwijzer.core.validation import IntakeError
from rugwijzer.http.api.guard import is_local
from rugwijzer.http.web import views
from rugwijzer.http.web.forms import lang_of, last, pick, read_form, region_of
from rugwijzer.i18n import translations
from rugwijzer.knowledge import load_flow
from rugwijzer.languages import DEFAULT_LANG, LANGS, default_region
from rugwijzer.services.assessing import Assessor
from rugwijzer.services.json_input import depth_problem, too_deep
from rugwijzer.templating import jinja_environment

DOMAIN = "web"
STATIC_DIR = resources.files("rugwijzer.http.web") / "static"
STATIC_URL = "/static/web"

# Health pages: never in a shared cache, never sent as a referrer, never framed, no outside assets.
HEADERS: dict[str, str] = {
    "Cache-Control": "private, no-cache",
    "Referrer-Policy": "no-referrer",
    "X-Content-Type-Options": "nosniff",
    "Content-Security-Policy": ("default-src 'none'; style-src 'self'; img-src 'self'; "
                                "form-action 'self'; frame-ancestors 'none'; base-uri 'none'"),
}

# The result page may load one script of its own: the print button (static/print.js).
RESULT_HEADERS: dict[str, str] = {**HEADERS, "Content-Security-Policy": HEADERS["Content-Security-Policy"].replace(
    "default-src 'none';", "default-src 'none'; script-src 'self';")}

View = Literal["start", "screen", "result"]
Action = Literal["start", "next", "back", "edit", "stay"]

router = APIRouter(include_in_schema=False)


@functools.cache
def environment(lang: Lang) -> Environment:
    """Jinja2 for one language: autoescaped (an answer can never become markup) and strict."""
    return jinja_environment(PackageLoader("rugwijzer.http.web", "templates"), translations(lang, DOMAIN))


class State:
    """What one POST says: where the person is, in which language and region, and the answers."""

    def __init__(self, form: Mapping[str, Sequence[str]], flow: Flow) -> None:
        self.form = form
        self.lang: Lang = lang_of(last(form.get("lang")))
        self.region: Region = region_of(last(form.get("region")))
        self.view: View = pick(last(form.get("view")), ("start", "screen", "result"), "start")
        self.action: Action = pick(last(form.get("action")), ("start", "next", "back", "edit", "stay"), "next")
        self.answers: dict[str, AnswerValue] = flow.clean(_load_answers(last(form.get("answers"))))
        self.screen: Screen | None = _screen(flow, last(form.get("screen")))
        self.diary_here = False  # the diary exists only for this machine (offer it only there)


def _load_answers(text: str) -> dict[str, Any]:
    """The answers carried by the page. Anything unreadable counts as not answered (the flow then
    asks again); flow.clean drops every value that is not a valid answer."""
    if too_deep(text):
        problem = depth_problem("answers")
        raise HTTPException(status_code=400, detail=str(problem))
    try:
        data = json.loads(text) if text else {}
    except ValueError:
        return {}
    return data if isinstance(data, dict) else {}


def _screen(flow: Flow, screen_id: str) -> Screen | None:
    try:
        return flow.screen(screen_id) if screen_id else None
    except KeyError:
        return None


# ---- routes ------------------------------------------------------------------------------------

@router.get("/", response_class=HTMLResponse)
def start_page(lang: str = DEFAULT_LANG, region: str = "") -> HTMLResponse:
    """The start page; ``?lang=fr``, ``?lang=de``, ... switches the language."""
    lang_code: Lang = lang if lang in LANGS else DEFAULT_LANG
    region_code: Region = region if region in REGIONS else default_region(lang_code)
    return _render("start.html.j2", lang_code, region_code, view="start", title=None)


@router.get("/check")
def check_without_form() -> RedirectResponse:
    """A bookmark or a typed URL has no answers: begin at the start page."""
    return RedirectResponse("/", status_code=303)


@router.post("/check", response_class=HTMLResponse)
async def check(request: Request) -> Response:
    """Every step of the self-check: the next question screen, the same screen with errors, or the
    result (also straight away when an answer is an emergency)."""
    form = await read_form(request)
    flow = load_flow()
    state = State(form, flow)
    state.diary_here = is_local(request)
    if state.view == "result":
        if state.action == "edit" and state.screen is not None:
            return _screen_page(state, state.screen)
        return _result_or_next(state, flow)
    if state.screen is None:  # from the start page
        return _screen_page(state, flow.screens[0])
    return _on_screen(state, flow, state.screen)


@router.post("/report.pdf")
async def report_pdf(request: Request) -> Response:
    """The result as a PDF, made from the answers the result page posts (nothing is kept)."""
    form = await read_form(request)
    flow = load_flow()
    state = State(form, flow)
    intake = flow.to_intake(state.answers)
    try:
        answer = bootstrap.assessor().assess(intake, date.today(), state.lang, state.region)
    except IntakeError:
        return _render("problem.html.j2", state.lang, state.region, status=400, view="start",
                       title=None, problem="incomplete")
    try:
        from rugwijzer.report.pdf import ReportError, render_pdf  # another adapter: only when asked for
    except ImportError:
        return _render("problem.html.j2", state.lang, state.region, status=503, view="start",
                       title=None, problem="no_pdf")
    try:
        pdf = render_pdf(answer, intake, state.lang)
    except ReportError:
        return _render("problem.html.j2", state.lang, state.region, status=500, view="start",
                       title=None, problem="no_pdf")
    return Response(pdf, media_type="application/pdf", headers={
        **HEADERS, "Content-Disposition": 'attachment; filename="rugwijzer.pdf"'})


# ---- steps -------------------------------------------------------------------------------------

def _on_screen(state: State, flow: Flow, screen: Screen) -> Response:
    if state.action == "stay":  # a language switch: the same screen, now in the other language
        return _screen_page(state, screen)
    if state.action == "back":
        values, _ = flow.parse_screen(screen, state.form, state.answers)  # keep what is valid
        state.answers = flow.clean({**state.answers, **values})
        previous = flow.screen_before(screen.id, state.answers)
        return _screen_page(state, previous or screen)
    step = submit(flow, _assessor().engine, screen, state.form, state.answers, date.today())
    state.answers = step.answers
    if step.errors:
        return _screen_page(state, screen, errors=step.errors)
    if step.next is not None:
        return _screen_page(state, step.next)
    state.screen = screen
    return _result_or_next(state, flow)


def _result_or_next(state: State, flow: Flow) -> Response:
    """The result when the answers allow one; otherwise the first screen still to answer."""
    today = date.today()
    assessor = _assessor()
    if flow.is_finished(state.answers):
        try:
            assessment = assessor.assessment(flow.to_intake(state.answers), today)
        except IntakeError:  # answers that do not fit together (possible only if the form was altered)
            return _show_conflict(state, flow)
    else:
        stop = emergency_stop(assessor.engine, flow, state.answers, today)
        if stop is None:
            return _screen_page(state, flow.next_screen(state.answers) or flow.screens[0])
        assessment = stop
    answer = assessor.explainer(state.lang, state.region).explain(assessment)
    last = state.screen.id if state.screen else (flow.active_screens(state.answers) or flow.screens)[-1].id
    return _render("result.html.j2", state.lang, state.region, view="result", headers=RESULT_HEADERS,
                   title=answer["action"]["name"],
                   a=answer, answers_json=_dump(state.answers), screen_id=last, diary_here=state.diary_here,
                   **views.result_context(assessor.kb, answer, state.lang, state.region))


def _show_conflict(state: State, flow: Flow) -> Response:
    """The screen of the first answer that clashes with another one, with the error on it."""
    found = conflicts(flow, state.answers)
    if not found:
        return _screen_page(state, flow.screens[0])
    screen = next(s for s, q in flow.fields() if q.field == found[0].field)
    on_screen = {f.field: q.field for q in screen.questions for f in (q, *q.items)}
    errors = {on_screen[f]: e for e in found for f in (e.field, *e.others) if f in on_screen}
    return _screen_page(state, screen, errors=errors, typed=False)


def _screen_page(state: State, screen: Screen, errors: Mapping[str, FieldError] | None = None,
                 typed: bool = True) -> Response:
    """A question screen. After an error it shows exactly what was typed, unless the error was
    found in the answers carried from earlier screens (``typed=False``)."""
    flow = load_flow()
    gettext = translations(state.lang, DOMAIN).gettext
    shown = state.form if errors and typed else None
    questions = []
    for question in flow.active_questions(screen, state.answers):
        error = (errors or {}).get(question.field)
        message = views.error_message(error, question, gettext) if error else None
        questions.append(views.question_view(question, state.lang, state.answers, shown, message))
    step, total = flow.progress(screen.id, state.answers)
    return _render(
        "screen.html.j2", state.lang, state.region, view="screen", title=screen.title[state.lang],
        screen=screen, questions=questions, errors=[q for q in questions if q.error], step=step,
        total=total, steps_left=flow.steps_left(screen.id, state.answers),
        can_go_back=flow.screen_before(screen.id, state.answers) is not None,
        answers_json=_dump(state.answers), screen_id=screen.id,
        intro=screen.intro[state.lang] if screen.intro else None,
        notice=screen.notice[state.lang] if screen.notice else None,
        optional_note=flow.texts["optional"][state.lang] if "optional" in flow.texts else "")


# ---- rendering ---------------------------------------------------------------------------------

def _assessor() -> Assessor:
    return bootstrap.assessor()


def _dump(answers: Mapping[str, AnswerValue]) -> str:
    return json.dumps(answers, ensure_ascii=False, separators=(",", ":"), sort_keys=True)


def _region_names(assessor: Assessor, lang: Lang) -> list[tuple[str, str]]:
    return [(r.id, r.name[lang]) for r in assessor.kb.messages.regions]


def _render(template: str, lang: Lang, region: Region, status: int = 200, headers: Mapping[str, str] = HEADERS,
            **context: Any) -> HTMLResponse:
    """Render a page: every page gets the disclaimer (with the region's emergency number), the
    language switch and the knowledge base version."""
    assessor = _assessor()
    explainer = assessor.explainer(lang, region)
    context.setdefault("answers_json", "{}")
    context.setdefault("screen_id", "")
    html = environment(lang).get_template(template).render(
        lang=lang, region=region, languages=views.LANGUAGE_NAMES, disclaimer=explainer.disclaimer,
        emergency_number=explainer.emergency_number, version=assessor.kb.version,
        app_version=__version__, static=STATIC_URL, regions=_region_names(assessor, lang), **context)
    return HTMLResponse(html, status_code=status, headers=dict(headers))
