"""Who a rendering or a page is for (`Audience`), and whom a request keeps information from.

A request names its audiences in the procedure's words, relative to the side that asks (第六章第2.1条:
对相对人保密、对参与磋商的专家或机构保密、对任何第三方及公众保密). Every instrument and page is made
for one `Audience`; `withheld_from` turns the former into the latter.

- The secretariat decides the request and must know the information (第六章第2.2条: staff use it only as
  the case requires): it always sees everything, as does the side that asked.
- The public rendering reaches everyone, the other side and the experts included, so whatever is
  withheld from any audience is withheld from the public as well.
- Retaliation-risk assessments, and which persons they concern (第六章第4条), are the secretariat's only.
"""
from __future__ import annotations

from collections.abc import Iterable

from cases.vocabulary import ConfidentialityAudience, Labelled, SideRole, _labels


class Audience(Labelled):
    """Whom an instrument, a page or an API answer is made for."""

    SECRETARIAT = "secretariat"
    APPLICANT = "applicant"
    RESPONDENT = "respondent"
    SUPPORT = "support"  # experts and bodies appointed to the case
    PUBLIC = "public"

    @classmethod
    def of_side(cls, role: SideRole) -> Audience:
        return cls.APPLICANT if role is SideRole.APPLICANT else cls.RESPONDENT

    @property
    def side(self) -> SideRole | None:
        """The side this audience is, if it is one."""
        return {Audience.APPLICANT: SideRole.APPLICANT, Audience.RESPONDENT: SideRole.RESPONDENT}.get(self)

    @property
    def sees_risk_assessments(self) -> bool:
        """Retaliation-risk assessments and the persons they concern: the secretariat only (第六章第4条)."""
        return self is Audience.SECRETARIAT


_labels(Audience, {
    "secretariat": ("秘书处", "Secretariat"), "applicant": ("申请方", "Applicant"),
    "respondent": ("相对方", "Respondent"), "support": ("参与磋商的专家和机构", "Experts and bodies"),
    "public": ("第三方及公众", "Third parties and the public"),
})


def sees_everything(audience: Audience, requested_by: SideRole) -> bool:
    """The secretariat and the side that asked are never kept from what the request protects."""
    return audience is Audience.SECRETARIAT or audience.side is requested_by


def withheld_from(requested_by: SideRole, named: Iterable[str | ConfidentialityAudience]) -> frozenset[Audience]:
    """The audiences a request (or decision) by `requested_by` naming `named` keeps the items from; the public
    whenever it names anyone (the public rendering reaches them all)."""
    audiences: set[Audience] = set()
    for value in named:
        match ConfidentialityAudience(value):
            case ConfidentialityAudience.OTHER_SIDE:
                audiences.add(Audience.of_side(requested_by.other))
            case ConfidentialityAudience.EXPERTS_AND_BODIES:
                audiences.add(Audience.SUPPORT)
            case ConfidentialityAudience.THIRD_PARTIES_AND_PUBLIC:
                audiences.add(Audience.PUBLIC)
    if audiences:
        audiences.add(Audience.PUBLIC)
    return frozenset(audiences)


# Events of the audit chain that tell of retaliation risk: shown in a timeline to the secretariat only.
_SECRETARIAT_ONLY_EVENTS = frozenset({"assess_risk"})


def event_shown(action: str, audience: Audience) -> bool:
    """Whether an event of the case's audit chain may appear in a timeline made for `audience`: an assessment
    of retaliation risk says whom it concerns (第六章第4条), so it is the secretariat's only."""
    return audience is Audience.SECRETARIAT or action not in _SECRETARIAT_ONLY_EVENTS
