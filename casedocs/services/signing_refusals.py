"""Why a step of co-signing in the browser is refused (issue 12, "Co-signing in the browser";
PROCEDURE.md §4: each signatory signs its own field of the revision it read, after a second factor):
typed, so that a page words each reason in its own language and the service's message stays plain
English. Kept apart from browser_signing, which does the acts, so that the refusals can be read and
imported without the whole signing service."""
from __future__ import annotations

from enum import Enum

from cases.errors import InvalidInputError


class SigningProblem(Enum):
    """Why a browser signature, code or decline is refused, nothing done: a page names each in its own
    language (as EnrolmentProblem), the value is the English text the service's message starts with."""

    NO_VALID_CODE = "there is no valid code for this document (expired, used or never sent): ask for a new one"
    CODE_JUST_USED = "this code was just used: ask for a new one"
    WRONG_CODE = "wrong code"
    TOO_MANY_WRONG_CODES = "wrong code, and too many wrong codes: ask for a new one"
    NOT_YOUR_FIELD = "you may sign only your own field"
    CHANGED_SINCE_OPENED = "the document changed since this page was opened: read it again"
    NOT_WHAT_YOU_READ = "the document is no longer the one you read: read it again"
    ALREADY_SIGNED = "you have already signed this document"
    FROZEN = "this document is frozen: no signature can be added"
    SUPERSEDED = "this document was replaced by a new draft: sign that one"
    NO_REASON = "say why you decline to sign"
    REASON_TOO_LONG = "the reason is too long"
    ALREADY_DECLINED = "you have already declined this revision"


class SigningRefused(InvalidInputError):
    """A signing step refused for one of SigningProblem's reasons, nothing recorded but the counts
    that limit guessing. `left`: wrong code tries left (WRONG_CODE); `field`: the field asked for."""

    def __init__(self, problem: SigningProblem, *, left: int = 0, field: str = "") -> None:
        said = problem.value
        if problem is SigningProblem.WRONG_CODE:
            said = f"{said}: {left} more {'try' if left == 1 else 'tries'}"
        elif problem is SigningProblem.NOT_YOUR_FIELD:
            said = f"{said}, not {field}"
        super().__init__(said)
        self.problem, self.left, self.field = problem, left, field


class CodeRefused(SigningRefused):
    """The email code is wrong, expired, used or missing: nothing was signed."""
