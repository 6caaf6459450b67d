"""The two working languages of free text (第六章: Chinese and English; the secretariat arranges translation).

A free-text value is written in one of them. Which one is read from the text itself (its share of
Chinese characters among its letters) unless a translation recorded the original's language.
"""
from __future__ import annotations

import re

from cases.vocabulary import Labelled, _labels


class Language(Labelled):
    ZH = "zh"
    EN = "en"

    @property
    def other(self) -> Language:
        return Language.EN if self is Language.ZH else Language.ZH


_labels(Language, {"zh": ("中文", "Chinese"), "en": ("英文", "English")})

_HAN = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]")
_LATIN_WORD = re.compile(r"[A-Za-z\u00c0-\u024f]+")
# Chinese words are about one and a half characters long: a text is Chinese when its Chinese characters
# make more words than its Latin ones, so an English sentence naming a Chinese company stays English.
_HAN_PER_WORD = 1.5


def detect_language(text: str) -> Language:
    """The language `text` is mostly written in, counted in words."""
    han, latin_words = len(_HAN.findall(text)), len(_LATIN_WORD.findall(text))
    return Language.ZH if han and han / _HAN_PER_WORD > latin_words else Language.EN
