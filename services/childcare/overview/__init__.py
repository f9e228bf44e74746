"""Reads across the childcare domains: statistics and the citizen's summary."""
