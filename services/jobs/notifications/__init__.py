"""What jobs tells a citizen (DESIGN §10): a fair registration confirmed and the fair tomorrow; a
support application approved, rejected or paid."""
