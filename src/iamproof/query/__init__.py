"""Queries over all requests at once: can, equiv, diff, check-not-granted, check-public."""
