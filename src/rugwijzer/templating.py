"""The one Jinja2 environment factory for every HTML page and PDF: autoescaped (an answer can never
become markup or a URL), strict (a missing value is an error, not an empty string), with the
gettext extension when the caller gives a catalogue."""

from __future__ import annotations

from gettext import NullTranslations

from jinja2 import BaseLoader, Environment, StrictUndefined


def jinja_environment(loader: BaseLoader, catalogue: NullTranslations | None = None) -> Environment:
    env = Environment(loader=loader, autoescape=True, undefined=StrictUndefined,
                      extensions=["jinja2.ext.i18n"] if catalogue is not None else [],
                      trim_blocks=True, lstrip_blocks=True)
    if catalogue is not None:
        env.install_gettext_translations(catalogue, newstyle=True)  # type: ignore[attr-defined]
    return env
