"""Children registered by their guardians; national IDs only as keyed hash and mask."""
