"""What eldercare tells an elder and the family who act for them (DESIGN §10): a class seat
from the waitlist, a class changed or cancelled, the class tomorrow, a care request assigned or
completed, a renovation's next step."""
