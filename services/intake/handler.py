"""Kafka adapter of the intake service: events in, rules applied, cases stored, events out
(conversions in ``wire``, the case documents in ``store``)."""

from __future__ import annotations

import time
from datetime import datetime
from typing import Any

from complaints.v1 import envelope_pb2, inbound_pb2
from complaint_platform.envelope import event_names, from_timestamp
from complaint_platform.handling import Incoming
from complaint_platform.inbox import InboxHandler, RejectEvent
from complaint_platform.mongo import UnitOfWork
from complaint_platform.topics import CASES_INTAKE

from .documents import (
    CaseRecord,
    CaseViewRecord,
    CustomerDirectoryEntry,
    DetectorState,
    IntakeCounter,
    ProxyFault,
    PublicOpinionItem,
    SubmissionRecord,
)
from .domain import events as ev
from .domain.case import CaseFile
from .domain.decision import apply_member_linked, count_mention, decide
from .domain.errors import IntakeError
from .domain.identity import CustomerDirectory
from .domain.normalise import canonical_phone
from .domain.policy import IntakePolicy
from .domain.proxy import ProxyDetector
from .domain.social import MentionOutcome, SocialMention, assess_mention
from .domain.submission import RawSubmission, normalise
from .store import VIEW_FIELDS, case_document, view_document
from .wire import channel_name, raw_submission, to_message

# Status the case reaches when another service reports an event.
STATUS_FROM_EVENT = {
    "owner_assigned": "ASSIGNED", "work_order_dispatched": "DISPATCHED", "case_resolved": "RESOLVED",
    "verification_opened": "VERIFYING", "case_closed": "CLOSED", "case_reopened": "REOPENED",
}
_CASES, _SUBMISSIONS = CaseRecord._get_collection_name(), SubmissionRecord._get_collection_name()
_FAULTS = ProxyFault._get_collection_name()
_VIEWS = CaseViewRecord._get_collection_name()
_DIRECTORY = CustomerDirectoryEntry._get_collection_name()
DIRECTORY_VERSION = "customer_directory_version"   # the loader counts its loads here (directory.py)


class IntakeHandler(InboxHandler):
    """Holds the open cases of the customers and cases it saw in memory between batches (the
    rules of dispatch's ``CaseStore``: read only what is not held, compare-and-set writes, all
    dropped on revocation, failure or lost writes, closed cases leave)."""

    producer = "intake"
    output_topic = CASES_INTAKE
    LIMIT = 200_000  # cases held at most
    # what the case's status and read-model fields follow (``_observe``); other events pass by
    acts_on = event_names(*STATUS_FROM_EVENT, "deadline_set", "deadline_stopped", "deadline_resumed",
                          "deadline_breached", "case_escalated", "risk_threshold_crossed")

    DIRECTORY_CHECK_SECONDS = 5.0  # how often the loader's version is read (one find by id)

    def __init__(self, database: Any, policy: IntakePolicy) -> None:
        super().__init__(database)
        self.policy = policy
        # The customer directory is held whole (phone -> customer id, tier, region): a submission is
        # resolved from memory, never by a read per event. Read again when the loader has loaded a file.
        self.directory: CustomerDirectory | None = None
        self._directory_version: Any = None
        self._directory_checked = float("-inf")
        self.forget_state()

    # loading -----------------------------------------------------------------
    def load(self, batch: list[Incoming]) -> None:
        # a phone the directory does not list may have been loaded a moment ago: one find by id per
        # such batch (not per event), the whole directory only when the loader has counted a load
        self._refresh_directory(force=any(self._unresolved(item) for item in batch))
        customers, case_ids, keys = set(), set(), set()
        for item in batch:
            kind = item.envelope.WhichOneof("payload")
            payload = getattr(item.envelope, kind)
            if kind == "complaint_submitted":
                customers.add(self._customer_key(payload.customer))
                keys.add(f"{channel_name(payload.channel)}:{payload.submission_id}")
            elif kind == "social_mention" and (payload.customer.id or payload.customer.phone):
                customers.add(self._customer_key(payload.customer))
                keys.add(f"WEIBO:{payload.mention_id}")
            elif item.envelope.case_id:
                case_ids.add(item.envelope.case_id)
        # Held between batches: only customers and cases not held yet are read (two indexed
        # queries: the embedded database answers "$or" and "$ne" with a full scan, so closed cases
        # are left out here rather than in the query).
        unread = sorted(customers - self._complete)
        if unread:
            for doc in self.database[_CASES].find({"customer_id": {"$in": unread}}):
                if doc.get("status") != "CLOSED" and doc["_id"] not in self.cases:
                    self._remember_case(doc)
        wanted = sorted(case_id for case_id in case_ids if case_id not in self.cases)
        if wanted:
            for doc in self.database[_CASES].find({"_id": {"$in": wanted}}):
                self._remember_case(doc)
        self._remember_views(sorted(self._unviewed))
        self._complete.update(unread)
        self.known = {doc["_id"]: doc["case_id"] for doc in self.database[_SUBMISSIONS].find(
            {"_id": {"$in": sorted(keys)}}, {"case_id": 1})}
        if self.detector is None:  # read once, then held (dropped with the rest on failure)
            self.detector = self._load_detector()
        self.detector.prune(self.policy.proxy)
        self.changed: set[str] = set()
        self.new_submissions: list[dict] = []
        self.opinions: list[dict] = []
        self.irrelevant_mentions = 0

    def _customer_key(self, customer) -> str:
        """The key ``normalise`` will give the submission, to read the customer's cases before it."""
        phone = canonical_phone(customer.phone)
        found = self.directory.customer_for(phone) if self.directory is not None else None
        return customer.id.strip() or found or (f"phone:{phone}" if phone else "")

    def _unresolved(self, item: Incoming) -> bool:
        """The directory may know what the event leaves open: a phone without a customer id, or a
        customer whose tier the event does not give and the directory held now does not list (a
        load just made): the loader's version is read at once, not at the next periodic check."""
        kind = item.envelope.WhichOneof("payload")
        if kind not in ("complaint_submitted", "social_mention"):
            return False
        customer = getattr(item.envelope, kind).customer
        if customer.id.strip():
            return not customer.tier and (self.directory is None or self.directory.tier(customer.id.strip()) is None)
        return bool(customer.phone) and self._customer_key(customer).startswith("phone:")

    def _refresh_directory(self, force: bool = False) -> None:
        now = time.monotonic()
        if not force and now - self._directory_checked < self.DIRECTORY_CHECK_SECONDS:
            return
        self._directory_checked = now
        marker = self.database[DIRECTORY_VERSION].find_one({"_id": "version"})
        version = marker.get("value") if marker else None
        if self.directory is None or version != self._directory_version:
            self.directory = CustomerDirectory.from_documents(self.database[_DIRECTORY].find({}))
            self._directory_version = version

    def _load_detector(self) -> ProxyDetector:
        """The faults' documents; a detector stored as one document (earlier versions) moves
        into them with this batch."""
        detector = ProxyDetector.from_faults((doc["_id"], doc) for doc in self.database[_FAULTS].find({}))
        legacy = self.database[DetectorState._get_collection_name()].find_one({"_id": "proxy"})
        self._legacy_detector = legacy is not None
        if legacy is not None:
            old = ProxyDetector.from_dict(legacy.get("state"))
            detector.recent = {**old.recent, **detector.recent}
            detector.incidents = {**old.incidents, **detector.incidents}
            detector.changed.update(old.recent, old.incidents)
        return detector

    def _remember_case(self, doc: dict) -> None:
        case = self.cases[doc["_id"]] = CaseFile.from_dict(doc["state"])
        self._by_customer.setdefault(case.customer_key, set()).add(case.case_id)
        self.rows[doc["_id"]] = case_document(case)
        self.stored.add(case.case_id)
        # a case stored before views had their own documents still carries its view
        self.views[doc["_id"]] = {name: doc.get(name) for name in VIEW_FIELDS}
        self._unviewed.add(case.case_id)

    def _remember_views(self, case_ids: list[str]) -> None:
        if not case_ids:
            return
        for doc in self.database[_VIEWS].find({"_id": {"$in": case_ids}}):
            self.views[doc["_id"]] = {name: doc.get(name) for name in VIEW_FIELDS}
            self.applied.remember(doc["_id"], doc)
            self.viewed[doc["_id"]] = doc.get("version")
        self._unviewed.difference_update(case_ids)

    # applying ----------------------------------------------------------------
    def apply(self, incoming: Incoming, now: datetime) -> list[envelope_pb2.Envelope]:
        kind = incoming.envelope.WhichOneof("payload")
        payload = getattr(incoming.envelope, kind)
        try:
            if kind == "complaint_submitted":
                return self._submission(incoming, raw_submission(payload), payload, now)
            if kind == "social_mention":
                return self._mention(incoming, payload, now)
        except IntakeError as refusal:
            raise RejectEvent(str(refusal)) from None
        self._observe(kind, payload, incoming.envelope, now)
        return []

    def _submission(self, incoming: Incoming, raw: RawSubmission, complaint, now: datetime):
        submission = normalise(raw, self.policy, now, identity=self.directory)
        candidates = [self.cases[case_id] for case_id in sorted(self._by_customer.get(submission.customer_key, ()))
                      if case_id in self.cases and self.cases[case_id].is_open]
        decision = decide(submission, candidates, self.detector, self.policy, now, known=self.known)
        if not decision.events:
            return []  # the same (channel, submission_id) again: one submission, one case
        self.known[submission.key] = decision.case_id
        self.new_submissions.append({
            "_id": submission.key, "submission_id": submission.submission_id, "channel": submission.channel.value,
            "case_id": decision.case_id, "customer_id": submission.customer_key,
            "received_at": submission.received_at, "summary": complaint.summary if complaint else raw.summary,
            "summary_normalised": submission.matching_text, "first_contact": submission.first_contact,
            "merge_reason": decision.merge_reason})
        return self._apply(incoming, decision.changed_cases, decision.events, decision.members_elsewhere,
                           complaint, now)

    def _apply(self, incoming: Incoming, changed_cases, events, members_elsewhere, complaint, now: datetime):
        """Hold and mark the cases a decision changed, link the proxy members held elsewhere, emit."""
        for case in changed_cases:
            self.cases[case.case_id] = case
            self._by_customer.setdefault(case.customer_key, set()).add(case.case_id)
            self.views.setdefault(case.case_id, {})
            self.changed.add(case.case_id)
        for event in events:
            if isinstance(event, ev.ProxyMemberLinked) and event.member_case_id in members_elsewhere:
                member = self._case(event.member_case_id)
                if member is not None and apply_member_linked(member, event, now):
                    self.changed.add(member.case_id)
        envelopes = []
        for event in events:
            message = to_message(event, complaint)
            if message is not None:
                envelopes.append(self.emit(incoming, message, event.case_id, now, discriminator=event.event_id))
        return envelopes

    def _mention(self, incoming: Incoming, mention: inbound_pb2.SocialMention, now: datetime):
        decision = assess_mention(SocialMention(
            mention_id=mention.mention_id, author=mention.author, text=mention.text,
            posted_at=from_timestamp(mention.posted_at) or now, url=mention.url, platform=mention.platform or "weibo",
            region=mention.region or mention.customer.region, customer_id=mention.customer.id,
            phone=mention.customer.phone, attributes=dict(mention.attributes)), self.policy, self.detector)
        if decision.outcome is MentionOutcome.COMPLAINT and decision.complaint is not None:
            return self._submission(incoming, decision.complaint, None, now)
        if decision.outcome is MentionOutcome.PUBLIC_OPINION and decision.opinion is not None:
            opinion = decision.opinion
            counted = count_mention(opinion.mention_id, opinion.region, opinion.category, opinion.posted_at,
                                    self.detector, self.policy, now)
            self.opinions.append({"_id": opinion.mention_id, "platform": opinion.platform, "text": opinion.text,
                                  "region": opinion.region, "category": opinion.category, "url": opinion.url,
                                  "category_rule": opinion.category_rule,
                                  "posted_at": from_timestamp(mention.posted_at) or now,
                                  "proxy_case_id": counted.proxy_case_id or opinion.proxy_case_id})
            return self._apply(incoming, counted.changed_cases, counted.events, counted.members_elsewhere, None, now)
        self.irrelevant_mentions += 1
        return []

    def _observe(self, kind: str, payload, envelope: envelope_pb2.Envelope, now: datetime) -> None:
        case = self._case(envelope.case_id)
        if case is None:
            return  # an event about a case this service never registered (e.g. replayed elsewhere)
        view = self.views.setdefault(case.case_id, {})
        occurred_at = from_timestamp(envelope.occurred_at) or now
        if kind in STATUS_FROM_EVENT:
            case.observe_status(STATUS_FROM_EVENT[kind], occurred_at)
        if kind == "owner_assigned":
            view["owner"] = payload.owner
        elif kind == "deadline_set":
            view.setdefault("open_deadlines", {})
            view["open_deadlines"] = {**(view["open_deadlines"] or {}), payload.deadline_id: from_timestamp(payload.due_at)}
        elif kind == "deadline_stopped":
            view["open_deadlines"] = {k: v for k, v in (view.get("open_deadlines") or {}).items()
                                      if k != payload.deadline_id}
        elif kind == "deadline_resumed" and payload.deadline_id in (view.get("open_deadlines") or {}):
            # a paused clock stays open (deadline_paused changes nothing here); resumed, it is due later
            view["open_deadlines"] = {**view["open_deadlines"], payload.deadline_id: from_timestamp(payload.due_at)}
        elif kind == "deadline_breached":
            view["overdue"] = True
        elif kind == "case_escalated":
            view["escalation_level"] = max(view.get("escalation_level") or 0, payload.level)
        elif kind == "risk_threshold_crossed":
            case.regulator_risk = max(case.regulator_risk, payload.score)
        elif kind == "case_reopened":
            view["overdue"] = False
        view["updated_at"] = now
        self.changed.add(case.case_id)

    def _case(self, case_id: str) -> CaseFile | None:
        if case_id and case_id not in self.cases:
            found = self.database[_CASES].find_one({"_id": case_id})
            if found:
                self._remember_case(found)
                self._remember_views([case_id])
        return self.cases.get(case_id)

    # saving ------------------------------------------------------------------
    def save(self, unit: UnitOfWork) -> None:
        self.saved = sorted(self.changed | (self.applied.touched & set(self.cases)))
        for case_id in self.saved:
            case = self.cases[case_id]
            row = case_document(case)
            if row != self.rows.get(case_id):  # most events change only the view
                unit.save(_CASES, row, new=case_id not in self.stored)
                self.rows[case_id] = row
            # every write of a case writes its view, compare-and-set on the view's version: a case
            # another replica changed meanwhile (its customer's and its own partitions may have
            # different owners) fails the unit and is read again
            unit.save_version(_VIEWS, view_document(case, self.views.get(case_id, {}), self.applied.of(case_id)),
                              self.viewed.get(case_id), new=case_id not in self.viewed)
        for submission in self.new_submissions:
            unit.insert(_SUBMISSIONS, submission)
        for opinion in self.opinions:
            unit.upsert(PublicOpinionItem._get_collection_name(), opinion)
        if self.irrelevant_mentions:
            unit.update(IntakeCounter._get_collection_name(), {"_id": "irrelevant_mentions"},
                        {"$inc": {"value": self.irrelevant_mentions}}, upsert=True)
        for fault in sorted(self.detector.changed):  # only the faults this batch changed
            state = self.detector.fault_state(fault)
            if state is None:
                unit.delete(_FAULTS, {"_id": fault})
            else:
                unit.upsert(_FAULTS, {"_id": fault, **state})
        if self._legacy_detector:
            unit.delete(DetectorState._get_collection_name(), {"_id": "proxy"})

    def committed(self) -> None:
        if self.detector is not None:
            self.detector.changed.clear()
        self._legacy_detector = False
        for case_id in self.saved:
            self.viewed[case_id] = 0 if case_id not in self.viewed else (self.viewed[case_id] or 0) + 1
            self.stored.add(case_id)
            if self.cases[case_id].status.status.value == "CLOSED":
                self._drop(case_id)  # read again if an event still comes for it
        self.saved = []
        if len(self.cases) > self.LIMIT:
            self.forget_state()  # rare: start afresh rather than track use per case

    def forget_state(self) -> None:
        """Nothing held: the next batches read what they need (see ``InboxHandler.forget``)."""
        self.detector: ProxyDetector | None = None
        self._legacy_detector = False  # the detector was read from its one document of earlier versions
        self.cases: dict[str, CaseFile] = {}
        self.views: dict[str, dict] = {}
        self.rows: dict[str, dict] = {}            # each case's document as stored: rewritten when it changes
        self.stored: set[str] = set()              # cases whose document is stored
        self.viewed: dict[str, int | None] = {}    # cases whose view is stored, with its version
        self._unviewed: set[str] = set()           # cases held whose view is not read yet
        self._by_customer: dict[str, set[str]] = {}  # customer key -> held cases
        self._complete: set[str] = set()           # customers whose open cases are all held
        self.saved: list[str] = []

    def release(self, case_ids: list[str]) -> None:
        """Cases an operator command changed outside a batch: read again when next needed."""
        for case_id in case_ids:
            case = self.cases.get(case_id)
            if case is not None:
                self._complete.discard(case.customer_key)
            self._drop(case_id)

    def held(self) -> int:
        return len(self.cases)

    def _drop(self, case_id: str) -> None:
        case = self.cases.pop(case_id, None)
        if case is not None:
            self._by_customer.get(case.customer_key, set()).discard(case_id)
        for held in (self.views, self.rows, self.viewed):
            held.pop(case_id, None)
        self.stored.discard(case_id)
