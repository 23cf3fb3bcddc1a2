"""Pure rules: no Kafka, MongoDB or gRPC imports."""
