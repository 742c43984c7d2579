"""Discovery: names in the text that curation has not written down yet.

Each rule reads one kind of evidence and proposes names with a type, a confidence and
the cue that fired; no rule knows any particular entity (rules are suffix lists, cue
words and patterns). Proposals are grouped over all documents into :class:`Candidate`
values, scored, and written to ``curation/candidates.yaml`` for review
(:mod:`tx_graph.review`).

======================  ===============================================================
rule                    evidence
======================  ===============================================================
``discover.suffix.v1``  a name ending in a type suffix (镇/街道/村/社区/县/市, …公司/集团/
                        协会/大学/局/委, …园/园区/基地/中心/小镇/区块, …大会/峰会/博览会/
                        节/大赛/论坛, …行动/工程/计划/战役/改革, roads, markets, …); the
                        left edge is found by walking back over segmenter tokens until a
                        verb, function word or punctuation
``discover.quoted.v1``  a quoted term “…”, alone or with a cue (“…”计划/行动/工程/改革…)
``discover.numeral.v1`` numeral-led coinages: 一园两区, 三改一拆, 五水共治, 四个平台, 4+1
``discover.list.v1``    items of an enumeration before 等/N家 + a class noun (企业, 项目…),
                        or next to curated names of one type
``discover.invest.v1``  the object of 总投资…的X / 年产…X (projects)
``discover.glossary.v1``  名词解释 headwords
``discover.repeat.v1``  further occurrences of a proposed name without a cue
======================  ===============================================================

jieba's POS tags are a weak signal only (it tags 毛衫, 智慧, 小镇 as person names): a
proper-noun tag raises a proposal's confidence a little, a verb inside lowers it.

>>> norm_label("“千店孵化”计划")
'千店孵化计划'
"""

from __future__ import annotations

import argparse
import hashlib
import re
from collections import Counter, defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any, NamedTuple

from .gazetteer import fold
from .model import (
    ENTITY_TYPES,
    Candidate,
    Curation,
    Document,
    Mention,
    Proposal,
    Span,
    Token,
)

__all__ = [
    "DISCOVER_VERSION",
    "Lexicon",
    "aggregate",
    "norm_label",
    "normalise",
    "propose",
    "register_cli",
]

NLP_VERSION = "tx-nlp.v1"  # the spaCy pipeline (tx_graph.nlp); here so the cache can read it without spaCy
DISCOVER_VERSION = "discover.v1"
R_SUFFIX = "discover.suffix.v1"
R_QUOTED = "discover.quoted.v1"
R_NUMERAL = "discover.numeral.v1"
R_LIST = "discover.list.v1"
R_INVEST = "discover.invest.v1"
R_GLOSSARY = "discover.glossary.v1"
R_REPEAT = "discover.repeat.v1"
DEFAULT_MIN_SCORE = 0.5
# jieba with POS tags: the faster dictionary segmenter (jieba-bmm) loses discovery recall;
# both are measured in docs/extraction.md
DEFAULT_SEGMENTER = "jieba"

QUOTES = "“”\"'‘’「」『』"
OPEN_QUOTES = '“‘「『"'
CLOSE_QUOTES = '”’」』"'
PUNCT = set(",，。、；;：:！!？?()（）[]【】《》<>/\\|…—\n\t ") | set(QUOTES)
NUMERALS = "一二两三四五六七八九十百千万双多"
CN_NUMERAL = re.compile(rf"[{NUMERALS}]")



class SegToken(NamedTuple):
    """A segmenter token as the fast segmenter makes it: same fields as
    :class:`tx_graph.model.Token`, but a tuple (tens of thousands are made per document)."""

    start: int
    end: int
    tag: str
    freq: int = 0


TokenLike = Token | SegToken

# ---------------------------------------------------------------- normalisation


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


# ---------------------------------------------------------------- what curation knows


@dataclass(frozen=True)
class Lexicon:
    """What curation knows, in the form the NLP stages need."""

    names: Mapping[str, str]  # name as curated → target (entity id or term:<id>)
    types: Mapping[str, str]  # target → entity type ("term" for glossary concepts)
    labels: Mapping[str, str]  # target → label
    indicators: Mapping[str, str] = field(default_factory=dict)  # indicator label → id
    rejected: frozenset[str] = frozenset()  # norm_label of rejected candidates
    keys: Mapping[str, str] = field(default_factory=dict)  # norm_label(name) → target

    @classmethod
    def from_curation(
        cls,
        curation: Curation,
        glossary_targets: Mapping[str, str] | None = None,
        rejected: Iterable[str] = (),
    ) -> Lexicon:
        from .gazetteer import gazetteer_names

        names = gazetteer_names(curation, glossary_targets or {})
        types: dict[str, str] = {e.id: e.type for e in curation.entities.values()}
        labels: dict[str, str] = {e.id: e.label for e in curation.entities.values()}
        for name, target in names.items():
            if target.startswith("term:"):
                types.setdefault(target, "term")
                labels.setdefault(target, name)
        # what discovery treats as known: entities and curated glossary terms; a headword
        # the glossary stage minted a concept for on its own is still a candidate
        keys: dict[str, str] = {}
        for name, target in names.items():
            if not target.startswith("term:") or target[5:] in curation.terms:
                keys.setdefault(norm_label(name), target)
        for entity in curation.entities.values():
            for name in entity.names:  # one-character names are not matched but are known
                keys.setdefault(norm_label(name), entity.id)
        indicators = {i.label: i.id for i in curation.indicators.values()}
        return cls(names, types, labels, indicators, frozenset(norm_label(r) for r in rejected), keys)

    def iri(self, target: str) -> str:
        from .vocab import BASE, entity_iri

        if target.startswith("term:"):
            return entity_iri("term", target[5:])
        kind = ENTITY_TYPES.get(self.types.get(target, ""), None)
        return entity_iri(kind, target) if kind else f"{BASE}id/{target}"

    def lookup(self, name: str) -> str | None:
        return self.keys.get(norm_label(name))

    @property
    def fingerprint(self) -> str:
        """Changes whenever anything the per-document stages depend on changes."""
        h = hashlib.sha256()
        for name in sorted(self.names):
            h.update(f"{name}\t{self.names[name]}\t{self.types.get(self.names[name], '')}\n".encode())
        for label in sorted(self.indicators):
            h.update(f"i\t{label}\t{self.indicators[label]}\n".encode())
        return h.hexdigest()[:16]


# ---------------------------------------------------------------- rule tables


def _words(text: str) -> frozenset[str]:
    return frozenset(text.split())


# suffix → (type, longest name, base confidence). Longest suffixes are tried first, so
# 产业园 wins over 园 and 大会战 over 大会.
SUFFIXES: dict[str, tuple[str, int, float]] = {
    # companies and organisations
    "股份有限公司": ("company", 26, 0.9),
    "有限公司": ("company", 24, 0.9),
    "公司": ("company", 14, 0.7),
    "集团": ("company", 14, 0.7),
    "银行": ("organisation", 14, 0.7),
    "协会": ("organisation", 16, 0.8),
    "商会": ("organisation", 14, 0.75),
    "联合会": ("organisation", 16, 0.8),
    "学会": ("organisation", 14, 0.7),
    "联盟": ("organisation", 12, 0.5),
    "大学": ("organisation", 10, 0.8),
    "学院": ("organisation", 12, 0.65),
    "研究院": ("organisation", 16, 0.7),
    "研究所": ("organisation", 16, 0.7),
    "所": ("organisation", 14, 0.3),
    "学校": ("organisation", 10, 0.6),
    "小学": ("organisation", 12, 0.65),
    "中学": ("organisation", 10, 0.65),
    "幼儿园": ("organisation", 12, 0.6),
    "医院": ("organisation", 12, 0.7),
    "卫生院": ("organisation", 12, 0.7),
    "人民医院": ("organisation", 14, 0.75),
    "艺术院": ("organisation", 10, 0.6),
    "人民政府": ("government-body", 14, 0.85),
    "委员会": ("government-body", 18, 0.7),
    "局": ("government-body", 10, 0.5),
    "委": ("government-body", 6, 0.4),
    "办公室": ("government-body", 12, 0.55),
    "党委": ("government-body", 10, 0.55),
    "人大": ("government-body", 6, 0.5),
    "主席团": ("government-body", 12, 0.6),
    "事务所": ("government-body", 12, 0.6),
    # parks and platforms
    "产业园区": ("park", 18, 0.85),
    "工业园区": ("park", 16, 0.85),
    "产业园": ("park", 18, 0.85),
    "科技园": ("park", 16, 0.8),
    "创业园": ("park", 12, 0.8),
    "创新园": ("park", 12, 0.7),
    "信息产业园": ("park", 16, 0.85),
    "园区": ("park", 14, 0.6),
    "园": ("park", 12, 0.45),
    "基地": ("park", 16, 0.55),
    "小镇": ("park", 12, 0.6),
    "集聚区": ("park", 16, 0.7),
    "产业区": ("park", 14, 0.7),
    "示范区": ("park", 18, 0.55),
    "试验区": ("park", 18, 0.7),
    "开发区": ("park", 14, 0.75),
    "科技城": ("park", 12, 0.75),
    "综合体": ("park", 18, 0.5),
    "产业带": ("park", 14, 0.55),
    "总部区": ("park", 12, 0.6),
    "创意区": ("park", 12, 0.55),
    "双创平台": ("park", 20, 0.6),
    "农业园区": ("park", 16, 0.7),
    # landmarks
    "大道": ("landmark", 8, 0.8),
    "公路": ("landmark", 8, 0.7),
    "国道": ("landmark", 8, 0.85),
    "南路": ("landmark", 8, 0.75),
    "北路": ("landmark", 8, 0.75),
    "东路": ("landmark", 8, 0.75),
    "西路": ("landmark", 8, 0.75),
    "中路": ("landmark", 8, 0.75),
    "路": ("landmark", 6, 0.5),
    "街": ("landmark", 10, 0.4),
    "港": ("landmark", 6, 0.45),
    "河": ("landmark", 6, 0.4),
    "湖": ("landmark", 5, 0.45),
    "桥": ("landmark", 5, 0.35),
    "广场": ("landmark", 10, 0.7),
    "市场": ("landmark", 12, 0.5),
    "商城": ("landmark", 8, 0.65),
    "禅寺": ("landmark", 8, 0.75),
    "寺": ("landmark", 6, 0.55),
    "酒店": ("landmark", 8, 0.55),
    "公园": ("landmark", 8, 0.65),
    "旅游区": ("landmark", 14, 0.7),
    "度假区": ("landmark", 16, 0.7),
    "景区": ("landmark", 12, 0.45),
    "新村": ("landmark", 6, 0.45),
    "花苑": ("landmark", 8, 0.6),
    "中心": ("landmark", 12, 0.4),
    "大楼": ("landmark", 10, 0.45),
    "城": ("landmark", 8, 0.35),
    "书屋": ("landmark", 8, 0.45),
    "变电站": ("landmark", 10, 0.6),
    "区块": ("landmark", 10, 0.5),
    "新区": ("landmark", 8, 0.6),
    "城区": ("landmark", 8, 0.45),
    "镇区": ("landmark", 6, 0.5),
    "漫步带": ("landmark", 10, 0.6),
    "港湾": ("landmark", 8, 0.5),
    "商业中心": ("landmark", 10, 0.5),
    "馆": ("landmark", 10, 0.4),
    "文化街": ("landmark", 10, 0.65),
    "商业街": ("landmark", 10, 0.6),
    "古镇": ("landmark", 6, 0.6),
    "民宿": ("project", 8, 0.55),
    # administrative areas
    "街道": ("subdistrict", 6, 0.85),
    "社区": ("community", 8, 0.7),
    "村": ("village", 8, 0.7),
    "镇": ("town", 4, 0.7),
    "乡": ("town", 4, 0.45),
    "县": ("county-city", 5, 0.75),
    "市": ("county-city", 6, 0.55),
    "省": ("province", 4, 0.7),
    "区": ("district", 5, 0.3),
    "州": ("prefecture-city", 3, 0.55),
    "国": ("country", 4, 0.55),
    # projects
    "项目": ("project", 24, 0.6),
    "一期": ("project", 16, 0.6),
    "二期": ("project", 16, 0.6),
    "三期": ("project", 16, 0.6),
    "四期": ("project", 16, 0.6),
    "改扩建": ("project", 14, 0.55),
    # events
    "大会": ("event", 30, 0.65),
    "运动会": ("event", 16, 0.6),
    "峰会": ("event", 30, 0.8),
    "博览会": ("event", 30, 0.85),
    "展销会": ("event", 16, 0.8),
    "交易会": ("event", 16, 0.8),
    "洽谈会": ("event", 16, 0.8),
    "洽会": ("event", 8, 0.65),
    "现场会": ("event", 14, 0.6),
    "论坛": ("event", 20, 0.75),
    "大赛": ("event", 30, 0.8),
    "总决赛": ("event", 40, 0.8),
    "比赛": ("event", 16, 0.55),
    "篮球赛": ("event", 18, 0.7),
    "节": ("event", 12, 0.45),
    "时尚周": ("event", 14, 0.7),
    "会议": ("event", 30, 0.5),
    "全会": ("event", 10, 0.6),
    "党代会": ("event", 16, 0.7),
    "奖": ("event", 16, 0.45),
    "博会": ("event", 12, 0.6),
    "评选": ("event", 14, 0.4),
    "大讲堂": ("event-series", 12, 0.6),
    "活动": ("event", 24, 0.3),
    "展会": ("event", 12, 0.45),
    # programmes and policies
    "行动计划": ("programme", 22, 0.8),
    "专项行动": ("programme", 22, 0.75),
    "行动": ("programme", 18, 0.6),
    "工程": ("programme", 20, 0.55),
    "计划": ("programme", 18, 0.55),
    "大会战": ("programme", 14, 0.8),
    "攻坚战": ("programme", 14, 0.8),
    "持久战": ("programme", 14, 0.8),
    "决胜战": ("programme", 20, 0.8),
    "歼灭战": ("programme", 16, 0.8),
    "提升战": ("programme", 14, 0.75),
    "战役": ("programme", 10, 0.7),
    "改革": ("policy", 16, 0.55),
    "试点": ("programme", 18, 0.45),
    "机制": ("policy", 18, 0.3),
    "制度": ("policy", 12, 0.3),
    "政策": ("policy", 14, 0.3),
    "战略": ("programme", 20, 0.45),
    "革命": ("programme", 8, 0.6),
    "新政": ("policy", 12, 0.6),
    "保险": ("policy", 14, 0.45),
    "举措": ("policy", 16, 0.35),
}
_SUFFIXES_LONGEST_FIRST = tuple(sorted(SUFFIXES, key=len, reverse=True))
_SUFFIX_RE = re.compile("|".join(re.escape(s) for s in _SUFFIXES_LONGEST_FIRST))

# Words that end a name when walking left: function words, pronouns, determiners,
# and the verbs that introduce a name in this genre (实施X, 建设X, 举办X …).
STOP_WORDS = _words(
    """的 之 和 与 及 以及 并 或 等 等等 在 为 以 把 对 向 从 将 由 于 是 了 着 也 都 还 又 其 该 各 每
    我 我们 本 此 这 那 这些 其中 包括 通过 围绕 按照 依托 依据 根据 借助 利用 加上 同时 以来 年初 今年 明年 去年 全年
    推进 加快 加速 建设 打造 实施 开展 启动 完成 举办 承办 办好 引进 深化 提升 推动 创建 成立 培育 争创 入选 获评 获得
    建成 参加 参与 组织 发挥 强化 加强 积极 大力 全面 扎实 力争 确保 做好 抓好 支持 鼓励 引导 实现 形成 构建 完善
    优化 拓展 谋划 编制 主动 全力 联合 进驻 落户 入驻 位于 设立 创办 筹建 组建 打通 新建 改建 扩建 迁建 启用 投入
    重点 保障 成功 顺利 持续 不断 进一步 深入 稳步 有序 切实 加大 提高 巩固 整合 放大 突出 聚焦 坚持 落实 出台
    推出 发布 召开 开工 竣工 晋级 通过 列入 入围 成为 作为 包含 涵盖 覆盖 带动 促进 助推 助力 服务 提供 享受
    签署 达成 签约 对接 融入 接轨 参与 承接 吸引 招引 引入 迎检 创成 荣获 获 评为 授予 挂牌 命名 更名 托管
    高标准 高品质 高质量 高水平 全方位 多途径 多渠道 率先 首次 再次 已 已经 正在 将 要 需 应 可 能 共同 一起
    今后 未来 近年来 目前 截至 期间 其他 另外 相关 有关 各类 各项 一批 一系列 若干 多个 多家 部分 大型 新型
    当前 近年 年底 年内 以后 近日 日前 上半年 下半年 当年 每年 历年 此前 之后 历届 打响 打好 抢抓 配置 合理"""
)
# POS tags that end a name (prepositions, conjunctions, particles, pronouns, adverbs,
# measure words, interjections); jieba's verb tags are too noisy to end a name on.
BREAK_TAGS = frozenset(
    {"p", "c", "u", "uj", "ul", "uz", "ud", "ug", "uv", "r", "d", "ad", "vd", "q", "y", "e", "o", "f"}
)
PROPER_TAGS = frozenset({"ns", "nr", "nrt", "nrfg", "nz", "nt", "j", "eng"})
# Verbs and adjectives end a name too, except the ones names in this genre are made of
# (创新园, 智能制造基地, 育苗造林工程, 虚拟产业园 …).
NAME_VERBS = _words(
    """创新 创意 制造 智造 孵化 发展 融合 服务 保护 利用 改造 提升 治理 整治 创业 研发 设计 交易 展示 发布 养老
    护理 体验 示范 引领 交流 合作 集聚 贸易 投资 运营 管理 培训 检测 推广 营销 生产 加工 物流 仓储 配送 就业
    育苗 造林 虚拟 移动 联动 共享 共治 托管 监管 执法 应急 救助 保障 复查 更新 开发 旅游 休闲 度假 搬迁 安置
    征迁 征收 拆除 分类 处置 清理 腾退 招商 加速 转型 升级 创造 拓市 护航 驱动 赋能 直通 联办 分离 预警 跑
    扩建 迁建 改扩建 提档 提质 整合 统筹 振兴 复兴 富民 惠民 兴镇 强镇 引才 育才 聚才 立市 兴市 强市 成长 养老"""
)
MEASURES = _words("项 个 家 类 批 条 座 名 件 张 幢 户 亩 只 台 套 位 场")
NAME_ADJS = _words(
    "新 高 大 小 美丽 绿色 智慧 平安 清廉 优质 数字 时尚 国际 现代 高端 生态 健康 阳光 风雅 人文 最美 最佳"
)
WEAK_TAGS = frozenset({"a", "an", "i", "z", "s"})
# head nouns: a name does not run on past one of these to the left (抱团项目|聚晟创业园)
# verbs used as nouns right before a head (健康城镇建设|行动, 品质提升|工程)
NOUN_VERBS = _words("建设 改造 提升 整治 创建 治理 改建 扩建")
HEAD_BREAKS = _words("项目 企业 工程 活动 工作 政策 行动 平台")
SINGLE_STOP = _words(
    "好 到 有 让 使 成 给 用 比 被 去 来 靠 当 按 据 如 若 则 即 就 才 更 最 很 再 不 没 未 要 能 可 应 须 需 得 过"
    " 抓 抢 做 搞 促 抓好"
)
# Words that say nothing about which thing it is: a name made of these and a suffix only
# (重点农业基地, 公共服务中心) is a description, not a name.
GENERIC = _words(
    """重点 现代 特色 示范 先进 高端 新 新型 综合 公共 服务 相关 主要 各类 优质 专业 创新 科技 产业 工业 农业 企业 中小
    小微 经济 社会 文化 旅游 生态 环境 绿色 智慧 智能 数字 信息 城市 城乡 农村 乡村 基层 省级 市级 镇级 村级 国家级
    国家 全国 全省 全市 全镇 首批 首个 一批 大型 各 该 本 其 这 区域 地区 当地 本地 国际 国内 世界 全球 市场 行业
    发展 建设 管理 改造 提升 整治 工作 项目 平台 中心 体系 机制 制度 政策 标准 标准化 规范化 品质 安全 美丽 宜居
    文明 卫生 精品 历史 行政 小康 体育 景区 老旧 老 新建 原 高 高新 高新技术 技术 研发 设计 创意 时尚 互联网 电子
    商务 金融 物流 人才 教育 医疗 养老 居家 公益 志愿 重大 主 副 多 大 小 全 首届 第一 唯一 标志性 示范性
    沿线 周边 内外 区内 区外 园内 园外 镇区 市区 城区 村庄 居民 群众 配套 功能 核心 中心城 新兴 传统 块状 集聚
    服务业 制造业 生产性 生活性 高新技术产业 战略性 开放 合作 交流 对外 外贸 外资 内资 招商 引资 投资
    标杆 高品位 国际化 改扩建 高科技 核心技术 基础设施 常态化 科学 民主 监督 保障"""
)
# Left-edge words trimmed off a proposed name (they qualify, they do not name).
TRIM_LEFT = _words(
    """全市 全镇 全省 全国 我市 我镇 本市 本镇 该市 该镇 各 该 其 新 新建 首个 首批 一批 一个 大型 重点 相关 优质
    高端 省级 市级 镇级 县级 国家级 原 老 现有 区内 区外 园内 园外 当地 本地 东部 西部 南部 北部 中部 东南部 中西部
    历届 历年 安置 小区 乡村"""
)
# Negative heads per admin suffix: X镇 where X is one of these is not a town name.
NOT_PLACE_SPEC = _words(
    """城 乡 集 古 名 重 全 我 本 该 各 强 中心 卫生 文明 示范 第一 试点 特色 小 标杆 农 新 美丽 宜居 精品 重点 行政
    历史文化 小康体育 景区 全国文明 省级 市级 国家 国家级 先进 县级 地级 城 上 强市 服务业强 一 二 三 绿色 森林 生态
    节水型 园林 旅游 文化 样板 商贸 工业 产业 专业 特色小 中国 世界 江南 水乡 宜业 样 品牌 创建 首 城中 好农"""
)
# The class noun after an enumeration says what its items are.
CLASS_NOUNS: dict[str, str] = {
    "企业": "company",
    "公司": "company",
    "集团": "company",
    "电商平台": "company",
    "龙头企业": "company",
    "制造业项目": "project",
    "服务业项目": "project",
    "项目": "project",
    "重点项目": "project",
    "工程": "project",
    "大学": "organisation",
    "院校": "organisation",
    "学校": "organisation",
    "机构": "organisation",
    "金融机构": "organisation",
    "协会": "organisation",
    "活动": "event",
    "展会": "event",
    "系列活动": "event",
    "大赛": "event",
    "节庆": "event",
    "市场": "landmark",
    "商贸体": "landmark",
    "景点": "landmark",
    "道路": "landmark",
    "主干道": "landmark",
    "园区": "park",
    "平台": "company",
    "基地": "park",
    "产业平台": "organisation",
    "互联网产业平台": "organisation",
    "城市": "county-city",
    "国家": "country",
    "镇": "town",
    "村": "village",
    "小区": "landmark",
    "老旧小区": "landmark",
    "市场主体": "landmark",
    "景区": "landmark",
    "建筑": "landmark",
    "主体建筑": "landmark",
    "客商": "prefecture-city",
}
_CLASS_RE = re.compile("|".join(sorted(map(re.escape, CLASS_NOUNS), key=len, reverse=True)))
# Cues after a quoted term, and the type they give it.
QUOTE_CUES: dict[str, str] = {
    "行动计划": "programme",
    "专项行动": "programme",
    "提升行动": "programme",
    "行动": "programme",
    "工程": "programme",
    "计划": "programme",
    "改革": "policy",
    "战略": "programme",
    "机制": "policy",
    "制度": "policy",
    "政策": "policy",
    "模式": "policy",
    "体系": "programme",
    "品牌": "programme",
    "平台": "programme",
    "活动": "programme",
    "创建": "programme",
    "建设": "programme",
    "试点": "programme",
    "管理": "policy",
    "整治": "programme",
    "布局": "policy",
    "战略布局": "policy",
    "总体布局": "policy",
    "改造": "programme",
    "融合": "programme",
    "系统": "programme",
    "服务": "programme",
    "工具": "programme",
    "元素": "programme",
}
_QUOTE_CUE_RE = re.compile("|".join(sorted(map(re.escape, QUOTE_CUES), key=len, reverse=True)))
# Heads of numeral coinages without quotes: 五水共治, 三社联动, 四个平台, 六场战役 …
NUMERAL_HEADS = ("共治", "融合", "联动", "一体", "平台", "全面", "体系", "战役", "行动", "专项行动",
                 "意识", "自信", "维护", "战略")  # fmt: skip
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


# ---------------------------------------------------------------- one document


class _Doc:
    """A document with its tokens and known mentions indexed by character."""

    def __init__(
        self, doc: Document, tokens: Sequence[TokenLike], mentions: Sequence[Mention], lexicon: Lexicon
    ) -> None:
        self.doc = doc
        self.text = doc.text
        self.norm = normalise(doc.text)
        text = self.text
        # whitespace tokens are dropped; only tokens tagged x (or untagged) can be whitespace
        self.tokens = [t for t in tokens if t.tag not in ("x", "") or text[t.start : t.end].strip()]
        self.lexicon = lexicon
        n = len(self.text)
        token_at: list[int] = []
        extend = token_at.extend
        for i, t in enumerate(self.tokens):
            if t.start > len(token_at):
                extend([-1] * (t.start - len(token_at)))
            extend([i] * (min(t.end, n) - t.start))
        extend([-1] * (n + 1 - len(token_at)))
        self.token_at = token_at
        self.mentions = sorted(mentions, key=lambda m: m.span.start)
        self.known_at: list[int] = [-1] * (n + 1)
        for i, m in enumerate(self.mentions):
            for k in range(m.span.start, min(m.span.end, n)):
                self.known_at[k] = i
        self.definitions = [(e.definition_span.start, e.definition_span.end, e.headword) for e in doc.glossary]
        self.token_ends = {t.end for t in self.tokens}
        self.token_starts = {t.start for t in self.tokens}
        # only the segmented part of the text (a pathological document is segmented in part)
        self.body_end = self.tokens[-1].end if self.tokens else 0

    def in_definition(self, offset: int) -> bool:
        return any(a <= offset < b for a, b, _ in self.definitions)

    def headword_at(self, offset: int) -> str:
        return next((h for a, b, h in self.definitions if a <= offset < b), "")

    def word(self, i: int) -> str:
        t = self.tokens[i]
        return self.norm[t.start : t.end]

    def is_break(self, i: int) -> bool:
        """Does token ``i`` end a name that is being extended to the left?"""
        t = self.tokens[i]
        w = self.norm[t.start : t.end]
        if self.known_at[t.start] >= 0:
            return False
        if w in STOP_WORDS or w in HEAD_BREAKS or all(ch in PUNCT for ch in w):
            return True
        if t.tag == "l" and len(w) >= 4:
            return True  # an idiom
        if len(w) >= 3 and (w[-2:] in STOP_WORDS or w[:2] in STOP_WORDS) and w not in NAME_VERBS:
            return True  # 充分发挥, 深入开展: a verb phrase the segmenter kept whole
        if t.tag in BREAK_TAGS and not ORDINAL.match(w):
            return True
        if t.tag == "m" or w.isdigit():
            return not (ORDINAL.match(w) or re.fullmatch(r"\d{2,4}", w))
        if len(w) == 1:
            return w in SINGLE_STOP or w in MEASURES
        if t.tag in ("v", "vd", "vg") and w not in NAME_VERBS:
            return True
        return t.tag in WEAK_TAGS and w not in NAME_ADJS and w not in NAME_VERBS


def _walk_left(d: _Doc, first: int, max_len: int, end: int) -> tuple[int, bool]:
    """The start of a name whose first certain token is ``first`` and which ends at
    ``end``; True when the walk stopped at the length limit rather than at a break."""
    start = d.tokens[first].start
    passed_known = d.known_at[start] >= 0
    i = first - 1
    while i >= 0:
        t = d.tokens[i]
        w = d.norm[t.start : t.end]
        if t.end != start and d.text[t.end : start].strip():
            break
        # a quoted part inside a name: 高新技术企业“育苗造林”工程, “濮院杯”针织设计师大赛
        if (w in CLOSE_QUOTES and w != '"') or (w == '"' and _quote_pair(d.norm, t.start) is not None):
            opening = _quote_pair(d.norm, t.start)
            if opening is None or end - opening > max_len:
                break
            start = opening
            i = d.token_at[opening] - 1 if d.token_at[opening] >= 0 else i - 1
            while i >= 0 and d.tokens[i].start >= opening:
                i -= 1
            continue
        # the middle dot and hyphen join parts of one name: 中国·乌镇围棋峰会, 梅泾-雀屏杯
        if w in ("·", ".", "-") and i > 0 and not d.is_break(i - 1) and start < end:
            prev = d.tokens[i - 1]
            if end - prev.start > max_len:
                break
            start = prev.start
            i -= 2
            continue
        if i > 0 and (
            (w == "大" and re.fullmatch(r"[一二三四五六七八九十]+", d.word(i - 1)))
            or (w == "年" and re.fullmatch(r"\d{4}", d.word(i - 1)))
        ):
            # 七|大品质提升工程, 2018|年毛博会: a numeral the segmenter split off
            if end - d.tokens[i - 1].start > max_len:
                break
            start = d.tokens[i - 1].start
            i -= 2
            continue
        if d.is_break(i) and not (w in NOUN_VERBS and t.end == d.tokens[first].start):
            break
        if passed_known and t.tag.startswith("v") and d.known_at[t.start] < 0:
            break  # left of a known name only nouns continue it (发展|巨石美国玻纤项目)
        known = d.known_at[t.start]
        new_start = d.mentions[known].span.start if known >= 0 else t.start
        if end - new_start > max_len:
            return start, True
        start = new_start
        if known >= 0:
            passed_known = True
        i = d.token_at[new_start] - 1 if known >= 0 else i - 1
    return start, False


def _quote_pair(norm: str, close: int) -> int | None:
    """Offset of the opening quote that the closing quote at ``close`` pairs with."""
    window = norm[max(0, close - 24) : close]
    for k in range(len(window) - 1, -1, -1):
        ch = window[k]
        if ch in OPEN_QUOTES:
            return close - (len(window) - k)
        if ch in "。；;，,!！?？\n" or (ch in CLOSE_QUOTES and ch != '"'):
            return None
    return None


TRIM_VERBS = _words(
    "整治 改造 提升 建设 开发 治理 改建 扩建 迁建 新建 拓宽 搬迁 腾退 清理 整合 统筹 盘活 招引 托管 实施"
)
NOT_NAME_ENDINGS = _words("格局 布局 开局 结局 当局 大局 全局 时局 大市 上市 地区")
SCOPE_WORDS = _words("全市 全镇 全省 全国 全区")


def _trim(d: _Doc, start: int, end: int, keep_scope: bool = False) -> int:
    """Drop qualifying words (全市, 首批, 省级 …) and stray punctuation off the left; an
    event keeps its scope (全省文化礼堂现场会)."""
    while start < end:
        i = d.token_at[start]
        if i < 0:
            start += 1
            continue
        t = d.tokens[i]
        w = d.norm[max(start, t.start) : t.end]
        if d.known_at[start] >= 0:
            break
        nxt = d.tokens[i + 1] if i + 1 < len(d.tokens) else None
        nxt_word = d.norm[nxt.start : nxt.end] if nxt is not None else ""
        # a scope word stays when a name follows it (全国知名品牌创建示范区), not a qualifier (全国首个…)
        scoped = w in SCOPE_WORDS and (keep_scope or (nxt_word not in TRIM_LEFT and end - t.end >= 6))
        if (w in TRIM_LEFT and not scoped) or w in TRIM_VERBS or all(ch in PUNCT and ch not in OPEN_QUOTES for ch in w):
            start = t.end
            continue
        break
    return start


def _spec_tokens(d: _Doc, start: int, end: int) -> list[tuple[str, str]]:
    out = []
    for i in range(d.token_at[start] if start < len(d.token_at) else -1, len(d.tokens)):
        if i < 0:
            break
        t = d.tokens[i]
        if t.start >= end:
            break
        out.append((d.norm[max(t.start, start) : min(t.end, end)], t.tag))
    return out


def _confidence(
    d: _Doc, start: int, end: int, suffix_len: int, base: float, hit_limit: bool, suffix_type: str = ""
) -> float:
    spec_end = end - suffix_len
    toks = [(w, tag) for w, tag in _spec_tokens(d, start, spec_end) if w.strip()]
    if not toks:
        return 0.0
    words = [w for w, _ in toks]
    stripped = [w.strip(QUOTES) for w in words if w.strip(QUOTES)]
    if stripped and all(w in GENERIC for w in stripped):
        return 0.0
    conf = base
    generic = sum(1 for w in stripped if w in GENERIC)
    # a leading 镇/市 is the document's own town or city: 镇文化艺术中心, 市公共服务中心
    anchored = any(d.known_at[k] >= 0 for k in range(start, spec_end)) or (
        d.norm[start : start + 1] in ("镇", "市") and spec_end - start >= 3
    )
    if anchored:
        conf += 0.15
    proper = any(
        tag in PROPER_TAGS
        and (_freq_at(d, d.norm.find(w, start)) < 500 or (tag == "ns" and suffix_type in ADMIN_TYPES | ORG_TYPES))
        for w, tag in toks
    )
    marked = any(ch.isdigit() or (ch.isascii() and ch.isalpha()) for ch in d.norm[start:spec_end])
    quoted = any(ch in QUOTES for ch in d.norm[start:end])
    oov = _has_oov(d, start, spec_end, strict=suffix_type == "project")
    if proper or marked:
        conf += 0.1
    if quoted:
        conf += 0.1
    if oov:
        conf += 0.1
    named = bool(
        re.match(
            r"(?:全省|全市|全国|全镇|首届|第[一二三四五六七八九十\d]+|\d{4}|[一二三四五六七八九十]大)",
            d.norm[start:end],
        )
    )
    if named:
        conf += 0.2 if suffix_type in ("event", "programme", "policy") else 0.1
    if not (anchored or proper or marked or quoted or oov or named):
        # dictionary words only: a description (托运市场, 现代农业园区), not a name; plans
        # are named in plain words, so a long one is let off lightly (青年干部成长工程)
        plan = spec_end - start >= 4 and len(stripped) >= 2 and generic / max(len(stripped), 1) <= 0.5
        conf -= 0.1 if plan and suffix_type in ("programme", "policy", "project") else 0.25
    verbs = sum(1 for w, tag in toks if tag == "v" and d.known_at[d.norm.find(w, start)] < 0)
    conf -= 0.08 * min(verbs, 3)
    if stripped and generic / len(stripped) >= 0.5 and not (anchored or oov or named):
        conf -= 0.15
    if hit_limit:
        conf -= 0.2
    return max(0.0, min(conf, 0.95))


RARE = 150  # a dictionary word this rare is as good as an unknown one for naming (紫金, 世贸)


def _has_oov(d: _Doc, start: int, end: int, strict: bool = False) -> bool:
    """Does the stretch hold a word the segmenter's dictionary does not know (or hardly
    knows)? Names (聚晟, 伊芙丽, 濮新, 紫金) mostly do; descriptions (托运市场) mostly do not."""
    i = d.token_at[start] if start < len(d.token_at) else -1
    while 0 <= i < len(d.tokens) and d.tokens[i].start < end:
        t = d.tokens[i]
        w = d.norm[t.start : t.end]
        if len(w) == 1 and i + 1 < len(d.tokens) and d.tokens[i + 1].start < end:
            nxt = d.norm[d.tokens[i + 1].start : d.tokens[i + 1].end]
            # two single characters in a row: a word the segmenter could not place (聚|晟)
            if len(nxt) == 1 and all("\u4e00" <= ch <= "\u9fff" and ch not in STOP_WORDS for ch in w + nxt):
                return True
        if (
            (t.freq == 0 if strict else t.freq < RARE)
            and w not in GENERIC
            and w not in NAME_VERBS
            and len(w) >= 2
            and not w.isdigit()
            and not all(ch in PUNCT for ch in w)
            and t.tag not in ("m", "x")
        ):
            return True
        i += 1
    return False


ORG_TYPES = frozenset({"company", "organisation", "government-body"})
ADMIN_TYPES = frozenset({"town", "village", "subdistrict", "community", "county-city", "province", "district"})


def _only_place_or_generic(d: _Doc, start: int, end: int) -> bool:
    """Is the part before the suffix only place names (of a country, province, city) and
    generic words? Known parks, towns and landmarks do not count as mere places."""
    toks = _spec_tokens(d, start, end)
    if not toks:
        return False
    places = 0
    pos = start
    for w, tag in toks:
        at = d.norm.find(w, pos)
        pos = at + len(w) if at >= 0 else pos
        k = d.known_at[at] if at >= 0 else -1
        if (
            k >= 0
            and d.lexicon.types.get(d.mentions[k].target)
            in (
                "country",
                "province",
                "prefecture-city",
                "county-city",
            )
        ) or (tag == "ns" and k < 0 and _freq_at(d, at) >= 200):
            places += 1
        elif w not in GENERIC:
            return False
    return places > 0


def _freq_at(d: _Doc, offset: int) -> int:
    i = d.token_at[offset] if offset >= 0 else -1
    return d.tokens[i].freq if i >= 0 else 0


def _inside_word(d: _Doc, s: int, suffix: str) -> bool:
    """Is the suffix the tail of a common word (布局, 城市, 乡村, 宅基地, 上市, 深化改革)?"""
    i = d.token_at[s]
    if i < 0:
        return False
    t = d.tokens[i]
    if t.start >= s or d.known_at[t.start] >= 0:
        return False
    # jieba tags some common words as place names (城市/ns, 上市/ns, 城镇/ns): a frequent
    # dictionary word is a common word whatever its tag
    if len(suffix) == 1 or suffix in ("基地", "市场", "城区", "新村", "中心"):
        return t.freq >= 200 or (t.freq > 0 and t.tag not in PROPER_TAGS)
    return t.freq >= 200 and t.tag not in PROPER_TAGS


def _inside_quote_continuing(d: _Doc, s: int, e: int) -> bool:
    opening = max(d.norm.rfind(q, max(0, s - 24), s) for q in OPEN_QUOTES)
    if opening < 0 or any(d.norm.find(q, opening + 1, s) >= 0 for q in CLOSE_QUOTES if q != '"'):
        return False
    closing = min((x for x in (d.norm.find(q, e, e + 24) for q in CLOSE_QUOTES) if x >= 0), default=-1)
    return closing > e and not any(ch in PUNCT for ch in d.norm[e:closing])


def _country_or_city(d: _Doc, s: int, e: int, suffix: str) -> Proposal | None:
    """德国, 韩国, 广州, 杭州: a whole place-name token ending in 国/州."""
    i = d.token_at[s]
    if i < 0:
        return None
    t = d.tokens[i]
    if t.end != e or t.tag != "ns" or not 2 <= e - t.start <= 3 or d.known_at[t.start] >= 0:
        return None
    word = d.norm[t.start : e]
    if word[:-1] in NOT_PLACE_SPEC or word[:1] in "全我各本该强大" or word[-2:-1] in "治强大全我各本中":
        return None
    etype = "country" if suffix == "国" else "prefecture-city"
    return Proposal(
        d.doc.id, Span(t.start, e), d.text[t.start : e], norm_label(word), etype, R_SUFFIX, 0.55, None, suffix
    )


def _admin_ok(d: _Doc, start: int, end: int, suffix: str) -> bool:
    """X镇/X村/X市 …: X must be a short proper name, not a qualifier (城镇, 示范村, 全市)."""
    spec = d.norm[start : end - len(suffix)].strip(QUOTES)
    if (
        not spec
        or spec in NOT_PLACE_SPEC
        or any(
            spec.endswith(w)
            for w in ("示范", "文明", "精品", "重点", "特色", "卫生", "美丽", "宜居", "强", "型", "城", "兴", "名")
        )
    ):
        return False
    if CN_NUMERAL.fullmatch(spec[:1]) and len(spec) <= 2:
        return False
    if not (2 <= len(spec) <= (4 if suffix in ("村", "社区") else 3)):
        return False
    if any(ch in PUNCT for ch in spec):
        return False
    toks = _spec_tokens(d, start, end - len(suffix))
    if suffix in ("市", "县", "省", "区", "乡"):
        # a city or county: the segmenter or curation must see a place name in it
        whole = d.tokens[d.token_at[start]]
        return any(tag in ("ns", "nrt", "j") for _, tag in toks) or whole.tag == "ns" or d.known_at[start] >= 0
    if suffix in ("村", "社区") and not any(
        tag in PROPER_TAGS or _freq_at(d, d.norm.find(w, start)) < RARE for w, tag in toks
    ):
        return False  # 无障碍社区, 示范村: a kind of village, not a village
    return not any(w in GENERIC and w not in ("新",) for w, _ in toks)


def _suffix_proposals(d: _Doc) -> list[Proposal]:
    out: list[Proposal] = []
    norm = d.norm
    for m in _SUFFIX_RE.finditer(norm, 0, d.body_end):
        suffix = m.group(0)
        s, e = m.start(), m.end()
        # the name ends here only if a token ends here (or punctuation follows)
        if e not in d.token_ends and not (e >= len(norm) or norm[e] in PUNCT):
            continue
        if e < len(norm) and norm[e] in "化式型性" and suffix not in ("国", "州"):
            continue  # 项目化运作: the word goes on
        # a longer suffix ending here wins (产业园 over 园): skip if one matched
        etype, max_len, base = SUFFIXES[suffix]
        first = d.token_at[s]
        if first < 0:
            continue
        known = d.known_at[s]
        if known >= 0 and d.mentions[known].span.end >= e:
            edition = _edition(d, d.mentions[known], e)
            if edition is not None:
                out.append(edition)
            continue  # the suffix is inside a known name
        if suffix in ("国", "州"):
            p = _country_or_city(d, s, e, suffix)
            if p is not None:
                out.append(p)
            continue
        if _inside_word(d, s, suffix) or norm[max(0, e - 2) : e] in NOT_NAME_ENDINGS:
            continue
        head_token = d.tokens[d.token_at[s]] if d.token_at[s] >= 0 else None
        prefix = norm[head_token.start : s] if head_token is not None else ""
        if prefix in STOP_WORDS and prefix not in NOUN_VERBS | TRIM_VERBS | NAME_VERBS:
            continue  # 深化改革: a verb phrase the segmenter kept whole
        if _inside_quote_continuing(d, s, e) or _honours_follow(d, e):
            continue  # “中国商品市场百强”, “…试点园区”等荣誉: honours, not things
        start, hit = _walk_left(d, first, max_len, e)
        start = _trim(d, start, e, keep_scope=etype == "event")
        if e < len(norm) and norm[e] in CLOSE_QUOTES:
            opening = _quote_pair(norm, e)
            if opening is not None and opening < start:
                start, hit = opening + 1, False  # the quotes bound the name
        if etype not in ("programme", "policy", "event", "event-series") and re.match(
            r"[一二两三四五六七八九十]大", norm[start:e]
        ):
            start += 2  # 组建三大医疗集团: counting, not part of the name
        if e - start <= len(suffix) or (len(suffix) == 1 and e - start - 1 < 2 and etype not in ("town", "village")):
            continue  # 入园, 一园: one character before a one-character head names nothing
        if etype in ("town", "village", "subdistrict", "community", "county-city", "province", "district"):
            start, parent = _split_parent(d, start, e)
            if not _admin_ok(d, start, e, suffix):
                continue
        else:
            parent = _leading_place(d, start, e)
        if suffix in ("节", "周", "奖", "活动", "评选", "会议", "展会", "全会") and not _event_ok(d, start, e, suffix):
            continue
        if (
            norm[start : start + 1] in OPEN_QUOTES
            and norm[s - 1 : s] in CLOSE_QUOTES
            and suffix in QUOTE_CUES
            and suffix not in STRONG_CUES
        ):
            continue  # “外贸证照联办”改革 names 外贸证照联办: the quoted rule proposes it
        if etype not in ADMIN_TYPES | ORG_TYPES and _only_place_or_generic(d, start, e - len(suffix)):
            continue  # 以色列项目, 中国特色小镇, 上海示范区: a place and a description, not a name
        conf = _confidence(d, start, e, len(suffix), base, hit, etype)
        if conf <= 0:
            continue
        surface = d.text[start:e]
        out.append(
            Proposal(
                d.doc.id, Span(start, e), surface, norm_label(surface), etype, R_SUFFIX, round(conf, 3), parent, suffix
            )
        )
    return out


def _edition(d: _Doc, series: Mention, end: int) -> Proposal | None:
    """第五届 + a known event series: a new edition, an event of its own."""
    if series.span.end != end or d.lexicon.types.get(series.target) != "event-series":
        return None
    i = d.token_at[series.span.start] - 1 if d.token_at[series.span.start] > 0 else -1
    if i < 0:
        return None
    t = d.tokens[i]
    w = d.norm[t.start : t.end]
    if t.end != series.span.start or not ORDINAL.match(w):
        return None
    surface = d.text[t.start : end]
    return Proposal(d.doc.id, Span(t.start, end), surface, norm_label(surface), "event", R_SUFFIX, 0.8, None, "届")


def _event_ok(d: _Doc, start: int, end: int, suffix: str) -> bool:
    """节/周/奖/活动/会议 are common words; as event heads they need a named left part."""
    spec = d.norm[start : end - len(suffix)]
    if suffix == "节":
        return len(spec) >= 2 and not spec.endswith(("环", "季", "细", "关", "调", "章", "情"))
    if suffix == "会议":
        return "届" in spec or "次" in spec or "中央" in spec
    if suffix == "全会":
        return "届" in spec
    if suffix in ("活动", "评选"):
        return any(ch in QUOTES for ch in spec) or "届" in spec
    return len(spec) >= 2


def _split_parent(d: _Doc, start: int, end: int) -> tuple[int, str | None]:
    """For a village/town: a leading known place is its parent (洲泉镇马鸣村 → 马鸣村 in 洲泉镇)."""
    k = d.known_at[start]
    if k >= 0:
        m = d.mentions[k]
        if m.span.end < end - 1 and d.lexicon.types.get(m.target) in (
            "town",
            "subdistrict",
            "county-city",
            "prefecture-city",
            "village",
            "district",
        ):
            return m.span.end, m.target
    return start, None


PARENT_TYPES = frozenset(
    {"town", "subdistrict", "county-city", "prefecture-city", "village", "district", "community", "park"}
)


def _leading_place(d: _Doc, start: int, end: int) -> str | None:
    """A place named at the start of a name is where the thing is (濮院时尚中心 → 濮院镇)."""
    i = d.known_at[start]
    if i >= 0:
        m = d.mentions[i]
        if m.span.end < end and d.lexicon.types.get(m.target) in PARENT_TYPES:
            return m.target
    return None


# Cues that are part of the name (“千店孵化”计划 is 千店孵化计划) and cues that only say
# what kind of thing the quoted name is (“外贸证照联办”改革 is 外贸证照联办).
STRONG_CUES = frozenset(
    {"行动计划", "专项行动", "提升行动", "行动", "工程", "计划", "战略", "试点", "战略布局", "总体布局"}
)
_ADMIN_TAIL = re.compile(r"(?:镇|村|县|市|省|街道|社区)$")
_QUOTED = re.compile(r"[“\"]([^“”\"\n。；;！!？?]{1,24})[”\"]")


def _quoted_proposals(d: _Doc) -> list[Proposal]:
    out: list[Proposal] = []
    norm = d.norm
    matches = [m for m in _QUOTED.finditer(norm, 0, d.body_end)]
    for idx, m in enumerate(matches):
        inner = m.group(1).strip()
        if len(inner) < 2 or "," in inner or "，" in inner or inner.count("、") > 3:
            continue
        qs, qe = m.start(), m.end()
        # “智慧市场”“智慧物流”“智慧仓储”建设: a run of quoted names, each one a name
        in_run = (idx > 0 and matches[idx - 1].end() >= qs - 1) or (
            idx + 1 < len(matches) and matches[idx + 1].start() <= qe + 1
        )
        numeral = bool(
            _NUMERAL_ALT.fullmatch(inner)
            or _NUMERAL_SHIFTED.fullmatch(inner)
            or _NUMERAL_HEAD.fullmatch(inner)
            or re.fullmatch(r"[\d+A-Za-z]+", inner)
            or (CN_NUMERAL.match(inner[:1]) and len(inner) <= 6)
        )
        cue = None
        end = qe
        if not in_run:
            cue_m = _QUOTE_CUE_RE.match(norm, qe)
            if cue_m is None:
                # a few name characters between quote and cue: “金凤凰”引才计划
                cue_m = _QUOTE_CUE_RE.search(norm, qe + 1, min(len(norm), qe + 7))
                if cue_m is not None:
                    between = norm[qe : cue_m.start()]
                    if any(ch in PUNCT for ch in between) or any(
                        w in between for w in ("的", "等", "和", "与", "及", "在")
                    ):
                        cue_m = None
            if cue_m is not None:
                cue = cue_m.group(0)
        if d.in_definition(qs) and (inner in d.headword_at(qs) or len(inner) <= 3):
            continue  # “一轴”“两核” in a glossary definition: parts of the headword explained
        if _ADMIN_TAIL.search(inner):
            continue  # “国家卫生镇”, “中国时尚第一镇”: titles and slogans, not places
        if norm.startswith(("区域品牌", "品牌", "商标"), qe) or _honours_follow(d, qe):
            continue  # “濮院毛衫”区域品牌, “…”等荣誉: brands and honours are not entities
        suffix_type = _type_from_suffix(inner)
        etype = QUOTE_CUES[cue] if cue else (suffix_type or "programme")
        conf = 0.7 if cue else 0.4
        if cue is None and suffix_type is not None and _SUFFIX_RE.search(inner[-4:]) is not None:
            conf = 0.7  # “数字经济提升行动”: the quoted words end in a type suffix themselves
        elif cue is None and in_run and len(inner) <= 6 and not _slogan_run(matches, idx):
            conf = 0.5  # “智慧市场”“智慧物流”“智慧仓储”: a list of coined names
        if numeral:
            conf += 0.2
        if (cue is None or cue not in STRONG_CUES) and (
            inner.endswith(("式", "型")) or ("、" in inner and inner.endswith("化"))
        ):
            continue  # “一站式”服务, “时尚化、国际化”: qualities, not names
        if (
            cue is None
            and not numeral
            and (len(inner) > 10 or any(w in inner for w in ("的", "了", "是", "也", "就", "、")))
        ):
            continue  # a quoted phrase of prose, not a name
        start = qs
        if cue is not None and cue in STRONG_CUES:
            end = norm.find(cue, qe) + len(cue)
            start = _extend_nouns(d, qs, 6)
        surface = d.text[start:end]
        label = norm_label(surface) if cue in STRONG_CUES else inner
        if cue and cue not in STRONG_CUES:
            surface = d.text[qs:qe]
            end = qe
        out.append(
            Proposal(
                d.doc.id,
                Span(start, end),
                surface,
                norm_label(label),
                etype,
                R_QUOTED,
                round(min(conf, 0.95), 3),
                _leading_place(d, start, end),
                cue,
            )
        )
    return out


def _honours_follow(d: _Doc, end: int) -> bool:
    """Is this item one of a list of honours (…“第二批…试点园区”等荣誉)?"""
    clause = d.norm[end : end + 60]
    stop = min((x for x in (clause.find(ch) for ch in "。；;,，") if x >= 0), default=len(clause))
    return any(w in clause[:stop] for w in ("荣誉", "称号", "奖项", "名单"))


def _slogan_run(matches: list[re.Match[str]], idx: int) -> bool:
    """“招商一批”“盘活一批”“管理一批”, “保姆型”“导师型”: a run whose items share a tail is
    a slogan, not a list of names."""
    run = [matches[idx].group(1)]
    j = idx
    while j > 0 and matches[j - 1].end() >= matches[j].start() - 1:
        j -= 1
        run.append(matches[j].group(1))
    j = idx
    while j + 1 < len(matches) and matches[j + 1].start() <= matches[j].end() + 1:
        j += 1
        run.append(matches[j].group(1))
    return len(run) > 1 and (len({r[-1] for r in run}) == 1 or any("而" in r for r in run))


def _extend_nouns(d: _Doc, start: int, max_chars: int) -> int:
    """Extend a quoted name left over nouns glued to it: 高新技术企业“育苗造林”工程."""
    i = d.token_at[start] - 1 if d.token_at[start] > 0 else -1
    new_start = start
    while i >= 0:
        t = d.tokens[i]
        w = d.norm[t.start : t.end]
        if (
            t.end != new_start
            or d.known_at[t.start] >= 0
            or t.tag not in ("n", "nz", "vn", "j", "b")
            or w in STOP_WORDS
            or w in TRIM_LEFT
        ):
            break
        if start - t.start > max_chars:
            break
        new_start = t.start
        i -= 1
    return new_start


def _type_from_suffix(name: str) -> str | None:
    for suffix in _SUFFIXES_LONGEST_FIRST:
        if name.endswith(suffix) and len(name) > len(suffix):
            etype = SUFFIXES[suffix][0]
            return None if etype in ("town", "village", "county-city", "district", "province") else etype
    return None


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


def _list_proposals(d: _Doc) -> list[Proposal]:
    """Items of X、Y、Z等(N家)企业 / X、Y3家企业, and unknown items listed with known ones."""
    out: list[Proposal] = []
    norm = d.norm
    for sent in d.doc.sentences:
        if sent.start >= d.body_end:
            break
        segment = norm[sent.start : sent.end]
        if "、" not in segment:
            continue
        for cm in re.finditer(
            r"(等|(?<=[^\d])(?=\d+[家个项所]))(?:(?:\d+|[一二两三四五六七八九十]+)[家个项所座条名批])?", segment
        ):
            pos = sent.start + cm.start()
            after = norm[sent.start + cm.end() : sent.start + cm.end() + 12]
            cls = _CLASS_RE.search(after)
            if cls is None or cls.start() > 4 or any(ch in PUNCT for ch in after[: cls.start()]):
                continue
            clause = max(norm.rfind(ch, sent.start, pos) for ch in ',，;；:：“”"') + 1
            etype = CLASS_NOUNS[cls.group(0)]
            items = _items_before(d, pos, max(clause, sent.start))
            # one item is a list too when an earlier enumeration ran into it (…等制造业项目、壳牌石油等服务业项目)
            if len(items) < 2 and not (items and items[0][0] > 0 and norm[items[0][0] - 1] == "、"):
                continue
            known_types = [
                d.lexicon.types.get(d.mentions[d.known_at[a]].target)
                for a, b in items
                if d.known_at[a] >= 0 and d.mentions[d.known_at[a]].span == Span(a, b)
            ]
            common = Counter(t for t in known_types if t).most_common(1)
            if common:
                etype = common[0][0]
            for a, b in items:
                if d.known_at[a] >= 0 and d.mentions[d.known_at[a]].span.end >= b:
                    continue
                surface = d.text[a:b]
                if len(surface) < 2 or len(surface) > 16 or any(ch in "，,。；;" for ch in surface):
                    continue
                k = d.known_at[b - 1]
                if (
                    k >= 0
                    and d.mentions[k].span.end == b
                    and d.mentions[k].span.start - a >= 2
                    and not _has_oov(d, a, d.mentions[k].span.start, strict=True)
                ):
                    continue  # 合理配置 + a known name: the item is the known name
                words = [w for w, _ in _spec_tokens(d, a, b)]
                if all(w in GENERIC or w in NAME_VERBS for w in words):
                    continue
                toks = _spec_tokens(d, a, b)
                if (
                    b - a == 2
                    and not any(tag in PROPER_TAGS for _, tag in toks)
                    and d.known_at[a] < 0
                    and not (known_types and _has_oov(d, a, b))
                ):
                    continue  # 路桥, 通讯, 网红: two-character common words
                if any(ch in "及和与" for ch in norm[a:b]) or (
                    toks and toks[-1][1] in ("v", "vn") and len(toks[-1][0]) > 1 and _head_type(norm[a:b]) is None
                ):
                    continue  # 绿化及景观, 项目攻坚: descriptions, not names
                specific = (
                    _has_oov(d, a, b, strict=True)
                    or any(tag in PROPER_TAGS for _, tag in toks)
                    or any(d.known_at[k] >= 0 for k in range(a, b))
                    or any(ch.isascii() and ch.isalnum() for ch in surface)
                )
                head = _head_type(norm[a:b])
                headed = (
                    head in (etype, COARSE_OF.get(etype))
                    or (etype.startswith("event") and head == "event")
                    or (etype == "project" and head == "programme")
                )
                if not (
                    specific or (headed and (known_types or len(norm[a:b]) >= 3)) or (known_types and _has_oov(d, a, b))
                ):
                    continue  # 技术、环境: common words listed, not names
                # a leading country or province is where the thing comes from: 德国EGLASS
                k = d.known_at[a]
                i0 = d.token_at[a]
                if (
                    k >= 0
                    and d.mentions[k].span.start == a
                    and d.mentions[k].span.end < b
                    and d.lexicon.types.get(d.mentions[k].target) == "country"
                ):
                    a = d.mentions[k].span.end
                    surface = d.text[a:b]
                elif (
                    i0 >= 0
                    and d.tokens[i0].tag == "ns"
                    and d.norm[d.tokens[i0].start : d.tokens[i0].end].endswith("国")
                    and d.tokens[i0].end < b - 1
                ):
                    a = d.tokens[i0].end
                    surface = d.text[a:b]
                if len(surface) < 2:
                    continue
                conf = 0.6 + (0.1 if known_types else 0.0)
                if d.known_at[a] >= 0 or d.known_at[b - 1] >= 0:
                    conf += 0.05  # contains a known name: 北京男装, 新凤鸣
                out.append(
                    Proposal(
                        d.doc.id,
                        Span(a, b),
                        surface,
                        norm_label(surface),
                        etype,
                        R_LIST,
                        round(conf, 3),
                        _leading_place(d, a, b),
                        cls.group(0),
                    )
                )
    return out


COARSE_OF = {"landmark": "place", "park": "place"}


def _head_type(name: str) -> str | None:
    """The type a name's last word says it is (…市场 landmark, …节 event), if any."""
    for suffix in _SUFFIXES_LONGEST_FIRST:
        if name.endswith(suffix) and len(name) > len(suffix):
            return SUFFIXES[suffix][0]
    return None


def _known_list_proposals(d: _Doc) -> list[Proposal]:
    """紫金路、兴业路、永越大道…: unknown items listed with curated names of one type are of
    that type when they end in one of its suffixes or look like names."""
    out: list[Proposal] = []
    for seg in re.finditer(r"[^,，;；。:：!！?？()（）\n“”\"]+", d.norm):
        if seg.group(0).count("、") < 1:
            continue
        parts = [(seg.start() + m.start(), seg.start() + m.end()) for m in re.finditer(r"[^、]+", seg.group(0))]
        items: list[tuple[int, int]] = []
        for n, (a, b) in enumerate(parts):
            if n == 0:
                i = d.token_at[b - 1]
                if i < 0:
                    continue
                a, _ = _walk_left(d, i, 16, b)
                a = _trim(d, a, b)
            cut = _name_end(d, a, b)
            if cut is not None and cut - a >= 2:
                items.append((a, cut))
        known = [
            d.lexicon.types.get(d.mentions[d.known_at[a]].target)
            for a, b in items
            if d.known_at[a] >= 0 and d.mentions[d.known_at[a]].span == Span(a, b)
        ]
        if not known or len(items) < 2:
            continue
        etype = Counter(t for t in known if t).most_common(1)[0][0]
        if etype in ("term",):
            continue
        for a, b in items:
            if d.known_at[a] >= 0 and d.mentions[d.known_at[a]].span.end >= b:
                continue
            if d.known_at[b - 1] >= 0:
                continue
            name = d.norm[a:b]
            head = _head_type(name)
            same = head == etype or (head is not None and COARSE_OF.get(head) == COARSE_OF.get(etype, etype))
            if not same and (
                etype in ADMIN_TYPES or head is not None or not _has_oov(d, a, b, strict=True) or b - a < 3
            ):
                continue
            surface = d.text[a:b]
            out.append(
                Proposal(
                    d.doc.id,
                    Span(a, b),
                    surface,
                    norm_label(surface),
                    etype,
                    R_LIST,
                    round(min(0.75, 0.5 + 0.05 * len(known)), 3),
                    _leading_place(d, a, b),
                    "、",
                )
            )
    return out


def _name_end(d: _Doc, a: int, b: int) -> int | None:
    """Where a listed item's name ends: at a known name's end or a suffix's end, the
    first such point (宏苑路|延伸段, 永越大道|延伸段建成通车)."""
    k = d.known_at[a]
    if k >= 0 and d.mentions[k].span.start == a:
        return min(d.mentions[k].span.end, b)
    best = None
    for m in _SUFFIX_RE.finditer(d.norm, a, b):
        if m.end() in d.token_ends or m.end() == b:
            best = m.end()
            break
    return best


def _items_before(d: _Doc, pos: int, floor: int) -> list[tuple[int, int]]:
    """The 、-separated items ending at ``pos``, the first one bounded by the walker."""
    items: list[tuple[int, int]] = []
    end = pos
    norm = d.norm
    while end > floor:
        sep = norm.rfind("、", floor, end)
        if sep < 0:
            i = d.token_at[end - 1]
            if i < 0:
                break
            start, _ = _walk_left(d, i, 16, end)
            start = _trim(d, start, end)
            if end - start >= 2:
                items.append((start, end))
            break
        a = sep + 1
        if "等" in norm[a:end]:
            break  # the previous enumeration's tail (伊芙丽等制造业项目、壳牌石油等…)
        if end - a < 2 or end - a > 16 or any(ch in PUNCT for ch in norm[a:end].strip(QUOTES)):
            if items:
                break
            # the last item may carry a following descriptor; bound it by the walker
            i = d.token_at[end - 1]
            if i < 0:
                break
            a, _ = _walk_left(d, i, 16, end)
            if a <= sep:
                a = sep + 1
        items.append((a, end))
        end = sep
    items.reverse()
    return [(a, b) for a, b in items if b > a]


def _invest_proposals(d: _Doc) -> list[Proposal]:
    """总投资100亿元的X / 年产130万吨X: X is a project."""
    out: list[Proposal] = []
    norm = d.norm
    for m in _INVEST.finditer(norm, 0, d.body_end):
        s = m.end()
        e = _project_end(norm, s, s, 24)
        if e - s >= 3:
            out.append(_project_proposal(d, s, e, "总投资"))
    for m in _ANNUAL.finditer(norm, 0, d.body_end):
        first = d.token_at[m.start()]
        if first <= 0:
            continue
        s, _ = _walk_left(d, first - 1, 8, m.start()) if not d.is_break(first - 1) else (m.start(), False)
        e = _project_end(norm, m.end(), s, 30)
        if s < m.start() and e > m.end():
            out.append(_project_proposal(d, s, e, "年产"))
    return out


def _project_end(norm: str, e: int, start: int, max_len: int) -> int:
    """The name runs on to punctuation, 等 or the generic 项目/建设 that follows it."""
    while e < len(norm) and norm[e] not in PUNCT and norm[e] != "等" and e - start < max_len:
        if norm.startswith(("项目", "建设"), e):
            break
        e += 1
    return e


def _project_proposal(d: _Doc, s: int, e: int, cue: str) -> Proposal:
    surface = d.text[s:e]
    return Proposal(
        d.doc.id, Span(s, e), surface, norm_label(surface), "project", R_INVEST, 0.7, _leading_place(d, s, e), cue
    )


def _glossary_proposals(d: _Doc) -> list[Proposal]:
    out: list[Proposal] = []
    for entry in d.doc.glossary:
        s, e = entry.headword_span.start, entry.headword_span.end
        surface = d.text[s:e]
        etype = _type_from_suffix(norm_label(surface)) or "programme"
        out.append(
            Proposal(d.doc.id, Span(s, e), surface, norm_label(surface), etype, R_GLOSSARY, 0.75, None, "名词解释")
        )
    return out


def _shared_tail_proposals(d: _Doc) -> list[Proposal]:
    """数字濮院、时尚濮院、美丽濮院: items sharing a place name as their tail are coined
    programme names (the place's slogans), not mentions of the place."""
    out: list[Proposal] = []
    for m in re.finditer(r"(?:[\u4e00-\u9fff]{2,4}、){1,}[\u4e00-\u9fff]{2,4}", d.norm):
        items = [(m.start() + k.start(), m.start() + k.end()) for k in re.finditer(r"[^、]+", m.group(0))]
        tails: Counter[str] = Counter()
        for a, b in items:
            k = d.known_at[b - 1]
            if (
                k >= 0
                and d.mentions[k].span.end == b
                and d.mentions[k].span.start > a
                and d.lexicon.types.get(d.mentions[k].target) in ADMIN_TYPES
            ):
                tails[d.mentions[k].target] += 1
        if not tails or tails.most_common(1)[0][1] < 2:
            continue
        tail = tails.most_common(1)[0][0]
        for a, b in items:
            k = d.known_at[b - 1]
            if k < 0 or d.mentions[k].target != tail or d.mentions[k].span.start <= a:
                continue
            head = d.norm[a : d.mentions[k].span.start]
            first = d.token_at[a]
            if (first >= 0 and d.is_break(first)) or head in STOP_WORDS:
                continue
            surface = d.text[a:b]
            out.append(
                Proposal(d.doc.id, Span(a, b), surface, norm_label(surface), "programme", R_LIST, 0.6, None, "、")
            )
    return out


def _place_name_proposals(d: _Doc) -> list[Proposal]:
    """Place names the segmenter's dictionary knows (tagged ns): listed together (意大利、
    韩国; 广州、北京) they are places of one kind; a long one alone (以色列) is a country."""
    out: list[Proposal] = []

    def place_like(i: int) -> bool:
        t = d.tokens[i]
        w = d.norm[t.start : t.end]
        return (
            t.tag == "ns" and t.freq >= 1000 and 2 <= len(w) <= 4 and w not in GENERIC and d.known_at[t.start] < 0
        ) or (t.tag == "ns" and w.endswith(("国", "州")) and 2 <= len(w) <= 3 and d.known_at[t.start] < 0)

    for i, t in enumerate(d.tokens):
        if t.tag != "ns" or t.start >= d.body_end or not place_like(i):
            continue
        w = d.norm[t.start : t.end]
        before = d.norm[t.start - 1 : t.start] if t.start else ""
        after = d.norm[t.end : t.end + 1]
        listed = (before == "、" and i > 1 and place_like(i - 2)) or (
            after == "、" and i + 2 < len(d.tokens) and place_like(i + 2)
        )
        neighbours = [j for j in (i - 2, i + 2) if 0 <= j < len(d.tokens) and d.known_at[d.tokens[j].start] >= 0]
        if listed:
            etype = "country" if w.endswith("国") else "prefecture-city"
            for j in neighbours:
                known = d.lexicon.types.get(d.mentions[d.known_at[d.tokens[j].start]].target)
                if known in ("country", "province", "prefecture-city", "county-city"):
                    etype = known
            conf = 0.6
        elif len(w) >= 3 and not w.endswith(("国", "州")):
            etype, conf = "country", 0.45
        else:
            continue
        surface = d.text[t.start : t.end]
        out.append(
            Proposal(d.doc.id, Span(t.start, t.end), surface, norm_label(surface), etype, R_SUFFIX, conf, None, "ns")
        )
    return out


RULES = (
    _suffix_proposals,
    _quoted_proposals,
    _numeral_proposals,
    _list_proposals,
    _shared_tail_proposals,
    _known_list_proposals,
    _place_name_proposals,
    _invest_proposals,
    _glossary_proposals,
)


def propose(
    doc: Document, tokens: Sequence[TokenLike], mentions: Sequence[Mention], lexicon: Lexicon
) -> list[Proposal]:
    """Every proposal of every rule for one document, overlaps resolved, known names dropped."""
    d = _Doc(doc, tokens, mentions, lexicon)
    raw = [p for rule in RULES for p in rule(d)]
    return _resolve(d, raw)


_CUE_TAILS = ("改革", "行动", "工程", "计划", "建设", "创建", "工作", "政策", "制度", "机制", "品牌", "活动", "战略",
              "项目", "模式", "体系", "试点", "管理", "整治", "平台")  # fmt: skip


def known_variant(label: str, lexicon: Lexicon) -> str | None:
    """The entity a proposed label is a form of (a known name plus a cue word such as
    改革/行动/项目, or plus generic words: 上上城商业中心), or None. Such proposals are
    aliases to merge, not new entities."""
    for cut in range(len(label) - 1, 1, -1):
        head, rest = label[:cut], label[cut:]
        target = lexicon.lookup(head)
        if target is None or target.startswith("term:"):
            continue
        if lexicon.types.get(target) in ADMIN_TYPES | {"country", "prefecture-city"}:
            return None  # 濮院商业中心: a thing in a place, not another name of the place
        if any(h in rest for h in STRONG_HEADS) and not rest.startswith("主体"):
            return None  # 三治融合提升行动, 民生实事工程: a programme named after another thing
        rest = _strip_known(rest.lstrip("·"), lexicon)
        if rest and not _generic_words(rest):
            continue
        if lexicon.types.get(target) in ("landmark", "park", "organisation", "village", "town") and rest.endswith(
            PROJECT_TAILS
        ):
            return None  # 桐星大道工程, 永越大道提升工程: works on a place are a project of their own
        return target
    for tail in _CUE_TAILS:
        if label.endswith(tail) and len(label) > len(tail) + 1:
            target = lexicon.lookup(label[: -len(tail)])
            if target is not None and not target.startswith("term:"):
                return target
    for head in ("第一", "首届"):
        if label.startswith(head):
            target = lexicon.lookup(label[len(head) :])
            if target:
                return target
    return None


STRONG_HEADS = ("行动", "工程", "计划", "项目", "战役", "大会", "一期", "二期", "三期")
# what may follow a curated name in a mere variant of it (上上城商业中心 is not new; 梧桐城区 is)
VARIANT_WORDS = _words(
    "改革 建设 创建 工作 政策 制度 机制 品牌 活动 战略 模式 体系 试点 管理 整治 平台 主体 商业 区块 · 精神 理念"
    " 主体工程 商业中心 商业集聚区 集聚区"
)
PROJECT_TAILS = ("工程", "项目", "一期", "二期", "三期", "改造", "改扩建", "扩建", "迁建")


def _strip_known(text: str, lexicon: Lexicon) -> str:
    """``text`` without the curated names it starts with (上上城区块 → 区块)."""
    changed = True
    while changed and text:
        changed = False
        for cut in range(len(text), 1, -1):
            if lexicon.lookup(text[:cut]) is not None:
                text, changed = text[cut:].lstrip("·"), True
                break
    return text


def _generic_words(text: str) -> bool:
    """Can ``text`` be cut into generic words (商业中心, 主体工程, 区块)?"""
    if not text:
        return False
    words = VARIANT_WORDS
    ok = [True] + [False] * len(text)
    for i in range(len(text)):
        if ok[i]:
            for j in range(i + 1, min(len(text), i + 6) + 1):
                if text[i:j] in words:
                    ok[j] = True
    return ok[-1]


def _settle(kept: list[Proposal]) -> list[Proposal]:
    """One proposal per stretch of text: the most confident, then the longest; a proposal
    that contains another and is nearly as confident extends it (崇福店街 ⊂ 崇福店街塘村)."""

    def rank(p: Proposal) -> tuple[float, int, int]:
        longer = any(
            q is not p
            and q.span.start <= p.span.start
            and p.span.end <= q.span.end
            and q.span != p.span
            and q.confidence >= p.confidence - 0.15
            for q in kept
        )
        return (-(p.confidence - (0.2 if longer else 0.0)), -(p.span.end - p.span.start), p.span.start)

    ranked = sorted(kept, key=rank)
    taken: list[Proposal] = []
    for p in ranked:
        if not any(q.span.start < p.span.end and p.span.start < q.span.end for q in taken):
            taken.append(p)
    # two names crossing each other: the one ending later is the whole name (崇福店街塘村
    # holds 崇福店街 and 店街塘村; the village ends the name)
    crossing = {
        id(p)
        for p in kept
        for q in kept
        if p.span.start < q.span.start < p.span.end < q.span.end
        and q.rule == p.rule
        and q.confidence >= p.confidence - 0.15
    }
    taken = [p for p in taken if id(p) not in crossing]
    for p in ranked:
        if id(p) in crossing or any(p is q for q in taken):
            continue
        if not any(q.span.start < p.span.end and p.span.start < q.span.end for q in taken):
            taken.append(p)
    return taken


def _resolve(d: _Doc, proposals: list[Proposal]) -> list[Proposal]:
    kept: list[Proposal] = []
    for p in proposals:
        if not p.label or len(p.label) < 2:
            continue
        if d.lexicon.lookup(p.label) is not None or p.label in d.lexicon.rejected:
            continue
        # inside a known name: the longer known name is the thing (凤凰湖总部基地 ⊃ 总部基地)
        k = d.known_at[p.span.start]
        if k >= 0:
            m = d.mentions[k]
            if m.span.start <= p.span.start and p.span.end <= m.span.end:
                continue
            if m.span.start < p.span.start and p.rule != R_GLOSSARY:
                continue  # starts inside a known name: a boundary error
        k = d.known_at[p.span.end - 1]
        if k >= 0 and d.mentions[k].span.end > p.span.end:
            continue  # ends inside a known name
        kept.append(p)

    # overlapping proposals are settled among themselves: sweep them into clusters
    kept.sort(key=lambda p: (p.span.start, -p.span.end))
    clusters: list[list[Proposal]] = []
    reach = -1
    for p in kept:
        if clusters and p.span.start < reach:
            clusters[-1].append(p)
            reach = max(reach, p.span.end)
        else:
            clusters.append([p])
            reach = p.span.end
    taken: list[Proposal] = []
    for cluster in clusters:
        taken += _settle(cluster) if len(cluster) > 1 else cluster
    # agreeing rules on the same span raise its confidence
    support: dict[tuple[int, int], set[str]] = defaultdict(set)
    for p in kept:
        support[(p.span.start, p.span.end)].add(p.rule)
    out = []
    for p in taken:
        rules = support[(p.span.start, p.span.end)]
        if len(rules) > 1:
            p = Proposal(
                p.doc_id,
                p.span,
                p.surface,
                p.label,
                p.type,
                "+".join(sorted(rules)),
                round(min(0.95, p.confidence + 0.1 * (len(rules) - 1)), 3),
                p.parent,
                p.cue,
            )
        out.append(p)
    out.sort(key=lambda p: p.span.start)
    return out


# ---------------------------------------------------------------- grouping and scoring


def aggregate(
    proposals: Iterable[Proposal],
    documents: Sequence[Document],
    lexicon: Lexicon,
    mentions: Iterable[Mention] = (),
    *,
    min_score: float = 0.0,
) -> list[Candidate]:
    """Group proposals by label over all documents; add the label's other occurrences;
    score; drop what curation knows or rejected. Sorted by score, best first."""
    groups: dict[str, list[Proposal]] = defaultdict(list)
    for p in proposals:
        if lexicon.lookup(p.label) is None and p.label not in lexicon.rejected:
            groups[p.label].append(p)
    if not groups:
        return []
    _add_repeats(groups, documents, mentions)
    candidates: list[Candidate] = []
    used_ids: set[str] = set()
    for label, props in groups.items():
        ruled = [p for p in props if p.rule != R_REPEAT]
        if not ruled:
            continue
        types: Counter[str] = Counter()
        for p in ruled:
            types[p.type] += int(p.confidence * 1000)
        etype = types.most_common(1)[0][0]
        parents = Counter(p.parent for p in props if p.parent)
        rules = sorted({r for p in ruled for r in p.rule.split("+")})
        best = max(p.confidence for p in ruled)
        docs = {p.doc_id for p in props}
        score = best + 0.06 * min(len(props) - 1, 4) + 0.05 * (len(rules) - 1) + (0.05 if len(docs) > 1 else 0.0)
        score = round(min(score, 0.99), 3)
        if score < min_score:
            continue
        surfaces = sorted({p.surface for p in props if p.surface != label})
        cid = _candidate_id(label, used_ids)
        merge = known_variant(label, lexicon)
        candidates.append(
            Candidate(
                id=cid,
                label=label,
                type=etype,
                score=score,
                count=len(props),
                mentions=tuple(sorted(props, key=lambda p: (p.doc_id, p.span.start))),
                rules=tuple(rules),
                parent=parents.most_common(1)[0][0] if parents else None,
                aliases=tuple(surfaces),
                kind="alias" if merge else "entity",
            )
        )
    candidates.sort(key=lambda c: (-c.score, c.label))
    return candidates


def _add_repeats(groups: dict[str, list[Proposal]], documents: Sequence[Document], mentions: Iterable[Mention]) -> None:
    """Occurrences of a proposed label that no rule saw (no cue there) are mentions too,
    unless they sit inside a known name or another proposal."""
    import ahocorasick

    automaton = ahocorasick.Automaton()
    for label in groups:
        automaton.add_word(label, label)
    automaton.make_automaton()
    covered: dict[str, list[tuple[int, int]]] = defaultdict(list)
    for m in mentions:
        covered[m.doc_id].append((m.span.start, m.span.end))
    for props in groups.values():
        for p in props:
            covered[p.doc_id].append((p.span.start, p.span.end))
    import bisect

    for doc in documents:
        spans = sorted(covered.get(doc.id, []))
        starts = [a for a, _ in spans]
        longest = max((b - a for a, b in spans), default=0)
        norm = normalise(doc.text)
        for end_index, label in automaton.iter_long(norm):
            start, end = end_index - len(label) + 1, end_index + 1
            lo = bisect.bisect_left(starts, start - longest)
            hi = bisect.bisect_left(starts, end)
            if any(spans[k][0] < end and start < spans[k][1] for k in range(lo, hi)):
                continue
            if start > 0 and norm[start - 1] in OPEN_QUOTES and end < len(norm) and norm[end] in CLOSE_QUOTES:
                start, end = start - 1, end + 1
            proto = groups[label][0]
            groups[label].append(
                Proposal(doc.id, Span(start, end), doc.text[start:end], label, proto.type, R_REPEAT, 0.0, None, None)
            )
            k = bisect.bisect_left(starts, start)
            starts.insert(k, start)
            spans.insert(k, (start, end))


def _candidate_id(label: str, used: set[str]) -> str:
    from .build import slugify

    base = slugify(label)[:60].strip("-") or "x"
    cid, n = base, 1
    while cid in used:
        n += 1
        cid = f"{base}-{n}"
    used.add(cid)
    return cid


# ---------------------------------------------------------------- the command


def register_cli(sub: argparse._SubParsersAction) -> None:  # type: ignore[type-arg,unused-ignore]
    p = sub.add_parser(
        "candidates",
        help="propose entities and figures the curation does not have yet (writes curation/candidates.yaml)",
    )
    p.add_argument("--corpus", help="folder of corpus *.txt files (default: corpus/)")
    p.add_argument("--curation", help="folder of curation *.yaml files (default: curation/)")
    p.add_argument("--exports", help="output folder (default: exports/)")
    p.add_argument(
        "--min-score",
        type=float,
        default=DEFAULT_MIN_SCORE,
        help=f"leave out candidates scoring below this (default {DEFAULT_MIN_SCORE})",
    )
    p.add_argument("--output", help="where to write the review file (default: <curation>/candidates.yaml)")
    p.set_defaults(func=_cmd_candidates)


def _cmd_candidates(args: argparse.Namespace) -> int:
    from pathlib import Path

    from .cli import _paths
    from .pipeline import BuildReport, prepare
    from .review import write_candidates

    paths = _paths(args)
    report = BuildReport()
    prepared = prepare(paths, report)  # applies pending decisions first
    extraction = prepared.extraction
    output = Path(args.output) if args.output else paths.curation / "candidates.yaml"
    proposed = [c for c in extraction.candidates if c.score >= args.min_score]
    written = write_candidates(output, proposed, extraction.figures, prepared.documents, paths.root)
    n_alias = sum(1 for c in proposed if c.kind == "alias")
    for line in report.reviewed:
        print(f"review: {line}")
    print(
        f"{len(proposed) - n_alias} candidate entities, {n_alias} alias proposals and "
        f"{len(extraction.figures)} figures → {written}"
    )
    for problem in prepared.problems:
        print(f"warning: {problem}")
    return 0


# ---------------------------------------------------------------- the extraction stage


@dataclass(frozen=True)
class Extraction:
    """What the NLP stages found in the corpus, ready for the RDF stage and the review file."""

    mentions: tuple[Mention, ...]
    candidates: tuple[Candidate, ...]  # every scored candidate, best first
    figures: tuple[Any, ...]  # extracted figures that curation does not already state
    facts: tuple[Any, ...]  # relations about curated entities and emitted candidates
    analyses: tuple[Any, ...]
    lexicon: Lexicon
    min_score: float = DEFAULT_MIN_SCORE
    stats: Mapping[str, int] = field(default_factory=dict)
    tool_versions: tuple[tuple[str, str], ...] = ()

    @property
    def emitted(self) -> tuple[Candidate, ...]:
        """Candidates good enough to propose (and to put in the graph)."""
        return tuple(c for c in self.candidates if c.score >= self.min_score and c.kind == "entity")


def rejected_labels(curation_dir: Any) -> list[str]:
    """Labels curators rejected (kept in candidates.yaml, read without the review module's YAML edits)."""
    from .review import read_rejected

    return read_rejected(curation_dir / "candidates.yaml")


def extract(
    curation: Curation,
    documents: Sequence[Document],
    glossary_targets: Mapping[str, str],
    *,
    cache_dir: Any = None,
    rejected: Iterable[str] = (),
    segmenter: str = DEFAULT_SEGMENTER,
    min_score: float = DEFAULT_MIN_SCORE,
    problems: list[Any] | None = None,
) -> Extraction:
    """Run the NLP stages over every document (from the cache where possible) and group
    their proposals into candidates."""
    from .cache import analyse_cached, pipeline_version

    rejected_list = list(rejected)
    lexicon = Lexicon.from_curation(
        curation, glossary_targets, [r for r in rejected_list if not r.startswith("figure:")]
    )
    analyses, stats = analyse_cached(documents, lexicon, cache_dir=cache_dir, segmenter=segmenter, problems=problems)
    mentions = tuple(m for a in analyses for m in a.mentions)
    candidates = aggregate((p for a in analyses for p in a.proposals), documents, lexicon, mentions)
    emitted = {c.label for c in candidates if c.score >= min_score and c.kind == "entity"}
    facts = tuple(f for a in analyses for f in a.facts if _keeps(f, emitted, curation))
    from .review import figure_key

    rejected_figures = {r for r in rejected_list if r.startswith("figure:")}
    figures = tuple(
        f
        for a in analyses
        for f in a.figures
        if not _curated_figure(f, curation) and f"figure:{figure_key(f)}" not in rejected_figures
    )
    versions = (("tx-nlp", NLP_VERSION), ("discover", DISCOVER_VERSION), ("pipeline", pipeline_version(segmenter)))
    return Extraction(
        mentions,
        tuple(candidates),
        figures,
        facts,
        tuple(analyses),
        lexicon,
        min_score,
        stats,
        versions + _library_versions(segmenter),
    )


def _library_versions(segmenter: str) -> tuple[tuple[str, str], ...]:
    import importlib.metadata as md

    out = []
    for pkg in ("spacy", "jieba", "opencc"):
        try:
            out.append((pkg, md.version(pkg)))
        except md.PackageNotFoundError:
            continue
    out.append(("segmenter", segmenter))
    return tuple(out)


def _keeps(fact: Any, emitted: set[str], curation: Curation) -> bool:
    """A fact about a candidate needs the candidate proposed; a fact about a curated
    entity must not contradict curation (curation is the truth)."""
    for ref in (fact.subject, fact.object):
        if ref.startswith("candidate:") and ref[len("candidate:") :] not in emitted:
            return False
    entity = curation.entities.get(fact.subject)
    if entity is not None and fact.predicate in ("containedInPlace", "location"):
        return entity.parent is None or entity.parent == fact.object
    if entity is not None and fact.predicate == "developer":
        return not entity.companies or fact.object in entity.companies
    return True


def _curated_figure(figure: Any, curation: Curation) -> bool:
    from decimal import Decimal, InvalidOperation

    try:
        value = Decimal(figure.value)
    except InvalidOperation:
        return False
    for obs in curation.observations:
        if (obs.indicator, obs.area, obs.period, obs.kind, obs.unit) == (
            figure.indicator,
            figure.area,
            figure.period,
            figure.kind,
            figure.unit,
        ) and Decimal(obs.value) == value:
            return True
    return False
