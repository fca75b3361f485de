"""The diary in the browser, under ``/diary``: local single-user mode, no accounts, no JavaScript.

- Served only to this machine: the request must come to and from a loopback address and name a
  loopback host (``127.0.0.1``, ``localhost``, ``[::1]``), so a web page elsewhere cannot read the
  diary through DNS rebinding. Anything else gets 404: for others the diary does not exist.
- And only to its owner: every other account on this machine reaches 127.0.0.1 too, so each
  request must carry the owner's session cookie (set by the login link ``rugwijzer serve`` prints,
  or by the key from the 0600 key file) or the key itself; see :mod:`rugwijzer.http.web.auth`. Without
  it the answer is the login page (401), before any form is read.
- Every form carries a per-process token, so another site cannot post to the diary (e.g. to
  delete it) from the person's browser.
- Pages reuse the self-check's stylesheet, question partial (labels, fieldsets, errors tied to the
  fields with ``aria-describedby``) and security headers; they have their own base template because
  the self-check's says "your answers are not stored", which is not true of a diary.
- ``GET /diary`` the diary; ``POST /diary/start`` the self-check for a new episode (screen by
  screen, the answers carried in the page as in the self-check); ``POST /diary/entries`` a new
  entry (the alarm questions come back when due); ``POST /diary/end``; ``GET /diary/export/<fmt>``
  (one export at a time); ``GET``/``POST /diary/delete`` delete everything after a confirmation;
  ``GET``/``POST /diary/login`` and ``POST /diary/logout``.
"""

from __future__ import annotations

import functools
import json
import secrets
from collections.abc import Callable, Mapping, Sequence
from datetime import date, timedelta
from importlib import resources
from typing import Any

from fastapi import APIRouter, FastAPI, HTTPException, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from jinja2 import ChoiceLoader, Environment, PackageLoader
from starlette.concurrency import run_in_threadpool

from rugwijzer import __version__, bootstrap
from rugwijzer.access import LOGOUT
from rugwijzer.core.answer import Answer
from rugwijzer.core.flow import FieldError, Flow, Question, Screen, submit
from rugwijzer.core.knowledge import Lang, Region
from rugwijzer.core.validation import IntakeError
from rugwijzer.diary import views
from rugwijzer.diary.errors import AlarmCheckDue, DiaryInputError, DiaryStateError
from rugwijzer.diary.model import NewEntry
from rugwijzer.diary.service import DiaryService, Emergency, History
from rugwijzer.http.api.guard import local_only
from rugwijzer.http.web import auth
from rugwijzer.http.web.forms import lang_of, last, read_form, region_of
from rugwijzer.i18n import LOCALE_DIR, translations
from rugwijzer.knowledge import load_flow
from rugwijzer.services.json_input import depth_problem, too_deep
from rugwijzer.templating import jinja_environment

PREFIX = "/diary"
TEXT_FIELDS = ("activity", "medication", "notes")
PAIN, SEEN = "pain_score", "seen_doctor_this_episode"
# Service error fields -> form fields (the form uses the self-check's names where it reuses them).
FORM_FIELD = {"date": "entry_date", "pain": PAIN}

_TOKEN = secrets.token_urlsafe(32)  # per process: a page from another site cannot know it

router = APIRouter(prefix=PREFIX, include_in_schema=False)


class LoginRequired(Exception):
    """The request does not come from the diary's owner: answered with the login page."""


def install(app: FastAPI) -> None:
    """Add the diary pages to the app."""
    app.include_router(router)

    async def on_login_required(request: Request, exc: Exception) -> Response:
        from rugwijzer.http.web.errors import scope_lang

        return login_page(scope_lang(request.scope), 401)

    app.add_exception_handler(LoginRequired, on_login_required)


# ---- guards ----------------------------------------------------------------------------------

def owner_only(request: Request) -> None:
    """This machine (else 404) and the diary's owner (else the login page)."""
    local_only(request)
    if not auth.is_owner(request):
        raise LoginRequired


def _check_token(form: Mapping[str, Sequence[str]]) -> None:
    if not auth.equal(last(form.get("token")), _TOKEN):
        raise HTTPException(status_code=403, detail="This form has expired: please reload the diary page.")


# ---- plumbing --------------------------------------------------------------------------------

def service() -> DiaryService:
    """The diary service, as the bootstrap wires it (one per configured database)."""
    return bootstrap.diary_service()


@functools.cache
def environment(lang: Lang) -> Environment:
    """Diary templates, then the self-check's (its question partial); diary words, then web words."""
    env = jinja_environment(ChoiceLoader([PackageLoader("rugwijzer.diary", "templates/web"),
                                          PackageLoader("rugwijzer.diary", "templates"),
                                          PackageLoader("rugwijzer.http.web", "templates")]), _catalogue(lang))
    env.globals.update(_result_helpers())
    return env


def _result_helpers() -> dict[str, Any]:
    """What the self-check's result partials (why, safety net) need, for the diary's pages too."""
    from rugwijzer.http.web.views import tier_number

    return {"tier_number": tier_number}


def _catalogue(lang: Lang) -> Any:
    from babel.support import Translations

    own = Translations.load(str(LOCALE_DIR), [lang], domain=views.DOMAIN)
    own.add_fallback(translations(lang, "web"))  # a fresh object: shared catalogues stay untouched
    return own


def _headers() -> dict[str, str]:
    from rugwijzer.http.web.pages import HEADERS

    return {**HEADERS, "Cache-Control": "no-store"}  # a diary page is never kept in any cache


async def _form(request: Request) -> dict[str, list[str]]:
    """The posted fields (after the owner check), with this process's form token checked."""
    fields = await read_form(request)
    _check_token(fields)
    return fields


def render(template: str, lang: Lang, region: Region, status: int = 200, **context: Any) -> HTMLResponse:
    """A diary page: language links, disclaimer (with the region's number), versions."""
    from rugwijzer.http.web.pages import STATIC_URL
    from rugwijzer.http.web.views import LANGUAGE_NAMES

    assessor = bootstrap.assessor()
    explainer = assessor.explainer(lang, region)
    context.setdefault("page", "")
    html = environment(lang).get_template(template).render(
        lang=lang, region=region, languages=LANGUAGE_NAMES, disclaimer=explainer.disclaimer,
        version=assessor.kb.version, app_version=__version__, static=STATIC_URL, token=_TOKEN,
        prefix=PREFIX, logout=access(lang)(LOGOUT), **context)
    return HTMLResponse(html, status_code=status, headers=_headers())


def _redirect(lang: Lang, region: Region, saved: str) -> RedirectResponse:
    return RedirectResponse(f"{PREFIX}?lang={lang}&region={region}&saved={saved}#advice", status_code=303)


# ---- the diary page --------------------------------------------------------------------------

@router.get("", response_class=HTMLResponse)
async def diary_page(request: Request, lang: str = "nl", region: str = "be", saved: str = "",
                     episode: int | None = None) -> HTMLResponse:
    owner_only(request)
    code, reg = lang_of(lang), region_of(region)
    context = await run_in_threadpool(_overview, code, reg, episode)
    return render("diary.html.j2", code, reg, saved=saved if saved in ("start", "entry", "end") else "",
                  **context)


def _overview(lang: Lang, region: Region, episode_id: int | None = None,
              entry_form: dict[str, Any] | None = None, errors: dict[str, str] | None = None) -> dict[str, Any]:
    svc = service()
    episodes = svc.episodes()
    chosen = next((e for e in episodes if e.id == episode_id), None) or (episodes[-1] if episodes else None)
    history = svc.history(lang, region, chosen.id) if chosen else None
    today = bootstrap.clock()
    open_now = history is not None and history.episode.open and history.episode.id == episodes[-1].id
    form = (entry_form or _entry_form(svc, history, lang, today)) if open_now else None
    return {"history": history, "view": _history_view(history, lang, region) if history else None,
            "episodes": episodes, "open_now": open_now, "form": form, "errors": errors or {},
            "today": today.isoformat(), "title": _title(lang)}


def _title(lang: Lang) -> str:
    _ = views.gettext(lang)
    return _("Pain diary")


def _history_view(history: History, lang: Lang, region: Region) -> dict[str, Any]:
    from rugwijzer.http.web.views import long_date, phone_numbers

    latest = history.latest
    return {"a": latest, "numbers": phone_numbers(latest), "changes": history.last_changes,
            "chart": views.chart(history, lang), "rows": views.rows(history),
            "trend_label": lambda t: views.trend_label(t, lang),
            "long_date": lambda d: long_date(str(d), lang, region),
            "seen": bool(history.steps[-1].intake.get(SEEN))}


def _entry_form(svc: DiaryService, history: History | None, lang: Lang, today: date,
                typed: Mapping[str, Sequence[str]] | None = None, alarm_fields: Sequence[str] = (),
                errors: Mapping[str, str] | None = None, reason: str | None = None) -> dict[str, Any]:
    """The entry form: date, pain, what I could do, medication, notes, seen a doctor, and the alarm
    questions when they are due (weekly from the start; after a pain rise on the second try)."""
    from rugwijzer.http.web.views import question_view

    flow = load_flow()
    if not alarm_fields and history is not None:
        reason, alarm_fields = svc.alarm_check(today, history.steps[-1].pain)
        alarm_fields = alarm_fields if reason == "weekly" else []
    errs = errors or {}
    seen = bool(history and history.steps[-1].intake.get(SEEN))

    def view(name: str) -> Any:
        return question_view(flow.question(name), lang, {}, typed, errs.get(name))

    return {"typed": {k: last((typed or {}).get(k)) for k in ("entry_date", *TEXT_FIELDS)},
            "pain": view(PAIN), "seen": None if seen else view(SEEN),
            "alarms": [view(name) for name in alarm_fields], "reason": reason,
            "date_error": errs.get("entry_date"), "text_errors": {k: errs.get(k) for k in TEXT_FIELDS},
            "default_date": today.isoformat()}


# ---- adding an entry -------------------------------------------------------------------------

@router.post("/entries", response_class=HTMLResponse)
async def add_entry(request: Request) -> Response:
    return await _owner_form_step(request, _add_entry)


async def _owner_form_step(request: Request,
                           step: Callable[[dict[str, list[str]], Lang, Region], Response]) -> Response:
    """The owner's form, read here; ``step`` (which reads and writes the diary) in a worker thread."""
    owner_only(request)
    form = await _form(request)
    lang, region = lang_of(last(form.get("lang"))), region_of(last(form.get("region")))
    result: Response = await run_in_threadpool(step, form, lang, region)
    return result


def _add_entry(form: dict[str, list[str]], lang: Lang, region: Region) -> Response:
    svc, flow, today = service(), load_flow(), bootstrap.clock()
    web_ = translations(lang, "web").gettext
    new, errors, shown = _parse_entry(form, flow, lang)
    if new is None:
        reason = last(form.get("alarm_reason"))
        return _entry_page(svc, lang, region, form, shown, errors, reason if reason == "pain_rises" else None)
    try:
        svc.add(new, today, lang, region)
    except AlarmCheckDue as exc:
        fields = svc.alarm_check(new.entry_date, new.pain)[1]
        missing = {f: web_("Choose one answer.") for f in exc.missing} if shown else {}
        return _entry_page(svc, lang, region, form, list(dict.fromkeys([*fields, *exc.missing])),
                           missing, exc.reason, pending=True)
    except DiaryInputError as exc:
        problems = {FORM_FIELD.get(p.field, p.field): f"{p.message} ({p.allowed})" for p in exc.problems}
        return _entry_page(svc, lang, region, form, shown, problems)
    except DiaryStateError:
        return _redirect(lang, region, "")
    return _redirect(lang, region, "entry")


def _parse_entry(form: Mapping[str, Sequence[str]], flow: Flow,
                 lang: Lang) -> tuple[NewEntry | None, dict[str, str], list[str]]:
    """Form strings to an entry; errors by form field. ``shown`` are the alarm questions the form
    carried (they must all be answered)."""
    from rugwijzer.http.web.views import error_message

    web_ = translations(lang, "web").gettext
    errors: dict[str, str] = {}
    shown = [name for name in form.get("alarm_fields", []) if name in service().rules.all_alarm_fields]
    try:
        entry_date = date.fromisoformat(last(form.get("entry_date")).strip())
    except ValueError:
        _ = views.gettext(lang)
        errors["entry_date"] = _("Fill in a date, for example %(date)s.") % {
            "date": bootstrap.clock().isoformat()}
    values: dict[str, Any] = {}
    for name in [PAIN, *shown] + ([SEEN] if SEEN in form else []):
        parsed = flow.parse_answer(flow.question(name), form.get(name, []))
        if isinstance(parsed, FieldError):
            errors[name] = error_message(parsed, flow.question(name), web_)
        else:
            values[name] = parsed
    if errors:
        return None, errors, shown
    alarms = {name: values[name] for name in shown}
    activity, medication, notes = (last(form.get(k)) for k in TEXT_FIELDS)
    new = NewEntry(entry_date, values[PAIN], activity, medication, notes,
                   seen_doctor=bool(values.get(SEEN)), alarm_answers=alarms or None)
    return new, {}, shown


def _entry_page(svc: DiaryService, lang: Lang, region: Region, form: Mapping[str, Sequence[str]],
                alarm_fields: Sequence[str], errors: Mapping[str, str], reason: str | None = None,
                pending: bool = False) -> HTMLResponse:
    """The diary again with the entry form as typed. ``pending``: the alarm questions must be
    answered first; nothing is saved, and the page says so at the top and opens at the questions
    (the form posts to ``/diary/entries#entry-check``, the id of the questions or of the errors)."""
    context = _overview(lang, region)
    history = context["history"]
    context["form"] = _entry_form(svc, history, lang, bootstrap.clock(), form, alarm_fields, errors, reason)
    context["errors"] = _error_links(context["form"], errors)
    if pending or errors:
        _ = views.gettext(lang)
        context["title"] = _("Not saved yet") + " – " + context["title"]
    return render("diary.html.j2", lang, region, status=400 if errors else 200, saved="",
                  pending=pending and not errors, **context)


def _error_links(form: Mapping[str, Any], errors: Mapping[str, str]) -> dict[str, str]:
    """The error summary: each message links to its field (the question's first control)."""
    ids = {q.field: q.id for q in [form["pain"], form["seen"], *form["alarms"]] if q is not None}
    return {f"#{ids.get(name, 'd-' + name.replace('_', '-'))}": message for name, message in errors.items()}


# ---- ending an episode -----------------------------------------------------------------------

@router.post("/end", response_class=HTMLResponse)
async def end_episode(request: Request) -> Response:
    owner_only(request)
    form = await _form(request)
    lang, region = lang_of(last(form.get("lang"))), region_of(last(form.get("region")))

    def work() -> Response:
        try:
            service().end(date.fromisoformat(last(form.get("end_date"))), bootstrap.clock())
        except (ValueError, DiaryInputError):
            context = _overview(lang, region)
            _ = views.gettext(lang)
            message = _("Fill in the day you recovered: not before the last entry, not "
                                          "after today.")
            return render("diary.html.j2", lang, region, status=400, saved="",
                          **{**context, "errors": {"#d-end-date": message}, "end_error": message})
        except DiaryStateError:
            pass
        return _redirect(lang, region, "end")

    result: Response = await run_in_threadpool(work)
    return result


# ---- starting an episode: the self-check, screen by screen -----------------------------------

@router.post("/start", response_class=HTMLResponse)
async def start_episode(request: Request) -> Response:
    return await _owner_form_step(request, _start_step)


def _start_step(form: dict[str, list[str]], lang: Lang, region: Region) -> Response:
    flow, today = load_flow(), bootstrap.clock()
    onset = _onset(last(form.get("onset")), today)
    if onset is None:
        _ = views.gettext(lang)
        message = _("Fill in the day the pain began, for example %(date)s (not in the "
                                      "future).") % {"date": today.isoformat()}
        context = _overview(lang, region)
        return render("diary.html.j2", lang, region, status=400, saved="",
                      **{**context, "errors": {"#d-onset": message}, "onset_error": message})
    answers = _answers(form, flow)
    answers["duration_days"] = (today - onset).days  # known from the onset: never asked
    screen = _screen(flow, last(form.get("screen")))
    if screen is None and last(form.get("answers")) and flow.next_screen(answers) is None:
        return _finish_start(flow, lang, region, onset, answers, today)  # the self-check's answers
    if screen is None:
        return _screen_page(flow, lang, region, onset, answers, flow.next_screen(answers) or flow.screens[0])
    step = submit(flow, bootstrap.assessor().engine, screen, _with_duration(form, answers), answers, today)
    if step.errors:
        return _screen_page(flow, lang, region, onset, step.answers, screen, step.errors, form)
    if step.emergency is not None:
        answer = bootstrap.assessor().explainer(lang, region).explain(step.emergency)
        return render("diary_emergency.html.j2", lang, region, a=answer, title=answer["action"]["name"],
                      numbers=_numbers(answer))
    if step.next is not None:
        return _screen_page(flow, lang, region, onset, step.answers, step.next)
    return _finish_start(flow, lang, region, onset, step.answers, today)


@router.post("/from-check", response_class=HTMLResponse)
async def from_check(request: Request) -> Response:
    """"Keep a diary" on the self-check's result: the same answers, with the day the pain began worked
    out from the duration, on one page to confirm (no second self-check). The result page carries no
    token, so this page only shows; its button posts to ``/diary/start`` with the token. Someone not
    logged in gets a login form that keeps the answers (the key, as on the login page)."""
    local_only(request)
    form = await request.form()
    fields = {name: str(value) for name, value in form.multi_items() if isinstance(value, str)}
    lang, region = lang_of(fields.get("lang")), region_of(fields.get("region"))
    key = fields.get("key", "").strip()
    login = auth.is_owner(request) or (bool(key) and auth.equal(key, await run_in_threadpool(auth.owner_key)))
    answers = _answers({"answers": [fields.get("answers", "")]}, load_flow())
    if not login:
        from rugwijzer.access import LOGIN_WRONG

        return _keep_login_page(lang, region, answers, access(lang)(LOGIN_WRONG) if key else None)
    response: Response = await run_in_threadpool(_keep_page, lang, region, answers)
    if not auth.is_owner(request):
        response.set_cookie(auth.COOKIE, auth.new_session(), max_age=auth.SESSION_SECONDS, path="/",
                            httponly=True, samesite="strict")
    return response


def _keep_page(lang: Lang, region: Region, answers: dict[str, Any]) -> Response:
    """Confirm the day the pain began, then start (or say that a diary is already open)."""
    today = bootstrap.clock()
    days = answers.get("duration_days")
    onset = today - timedelta(days=days) if isinstance(days, int) and 0 <= days <= 36500 else today
    latest = service().current()
    _ = views.gettext(lang)
    return render("diary_keep.html.j2", lang, region, title=_("Keep a diary with these answers"),
                  onset=onset.isoformat(), today=today.isoformat(), open_episode=bool(latest and latest.open),
                  answers_json=json.dumps(answers, sort_keys=True, separators=(",", ":")))


def _keep_login_page(lang: Lang, region: Region, answers: Mapping[str, Any], error: str | None) -> Response:
    """Not logged in: the key, with the answers kept in the page (the login link would lose them)."""
    from rugwijzer import access as texts

    _ = views.gettext(lang)
    return render("diary_keep.html.j2", lang, region, status=401, guest=True, login_error=error,
                  title=_("Open your diary to keep these answers"), key_file=str(auth.key_path()),
                  key_label=access(lang)(texts.LOGIN_LABEL), key_button=access(lang)(texts.LOGIN_BUTTON),
                  answers_json=json.dumps(answers, sort_keys=True, separators=(",", ":")))


def _finish_start(flow: Flow, lang: Lang, region: Region, onset: date, answers: dict[str, Any],
                  today: date) -> Response:
    try:
        outcome = service().start(onset, flow.to_intake(answers), today, lang, region)
    except DiaryStateError:
        return _redirect(lang, region, "")
    except (IntakeError, DiaryInputError):  # the flow only lets valid answers through
        return _screen_page(flow, lang, region, onset, answers, flow.screens[0])
    if isinstance(outcome, Emergency):
        return render("diary_emergency.html.j2", lang, region, a=outcome.answer,
                      title=outcome.answer["action"]["name"], numbers=_numbers(outcome.answer))
    return _redirect(lang, region, "start")


def _numbers(answer: Answer) -> list[tuple[str, str]]:
    from rugwijzer.http.web.views import phone_numbers

    return phone_numbers(answer)


def _onset(text: str, today: date) -> date | None:
    try:
        onset = date.fromisoformat(text.strip())
    except ValueError:
        return None
    return onset if onset <= today and (today - onset).days <= 36500 else None


def _answers(form: Mapping[str, Sequence[str]], flow: Flow) -> dict[str, Any]:
    text = last(form.get("answers")) or "{}"
    if too_deep(text):
        raise HTTPException(status_code=400, detail=str(depth_problem("answers")))
    try:
        data = json.loads(text)
    except ValueError:
        data = {}
    return flow.clean(data) if isinstance(data, dict) else {}


def _screen(flow: Flow, screen_id: str) -> Screen | None:
    try:
        return flow.screen(screen_id) if screen_id else None
    except KeyError:
        return None


def _with_duration(form: Mapping[str, Sequence[str]], answers: Mapping[str, Any]) -> dict[str, Sequence[str]]:
    """The form as the flow expects it, with the duration (from the onset) filled in."""
    question = load_flow().question("duration_days")
    return {**dict(form), "duration_days": [str(answers["duration_days"])], question.unit_field: ["days"]}


def _screen_page(flow: Flow, lang: Lang, region: Region, onset: date, answers: Mapping[str, Any],
                 screen: Screen, errors: Mapping[str, FieldError] | None = None,
                 typed: Mapping[str, Sequence[str]] | None = None) -> HTMLResponse:
    from rugwijzer.http.web.views import error_message, question_view

    web_ = translations(lang, "web").gettext
    questions = []
    for question in _visible(flow, screen, answers):
        error = (errors or {}).get(question.field)
        message = error_message(error, question, web_) if error else None
        questions.append(question_view(question, lang, answers, typed if errors else None, message))
    step, total = flow.progress(screen.id, answers)
    return render("diary_start.html.j2", lang, region, status=400 if errors else 200,
                  title=screen.title[lang], screen_id=screen.id, questions=questions,
                  errors=[q for q in questions if q.error], step=step, total=total, onset=onset.isoformat(),
                  answers_json=json.dumps(answers, sort_keys=True, separators=(",", ":")),
                  intro=screen.intro[lang] if screen.intro else None,
                  notice=screen.notice[lang] if screen.notice else None,
                  optional_note=flow.texts["optional"][lang] if "optional" in flow.texts else "")


def _visible(flow: Flow, screen: Screen, answers: Mapping[str, Any]) -> list[Question]:
    return [q for q in flow.active_questions(screen, answers) if q.field != "duration_days"]


# ---- export and delete -----------------------------------------------------------------------

MEDIA = {"csv": "text/csv; charset=utf-8", "json": "application/json", "pdf": "application/pdf"}


@router.get("/export/{fmt}")
async def export_file(request: Request, fmt: str, lang: str = "nl", region: str = "be") -> Response:
    """Everything in the diary, as a download; a long diary's PDF shows its progress first."""
    owner_only(request)
    if fmt not in MEDIA:
        raise HTTPException(status_code=404)
    from rugwijzer.diary.export import export
    from rugwijzer.http.web import diary_export as web_export

    _same_site(request)
    code, reg = lang_of(lang), region_of(region)
    svc, today = service(), bootstrap.clock()
    name = f"rugwijzer-diary-{today.isoformat()}.{fmt}"
    if web_export.busy():
        raise HTTPException(status_code=429, headers={"Retry-After": "30"})
    if fmt == "pdf" and await run_in_threadpool(_steps, svc) > web_export.STREAM_ABOVE:
        return _streamed_export(svc, code, reg, name)
    with web_export.exclusive() as mine:
        if not mine:
            raise HTTPException(status_code=429, headers={"Retry-After": "30"})
        data = await run_in_threadpool(export, svc, fmt, today, code, reg)  # type: ignore[arg-type]
    return _download(data, MEDIA[fmt], name)


def _same_site(request: Request) -> None:
    """A link on another site must not start an export (the cookie is SameSite=Strict as well)."""
    if request.headers.get("sec-fetch-site", "same-origin") not in ("same-origin", "none"):
        raise HTTPException(status_code=403, detail="the request comes from another site")


def _download(data: bytes, media: str, name: str) -> Response:
    return Response(data, media_type=media,
                    headers={**_headers(), "Content-Disposition": f'attachment; filename="{name}"'})


def _steps(svc: DiaryService) -> int:
    return svc.db.read(lambda uow: len(uow.diary.episodes()) + uow.diary.count_entries())


def _streamed_export(svc: DiaryService, lang: Lang, region: Region, name: str) -> Response:
    from fastapi.responses import StreamingResponse

    from rugwijzer.access import TEXTS
    from rugwijzer.diary.export import export
    from rugwijzer.http.web import diary_export as web_export

    _ = views.gettext(lang)
    texts = {"progress": _("Re-assessed %(done)s of %(total)s entries"),
             "layout": _("Laying out the PDF pages (the slowest part) ..."), "ready": _("Your PDF is ready."),
             "download": _("Download the PDF"), "failed": _("The PDF could not be made. Please try again."),
             "busy": access(lang)(TEXTS[429])}
    page = bytes(render("diary_progress.html.j2", lang, region, title=_("Preparing your PDF")).body).decode()
    today = bootstrap.clock()

    def run(progress: Any, phase: Any) -> bytes:
        return export(svc, "pdf", today, lang, region, progress=progress, phase=phase)

    def link(kept: str) -> str:
        return f"{PREFIX}/export/ready/{kept}"

    return StreamingResponse(web_export.stream(page, run, name, link, texts), media_type="text/html",
                             headers=_headers())


@router.get("/export/ready/{kept}")
def export_ready(request: Request, kept: str) -> Response:
    """A prepared PDF, once (then it is gone from memory)."""
    owner_only(request)
    from rugwijzer.http.web import diary_export as web_export

    found = web_export.take(kept)
    if found is None:
        raise HTTPException(status_code=404)
    return _download(found[0], MEDIA["pdf"], found[1])


@router.get("/delete", response_class=HTMLResponse)
async def delete_page(request: Request, lang: str = "nl", region: str = "be") -> HTMLResponse:
    """Step 1: what will be deleted, a suggestion to export first, and a confirmation box."""
    owner_only(request)
    code, reg = lang_of(lang), region_of(region)
    counts = await run_in_threadpool(_counts)
    _ = views.gettext(code)
    return render("diary_delete.html.j2", code, reg, title=_("Delete the diary"),
                  counts=counts, error=None, done=False)


@router.post("/delete", response_class=HTMLResponse)
async def delete_everything(request: Request) -> HTMLResponse:
    """Step 2: delete, only with the box ticked."""
    owner_only(request)
    form = await _form(request)
    lang, region = lang_of(last(form.get("lang"))), region_of(last(form.get("region")))
    _ = views.gettext(lang)
    if last(form.get("confirm")) != "yes":
        counts = await run_in_threadpool(_counts)
        return render("diary_delete.html.j2", lang, region, status=400, title=_("Delete the diary"),
                      counts=counts, done=False,
                      error=_("Tick the box to confirm that everything may be deleted."))
    entries, episodes = await run_in_threadpool(service().delete_everything)
    return render("diary_delete.html.j2", lang, region, title=_("The diary is deleted"),
                  counts={"episodes": episodes, "entries": entries}, error=None, done=True)


def _counts() -> dict[str, int]:
    svc = service()
    return svc.db.read(lambda uow: {"episodes": len(uow.diary.episodes()), "entries": uow.diary.count_entries()})


# ---- login and logout ------------------------------------------------------------------------

def access(lang: Lang) -> Callable[[str], str]:
    from rugwijzer.access import DOMAIN

    return translations(lang, DOMAIN).gettext


def login_page(lang: Lang, status: int, error: str | None = None, used: bool = False) -> Response:
    """How to open the diary: the link ``rugwijzer serve`` printed, or the key from the key file."""
    from rugwijzer import access as texts
    from rugwijzer.http.web.errors import plain_page

    _ = access(lang)
    paragraphs = [_(texts.LOGIN_USED)] if used else []
    paragraphs += [_(texts.LOGIN_INTRO), _(texts.LOGIN_KEY_FILE) % {"path": str(auth.key_path())}]
    form = {"action": f"{PREFIX}/login", "label": _(texts.LOGIN_LABEL), "button": _(texts.LOGIN_BUTTON),
            "error": error}
    return plain_page(lang, _(texts.LOGIN_TITLE), paragraphs, status, login=form,
                      headers={"WWW-Authenticate": 'Bearer realm="rugwijzer-diary"'} if status == 401 else None)


def _logged_in(lang: Lang) -> Response:
    response = RedirectResponse(f"{PREFIX}?lang={lang}", status_code=303, headers=_headers())
    response.set_cookie(auth.COOKIE, auth.new_session(), max_age=auth.SESSION_SECONDS, path="/",
                        httponly=True, samesite="strict")
    return response


@router.get("/login", response_class=HTMLResponse)
async def login_with_link(request: Request, code: str = "", lang: str = "nl") -> Response:
    """The one-time link: a valid code sets the session cookie; otherwise the login page."""
    local_only(request)
    chosen = lang_of(lang)
    if code and auth.use_login_code(code):
        return _logged_in(chosen)
    return login_page(chosen, 401 if code else 200, used=bool(code))


@router.post("/login", response_class=HTMLResponse)
async def login_with_key(request: Request) -> Response:
    """The key pasted from the key file."""
    local_only(request)
    form = await request.form()
    key, lang = form.get("key"), lang_of(str(form.get("lang") or ""))
    owner_key = await run_in_threadpool(auth.owner_key)
    if isinstance(key, str) and auth.equal(key.strip(), owner_key):
        return _logged_in(lang)
    from rugwijzer.access import LOGIN_WRONG

    return login_page(lang, 401, error=access(lang)(LOGIN_WRONG))


@router.post("/logout")
async def logout(request: Request) -> Response:
    """End this browser's session (the key and other sessions stay)."""
    owner_only(request)
    form = await _form(request)
    auth.end_session(request.cookies.get(auth.COOKIE, ""))
    response = RedirectResponse(f"{PREFIX}/login?lang={lang_of(last(form.get('lang')))}", status_code=303,
                                headers=_headers())
    response.delete_cookie(auth.COOKIE, path="/", httponly=True, samesite="strict")
    return response


@router.get("/diary.css")
def stylesheet(request: Request) -> Response:
    local_only(request)
    css = (resources.files("rugwijzer.diary") / "templates" / "web" / "diary.css").read_text(encoding="utf-8")
    return Response(css, media_type="text/css", headers={"Cache-Control": "no-cache"})
