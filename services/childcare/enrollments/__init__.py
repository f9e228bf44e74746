"""Enrollments: apply, the FIFO waitlist, offers with expiry, accept/decline/withdraw, rosters."""
