"""The exception hierarchy and coded message templates.

Every user-facing problem has a code (``E001`` …) and a template that says what was
found and what was expected, in the manner of ``spacy/errors.py``: a curator who reads
the message knows what to change without reading code.
"""

from __future__ import annotations

from dataclasses import dataclass

__all__ = [
    "CurationError",
    "Errors",
    "IngestError",
    "Problem",
    "QueryError",
    "StoreError",
    "TxGraphError",
]


class Errors:
    """Message templates. Fill with ``str.format``; every template names the expected form."""

    E001 = "cannot read file: {reason}"
    E002 = "YAML syntax error: {reason}"
    E003 = "expected {expected} here, found {found}"
    E004 = "unknown key '{key}' in {what} (valid keys: {valid})"
    E005 = "missing required key '{key}' in {what}"
    E006 = "unknown type '{value}' (valid types: {valid})"
    E007 = (
        "id '{value}' is not a lowercase slug "
        "(expected [a-z0-9] words joined by '-', e.g. wuzhen, jushi-smart-base)"
    )
    E008 = "duplicate id '{value}' (first defined at {first})"
    E009 = "label/alias '{value}' of '{id}' is already used by '{other}' (at {first})"
    E010 = "reference '{value}' matches no entity id, label or alias"
    E011 = "reference '{value}' is ambiguous: it names {candidates}; write one of these ids"
    E012 = "'{field}' of a {type} must point at {expected}, but '{value}' is a {found}"
    E013 = "bad Wikidata id '{value}' (expected Q followed by digits, e.g. Q148)"
    E014 = "unknown unit '{value}' (valid units: {valid})"
    E015 = "unknown kind '{value}' (valid kinds: actual, target)"
    E016 = "quote '{value}' occurs in no document (it must be a verbatim substring of one document)"
    E017 = "value {value} does not occur in its quote '{quote}'"
    E018 = "'{value}' is not a year here (expected a four-digit year between 1900 and 2100)"
    E019 = "unknown indicator '{value}' (define it under indicators:; known: {valid})"
    E020 = "duplicate key '{key}' in {what} (the later value would silently win)"
    E021 = "place '{value}' is contained in itself through its parents ({cycle})"
    E022 = "invalid regular expression '{value}': {reason}"
    # facts: (curation/facts.yaml, docs/curation.md#facts)
    E030 = "unknown {what} '{value}' (valid: {valid})"
    E031 = "'{value}' is not a date here (expected YYYY, YYYY-MM or YYYY-MM-DD, as precise as the text)"
    E032 = "a fact of kind '{kind}' needs {needs}"
    E033 = "'{value}' is not true or false"
    E040 = (
        "bad coordinates {value} (expected geo: [latitude, longitude] in decimal degrees, "
        "latitude -90..90 and longitude -180..180, e.g. geo: [30.6300, 120.5650])"
    )
    E101 = "not valid UTF-8 at byte {offset}: {reason}"
    E102 = "file is empty"
    E103 = "file looks binary ({why}); expected UTF-8 text"
    E104 = "article has a title but no body (expected: '-', title, body line(s), YYYY-MM-DD)"
    E105 = "article is not closed by a date line (expected YYYY-MM-DD after its body)"
    E106 = (
        "text outside any article: '{text}' "
        "(expected '-' to open an article, or a footer line listed in curation noise)"
    )
    E107 = "'{value}' is not a valid date (expected YYYY-MM-DD)"
    E108 = "{count} NUL byte(s) removed ({where}); expected text without NUL bytes"
    E109 = "same text as {first} (document {doc}); counted once"
    E110 = "read as {codec} without a byte-order mark (expected UTF-8: re-save the file as UTF-8)"
    E201 = "SPARQL syntax error: {reason}"
    E202 = "no built store at {path}; run `tx-graph build` first"
    E203 = "unknown output format '{value}' (valid formats: {valid})"
    E204 = "no entity has the label, alias or id '{value}'"
    E205 = "query has {length:,} characters; at most {limit:,} are accepted"
    E206 = (
        "query nests '{bracket}' {depth} deep at line {line}, column {column}; at most {limit} levels are "
        "accepted (deeper nesting would overflow the parser's stack)"
    )
    E207 = (
        "SERVICE at line {line}, column {column} is refused: it makes this process send requests to "
        "other servers (pass --allow-service, or allow_service=True, to permit it)"
    )
    E208 = "this is a SPARQL Update ({keyword}); only queries are run here (SELECT, ASK, CONSTRUCT, DESCRIBE)"
    E209 = "query did not finish within {seconds:g} s and was abandoned (raise --timeout, or 0 for none)"
    E210 = "'{value}' is not a valid IRI ({reason}); expected an absolute IRI such as https://w3id.org/tx-graph/id/wuzhen"
    E211 = (
        "query file '{path}' does not exist and no saved query has that name "
        "(expected SPARQL text, a .rq file, or one of the saved queries: {saved})"
    )
    E301 = "unknown segmenter '{value}' (valid segmenters: {valid})"
    E302 = "document has {length} characters; the segmenter-based stages read only the first {limit}"
    E303 = "unknown decision '{value}' (valid: accept, merge <entity id>, reject, or leave empty to decide later)"
    E304 = "merge target '{value}' is not a curated entity id, label or alias"
    E305 = "unknown type '{value}' in an accepted candidate (valid types: {valid})"
    E306 = "accepted candidate '{value}' clashes with curated '{other}' (same id or name); merge it instead"
    E307 = "cache entry {path} is unreadable ({reason}); recomputing"
    E308 = "gold annotation '{value}' does not occur in document {doc} at {start}-{end}"
    E309 = "unknown figure decision '{value}' (valid: accept, reject, or leave empty)"


@dataclass(frozen=True, order=True)
class Problem:
    """One problem in an input file, located as precisely as the input allows.

    >>> str(Problem("curation/places.yaml", 12, 5, "E006", "unknown type 'towm'"))
    "curation/places.yaml:12:5: E006 unknown type 'towm'"
    """

    path: str
    line: int | None
    column: int | None
    code: str
    message: str

    def __str__(self) -> str:
        where = self.path
        if self.line is not None:
            where += f":{self.line}"
            if self.column is not None:
                where += f":{self.column}"
        return f"{where}: {self.code} {self.message}"


class TxGraphError(Exception):
    """Base class of every error tx-graph raises on purpose."""


class _ProblemsError(TxGraphError):
    def __init__(self, problems: list[Problem] | tuple[Problem, ...], summary: str) -> None:
        self.problems = tuple(sorted(problems, key=lambda p: (p.path, p.line or 0, p.column or 0)))
        lines = [f"{summary} ({len(self.problems)} problem(s)):"]
        lines += [f"  {p}" for p in self.problems]
        super().__init__("\n".join(lines))


class CurationError(_ProblemsError):
    """The curation YAML is invalid; ``problems`` lists every problem found, all files at once."""

    def __init__(self, problems: list[Problem] | tuple[Problem, ...]) -> None:
        super().__init__(problems, "curation is invalid")


class IngestError(_ProblemsError):
    """No document at all could be read from the corpus."""

    def __init__(self, problems: list[Problem] | tuple[Problem, ...]) -> None:
        super().__init__(problems, "no document could be ingested")


class QueryError(TxGraphError):
    """A SPARQL query could not be parsed or evaluated."""


class StoreError(TxGraphError):
    """The on-disk store is missing or unusable."""
