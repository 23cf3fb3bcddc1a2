"""How a department system and the callback centre receive their work: a consumer to copy.

    python docs/examples/follow_cases.py department province-porting-desk
    python docs/examples/follow_cases.py callbacks

A department consumes ``cases.dispatch.v1`` and acts on ``WorkOrderDispatched`` events whose
``department`` is its own (it answers on ``workorders.feedback.v1``: ACCEPTED, then REPLIED, then
CUSTOMER_REPLIED once the customer has the answer). The callback centre consumes
``cases.verification.v1`` and calls the customer back on ``VerificationOpened`` (it answers on
``callbacks.results.v1``). See docs/examples/README.md.

Records on these topics are ``complaints.v1.Envelope`` in binary protobuf (generate the classes from
``protos/complaints/v1`` with protoc/buf for your language); the ``event-type`` header names the event,
so a consumer skips what it does not handle without decoding it. Delivery is at least once: an event
may come twice (after a service restarted), identical and with the same ``event_id``, so remember the
ids handled. Commit offsets only after the work is safely recorded.

Connection settings come from the same variables as the services': KAFKA_BOOTSTRAP_SERVERS,
KAFKA_SECURITY_PROTOCOL, KAFKA_SASL_MECHANISM/USERNAME/PASSWORD, KAFKA_SSL_CA_FILE.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import ssl
import sys
from collections.abc import Callable

from aiokafka import AIOKafkaConsumer

from complaints.v1 import envelope_pb2

WORK = {  # role -> (topic, event it acts on)
    "department": ("cases.dispatch.v1", "complaints.v1.WorkOrderDispatched"),
    "callbacks": ("cases.verification.v1", "complaints.v1.VerificationOpened"),
}


def connection_from_env(env=os.environ) -> dict:
    options = {"bootstrap_servers": env.get("KAFKA_BOOTSTRAP_SERVERS", "127.0.0.1:9092"),
               "security_protocol": env.get("KAFKA_SECURITY_PROTOCOL", "PLAINTEXT")}
    if options["security_protocol"] in ("SSL", "SASL_SSL"):
        options["ssl_context"] = ssl.create_default_context(cafile=env.get("KAFKA_SSL_CA_FILE") or None)
    if options["security_protocol"].startswith("SASL"):
        options.update(sasl_mechanism=env.get("KAFKA_SASL_MECHANISM", "SCRAM-SHA-512"),
                       sasl_plain_username=env.get("KAFKA_SASL_USERNAME", ""),
                       sasl_plain_password=env.get("KAFKA_SASL_PASSWORD", ""))
    return options


def describe(envelope: envelope_pb2.Envelope) -> str:
    """What the receiving system would do with the event (here: say it)."""
    if envelope.HasField("work_order_dispatched"):
        order = envelope.work_order_dispatched
        due = order.promised_reply_at.ToJsonString() if order.HasField("promised_reply_at") else "per SLA"
        return (f"work order {order.work_order_id} for case {order.case_id}: {order.category}, priority "
                f"{order.priority}, region {order.region}, reply due {due}; answer on workorders.feedback.v1")
    opened = envelope.verification_opened
    return f"case {opened.case_id} awaits a callback (回访); answer on callbacks.results.v1"


async def follow(role: str, department: str, handle: Callable[[envelope_pb2.Envelope], None],
                 connection: dict, group: str = "", stop: asyncio.Event | None = None) -> None:
    """Consume the role's topic in its own consumer group and hand each new event of its kind to ``handle``."""
    topic, event_type = WORK[role]
    consumer = AIOKafkaConsumer(topic, group_id=group or f"{role}-{department or 'centre'}",
                                enable_auto_commit=False, auto_offset_reset="earliest", **connection)
    handled: set[str] = set()  # event ids already acted on (keep them in your own database)
    await consumer.start()
    try:
        while stop is None or not stop.is_set():
            batches = await consumer.getmany(timeout_ms=500)
            for records in batches.values():
                for record in records:
                    if dict(record.headers).get("event-type", b"").decode() != event_type:
                        continue  # other events of the case: not this system's work
                    envelope = envelope_pb2.Envelope.FromString(record.value)
                    if envelope.event_id in handled:
                        continue  # a copy re-published after a restart
                    if role == "department" and envelope.work_order_dispatched.department != department:
                        continue
                    handle(envelope)
                    handled.add(envelope.event_id)
            if batches:
                await consumer.commit()  # after the work is recorded: at least once
    finally:
        await consumer.stop()


def main(argv: list[str] | None = None) -> int:
    top = argparse.ArgumentParser(description="Receive work orders (a department) or callback requests.")
    top.add_argument("role", choices=sorted(WORK))
    top.add_argument("department", nargs="?", default="", help="the department's name (role department)")
    args = top.parse_args(argv)
    if args.role == "department" and not args.department:
        top.error("department: name the department, e.g. province-porting-desk")
    try:
        asyncio.run(follow(args.role, args.department, lambda envelope: print(describe(envelope), flush=True),
                           connection_from_env()))
    except KeyboardInterrupt:
        pass
    return 0


if __name__ == "__main__":
    sys.exit(main())
