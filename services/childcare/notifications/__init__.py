"""What childcare tells a guardian (DESIGN §10): offers, enrolments, waitlist places given up,
and the reminder of an offer that expires in 12 hours."""
