"""Activities and classes: sessions with seats, registrations with a FIFO waitlist."""
