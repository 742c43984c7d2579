"""Reading hand-edited YAML: libyaml where it is safe, the bounded loader otherwise."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
import yaml
from yaml.nodes import Node

from tx_graph.yamlload import BoundedLoader, compose

ROOT = Path(__file__).resolve().parents[1]


def _walk(node: Node) -> Iterator[tuple[object, ...]]:
    """What the curation reader uses of a node: kind, tag, value and where it is."""
    yield (type(node).__name__, node.tag, node.start_mark.line, node.start_mark.column,
           node.end_mark.line, node.end_mark.column, node.value if isinstance(node.value, str) else None)
    if isinstance(node.value, list):
        for child in node.value:
            for part in child if isinstance(child, tuple) else (child,):
                yield from _walk(part)


@pytest.mark.parametrize("path", sorted((ROOT / "curation").glob("*.yaml")), ids=lambda p: p.name)
def test_the_fast_reader_gives_the_bounded_loaders_tree_for_every_curation_file(path: Path) -> None:
    text = path.read_text(encoding="utf-8")
    fast, slow = compose(text), yaml.compose(text, Loader=BoundedLoader)
    assert fast is not None and slow is not None
    assert list(_walk(fast)) == list(_walk(slow))
    assert len(list(_walk(fast))) >= 5


def test_an_alias_bomb_is_still_refused_at_the_alias() -> None:
    lines = ["a0: &a0 [x, x, x, x, x, x, x, x, x]"]
    lines += [f"a{i}: &a{i} [{', '.join([f'*a{i - 1}'] * 9)}]" for i in range(1, 9)]
    with pytest.raises(yaml.MarkedYAMLError, match="alias bomb") as caught:
        compose("\n".join(lines))
    assert caught.value.problem_mark is not None and caught.value.problem_mark.line >= 5


def test_a_syntax_error_has_the_bounded_loaders_message_and_place() -> None:
    text = "entities:\n  - {id: a, label: 甲\n  - {id: b}\n"
    with pytest.raises(yaml.MarkedYAMLError) as fast:
        compose(text)
    with pytest.raises(yaml.MarkedYAMLError) as slow:
        yaml.compose(text, Loader=BoundedLoader)
    assert str(fast.value) == str(slow.value)
    assert fast.value.problem_mark is not None and fast.value.problem_mark.line == 2
