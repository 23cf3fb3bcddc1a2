"""Named refusals of the escalation rules; adapters map them to dead letters or gRPC statuses."""

from __future__ import annotations


class DomainError(Exception):
    """Base of every escalation rule's refusal."""


# The adapters were written against this name first; both are the same class.
EscalationError = DomainError


class DeadlineStoppedError(DomainError):
    """The clock is no longer running (met, cancelled or already breached) for what was asked."""


class DeadlineNotPausedError(DomainError):
    """Resume was asked of a clock that is not paused."""


class DeadlineSpecError(DomainError):
    """A deadline needs exactly one of an allowed time or an absolute due time."""


class CaseClosedError(DomainError):
    """The case is closed; supervision commands no longer apply."""


class NotSupervisedError(DomainError):
    """Urging needs the case on the supervision list first."""


class ReasonRequiredError(DomainError):
    """Supervision by command must say why."""


class UnknownCaseError(DomainError):
    """An input named a different case than the aggregate it was applied to."""
