"""The whole paperwork from the command line, with the authored templates and real LibreOffice."""
from __future__ import annotations

import hashlib
import json
import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner, Result
from pypdf import PdfReader

from cases.instruments import INSTRUMENTS
from casedocs.cli import main

pytestmark = pytest.mark.slow
TEMPLATES = Path(__file__).resolve().parent.parent / "templates"


def cli(*args: str, env: dict[str, str] | None = None) -> Result:
    return CliRunner().invoke(main, list(args), env={"CASEDOCS_CONVERTERS": "2", **(env or {})})


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path, dict]:  # type: ignore[type-arg]
    data, out = tmp_path_factory.mktemp("data"), tmp_path_factory.mktemp("paperwork")
    result = cli("demo", "--data", str(data), "--out", str(out))
    assert result.exit_code == 0, result.output
    return data, out, json.loads((out / "manifest.json").read_text(encoding="utf-8"))


def test_demo_writes_every_instrument_in_every_edition_and_format(demo) -> None:  # type: ignore[no-untyped-def]
    _, out, manifest = demo
    assert manifest["case"] == "MVC-2025-0002"
    assert manifest["cases"] == ["MVC-2025-0002", "MVC-2025-0001", "MVC-2025-0003"]
    documents = manifest["documents"]
    assert {d["instrument"] for d in documents} == set(INSTRUMENTS)
    for instrument in INSTRUMENTS:
        combos = {(d["lang"], d["format"]) for d in documents if d["instrument"] == instrument}
        assert combos == {(lang, fmt) for lang in ("zh", "en", "zh-Hant", "bilingual") for fmt in ("docx", "pdf")}
    for document in documents:
        data = (out / document["path"]).read_bytes()
        assert hashlib.sha256(data).hexdigest() == document["sha256"], document["path"]
        assert data.startswith(b"%PDF-") if document["format"] == "pdf" else data.startswith(b"PK")


def test_instruments_are_dated_on_their_act_and_carry_their_code(demo) -> None:  # type: ignore[no-untyped-def]
    _, out, manifest = demo
    [rejection] = [d for d in manifest["documents"]
                   if d["instrument"] == "rejection_decision" and d["lang"] == "zh" and d["format"] == "pdf"
                   and not d.get("signed")]
    reader = PdfReader(out / rejection["path"])
    text = "".join(page.extract_text() for page in reader.pages).replace(" ", "")
    assert "2025年2月5日" in text and "MVC-2025-0001" in text and rejection["verification_code"] in text
    assert reader.xmp_metadata.pdfaid_part == "2"  # type: ignore[union-attr]
    assert "instrument=rejection_decision; lang=zh" in reader.metadata.subject


def test_render_and_render_all_for_one_case(demo, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    data, _, _ = demo
    result = cli("render", "MVC-2025-0003", "non_launch_notice", "--lang", "zh-Hant", "--format", "docx",
                 "--out", str(tmp_path / "n.docx"), "--data", str(data))
    assert result.exit_code == 0, result.output
    assert (tmp_path / "n.docx").read_bytes().startswith(b"PK")
    result = cli("render-all", "MVC-2025-0001", "--out", str(tmp_path / "all"), "--data", str(data))
    assert result.exit_code == 0, result.output
    manifest = json.loads((tmp_path / "all" / "manifest.json").read_text(encoding="utf-8"))
    assert manifest["case"] == "MVC-2025-0001"
    assert {d["instrument"] for d in manifest["documents"]} == {"application_form", "supplement_request",
                                                                "rejection_decision"}
    assert all((tmp_path / "all" / d["path"]).exists() for d in manifest["documents"])


@pytest.mark.parametrize(("args", "message"), [
    (["MVC-2025-0002", "rejection_decision"], "rejection_decision does not apply to MVC-2025-0002"),
    (["MVC-2025-0002", "invitation", "--lang", "fr"], "unknown edition 'fr'"),
    (["MVC-2025-0002", "no_such_thing"], "Invalid value for 'INSTRUMENT'"),
    (["MVC-2025-0002", "objection_decision", "--subject", "objection:7"], "'objection:7' is not one of objection:1"),
])
def test_render_refuses_what_does_not_apply(demo, tmp_path: Path, args: list[str], message: str) -> None:  # type: ignore[no-untyped-def]
    data, _, _ = demo
    result = cli("render", *args, "--out", str(tmp_path / "x.pdf"), "--data", str(data))
    assert result.exit_code != 0 and message in result.output, result.output


def test_templates_lint_from_the_command_line(tmp_path: Path) -> None:
    assert cli("templates", "lint").exit_code == 0
    broken = tmp_path / "templates"
    shutil.copytree(TEMPLATES, broken)
    (broken / "en" / "agreement.docx").unlink()
    result = CliRunner().invoke(main, ["templates", "lint"], env={"CASEDOCS_TEMPLATES": str(broken)})
    assert result.exit_code == 1 and "agreement" in result.output


def test_a_broken_template_stops_rendering_with_its_name(demo, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    data, _, _ = demo
    broken = tmp_path / "templates"
    shutil.copytree(TEMPLATES, broken)
    from docx import Document

    document = Document(broken / "en" / "launch_notice.docx")
    document.add_paragraph("{{ case.no_such_field }}")
    document.save(broken / "en" / "launch_notice.docx")
    result = cli("render", "MVC-2025-0002", "launch_notice", "--lang", "en", "--format", "docx",
                 "--out", str(tmp_path / "l.docx"), "--data", str(data), env={"CASEDOCS_TEMPLATES": str(broken)})
    assert result.exit_code != 0
    assert "en/launch_notice.docx: uses a value the context does not provide" in result.output


def test_demo_seals_issued_instruments_and_co_signs_the_agreement(demo) -> None:  # type: ignore[no-untyped-def]
    data, out, manifest = demo
    signed = [d for d in manifest["documents"] if d.get("signed")]
    assert (out / "ca.pem").read_bytes().startswith(b"-----BEGIN CERTIFICATE")
    by_key = {(d["case"], d["instrument"], d["lang"], d["subject"]): d for d in signed
              if d.get("audience", "secretariat") == "secretariat"}
    published = {(d["instrument"], d["lang"]) for d in signed if d.get("audience") == "public"}
    # what the register publishes (the sample case's summary and closure report), sealed for the public
    assert published == {(i, lang) for i in ("case_summary", "closure_report") for lang in ("zh", "en")}
    agreement = by_key[("MVC-2025-0002", "agreement", "zh", None)]
    assert agreement["frozen"] and agreement["signatures"] == 5  # the seal and two signatories per side
    assert by_key[("MVC-2025-0002", "closure_report", "en", None)]["signatures"] == 3  # seal + two updates
    assert ("MVC-2025-0001", "rejection_decision", "zh", None) in by_key
    assert not any(d["instrument"] in ("application_form", "power_of_attorney", "assessment_request") for d in signed)
    result = cli("verify", str(out / agreement["path"]), "--data", str(data))
    assert result.exit_code == 0 and result.output.strip().endswith("VALID")
