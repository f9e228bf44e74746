"""Institutions: the public directory (search, nearby, one institution) and staff edits."""
