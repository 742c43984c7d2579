"""Discovery: names in the text that curation has not written down yet.

Each rule reads one kind of evidence and proposes names with a type, a confidence and
the cue that fired; no rule knows any particular entity (rules are suffix lists, cue
words and patterns, the lists kept as data in ``*.yaml`` next to the rules). Proposals
are grouped over all documents into :class:`~tx_graph.model.Candidate` values, scored,
and written to ``curation/candidates.yaml`` for review (:mod:`tx_graph.review`).

========================  ============================  ===================================================
rule                      module                        evidence
========================  ============================  ===================================================
``discover.suffix.v1``    :mod:`.suffix`                a name ending in a type suffix (镇/街道/村, …公司/集团,
                                                        …园区/基地, …大会/峰会, …行动/工程/改革, roads …);
                                                        the left edge found by walking back over tokens
``discover.quoted.v1``    :mod:`.quoted`                a quoted term “…”, alone or with a cue
``discover.numeral.v1``   :mod:`.numeral`               numeral-led coinages: 一园两区, 三改一拆, 4+1
``discover.list.v1``      :mod:`.lists`                 items of an enumeration before 等/N家 + a class
                                                        noun, or next to curated names of one type
``discover.invest.v1``    :mod:`.projects`              the object of 总投资…的X / 年产…X (projects)
``discover.glossary.v1``  :mod:`.projects`              名词解释 headwords
``discover.repeat.v1``    :mod:`.candidates`            further occurrences of a proposed name
========================  ============================  ===================================================

:mod:`.document` holds what every rule shares (the left-edge walker, trimming,
confidence), :mod:`.propose` runs the rules over one document, :mod:`.candidates`
groups proposals over the corpus. The extraction stage that calls them is
:mod:`tx_graph.extract`.

jieba's POS tags are a weak signal only (it tags 毛衫, 智慧, 小镇 as person names): a
proper-noun tag raises a proposal's confidence a little, a verb inside lowers it.

>>> from tx_graph.discover import norm_label
>>> norm_label("“千店孵化”计划")
'千店孵化计划'
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from .ids import DEFAULT_MIN_SCORE, DEFAULT_SEGMENTER, DISCOVER_VERSION, NLP_VERSION

if TYPE_CHECKING:
    from ..text import norm_label, normalise
    from .candidates import aggregate, known_variant
    from .lexicon import Lexicon, SegToken, TokenLike
    from .propose import propose

# the rules load their word lists on first use, so `tx-graph --help` (which reads only the
# ids) does not pay for them
_LAZY = {
    "norm_label": "..text", "normalise": "..text", "aggregate": ".candidates", "known_variant": ".candidates",
    "Lexicon": ".lexicon", "SegToken": ".lexicon", "TokenLike": ".lexicon", "propose": ".propose",
}  # fmt: skip


def __getattr__(name: str) -> Any:
    module = _LAZY.get(name)
    if module is None:
        raise AttributeError(f"module 'tx_graph.discover' has no attribute {name!r}")
    from importlib import import_module

    value = getattr(import_module(module, __name__), name)
    globals()[name] = value
    return value


__all__ = [
    "DEFAULT_MIN_SCORE",
    "DEFAULT_SEGMENTER",
    "DISCOVER_VERSION",
    "NLP_VERSION",
    "Lexicon",
    "SegToken",
    "TokenLike",
    "aggregate",
    "known_variant",
    "norm_label",
    "normalise",
    "propose",
]
