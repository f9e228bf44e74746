"""Job postings: public search (partial names, district, category, salary, education,
graduate-friendly) and staff writes."""
