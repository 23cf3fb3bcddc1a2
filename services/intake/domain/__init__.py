"""Pure intake rules (多点受理): no Kafka, MongoDB or gRPC imports.

vocabulary (channels, categories, severity) · normalise (phones, text) · submission (inbound -> normalised,
tier) · classify (category and severity rules) · case (the case file) · merge (link and split) ·
status (lifecycle read model) · proxy (burst detector) · social (listening) · decision (entry point) ·
events · ids · errors · policy.
"""
