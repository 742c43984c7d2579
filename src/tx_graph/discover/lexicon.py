"""What curation knows, in the form the NLP stages need (:class:`Lexicon`), and the token tuple."""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import NamedTuple

from ..model import ENTITY_TYPES, Curation, Token
from ..text import norm_label


class SegToken(NamedTuple):
    """A segmenter token as the fast segmenter makes it: same fields as
    :class:`tx_graph.model.Token`, but a tuple (tens of thousands are made per document)."""

    start: int
    end: int
    tag: str
    freq: int = 0


TokenLike = Token | SegToken


@dataclass(frozen=True)
class Lexicon:
    """What curation knows, in the form the NLP stages need."""

    names: Mapping[str, str]  # name as curated → target (entity id or term:<id>)
    types: Mapping[str, str]  # target → entity type ("term" for glossary concepts)
    labels: Mapping[str, str]  # target → label
    indicators: Mapping[str, str] = field(default_factory=dict)  # indicator label → id
    rejected: frozenset[str] = frozenset()  # norm_label of rejected candidates
    keys: Mapping[str, str] = field(default_factory=dict)  # norm_label(name) → target

    @classmethod
    def from_curation(
        cls,
        curation: Curation,
        glossary_targets: Mapping[str, str] | None = None,
        rejected: Iterable[str] = (),
    ) -> Lexicon:
        from ..gazetteer import gazetteer_names

        names = gazetteer_names(curation, glossary_targets or {})
        types: dict[str, str] = {e.id: e.type for e in curation.entities.values()}
        labels: dict[str, str] = {e.id: e.label for e in curation.entities.values()}
        for name, target in names.items():
            if target.startswith("term:"):
                types.setdefault(target, "term")
                labels.setdefault(target, name)
        # what discovery treats as known: entities and curated glossary terms; a headword
        # the glossary stage minted a concept for on its own is still a candidate
        keys: dict[str, str] = {}
        for name, target in names.items():
            if not target.startswith("term:") or target[5:] in curation.terms:
                keys.setdefault(norm_label(name), target)
        for entity in curation.entities.values():
            for name in entity.names:  # one-character names are not matched but are known
                keys.setdefault(norm_label(name), entity.id)
        indicators = {i.label: i.id for i in curation.indicators.values()}
        return cls(names, types, labels, indicators, frozenset(norm_label(r) for r in rejected), keys)

    def iri(self, target: str) -> str:
        from ..vocab import BASE, entity_iri

        if target.startswith("term:"):
            return entity_iri("term", target[5:])
        kind = ENTITY_TYPES.get(self.types.get(target, ""), None)
        return entity_iri(kind, target) if kind else f"{BASE}id/{target}"

    def lookup(self, name: str) -> str | None:
        return self.keys.get(norm_label(name))

    @property
    def fingerprint(self) -> str:
        """Changes whenever anything the per-document stages depend on changes."""
        h = hashlib.sha256()
        for name in sorted(self.names):
            h.update(f"{name}\t{self.names[name]}\t{self.types.get(self.names[name], '')}\n".encode())
        for label in sorted(self.indicators):
            h.update(f"i\t{label}\t{self.indicators[label]}\n".encode())
        return h.hexdigest()[:16]

