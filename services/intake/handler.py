"""Kafka adapter of the intake service: events in, rules applied, cases stored, events out."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from complaints.v1 import case_events_pb2, common_pb2, envelope_pb2, inbound_pb2
from complaint_platform.envelope import from_timestamp, to_timestamp
from complaint_platform.handling import Incoming
from complaint_platform.inbox import InboxHandler
from complaint_platform.mongo import UnitOfWork
from complaint_platform.topics import CASES_INTAKE

from .documents import CaseRecord, CustomerDirectoryEntry, DetectorState, PublicOpinionItem, SubmissionRecord
from .domain import cases as rules
from .domain.classify import classify
from .domain.normalise import canonical_phone, text_for_matching
from .domain.policy import IntakePolicy
from .domain.proxy import ProxyDetector, ProxyJoined, ProxyRaised
from .domain.social import MentionOutcome, match_mention

# Status the case reaches when another service reports an event.
STATUS_FROM_EVENT = {
    "owner_assigned": "ASSIGNED", "work_order_dispatched": "DISPATCHED", "case_resolved": "RESOLVED",
    "verification_opened": "VERIFYING", "case_closed": "CLOSED", "case_reopened": "REOPENED",
}
_CASES, _SUBMISSIONS = CaseRecord._get_collection_name(), SubmissionRecord._get_collection_name()


def channel_name(value: int) -> str:
    return common_pb2.Channel.Name(value).removeprefix("CHANNEL_")


class IntakeHandler(InboxHandler):
    producer = "intake"
    output_topic = CASES_INTAKE

    def __init__(self, database: Any, policy: IntakePolicy) -> None:
        super().__init__(database)
        self.policy = policy

    # loading -----------------------------------------------------------------
    def load(self, batch: list[Incoming]) -> None:
        customers, case_ids, keys = set(), set(), set()
        for item in batch:
            kind = item.envelope.WhichOneof("payload")
            payload = getattr(item.envelope, kind)
            if kind == "complaint_submitted":
                customers.add(payload.customer.id)
                keys.add(f"{channel_name(payload.channel)}:{payload.submission_id}")
            elif kind == "social_mention" and payload.customer.id:
                customers.add(payload.customer.id)
                keys.add(f"WEIBO:{payload.mention_id}")
            elif item.envelope.case_id:
                case_ids.add(item.envelope.case_id)
        query = {"$or": [{"customer_id": {"$in": sorted(customers)}, "status": {"$ne": "CLOSED"}},
                         {"_id": {"$in": sorted(case_ids)}}]}
        self.cases = {doc["_id"]: rules.CaseFile.from_dict(doc["state"])
                      for doc in self.database[_CASES].find(query, {"state": 1})}
        self.known_submissions = {doc["_id"] for doc in self.database[_SUBMISSIONS].find(
            {"_id": {"$in": sorted(keys)}}, {"_id": 1})}
        self.tiers = {doc["_id"]: doc.get("tier") for doc in self.database[
            CustomerDirectoryEntry._get_collection_name()].find({"_id": {"$in": sorted(customers)}})}
        detector = self.database[DetectorState._get_collection_name()].find_one({"_id": "proxy"})
        self.detector = ProxyDetector.from_dict(detector["state"] if detector else None)
        self.changed: set[str] = set()
        self.new_submissions: list[dict] = []
        self.opinions: list[dict] = []
        self.irrelevant_mentions = 0

    # applying ----------------------------------------------------------------
    def apply(self, incoming: Incoming, now: datetime) -> list[envelope_pb2.Envelope]:
        kind = incoming.envelope.WhichOneof("payload")
        payload = getattr(incoming.envelope, kind)
        if kind == "complaint_submitted":
            return self._complaint(incoming, payload, now)
        if kind == "social_mention":
            return self._mention(incoming, payload, now)
        self._observe(kind, payload, incoming.envelope, now)
        return []

    def _complaint(self, incoming: Incoming, complaint: inbound_pb2.ComplaintSubmitted,
                   now: datetime) -> list[envelope_pb2.Envelope]:
        submission = self._submission(complaint, now)
        if submission.key in self.known_submissions:
            return []  # the same (channel, submission_id) again: one submission, one case
        self.known_submissions.add(submission.key)
        classification = classify(complaint.category, submission.matching_text, self.policy.categories)
        candidates = [case for case in self.cases.values() if case.customer_id == submission.customer_id]
        joined = rules.find_case_to_join(submission, classification.category, candidates, self.policy)
        if joined is not None:
            rules.link(joined, submission, self.policy)
            self._remember(submission, joined.case_id, complaint)
            self.changed.add(joined.case_id)
            linked = case_events_pb2.SubmissionLinked(
                case_id=joined.case_id, submission_id=submission.submission_id, channel=complaint.channel,
                contact_count=joined.contact_count, regulator_risk=joined.regulator_risk,
                received_at=to_timestamp(submission.received_at))
            return [self.emit(incoming, linked, joined.case_id, now)]
        case = rules.register(submission, classification, self.policy)
        self.cases[case.case_id] = case
        self.changed.add(case.case_id)
        self._remember(submission, case.case_id, complaint)
        events = [self.emit(incoming, self._registered(case, complaint), case.case_id, now)]
        return events + self._proxy(incoming, case, now)

    def _proxy(self, incoming: Incoming, case: rules.CaseFile, now: datetime) -> list[envelope_pb2.Envelope]:
        outcome = self.detector.observe(case.case_id, case.region, case.category, case.registered_at, self.policy.proxy)
        if isinstance(outcome, ProxyJoined):
            return self._join_proxy(incoming, outcome.proxy_case_id, [case.case_id], now)
        if not isinstance(outcome, ProxyRaised):
            return []
        proxy = rules.CaseFile(
            case_id=outcome.proxy_case_id, customer_id=f"PROXY:{outcome.region}", category=outcome.category,
            category_rule="proxy", needs_triage=False, severity=3, severity_rule="proxy", tier=1,
            priority=self.policy.priority_by_tier[1], region=outcome.region, channels=["PROXY"], contact_count=0,
            submission_keys=[], status="REGISTERED", regulator_case=False, regulator_risk=0.0,
            registered_at=case.registered_at, last_contact_at=case.registered_at, proxy_case=True,
            summary=f"{outcome.region} {outcome.category}: {len(outcome.member_case_ids)} reports",
            first_contact="complaint-centre")
        proxy.note("proxy raised", now, members=len(outcome.member_case_ids))
        self.cases[proxy.case_id] = proxy
        self.changed.add(proxy.case_id)
        raised = case_events_pb2.ProxyCaseRaised(case_id=proxy.case_id, region=outcome.region,
                                                 category=outcome.category,
                                                 member_case_ids=list(outcome.member_case_ids))
        registered = case_events_pb2.CaseRegistered(
            case_id=proxy.case_id, channel=common_pb2.CHANNEL_PROXY, category=proxy.category,
            category_rule="proxy", severity=proxy.severity, priority=proxy.priority,
            first_contact=proxy.first_contact, summary=proxy.summary, proxy_case=True,
            customer=common_pb2.Customer(id=proxy.customer_id, region=proxy.region, tier=1),
            received_at=to_timestamp(proxy.registered_at))
        return ([self.emit(incoming, registered, proxy.case_id, now), self.emit(incoming, raised, proxy.case_id, now)]
                + self._join_proxy(incoming, proxy.case_id, list(outcome.member_case_ids), now))

    def _join_proxy(self, incoming, proxy_case_id: str, members: list[str], now) -> list[envelope_pb2.Envelope]:
        proxy = self._case(proxy_case_id)
        events = []
        for member_id in members:
            member = self._case(member_id)
            if member is not None:
                member.proxy_case_id = proxy_case_id
                self.changed.add(member_id)
            if proxy is not None and member_id not in proxy.proxy_members:
                proxy.proxy_members.append(member_id)
                self.changed.add(proxy_case_id)
            linked = case_events_pb2.ProxyMemberLinked(case_id=proxy_case_id, member_case_id=member_id)
            events.append(self.emit(incoming, linked, proxy_case_id, now, discriminator=member_id))
        return events

    def _mention(self, incoming: Incoming, mention: inbound_pb2.SocialMention, now: datetime):
        text = text_for_matching(mention.text)
        match = match_mention(text, bool(mention.customer.id), self.policy)
        if match.outcome is MentionOutcome.NOT_RELEVANT:
            self.irrelevant_mentions += 1
            return []
        if match.outcome is MentionOutcome.COMPLAINT:
            complaint = inbound_pb2.ComplaintSubmitted(
                submission_id=mention.mention_id, channel=common_pb2.CHANNEL_WEIBO, customer=mention.customer,
                summary=mention.text, first_contact="social-listening", attributes=dict(mention.attributes))
            complaint.attributes["url"] = mention.url
            complaint.received_at.CopyFrom(mention.posted_at if mention.HasField("posted_at") else to_timestamp(now))
            return self._complaint(incoming, complaint, now)
        classification = classify("", text, self.policy.categories)
        incident = self.detector.incidents.get(f"{mention.region}|{classification.category}")
        self.opinions.append({"_id": mention.mention_id, "platform": mention.platform, "text": mention.text,
                              "region": mention.region, "category": classification.category,
                              "posted_at": from_timestamp(mention.posted_at) or now, "url": mention.url,
                              "proxy_case_id": incident.proxy_case_id if incident else ""})
        return []

    def _observe(self, kind: str, payload, envelope: envelope_pb2.Envelope, now: datetime) -> None:
        case = self._case(envelope.case_id)
        if case is None:
            return  # an event about a case this service never registered (e.g. replayed elsewhere)
        changed = False
        if kind in STATUS_FROM_EVENT:
            changed = rules.advance_status(case, STATUS_FROM_EVENT[kind], now)
        if kind == "owner_assigned":
            case.owner, changed = payload.owner, True
        elif kind == "deadline_set":
            case.open_deadlines[payload.deadline_id] = from_timestamp(payload.due_at)
            changed = True
        elif kind == "deadline_stopped":
            changed = case.open_deadlines.pop(payload.deadline_id, None) is not None
        elif kind == "deadline_breached":
            case.overdue, changed = True, True
        elif kind == "case_escalated" and payload.level > case.escalation_level:
            case.escalation_level, changed = payload.level, True
        elif kind == "risk_threshold_crossed":
            case.regulator_risk, changed = max(case.regulator_risk, payload.score), True
        elif kind == "case_reopened":
            case.overdue = False
        if changed:
            case.updated_at = now
            self.changed.add(case.case_id)

    # helpers -----------------------------------------------------------------
    def _case(self, case_id: str) -> rules.CaseFile | None:
        if case_id and case_id not in self.cases:
            found = self.database[_CASES].find_one({"_id": case_id}, {"state": 1})
            if found:
                self.cases[case_id] = rules.CaseFile.from_dict(found["state"])
        return self.cases.get(case_id)

    def _submission(self, complaint: inbound_pb2.ComplaintSubmitted, now: datetime) -> rules.Submission:
        tier = complaint.customer.tier or self.tiers.get(complaint.customer.id) or self.policy.default_tier
        return rules.Submission(
            submission_id=complaint.submission_id, channel=channel_name(complaint.channel),
            customer_id=complaint.customer.id, phone=canonical_phone(complaint.customer.phone), tier=tier,
            region=complaint.customer.region, summary=complaint.summary,
            matching_text=text_for_matching(complaint.summary),
            received_at=from_timestamp(complaint.received_at) or now,
            first_contact=complaint.first_contact, attributes=dict(complaint.attributes))

    def _remember(self, submission: rules.Submission, case_id: str, complaint) -> None:
        self.new_submissions.append({
            "_id": submission.key, "submission_id": submission.submission_id, "channel": submission.channel,
            "case_id": case_id, "customer_id": submission.customer_id, "received_at": submission.received_at,
            "summary": submission.summary, "summary_normalised": submission.matching_text,
            "first_contact": submission.first_contact})

    def _registered(self, case: rules.CaseFile, complaint) -> case_events_pb2.CaseRegistered:
        event = case_events_pb2.CaseRegistered(
            case_id=case.case_id, submission_id=complaint.submission_id, channel=complaint.channel,
            customer=complaint.customer, category=case.category, category_rule=case.category_rule,
            severity=case.severity, priority=case.priority, first_contact=complaint.first_contact,
            summary=complaint.summary, attributes=dict(complaint.attributes), regulator_case=case.regulator_case,
            needs_triage=case.needs_triage, received_at=to_timestamp(case.registered_at))
        event.customer.tier = case.tier
        if complaint.HasField("promised_reply_at"):
            event.promised_reply_at.CopyFrom(complaint.promised_reply_at)
        return event

    # saving ------------------------------------------------------------------
    def save(self, unit: UnitOfWork) -> None:
        for case_id in sorted(self.changed):
            unit.upsert(_CASES, case_document(self.cases[case_id]))
        for submission in self.new_submissions:
            unit.upsert(_SUBMISSIONS, submission)
        for opinion in self.opinions:
            unit.upsert(PublicOpinionItem._get_collection_name(), opinion)
        if self.irrelevant_mentions:
            unit.update("counters", {"_id": "irrelevant_mentions"},
                        {"$inc": {"value": self.irrelevant_mentions}}, upsert=True)
        unit.upsert(DetectorState._get_collection_name(), {"_id": "proxy", "state": self.detector.to_dict()})


def case_document(case: rules.CaseFile) -> dict:
    """Indexed and displayed fields at the top level; the whole aggregate under ``state``."""
    state = case.to_dict()
    fields = {name: state[name] for name in (
        "customer_id", "category", "category_rule", "needs_triage", "severity", "severity_rule", "tier", "priority",
        "region", "channels", "contact_count", "submission_keys", "status", "owner", "regulator_case",
        "regulator_risk", "proxy_case", "proxy_case_id", "proxy_members", "attributes", "summary",
        "registered_at", "last_contact_at", "updated_at", "open_deadlines", "escalation_level", "overdue")}
    return {"_id": case.case_id, **fields, "history": state["history"][-50:], "state": state}
