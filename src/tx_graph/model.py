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
    "Analysis",
    "Candidate",
    "Curation",
    "Definition",
    "Document",
    "Entity",
    "Fact",
    "Figure",
    "FootnoteRef",
    "GlossaryEntry",
    "Indicator",
    "Mention",
    "NoiseRules",
    "Observation",
    "Proposal",
    "Section",
    "Source",
    "Span",
    "Statement",
    "Term",
    "Token",
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

    def sentence_index(self, offset: int) -> int:
        """Index of the sentence containing ``offset``, or -1 (binary search: documents
        can be long)."""
        lo, hi = 0, len(self.sentences) - 1
        while lo <= hi:
            mid = (lo + hi) // 2
            span = self.sentences[mid]
            if offset < span.start:
                hi = mid - 1
            elif offset >= span.end:
                lo = mid + 1
            else:
                return mid
        return -1

    def sentence_at(self, offset: int) -> Span:
        """The sentence containing ``offset`` (an empty span there if none does)."""
        index = self.sentence_index(offset)
        return self.sentences[index] if index >= 0 else Span(offset, offset)


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
    geo: tuple[str, str] | None = None  # (latitude, longitude) in decimal degrees, as written

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


STATEMENT_KINDS = ("award", "partnership", "management", "rename", "milestone", "role", "event", "figure")
STATEMENT_ROLES = ("agent", "object", "participant", "recipient", "location")


@dataclass(frozen=True)
class Statement:
    """A stated fact between entities (docs/vocabulary.md, "statements"): curated in
    ``facts:`` (``source`` set) or read from a sentence by a rule (``rule`` set).

    ``roles`` pairs a schema.org Action role with an entity id (``term:<id>`` for a
    glossary term). ``detail`` is the kind's own value: the award's title, the role's
    name (主平台), the milestone's stage, the event's kind, the figure's measure.
    ``time`` is as precise as the text: ``2017``, ``2017-09`` or ``2017-09-05``."""

    kind: str
    roles: tuple[tuple[str, str], ...]
    label: str
    detail: str | None = None
    time: str | None = None
    year_stated: bool = True
    period: str | None = None  # a part of a year as written: 1-9月
    value: str | None = None  # decimal as written, with ``unit`` (one of curation.UNITS)
    unit: str | None = None
    qualifier: str | None = None  # planned | expected | cumulative | annualAverage | achieved
    edition: int | None = None
    former_name: str | None = None
    related: tuple[str, ...] = ()  # role: the city campaign a part shares its theme with
    quote: str | None = None
    doc_id: str | None = None
    span: Span | None = None
    rule: str | None = None
    id: str | None = None
    source: Source | None = None
    file: str | None = None

    def ids(self, *roles: str) -> tuple[str, ...]:
        return tuple(ref for role, ref in self.roles if not roles or role in roles)


@dataclass(frozen=True)
class Curation:
    entities: dict[str, Entity]
    terms: dict[str, Term]
    indicators: dict[str, Indicator]
    observations: tuple[Observation, ...]
    noise: NoiseRules
    files: tuple[str, ...] = field(default=())  # the files read, relative paths
    statements: tuple[Statement, ...] = ()  # curated facts (``facts:``), see tx_graph.facts

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
    "honour": "honour",
    "project": "project",
    "event": "event",
    "event-series": "event",
}
PLACE_TYPES = frozenset(t for t, k in ENTITY_TYPES.items() if k in ("place", "park"))


# ---------------------------------------------------------------- extraction (NLP stages)


@dataclass(frozen=True)
class Token:
    """A segmenter token: offsets into the document text, the segmenter's POS tag and the
    word's frequency in the segmenter's dictionary (0: not a dictionary word)."""

    start: int
    end: int
    tag: str
    freq: int = 0


@dataclass(frozen=True)
class Proposal:
    """One occurrence of a name that curation does not know yet, as a discovery rule saw it.

    ``label`` is the proposed name (quotes dropped, a leading parent place split off for
    villages and the like); ``surface`` is ``text[span]`` exactly.
    """

    doc_id: str
    span: Span
    surface: str
    label: str
    type: str
    rule: str
    confidence: float
    parent: str | None = None  # surface of the place the text puts it in
    cue: str | None = None  # the cue word or suffix that fired


@dataclass(frozen=True)
class Candidate:
    """A proposed new entity: the proposals of one label grouped over all documents."""

    id: str
    label: str
    type: str
    score: float
    count: int
    mentions: tuple[Proposal, ...]
    rules: tuple[str, ...]
    parent: str | None = None  # entity id, or a candidate label
    aliases: tuple[str, ...] = ()
    kind: str = "entity"  # entity | figure


@dataclass(frozen=True)
class Fact:
    """A relation read from one sentence. ``subject``/``object`` are entity ids,
    ``candidate:<label>`` for a proposed entity, or ``year:<yyyy>``; ``value`` holds a
    literal (amounts in base units) when the object is a value."""

    doc_id: str
    sentence: int  # index into Document.sentences
    span: Span  # the evidence words
    subject: str
    predicate: str  # containedInPlace | location | developer | investment | temporal
    object: str
    rule: str
    value: str | None = None
    unit: str | None = None


@dataclass(frozen=True)
class Figure:
    """An indicator value read from text (an extracted qb:Observation)."""

    doc_id: str
    sentence: int
    span: Span  # the quote: indicator phrase through value and unit
    indicator: str  # indicator id (curated) or ``new:<label>``
    indicator_label: str
    area: str  # entity id
    period: int
    value: str  # decimal as written
    unit: str
    kind: str  # actual | target
    rule: str


@dataclass(frozen=True)
class Analysis:
    """Everything the NLP stages read from one document (what the cache stores)."""

    doc_id: str
    mentions: tuple[Mention, ...]
    proposals: tuple[Proposal, ...] = ()
    facts: tuple[Fact, ...] = ()
    figures: tuple[Figure, ...] = ()
    tokens: int = 0
    truncated: bool = False
