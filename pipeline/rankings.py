"""Stage 'rankings': units given a rank, score or verdict outside a table.

Reads name lists, notice bodies, news articles and table sections that held no grid:
verdict headings followed by units (`一等奖:` one per line, `末位村:A、B、C`), places
(`第一名:X 第二名:Y`), inline scores (`A88.31分、B88.01分`), verdicts stated in prose
(`A、B…排名后两位，被通报约谈`, `A、B、C位列前三名`) and bulleted items under a verdict
heading.  A position is a rank only where the text introduces the list as a ranking.
A unit already ranked stays one record; a unit that a table already gives adds a record
only when the text gives it a score or rank the table does not.
"""
from __future__ import annotations

from dataclasses import dataclass

import cn2an
import regex

from . import config
from .model import Document, Record
from .normalise import Line, clean
from .registry import register
from .tables import is_subheading, section_lines

PLACE = regex.compile(r"第([一二三四五六七八九十百两\d]+)名\s*[:：]\s*")
HEADING = regex.compile(r"^(?P<label>[^:：，,。；;]{1,40})[:：]\s*(?P<rest>.*)$")
BULLET = regex.compile(r"^(?:[-•·●○■◆▪*]|\d{1,3}[.、．]|[(（]\d{1,3}[)）])\s*")
ITEM_SPLIT = regex.compile(r"[、，,；;]|(?<=[^、，,；;\s]{2})(?:和|及|与)(?=[^、，,；;\s]{2})")
SCORED = regex.compile(r"(?P<unit>[^、，,。:：;；\s]{2,40}?)(?P<score>\d+(?:\.\d+)?)分")
CLAUSE = regex.compile(r"[^，,。；;！!？?]+")
NOT_A_UNIT = regex.compile(r"^(?:对|由|将|把|在|从|按|经|被|其|该|各|这|那|我|本|如|因|由于|通过|根据)|[的了是将要]|\d{3,}")


def cfg() -> dict:
    return config.load("tables")["rankings"]


def grades() -> list[str]:
    return config.load("tables")["grades"]["words"]


@dataclass
class Span:
    text: str   # raw text, cleaned
    start: int
    end: int


def span(raw: str, a: int, b: int) -> Span:
    while a < b and raw[a].isspace():
        a += 1
    while b > a and raw[b - 1].isspace():
        b -= 1
    return Span(clean(raw[a:b]), a, b)


def to_int(numeral: str) -> int | None:
    try:
        return int(cn2an.cn2an(numeral, "smart"))
    except ValueError:
        return None


def verdict_of(label: str) -> str | None:
    """The verdict a heading states: a grade word in it, else the label without its unit noun."""
    if label in grades():
        return label
    if not any(cue in label for cue in cfg()["verdict_cues"]) and not any(g in label for g in grades()):
        return None
    for g in sorted(grades(), key=len, reverse=True):
        if g in label and len(label) > len(g) + 4:
            return g
    out = label
    for noun in cfg()["label_nouns"]:
        if out.endswith(noun) and len(out) > len(noun):
            return out[: -len(noun)]
    return out


def is_ranking_intro(text: str) -> bool:
    return any(c in text for c in cfg()["ranking_intro"]) and not any(c in text for c in cfg()["unordered"])


def unit_like(text: str) -> bool:
    return 2 <= len(text) <= 40 and not regex.search(r"[，,。；;:：!?！？]", text) and not NOT_A_UNIT.search(text)


def split_items(raw: str, view: str, a: int, b: int) -> list[Span]:
    out, pos = [], a
    for m in ITEM_SPLIT.finditer(view, a, b):
        out.append(span(raw, pos, m.start()))
        pos = m.end()
    out.append(span(raw, pos, b))
    return [s for s in out if s.text]


def shared_prefix(first: str, later: str) -> str | None:
    """`桃城区杨树社区、金光社区`: the region prefix a later unit of the same kind (same
    closing noun) shares with the first, when it names no region of its own."""
    m = regex.match(r"^(.{2,12}?(?:省|市|县|区|旗|镇|乡|街道))(.{2,})$", first)
    if not m or len(later) >= len(first) or later[-2:] != first[-2:]:
        return None
    if regex.search(r"(?:省|市|县|区|旗|镇|乡|街道)", later[:-2]) or later[0] in "省市县区镇乡":
        return None
    return m.group(1)


def strip_spliced(text: str, title: str | None) -> str:
    """Drop a fragment of the headline spliced before a name by anti-scraping tools
    (`后单市文联` under `…排名靠后单位…`): a prefix found in the title whose next
    character would not continue it there."""
    if not title:
        return text
    for n in (4, 3, 2):
        head = text[:n]
        if len(text) - n >= 2 and head in title and text[:n + 1] not in title \
                and not regex.search(r"[省市县区镇乡]", head):
            return text[n:]
    return text


class Collector:
    def __init__(self, doc: Document, section_id: str, title: str | None):
        self.doc, self.sid, self.title = doc, section_id, title
        self.records: list[Record] = []

    def cut_at(self, end: int) -> bool:
        """Does the text break off right here (no line break or full stop after it)?"""
        return not self.doc.raw[end:].strip()

    def add(self, s: Span, group, rank=None, score=None, grade=None, prefix_of: str | None = None,
            spliced=False) -> None:
        unit = strip_spliced(s.text, self.title) if spliced else s.text
        start = s.start + (len(s.text) - len(unit)) if spliced else s.start
        if not unit_like(unit) and not (rank is not None or score is not None):
            return
        if self.cut_at(s.end) and not unit.endswith(tuple(cfg()["unit_suffixes"])):
            return  # the text breaks off inside this name: no half record
        full = unit
        if prefix_of:
            prefix = shared_prefix(prefix_of, unit)
            if prefix:
                full = prefix + unit
        self.records.append(Record(table=self.sid, group=group, seq=None, unit=unit, unit_full=full, score=score,
                                   scores={"分数": score} if score is not None else {}, rank=rank, grade=grade,
                                   marks=[], notes=[], start=start, end=s.end))

    def items(self, items: list[Span], group, grade=None, spliced=False) -> None:
        first = strip_spliced(items[0].text, self.title) if spliced else items[0].text
        for i, it in enumerate(items):
            self.add(it, group, grade=grade, prefix_of=first if i else None, spliced=spliced)


def scan_lines(doc: Document, lines: list[Line], col: Collector, base_group: str | None) -> None:
    raw, view = doc.raw, doc.work["view"]
    group_label = None
    verdict = None      # the verdict of the heading whose list is running
    listing = False     # a list of units is running under a heading
    ranked = False
    position = 0

    def group():
        parts = [p for p in (base_group, group_label) if p]
        return " ".join(parts) if parts else (verdict or None)

    for ln in lines:
        text = view[ln.start:ln.end].strip()
        if not text:
            continue
        lead = ln.start + (len(view[ln.start:ln.end]) - len(view[ln.start:ln.end].lstrip()))
        places = list(PLACE.finditer(view, ln.start, ln.end))
        if places:
            for i, m in enumerate(places):
                stop = places[i + 1].start() if i + 1 < len(places) else ln.end
                rank = to_int(m.group(1))
                col.add(span(raw, m.end(), stop), group(), rank=rank)
            verdict, listing = None, False
            continue
        h = HEADING.match(text)
        if h and not SCORED.search(text):
            label = h.group("label").strip()
            v = verdict_of(label)
            rest_at = lead + h.start("rest")
            if v is not None or is_ranking_intro(label):
                if h.group("rest"):
                    col.items(split_items(raw, view, rest_at, ln.end), group(), grade=v)
                    verdict, listing = None, False
                else:
                    verdict, listing, ranked, position = v, True, is_ranking_intro(label), 0
                continue
            if not h.group("rest") and len(label) <= 12:
                group_label, verdict, listing = label, None, False
                continue
        if is_subheading(text) and len(text) <= 30:
            base_group, group_label, verdict, listing = text, None, None, False
            continue
        if listing:
            body = BULLET.sub("", text)
            if body != text:  # a bulleted item opens with the unit
                name = regex.match(r"[^，,。:：;；\s]+", body)
                if name:
                    a = view.index(name.group(0), lead)
                    position += 1
                    col.add(span(raw, a, a + len(name.group(0))), group(), grade=verdict,
                            rank=position if ranked else None)
                continue
            if unit_like(clean(raw[ln.start:ln.end])):
                position += 1
                col.add(span(raw, ln.start, ln.end), group(), grade=verdict, rank=position if ranked else None)
                continue
            verdict, listing = None, False
        prose(doc, ln.start, ln.end, col, group())


def prose(doc: Document, a: int, b: int, col: Collector, group: str | None) -> None:
    raw, view = doc.raw, doc.work["view"]
    # inline scores: A88.31分、B88.01分…
    scored = list(SCORED.finditer(view, a, b))
    runs, run = [], []
    for m in scored:
        if run and view[run[-1].end():m.start()].strip() not in ("、", ",", "，"):
            runs.append(run)
            run = []
        run.append(m)
    if run:
        runs.append(run)
    for run in runs:
        if len(run) < 2:
            continue
        before = view[max(a, run[0].start() - 60):run[0].start()]
        ranked = is_ranking_intro(before)
        for i, m in enumerate(run):
            u0 = m.start("unit")
            colon = max(view.rfind(":", u0, m.end("unit")), view.rfind("：", u0, m.end("unit")))
            if colon >= 0:
                u0 = colon + 1
            col.add(span(raw, u0, m.end("unit")), group, rank=i + 1 if ranked else None,
                    score=float(m.group("score")))
    # verdicts stated after a list of units
    verdict_re = regex.compile(cfg()["prose_verdict"])
    clauses = list(CLAUSE.finditer(view, a, b))
    for ci, c in enumerate(clauses):
        m = verdict_re.search(view, c.start(), c.end())
        if not m or view[m.end():m.end() + 1] == "的":
            continue
        pre_end = m.start()
        pre = view[c.start():pre_end]
        at = pre.find("在")
        if at > 0 and pre.rstrip().endswith("中"):
            pre_end = c.start() + at
        tail = regex.search(r"\d+家(?:单位)?$|等$", view[c.start():pre_end])
        if tail:
            pre_end = c.start() + tail.start()
        items = split_items(raw, view, c.start(), pre_end)
        if not items or not all(unit_like(strip_spliced(i.text, col.title)) and len(i.text) <= cfg()["max_unit"]
                                for i in items):
            continue
        grade = None
        if ci + 1 < len(clauses):
            g = regex.match(cfg()["consequence"], view[clauses[ci + 1].start():clauses[ci + 1].end()].strip())
            if g:
                grade = g.group(1)
        col.items(items, clean(raw[m.start():m.end()]), grade=grade, spliced=True)


def title_of(doc: Document, sec) -> str | None:
    return sec.heading or doc.title or next((clean(doc.raw[s.start:s.end]) for s in doc.sections
                                             if s.type == "notice_header"), None)


@register("rankings")
def make_rankings():
    def rankings(doc: Document) -> Document:
        kinds = set(cfg()["sections"])
        with_rows = {r.table for r in doc.records}
        table_units = {r.unit for r in doc.records}
        seen: set[str] = set()
        base_group = None
        for sec in doc.sections:
            if sec.type == "table_title":
                base_group = clean(doc.raw[sec.start:sec.end])
                continue
            if sec.type not in kinds or sec.id in with_rows:
                continue
            col = Collector(doc, sec.id, title_of(doc, sec))
            scan_lines(doc, section_lines(doc, sec.start, sec.end), col, base_group if sec.type == "table" else None)
            for rec in col.records:
                if rec.unit in seen:
                    continue  # named again later: still one record
                if rec.unit in table_units and rec.score is None and rec.rank is None:
                    continue  # the table already gives this unit
                seen.add(rec.unit)
                doc.records.append(rec)
        # records in reading order of their sections (a table's own row order kept)
        order = {s.id: i for i, s in enumerate(doc.sections)}
        doc.records.sort(key=lambda r: order.get(r.table, 0))
        return doc
    return rankings
