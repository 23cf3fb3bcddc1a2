"""What the customer is told (一条温馨短信提示): one notification per step of their case, in the
policy's words, on the channel they used; an SMS never at night unless the case is urgent (held
until the quiet hours end), at most the policy's cap a day, nothing to a customer who opted out.

The owner's side tells the customer because it answers them (首问负责制) and sees every step
first: registration, departments' reports, the reply, and verification's verdicts.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime, time, timedelta, timezone
from typing import TYPE_CHECKING, Any
from zoneinfo import ZoneInfo

from jinja2 import Template

from complaint_platform.policy_models.notifications import STEPS, SURVEY, template_environment

from . import events as ev

if TYPE_CHECKING:
    from .case import DispatchCase

ACKNOWLEDGED, WORK_TAKEN, PROMISE_APPROACHING, PROMISE_MOVED, AWAITING_CUSTOMER = STEPS[:5]
RESOLVED, CALLBACK_SCHEDULED, REOPENED, CLOSED = STEPS[5:9]
DAYS_KEPT = 2  # daily counts older than this are dropped from the case


@dataclass(frozen=True)
class QuietHours:
    start: time
    end: time
    channels: frozenset[str]

    def covers(self, local: datetime) -> bool:
        moment = local.time()
        if self.start <= self.end:
            return self.start <= moment < self.end
        return moment >= self.start or moment < self.end  # across midnight

    def ends_after(self, local: datetime) -> datetime:
        """The first end of the quiet hours after ``local`` (same zone)."""
        end = datetime.combine(local.date(), self.end, tzinfo=local.tzinfo)
        return end if end > local else datetime.combine(local.date() + timedelta(days=1), self.end,
                                                        tzinfo=local.tzinfo)


@dataclass(frozen=True)
class StepTemplates:
    """One step's texts as the policy writes them (compared by text) and compiled once."""

    default: str
    by_channel: Mapping[str, str]
    by_category: Mapping[str, str]
    compiled: Mapping[str, Template] = field(compare=False, repr=False, default_factory=dict)

    def choose(self, step: str, category: str, channel: str) -> tuple[Template, str]:
        if category in self.by_category:
            name = f"category:{category}"
        elif channel in self.by_channel:
            name = f"channel:{channel}"
        else:
            name = "default"
        return self.compiled[name], f"{step}/{name}"


@dataclass(frozen=True)
class SurveyChoice:
    reply: str        # what the customer replies, e.g. "1"
    label: str
    result: str       # SATISFIED or DISSATISFIED
    score: int


@dataclass(frozen=True)
class NotificationPolicy:
    zone: ZoneInfo
    default_channel: str
    reply_channels: Mapping[str, str]   # complaint channel -> notification channel
    quiet: QuietHours
    urgent_severity: int
    daily_cap: int
    cap_exempt: frozenset[str]
    templates: Mapping[str, StepTemplates]
    survey: tuple[SurveyChoice, ...] = ()   # empty: no satisfaction survey after closure

    def channel_for(self, complaint_channel: str) -> str:
        return self.reply_channels.get(complaint_channel, self.default_channel)

    def render(self, step: str, category: str, channel: str, facts: Mapping[str, Any]) -> tuple[str, str]:
        template, name = self.templates[step].choose(step, category, channel)
        return template.render(**facts).strip(), name

    def local_time(self, moment: datetime) -> str:
        local = moment.astimezone(self.zone)
        return f"{local.month}月{local.day}日{local:%H:%M}"


def build(section: Any) -> NotificationPolicy | None:
    """From the validated ``dispatch.notifications`` section (None: the centre sends none)."""
    if section is None:
        return None
    environment = template_environment()

    def compile_all(step: Any) -> StepTemplates:
        texts = {"default": step.default, **{f"channel:{key}": text for key, text in step.by_channel.items()},
                 **{f"category:{key}": text for key, text in step.by_category.items()}}
        return StepTemplates(step.default, dict(step.by_channel), dict(step.by_category),
                             {name: environment.from_string(text) for name, text in texts.items()})

    quiet = section.quiet_hours
    return NotificationPolicy(
        zone=ZoneInfo(section.timezone), default_channel=section.default_channel,
        reply_channels=dict(section.reply_channels),
        quiet=QuietHours(time.fromisoformat(quiet.start), time.fromisoformat(quiet.end), frozenset(quiet.channels)),
        urgent_severity=section.urgent_severity, daily_cap=section.daily_cap, cap_exempt=frozenset(section.cap_exempt),
        templates={step: compile_all(texts) for step, texts in section.templates.items()},
        survey=tuple(SurveyChoice(c.reply, c.label, c.result, c.score) for c in section.survey.choices)
        if section.survey is not None else ())


def tell_customer(case: DispatchCase, events: list[ev.Event], policy: NotificationPolicy | None,
                  now: datetime) -> list[ev.CustomerNotified]:
    """The notifications the case's new events call for (none for proxy cases: nobody to tell)."""
    told = []
    steps = steps_of(case, events)
    for step, facts in steps:
        case.last_step, case.last_step_at = step, now
        if policy is not None and not case.is_proxy:
            told.append(_notify(case, step, facts, policy, now))
    if policy is not None and policy.survey and not case.is_proxy and any(step == CLOSED for step, _ in steps):
        told.append(_notify(case, SURVEY, {}, policy, now))   # 意见征集: how did we do?
    return [notice for notice in told if notice is not None]


def steps_of(case: DispatchCase, events: list[ev.Event]) -> list[tuple[str, dict[str, Any]]]:
    """The customer-facing steps among a case's events, each with what its message may say."""
    steps: list[tuple[str, dict[str, Any]]] = []
    opened = any(isinstance(event, ev.CaseOpened) for event in events)
    # a reply or a request to the customer that stands for the acceptance says more than "taken"
    covered = {event.work_order_id for event in events
               if isinstance(event, (ev.WorkOrderReplied, ev.WorkOrderAwaitingCustomer))}
    for event in events:
        if isinstance(event, ev.CaseOpened):
            steps.append((ACKNOWLEDGED, {"promised": event.promised_reply_at}))
        elif isinstance(event, ev.WorkOrderAccepted):
            key = f"{WORK_TAKEN}:{case.round}"  # the first department to take the work, once a round
            if case.order(event.work_order_id).kind == "DEPARTMENT" and key not in case.told:
                case.told.append(key)
                if event.work_order_id not in covered:
                    steps.append((WORK_TAKEN, {}))
        elif isinstance(event, ev.PromisedReplyRecorded) and not opened:
            steps.append((PROMISE_MOVED, {"promised": event.promised_reply_at}))
        elif isinstance(event, ev.PromisedTimeMoved):
            steps.append((PROMISE_MOVED, {"promised": event.due_at}))
        elif isinstance(event, ev.PromisedTimeNear):
            steps.append((PROMISE_APPROACHING, {"promised": event.due_at}))
        elif isinstance(event, ev.WorkOrderAwaitingCustomer):
            steps.append((AWAITING_CUSTOMER, {"needed": event.reason}))
        elif isinstance(event, ev.CaseResolved):
            steps.append((RESOLVED, {"reply": event.reply}))
        elif isinstance(event, ev.CallbackAhead):
            steps.append((CALLBACK_SCHEDULED, {}))
        elif isinstance(event, ev.CaseReturnedToOwner):
            steps.append((REOPENED, {}))
        elif isinstance(event, ev.CaseEnded):
            steps.append((CLOSED, {}))
    return steps


def _notify(case: DispatchCase, step: str, facts: dict[str, Any], policy: NotificationPolicy,
            now: datetime) -> ev.CustomerNotified | None:
    if case.opted_out:
        case.note("customer not told", now, step=step, why="opted out")
        return None
    local = now.astimezone(policy.zone)
    day = local.date().isoformat()
    sent_today = case.notices.get(day, 0)
    if sent_today >= policy.daily_cap and step not in policy.cap_exempt:
        case.note("customer not told", now, step=step, why=f"daily cap of {policy.daily_cap} reached")
        return None
    channel = policy.channel_for(case.channel)
    promised = facts.get("promised") or case.promised_reply_at
    survey = policy.survey if step == SURVEY else ()
    text, template = policy.render(step, case.category, channel, {
        "case_number": case.case_id, "promised_at": policy.local_time(promised) if promised else "",
        "needed": facts.get("needed", ""), "reply": facts.get("reply", ""),
        "choices": [{"reply": c.reply, "label": c.label, "result": c.result, "score": c.score} for c in survey]})
    urgent = case.severity >= policy.urgent_severity
    held_until = None
    if channel in policy.quiet.channels and policy.quiet.covers(local) and not urgent:
        held_until = policy.quiet.ends_after(local).astimezone(timezone.utc)
    case.notices = {d: n for d, n in case.notices.items()
                    if d >= (local.date() - timedelta(days=DAYS_KEPT)).isoformat()} | {day: sent_today + 1}
    case.note("customer told", now, step=step, channel=channel, template=template,
              **({"held_until": held_until} if held_until else {}))
    # the answer's rating id names the survey, so an answer sent twice is one rating
    rating_id = f"SURVEY-{case.case_id}-{case.round}" if survey else ""
    return ev.CustomerNotified(case.case_id, step, channel, case.customer_id, case.phone, text, template, urgent,
                               now, promised, case.round, held_until, rating_id, survey)
