"""What a confidentiality request can name: `ItemRef`, one concrete item of the case record.

第六章第2.1条: a request states "请求保密的信息的具体内容" — the concrete information, not only a
description of it. An item is named by a typed reference whose one text form exists only at the
edges (the import schema, `case act`, the command line, the database), like `Subject`:

    exhibit:1                      the case's exhibit 1 (counted from 0, in the case's own list)
    identity:applicant:2           the applicant's member 2: name, address, contact
    identity:respondent:agent:0    the respondent's agent 0 (identity:SIDE:representative:N likewise)
    claim:0                        claim 0 and its reasons; claim:0.reasons only the reasons
    field:facts                    a free-text field of the record (`RecordField`)
    statement:objection:0          objection 0's statement and evidence (…​.statement / ….evidence);
                                   statement:recusal:0 the reasons of recusal request 0,
                                   statement:confidentiality:0 confidentiality request 0's texts: its
                                   ….reasons, the ….information it describes and its ….duration
    obligation:0                   obligation 0 of the agreement (….description / ….indicators)
    monitoring:0                   the text of monitoring update 0 (monitoring evidence)
    decision:objection:0           the reasons of the decision on objection 0 (decision:recusal:N,
                                   decision:confidentiality:N likewise: texts the secretariat writes;
                                   decision:confidentiality:N.information / ….duration what it decided)
    extension:0                    the reason of extension 0 (the case's extensions in the order made)
    supplement:0                   the materials supplement request 0 asks for
    switch:0                       the reason of path switch 0 (the path periods after the first, in order)
    tool:0                         tool 0's scope and findings (….scope / ….findings)
    field:triage.reasoning         the reasoning of the triage recommendation

Inside, code passes `ItemRef` values and never takes text apart. Whether the item exists is checked
against a case (`check_items`), with an error that names the item and what the case has.
"""
from __future__ import annotations

import re
from collections.abc import Iterable
from typing import TYPE_CHECKING, Any

from pydantic import GetCoreSchemaHandler
from pydantic_core import core_schema
from sqlalchemy import JSON, String, TypeDecorator

from cases.errors import InvalidInputError
from cases.vocabulary import Labelled, SideRole, _labels

if TYPE_CHECKING:
    from cases.models import Case


class ItemKind(Labelled):
    """What kind of item a reference names; the value is the first word of its text."""

    EXHIBIT = "exhibit"
    IDENTITY = "identity"
    CLAIM = "claim"
    FIELD = "field"
    STATEMENT = "statement"
    OBLIGATION = "obligation"
    MONITORING = "monitoring"
    DECISION = "decision"
    TOOL = "tool"
    EXTENSION = "extension"
    SUPPLEMENT = "supplement"
    SWITCH = "switch"


_labels(ItemKind, {
    "exhibit": ("证据材料", "Exhibit"), "identity": ("身份信息", "Identity"), "claim": ("诉求及理由", "Claim"),
    "field": ("记录字段", "Field"), "statement": ("陈述", "Statement"), "obligation": ("方案义务", "Obligation"),
    "monitoring": ("监测信息", "Monitoring evidence"), "decision": ("决定理由", "Decision reasons"),
    "tool": ("程序工具", "Tool"), "extension": ("期限延长", "Extension"), "supplement": ("补充材料要求", "Supplement request"),
    "switch": ("路径转换", "Path switch"),
})


class IdentityRole(Labelled):
    """Whose identity within a side (第三章第1条: members, agents, representatives)."""

    MEMBER = "member"
    AGENT = "agent"
    REPRESENTATIVE = "representative"


_labels(IdentityRole, {"member": ("主体", "member"), "agent": ("代理人", "agent"),
                       "representative": ("代表人", "representative")})


class StatementOf(Labelled):
    """The records whose statements may be withheld: an objection (statement and evidence, 第六章第3.2条),
    a recusal request (its reasons, 第六章第6.1条) and a confidentiality request (its reasons, 第六章第2.1条)."""

    OBJECTION = "objection"
    RECUSAL = "recusal"
    CONFIDENTIALITY = "confidentiality"


_labels(StatementOf, {"objection": ("异议", "objection"), "recusal": ("回避申请", "recusal request"),
                      "confidentiality": ("保密请求", "confidentiality request")})


class DecisionOf(Labelled):
    """The decisions whose reasons the secretariat writes as free text and an instrument prints: on an
    objection (第六章第3.3条), a recusal request (第六章第6.2条) and a confidentiality request (第六章第2.2条)."""

    OBJECTION = "objection"
    RECUSAL = "recusal"
    CONFIDENTIALITY = "confidentiality"


_labels(DecisionOf, {"objection": ("异议", "objection"), "recusal": ("回避申请", "recusal request"),
                     "confidentiality": ("保密请求", "confidentiality request")})


class TextPart(Labelled):
    """One text of an item that has several (a claim and its reasons may be withheld apart)."""

    CLAIM = "claim"
    REASONS = "reasons"
    STATEMENT = "statement"
    EVIDENCE = "evidence"
    DESCRIPTION = "description"
    INDICATORS = "indicators"
    SCOPE = "scope"
    FINDINGS = "findings"
    INFORMATION = "information"
    DURATION = "duration"


_labels(TextPart, {"claim": ("诉求", "claim"), "reasons": ("理由", "reasons"), "statement": ("陈述", "statement"),
                   "evidence": ("证据", "evidence"), "description": ("内容", "description"),
                   "indicators": ("指标", "indicators"), "scope": ("范围", "scope"),
                   "findings": ("结论", "findings"), "information": ("保密信息", "information"),
                   "duration": ("保密期限", "duration")})


class RecordField(Labelled):
    """The free-text fields of the record that are not in a list: the case's own, the agreement's
    recommended elements (第四章第四节第1条) and the closure report's sections (第四章第四节第3条)."""

    FACTS = "facts"
    PRELIMINARY_RESPONSE = "preliminary_response"
    REJECTION_GROUNDS = "rejection_grounds"
    TERMINATION_STATEMENT = "termination_statement"
    PUBLIC_SUMMARY = "public_summary"
    AGREEMENT_POINTS = "agreement.points_in_dispute"
    AGREEMENT_STAKEHOLDERS = "agreement.stakeholders"
    AGREEMENT_STANDARDS = "agreement.standards_and_clauses"
    AGREEMENT_PROCESS = "agreement.process_and_consensus"
    AGREEMENT_FEEDBACK = "agreement.feedback_plan"
    AGREEMENT_DISCLOSURE = "agreement.disclosure_plan"
    AGREEMENT_COMMUNICATION = "agreement.communication_plan"
    AGREEMENT_OTHER = "agreement.other_terms"
    CLOSURE_POINTS = "closure.points_in_dispute"
    CLOSURE_COURSE = "closure.course_of_process"
    CLOSURE_FACTS = "closure.facts_established"
    CLOSURE_RECOMMENDATIONS = "closure.recommendations"
    TRIAGE_REASONING = "triage.reasoning"

    @property
    def owner(self) -> str:
        """Which record holds it: "case", "agreement", "closure" or "triage"."""
        return _FIELD_PLACES[self][0]

    @property
    def attribute(self) -> str:
        """The attribute of that record (cases.models) that holds the text."""
        return _FIELD_PLACES[self][1]


_labels(RecordField, {
    "facts": ("事实", "facts"), "preliminary_response": ("初步答复", "preliminary response"),
    "rejection_grounds": ("驳回理由", "grounds of rejection"),
    "termination_statement": ("终结说明", "termination statement"), "public_summary": ("公开摘要", "public summary"),
    "agreement.points_in_dispute": ("方案：争议要点", "agreement: points in dispute"),
    "agreement.stakeholders": ("方案：利益相关方", "agreement: stakeholders"),
    "agreement.standards_and_clauses": ("方案：适用标准", "agreement: standards and clauses"),
    "agreement.process_and_consensus": ("方案：过程与共识", "agreement: process and consensus"),
    "agreement.feedback_plan": ("方案：反馈安排", "agreement: feedback plan"),
    "agreement.disclosure_plan": ("方案：信息披露安排", "agreement: disclosure plan"),
    "agreement.communication_plan": ("方案：沟通安排", "agreement: communication plan"),
    "agreement.other_terms": ("方案：其他条款", "agreement: other terms"),
    "closure.points_in_dispute": ("结案报告：争议要点", "closure report: points in dispute"),
    "closure.course_of_process": ("结案报告：处理过程", "closure report: course of the process"),
    "closure.facts_established": ("结案报告：查明事实", "closure report: facts established"),
    "closure.recommendations": ("结案报告：建议", "closure report: recommendations"),
    "triage.reasoning": ("分流建议的理由", "reasoning of the triage recommendation"),
})

_FIELD_PLACES: dict[RecordField, tuple[str, str]] = {
    RecordField.FACTS: ("case", "facts"), RecordField.PRELIMINARY_RESPONSE: ("case", "preliminary_response"),
    RecordField.REJECTION_GROUNDS: ("case", "rejection_grounds"),
    RecordField.TERMINATION_STATEMENT: ("case", "termination_statement"),
    RecordField.PUBLIC_SUMMARY: ("case", "public_summary"),
    RecordField.AGREEMENT_POINTS: ("agreement", "points_in_dispute"),
    RecordField.AGREEMENT_STAKEHOLDERS: ("agreement", "stakeholders"),
    RecordField.AGREEMENT_STANDARDS: ("agreement", "standards_and_clauses"),
    RecordField.AGREEMENT_PROCESS: ("agreement", "process_and_consensus"),
    RecordField.AGREEMENT_FEEDBACK: ("agreement", "feedback_plan"),
    RecordField.AGREEMENT_DISCLOSURE: ("agreement", "disclosure_plan"),
    RecordField.AGREEMENT_COMMUNICATION: ("agreement", "communication_plan"),
    RecordField.AGREEMENT_OTHER: ("agreement", "other_terms"),
    RecordField.CLOSURE_POINTS: ("closure", "points_in_dispute"),
    RecordField.CLOSURE_COURSE: ("closure", "course_of_process"),
    RecordField.CLOSURE_FACTS: ("closure", "facts_established"),
    RecordField.CLOSURE_RECOMMENDATIONS: ("closure", "recommendations"),
    RecordField.TRIAGE_REASONING: ("triage", "reasoning"),
}
assert _FIELD_PLACES.keys() == set(RecordField)

# The parts each kind has (an item without a part is the whole item).
_PARTS: dict[tuple[ItemKind, StatementOf | DecisionOf | None], frozenset[TextPart]] = {
    (ItemKind.CLAIM, None): frozenset({TextPart.CLAIM, TextPart.REASONS}),
    (ItemKind.STATEMENT, StatementOf.OBJECTION): frozenset({TextPart.STATEMENT, TextPart.EVIDENCE}),
    (ItemKind.OBLIGATION, None): frozenset({TextPart.DESCRIPTION, TextPart.INDICATORS}),
    (ItemKind.TOOL, None): frozenset({TextPart.SCOPE, TextPart.FINDINGS}),
    # 第六章第2.1条: a request states its reasons, the information it concerns and how long; 第2.2条: the decision
    # states the same as decided. What the information is may itself tell what is to be kept (a witness's name).
    (ItemKind.STATEMENT, StatementOf.CONFIDENTIALITY): frozenset({TextPart.REASONS, TextPart.INFORMATION,
                                                                  TextPart.DURATION}),
    (ItemKind.DECISION, DecisionOf.CONFIDENTIALITY): frozenset({TextPart.REASONS, TextPart.INFORMATION,
                                                                TextPart.DURATION}),
}

_INDEX = r"(0|[1-9][0-9]{0,9})"
_PART = r"(?:\.([a-z]+))?"
_GRAMMAR: dict[ItemKind, re.Pattern[str]] = {
    ItemKind.EXHIBIT: re.compile(rf"exhibit:{_INDEX}"),
    ItemKind.IDENTITY: re.compile(rf"identity:([a-z]+):(?:([a-z]+):)?{_INDEX}"),
    ItemKind.CLAIM: re.compile(rf"claim:{_INDEX}{_PART}"),
    ItemKind.FIELD: re.compile(r"field:([a-z_.]+)"),
    ItemKind.STATEMENT: re.compile(rf"statement:([a-z]+):{_INDEX}{_PART}"),
    ItemKind.OBLIGATION: re.compile(rf"obligation:{_INDEX}{_PART}"),
    ItemKind.MONITORING: re.compile(rf"monitoring:{_INDEX}"),
    ItemKind.DECISION: re.compile(rf"decision:([a-z]+):{_INDEX}{_PART}"),
    ItemKind.TOOL: re.compile(rf"tool:{_INDEX}{_PART}"),
    ItemKind.EXTENSION: re.compile(rf"extension:{_INDEX}"),
    ItemKind.SUPPLEMENT: re.compile(rf"supplement:{_INDEX}"),
    ItemKind.SWITCH: re.compile(rf"switch:{_INDEX}"),
}
_EXAMPLES = "exhibit:1, identity:applicant:2, identity:respondent:agent:0, claim:0, claim:0.reasons, field:facts, " \
            "statement:objection:0, obligation:1, monitoring:0, decision:objection:0, tool:0.findings, " \
            "field:triage.reasoning, decision:confidentiality:0.information, extension:0, supplement:0, " \
            "switch:0"
MAX_INDEX = 2**31 - 1
_HEAD = re.compile(r"[a-z]+(?=:)")


def _enum(cls: type[Labelled], raw: str, text: str, what: str) -> Any:
    try:
        return cls(raw)
    except ValueError:
        valid = ", ".join(m.value for m in cls)
        raise InvalidInputError(f"item {text!r}: unknown {what} {raw!r}; valid: {valid}") from None


class ItemRef:
    """One concrete item of a case record. Immutable; equal, hashed and ordered by its canonical text.

    Not a dataclass on purpose: the forms generated from action signatures (casedocs.services.forms)
    take a list of these as lines of text, one reference per line.
    """

    __slots__ = ("kind", "index", "side", "role", "of", "field", "part", "_text")
    kind: ItemKind
    index: int | None
    side: SideRole | None
    role: IdentityRole | None
    of: StatementOf | DecisionOf | None  # a statement's record (StatementOf), a decision's (DecisionOf)
    field: RecordField | None
    part: TextPart | None
    _text: str

    def __init__(self, kind: ItemKind, *, index: int | None = None, side: SideRole | None = None,
                 role: IdentityRole | None = None, of: StatementOf | DecisionOf | None = None,
                 field: RecordField | None = None, part: TextPart | None = None) -> None:
        needs_index = kind is not ItemKind.FIELD
        if needs_index != (index is not None):
            raise InvalidInputError(f"a reference to {kind.value} {'needs' if needs_index else 'takes no'} index")
        if index is not None and (isinstance(index, bool) or not isinstance(index, int) or not 0 <= index <= MAX_INDEX):
            raise InvalidInputError(f"an item's index is a whole number from 0, not {index!r}")
        if (kind is ItemKind.IDENTITY) != (side is not None) or (kind is ItemKind.IDENTITY) != (role is not None):
            raise InvalidInputError("an identity names a side and a role (member, agent, representative)")
        of_type = {ItemKind.STATEMENT: StatementOf, ItemKind.DECISION: DecisionOf}.get(kind)
        if (of_type is None) != (of is None) or (of_type is not None and not isinstance(of, of_type)) \
                or (kind is ItemKind.FIELD) != (field is not None):
            raise InvalidInputError(f"malformed reference to {kind.value}")
        if part is not None and part not in _PARTS.get((kind, of), frozenset()):
            parts = ", ".join(sorted(p.value for p in _PARTS.get((kind, of), frozenset()))) or "none"
            raise InvalidInputError(f"{kind.value}{':' + of.value if of else ''} has no part {part.value!r}; "
                                    f"parts: {parts}")
        for name, value in (("kind", kind), ("index", index), ("side", side), ("role", role), ("of", of),
                            ("field", field), ("part", part)):
            object.__setattr__(self, name, value)
        object.__setattr__(self, "_text", self._render())

    # -- constructors -------------------------------------------------------------------------

    @classmethod
    def exhibit(cls, index: int) -> ItemRef:
        return cls(ItemKind.EXHIBIT, index=index)

    @classmethod
    def identity(cls, side: SideRole, index: int, role: IdentityRole = IdentityRole.MEMBER) -> ItemRef:
        return cls(ItemKind.IDENTITY, index=index, side=side, role=role)

    @classmethod
    def claim(cls, index: int, part: TextPart | None = None) -> ItemRef:
        return cls(ItemKind.CLAIM, index=index, part=part)

    @classmethod
    def record_field(cls, field: RecordField) -> ItemRef:
        return cls(ItemKind.FIELD, field=field)

    @classmethod
    def statement(cls, of: StatementOf, index: int, part: TextPart | None = None) -> ItemRef:
        return cls(ItemKind.STATEMENT, index=index, of=of, part=part)

    @classmethod
    def obligation(cls, index: int, part: TextPart | None = None) -> ItemRef:
        return cls(ItemKind.OBLIGATION, index=index, part=part)

    @classmethod
    def monitoring(cls, index: int) -> ItemRef:
        return cls(ItemKind.MONITORING, index=index)

    @classmethod
    def decision(cls, of: DecisionOf, index: int, part: TextPart | None = None) -> ItemRef:
        return cls(ItemKind.DECISION, index=index, of=of, part=part)

    @classmethod
    def tool(cls, index: int, part: TextPart | None = None) -> ItemRef:
        return cls(ItemKind.TOOL, index=index, part=part)

    @classmethod
    def extension(cls, index: int) -> ItemRef:
        return cls(ItemKind.EXTENSION, index=index)

    @classmethod
    def supplement(cls, index: int) -> ItemRef:
        return cls(ItemKind.SUPPLEMENT, index=index)

    @classmethod
    def switch(cls, index: int) -> ItemRef:
        return cls(ItemKind.SWITCH, index=index)

    @classmethod
    def parse(cls, text: str) -> ItemRef:
        """The item `text` names ("exhibit:1", "identity:applicant:2", "claim:0.reasons"...), or a clear error."""
        if not isinstance(text, str):
            raise InvalidInputError(f"an item is text such as exhibit:1, not {text!r}")
        text = text.strip()
        head = _HEAD.match(text)  # the kind word only, to say what was meant
        try:
            kind = ItemKind(head.group(0) if head else text)
        except ValueError:
            raise InvalidInputError(f"unknown item {text!r}: an item is one of {_EXAMPLES}") from None
        match = _GRAMMAR[kind].fullmatch(text)
        if match is None:
            raise InvalidInputError(f"malformed item {text!r}; examples: {_EXAMPLES}")
        groups = match.groups()
        if kind is ItemKind.IDENTITY:
            side = _enum(SideRole, groups[0], text, "side")
            role = _enum(IdentityRole, groups[1], text, "role") if groups[1] else IdentityRole.MEMBER
            return cls.identity(side, int(groups[2]), role)
        if kind is ItemKind.FIELD:
            return cls.record_field(_enum(RecordField, groups[0], text, "field"))
        if kind is ItemKind.STATEMENT:
            of = _enum(StatementOf, groups[0], text, "statement of")
            part = _enum(TextPart, groups[2], text, "part") if groups[2] else None
            return cls(kind, index=int(groups[1]), of=of, part=part)
        if kind is ItemKind.DECISION:
            part = _enum(TextPart, groups[2], text, "part") if groups[2] else None
            return cls.decision(_enum(DecisionOf, groups[0], text, "decision on"), int(groups[1]), part)
        part = _enum(TextPart, groups[1], text, "part") if len(groups) > 1 and groups[1] else None
        return cls(kind, index=int(groups[0]), part=part)

    # -- relations ----------------------------------------------------------------------------

    @property
    def whole(self) -> ItemRef:
        """The whole item (itself when it names no part)."""
        if self.part is None:
            return self
        return ItemRef(self.kind, index=self.index, side=self.side, role=self.role, of=self.of, field=self.field)

    def covers(self, other: ItemRef) -> bool:
        """Whether withholding this item withholds `other`: the same item, or a part of this whole item."""
        return self == other or (self.part is None and other.whole == self)

    def with_index(self, index: int) -> ItemRef:
        """The same kind of reference at another index (an import's own list mapped onto the case's)."""
        return ItemRef(self.kind, index=index, side=self.side, role=self.role, of=self.of, field=self.field,
                       part=self.part)

    def label(self, lang: str) -> str:
        """What item this is, for a person ("reasons of claim 2" / "诉求2的理由"), numbered from 1 as
        instruments number their lists. Says nothing of the item's content."""
        zh = lang.startswith("zh")
        if self.field is not None:
            return self.field.zh if zh else self.field.en
        what = self._kind_words(zh)
        number = "" if self.index is None else (f"{self.index + 1}" if zh else f" {self.index + 1}")
        named = f"{what}{number}"
        if self.kind is ItemKind.DECISION and self.part is not None:
            return f"对{named}的决定中的{self.part.zh}" if zh else f"{self.part.en} of the decision on {named}"
        if self.kind is ItemKind.DECISION:
            return f"对{named}的决定理由" if zh else f"reasons for the decision on {named}"
        if self.kind in (ItemKind.EXTENSION, ItemKind.SWITCH):
            return f"{named}的理由" if zh else f"reason for {named}"
        if self.part is None or (self.kind is ItemKind.CLAIM and self.part is TextPart.CLAIM):
            return named
        return f"{named}的{self.part.zh}" if zh else f"{self.part.en} of {named}"

    def _kind_words(self, zh: bool) -> str:
        if self.side is not None and self.role is not None:
            return f"{self.side.zh}{self.role.zh}" if zh else f"{self.side.en.lower()}'s {self.role.en}"
        if self.of is not None:
            return self.of.zh if zh else self.of.en
        if self.kind is ItemKind.CLAIM:
            return "诉求" if zh else "claim"
        if self.kind is ItemKind.MONITORING:
            return "监测更新" if zh else "monitoring update"
        if self.kind is ItemKind.TOOL:
            return "程序工具" if zh else "tool"
        if self.kind is ItemKind.EXTENSION:
            return "期限延长" if zh else "extension"
        if self.kind is ItemKind.SUPPLEMENT:
            return "补充材料要求" if zh else "supplement request"
        if self.kind is ItemKind.SWITCH:
            return "路径转换" if zh else "path switch"
        return self.kind.zh if zh else self.kind.en.lower()

    # -- value semantics ----------------------------------------------------------------------

    def _render(self) -> str:
        if self.kind is ItemKind.FIELD:
            assert self.field is not None
            return f"field:{self.field.value}"
        parts = [self.kind.value]
        if self.side is not None and self.role is not None:
            parts.append(self.side.value)
            if self.role is not IdentityRole.MEMBER:
                parts.append(self.role.value)
        if self.of is not None:
            parts.append(self.of.value)
        text = ":".join([*parts, str(self.index)])
        return text if self.part is None else f"{text}.{self.part.value}"

    def __str__(self) -> str:
        return self._text

    def __repr__(self) -> str:
        return f"ItemRef({self._text!r})"

    def __eq__(self, other: object) -> bool:
        return isinstance(other, ItemRef) and other._text == self._text

    def __hash__(self) -> int:
        return hash(("ItemRef", self._text))

    def __lt__(self, other: ItemRef) -> bool:
        return self._text < other._text

    def __setattr__(self, name: str, value: Any) -> None:
        raise AttributeError("an ItemRef does not change")

    def __reduce__(self) -> tuple[Any, ...]:
        return (ItemRef.parse, (self._text,))

    @classmethod
    def __get_pydantic_core_schema__(cls, source: Any, handler: GetCoreSchemaHandler) -> core_schema.CoreSchema:
        """Pydantic (the import schema, `case act` arguments) reads an item from its text, once, here."""
        def validate(value: Any) -> ItemRef:
            if isinstance(value, ItemRef):
                return value
            try:
                return cls.parse(value)
            except InvalidInputError as error:
                raise ValueError(str(error)) from None

        return core_schema.no_info_plain_validator_function(
            validate, serialization=core_schema.plain_serializer_function_ser_schema(str))

    @classmethod
    def __get_pydantic_json_schema__(cls, schema: core_schema.CoreSchema, handler: Any) -> dict[str, Any]:
        """In a JSON schema (the API's OpenAPI document) an item is a string."""
        return {"type": "string", "description": "an item of the case record",
                "examples": ["exhibit:1", "identity:applicant:2", "field:facts", "claim:0.reasons"]}


def unique(refs: Iterable[ItemRef]) -> list[ItemRef]:
    """The references once each, in the order given."""
    return list(dict.fromkeys(refs))


# -- against a case ---------------------------------------------------------------------------

def _count(case: Case, ref: ItemRef) -> tuple[int, str]:
    """How many items of `ref`'s list the case has, and what the list is called."""
    if ref.kind is ItemKind.EXHIBIT:
        return len(case.exhibits), "exhibits"
    if ref.kind is ItemKind.IDENTITY:
        assert ref.side is not None and ref.role is not None
        side = case.side(ref.side)
        count = len(side.members) if ref.role is IdentityRole.MEMBER else \
            len(side.agents) if ref.role is IdentityRole.AGENT else len(side.representatives)
        return count, f"{ref.role.value}s on the {ref.side.value} side"
    if ref.kind is ItemKind.CLAIM:
        return len(case.claims), "claims"
    if ref.kind is ItemKind.STATEMENT:
        if ref.of is StatementOf.OBJECTION:
            return len(case.objections), "objections"
        if ref.of is StatementOf.CONFIDENTIALITY:
            return len(case.confidentiality_requests), "confidentiality requests"
        return len(case.recusal_requests), "recusal requests"
    if ref.kind is ItemKind.OBLIGATION:
        return (len(case.agreement.obligations) if case.agreement else 0), "obligations in the agreement"
    if ref.kind is ItemKind.DECISION:
        if ref.of is DecisionOf.OBJECTION:
            return len(case.objections), "objections"
        if ref.of is DecisionOf.RECUSAL:
            return len(case.recusal_requests), "recusal requests"
        return len(case.confidentiality_requests), "confidentiality requests"
    if ref.kind is ItemKind.TOOL:
        return len(case.tools), "tools in use"
    if ref.kind is ItemKind.EXTENSION:
        return sum(len(d.extensions) for d in case.deadlines), "extensions"
    if ref.kind is ItemKind.SUPPLEMENT:
        return len(case.supplement_requests), "supplement requests"
    if ref.kind is ItemKind.SWITCH:
        return max(len(case.path_periods) - 1, 0), "path switches"
    return len(case.monitoring_updates), "monitoring updates"


def check_item(case: Case, ref: ItemRef) -> None:
    """Refuse a reference to an item the case does not have, naming the item and what there is."""
    if ref.kind is ItemKind.FIELD:
        assert ref.field is not None
        if ref.field.owner == "agreement" and case.agreement is None:
            raise InvalidInputError(f"{ref}: {case.number} has no agreement yet")
        if ref.field.owner == "closure" and case.closure_report is None:
            raise InvalidInputError(f"{ref}: {case.number} has no closure report yet")
        if ref.field.owner == "triage" and case.triage is None:
            raise InvalidInputError(f"{ref}: {case.number} has no triage recommendation yet")
        return
    count, what = _count(case, ref)
    assert ref.index is not None
    if ref.index >= count:
        if not count:
            raise InvalidInputError(f"{ref}: {case.number} has no {what}")
        raise InvalidInputError(f"{ref}: {case.number} has {count} {what}, counted from 0 "
                                f"({ref.whole.with_index(0)} to {ref.whole.with_index(count - 1)})")


def check_items(case: Case, refs: Iterable[ItemRef]) -> list[ItemRef]:
    """The references once each, every one checked against the case (the first missing one is named)."""
    found = unique(refs)
    for ref in found:
        check_item(case, ref)
    return found


class ItemRefType(TypeDecorator[ItemRef]):
    """One item reference stored as its text (VARCHAR(80))."""

    impl = String(80)
    cache_ok = True

    def process_bind_param(self, value: Any, dialect: Any) -> str | None:
        if value is None:
            return None
        if isinstance(value, ItemRef):
            return str(value)
        raise TypeError(f"an item column takes an ItemRef, not {value!r} (parse text with ItemRef.parse)")

    def process_result_value(self, value: Any, dialect: Any) -> ItemRef | None:
        return None if value is None else ItemRef.parse(value)


class ItemRefList(TypeDecorator[list[ItemRef]]):
    """A list of item references stored as a JSON list of their texts."""

    impl = JSON
    cache_ok = True

    def process_bind_param(self, value: Any, dialect: Any) -> list[str] | None:
        if value is None:
            return None
        if not all(isinstance(ref, ItemRef) for ref in value):
            raise TypeError(f"an item list takes ItemRefs, not {value!r}")
        return [str(ref) for ref in value]

    def process_result_value(self, value: Any, dialect: Any) -> list[ItemRef] | None:
        return None if value is None else [ItemRef.parse(text) for text in value]
