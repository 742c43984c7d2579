"""Pages across the graph: plan vs actual per place, the timeline and the map."""

from __future__ import annotations

from .base import SiteBase

__all__ = ["ViewPages"]


class ViewPages(SiteBase):
    pass
