"""View-models: what each page shows, built from the services' answers in plain Python (no web
framework, no gRPC calls), so they are tested without a server."""
