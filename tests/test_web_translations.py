"""The console's translation worklist (issue 11): what lacks its version in the other working language,
and the form that supplies it — recorded with who and when, gone from the list once supplied."""
from __future__ import annotations

import re
from pathlib import Path
from datetime import date

import pytest
from sqlalchemy import select

from cases.accounts import Role
from cases.documents import record_version
from cases.jobs import Job
from cases.lifecycle import VersionStatus
from cases.models import AuditEvent
from cases.vocabulary import SideRole
from casedocs.app import App
from casedocs.config import Settings
from confidentiality_support import file_confidential_case
from web_support import add_account, csrf_of, init_data, log_in, web_app, web_settings

TODAY = date(2026, 11, 25)


@pytest.fixture
def settings(tmp_path: Path) -> Settings:
    settings = web_settings(tmp_path)
    init_data(settings)
    return settings


def test_an_officer_supplies_a_missing_translation_from_the_worklist(settings: Settings) -> None:
    with App(settings, today=lambda: TODAY) as core, core.procedure() as proc:
        number = file_confidential_case(proc, received_on="2026-11-20").number
    with App(settings, today=lambda: TODAY) as core, core.procedure() as proc:
        case = proc.get_case(number)
        for edition, status, version in (("zh", VersionStatus.DRAFT, 1), ("en", VersionStatus.DRAFT, 1),
                                         ("bilingual", VersionStatus.DRAFT, 1), ("bilingual", VersionStatus.ISSUED, 2)):
            record_version(proc.session, core.store, f"%PDF {edition} v{version}".encode(), case_id=case.id,
                           instrument="application_form", subject=None, edition=edition, version=version,
                           verification_code=f"TRAN-{edition[:2].upper()}{version}", format="pdf", actor="test",
                           status=status)
    secret = add_account(settings, "officer@example.org", Role.OFFICER, totp=True)
    with web_app(settings, start_jobs=False, today=lambda: TODAY) as app:
        officer = app.test_client()
        assert log_in(officer, "officer@example.org", totp_secret=secret).status_code == 302
        page = officer.get("/console/translations", headers={"Accept-Language": "en"}).get_data(as_text=True)
        assert number in page and "Seepage from the tailings facility" in page
        facts = re.compile(r'name="case" value="%s">\s*<input type="hidden" name="item" value="field:facts">' % number)
        assert facts.search(page), "the facts are not on the worklist"
        key = re.search(r'name="submission" value="([^"]+)">\s*<input type="hidden" name="case" value="%s">\s*'
                        r'<input type="hidden" name="item" value="field:facts">' % number, page)
        assert key is not None
        saved = officer.post("/console/translations", data={
            "csrf_token": csrf_of(page), "submission": key.group(1), "case": number, "item": "field:facts",
            "language": "zh", "text": "一月，尾矿设施渗漏物流入卡瓦马河。"})
        assert saved.status_code == 302
        after = officer.get("/console/translations", headers={"Accept-Language": "en"}).get_data(as_text=True)
        assert not facts.search(after)  # supplied: off the list
        empty = officer.post("/console/translations", data={
            "csrf_token": csrf_of(after), "case": number, "item": "claim:0", "language": "zh", "text": "  "})
        assert empty.status_code == 422 and "Write the translation before saving it." in empty.get_data(as_text=True)
    with App(settings) as core, core.db.session() as db:
        queued = [job.params for job in db.scalars(select(Job).where(Job.case_number == number))]
        # the zh draft is rendered again with the Chinese translation; the en draft prints no Chinese,
        # and the bilingual document's newest version is issued: neither is touched
        assert queued == [{"case": number, "instrument": "application_form", "subject": "", "edition": "zh",
                           "audience": "secretariat"}]
        [event] = db.scalars(select(AuditEvent).where(AuditEvent.chain == number,
                                                      AuditEvent.action == "translation_added")).all()
        assert event.actor.startswith("officer@example.org (web ")
        assert "卡瓦马河" not in repr(event.detail)  # audited without its text


def test_a_party_cannot_reach_the_worklist(settings: Settings) -> None:
    with App(settings, today=lambda: TODAY) as core, core.procedure() as proc:
        number = file_confidential_case(proc, received_on="2026-11-20").number
    add_account(settings, "party@example.org", Role.PARTY, case=number, side=SideRole.RESPONDENT)
    with web_app(settings, start_jobs=False, today=lambda: TODAY) as app:
        party = app.test_client()
        assert log_in(party, "party@example.org").status_code == 302
        assert party.get("/console/translations").status_code in (403, 404)
