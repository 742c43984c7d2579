"""The ``facts:`` section of curation: stated facts between curated entities, each with its quote.

Read and checked like entities (every problem reported with ``file:line:column``, a
near miss gets a did-you-mean); participants are entity ids, labels or aliases, or
glossary terms. The schema is in docs/curation.md ("facts"), the RDF in
docs/vocabulary.md ("statements").

>>> summary("award", {"agent": ["桐昆"], "participant": ["工信部"]}, title="单项冠军示范企业")
'桐昆获评单项冠军示范企业(工信部)'
"""

from __future__ import annotations

import re
from decimal import Decimal, InvalidOperation
from typing import Any

from .curation_fields import (
    UNITS,
    _Collector,
    _did_you_mean,
    _new_id,
    _Raw,
    _resolver,
    _scalar,
    _scalar_list,
    _source,
)
from .model import STATEMENT_KINDS, STATEMENT_ROLES, Entity, Source, Statement, Term

__all__ = ["EVENT_KINDS", "FACT_KEYS", "QUALIFIERS", "STAGES", "load_facts", "summary"]

FACT_KEYS = (
    "id", "kind", "label", *STATEMENT_ROLES, "related", "title", "stage", "event_kind", "measure",
    "edition", "time", "year_stated", "period", "amount", "unit", "qualifier", "former_name",
    "quote", "doc", "notes",
)  # fmt: skip
QUALIFIERS = ("planned", "expected", "cumulative", "annualAverage", "achieved")
STAGES = ("signed", "settled", "groundbreaking", "completed", "production", "operation", "opened", "in-use",
          "review-passed", "started")  # fmt: skip
EVENT_KINDS = ("conference", "festival", "contest", "exhibition", "trade-fair", "signing-ceremony", "congress-session")
# what each kind cannot do without: (role or field, what to say)
NEEDS: dict[str, tuple[str, ...]] = {
    "award": ("agent", "title"),
    "partnership": ("agent", "participant"),
    "management": ("agent", "object"),
    "rename": ("object", "former_name"),
    "milestone": ("object", "stage"),
    "role": ("object", "title"),
    "event": ("object", "event_kind"),
    "figure": ("object", "measure", "amount", "unit"),
}
# the field that holds each kind's own value (Statement.detail)
DETAIL_FIELD = {
    "award": "title", "role": "title", "milestone": "stage", "event": "event_kind", "figure": "measure",
}  # fmt: skip
TIME = re.compile(r"^(\d{4})(?:-(0[1-9]|1[0-2])(?:-(0[1-9]|[12]\d|3[01]))?)?$")
STAGE_ZH = {
    "signed": "签约", "settled": "落户", "groundbreaking": "开工", "completed": "竣工", "production": "投产",
    "operation": "投入运营", "opened": "开业/开放", "in-use": "建成启用", "review-passed": "通过评审",
    "started": "启动",
}  # fmt: skip
EVENT_ZH = {
    "conference": "会议", "festival": "节庆", "contest": "赛事评选", "exhibition": "展会", "trade-fair": "洽谈会",
    "signing-ceremony": "签约仪式", "congress-session": "代表大会会议",
}  # fmt: skip


def summary(kind: str, names: dict[str, list[str]], **fields: Any) -> str:
    """A one-line Chinese summary of a fact from its participants' labels."""

    def of(role: str) -> str:
        return "、".join(names.get(role, []))

    title = fields.get("title") or ""
    when = f"({fields['time']})" if fields.get("time") else ""
    if kind == "award":
        grantor = f"({of('participant')})" if names.get("participant") else ""
        return f"{of('agent')}获评{title}{grantor}"
    if kind == "partnership":
        return f"{of('agent')}与{of('participant')}合作{when}"
    if kind == "management":
        return f"{of('agent')}托管{of('object')}"
    if kind == "rename":
        return f"{fields.get('former_name')}更名为{of('object')}{when}"
    if kind == "milestone":
        place = f"({of('location')})" if names.get("location") else ""
        return f"{of('object')}{STAGE_ZH.get(str(fields.get('stage')), fields.get('stage'))}{place}{when}"
    if kind == "role":
        whole = f"{of('participant')}的" if names.get("participant") else ""
        return f"{of('object')}:{whole}{title}"
    if kind == "event":
        host = f"{of('agent')}举办" if names.get("agent") else ""
        return f"{host}{of('object')}{when}"
    amount = f"{fields.get('amount')}{fields.get('unit')}"
    return f"{of('object')} {fields.get('measure')} {fields.get('period') or ''}{amount}{when}".replace("  ", " ")


def load_facts(
    items: list[tuple[_Raw, str]],
    names: dict[str, list[str]],
    entities: list[Entity],
    terms: list[Term],
    col: _Collector,
) -> list[Statement]:
    """The ``facts:`` items; ``names`` is curation's name index (name → entity ids).
    Facts may also name glossary terms (a layout such as 一轴两核四区): by label or alias
    when no entity has that name, else as ``term:<id>``."""
    if not items:
        return []
    names = {k: list(v) for k, v in names.items()}
    labels = {e.id: e.label for e in entities}
    types = {e.id: e.type for e in entities}
    for t in terms:
        ref = f"term:{t.id}"
        labels[ref], types[ref] = t.label, "term"
        names[ref] = [ref]
        for name in (t.label, *t.aliases):
            names.setdefault(name, [ref])
    resolve = _resolver(names, types, col)
    out: list[Statement] = []
    seen: dict[str, Source] = {}
    for raw, stem in items:
        what = "a fact"
        kind, kind_node = _scalar(raw, "kind", col, required=True, what=what)
        quote, _ = _scalar(raw, "quote", col, required=True, what=what)
        ok = kind is not None and quote is not None
        if kind is not None and kind not in STATEMENT_KINDS:
            col.add(raw.path, kind_node, "E030", what="fact kind", value=kind, valid=", ".join(STATEMENT_KINDS),
                    hint=_did_you_mean(kind, STATEMENT_KINDS))  # fmt: skip
            ok = False
        ident, id_node = _scalar(raw, "id", col)
        if ident is not None and id_node is not None and not _new_id(raw, ident, id_node, seen, col):
            ok = False
        roles: list[tuple[str, str]] = []
        for role in STATEMENT_ROLES:
            for name, node in _scalar_list(raw, role, col):
                target = resolve(name, node, raw.path, role, "fact", frozenset())
                if target is None:
                    ok = False
                else:
                    roles.append((role, target))
        related = []
        for name, node in _scalar_list(raw, "related", col):
            target = resolve(name, node, raw.path, "related", "fact", frozenset())
            if target is not None:
                related.append(target)
        fields = {k: _scalar(raw, k, col) for k in FACT_KEYS if k not in STATEMENT_ROLES and k != "related"}
        given = {k: v for k, (v, _) in fields.items()}
        for key, valid in (("stage", STAGES), ("event_kind", EVENT_KINDS), ("qualifier", QUALIFIERS)):
            if given[key] is not None and given[key] not in valid:
                col.add(raw.path, fields[key][1], "E030", what=key.replace("_", " "), value=given[key],
                        valid=", ".join(valid), hint=_did_you_mean(str(given[key]), valid))  # fmt: skip
                ok = False
        if given["time"] is not None and not _valid_time(given["time"]):
            col.add(raw.path, fields["time"][1], "E031", value=given["time"])
            ok = False
        year_stated = True
        if given["year_stated"] is not None:
            if given["year_stated"].lower() not in ("true", "false"):
                col.add(raw.path, fields["year_stated"][1], "E033", value=given["year_stated"])
                ok = False
            year_stated = given["year_stated"].lower() == "true"
        if given["unit"] is not None and given["unit"] not in UNITS:
            col.add(raw.path, fields["unit"][1], "E014", value=given["unit"], valid=" ".join(UNITS),
                    hint=_did_you_mean(given["unit"], UNITS))  # fmt: skip
            ok = False
        if given["amount"] is not None:
            try:
                Decimal(given["amount"])
            except InvalidOperation:
                col.add(
                    raw.path, fields["amount"][1], "E003", expected="a decimal number", found=f"'{given['amount']}'"
                )
                ok = False
            else:
                if quote is not None and not _in_quote(given["amount"], quote):
                    col.add(raw.path, fields["amount"][1], "E017", value=given["amount"], quote=quote)
                    ok = False
        edition = None
        if given["edition"] is not None:
            if not given["edition"].isdigit():
                col.add(
                    raw.path, fields["edition"][1], "E003", expected="a whole number", found=f"'{given['edition']}'"
                )
                ok = False
            else:
                edition = int(given["edition"])
        if kind in NEEDS:
            have = {role for role, _ in roles} | {k for k, v in given.items() if v is not None}
            missing = [n for n in NEEDS[kind] if n not in have and n not in {r for r, _ in raw.fields.items()}]
            if missing:
                col.add(raw.path, kind_node, "E032", kind=kind, needs=" and ".join(missing))
                ok = False
        if not ok or kind is None or quote is None:
            continue
        detail = given.get(DETAIL_FIELD[kind]) if kind in DETAIL_FIELD else None
        by_role: dict[str, list[str]] = {}
        for role, target in roles:
            by_role.setdefault(role, []).append(labels.get(target, target))
        label = given["label"] or summary(
            kind, by_role, **{k: v for k, v in given.items() if v is not None and k != "kind"}
        )
        out.append(
            Statement(
                kind=kind,
                roles=tuple(roles),
                label=label,
                detail=detail,
                time=given["time"],
                year_stated=year_stated,
                period=given["period"],
                value=given["amount"],
                unit=given["unit"],
                qualifier=given["qualifier"],
                edition=edition,
                former_name=given["former_name"],
                related=tuple(related),
                quote=quote,
                doc_id=given["doc"],
                id=ident,
                source=_source(raw.path, raw.node),
                file=stem,
            )
        )
    return out


def _valid_time(value: str) -> bool:
    m = TIME.match(value)
    if m is None or not 1900 <= int(m.group(1)) <= 2100:
        return False
    if m.group(3):
        from datetime import date

        try:
            date(int(m.group(1)), int(m.group(2)), int(m.group(3)))
        except ValueError:
            return False
    return True


ZH_NUMERALS = dict(zip("一二三四五六七八九十", range(1, 11), strict=True)) | {"两": 2}


def _in_quote(amount: str, quote: str) -> bool:
    """The amount as written in digits, or a small number written in characters (三家).

    >>> _in_quote("3", "嘉兴市三家企业"), _in_quote("4", "三家")
    (True, False)
    """
    if amount in quote:
        return True
    return any(str(n) == amount for ch, n in ZH_NUMERALS.items() if ch in quote)
