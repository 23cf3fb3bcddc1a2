"""Pure rules of dispatch (一点处理, 首问负责制): no Kafka, MongoDB, gRPC or protobuf imports."""
