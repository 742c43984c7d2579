"""The values passed between stages: frozen dataclasses, no behaviour beyond accessors.

Offsets are Python string offsets into :attr:`Document.text` (the normalised text),
half-open: ``text[start:end]``.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date

__all__ = [
    "ENTITY_TYPES",
    "Curation",
    "Definition",
    "Document",
    "Entity",
    "FootnoteRef",
    "GlossaryEntry",
    "Indicator",
    "Mention",
    "NoiseRules",
    "Observation",
    "Section",
    "Source",
    "Span",
    "Term",
]


@dataclass(frozen=True, order=True)
class Span:
    start: int
    end: int

    def text(self, text: str) -> str:
        return text[self.start : self.end]


@dataclass(frozen=True)
class Section:
    """A numbered part of a document: level 1 ``一、``, level 2 ``(一)``, level 3 ``1.``."""

    number: str
    level: int
    heading: str
    span: Span
    path: str  # e.g. "3.1.2": the ordinal path, stable for a given text


@dataclass(frozen=True)
class GlossaryEntry:
    """One 名词解释 entry: the headword exactly as written and its definition."""

    headword: str
    definition: str
    number: int | None
    headword_span: Span
    definition_span: Span


@dataclass(frozen=True)
class FootnoteRef:
    """An inline mark such as ``[1]`` after a term, linked to the glossary entry it points at."""

    number: int
    span: Span
    entry_index: int | None  # index into Document.glossary; None when no entry has the number
    anchor: Span | None  # the term occurrence just before the mark, when found


@dataclass(frozen=True)
class Document:
    id: str
    source_path: str
    source_line: int
    title: str
    site_tag: str | None
    posted: date | None  # the date the site posted it
    issued: date | None  # the document's own date (meeting date, 发文日期)
    year: int | None  # the year the title names (报告年份)
    publisher: str | None
    speaker: str | None
    occasion: str | None
    kind: str  # news | work-report | work-plan
    text: str
    sentences: tuple[Span, ...]
    sections: tuple[Section, ...]
    glossary: tuple[GlossaryEntry, ...]
    footnotes: tuple[FootnoteRef, ...]
    removed: tuple[tuple[int, str], ...] = ()  # (offset in text, removed noise) to rebuild the raw text
    metadata: tuple[tuple[str, str], ...] = ()  # header fields as found (索引号, 文件编号, …)

    def sentence_at(self, offset: int) -> Span:
        """The sentence containing ``offset`` (binary search over sorted spans)."""
        lo, hi = 0, len(self.sentences) - 1
        while lo <= hi:
            mid = (lo + hi) // 2
            span = self.sentences[mid]
            if offset < span.start:
                hi = mid - 1
            elif offset >= span.end:
                lo = mid + 1
            else:
                return span
        return Span(offset, offset)


@dataclass(frozen=True)
class NoiseRules:
    """Scraping noise, kept in curation data (``noise:``) so new noise needs no code."""

    strings: tuple[str, ...] = ()
    footer_lines: tuple[str, ...] = ()
    line_patterns: tuple[re.Pattern[str], ...] = ()
    trailing_patterns: tuple[re.Pattern[str], ...] = ()


@dataclass(frozen=True)
class Source:
    """Where a curated value was written: file and 1-based line/column."""

    path: str
    line: int
    column: int

    def __str__(self) -> str:
        return f"{self.path}:{self.line}:{self.column}"


@dataclass(frozen=True)
class Entity:
    id: str
    type: str
    label: str
    aliases: tuple[str, ...]
    source: Source
    file: str  # curation file stem: the named graph its facts go to
    parent: str | None = None
    en: str | None = None
    pinyin: str | None = None
    wikidata: str | None = None
    companies: tuple[str, ...] = ()
    part_of: tuple[str, ...] = ()
    years: tuple[int, ...] = ()
    notes: str | None = None

    @property
    def names(self) -> tuple[str, ...]:
        return (self.label, *self.aliases)


@dataclass(frozen=True)
class Term:
    id: str
    label: str
    aliases: tuple[str, ...]
    source: Source
    file: str
    focus: str | None = None
    en: str | None = None
    notes: str | None = None


@dataclass(frozen=True)
class Indicator:
    id: str
    label: str
    source: Source
    file: str
    en: str | None = None


@dataclass(frozen=True)
class Observation:
    indicator: str
    area: str
    period: int
    value: str  # decimal as written
    unit: str
    kind: str  # actual | target
    quote: str
    source: Source
    file: str
    note: str | None = None


@dataclass(frozen=True)
class Curation:
    entities: dict[str, Entity]
    terms: dict[str, Term]
    indicators: dict[str, Indicator]
    observations: tuple[Observation, ...]
    noise: NoiseRules
    files: tuple[str, ...] = field(default=())  # the files read, relative paths

    def entities_of(self, *types: str) -> list[Entity]:
        return [e for e in self.entities.values() if e.type in types]


@dataclass(frozen=True)
class Mention:
    """An occurrence of a known entity (or glossary term) in a document."""

    doc_id: str
    span: Span
    target: str  # entity id, or "term:<id>" for a glossary term without focus
    surface: str
    rule: str  # what found it, e.g. "gazetteer.v1"


@dataclass(frozen=True)
class Definition:
    """A glossary entry resolved to its concept."""

    term_id: str
    doc_id: str
    entry_index: int


ENTITY_TYPES: dict[str, str] = {
    # type -> IRI kind segment
    "country": "place",
    "province": "place",
    "prefecture-city": "place",
    "county-city": "place",
    "district": "place",
    "town": "place",
    "subdistrict": "place",
    "village": "place",
    "community": "place",
    "park": "park",
    "landmark": "place",
    "government-body": "org",
    "company": "org",
    "organisation": "org",
    "policy": "policy",
    "programme": "programme",
    "project": "project",
    "event": "event",
    "event-series": "event",
}
PLACE_TYPES = frozenset(t for t, k in ENTITY_TYPES.items() if k in ("place", "park"))
