"""Extraction throughput (characters/second) on the corpus text, on one core.

In one process pinned to one CPU, over the same normalised document texts:

* references: plain jieba segmentation (``jieba.lcut``, default dictionary, HMM on: what
  any spaCy+jieba pipeline must do at least once) and a bare Aho-Corasick pass over the
  gazetteer's names (``iter_long``, no objects built: the floor of dictionary matching);
  jieba with POS tags (``jieba.posseg``) for context;
* tx-graph: the gazetteer stage as the build runs it (:class:`tx_graph.gazetteer.Gazetteer`,
  mentions built), and, when :mod:`tx_graph.nlp` exists, the whole extraction pipeline
  (``analyse``: segmentation, curated ruler, gazetteer mentions, discovery, relations) for
  every segmenter it offers.

The corpus is ~41k characters, so each run reads it ``--repeat`` times; results are
medians of ``--runs`` runs after one warm-up run.

The target (full extraction with the default settings ≥ 1.5× plain jieba) is also
measured *alternated*: plain jieba and the default extraction take turns, run for run,
and the ratio of each pair is kept, so load from other processes falls on both sides
(``"alternated"`` in the result; its median ratio is the one the target reads).

    .venv/bin/python -m bench.extract --runs 5
    .venv/bin/python -m bench.extract --runs 7 --segmenters rjieba,jieba   # the default and pure jieba only
"""

from __future__ import annotations

import argparse
import os
import time
import traceback
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

from .common import code_fingerprint, load_average, median, rerun_command, write_result


def _pin_one_core() -> int | None:
    try:
        cpu = min(os.sched_getaffinity(0))
        os.sched_setaffinity(0, {cpu})
        return cpu
    except (AttributeError, OSError):
        return None


def _measure(fn: Callable[[], Any], chars: int, runs: int) -> dict[str, Any]:
    fn()  # warm-up: lazy dictionaries, automaton pages, caches inside libraries
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    m = median(times)
    return {"seconds": times, "median_s": m, "chars_per_s": chars / m}


def run(runs: int, repeat: int, curation: Path | None, segmenters: Sequence[str] | None = None) -> dict[str, Any]:
    cpu = _pin_one_core()
    import ahocorasick
    import jieba
    import jieba.posseg

    from tx_graph.build import glossary_index
    from tx_graph.config import Paths
    from tx_graph.curation import load_curation
    from tx_graph.gazetteer import Gazetteer, fold, gazetteer_names
    from tx_graph.ingest import corpus_files, ingest_corpus

    paths = Paths.at(curation=curation)
    cur = load_curation(paths.curation, paths.root)
    documents, _ = ingest_corpus(corpus_files(paths.corpus), cur.noise, paths.root)
    glossary = glossary_index(cur, documents)
    names = gazetteer_names(cur, glossary.gazetteer_targets)
    texts = [d.text for d in documents]
    chars = sum(len(t) for t in texts) * repeat
    result: dict[str, Any] = {
        "pinned_cpu": cpu, "documents": len(documents), "corpus_chars": chars // repeat, "repeat": repeat,
        "chars_per_run": chars, "runs": runs, "names": len(names), "cases": {},
        "code": code_fingerprint(), "load_before": load_average(),
    }
    cases: dict[str, Any] = result["cases"]

    jieba.setLogLevel(60)
    jieba.initialize()

    def plain_jieba() -> None:
        for _ in range(repeat):
            for t in texts:
                jieba.lcut(t)

    def jieba_pos() -> None:
        for _ in range(repeat):
            for t in texts:
                list(jieba.posseg.cut(t))

    automaton = ahocorasick.Automaton()
    for name, target in names.items():
        automaton.add_word(fold(name), (len(name), target))
    automaton.make_automaton()
    folded = [fold(t) for t in texts]

    def bare_aho_corasick() -> None:
        for _ in range(repeat):
            for t in folded:
                for _hit in automaton.iter_long(t):
                    pass

    gazetteer = Gazetteer(names)

    def tx_gazetteer() -> None:
        for _ in range(repeat):
            gazetteer.find_all(documents)

    cases["reference: plain jieba segmentation (jieba.lcut)"] = _measure(plain_jieba, chars, runs)
    try:
        import rjieba

        compiled = rjieba.Jieba()

        def plain_rjieba() -> None:
            for _ in range(repeat):
                for t in texts:
                    compiled.cut(t)

        cases["reference: compiled jieba segmentation (rjieba.cut)"] = _measure(plain_rjieba, chars, runs)
    except ImportError:
        pass
    cases["reference: Aho-Corasick pass over the gazetteer names"] = _measure(bare_aho_corasick, chars, runs)
    cases["context: jieba with POS tags (jieba.posseg)"] = _measure(jieba_pos, chars, max(3, runs // 2))
    cases["tx-graph: gazetteer stage (Gazetteer.find_all → mentions)"] = _measure(tx_gazetteer, chars, runs)
    encoder = _model_encoder_alone(texts, repeat)
    if encoder is not None:
        cases["reference: the default model's encoder alone (LAC on onnxruntime, no decoding)"] = _measure(
            encoder, chars, max(3, runs // 2))
    cases.update(_nlp_cases(cur, documents, glossary, repeat, chars, runs, segmenters))
    alternated = _alternated(cur, documents, glossary, plain_jieba, chars, runs)
    if alternated:
        result["alternated"] = alternated
    rules_only = _alternated(cur, documents, glossary, plain_jieba, chars, runs, model="none")
    if rules_only:
        result["alternated_rules_only"] = rules_only
    reference = cases["reference: plain jieba segmentation (jieba.lcut)"]["median_s"]
    for case in cases.values():
        if "median_s" in case:
            case["ratio_vs_plain_jieba"] = reference / case["median_s"]
    return result


def _model_encoder_alone(texts: Sequence[str], repeat: int) -> Callable[[], None] | None:
    """The least the default model can cost: its encoder over every sentence, sentences
    of one length batched as the tagger batches them, no decoding and no spans."""
    try:
        import numpy as np

        from tx_graph.statistical import _pieces, tagger
    except ImportError:
        return None
    lac: Any = tagger("lac")
    batches = []
    for text in texts:
        by_length: dict[int, list[list[int]]] = {}
        for _, piece in _pieces(text):
            by_length.setdefault(len(piece), []).append([lac._vocab.get(lac._q2b.get(c, c), lac._oov) for c in piece])
        batches += [np.array(rows, dtype=np.int64) for rows in by_length.values()]

    def encoder() -> None:
        for _ in range(repeat):
            for ids in batches:
                lac._session.run(None, {"token_ids": ids, "length": np.full(len(ids), ids.shape[1])})

    return encoder


def _alternated(cur: Any, documents: Sequence[Any], glossary: Any, plain_jieba: Callable[[], None],
                chars: int, runs: int, model: str | None = None) -> dict[str, Any] | None:
    """Plain jieba and the full extraction with the default settings (or with ``model``
    instead of the default model), run for run in turn: the ratio of each pair, and
    their median."""
    try:
        from tx_graph import discover, nlp
    except ImportError:
        return None
    lexicon = discover.Lexicon.from_curation(cur, glossary.gazetteer_targets)
    segmenter = discover.DEFAULT_SEGMENTER
    saved = os.environ.get("TX_GRAPH_MODEL")
    if model is not None:
        os.environ["TX_GRAPH_MODEL"] = model
    try:
        pipeline = nlp.build_nlp(lexicon, segmenter=segmenter)
    finally:
        if saved is None:
            os.environ.pop("TX_GRAPH_MODEL", None)
        else:
            os.environ["TX_GRAPH_MODEL"] = saved
    repeat = chars // max(sum(len(d.text) for d in documents), 1)

    def extraction() -> None:
        for _ in range(repeat):
            for doc in documents:
                nlp.analyse(pipeline, doc)

    extraction()
    pairs = []
    for _ in range(runs):
        t0 = time.perf_counter()
        plain_jieba()
        t1 = time.perf_counter()
        extraction()
        t2 = time.perf_counter()
        pairs.append((t1 - t0, t2 - t1))
    ratios = [a / b for a, b in pairs]
    return {
        "segmenter": segmenter,
        "model": model or os.environ.get("TX_GRAPH_MODEL", "default"),
        "plain_jieba_s": [a for a, _ in pairs],
        "extraction_s": [b for _, b in pairs],
        "ratios": ratios,
        "median_ratio": median(ratios),
        "plain_jieba_chars_per_s": chars / median([a for a, _ in pairs]),
        "extraction_chars_per_s": chars / median([b for _, b in pairs]),
    }


def _nlp_cases(cur: Any, documents: Sequence[Any], glossary: Any, repeat: int, chars: int,
               runs: int, only: Sequence[str] | None = None) -> dict[str, Any]:
    """The spaCy+jieba extraction pipeline, if this checkout has it."""
    try:
        from tx_graph import discover, nlp
    except ImportError as exc:
        return {"tx-graph: NLP pipeline": {"skipped": f"tx_graph.nlp not importable: {exc}"}}
    out: dict[str, Any] = {}
    try:
        lexicon = discover.Lexicon.from_curation(cur, glossary.gazetteer_targets)
    except Exception as exc:
        return {"tx-graph: NLP pipeline": {"skipped": f"cannot build the lexicon: {exc}"}}
    segmenters = getattr(nlp, "SEGMENTERS", ("jieba",))
    # every segmenter with the default model, and the default segmenter without a model:
    # what the trained model (tx_statistical_ner_v1) costs, measured in the same run
    default = getattr(nlp, "DEFAULT_SEGMENTER", "rjieba")
    variants = [(segmenter, None) for segmenter in segmenters] + [(default, "none")]
    for segmenter, model in variants:
        if only and segmenter not in only:
            continue
        name = f"tx-graph: full extraction, segmenter={segmenter} (mentions + discovery + relations)"
        if model is not None:
            name = f"tx-graph: full extraction, segmenter={segmenter}, no model (rules only)"
        saved = os.environ.get("TX_GRAPH_MODEL")
        try:
            if model is not None:
                os.environ["TX_GRAPH_MODEL"] = model
            started = time.perf_counter()
            pipeline = nlp.build_nlp(lexicon, segmenter=segmenter)
            setup = time.perf_counter() - started

            def analyse(pipeline: Any = pipeline) -> None:
                for _ in range(repeat):
                    for doc in documents:
                        nlp.analyse(pipeline, doc)

            case = _measure(analyse, chars, max(3, runs // 2) if segmenter != "char" else 3)
            case["setup_s"] = setup
            case["components"] = list(pipeline.pipe_names)
            case["share_by_component"] = _breakdown(pipeline, documents)
            out[name] = case
        except Exception as exc:
            out[name] = {"error": f"{type(exc).__name__}: {exc}", "trace": traceback.format_exc()[-1500:]}
        finally:
            if saved is None:
                os.environ.pop("TX_GRAPH_MODEL", None)
            else:
                os.environ["TX_GRAPH_MODEL"] = saved
    return out


def _breakdown(pipeline: Any, documents: Sequence[Any]) -> dict[str, float]:
    """Share of one pass's time per stage: the tokenizer (segmentation + spaCy Doc) and
    each pipe, called the way ``tx_graph.nlp.analyse`` calls them."""
    spent: dict[str, float] = {"tokenizer (segmentation + Doc)": 0.0}
    for document in documents:
        t0 = time.perf_counter()
        doc = pipeline.make_doc(document.text)
        spent["tokenizer (segmentation + Doc)"] += time.perf_counter() - t0
        doc.user_data["tx_doc_id"] = document.id
        doc.user_data["tx_document"] = document
        for name, proc in pipeline.pipeline:
            t0 = time.perf_counter()
            doc = proc(doc)
            spent[name] = spent.get(name, 0.0) + time.perf_counter() - t0
    total = sum(spent.values()) or 1.0
    return {name: round(value / total, 3) for name, value in spent.items()}


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--repeat", type=int, default=10, help="times each run reads the corpus")
    parser.add_argument("--curation", type=Path)
    parser.add_argument("--segmenters", help="comma-separated segmenters to measure (default: every one)")
    args = parser.parse_args(argv)
    only = [s for s in args.segmenters.split(",") if s] if args.segmenters else None
    result = run(args.runs, args.repeat, args.curation, only)
    result["command"] = rerun_command("extract", argv)
    print(write_result("extract", result))
    for name, case in result["cases"].items():
        if "chars_per_s" in case:
            print(f"{name}: {case['chars_per_s']:,.0f} chars/s (×{case['ratio_vs_plain_jieba']:.2f} plain jieba)")
        else:
            print(f"{name}: {case}")
    if "alternated" in result:
        alt = result["alternated"]
        print(f"alternated, default ({alt['segmenter']}) vs plain jieba: ×{alt['median_ratio']:.2f} "
              f"(pairs: {', '.join(f'{r:.2f}' for r in alt['ratios'])})")
    if "alternated_rules_only" in result:
        alt = result["alternated_rules_only"]
        print(f"alternated, rules only ({alt['segmenter']}, no model) vs plain jieba: ×{alt['median_ratio']:.2f} "
              f"(pairs: {', '.join(f'{r:.2f}' for r in alt['ratios'])})")


if __name__ == "__main__":
    main()
