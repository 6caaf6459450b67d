"""Full-text search over the register's published fields (issue 13), in the database's own text search:
PostgreSQL's (to_tsvector / to_tsquery, the `simple` configuration) on PostgreSQL, SQLite's FTS5 on
the embedded default.

What is searched is only what the register publishes of a case (casedocs.services.register): its
number, region, country, industry and issue types, and the labels of its stage, path, outcome and
party categories in Simplified and Traditional Chinese and in English, and its points in dispute as the
public reads them (casedocs.services.register_claims: never a withheld claim, nor its placeholder, nor a
natural person's name). Never a title (titles name the parties) nor anything the public may not read.

Chinese has no spaces between words, so it is indexed as overlapping character bigrams (and single
characters, for a one-character query): "外部专家调解" is found by "调解" or "专家". Latin words are
indexed whole and matched by prefix ("cob" finds "cobalt"). Each token is written as a letter and
the hex of its UTF-8 bytes, so that both engines see plain ASCII words and tokenise them alike
whatever their locale or ICU support (PostgreSQL's parser and FTS5's unicode61 treat CJK differently);
a hex prefix is the prefix of the word, so prefix matching still works.

The register is small (a few hundred bytes of published text per case), so each search sends the
published documents with the query: no index table has to be kept in step with the record. Both
engines still do the matching; a register of tens of thousands of cases would want a stored index.
"""
from __future__ import annotations

import re
import unicodedata
from collections.abc import Sequence

from sqlalchemy import bindparam, text
from sqlalchemy.orm import Session

from casedocs.services.register import PublicCase
from docgen.locale import to_traditional

_CJK = "\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff"
_TOKENS = re.compile(rf"[{_CJK}]+|[^\W_{_CJK}]+")
_IS_CJK = re.compile(rf"[{_CJK}]")
MAX_QUERY_TOKENS = 16


def _word(raw: str) -> str:
    return "w" + raw.encode("utf-8").hex()


def _han(raw: str) -> str:
    return "c" + raw.encode("utf-8").hex()


def _normal(raw: str) -> str:
    """NFKC (full-width letters, compatibility ideographs), lower case, accents removed from Latin."""
    folded = unicodedata.normalize("NFKC", raw).lower()
    return "".join(ch for ch in unicodedata.normalize("NFKD", folded) if not unicodedata.combining(ch))


def index_tokens(raw: str) -> list[str]:
    """The tokens a published text is indexed by: Latin words; Chinese unigrams and bigrams."""
    found: list[str] = []
    for run in _TOKENS.findall(_normal(raw)):
        if _IS_CJK.match(run):
            found += [_han(ch) for ch in run] + [_han(run[i:i + 2]) for i in range(len(run) - 1)]
        else:
            found.append(_word(run))
    return found


def query_terms(raw: str) -> list[tuple[str, bool]]:
    """A query's terms, each with whether it matches as a prefix: every term must match (AND)."""
    terms: list[tuple[str, bool]] = []
    for run in _TOKENS.findall(_normal(raw)):
        if _IS_CJK.match(run):
            terms += [(_han(run), False)] if len(run) == 1 else [(_han(run[i:i + 2]), False) for i in range(len(run) - 1)]
        else:
            terms.append((_word(run), True))
    return list(dict.fromkeys(terms))[:MAX_QUERY_TOKENS]


def document(case: PublicCase) -> str:
    """The published text of a case, as indexed."""
    labelled = [case.stage, case.outcome, *([case.path] if case.path else []),
                *(c for cats in case.party_categories.values() for c in cats)]
    parts = [case.number, case.region, case.country, case.industry, *case.issue_types,
             *(text for point in case.points for text in point.searchable())]
    for value in labelled:
        parts += [value.zh, to_traditional(value.zh), value.en]
    return " ".join(token for part in parts for token in index_tokens(part))


def search(session: Session, cases: Sequence[PublicCase], query: str) -> set[str]:
    """The numbers of the `cases` whose published text matches every term of `query`, by the database's
    text search. An empty query (or one without a letter or character) matches every case. Caller's
    session; reads only (SQLite: a temporary FTS5 table of this connection, emptied after use)."""
    terms = query_terms(query)
    if not terms:
        return {c.number for c in cases}
    if not cases:
        return set()
    numbers, bodies = [c.number for c in cases], [document(c) for c in cases]
    if session.get_bind().dialect.name == "postgresql":
        tsquery = " & ".join(f"{term}:*" if prefix else term for term, prefix in terms)
        statement = text("SELECT d.n FROM unnest(CAST(:numbers AS text[]), CAST(:bodies AS text[])) AS d(n, b) "
                         "WHERE to_tsvector('simple', d.b) @@ to_tsquery('simple', :q)")
        rows = session.execute(statement, {"numbers": numbers, "bodies": bodies, "q": tsquery})
        return {row[0] for row in rows}
    # FTS5: a bareword query; every term is [a-z0-9]+ (never an FTS5 keyword: they are upper case).
    match = " ".join(f"{term}*" if prefix else term for term, prefix in terms)
    session.execute(text("CREATE VIRTUAL TABLE IF NOT EXISTS temp.register_fts USING fts5(n UNINDEXED, b)"))
    try:
        session.execute(text("DELETE FROM temp.register_fts"))
        session.execute(text("INSERT INTO temp.register_fts (n, b) VALUES (:n, :b)"),
                        [{"n": n, "b": b} for n, b in zip(numbers, bodies)])
        rows = session.execute(text("SELECT n FROM temp.register_fts WHERE register_fts MATCH :q")
                               .bindparams(bindparam("q")), {"q": match})
        return {row[0] for row in rows}
    finally:
        session.execute(text("DELETE FROM temp.register_fts"))
