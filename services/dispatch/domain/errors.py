"""Named refusals of the dispatch rules; adapters turn them into dead letters or gRPC errors."""

from __future__ import annotations


class DomainError(Exception):
    """Base of every dispatch rule refusal."""


DispatchError = DomainError  # the name the first adapters import


class OwnerRequired(DomainError):
    """A case can never be without an accountable owner (首问负责制)."""


class ReasonRequired(DomainError):
    """Reassignments and returns must say why; auditors read the reason."""


class OwnerUnchanged(DomainError):
    """Reassigning to the current owner is almost always an operator slip."""


class InvalidCase(DomainError):
    """A registration whose facts the rules cannot work with (tier, severity, ids)."""


class CaseAlreadyRegistered(DomainError):
    """A second, different registration for a case id that already exists."""


class CaseClosed(DomainError):
    """Management closure ends dispatch's part; nothing changes afterwards."""


class IllegalCaseTransition(DomainError):
    """The case's status does not allow the request (e.g. reopening an unresolved case)."""


class UnknownWorkOrder(DomainError):
    """The work order id does not belong to this case."""


class IllegalTransition(DomainError):
    """A work order cannot move from its current state by the requested action."""

    def __init__(self, work_order_id: str, state: str, action: str) -> None:
        super().__init__(f"work order {work_order_id} is {state}; it cannot be {action}")
        self.work_order_id, self.state, self.action = work_order_id, state, action


class InvalidFinding(DomainError):
    """A reply must carry resolution text and company_at_fault YES, NO or UNCLEAR."""


class InvalidPromise(DomainError):
    """A promised reply time must lie in the future."""


class ReplyRequired(DomainError):
    """A reply to the customer must have text."""


class InvalidDestination(DomainError):
    """An owner's manual dispatch names no department or an unknown level."""
