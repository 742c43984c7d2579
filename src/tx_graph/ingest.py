"""Ingestion: raw corpus files → :class:`~tx_graph.model.Document` values.

Three layouts are recognised, by shape rather than by file name:

* **article blocks** – ``-`` / title / body line(s) / ``YYYY-MM-DD``, repeated, with a
  site footer after the last block (an investment-promotion site's export);
* **disclosure page** – a 政府信息公开 page: a ``key: | value |`` header, the title
  (often twice), empty table rows, then the text;
* **plain text** – anything else: first non-empty line is the title, the rest the body.

Noise (injected strings, footers, empty table rows, trailing pipes) is removed by the
rules in curation's ``noise:`` section. Offsets are into the stored text, so
``doc.text[s.start:s.end]`` is always the exact quote. A document that cannot be
parsed is reported as a :class:`~tx_graph.errors.Problem` with file and line, and the
other documents still load.

Every rule that reads wording (kind, year, publisher, meeting line, headings, 名词解释,
footnotes, sentence ends, header keys, noise) runs on a same-length *matching view*
(:func:`tx_graph.discover.normalise`: traditional → simplified, full-width → ASCII), so a
report in traditional characters or with full-width digits is read like any other while
the text, title and every offset stay as written. Header values that name things
(publisher, occasion, speaker) are given in the matching view, where curation's names live.

>>> doc = ingest_text("2018年某镇政府工作报告\\n各位代表:现在我代表镇人民政府作报告。一、回顾 成绩很大。", "x.txt")
>>> doc.kind, doc.year, doc.publisher
('work-report', 2018, '某镇人民政府')
>>> [doc.text[s.start:s.end] for s in doc.sentences]
['各位代表:现在我代表镇人民政府作报告。', '一、回顾', '成绩很大。']
>>> doc = ingest_text("2021年某鎮政府工作報告\\n各位代表:現在我代表鎮人民政府作報告。一、回顧 成績很大。")
>>> doc.kind, doc.year, doc.publisher, doc.title
('work-report', 2021, '某镇人民政府', '2021年某鎮政府工作報告')
"""

from __future__ import annotations

import contextlib
import re
from collections.abc import Iterable, Sequence
from datetime import date
from functools import lru_cache
from pathlib import Path

from .decode import EXPECTED_TEXT, decode
from .errors import Errors, Problem
from .glossary import GLOSSARY_MARK, at_boundary, find_glossary_start, footnotes, parse_glossary
from .model import Document, NoiseRules, Section, Span
from .text import normalise

__all__ = ["corpus_files", "ingest_corpus", "ingest_file", "ingest_text"]

DATE_LINE = re.compile(r"^\s*(\d{4})-(\d{1,2})-(\d{1,2})\s*$")
SITE_TAG = re.compile(r"^\s*【([^】]+)】\s*(.*?)\s*$")
TITLE_YEAR = re.compile(r"(\d{4})年")
# "2018年1月29日在濮院镇第十七届人民代表大会第三次会议上 徐华君 各位代表"
MEETING = re.compile(
    r"^\s*(\d{4})年(\d{1,2})月(\d{1,2})日在(\S{2,60}?会议)上\s*([\u4e00-\u9fff·]{2,5}?)?\s*(?=各位代表)"
)
PUBLISHER_IN_TEXT = re.compile(r"我(?:代表|受)(市|镇|县|区|街道)人民政府")
# 乡 is a township suffix, but not inside a name such as 桐乡市
REGION_UNIT = re.compile(r".+?(?:自治区|街道|省|市|县|区|镇|乡(?![市县镇区]))")
SENTENCE_END = "。！？!?"
CLOSERS = "”’」』)）"
CN_DIGITS = {"零": 0, "一": 1, "二": 2, "两": 2, "三": 3, "四": 4, "五": 5, "六": 6, "七": 7, "八": 8, "九": 9}
LEVEL1 = re.compile(r"([一二三四五六七八九十]{1,3})、")
LEVEL2 = re.compile(r"[(（]([一二三四五六七八九十]{1,3})[)）]")
LEVEL3 = re.compile(r"(\d{1,2})[.．](?!\d)")
HEADING_YEAR = re.compile(r"\d{4}年")
HEADING_END = re.compile(r"[。，,、:：;；!！?？\s]")

NO_NOISE = NoiseRules()

KIND_RULES: tuple[tuple[str, re.Pattern[str]], ...] = (
    ("work-report", re.compile(r"工作报告")),
    ("work-plan", re.compile(r"工作要点|工作计划|实施方案|工作思路|工作安排")),
)


def corpus_files(corpus_dir: Path) -> list[Path]:
    """The corpus's text files in a stable order (READMEs are documentation, not data)."""
    return sorted(p for p in corpus_dir.glob("*.txt") if p.is_file())


def ingest_corpus(
    paths: Iterable[Path], noise: NoiseRules, root: Path | None = None
) -> tuple[list[Document], list[Problem]]:
    """Read every file; collect documents and problems from all of them."""
    documents: list[Document] = []
    problems: list[Problem] = []
    seen: dict[str, Document] = {}  # text → the first document with it
    for path in paths:
        docs, probs = ingest_file(path, noise, root)
        problems.extend(probs)
        for doc in docs:
            # the same report saved twice (a copy under another name) would double every
            # mention and figure of it: the first one in file order is kept
            first = seen.setdefault(doc.text, doc)
            if first is doc:
                documents.append(doc)
                continue
            where = f"{first.source_path}:{first.source_line}"
            problems.append(Problem(doc.source_path, doc.source_line, None, "E109",
                                    Errors.E109.format(first=where, doc=first.id)))
    return documents, problems


def ingest_file(
    path: Path, noise: NoiseRules = NO_NOISE, root: Path | None = None
) -> tuple[list[Document], list[Problem]]:
    rel = _relative(path, root)
    try:
        raw = path.read_bytes()
    except OSError as exc:
        return [], [Problem(rel, None, None, "E001", Errors.E001.format(reason=exc.strerror))]
    text, problems = decode(raw, rel)
    if text is None:
        return [], problems
    lines = text.split("\n")
    stem = path.stem
    if _looks_like_disclosure(lines):
        docs, more = _parse_disclosure(lines, stem, rel, noise)
    elif _looks_like_articles(lines):
        docs, more = _parse_articles(lines, stem, rel, noise)
    else:
        docs, more = _parse_plain(lines, stem, rel, noise)
    return docs, problems + more


def ingest_text(text: str, source_path: str = "<text>", noise: NoiseRules = NO_NOISE) -> Document:
    """Build one document from a plain string (first line title, rest body)."""
    docs, problems = _parse_plain(text.split("\n"), Path(source_path).stem, source_path, noise)
    if not docs:
        raise ValueError("; ".join(str(p) for p in problems) or "empty text")
    return docs[0]


# ---------------------------------------------------------------- paths


def _relative(path: Path, root: Path | None) -> str:
    if root is not None:
        try:
            return path.resolve().relative_to(root.resolve()).as_posix()
        except ValueError:
            pass
    return path.as_posix()


# ---------------------------------------------------------------- layouts


# E104 for the layouts other than article blocks (Errors.E104 describes those)
NO_BODY = "document has a title but no body: its title line ({length:,} characters) is the last line ({expected})"
EXPECTED_PLAIN = "expected the title on the first line and the text on the lines after it"
EXPECTED_DISCLOSURE = "expected header rows with '|', the title, then the text"


def _view(line: str) -> str:
    """The matching view of a layout line; long lines are body text, never layout."""
    return normalise(line) if len(line) <= 200 else line


def _looks_like_disclosure(lines: Sequence[str]) -> bool:
    head = [_view(ln) for ln in lines[:8] if ln.strip()]
    return any("|" in ln and re.search(r"索引号|发布机构|发文日期", ln) for ln in head)


def _is_separator(line: str) -> bool:
    return _view(line.strip()) == "-"


def _date_line(line: str) -> re.Match[str] | None:
    return DATE_LINE.match(_view(line))


def _looks_like_articles(lines: Sequence[str]) -> bool:
    return any(_is_separator(ln) for ln in lines) and any(_date_line(ln) for ln in lines)


def _is_footer(line: str, noise: NoiseRules) -> bool:
    stripped = _view(line.strip())
    return (
        stripped in noise.footer_lines
        or stripped in _footer_views(noise.footer_lines)
        or any(p.search(line) for p in noise.line_patterns)
    )


def _parse_articles(lines: list[str], stem: str, rel: str, noise: NoiseRules) -> tuple[list[Document], list[Problem]]:
    docs: list[Document] = []
    problems: list[Problem] = []
    i, n = 0, len(lines)
    while i < n:
        line = lines[i]
        if not line.strip() or _is_footer(line, noise):
            i += 1
            continue
        if not _is_separator(line):
            problems.append(Problem(rel, i + 1, 1, "E106", Errors.E106.format(text=_clip(line.strip()))))
            i += 1
            continue
        j = i + 1
        while j < n and not lines[j].strip():
            j += 1
        if j >= n:
            break
        title_line = j
        body: list[str] = []
        posted: date | None = None
        k = j + 1
        while k < n and not _is_separator(lines[k]):
            m = _date_line(lines[k])
            if m:
                posted = _date(m, rel, k + 1, problems)
                k += 1
                break
            if lines[k].strip() and not _is_footer(lines[k], noise):
                body.append(lines[k])
            k += 1
        if posted is None:
            problems.append(Problem(rel, title_line + 1, 1, "E105", Errors.E105))
        if not body:
            problems.append(Problem(rel, title_line + 1, 1, "E104", Errors.E104))
        else:
            docs.append(
                _make_document(
                    doc_id=f"{stem}-{len(docs) + 1:02d}",
                    rel=rel,
                    line=title_line + 1,
                    raw_title=lines[title_line],
                    body_lines=body,
                    posted=posted,
                    metadata={},
                    noise=noise,
                )
            )
        i = k
    return docs, problems


def _parse_disclosure(lines: list[str], stem: str, rel: str, noise: NoiseRules) -> tuple[list[Document], list[Problem]]:
    metadata: dict[str, str] = {}
    i = 0
    while i < len(lines) and "|" in lines[i]:
        metadata.update(_header_cells(lines[i]))
        i += 1
    rest = [(k, ln) for k, ln in enumerate(lines[i:], start=i) if ln.strip()]
    rest = [(k, ln) for k, ln in rest if not any(p.search(ln) for p in noise.line_patterns)]
    if not rest:
        message = f"disclosure page has a header but no title or text ({EXPECTED_DISCLOSURE})"
        return [], [Problem(rel, i + 1, None, "E104", message)]
    title_line, raw_title = rest[0]
    body = [ln for _, ln in rest[1:] if ln.strip() != raw_title.strip()]
    if not body:
        message = NO_BODY.format(length=len(raw_title.strip()), expected=EXPECTED_DISCLOSURE)
        return [], [Problem(rel, title_line + 1, 1, "E104", message)]
    problems: list[Problem] = []
    issued = None
    if metadata.get("发文日期"):
        m = _date_line(metadata["发文日期"])
        if m:
            issued = _date(m, rel, 1, problems)
        else:
            problems.append(Problem(rel, 1, None, "E107", Errors.E107.format(value=metadata["发文日期"])))
    doc = _make_document(
        doc_id=f"{stem}-01",
        rel=rel,
        line=title_line + 1,
        raw_title=raw_title,
        body_lines=body,
        posted=None,
        metadata=metadata,
        noise=noise,
        issued=issued,
    )
    return [doc], problems


def _parse_plain(lines: list[str], stem: str, rel: str, noise: NoiseRules) -> tuple[list[Document], list[Problem]]:
    content = [(k, ln) for k, ln in enumerate(lines) if ln.strip() and not _is_footer(ln, noise)]
    if not content:
        return [], [Problem(rel, 1, None, "E102", f"file has no text, only footer lines ({EXPECTED_TEXT})")]
    (title_line, raw_title), body = content[0], [ln for _, ln in content[1:]]
    if body and _not_a_title(raw_title):
        body = [raw_title, *body]  # a page that starts with a paragraph or a breadcrumb: keep it as text
    if not body:
        message = NO_BODY.format(length=len(raw_title.strip()), expected=EXPECTED_PLAIN)
        return [], [Problem(rel, title_line + 1, 1, "E104", message)]
    doc = _make_document(
        doc_id=f"{stem}-01",
        rel=rel,
        line=title_line + 1,
        raw_title=raw_title,
        body_lines=body,
        posted=None,
        metadata={},
        noise=noise,
    )
    return [doc], []


def _not_a_title(line: str) -> bool:
    """Reposted pages often start with a paragraph (项目建设既是…。日前,…) or a breadcrumb
    (您当前的位置:浙江在线 > 浙江新闻 > …) instead of a title: names in it must not be lost."""
    text = line.strip()
    return len(text) > 60 or bool(re.search(r"[。！？!?；;]", text[:-1])) or text.count(">") + text.count("＞") >= 2


def _header_cells(line: str) -> dict[str, str]:
    cells = [c.strip() for c in line.split("|")]
    found: dict[str, str] = {}
    for idx, cell in enumerate(cells):
        if cell.endswith((":", "：")):
            key = _view(cell.rstrip(":：").strip())
            nxt = cells[idx + 1] if idx + 1 < len(cells) else ""
            found[key] = "" if nxt.endswith((":", "：")) else nxt
    return found


def _date(m: re.Match[str], rel: str, line: int, problems: list[Problem]) -> date | None:
    try:
        return date(int(m.group(1)), int(m.group(2)), int(m.group(3)))
    except ValueError:
        problems.append(Problem(rel, line, 1, "E107", Errors.E107.format(value=m.group(0).strip())))
        return None


def _clip(text: str, width: int = 40) -> str:
    return text if len(text) <= width else text[:width] + "…"


# ---------------------------------------------------------------- one document


def _make_document(
    *,
    doc_id: str,
    rel: str,
    line: int,
    raw_title: str,
    body_lines: list[str],
    posted: date | None,
    metadata: dict[str, str],
    noise: NoiseRules,
    issued: date | None = None,
) -> Document:
    title, title_view, _ = _remove_noise(raw_title.strip(), noise)
    site_tag = None
    m = SITE_TAG.match(title_view)
    if m:
        site_tag, title = title[m.start(1) : m.end(1)], title[m.start(2) : m.end(2)]
        title_view = title_view[m.start(2) : m.end(2)]
    cleaned = []
    for body_line in body_lines:
        for pattern in noise.trailing_patterns:
            body_line = pattern.sub("", body_line)
        cleaned.append(body_line.strip())
    text, view, removed = _remove_noise("\n".join(c for c in cleaned if c), noise)
    year_m = TITLE_YEAR.search(title_view)
    meeting = MEETING.match(view)
    speaker = occasion = None
    if meeting:
        with contextlib.suppress(ValueError):
            issued = issued or date(int(meeting.group(1)), int(meeting.group(2)), int(meeting.group(3)))
        occasion, speaker = meeting.group(4), meeting.group(5)
    kind = next((k for k, rule in KIND_RULES if rule.search(title_view)), "news")
    glossary_start = find_glossary_start(view)
    glossary = parse_glossary(text, view, glossary_start) if glossary_start is not None else ()
    sections = _sections(text, view, glossary_start)
    publisher = metadata.get("发布机构")
    return Document(
        id=doc_id,
        source_path=rel,
        source_line=line,
        title=title,
        site_tag=site_tag,
        posted=posted,
        issued=issued,
        year=int(year_m.group(1)) if year_m else None,
        publisher=normalise(publisher) if publisher else _publisher_from_text(title_view, view),
        speaker=speaker,
        occasion=occasion,
        kind=kind,
        text=text,
        sentences=tuple(_sentences(view)),
        sections=sections,
        glossary=glossary,
        footnotes=footnotes(view, glossary, glossary_start),
        removed=tuple(removed),
        metadata=tuple((k, v) for k, v in metadata.items() if v),
    )


def _remove_noise(text: str, noise: NoiseRules) -> tuple[str, str, list[tuple[int, str]]]:
    """Delete every noise string (found in the matching view, so a traditional-character
    copy of it goes too), remembering where, so offsets refer to the clean text.
    Returns the clean text, its matching view and the removals."""
    view = normalise(text)
    if not noise.strings:
        return text, view, []
    pattern = _noise_pattern(noise.strings)
    out: list[str] = []
    out_view: list[str] = []
    removed: list[tuple[int, str]] = []
    last = 0
    length = 0
    for m in pattern.finditer(view):
        out.append(text[last : m.start()])
        out_view.append(view[last : m.start()])
        length += m.start() - last
        removed.append((length, text[m.start() : m.end()]))
        last = m.end()
    out.append(text[last:])
    out_view.append(view[last:])
    return "".join(out), "".join(out_view), removed


@lru_cache(maxsize=8)
def _noise_pattern(strings: tuple[str, ...]) -> re.Pattern[str]:
    forms = {normalise(s) for s in strings}
    return re.compile("|".join(re.escape(s) for s in sorted(forms, key=len, reverse=True)))


@lru_cache(maxsize=8)
def _footer_views(footers: tuple[str, ...]) -> frozenset[str]:
    return frozenset(normalise(f) for f in footers)


def _publisher_from_text(title: str, text: str) -> str | None:
    m = PUBLISHER_IN_TEXT.search(text[:400])
    if not m:
        return None
    level = m.group(1)
    region = TITLE_YEAR.sub("", title)
    region = re.split(r"政府|人民政府|工作报告|工作要点", region)[0]
    units = REGION_UNIT.findall(region)
    for unit in reversed(units):
        if unit.endswith(level):
            return unit + "人民政府"
    return None


def _sentences(text: str) -> list[Span]:
    """Sentences end at 。！？!? (closing quotes stay with them), at newlines and at spaces."""
    spans: list[Span] = []
    start = 0
    i, n = 0, len(text)
    while i < n:
        ch = text[i]
        cut = None
        if ch in SENTENCE_END:
            j = i + 1
            while j < n and (text[j] in SENTENCE_END or text[j] in CLOSERS):
                j += 1
            cut, i = j, j
        elif ch.isspace():
            cut, i = i, i + 1
        else:
            i += 1
            continue
        _add_span(text, start, cut, spans)
        start = cut
    _add_span(text, start, n, spans)
    return spans


def _add_span(text: str, start: int, end: int, spans: list[Span]) -> None:
    while start < end and text[start].isspace():
        start += 1
    while end > start and text[end - 1].isspace():
        end -= 1
    if end > start:
        spans.append(Span(start, end))


def _cn_number(numeral: str) -> int:
    if numeral == "十":
        return 10
    if "十" in numeral:
        tens, _, ones = numeral.partition("十")
        return (CN_DIGITS.get(tens, 1) if tens else 1) * 10 + (CN_DIGITS.get(ones, 0) if ones else 0)
    return CN_DIGITS.get(numeral, 0)


def _sections(text: str, view: str, glossary_start: int | None) -> tuple[Section, ...]:
    """Numbered parts, accepted only in sequence (一 then 二 …) so that enumerations
    inside a sentence (一、二、三产) are not mistaken for headings. Markers are read in
    the matching ``view``; markers and headings are quoted from ``text``."""
    limit = glossary_start if glossary_start is not None else len(view)
    markers: list[tuple[int, int, int, int]] = []  # start, level, number, end
    for level, pattern in ((1, LEVEL1), (2, LEVEL2), (3, LEVEL3)):
        for m in pattern.finditer(view, 0, limit):
            if at_boundary(view, m.start()):
                value = int(m.group(1)) if level == 3 else _cn_number(m.group(1))
                markers.append((m.start(), level, value, m.end()))
    markers.sort()
    expected = [0, 0, 0, 0]
    accepted: list[tuple[int, int, str, str, int]] = []  # start, level, marker, path, heading_from
    counters = [0, 0, 0, 0]
    for start, level, value, marker_end in markers:
        if value != expected[level] + 1:
            continue
        expected[level] = value
        for deeper in range(level + 1, 4):
            expected[deeper] = 0
        counters[level] = value
        for deeper in range(level + 1, 4):
            counters[deeper] = 0
        path = ".".join(str(c) for c in counters[1 : level + 1])
        accepted.append((start, level, text[start:marker_end], path, marker_end))
    if glossary_start is not None:
        mark = GLOSSARY_MARK.search(view, max(0, glossary_start - 6))
        gstart = mark.start() if mark else glossary_start
        accepted.append((gstart, 1, "", str(expected[1] + 1), gstart))
    sections: list[Section] = []
    for idx, (start, level, marker, path, heading_from) in enumerate(accepted):
        end = len(text)
        for later in accepted[idx + 1 :]:
            if later[1] <= level:
                end = later[0]
                break
        heading = "名词解释" if marker == "" and level == 1 else _heading(text, view, heading_from, end)
        sections.append(Section(marker, level, heading, Span(start, end), path))
    return tuple(sections)


def _heading(text: str, view: str, start: int, end: int) -> str:
    """A heading runs to the first punctuation or space; reports often glue the body on
    directly ("2017年工作回顾2017年,我们…"), so a second year also ends it."""
    limit = min(end, start + 40)
    stop = HEADING_END.search(view, start, limit)
    stop_at = stop.start() if stop else limit
    year = HEADING_YEAR.search(view, start + 1, stop_at)
    return text[start : year.start() if year else stop_at]
