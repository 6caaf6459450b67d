"""Editions and the conventions of each language: dates, labels, Traditional characters."""
from __future__ import annotations

import re
from dataclasses import dataclass
import datetime
from enum import StrEnum
from functools import lru_cache
from typing import Any

from babel.dates import format_date

from cases.vocabulary import Labelled


class Edition(StrEnum):
    ZH = "zh"                # authoritative
    EN = "en"
    ZH_HANT = "zh-Hant"      # converted from the zh rendering
    BILINGUAL = "bilingual"  # zh then en, with a clause that the Chinese text prevails

    @classmethod
    def parse(cls, raw: str) -> "Edition":
        try:
            return cls(raw)
        except ValueError:
            raise ValueError(f"unknown edition {raw!r}; valid: {', '.join(e.value for e in cls)}") from None


# Character-level conversions only: the phrase-level ones (s2twp, s2hkp?) change legal vocabulary
# (程序 → 程式, 信息 → 資訊), which is wrong for an instrument.
HANT_VARIANTS = {"s2t": "zh-TW", "s2tw": "zh-TW", "s2hk": "zh-HK"}
# The installation's choice comes from casedocs.config.Settings.hant_variant.
DEFAULT_HANT_VARIANT = "s2tw"


@lru_cache(maxsize=4)
def _opencc(variant: str) -> Any:  # opencc publishes no types
    import opencc

    return opencc.OpenCC(f"{variant}.json")


def to_traditional(text: str, variant: str = DEFAULT_HANT_VARIANT) -> str:
    return _opencc(variant).convert(text) if text else text


_CN_DIGITS = {"一": 1, "二": 2, "三": 3, "四": 4, "五": 5, "六": 6, "七": 7, "八": 8, "九": 9, "十": 10}
_ROMAN = {1: "I", 2: "II", 3: "III", 4: "IV", 5: "V", 6: "VI", 7: "VII", 8: "VIII", 9: "IX", 10: "X"}


def clause_en(clause_zh: str) -> str:
    """第四章第一节第1.2条 → Chapter IV, Section 1, Article 1.2 (of the Procedural Rules)."""
    parts = []
    for number, unit in re.findall(r"第([一二三四五六七八九十\d.]+)([章节条])", clause_zh):
        value = _CN_DIGITS.get(number, number)
        if unit == "章":
            parts.append(f"Chapter {_ROMAN.get(value, value) if isinstance(value, int) else value}")
        elif unit == "节":
            parts.append(f"Section {value}")
        else:
            parts.append(f"Article {value}")
    return ", ".join(parts) or clause_zh


@dataclass(frozen=True)
class Localizer:
    """Formats values for one language. `text` converts free text; names are never converted."""

    lang: str  # "zh", "en" or "zh-Hant"
    hant_variant: str = DEFAULT_HANT_VARIANT  # how zh-Hant converts (HANT_VARIANTS)

    @property
    def is_zh(self) -> bool:
        return self.lang != "en"

    def date(self, value: datetime.date | None) -> str:
        if value is None:
            return ""
        if self.is_zh:
            return f"{value.year}年{value.month}月{value.day}日"
        return format_date(value, format="d MMMM y", locale="en_GB")

    def label(self, value: Labelled | None) -> str:
        if value is None:
            return ""
        return self.text(value.zh) if self.is_zh else value.en

    def pick(self, zh: str, en: str) -> str:
        return self.text(zh) if self.is_zh else en

    def text(self, value: str) -> str:
        return to_traditional(value, self.hant_variant) if self.lang == Edition.ZH_HANT.value else value

    def clause(self, clause_zh: str) -> str:
        return self.text(clause_zh) if self.is_zh else clause_en(clause_zh)

    def join(self, items: list[str]) -> str:
        return ("、" if self.is_zh else "; ").join(i for i in items if i)
