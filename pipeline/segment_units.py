"""The units segment labels, with their local features.

Units are the paragraphs of the normalised view, split further where a line carries
two things.  A unit's features (the section cues its text matches, table rows and
headers, names, OCR debris) are a pure function of its text, memoised: real texts
repeat lines.  Its table features are made with the unit (the table pass reads them
of every unit), the others on first read (the rows of a long table never need them).
"""
from __future__ import annotations

import collections
import functools
import re
from collections.abc import Callable
from dataclasses import dataclass

import regex

from .model import Document
from .normalise import squeeze
from .section_cues import Cue, cue_words_in, cues, org_ending, org_endings


@dataclass(eq=False, slots=True)  # units are told apart by identity
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
    table_props: frozenset = frozenset()  # row, header, rank_item: the table pass reads them of every unit
    words: frozenset = frozenset()  # the cue words its text holds (all_cue_words)
    _props: frozenset | None = None  # every feature, made on first read: most table rows never need it

    @property
    def props(self) -> frozenset:
        """The unit's features (shared by units of one text: replaced, never changed in place)."""
        if self._props is None:
            self._props = self.table_props | cue_features(self.flat, self.text, self.first_line, self.words)
        return self._props

    def add_prop(self, name: str) -> None:
        self._props = self.props | {name}


def make_units(doc: Document) -> list[Unit]:
    view, raw = doc.work["view"], doc.raw
    f = cues()["furniture"]
    bullets = tuple(f["bullets"])
    split_after = f["split_after"]
    # a text holding none of the words of split_after has no line to split after it
    may_split = split_after.words is None or any(w in view for w in split_after.words)
    short = f["inline_min_len"]
    plain = _plain_opening()
    units: list[Unit] = []
    for p in doc.work["paragraphs"]:
        start = p.start
        if p.end - start < short and not may_split and len(p.lines) == 1 and plain(view[start]):
            # the common case: a short line of its own, kept whole from its first character
            units.append(_line_unit(view, start, p.end))
            continue
        debris = f["debris_pipe"].may_open(view[p.start:p.start + 1]) and f["debris_pipe"].match(view[p.start:p.end])
        if debris and p.end - p.start > 1 and p.start + debris.end() < p.end:
            doc.flag("ocr_noise", "scan debris at the start of a line", p.start, p.start + debris.end())
            start = p.start + debris.end()
        while start < p.end and (view[start].isspace() or view[start] in bullets):
            start += 1
        if start >= p.end:
            continue
        pieces = [(start, p.end)]
        m = split_after.search(view, start, p.end) if may_split else None
        if m and m.end() < p.end and view[m.end():p.end].strip():
            nxt = m.end()
            while view[nxt].isspace():
                nxt += 1
            pieces = [(start, m.end()), (nxt, p.end)]
        if p.end - start >= f["inline_min_len"]:  # shorter pieces are never cut
            pieces = [q for a, b in pieces for q in _split_inline_headings(view, a, b)]
        for k, (a, b) in enumerate(pieces):
            u = _unit(raw, view, a, b)
            if k == 0 and a != p.start and f["other"].test(u.flat, u.words):
                # furniture keeps its bullet
                u.start = next(i for i in range(p.start, b) if not view[i].isspace())
            units.append(u)
    return units


def _line_unit(view: str, a: int, b: int) -> Unit:
    """_unit(raw, view, a, b) for a unit that is a whole line: its first line is its text."""
    seg = view[a:b].rstrip()
    flat, text, n_lines, table_props, words = read_unit(seg, seg)
    return Unit(a, a + len(seg), flat, text, seg, n_lines, table_props=table_props, words=words)


@functools.lru_cache(maxsize=1)
def _plain_opening() -> Callable[[str], bool]:
    """Whether a paragraph opening with a character keeps it: not a blank, a bullet
    or scan debris (memoised by character)."""
    f = cues()["furniture"]
    bullets, debris = tuple(f["bullets"]), f["debris_pipe"]
    seen: dict[str, bool] = {}

    def plain(ch: str) -> bool:
        ok = seen.get(ch)
        if ok is None:
            ok = seen[ch] = not ch.isspace() and ch not in bullets and not debris.may_open(ch)
        return ok
    return plain


def _split_inline_headings(view: str, a: int, b: int) -> list[tuple[int, int]]:
    """Pieces of a collapsed paragraph, cut before headings such as 二、 or (三)."""
    f = cues()["furniture"]
    if b - a < f["inline_min_len"]:
        return [(a, b)]
    cuts = [m.end() for m in f["inline_heading"].finditer(view, a + 1, b) if m.end() > a + 1]
    bounds = [a] + cuts + [b]
    # a piece opening with a non-blank is not blank: most are told without a copy
    return [(x, y) for x, y in zip(bounds, bounds[1:]) if x < y and not view[x].isspace() or view[x:y].strip()]


def _unit(raw: str, view: str, a: int, b: int) -> Unit:
    while b > a and view[b - 1].isspace():
        b -= 1
    seg = view[a:b]
    line_end = raw.find("\n", a, b)
    line_end = b if line_end < 0 else line_end
    line_start = raw.rfind("\n", 0, a) + 1
    # the first line with its indentation, or the unit's own part of a line it shares
    first = view[line_start:line_end] if not view[line_start:a].strip() else view[a:line_end]
    flat, text, n_lines, table_props, words = read_unit(seg, first)
    return Unit(a, b, flat, text, first, n_lines, table_props=table_props, words=words)


@functools.lru_cache(maxsize=16384)
def read_unit(seg: str, first_line: str) -> tuple[str, str, int, frozenset, frozenset]:
    """A unit's flat text, text, number of lines, table features and cue words: a pure
    function of its text, and real texts repeat lines (names, furniture)."""
    flat, text = _fold(seg)
    n_lines = seg.count("\n") + 1
    present = cue_words_in(text)  # `flat` and its slices hold no word that `text` lacks
    sentence = SENTENCE.search(text) is not None
    return flat, text, n_lines, table_features(flat, text, first_line, n_lines, present, sentence), present


def _fold(seg: str) -> tuple[str, str]:
    """The unit's flat text (lines joined, blanks folded to one space) and its
    text without whitespace."""
    if seg.isprintable():  # one line, and its only blanks are spaces
        return (seg, seg) if " " not in seg else (" ".join(seg.split()), seg.replace(" ", ""))
    joined = seg.replace("\r", "").replace("\n", "")
    bare = joined.replace(" ", "").replace("\t", "").replace("\u3000", "")
    if bare.isprintable():  # no whitespace but these five (printable: no other)
        return " ".join(joined.split()), bare
    return _BLANKS.sub(" ", joined).strip(), squeeze(seg)


# ---------------------------------------------------------------- local features

NUM = regex.compile(r"^[-+]?\d+(\.\d+)?%?$")
# a class of literal characters: the standard `re` finds the same, at a cheaper call
SENTENCE = re.compile(r"[。！？!?；;]")
HAN = regex.compile(r"\p{Han}")
# a person listed with their unit: 王振华（青石镇人民政府）
PERSON_ENTRY = regex.compile(r"^\p{Han}{2,4}[(（][^()（）]{2,30}[)）]$")
_BLANKS = regex.compile(r"[ \t\u3000]+")
_GAP = regex.compile(r"\s{2,}")
_GAPPED = regex.compile(r"\S\s{2,}\S")
_ALIGNED = regex.compile(r"\S {2,}\S")
ORG_LIKE = regex.compile(r"^[\p{Han}\w()（）·\-*“”\"]{2,40}$")


def is_num(x: str) -> bool:
    """NUM.match(x) is not None, by string methods (regex's \\d is str.isdecimal's Nd)."""
    if not (x[:1].isdecimal() or x[:1] in ("+", "-")):
        return False  # a number opens with a sign or a digit
    if x.endswith("\n"):
        return NUM.match(x) is not None  # `$` also matches before a final line break
    body = x[1:] if x[0] in "+-" else x
    body = body.removesuffix("%")
    whole, dot, fraction = body.partition(".")
    return whole.isdecimal() and (not dot or fraction.isdecimal())


def cells_of(first_line: str) -> list[str]:
    line = first_line.strip("\r")
    if "\t" in line:
        return [x.strip() for x in line.split("\t")]
    if "|" in line:
        return [x.strip() for x in line.strip().strip("|").split("|")]
    tokens = line.split()
    if len(tokens) < 2 or "  " not in line and line.replace(" ", "").isprintable():
        return tokens  # no gap (two blanks) to split at: its only blanks are single spaces
    return [x for x in _GAP.split(line.strip()) if x] if _GAPPED.search(line) else tokens


def is_header_row(cells: list[str]) -> bool:
    if len(cells) < 2:  # fewer than two cells, fewer than two filled ones
        return False
    filled = []
    for x in cells:
        if not x.strip():
            continue
        if not x.isalnum() and (" " in x or not x.isprintable()):  # else no whitespace to squeeze
            x = squeeze(x)
        if len(x) > 12 or is_num(x) or SENTENCE.search(x):
            return False  # a number or a phrase: data, not a header
        filled.append(x)
    if len(filled) < 2:
        return False
    words = cues()["table"]["header_words"]
    suffixes = tuple(cues()["table"]["header_suffixes"])
    hits = sum(any(w in x and len(x) - len(w) <= 4 for w in words) or (len(x) <= 6 and x.endswith(suffixes))
               for x in filled)
    return hits >= max(2, (len(filled) * 3 + 4) // 5)


def table_features(flat: str, text: str, line: str, n_lines: int, present: frozenset, sentence: bool) -> frozenset:
    """The table cues of a unit (row, rank_item, header); `line` is its first line, `present`
    the cue words its text holds, `sentence` whether its text holds a sentence end."""
    row = n_lines == 1 and _row_like(line, text, sentence)
    rank = _rank_item().test(flat, present)
    header = (row or rank or n_lines == 1) and _may_be_header(line) and is_header_row(cells_of(line))
    return _TABLE_PROPS[row or rank or header, rank, header]


# the few sets of table features, shared by every unit
_TABLE_PROPS = {(row, rank, header): frozenset(name for name, on in (("row", row), ("rank_item", rank),
                                                                    ("header", header)) if on)
                for row in (False, True) for rank in (False, True) for header in (False, True)}


def _row_like(line: str, text: str, sentence: bool) -> bool:
    """Whether a unit of one line is laid out as a table row: tabs, pipes, aligned columns."""
    if "\t" in line:
        return not line.isspace()  # a tab and a filled cell
    if "|" in line and (line.rstrip().endswith("|") or line.count("|") >= 2):
        return True
    if sentence:
        return False
    if "  " in line and _ALIGNED.search(line.strip()) and len(text) <= 60:
        return True
    cells = line.split()
    # three cells or more, the first numeric or two others
    return len(cells) >= 3 and (is_num(cells[0]) or _at_least(2, cells, is_num))


@functools.lru_cache(maxsize=1)
def _rank_item() -> Cue:
    return cues()["table"]["rank_item"]


def _may_be_header(line: str) -> bool:
    """False when is_header_row(cells_of(line)) must be: a header row has two cells or
    more holding a header word or ending with a header suffix, so two of their characters."""
    pattern = _header_chars()
    if pattern is None:
        return True
    first = pattern.search(line)
    return first is not None and pattern.search(line, first.end()) is not None


@functools.lru_cache(maxsize=1)
def _header_chars() -> re.Pattern | None:
    """The first characters of the header words and the header suffixes, as a class."""
    t = cues()["table"]
    firsts = [w[:1] for w in t["header_words"]] + [x[-1:] for x in t["header_suffixes"]]
    if not all(firsts):
        return None  # an empty word is in every cell
    return re.compile("[" + "".join(re.escape(ch) for ch in sorted(set(firsts))) + "]")


def _at_least(n: int, items: list, pred) -> bool:
    for x in items:
        if pred(x):
            n -= 1
            if n == 0:
                return True
    return False


@functools.lru_cache(maxsize=16384)
def cue_features(flat: str, text: str, first_line: str, present: frozenset) -> frozenset:
    """The features of a unit but its table features; `present`: the cue words its text
    holds.  Most cues describe short lines (titles, captions, furniture), and the others
    are anchored at the start of a line: long paragraphs are only searched at their head.
    Only the cues that the unit's words can satisfy are tried (`may`)."""
    c = _feature_cues()
    may = _cues_for(present)
    props: set[str] = set()
    size = len(text)
    short = size <= 100
    head = flat[:100]
    sentence = SENTENCE.search(text) is not None
    if short and (c.furniture_blind(head) or "furniture" in may and c.furniture.test_words(head, present)):
        props.add("furniture")
    if may:
        _cue_features(props, may, c, present, flat, text, head, size, short, sentence)
    if size <= 30 and len(first_line) - len(first_line.lstrip()) >= c.indent_signature:
        props.add("right_aligned")
    if size <= c.name_max_len and ORG_LIKE.match(text) and not is_num(text):
        props.add("name")
        if _ends_like_org(text) or text.endswith((")", "）")) and PERSON_ENTRY.match(text):
            props.add("org")
    if size <= 30 and not sentence and props.isdisjoint(_NOT_DEBRIS) and _is_debris(flat, text):
        props.add("debris")
    return frozenset(props)


_NOT_DEBRIS = frozenset({"metadata", "colophon", "date"})


def _cue_features(props: set, may: frozenset, c, present: frozenset, flat: str, text: str, head: str,
                  size: int, short: bool, sentence: bool) -> None:
    """The features of the cues that need words (`may`: those whose words the unit holds)."""
    if size <= 40 and "masthead" in may and c.cue["masthead"].test(head, present):
        props.add("masthead")
    if "caption" in may and ("摄" in head or head.startswith("图")) and size <= 120 \
            and c.cue["caption"].test(flat, present):
        props.add("caption")
    if short and "byline" in may and c.cue["byline"].test(head, present):
        props.add("byline")
    if size <= 30 and "date_line" in may and c.cue["date_line"].test(text, present):
        props.add("date")
    elif size <= 50 and "signed_date" in may and c.cue["signed_date"].test(text, present):
        props.add("date")
    if "colophon" in may and c.cue["colophon"].test(head, present):
        props.add("colophon")
    if "attachment" in may and c.cue["attachment"].test(head[:12], present):
        props.add("attachment")
    if size <= 40 and "doc_number" in may and c.cue["doc_number"].test(text, present):
        props.add("doc_number")
    if "metadata" in may and c.cue["metadata"].test(head[:12], present):
        props.add("metadata")
    if size <= 120 and "recipients" in may and head.endswith((":", "：")) and c.cue["recipients"].test(text, present) \
            and not text.startswith("尊敬"):
        props.add("recipients")
    if size <= 80 and "title" in may and not sentence and c.cue["title"].test(text, present):
        props.add("title")
    if size <= 60 and "speech_heading" in may and c.cue["speech_heading"].test(text, present):
        props.add("speech_heading")
    if size <= 24 and "verdict_heading" in may and c.cue["verdict_heading"].test(text, present):
        props.add("verdict_heading")
    elif size <= 200 and "inline_list" in may and not (sentence and SENTENCE.search(text[:-1])) \
            and c.cue["inline_list"].test(text, present):
        props.add("inline_list")
    if "note" in may and c.cue["note"].test(head[:40], present):
        props.add("note")
    if "lead" in may and c.cue["lead"].test(head[:30], present):
        props.add("lead")


class _FeatureCues:
    """The cues of cue_features by feature, and which of them each cue word can satisfy."""

    def __init__(self) -> None:
        c = cues()
        n = c["notice"]
        self.furniture = c["furniture"]["other"]
        self.indent_signature = n["indent_signature"]
        self.name_max_len = c["name_list"]["max_len"]
        self.cue: dict[str, Cue] = {  # by feature
            "masthead": c["furniture"]["masthead"], "caption": c["caption"]["patterns"],
            "byline": c["byline"]["patterns"], "date_line": n["date_line"], "signed_date": n["signed_date"],
            "colophon": n["colophon"], "attachment": n["attachment"], "doc_number": n["doc_number"],
            "metadata": n["metadata"], "recipients": n["recipients"], "title": n["title"],
            "speech_heading": c["speech"]["heading"], "verdict_heading": c["name_list"]["heading"],
            "inline_list": c["name_list"]["inline"], "note": c["table"]["note"], "lead": c["newspaper"]["lead"],
        }
        # a cue of unknown words may match any unit; the others only units holding one of their words
        self.always = frozenset(name for name, cue in self.cue.items() if cue.words is None)
        self.by_word: dict[str, set[str]] = collections.defaultdict(set)
        for name, cue in self.cue.items():
            for w in cue.words or ():
                self.by_word[w].add(name)
        # furniture: its patterns of unknown words on every short unit, the others by their words
        blind = self.furniture.blind
        self.furniture_blind = blind[0].hit if len(blind) == 1 else functools.partial(_any_hit, blind)
        for w in self.furniture.by_word:
            self.by_word[w].add("furniture")


def _any_hit(parts: list, s: str) -> bool:
    return any(part.hit(s) for part in parts)


@functools.lru_cache(maxsize=1)
def _feature_cues() -> _FeatureCues:
    return _FeatureCues()


@functools.lru_cache(maxsize=4096)
def _cues_for(present: frozenset) -> frozenset:
    """The names of the cues of cue_features that a unit holding the words `present` may match."""
    c = _feature_cues()
    return c.always.union(*(c.by_word.get(w, ()) for w in present))


def _ends_like_org(s: str) -> bool:
    """org_ending().search(s), told at once for most strings: a match ends the
    string (no line break), with a name ending or a closing bracket."""
    endings = org_endings()
    if endings is None or s.endswith("\n"):
        return org_ending().search(s) is not None
    return s.endswith(endings) or s.endswith((")", "）")) and org_ending().search(s) is not None


def _is_debris(flat: str, text: str) -> bool:
    """OCR debris: a short line of scattered single characters."""
    if len(text) > 30 or ":" in flat or "|" in flat:
        return False
    min_tokens = cues()["noise"]["debris_min_tokens"]
    if flat.count(" ") < min_tokens - 1 and flat.isprintable():
        return False  # its only blanks are fewer spaces than it takes to part that many tokens
    tokens = flat.split()
    if len(tokens) < min_tokens:
        return False
    # two single Han characters or more (U+4E00..U+9FA5 are all Han: told without the regex)
    han_singles = 0
    for t in tokens:
        if len(t) == 1 and ("\u4e00" <= t <= "\u9fa5" or HAN.match(t) is not None):
            han_singles += 1
    return han_singles >= 2 and not SENTENCE.search(text)
