"""Discovery rules, each with examples it must find and examples it must leave alone."""

from __future__ import annotations

import pytest
import spacy

from tx_graph.curation import load_curation
from tx_graph.discover import DEFAULT_MIN_SCORE, Lexicon, aggregate, known_variant, norm_label
from tx_graph.ingest import ingest_text
from tx_graph.model import Proposal, Span
from tx_graph.nlp import analyse, build_nlp

CURATION = """\
entities:
  - {id: tongxiang, type: county-city, label: 桐乡市, aliases: [桐乡]}
  - {id: jiaxing, type: prefecture-city, label: 嘉兴市, aliases: [嘉兴]}
  - {id: puyuan, type: town, label: 濮院镇, aliases: [濮院], parent: 桐乡市}
  - {id: chongfu, type: town, label: 崇福镇, aliases: [崇福], parent: 桐乡市}
  - {id: zhouquan, type: town, label: 洲泉镇, aliases: [洲泉], parent: 桐乡市}
  - {id: wuzhen, type: town, label: 乌镇镇, aliases: [乌镇], parent: 桐乡市}
  - {id: fengming, type: subdistrict, label: 凤鸣街道, aliases: [凤鸣], parent: 桐乡市}
  - {id: beijing, type: province, label: 北京市, aliases: [北京]}
  - {id: g320, type: landmark, label: 320国道, parent: 桐乡市}
  - {id: jushi, type: company, label: 巨石集团有限公司, aliases: [巨石]}
  - {id: tongkun, type: company, label: 桐昆集团股份有限公司, aliases: [桐昆]}
  - {id: guomao, type: landmark, label: 国贸名品港, aliases: [国贸], parent: 濮院镇}
  - {id: fushan, type: landmark, label: 福善寺, parent: 濮院镇}
  - {id: sangaiyichai, type: programme, label: 三改一拆}
  - {id: zuiduo, type: policy, label: 最多跑一次}
  - {id: wic, type: event-series, label: 世界互联网大会}
"""


@pytest.fixture(scope="module")
def lexicon(tmp_path_factory: pytest.TempPathFactory) -> Lexicon:
    folder = tmp_path_factory.mktemp("curation")
    (folder / "entities.yaml").write_text(CURATION, encoding="utf-8")
    return Lexicon.from_curation(load_curation(folder))


@pytest.fixture(scope="module")
def nlp(lexicon: Lexicon) -> spacy.language.Language:
    return build_nlp(lexicon)


def proposals(nlp: spacy.language.Language, text: str, title: str = "新闻") -> list[Proposal]:
    return list(analyse(nlp, ingest_text(f"{title}\n{text}")).proposals)


def found(nlp: spacy.language.Language, text: str, title: str = "新闻") -> dict[str, str]:
    """label → type of every candidate the text yields (as `tx-graph candidates` would
    propose it: scored at least the default threshold, not a variant of a curated name)."""
    doc = ingest_text(f"{title}\n{text}")
    analysis = analyse(nlp, doc)
    lexicon = nlp.get_pipe("tx_discovery_v1").lexicon
    candidates = aggregate(analysis.proposals, [doc], lexicon, analysis.mentions)
    return {c.label: c.type for c in candidates if c.score >= DEFAULT_MIN_SCORE and c.kind == "entity"}


# ---------------------------------------------------------------- the three named traps


def test_xinfengming_is_a_company_not_fengming(nlp: spacy.language.Language) -> None:
    got = found(nlp, "桐昆、巨石、新凤鸣3家企业获评制造业单项冠军示范企业。凤鸣要与主城区联动发展。")
    assert got.get("新凤鸣") == "company"
    assert "凤鸣" not in got


def test_beijing_menswear_is_a_project_not_beijing(nlp: spacy.language.Language) -> None:
    got = found(nlp, "重点保障桐德光电、北京男装等项目建设。大力引进广州、北京客商进驻濮院。")
    assert got.get("北京男装") == "project" and got.get("桐德光电") == "project"
    assert "北京" not in got and "男装" not in got


def test_320_creative_square_is_not_the_320_national_road(nlp: spacy.language.Language) -> None:
    got = found(nlp, "启动320国道改造项目。320创意广场、毛衫创新园分别入驻设计服务类机构63家、20家。")
    assert got.get("320创意广场") == "landmark"
    assert "320国道" not in got and "320" not in got
    assert got.get("320国道改造项目") == "project"  # works on the road are a project of their own


# ---------------------------------------------------------------- discover.suffix.v1


def test_suffix_places_with_their_parent(nlp: spacy.language.Language) -> None:
    ps = proposals(nlp, "崇福店街塘村、洲泉镇马鸣村晋级省级美丽宜居示范村。全省文化礼堂现场会在新港村召开。")
    by_label = {p.label: p for p in ps}
    assert by_label["店街塘村"].type == "village" and by_label["店街塘村"].parent == "chongfu"
    assert by_label["马鸣村"].parent == "zhouquan"
    assert by_label["店街塘村"].surface == "店街塘村" and by_label["店街塘村"].span.start > 0
    assert "新港村" in by_label
    assert not any(label.endswith("示范村") for label in by_label)  # a kind of village, not one


def test_suffix_common_words_are_not_places(nlp: spacy.language.Language) -> None:
    got = found(nlp, "全面实施小城镇环境综合整治,推动城市有机更新,加强农村建房管理,合理布局教育资源,积极推动市场上市工作。")
    for word in ("小城镇", "城市", "农村", "布局", "市场上市", "城镇"):
        assert not any(label.endswith(word) or label == word for label in got), word


def test_suffix_parks_companies_events(nlp: spacy.language.Language) -> None:
    got = found(
        nlp,
        "推进印染产业集聚,启动濮院时尚服饰生态科技园建设。不断深化与韩国时尚协会、东华大学等优质资源的合作。"
        "成功举办第二届非物质文化遗产节、第四届全民运动会等活动。首个市级抱团项目聚晟创业园开工建设。",
    )
    assert got.get("濮院时尚服饰生态科技园") == "park"
    assert got.get("韩国时尚协会") == "organisation"
    assert got.get("东华大学") == "organisation"
    assert got.get("第二届非物质文化遗产节") == "event"
    assert got.get("第四届全民运动会") == "event"
    assert got.get("聚晟创业园") == "park"
    assert "抱团项目聚晟创业园" not in got  # the walk stops at another head noun


def test_suffix_descriptions_are_not_names(nlp: spacy.language.Language) -> None:
    got = found(
        nlp,
        "首批18个重点农业基地加快建设。一批高科技项目扎根乌镇。着力打造国际化园区。"
        "加快园区内低效企业腾退并转。成功入围中国特色小镇名单。",
    )
    for label in ("重点农业基地", "高科技项目", "国际化园区", "园区", "中国特色小镇"):
        assert label not in got, label


def test_suffix_edition_of_a_known_event_series(nlp: spacy.language.Language) -> None:
    got = found(nlp, "高标准做好第五届世界互联网大会承办工作。")
    assert got.get("第五届世界互联网大会") == "event"


def test_suffix_programmes_keep_their_quoted_part(nlp: spacy.language.Language) -> None:
    got = found(nlp, "实施高新技术企业“育苗造林”工程,新增国家高新技术企业28家。")
    assert "高新技术企业育苗造林工程" in got


# ---------------------------------------------------------------- discover.quoted.v1


def test_quoted_terms_with_and_without_cues(nlp: spacy.language.Language) -> None:
    got = found(
        nlp,
        '推出"千店孵化"计划和"云端拓市"专项行动。深化“外贸证照联办”改革。实施“数字经济提升行动”。'
        "加快“智慧市场”“智慧物流”建设。",
    )
    assert got.get("千店孵化计划") == "programme"  # the cue is part of the name
    assert got.get("外贸证照联办") == "policy"  # the cue only says what it is
    assert got.get("数字经济提升行动") == "programme"
    assert "智慧市场" in got and "智慧物流" in got


def test_quoted_titles_slogans_and_prose_are_not_proposed(nlp: spacy.language.Language) -> None:
    got = found(
        nlp,
        "巩固“国家卫生镇”创建成果,打造“中国时尚第一镇”。打通服务群众“最后一公里”的好办法。"
        "按照“招商一批”“盘活一批”“管理一批”的计划推进。不断提升“濮院毛衫”区域品牌的知名度。",
    )
    for label in ("最后一公里", "招商一批", "盘活一批", "濮院毛衫"):
        assert label not in got, label
    for label in ("国家卫生镇", "中国时尚第一镇"):  # titles are honours, never towns or programmes
        assert got.get(label) in (None, "honour"), label


# ---------------------------------------------------------------- discover.numeral.v1


def test_numeral_coinages(nlp: spacy.language.Language) -> None:
    got = found(nlp, "不断深化一园两区建设,持续推进五水共治,完善“1+X+Y”布点规划,构建一核两翼两带格局。")
    assert {"一园两区", "五水共治", "1+X+Y", "一核两翼两带"} <= set(got)


def test_numerals_in_prose_are_not_coinages(nlp: spacy.language.Language) -> None:
    got = found(nlp, "通过一系列举措降低成本,实现十二连冠,两地虽相隔近8000公里,三大重点产业加快发展。")
    assert not any(label.startswith(("一系列", "十二连", "两地", "三大")) for label in got)


def test_known_coinages_are_not_proposed_again(nlp: spacy.language.Language) -> None:
    got = found(nlp, "加大“三改一拆”力度,深化“最多跑一次”改革。")
    assert "三改一拆" not in got and "最多跑一次" not in got and "最多跑一次改革" not in got


# ---------------------------------------------------------------- discover.list.v1


def test_list_items_before_a_class_noun(nlp: spacy.language.Language) -> None:
    got = found(nlp, "深化与阿里巴巴、京东、唯品会等电商平台合作。德国EGLASS、伊芙丽等制造业项目成功落户濮院。")
    assert got.get("唯品会") == "company" and got.get("京东") == "company"
    assert "EGLASS" in got and "德国EGLASS" not in got  # the country is where it comes from
    assert "伊芙丽" in got


def test_list_items_that_are_common_words_are_not_names(nlp: spacy.language.Language) -> None:
    got = found(nlp, "涵盖智能制造、互联网技术等前沿方向,推动技术、环境等要素集聚。")
    for label in ("技术", "环境", "智能制造", "互联网技术"):
        assert label not in got, label


def test_list_items_next_to_curated_names_take_their_type(nlp: spacy.language.Language) -> None:
    got = found(nlp, "推进国贸、世贸等市场主体立面改造。重点实施福善寺、禅意酒店、翔云观等一批建设项目。")
    assert got.get("世贸") == "landmark"


def test_items_sharing_a_place_tail_are_coined_programmes(nlp: spacy.language.Language) -> None:
    got = found(nlp, "深化数字濮院、时尚濮院、美丽濮院建设。")
    assert {"数字濮院", "时尚濮院", "美丽濮院"} <= {k for k, v in got.items() if v == "programme"}


# ---------------------------------------------------------------- discover.invest.v1


def test_invest_objects_are_projects(nlp: spacy.language.Language) -> None:
    ps = proposals(nlp, "加快推进总投资20亿元的华友锂电新能源材料等项目建设。推进桐昆年产130万吨绿色差别化纤维等项目。")
    by_label = {p.label: p for p in ps}
    assert by_label["华友锂电新能源材料"].type == "project"
    assert "桐昆年产130万吨绿色差别化纤维" in by_label
    assert not any(label.startswith("总投资") for label in by_label)


# ---------------------------------------------------------------- discover.glossary.v1


def test_glossary_headwords_not_curated_are_proposed(nlp: spacy.language.Language) -> None:
    text = "加强“一园两区”平台建设。名词解释 一园两区:“一园”指濮院针织产业园区,“两区”指纺织产业集聚区和高新技术区。"
    ps = proposals(nlp, text, "2017年某镇政府工作报告")
    assert any(p.label == "一园两区" and "discover.glossary.v1" in p.rule for p in ps)
    labels = {p.label for p in ps}
    assert "一园" not in labels and "两区" not in labels  # parts the definition explains


# ---------------------------------------------------------------- grouping, scoring, memory


def test_aggregate_groups_counts_and_adds_plain_occurrences(nlp: spacy.language.Language, lexicon: Lexicon) -> None:
    doc = ingest_text("新闻\n推出“桐贸贷”融资服务。桐贸贷专项授信额度扩容至20亿元,桐贸贷覆盖小微企业。")
    analysis = analyse(nlp, doc)
    candidates = aggregate(analysis.proposals, [doc], lexicon, analysis.mentions)
    c = next(c for c in candidates if c.label == "桐贸贷")
    assert c.count == 3
    assert [doc.text[m.span.start : m.span.end] for m in c.mentions][1:] == ["桐贸贷", "桐贸贷"]
    assert {m.rule for m in c.mentions} == {"discover.quoted.v1", "discover.repeat.v1"}
    assert c.id == "tong-mao-dai" and 0 < c.score < 1


def test_rejected_labels_are_never_proposed(lexicon: Lexicon) -> None:
    from dataclasses import replace

    rejecting = replace(lexicon, rejected=frozenset({norm_label("桐贸贷")}))
    nlp = build_nlp(rejecting, components=("tx_gazetteer_v1", "tx_discovery_v1"))
    doc = ingest_text("新闻\n推出“桐贸贷”融资服务。")
    analysis = analyse(nlp, doc)
    assert "桐贸贷" not in {p.label for p in analysis.proposals}
    assert not aggregate(analysis.proposals, [doc], rejecting, analysis.mentions)


def test_known_variants_are_alias_proposals(lexicon: Lexicon) -> None:
    assert known_variant("最多跑一次改革", lexicon) == "zuiduo"
    assert known_variant("国贸区块", lexicon) == "guomao"
    assert known_variant("三改一拆提升行动", lexicon) is None  # a programme of its own
    assert known_variant("福善寺工程", lexicon) is None  # works on a landmark: a project


# ---------------------------------------------------------------- rules for pages they were not written against
# (invented pages: each family with what it must find and what it must leave alone)


def test_honours_are_their_own_kind_not_places(nlp: spacy.language.Language) -> None:
    got = found(
        nlp,
        "近年来,石门镇先后被授予国家园林城镇、浙江省教育强镇、嘉兴市文明村等荣誉。"
        "去年荣获省级“平安金鼎奖”。该镇是“中国羊毛衫名镇”。全镇获得省级资金补助3000万元。",
    )
    assert got.get("国家园林城镇") == "honour" and got.get("浙江省教育强镇") == "honour"
    assert got.get("嘉兴市文明村") == "honour"
    assert got.get("平安金鼎奖") == "honour" and got.get("中国羊毛衫名镇") == "honour"
    assert "省级资金补助" not in got  # 获得 gives money, not a title
    assert not any(t in ("town", "village") for label, t in got.items() if label != "石门镇")


def test_long_project_names_keep_their_owner_and_their_whole_product_list(nlp: spacy.language.Language) -> None:
    got = found(
        nlp,
        "当天开工的项目包括恒辉纺织年产3万吨涤纶长丝、2万吨短纤扩建项目,以及年产5000台智能烘干机建设项目。"
        "同时,桐乡第二人民医院迁建项目和浙江新澳纺织股份有限公司二期项目稳步推进。重点项目迁建项目顺利。",
    )
    assert got.get("恒辉纺织年产3万吨涤纶长丝、2万吨短纤扩建项目") == "project"
    assert got.get("年产5000台智能烘干机建设项目") == "project"
    assert got.get("桐乡第二人民医院迁建项目") == "project"
    assert got.get("浙江新澳纺织股份有限公司二期项目") == "project"
    assert "2万吨短纤扩建项目" not in got and "智能烘干机建设项目" not in got  # no truncated names
    assert "重点项目迁建项目" not in got  # a description owns nothing


def test_publishers_and_media_from_source_lines(nlp: spacy.language.Language) -> None:
    got = found(nlp, "2021年3月2日 来源:嘉兴日报 记者 王明\n作者:  来源: \n崇福镇召开大会。", title="崇福镇召开大会")
    assert got.get("嘉兴日报") == "organisation"
    assert "作者" not in got and "记者" not in got


def test_coordinated_lists_closed_by_a_count_and_a_class(nlp: spacy.language.Language) -> None:
    got = found(
        nlp,
        "园区规划了智能装备制造区、新材料研发区和数字物流区三大片区。"
        "形成了以安通科技、瑞博光电等为代表的企业集群。"
        "全市建设便民服务、综合执法两大平台。",
    )
    assert got.get("智能装备制造区") == "park" and got.get("数字物流区") == "park"
    assert got.get("安通科技") == "company" and got.get("瑞博光电") == "company"
    assert "便民服务" not in got and "综合执法" not in got  # platforms of a service are not places


def test_quoted_theme_lists(nlp: spacy.language.Language) -> None:
    got = found(nlp, "全年以“产业招引攻坚年、城市更新提速年”为主线。坚持“招商一批、落地一批”。")
    assert got.get("产业招引攻坚年") == "programme" and got.get("城市更新提速年") == "programme"
    assert "招商一批" not in got and "落地一批" not in got  # a slogan, not names


def test_the_precision_filter_drops_numbers_dates_and_figures_of_speech(nlp: spacy.language.Language) -> None:
    got = found(
        nlp,
        "打通服务群众的“最后一公里”,彰显发展的“高度”。破“两百”大关,实现“3060”目标。"
        "2023-06-01项目按期推进。本年度计划顺利完成。“千店孵化”计划正式启动。",
    )
    for noise in ("最后一公里", "高度", "两百", "3060", "2023-06-01项目", "年度计划"):
        assert noise not in got, noise
    assert got.get("千店孵化计划") == "programme"  # a quoted name with its cue stays


def test_a_short_company_name_and_its_full_form_are_one_candidate(lexicon: Lexicon) -> None:
    doc = ingest_text("新闻\n浙江恒泰新材料股份有限公司二期项目开工。恒泰新材表示将加快建设。恒泰集团另有安排。")

    def prop(label: str, type_: str, rule: str = "discover.suffix.v1") -> Proposal:
        at = doc.text.find(label)
        return Proposal(doc.id, Span(at, at + len(label)), label, label, type_, rule, 0.8)

    got = aggregate(
        [prop("浙江恒泰新材料股份有限公司", "company"), prop("恒泰新材", "company", "model.lac.v1"),
         prop("恒泰集团", "company")],
        [doc],
        Lexicon.from_curation(load_curation_text("entities:\n  - {id: zj, type: province, label: 浙江省, aliases: [浙江]}\n")),
    )
    by_label = {c.label: c for c in got}
    assert "恒泰新材" in by_label["浙江恒泰新材料股份有限公司"].aliases and "恒泰新材" not in by_label
    assert "恒泰集团" in by_label  # not a prefix of 恒泰新材料: another company


def load_curation_text(text: str):  # type: ignore[no-untyped-def]
    import tempfile
    from pathlib import Path

    folder = Path(tempfile.mkdtemp())
    (folder / "entities.yaml").write_text(text, encoding="utf-8")
    return load_curation(folder)
