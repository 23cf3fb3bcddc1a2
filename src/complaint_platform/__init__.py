"""Cross-cutting code shared by the four complaint services.

Envelope codec, Kafka and MongoDB adapters, telemetry, configuration and the
gRPC server bootstrap live here; business rules live in each service.
"""
