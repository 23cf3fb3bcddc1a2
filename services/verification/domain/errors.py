"""Named refusals of the verification rules; adapters turn them into dead letters or gRPC errors."""

from __future__ import annotations


class DomainError(Exception):
    """Base of every verification rule refusal."""


VerificationError = DomainError  # the name the first adapters import


class InvalidInput(DomainError):
    """An input the rules cannot work with (missing ids, naive times, unknown outcome)."""


class RecordClosed(DomainError):
    """Management closure (管理办结) is final; nothing changes a closed record."""


class IllegalTransition(DomainError):
    """The record's status does not allow the input (e.g. a callback before any customer closure)."""

    def __init__(self, case_id: str, status: str, action: str) -> None:
        super().__init__(f"verification record {case_id} is {status}; it cannot {action}")
        self.case_id, self.status, self.action = case_id, status, action


class InvalidFinding(DomainError):
    """A responsibility finding needs the unit, the root-cause class and YES/NO/UNCLEAR fault."""


class UnknownAction(DomainError):
    """The action id does not belong to this record."""


class ActionConflict(DomainError):
    """An action id reused with another kind, or a verified action changed afterwards."""


class EvidenceMissing(DomainError):
    """An action is done only with completion evidence, and verified only once done."""
