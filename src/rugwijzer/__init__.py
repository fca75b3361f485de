"""Rugwijzer: triage and self-management advice for low back pain, with its rules as data.

Rugwijzer does not replace a doctor.

The public API::

    from rugwijzer.services.assessing import default_assessor
    answer = default_assessor().assess({...intake...}, lang="en")  # JSON-ready dict
"""

from rugwijzer._version import __version__

__all__ = ["__version__"]
