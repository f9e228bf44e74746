"""Care in the 2+X+N structure (care requests with their history) and age-friendly renovations."""
