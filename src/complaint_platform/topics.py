"""Topic names: the public contract between the services and other systems.

Names carry a version; a breaking change is a new topic (``.v2``) beside the old.
"""

COMPLAINTS_SUBMITTED = "complaints.submitted.v1"
SOCIAL_MENTIONS = "social.mentions.v1"
WORKORDER_FEEDBACK = "workorders.feedback.v1"
SERVICE_RATINGS = "service.ratings.v1"
AGENT_EXPLANATIONS = "agent.explanations.v1"
CALLBACK_RESULTS = "callbacks.results.v1"
CAPA_REPORTS = "capa.reports.v1"

CASES_INTAKE = "cases.intake.v1"
CASES_DISPATCH = "cases.dispatch.v1"
CASES_SUPERVISION = "cases.supervision.v1"
CASES_VERIFICATION = "cases.verification.v1"

DEADLETTER = "complaints.deadletter.v1"

# Outbound, for the SMS, WeChat, e-mail and app gateways: complaints.v1.Envelope with a
# CustomerNotification, keyed by case id so a case's notifications stay in order.
CUSTOMER_NOTIFICATIONS = "customers.notifications.v1"

# Heads of the audit chain (complaints.v1.AuditAnchor), kept for ever: an auditor compares an export
# with them (audit_chain.check_anchors), so a chain rewritten in the database is caught.
AUDIT_ANCHORS = "audit.anchors.v1"

# Inbound topics carry the bare event message named here (binary or protobuf-JSON);
# internal topics carry complaints.v1.Envelope.
INBOUND_MESSAGE = {
    COMPLAINTS_SUBMITTED: "ComplaintSubmitted",
    SOCIAL_MENTIONS: "SocialMention",
    WORKORDER_FEEDBACK: "WorkOrderFeedback",
    SERVICE_RATINGS: "ServiceRating",
    AGENT_EXPLANATIONS: "AgentExplanation",
    CALLBACK_RESULTS: "CallbackResult",
    CAPA_REPORTS: "CapaReport",
}
INBOUND_TOPICS = tuple(INBOUND_MESSAGE)
INTERNAL_TOPICS = (CASES_INTAKE, CASES_DISPATCH, CASES_SUPERVISION, CASES_VERIFICATION)
OUTBOUND_TOPICS = (CUSTOMER_NOTIFICATIONS, AUDIT_ANCHORS)
ALL_TOPICS = INBOUND_TOPICS + INTERNAL_TOPICS + OUTBOUND_TOPICS + (DEADLETTER,)

# What each service consumes; its output topic is the one it alone writes (and the outbound
# topics it writes for other systems).
CONSUMED_TOPICS: dict[str, tuple[str, ...]] = {
    "intake": (COMPLAINTS_SUBMITTED, SOCIAL_MENTIONS, CASES_DISPATCH, CASES_SUPERVISION,
               CASES_VERIFICATION),
    "dispatch": (CASES_INTAKE, WORKORDER_FEEDBACK, CASES_SUPERVISION, CASES_VERIFICATION),
    "escalation": (CASES_INTAKE, CASES_DISPATCH, CASES_VERIFICATION, SERVICE_RATINGS,
                   AGENT_EXPLANATIONS),
    "verification": (CASES_INTAKE, CASES_DISPATCH, CALLBACK_RESULTS, CAPA_REPORTS),
}
OUTPUT_TOPIC = {
    "intake": CASES_INTAKE,
    "dispatch": CASES_DISPATCH,
    "escalation": CASES_SUPERVISION,
    "verification": CASES_VERIFICATION,
}


OUTBOUND_TOPIC = {"dispatch": (CUSTOMER_NOTIFICATIONS,), "verification": (AUDIT_ANCHORS,)}


def topics_of(service: str) -> tuple[str, ...]:
    """The topics ``service`` reads or writes: what it waits for before it starts."""
    return (*CONSUMED_TOPICS[service], OUTPUT_TOPIC[service], *OUTBOUND_TOPIC.get(service, ()), DEADLETTER)
