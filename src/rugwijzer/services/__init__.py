"""Use cases that the entry points (CLI, web, API, FHIR) share."""
