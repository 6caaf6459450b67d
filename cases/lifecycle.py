"""Lifecycle states of issued paperwork: document versions and documents under signature.

The values are the strings stored in the case record since the first migration, so
existing rows stay valid; code compares members, never literals.
"""
from __future__ import annotations

from enum import StrEnum


class VersionStage(StrEnum):
    """What one stored revision of a document is: the rendering, or the result of one signing act.

    Revision 0 is the rendering; the seal makes revision 1; each signature, monitoring update or
    freeze appends one more (every revision is kept, write-once).
    """

    RENDERED = "rendered"
    SEALED = "sealed"
    SIGNED = "signed"
    MONITORING = "monitoring"
    FROZEN = "frozen"


class VersionStatus(StrEnum):
    """A draft may be rendered again; an issued version never changes (cases.models refuses it)."""

    DRAFT = "draft"
    ISSUED = "issued"


class DocumentKind(StrEnum):
    """How an issued document is signed after the secretariat's seal (PROCEDURE.md §4).

    The values are those of signing.InstrumentKind, which decides the seal's DocMDP
    permissions; the core cannot import signing, so the issuing service converts by value.
    """

    PLAIN = "plain"                    # sealed, nothing more may be added
    CO_SIGNED = "co_signed"            # sealed with empty fields, one per enrolled signatory
    CLOSURE_REPORT = "closure_report"  # sealed with empty monitoring slots


class DocumentState(StrEnum):
    """Where a document under signature stands.

    SIGNING (co-signed, fields still empty) and SEALED (plain, or a closure report taking
    monitoring updates) are open; FROZEN (archive time-stamp added, PAdES B-LTA) takes nothing
    more; SUPERSEDED was re-issued as a new version (a signer's certificate was revoked before
    they signed) and takes nothing more either.

    FREEZING is no longer written: the last signature and the freeze are now one act (issue 9).
    It is kept so that rows left in it by a killed command of an earlier version still load;
    the next command that touches such a document brings it in line (services.reconcile).
    """

    SIGNING = "signing"
    SEALED = "sealed"
    FREEZING = "freezing"
    FROZEN = "frozen"
    SUPERSEDED = "superseded"

    @property
    def is_open(self) -> bool:
        return self in (DocumentState.SIGNING, DocumentState.SEALED)

    @classmethod
    def opened_for(cls, kind: DocumentKind) -> "DocumentState":
        """The state a freshly sealed document of that kind starts in (and returns to if a freeze fails)."""
        return cls.SIGNING if kind is DocumentKind.CO_SIGNED else cls.SEALED
