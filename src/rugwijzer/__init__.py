"""Rugwijzer: triage and self-management advice for low back pain, with its rules as data.

Rugwijzer does not replace a doctor.

The public API::

    from rugwijzer.services.assessing import default_assessor
    answer = default_assessor().assess({...intake...}, lang="en")  # JSON-ready dict
"""

from importlib.metadata import PackageNotFoundError, version

try:
    __version__ = version("rugwijzer")
except PackageNotFoundError:  # running from a source tree without installing
    __version__ = "0.0.0"

__all__ = ["__version__"]
