"""``rugwijzer rules``: the review tables in the terminal, as Markdown or as JSON."""

from __future__ import annotations

import sys

import orjson
from rich.console import Console
from rich.table import Table

from rugwijzer.core.knowledge import KnowledgeBase, Lang
from rugwijzer.services.review import review_document, review_markdown, review_sections


def print_rules(kb: KnowledgeBase, lang: Lang, fmt: str) -> None:
    if fmt == "json":
        sys.stdout.buffer.write(orjson.dumps(review_document(kb, lang), option=orjson.OPT_INDENT_2) + b"\n")
        return
    if fmt == "markdown":
        sys.stdout.write(review_markdown(kb, lang) + "\n")
        return
    console = Console()
    console.print(f"[bold]{kb.meta.title[lang]}[/] — v{kb.version}")
    for section in review_sections(kb, lang):
        table = Table(title=section.title, caption=section.note or None, show_lines=True,
                      title_justify="left", caption_justify="left")
        for column in section.columns:
            table.add_column(column, overflow="fold")
        for row in section.rows:
            table.add_row(*row)
        console.print(table)
