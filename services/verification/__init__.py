"""verification service."""
