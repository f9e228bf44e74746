"""The service at a glance: public statistics by district, and the citizen's jobs summary
for the gateway's citizen view."""
