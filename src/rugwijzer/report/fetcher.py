"""The only way WeasyPrint may load anything while it renders a report.

WeasyPrint's own fetcher follows ``file://`` and network URLs. A report holds personal answers and
must never read other files or reach the network, so :class:`AssetFetcher` serves exactly the files
in ``report/static/`` under a private scheme (``rugwijzer-report:report.css``) and refuses
everything else (``file:``, ``http(s):``, ``data:``, relative paths, unknown names) with
:class:`AssetRefused`. Every refusal is also remembered, so that rendering can fail loudly even
where WeasyPrint swallows the error (e.g. inside an SVG).

WeasyPrint 70 expects a :class:`weasyprint.urls.URLFetcher` subclass whose ``fetch`` returns a
``URLFetcherResponse``; older versions call a plain callable that returns a dict. Both are served.
"""

from __future__ import annotations

from importlib import resources
from typing import Any

from weasyprint import urls as _wp_urls  # type: ignore[import-untyped]

SCHEME = "rugwijzer-report"

# File types a report asset may have, and the MIME type they are served with. Anything else in
# ``static/`` (a stray README, a backup file) is not served.
MIME_TYPES: dict[str, str] = {
    ".css": "text/css",
    ".svg": "image/svg+xml",
    ".png": "image/png",
}

_URLFetcher: Any = getattr(_wp_urls, "URLFetcher", None)
_URLFetcherResponse: Any = getattr(_wp_urls, "URLFetcherResponse", None)
FatalURLFetchingError: type[BaseException] = getattr(_wp_urls, "FatalURLFetchingError", RuntimeError)
CLASS_API = _URLFetcher is not None and _URLFetcherResponse is not None
_Base: Any = _URLFetcher if CLASS_API else object


class AssetRefused(ValueError):
    """A URL outside the report's own assets was asked for; nothing was read or sent."""

    def __init__(self, url: str) -> None:
        self.url = url
        shown = url if len(url) <= 120 else url[:117] + "..."
        super().__init__(f"report asset refused: {shown!r} (only {SCHEME}:<file> from report/static)")


def asset_names() -> dict[str, str]:
    """The exact allow-list: file name in ``report/static/`` → MIME type."""
    folder = resources.files("rugwijzer.report") / "static"
    names: dict[str, str] = {}
    for entry in folder.iterdir():
        suffix = "." + entry.name.rsplit(".", 1)[-1] if "." in entry.name else ""
        if entry.is_file() and suffix in MIME_TYPES:
            names[entry.name] = MIME_TYPES[suffix]
    return names


def asset_url(name: str) -> str:
    """The URL a template uses for one of the report's own assets."""
    return f"{SCHEME}:{name}"


class AssetFetcher(_Base):  # type: ignore[misc]  # WeasyPrint is untyped
    """Serves ``rugwijzer-report:<name>`` for the allow-listed names; refuses every other URL."""

    def __init__(self) -> None:
        if CLASS_API:
            # fail_on_errors: a refusal stops the rendering instead of leaving a hole in the page.
            super().__init__(fail_on_errors=True, allowed_protocols=[SCHEME])
        self._fail_on_errors = True
        self.allowed = asset_names()
        self.refused: list[str] = []

    def resolve(self, url: str) -> tuple[str, str]:
        """(file name, MIME type) for an allowed URL; :class:`AssetRefused` for any other."""
        scheme, sep, rest = url.partition(":")
        name = rest.split("?", 1)[0].split("#", 1)[0].lstrip("/")
        if not sep or scheme.lower() != SCHEME or name not in self.allowed:
            self.refused.append(url)
            raise AssetRefused(url)
        return name, self.allowed[name]

    def read(self, url: str) -> tuple[bytes, str]:
        name, mime = self.resolve(url)
        data = (resources.files("rugwijzer.report") / "static" / name).read_bytes()
        return data, mime

    def fetch(self, url: str, headers: Any = None) -> Any:
        """WeasyPrint ≥ 70 entry point (also used by ``open`` and ``__call__``)."""
        data, mime = self.read(url)
        if CLASS_API:
            content_type = f"{mime}; charset=utf-8" if mime.startswith("text/") else mime
            return _URLFetcherResponse(url, body=data, headers={"Content-Type": content_type})
        return {"string": data, "mime_type": mime, "encoding": "utf-8", "redirected_url": url}

    def open(self, url: Any, data: Any = None, timeout: Any = None) -> Any:
        return self.fetch(getattr(url, "full_url", url))

    def __call__(self, url: str) -> Any:
        return self.fetch(url)
