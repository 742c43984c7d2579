"""Entity pages: names, relations with their sources, figures, definitions, mentions."""

from __future__ import annotations

from collections import Counter, defaultdict

from .base import (
    EGO_CAP,
    KIND_NAMES,
    MENTIONS_OPEN,
    UNIT_NAMES,
    SiteBase,
    _number,
    _outside,
    esc,
    page_path,
    place_path,
)
from .data import IN_YEAR, Mention
from .style import type_style

__all__ = ["EntityPages"]


class EntityPages(SiteBase):
    # ------------------------------------------------------------ entity
    def entity_page(self, node_id: str) -> str:
        d = self.data
        n = d.nodes[node_id]
        root = "../"
        zh, colour, _ = type_style(n.type)
        chain = list(reversed(d.ancestors(node_id)))
        crumbs = " › ".join(self.link(p, root, badge=False) for p in chain)
        names = []
        if n.aliases:
            names.append("<dt>aliases 别名</dt><dd>" + "、".join(esc(a) for a in n.aliases) + "</dd>")
        if n.en:
            names.append(f"<dt>English</dt><dd>{esc(n.en)}</dd>")
        if n.pinyin:
            names.append(f"<dt>pinyin</dt><dd>{esc(n.pinyin)}</dd>")
        names.append(f"<dt>id</dt><dd><code>{esc(node_id)}</code></dd>")
        same = d.same_as.get(node_id, [])
        if same:
            names.append("<dt>outside identifiers</dt><dd>" + "<br>".join(_outside(s) for s in same) + "</dd>")
        names.append(
            f"<dt>in the graph</dt><dd>{n.mentions} mentions · {d.degree.get(node_id, 0)} links"
            + (
                f" · betweenness rank {d.betweenness_rank[node_id]} of {len(d.nodes)}"
                if node_id in d.betweenness_rank
                else ""
            )
            + "</dd>"
        )
        years = d.years.get(node_id, [])
        if years:
            names.append(
                "<dt>years</dt><dd>" + " ".join(f'<a href="{root}year/{y}.html">{y}</a>' for y in years) + "</dd>"
            )
        rel_rows: dict[str, list[str]] = defaultdict(list)
        for direction, relation, other in sorted(
            self.neighbours.get(node_id, ()), key=lambda x: (x[1], x[0], d.nodes[x[2]].label)
        ):
            if relation == IN_YEAR or (relation == "located in" and direction == "in"):
                continue
            verb = relation if direction == "out" else f"← {relation}"
            rel_rows[verb].append(self.link(other, root))
        related = "".join(f"<dt>{esc(k)}</dt><dd>{'、'.join(v)}</dd>" for k, v in rel_rows.items())
        kids = d.children.get(node_id, [])
        contained = ""
        if kids:
            by_kind = Counter(d.nodes[k].type for k in kids)
            summary = " · ".join(f"{c} {esc(t)}" for t, c in by_kind.most_common())
            contained = (
                f'<h2>Contains {len(kids)} <small>{summary}</small></h2><ul class="cols">'
                + "".join(f"<li>{self.link(k, root)}</li>" for k in kids[:300])
                + "</ul>"
                + (
                    f'<p><a class="button ghost" href="{root}{place_path(node_id)}">'
                    f"Everything in {esc(n.label)}, at any depth "
                    f"({len(d.descendants(node_id))}) →</a></p>"
                )
            )
        ego = self.ego_data(node_id)
        capped = (
            f'<p class="muted">Radius 2 shows the {EGO_CAP} closest of {ego["total"]} nodes.</p>'
            if ego["total"] > EGO_CAP
            else ""
        )
        if len(ego["nodes"]) > 1:
            netbox = f"""<div class="netbox"><div class="netbar"><b>Network</b> radius
<label><input type="radio" name="radius" value="1"{" checked" if ego["radius"] == 1 else ""}> 1</label>
<label><input type="radio" name="radius" value="2"{" checked" if ego["radius"] == 2 else ""}> 2</label>
<span class="hint">hover for details · click a node to open it</span></div>
<div id="ego" class="net"></div>{capped}{self._legend(ego)}</div>"""
            script = f"TXX.mini('ego', {self.network_js(ego)}, {{radius: true}});"
        else:
            netbox = (
                '<div class="netbox empty"><p class="muted">No relation links this to another entity yet; '
                "its mentions and definitions are below.</p></div>"
            )
            script = ""
        body = f"""
<p class="crumbs">{crumbs}</p>
<h1 style="--c:{colour}">{esc(n.label)} {self.badge(n.type)}</h1>
<div class="split">
<div class="facts"><p class="type">{esc(n.type)} · {esc(zh)}</p><dl>{"".join(names)}{related}</dl>{contained}</div>
{netbox}
</div>
{self._figures_html(node_id, root)}
{self._definitions_html(node_id, root)}
{self._mentions_html(node_id, root)}
"""
        return self.page(n.label, root, body, kind="entity", network=bool(script), script=script)

    def _figures_html(self, node_id: str, root: str) -> str:
        figures = self.figures_of.get(node_id, [])
        if not figures:
            return ""
        d = self.data
        by_indicator = d.nodes[node_id].type == "indicator"
        rows = []
        for f in sorted(figures, key=lambda f: (f.year, f.indicator, f.area, f.kind)):
            other = f.area if by_indicator else f.indicator
            doc = d.docs.get(f.doc)
            source = (
                self.sentence_html(doc, f.start, f.end, root, cls="fig")
                + f"<br><small>— {self.link(doc.id, root)}</small>"
                if doc and f.start >= 0
                else ""
            )
            rows.append(
                f'<tr class="k-{esc(f.kind)}"><td>{self.link(other, root, badge=False)}</td>'
                f'<td class="num">{esc(f.stated) or esc(_number(f.value))}</td>'
                f'<td class="num">{esc(_number(f.value))} {esc(UNIT_NAMES.get(f.unit, f.unit))}</td>'
                f'<td><a href="{root}year/{f.year}.html">{f.year}</a></td>'
                f'<td><span class="kind {esc(f.kind)}">{KIND_NAMES.get(f.kind, esc(f.kind))}</span></td>'
                f'<td class="quote">{source}</td></tr>'
            )
        head = "place" if by_indicator else "indicator"
        return (
            f"<section><h2>Figures <small>{len(figures)} observations</small></h2>"
            f'<table class="data figures"><thead><tr><th>{head}</th><th>as stated</th><th>value (base unit)</th>'
            "<th>year</th><th>actual / target</th><th>source sentence</th></tr></thead>"
            f"<tbody>{''.join(rows)}</tbody></table></section>"
        )

    def _definitions_html(self, node_id: str, root: str) -> str:
        terms = [node_id] if node_id in self.definitions_of else []
        terms += [t for t in self.focus_of.get(node_id, []) if t in self.definitions_of]
        out = []
        for term in terms:
            cards = "".join(self._definition_card(x, root) for x in self.definitions_of[term])
            named = "" if term == node_id else f" <small>through the term {self.link(term, root)}</small>"
            out.append(f'<section><h2>Definitions 名词解释{named}</h2><div class="defs">{cards}</div></section>')
        return "".join(out)

    def _mentions_html(self, node_id: str, root: str) -> str:
        mentions = self.data.mentions_of.get(node_id, [])
        if not mentions:
            return '<section><h2>Mentions</h2><p class="muted">No document mentions this by name.</p></section>'
        by_doc: dict[str, list[Mention]] = defaultdict(list)
        for m in mentions:
            by_doc[m.doc].append(m)
        blocks = []
        for i, (doc_id, ms) in enumerate(sorted(by_doc.items(), key=lambda kv: (-len(kv[1]), kv[0]))):
            doc = self.data.docs[doc_id]
            seen: set[tuple[int, int]] = set()
            items = []
            for m in ms:
                sentence = doc.sentence_at(m.start)
                if sentence in seen:
                    continue  # the same sentence twice (two aliases in it): show it once
                seen.add(sentence)
                items.append(f'<li class="mention">{self.sentence_html(doc, m.start, m.end, root)}</li>')
            opened = " open" if i < MENTIONS_OPEN else ""
            year = f" · {doc.year}" if doc.year else ""
            blocks.append(
                f'<details class="doc-mentions"{opened}><summary>'
                f'<a href="{root}{page_path(doc_id)}">{esc(doc.title)}</a>'
                f'<span class="muted">{esc(doc.kind)}{year}</span> <span class="n">{len(ms)}</span></summary>'
                f"<ol>{''.join(items)}</ol></details>"
            )
        return (
            f'<section id="mentions"><h2>Mentions <small>{len(mentions)} in {len(by_doc)} documents</small></h2>'
            f"{''.join(blocks)}</section>"
        )
