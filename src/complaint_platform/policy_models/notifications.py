"""The ``dispatch.notifications:`` section: what the customer is told at each step, on which
channel, and when not (quiet hours, a daily cap, customers who opted out).

Templates are Jinja2 text, checked here at start: each must compile and may use only the
variables its step provides (``TEMPLATE_VARIABLES``), so a typo fails the start, not a message.
"""

from __future__ import annotations

import re
from typing import Any, Literal, get_args
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from jinja2 import StrictUndefined, TemplateSyntaxError, meta
from jinja2.sandbox import SandboxedEnvironment
from pydantic import Field, ValidationInfo, field_validator

from .common import CATEGORIES, CHANNELS, PolicyProblem, Strict, Text

Step = Literal["ACKNOWLEDGED", "WORK_TAKEN", "PROMISE_APPROACHING", "PROMISE_MOVED", "AWAITING_CUSTOMER",
               "RESOLVED", "CALLBACK_SCHEDULED", "REOPENED", "CLOSED", "SATISFACTION_SURVEY"]
STEPS: tuple[str, ...] = get_args(Step)
SURVEY = "SATISFACTION_SURVEY"   # sent after closure only where the policy has a survey
NotifyChannel = Literal["SMS", "WECHAT", "EMAIL", "APP"]
NOTIFY_CHANNELS: tuple[str, ...] = get_args(NotifyChannel)
CategoryName = Literal[CATEGORIES]  # type: ignore[valid-type]
ChannelName = Literal[CHANNELS]  # type: ignore[valid-type]
_CLOCK = re.compile(r"^([01]\d|2[0-3]):[0-5]\d$")

# What a template may use: the case number and promised time everywhere, the rest where its step has it.
COMMON_VARIABLES = ("case_number", "promised_at")
TEMPLATE_VARIABLES: dict[str, tuple[str, ...]] = {step: COMMON_VARIABLES for step in STEPS} | {
    "AWAITING_CUSTOMER": COMMON_VARIABLES + ("needed",),
    "RESOLVED": COMMON_VARIABLES + ("reply",),
    SURVEY: COMMON_VARIABLES + ("choices",),   # each with reply, label, result, score
}


def template_environment() -> SandboxedEnvironment:
    """Templates are operators' text: sandboxed, and an unknown variable is an error, never blank."""
    return SandboxedEnvironment(undefined=StrictUndefined, autoescape=False, keep_trailing_newline=False)


def _check_template(step: str, text: str) -> str:
    try:
        parsed = template_environment().parse(text)
    except TemplateSyntaxError as error:
        raise PolicyProblem(f"template does not compile: {error.message} (line {error.lineno})") from None
    unknown = sorted(meta.find_undeclared_variables(parsed) - set(TEMPLATE_VARIABLES[step]))
    if unknown:
        raise PolicyProblem(f"unknown variable {', '.join(unknown)} for {step} "
                            f"(known: {', '.join(TEMPLATE_VARIABLES[step])})")
    return text


class StepTemplates(Strict):
    """One step's text: the default, and where a channel or a category needs other words (a
    category's text wins over a channel's)."""

    default: Text
    by_channel: dict[NotifyChannel, Text] = {}
    by_category: dict[CategoryName, Text] = {}


class QuietHours(Strict):
    start: Text = Field("21:00", description="local time (HH:MM) from which these channels stay quiet")
    end: Text = Field("08:00", description="local time (HH:MM) when held notifications go out")
    channels: list[NotifyChannel] = Field(["SMS"], description="channels held through the night")

    @field_validator("start", "end")
    @classmethod
    def _clock(cls, value: str) -> str:
        if not _CLOCK.match(value):
            raise PolicyProblem(f"expected a local time such as 21:00, got {value!r}")
        return value


class SurveyChoice(Strict):
    reply: Text = Field(description='what the customer replies, e.g. "1"')
    label: Text = Field(description="its words, e.g. 满意")
    result: Literal["SATISFIED", "DISSATISFIED"]
    score: int = Field(ge=1, le=5)


class Survey(Strict):
    """The satisfaction survey (意见征集) after closure; the gateway turns the reply into a rating."""

    choices: list[SurveyChoice] = Field([], validate_default=True)

    @field_validator("choices")
    @classmethod
    def _both_answers_possible(cls, choices: list[SurveyChoice]) -> list[SurveyChoice]:
        if {choice.result for choice in choices} != {"SATISFIED", "DISSATISFIED"}:
            raise PolicyProblem("needs at least one SATISFIED and one DISSATISFIED choice")
        replies = [choice.reply for choice in choices]
        for index, reply in enumerate(replies):
            if reply in replies[:index]:
                raise PolicyProblem(f"reply {reply!r} is given twice", index, "reply")
        return choices


class NotificationsSection(Strict):
    timezone: Text = Field("Asia/Shanghai", description="the customers' zone: quiet hours and daily caps")
    default_channel: NotifyChannel = "SMS"
    reply_channels: dict[ChannelName, NotifyChannel] = Field(
        {}, description="the channel a complaint came in on -> the channel its customer is answered on")
    quiet_hours: QuietHours = QuietHours()
    urgent_severity: int = Field(4, ge=1, le=4, description="cases this severe are told even in quiet hours")
    daily_cap: int = Field(5, ge=1, description="notifications per customer and local day at most")
    cap_exempt: list[Step] = Field(["ACKNOWLEDGED", "RESOLVED"], description="steps sent even past the cap")
    survey: Survey | None = Field(None, description="the satisfaction survey after closure; absent: none")
    templates: dict[Step, StepTemplates]

    @field_validator("timezone")
    @classmethod
    def _zone(cls, value: str) -> str:
        try:
            ZoneInfo(value)
        except (ZoneInfoNotFoundError, ValueError):
            raise PolicyProblem(f"unknown time zone {value!r}") from None
        return value

    @field_validator("templates")
    @classmethod
    def _every_step_renders(cls, templates: dict[str, StepTemplates], info: ValidationInfo) -> dict[str, StepTemplates]:
        surveyed = info.data.get("survey") is not None
        missing = [step for step in STEPS if step not in templates and (step != SURVEY or surveyed)]
        if missing:
            raise PolicyProblem(f"needs a template for every step; missing {', '.join(missing)}")
        for step, texts in templates.items():
            _at(step, "default", lambda: _check_template(step, texts.default))
            for kind, table in (("by_channel", texts.by_channel), ("by_category", texts.by_category)):
                for key, text in table.items():
                    _at(step, f"{kind}.{key}", lambda text=text: _check_template(step, text))
        return templates


def _at(step: str, where: str, check: Any) -> None:
    try:
        check()
    except PolicyProblem as problem:
        raise PolicyProblem(problem.problem, step, *where.split(".")) from None
