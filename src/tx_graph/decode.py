"""Corpus bytes → text: UTF-8 expected, anything else read as well as it can be.

A file is lost only when it is not text at all. Byte-order marks, UTF-16 without one,
GB18030/GBK lines pasted into UTF-8, stray NULs and single bad bytes are read (each
reported as a :class:`~tx_graph.errors.Problem` with its line), so one bad paragraph
costs that paragraph's characters, never the file's other documents.

>>> decode("标题\\r\\n正文".encode("utf-16"), "x.txt")
('标题\\n正文', [])
>>> decode(b"", "x.txt")[1][0].code
'E102'
"""

from __future__ import annotations

import re

from .errors import Errors, Problem

__all__ = ["EXPECTED_TEXT", "decode"]

EXPECTED_TEXT = "expected UTF-8 text: a title line, then the body"
# Share of undecodable bytes and control characters above which a file is junk, not text
# with a few bad bytes (a stray byte in an otherwise good file must not lose the file).
BINARY_SHARE = 0.1


def decode(raw: bytes, rel: str) -> tuple[str | None, list[Problem]]:
    if not raw.strip():
        return None, [Problem(rel, 1, None, "E102", f"{Errors.E102} ({EXPECTED_TEXT})")]
    for bom, codec in ((b"\xff\xfe", "utf-16-le"), (b"\xfe\xff", "utf-16-be")):
        # Windows' "Unicode" is UTF-16 with a BOM: full of NUL bytes, but text
        if raw.startswith(bom):
            try:
                return _lines_text(raw[len(bom) :].decode(codec)), []
            except UnicodeDecodeError as exc:
                line = raw[: exc.start].count(b"\n") + 1
                reason = f"{exc.reason} (the file starts with a {codec.upper()} byte-order mark)"
                return None, [Problem(rel, line, None, "E101", Errors.E101.format(offset=exc.start, reason=reason))]
    problems: list[Problem] = []
    nuls = raw.count(0)
    first_nul_line = raw[: raw.find(0)].count(b"\n") + 1 if nuls else 0
    if nuls:
        utf16 = _utf16_without_bom(raw)
        if utf16 is not None:
            text, codec = utf16
            return _lines_text(text), [Problem(rel, 1, None, "E110", Errors.E110.format(codec=codec.upper()))]
        if nuls > BINARY_SHARE * len(raw):
            return None, [Problem(rel, first_nul_line, None, "E103", Errors.E103.format(why="NUL bytes"))]
        # a few NULs in text (a bad copy, a truncated write) cost the NULs, not the file
        lines = sorted({raw.count(b"\n", 0, at) + 1 for at in _positions(raw, 0)})
        where = f"line {lines[0]}" + (f" and {len(lines) - 1} more line(s)" if len(lines) > 1 else "")
        problems.append(Problem(rel, lines[0], None, "E108", Errors.E108.format(count=nuls, where=where)))
        raw = raw.replace(b"\x00", b"")
    raw = raw.removeprefix(b"\xef\xbb\xbf")
    try:
        return _lines_text(raw.decode("utf-8")), problems
    except UnicodeDecodeError:
        pass
    utf16 = _utf16_without_bom(raw)
    if utf16 is not None:  # Chinese-only UTF-16 has no NUL bytes at all
        text, codec = utf16
        return _lines_text(text), [Problem(rel, 1, None, "E110", Errors.E110.format(codec=codec.upper()))]
    # Line by line, so that a pasted GBK paragraph or one bad byte loses no other line:
    # a line that is not UTF-8 but is GB18030 (GBK's superset, what Chinese Windows
    # writes) is read as such; anything else with replacement characters.
    decoded: list[str] = []
    gbk_lines: list[tuple[int, int, str]] = []  # line, byte offset, reason
    bad: tuple[int, int, str] | None = None  # line, byte offset, reason
    offset = 0
    for number, chunk in enumerate(raw.split(b"\n"), start=1):
        try:
            decoded.append(chunk.decode("utf-8"))
        except UnicodeDecodeError as exc:
            try:
                decoded.append(chunk.decode("gb18030"))
                gbk_lines.append((number, offset + exc.start, exc.reason))
            except UnicodeDecodeError:
                decoded.append(chunk.decode("utf-8", errors="replace"))
                bad = bad or (number, offset + exc.start, exc.reason)
        offset += len(chunk) + 1
    text = "\n".join(decoded)
    junk = sum(1 for ch in text if ch == "\ufffd" or (ch < " " and ch not in "\t\n\r\f"))
    if bad is not None and junk > BINARY_SHARE * len(text):
        if nuls:  # NULs among junk: what a binary file looks like (an image, an archive)
            return None, [Problem(rel, first_nul_line, None, "E103", Errors.E103.format(why="NUL bytes"))]
        return None, [Problem(rel, bad[0], None, "E103", Errors.E103.format(why="undecodable bytes"))]
    if gbk_lines:
        first, at, why = gbk_lines[0]
        where = f"line {first}" if len(gbk_lines) == 1 else f"{len(gbk_lines)} lines from line {first}"
        reason = f"{why}; {where} read as GB18030/GBK instead (expected UTF-8: re-save the file as UTF-8)"
        problems.append(Problem(rel, first, None, "E101", Errors.E101.format(offset=at, reason=reason)))
    if bad is not None:
        reason = f"{bad[2]}; read with replacement characters (expected UTF-8: re-save the file as UTF-8)"
        problems.append(Problem(rel, bad[0], None, "E101", Errors.E101.format(offset=bad[1], reason=reason)))
    return _lines_text(text), sorted(problems)


def _positions(raw: bytes, byte: int) -> list[int]:
    found, at = [], raw.find(byte)
    while at >= 0:
        found.append(at)
        at = raw.find(byte, at + 1)
    return found


# What text in this corpus is made of: CJK ideographs and punctuation, full-width forms,
# ASCII and line breaks. UTF-16 read with the wrong byte order, or GBK bytes read as
# UTF-16, land elsewhere (Hangul, Yi, private use, CJK extension blocks).
_TEXT_CHAR = re.compile(r"[\u4e00-\u9fff\u3000-\u303f\uff00-\uffef\u2000-\u206f\x20-\x7e\t\n\r\u00b7]")
UTF16_TEXT_SHARE = 0.9


def _utf16_without_bom(raw: bytes) -> tuple[str, str] | None:
    """The text and codec if ``raw`` reads as UTF-16 (no byte-order mark) and what it
    reads as is text; else None. Both byte orders are tried; the one giving more text wins."""
    if len(raw) < 4 or len(raw) % 2:
        return None
    best: tuple[float, str, str] | None = None
    for codec in ("utf-16-le", "utf-16-be"):
        try:
            text = raw.decode(codec)
        except UnicodeDecodeError:
            continue
        share = len(_TEXT_CHAR.findall(text)) / max(len(text), 1)
        if share >= UTF16_TEXT_SHARE and (best is None or share > best[0]):
            best = (share, text, codec)
    return (best[1], best[2]) if best else None


def _lines_text(text: str) -> str:
    """One line ending, and no byte-order marks (files concatenated with theirs keep them
    mid-text, where they would hide a separator line)."""
    return text.replace("\r\n", "\n").replace("\r", "\n").replace("\ufeff", "")
