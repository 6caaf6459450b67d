"""/verify and /api/v1/verify (issue 13): anyone checks an instrument by its file or by its code.

One real data directory for the module (tests/signing_records.prepare: the demo's cases, the
agreement issued by LibreOffice, sealed and signed by one signatory, the closure reports sealed),
then the tampered documents of the signing tests made from the agreement, a signer revoked after
signing and one who signed after being revoked. Real pyHanko, real SQLite, Flask's test client;
each test comes from its own address, so the limits per address do not leak between tests.
"""
from __future__ import annotations

import dataclasses
import fcntl
import io
import itertools
import json
import re
import time
import datetime as dt
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from click.testing import CliRunner
from flask import Flask
from flask.testing import FlaskClient
from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
from pyhanko.sign.fields import SigSeedSubFilter
from pyhanko.sign.signers import PdfSignatureMetadata, PdfSigner
from sqlalchemy import select

from casedocs.app import App
from casedocs.cli import main
from casedocs.services import enrolment
from casedocs.services.verification import MAX_VERIFY_BYTES, is_public, verifier_slots
from cases.confidentiality.audiences import Audience
from cases.lifecycle import VersionStage, VersionStatus
from cases.models import DocumentVersion
from signing_records import SECRET, SIGNATORY_PASSPHRASE, Prepared, prepare
from signing_support import add_annotation, append_page, flip_byte
from web_support import web_app

CORPUS = Path(__file__).resolve().parent / "corpus" / "pdf"
_addresses = itertools.count(1)


@dataclass(frozen=True)
class Documents:
    prepared: Prepared
    latest: bytes       # the agreement, sealed and signed by applicant-1 (revision 2)
    sealed: bytes       # its revision 1: sealed only
    rendering: bytes    # its revision 0: the unsigned rendering
    code: str
    late_signature: bytes  # signed by applicant-2 after their certificate was revoked
    signer_names: tuple[str, ...]


def _sign_although_revoked(app: App, pdf: bytes, person: str) -> bytes:
    """What someone still holding a revoked key could produce: the key unlocked before the
    revocation, the signature made after it with pyHanko directly, past the desk."""
    desk = app.desk(SECRET)
    credential = desk.pki.unlock_person(person, SIGNATORY_PASSPHRASE)
    enrolment.revoke(desk, person, "key_compromise")
    meta = PdfSignatureMetadata(field_name="sig-applicant-2", md_algorithm="sha256", subfilter=SigSeedSubFilter.PADES)
    return PdfSigner(meta, credential.signer, timestamper=desk.env.timestamper).sign_pdf(
        IncrementalPdfFileWriter(io.BytesIO(pdf)), existing_fields_only=True).getvalue()


@pytest.fixture(scope="module")
def documents(tmp_path_factory: pytest.TempPathFactory) -> Documents:
    prepared = prepare(tmp_path_factory.mktemp("verify") / "data")
    with App(prepared.settings()) as app:
        with app.db.session() as session:
            rows = list(session.scalars(select(DocumentVersion).where(
                DocumentVersion.instrument == "agreement", DocumentVersion.format == "pdf")
                .order_by(DocumentVersion.revision)))
            rendering, sealed, latest = (app.store.get(row.sha256) for row in rows)
            code = rows[-1].verification_code
        applicant_1, applicant_2 = prepared.signatories[:2]
        desk = app.desk(SECRET)
        late = _sign_although_revoked(app, latest, applicant_2)
        time.sleep(1.01 - dt.datetime.now(dt.timezone.utc).microsecond / 1e6)  # CRLs date to the second
        enrolment.revoke(desk, applicant_1, "affiliation_changed")  # after signing: stays valid
    return Documents(prepared, latest, sealed, rendering, code, late,
                     ("Applicant signatory 1", "Applicant signatory 2", "Respondent signatory 1"))


@pytest.fixture(scope="module")
def app(documents: Documents) -> Iterator[Flask]:
    settings = dataclasses.replace(documents.prepared.settings(), secure_cookies=False)
    with web_app(settings, start_jobs=False) as flask_app:
        yield flask_app


def client(app: Flask, language: str = "en") -> FlaskClient:
    """A visitor from an address of their own, reading in `language`."""
    visitor = app.test_client()
    n = next(_addresses)
    visitor.environ_base.update({"REMOTE_ADDR": f"10.13.{n // 250}.{n % 250 + 1}",
                                 "HTTP_ACCEPT_LANGUAGE": language})
    return visitor


def upload_page(visitor: FlaskClient, data: bytes, name: str = "document.pdf") -> tuple[int, str]:
    answer = visitor.post("/verify", data={"file": (io.BytesIO(data), name)}, content_type="multipart/form-data")
    return answer.status_code, answer.get_data(as_text=True)


def upload_api(visitor: FlaskClient, data: bytes, name: str = "document.pdf") -> tuple[int, dict]:
    answer = visitor.post("/api/v1/verify", data={"file": (io.BytesIO(data), name)},
                          content_type="multipart/form-data")
    return answer.status_code, answer.get_json()


def shown(html: str, attribute: str) -> str:
    found = re.search(rf'data-{attribute}="([a-z]*)"', html)
    assert found, f"no data-{attribute} on the page"
    return found.group(1)


def test_the_form_opens_without_signing_in_in_each_language(app: Flask) -> None:
    for language, words in (("en", "Verify an instrument"), ("zh-CN", "核验文书"), ("zh-TW", "核驗文書")):
        answer = client(app, language).get("/verify")
        assert answer.status_code == 200
        page = answer.get_data(as_text=True)
        assert words in page and 'enctype="multipart/form-data"' in page and 'name="code"' in page


def test_the_latest_agreement_is_authentic_and_current_on_the_page_and_from_the_api(
        app: Flask, documents: Documents, tmp_path: Path) -> None:
    status, page = upload_page(client(app), documents.latest)
    assert status == 200 and shown(page, "verdict") == "valid" and shown(page, "standing") == "latest"
    assert "Authentic and current" in page
    assert 'data-field="seal-secretariat"' in page and 'data-field="sig-applicant-1"' in page
    assert "Applicant signatory 1" in page  # the signer, as the file itself names them

    status, body = upload_api(client(app), documents.latest)
    assert status == 200 and body["verdict"] == "valid" and body["record"]["standing"] == "latest"
    assert body["record"]["matched"]["code"] == documents.code
    # the same JSON as `casedocs verify --json`, with the verdict and the record added
    (tmp_path / "agreement.pdf").write_bytes(documents.latest)
    cli = CliRunner().invoke(main, ["verify", str(tmp_path / "agreement.pdf"), "--json",
                                    "--data", str(documents.prepared.data)])
    assert cli.exit_code == 0, cli.output
    printed = json.loads(cli.output)
    assert {key: body[key] for key in printed} == printed
    assert set(body) - set(printed) == {"verdict", "sha256", "size", "record"}


def test_a_signer_revoked_after_signing_is_shown_revoked_later_and_the_document_stays_valid(
        app: Flask, documents: Documents) -> None:
    status, body = upload_api(client(app), documents.latest)
    (signature,) = [s for s in body["signatures"] if s["field"] == "sig-applicant-1"]
    assert body["valid"] and signature["revoked"] and signature["revoked_after_proof"]
    status, page = upload_page(client(app, "zh-CN"), documents.latest)
    assert shown(page, "verdict") == "valid" and "签署后撤销" in page


def test_an_earlier_revision_is_authentic_but_outdated(app: Flask, documents: Documents) -> None:
    status, page = upload_page(client(app), documents.sealed)
    assert status == 200 and shown(page, "verdict") == "outdated" and shown(page, "standing") == "earlier"
    status, body = upload_api(client(app), documents.sealed)
    assert body["verdict"] == "outdated" and body["record"]["matched"]["revision"] == 1
    assert body["record"]["latest"]["revision"] == 2


def test_the_unsigned_rendering_is_known_as_an_earlier_revision_but_carries_no_signature(
        app: Flask, documents: Documents) -> None:
    status, body = upload_api(client(app), documents.rendering)
    assert status == 200 and body["verdict"] == "unsigned" and body["record"]["standing"] == "earlier"


def _tampered(documents: Documents) -> dict[str, tuple[bytes, str, str, str]]:
    """name: (file, verdict, standing, words of the reasons)."""
    latest = documents.latest
    flipped = flip_byte(latest, b"stream", 40)
    return {
        "a flipped byte": (flipped, "invalid", "unknown", "altered"),
        "an added page": (append_page(latest), "invalid", "extended", "exceed"),
        "an added annotation": (add_annotation(latest), "invalid", "extended", "exceed"),
        "a signature made after its signer was revoked": (documents.late_signature, "invalid", "extended",
                                                          "revoked since"),
    }


@pytest.mark.parametrize("tampering", ["a flipped byte", "an added page", "an added annotation",
                                       "a signature made after its signer was revoked"])
def test_each_tampered_document_gets_the_right_verdict_on_the_page_and_from_the_api(
        app: Flask, documents: Documents, tampering: str) -> None:
    data, verdict, standing, words = _tampered(documents)[tampering]
    status, page = upload_page(client(app), data)
    assert status == 200 and shown(page, "verdict") == verdict and shown(page, "standing") == standing
    assert "Not valid" in page
    status, body = upload_api(client(app), data)
    assert status == 200 and body["verdict"] == verdict and not body["valid"]
    assert body["record"]["standing"] == standing
    assert any(words in reason for reason in body["reasons"]), body["reasons"]


def test_a_signed_instrument_whose_byte_range_points_past_its_end_is_not_valid(
        app: Flask, documents: Documents) -> None:
    latest = documents.latest
    found = re.search(rb"/ByteRange \[(\d+) (\d+) (\d+) (\d+) *\]", latest)
    assert found
    beyond = str(len(latest) * 10).encode()
    last = found.group(4)
    assert len(beyond) >= len(last)
    moved = latest[:found.start(4)] + beyond[:len(last)].rjust(len(last), b"9") + latest[found.end(4):]
    for visitor_page, visitor_api in ((client(app), client(app)),):
        status, page = upload_page(visitor_page, moved)
        assert status == 200 and shown(page, "verdict") in ("invalid", "unreadable")
        status, body = upload_api(visitor_api, moved)
        assert status == 200 and body["verdict"] in ("invalid", "unreadable") and not body["valid"]


def test_every_file_of_the_broken_pdf_corpus_gets_a_verdict_and_never_a_server_error(app: Flask) -> None:
    from corpus.pdf.make_corpus import EXPECTED

    files = sorted(CORPUS.glob("*.pdf"))
    assert {f.name for f in files} == set(EXPECTED)
    for path in files:
        status, page = upload_page(client(app, "zh-CN"), path.read_bytes(), path.name)
        assert status == 200, (path.name, status)
        assert shown(page, "verdict") == EXPECTED[path.name], path.name
        assert "Traceback" not in page
        status, body = upload_api(client(app), path.read_bytes(), path.name)
        assert status == 200 and body["verdict"] == EXPECTED[path.name] and not body["valid"], (path.name, body)
        assert body["reasons"], path.name


def test_a_file_over_the_limit_is_refused_in_words_before_it_is_verified(app: Flask) -> None:
    huge = b"%PDF-1.7\n" + b"0" * MAX_VERIFY_BYTES + b"\n%%EOF\n"
    status, page = upload_page(client(app), huge)
    assert status == 413 and "larger than 20 MB" in page and 'name="file"' in page
    status, body = upload_api(client(app), huge)
    assert status == 413 and "larger than 20 MB" in body["error"]["message"]


def test_an_empty_form_asks_for_a_file_or_a_code(app: Flask) -> None:
    answer = client(app).post("/verify", data={"code": ""}, content_type="multipart/form-data")
    assert answer.status_code == 400 and "Choose a PDF file" in answer.get_data(as_text=True)
    answer = client(app).post("/api/v1/verify", data={}, content_type="multipart/form-data")
    assert answer.status_code == 422 and "files.file" in answer.get_json()["error"]["message"]


def test_a_code_leads_to_its_instrument_whatever_its_capitals_dashes_and_spaces(
        app: Flask, documents: Documents) -> None:
    typed = documents.code.lower().replace("-", " ")
    answer = client(app).post("/verify", data={"code": typed}, content_type="multipart/form-data")
    assert answer.status_code == 302 and answer.headers["Location"].endswith(f"/verify/{documents.code}")
    for language, words in (("en", "Problem-Solving Agreement"), ("zh-CN", "问题解决方案")):
        page = client(app, language).get(f"/verify/{documents.code.replace('-', '').lower()}")
        text = page.get_data(as_text=True)
        assert page.status_code == 200 and documents.code in text and "MVC-2025-0002" in text
        assert shown(text, "newer") == "" and hashlib_of(documents.latest) in text
        assert words in text, language
        # nothing but what identifies the instrument: no person's name, no document to download
        assert not any(name in text for name in documents.signer_names)
        assert ".pdf" not in text and "download" not in text.lower()
    body = client(app).get(f"/api/v1/verify/{typed}").get_json()
    assert body["code"] == documents.code and body["case"] == "MVC-2025-0002" and body["instrument"] == "agreement"
    assert body["version"] == 1 and body["edition"] == "zh" and body["newer_version_exists"] is False
    assert body["sha256"] == hashlib_of(documents.latest) and body["public"] is False
    assert [r["revision"] for r in body["revisions"]] == [0, 1, 2]
    assert set(body) == {"code", "case", "instrument", "edition", "version", "issued_on", "sha256", "revisions",
                         "newer_version_exists", "newer_version", "public"}


def hashlib_of(data: bytes) -> str:
    import hashlib

    return hashlib.sha256(data).hexdigest()


def test_an_unknown_or_malformed_code_is_refused_in_words(app: Flask) -> None:
    answer = client(app).get("/verify/AAAA-BBBB-CC")
    assert answer.status_code == 404 and "No instrument issued by the mechanism has this code" in answer.get_data(
        as_text=True)
    answer = client(app).get("/verify/not-a-code")
    assert answer.status_code == 400 and "10 letters and digits" in answer.get_data(as_text=True)
    assert client(app).get("/api/v1/verify/AAAA-BBBB-CC").get_json()["error"]["status"] == 404
    assert client(app).get("/api/v1/verify/x").status_code == 400


def test_no_rendering_for_the_secretariat_or_a_side_is_public(documents: Documents) -> None:
    with App(documents.prepared.settings()) as core, core.db.session() as session:
        versions = list(session.scalars(select(DocumentVersion)))
    assert versions and not any(is_public(version) for version in versions)


@pytest.mark.parametrize("changes, public", [
    ({}, True),
    ({"instrument": "closure_report"}, True),
    ({"audience": Audience.SECRETARIAT}, False), ({"audience": Audience.RESPONDENT}, False),
    ({"audience": Audience.SUPPORT}, False),
    ({"instrument": "acceptance_decision"}, False),  # an instrument the procedure does not publish
    ({"status": VersionStatus.DRAFT}, False),
    ({"stage": VersionStage.RENDERED, "revision": 0}, False),  # the unsealed rendering the seal was made on
    ({"format": "docx"}, False),
])
def test_only_the_sealed_public_rendering_of_a_published_instrument_is_public(changes: dict[str, object],
                                                                              public: bool) -> None:
    fields: dict[str, object] = {"instrument": "case_summary", "edition": "zh", "audience": Audience.PUBLIC,
                                 "version": 1, "format": "pdf", "revision": 1, "stage": VersionStage.SEALED,
                                 "status": VersionStatus.ISSUED, "verification_code": "AAAA-BBBB-CC"}
    assert is_public(DocumentVersion(**{**fields, **changes})) is public


def test_too_many_uploads_or_lookups_from_one_address_answer_429_with_retry_after(
        app: Flask, documents: Documents) -> None:
    visitor = client(app)
    answers = [visitor.post("/api/v1/verify", data={"file": (io.BytesIO(b"not a pdf"), "x.pdf")},
                            content_type="multipart/form-data") for _ in range(11)]
    assert [a.status_code for a in answers[:10]] == [200] * 10
    assert answers[10].status_code == 429 and 1 <= int(answers[10].headers["Retry-After"]) <= 60
    page = visitor.post("/verify", data={"file": (io.BytesIO(b"not a pdf"), "x.pdf")},
                        content_type="multipart/form-data")
    assert page.status_code == 429 and int(page.headers["Retry-After"]) >= 1
    assert "Too many verifications" in page.get_data(as_text=True)
    assert upload_api(client(app), b"not a pdf")[0] == 200  # another address is not held back
    looking = client(app)
    statuses = [looking.get(f"/verify/{documents.code}").status_code for _ in range(31)]
    assert statuses[:30] == [200] * 30 and statuses[30] == 429


def test_the_verifier_answers_503_with_retry_after_while_every_slot_is_busy(app: Flask,
                                                                           documents: Documents) -> None:
    folder = documents.prepared.data / "verify-slots"
    folder.mkdir(exist_ok=True)
    never_seen = documents.latest + b"%% a file no one has uploaded yet\n"
    assert upload_api(client(app), documents.latest)[0] == 200  # verified once, its answer kept
    held = [open(folder / f"{n}.lock", "a+b") for n in range(verifier_slots())]
    try:
        for handle in held:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        status, page = upload_page(client(app), never_seen)
        assert status == 503 and "busy" in page
        answer = client(app).post("/api/v1/verify", data={"file": (io.BytesIO(never_seen), "a.pdf")},
                                  content_type="multipart/form-data")
        assert answer.status_code == 503 and answer.headers["Retry-After"] == "2"
        # the same file as before: its kept answer, no slot needed
        status, body = upload_api(client(app), documents.latest)
        assert status == 200 and body["verdict"] == "valid"
    finally:
        for handle in held:
            handle.close()
    assert upload_api(client(app), never_seen)[0] == 200


def test_the_verification_routes_are_public_and_in_the_openapi_document(app: Flask) -> None:
    spec = client(app).get("/api/v1/openapi.json").get_json()
    upload, lookup = spec["paths"]["/api/v1/verify"]["post"], spec["paths"]["/api/v1/verify/{code}"]["get"]
    assert "multipart/form-data" in upload["requestBody"]["content"]
    for operation in (upload, lookup):
        assert not operation.get("security") and "429" in operation["responses"]
    assert spec["paths"]["/api/v1/cases"]["get"]["security"]  # the others still need a token
