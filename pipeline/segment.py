"""Segment: cut the whole text into consecutive sections that tile it, and type them.

The text is first cut into units (the paragraphs of the normalised view, split
further where a line carries two things).  Each unit gets local features from
the cues of configs/sections.toml; a pass that knows the genre (notice,
newspaper, standalone speech) then labels the units in reading order, and
consecutive units of one kind become one section.  Every section runs from its
first unit to the start of the next section, so the sections tile the raw text.
"""
from __future__ import annotations

import collections
import functools
from dataclasses import dataclass, field

import regex

from . import config
from .model import Document, Section
from .normalise import clean, squeeze
from .registry import register


@functools.lru_cache(maxsize=1)
def cues() -> dict:
    """configs/sections.toml with every pattern list compiled into one regex."""
    def comp(value):
        if isinstance(value, list) and value and all(isinstance(v, str) for v in value):
            return regex.compile("|".join(f"(?:{v})" for v in value))
        if isinstance(value, dict):
            return {k: comp(v) if k not in ("bullets", "header_words", "header_suffixes") else v
                    for k, v in value.items()}
        if isinstance(value, str) and value.startswith("(?"):
            return regex.compile(value)
        return value
    return {k: comp(v) for k, v in config.load("sections").items()}


@functools.lru_cache(maxsize=1)
def topic_terms() -> tuple[dict, float, float]:
    t = config.load("topics")
    return t["terms"], float(t["threshold"]), float(t["min_total"])


@functools.lru_cache(maxsize=1)
def org_ending():
    return regex.compile("(" + "|".join(config.load("sections")["wrap"]["name_endings"]) + r")([(（].{1,20}[)）])?$")


@dataclass
class Unit:
    start: int          # raw offset of the first character that belongs to the unit
    end: int            # raw offset after its last non-blank character
    flat: str           # folded text, lines joined, runs of spaces folded to one
    text: str           # folded text with all whitespace removed
    first_line: str     # folded first line (indentation kept)
    n_lines: int
    label: str | None = None
    new: bool = False   # starts a new section even after a unit of the same label
    speaker: str | None = None
    heading: str | None = None
    article: int | None = None
    props: set = field(default_factory=set)


# ---------------------------------------------------------------- units

def make_units(doc: Document) -> list[Unit]:
    view, raw = doc.work["view"], doc.raw
    c = cues()
    bullets = tuple(c["furniture"]["bullets"])
    units: list[Unit] = []
    for p in doc.work["paragraphs"]:
        start = p.start
        debris = c["furniture"]["debris_pipe"].match(view[p.start:p.end])
        if debris and p.end - p.start > 1 and p.start + debris.end() < p.end:
            doc.flag("ocr_noise", "scan debris at the start of a line", p.start, p.start + debris.end())
            start = p.start + debris.end()
        while start < p.end and (view[start].isspace() or view[start] in bullets):
            start += 1
        if start >= p.end:
            continue
        pieces = [(start, p.end)]
        m = c["furniture"]["split_after"].search(view, start, p.end)
        if m and m.end() < p.end and view[m.end():p.end].strip():
            nxt = m.end()
            while view[nxt].isspace():
                nxt += 1
            pieces = [(start, m.end()), (nxt, p.end)]
        pieces = [q for a, b in pieces for q in _split_inline_headings(view, a, b)]
        for k, (a, b) in enumerate(pieces):
            u = _unit(raw, view, a, b)
            if k == 0 and a != p.start and c["furniture"]["other"].search(u.flat):
                # furniture keeps its bullet
                u.start = next(i for i in range(p.start, b) if not view[i].isspace())
            units.append(u)
    return units


def _split_inline_headings(view: str, a: int, b: int) -> list[tuple[int, int]]:
    """Pieces of a collapsed paragraph, cut before headings such as 二、 or (三)."""
    f = cues()["furniture"]
    if b - a < f["inline_min_len"]:
        return [(a, b)]
    cuts = [m.end() for m in f["inline_heading"].finditer(view, a + 1, b) if m.end() > a + 1]
    bounds = [a] + cuts + [b]
    return [(x, y) for x, y in zip(bounds, bounds[1:]) if view[x:y].strip()]


def _unit(raw: str, view: str, a: int, b: int) -> Unit:
    while b > a and view[b - 1].isspace():
        b -= 1
    seg = view[a:b]
    flat = _BLANKS.sub(" ", seg.replace("\r", "").replace("\n", "")).strip()
    line_end = raw.find("\n", a, b)
    line_end = b if line_end < 0 else line_end
    line_start = raw.rfind("\n", 0, a) + 1
    # the first line with its indentation, or the unit's own part of a line it shares
    first = view[line_start:line_end] if not view[line_start:a].strip() else view[a:line_end]
    return Unit(a, b, flat, squeeze(seg), first, seg.count("\n") + 1)


# ---------------------------------------------------------------- local features

NUM = regex.compile(r"^[-+]?\d+(\.\d+)?%?$")
SENTENCE = regex.compile(r"[。！？!?；;]")
HAN = regex.compile(r"\p{Han}")
HAN_ONLY = regex.compile(r"^\p{Han}+$")
# a person listed with their unit: 王振华（青石镇人民政府）
PERSON_ENTRY = regex.compile(r"^\p{Han}{2,4}[(（][^()（）]{2,30}[)）]$")
WORDISH = regex.compile(r"[\p{Han}\w]")
BARE_ATTACHMENT = regex.compile(r"^附(件|表)\d*$")
NUMBERED_HEADING = regex.compile(r"^[一二三四五六七八九十]+[、.]")
NUMBERED_ITEM = regex.compile(r"^\**\d+[.、．]")
_BLANKS = regex.compile(r"[ \t\u3000]+")
_GAP = regex.compile(r"\s{2,}")
_GAPPED = regex.compile(r"\S\s{2,}\S")
_ALIGNED = regex.compile(r"\S {2,}\S")
ORG_LIKE = regex.compile(r"^[\p{Han}\w()（）·\-*“”\"]{2,40}$")


def cells_of(u: Unit) -> list[str]:
    line = u.first_line.strip("\r")
    if "\t" in line:
        return [x.strip() for x in line.split("\t")]
    if "|" in line:
        return [x.strip() for x in line.strip().strip("|").split("|")]
    return [x for x in _GAP.split(line.strip()) if x] if _GAPPED.search(line) else line.split()


def is_header_row(cells: list[str]) -> bool:
    words = cues()["table"]["header_words"]
    suffixes = tuple(cues()["table"]["header_suffixes"])
    filled = [squeeze(x) for x in cells if x.strip()]
    if len(filled) < 2 or any(NUM.match(x) or len(x) > 12 or SENTENCE.search(x) for x in filled):
        return False
    hits = sum(any(w in x and len(x) - len(w) <= 4 for w in words) or (len(x) <= 6 and x.endswith(suffixes))
               for x in filled)
    return hits >= max(2, (len(filled) * 3 + 4) // 5)


def table_features(u: Unit) -> None:
    c = cues()["table"]
    line = u.first_line
    if u.n_lines == 1 and "\t" in line and len([x for x in line.split("\t") if x.strip()]) >= 1:
        u.props.add("row")
    elif u.n_lines == 1 and (line.rstrip().endswith("|") or line.count("|") >= 2):
        u.props.add("row")
    elif u.n_lines == 1 and _ALIGNED.search(line.strip()) and len(u.text) <= 60 \
            and not SENTENCE.search(u.text):
        u.props.add("row")
    elif u.n_lines == 1 and not SENTENCE.search(u.text):
        cells = line.split()
        nums = sum(bool(NUM.match(x)) for x in cells)
        if len(cells) >= 3 and nums >= 1 and (NUM.match(cells[0]) or nums >= 2):
            u.props.add("row")
    if c["rank_item"].search(u.flat):
        u.props.add("row")
        u.props.add("rank_item")
    if "row" in u.props or u.n_lines == 1:
        if is_header_row(cells_of(u)):
            u.props.update({"row", "header"})


def local_features(u: Unit) -> None:
    """Cue features of one unit.  Most cues describe short lines (titles, captions,
    furniture), and the others are anchored at the start of a line: long paragraphs
    are only searched at their head, which keeps the stage fast."""
    c = cues()
    n = c["notice"]
    size = len(u.text)
    short = size <= 100
    head = u.flat[:100]
    colon = head.endswith((":", "："))
    if short and c["furniture"]["other"].search(head):
        u.props.add("furniture")
    if size <= 40 and c["furniture"]["masthead"].search(head):
        u.props.add("masthead")
    if ("摄" in head or head.startswith("图")) and size <= 120 and c["caption"]["patterns"].search(u.flat):
        u.props.add("caption")
    if short and c["byline"]["patterns"].search(head):
        u.props.add("byline")
    if size <= 30 and n["date_line"].search(u.text):
        u.props.add("date")
    elif size <= 50 and n["signed_date"].search(u.text):
        u.props.add("date")
    if n["colophon"].search(head):
        u.props.add("colophon")
    if n["attachment"].search(head[:12]):
        u.props.add("attachment")
    if size <= 40 and n["doc_number"].search(u.text):
        u.props.add("doc_number")
    if n["metadata"].search(head[:12]):
        u.props.add("metadata")
    if colon and size <= 120 and n["recipients"].search(u.text) and not u.text.startswith("尊敬"):
        u.props.add("recipients")
    if size <= 80 and not SENTENCE.search(u.text) and n["title"].search(u.text):
        u.props.add("title")
    if size <= 30 and len(u.first_line) - len(u.first_line.lstrip()) >= n["indent_signature"]:
        u.props.add("right_aligned")
    if size <= 60 and c["speech"]["heading"].search(u.text):
        u.props.add("speech_heading")
    if size <= c["name_list"]["max_len"] and ORG_LIKE.match(u.text) and not NUM.match(u.text):
        u.props.add("name")
        if org_ending().search(u.text) or PERSON_ENTRY.match(u.text):
            u.props.add("org")
    if size <= 24 and c["name_list"]["heading"].search(u.text):
        u.props.add("verdict_heading")
    elif size <= 200 and not SENTENCE.search(u.text[:-1]) and c["name_list"]["inline"].search(u.text) \
            and "rank_item" not in u.props:
        u.props.add("inline_list")
    if c["table"]["note"].search(head[:40]):
        u.props.add("note")
    if c["newspaper"]["lead"].search(head[:30]):
        u.props.add("lead")
    if short and not u.props & {"metadata", "colophon", "date"} and _is_debris(u):
        u.props.add("debris")
    table_features(u)


def _is_debris(u: Unit) -> bool:
    tokens = u.flat.split()
    if len(tokens) < cues()["noise"]["debris_min_tokens"] or ":" in u.flat or "|" in u.flat:
        return False
    singles = sum(len(t) == 1 and bool(HAN.match(t)) for t in tokens)
    return singles >= 2 and len(u.text) <= 30 and not SENTENCE.search(u.text)


# ---------------------------------------------------------------- genre

def detect_genre(units: list[Unit]) -> str:
    """notice, newspaper, speech (a standalone speech: genre `other`) or other."""
    g = cues()["genre"]
    top = units[:8]
    notice_top = sum(bool(g["notice"].search(u.text[:100])) or "recipients" in u.props or "metadata" in u.props
                     for u in top)
    edges = units if len(units) <= 80 else units[:40] + units[-40:]
    news = sum(bool(g["newspaper"].search(u.flat[:100])) or "caption" in u.props or "lead" in u.props for u in edges)
    speech = sum(bool(g["speech"].search(u.text[:100])) for u in units[:6])
    if speech and notice_top <= 1 and news <= 1 and not any("doc_number" in u.props for u in top):
        return "speech"
    if notice_top >= 2 or any("doc_number" in u.props or "metadata" in u.props for u in top):
        return "notice"
    if news >= 1:
        return "newspaper"
    if notice_top >= 1 or any("header" in u.props for u in units):
        return "notice"  # a results table on its own is an official document too
    return "other"


# ---------------------------------------------------------------- labelling

def label_tables(units: list[Unit]) -> None:
    """Runs of table rows become `table`; titles above them, notes below them."""
    i, n = 0, len(units)
    while i < n:
        u = units[i]
        if "row" not in u.props or u.label:
            if _flattened_table_at(units, i):
                j = i
                while j < n and _cell_like(units[j]) and not units[j].label:
                    units[j].label = "table"
                    j += 1
                units[i].new = True
                _label_titles(units, i)
                i = j
                continue
            i += 1
            continue
        # a single row-like line is a table only next to another row or under a header
        j = i
        while j < n and ("row" in units[j].props) and not units[j].label:
            j += 1
        if j - i < 2 and "header" not in u.props and "rank_item" not in u.props:
            i += 1
            continue
        first_header = None
        for k in range(i, j):
            units[k].label = "table"
            if "header" in units[k].props and "header" not in units[k - 1].props:
                if first_header is None or units[k].text != first_header:
                    units[k].new = True  # a new header row opens a new table
                if first_header is None:
                    first_header = units[k].text
        units[i].new = True
        # a group label such as 农村组: heads the rows that follow it
        if i > 0 and not units[i - 1].label and (
                ("rank_item" in u.props and cues()["table"]["rank_item"].search(units[i - 1].flat))
                or ("header" in u.props and cues()["table"]["group_label"].search(units[i - 1].text))):
            units[i - 1].label = "table"
            units[i].new = False
            i -= 1
        _label_titles(units, i)
        # notes right under the table
        k = j
        while k < n and not units[k].label and ("note" in units[k].props):
            units[k].label = "table_note"
            k += 1
        i = j


def _cell_like(u: Unit) -> bool:
    return u.n_lines == 1 and len(u.text) <= 12 and not SENTENCE.search(u.text) and "attachment" not in u.props \
        and ("furniture" not in u.props or NUM.match(u.text))


def _flattened_table_at(units: list[Unit], i: int) -> bool:
    """A table printed one cell per line: a header cell then a run of short cells, many numeric."""
    words = cues()["table"]["header_words"]
    if not any(units[i].text == w for w in words):
        return False
    run = []
    for u in units[i:i + 40]:
        if not _cell_like(u) or u.label:
            break
        run.append(u)
    nums = sum(bool(NUM.match(u.text)) for u in run)
    return len(run) >= 8 and nums >= len(run) * 0.3


def _label_titles(units: list[Unit], i: int) -> None:
    max_len = cues()["table"]["max_title_len"]
    k = i - 1
    taken = 0
    while k >= 0 and taken < 4:
        t = units[k]
        if t.label and t.label != "table_title":
            break
        if t.label == "table_title":
            k -= 1
            continue
        bare_attachment = BARE_ATTACHMENT.match(t.text)
        if "org" in t.props and not NUMBERED_HEADING.match(t.text):
            break  # a unit's name, not a caption
        if len(t.text) > max_len or SENTENCE.search(t.text) or (t.props & {"date", "recipients", "furniture",
                                                                            "caption", "attachment", "colophon"}
                                                                 and not bare_attachment):
            break
        if t.text.endswith(("：", ":")) and "verdict_heading" not in t.props and not NUMBERED_HEADING.match(t.text):
            break
        t.label = "table_title"
        t.new = True
        taken += 1
        k -= 1


def label_signature(units: list[Unit]) -> None:
    for i, u in enumerate(units):
        if u.label:
            continue
        if "date" in u.props or "colophon" in u.props or "right_aligned" in u.props:
            u.label = "signature"
            k = i - 1
            while k >= 0 and not units[k].label and "name" in units[k].props and k >= i - 3 \
                    and "title" not in units[k].props:
                units[k].label = "signature"
                k -= 1
            if k == i - 1 and "date" in u.props:  # 成文日期 printed before the issuing bodies
                k = i + 1
                while k < len(units) and k <= i + 2 and not units[k].label and _issuer_like(units[k]):
                    units[k].label = "signature"
                    k += 1
    # consecutive signature units form one section; mark the first
    for i, u in enumerate(units):
        if u.label == "signature" and (i == 0 or units[i - 1].label != "signature"):
            u.new = True


def _issuer_like(u: Unit) -> bool:
    """One or several issuing bodies on a line (joint documents separate them with spaces)."""
    names = u.flat.split()
    return len(u.text) <= 80 and not SENTENCE.search(u.text) and bool(names) and all(
        ORG_LIKE.match(x) and org_ending().search(x) for x in names)


def label_name_lists(units: list[Unit]) -> None:
    """Runs of unit names (or a verdict heading and the names under it); a short
    heading just above them is their title."""
    min_lines = cues()["name_list"]["min_lines"]
    i, n = 0, len(units)
    while i < n:
        if "inline_list" in units[i].props and not units[i].label:
            units[i].label, units[i].new = "name_list", True
            i += 1
            continue
        heading = "verdict_heading" in units[i].props and not units[i].label
        j = i + 1 if heading else i
        k = j
        while k < n and not units[k].label and "org" in units[k].props and "title" not in units[k].props \
                and "speech_heading" not in units[k].props:
            k += 1
        if (heading and k > j) or k - j >= min_lines:
            for u in units[i:k]:
                u.label = "name_list"
            units[i].new = True
            _label_titles(units, i)
            i = k
        else:
            i += 1


def label_furniture(units: list[Unit], doc: Document) -> None:
    for u in units:
        if u.label:
            continue
        if "furniture" in u.props or "debris" in u.props:
            u.label = "other"
            u.new = True
            if "debris" in u.props:
                doc.flag("ocr_noise", f"OCR debris: {u.flat[:30]}", u.start, u.end)
        elif "masthead" in u.props:
            u.label = "masthead"
        elif "caption" in u.props:
            u.label, u.new = "caption", True
        elif "byline" in u.props:
            u.label, u.new = "byline", True


def label_notice(units: list[Unit]) -> None:
    # the head: everything before the first paragraph of running text
    for u in units:
        if u.label in ("other", "masthead"):
            continue
        if u.label:
            break
        head_like = u.props & {"title", "doc_number", "recipients", "metadata"} or \
            (len(u.text) <= 60 and not SENTENCE.search(u.text) and "date" not in u.props)
        if not head_like:
            break
        u.label = "notice_header"
        if "recipients" in u.props:
            break
    label_attachments(units)
    label_pledges(units)
    for u in units:
        if not u.label:
            u.label = "notice_body"


def label_attachments(units: list[Unit]) -> None:
    i, n = 0, len(units)
    while i < n:
        u = units[i]
        if u.label or "attachment" not in u.props:
            i += 1
            continue
        u.label, u.new = "attachment_list", True
        k = i + 1
        while k < n and not units[k].label and NUMBERED_ITEM.match(units[k].text) and len(units[k].text) <= 80:
            units[k].label = "attachment_list"
            k += 1
        i = k


def label_pledges(units: list[Unit]) -> None:
    """After a heading such as `…推进会上的表态发言(摘要)`, speakers on lines of their own."""
    c = cues()["speech"]
    active = False
    speaker = None
    for u in units:
        if u.label and u.label not in ("notice_body",):
            if active and u.label in ("table", "table_title", "signature"):
                active = False
            continue
        if "speech_heading" in u.props and not SENTENCE.search(u.text):
            active, speaker = True, None
            u.label, u.new = "pledge_speech", True
            continue
        if not active:
            continue
        m = c["lead"].search(u.text)
        if "org" in u.props and len(u.text) <= 20 or m:
            speaker = m.group("speaker") if m else u.text
            u.new = True
        u.label, u.speaker = "pledge_speech", speaker


def label_speech(units: list[Unit], doc: Document) -> None:
    directive = cues()["speech"]["directive_title"]
    title = next((u for u in units if not u.label), None)
    if title is not None and directive.search(title.text) and not cues()["speech"]["heading"].search(
            title.text.replace("讲话", "")):
        for u in units:  # a leader's speech: directives to others, no pledge speech
            if not u.label:
                u.label = "other"
        return
    speaker = speech_speaker(doc, units)
    first = True
    for u in units:
        if u.label:
            first = True
            continue
        u.label, u.speaker, u.new = "pledge_speech", speaker, first
        first = False


def speech_speaker(doc: Document, units: list[Unit]) -> str | None:
    """The unit a standalone speech speaks for: named in its title when the title
    names a unit (`和平镇在…会议上的表态发言`), else the unit it calls 我们."""
    c = cues()["speech"]
    for u in units[:5]:
        if u.label:
            continue
        m = c["title_speaker"].search(u.text) or c["speaker_line"].search(u.text)
        if m and org_ending().search(m.group("speaker")):
            return m.group("speaker")
    named = collections.Counter(m.group("speaker") for m in c["self_reference"].finditer(doc.work["view"]))
    return named.most_common(1)[0][0] if named else None


def mark_teasers(units: list[Unit]) -> None:
    """Lines under a 相关阅读 label are teasers for other articles."""
    labels = cues()["newspaper"]["teaser_labels"]
    active = False
    for u in units:
        if labels.search(u.text):
            active = True
        elif active and not u.label and len(u.text) <= 60 and u.n_lines == 1:
            u.props.add("teaser")
        elif active and u.label not in ("other",):
            active = False


def label_newspaper(units: list[Unit]) -> None:
    label_attachments(units)
    mark_teasers(units)
    credits = cues()["byline"]["patterns"]
    seen_text = False
    for u in units:
        if u.label == "masthead" and seen_text and credits.search(u.flat):
            u.label, u.new = "byline", True  # an editor credited under an article
        seen_text = seen_text or (u.label is None and len(u.text) > 60)
    max_len = cues()["newspaper"]["max_headline_len"]
    article, heading = 0, None
    n = len(units)
    i = 0
    while i < n:
        u = units[i]
        if u.label:
            u.article = article if u.label in ("table", "table_title", "table_note", "attachment_list") else u.article
            i += 1
            continue
        if u.label is None and "teaser" in u.props:
            article += 1
            u.label, u.article, u.heading, u.new = "unrelated_news", article, u.flat, True
            i += 1
            continue
        nxt = next((v for v in units[i + 1:] if v.label not in ("other", "masthead", "caption")), None)
        if _headline(u, max_len) and nxt is not None and not nxt.label:
            block = [u]
            column = bool(cues()["newspaper"]["column_labels"].search(u.text))
            if column or _headline(nxt, max_len) and units.index(nxt) + 1 < n and u.text.count("、") <= 1:
                after = next((v for v in units[units.index(nxt) + 1:]
                              if v.label not in ("other", "caption", "byline")), None)
                if column or after is not None and (not _headline(after, max_len) or "lead" in after.props
                                                    or _author_line(after)):
                    block.append(nxt)
                elif after is not None and _headline(after, max_len) and not after.label:
                    # kicker, main title and subtitle
                    rest = next((v for v in units[units.index(after) + 1:]
                                 if v.label not in ("other", "caption", "byline")), None)
                    if rest is not None and (not _headline(rest, max_len) or "lead" in rest.props):
                        block += [nxt, after]
            article += 1
            heading = max(block, key=lambda b: len(b.text)).flat  # the main title is the longest line
            for b in block:
                b.label, b.article, b.heading = "news", article, heading
            u.new = True
            i = units.index(block[-1]) + 1
            if i < n and not units[i].label and _author_line(units[i]):
                units[i].label, units[i].new = "byline", True  # the author's name under a headline
                i += 1
            continue
        u.label, u.article, u.heading, u.new = "news", article, heading, True
        i += 1


def _author_line(u: Unit) -> bool:
    """A bare personal name printed under a headline (a column's author)."""
    return u.n_lines == 1 and 2 <= len(u.text) <= 4 and bool(HAN_ONLY.match(u.text)) and not u.props & {"org", "title"}


def _headline(u: Unit, max_len: int) -> bool:
    return (len(u.text) <= max_len and not u.text.endswith(("。", "，", ",", "；", "：", ":"))
            and "。" not in u.text[:-1] and not u.props & {"caption", "date", "lead", "row", "attachment"}
            and u.n_lines <= 2)


def assign_relatedness(units: list[Unit]) -> None:
    terms, threshold, min_total = topic_terms()
    texts = collections.defaultdict(str)
    for u in units:
        if u.label == "news" or u.article is not None:
            texts[u.article] += u.text
    related = {}
    for art, text in texts.items():
        score = sum(w * text.count(t) for t, w in terms.items())
        related[art] = score >= min_total or (text and score * 100 / len(text) >= threshold)
    # a headline printed with no body before the next headline reads with the article after it
    bodies = collections.Counter(u.article for u in units if u.label == "news" and u.heading and u.flat != u.heading)
    for art in sorted(related):
        if art and not bodies[art] and art + 1 in related:
            related[art] = related[art] or related[art + 1]
    for u in units:
        if u.label == "news":
            u.label = "news" if related.get(u.article, True) else "unrelated_news"


# ---------------------------------------------------------------- flags

def flag_duplicates(units: list[Unit], doc: Document) -> None:
    min_chars = cues()["duplicates"]["min_chars"]
    seen: dict[str, Unit] = {}
    for u in units:
        if len(u.text) < min_chars:
            continue
        if u.text in seen:
            doc.flag("duplicate_paragraph", f"paragraph printed twice (first at {seen[u.text].start})", u.start, u.end)
        else:
            seen[u.text] = u


def flag_noise(units: list[Unit], doc: Document) -> None:
    spam = cues()["noise"]["spam"]
    view = doc.work["view"]
    for u in units:
        for m in spam.finditer(view, u.start, u.end):
            doc.flag("ocr_noise", f"spam spliced into the text: {m.group()}", m.start(), m.end())
        if u.label == "table" and u.n_lines == 1 and u.text and not WORDISH.search(u.text) \
                and u.text.strip("|｜") != "":
            doc.flag("ocr_noise", f"damaged table cell: {u.flat}", u.start, u.end)


# ---------------------------------------------------------------- sections

def build_sections(doc: Document, units: list[Unit]) -> list[Section]:
    sections: list[Section] = []
    groups: list[list[Unit]] = []
    for u in units:
        prev = groups[-1][-1] if groups else None
        if prev is None or u.new or u.label != prev.label or u.speaker != prev.speaker:
            groups.append([u])
        else:
            groups[-1].append(u)
    raw = doc.raw
    for n, g in enumerate(groups):
        start = 0 if n == 0 else g[0].start
        end = groups[n + 1][0].start if n + 1 < len(groups) else len(raw)
        sections.append(Section(
            id=f"s{n + 1}", type=g[0].label, start=start, end=end,
            heading=g[0].heading, speaker=g[0].speaker,
            related=(True if g[0].label == "news" else False if g[0].label == "unrelated_news" else None),
            text=clean(raw[g[0].start:g[-1].end])))
    if not sections and raw:
        sections.append(Section("s1", "other", 0, len(raw), text=clean(raw)))
    return sections


@register("segment")
def make_segment():
    def segment(doc: Document) -> Document:
        units = make_units(doc)
        for u in units:
            local_features(u)
        kind = detect_genre(units)
        doc.genre = "other" if kind == "speech" else kind
        if kind != "speech":
            label_tables(units)
        label_furniture(units, doc)
        if kind == "speech":
            label_speech(units, doc)
        else:  # texts of no known kind are read like news: articles related to the topic or not
            label_signature(units)
            label_name_lists(units)
            if doc.genre == "notice":
                label_notice(units)
            else:
                label_newspaper(units)
                assign_relatedness(units)
        flag_duplicates(units, doc)
        flag_noise(units, doc)
        doc.work["units"] = units
        doc.sections = build_sections(doc, units)
        return doc
    return segment
