"""(d) Discovery on pages the rules were not written against (``tests/newdocs/``).

Scored exactly as ``tests/newdocs/README.md`` says, on a copy of the project with the
pages added to the corpus (the user's ``corpus/`` and ``curation/`` are not touched):

- **recall**: gold entities that are not ``peripheral``, not ``nested`` and have forms,
  found when a candidate's label or alias equals a form (or contains it / is contained in
  it, at most two characters apart: a trailing 项目), or when a mention of a curated entity
  in that page has one of the forms as its exact text;
- **precision**: candidates with evidence in these pages, correct when they match a gold
  entity (any, peripheral and nested included); candidates matching ``other_names`` or
  ``neutral`` are left out;
- **type accuracy**: correct candidates whose type agrees with the gold type or an
  ``alt_types`` entry.

Forms are compared after NFKC, traditional → simplified, pinyin glosses and quotation
marks removed (:func:`compare_form`).
"""

from __future__ import annotations

import re
import shutil
import tempfile
import unicodedata
from collections import Counter, defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from ..model import Candidate, Mention

__all__ = ["GOLD_TYPE", "NewPagesResult", "compare_form", "forms_match", "load_pages_gold", "score_new_pages"]

# the gold's seven types, and the project's types that answer to each
GOLD_TYPE = {
    "country": "place", "province": "place", "prefecture-city": "place", "county-city": "place",
    "district": "place", "town": "place", "subdistrict": "place", "village": "place", "community": "place",
    "landmark": "place", "park": "park_platform", "government-body": "organisation",
    "organisation": "organisation", "company": "company", "project": "project", "programme": "programme",
    "policy": "programme", "term": "programme", "honour": "programme", "event": "event", "event-series": "event",
}  # fmt: skip
_GLOSS = re.compile(r"\([a-zA-Zāáǎàēéěèīíǐìōóǒòūúǔùǖǘǚǜüńňǹḿ]{1,7}\)")
_QUOTES = "“”\"'‘’「」『』《》"


def compare_form(text: str) -> str:
    """The form gold and candidates are compared in.

    >>> compare_form("桐鄉(xiāng)經(jīng)濟(jì)“開發區”")
    '桐乡经济开发区'
    """
    from ..text import normalise

    text = _GLOSS.sub("", unicodedata.normalize("NFKC", text))
    return "".join(ch for ch in normalise(text) if ch not in _QUOTES and not ch.isspace())


def forms_match(a: str, b: str) -> bool:
    """Equal, or one inside the other at most two characters apart (a trailing 项目).

    >>> forms_match("年产10万吨项目", "年产10万吨"), forms_match("乌镇", "乌镇互联网小镇")
    (True, False)
    """
    if not a or not b:
        return False
    return a == b or (abs(len(a) - len(b)) <= 2 and (a in b or b in a))


@dataclass(frozen=True)
class PageEntity:
    forms: tuple[str, ...]  # compare forms
    type: str
    alt_types: tuple[str, ...] = ()
    scored: bool = True  # not peripheral, not nested, has forms


@dataclass(frozen=True)
class PageGold:
    file: str
    entities: tuple[PageEntity, ...]
    left_out: tuple[str, ...]  # other_names and neutral: neither required nor wrong


@dataclass
class NewPagesResult:
    found: int = 0  # scored gold entities found
    gold: int = 0  # scored gold entities
    correct: int = 0  # candidates matching a gold entity
    wrong: int = 0  # candidates matching nothing (left-out names not counted)
    typed: int = 0  # correct candidates with an agreeing type
    by_type: dict[str, dict[str, int]] = field(default_factory=dict)
    by_rule: dict[str, dict[str, int]] = field(default_factory=dict)
    by_page: dict[str, dict[str, int]] = field(default_factory=dict)
    misses: list[str] = field(default_factory=list)
    wrong_names: list[str] = field(default_factory=list)
    mistyped: list[str] = field(default_factory=list)
    pages: list[str] = field(default_factory=list)
    threshold: float = 0.5

    @property
    def recall(self) -> float:
        return self.found / self.gold if self.gold else 0.0

    @property
    def precision(self) -> float:
        return self.correct / (self.correct + self.wrong) if self.correct + self.wrong else 0.0

    @property
    def type_accuracy(self) -> float:
        return self.typed / self.correct if self.correct else 0.0


def load_pages_gold(folder: Path) -> list[PageGold]:
    """``gold.yaml`` of a folder of pages (format in its header)."""
    data = yaml.safe_load((folder / "gold.yaml").read_text(encoding="utf-8"))
    pages = []
    for doc in data["documents"]:
        entities = []
        for e in doc.get("entities") or []:
            raw = e.get("normalized_forms") or e.get("forms") or []
            forms = tuple(f for f in (compare_form(str(x)) for x in raw) if f)
            scored = bool(forms) and not e.get("peripheral") and not e.get("nested")
            entities.append(PageEntity(forms, str(e["type"]), tuple(e.get("alt_types") or ()), scored))
        left_out = tuple(
            compare_form(str(x if not isinstance(x, dict) else x.get("form") or x.get("name") or ""))
            for key in ("other_names", "neutral")
            for x in doc.get(key) or []
        )
        pages.append(PageGold(str(doc["doc"]), tuple(entities), tuple(f for f in left_out if f)))
    return pages


def _surfaces(c: Candidate) -> list[str]:
    return [f for f in {compare_form(c.label), *(compare_form(a) for a in c.aliases)} if f]


def _rules_of(c: Candidate) -> tuple[str, ...]:
    return tuple(sorted(set(c.rules))) or ("?",)


def score_pages(
    pages: Sequence[PageGold],
    page_docs: dict[str, set[str]],  # page file → document ids ingest made of it
    candidates: Iterable[Candidate],
    mentions: Iterable[Mention],
    threshold: float = 0.5,
) -> NewPagesResult:
    """Score candidates (and curated mentions, for recall) against the pages' gold."""
    res = NewPagesResult(pages=[p.file for p in pages], threshold=threshold)
    doc_page = {d: p for p, ds in page_docs.items() for d in ds}
    cands = [c for c in candidates if c.score >= threshold]
    by_page_cands: dict[str, list[Candidate]] = defaultdict(list)
    for c in cands:
        for name in {doc_page[m.doc_id] for m in c.mentions if m.doc_id in doc_page}:
            by_page_cands[name].append(c)
    mention_forms: dict[str, set[str]] = defaultdict(set)
    for m in mentions:
        if m.doc_id in doc_page:
            mention_forms[doc_page[m.doc_id]].add(compare_form(m.surface))
    tp_r = fn_r = tp_p = fp_p = typed = 0
    by_type: dict[str, Counter[str]] = defaultdict(Counter)
    by_rule: dict[str, Counter[str]] = defaultdict(Counter)
    by_page: dict[str, Counter[str]] = defaultdict(Counter)
    for page in pages:
        pc = by_page_cands.get(page.file, [])
        surfaces = [(c, _surfaces(c)) for c in pc]
        for e in page.entities:
            if not e.scored:
                continue
            found = any(f in mention_forms[page.file] for f in e.forms) or any(
                forms_match(f, s) for _, ss in surfaces for s in ss for f in e.forms
            )
            by_type[e.type]["gold"] += 1
            by_page[page.file]["gold"] += 1
            if found:
                tp_r += 1
                by_type[e.type]["found"] += 1
                by_page[page.file]["found"] += 1
            else:
                fn_r += 1
                res.misses.append(f"{page.file}: {e.forms[0]} ({e.type})")
    # precision: each candidate once, judged against the gold of the pages it has evidence in
    by_file = {p.file: p for p in pages}
    for c in cands:
        in_pages = sorted({doc_page[m.doc_id] for m in c.mentions if m.doc_id in doc_page})
        if not in_pages:
            continue
        ss = _surfaces(c)
        entities = [e for f in in_pages for e in by_file[f].entities]
        exact = [e for e in entities if any(f == s for f in e.forms for s in ss)]
        near = exact or [e for e in entities if any(forms_match(f, s) for f in e.forms for s in ss)]
        rules = _rules_of(c)
        where = ",".join(in_pages)
        if near:
            tp_p += 1
            gold = near[0]
            ok = GOLD_TYPE.get(c.type, c.type) in (gold.type, *gold.alt_types)
            typed += ok
            by_type[gold.type]["correct"] += 1
            by_type[gold.type]["typed"] += ok
            by_page[in_pages[0]]["correct"] += 1
            for r in rules:
                by_rule[r]["correct"] += 1
            if not ok:
                res.mistyped.append(f"{where}: {c.label} {c.type} (gold {gold.type})")
        elif any(forms_match(f, s) for p in in_pages for f in by_file[p].left_out for s in ss):
            continue
        else:
            fp_p += 1
            by_type[GOLD_TYPE.get(c.type, c.type)]["wrong"] += 1
            by_page[in_pages[0]]["wrong"] += 1
            for r in rules:
                by_rule[r]["wrong"] += 1
            res.wrong_names.append(f"{where}: {c.label} ({c.type}, {', '.join(rules)}, {c.score:.2f})")
    res.found, res.gold, res.correct, res.wrong, res.typed = tp_r, tp_r + fn_r, tp_p, fp_p, typed
    res.by_type = {k: dict(v) for k, v in sorted(by_type.items())}
    res.by_rule = {k: dict(v) for k, v in sorted(by_rule.items())}
    res.by_page = {k: dict(v) for k, v in sorted(by_page.items())}
    return res


def score_new_pages(
    root: Path,
    pages_dir: Path,
    *,
    corpus: Path | None = None,
    curation: Path | None = None,
    threshold: float = 0.5,
    segmenter: str | None = None,
) -> NewPagesResult:
    """Copy the project's corpus and curation, add the pages, extract, and score."""
    from ..build import glossary_index
    from ..curation import load_curation
    from ..discover import DEFAULT_SEGMENTER
    from ..extract import extract, rejected_labels
    from ..ingest import corpus_files, ingest_corpus

    pages = load_pages_gold(pages_dir)
    corpus = corpus or root / "corpus"
    curation = curation or root / "curation"
    with tempfile.TemporaryDirectory(prefix="tx-newpages-") as tmp:
        copy = Path(tmp)
        shutil.copytree(corpus, copy / "corpus")
        shutil.copytree(curation, copy / "curation")
        for page in pages:
            shutil.copy2(pages_dir / page.file, copy / "corpus" / page.file)
        cur = load_curation(copy / "curation", copy)
        documents, _ = ingest_corpus(corpus_files(copy / "corpus"), cur.noise, copy)
        page_docs: dict[str, set[str]] = defaultdict(set)
        for d in documents:
            name = Path(d.source_path).name
            if any(name == p.file for p in pages):
                page_docs[name].add(d.id)
        glossary = glossary_index(cur, documents)
        extraction = extract(
            cur,
            documents,
            glossary.gazetteer_targets,
            cache_dir=root / ".cache",
            rejected=rejected_labels(copy / "curation"),
            segmenter=segmenter or DEFAULT_SEGMENTER,
        )
    return score_pages(pages, page_docs, extraction.candidates, extraction.mentions, threshold)


def _pct(n: int, d: int) -> str:
    return f"{n / d:.3f}" if d else "–"


def report_lines(res: NewPagesResult) -> list[str]:
    """The section of docs/evaluation.md for the new pages."""
    lines = [
        "| recall | precision | type accuracy | gold entities found | candidates correct / wrong |",
        "| --- | --- | --- | --- | --- |",
        f"| {res.recall:.3f} | {res.precision:.3f} | {res.type_accuracy:.3f} | "
        f"{res.found} / {res.gold} | {res.correct} / {res.wrong} |",
        "",
        "Per gold type (recall over the scored entities; candidates are counted under the gold type they",
        "match, wrong ones under their own type):",
        "",
        "| type | recall | found / gold | correct | wrong | type accuracy |",
        "| --- | --- | --- | --- | --- | --- |",
    ]
    for t, c in res.by_type.items():
        lines.append(
            f"| {t} | {_pct(c.get('found', 0), c.get('gold', 0))} | {c.get('found', 0)} / {c.get('gold', 0)} | "
            f"{c.get('correct', 0)} | {c.get('wrong', 0)} | {_pct(c.get('typed', 0), c.get('correct', 0))} |"
        )
    lines += [
        "",
        "Per rule or model that produced a proposal (a candidate several rules agree on counts for each):",
        "",
        "| rule | correct | wrong | precision |",
        "| --- | --- | --- | --- |",
    ]
    for r, c in res.by_rule.items():
        n_ok, n_bad = c.get("correct", 0), c.get("wrong", 0)
        lines.append(f"| `{r}` | {n_ok} | {n_bad} | {_pct(n_ok, n_ok + n_bad)} |")
    lines += [
        "",
        "Per page (a candidate found in several pages is counted under the first):",
        "",
        "| page | recall | found / gold | correct | wrong |",
        "| --- | --- | --- | --- | --- |",
    ]
    for p, c in res.by_page.items():
        lines.append(
            f"| {p} | {_pct(c.get('found', 0), c.get('gold', 0))} | {c.get('found', 0)} / {c.get('gold', 0)} | "
            f"{c.get('correct', 0)} | {c.get('wrong', 0)} |"
        )
    return lines


def summary(res: NewPagesResult) -> dict[str, Any]:
    return {
        "new_pages_recall": round(res.recall, 3),
        "new_pages_precision": round(res.precision, 3),
        "new_pages_type_accuracy": round(res.type_accuracy, 3),
    }
