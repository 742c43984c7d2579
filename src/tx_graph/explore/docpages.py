"""Document pages (full text with every mention linked) and year pages."""

from __future__ import annotations

import itertools
import re
from collections import Counter, defaultdict

from .base import (
    SUBGRAPH_CAP,
    SiteBase,
    esc,
    page_path,
)
from .data import IN_YEAR, Doc, Figure, Mention, Node
from .style import TYPE_ORDER

__all__ = ["DocPages"]


class DocPages(SiteBase):
    # ------------------------------------------------------------ document
    def doc_page(self, doc_id: str) -> str:
        d = self.data
        doc = d.docs[doc_id]
        root = "../"
        mentions = d.mentions_in.get(doc_id, [])
        counts = Counter(m.node for m in mentions)
        ents = sorted(counts, key=lambda k: (-counts[k], d.nodes[k].label))
        ent_list = "".join(f'<li>{self.link(k, root)} <span class="n">{counts[k]}</span></li>' for k in ents)
        payload = self._subgraph(ents[:SUBGRAPH_CAP], None, len(ents))
        figures = [f for f in d.figures if f.doc == doc_id and f.start >= 0]
        text = self._doc_text(doc, mentions, figures, root)
        toc = "".join(
            f'<li class="lvl{s.path.count(".")}"><a href="#sec-{esc(s.path)}">{esc(s.heading)}</a></li>'
            for s in doc.sections
        )
        definitions = [x for x in d.definitions if x.doc == doc_id]
        defs = (
            '<section><h2>Glossary of this document 名词解释</h2><div class="defs">'
            + "".join(
                self._definition_card(x, root)
                .replace('<article class="def">', f'<article class="def" id="gl-{x.number or 0}">', 1)
                .replace("<header>", f"<header>{self.link(x.term, root)} ", 1)
                for x in definitions
            )
            + "</div></section>"
            if definitions
            else ""
        )
        meta = " · ".join(
            x
            for x in (
                esc(doc.kind),
                f'<a href="{root}year/{doc.year}.html">{doc.year}</a>' if doc.year else "",
                f"issued {esc(doc.issued)}" if doc.issued else "",
                f"{len(doc.text):,} characters",
                f"{len(mentions)} mentions of {len(ents)} entities",
            )
            if x
        )
        body = f"""
<h1>{esc(doc.title)}</h1>
<p class="type">{meta}</p>
<div class="split">
<div class="facts"><h2>Entities mentioned</h2><ul class="cols">{ent_list}</ul></div>
<div class="netbox"><div class="netbar"><b>Network</b>
<span class="hint">entities this document mentions and their relations</span></div>
<div id="doc-net" class="net"></div>{self._legend(payload)}</div>
</div>
<section class="doctext"><h2>Text <small>mentions highlighted; click one to open its entity</small></h2>
{f'<ol class="doctoc">{toc}</ol>' if toc else ""}
<div class="text">{text}</div></section>
{defs}
"""
        script = f"TXX.mini('doc-net', {self.network_js(payload)}, {{}});"
        return self.page(doc.title, root, body, kind="doc", network=True, script=script)

    def _doc_text(self, doc: Doc, mentions: list[Mention], figures: list[Figure], root: str) -> str:
        spans: list[tuple[int, int, str, str]] = []  # start, end, open tag, close tag
        for f in figures:
            spans.append(
                (
                    f.start,
                    f.end,
                    f'<span class="fig" id="f-{esc(f.id.rsplit("/", 1)[-1])}" '
                    f'title="figure: {esc(f.stated)} ({f.year}, {esc(f.kind)})">',
                    "</span>",
                )
            )
        for m in mentions:
            n = self.data.nodes[m.node]
            spans.append(
                (
                    m.start,
                    m.end,
                    f'<a class="m t-{n.type}" id="m-{m.start}" href="{root}{page_path(m.node)}" '
                    f'title="{esc(n.label)} · {esc(n.type)}">',
                    "</a>",
                )
            )
        spans.sort(key=lambda s: (s[0], -(s[1] - s[0])))
        numbered = {x.number for x in self.data.definitions if x.doc == doc.id and x.number}
        for note in self.data.footnotes:
            mark = f"[{note.number}]"
            at = doc.text.find(mark, note.end, note.end + 4) if note.doc == doc.id else -1
            if at < 0:
                continue
            # the mark opens the document's own glossary entry, else the glossary page's
            href = (
                f"#gl-{note.number}"
                if note.number in numbered
                else f"{root}glossary.html#{esc(note.term.replace('/', '-'))}"
            )
            spans.append((at, at + len(mark), f'<a class="fn" href="{href}" title="名词解释 {note.number}">', "</a>"))
        spans.sort(key=lambda s: (s[0], -(s[1] - s[0])))
        heads: dict[int, int] = {}  # section start → end of its heading in the text
        for sec in doc.sections:
            at = doc.text.find(sec.heading, sec.start, sec.start + len(sec.heading) + 12) if sec.heading else -1
            if at >= 0:
                heads[sec.start] = at + len(sec.heading)
        breaks = sorted(
            {s.start for s in doc.sections if 0 < s.start < len(doc.text)}
            | {e for e in heads.values() if e < len(doc.text)}
        )
        anchors = {s.start: s.path for s in doc.sections}
        starts = {a for a, _ in doc.sentences}
        accepted: list[tuple[int, int, str, str]] = []
        stack: list[tuple[int, int, str, str]] = []
        for span in spans:
            while stack and stack[-1][1] <= span[0]:
                stack.pop()
            if stack and span[1] > stack[-1][1]:
                continue  # crosses the span it starts in: keep the outer one
            if any(span[0] < b < span[1] for b in breaks):
                continue
            accepted.append(span)
            stack.append(span)
        opens: dict[int, list[str]] = defaultdict(list)
        closes: dict[int, list[str]] = defaultdict(list)
        for start, end, open_tag, close_tag in accepted:
            opens[start].append(open_tag)
            closes[end].insert(0, close_tag)
        points = sorted({0, len(doc.text), *opens, *closes, *breaks, *anchors, *starts})
        out = ['<p class="sh">' if 0 in heads else "<p>"]
        for a, b in itertools.pairwise(points):
            out.extend(closes.get(a, []))
            if a in heads and a:
                out.append('</p><p class="sh">')
            elif a in breaks:
                out.append("</p><p>")
            if a in starts:
                out.append(f'<span id="s-{a}"></span>')
            if a in anchors:
                out.append(f'<span class="sec" id="sec-{esc(anchors[a])}"></span>')
            out.extend(opens.get(a, []))
            out.append(esc(doc.text[a:b]))
        out.extend(closes.get(len(doc.text), []))
        out.append("</p>")
        return "".join(out)

    # ------------------------------------------------------------ year
    def _year_things(self, year: Node) -> list[str]:
        return [k for k, ys in self.data.years.items() if year.year in ys and k != year.id]

    def year_page(self, node_id: str) -> str:
        d = self.data
        y = d.nodes[node_id]
        year = y.year or 0
        root = "../"
        tied = sorted(
            (e.source for e in d.edges if e.relation == IN_YEAR and e.target == node_id),
            key=lambda k: (
                TYPE_ORDER.index(d.nodes[k].type) if d.nodes[k].type in TYPE_ORDER else 99,
                d.nodes[k].label,
            ),
        )
        docs_of_year = [x for x in d.docs.values() if x.year == year]
        figures = sorted((f for f in d.figures if f.year == year), key=lambda f: (f.kind, f.area, f.indicator))
        tables = []
        for kind, title in (("actual", "What happened 实际"), ("target", "What was planned 目标")):
            rows = "".join(
                f"<tr><td>{self.link(f.area, root, badge=False)}</td>"
                f"<td>{self.link(f.indicator, root, badge=False)}</td>"
                f'<td class="num">{esc(f.stated)}</td><td class="quote">'
                + (
                    self.sentence_html(d.docs[f.doc], f.start, f.end, root, cls="fig")
                    if f.doc in d.docs and f.start >= 0
                    else ""
                )
                + "</td></tr>"
                for f in figures
                if f.kind == kind
            )
            if rows:
                tables.append(
                    f'<h3>{title}</h3><table class="data"><thead><tr><th>place</th><th>indicator</th><th>value</th>'
                    f"<th>source sentence</th></tr></thead><tbody>{rows}</tbody></table>"
                )
        pattern = re.compile(rf"(?<!\d){year}(?:年)?(?!\d)")
        said: list[str] = []
        count = 0
        for doc in sorted(d.docs.values(), key=lambda x: (x.year != year, x.title)):
            items = []
            for s, e in doc.sentences:
                sentence = doc.text[s:e]
                hits = list(pattern.finditer(sentence))
                if not hits:
                    continue
                count += 1
                first = hits[0]
                items.append(
                    f'<li class="mention">{self.sentence_html(doc, s + first.start(), s + first.end(), root)}</li>'
                )
            if items:
                said.append(
                    f'<details class="doc-mentions" open><summary>{self.link(doc.id, root)} '
                    f'<span class="n">{len(items)}</span></summary>'
                    f"<ol>{''.join(items)}</ol></details>"
                )
        ties = "".join(f"<li>{self.link(k, root)}</li>" for k in tied)
        dated = (
            f"<section><h2>Documents of {year}</h2><ul>"
            + "".join(
                f'<li>{self.link(x.id, root)} <span class="muted">{esc(x.kind)}</span></li>' for x in docs_of_year
            )
            + "</ul></section>"
            if docs_of_year
            else ""
        )
        body = f"""
<h1>{esc(y.label)} <span class="badge" style="--c:#34495e">年份</span></h1>
<p class="type">{len(docs_of_year)} documents dated {year} · {len(tied)} entities tied to {year} ·
{len(figures)} figures about {year} · {count} sentences that name it</p>
{dated}
{f"<section><h2>Figures about {year}</h2>" + "".join(tables) + "</section>" if tables else ""}
{f'<section><h2>Tied to {year} <small>{len(tied)}</small></h2><ul class="cols">{ties}</ul></section>' if tied else ""}
<section><h2>What the documents say of {year} <small>{count} sentences</small></h2>
{"".join(said) or '<p class="muted">No sentence names this year.</p>'}</section>
"""
        return self.page(y.label, root, body, kind="year")
