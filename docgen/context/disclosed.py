"""What one rendering may print of a case: every free text, name, address, contact and exhibit an
instrument prints passes here, through the `Disclosure` of the rendering's audience (issue 11).

第六章第2.2条: information under a confidentiality request is not disclosed to the audiences it names, from
the moment the request is received; a withheld item prints a visible placeholder naming the decision (or
the pending request) and nothing of the item. 第六章第1.1条: the public rendering identifies no natural
person. Free text prints in the edition's language where a translation exists, else the original marked
as such (translations are records: cases.confidentiality.translations).

`scrub` is the last net: after the context is built, any withheld value still found in any string of it
(an audit event quoting a name, a title made of the members' names) is replaced by its placeholder.
"""
from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING, Any

from cases.confidentiality.audiences import Audience
from cases.confidentiality.disclosure import Disclosure
from cases.confidentiality.items import IdentityRole, ItemRef, TextPart
from cases.confidentiality.translations import versions
from cases.confidentiality.withholding import withheld_word, withholding
from cases.vocabulary import SideRole
from docgen.locale import Localizer

if TYPE_CHECKING:
    from cases.models import Case, Side


def secretariat_view(case: Case, on: date) -> Disclosure:
    """The secretariat's view without the record's translations (no session): everything shown, free text as
    written. What a ContextBuilder uses when given no Disclosure (template checks, the stand-in context)."""
    return Disclosure(case, withholding(case, Audience.SECRETARIAT, on), versions(case, []))


class Shown:
    """One audience's view of a case, formatted for one language part (zh, zh-Hant or en)."""

    def __init__(self, view: Disclosure, loc: Localizer) -> None:
        self.view = view
        self.loc = loc

    @property
    def case(self) -> Case:
        return self.view.case

    def free(self, ref: ItemRef) -> str:
        """A free text: the edition's version, the marked original, or the placeholder."""
        return self.loc.text(self.view.text(ref, self.loc.lang).text)

    def placeholder(self, ref: ItemRef) -> str | None:
        ground = self.view.ground(ref)
        return None if ground is None else ground.placeholder(self.loc.lang)

    def name(self, ref: ItemRef, value: str) -> str:
        """A name as entered (never converted), or the placeholder."""
        return self.view.value(ref, value, self.loc.lang)

    def detail(self, ref: ItemRef, value: str) -> str:
        """An address, a contact, an organisation: as entered, or "withheld" when there is one to withhold
        (the name's line already names the decision)."""
        if not value or self.view.ground(ref) is None:
            return value
        return withheld_word(self.loc.lang)

    def member_label(self, side: Side, index: int) -> str:
        """A member in a list of names or a salutation: the name, or its category and the placeholder."""
        member = side.members[index]
        ref = ItemRef.identity(side.role, index)
        shown = self.placeholder(ref)
        return member.full_name if shown is None else f"{self.loc.label(member.category)}{shown}"

    def member_addressed(self, side: Side, index: int) -> str:
        """A member as an addressee names it: the name, or its category (as Disclosure.side_name does)."""
        member = side.members[index]
        return member.full_name if self.view.ground(ItemRef.identity(side.role, index)) is None \
            else self.loc.label(member.category)

    def person(self, side: SideRole, role: IdentityRole, name: str) -> str:
        """A signatory's name: the identity of `side` it is (matched by name), withheld or not."""
        found = self.identity_of(side, role, name)
        return name if found is None else self.name(found, name)

    def identity_of(self, side: SideRole, role: IdentityRole, name: str) -> ItemRef | None:
        record = self.case.side(side)
        people = [m.full_name for m in record.members] if role is IdentityRole.MEMBER else \
            [a.name for a in record.agents] if role is IdentityRole.AGENT else [r.name for r in record.representatives]
        return ItemRef.identity(side, people.index(name), role) if name in people else None

    def claim(self, index: int, part: TextPart) -> str:
        return self.free(ItemRef.claim(index, part))

    def exhibit(self, index: int, title: str, file: str) -> tuple[str, str, bool]:
        """(title, file name, withheld): a withheld exhibit keeps its number, its title is the placeholder and
        its file name "withheld"."""
        ref = ItemRef.exhibit(index)
        shown = self.placeholder(ref)
        if shown is None:
            return self.loc.text(title), file, False
        return shown, self.view.listed(ref, file, self.loc.lang), True

    def title(self) -> str:
        return self.loc.text(self.view.title(self.loc.lang))

    # -- the last net ---------------------------------------------------------------------------------

    def scrub(self, data: Any) -> Any:
        """`data` (a context as plain data) with every withheld value replaced by its placeholder, as
        entered and in this language part's script (Traditional characters for zh-Hant)."""
        return self.view.scrub(data, self.loc.lang, self.loc.text)
