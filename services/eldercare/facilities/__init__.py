"""Facilities, communities and the 15-minute circle."""
