"""Content-stream syntax: instructions, strings and numbers (ISO 32000-1 §7.3, §7.8.2).

Content streams are parsed one *instruction* (operands + operator) per regex match: the C regex
engine does the tokenising, Python only sees the operators (300-2,800 a page on the rendered
instruments, a fifth of the tokens), and parses the operands of the dozen that place or style
text.
"""
from __future__ import annotations

import re

Matrix = tuple[float, float, float, float, float, float]
IDENTITY: Matrix = (1.0, 0.0, 0.0, 1.0, 0.0, 0.0)


def matrix(values: list[float] | tuple[float, ...]) -> Matrix:
    """The first six numbers as a matrix (raises ValueError on fewer)."""
    a, b, c, d, e, f = values[:6]
    return (a, b, c, d, e, f)


def multiply(m: Matrix, n: Matrix) -> Matrix:
    """m x n in PDF's row-vector convention (apply m first, then n)."""
    a, b, c, d, e, f = m
    A, B, C, D, E, F = n
    return (a * A + b * C, a * B + b * D, c * A + d * C, c * B + d * D, e * A + f * C + E, e * B + f * D + F)


_STR_LIT = rb"\((?:[^()\\]|\\.|\((?:[^()\\]|\\.)*\))*\)"  # one level of unescaped nesting
# Possessive quantifiers (Python 3.11+): no backtracking into operands, which halves the time
# of the scan.
_OPERAND = (
    rb"[+-]?+(?:\d++\.?+\d*+|\.\d++)"
    rb"|/[^\s/\[\]()<>{}%]*+"
    rb"|<[0-9A-Fa-f\s]*+>"
    rb"|\[(?:[^\[\]()]++|" + _STR_LIT + rb")*+\]"
    rb"|" + _STR_LIT
    + rb"|<<(?:[^<>]++|<[^<>]*+>|<<(?:[^<>]|<[^<>]*>)*>>)*+>>"  # property lists (BDC, DP)
)
# (operands, operator) of one instruction.
INSTRUCTION = re.compile(rb"((?:\s*+(?:" + _OPERAND + rb"))*+)\s*+([A-Za-z'\"*][A-Za-z0-9*']*+)", re.S)
# The items of a TJ array (or the string of Tj, ', "): (hex digits, literal, number).
TJ_ITEM = re.compile(rb"<([0-9A-Fa-f\s]*)>|(" + _STR_LIT + rb")|([+-]?(?:\d+\.?\d*|\.\d+))", re.S)
INLINE_IMAGE = re.compile(rb"(?<![^\s])BI\s.*?\sID\s.*?\sEI(?=\s|$)", re.S)
NUMERIC_OPS = frozenset({b"Td", b"TD", b"Tm", b"cm", b"Tc", b"Tw", b"Tz", b"TL", b"Ts", b"Tr",
                         b"rg", b"g", b"k", b"sc", b"scn"})
# Everything else (marked content, paths, line styles...) cannot move or style text.
TEXT_OPS = NUMERIC_OPS | {b"TJ", b"Tj", b"'", b'"', b"Tf", b"BT", b"T*", b"q", b"Q", b"cs", b"Do"}
_ESC = {ord("n"): b"\n", ord("r"): b"\r", ord("t"): b"\t", ord("b"): b"\b", ord("f"): b"\f"}


def hexstring(digits: bytes) -> bytes:
    try:
        return bytes.fromhex(digits.decode())  # skips whitespace itself
    except ValueError:
        digits = re.sub(rb"\s", b"", digits)
        return bytes.fromhex((digits + b"0" * (len(digits) % 2)).decode())  # odd length: a final 0 is implied


def literal(token: bytes) -> bytes:
    """The bytes of a literal string token, parentheses included."""
    body = token[1:-1]
    if b"\\" not in body:
        return body
    out = bytearray()
    i, n = 0, len(body)
    while i < n:
        c = body[i]
        i += 1
        if c != 0x5C or i >= n:  # not a backslash
            out.append(c)
            continue
        c = body[i]
        i += 1
        if c in _ESC:
            out += _ESC[c]
        elif 0x30 <= c <= 0x37:  # octal, up to three digits
            j = i
            while j < n and j < i + 2 and 0x30 <= body[j] <= 0x37:
                j += 1
            out.append(int(body[i - 1 : j], 8) & 0xFF)
            i = j
        elif c == 0x0D:  # line continuation
            i += i < n and body[i] == 0x0A
        elif c != 0x0A:
            out.append(c)
    return bytes(out)


def last_string(operands: bytes) -> bytes | None:
    """The last string operand (of Tj, ', ")."""
    for hexdigits, lit, number in reversed(TJ_ITEM.findall(operands)):
        if not number:  # a string: literal, or hex (possibly empty)
            return literal(lit) if lit else hexstring(hexdigits)
    return None


def show_items(operands: bytes) -> list[bytes | float]:
    """The strings and kerning numbers of a TJ array."""
    return [float(num) if num else literal(lit) if lit else hexstring(hexdigits)
            for hexdigits, lit, num in TJ_ITEM.findall(operands)]


def numbers(operands: bytes) -> list[float]:
    out = []
    for word in operands.split():
        try:
            out.append(float(word))
        except ValueError:
            pass  # a colour-space or pattern name among sc/scn operands
    return out
