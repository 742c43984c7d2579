"""Find every occurrence of every known name: the gazetteer stage.

Names are curated labels and aliases plus glossary headwords. Matching is on
characters (not on segmenter tokens, which split names unpredictably), leftmost-longest
and non-overlapping: a match inside a longer known name is not a mention of the shorter
one (凤鸣 inside 新凤鸣 is 新凤鸣). Text and names are folded to the same length before
matching (full-width ASCII → half-width), so offsets into the original text stay exact.

>>> gaz = Gazetteer({"凤鸣": "fengming", "新凤鸣": "xinfengming", "乌镇": "wuzhen"})
>>> [(m.surface, m.target) for m in gaz.find("d1", "新凤鸣在乌镇,凤鸣街道")]
[('新凤鸣', 'xinfengming'), ('乌镇', 'wuzhen'), ('凤鸣', 'fengming')]
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping

import ahocorasick

from .model import Curation, Document, Mention, Span
from .text import fold

__all__ = ["RULE", "Gazetteer", "fold", "gazetteer_names", "headword_key"]

RULE = "gazetteer.v1"
MIN_NAME_LENGTH = 2
_HEADWORD_NOISE = re.compile(r"[“”\"'‘’「」『』、·,，\s]")


def headword_key(headword: str) -> str:
    """The form under which glossary headwords are grouped: quotes and separators dropped.

    >>> headword_key("“四位一体”管理"), headword_key("一核、两翼、两带")
    ('四位一体管理', '一核两翼两带')
    """
    return _HEADWORD_NOISE.sub("", fold(headword))


def gazetteer_names(curation: Curation, glossary_targets: Mapping[str, str]) -> dict[str, str]:
    """name → target. Entities first; a term name that is also an entity name stays the
    entity's (the term's focus is that entity anyway). ``glossary_targets`` maps each
    glossary headword (as written and quote-less) to its target."""
    names: dict[str, str] = {}
    for entity in curation.entities.values():
        for name in entity.names:
            names.setdefault(name, entity.id)
    for name, target in glossary_targets.items():
        names.setdefault(name, target)
    return {n: t for n, t in names.items() if len(n) >= MIN_NAME_LENGTH}


class Gazetteer:
    """An Aho-Corasick automaton over folded names."""

    def __init__(self, names: Mapping[str, str], rule: str = RULE) -> None:
        self.rule = rule
        self.names = dict(names)
        self._automaton = ahocorasick.Automaton()
        for name, target in self.names.items():
            self._automaton.add_word(fold(name), (len(name), target))
        if self.names:
            self._automaton.make_automaton()

    def find(self, doc_id: str, text: str) -> Iterable[Mention]:
        if not self.names:
            return
        for end_index, (length, target) in self._automaton.iter_long(fold(text)):
            start = end_index - length + 1
            yield Mention(doc_id, Span(start, end_index + 1), target, text[start : end_index + 1], self.rule)

    def find_all(self, documents: Iterable[Document]) -> list[Mention]:
        return [m for doc in documents for m in self.find(doc.id, doc.text)]
