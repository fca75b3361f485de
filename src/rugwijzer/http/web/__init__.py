"""The web adapter: one FastAPI app for the self-check pages, the diary, the JSON API and FHIR."""
