"""How each type and relation looks: one table shared by the legend, the networks and
the search results, so a town is the same blue diamond everywhere."""

from __future__ import annotations

__all__ = ["FONT_STACK", "RELATION_STYLE", "TYPE_ORDER", "TYPE_STYLE", "type_style"]

# fonts-noto-cjk (Debian) provides "Noto Sans CJK SC"; the rest cover macOS, Windows and
# other Linux set-ups. The same stack is handed to the canvas for network labels.
FONT_STACK = (
    '"Noto Sans CJK SC", "Noto Sans SC", "Source Han Sans SC", "PingFang SC", "Hiragino Sans GB", '
    '"Microsoft YaHei", "WenQuanYi Micro Hei", "Droid Sans Fallback", system-ui, sans-serif'
)

# type → (zh name, fill colour, vis-network shape); shapes with the label outside only,
# so the node size can carry the mention count.
TYPE_STYLE: dict[str, tuple[str, str, str]] = {
    "country": ("国家", "#1d3557", "star"),
    "province": ("省", "#274c77", "hexagon"),
    "prefecture-city": ("地级市", "#3a6ea5", "hexagon"),
    "county-city": ("县级市", "#1f77b4", "hexagon"),
    "district": ("区", "#4a90c8", "hexagon"),
    "town": ("镇", "#0b84a5", "diamond"),
    "subdistrict": ("街道", "#2a9d8f", "diamond"),
    "village": ("村", "#6cc3d5", "dot"),
    "community": ("社区", "#8ecae6", "dot"),
    "park": ("园区", "#2e9e44", "square"),
    "landmark": ("地标", "#8ab17d", "triangleDown"),
    "government-body": ("政府机构", "#c0392b", "triangle"),
    "company": ("企业", "#e67e22", "square"),
    "organisation": ("组织", "#d35d90", "triangle"),
    "policy": ("政策", "#7b4fa0", "diamond"),
    "programme": ("计划", "#9b59b6", "star"),
    "honour": ("荣誉", "#b8860b", "star"),
    "project": ("项目", "#c9a227", "dot"),
    "event": ("活动", "#16a6b6", "triangleDown"),
    "event-series": ("系列活动", "#0e7c86", "triangleDown"),
    "term": ("名词", "#7f8c8d", "square"),
    "indicator": ("指标", "#8d6e63", "square"),
    "year": ("年份", "#34495e", "box"),
    "candidate": ("候选", "#b0b0b0", "dot"),
    "document": ("文件", "#555555", "box"),
    "thing": ("其他", "#999999", "dot"),
}
TYPE_ORDER = list(TYPE_STYLE)

# relation → (zh name, colour, dashes, arrow)
RELATION_STYLE: dict[str, tuple[str, str, bool, bool]] = {
    "located in": ("位于", "#7d8ea3", False, True),
    "jurisdiction": ("管辖", "#c0392b", True, True),
    "part of": ("属于", "#9b59b6", False, True),
    "developed by": ("开发方", "#e67e22", False, True),
    "names": ("指称", "#7f8c8d", True, True),
    "in year": ("年份", "#c8ced6", True, False),
}


def type_style(name: str) -> tuple[str, str, str]:
    return TYPE_STYLE.get(name, TYPE_STYLE["thing"])
