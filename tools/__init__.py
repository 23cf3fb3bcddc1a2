"""Developer tools: proto generation, the embedded stack, checks."""
