"""``discover.numeral.v1``: numeral-led coinages (一园两区, 三改一拆, 五水共治, “4+1”)."""

from __future__ import annotations

import re

from ..model import Proposal, Span
from ..text import norm_label
from .document import _Doc
from .ids import R_NUMERAL
from .tables import _ALNUM_COINAGE, _NUMERAL_ALT, _NUMERAL_HEAD, _NUMERAL_SHIFTED, _SHIFTED_NUMERALS, NUMERALS, PUNCT


def _numeral_proposals(d: _Doc) -> list[Proposal]:
    out: list[Proposal] = []
    norm = d.norm
    # tried at every token start (not with finditer: a match starting mid-word, 建一核两翼两,
    # would hide the coinage after it, 一核两翼两带)
    for token in d.tokens:
        s = token.start
        # every pattern has a numeral first or second (一园两区, 退二进三)
        if norm[s] not in NUMERALS and norm[s + 1 : s + 2] not in _SHIFTED_NUMERALS:
            continue
        if s >= d.body_end or d.known_at[s] >= 0:
            continue
        for pattern, conf in ((_NUMERAL_ALT, 0.6), (_NUMERAL_SHIFTED, 0.6), (_NUMERAL_HEAD, 0.55)):
            m = pattern.match(norm, s)
            if m is None:
                continue
            e = m.end()
            while e > s and e not in d.token_ends and e < len(norm) and norm[e] not in PUNCT:
                e -= 1  # back to the last token end inside the match
            if e - s < 4 or d.known_at[e - 1] >= 0:
                continue
            text = norm[s:e]
            if text.startswith("两大"):
                continue  # 两大平台: counting
            if re.search(r"[一二两三四五六七八九十百千万]{2}", text) and pattern is not _NUMERAL_HEAD:
                continue  # 十二连冠, 三十周年: counting, not a coinage
            if pattern is not _NUMERAL_HEAD and not (_NUMERAL_ALT.fullmatch(text) or _NUMERAL_SHIFTED.fullmatch(text)):
                continue
            surface = d.text[s:e]
            out.append(
                Proposal(d.doc.id, Span(s, e), surface, norm_label(surface), "programme", R_NUMERAL, conf, None, None)
            )
            break
    for m in _ALNUM_COINAGE.finditer(norm, 0, d.body_end):
        s, e = m.start(), m.end()
        if d.known_at[s + 1] >= 0:
            continue
        surface = d.text[s:e]
        out.append(
            Proposal(d.doc.id, Span(s, e), surface, norm_label(surface), "programme", R_NUMERAL, 0.5, None, None)
        )
    return out

