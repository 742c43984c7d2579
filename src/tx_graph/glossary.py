"""The 名词解释 (glossary) at the end of a report, and the [n] marks that point into it.

Reports explain their terms in a closing glossary, numbered (``1.数字乡村:…``) or not
(``数字乡村:…``), and mark a term's use in the text with ``[1]``. Everything is read in
the matching view (:func:`tx_graph.text.normalise`) and quoted from the text, as in
:mod:`tx_graph.ingest`.

>>> view = "建设数字乡村[1]。名词解释:1.数字乡村:用数字技术发展乡村。"
>>> start = find_glossary_start(view)
>>> [(e.headword, e.definition) for e in parse_glossary(view, view, start)]
[('数字乡村', '用数字技术发展乡村。')]
>>> ref = footnotes(view, parse_glossary(view, view, start), start)[0]
>>> ref.number, view[ref.anchor.start:ref.anchor.end]
(1, '数字乡村')
"""

from __future__ import annotations

import re

from .model import FootnoteRef, GlossaryEntry, Span
from .text import normalise

__all__ = ["GLOSSARY_MARK", "at_boundary", "find_glossary_start", "footnotes", "parse_glossary"]

GLOSSARY_MARK = re.compile(r"名词解释[:：]?")
NUMBERED_ENTRY = re.compile(r"(\d{1,2})[.．]\s*([^:：\s。]{1,30}?)[:：]")
UNNUMBERED_ENTRY = re.compile(r"(?:^|(?<=\s))([^\s:：。,，]{1,30})[:：]")
FOOTNOTE = re.compile(r"\[(\d{1,3})\]")
QUOTES = "“”\"'‘’「」『』"
SECTION_BOUNDARY = set("。！!？?；;：:") | {"\n"}


def at_boundary(text: str, pos: int) -> bool:
    return pos == 0 or text[pos - 1].isspace() or text[pos - 1] in SECTION_BOUNDARY


def find_glossary_start(view: str) -> int | None:
    """Offset just after the last 名词解释 heading that is followed by entries."""
    for m in reversed(list(GLOSSARY_MARK.finditer(view))):
        after = view[m.end() : m.end() + 40].lstrip()
        if re.match(r"\d{1,2}[.．]", after) or re.match(r"[^\s:：。]{1,30}[:：]", after):
            return m.end()
    return None


def parse_glossary(text: str, view: str, start: int) -> tuple[GlossaryEntry, ...]:
    region_start = start
    while region_start < len(view) and view[region_start].isspace():
        region_start += 1
    heads: list[tuple[int, int, int, int | None]] = []  # entry start, headword start, headword end, number
    if NUMBERED_ENTRY.match(view, region_start):
        expected = 1
        for m in NUMBERED_ENTRY.finditer(view, region_start):
            if int(m.group(1)) != expected:
                continue
            if m.start() != region_start and not at_boundary(view, m.start()):
                continue
            heads.append((m.start(), m.start(2), m.end(2), expected))
            expected += 1
    else:
        for m in UNNUMBERED_ENTRY.finditer(view, region_start):
            heads.append((m.start(), m.start(1), m.end(1), None))
    entries: list[GlossaryEntry] = []
    for idx, (_, hw_start, hw_end, number) in enumerate(heads):
        def_start = hw_end + 1
        def_end = heads[idx + 1][0] if idx + 1 < len(heads) else len(text)
        while def_end > def_start and text[def_end - 1].isspace():
            def_end -= 1
        entries.append(
            GlossaryEntry(
                headword=text[hw_start:hw_end],
                definition=text[def_start:def_end],
                number=number,
                headword_span=Span(hw_start, hw_end),
                definition_span=Span(def_start, def_end),
            )
        )
    return tuple(entries)


def footnotes(view: str, glossary: tuple[GlossaryEntry, ...], glossary_start: int | None) -> tuple[FootnoteRef, ...]:
    limit = glossary_start if glossary_start is not None else len(view)
    by_number = {e.number: i for i, e in enumerate(glossary) if e.number is not None}
    refs: list[FootnoteRef] = []
    for m in FOOTNOTE.finditer(view, 0, limit):
        number = int(m.group(1))
        index = by_number.get(number)
        anchor = None
        if index is not None:
            anchor = _anchor_before(view, m.start(), normalise(glossary[index].headword))
        refs.append(FootnoteRef(number, Span(m.start(), m.end()), index, anchor))
    return tuple(refs)


def _anchor_before(view: str, mark: int, headword: str) -> Span | None:
    window_start = max(0, mark - len(headword) - 40)
    for candidate in (headword, headword.strip(QUOTES), _strip_quotes(headword)):
        if not candidate:
            continue
        pos = view.rfind(candidate, window_start, mark + 1)
        if pos >= 0:
            return Span(pos, pos + len(candidate))
    return None


def _strip_quotes(text: str) -> str:
    return "".join(ch for ch in text if ch not in QUOTES)
