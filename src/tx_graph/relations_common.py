"""What the relation rules (tx_graph.relations) and the figure rules (tx_graph.figures)
both read: entity type groups, years and the review/plan part of a report its section
headings give, and what is derived once per lexicon.
"""

from __future__ import annotations

import re
from typing import Any

from .model import Document

ADMIN = frozenset(
    {"country", "province", "prefecture-city", "county-city", "district", "town", "subdistrict", "village", "community"}
)
YEAR = re.compile(r"(?<!\d)((?:19|20)\d{2})年(?!\d)")
REVIEW_HEADINGS = ("回顾", "过去", "成绩", "成效", "取得")
PLAN_HEADINGS = ("目标", "任务", "工作重点", "主要工作", "要点", "计划", "预期", "今后", "总体要求")


_MEMO: dict[tuple[int, str], tuple[Any, Any]] = {}


def _per_lexicon(lexicon: Any, what: str, make: Any) -> Any:
    """What a rule derives from the whole lexicon, made once per lexicon rather than once
    per document (the lexicon is frozen; it is kept alongside so its id is not reused)."""
    key = (id(lexicon), what)
    hit = _MEMO.get(key)
    if hit is not None and hit[0] is lexicon:
        return hit[1]
    if len(_MEMO) > 64:
        _MEMO.clear()
    value = make()
    _MEMO[key] = (lexicon, value)
    return value


def _section(doc: Document, offset: int) -> tuple[str, ...]:
    """Headings of the sections around ``offset``, outermost first."""
    return tuple(s.heading for s in doc.sections if s.span.start <= offset < s.span.end)


def _section_kind(doc: Document, offset: int) -> str | None:
    """review | plan | None, from the headings around ``offset``."""
    for heading in reversed(_section(doc, offset)):
        if any(h in heading for h in REVIEW_HEADINGS):
            return "review"
        if any(h in heading for h in PLAN_HEADINGS):
            return "plan"
    return None


def _section_year(doc: Document, offset: int) -> int | None:
    if doc.year is None or doc.kind == "news":
        return None
    for heading in reversed(_section(doc, offset)):
        m = YEAR.search(heading)
        if m:
            return int(m.group(1))
    kind = _section_kind(doc, offset)
    if kind == "review":
        return doc.year - 1
    if kind == "plan" or doc.kind == "work-plan":
        return doc.year
    return None
