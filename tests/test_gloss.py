"""Glossed pages (桐鄉(xiāng)經(jīng)濟(jì)) are read on a view without the glosses."""

from __future__ import annotations

from tx_graph.gloss import analyse_glossed, gloss_view, is_glossed
from tx_graph.ingest import ingest_text
from tx_graph.model import Analysis, Document, Mention, Proposal, Span


def test_the_view_drops_glosses_and_maps_every_offset_back() -> None:
    text = "桐鄉(xiāng)經(jīng)濟(jì)開發區(qū)新建項目"
    view, back = gloss_view(text)
    assert view == "桐鄉經濟開發區新建項目"
    for i, ch in enumerate(view):
        assert text[back[i]] == ch
    assert back[len(view)] == len(text)


def test_a_few_brackets_are_not_a_glossed_page() -> None:
    assert not is_glossed("浙江石金玄武岩纤维股份有限公司(简称石金)在桐乡(嘉兴)投资。")
    assert is_glossed("項目建設(shè)既是發(fā)展支撐。桐鄉(xiāng)擴(kuò)大投資,質(zhì)態(tài)提升,結(jié)構(gòu)優(yōu)化。")


def test_analyses_on_the_view_quote_the_page_as_published() -> None:
    doc = ingest_text("新闻\n桐鄉(xiāng)市振石集團(tuán)開工。振石集團(tuán)投資(zī)擴(kuò)建(jiàn)。")

    def fake_analyse(nlp: object, view: Document) -> Analysis:
        # what the pipeline sees: no glosses; it finds 振石集團 at view offsets
        at = view.text.find("振石集團")
        assert "(" not in view.text and at >= 0
        m = Mention(view.id, Span(at, at + 4), "zhenshi", view.text[at : at + 4], "gazetteer.v1")
        p = Proposal(view.id, Span(0, 3), view.text[:3], "桐乡市", "county-city", "discover.suffix.v1", 0.9)
        return Analysis(view.id, (m,), (p,))

    got = analyse_glossed(fake_analyse, None, doc)
    m, p = got.mentions[0], got.proposals[0]
    assert m.surface == doc.text[m.span.start : m.span.end] == "振石集團(tuán)"
    assert p.surface == doc.text[p.span.start : p.span.end] == "桐鄉(xiāng)市" and p.label == "桐乡市"


def test_a_page_of_only_glosses_proposes_nothing() -> None:
    from tx_graph.discover import Lexicon
    from tx_graph.model import Curation
    from tx_graph.nlp import analyse, build_nlp

    nlp = build_nlp(Lexicon({}, {}, {}))
    doc = ingest_text("标题\n(xiāng)(jīng)(jì)(kāi)(fā)(qū)(xiàng)(mù)\n(jiàn)(shè)(zī)(tóu)")
    got = analyse_glossed(analyse, nlp, doc)
    assert got.proposals == () and got.mentions == ()
    assert Curation is not None
