"""The proxy detector: N new cases of one fault in one region within W raise one proxy case."""

from __future__ import annotations

from dataclasses import replace
from datetime import timedelta

from hypothesis import given, settings
from hypothesis import strategies as st
from intake_builders import NOW, at

from services.intake.domain.ids import proxy_case_id_for
from services.intake.domain.proxy import ProxyDetector, ProxyJoined, ProxyRaised

FAULT = ("guangzhou", "broadband_outage")


def feed(detector, policy, times, prefix="K", region="guangzhou", category="broadband_outage"):
    return [detector.observe(f"{prefix}{i}", region, category, moment, policy.proxy)
            for i, moment in enumerate(times)]


def test_n_minus_one_reports_raise_nothing_and_the_nth_raises_one_proxy_case(policy):
    detector = ProxyDetector()
    outcomes = feed(detector, policy, [at(minutes=i * 0.5) for i in range(19)])
    assert outcomes == [None] * 19
    raised = detector.observe("K19", *FAULT, at(minutes=9.5), policy.proxy)
    assert isinstance(raised, ProxyRaised)
    assert raised.member_case_ids == tuple(f"K{i}" for i in range(20))
    assert raised.proxy_case_id == proxy_case_id_for("guangzhou", "broadband_outage", "K0")
    assert raised.first_report_at == NOW and detector.recent == {}


def test_the_window_edge_is_included(policy):
    times = [NOW] + [at(minutes=5)] * 18 + [NOW + policy.proxy.window]
    assert isinstance(feed(ProxyDetector(), policy, times)[-1], ProxyRaised)


def test_one_tick_past_the_window_the_first_report_no_longer_counts(policy):
    times = [NOW] + [at(minutes=5)] * 18 + [NOW + policy.proxy.window + timedelta(microseconds=1)]
    assert feed(ProxyDetector(), policy, times) == [None] * 20


def test_reports_later_than_the_tolerance_are_forgotten_but_not_earlier(policy):
    oldest_kept = NOW - policy.proxy.window - policy.proxy.late_tolerance
    detector = ProxyDetector()
    feed(detector, policy, [NOW, oldest_kept, oldest_kept - timedelta(microseconds=1)])
    assert [member for member, _ in detector.recent["guangzhou|broadband_outage"]] == ["K1", "K0"]


def test_reports_arriving_out_of_order_are_counted_by_their_own_time(policy):
    times = [at(minutes=9 - i * 0.4) for i in range(20)]   # newest first
    assert isinstance(feed(ProxyDetector(), policy, times)[-1], ProxyRaised)


def test_other_regions_categories_and_non_fault_categories_are_counted_apart(policy):
    detector = ProxyDetector()
    feed(detector, policy, [NOW] * 10, prefix="A")
    feed(detector, policy, [NOW] * 10, prefix="B", region="shenzhen")
    feed(detector, policy, [NOW] * 10, prefix="C", category="network_signal")
    assert feed(detector, policy, [NOW] * 25, prefix="D", category="billing_dispute") == [None] * 25
    assert detector.incidents == {} and "guangzhou|billing_dispute" not in detector.recent
    assert detector.observe("E", "", "broadband_outage", NOW, policy.proxy) is None


def test_a_redelivered_report_is_not_counted_twice(policy):
    detector = ProxyDetector()
    feed(detector, policy, [NOW] * 19)
    assert detector.observe("K3", *FAULT, NOW, policy.proxy) is None
    assert len(detector.recent["guangzhou|broadband_outage"]) == 19


def raised_detector(policy) -> ProxyDetector:
    detector = ProxyDetector()
    feed(detector, policy, [NOW] * 20)
    return detector


def test_later_reports_join_the_open_incident_once_until_its_lifetime_ends(policy):
    detector = raised_detector(policy)
    proxy_id = detector.incidents["guangzhou|broadband_outage"].proxy_case_id
    end = NOW + policy.proxy.incident_lifetime
    assert detector.observe("L1", *FAULT, end, policy.proxy) == ProxyJoined(proxy_id, "L1")
    assert detector.observe("L1", *FAULT, end, policy.proxy) is None
    assert detector.observe("K0", *FAULT, end, policy.proxy) is None
    assert detector.observe("L2", *FAULT, end + timedelta(microseconds=1), policy.proxy) is None
    assert detector.incidents == {} and len(detector.recent["guangzhou|broadband_outage"]) == 1


def test_an_explicitly_closed_incident_takes_no_members_and_closing_twice_is_harmless(policy):
    detector = raised_detector(policy)
    proxy_id = detector.incident_for(*FAULT, at(minutes=1), policy.proxy)
    assert detector.close(proxy_id).members[:2] == ["K0", "K1"]
    assert detector.close(proxy_id) is None
    assert detector.observe("L1", *FAULT, at(minutes=1), policy.proxy) is None
    assert detector.incident_for(*FAULT, at(minutes=1), policy.proxy) is None


def test_expire_sweeps_incidents_past_their_lifetime(policy):
    detector = raised_detector(policy)
    assert detector.expire(NOW + policy.proxy.incident_lifetime, policy.proxy) == []
    assert len(detector.expire(NOW + policy.proxy.incident_lifetime + timedelta(seconds=1), policy.proxy)) == 1


def test_the_detector_survives_a_restart_through_its_dict(policy):
    detector = ProxyDetector()
    feed(detector, policy, [NOW] * 19)
    feed(detector, policy, [NOW] * 20, region="shenzhen")
    restored = ProxyDetector.from_dict(detector.to_dict())
    assert restored == detector
    assert isinstance(restored.observe("K19", *FAULT, NOW, policy.proxy), ProxyRaised)


def test_the_detector_survives_a_restart_fault_by_fault(policy):
    detector = ProxyDetector()
    feed(detector, policy, [NOW] * 19)
    feed(detector, policy, [NOW] * 20, region="shenzhen")
    assert detector.changed == {"guangzhou|broadband_outage", "shenzhen|broadband_outage"}
    restored = ProxyDetector.from_faults((fault, detector.fault_state(fault)) for fault in sorted(detector.changed))
    assert restored == detector
    assert isinstance(restored.observe("K19", *FAULT, NOW, policy.proxy), ProxyRaised)
    assert restored.changed == {"guangzhou|broadband_outage"}  # only what this report changed is written


def test_faults_nobody_reports_any_more_are_pruned_so_the_state_stays_bounded(policy):
    detector = ProxyDetector()
    for index in range(900):  # one report each of 900 distinct regions, e.g. crafted ones
        detector.observe(f"K{index}", f"region-{index:04d}-" + "x" * 200, "broadband_outage",
                         at(minutes=index * 0.1), policy.proxy)
    detector.changed.clear()
    detector.prune(policy.proxy)
    keep = policy.proxy.window + 2 * policy.proxy.late_tolerance  # behind the newest report
    newest = at(minutes=899 * 0.1)
    assert all(items[-1][1] >= newest - keep for items in detector.recent.values())
    assert len(detector.recent) < 900 and detector.changed  # the dropped faults are deleted from storage
    assert all(detector.fault_state(fault) is None for fault in detector.changed)


def test_pruning_keeps_what_a_late_report_may_still_count_with(policy):
    detector = ProxyDetector()
    feed(detector, policy, [NOW] * 19)
    reported_late = NOW + policy.proxy.window / 2  # within the burst's window ...
    newest = reported_late + policy.proxy.late_tolerance  # ... and arriving as late as tolerated
    detector.observe("X1", "shenzhen", "broadband_outage", newest, policy.proxy)
    detector.prune(policy.proxy)
    assert isinstance(detector.observe("K19", *FAULT, reported_late, policy.proxy), ProxyRaised)


@settings(max_examples=60, deadline=None)
@given(st.lists(st.integers(0, 30 * 60), min_size=1, max_size=40))
def test_raises_exactly_when_some_window_holds_the_threshold(policy, seconds):
    small = replace(policy.proxy, threshold=5)
    detector = ProxyDetector()
    outcomes = [detector.observe(f"K{i}", *FAULT, at(seconds=s), small) for i, s in enumerate(seconds)]
    raised_at = next((i for i, o in enumerate(outcomes) if isinstance(o, ProxyRaised)), None)
    seen = seconds if raised_at is None else seconds[:raised_at + 1]
    densest = max(sum(1 for t in seen if s <= t <= s + 600) for s in seen)
    if raised_at is None:
        assert densest < 5
    else:
        assert densest >= 5 and all(o is None for o in outcomes[:raised_at])
