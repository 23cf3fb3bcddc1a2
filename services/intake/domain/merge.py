"""Automatic merge of repeat contacts into the open case, and the operator's split that undoes one."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime

from .case import CaseFile, Contact, grade_case, open_case, regulator_risk
from .classify import Classification, classify
from .errors import CaseClosed, LinkRefused, SplitRefused
from .events import CaseRegistered, SubmissionLinked, SubmissionSplit
from .ids import event_id_for
from .normalise import text_for_matching
from .policy import IntakePolicy
from .submission import Submission
from .vocabulary import Channel


def within_merge_window(case: CaseFile, received_at: datetime, policy: IntakePolicy) -> bool:
    """Measured from the case's LAST contact (edge included): a customer who keeps calling keeps the
    case alive. A late-delivered submission older than the case counts back from its registration."""
    return case.registered_at - policy.merge_window <= received_at <= case.last_contact_at + policy.merge_window


SAME_CATEGORY, SAME_FAMILY, SIMILAR_TEXT = "same_category", "same_family", "similar_text"


@dataclass(frozen=True)
class Match:
    case: CaseFile
    reason: str                  # "same_category", "same_family:mobile_network" or "similar_text:0.62"


def same_problem(submission: Submission, category: str, case: CaseFile, policy: IntakePolicy) -> str | None:
    """Why the submission is the case's problem, or None: the same category, the same family of
    categories (weak signal, no service and slow data are one phone that does not work), or, when the
    labels disagree, text close enough to the case's first words (computed only then: it costs a
    model pass over both texts)."""
    if case.category == category:
        return SAME_CATEGORY
    family = policy.merge.families.get(category)
    if family is not None and policy.merge.families.get(case.category) == family:
        return f"{SAME_FAMILY}:{family}"
    if not submission.matching_text or not case.summary:
        return None
    alike = policy.classifier.model.similarity(submission.matching_text, text_for_matching(case.summary))
    return f"{SIMILAR_TEXT}:{alike:.2f}" if alike >= policy.merge.similarity else None


def find_match(submission: Submission, category: str, cases: Iterable[CaseFile],
               policy: IntakePolicy) -> Match | None:
    """The customer's open case of the same problem within the window; the latest contacted if several
    (a case that matches by category is preferred over one that matches by family or text)."""
    matches = []
    for case in cases:
        if not (case.is_open and not case.proxy_case and case.customer_key == submission.customer_key
                and within_merge_window(case, submission.received_at, policy)):
            continue
        reason = same_problem(submission, category, case, policy)
        if reason is not None:
            matches.append(Match(case, reason))
    return max(matches, key=lambda match: (match.reason == SAME_CATEGORY, match.case.last_contact_at,
                                           match.case.case_id), default=None)


def find_case_to_join(submission: Submission, category: str, cases: Iterable[CaseFile],
                      policy: IntakePolicy) -> CaseFile | None:
    match = find_match(submission, category, cases, policy)
    return match.case if match else None


def registered_event(case: CaseFile, submission: Submission | None, now: datetime) -> CaseRegistered:
    channel = submission.channel.value if submission else Channel.PROXY.value
    return CaseRegistered(
        event_id=event_id_for("CaseRegistered", case.case_id), case_id=case.case_id,
        submission_id=submission.submission_id if submission else "", channel=channel,
        customer_id=case.customer_key, region=case.region, category=case.category,
        category_rule=case.category_rule, needs_triage=case.needs_triage, severity=int(case.severity),
        severity_rule=case.severity_rule, tier=case.tier, tier_source=case.tier_source, priority=case.priority,
        regulator_case=case.regulator_case, proxy_case=case.proxy_case, first_contact=case.first_contact,
        summary=case.summary, received_at=case.registered_at, occurred_at=now,
        category_confidence=case.category_confidence,
        category_candidates=tuple((item["category"], item["confidence"]) for item in case.category_candidates))


def link(case: CaseFile, submission: Submission, policy: IntakePolicy, now: datetime,
         reason: str = SAME_CATEGORY) -> SubmissionLinked | None:
    """A repeat contact joins the case (None if it already has): risk rises, severity never drops;
    ``reason`` (from ``find_match``) is kept with the contact and told in the event."""
    if submission.key in case.submission_keys:
        return None
    if not case.is_open:
        raise CaseClosed(f"case {case.case_id} is closed; submission {submission.key} needs a case of its own")
    if case.customer_key != submission.customer_key:
        raise LinkRefused(f"submission {submission.key} is from another customer than case {case.case_id}")
    case.contacts.append(Contact.of(submission, reason))
    case.regulator_case = case.regulator_case or submission.channel is Channel.REGULATOR
    case.regulator_risk = regulator_risk(case.contacts, case.tier, policy)
    graded = grade_case(case, policy)
    if graded.severity > case.severity:
        case.severity, case.severity_rule = graded.severity, graded.rule_id
    case.note(now, "linked", submission=submission.key, channel=submission.channel.value, reason=reason,
              identified_by=submission.customer_source.value)
    return SubmissionLinked(
        event_id=event_id_for("SubmissionLinked", case.case_id, submission.key), case_id=case.case_id,
        submission_id=submission.submission_id, channel=submission.channel.value,
        contact_count=case.contact_count, regulator_risk=case.regulator_risk, severity=int(case.severity),
        severity_rule=case.severity_rule, regulator_case=case.regulator_case,
        received_at=submission.received_at, occurred_at=now, merge_reason=reason)


@dataclass(frozen=True)
class SplitResult:
    new_case: CaseFile | None            # None when the command was already applied
    events: tuple[SubmissionSplit | CaseRegistered, ...]


def split(case: CaseFile, submission: Submission, *, operator: str, reason: str, command_id: str,
          policy: IntakePolicy, now: datetime, classification: Classification | None = None) -> SplitResult:
    """Undo a wrong merge: the submission leaves for a case of its own; both histories say who and why.

    The new case's id is the one the submission would have had unmerged, so a repeated command (same
    ``command_id``) changes nothing and a retried one after a crash names the same case.
    """
    if command_id in case.applied_commands:
        return SplitResult(None, ())
    _check_split(case, submission, operator, reason)
    case.contacts = [contact for contact in case.contacts if contact.key != submission.key]
    case.regulator_case = any(contact.channel is Channel.REGULATOR for contact in case.contacts)
    case.regulator_risk = regulator_risk(case.contacts, case.tier, policy)
    graded = grade_case(case, policy)  # the wrong merge may have raised it; re-grade from what is left
    case.severity, case.severity_rule = graded.severity, graded.rule_id
    case.applied_commands.append(command_id)
    classification = classification or classify(submission.explicit_category, submission.matching_text, policy)
    new_case = open_case(submission, classification, policy, now)
    case.note(now, "split", submission=submission.key, new_case=new_case.case_id, operator=operator, reason=reason)
    new_case.note(now, "split from", case=case.case_id, operator=operator, reason=reason)
    new_case.applied_commands.append(command_id)
    event = SubmissionSplit(
        event_id=event_id_for("SubmissionSplit", case.case_id, submission.key, command_id), case_id=case.case_id,
        new_case_id=new_case.case_id, submission_id=submission.submission_id, channel=submission.channel.value,
        operator=operator, reason=reason, occurred_at=now)
    return SplitResult(new_case, (event, registered_event(new_case, submission, now)))


def _check_split(case: CaseFile, submission: Submission, operator: str, reason: str) -> None:
    if not reason.strip():
        raise SplitRefused(f"splitting {submission.key} from case {case.case_id} needs a reason")
    if not operator.strip():
        raise SplitRefused(f"splitting {submission.key} from case {case.case_id} needs the operator's name")
    if not case.is_open:
        raise CaseClosed(f"case {case.case_id} is closed; its submissions can no longer be split")
    if submission.key not in case.submission_keys:
        raise SplitRefused(f"submission {submission.key} is not part of case {case.case_id}")
    if case.contacts[0].key == submission.key:
        raise SplitRefused(f"submission {submission.key} opened case {case.case_id}; split the others instead")
