"""Domain errors. Each names what was wrong so a person can act on it."""
from __future__ import annotations

from collections.abc import Iterable


class CaseError(Exception):
    """Base class for every refusal of the domain core."""


class NotFoundError(CaseError):
    pass


class InvalidInputError(CaseError):
    """Input that cannot be accepted as it is (missing or malformed content)."""


class ProcedureError(CaseError):
    """The procedure forbids this action here.

    Carries the case, its stage and what is allowed there, so the message tells the
    officer what they can do instead.
    """

    def __init__(self, case_number: str, stage: str, action: str, reason: str,
                 allowed: Iterable[str] = (), *, wrong_stage: bool = False) -> None:
        self.case_number = case_number
        self.stage = stage
        self.action = action
        self.reason = reason
        # The stage does not allow the action at all (as opposed to a rule of the action): a page can
        # then say so in its own language from `stage` and `allowed`, instead of quoting `reason`.
        self.wrong_stage = wrong_stage
        self.allowed = sorted(allowed)
        allowed_text = ", ".join(self.allowed) if self.allowed else "none (the case is closed)"
        super().__init__(
            f"{case_number} (stage {stage}): cannot {action}: {reason}. "
            f"Allowed here: {allowed_text}"
        )


class AuditChainError(CaseError):
    pass


class ImmutableVersionError(CaseError):
    """An issued document version was about to change."""
