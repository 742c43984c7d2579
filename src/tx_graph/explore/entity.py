"""Entity pages: names, relations with their sources, figures, definitions, mentions."""

from __future__ import annotations

from collections import Counter, defaultdict

from .base import (
    KIND_NAMES,
    MENTIONS_OPEN,
    RELATIONS_SHOWN,
    UNIT_NAMES,
    SiteBase,
    _number,
    _outside,
    esc,
    page_path,
    place_path,
    plural,
    spaced_pinyin,
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
            names.append(f"<dt>pinyin</dt><dd>{esc(spaced_pinyin(n.label, n.pinyin))}</dd>")
        names.append(f"<dt>id</dt><dd><code>{esc(node_id)}</code></dd>")
        same = d.same_as.get(node_id, [])
        if same:
            names.append("<dt>outside identifiers</dt><dd>" + "<br>".join(_outside(s) for s in same) + "</dd>")
        names.append(
            f"<dt>in the graph</dt><dd>{self._uses_text(node_id)} · {plural(d.degree.get(node_id, 0), 'link')}"
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
        if any(f.area == node_id for f in self.figures_of.get(node_id, ())):
            target = "plan/" + page_path(node_id).rsplit("/", 1)[-1]
            contained += (
                f'<p><a class="button ghost plan-link" href="{root}{target}">Plan vs actual 目标与实际 →</a></p>'
            )
        ego = self.ego_data(node_id)
        capped = (
            f'<p class="muted">Radius 2 shows the {self.ego_cap} closest of {ego["total"]} nodes.</p>'
            if ego["total"] > self.ego_cap
            else ""
        )
        if len(ego["nodes"]) > 1:
            netbox = f"""<div class="netbox"><div class="netbar"><b>Network</b> radius
<label><input type="radio" name="radius" value="1"{" checked" if ego["radius"] == 1 else ""}> 1</label>
<label><input type="radio" name="radius" value="2"{" checked" if ego["radius"] == 2 else ""}> 2</label>
<span class="hint">hover for details · click a node for its facts</span></div>
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
{self._relations_html(node_id, root)}
{self._statements_html(node_id, root)}
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
                else (
                    f'<span class="cur">curated <code>{esc(f.curated)}</code></span>'
                    if f.curated
                    else '<span class="warn">no source recorded</span>'
                )
            )
            if f.qualifier or f.note:
                source += f'<br><small class="muted">{esc(" · ".join(x for x in (f.qualifier, f.note) if x))}</small>'
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

    def _uses_text(self, node_id: str) -> str:
        """ "3 mentions", or for a term "4 uses (4 linked to 濮院镇)" when its uses were
        linked to the entity it names."""
        own = len(self.data.mentions_of.get(node_id, []))
        uses = self.term_uses.get(node_id)
        if uses is None or len(uses) == own:
            return plural(own, "mention")
        focus = [t for t, ts in self.focus_of.items() if node_id in ts]
        names = "、".join(self.data.nodes[f].label for f in focus if f in self.data.nodes)
        return f"{plural(len(uses), 'use')} ({len(uses) - own} linked to {esc(names)})"

    def _relations_html(self, node_id: str, root: str) -> str:
        """Every relation of the node with the sentence, document and date it comes from,
        or "curated" and where."""
        d = self.data
        rows = []
        for direction, relation, other in sorted(
            self.neighbours.get(node_id, ()), key=lambda x: (x[1] == IN_YEAR, x[1], x[0], d.nodes[x[2]].label)
        ):
            a, b = (node_id, other) if direction == "out" else (other, node_id)
            sources = self.edge_src.get((a, b), [])
            cell = "<br>".join(self.source_html(x, root) for x in sources[:3]) or '<span class="warn">no source</span>'
            verb = relation if direction == "out" else f"← {relation}"
            rows.append(f'<tr><td>{esc(verb)}</td><td>{self.link(other, root)}</td><td class="quote">{cell}</td></tr>')
        if not rows:
            return ""
        shown = rows[:RELATIONS_SHOWN]
        more = (
            f'<p class="muted">{len(rows) - len(shown)} more relations are on the network.</p>'
            if len(rows) > len(shown)
            else ""
        )
        return (
            '<section id="relations"><h2>Relations and their sources '
            f"<small>{plural(len(rows), 'relation')}</small></h2>"
            '<table class="data rel"><thead><tr><th>relation</th><th>with</th><th>source</th></tr></thead>'
            f"<tbody>{''.join(shown)}</tbody></table>{more}</section>"
        )

    def _statements_html(self, node_id: str, root: str) -> str:
        """Facts stated about the node (``tx:Statement``), each with its sentence."""
        items = self.statements_of.get(node_id, [])
        if not items:
            return ""
        rows = []
        for st in sorted(items, key=lambda x: (x.time, x.label)):
            others = "、".join(
                f"{esc(role)} {self.link(who, root, badge=False)}" for role, who in st.participants if who != node_id
            )
            rows.append(
                f"<tr><td>{esc(st.time)}</td><td>{esc(st.label)}"
                f"{f' <small class=muted>{esc(st.qualifier)}</small>' if st.qualifier else ''}"
                f'<br><small>{others}</small></td><td class="quote">{self.source_html(st.source, root)}</td></tr>'
            )
        return (
            f'<section id="facts"><h2>Facts <small>{plural(len(items), "statement")}</small></h2>'
            '<table class="data"><thead><tr><th>when</th><th>fact</th><th>source</th></tr></thead>'
            f"<tbody>{''.join(rows)}</tbody></table></section>"
        )

    def _year_filter(self, by_doc: dict[str, list[Mention]]) -> str:
        years = sorted({y for k in by_doc if (y := self.data.docs[k].year)})
        if len(years) < 2:
            return ""
        options = "".join(f'<option value="{y}">{y}</option>' for y in years)
        return (
            '<p class="small"><label>year 年份 <select class="year-filter" '
            'data-target="#mentions details.doc-mentions">'
            f'<option value="">all</option>{options}</select></label></p>'
        )

    def _mentions_html(self, node_id: str, root: str) -> str:
        mentions = self.term_uses.get(node_id) or self.data.mentions_of.get(node_id, [])
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
                f'<details class="doc-mentions" data-year="{doc.year or ""}"{opened}><summary>'
                f'<a href="{root}{page_path(doc_id)}">{esc(doc.title)}</a>'
                f'<span class="muted">{esc(doc.kind)}{year}</span> <span class="n">{len(ms)}</span></summary>'
                f"<ol>{''.join(items)}</ol></details>"
            )
        return (
            f'<section id="mentions"><h2>Mentions <small>{plural(len(mentions), "mention")} in '
            f"{plural(len(by_doc), 'document')}</small></h2>{self._year_filter(by_doc)}"
            f"{''.join(blocks)}</section>"
        )
