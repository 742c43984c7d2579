"""The gold set: hand annotations in ``tests/gold/`` and the scores computed against them."""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from ..errors import Errors, Problem
from ..model import Document, Span

COARSE = {
    "country": "place", "province": "place", "prefecture-city": "place", "county-city": "place",
    "district": "place", "town": "place", "subdistrict": "place", "village": "place", "community": "place",
    "landmark": "place", "park": "park", "government-body": "org", "company": "org", "organisation": "org",
    "policy": "plan", "programme": "plan", "term": "plan", "project": "project", "event": "event",
    "event-series": "event",
}  # fmt: skip
THRESHOLDS = (0.4, 0.5, 0.6, 0.7, 0.8)


@dataclass(frozen=True)
class Score:
    tp: int
    predicted: int
    gold: int
    found: int | None = None  # gold items matched (when several predictions may match one)

    @property
    def precision(self) -> float:
        return self.tp / self.predicted if self.predicted else 0.0

    @property
    def recall(self) -> float:
        found = self.tp if self.found is None else self.found
        return found / self.gold if self.gold else 0.0

    @property
    def f1(self) -> float:
        p, r = self.precision, self.recall
        return 2 * p * r / (p + r) if p + r else 0.0

    def __add__(self, other: Score) -> Score:
        found = None if self.found is None and other.found is None else (self.found or 0) + (other.found or 0)
        return Score(self.tp + other.tp, self.predicted + other.predicted, self.gold + other.gold, found)

    def row(self) -> str:
        return f"{self.precision:.3f} | {self.recall:.3f} | {self.f1:.3f} | {self.predicted} | {self.gold}"


ZERO = Score(0, 0, 0)




@dataclass(frozen=True)
class GoldEntity:
    label: str
    type: str
    surfaces: tuple[str, ...]

    def forms(self) -> set[str]:
        from ..discover import norm_label

        out = {norm_label(self.label)}
        for s in self.surfaces:
            key = norm_label(s)
            out.add(key)
            # the quoted core names the thing too: “1+4+X”联动指挥模式 → 1+4+X
            out |= {norm_label(q) for q in re.findall(r"[“\"]([^”\"]{2,})[”\"]", s)}
            out |= {key[: -len(c)] for c in _CUES if key.endswith(c) and len(key) > len(c) + 1}
        return out


_CUES = ("行动计划", "专项行动", "行动", "工程", "计划", "改革", "机制", "制度", "政策", "模式", "体系", "平台",
         "建设", "创建", "管理", "整治", "融合", "品牌", "系统", "服务专班", "融资服务", "长效保洁", "战略", "项目",
         "活动")  # fmt: skip


@dataclass(frozen=True)
class GoldDoc:
    document: str
    entities: tuple[GoldEntity, ...]
    relations: tuple[tuple[str, str, str], ...]
    path: str = ""

    def spans(self, text: str) -> list[tuple[Span, int]]:
        """Every mention: each surface's occurrences, leftmost-longest over all surfaces."""
        from ..gazetteer import Gazetteer

        names: dict[str, str] = {}
        for i, e in enumerate(self.entities):
            for s in e.surfaces:
                names.setdefault(s, str(i))
        gaz = Gazetteer(names, rule="gold")
        return [(m.span, int(m.target)) for m in gaz.find(self.document, text)]


@dataclass(frozen=True)
class GoldSet:
    docs: dict[str, GoldDoc]
    observations: tuple[dict[str, Any], ...] = ()
    problems: tuple[Problem, ...] = ()


def load_gold(folder: Path) -> GoldSet:
    docs: dict[str, GoldDoc] = {}
    observations: list[dict[str, Any]] = []
    for path in sorted(folder.glob("*.yaml")):
        data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
        if "observations" in data:
            observations += [dict(o) for o in data["observations"] or []]
            continue
        entities = tuple(
            GoldEntity(str(e["label"]), str(e["type"]), tuple(str(s) for s in e.get("surfaces") or [e["label"]]))
            for e in data.get("entities") or []
        )
        relations = tuple(tuple(str(x) for x in r) for r in data.get("relations") or [])
        docs[str(data["document"])] = GoldDoc(str(data["document"]), entities, relations, path.name)  # type: ignore[arg-type]
    return GoldSet(docs, tuple(observations))


def check_gold(gold: GoldSet, documents: Sequence[Document]) -> list[Problem]:
    """Every gold surface must occur in its document (E308)."""
    by_id = {d.id: d for d in documents}
    problems: list[Problem] = []
    for g in gold.docs.values():
        doc = by_id.get(g.document)
        if doc is None:
            problems.append(
                Problem(
                    g.path, None, None, "E308", Errors.E308.format(value=g.document, doc=g.document, start="-", end="-")
                )
            )
            continue
        for e in g.entities:
            for s in e.surfaces:
                if s not in doc.text:
                    problems.append(
                        Problem(
                            g.path, None, None, "E308", Errors.E308.format(value=s, doc=g.document, start="-", end="-")
                        )
                    )
    return problems
