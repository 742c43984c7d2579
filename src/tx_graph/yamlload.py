"""A YAML loader for files people edit by hand: aliases bounded.

``yaml.compose`` never copies an aliased node, but anything that walks the tree (a key's
repr in a message, a check) visits it once per use: nine aliases of nine aliases … nine
levels deep is 387 million nodes from 1 KB (the "billion laughs"), and used as a mapping
key it took 5 GB here. :class:`BoundedLoader` refuses that while composing, as a YAML
error at the alias, so the usual ``file:line:column`` report names it.

>>> import yaml
>>> yaml.compose("{a: &x [1, 2], b: *x}", Loader=BoundedLoader).value[1][1].value[0].value
'1'
>>> try:
...     yaml.compose("a: &x [1, *x]", Loader=BoundedLoader)
... except yaml.MarkedYAMLError as exc:
...     print(exc.problem_mark.column + 1, exc.problem[:39])
11 alias *x is inside the node it names (a
"""

from __future__ import annotations

from typing import Any

import yaml
from yaml.nodes import MappingNode, Node, SequenceNode

__all__ = ["MAX_ALIAS_NODES", "BoundedLoader", "compose"]

# A curation file uses a handful of aliases, if any
MAX_ALIAS_NODES = 100_000


def compose(text: str) -> Node | None:
    """The node tree of ``text``, as ``yaml.compose(text, Loader=BoundedLoader)`` gives it.

    Files without aliases (all of a usual curation) are composed by libyaml when PyYAML
    has it: the pure-Python composer was the largest part of loading the curation. A file
    with an alias, and any error, go through :class:`BoundedLoader`, so aliases are
    bounded and every message (and its line and column) is the one it always was.
    """
    fast = getattr(yaml, "CSafeLoader", None)
    if fast is not None:
        try:
            if not any(isinstance(event, yaml.AliasEvent) for event in yaml.parse(text, Loader=fast)):
                return yaml.compose(text, Loader=fast)
        except yaml.YAMLError:
            pass  # reported below, by the loader every message comes from
    return yaml.compose(text, Loader=BoundedLoader)


class BoundedLoader(yaml.SafeLoader):
    """``yaml.SafeLoader`` that refuses aliases expanding to more than ``MAX_ALIAS_NODES``
    nodes in all, and aliases to a node they are inside (a structure containing itself),
    as a YAML error at the alias, so the usual file:line:column report names it."""

    def __init__(self, stream: str) -> None:
        super().__init__(stream)
        self._expanded = 0
        self._sizes: dict[int, int] = {}
        self._open: set[str] = set()

    def compose_node(self, parent: Node | None, index: Any) -> Node | None:
        event = self.peek_event()
        if isinstance(event, yaml.AliasEvent):
            if event.anchor in self._open:
                raise yaml.composer.ComposerError(
                    None, None, f"alias *{event.anchor} is inside the node it names (a structure containing "
                    "itself, which curation never needs)", event.start_mark)  # type: ignore[arg-type]
            node = self.anchors.get(event.anchor)
            if node is not None:
                self._expanded += _tree_size(node, self._sizes)
                if self._expanded > MAX_ALIAS_NODES:
                    raise yaml.composer.ComposerError(
                        None, None, f"aliases expand to more than {MAX_ALIAS_NODES:,} nodes (an alias bomb?); "
                        "write the values out instead of repeating anchors", event.start_mark)  # type: ignore[arg-type]
            return super().compose_node(parent, index)
        anchor = getattr(event, "anchor", None)
        if anchor is None:
            return super().compose_node(parent, index)
        self._open.add(anchor)
        try:
            return super().compose_node(parent, index)
        finally:
            self._open.discard(anchor)


def _tree_size(node: Node, sizes: dict[int, int]) -> int:
    """Nodes in ``node``'s tree with every alias expanded (memoised, without recursion)."""
    stack: list[tuple[Node, bool]] = [(node, False)]
    while stack:
        current, children_done = stack.pop()
        if id(current) in sizes:
            continue
        children: list[Node] = []
        if isinstance(current, SequenceNode):
            children = list(current.value)
        elif isinstance(current, MappingNode):
            children = [n for pair in current.value for n in pair]
        if children_done:
            sizes[id(current)] = 1 + sum(sizes[id(c)] for c in children)
        else:
            stack.append((current, True))
            stack.extend((c, False) for c in children if id(c) not in sizes)
    return sizes[id(node)]
