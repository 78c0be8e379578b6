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

import bisect
import functools
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from itertools import pairwise

import cn2an
import regex

from . import config, rx
from .model import Document, Record
from .normalise import (
    SENTENCE_END,
    Compact,
    Line,
    clean,
    clean_cached,
    compact,
    squeezer,
)
from .pattern_words import required_factors
from .registry import register
from .tables import is_subheading, line_bounds, section_lines

PLACE = regex.compile(r"(?:倒数第(?P<last>[一二三四五六七八九十百两\d]+)名?|第(?P<n>[一二三四五六七八九十百两\d]+)名)\s*[:：]\s*")
HEADING = regex.compile(r"^(?P<label>[^:：，,。；;]{1,40})[:：]\s*(?P<rest>.*)$")
BULLET = regex.compile(r"^(?:[-•·●○■◆▪*]|\d{1,3}[.、．]|[(（]\d{1,3}[)）])\s*")
ITEM_SPLIT = regex.compile(r"[、，,；;]|(?<=[^、，,；;\s]{2})(?:和|及|与)(?=[^、，,；;\s]{2})")


def splits_at(text: str, m) -> bool:
    """和/及/与 joins two units only after a complete unit name (`梅州海事局和市侨联`,
    not `区住房和城乡建设局`)."""
    return m.group() not in ("和", "及", "与") or text.endswith(unit_suffixes(), 0, m.start())
SCORE_STOPS = "、，,。:：;；"  # a unit before its score holds none of these, nor white space
SCORED = regex.compile(rf"(?P<unit>[^{SCORE_STOPS}\s]{{2,40}}?)(?P<score>\d+(?:\.\d+)?)分")
# patterns of plain characters (no \d, \s, \p, whose sets differ between the two) run over whole
# texts are the stdlib's: a call costs less (regex lets go of the GIL and takes it back each time)
CLAUSE = re.compile(r"[^，,。；;！!？?]+")


DIGIT_FEN = regex.compile(r"\d分")
CLAUSE_MARK = re.compile(r"[，,。；;:：!?！？]")
LEADING_SYMBOLS = regex.compile(r"^[^\p{Han}A-Za-z0-9(（]+")
LEADING_NUMBER = regex.compile(r"^\s*(?:[一二三四五六七八九十]+[、.．]|[(（][一二三四五六七八九十]+[)）])\s*")
BRACKETED = re.compile(r"[(（][^)）]*[)）]")
SENTENCE = re.compile(r"[^。！？!?]+")
LIST_STOP = regex.compile(r"[。；;]|$")
REGION_PREFIX = re.compile(r"^(.{2,12}?(?:省|市|县|区|旗|镇|乡|街道))(.{2,})$")
REGION = re.compile(r"(?:省|市|县|区|旗|镇|乡|街道)")
REGION_CHAR = re.compile(r"[省市县区镇乡]")
ITEM_NAME = regex.compile(r"[^，,。:：;；\s]+")  # the name a bulleted item opens with


def cfg() -> dict:
    return config.load("tables")["rankings"]


@functools.cache
def unit_suffixes() -> tuple[str, ...]:
    return tuple(cfg()["unit_suffixes"])


@functools.cache
def patterns() -> dict:
    """The patterns of configs/tables.toml [rankings], compiled once (configs load once per process)."""
    c = cfg()
    actions = "|".join(map(regex.escape, c["actions"]))
    out = {key: regex.compile(c[key]) for key in ("graded_list", "placed_list", "prose_verdict", "own_rank",
                                                  "sentence_verdict", "predicate", "not_unit", "verdict_lead",
                                                  "consequence")}
    out["action"] = regex.compile(rf"被(?:[^，,。；;]{{0,6}}?(?:亮出|给予|予以|亮|挂))?[“\"]?({actions})[”\"]?$")
    out["words"] = {key: required_factors(c[key]) for key in ("graded_list", "placed_list", "prose_verdict",
                                                             "sentence_verdict", "own_rank")}
    out["words"]["action"] = required_factors(out["action"].pattern)
    out["cores"] = {key: core_of(c[key]) for key in ("graded_list", "placed_list")}
    words = sorted(set(grades()) | set(c["verdict_cues"]), key=len, reverse=True)
    out["verdict_word"] = regex.compile("|".join(map(regex.escape, words)))  # what verdict_of needs
    out["label_prefixes"] = regex.compile("^(?:" + "|".join(map(regex.escape, c["label_prefixes"])) + ")+")
    return out


LAZY_LEAD = regex.compile(r"^\(\?P<(\w+)>(?:\(\?:\(\?:[^()\\]*\)[^()\\]*\)\?)?\[[^\]\\]*\]\{0,\d+\}\?(?![?+*{])")


def core_of(pattern: str) -> regex.Pattern | None:
    """`pattern` without the optional lead of its first group (`(?P<label>(?:评定为)?[^，,]{0,6}?…`):
    every match of `pattern` holds a match of it, found without trying the lazy lead at every
    position of the text.  None for a pattern that does not open so."""
    m = LAZY_LEAD.match(pattern)
    return regex.compile(f"(?P<{m.group(1)}>" + pattern[m.end():]) if m else None


def may_match(key: str, text: str) -> bool:
    """Does `text` hold a word of every factor that patterns()[key] requires?"""
    words = patterns()["words"][key]
    if words is None:
        return True
    for factor in words:
        for word in factor:
            if word in text:
                break
        else:
            return False
    return True


class UnitNames:
    """Names kept, and whether a name is one of them (one unit named twice, once with its region:
    `大祥区罗市镇` / `罗市镇`), by look-ups instead of a scan: equal names, or one ending the
    other when both have three characters or more."""

    def __init__(self, names: Iterable[str] = ()) -> None:
        self.names: set[str] = set(names)
        self.long = {n for n in self.names if len(n) >= 3}  # names of three characters or more
        self.backwards = sorted(n[::-1] for n in self.long)  # those spelt backwards: endings become prefixes

    def add(self, name: str) -> None:
        if name not in self.names:
            self.names.add(name)
            if len(name) >= 3:
                self.long.add(name)
                bisect.insort(self.backwards, name[::-1])

    def __contains__(self, name: str) -> bool:
        if name in self.names:
            return True
        if len(name) < 3:
            return False
        if any(name[i:] in self.long for i in range(1, len(name) - 2)):
            return True  # it ends with a name kept
        backwards = name[::-1]
        at = bisect.bisect_left(self.backwards, backwards)
        return at < len(self.backwards) and self.backwards[at].startswith(backwards)  # a name kept ends with it


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
    return Span(clean_cached(raw[a:b]), a, b)


@functools.lru_cache(maxsize=4096)
def to_int(numeral: str) -> int | None:
    try:
        return int(cn2an.cn2an(numeral, "smart"))
    except ValueError:
        return None


def verdict_of(label: str) -> str | None:
    """The verdict a heading states: a grade word in it, else the label without its unit noun."""
    if label in grades():
        return label
    if not patterns()["verdict_word"].search(label):  # no verdict cue, no grade word
        return None
    stripped = patterns()["label_prefixes"].sub("", label)
    for noun in cfg()["label_nouns"]:
        if stripped.endswith(noun) and len(stripped) > len(noun):
            stripped = stripped[: -len(noun)]
            break
    if stripped in grades():  # 末位社区 -> 末位, 考核优秀单位 -> 优秀
        return stripped
    contained = [g for g in grades() if g in label]
    if contained and len(label) > 8:  # an intro sentence: 现对评定为优秀的单位予以表彰 -> 优秀
        return max(contained, key=len)
    return stripped  # 先进集体, 优秀奖


def is_ranking_intro(text: str) -> bool:
    return any(c in text for c in cfg()["ranking_intro"]) and not any(c in text for c in cfg()["unordered"])


@functools.lru_cache(maxsize=1 << 14)
def unit_like(text: str) -> bool:
    return 2 <= len(text) <= 40 and not CLAUSE_MARK.search(text) \
        and not patterns()["not_unit"].search(text)


def split_items(raw: str, view: str, a: int, b: int) -> list[Span]:
    while b > a and view[b - 1] in "。；;，,、. \t":
        b -= 1
    out, pos = [], a
    for m in ITEM_SPLIT.finditer(view, a, b):
        if not splits_at(view, m):
            continue
        out.append(span(raw, pos, m.start()))
        pos = m.end()
    out.append(span(raw, pos, b))
    return [s for s in out if s.text]


def shared_prefix(first: str, later: str) -> str | None:
    """`桃城区杨树社区、金光社区`: the region prefix a later unit of the same kind (same
    closing noun) shares with the first, when it names no region of its own."""
    m = REGION_PREFIX.match(first)
    if not m or len(later) >= len(first) or later[-2:] != first[-2:]:
        return None
    if REGION.search(later[:-2]) or later[0] in "省市县区镇乡":
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
                and not REGION_CHAR.search(head):
            return text[n:]
    return text


class Collector:
    def __init__(self, doc: Document, section_id: str, title: str | None):
        self.doc, self.sid, self.title = doc, section_id, title
        self.records: list[Record] = []
        raw, self.text_end = doc.raw, len(doc.raw)  # where the text ends, trailing white space left out
        while self.text_end and raw[self.text_end - 1].isspace():
            self.text_end -= 1

    def cut_at(self, end: int) -> bool:
        """Does the text break off right here (no line break or full stop after it)?"""
        return end >= self.text_end

    def add(self, s: Span, group, rank=None, score=None, grade=None, prefix_of: str | None = None,
            spliced=False, named=True) -> None:
        unit = strip_spliced(s.text, self.title) if spliced else s.text
        start = s.start + (len(s.text) - len(unit)) if spliced else s.start
        if named and not unit_like(unit) and not (rank is not None or score is not None):
            return
        if named and self.cut_at(s.end) and not unit.endswith(unit_suffixes()):
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
        if not items:
            return
        first = strip_spliced(items[0].text, self.title) if spliced else items[0].text
        for i, it in enumerate(items):
            self.add(it, group, grade=grade, prefix_of=first if i else None, spliced=spliced)


@functools.lru_cache(maxsize=1 << 14)
def is_verdict_heading(text: str) -> bool:
    """A line that is a verdict label on its own: `红榜`, `先进单位`, `二、达标单位（5个）`."""
    if "(" not in text and "（" not in text and not patterns()["verdict_word"].search(text):
        return False  # its core (a piece of it when nothing is bracketed) names no grade nor cue
    core = heading_core(text)
    if len(core) > 12:
        return False
    if is_subheading(text):
        return verdict_of(core) is not None
    nouns = tuple(cfg()["label_nouns"])
    return core in grades() or any(core.endswith(n) and core[:-len(n)] in grades() for n in nouns)


def bracketed_score(s: Span) -> tuple[Span, float | None]:
    """`杉木桥村（96.5分）`: the unit and its score."""
    m = rx.fullmatch(r"(.+?)\s*[(（](\d+(?:\.\d+)?)分[)）]", s.text)
    return (head(s, len(m.group(1))), float(m.group(2))) if m else (s, None)


@functools.lru_cache(maxsize=1 << 14)
def heading_core(text: str) -> str:
    """`一、优秀单位(排名不分先后)` -> `优秀单位`; `🏆 红榜（前三名）` -> `红榜`."""
    text = LEADING_SYMBOLS.sub("", text)
    text = LEADING_NUMBER.sub("", text)
    return BRACKETED.sub("", text).strip()


def stated_count(doc: Document, sid: str, group: str | None, heading: str, ln: Line) -> None:
    """A heading's own count (`一、先进单位（4个）`), for the checks stage to compare."""
    stated = rx.search(config.load("tables")["checks"]["heading_count"], heading)
    if stated:
        doc.work.setdefault("stated_counts", []).append((sid, group, int(stated.group(1)), ln.start, ln.end))


def intro_sentence(doc: Document, ln: Line) -> str:
    """The sentence that ends at this line's colon, wraps and blank lines before it joined."""
    view, paras = doc.work["view"], doc.work["paragraphs"]
    i = paragraph_at(doc, ln.start)
    if i is None:
        return compact(view, ln.start, ln.end).text
    start = paras[i].start
    for p in reversed(paras[max(0, i - 3):i]):  # pieces of the sentence split by a blank line
        piece = compact(view, p.lines[-1].start, p.end).text
        if piece[-1:] in SENTENCE_END or len(piece) < 15 or rx.search(r"[:：]", piece):
            break  # a sentence ends there, or a short line or heading of a list
        start = p.start
    return rx.split(r"[。！？!?；;]", compact(view, start, ln.end).text)[-1]


def paragraph_at(doc: Document, at: int) -> int | None:
    """The index of the first paragraph holding offset `at` (ends included), None if none does:
    by bisection when the paragraphs ascend (starts and ends), else by a scan."""
    paras = doc.work["paragraphs"]
    if "rankings:paragraph_ends" not in doc.work:
        ends = [p.end for p in paras]
        ascend = all(a.start <= b.start and a.end <= b.end for a, b in pairwise(paras))
        doc.work["rankings:paragraph_ends"] = ends if ascend else None
    ends = doc.work["rankings:paragraph_ends"]
    if ends is None:
        return next((k for k, p in enumerate(paras) if p.start <= at <= p.end), None)
    k = bisect.bisect_left(ends, at)  # the first ending at or after `at`: the first that may hold it
    return k if k < len(paras) and paras[k].start <= at else None


def scan_lines(doc: Document, lines: list[Line], col: Collector, base_group: str | None,
               carried: dict | None = None) -> tuple[list[tuple], dict | None]:
    """Read list structures line by line. Returns the (line, group) pairs left to running
    text, and the list still open at the end (an intro whose list is the next section)."""
    raw, view = doc.raw, doc.work["view"]
    left = []
    group_label: str | None = None
    verdict = None      # the verdict of the heading whose list is running
    listing = False     # a list of units is running under a heading
    ranked = False
    position = 0
    if carried:
        verdict, listing, ranked = carried["verdict"], True, carried["ranked"]

    def group():
        if base_group and group_label:
            return base_group + " " + group_label
        return base_group or group_label or verdict or None

    for ln in lines:
        line_text = view[ln.start:ln.end]
        text = line_text.strip()
        if not text:
            continue
        places = list(PLACE.finditer(view, ln.start, ln.end)) if "第" in text else None  # every place names 第
        if places:  # 第一名:X 第二名:Y, under a verdict heading they keep its verdict
            for i, m in enumerate(places):
                stop = places[i + 1].start() if i + 1 < len(places) else ln.end
                rank = to_int(m.group("n")) if m.group("n") else None  # 倒数第一 is no rank from the top
                unit, score = bracketed_score(span(raw, m.end(), stop))
                col.add(unit, group(), rank=rank, score=score, grade=verdict if listing else None)
            if not listing:
                verdict = None
            continue
        h = HEADING.match(text) if ":" in text or "：" in text else None  # a heading ends on its colon
        if h and not (DIGIT_FEN.search(text) and SCORED.search(text)):  # (a score ends on \d分)
            label = h.group("label").strip()
            core = heading_core(label)
            v = verdict_of(core if len(core) <= 12 else label)
            rest_at = ln.start + len(line_text) - len(line_text.lstrip()) + h.start("rest")
            if v is not None or is_ranking_intro(label):
                if h.group("rest"):
                    col.items(split_items(raw, view, rest_at, ln.end), group(), grade=v)
                    verdict, listing = None, False
                else:
                    verdict, listing, ranked, position = v, True, is_ranking_intro(label), 0
                stated_count(doc, col.sid, group(), label, ln)
                continue
            sentence = intro_sentence(doc, ln)
            if not h.group("rest") and sentence != rx.sub(r"\s", "", text) and \
                    (verdict_of(sentence[:-1]) is not None or is_ranking_intro(sentence)):
                # an intro wrapped over lines: 现将达标单位名单通报如下(排名不分 / 先后):
                verdict, listing, ranked, position = verdict_of(sentence[:-1]), True, is_ranking_intro(sentence), 0
                continue
            if not h.group("rest") and len(label) <= 12:
                group_label, verdict, listing = label, None, False
                continue
        if (len(text) <= 30 and is_subheading(text)) or is_verdict_heading(text):
            base_group, group_label, verdict, listing = clean_cached(raw[ln.start:ln.end]), None, None, False
            v = verdict_of(heading_core(text)) if is_verdict_heading(text) else None
            if v is not None:  # 一、先进单位（4个） heads a list of units
                verdict, listing, ranked, position = v, True, is_ranking_intro(text), 0
                stated_count(doc, col.sid, group(), text, ln)
            continue
        if listing:
            body = BULLET.sub("", text)
            if body != text:  # a bulleted item opens with the unit
                name = ITEM_NAME.match(body)
                if name:  # `4.柳河镇、槐树镇：…` names one unit or several
                    a = view.index(name.group(0), ln.start + len(line_text) - len(line_text.lstrip()))
                    found = split_items(raw, view, a, a + len(name.group(0)))
                    for i, it in enumerate(found):
                        position += 1
                        col.add(it, group(), grade=verdict, rank=position if ranked else None,
                                prefix_of=found[0].text if i else None)
                continue
            if unit_like(clean_cached(raw[ln.start:ln.end])):  # one unit a line, or several joined by 、
                found = split_items(raw, view, ln.start, ln.end)
                for i, it in enumerate(found):
                    position += 1
                    col.add(it, group(), grade=verdict, rank=position if ranked else None,
                            prefix_of=found[0].text if i else None)
                continue
            verdict, listing = None, False
        left.append((ln, group()))
    still_open = {"verdict": verdict, "ranked": ranked} if listing and position == 0 else None
    return left, still_open


def prose_paragraphs(doc: Document, left: list[tuple], col: Collector, speaker: str | None) -> None:
    """Running text in runs of consecutive lines (PDF wraps and blank lines between the
    pieces of one sentence re-joined), each run with the group of its first line."""
    lines = doc.work["lines"]
    starts = line_bounds(doc, lines)[0]
    runs: list[list[tuple]] = []
    last: int | None = None
    for ln, g in left:
        at = bisect.bisect_left(starts, ln.start)  # the line starting there (starts increase)
        i = at if at < len(lines) and lines[at].start == ln.start else None
        between: list | None = lines[last + 1:i] if last is not None and i is not None else None
        if runs and between is not None and all(not doc.raw[x.start:x.end].strip() for x in between):
            runs[-1].append((ln, g))
        else:
            runs.append([(ln, g)])
        last = i if i is not None else last
    for run in runs:
        prose(doc, run[0][0].start, run[-1][0].end, col, run[0][1], speaker)


def head(x: Span, n: int) -> Span:
    """The first n characters of a span's display text, with the raw span they cover."""
    if n >= len(x.text):
        return x
    return Span(x.text[:n], x.start, x.start + n + (x.end - x.start - len(x.text)))


def speaker_span(raw: str, speaker: str, s: int, e: int) -> Span:
    """A speaker's own place (`我镇排名第14位`): the span runs from the speaker's printed
    name (the speech's heading) to the end of the sentence."""
    at = raw.rfind(speaker, 0, s)
    return Span(speaker, at if at >= 0 else s, e)


class Prose:
    """Rankings stated in running text, read on the compact text (line wraps and stray
    spaces dropped) with every match mapped back to raw offsets."""

    def __init__(self, doc: Document, a: int, b: int, col: Collector, group: str | None, speaker: str | None):
        self.raw, self.col, self.group, self.speaker = doc.raw, col, group, speaker
        self.view, self.a, self.b = doc.work["view"], a, b
        self.t = squeezer_of(doc)(self.view[a:b])  # compact(...).text: most runs need no offsets, nor clauses
        self.subjects: dict[tuple[int, int], list[Span]] = {}  # subject(i, j), asked again by several readings

    @functools.cached_property
    def c(self) -> Compact:
        return compact(self.view, self.a, self.b)

    @functools.cached_property
    def clauses(self) -> list:
        return list(CLAUSE.finditer(self.t))

    def read(self) -> None:
        self.inline_scores()
        self.listed()
        self.own_place()
        self.verdicts()
        self.actions()
        self.sentence_verdicts()

    # -- pieces of text

    def sp(self, i: int, j: int) -> Span:
        s, e = self.c.span(i, j)
        return Span(clean_cached(self.raw[s:e]), s, e)

    def items(self, i: int, j: int) -> list[Span]:
        return [self.sp(x, y) for x, y in self.item_bounds(i, j)]

    def item_bounds(self, i: int, j: int) -> list[tuple[int, int]]:
        out, pos = [], i
        for m in ITEM_SPLIT.finditer(self.t, i, j):
            if splits_at(self.t, m):
                out.append((pos, m.start()))
                pos = m.end()
        out.append((pos, j))
        return [(x, y) for x, y in out if y > x]

    def all_units(self, spans: list[Span]) -> bool:
        return bool(spans) and all(unit_like(strip_spliced(x.text, self.col.title))
                                   and len(x.text) <= cfg()["max_unit"] and not is_category(x.text) for x in spans)

    def subject(self, i: int, j: int) -> list[Span]:
        """The units a clause opens with, the last one cut where its description starts."""
        if (i, j) not in self.subjects:
            self.subjects[i, j] = self.read_subject(i, j)
        return self.subjects[i, j]

    def read_subject(self, i: int, j: int) -> list[Span]:
        found = []
        for x, y in self.item_bounds(i, j):
            item = self.sp(x, y)
            cut = patterns()["predicate"].search(item.text[2:])
            if cut:  # the list ends at the first name its description runs on from
                item = head(item, 2 + cut.start())
            if not (len(item.text) >= 3 and item.text.endswith(unit_suffixes()) and not is_category(item.text)
                    and unit_like(strip_spliced(item.text, self.col.title))):
                return []  # every item must be a unit
            found.append(item)
            if cut:
                break
        return found

    @staticmethod
    def scored_items(found: list[Span]) -> tuple[list[Span], list[float | None]]:
        """`临江区以93.6分`: the unit and its score."""
        spans, scores = [], []
        for x in found:
            m = rx.fullmatch(r"(.{2,}?)以(\d+(?:\.\d+)?)分", x.text)
            spans.append(head(x, len(m.group(1))) if m else x)
            scores.append(float(m.group(2)) if m else None)
        return spans, scores

    # -- the patterns

    def inline_scores(self) -> None:
        """`A88.31分、B88.01分…`: ranks only after an intro that says it is a ranking."""
        t = self.t
        runs: list[list[regex.Match]] = []
        run: list[regex.Match] = []
        if not DIGIT_FEN.search(t):
            return  # every score ends so
        for m in scored(t):
            if run and t[run[-1].end():m.start()] != "、":
                runs.append(run)
                run = []
            run.append(m)
        runs.append(run)
        for run in runs:
            if len(run) < 2:
                continue
            ranked = is_ranking_intro(t[max(0, run[0].start() - 60):run[0].start()])
            for i, m in enumerate(run):
                colon = max(t.rfind(":", m.start("unit"), m.end("unit")), t.rfind("：", m.start("unit"), m.end("unit")))
                self.col.add(self.sp(max(colon + 1, m.start("unit")), m.end("unit")), self.group,
                             rank=i + 1 if ranked else None, score=float(m.group("score")))

    def listed(self) -> None:
        """Graded lists `评定为优秀等次的有：A、B；` and placed lists `前三名依次为：A、B、C。`."""
        for key in ("graded_list", "placed_list"):
            core = patterns()["cores"][key]
            if not may_match(key, self.t) or core is not None and not core.search(self.t):
                continue
            for m in patterns()[key].finditer(self.t):
                stop = LIST_STOP.search(self.t, m.end()).start()
                found = self.subject(m.end(), stop) or self.items(m.end(), stop)  # A、B考核等次为优秀
                if not self.all_units(found):
                    continue
                label = m.group("label")
                grade = next((g for g in sorted(grades(), key=len, reverse=True) if g in label), None) \
                    if key == "graded_list" else None
                ranked = key == "placed_list" and bool(m.group("order")) and "前" in label
                for i, it in enumerate(found):
                    self.col.add(it, label, grade=grade, rank=i + 1 if ranked else None, spliced=True)

    def own_place(self) -> None:
        """A speaker's own place: `我镇排名第14位`."""
        if self.speaker and may_match("own_rank", self.t):
            for m in patterns()["own_rank"].finditer(self.t):
                self.col.add(speaker_span(self.raw, self.speaker, *self.c.span(m.start(), m.end())), self.group,
                             rank=to_int(m.group(1)), named=False)

    def verdicts(self) -> None:
        """Places stated after a list of units (`A、B位列前三名`, `A以93.6分排名第一`) or
        before it (`排名后三位的A、B`), with what follows from them (`，被通报约谈`)."""
        t = self.t
        verdict_re = patterns()["prose_verdict"]
        if not may_match("prose_verdict", t) or not verdict_re.search(t):
            return  # (a verdict in a clause is one in the whole text)
        clauses = self.clauses
        for ci, cl in enumerate(clauses):
            m = verdict_re.search(t, cl.start(), cl.end())
            if not m or any(w in t[cl.start():m.end()] for w in cfg()["goal_words"]):
                continue
            verdict = t[m.start():m.end()]
            if t[m.end():m.end() + 1] == "的":  # 排名后三位的A、B、C主要负责人…约谈
                found, _ = self.scored_items(self.subject(m.end() + 1, cl.end()))
                if self.all_units(found):
                    self.col.items(found, verdict, grade=action_of(t[cl.start():cl.end()]), spliced=True)
                continue
            pre_end = self.list_end(cl.start(), m.start())
            if self.speaker and rx.search(r"我(?:镇|乡|区|县|市|局|委|办|单位|街道|社区|村|公司|行|校|院)",
                                             t[cl.start():pre_end]):
                self.col.add(speaker_span(self.raw, self.speaker, *self.c.span(cl.start(), cl.end())), verdict,
                             named=False)  # 我镇…排名末位: the speaker
                continue
            found = self.items(cl.start(), pre_end)
            if not found and ci > 0:  # `A、B得分低于85分，排名后两位`: the subject is the clause before
                found = self.subject(clauses[ci - 1].start(), clauses[ci - 1].end())
            found, scores = self.scored_items(found)
            if not self.all_units(found):
                continue
            places = places_in(verdict)
            ranks = places if len(places) == len(found) else [None] * len(found)
            # what follows from the place (被通报约谈), else a verdict word in it (排名末位)
            grade = self.consequence(ci) or next((g for g in grades() if g in verdict), None)
            first = strip_spliced(found[0].text, self.col.title)
            for i, it in enumerate(found):
                self.col.add(it, verdict, grade=grade, rank=ranks[i], score=scores[i],
                             prefix_of=first if i else None, spliced=True)

    def list_end(self, start: int, verdict_at: int) -> int:
        """Where the unit list before a verdict ends: before `在…中`, `3家单位`, `考核`."""
        pre = self.t[start:verdict_at]
        at = pre.find("在")
        end = start + at if at > 0 and pre.endswith("中") else verdict_at
        tail = patterns()["verdict_lead"].search(self.t[start:end])
        return start + tail.start() if tail else end

    def consequence(self, ci: int) -> str | None:
        """`被通报约谈` in the next clause, unless that clause has a subject of its own."""
        if ci + 1 >= len(self.clauses):
            return None
        nxt = self.clauses[ci + 1]
        g = patterns()["consequence"].search(self.t[nxt.start():nxt.end()])
        if g and not self.subject(nxt.start(), nxt.start() + g.start()):
            return g.group(1)
        return None

    def actions(self) -> None:
        """`纺织街道被约谈`: units given an action."""
        if not may_match("action", self.t):
            return
        pattern = patterns()["action"]
        for cl in self.clauses:
            m = pattern.search(self.t[cl.start():cl.end()])
            found = self.subject(cl.start(), cl.start() + m.start()) if m else []
            if found:
                self.col.items(found, None, grade=m.group(1), spliced=True)

    def sentence_verdicts(self) -> None:
        """A verdict closing a sentence about what the units did (`A、B台账规范，…，予以通报表扬`);
        a verdict sentence without a subject (`决定予以通报批评`) is about the units of the
        sentences just before it (`经查，A、B两家单位…`)."""
        if not may_match("sentence_verdict", self.t):
            return
        sentences = list(SENTENCE.finditer(self.t))
        verdict_re = patterns()["sentence_verdict"]
        settled = -1  # the last sentence whose units a verdict took: no verdict reaches back past it
        for k, sent in enumerate(sentences):
            v = verdict_re.search(sent.group())
            if not v:
                continue
            found = self.sentence_subject(sent)
            if not found:  # the units of the nearest sentence before that has any, up to three back
                found = next((f for b in range(k - 1, max(settled, k - 4), -1)
                              if (f := self.sentence_subject(sentences[b]))), [])
            if found:
                self.col.items(found, None, grade=v.group(1), spliced=True)
                settled = k

    def sentence_subject(self, sent) -> list[Span]:
        """The units of the first clause of a sentence that opens with any."""
        return next((f for cl in CLAUSE.finditer(self.t, sent.start(), sent.end())
                     if (f := self.subject(cl.start(), cl.end()))), [])


def squeezer_of(doc: Document) -> Callable[[str], str]:
    """normalise.squeezer of the document's view, chosen once per document."""
    found = doc.work.get("rankings:squeezer")
    if found is None:
        found = doc.work["rankings:squeezer"] = squeezer(doc.work["view"])
    return found


def scored(t: str) -> list:
    """SCORED.finditer(t) for a text without white space, run only over the stretches between
    stops that hold a score (`\\d分`): no match spans a stop, and the lazy unit is slow to try
    at every position of a long text."""
    out, done = [], 0  # done: the end of the last stretch read
    for m in DIGIT_FEN.finditer(t):
        if m.start() < done:
            continue
        start = max(t.rfind(c, 0, m.start()) for c in SCORE_STOPS) + 1
        ends = [e for c in SCORE_STOPS if (e := t.find(c, m.end())) >= 0]
        done = min(ends) if ends else len(t)
        out += SCORED.finditer(t, start, done)
    return out


def places_in(verdict: str) -> list[int | None]:
    """`分列第二、三位` -> [2, 3]."""
    at = verdict.find("第")
    return [to_int(x) for x in rx.findall(r"[一二三四五六七八九十百\d]+", verdict[at:])] if at >= 0 else []


def prose(doc: Document, a: int, b: int, col: Collector, group: str | None, speaker: str | None = None) -> None:
    Prose(doc, a, b, col, group, speaker).read()


def is_category(text: str) -> bool:
    """`县市区`, `有关部门`: a kind of unit named in running text, not a unit."""
    return text in cfg()["categories"] or text.startswith(("各", "有关", "相关"))


def action_of(text: str) -> str | None:
    """The action a clause ends on (`…进行集中约谈` -> 约谈)."""
    return next((a for a in cfg()["actions"] if text.endswith(a)), None)


def restates(text: str, heading: str) -> bool:
    """clean(text) == heading (a cleaned heading), told apart first by the ends: clean keeps the
    first and last characters that are not white space, and cleaning a long text costs."""
    if heading and not heading[0].isspace() and not heading[-1].isspace():
        first, last = text.lstrip()[:1], text.rstrip()[-1:]
        if first != heading[0] or last != heading[-1]:
            return False
    return clean(text) == heading


def title_of(doc: Document, sec) -> str | None:
    if sec.heading or doc.title:
        return sec.heading or doc.title
    if "rankings:notice_title" not in doc.work:  # looked up once per document, not once per section
        doc.work["rankings:notice_title"] = next((clean_cached(doc.raw[s.start:s.end]) for s in doc.sections
                                                  if s.type == "notice_header"), None)
    return doc.work["rankings:notice_title"]


@register("rankings")
def make_rankings():
    def rankings(doc: Document) -> Document:
        kinds = set(cfg()["sections"])
        with_rows = {r.table for r in doc.records}
        from_tables = len(doc.records)  # the records before this stage's: the tables'
        table_units: UnitNames | None = None  # their units, gathered when first needed
        seen = UnitNames()
        base_group = None
        heading = None  # a title section that heads the list in the next section (二、达标单位（5个）)
        carried = None  # an intro ending one section whose list is the next (现将…名单通报如下：)
        for sec in doc.sections:
            if sec.type == "table_title":
                base_group = clean(doc.raw[sec.start:sec.end])
                heading = sec if is_verdict_heading(base_group) else None
                continue
            start, heading = (heading.start if heading else sec.start), None
            if sec.type not in kinds or sec.id in with_rows:
                continue
            if sec.type == "pledge_speech" and with_rows:
                continue  # speeches appended to a results table only repeat its places
            if sec.heading and restates(doc.raw[sec.start:sec.end], clean(sec.heading)):
                continue  # a headline restates the story in short names
            col = Collector(doc, sec.id, title_of(doc, sec))
            left, still_open = scan_lines(doc, section_lines(doc, start, sec.end), col,
                                          base_group if sec.type == "table" else None,
                                          carried if sec.type == "name_list" else None)
            carried = still_open
            prose_paragraphs(doc, left, col, sec.speaker if sec.type == "pledge_speech" else None)
            for rec in col.records:
                if rec.unit in seen:  # (the same unit, perhaps with its region)
                    continue  # named again later: still one record
                if rec.score is None and rec.rank is None:
                    if table_units is None:
                        table_units = UnitNames(r.unit for r in doc.records[:from_tables])
                    if rec.unit in table_units:
                        continue  # the table already gives this unit
                seen.add(rec.unit)
                doc.records.append(rec)
        # records in reading order of their sections (a table's own row order kept)
        order = {s.id: i for i, s in enumerate(doc.sections)}
        doc.records.sort(key=lambda r: order.get(r.table, 0))
        return doc
    return rankings
