"""Confidentiality enforced (issue 11; 第六章第2条) and the two working languages of free text.

- `items`: `ItemRef`, the concrete items a request names, parsed once from their text;
- `audiences`: `Audience`, whom a rendering is for, and whom a request keeps items from;
- `withholding`: what an audience may not see at a moment, under which request or decision, and the
  placeholder printed instead; release when a decision's duration runs out (audited);
- `translations`: translations as records, the worklist, and what each edition prints.

cases.models imports `items`, so this package imports nothing that imports cases.models at import time.
"""
from __future__ import annotations

from cases.confidentiality.audiences import Audience, event_shown, sees_everything, withheld_from
from cases.confidentiality.items import (
    IdentityRole,
    ItemKind,
    ItemRef,
    RecordField,
    StatementOf,
    TextPart,
    check_item,
    check_items,
)

__all__ = ["Audience", "event_shown", "IdentityRole", "ItemKind", "ItemRef", "RecordField", "StatementOf", "TextPart",
           "check_item", "check_items", "sees_everything", "withheld_from"]
