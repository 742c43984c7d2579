"""The word lists and patterns the discovery rules read.

The lists themselves are data (``*.yaml`` next to this module, one comment per list saying
what it stops); this module loads them once and builds the regular expressions over them.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

from ..text import QUOTES

PUNCT = set(",，。、；;：:！!？?()（）[]【】《》<>/\\|…—\n\t ") | set(QUOTES)

NUMERALS = "一二两三四五六七八九十百千万双多"

CN_NUMERAL = re.compile(rf"[{NUMERALS}]")



def _load(name: str) -> dict[str, Any]:
    """One data file next to this module (a mapping of list name → list)."""
    import yaml

    text = (Path(__file__).parent / name).read_text(encoding="utf-8")
    data = yaml.load(text, Loader=getattr(yaml, "CSafeLoader", yaml.SafeLoader))
    if not isinstance(data, dict):
        raise ValueError(f"{name}: expected a mapping of list names to lists")
    return data


def _set(data: dict[str, Any], key: str) -> frozenset[str]:
    return frozenset(str(data[key]).split())


def _seq(data: dict[str, Any], key: str) -> tuple[str, ...]:
    return tuple(str(data[key]).split())


_WORDS = _load("words.yaml")
_CUES = _load("cues.yaml")
MODEL_WORDS: dict[str, tuple[str, ...]] = {k: _seq(_load("model.yaml"), k) for k in _load("model.yaml")}


# suffix → (type, longest name, base confidence), in the order of suffixes.yaml
SUFFIXES: dict[str, tuple[str, int, float]] = {
    k: (str(v[0]), int(v[1]), float(v[2])) for k, v in _load("suffixes.yaml").items()
}

_SUFFIXES_LONGEST_FIRST = tuple(sorted(SUFFIXES, key=len, reverse=True))

_SUFFIX_RE = re.compile("|".join(re.escape(s) for s in _SUFFIXES_LONGEST_FIRST))

STOP_WORDS = _set(_WORDS, "stop_words")

BREAK_TAGS = _set(_WORDS, "break_tags")

PROPER_TAGS = _set(_WORDS, "proper_tags")

NAME_VERBS = _set(_WORDS, "name_verbs")

MEASURES = _set(_WORDS, "measures")

NAME_ADJS = _set(_WORDS, "name_adjs")

WEAK_TAGS = _set(_WORDS, "weak_tags")

NOUN_VERBS = _set(_WORDS, "noun_verbs")

HEAD_BREAKS = _set(_WORDS, "head_breaks")

SINGLE_STOP = _set(_WORDS, "single_stop")

GENERIC = _set(_WORDS, "generic")

TRIM_LEFT = _set(_WORDS, "trim_left")

NOT_PLACE_SPEC = _set(_WORDS, "not_place_spec")

CLASS_NOUNS: dict[str, str] = dict(_CUES["class_nouns"])

_CLASS_RE = re.compile("|".join(sorted(map(re.escape, CLASS_NOUNS), key=len, reverse=True)))

QUOTE_CUES: dict[str, str] = dict(_CUES["quote_cues"])

_QUOTE_CUE_RE = re.compile("|".join(sorted(map(re.escape, QUOTE_CUES), key=len, reverse=True)))

NUMERAL_HEADS = _seq(_CUES, "numeral_heads")


_NUMERAL_ALT = re.compile(rf"(?:[{NUMERALS}][\u4e00-\u9fff]){{2,}}(?:多[\u4e00-\u9fff])?")

_NUMERAL_SHIFTED = re.compile(r"(?:[\u4e00-\u9fff][一二两三四五六七八九十]){2,}")  # 退二进三

_SHIFTED_NUMERALS = frozenset("一二两三四五六七八九十")

_NUMERAL_HEAD = re.compile(
    rf"[一二两三四五六七八九十]{{1,2}}(?:个|大|场|位)?[\u4e00-\u9fff]{{0,2}}?(?:{'|'.join(NUMERAL_HEADS)})"
)

_ALNUM_COINAGE = re.compile(r"[“\"](\d+(?:\+\d+|\+[A-Za-z])*|\d+\+[A-Za-z](?:\+[A-Za-z])*)[”\"]")

_INVEST = re.compile(r"(?:总投资|投资)(?:超|约|近)?(?:\d+(?:\.\d+)?)?(?:亿|万)(?:元|美元)(?:人民币)?(?:以上)?的")

_ANNUAL = re.compile(r"年产\d+(?:\.\d+)?万?(?:吨|件|台|套|辆|平方米)")

ORDINAL = re.compile(
    r"^(?:第[一二三四五六七八九十\d]+[届次期]?|首届|\d{4}年?|[一二三四五六七八九十]+[期次大]|[一二三四五两]年)$"
)

TRIM_VERBS = _set(_WORDS, "trim_verbs")

NOT_NAME_ENDINGS = _set(_WORDS, "not_name_endings")

SCOPE_WORDS = _set(_WORDS, "scope_words")

RARE = 150  # a dictionary word this rare is as good as an unknown one for naming (紫金, 世贸)

ORG_TYPES = frozenset({"company", "organisation", "government-body"})

ADMIN_TYPES = frozenset({"town", "village", "subdistrict", "community", "county-city", "province", "district"})

PARENT_TYPES = frozenset(
    {"town", "subdistrict", "county-city", "prefecture-city", "village", "district", "community", "park"}
)

STRONG_CUES = _set(_CUES, "strong_cues")

_ADMIN_TAIL = re.compile(r"(?:镇|村|县|市|省|街道|社区)$")

_QUOTED = re.compile(r"[“\"]([^“”\"\n。；;！!？?]{1,24})[”\"]")

COARSE_OF = {"landmark": "place", "park": "place"}

_CUE_TAILS = _seq(_CUES, "cue_tails")


STRONG_HEADS = _seq(_CUES, "strong_heads")

VARIANT_WORDS = _set(_CUES, "variant_words")

PROJECT_TAILS = _seq(_CUES, "project_tails")

