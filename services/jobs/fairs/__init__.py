"""Job fairs: public listing, staff scheduling, citizens register (capacity-limited) and cancel."""
