"""``tx-graph evaluate``: precision, recall and F1 of the NLP stages against ``tests/gold/``.

Four measurements, each against hand annotations (guidelines in docs/evaluation.md):

(a) **mentions** of curated entities: the pipeline's mentions vs the gold spans of the
    gold entities curation knows (same span, same entity);
(b) **discovery**, leave-one-document-out: for each gold document, every entity that
    only this document names is removed from curation (and from the segmenter's
    dictionary), the document is analysed again, and the candidates it yields (score at
    least the threshold) are matched against the gold entities curation no longer knows;
(c) **relations** (containedInPlace/location, developer, investment, temporal) and
    **observations** (indicator, area, period, value, unit *and* actual/target kind).

Numbers are written to ``docs/evaluation.md`` with the command that produced them.

Modules: :mod:`.gold` (annotations, scores), :mod:`.scores` (a–c), :mod:`.segmenters`,
:mod:`.run` (the whole run, its report and the command).
"""

from __future__ import annotations

from .gold import GoldDoc, GoldSet, Score, check_gold, load_gold
from .run import Evaluation, evaluate, register_cli, report
from .scores import discovery_lodo, mention_score, observation_scores, relation_scores

__all__ = [
    "Evaluation",
    "GoldDoc",
    "GoldSet",
    "Score",
    "check_gold",
    "discovery_lodo",
    "evaluate",
    "load_gold",
    "mention_score",
    "observation_scores",
    "register_cli",
    "relation_scores",
    "report",
]
