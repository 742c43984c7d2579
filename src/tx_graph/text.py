"""Text normalisation shared by every stage: same-length folding and traditional → simplified.

Every offset into the normalised text is an offset into the original, so a match found on
the normalised form points at the original spelling.

>>> norm_label("“千店孵化”计划")
'千店孵化计划'
"""

from __future__ import annotations

import re
from functools import lru_cache
from typing import Any

__all__ = ["CLOSE_QUOTES", "OPEN_QUOTES", "QUOTES", "fold", "norm_label", "normalise", "slugify"]

# quotation marks: dropped from grouping keys, kept around quoted names
QUOTES = "“”\"'‘’「」『』"

OPEN_QUOTES = '“‘「『"'

CLOSE_QUOTES = '”’」』"'


_FULLWIDTH = {cp: cp - 0xFEE0 for cp in range(0xFF01, 0xFF5F)} | {0x3000: 0x20}


def fold(text: str) -> str:
    """Same-length normalisation for matching: full-width ASCII forms → ASCII.

    >>> fold("ＡＢ：１")
    'AB:1'
    """
    return text.translate(_FULLWIDTH)


@lru_cache(maxsize=1)
def _opencc() -> Any:
    import opencc

    return opencc.OpenCC("t2s")


_CHUNK = re.compile(r"[^。！？!?；;\n]*[。！？!?；;\n]?")

_NORMALISED: dict[str, str] = {}  # the last few long texts: every stage normalises the same document


def normalise(text: str) -> str:
    """Same-length matching form: full-width ASCII folded, traditional → simplified.

    OpenCC converts phrase by phrase and may change a length; where it does, that
    stretch is converted character by character so every offset still holds.

    >>> normalise("濮院鎮（２０１８）")
    '濮院镇(2018)'
    """
    if len(text) < 256:
        return _normalise(text)
    hit = _NORMALISED.get(text)
    if hit is None:
        if len(_NORMALISED) >= 16:
            _NORMALISED.clear()
        hit = _NORMALISED[text] = _normalise(text)
    return hit


def _normalise(text: str) -> str:
    folded = fold(text)
    if folded.isascii():
        return folded
    cc = _opencc()
    whole = str(cc.convert(folded))
    if len(whole) == len(folded):
        return whole
    out: list[str] = []
    for m in _CHUNK.finditer(folded):
        chunk = m.group(0)
        if not chunk:
            continue
        conv = str(cc.convert(chunk))
        if len(conv) != len(chunk):
            conv = "".join(c if len(c := str(cc.convert(ch))) == 1 else ch for ch in chunk)
        out.append(conv)
    result = "".join(out)
    return result if len(result) == len(folded) else folded


def norm_label(text: str) -> str:
    """The key under which proposals group: normalised, quotes and spaces dropped."""
    return "".join(ch for ch in normalise(text) if ch not in QUOTES and not ch.isspace())


def slugify(text: str) -> str:
    """Readable ascii slug via pinyin (lazy import: pypinyin's tables are large).

    >>> slugify("一园两区"), slugify("R&D占比"), slugify("“4+1”重大项目建设")
    ('yi-yuan-liang-qu', 'r-d-zhan-bi', '4-1-zhong-da-xiang-mu-jian-she')
    """
    from pypinyin import lazy_pinyin

    words = lazy_pinyin(text)
    slug = "-".join(words).lower()
    slug = re.sub(r"[^a-z0-9]+", "-", slug).strip("-")
    return slug or "x"
