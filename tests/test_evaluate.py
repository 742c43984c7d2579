"""The evaluation: gold annotations that fit the corpus, scores, and the report."""

from __future__ import annotations

from pathlib import Path

import pytest

from tx_graph.build import glossary_index
from tx_graph.config import Paths
from tx_graph.curation import load_curation
from tx_graph.discover import Lexicon
from tx_graph.evaluate import (
    GoldSet,
    Score,
    check_gold,
    discovery_lodo,
    load_gold,
    mention_score,
    observation_scores,
    relation_scores,
)
from tx_graph.extract import extract
from tx_graph.ingest import corpus_files, ingest_corpus

ROOT = Path(__file__).resolve().parents[1]
GOLD = ROOT / "tests" / "gold"


@pytest.fixture(scope="module")
def setup() -> tuple[GoldSet, list, Lexicon, object]:
    paths = Paths.at(ROOT)
    curation = load_curation(paths.curation, paths.root)
    documents, _ = ingest_corpus(corpus_files(paths.corpus), curation.noise, paths.root)
    targets = glossary_index(curation, documents).gazetteer_targets
    extraction = extract(curation, documents, targets, cache_dir=paths.root / ".cache")
    return load_gold(GOLD), documents, Lexicon.from_curation(curation, targets), extraction


def test_every_gold_surface_occurs_in_its_document(setup: tuple[GoldSet, list, Lexicon, object]) -> None:
    gold, documents, _, _ = setup
    assert len(gold.docs) >= 5 and len(gold.observations) >= 100
    assert check_gold(gold, documents) == []
    types = {e.type for g in gold.docs.values() for e in g.entities}
    assert {"town", "company", "project", "programme", "event", "park"} <= types


def test_score_arithmetic() -> None:
    s = Score(tp=8, predicted=10, gold=16) + Score(tp=2, predicted=2, gold=4)
    assert (s.precision, s.recall) == (10 / 12, 10 / 20)
    assert round(s.f1, 4) == round(2 * (10 / 12) * 0.5 / ((10 / 12) + 0.5), 4)
    assert Score(0, 0, 0).f1 == 0.0
    assert Score(tp=3, predicted=5, gold=4, found=2).recall == 0.5


def test_mentions_of_curated_entities_meet_the_target(setup: tuple[GoldSet, list, Lexicon, object]) -> None:
    gold, documents, lexicon, extraction = setup
    score = mention_score(gold, documents, extraction.mentions, lexicon)  # type: ignore[attr-defined]
    assert score.gold > 300
    assert score.f1 >= 0.97, score


def test_observations_meet_the_target(setup: tuple[GoldSet, list, Lexicon, object]) -> None:
    gold, _, _, extraction = setup
    figures = [f for a in extraction.analyses for f in a.figures]  # type: ignore[attr-defined]
    score, wrong_kind, _ = observation_scores(gold, figures)
    assert score.precision >= 0.9, score
    assert wrong_kind == 0


def test_relations_are_scored_per_kind(setup: tuple[GoldSet, list, Lexicon, object]) -> None:
    gold, documents, lexicon, extraction = setup
    facts = [f for a in extraction.analyses for f in a.facts]  # type: ignore[attr-defined]
    scores = relation_scores(gold, documents, facts, lexicon)
    assert set(scores) == {"place", "developer", "investment", "temporal"}
    assert scores["place"].tp > 0 and scores["investment"].tp == scores["investment"].gold


def test_leave_one_document_out_on_a_short_document(setup: tuple[GoldSet, list, Lexicon, object]) -> None:
    gold, documents, lexicon, extraction = setup
    one = GoldSet({k: v for k, v in gold.docs.items() if k.endswith("-10")}, ())
    result = discovery_lodo(one, documents, lexicon, extraction.mentions)  # type: ignore[attr-defined]
    s = result.by_threshold[0.5]
    # the news piece's own entities (招商引资一号工程, 乌镇国际互联网产业园 …) are removed and re-found
    assert s.gold >= 5 and s.found is not None and s.found >= 3
    assert set(result.per_doc) == set(one.docs)


# ---------------------------------------------------------------- (d) new pages


def test_new_pages_forms_compare_without_glosses_quotes_or_traditional_characters() -> None:
    from tx_graph.evaluate.newpages import compare_form, forms_match

    assert compare_form("桐鄉(xiāng)經(jīng)濟(jì)開(kāi)發(fā)區(qū)") == "桐乡经济开发区"
    assert compare_form("“三改一拆”") == "三改一拆"
    assert forms_match("年产1万吨纱线项目", "年产1万吨纱线")  # a trailing 项目
    assert not forms_match("乌镇", "乌镇互联网小镇")  # more than two characters apart
    assert not forms_match("", "乌镇")


def test_new_pages_scoring_counts_each_candidate_once_and_leaves_out_neutral_names() -> None:
    from tx_graph.evaluate.newpages import PageEntity, PageGold, score_pages
    from tx_graph.model import Candidate, Mention, Proposal, Span

    def cand(label: str, type_: str, docs: list[str], aliases: tuple[str, ...] = ()) -> Candidate:
        props = tuple(Proposal(d, Span(0, 2), label, label, type_, "discover.suffix.v1", 0.9, None, None) for d in docs)
        return Candidate(label, label, type_, 0.9, len(docs), props, ("discover.suffix.v1",), None, aliases)

    pages = [
        PageGold(
            "a.txt",
            (
                PageEntity(("凤鸣街道",), "place"),
                PageEntity(("桐乡新闻网",), "organisation"),
                PageEntity(("桐乡市",), "place", scored=False),  # nested: not required
                PageEntity(("年产1万吨纱线项目",), "project"),
            ),
            ("市委",),
        ),
        PageGold("b.txt", (PageEntity(("梧桐街道",), "place"),), ()),
    ]
    candidates = [
        cand("桐乡新闻网", "organisation", ["a-01"]),
        cand("年产1万吨纱线", "company", ["a-01"]),  # right name, wrong type
        cand("高度", "programme", ["a-01", "b-01"]),  # wrong, counted once
        cand("市委", "government-body", ["a-01"]),  # neutral: left out
        cand("低分", "programme", ["a-01"]),
    ]
    candidates[-1] = Candidate("低分", "低分", "programme", 0.2, 1, candidates[-1].mentions, ("x",))
    mentions = [Mention("a-01", Span(0, 4), "fengming", "凤鸣街道", "gazetteer.v1")]
    res = score_pages(pages, {"a.txt": {"a-01"}, "b.txt": {"b-01"}}, candidates, mentions, threshold=0.5)
    assert (res.found, res.gold) == (3, 4)  # 梧桐街道 missed
    assert (res.correct, res.wrong, res.typed) == (2, 1, 1)
    assert res.misses == ["b.txt: 梧桐街道 (place)"]
    assert res.by_rule["discover.suffix.v1"] == {"correct": 2, "wrong": 1}
