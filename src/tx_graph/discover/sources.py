"""``discover.source.v1``: publishers and media named in page headers and 来源/记者 lines.

Reposted pages say where they come from: 来源:桐乡新闻网, 来源: 杭州日报 驻嘉兴记者 …, a
breadcrumb 您当前的位置:浙江在线 > 浙江新闻 > …, a WeChat header 桐乡发布 2022-05-18. The name
in such a slot is an organisation (a media outlet, or a government office when it ends in
an office word) whatever its shape; no name is known in advance.
"""

from __future__ import annotations

import re

from ..model import Proposal, Span
from ..text import norm_label
from .document import _Doc
from .ids import R_SOURCE
from .tables import MODEL_WORDS

_NAME = r"([\u4e00-\u9fffA-Za-z0-9·]{2,20})"
_GAP = r"[ \t\u3000]{0,2}"
_SLOTS = (
    re.compile(rf"(?:来源|稿源|信息来源|文章来源|来源单位|发布单位|发布机构|供稿){_GAP}[:：]{_GAP}{_NAME}"),
    re.compile(rf"(?:当前的?位置|当前位置|现在的位置)\s*[:：]\s*{_NAME}\s*[>＞»]"),
    re.compile(rf"(?:^|\n|\s){_NAME}\s+\d{{4}}[-/.]\d{{1,2}}[-/.]\d{{1,2}}(?=\s*(?:\n|$))"),
)
HEADER_CHARS = 600  # headers, bylines and source lines sit at the top of a page


def _kind(name: str) -> str:
    return "government-body" if name.endswith(tuple(MODEL_WORDS["government"])) else "organisation"


def _source_proposals(d: _Doc) -> list[Proposal]:
    out: list[Proposal] = []
    limit = min(d.body_end, HEADER_CHARS)
    for n, pattern in enumerate(_SLOTS):
        for m in pattern.finditer(d.norm, 0, limit):
            a, b = m.span(1)
            name = d.norm[a:b]
            if name in MODEL_WORDS["byline_words"] or name.isdigit():
                continue
            if n == 2 and not name.endswith(tuple(MODEL_WORDS["media"])):
                continue  # a name before a date is a media account only when it says so
            if d.known_at[a] >= 0 and d.mentions[d.known_at[a]].span.end >= b:
                continue
            out.append(
                Proposal(d.doc.id, Span(a, b), d.text[a:b], norm_label(name), _kind(name), R_SOURCE, 0.75, None, "来源")
            )
    return out
