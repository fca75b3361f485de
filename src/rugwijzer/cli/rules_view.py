"""``rugwijzer rules``: the complete audit in the terminal, as Markdown or as JSON.

In the terminal each entry is a small block (name, then one line per column), which stays readable
at any width, unlike a ten-column table; with ``--lang all`` each text has a line per language.
"""

from __future__ import annotations

import sys

import orjson
from rich.console import Console
from rich.padding import Padding
from rich.text import Text

from rugwijzer.core.knowledge import KnowledgeBase
from rugwijzer.services.review import ReviewLang, review_document, review_markdown, review_sections, review_title


def print_rules(kb: KnowledgeBase, lang: ReviewLang, fmt: str) -> None:
    if fmt == "json":
        sys.stdout.buffer.write(orjson.dumps(review_document(kb, lang), option=orjson.OPT_INDENT_2) + b"\n")
        return
    if fmt == "markdown":
        sys.stdout.write(review_markdown(kb, lang) + "\n")
        return
    colon = " : " if lang == "fr" else ": "  # French typography: a space before ":"
    console = Console(highlight=False)
    console.print(Text(review_title(kb, lang), style="bold"))
    for section in review_sections(kb, lang):
        console.rule(Text(section.title, style="bold"))
        if section.note:
            console.print(Text(section.note, style="italic"))
        for row in section.rows:
            console.print(Text(row[0], style="bold cyan"))
            for heading, value in zip(section.headings[1:], row[1:], strict=True):
                if value:
                    line = Text.assemble((f"{heading}{colon}", "dim"), value)
                    console.print(Padding(line, (0, 0, 0, 2)))
