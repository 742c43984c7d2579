"""SYNTHETIC corpora for the scale benchmark: the real corpus's sentences, recombined.

Each synthetic document copies the shape of a real one picked at random (its number of
sentences, hence roughly its length) and fills it with sentences drawn from the whole
corpus, in which every curated place and company name is swapped for another of the same
type and every year (``2018年``) for another year. The text is therefore realistic
Chinese government prose with a realistic density of known names, but the facts in it are
false: never mix these files with the real corpus outside a benchmark.

Files use the article-block layout of ``corpus/000_*.txt`` (``-`` / title / one body
line / ``YYYY-MM-DD``), ten articles a file, titles tagged ``【合成样本】`` ("synthetic
sample"), file names ``synthetic_NNNNN.txt``, and a ``SYNTHETIC.md`` beside them. The
real corpus files are copied in too, because curated figures must find their quotes.
Same seed, same files.

    .venv/bin/python -m bench.synth --docs 1000 --out /tmp/synth-1000
"""

from __future__ import annotations

import argparse
import random
import re
import shutil
from collections import defaultdict
from dataclasses import dataclass
from pathlib import Path

from .common import ROOT

SEED = 20240517
TAG = "合成样本"
PER_FILE = 10
# countries stay: 中国 sits inside fixed phrases (中国特色社会主义) that a swap would garble
PERMUTED_TYPES = (
    "province", "prefecture-city", "county-city", "district", "town", "subdistrict",
    "village", "company",
)
YEAR = re.compile(r"(?<!\d)(19[89]\d|20[0-3]\d)(?=年)")
FOOTNOTE = re.compile(r"\[\d{1,3}\]")


@dataclass(frozen=True)
class SynthStats:
    documents: int
    synthetic_documents: int
    characters: int
    files: int
    seed: int


@dataclass(frozen=True)
class _Material:
    sentences: tuple[str, ...]
    shapes: tuple[tuple[str, int], ...]  # (title, number of sentences) of each real document
    names: dict[str, tuple[str, ...]]  # type → labels
    targets: dict[str, str]  # any curated name → its type, for names to swap


def _material(root: Path, curation_dir: Path | None = None) -> _Material:
    from tx_graph.config import Paths
    from tx_graph.curation import load_curation
    from tx_graph.ingest import corpus_files, ingest_corpus

    # only the stages that read: the build's review and NLP stages write (decisions, caches)
    paths = Paths.at(root, curation=curation_dir)
    curation = load_curation(paths.curation, paths.root)
    documents, _ = ingest_corpus(corpus_files(paths.corpus), curation.noise, paths.root)
    sentences: list[str] = []
    shapes: list[tuple[str, int]] = []
    for doc in documents:
        glossary_at = doc.text.find("名词解释")
        kept = 0
        for span in doc.sentences:
            if 0 <= glossary_at <= span.start:
                break  # glossary entries are definitions, not prose: leave them out
            text = FOOTNOTE.sub("", doc.text[span.start : span.end]).strip()
            if len(text) >= 6:
                sentences.append(text)
                kept += 1
        shapes.append((doc.title, max(kept, 3)))
    names: dict[str, list[str]] = defaultdict(list)
    targets: dict[str, str] = {}
    for entity in curation.entities.values():
        if entity.type in PERMUTED_TYPES:
            names[entity.type].append(entity.label)
            for name in entity.names:
                if len(name) >= 2:
                    targets[name] = entity.type
    return _Material(tuple(sentences), tuple(shapes), {t: tuple(v) for t, v in names.items()}, targets)


class _Swapper:
    """Replace each known place/company name with a random one of the same type."""

    def __init__(self, material: _Material, rng: random.Random) -> None:
        import ahocorasick

        self.rng = rng
        self.names = material.names
        self.automaton = ahocorasick.Automaton()
        for name, kind in material.targets.items():
            self.automaton.add_word(name, (len(name), kind))
        self.automaton.make_automaton()

    def __call__(self, text: str, years: tuple[int, int]) -> str:
        out: list[str] = []
        last = 0
        for end, (length, kind) in self.automaton.iter_long(text):
            start = end - length + 1
            out.append(text[last:start])
            out.append(self.rng.choice(self.names[kind]))
            last = end + 1
        out.append(text[last:])
        swapped = "".join(out)
        return YEAR.sub(lambda _: str(self.rng.randint(*years)), swapped)


def generate(n: int, out: Path, *, seed: int = SEED, root: Path = ROOT, curation: Path | None = None,
             years: tuple[int, int] = (2010, 2025), include_real: bool = True) -> SynthStats:
    """Write ``n`` synthetic documents (and the real corpus files) into ``out``."""
    if out.exists():
        shutil.rmtree(out)
    out.mkdir(parents=True)
    material = _material(root, curation)
    rng = random.Random(seed)
    swap = _Swapper(material, rng)
    chars = 0
    files = 0
    block: list[str] = []
    for i in range(1, n + 1):
        title, count = rng.choice(material.shapes)
        count = max(3, round(count * rng.uniform(0.8, 1.2)))
        body = "".join(swap(rng.choice(material.sentences), years) for _ in range(count))
        title_text = swap(re.sub(r"^【[^】]*】", "", title), years)
        year = rng.randint(*years)
        posted = f"{year}-{rng.randint(1, 12):02d}-{rng.randint(1, 28):02d}"
        block += ["-", f"【{TAG}】{title_text}（合成 #{i}）", body, posted]
        chars += len(body)
        if i % PER_FILE == 0 or i == n:
            files += 1
            (out / f"synthetic_{files:05d}.txt").write_text("\n".join(block) + "\n", encoding="utf-8")
            block = []
    real = 0
    if include_real:
        from tx_graph.ingest import corpus_files

        for path in corpus_files(root / "corpus"):
            shutil.copy2(path, out / path.name)
            real += 1
    (out / "SYNTHETIC.md").write_text(
        f"# SYNTHETIC corpus — not real documents\n\nGenerated by `bench/synth.py` with seed {seed}: "
        f"{n} documents recombined from the real corpus's sentences, with places, companies and "
        f"years permuted. Their facts are false. The {real} real corpus file(s) are copied beside "
        "them so that curated figures find their quotes.\n",
        encoding="utf-8",
    )
    real_docs = len(material.shapes) if include_real else 0
    return SynthStats(documents=n + real_docs, synthetic_documents=n, characters=chars, files=files, seed=seed)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--docs", type=int, default=1000)
    parser.add_argument("--out", type=Path, required=True)
    parser.add_argument("--seed", type=int, default=SEED)
    parser.add_argument("--curation", type=Path, help="curation folder (default: the project's)")
    args = parser.parse_args()
    stats = generate(args.docs, args.out, seed=args.seed, curation=args.curation)
    print(f"wrote {stats.synthetic_documents} SYNTHETIC documents ({stats.characters:,} characters, "
          f"{stats.files} files, seed {stats.seed}) + the real corpus into {args.out}")


if __name__ == "__main__":
    main()
