"""Word segmenters for the corpus's Chinese, and the pieces long documents are cut into.

Each segmenter cuts the *normalised* text (:func:`tx_graph.text.normalise`, same length as
the original) into ``(word, tag)`` pairs with jieba's dictionary frequencies; they are
chosen by name (:data:`SEGMENTERS`, :func:`make_segmenter`). None of this imports spaCy:
the tokenizer that wraps them is in :mod:`tx_graph.components`.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Iterator, Mapping
from pathlib import Path
from typing import Any

from .discover import SegToken
from .model import Token
from .text import normalise

__all__ = [
    "MAX_SEGMENT_CHARS",
    "PIECE_CHARS",
    "SEGMENTERS",
    "CharSegmenter",
    "DictSegmenter",
    "JiebaSegmenter",
    "RJiebaSegmenter",
    "make_segmenter",
    "pieces",
    "segment",
]

SEGMENTERS = ("rjieba", "jieba", "jieba-bmm", "jieba-cut", "char")
# document must not stall the build, so segmentation-based stages read only this much.
# The character-level gazetteer always reads the whole text.
MAX_SEGMENT_CHARS = 300_000
# Segmentation runs a piece at a time, each piece ending at a sentence end (。！？ or a line
# break) so that no word is cut; a piece of a document is never more than this long.
PIECE_CHARS = 100_000
_PIECE_ENDS = "。！？!?\n"
# jieba's regex for "words": runs outside it (punctuation, spaces) are split off anyway
_JIEBA_WORD = re.compile(r"^[\u4E00-\u9FD5a-zA-Z0-9+#&._%\-]+$")


class JiebaSegmenter:
    """jieba with a private dictionary (the global one is left alone) and POS tags.

    ``user_words`` maps each curated name to a jieba POS tag (ns place, nt organisation,
    nz other) so the segmenter keeps it whole and tags it as a name.
    """

    name = "jieba"

    def __init__(
        self, user_words: Mapping[str, str] | None = None, *, pos: bool = True, cache_dir: Path | None = None
    ) -> None:
        import jieba
        import jieba.posseg

        jieba.setLogLevel(logging.WARNING)
        self._jieba = jieba
        self.tokenizer = jieba.Tokenizer()
        if cache_dir is not None:
            cache_dir.mkdir(parents=True, exist_ok=True)
            self.tokenizer.tmp_dir = str(cache_dir)
        self.tokenizer.initialize()
        self.pos = pos
        self._pos = _pos_tokenizer(self.tokenizer, cache_dir) if pos else None
        self.user_words: dict[str, str] = {}
        if user_words:
            self.add_words(user_words)

    def add_words(self, words: Mapping[str, str]) -> None:
        # jieba adds each word's frequency to the dictionary total, which weighs every
        # route; the total is kept as it was so a name changes the segmentation only
        # where it occurs (the per-document cache relies on that)
        total = self.tokenizer.total
        for word, tag in words.items():
            if len(word) >= 2 and _JIEBA_WORD.match(word) and word not in self.user_words:
                self.tokenizer.total = total  # suggest_freq reads it too
                self.tokenizer.add_word(word, tag=tag)
                self.user_words[word] = tag
        self.tokenizer.total = total

    def cut(self, text: str) -> list[tuple[str, str]]:
        if self._pos is not None:
            return [(p.word, p.flag) for p in self._pos.cut(text)]
        return [(w, "") for w in self.tokenizer.cut(text)]

    def freq(self, word: str) -> int:
        return int(self.tokenizer.FREQ.get(word, 0))

    @property
    def version(self) -> str:
        return f"jieba {getattr(self._jieba, '__version__', '?')}{'+pos' if self.pos else ''}"


def _pos_tokenizer(tokenizer: Any, cache_dir: Path | None) -> Any:
    """jieba's POS tokenizer re-reads the 5 MB dictionary for its tags on every start
    (~1 s); the tag table is kept in the cache folder instead."""
    import marshal

    import jieba.posseg

    if cache_dir is None:
        return jieba.posseg.POSTokenizer(tokenizer)
    path = cache_dir / "jieba-word-tags.marshal"
    table: dict[str, str] | None = None
    if path.is_file():
        try:
            table = marshal.loads(path.read_bytes())
        except (OSError, ValueError, EOFError, TypeError):
            table = None
    if table is None:
        built = jieba.posseg.POSTokenizer(tokenizer)
        from .fsio import atomic_write

        atomic_write(path, marshal.dumps(built.word_tag_tab))
        return built
    pos = jieba.posseg.POSTokenizer.__new__(jieba.posseg.POSTokenizer)
    pos.tokenizer = tokenizer
    pos.word_tag_tab = table
    return pos


_ASCII_RUN = re.compile(r"[A-Za-z0-9+#&._%\-]+")
_SPACE_RUN = re.compile(r"\s+")
# punctuation as one-character "words" (tag x, as jieba.posseg tags it); not . - % + which
# belong to numbers and codes (7.1%, 4+1)
_PUNCTUATION = ",，。、；;：:！!？?()（）[]【】《》<>/\\|…—“”\"'‘’「」『』·~～@*=^`{}"
_WORDS_FORMAT = 3  # bump when the cached automaton's layout changes
# the jieba dictionary automaton is loaded once per process (evaluation builds many pipelines)
_DICT_AUTOMATA: dict[str, Any] = {}


class _CuratedNamesFirst:
    """Curated names matched first, longest wins (an Aho-Corasick automaton built by each
    segmenter's ``add_words``); the stretches between them cut by the segmenter's own
    ``_cut``. Shared by the dictionary segmenters so a curated name is always one token."""

    _names: Any
    _ahocorasick: Any
    user_words: dict[str, str]

    def add_words(self, words: Mapping[str, str]) -> None:
        for word, tag in words.items():
            if len(word) >= 2 and word not in self.user_words:
                self.user_words[word] = tag
        names = self._ahocorasick.Automaton()
        for word, tag in self.user_words.items():
            names.add_word(word, (len(word), tag, self._name_freq(word)))
        if self.user_words:
            names.make_automaton()
            self._names = names

    def _name_freq(self, word: str) -> int:
        """The frequency a curated name carries into discovery's confidence."""
        raise NotImplementedError

    def tokens(self, norm: str) -> list[SegToken]:
        """Tokens of the normalised text (offsets are the same in the original)."""
        out: list[SegToken] = []
        pos = 0
        if self._names is not None:
            for end, (length, tag, freq) in self._names.iter_long(norm):
                start = end - length + 1
                if start > pos:
                    self._cut(norm, pos, start, out)
                out.append(SegToken(start, end + 1, tag, freq))
                pos = end + 1
        if pos < len(norm):
            self._cut(norm, pos, len(norm), out)
        return out

    def _cut(self, norm: str, a: int, b: int, out: list[SegToken]) -> None:
        raise NotImplementedError


class DictSegmenter(_CuratedNamesFirst):
    """Backward maximum matching over jieba's own dictionary, at C speed.

    Curated names are matched first (leftmost-longest, the gazetteer's rule), so a name is
    never split; the stretches between them are cut by ``Automaton.iter_long`` (greedy
    longest match) over jieba's dictionary words. Characters no word covers become
    one-character tokens (CJK) or one token per run (Latin letters and digits, as jieba's
    HMM does). Tags are jieba's word→tag table (curated names: ns/nt/nz), frequencies
    jieba's. No HMM: a word jieba's dictionary lacks comes out as single characters,
    which discovery reads as unknown (two single characters in a row).
    """

    name = "jieba-bmm"

    def __init__(self, user_words: Mapping[str, str] | None = None, *, cache_dir: Path | None = None) -> None:
        import ahocorasick

        self._ahocorasick = ahocorasick
        self.words = _dictionary_automaton(cache_dir)
        self.user_words: dict[str, str] = {}
        self._names: Any = None
        if user_words:
            self.add_words(user_words)

    def _name_freq(self, word: str) -> int:
        known = self.words.get(word[::-1], None)
        return int(known[2]) if known else 1

    def _cut(self, norm: str, a: int, b: int, out: list[SegToken]) -> None:
        # the hot loop of extraction. Backward maximum matching: the automaton holds the
        # words reversed and reads the stretch reversed, so its greedy longest match is
        # the longest word *ending* at each point (推进|物流|仓储|中心, where forward
        # matching gives 推进物|流); punctuation is in the automaton, so gaps (unknown
        # characters, Latin/digit runs, spaces) are rare
        found = [
            (b - end - 1, b - end - 1 + length, tag, freq)
            for end, (length, tag, freq) in self.words.iter_long(norm[a:b][::-1])
        ]
        found.reverse()
        pos = a
        append = out.append
        run = -1  # start of a run of one-character content words (an unknown word: 环|贸)
        for start, end, tag, freq in found:
            if start != pos:
                if run >= 0:
                    _close_run(out, run, pos)
                    run = -1
                _fill(norm, pos, start, out)
            if end - start == 1 and tag not in _FUNCTION_TAGS and norm[start] not in _FUNCTION_CHARS:
                if run < 0:
                    run = start
            elif run >= 0:
                _close_run(out, run, start)
                run = -1
            append(SegToken(start, end, tag, freq))
            pos = end
        if run >= 0:
            _close_run(out, run, pos)
        if pos < b:
            _fill(norm, pos, b, out)

    def cut(self, text: str) -> list[tuple[str, str]]:
        return [(text[t.start : t.end], t.tag) for t in self.tokens(text)]

    def freq(self, word: str) -> int:
        found = self.words.get(word[::-1], None)
        return int(found[2]) if found else 0

    @property
    def version(self) -> str:
        import importlib.metadata as md

        return f"jieba-bmm {md.version('jieba')}"


# one-character words that are grammar, not parts of an unknown word
_FUNCTION_TAGS = frozenset(
    ["p", "c", "u", "uj", "ul", "uz", "ud", "ug", "uv", "r", "d", "q", "y", "e", "o", "f", "m", "x"]
)
_FUNCTION_CHARS = frozenset(
    "的了在是和与及等为将对把被从向以于并而也都就又个年月日有让使成给用比去来当按据如则即才更最很再不没未要能可应须需得过"
    "这那其之各每该本全"
)


def _close_run(out: list[SegToken], start: int, end: int) -> None:
    """Two or more one-character content words in a row are most likely one word the
    dictionary lacks (jieba's HMM joins them the same way): one token, frequency 0."""
    if end - start < 2:
        return
    del out[len(out) - (end - start) :]
    out.append(SegToken(start, end, "j", 0))


def _fill(norm: str, a: int, b: int, out: list[SegToken]) -> None:
    """Characters no dictionary word covers: runs of ASCII letters/digits and of spaces
    are one token each, anything else one token per character."""
    k = a
    while k < b:
        ch = norm[k]
        if ch.isascii() and (ch.isalnum() or ch in "+#&._%-"):
            m = _ASCII_RUN.match(norm, k, b)
            e = m.end() if m else k + 1
            run = norm[k:e]
            out.append(SegToken(k, e, "m" if run.replace(".", "").isdigit() else "eng", 0))
        elif ch.isspace():
            m = _SPACE_RUN.match(norm, k, b)
            e = m.end() if m else k + 1
            out.append(SegToken(k, e, "x", 0))
        else:
            e = k + 1
            out.append(SegToken(k, e, "x", 0))
        k = e


def _dictionary_automaton(cache_dir: Path | None) -> Any:
    """jieba's dictionary words (freq > 0) → (length, tag, freq) in an Aho-Corasick
    automaton. Building it takes ~2 s; it is pickled into the cache folder (keyed by the
    jieba version) and loads in ~0.1 s."""
    import importlib.metadata as md
    import pickle

    key = f"{md.version('jieba')}-{_WORDS_FORMAT}"
    if key in _DICT_AUTOMATA:
        return _DICT_AUTOMATA[key]
    path = cache_dir / f"jieba-words-{key}.pickle" if cache_dir is not None else None
    automaton = None
    if path is not None and path.is_file():
        try:
            automaton = pickle.loads(path.read_bytes())  # our own cache file, written below
        except Exception:  # a damaged cache file is rebuilt, never fatal
            automaton = None
    if automaton is None:
        automaton = _build_dictionary_automaton(cache_dir)
        if path is not None:
            from .fsio import atomic_write

            atomic_write(path, pickle.dumps(automaton))
    _DICT_AUTOMATA[key] = automaton
    return automaton


def _jieba_frequencies(cache_dir: Path | None) -> dict[str, int]:
    """jieba's dictionary as word → frequency (the table jieba-rs compiles in), read from
    jieba's dict.txt once (~0.4 s) and kept as marshal in the cache folder (~0.1 s)."""
    import importlib.metadata as md
    import marshal

    import jieba

    key = md.version("jieba")
    if key in _FREQS:
        return _FREQS[key]
    path = cache_dir / f"jieba-freq-{key}.marshal" if cache_dir is not None else None
    table: dict[str, int] | None = None
    if path is not None and path.is_file():
        try:
            table = marshal.loads(path.read_bytes())
        except (OSError, ValueError, EOFError, TypeError):
            table = None  # a damaged cache file is rebuilt, never fatal
    if not isinstance(table, dict):
        table = {}
        with jieba.get_dict_file() as fh:
            for line in fh:
                word, freq, *_ = line.decode("utf-8").split(" ")
                table[word] = int(freq)
        if path is not None:
            path.parent.mkdir(parents=True, exist_ok=True)
            tmp = path.with_name(path.name + ".tmp")
            tmp.write_bytes(marshal.dumps(table))
            tmp.replace(path)
    _FREQS[key] = table
    return table


def _build_dictionary_automaton(cache_dir: Path | None) -> Any:
    import ahocorasick
    import jieba

    jieba.setLogLevel(logging.WARNING)
    tokenizer = jieba.Tokenizer()
    if cache_dir is not None:
        cache_dir.mkdir(parents=True, exist_ok=True)
        tokenizer.tmp_dir = str(cache_dir)
    tokenizer.initialize()
    tags = _pos_tokenizer(tokenizer, cache_dir).word_tag_tab
    automaton = ahocorasick.Automaton()
    for word, freq in tokenizer.FREQ.items():
        if freq > 0:
            automaton.add_word(word[::-1], (len(word), tags.get(word, "x"), int(freq)))
    for ch in _PUNCTUATION:
        if automaton.get(ch, None) is None:
            automaton.add_word(ch, (1, "x", 0))
    automaton.make_automaton()
    return automaton


_CN_DIGITS = frozenset("一二两三四五六七八九十")

_PEEL_HEAD = _CN_DIGITS | _FUNCTION_CHARS
_FREQS: dict[str, dict[str, int]] = {}
# one compiled jieba per process: it is never given words (see RJiebaSegmenter), so every
# pipeline of the process (evaluation builds dozens) can share it
_RJIEBA: list[Any] = []


class RJiebaSegmenter(_CuratedNamesFirst):
    """jieba's algorithm compiled (``rjieba``, jieba-rs): the same dictionary, DAG, HMM for
    unknown words and POS tags as ``jieba.posseg``, ~20× faster.

    Curated names are matched first (leftmost-longest, the gazetteer's rule) and kept as
    whole tokens tagged ns/nt/nz; the stretches between them are cut by ``rjieba.tag``.
    They are not added with ``add_word``: jieba-rs adds each word's frequency to the
    dictionary total, which re-weighs every route, so a new name could change how a
    document that does not contain it is cut, and the per-document NLP cache (keyed on
    the names each document contains) would go stale. Frequencies come from jieba's
    dictionary (the table ``jieba-bmm`` caches); a name's is what ``jieba.add_word``
    would give it (``suggest_freq``).
    """

    name = "rjieba"

    def __init__(self, user_words: Mapping[str, str] | None = None, *, cache_dir: Path | None = None) -> None:
        import ahocorasick

        if not _RJIEBA:
            import rjieba

            _RJIEBA.append(rjieba.Jieba())
        self._jieba = _RJIEBA[0]
        self._tag = self._jieba.tag
        self._ahocorasick = ahocorasick
        self.freqs = _jieba_frequencies(cache_dir)
        self.user_words: dict[str, str] = {}
        self._names: Any = None
        if user_words:
            self.add_words(user_words)

    def _name_freq(self, word: str) -> int:
        return max(self.freq(word), int(self._jieba.suggest_freq(word)))

    def _cut(self, norm: str, a: int, b: int, out: list[SegToken]) -> None:
        # the hot loop of extraction: tuples are made without SegToken's keyword-handling
        # constructor (a fifth of this loop's time)
        get = self.freqs.get
        append = out.append
        new = tuple.__new__
        pos = a
        for word, tag in self._tag(norm[a:b]):
            end = pos + len(word)
            freq = get(word, 0)
            if not freq and len(word) > 1 and (word[0] in _PEEL_HEAD or word[-1] in _FUNCTION_CHARS):
                self._peel(word, pos, tag, out)
            else:
                append(new(SegToken, (pos, end, tag, freq)))
            pos = end

    def _peel(self, word: str, pos: int, tag: str, out: list[SegToken]) -> None:
        """A word jieba's dictionary lacks, joined by jieba-rs's HMM (等七大, 周等).
        jieba.posseg cuts such runs with its POS HMM instead, which keeps numerals and
        grammar characters apart (等|七|大, 周|等); so does this: leading numerals and
        function characters and trailing function characters become one-character tokens."""
        a, b = 0, len(word)
        pieces: list[tuple[int, int, str | None]] = []
        while a < b - 1 and word[a] in _PEEL_HEAD:
            pieces.append((a, a + 1, "m" if word[a] in _CN_DIGITS else None))
            a += 1
        tail = b
        while tail > a + 1 and word[tail - 1] in _FUNCTION_CHARS:
            tail -= 1
        pieces.append((a, tail, None if tail - a == 1 or self.freqs.get(word[a:tail]) else tag))
        pieces += [(k, k + 1, None) for k in range(tail, b)]
        for start, end, piece_tag in pieces:
            piece = word[start:end]
            if piece_tag is None:
                piece_tag = self._tag(piece, False)[0][1] if self.freqs.get(piece) else tag
            out.append(SegToken(pos + start, pos + end, piece_tag, self.freqs.get(piece, 0)))

    def cut(self, text: str) -> list[tuple[str, str]]:
        return [(text[t.start : t.end], t.tag) for t in self.tokens(text)]

    def freq(self, word: str) -> int:
        return self.freqs.get(word, 0)

    @property
    def version(self) -> str:
        import importlib.metadata as md

        return f"rjieba {md.version('rjieba')}"


class CharSegmenter:
    """One token per character: the spaCy default for ``zh``, kept as a baseline."""

    name = "char"
    version = "char"

    def __init__(self, user_words: Mapping[str, str] | None = None, **_: Any) -> None:
        self.user_words = dict(user_words or {})

    def add_words(self, words: Mapping[str, str]) -> None:
        self.user_words.update(words)

    def cut(self, text: str) -> list[tuple[str, str]]:
        return [(ch, "x") for ch in text]

    def freq(self, word: str) -> int:
        return 0


def make_segmenter(kind: str, user_words: Mapping[str, str] | None = None, cache_dir: Path | None = None) -> Any:
    if kind == "rjieba":
        return RJiebaSegmenter(user_words, cache_dir=cache_dir)
    if kind == "jieba":
        return JiebaSegmenter(user_words, pos=True, cache_dir=cache_dir)
    if kind == "jieba-cut":
        return JiebaSegmenter(user_words, pos=False, cache_dir=cache_dir)
    if kind == "jieba-bmm":
        return DictSegmenter(user_words, cache_dir=cache_dir)
    if kind == "char":
        return CharSegmenter(user_words)
    from .errors import Errors

    raise ValueError("E301 " + Errors.E301.format(value=kind, valid=", ".join(SEGMENTERS)))


def segment(segmenter: Any, text: str) -> list[Token]:
    """Tokens with offsets into ``text`` (segmentation runs on the normalised form)."""
    norm = normalise(text)
    tokens: list[Token] = []
    pos = 0
    for word, tag in segmenter.cut(norm):
        if not word:
            continue
        tokens.append(Token(pos, pos + len(word), tag, segmenter.freq(word)))
        pos += len(word)
    return tokens


def _shifted(token: Any, offset: int) -> Any:
    if isinstance(token, SegToken):
        return token._replace(start=token.start + offset, end=token.end + offset)
    return Token(token.start + offset, token.end + offset, token.tag, token.freq)


def pieces(norm: str, limit: int, size: int = PIECE_CHARS) -> Iterator[tuple[int, int]]:
    """``(start, end)`` of consecutive pieces covering ``norm[:limit]``, each at most
    ``size`` long and ending just after a sentence end where there is one (so the last
    may end before ``limit``).

    >>> list(pieces("一。二三。四五六。七", 10, size=4))
    [(0, 2), (2, 5), (5, 9), (9, 10)]
    """
    start = 0
    while start < limit:
        end = min(start + size, limit)
        if end < len(norm):
            # just after the last sentence end inside the piece; none: where the size ends
            last = max(norm.rfind(mark, start, end) for mark in _PIECE_ENDS)
            if last >= 0:
                if end == limit:
                    limit = last + 1  # the segmented part ends with a whole sentence too
                end = last + 1
        yield start, end
        start = end
