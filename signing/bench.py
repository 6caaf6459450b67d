"""Timings of the signing core: ``python -m signing.bench [--lta]``.

Prints medians; asserts nothing (timings depend on the machine and its load).
Everything runs offline with the local TSA, as in production's default.
"""
from __future__ import annotations

import argparse
import io
import datetime as dt
import statistics
import tempfile
import time
from typing import Callable, TypeVar

T = TypeVar("T")

from pypdf import PdfReader

from .anchors import find_anchors
from .pki import PKI
from .seal import MonitoringUpdate, SigningEnv, append_monitoring_update, freeze, grid_slots, seal, sign_field
from .samples import SEAL_BOX, cosign_slots, issue_and_unlock, sample_pdf
from .verify import verify


def _ms(fn: Callable[[], T], n: int) -> tuple[float, T]:
    times: list[float] = []
    for _ in range(n):
        t = time.perf_counter()
        result = fn()
        times.append((time.perf_counter() - t) * 1000)
    return statistics.median(times), result


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--lta", action="store_true", help="DSS + document time-stamp after every signature")
    ap.add_argument("-n", type=int, default=7)
    args = ap.parse_args()
    run(print, n=args.n, lta=args.lta)


def run(print: Callable[[str], None], *, n: int = 7, lta: bool = False) -> None:  # noqa: A002 - echo target
    """The measurements, printed through `print` (casedocs bench passes click.echo)."""
    args = argparse.Namespace(n=n, lta=lta)

    with tempfile.TemporaryDirectory() as d:
        t = time.perf_counter()
        pki = PKI.create(d, "bench secretariat passphrase")
        print(f"PKI create (root, TSA, seal, CRL)     {1000 * (time.perf_counter() - t):7.1f} ms")
        t = time.perf_counter()
        env = SigningEnv.from_pki(pki, lta_each_signature=args.lta)
        print(f"signing env (CJK face parsed once)     {1000 * (time.perf_counter() - t):7.1f} ms")
        t = time.perf_counter()
        env.warm_up()
        print(f"warm-up (fonts, seal image, TSA probe) {1000 * (time.perf_counter() - t):7.1f} ms")
        sealer = pki.seal_credential()
        base = sample_pdf("Problem-Solving Agreement")
        find_anchors(base)  # fonts, regexes: warm
        pages = len(PdfReader(io.BytesIO(base)).pages)
        ms, _ = _ms(lambda: find_anchors(base), args.n)
        print(f"find the layout anchors, per page      {ms / pages:7.1f} ms")

        ms, _ = _ms(lambda: seal(base, env=env, sealer=sealer, kind="plain", seal_page=-1, seal_box=SEAL_BOX), args.n)
        print(f"seal, plain instrument                 {ms:7.1f} ms")
        ms, sealed = _ms(
            lambda: seal(
                base, env=env, sealer=sealer, kind="co_signed", seal_page=-1, seal_box=SEAL_BOX,
                signatory_fields=cosign_slots(),
            ),
            args.n,
        )  # fmt: skip
        print(f"seal, co-signed (4 fields)             {ms:7.1f} ms")

        pki.issue_person(person_id="B-1", name="王建国", side="applicant", role="signatory", passphrase="bench-pass-B-1")
        ms, cred = _ms(lambda: pki.unlock_person("B-1", "bench-pass-B-1"), 3)
        print(f"unlock a person's key (PBKDF2 600k)    {ms:7.1f} ms")
        people = [cred] + [
            issue_and_unlock(pki, pid, name, side, role)
            for pid, name, side, role in [
                ("B-2", "Maria Santos", "applicant", "agent"),
                ("B-3", "赵丽", "respondent", "representative"),
                ("B-4", "刘洋", "respondent", "signatory"),
            ]
        ]
        fields = [s.name for s in cosign_slots()]
        # steady state: one signature on a freshly sealed document, names already seen
        sign_field(sealed, fields[0], people[0], env=env, field_owner="B-1")
        ms, _ = _ms(lambda: sign_field(sealed, fields[0], people[0], env=env, field_owner="B-1"), args.n)
        print(f"approval signature (1st field)         {ms:7.1f} ms")
        # a signer whose name's characters no appearance has used yet in this
        # process: the glyph work a new person costs
        newcomers = [
            issue_and_unlock(pki, f"N-{i}", name, "applicant", "signatory")
            for i, name in enumerate(["欧阳修", "诸葛亮", "司马迁", "黄飞鸿", "柳宗元", "辛弃疾", "岳鹏举", "聂隐娘", "霍去病"])
        ]
        per = []
        for c in newcomers[: max(args.n, 3)]:
            t = time.perf_counter()
            sign_field(sealed, fields[0], c, env=env, field_owner=c.person_id or "")
            per.append((time.perf_counter() - t) * 1000)
        print(f"approval signature, new name (median)  {statistics.median(per):7.1f} ms (max {max(per):.0f})")
        pdf = sealed
        per = []
        for f, c in zip(fields, people):
            t = time.perf_counter()
            pdf = sign_field(pdf, f, c, env=env, field_owner=c.person_id or "")
            per.append((time.perf_counter() - t) * 1000)
        print(f"approval signatures 1..4, one document {', '.join(f'{x:.0f}' for x in per)} ms")
        ms, frozen = _ms(lambda: freeze(pdf, env=env), 3)
        print(f"freeze (verify + DSS + doc time-stamp)  {ms:7.1f} ms")
        roots, crls = pki.trust_roots(), pki.crls()
        ms, rep = _ms(lambda: verify(frozen, roots, crls), 5)
        n = len(rep.signatures)
        print(f"verify co-signed+frozen ({n} sigs)       {ms:7.1f} ms = {ms / n:.1f} ms per validated signature, valid={rep.valid}")

        report = seal(
            sample_pdf("Closure Report", record_page=True), env=env, sealer=sealer, kind="closure_report",
            seal_page=0, seal_box=(420, 600, 539, 719), monitoring_slots=grid_slots((56, 56, 539, 715), 12),
        )  # fmt: skip
        monitor = issue_and_unlock(pki, "M-1", "李监测", "secretariat", "monitor")
        per = []
        for i in range(1, 13):
            u = MonitoringUpdate(
                date=dt.date(2026, 1, 1) + dt.timedelta(days=30 * i),
                obligation=f"第{i}项 社区饮用水水质监测 Community water monitoring",
                status="进行中 In progress",
                summary_lines=[f"第{i}次季度检查：下游三个取样点水质达标。", f"Quarter {i}: within limits."],
                full_text=f"report {i} " * 500,
            )
            t = time.perf_counter()
            report = append_monitoring_update(report, None, monitor, u, env=env)
            per.append((time.perf_counter() - t) * 1000)
        print(f"monitoring update (median of 12)        {statistics.median(per):7.1f} ms (max {max(per):.0f})")
        ms, rep = _ms(lambda: verify(report, roots, crls), 5)
        n = len(rep.signatures)
        print(f"verify closure report ({n} sigs)         {ms:7.1f} ms = {ms / n:.1f} ms per validated signature, valid={rep.valid}")


if __name__ == "__main__":
    main()
