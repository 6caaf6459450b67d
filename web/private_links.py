"""Links whose last part is a secret only their recipient may see (an invitation; later, signing
links): logs name the path, never the secret (issue 12: "not a log line")."""
from __future__ import annotations

import re

from casedocs.services.invitations import WELCOME_PATH

_PRIVATE_LINK = re.compile("(" + "|".join(re.escape(path) for path in (WELCOME_PATH,)) + r")[^\s?#\"']+")


def redact(text: str) -> str:
    """`text` with the secret part of every private link replaced by an ellipsis."""
    return _PRIVATE_LINK.sub(r"\1…", text)
