"""The gateway's clients of the services: one transport (`base`), one typed client each."""
