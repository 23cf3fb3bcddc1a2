"""The four complaint services; none imports another."""
