"""Exporting a long diary from the browser, with progress and without JavaScript.

A PDF of a long diary takes a while (WeasyPrint lays out every table row: about 25 s for 2000
entries). Instead of a page that just waits, the browser gets a page that is streamed as the
export moves on: each step re-assessed, then the layout, then a link to the finished file. The file
is kept in memory only, for one download or ten minutes, under a random name.

Limits, so that exports cannot pile up: one export at a time in this server (a second one is
refused until the first is done), an export stops at its next step when the browser goes away
(the page layout itself cannot be interrupted), and at most :data:`MAX_KEPT` finished files are kept
(the oldest goes first).
"""

from __future__ import annotations

import queue
import secrets
import threading
import time
from collections.abc import AsyncIterator, Callable, Iterator
from contextlib import contextmanager
from html import escape
from typing import Any

from starlette.concurrency import run_in_threadpool

from rugwijzer.diary.export import Phase
from rugwijzer.diary.service import Progress

STREAM_ABOVE = 300  # steps (start + entries); a smaller diary is exported at once
KEEP_SECONDS = 600
MAX_KEPT = 3
POLL_SECONDS = 0.5  # how often the page checks for news, so a closed browser is noticed soon
MARKER = "<!--progress-->"

_ready: dict[str, tuple[bytes, str, float]] = {}
_lock = threading.Lock()
_slot = threading.Lock()  # held while an export runs


class Cancelled(Exception):
    """The browser went away: the export stops."""


def busy() -> bool:
    """An export is running now."""
    return _slot.locked()


@contextmanager
def exclusive() -> Iterator[bool]:
    """Hold the export slot for the block; yields False (and holds nothing) when it is taken."""
    if not _slot.acquire(blocking=False):
        yield False
        return
    try:
        yield True
    finally:
        _slot.release()

Texts = dict[str, str]  # progress, layout, ready, download, failed, busy (translated, with %(done)s ...)


def keep(data: bytes, filename: str) -> str:
    """Keep a finished file for one download; returns its random name."""
    name = secrets.token_urlsafe(16)
    now = time.monotonic()
    with _lock:
        for old in [k for k, (_, _, made) in _ready.items() if now - made > KEEP_SECONDS]:
            del _ready[old]
        while len(_ready) >= MAX_KEPT:
            del _ready[next(iter(_ready))]  # the oldest (dicts keep their order)
        _ready[name] = (data, filename, now)
    return name


def take(name: str) -> tuple[bytes, str] | None:
    """The kept file (removed: it is personal data and has been downloaded), or None."""
    with _lock:
        found = _ready.pop(name, None)
    return (found[0], found[1]) if found and time.monotonic() - found[2] <= KEEP_SECONDS else None


async def stream(page: str, run: Callable[[Progress, Phase], bytes], filename: str, link: Callable[[str], str],
                 texts: Texts) -> AsyncIterator[str]:
    """The page up to the marker, then one line per progress report, then the link and the rest.
    Runs only when the export slot is free; stops the export when the browser goes away."""
    head, _, tail = page.partition(MARKER)
    yield head
    if not _slot.acquire(blocking=False):
        yield f'</ol><p role="alert" class="error">{escape(texts["busy"])}</p><ol hidden>{tail}'
        return
    events: queue.Queue[tuple[str, Any]] = queue.Queue()
    cancel = threading.Event()
    threading.Thread(target=_work, args=(run, filename, events, cancel), daemon=True, name="diary-export").start()
    try:
        while True:
            kind, value = await run_in_threadpool(_next_event, events)
            line = _line(kind, value, texts, link)
            if line:
                yield line
            if kind in ("done", "failed"):
                break
    finally:
        cancel.set()  # the browser left (or the page is complete): a running export stops
    yield tail


def _work(run: Callable[[Progress, Phase], bytes], filename: str, events: queue.Queue[tuple[str, Any]],
          cancel: threading.Event) -> None:
    def progress(done: int, total: int) -> None:
        if cancel.is_set():
            raise Cancelled
        events.put(("progress", (done, total)))

    def phase(name: str) -> None:
        if cancel.is_set():
            raise Cancelled
        events.put(("phase", name))

    try:
        data = run(progress, phase)
        if not cancel.is_set():
            events.put(("done", keep(data, filename)))
    except Exception:  # shown as a message: the details could hold personal data
        events.put(("failed", None))
    finally:
        _slot.release()


def _next_event(events: queue.Queue[tuple[str, Any]]) -> tuple[str, Any]:
    try:
        return events.get(timeout=POLL_SECONDS)
    except queue.Empty:
        return ("wait", None)


def _line(kind: str, value: Any, texts: Texts, link: Callable[[str], str]) -> str:
    if kind == "progress":
        return f"<li>{escape(texts['progress'] % {'done': value[0], 'total': value[1]})}</li>\n"
    if kind == "phase" and value == "layout":
        return f"<li>{escape(texts['layout'])}</li>\n"
    if kind == "done":
        return (f'</ol><p role="status"><strong>{escape(texts["ready"])}</strong> '
                f'<a href="{escape(link(value))}">{escape(texts["download"])}</a></p><ol hidden>')
    if kind == "failed":
        return f'</ol><p role="alert" class="error">{escape(texts["failed"])}</p><ol hidden>'
    return ""
