"""The JSON API (/api/v1) and what every HTTP route shares: one error format per path prefix
(``errors``), the query parameters (``params``), language negotiation and the request guard.

The FHIR routes (``rugwijzer.http.fhir``), CDS Hooks (``rugwijzer.http.cds``) and the diary's
JSON API (``rugwijzer.http.web.diary_api``) build on these; ``rugwijzer.http.web.app`` wires them all into the
app. These routes are stateless: they store nothing and log nothing personal.
"""

from __future__ import annotations

API_PREFIX = "/api/"
FHIR_PREFIX = "/fhir/"
CDS_PREFIX = "/cds-services/"
