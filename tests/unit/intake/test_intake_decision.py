"""The entry point: duplicate, link or new case, and the proxy outcome, with their events."""

from __future__ import annotations

from dataclasses import replace

from intake_builders import NOW, at, submission

from services.intake.domain.case import CaseFile
from services.intake.domain.decision import (
    Outcome, apply_member_linked, close_proxy, decide, expire_proxies)
from services.intake.domain.events import (
    CaseRegistered, ProxyCaseRaised, ProxyIncidentClosed, ProxyMemberLinked, SubmissionLinked)
from services.intake.domain.proxy import ProxyDetector
from services.intake.domain.vocabulary import Severity


def test_a_first_submission_registers_a_case(policy):
    sub = submission(policy, channel="REGULATOR", tier=1)
    decision = decide(sub, [], ProxyDetector(), policy, NOW)
    assert decision.outcome is Outcome.NEW_CASE and decision.case_id == sub.own_case_id
    (event,) = decision.events
    assert isinstance(event, CaseRegistered)
    assert (event.category, event.category_rule, event.severity, event.severity_rule) == \
        ("broadband_outage", f"model:{event.category_confidence:.2f}", 4, "regulator")
    assert event.category_candidates[0] == ("broadband_outage", event.category_confidence)
    assert (event.tier, event.tier_source, event.priority, event.regulator_case) == (1, "event", 1, True)
    assert decision.changed_cases[0].regulator_risk == 60 + 10


def test_the_same_submission_again_is_a_duplicate_with_no_events(policy):
    sub = submission(policy)
    first = decide(sub, [], ProxyDetector(), policy, NOW)
    case = first.changed_cases[0]
    before = case.to_dict()
    again = decide(sub, [case], ProxyDetector(), policy, at(minutes=5))
    assert (again.outcome, again.case_id, again.events, again.changed_cases) == \
        (Outcome.DUPLICATE, case.case_id, (), ())
    assert case.to_dict() == before


def test_a_redelivery_whose_case_was_not_loaded_is_caught_by_the_known_keys(policy):
    sub = submission(policy)
    decision = decide(sub, [], ProxyDetector(), policy, NOW, known={sub.key: "CASE-X"})
    assert (decision.outcome, decision.case_id) == (Outcome.DUPLICATE, "CASE-X")


def test_a_redelivery_after_a_restart_registers_the_same_ids(policy):
    sub = submission(policy)
    one = decide(sub, [], ProxyDetector(), policy, NOW)
    two = decide(sub, [], ProxyDetector(), policy, at(minutes=1))
    assert one.case_id == two.case_id and one.events[0].event_id == two.events[0].event_id


def test_a_repeat_contact_links_to_the_open_case_and_keeps_it(policy):
    case = decide(submission(policy), [], ProxyDetector(), policy, NOW).changed_cases[0]
    repeat = submission(policy, submission_id="S-2", channel="SMS", received_at=at(hours=72))
    decision = decide(repeat, [case], ProxyDetector(), policy, at(hours=72))
    assert (decision.outcome, decision.case_id) == (Outcome.LINKED, case.case_id)
    (event,) = decision.events
    assert isinstance(event, SubmissionLinked) and event.contact_count == 2 and event.regulator_risk == 20


def test_past_the_window_or_in_another_category_it_is_a_new_case(policy):
    case = decide(submission(policy), [], ProxyDetector(), policy, NOW).changed_cases[0]
    late = submission(policy, submission_id="S-2", received_at=at(hours=72, microseconds=1))
    assert decide(late, [case], ProxyDetector(), policy, late.received_at).outcome is Outcome.NEW_CASE
    billing = submission(policy, submission_id="S-3", summary="话费多扣了")
    assert decide(billing, [case], ProxyDetector(), policy, NOW).outcome is Outcome.NEW_CASE


def outage(policy, n: int):
    return submission(policy, submission_id=f"S-{n}", customer_id=f"C-{n}", received_at=at(seconds=n))


def test_the_nth_outage_report_raises_a_proxy_case_with_all_members(policy):
    detector = ProxyDetector()
    outcomes = [decide(outage(policy, n), [], detector, policy, at(seconds=n)) for n in range(20)]
    assert all(len(d.events) == 1 for d in outcomes[:19])
    last = outcomes[-1]
    registered, proxy_registered, raised, *linked = last.events
    assert isinstance(registered, CaseRegistered) and isinstance(raised, ProxyCaseRaised)
    assert proxy_registered.proxy_case and proxy_registered.channel == "PROXY"
    assert proxy_registered.severity == Severity.HIGH and proxy_registered.customer_id == "proxy:guangzhou"
    assert raised.member_case_ids == tuple(d.case_id for d in outcomes)
    assert [e.member_case_id for e in linked] == list(raised.member_case_ids)
    assert all(isinstance(e, ProxyMemberLinked) and e.case_id == raised.case_id for e in linked)
    proxy_case = last.changed_cases[1]
    assert proxy_case.case_id == raised.case_id and proxy_case.proxy_members == list(raised.member_case_ids)
    assert last.changed_cases[0].proxy_case_id == raised.case_id
    assert last.members_elsewhere == tuple(d.case_id for d in outcomes[:19])


def test_members_elsewhere_record_their_membership_idempotently(policy):
    member = decide(outage(policy, 1), [], ProxyDetector(), policy, NOW).changed_cases[0]
    event = ProxyMemberLinked("E-1", "P-1", member.case_id, NOW)
    assert apply_member_linked(member, event, NOW) and member.proxy_case_id == "P-1"
    assert not apply_member_linked(member, event, NOW)
    proxy = CaseFile.from_dict({**member.to_dict(), "case_id": "P-1", "proxy_case": True})
    joiner = replace(event, member_case_id="K-9")
    assert apply_member_linked(proxy, joiner, NOW) and not apply_member_linked(proxy, joiner, NOW)
    assert proxy.proxy_members == ["K-9"]


def test_after_raising_new_reports_join_the_proxy_case(policy):
    detector = ProxyDetector()
    for n in range(20):
        decide(outage(policy, n), [], detector, policy, NOW)
    decision = decide(outage(policy, 20), [], detector, policy, at(minutes=1))
    registered, joined = decision.events
    assert isinstance(joined, ProxyMemberLinked) and joined.member_case_id == decision.case_id
    assert decision.changed_cases[0].proxy_case_id == joined.case_id


def test_a_repeat_contact_does_not_count_towards_a_proxy_case(policy):
    detector = ProxyDetector()
    case = decide(outage(policy, 0), [], detector, policy, NOW).changed_cases[0]
    for n in range(1, 25):
        repeat = submission(policy, submission_id=f"R-{n}", customer_id="C-0", received_at=at(seconds=n))
        assert decide(repeat, [case], detector, policy, NOW).outcome is Outcome.LINKED
    assert len(detector.recent["guangzhou|broadband_outage"]) == 1 and detector.incidents == {}


def test_closing_and_expiring_proxy_incidents(policy):
    detector = ProxyDetector()
    raised = [decide(outage(policy, n), [], detector, policy, NOW) for n in range(20)][-1].proxy
    closed = close_proxy(detector, raised.proxy_case_id, at(hours=1))
    assert isinstance(closed, ProxyIncidentClosed) and closed.reason == "closed"
    assert close_proxy(detector, raised.proxy_case_id, at(hours=1)) is None
    second = [decide(replace(outage(policy, n), received_at=at(hours=2)), [], detector, policy, at(hours=2))
              for n in range(20, 40)][-1].proxy
    assert second.proxy_case_id != raised.proxy_case_id
    assert expire_proxies(detector, policy, at(hours=2) + policy.proxy.incident_lifetime) == []
    expired = expire_proxies(detector, policy, at(hours=26, seconds=1))
    assert [(e.case_id, e.reason) for e in expired] == [(second.proxy_case_id, "expired")]
    assert detector.incidents == {}
