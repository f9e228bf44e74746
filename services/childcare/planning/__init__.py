"""Statistics, district reference populations and capacity plans."""
