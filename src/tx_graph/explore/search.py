"""What the search index says of each result besides its name: a one-line description
(so three things called 退散进集 — a programme, an indicator, a glossary term — differ
at a glance), and the traditional forms of the characters in the names, so a query in
traditional characters finds the simplified name.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from .data import ExplorerData

__all__ = ["describer", "traditional_pairs"]

DESCRIPTION_MAX = 60  # characters of a definition quoted in a result


def describer(data: ExplorerData) -> Callable[[str], str]:
    """A function giving each node's one-line description, e.g. ``Wuzhen Town · in 桐乡市``,
    ``3 figures, 2017–2020`` (an indicator), ``names 濮院镇 · 一园两区是指…`` (a term).
    The indexes are built once: the search index describes every node."""
    part_of: dict[str, str] = {}
    names: dict[str, str] = {}
    for e in data.edges:
        if e.relation == "part of":
            part_of.setdefault(e.source, e.target)
        elif e.relation == "names":
            names.setdefault(e.source, e.target)
    figure_years: dict[str, list[int]] = defaultdict(list)
    for f in data.figures:
        figure_years[f.indicator].append(f.year)
    definitions: dict[str, str] = {}
    for d in data.definitions:
        definitions.setdefault(d.term, d.text)

    def label(key: str | None) -> str:
        return data.nodes[key].label if key in data.nodes else ""

    def describe(key: str) -> str:
        node = data.nodes[key]
        parts: list[str] = [node.en] if node.en else []
        parents = data.parents.get(key)
        if parents and label(parents[0]):
            parts.append("in " + label(parents[0]))
        if label(part_of.get(key)):
            parts.append("part of " + label(part_of[key]))
        if figure_years.get(key):
            years = sorted(set(figure_years[key]))
            span = f"{years[0]}–{years[-1]}" if len(years) > 1 else str(years[0])
            count = len(figure_years[key])
            parts.append(f"{count} figure{'s' if count != 1 else ''}, {span}")
        if label(names.get(key)):
            parts.append("names " + label(names[key]))
        if key in definitions:
            text = definitions[key]
            parts.append(text[:DESCRIPTION_MAX] + ("…" if len(text) > DESCRIPTION_MAX else ""))
        years = data.years.get(key, [])
        if years and node.type not in ("year", "indicator"):
            parts.append(f"{years[0]}–{years[-1]}" if len(years) > 1 else str(years[0]))
        return " · ".join(parts)

    return describe


def traditional_pairs(chars: list[str]) -> str:
    """For each simplified character whose traditional form differs, the pair
    (traditional, simplified), concatenated: the search folds a query through it."""
    try:
        import opencc
    except ImportError:  # optional: search still works in simplified characters
        return ""
    converters = [opencc.OpenCC(c) for c in ("s2t", "s2tw", "s2hk")]
    out: dict[str, str] = {}
    for c in chars:
        for cc in converters:
            t = cc.convert(c)
            if len(t) == 1 and t != c:
                out.setdefault(t, c)
    return "".join(t + s for t, s in sorted(out.items()))
