"""The intake entry point: one normalised submission in, a decision and its events out."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import datetime
from enum import Enum

from .case import CaseFile, open_case
from .classify import Classification, classify
from .events import IntakeEvent, ProxyCaseRaised, ProxyIncidentClosed, ProxyMemberLinked
from .ids import event_id_for
from .merge import find_match, link, registered_event
from .policy import IntakePolicy
from .proxy import ProxyDetector, ProxyJoined, ProxyRaised
from .submission import Submission

PROXY_FIRST_CONTACT = "complaint-centre"
MENTION_MEMBER = "mention:"   # how an anonymous public post is counted in a fault's window


class Outcome(str, Enum):
    DUPLICATE = "duplicate"      # seen before: nothing changes, nothing is emitted
    NEW_CASE = "new_case"
    LINKED = "linked"            # joined the customer's open case


@dataclass(frozen=True)
class IntakeDecision:
    outcome: Outcome
    case_id: str
    classification: Classification | None
    events: tuple[IntakeEvent, ...]
    changed_cases: tuple[CaseFile, ...] = ()    # store these (the case, and a newly raised proxy case)
    proxy: ProxyRaised | ProxyJoined | None = None
    # other customers' cases that now belong to a proxy case: apply their ProxyMemberLinked events
    members_elsewhere: tuple[str, ...] = ()
    merge_reason: str = ""                      # LINKED: why it is the case's problem


def decide(submission: Submission, open_cases: Iterable[CaseFile], detector: ProxyDetector,
           policy: IntakePolicy, now: datetime, known: Mapping[str, str] | None = None) -> IntakeDecision:
    """Duplicate, link to the customer's open case, or a new case (which the proxy detector then counts).

    ``open_cases`` are the customer's cases the adapter loaded; ``known`` maps submission keys already
    stored to their case ids (catches a redelivery whose case is closed or not loaded). Mutates the
    cases and the detector in place; the decision lists what to store.
    """
    cases = list(open_cases)
    seen_in = (known or {}).get(submission.key) or next(
        (case.case_id for case in cases
         if submission.key in case.submission_keys or case.case_id == submission.own_case_id), None)
    if seen_in is not None:
        return IntakeDecision(Outcome.DUPLICATE, seen_in, None, ())
    classification = classify(submission.explicit_category, submission.matching_text, policy)
    match = find_match(submission, classification.category, cases, policy)
    if match is not None:
        joined = match.case
        linked = link(joined, submission, policy, now, match.reason)
        return IntakeDecision(Outcome.LINKED, joined.case_id, classification, (linked,) if linked else (),
                              (joined,), merge_reason=match.reason)
    case = open_case(submission, classification, policy, now)
    events: list[IntakeEvent] = [registered_event(case, submission, now)]
    changed = [case]
    if case.proxy_case:
        return IntakeDecision(Outcome.NEW_CASE, case.case_id, classification, tuple(events), tuple(changed))
    proxy = detector.observe(case.case_id, case.region, case.category, case.registered_at, policy.proxy)
    elsewhere: tuple[str, ...] = ()
    if isinstance(proxy, ProxyRaised):
        proxy_case, raised_events = raise_proxy_case(proxy, policy, now)
        changed.append(proxy_case)
        events += raised_events
        elsewhere = tuple(member for member in proxy_case.proxy_members if member != case.case_id)
        case.join_proxy(proxy.proxy_case_id, now)
    elif isinstance(proxy, ProxyJoined):
        events.append(member_linked(proxy.proxy_case_id, case.case_id, now))
        case.join_proxy(proxy.proxy_case_id, now)
    return IntakeDecision(Outcome.NEW_CASE, case.case_id, classification, tuple(events), tuple(changed), proxy,
                          elsewhere)


def is_mention(member: str) -> bool:
    return member.startswith(MENTION_MEMBER)


def raise_proxy_case(proxy: ProxyRaised, policy: IntakePolicy,
                     now: datetime) -> tuple[CaseFile, list[IntakeEvent]]:
    """The proxy case and what it tells: its registration, the raise and one link per member case
    (anonymous public posts count towards the threshold but are not cases: they are not linked)."""
    proxy_case = open_proxy_case(proxy, policy, now)
    cases = tuple(member for member in proxy.member_case_ids if not is_mention(member))
    events: list[IntakeEvent] = [
        registered_event(proxy_case, None, now),
        ProxyCaseRaised(event_id_for("ProxyCaseRaised", proxy.proxy_case_id), proxy.proxy_case_id, proxy.region,
                        proxy.category, cases, now)]
    events += [member_linked(proxy.proxy_case_id, member, now) for member in cases]
    return proxy_case, events


@dataclass(frozen=True)
class MentionCounted:
    """An anonymous public post counted towards its fault (region and category)."""

    proxy_case_id: str                          # the proxy case it now belongs to, if any
    events: tuple[IntakeEvent, ...] = ()
    changed_cases: tuple[CaseFile, ...] = ()    # a newly raised proxy case
    members_elsewhere: tuple[str, ...] = ()     # cases that now belong to it: apply their links


def count_mention(mention_id: str, region: str, category: str, posted_at: datetime, detector: ProxyDetector,
                  policy: IntakePolicy, now: datetime) -> MentionCounted:
    """Posts from people we cannot name are reports of a fault too: with the hotline's reports they can
    cross the proxy threshold (代用户投诉), or they join the fault's open proxy case."""
    proxy = detector.observe(f"{MENTION_MEMBER}{mention_id}", region, category, posted_at, policy.proxy)
    if isinstance(proxy, ProxyRaised):
        proxy_case, events = raise_proxy_case(proxy, policy, now)
        return MentionCounted(proxy.proxy_case_id, tuple(events), (proxy_case,), tuple(proxy_case.proxy_members))
    if isinstance(proxy, ProxyJoined):
        return MentionCounted(proxy.proxy_case_id)
    return MentionCounted(detector.incident_for(region, category, posted_at, policy.proxy) or "" if region else "")


def open_proxy_case(raised: ProxyRaised, policy: IntakePolicy, now: datetime) -> CaseFile:
    """The centre's own case for the fault: served first, owned by the network complaint desk."""
    count = len(raised.member_case_ids)
    posts = sum(1 for member in raised.member_case_ids if is_mention(member))
    case = CaseFile(
        case_id=raised.proxy_case_id, customer_key=f"proxy:{raised.region}", region=raised.region,
        category=raised.category, category_rule=f"proxy:{count} reports", needs_triage=False,
        severity=policy.proxy.severity, severity_rule="proxy", tier=1, tier_source="proxy",
        priority=policy.priority_by_tier[1], regulator_case=False, regulator_risk=0.0,
        registered_at=raised.first_report_at, contacts=[], first_contact=PROXY_FIRST_CONTACT,
        summary=f"{raised.region} {raised.category}: {count} reports within {policy.proxy.window}"
                + (f" ({posts} of them public posts)" if posts else ""),
        proxy_case=True, proxy_members=[member for member in raised.member_case_ids if not is_mention(member)])
    case.note(now, "proxy raised", members=count, public_posts=posts)
    return case


def member_linked(proxy_case_id: str, member_case_id: str, now: datetime) -> ProxyMemberLinked:
    return ProxyMemberLinked(event_id_for("ProxyMemberLinked", proxy_case_id, member_case_id), proxy_case_id,
                             member_case_id, now)


def apply_member_linked(case: CaseFile, event: ProxyMemberLinked, now: datetime) -> bool:
    """Record a membership on either side (the proxy case or the member); idempotent."""
    if case.case_id == event.member_case_id:
        return case.join_proxy(event.case_id, now)
    if case.case_id == event.case_id and event.member_case_id not in case.proxy_members:
        case.proxy_members.append(event.member_case_id)
        case.note(now, "proxy member", member_case_id=event.member_case_id)
        return True
    return False


def close_proxy(detector: ProxyDetector, proxy_case_id: str, now: datetime,
                reason: str = "closed") -> ProxyIncidentClosed | None:
    """Stop members joining (the fault is repaired); None when it was not open (closing twice is fine)."""
    incident = detector.close(proxy_case_id)
    if incident is None:
        return None
    return ProxyIncidentClosed(event_id_for("ProxyIncidentClosed", proxy_case_id), proxy_case_id,
                               incident.region, incident.category, reason, now)


def expire_proxies(detector: ProxyDetector, policy: IntakePolicy, now: datetime) -> list[ProxyIncidentClosed]:
    return [ProxyIncidentClosed(event_id_for("ProxyIncidentClosed", incident.proxy_case_id),
                                incident.proxy_case_id, incident.region, incident.category, "expired", now)
            for incident in detector.expire(now, policy.proxy)]
