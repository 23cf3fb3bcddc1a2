"""Named refusals of the intake rules; adapters turn them into dead letters or gRPC errors."""

from __future__ import annotations


class DomainError(Exception):
    """Base of every intake rule refusal."""


IntakeError = DomainError  # the name the first adapters import


class InvalidSubmission(DomainError):
    """A submission the rules cannot work with (no id, unknown channel, naive time, no customer)."""


class InvalidTier(InvalidSubmission):
    """Tiers are 1, 2 and 3 (0 or empty means unknown); anything else is a sender's bug."""


class UnknownStatus(DomainError):
    """A case status name that is not part of the lifecycle."""


class IllegalStatusTransition(DomainError):
    """A strict transition the lifecycle does not allow (e.g. REGISTERED -> RESOLVED)."""


class SplitRefused(DomainError):
    """An operator's split command that cannot be carried out; the message says why."""


class CaseClosed(DomainError):
    """A closed case is final for intake: no split, no link."""


class LinkRefused(DomainError):
    """A submission that cannot join the case it was pointed at (other customer, closed case)."""
