"""Support programmes (rent and home-purchase subsidies, startup loans and grants): eligibility
rules held as data and explained rule by rule, applications, budget-safe awards, pay-once."""
