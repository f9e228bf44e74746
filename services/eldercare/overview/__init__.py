"""Reads across the eldercare domains: statistics and the citizen's summary."""
