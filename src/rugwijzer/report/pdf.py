"""PDF reports with WeasyPrint: the summary a person takes to the doctor.

``render_pdf(answer, intake, lang)`` turns an engine answer (``Assessor.assess``) and the intake it
came from into at most two A4 pages. All medical words come from the answer (the knowledge base);
the headings and field labels come from the ``report`` gettext catalogue.

Templates are modular: ``base.html.j2`` is the page (running footer with the disclaimer, knowledge
version and page numbers) with blocks ``header``, ``content`` and ``extra``; ``assessment.html.j2``
fills them from small partials (``_urgency``, ``_flags``, ``_answers``, ...). Another report, such as
a diary PDF with a pain chart, extends ``base.html.j2`` (or ``assessment.html.j2``), adds its own
partials and calls :func:`render_document`, which also keeps it to the page limit.

What a report shows follows the answer's urgency (clinical-rules §10), and each partial decides from
the answer alone (so the diary PDF, which includes them, gets the same): an emergency shows what to
do and where, why, what else to tell the doctor and the answers, with no painkillers, plan, what to
expect, check-points or safety net; an urgent result adds paracetamol only and the 112 tier.

Nothing is fetched from outside the package: see :mod:`rugwijzer.report.fetcher`.
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Mapping
from datetime import date
from gettext import NullTranslations
from typing import Any

from babel.dates import format_date
from jinja2 import BaseLoader, Environment, PackageLoader

from rugwijzer.core.answer import Answer
from rugwijzer.core.errors import OperationalError
from rugwijzer.core.knowledge import Lang
from rugwijzer.i18n import translations
from rugwijzer.languages import babel_locale, language
from rugwijzer.report.fields import N_, readable_answers
from rugwijzer.templating import jinja_environment

DOMAIN = "report"
MAX_PAGES = 2
# Tried in this order until the report fits MAX_PAGES; each drops or shrinks some background text
# (never a flag, the action, the safety net, the medication cautions, what to expect or the disclaimer).
DENSITIES: tuple[str, ...] = ("normal", "compact", "tight", "tightest")
_FAR_OVER = DENSITIES.index("tight")  # where to go straight away when the normal layout is far too long

LEVEL_LABELS: dict[str, str] = {
    "emergency": N_("emergency"),
    "urgent": N_("urgent"),
    "soon": N_("soon"),
    "routine": N_("routine"),
}


class ReportError(OperationalError):
    """The report could not be made (e.g. a template asked for something outside its assets)."""


def check_lang(lang: str) -> Lang:
    return language(lang).code


def long_date(value: str | date | None, lang: str, region: str = "be") -> str:
    """A date in words in the report's language (``25 november 2026``); '' for None."""
    if value is None:
        return ""
    day = value if isinstance(value, date) else date.fromisoformat(value)
    return format_date(day, "long", locale=babel_locale(lang, region))


@functools.cache
def environment(lang: Lang) -> Environment:
    """The Jinja2 environment of one language: autoescaped, strict, with the report catalogue."""
    return report_environment(PackageLoader("rugwijzer.report", "templates"), translations(lang, DOMAIN))


def report_environment(loader: BaseLoader, catalogue: NullTranslations) -> Environment:
    """A report environment over ``loader`` (the diary PDF adds its own templates in front)."""
    from rugwijzer.report.fetcher import asset_url

    env = jinja_environment(loader, catalogue)  # every answer text is escaped: no markup, no URLs
    env.globals["asset_url"] = asset_url

    def level_label(level: str) -> str:
        return catalogue.gettext(LEVEL_LABELS.get(level, level))

    env.globals["level_label"] = level_label
    return env


def render_html(template: str, context: Mapping[str, Any], lang: str, density: str = "normal") -> str:
    """The HTML of one report template (useful for tests and for a preview)."""
    code = check_lang(lang)
    return environment(code).get_template(template).render(
        **context, lang=code, density=density, tight=density.startswith("tight"))


def html_to_pdf(html: str) -> tuple[bytes, int]:
    """Lay out HTML with the asset-only fetcher; (PDF bytes, page count).

    Raises :class:`ReportError` when anything outside the report's assets was asked for, even if
    WeasyPrint itself carried on without it (it fetches SVG content only while drawing).
    """
    from weasyprint import HTML  # type: ignore[import-untyped]  # imported late: it is slow to load

    from rugwijzer.report.fetcher import SCHEME, AssetFetcher

    fetcher = AssetFetcher()
    document = _guarded(fetcher, lambda: HTML(string=html, base_url=f"{SCHEME}:", url_fetcher=fetcher).render())
    pdf = _guarded(fetcher, document.write_pdf)
    return bytes(pdf), len(document.pages)


def _guarded(fetcher: Any, step: Callable[[], Any]) -> Any:
    from rugwijzer.report.fetcher import FatalURLFetchingError

    try:
        result = step()
    except FatalURLFetchingError as exc:  # a BaseException in WeasyPrint: make it an ordinary error
        raise ReportError(str(exc.__cause__ or exc)) from exc.__cause__
    if fetcher.refused:
        raise ReportError("report refers to something outside its own assets: "
                          + ", ".join(repr(url[:80]) for url in fetcher.refused))
    return result


def render_document(template: str, context: Mapping[str, Any], lang: str,
                    max_pages: int = MAX_PAGES) -> bytes:
    """Render a report template to PDF, trying denser layouts until it fits ``max_pages``.

    If even the densest layout is longer, that one is returned: a long report beats none.
    """
    pdf = b""
    tried = 0
    while tried < len(DENSITIES):
        pdf, pages = html_to_pdf(render_html(template, context, lang, DENSITIES[tried]))
        if pages <= max_pages:
            break
        # Far too long: go straight to the densest layout (each layout costs a few 100 ms).
        tried = _FAR_OVER if pages > max_pages + 1 and tried == 0 else tried + 1
    return pdf


def assessment_context(answer: Answer, intake: Mapping[str, Any], lang: str) -> dict[str, Any]:
    """What ``assessment.html.j2`` shows: the answer, the intake in words and formatted dates."""
    code = check_lang(lang)
    catalogue = translations(code, DOMAIN)
    region = str(answer.get("region") or "be")

    def when(value: str | None) -> str:
        return long_date(value, code, region)

    return {
        "a": answer,
        "answers": readable_answers(intake, catalogue.gettext, catalogue.ngettext),
        "incomplete": answer.get("complete") is False,
        "assessed_on": when(answer.get("assessed_on")),
        "onset": when(answer.get("onset")),
        "milestones": [{**m, "date_text": when(m.get("date"))} for m in answer.get("milestones") or ()],
        "disclaimer": answer.get("disclaimer", ""),
        "knowledge_version": answer.get("knowledge_version", ""),
    }


def render_pdf(answer: Answer, intake: Mapping[str, Any], lang: str) -> bytes:
    """The PDF for the doctor's visit (at most two A4 pages) for one answer and its intake.

    ``answer`` is what ``default_assessor().assess(intake, today, lang, region)`` returned, so its
    texts are in its own language; ``lang`` chooses the headings and labels (normally the same).
    A partial intake that stopped at an emergency (``complete`` false) is marked as incomplete.
    """
    return render_document("assessment.html.j2", assessment_context(answer, intake, lang), lang)
