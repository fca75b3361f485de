"""Schema revisions, oldest first (0001 initial, 0002 follow-up advice per entry)."""
