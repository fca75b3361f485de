"""The http entrypoint: everything a browser or a record system talks to, in one package.

- ``web/``: the FastAPI app factory (``web.app.create_app`` wires every router), the self-check
  pages, the diary's pages, its JSON API and its owner's login, the error pages;
- ``api/``: the JSON API (/api/v1) and what every route shares: one error format per path prefix,
  the query parameters, language negotiation, the request guard;
- ``fhir.py``: FHIR R4 (/fhir): the Questionnaire and $assess;
- ``cds.py``: CDS Hooks 2.0 (/cds-services).

HTTP status codes live here and nowhere below: the mapping modules (``rugwijzer.fhir``,
``rugwijzer.cds``) raise domain errors that these routes turn into answers.
"""
