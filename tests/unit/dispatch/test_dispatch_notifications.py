"""What the customer is told: each step's template, the reply channel, quiet hours, the daily cap
and opt-outs at their edges, and one notification per step however often an input comes again.

NOW (09:00 UTC) is 17:00 in Asia/Shanghai, the shipped policy's zone; its quiet hours for SMS
run from 21:00 (13:00 UTC) to 08:00 (00:00 UTC)."""

from __future__ import annotations

import copy
from datetime import datetime, timedelta, timezone

import pytest
import yaml
from dispatch_builders import NOW, feedback, later, registration

from complaint_platform.policy import Node, PolicyError
from services.dispatch.domain import events as ev
from services.dispatch.domain import inputs
from services.dispatch.domain.case import DispatchCase
from services.dispatch.domain.notifications import tell_customer
from services.dispatch.domain.policy import DEFAULT_POLICY_FILE, load


def utc(day: int, hour: int, minute: int = 0, second: int = 0) -> datetime:
    return datetime(2026, 11, day, hour, minute, second, tzinfo=timezone.utc)


def register(policy, at: datetime = NOW, **overrides) -> tuple[DispatchCase, list[ev.CustomerNotified]]:
    values = {"phone": "13800138000", "customer_id": "CUST-1"} | overrides
    case, events = DispatchCase.register(registration(**values), policy, at)
    return case, tell_customer(case, events, policy.notifications, at)


def told(case: DispatchCase, events: list, policy, at: datetime) -> list[ev.CustomerNotified]:
    return tell_customer(case, events, policy.notifications, at)


def reply(command_id: str = "cmd-reply", text: str = "已更换天线，信号恢复"):
    return inputs.RecordCustomerReply(command_id, text, replied_at=later(30), by="agent-007")


def resolved(policy, **overrides) -> DispatchCase:
    case, _ = register(policy, **overrides)
    told(case, case.on_feedback(feedback("f1", "REPLIED", text="antenna fixed", fault="YES", minutes=20),
                                later(20)), policy, later(20))
    notices = told(case, case.record_customer_reply(reply(), later(31)), policy, later(31))
    assert [n.step for n in notices] == ["RESOLVED"]
    return case


# --- one template per step -------------------------------------------------------------------

def test_acknowledgement_names_the_case_and_the_promised_time(policy):
    _, notices = register(policy, promised_reply_at=later(240))   # 13:00 UTC is 21:00 in Shanghai
    assert [(n.step, n.text) for n in notices] == [
        ("ACKNOWLEDGED", "【客服中心】您的投诉已受理，编号C1。我们将在11月2日21:00前答复您。")]
    notice = notices[0]
    assert (notice.channel, notice.phone, notice.customer_id, notice.template) == (
        "SMS", "13800138000", "CUST-1", "ACKNOWLEDGED/default")
    assert notice.promised_reply_at == later(240) and notice.held_until is None


def test_acknowledgement_without_a_promised_time_says_soon(policy):
    _, notices = register(policy)
    assert [n.text for n in notices] == ["【客服中心】您的投诉已受理，编号C1。我们会尽快处理并答复您。"]


def test_a_category_with_its_own_words_uses_them(policy):
    _, notices = register(policy, category="broadband_outage")
    assert notices[0].template == "ACKNOWLEDGED/category:broadband_outage"
    assert notices[0].text == "【客服中心】您的宽带故障投诉已受理，编号C1，维修人员将尽快与您联系。"


def test_work_taken_is_told_once_a_round_when_the_first_department_accepts(policy):
    case, _ = register(policy, category="value_added_charges")   # two work orders
    first = told(case, case.on_feedback(feedback("f1", "ACCEPTED", "C1-WO1"), later(5)), policy, later(5))
    second = told(case, case.on_feedback(feedback("f2", "ACCEPTED", "C1-WO2"), later(6)), policy, later(6))
    assert [(n.step, n.text) for n in first] == [
        ("WORK_TAKEN", "【客服中心】您的投诉（编号C1）已由处理部门接单，正在处理中。")]
    assert second == []


def test_a_reply_that_stands_for_the_acceptance_is_not_told_as_work_taken(policy):
    case, _ = register(policy)
    notices = told(case, case.on_feedback(feedback("f1", "REPLIED", text="fixed", fault="YES"), later(5)),
                   policy, later(5))
    assert notices == []


def test_awaiting_the_customer_says_what_is_needed(policy):
    case, _ = register(policy)
    events = case.on_feedback(feedback("f1", "AWAITING_CUSTOMER", text="请提供近三个月的缴费凭证"), later(10))
    assert [n.text for n in told(case, events, policy, later(10))] == [
        "【客服中心】处理您的投诉（编号C1）需要您的配合：请提供近三个月的缴费凭证。请回复或致电10000。"]


def test_resolution_carries_the_reply(policy):
    case, _ = register(policy)
    told(case, case.on_feedback(feedback("f1", "REPLIED", text="antenna fixed", fault="YES"), later(20)),
         policy, later(20))
    notices = told(case, case.record_customer_reply(reply(), later(31)), policy, later(31))
    assert [(n.step, n.text) for n in notices] == [
        ("RESOLVED", "【客服中心】您的投诉（编号C1）已处理：已更换天线，信号恢复。如有疑问请致电10000。")]


def test_a_wechat_customer_is_answered_on_wechat_in_its_words(policy):
    case, notices = register(policy, channel="WECHAT")
    assert notices[0].channel == "WECHAT"
    told(case, case.on_feedback(feedback("f1", "REPLIED", text="fixed", fault="YES"), later(20)), policy, later(20))
    notices = told(case, case.record_customer_reply(reply(), later(31)), policy, later(31))
    assert (notices[0].channel, notices[0].template) == ("WECHAT", "RESOLVED/channel:WECHAT")
    assert notices[0].text == "您的投诉（编号C1）已处理完毕。处理结果：已更换天线，信号恢复。点击查看详情或继续反馈。"


@pytest.mark.parametrize("channel, gateway", [("HOTLINE", "SMS"), ("SMS", "SMS"), ("WECHAT", "WECHAT"),
                                              ("MOBILE_APP", "APP"), ("EMAIL", "EMAIL"), ("REGULATOR", "SMS"),
                                              ("STORE", "SMS")])
def test_the_reply_channel_follows_the_channel_the_customer_used(policy, channel, gateway):
    _, notices = register(policy, channel=channel, severity=2)
    assert notices[0].channel == gateway


def test_promised_time_approaching_and_moved(policy):
    case, _ = register(policy)
    assert told(case, case.on_reply_due(inputs.ReplyDue("d1", "CASE_REPLY", inputs.SET, later(600)), later(1)),
                policy, later(1)) == []   # the clock starting is no news
    warned = told(case, case.on_reply_due(inputs.ReplyDue("d2", "CASE_REPLY", inputs.WARNED, later(600)),
                                          later(480)), policy, later(480))
    assert [(n.step, n.text) for n in warned] == [
        ("PROMISE_APPROACHING", "【客服中心】您的投诉（编号C1）正在加紧处理，我们将在11月3日03:00前答复您。")]
    paused_seconds = case.on_reply_due(inputs.ReplyDue("d3", "CASE_REPLY", inputs.RESUMED,
                                                       later(600) + timedelta(seconds=40)), later(485))
    assert told(case, paused_seconds, policy, later(485)) == []   # the time told did not change
    moved = told(case, case.on_reply_due(inputs.ReplyDue("d4", "CASE_REPLY", inputs.RESUMED, later(720)),
                                         later(490)), policy, later(490))
    assert [(n.step, n.promised_reply_at) for n in moved] == [("PROMISE_MOVED", later(720))]
    assert moved[0].text == "【客服中心】您的投诉（编号C1）答复时间调整为11月3日05:00，感谢您的耐心。"


def test_with_a_time_the_customer_asked_for_only_that_promise_is_told(policy):
    case, _ = register(policy, promised_reply_at=later(240))
    assert told(case, case.on_reply_due(inputs.ReplyDue("d1", "CASE_REPLY", inputs.WARNED, later(600)),
                                        later(100)), policy, later(100)) == []
    notices = told(case, case.on_reply_due(inputs.ReplyDue("d2", "PROMISED_REPLY", inputs.WARNED, later(240)),
                                           later(200)), policy, later(200))
    assert [n.step for n in notices] == ["PROMISE_APPROACHING"]


def test_a_promise_recorded_by_the_owner_is_told_as_moved(policy):
    case, _ = register(policy)
    events = case.record_promised_reply(inputs.RecordPromisedReply("p1", later(300), "客户要求"), later(2))
    assert [(n.step, n.promised_reply_at) for n in told(case, events, policy, later(2))] == [
        ("PROMISE_MOVED", later(300))]


def test_callback_reopen_and_closure(policy):
    case = resolved(policy)
    callback = told(case, case.on_verification_opened(inputs.VerificationOpened(
        "v1", ("responsibility not determined", "callback pending")), later(40)), policy, later(40))
    assert [(n.step, n.text) for n in callback] == [
        ("CALLBACK_SCHEDULED", "【客服中心】我们将就您的投诉（编号C1）进行回访，请留意来电，感谢您的支持。")]
    reopened = told(case, case.on_reopen(inputs.CaseReopened("r1", "callback unsatisfied"), later(50)),
                    policy, later(50))
    assert [(n.step, n.round, n.text) for n in reopened] == [
        ("REOPENED", 1, "【客服中心】您的投诉（编号C1）已重新处理，我们会尽快再次答复您。")]
    closed = told(case, case.on_case_closed(inputs.CaseClosed("c1"), later(60)), policy, later(60))
    assert [(n.step, n.text) for n in closed][0] == (
        "CLOSED", "【客服中心】您的投诉（编号C1）已办结。感谢您对我们工作的监督与支持。")
    assert [n.step for n in closed] == ["CLOSED", "SATISFACTION_SURVEY"]


def test_the_survey_after_closure_names_its_replies_and_the_rating_id_to_answer_with(policy):
    case = resolved(policy)
    closed = told(case, case.on_case_closed(inputs.CaseClosed("c1"), later(60)), policy, later(60))
    survey = closed[-1]
    assert survey.text == "【客服中心】请您对投诉（编号C1）的处理进行评价：回复1满意，回复2基本满意，回复3不满意。"
    assert survey.survey_rating_id == "SURVEY-C1-0" and survey.template == "SATISFACTION_SURVEY/default"
    assert [(c.reply, c.result, c.score) for c in survey.survey_choices] == [
        ("1", "SATISFIED", 5), ("2", "SATISFIED", 3), ("3", "DISSATISFIED", 1)]
    assert case.last_step == "CLOSED"   # the survey is not a step of the case
    assert case.on_case_closed(inputs.CaseClosed("c2"), later(61)) == []   # closed once, surveyed once


def test_no_survey_where_the_policy_has_none(policy):
    data = section()
    del data["notifications"]["survey"]
    del data["notifications"]["templates"]["SATISFACTION_SURVEY"]
    plain = load(Node({"dispatch": data}).child("dispatch"))
    case = resolved(plain)
    closed = told(case, case.on_case_closed(inputs.CaseClosed("c1"), later(60)), plain, later(60))
    assert [n.step for n in closed] == ["CLOSED"]


def test_verification_without_a_callback_tells_nothing(policy):
    case = resolved(policy)
    events = case.on_verification_opened(inputs.VerificationOpened("v1", ("responsibility not determined",)),
                                         later(40))
    assert told(case, events, policy, later(40)) == []


def test_the_message_carries_no_name_no_complaint_text(policy):
    case, notices = register(policy, summary="张三的手机13800138000没有信号")
    assert "13800138000" not in notices[0].text and "张三" not in notices[0].text


# --- exactly once -------------------------------------------------------------------------------

def test_a_redelivered_input_tells_nothing_again(policy):
    case, _ = register(policy)
    assert len(told(case, case.on_feedback(feedback("f1", "AWAITING_CUSTOMER", text="照片"), later(5)),
                    policy, later(5))) == 1
    assert case.on_feedback(feedback("f1", "AWAITING_CUSTOMER", text="照片"), later(6)) == []
    assert told(case, [], policy, later(6)) == []


def test_proxy_cases_tell_nobody(policy):
    _, notices = register(policy, is_proxy=True, channel="PROXY")
    assert notices == []


# --- quiet hours ----------------------------------------------------------------------------------

@pytest.mark.parametrize("at, held_until", [
    (utc(2, 12, 59, 59), None),              # 20:59:59 local: still day
    (utc(2, 13, 0), utc(3, 0, 0)),           # 21:00 local: quiet, held until 08:00 next morning
    (utc(2, 15, 59), utc(3, 0, 0)),          # 23:59 local
    (utc(2, 16, 0), utc(3, 0, 0)),           # 00:00 local, the next day: held until that morning
    (utc(2, 23, 59, 59), utc(3, 0, 0)),      # 07:59:59 local
    (utc(3, 0, 0), None),                    # 08:00 local: the quiet hours are over
])
def test_an_sms_in_quiet_hours_is_held_until_morning(policy, at, held_until):
    _, notices = register(policy, at=at)
    assert notices[0].held_until == held_until
    assert notices[0].decided_at == at


def test_other_channels_and_urgent_cases_are_told_at_night(policy):
    _, wechat = register(policy, at=utc(2, 15), channel="WECHAT")
    _, urgent = register(policy, at=utc(2, 15), severity=4)
    _, serious = register(policy, at=utc(2, 15), severity=3)
    assert (wechat[0].held_until, wechat[0].urgent) == (None, False)
    assert (urgent[0].channel, urgent[0].held_until, urgent[0].urgent) == ("SMS", None, True)
    assert serious[0].held_until == utc(3, 0)


# --- the daily cap ----------------------------------------------------------------------------------

def warn(case: DispatchCase, policy, index: int, at: datetime) -> list[ev.CustomerNotified]:
    return told(case, case.on_reply_due(inputs.ReplyDue(f"w{index}", "CASE_REPLY", inputs.WARNED, later(900)), at),
                policy, at)


def test_the_daily_cap_withholds_progress_past_it_but_never_an_exempt_step(policy):
    cap = policy.notifications.daily_cap
    case, _ = register(policy)                                   # the acknowledgement counts too
    sent = [warn(case, policy, index, later(index)) for index in range(1, cap + 1)]
    assert [len(notices) for notices in sent] == [1] * (cap - 1) + [0]   # the cap reached, the next withheld
    assert case.history[-1]["what"] == "customer not told" and f"daily cap of {cap}" in case.history[-1]["why"]
    events = case.on_feedback(feedback("f1", "AWAITING_CUSTOMER", text="照片"), later(20))
    assert [n.step for n in told(case, events, policy, later(20))] == ["AWAITING_CUSTOMER"]   # exempt
    told(case, case.on_feedback(feedback("f2", "REPLIED", text="fixed", fault="YES"), later(21)), policy, later(21))
    notices = told(case, case.record_customer_reply(reply(), later(31)), policy, later(31))
    assert [n.step for n in notices] == ["RESOLVED"]
    assert case.last_step == "RESOLVED" and case.notices == {"2026-11-02": cap + 2}


def test_the_cap_counts_per_local_day(policy):
    cap = policy.notifications.daily_cap
    evening = utc(2, 15, 59)                                     # 23:59 local
    case, _ = register(policy, at=evening, channel="WECHAT")
    assert [len(warn(case, policy, index, evening)) for index in range(1, cap + 1)] == [1] * (cap - 1) + [0]
    assert len(warn(case, policy, cap + 1, utc(2, 16, 0))) == 1  # 00:00 local: a new day


# --- opted out ------------------------------------------------------------------------------------

def test_a_customer_who_opted_out_is_told_nothing_but_the_case_keeps_its_last_step(policy):
    case, notices = register(policy, opted_out=True)
    assert notices == []
    assert (case.last_step, case.last_step_at) == ("ACKNOWLEDGED", NOW)
    assert case.history[-1] == {"at": NOW, "what": "customer not told", "by": "", "step": "ACKNOWLEDGED",
                                "why": "opted out"}


def test_the_customer_state_survives_storage(policy):
    case, _ = register(policy)
    warn(case, policy, 1, later(1))
    again = DispatchCase.from_dict(case.to_dict())
    assert (again.phone, again.notices, again.last_step) == ("13800138000", {"2026-11-02": 2}, "PROMISE_APPROACHING")


# --- the policy section -------------------------------------------------------------------------------

def section() -> dict:
    return copy.deepcopy(yaml.safe_load(DEFAULT_POLICY_FILE.read_text(encoding="utf-8"))["dispatch"])


@pytest.mark.parametrize("mutate, path, problem", [
    (lambda n: n["templates"]["RESOLVED"].update(default="{{ reply }} {{ customer_name }}"),
     "policy.dispatch.notifications.templates.RESOLVED.default", "unknown variable customer_name"),
    (lambda n: n["templates"]["WORK_TAKEN"].update(default="{{ needed }}"),
     "policy.dispatch.notifications.templates.WORK_TAKEN.default", "unknown variable needed"),
    (lambda n: n["templates"]["RESOLVED"]["by_channel"].update(WECHAT="{% if reply %}"),
     "policy.dispatch.notifications.templates.RESOLVED.by_channel.WECHAT", "does not compile"),
    (lambda n: n["templates"].pop("CLOSED"), "policy.dispatch.notifications.templates", "missing CLOSED"),
    (lambda n: n["quiet_hours"].update(start="9pm"), "policy.dispatch.notifications.quiet_hours.start",
     "expected a local time"),
    (lambda n: n.update(timezone="Mars/Olympus"), "policy.dispatch.notifications.timezone", "unknown time zone"),
    (lambda n: n.update(daily_cap=0), "policy.dispatch.notifications.daily_cap", "at least 1"),
    (lambda n: n["reply_channels"].update(HOTLINE="FAX"), "policy.dispatch.notifications.reply_channels.HOTLINE",
     "expected one of"),
    (lambda n: n["templates"].pop("SATISFACTION_SURVEY"), "policy.dispatch.notifications.templates",
     "missing SATISFACTION_SURVEY"),
    (lambda n: n["survey"]["choices"].pop(), "policy.dispatch.notifications.survey.choices",
     "one DISSATISFIED choice"),
    (lambda n: n["survey"]["choices"][1].update(reply="1"), "policy.dispatch.notifications.survey.choices[1].reply",
     "given twice"),
    (lambda n: n["templates"]["CLOSED"].update(default="{{ choices }}"),
     "policy.dispatch.notifications.templates.CLOSED.default", "unknown variable choices"),
])
def test_a_bad_notification_policy_fails_the_start_naming_the_field(mutate, path, problem):
    data = section()
    mutate(data["notifications"])
    with pytest.raises(PolicyError) as raised:
        load(Node({"dispatch": data}).child("dispatch"))
    assert str(raised.value).startswith(f"{path}:") and problem in str(raised.value), str(raised.value)


def test_without_the_section_nobody_is_told(policy):
    data = section()
    del data["notifications"]
    silent = load(Node({"dispatch": data}).child("dispatch"))
    case, events = DispatchCase.register(registration(), silent, NOW)
    assert tell_customer(case, events, silent.notifications, NOW) == []
    assert case.last_step == "ACKNOWLEDGED"


def test_the_shipped_steps_all_render(policy):
    assert set(policy.notifications.templates) == {"ACKNOWLEDGED", "WORK_TAKEN", "PROMISE_APPROACHING",
                                                   "PROMISE_MOVED", "AWAITING_CUSTOMER", "RESOLVED",
                                                   "CALLBACK_SCHEDULED", "REOPENED", "CLOSED", "SATISFACTION_SURVEY"}
    assert timedelta(0) < policy.notifications.quiet.ends_after(utc(2, 15).astimezone(policy.notifications.zone)) \
        - utc(2, 15) <= timedelta(hours=11)


def test_the_documented_example_is_what_the_shipped_policy_sends(policy):
    from pathlib import Path

    from google.protobuf import json_format

    from complaints.v1 import envelope_pb2

    example = Path(__file__).resolve().parents[3] / "docs" / "examples" / "outbound" / "customers.notifications.v1.json"
    envelope = json_format.Parse(example.read_text(encoding="utf-8"), envelope_pb2.Envelope())
    notice = envelope.customer_notification
    case, events = DispatchCase.register(registration(
        case_id=notice.case_id, channel="HOTLINE", category="porting", phone=notice.phone,
        customer_id=notice.customer_id, promised_reply_at=notice.promised_reply_at.ToDatetime(tzinfo=timezone.utc)),
        policy, notice.decided_at.ToDatetime(tzinfo=timezone.utc))
    sent = tell_customer(case, events, policy.notifications, notice.decided_at.ToDatetime(tzinfo=timezone.utc))
    assert [(n.text, n.template, n.channel) for n in sent] == [(notice.text, notice.template, "SMS")]
    assert envelope.event_type == "complaints.v1.CustomerNotification" and envelope.producer == "dispatch"
