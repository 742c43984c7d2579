"""Rule identifiers and versions: the strings recorded in the graph (``tx:rule``) and the cache key."""

from __future__ import annotations

NLP_VERSION = "tx-nlp.v1"  # the spaCy pipeline (tx_graph.nlp); here so the cache can read it without spaCy

DISCOVER_VERSION = "discover.v1"

R_SUFFIX = "discover.suffix.v1"

R_QUOTED = "discover.quoted.v1"

R_NUMERAL = "discover.numeral.v1"

R_LIST = "discover.list.v1"

R_INVEST = "discover.invest.v1"

R_GLOSSARY = "discover.glossary.v1"

R_REPEAT = "discover.repeat.v1"
R_PROJECT = "discover.project.v1"
R_HONOUR = "discover.honour.v1"
R_SOURCE = "discover.source.v1"
R_COORD = "discover.coordination.v1"

DEFAULT_MIN_SCORE = 0.5

# jieba compiled (rjieba): the same discovery scores as jieba.posseg at several times its
# speed; jieba-bmm loses discovery recall (docs/evaluation.md, docs/benchmarks.md)
DEFAULT_SEGMENTER = "rjieba"

