"""A side's consent given in the portal is read back on the console's case page (issue 12, "consent to
the path and to tools and appointments"; 第二章第3.3条: the path is agreed by both sides): the
secretariat sees who consented to what, and whether it has taken the act since. The console's new
draft after a decline is refused for a document nobody declined (the play with a decline is in
test_browser_cosigning)."""
from __future__ import annotations

from datetime import date
from pathlib import Path as FsPath

from cases.accounts import Role
from cases.vocabulary import Path, SideRole
from casedocs.app import App
from casedocs.services import party_acts
from factories import BOTH, file_case, to_launched
from web_support import add_account, csrf_of, log_in, ready_settings, send_form, web_app

TODAY = date(2025, 4, 28)
APPLICANT, OFFICER = "applicant@example.org", "officer@example.org"


def test_the_console_case_page_shows_a_sides_consent_until_the_secretariat_takes_the_act(tmp_path: FsPath) -> None:
    settings = ready_settings(tmp_path)
    with App(settings, today=lambda: TODAY) as core, core.procedure() as proc:
        case = to_launched(proc, file_case(proc))
        proc.recommend_triage(case, Path.BILATERAL_DIALOGUE, (), "A dialogue will do", date(2025, 4, 24))
        number = case.number
    add_account(settings, APPLICANT, Role.PARTY, case=number, side=SideRole.APPLICANT)
    secret = add_account(settings, OFFICER, Role.OFFICER, totp=True)
    with web_app(settings, start_jobs=False, today=lambda: TODAY) as app:
        party = app.test_client()
        assert log_in(party, APPLICANT).status_code == 302
        done = send_form(party, f"/portal/cases/{number}/acts/consent_path", {"path": "bilateral_dialogue"})
        assert done.status_code == 302, done.get_data(as_text=True)[:2000]

        officer = app.test_client()
        assert log_in(officer, OFFICER, totp_secret=secret).status_code == 302
        en = officer.get(f"/console/cases/{number}", headers={"Accept-Language": "en"}).get_data(as_text=True)
        assert "Consents given by the sides in the portal" in en
        assert "the path and tools" in en and "awaiting the secretariat" in en
        zh = officer.get(f"/console/cases/{number}", headers={"Accept-Language": "zh-CN"}).get_data(as_text=True)
        assert "各方在当事方门户作出的同意" in zh and "处理路径及工具" in zh and "待秘书处作出行为" in zh

        with App(settings, today=lambda: TODAY) as core, core.procedure() as proc:
            proc.agree_path(proc.get_case(number), Path.BILATERAL_DIALOGUE, (), BOTH, TODAY)
        after = officer.get(f"/console/cases/{number}", headers={"Accept-Language": "en"}).get_data(as_text=True)
        assert "the secretariat has taken this act since" in after

        # a new draft is offered only of a document someone declined; asked for anything else it is refused
        refused = officer.post(f"/console/cases/{number}/documents/999/redraft", data={"csrf_token": csrf_of(after)},
                               headers={"Accept-Language": "en"}, follow_redirects=True)
        assert refused.status_code == 200 and "no new draft is needed" in refused.get_data(as_text=True)

    with App(settings) as core, core.db.session() as session:
        (consent,) = party_acts.consents(session, number)
        assert consent.side is SideRole.APPLICANT and consent.acted_on and consent.on == TODAY
