"""The demo citizen every service's demo data knows, so `make run` prints a token whose
`/wellbeing/v1/me` shows something in every section."""

DEMO_CITIZEN = "citizen-demo"
