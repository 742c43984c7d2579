"""The export files, written as the quads stream into the store, and from the store.

The RDF files are serialised batch by batch while the store takes the same batches
(:class:`RdfStream`), so neither the whole dataset nor a second pass over the store
(slow: every term is looked up again) is needed; the network (GraphML) and the tables
(CSV) come from SPARQL queries over the finished store.

The build stamp records what the exports were made from (input files, ontology, code
and library versions); a rebuild whose stamp matches the one on disk leaves the store
and exports alone.
"""

from __future__ import annotations

import csv
import hashlib
import importlib.metadata as md
import json
import os
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pyoxigraph as ox

from .fsio import atomic_write, fsync_file, replace
from .vocab import BASE, PREFIXES, doc_iri

if TYPE_CHECKING:
    import networkx as nx

    from .rdf_common import BuildInputs

__all__ = [
    "STAMP",
    "RdfStream",
    "build_stamp",
    "clear_stamp",
    "pending_path",
    "read_stamp",
    "stamp_matches",
    "write_exports",
    "write_stamp",
]

STAMP = "build-stamp.json"
# libraries whose version can change the bytes of the store or the exports
_LIBRARIES = ("pyoxigraph", "pypinyin", "networkx", "jieba", "rjieba", "spacy", "pyahocorasick")

ENTITY_COLUMNS = ("id", "iri", "type", "label_zh", "aliases", "parent")
MENTION_COLUMNS = ("entity", "document", "start", "end", "exact", "sentence")


def _select(store: ox.Store, query: str) -> ox.QuerySolutions:
    prologue = "".join(f"PREFIX {k}: <{v}>\n" for k, v in PREFIXES.items())
    result = store.query(prologue + query, use_default_graph_as_union=True)
    assert isinstance(result, ox.QuerySolutions)
    return result


class RdfStream:
    """``.trig`` every quad with its graph, ``.nq`` the same as N-Quads (what bulk loaders
    such as Virtuoso's and QLever's read), ``.ttl`` the union (each triple once),
    ``.jsonld`` the dataset, written batch by batch into ``*.new`` files that
    :func:`write_exports` puts in place once the whole build has succeeded.

    Each batch is serialised by pyoxigraph from the quads in hand: about ten times faster
    than dumping the finished store (``Store.dump`` decodes every term from the store
    again; bench/results/serialise.json)."""

    def __init__(self, exports: Path, stem: str = "tx_graph") -> None:
        from .store import turtle_prefixes
        from .vocab import graph_iri

        exports.mkdir(parents=True, exist_ok=True)
        self.paths = {key: exports / f"{stem}.{key}" for key in ("trig", "nq", "ttl", "jsonld")}
        self._files = {key: _pending(path).open("wb") for key, path in self.paths.items()}
        self._prefixes = turtle_prefixes()
        header = "".join(f"@prefix {k}: <{v}> .\n" for k, v in self._prefixes.items()).encode()
        self._files["trig"].write(header)
        self._files["ttl"].write(header)
        self._files["jsonld"].write(b"[")
        self._jsonld_items = 0
        # The documents, glossary, mentions, candidates and statistics graphs describe nodes
        # the build mints for them alone (sentences, definitions, annotations, candidates) or
        # state what no other graph states (counts), so no other graph can repeat their
        # triples; only the other graphs can overlap, and only their triples need
        # remembering to write each triple of the union once: as 16-byte digests, which
        # take a tenth of the memory of the triples themselves.
        unshared = ("documents", "glossary", "mentions", "candidates", "statistics")
        self._unshared = {ox.NamedNode(graph_iri(name)) for name in unshared}
        self._seen: set[bytes] = set()

    def write(self, batch: list[ox.Quad]) -> None:
        if not batch:
            return
        self._files["trig"].write(self._body(ox.serialize(batch, format=ox.RdfFormat.TRIG, prefixes=self._prefixes)))
        self._files["nq"].write(ox.serialize(batch, format=ox.RdfFormat.N_QUADS) or b"")
        union: list[ox.Triple] = []
        for q in batch:
            triple = q.triple
            if q.graph_name not in self._unshared:
                digest = hashlib.blake2b(str(triple).encode(), digest_size=16).digest()
                if digest in self._seen:
                    continue
                self._seen.add(digest)
            union.append(triple)
        self._files["ttl"].write(self._body(ox.serialize(union, format=ox.RdfFormat.TURTLE, prefixes=self._prefixes)))
        # each batch is a JSON-LD array; their items join into one array (a graph split
        # across batches appears as several graph objects with the same @id, which JSON-LD
        # processors merge)
        items = (ox.serialize(batch, format=ox.RdfFormat.JSON_LD) or b"[]").strip()[1:-1]
        if items:
            self._files["jsonld"].write((b"," if self._jsonld_items else b"") + items)
            self._jsonld_items += 1

    @staticmethod
    def _body(text: bytes | None) -> bytes:
        """A batch's Turtle/TriG without the prefix lines the header already has."""
        text = text or b""
        start = 0
        while text.startswith(b"@prefix ", start):
            start = text.index(b"\n", start) + 1
        return text[start:]

    def close(self) -> None:
        self._files["jsonld"].write(b"]\n")
        for fh in self._files.values():
            fh.flush()
            os.fsync(fh.fileno())
            fh.close()
        self._seen.clear()

    def abort(self) -> None:
        for key, fh in self._files.items():
            fh.close()
            _pending(self.paths[key]).unlink(missing_ok=True)


def _pending(path: Path) -> Path:
    return path.with_name(path.name + ".new")


pending_path = _pending  # where an export is written before the build commits it


def write_exports(
    store: ox.Store,
    exports: Path,
    stem: str = "tx_graph",
    rdf: RdfStream | None = None,
    mentions: Iterable[tuple[Any, ...]] | None = None,
    put_in_place: bool = True,
) -> dict[str, Path]:
    """The RDF files of ``rdf`` (closed here), or dumped from ``store`` if not given;
    ``.graphml`` the curated network, ``-entities.csv`` and ``-mentions.csv`` tables.
    ``mentions`` are the mention rows if the caller has them at hand (the build does:
    the same rows the store would give, without a six-way join over its annotations).
    Nothing replaces the previous exports until every file is written; with
    ``put_in_place=False`` the files stay at their :func:`pending_path` (fsync'd) for the
    caller to commit together with the store."""
    import networkx as nx

    from .api import KnowledgeGraph

    if rdf is None:
        rdf = RdfStream(exports, stem)
        batch: list[ox.Quad] = []
        for quad in store:
            batch.append(quad)
            if len(batch) >= 20_000:
                rdf.write(batch)
                batch = []
        rdf.write(batch)
    rdf.close()
    written: dict[str, Path] = dict(rdf.paths)
    network = KnowledgeGraph(store).to_networkx()
    written["graphml"] = exports / f"{stem}.graphml"
    with _pending(written["graphml"]).open("wb") as fh:
        nx.write_graphml(network, fh, encoding="utf-8")
    written["entities"] = exports / f"{stem}-entities.csv"
    _write_csv(_pending(written["entities"]), ENTITY_COLUMNS, entity_rows(store, network))
    written["mentions"] = exports / f"{stem}-mentions.csv"
    _write_csv(_pending(written["mentions"]), MENTION_COLUMNS, mention_rows(store) if mentions is None else mentions)
    for path in written.values():
        fsync_file(_pending(path))
    if put_in_place:
        for path in written.values():
            replace(_pending(path), path)
    return written


def _write_csv(path: Path, columns: tuple[str, ...], rows: Iterable[tuple[Any, ...]]) -> None:
    # utf-8 with BOM: spreadsheet programs otherwise read the Chinese as mojibake
    with path.open("w", encoding="utf-8-sig", newline="") as fh:
        writer = csv.writer(fh)
        writer.writerow(columns)
        writer.writerows(rows)


def _value(term: Any) -> str:
    return "" if term is None else str(term.value)


def entity_rows(store: ox.Store, graph: nx.MultiDiGraph | None = None) -> Iterable[tuple[str, ...]]:
    """One row per node of the curated network (entities and glossary concepts): its id
    (the IRI below ``id/``), IRI, type, Chinese label, aliases (``|``-separated) and the
    parent that curation gives it (``|``-separated when there are several)."""
    if graph is None:
        from .api import KnowledgeGraph

        graph = KnowledgeGraph(store).to_networkx()
    aliases: dict[str, list[str]] = {}
    for row in _select(
        store,
        f"""SELECT ?e ?a WHERE {{ ?e skos:altLabel ?a . FILTER(LANG(?a) = "zh")
              FILTER(STRSTARTS(STR(?e), "{BASE}id/")) }}""",
    ):
        aliases.setdefault(_value(row["e"]), []).append(_value(row["a"]))
    parents: dict[str, list[str]] = {}
    # the curated parent only: extracted facts may add more places, but they are proposals
    for row in _select(
        store,
        f"""SELECT ?e ?p WHERE {{ GRAPH ?g {{ ?e schema:containedInPlace|dcterms:spatial|schema:location ?p }}
              FILTER(STRSTARTS(STR(?g), "{BASE}graph/curation/")) }}""",
    ):
        parents.setdefault(_value(row["e"]), []).append(_value(row["p"]))
    prefix = f"{BASE}id/"
    for iri in sorted(graph.nodes):
        data = graph.nodes[iri]
        yield (
            iri.removeprefix(prefix),
            iri,
            data["type"],
            data["label"],
            "|".join(sorted(set(aliases.get(iri, ())))),
            "|".join(p.removeprefix(prefix) for p in sorted(set(parents.get(iri, ())))),
        )


def build_mention_rows(inputs: BuildInputs) -> Iterator[tuple[Any, ...]]:
    """The rows of :func:`mention_rows` from the build's own mentions, in the same order."""
    from .rdf_common import _sentence_index, _target_node, sentence_iri

    docs = {d.id: d for d in inputs.documents}
    for m in sorted(inputs.mentions, key=lambda m: (doc_iri(m.doc_id), m.span.start, m.span.end)):
        doc = docs[m.doc_id]
        sentence = _sentence_index(doc, m.span.start)
        yield (
            _target_node(m.target, inputs.curation).value,
            m.doc_id,
            m.span.start,
            m.span.end,
            doc.text[m.span.start : m.span.end],
            "" if sentence is None else sentence_iri(doc.id, sentence),
        )


def mention_rows(store: ox.Store) -> Iterable[tuple[Any, ...]]:
    """One row per identifying mention: the entity's IRI, the document id, the character
    span, the exact text and the IRI of the sentence holding it (empty if none)."""
    doc_prefix = f"{BASE}id/doc/"
    for row in _select(
        store,
        """SELECT ?e ?doc ?start ?end ?exact ?sentence WHERE {
              ?a oa:motivatedBy oa:identifying ; oa:hasBody ?e ; oa:hasTarget ?t .
              ?t oa:hasSource ?doc ; oa:hasSelector ?p, ?q .
              ?p oa:start ?start ; oa:end ?end . ?q oa:exact ?exact .
              OPTIONAL { ?t dcterms:isPartOf ?sentence }
            } ORDER BY ?doc ?start ?end ?e""",
    ):
        yield (
            _value(row["e"]),
            _value(row["doc"]).removeprefix(doc_prefix),
            int(_value(row["start"])),
            int(_value(row["end"])),
            _value(row["exact"]),
            _value(row["sentence"]),
        )


# ---------------------------------------------------------------- build stamp


def _code_digest() -> str:
    package = Path(__file__).parent
    digest = hashlib.sha256()
    for path in sorted(package.rglob("*.py")):
        digest.update(path.relative_to(package).as_posix().encode() + b"\0")
        digest.update(hashlib.sha256(path.read_bytes()).digest())
    return digest.hexdigest()


def build_stamp(input_files: Iterable[Path], root: Path, *, extra: Iterable[str] = ()) -> str:
    """A digest of everything the store and exports are made from: each input file's
    path and content, the tx_graph sources, the versions of the libraries that shape the
    output, and ``extra`` (model versions, options)."""
    digest = hashlib.sha256()
    for path in sorted(set(input_files)):
        name = path.relative_to(root).as_posix() if path.is_relative_to(root) else path.as_posix()
        digest.update(f"file {name} ".encode())
        digest.update(hashlib.sha256(path.read_bytes()).hexdigest().encode() + b"\n")
    digest.update(f"code {_code_digest()}\n".encode())
    for name in _LIBRARIES:
        try:
            version = md.version(name)
        except md.PackageNotFoundError:
            version = "absent"
        digest.update(f"library {name} {version}\n".encode())
    for item in extra:
        digest.update(f"extra {item}\n".encode())
    return digest.hexdigest()


def _fingerprint(path: Path) -> list[int]:
    stat = path.stat()
    return [stat.st_size, stat.st_mtime_ns]


def write_stamp(
    exports: Path, stamp: str, quads: int, written: dict[str, Path], *, store: str | None = None, pending: bool = False
) -> Path:
    """Written last, once the store and every export are in place. ``store``: the store
    generation the exports were made with. ``pending``: the exports are still at their
    :func:`pending_path` and so is the stamp (the build commits them all at once; a
    rename keeps the size and time the stamp records)."""
    record: dict[str, Any] = {
        "stamp": stamp,
        "quads": quads,
        "files": {
            key: [path.name, *_fingerprint(_pending(path) if pending else path)]
            for key, path in sorted(written.items())
        },
    }
    if store is not None:
        record["store"] = store
    path = exports / STAMP
    return atomic_write(_pending(path) if pending else path, json.dumps(record, indent=1) + "\n")


def read_stamp(exports: Path) -> dict[str, Any] | None:
    try:
        record = json.loads((exports / STAMP).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    return record if isinstance(record, dict) else None


def clear_stamp(exports: Path) -> None:
    (exports / STAMP).unlink(missing_ok=True)


def stamp_matches(exports: Path, stamp: str, *, need_exports: bool) -> dict[str, Any] | None:
    """The recorded stamp if the store and exports on disk were made from ``stamp`` and
    are still as that build left them (same sizes and times); otherwise ``None``."""
    record = read_stamp(exports)
    if record is None or record.get("stamp") != stamp:
        return None
    store = exports / "store"
    if not store.is_dir() or not any(store.iterdir()):
        return None
    # the store generation the stamp was written with (a folder copied without its link
    # holds a plain store: it is taken as it is)
    if "store" in record and store.is_symlink() and Path(os.readlink(store)).name != record["store"]:
        return None
    files = record.get("files", {})
    if need_exports and not files:
        return None
    for name, *fingerprint in files.values():
        path = exports / name
        if not path.is_file() or _fingerprint(path) != fingerprint:
            return None
    return record
