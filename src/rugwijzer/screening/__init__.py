"""Population screening: the knowledge base's rules over a table of intakes, and the report on it."""
