"""The diary as a PDF: every episode with its latest advice, milestones, pain chart and table.

Built on the report package (``rugwijzer.report``): its page template ``base.html.j2``, its
partials (what to do, safety net), its stylesheet and its asset-only URL fetcher
(``report.pdf.html_to_pdf``), so the diary PDF cannot read files or reach the network either.
Only the diary's own template lives here. Unlike the two-page visit summary, a diary may run to
many pages: there is no page limit.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from datetime import date
from typing import Any

from babel.support import NullTranslations, Translations
from jinja2 import ChoiceLoader, Environment, PackageLoader

from rugwijzer.core.knowledge import Lang, Region
from rugwijzer.diary import views
from rugwijzer.diary.service import History
from rugwijzer.i18n import LOCALE_DIR, translations
from rugwijzer.services.assessing import default_assessor

TEMPLATE = "diary_report.html.j2"


@functools.cache
def environment(lang: Lang) -> Environment:
    """Diary templates first, then the report's; diary catalogue first, then the report's."""
    from rugwijzer.report.pdf import report_environment

    loader = ChoiceLoader([PackageLoader("rugwijzer.diary", "templates"),
                           PackageLoader("rugwijzer.report", "templates")])
    return report_environment(loader, _catalogue(lang))


def _catalogue(lang: Lang) -> NullTranslations:
    # A fresh object: the cached catalogues of rugwijzer.i18n are shared and must not change.
    own = Translations.load(str(LOCALE_DIR), [lang], domain=views.DOMAIN)
    own.add_fallback(translations(lang, "report"))
    return own


def context(histories: list[History], today: date, lang: Lang, region: Region) -> dict[str, Any]:
    from rugwijzer.report.pdf import long_date

    def when(value: date | str | None) -> str:
        return long_date(value, lang, region)

    explainer = default_assessor().explainer(lang, region)
    episodes = [{
        "id": h.episode.id, "onset": when(h.episode.onset), "started_on": when(h.episode.started_on),
        "ended_on": when(h.episode.ended_on) if h.episode.ended_on else None,
        "a": h.latest, "chart": views.chart(h, lang, f"pain-chart-{h.episode.id}"), "rows": views.rows(h),
        "milestones": [{**m, "date_text": when(m["date"])} for m in h.latest.get("milestones", [])],
        "trend_label": lambda trend: views.trend_label(trend, lang),
    } for h in reversed(histories)]  # the latest episode first
    return {"episodes": episodes, "assessed_on": when(today), "disclaimer": explainer.disclaimer,
            "knowledge_version": default_assessor().kb.version, "density": "normal", "tight": False,
            "incomplete": False, "milestones": [], "lang": lang}  # milestones: shown per episode


def render_diary_html(histories: list[History], today: date, lang: Lang, region: Region) -> str:
    return environment(lang).get_template(TEMPLATE).render(**context(histories, today, lang, region))


def render_diary_pdf(histories: list[History], today: date, lang: Lang, region: Region = "be",
                     phase: Callable[[str], None] | None = None) -> bytes:
    """The whole diary as PDF bytes (WeasyPrint, with the report's asset-only fetcher)."""
    from rugwijzer.report.pdf import html_to_pdf

    html = render_diary_html(histories, today, lang, region)
    if phase:
        phase("layout")
    pdf, _pages = html_to_pdf(html)
    return pdf
