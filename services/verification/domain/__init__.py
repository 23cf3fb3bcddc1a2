"""Pure rules of closed-loop verification (闭环验证) and the audit chain: no Kafka, MongoDB or gRPC imports."""
