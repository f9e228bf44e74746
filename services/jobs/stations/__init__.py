"""Red Bee Stations (红蜂驿站): nearby search, amenities, opening hours and "open now", GeoJSON."""
