"""Pages whose characters carry pinyin glosses (桐鄉(xiāng)經(jīng)濟(jì)), read on a view without them.

Some reposted pages write the reading after each hard character. Every name in such a
page is cut by glosses, so no name matcher, segmenter or model can see it. The NLP stages
read a *view* of the document with the glosses removed; every offset they find is mapped
back to the original text, so mentions and proposals quote the page as published.

>>> view, back = gloss_view("桐鄉(xiāng)經(jīng)濟(jì)開發區")
>>> view, back[2], back[len(view)]
('桐鄉經濟開發區', 9, 24)
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import replace
from typing import Any

from .model import Analysis, Document, Span

__all__ = ["analyse_glossed", "gloss_view", "is_glossed"]

# a romanised syllable with tone marks (or plain letters) in brackets right after a Han
# character; a gloss cut by the end of the page (經(j) counts too
GLOSS = re.compile(
    r"(?<=[\u3400-\u9fff])[(（][a-zA-Zāáǎàēéěèīíǐìōóǒòūúǔùǖǘǚǜüńňǹḿ]{1,7}(?:[)）]|(?=\W|$)|\ufffd+)"
)
MIN_GLOSSES = 5  # fewer is a bracketed word or two, not a glossed page


def is_glossed(text: str) -> bool:
    """Does the page gloss its characters (at least a few glosses, most with tone marks)?"""
    found = GLOSS.findall(text[:20000])
    toned = sum(1 for g in found if re.search(r"[āáǎàēéěèīíǐìōóǒòūúǔùǖǘǚǜ]", g))
    return len(found) >= MIN_GLOSSES and toned * 2 >= len(found)


def gloss_view(text: str) -> tuple[str, list[int]]:
    """The text without glosses and, for each view offset (and the end), the original offset."""
    out: list[str] = []
    back: list[int] = []
    pos = 0
    for m in GLOSS.finditer(text):
        out.append(text[pos : m.start()])
        back.extend(range(pos, m.start()))
        pos = m.end()
    out.append(text[pos:])
    back.extend(range(pos, len(text)))
    back.append(len(text))
    return "".join(out), back


def _forward(back: list[int]) -> Callable[[int], int]:
    import bisect

    def to_view(offset: int) -> int:
        return bisect.bisect_left(back, offset)

    return to_view


def _view_document(doc: Document) -> tuple[Document, list[int]]:
    view, back = gloss_view(doc.text)
    fwd = _forward(back)

    def span(s: Span) -> Span:
        return Span(fwd(s.start), fwd(s.end))

    return (
        replace(
            doc,
            text=view,
            sentences=tuple(span(s) for s in doc.sentences),
            sections=tuple(replace(s, span=span(s.span)) for s in doc.sections),
            glossary=tuple(
                replace(g, headword_span=span(g.headword_span), definition_span=span(g.definition_span))
                for g in doc.glossary
            ),
            footnotes=tuple(
                replace(f, span=span(f.span), anchor=span(f.anchor) if f.anchor else None) for f in doc.footnotes
            ),
            removed=(),
        ),
        back,
    )


def analyse_glossed(analyse: Callable[[Any, Document], Analysis], nlp: Any, doc: Document) -> Analysis:
    """``analyse(nlp, doc)``, on the gloss-free view when the page glosses its characters."""
    if not is_glossed(doc.text):
        return analyse(nlp, doc)
    view, back = _view_document(doc)
    got = analyse(nlp, view)

    def span(s: Span) -> Span:
        # a name ends after the gloss of its last character: 桐鄉(xiāng), as published
        start = back[s.start]
        return Span(start, back[s.end] if s.end > s.start else start)

    def sentence(s: Span) -> int:
        return doc.sentence_index(span(s).start)

    text = doc.text
    return replace(
        got,
        mentions=tuple(
            replace(m, span=span(m.span), surface=text[span(m.span).start : span(m.span).end]) for m in got.mentions
        ),
        proposals=tuple(
            replace(p, span=span(p.span), surface=text[span(p.span).start : span(p.span).end]) for p in got.proposals
        ),
        facts=tuple(replace(f, span=span(f.span), sentence=sentence(f.span)) for f in got.facts),
        figures=tuple(replace(f, span=span(f.span), sentence=sentence(f.span)) for f in got.figures),
    )
