"""Visible appearances: the seal image and bilingual text stamps.

Appearances are presentation only (the signature is what binds), but they are
what a reader sees, so the text is always Chinese first, English second, and
drawn with an embedded, subset CJK font (never a viewer-substituted one).
"""
from __future__ import annotations

import datetime as dt
import re
import unicodedata
from pathlib import Path
from typing import Sequence
from zoneinfo import ZoneInfo

from pyhanko.pdf_utils import layout
from pyhanko.pdf_utils.text import TextBoxStyle
from pyhanko.stamp import StaticStampStyle, TextStampStyle

from .fonts import CJKFont
from .seal_image import SealImage

CHINA_TZ = ZoneInfo("Asia/Shanghai")

SIDE_LABELS: dict[str, tuple[str, str]] = {
    "applicant": ("申请方", "Applicant"),
    "respondent": ("相对方", "Respondent"),
    "secretariat": ("秘书处", "Secretariat"),
}
ROLE_LABELS: dict[str, tuple[str, str]] = {
    "signatory": ("签署人", "Signatory"),
    "representative": ("代表人", "Representative"),
    "agent": ("代理人", "Agent"),
    "monitor": ("监测员", "Monitor"),
    "seal": ("印章", "Seal"),
}

# Strings every approval/monitoring appearance uses: their glyph outlines are
# prepared at warm-up rather than during the first signature.
COMMON_TEXT = "".join(
    a + b for pair in (*SIDE_LABELS.values(), *ROLE_LABELS.values()) for a, b in [pair]
) + "签署时间Signed监测更新Monitoringupdate义务Obligation状态Status摘要Summary全文SHA-256数字签名Digitally signed"


# Traditional forms of the characters our *labels* use (character-level, as
# OpenCC s2t would do; no vocabulary change). Applied to labels only: names
# and summaries are printed exactly as entered.
_TC_LABELS = str.maketrans(
    "请对书处签时间数监测员义务状态",
    "請對書處簽時間數監測員義務狀態",
)


def label(text: str, script: str = "sc") -> str:
    return text.translate(_TC_LABELS) if script == "tc" else text


def side_label(side: str | None, script: str = "sc") -> tuple[str, str]:
    zh, en = SIDE_LABELS.get(side or "", (side or "", side or ""))
    return label(zh, script), en


def role_label(role: str | None, script: str = "sc") -> tuple[str, str]:
    zh, en = ROLE_LABELS.get(role or "", (role or "", role or ""))
    return label(zh, script), en


def format_local(t: dt.datetime) -> str:
    local = t.astimezone(CHINA_TZ)
    return local.strftime("%Y-%m-%d %H:%M") + " (UTC+8)"


def display_width(s: str) -> int:
    """Width in half-width cells: CJK and full-width characters count 2."""
    return sum(2 if unicodedata.east_asian_width(c) in ("W", "F") else 1 for c in s)


_TOKEN = re.compile(r"[A-Za-z0-9_@#$%&'+\-./:;,!?()\[\]]+|\s+|.", re.S)


def wrap_cells(text: str, width: int, max_lines: int) -> list[str]:
    """Wrap to ``width`` cells, at most ``max_lines`` lines (ellipsis when cut).

    Latin words stay whole when they fit; CJK text breaks between any two
    characters (as Chinese typesetting does). pyHanko text boxes do not wrap,
    and one long line would shrink the whole appearance to unreadable size.
    """
    lines: list[str] = []
    cur = ""

    def push(piece: str) -> None:
        nonlocal cur
        if display_width(cur) + display_width(piece) <= width:
            cur += piece
            return
        if cur.strip():
            lines.append(cur.rstrip())
        cur = piece.lstrip()
        while display_width(cur) > width:  # a single over-long word
            cut = len(cur)
            while display_width(cur[:cut]) > width:
                cut -= 1
            lines.append(cur[:cut])
            cur = cur[cut:]

    for tok in _TOKEN.findall(text):
        if tok.isspace():
            if cur and not cur.endswith(" "):
                push(" ")
        else:
            push(tok)
    if cur.strip():
        lines.append(cur.rstrip())
    if len(lines) > max_lines:
        lines = lines[:max_lines]
        last = lines[-1]
        while last and display_width(last) + 1 > width:
            last = last[:-1]
        lines[-1] = last.rstrip() + "…"
    return lines


def text_stamp_style(
    font: CJKFont, body: str, *, font_size: int = 7, border: bool = True
) -> TextStampStyle:
    """A pyHanko text stamp whose font can render exactly ``body``.

    The template is '%(body)s' and the text is passed as a parameter, so a '%'
    in a name or summary is printed, never interpreted.
    """
    factory = font.for_text(body, font_size=font_size)
    return TextStampStyle(
        stamp_text="%(body)s",
        text_box_style=TextBoxStyle(font=factory, font_size=font_size, leading=font_size + 2),
        border_width=1 if border else 0,
        border_color=(0.45, 0.45, 0.45),
        inner_content_layout=layout.SimpleBoxLayoutRule(
            x_align=layout.AxisAlignment.ALIGN_MIN,
            y_align=layout.AxisAlignment.ALIGN_MID,
            margins=layout.Margins.uniform(4),
            inner_content_scaling=layout.InnerScaling.SHRINK_TO_FIT,
        ),
    )


def seal_stamp_style(cache_dir: Path | None = None) -> StaticStampStyle:
    """The red seal, fitted (aspect kept) into the caller's seal rectangle."""
    return StaticStampStyle(
        background=SealImage(cache_dir),
        border_width=0,
        background_opacity=1.0,
        background_layout=layout.SimpleBoxLayoutRule(
            x_align=layout.AxisAlignment.ALIGN_MID,
            y_align=layout.AxisAlignment.ALIGN_MID,
            margins=layout.Margins.uniform(0),
            inner_content_scaling=layout.InnerScaling.SHRINK_TO_FIT,
        ),
    )


def approval_text(name: str, side: str | None, role: str | None, when: dt.datetime, script: str = "sc") -> str:
    s_zh, s_en = side_label(side, script)
    r_zh, r_en = role_label(role, script)
    return "\n".join(
        [
            f"{s_zh} · {r_zh}",
            f"{s_en} · {r_en}",
            name,
            label("签署时间", script) + f" Signed: {format_local(when)}",
            label("数字签名", script) + " Digitally signed",
        ]
    )


def monitoring_text(
    *,
    number: int,
    date: dt.date,
    monitor: str,
    obligation: str,
    status: str,
    summary_lines: Sequence[str],
    sha256_hex: str,
    width: int = 60,
    script: str = "sc",
) -> str:
    def lb(t: str) -> str:
        return label(t, script)

    lines = [
        lb("监测更新") + f" Monitoring update {number} · {date.isoformat()}",
        lb("监测员") + f" Monitor: {monitor}",
        *wrap_cells(lb("义务") + f" Obligation: {obligation}", width, 1),
        *wrap_cells(lb("状态") + f" Status: {status}", width, 1),
        *wrap_cells(lb("摘要") + " Summary: " + " ".join(s.strip() for s in summary_lines if s.strip()), width, 3),
        lb("全文") + f" SHA-256: {sha256_hex[:32]}",
        f"{' ' * 14}{sha256_hex[32:]}",
    ]
    return "\n".join(lines)
