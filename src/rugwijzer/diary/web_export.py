"""Exporting a long diary from the browser, with progress and without JavaScript.

A PDF of a long diary takes a while (WeasyPrint lays out every table row: about 25 s for 2000
entries). Instead of a page that just waits, the browser gets a page that is streamed as the
export moves on: each step re-assessed, then the layout, then a link to the finished file. The file
is kept in memory only, for one download or ten minutes, under a random name.
"""

from __future__ import annotations

import queue
import secrets
import threading
import time
from collections.abc import AsyncIterator, Callable
from html import escape
from typing import Any

from starlette.concurrency import run_in_threadpool

from rugwijzer.diary.export import Phase
from rugwijzer.diary.service import Progress

STREAM_ABOVE = 300  # steps (start + entries); a smaller diary is exported at once
KEEP_SECONDS = 600
MARKER = "<!--progress-->"

_ready: dict[str, tuple[bytes, str, float]] = {}
_lock = threading.Lock()

Texts = dict[str, str]  # progress, layout, ready, download, failed (translated, with %(done)s ...)


def keep(data: bytes, filename: str) -> str:
    """Keep a finished file for one download; returns its random name."""
    name = secrets.token_urlsafe(16)
    now = time.monotonic()
    with _lock:
        for old in [k for k, (_, _, made) in _ready.items() if now - made > KEEP_SECONDS]:
            del _ready[old]
        _ready[name] = (data, filename, now)
    return name


def take(name: str) -> tuple[bytes, str] | None:
    """The kept file (removed: it is personal data and has been downloaded), or None."""
    with _lock:
        found = _ready.pop(name, None)
    return (found[0], found[1]) if found and time.monotonic() - found[2] <= KEEP_SECONDS else None


async def stream(page: str, run: Callable[[Progress, Phase], bytes], filename: str, link: Callable[[str], str],
                 texts: Texts) -> AsyncIterator[str]:
    """The page up to the marker, then one line per progress report, then the link and the rest."""
    head, _, tail = page.partition(MARKER)
    yield head
    events: queue.Queue[tuple[str, Any]] = queue.Queue()

    def work() -> None:
        try:
            data = run(lambda done, total: events.put(("progress", (done, total))),
                       lambda name: events.put(("phase", name)))
            events.put(("done", keep(data, filename)))
        except Exception:  # shown as a message: the details could hold personal data
            events.put(("failed", None))

    threading.Thread(target=work, daemon=True, name="diary-export").start()
    while True:
        kind, value = await run_in_threadpool(events.get)
        if kind == "progress":
            yield f"<li>{escape(texts['progress'] % {'done': value[0], 'total': value[1]})}</li>\n"
        elif kind == "phase" and value == "layout":
            yield f"<li>{escape(texts['layout'])}</li>\n"
        elif kind == "done":
            yield (f'</ol><p role="status"><strong>{escape(texts["ready"])}</strong> '
                   f'<a href="{escape(link(value))}">{escape(texts["download"])}</a></p><ol hidden>')
            break
        elif kind == "failed":
            yield f'</ol><p role="alert" class="error">{escape(texts["failed"])}</p><ol hidden>'
            break
    yield tail
