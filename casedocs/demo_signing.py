"""The demo's paperwork, sealed and signed: what a secretariat would issue for the sample cases.

Every instrument the secretariat issues is sealed in zh and en; what the course delivered to a side is
also sealed for that side (its own rendering, casedocs.services.delivering); the agreement is co-signed by
two signatories per side and frozen; the closure report carries the two monitoring updates.
The passphrases are the demo's own, printed by the demo: never use them for real keys.
"""
from __future__ import annotations

import hashlib
from pathlib import Path
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from casedocs.app import App
from casedocs.services import cosigning, delivering, enrolment, issuing, monitoring
from casedocs.services.desk import Desk, latest, pki_dir
from casedocs.services.rendering import Progress, file_name, write_manifest, write_paperwork, write_rendered
from casedocs.services.verification import verify_pdf
from cases.confidentiality.audiences import Audience
from cases.errors import CaseError
from cases.instruments import InstrumentId, get_instrument, subject_text
from cases.models import Case, SignedDocument
from cases.vocabulary import SideRole, SignerRole
from docgen.locale import Edition
from docgen.service import FORMATS, Rendered, Request

DEMO_SECRETARIAT_PASSPHRASE = "demo secretariat passphrase — not for real keys"
SIGNED_EDITIONS = (Edition.ZH, Edition.EN)
SIGNATORIES = {SideRole.APPLICANT: [(SignerRole.REPRESENTATIVE, "Jean-Pierre Mwamba"),
                                    (SignerRole.REPRESENTATIVE, "Esther Ilunga")],
               SideRole.RESPONDENT: [(SignerRole.MEMBER, "李强 (legal representative, 华钴精炼有限公司)"),
                                     (SignerRole.AGENT, "张伟 (Zhang Wei)")]}
MONITOR = "Secretariat monitoring officer Li Na"


def person_passphrase(name: str) -> str:
    return f"demo passphrase of {name}"


def write_signed_paperwork(app: App, numbers: list[str], out: Path,
                           progress: Progress | None = None) -> dict[str, Any]:
    """Render, seal, co-sign and append; return the manifest (signed PDFs marked "signed": true)."""
    app.init(DEMO_SECRETARIAT_PASSPHRASE)
    desk = app.desk(DEMO_SECRETARIAT_PASSPHRASE, actor="demo officer")
    sealed: list[tuple[int, Path, str, Rendered]] = []
    with app.documents(actor="demo officer") as (proc, docs):
        cases = [proc.get_case(n) for n in numbers]
        _enrol(desk, proc.session, cases[0])

        def seal_case(case: Case, results: list[Rendered], folder: Path) -> list[dict[str, object]]:
            for rendered in results:
                if rendered.request.edition in SIGNED_EDITIONS and \
                        get_instrument(rendered.request.instrument).issued_by_secretariat:
                    document = issuing.seal_rendered(desk, proc.session, case, rendered)
                    sealed.append((document.id, folder, case.number, rendered))
            # What the course delivered to a side reached it as the side's own rendering, sealed for it
            # (issue 11): issued here through the delivery service, as `casedocs deliver` does.
            for file in delivering.seal_delivered(desk, proc.session, docs, case, SIGNED_EDITIONS):
                if file.rendered is not None:
                    sealed.append((file.document, folder / file.audience.value, case.number, file.rendered))
            return []

        manifest = write_paperwork(docs, cases, out, after_case=seal_case, progress=progress)
    _cosign_and_monitor(app, desk, numbers[0])
    manifest["documents"] += _after_freeze(app, numbers[0], out)
    sealed += _publish(app, desk, numbers[0], out)
    for document_id, folder, number, rendered in sealed:
        manifest["documents"].append(_signed_entry(app, desk, out, document_id, folder, number, rendered))
    (out / "ca.pem").write_bytes((pki_dir(app.settings.data_dir) / "ca" / "root.pem").read_bytes())
    write_manifest(out, manifest)
    return manifest


def _after_freeze(app: App, number: str, out: Path) -> list[dict[str, object]]:
    """The instruments that apply only once the agreement is frozen (the signing record, 签署记录), in
    every edition and format like the rest of the paperwork; their sealed copies for the sides were
    issued by the freeze itself (cosigning.sign with a rendering)."""
    entries: list[dict[str, object]] = []
    with app.documents(actor="demo officer") as (proc, docs):
        case = proc.get_case(number)
        requests = [r for r in docs.requests_for(case) if r.instrument in AFTER_FREEZE]
        for rendered in docs.render_many(case, requests, FORMATS):
            entries += write_rendered(out, Path(number), number, rendered)
    return entries


AFTER_FREEZE = (InstrumentId.SIGNING_RECORD.value,)


# What the secretariat publishes of a case (PROCEDURE.md §4, 第四章第四节): its summary and its closure
# report, each rendered for the public (no natural person named, nothing withheld from the public) and
# sealed: the demo's register then lists the sample case with both to download.
PUBLISHED = ("case_summary", "closure_report")


def _publish(app: App, desk: Desk, number: str, out: Path) -> list[tuple[int, Path, str, Rendered]]:
    published = []
    with app.documents(actor="demo officer") as (proc, docs):
        case = proc.get_case(number)
        for instrument in PUBLISHED:
            for edition in SIGNED_EDITIONS:
                rendered = docs.render(case, Request(instrument, edition, None, audience=Audience.PUBLIC), ["pdf"])
                document = issuing.seal_rendered(desk, proc.session, case, rendered)
                published.append((document.id, Path(number) / "public", number, rendered))
    return published


def _enrol(desk: Desk, session: Session, case: Case) -> None:
    if any(enrolment.signers(session, case).values()):
        return
    for side, people in SIGNATORIES.items():
        for role, name in people:
            enrolment.enrol(desk, session, case, side, role, name, person_passphrase(name))
    if not enrolment.monitors(session):
        enrolment.enrol(desk, session, None, None, SignerRole.MONITOR, MONITOR, person_passphrase(MONITOR))


def _cosign_and_monitor(app: App, desk: Desk, number: str) -> None:
    """Both sides co-sign the agreement (respondent's signatories first: order does not matter),
    then each monitoring update of the record is appended to the closure reports."""
    with app.procedure() as proc:
        case = proc.get_case(number)
        agreements = list(proc.session.scalars(select(SignedDocument.id).where(
            SignedDocument.case_id == case.id, SignedDocument.instrument == "agreement")))
        signers = [(s.person_id, s.name) for people in enrolment.signers(proc.session, case).values() for s in people]
        updates = [u.id for u in case.monitoring_updates]
        monitor = enrolment.monitors(proc.session)[0]
        monitor_id, monitor_name = monitor.person_id, monitor.name
    for document_id in agreements:
        for person_id, name in reversed(signers):
            cosigning.sign(desk, document_id, person_id, person_passphrase(name), rendering=app.rendering())
    for update_id in updates:
        monitoring.append_to_closure_reports(desk, number, update_id, monitor_id,
                                             person_passphrase(monitor_name), rendering=app.rendering())


def _signed_entry(app: App, desk: Desk, out: Path, document_id: int, folder: Path, number: str,
                  rendered: Rendered) -> dict[str, object]:
    data = latest(desk, document_id)
    report = verify_pdf(app.settings.data_dir, data)
    if not report.valid:
        raise CaseError(f"the sealed {rendered.name} of {number} does not verify: {'; '.join(report.reasons)}")
    relative = folder / "signed" / rendered.request.edition.value / file_name(rendered, "pdf")
    (out / relative).parent.mkdir(parents=True, exist_ok=True)
    (out / relative).write_bytes(data)
    return {"case": number, "instrument": rendered.request.instrument,
            "subject": subject_text(rendered.request.subject) or None,
            "lang": rendered.request.edition.value, "format": "pdf", "path": relative.as_posix(),
            "sha256": hashlib.sha256(data).hexdigest(), "version": rendered.version,
            "verification_code": rendered.code, "audience": rendered.request.audience.value, "signed": True,
            "document": document_id,
            "signatures": len(report.signatures), "frozen": report.frozen}
