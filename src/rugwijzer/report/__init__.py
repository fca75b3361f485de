"""Printable reports (PDF): the summary for the doctor's visit.

``render_pdf(answer, intake, lang) -> bytes`` is the entry point for the CLI and the web app.
WeasyPrint is imported only when a PDF is made.
"""

from __future__ import annotations

from rugwijzer.report.pdf import ReportError, render_document, render_pdf

__all__ = ["ReportError", "render_document", "render_pdf"]
