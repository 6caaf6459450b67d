"""What an audience may not see at a moment, and why: the one answer every rendering and page asks for.

第六章第2.2条: from the moment a request is received the information is not disclosed to the audiences it
names (确认收到保密申请，尚未作出保密决定之前，相关信息不向保密申请针对的对象披露); from its decision the
decision applies — it grants the request, narrows it (fewer items, fewer audiences) or refuses it — for
the duration it sets: until a date, or until a stage of the procedure, after which the items are released
(cases.confidentiality.release records that in the audit chain).

    shield = withholding(case, Audience.RESPONDENT, date(2025, 3, 5))
    ground = shield.ground(ItemRef.exhibit(1))      # None: shown; else why it is withheld
    text = shield.text(ItemRef.record_field(RecordField.FACTS), case.facts, "en")
    ground.placeholder("zh")                       # 〔依保密决定 MVC-2025-0002/保密-1 不予披露〕

Nothing here reads the database: the case as loaded (its confidentiality requests) is the whole input.
"""
from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date
from enum import StrEnum
from typing import TYPE_CHECKING

from cases.confidentiality.audiences import Audience, sees_everything, withheld_from
from cases.confidentiality.items import IdentityRole, ItemKind, ItemRef
from cases.vocabulary import PartyCategory, Stage

if TYPE_CHECKING:
    from cases.models import Case, ConfidentialityRequest


class Outcome(StrEnum):
    """Where a request stands: what its decision did with it (第六章第2.2条)."""

    PENDING = "pending"    # received, not decided: already withholds what it names
    GRANTED = "granted"    # as asked
    NARROWED = "narrowed"  # granted for fewer items or fewer audiences than asked
    REFUSED = "refused"    # nothing withheld from the decision on


def outcome(request: ConfidentialityRequest) -> Outcome:
    if request.decided_on is None:
        return Outcome.PENDING
    if not request.granted:
        return Outcome.REFUSED
    if set(request.decided_items) != set(request.items) or set(request.decided_audience) != set(request.audience):
        return Outcome.NARROWED
    return Outcome.GRANTED


# -- the placeholder ---------------------------------------------------------------------------

_PLACEHOLDERS: dict[tuple[str, bool], str] = {
    ("zh", True): "〔依保密决定 {ref} 不予披露〕",
    ("zh", False): "〔依保密申请 {ref} 暂不披露〕",
    ("zh-Hant", True): "〔依保密決定 {ref} 不予披露〕",
    ("zh-Hant", False): "〔依保密申請 {ref} 暫不披露〕",
    ("en", True): "[withheld under confidentiality decision {ref}]",
    ("en", False): "[withheld pending confidentiality request {ref}]",
}
_WITHHELD_WORD = {"zh": "不予披露", "zh-Hant": "不予披露", "en": "withheld"}
LANGUAGES = ("zh", "zh-Hant", "en")


def _lang(lang: str) -> str:
    """zh, zh-Hant or en (the edition values of docgen.locale.Edition are accepted as they are)."""
    if lang not in LANGUAGES:
        raise ValueError(f"a placeholder is printed in zh, zh-Hant or en, not {lang!r}")
    return lang


@dataclass(frozen=True, order=True)
class Ground:
    """Why an item is withheld: confidentiality request number `sequence` of the case, decided or pending; or,
    with `disclosure_rule`, the scope of public case disclosure (第六章第1.1条: the public learns the party
    categories; what is published identifies no natural person), which no request needs to ask for
    (sequence 0, no request)."""

    case_number: str
    sequence: int
    decided: bool
    request_id: int | None = field(default=None, compare=False)
    disclosure_rule: bool = False

    def reference(self, lang: str) -> str:
        """MVC-2025-0002/保密-1 in Chinese, MVC-2025-0002/C-1 in English; the clause for the disclosure rule."""
        zh = _lang(lang).startswith("zh")
        if self.disclosure_rule:
            return "第六章第1.1条" if zh else "chapter 6, article 1.1"
        return f"{self.case_number}/{'保密' if zh else 'C'}-{self.sequence}"

    def placeholder(self, lang: str) -> str:
        """What is printed instead of the item: visible, naming the decision (or pending request), nothing of
        the item itself. `lang` is zh, zh-Hant or en."""
        if self.disclosure_rule:
            return _RULE_PLACEHOLDERS[_lang(lang)]
        return _PLACEHOLDERS[(_lang(lang), self.decided)].format(ref=self.reference(lang))

    def placeholder_bilingual(self) -> str:
        return f"{self.placeholder('zh')} {self.placeholder('en')}"

    @property
    def precedence(self) -> tuple[bool, bool, int]:
        """Which ground to name when several withhold an item: a decision, then a pending request, the
        disclosure rule last; the earliest request first."""
        return self.disclosure_rule, not self.decided, self.sequence


_RULE_PLACEHOLDERS = {"zh": "〔依个案信息披露范围不予公开〕", "zh-Hant": "〔依個案資訊披露範圍不予公開〕",
                      "en": "[not made public: outside the scope of case disclosure]"}


def withheld_word(lang: str) -> str:
    """What a list prints for a withheld entry that keeps its place ("withheld" / "不予披露")."""
    return _WITHHELD_WORD[_lang(lang)]


# -- the answer --------------------------------------------------------------------------------

@dataclass(frozen=True)
class Withholding:
    """What `audience` may not see of case `case_number` on `on`, item by item, with the ground of each."""

    case_number: str
    audience: Audience
    on: date
    items: Mapping[ItemRef, Ground]  # as named by the requests and decisions in force (wholes or parts)

    def ground(self, ref: ItemRef) -> Ground | None:
        """Why `ref` is withheld (the whole item's ground covers its parts), or None when it may be shown.
        A part is withheld when its whole is; a whole is shown, part by part, when only a part is withheld."""
        found = [g for named, g in self.items.items() if named.covers(ref)]
        return min(found, key=lambda g: g.precedence) if found else None

    def is_withheld(self, ref: ItemRef) -> bool:
        return self.ground(ref) is not None

    def partly_withheld(self, ref: ItemRef) -> bool:
        """Whether some part of `ref` is withheld (e.g. a claim's reasons): print it part by part."""
        return any(ref.covers(named) or named.covers(ref) for named in self.items)

    def text(self, ref: ItemRef, value: str, lang: str) -> str:
        """`value` (the text of `ref`), or the placeholder in `lang` when it is withheld."""
        ground = self.ground(ref)
        return value if ground is None else ground.placeholder(lang)

    def withheld_of(self, kind: ItemKind) -> dict[ItemRef, Ground]:
        """The withheld items of one kind (e.g. every exhibit), for lists that keep their numbering."""
        return {ref: ground for ref, ground in self.items.items() if ref.kind is kind}

    @property
    def shows_risk_assessments(self) -> bool:
        """Retaliation-risk assessments and the persons they concern: the secretariat only (第六章第4条)."""
        return self.audience.sees_risk_assessments

    @property
    def grounds(self) -> list[Ground]:
        """Each request or decision in force against this audience (and the disclosure rule), once, by number."""
        return sorted(set(self.items.values()), key=lambda g: (g.disclosure_rule, g.sequence, not g.decided))


def released(request: ConfidentialityRequest, on: date) -> bool:
    """Whether a granted decision's items are free again on `on`: the day after its date has come, or its
    release (at the stage it named) was recorded on or before `on`."""
    if request.decided_release_after is not None and on > request.decided_release_after:
        return True
    return request.released_on is not None and on >= request.released_on


def in_force(request: ConfidentialityRequest, on: date) -> tuple[bool, list[ItemRef], list[str]] | None:
    """(decided, items, audiences named) of the request or its decision in force on `on`; None when nothing
    of it is (not yet received, refused, or released)."""
    if on < request.received_on:
        return None
    if request.decided_on is None or on < request.decided_on:
        return False, list(request.items), list(request.audience)
    if not request.granted or released(request, on):
        return None
    return True, list(request.decided_items), list(request.decided_audience)


def withholding(case: Case, audience: Audience, on: date) -> Withholding:
    """What `audience` may not see of `case` on `on` (a business date: an instrument's date, or today)."""
    items: dict[ItemRef, Ground] = {}
    for request in case.confidentiality_requests:
        if sees_everything(audience, request.requested_by):
            continue
        state = in_force(request, on)
        if state is None:
            continue
        decided, refs, named = state
        if audience not in withheld_from(request.requested_by, named):
            continue
        ground = Ground(case.number, request.sequence, decided, request.id)
        for ref in refs:
            earlier = items.get(ref)
            items[ref] = ground if earlier is None else min(earlier, ground, key=lambda g: g.precedence)
    if audience is Audience.PUBLIC:
        # What is published identifies no natural person (第六章第1.1条: the public learns party categories).
        rule = Ground(case.number, 0, True, None, disclosure_rule=True)
        for ref in natural_persons(case):
            items.setdefault(ref, rule)
    return Withholding(case.number, audience, on, items)


def natural_persons(case: Case) -> list[ItemRef]:
    """The identities of the case that are natural persons: members of the category `individual`, and
    every agent and representative."""
    refs: list[ItemRef] = []
    for side in case.sides:
        refs += [ItemRef.identity(side.role, i) for i, member in enumerate(side.members)
                 if member.category is PartyCategory.INDIVIDUAL]
        refs += [ItemRef.identity(side.role, i, IdentityRole.AGENT) for i in range(len(side.agents))]
        refs += [ItemRef.identity(side.role, i, IdentityRole.REPRESENTATIVE) for i in range(len(side.representatives))]
    return refs


# -- durations ----------------------------------------------------------------------------------

# The procedure's main line, in order: a duration "until stage X" runs out when the case reaches X or a
# later stage on this line. The three paths are one step (a path switch does not go back). Stages off
# the line (rejection, refusal, non-launch, dismissal) end a case without reaching what comes after:
# a duration counted to a later stage then never runs out, and the items stay withheld.
_MAIN_LINE: dict[Stage, int] = {
    Stage.RECEIVED: 0, Stage.ACCEPTED: 1, Stage.INVITED: 2, Stage.REINVITED: 3, Stage.RESPONDENT_ACCEPTED: 4,
    Stage.LAUNCH_NOTICE_SENT: 5, Stage.LAUNCHED: 6, Stage.TRIAGE: 7, Stage.BILATERAL_DIALOGUE: 8,
    Stage.INTERNAL_MEDIATION: 8, Stage.EXTERNAL_MEDIATION: 8, Stage.TERMINATED: 9, Stage.MONITORING: 10,
    Stage.CLOSED: 11,
}
RELEASE_STAGES = tuple(stage for stage in Stage if stage in _MAIN_LINE and stage is not Stage.RECEIVED)


def stage_reached(current: Stage, target: Stage) -> bool:
    """Whether a case at `current` has reached `target` (the same stage, or later on the main line)."""
    if current is target:
        return True
    return current in _MAIN_LINE and target in _MAIN_LINE and _MAIN_LINE[current] >= _MAIN_LINE[target]


def release_stage_problem(stage: Stage, current: Stage) -> str | None:
    """Why `stage` cannot end a confidentiality duration for a case at `current`, or None."""
    if stage not in RELEASE_STAGES:
        return (f"a duration ends at a stage of the procedure's course: {', '.join(s.value for s in RELEASE_STAGES)}"
                f" (not {stage.value})")
    if stage_reached(current, stage):
        return f"the case is already at stage {current.value}, at or after {stage.value}"
    return None


def requests_in(refs: Iterable[ItemRef], withheld: Withholding) -> list[Ground]:
    """The grounds under which any of `refs` is withheld (e.g. every exhibit of a list), once each."""
    return sorted({g for ref in refs if (g := withheld.ground(ref)) is not None})
