"""Output for people: text tables (and later HTML and charts)."""
