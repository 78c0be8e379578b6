"""Segment: cut the whole text into consecutive sections that tile it, and type them.

The text is first cut into units (the paragraphs of the normalised view, split
further where a line carries two things).  Each unit gets local features from
the cues of configs/sections.toml; a pass that knows the genre (notice,
newspaper, standalone speech) then labels the units in reading order, and
consecutive units of one kind become one section.  Every section runs from its
first unit to the start of the next section, so the sections tile the raw text.
"""
from __future__ import annotations

import bisect
import collections
import functools
import operator
import re
from dataclasses import dataclass

import ahocorasick
import regex

from . import config
from .model import Document, Section
from .normalise import clean, squeeze
from .pattern_words import first_char, last_char, required_words, top_level_bars
from .registry import register

# ---------------------------------------------------------------- cues

@functools.lru_cache(maxsize=1)
def cues() -> dict:
    """configs/sections.toml with every pattern list compiled into one Cue."""
    def comp(value):
        if isinstance(value, list) and value and all(isinstance(v, str) for v in value):
            return Cue(value)
        if isinstance(value, dict):
            return {k: comp(v) if k not in ("bullets", "header_words", "header_suffixes", "name_endings") else v
                    for k, v in value.items()}
        if isinstance(value, str) and value.startswith("(?"):
            return regex.compile(value)
        return value
    return {k: comp(v) for k, v in config.load("sections").items()}


class Cue:
    """A list of patterns matched as one regex (`search`, `match`, `finditer`),
    with a cheap yes/no test: most lines hold none of the words a cue needs.

    Each pattern is read for the words one of which any match must contain
    (`^关于.{4,}`: 关于; `(通报|通知)$`: 通报 or 通知).  `test` runs only the
    patterns whose words a line holds (and those of unknown words), and those
    anchored at the start with `match`, which tries one position only.
    """

    def __init__(self, patterns: list[str]):
        self.regex = regex.compile(_union(patterns))
        self.search, self.match, self.finditer = self.regex.search, self.regex.match, self.regex.finditer
        # patterns alike in being anchored and in the words they need are tried as one
        groups: dict[tuple[bool, frozenset | None], list[str]] = {}
        words: list[tuple[str, ...] | None] = []
        for p in patterns:
            ws = required_words(p)
            words.append(ws)
            groups.setdefault((p.startswith("^") and not top_level_bars(p), ws and frozenset(ws)), []).append(p)
        self.parts = [_Part(ps, anchored, _words_of(ps) if ws is not None else None)
                      for (anchored, ws), ps in groups.items()]
        self.blind = [part for part in self.parts if part.words is None]  # tried on every line
        self.by_word: dict[str, list[_Part]] = {}
        for part in self.parts:
            for w in part.words or ():
                self.by_word.setdefault(w, []).append(part)
        # every word that some match must contain, or None when a pattern needs none
        self.words = None if None in words else frozenset(w for ws in words for w in ws)
        self._automaton = None
        firsts = [first_char(p) if p.startswith("^") and not top_level_bars(p) else None for p in patterns]
        self._opens = None if None in firsts else _FirstChar("|".join(firsts))

    def test(self, s: str, present: frozenset | None = None) -> bool:
        """bool(self.search(s)).  `present`: the cue words (all_cue_words) found in
        a string that holds every word s holds, or None (not known)."""
        if present is None:
            return self.search(s) is not None
        if self.words is not None and self.words.isdisjoint(present):
            return False  # the common case, one set operation
        for part in self.blind:
            if part.hit(s):
                return True
        return self.test_words(s, present)

    def test_words(self, s: str, present: frozenset) -> bool:
        """Whether a pattern of known words matches s (`present` as for test)."""
        by_word = self.by_word
        for w in present:
            parts = by_word.get(w)
            if parts is not None:
                for part in parts:
                    if part.hit(s):
                        return True
        return False

    def may_open(self, s: str) -> bool:
        """False when no match can start at the start of s (anchored patterns only)."""
        return self._opens is None or self._opens(s)

    def word_spans(self, s: str) -> list[tuple[int, int]] | None:
        """Where the words this cue needs occur in s, by start (None: words not known).
        A match inside s[a:b] holds one of these spans inside a..b."""
        if self.words is None:
            return None
        if self._automaton is None:
            self._automaton = ahocorasick.Automaton()
            for w in self.words:
                self._automaton.add_word(w, len(w))
            self._automaton.make_automaton()
        return sorted((end + 1 - size, end + 1) for end, size in self._automaton.iter(s))


class _Part:
    """Patterns of a cue alike in being anchored or not and in needing known words."""
    __slots__ = ("pattern", "anchored", "words", "opens", "ends")

    def __init__(self, patterns: list[str], anchored: bool, words: frozenset | None):
        self.pattern = regex.compile(_union(patterns))
        self.anchored, self.words = anchored, words
        firsts = [first_char(p) for p in patterns] if anchored else [None]
        self.opens = None if None in firsts else _FirstChar("|".join(firsts))
        lasts = [last_char(p) for p in patterns]
        self.ends = None if None in lasts else _LastChar("|".join(lasts))

    def hit(self, s: str) -> bool:
        if not s:
            return self.pattern.search(s) is not None
        if self.ends is not None and not self.ends[s[-1]]:
            return False
        if self.anchored:
            return (self.opens is None or self.opens[s[0]]) and self.pattern.match(s) is not None
        return self.pattern.search(s) is not None


class _FirstChar(dict):
    """Whether a character can open a match: self[ch], memoised by character;
    self(s) for the first character of a string."""

    def __init__(self, source: str):
        super().__init__()
        self.regex = regex.compile(source)

    def __missing__(self, ch: str) -> bool:
        ok = self[ch] = self.regex.match(ch) is not None
        return ok

    def __call__(self, s: str) -> bool:
        return bool(s) and self[s[0]]


class _LastChar(_FirstChar):
    """Whether a character can close a match ending at `$`: self[ch]."""

    def __init__(self, source: str):
        super().__init__(source)
        self["\n"] = True  # `$` also matches before a final line break: not told


def _union(patterns: list[str]) -> str:
    return "|".join(f"(?:{v})" for v in patterns)


def _words_of(patterns: list[str]) -> frozenset:
    return frozenset(w for p in patterns for w in required_words(p))


@functools.lru_cache(maxsize=1)
def all_cue_words() -> ahocorasick.Automaton:
    """One automaton of the words of every cue: one pass over a line says which it holds."""
    found = set()

    def walk(value):
        if isinstance(value, Cue):
            found.update(w for part in value.parts if part.words for w in part.words)
        elif isinstance(value, dict):
            for v in value.values():
                walk(v)
    walk(cues())
    automaton = ahocorasick.Automaton()
    for w in found:
        automaton.add_word(w, w)
    automaton.make_automaton()
    return automaton


def cue_words_in(text: str) -> frozenset:
    return frozenset(map(_SECOND, all_cue_words().iter(text)))


_SECOND = operator.itemgetter(1)


@functools.lru_cache(maxsize=1)
def header_words() -> frozenset[str]:
    return frozenset(cues()["table"]["header_words"])


@functools.lru_cache(maxsize=1)
def topic_terms() -> tuple[dict, float, float]:
    t = config.load("topics")
    return t["terms"], float(t["threshold"]), float(t["min_total"])


@functools.lru_cache(maxsize=1)
def org_ending():
    return regex.compile("(" + "|".join(config.load("sections")["wrap"]["name_endings"]) + r")([(（].{1,20}[)）])?$")


@functools.lru_cache(maxsize=1)
def org_endings() -> tuple[str, ...] | None:
    """The name endings, when all are plain words (None: some is a pattern)."""
    endings = tuple(config.load("sections")["wrap"]["name_endings"])
    return None if any(regex.escape(e) != e for e in endings) else endings


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
    props: frozenset = frozenset()  # shared by units of one text: replaced, never changed in place
    words: frozenset = frozenset()  # the cue words its text holds (all_cue_words)


# ---------------------------------------------------------------- units

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
    flat, text, n_lines, props, words = read_unit(seg, seg)
    return Unit(a, a + len(seg), flat, text, seg, n_lines, None, False, None, None, None, props, words)


@functools.lru_cache(maxsize=1)
def _plain_opening():
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
    return [(x, y) for x, y in zip(bounds, bounds[1:]) if view[x:y].strip()]


def _unit(raw: str, view: str, a: int, b: int) -> Unit:
    while b > a and view[b - 1].isspace():
        b -= 1
    seg = view[a:b]
    line_end = raw.find("\n", a, b)
    line_end = b if line_end < 0 else line_end
    line_start = raw.rfind("\n", 0, a) + 1
    # the first line with its indentation, or the unit's own part of a line it shares
    first = view[line_start:line_end] if not view[line_start:a].strip() else view[a:line_end]
    flat, text, n_lines, props, words = read_unit(seg, first)
    return Unit(a, b, flat, text, first, n_lines, props=props, words=words)


@functools.lru_cache(maxsize=16384)
def read_unit(seg: str, first_line: str) -> tuple[str, str, int, frozenset, frozenset]:
    """A unit's flat text, text, number of lines, cue features and cue words: a pure
    function of its text, and real texts repeat lines (names, furniture)."""
    flat, text = _fold(seg)
    n_lines = seg.count("\n") + 1
    return (flat, text, n_lines) + unit_features(flat, text, first_line, n_lines)


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


def is_num(x: str) -> bool:
    """NUM.match(x), told at once for most cells: a number opens with a sign or a digit."""
    return (x[:1].isdecimal() or x[:1] in ("+", "-")) and NUM.match(x) is not None


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
        if not x.isalnum():  # an alphanumeric cell holds no whitespace to squeeze
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


def table_features(props: set, flat: str, text: str, line: str, n_lines: int, present: frozenset,
                   sentence: bool, may_rank: bool = True) -> None:
    """Adds the table cues of a unit to `props`; `line` is its first line, `sentence`
    whether its text holds a sentence end, `may_rank` whether it holds the words of rank_item."""
    c = cues()["table"]
    if n_lines == 1:
        if "\t" in line and not line.isspace():  # a tab and a filled cell
            props.add("row")
        elif "|" in line and (line.rstrip().endswith("|") or line.count("|") >= 2):
            props.add("row")
        elif "  " in line and _ALIGNED.search(line.strip()) and len(text) <= 60 and not sentence:
            props.add("row")
        elif not sentence:
            cells = line.split()
            # three cells or more, the first numeric or two others
            if len(cells) >= 3 and (is_num(cells[0]) or _at_least(2, cells, is_num)):
                props.add("row")
    if may_rank and c["rank_item"].test(flat, present):
        props.add("row")
        props.add("rank_item")
    if "row" in props or n_lines == 1:
        if _may_be_header(line) and is_header_row(cells_of(line)):
            props.update({"row", "header"})


def _may_be_header(line: str) -> bool:
    """False when is_header_row(cells_of(line)) must be: a header row has two cells or
    more holding a header word or ending with a header suffix, so two of their characters."""
    pattern = _header_chars()
    return pattern is None or len(pattern.findall(line)) >= 2


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


def unit_features(flat: str, text: str, first_line: str, n_lines: int) -> tuple[frozenset, frozenset]:
    """Cue features of one unit, and the cue words its text holds.  Most cues
    describe short lines (titles, captions, furniture), and the others are anchored
    at the start of a line: long paragraphs are only searched at their head.
    Only the cues that the unit's words can satisfy are tried (`may`)."""
    c = _feature_cues()
    present = cue_words_in(text)  # `flat` and its slices hold no word that `text` lacks
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
    table_features(props, flat, text, first_line, n_lines, present, sentence, "rank_item" in may)
    return frozenset(props), present


_NOT_DEBRIS = frozenset({"metadata", "colophon", "date"})


def _cue_features(props: set, may: frozenset, c, present: frozenset, flat: str, text: str, head: str,
                  size: int, short: bool, sentence: bool) -> None:
    """The features of the cues that need words (`may`: those whose words the unit holds)."""
    if size <= 40 and "masthead" in may and c.masthead.test(head, present):
        props.add("masthead")
    if "caption" in may and ("摄" in head or head.startswith("图")) and size <= 120 \
            and c.caption.test(flat, present):
        props.add("caption")
    if short and "byline" in may and c.byline.test(head, present):
        props.add("byline")
    if size <= 30 and "date_line" in may and c.date_line.test(text, present):
        props.add("date")
    elif size <= 50 and "signed_date" in may and c.signed_date.test(text, present):
        props.add("date")
    if "colophon" in may and c.colophon.test(head, present):
        props.add("colophon")
    if "attachment" in may and c.attachment.test(head[:12], present):
        props.add("attachment")
    if size <= 40 and "doc_number" in may and c.doc_number.test(text, present):
        props.add("doc_number")
    if "metadata" in may and c.metadata.test(head[:12], present):
        props.add("metadata")
    if size <= 120 and "recipients" in may and head.endswith((":", "：")) and c.recipients.test(text, present) \
            and not text.startswith("尊敬"):
        props.add("recipients")
    if size <= 80 and "title" in may and not sentence and c.title.test(text, present):
        props.add("title")
    if size <= 60 and "speech_heading" in may and c.speech_heading.test(text, present):
        props.add("speech_heading")
    if size <= 24 and "verdict_heading" in may and c.verdict_heading.test(text, present):
        props.add("verdict_heading")
    elif size <= 200 and "inline_list" in may and not (sentence and SENTENCE.search(text[:-1])) \
            and c.inline_list.test(text, present):
        props.add("inline_list")
    if "note" in may and c.note.test(head[:40], present):
        props.add("note")
    if "lead" in may and c.lead.test(head[:30], present):
        props.add("lead")


class _FeatureCues:
    """The cues of unit_features by feature, and which of them each cue word can satisfy."""

    def __init__(self):
        c = cues()
        n = c["notice"]
        self.furniture = c["furniture"]["other"]
        self.indent_signature = n["indent_signature"]
        self.name_max_len = c["name_list"]["max_len"]
        by_name = {
            "masthead": c["furniture"]["masthead"], "caption": c["caption"]["patterns"],
            "byline": c["byline"]["patterns"], "date_line": n["date_line"], "signed_date": n["signed_date"],
            "colophon": n["colophon"], "attachment": n["attachment"], "doc_number": n["doc_number"],
            "metadata": n["metadata"], "recipients": n["recipients"], "title": n["title"],
            "speech_heading": c["speech"]["heading"], "verdict_heading": c["name_list"]["heading"],
            "inline_list": c["name_list"]["inline"], "note": c["table"]["note"], "lead": c["newspaper"]["lead"],
            "rank_item": c["table"]["rank_item"],
        }
        for name, cue in by_name.items():
            setattr(self, name, cue)
        # a cue of unknown words may match any unit; the others only units holding one of their words
        self.always = frozenset(name for name, cue in by_name.items() if cue.words is None)
        self.by_word: dict[str, set[str]] = collections.defaultdict(set)
        for name, cue in by_name.items():
            for w in cue.words or ():
                self.by_word[w].add(name)
        # furniture: its patterns of unknown words on every short unit, the others by their words
        blind = self.furniture.blind
        self.furniture_blind = blind[0].hit if len(blind) == 1 else lambda s: any(part.hit(s) for part in blind)
        for w in self.furniture.by_word:
            self.by_word[w].add("furniture")


@functools.lru_cache(maxsize=1)
def _feature_cues() -> _FeatureCues:
    return _FeatureCues()


@functools.lru_cache(maxsize=4096)
def _cues_for(present: frozenset) -> frozenset:
    """The names of the cues of unit_features that a unit holding the words `present` may match."""
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
    singles = [t for t in tokens if len(t) == 1]
    if len(singles) < 2:
        return False
    return sum(bool(HAN.match(t)) for t in singles) >= 2 and not SENTENCE.search(text)


# ---------------------------------------------------------------- genre

def detect_genre(units: list[Unit]) -> str:
    """notice, newspaper, speech (a standalone speech: genre `other`) or other."""
    g = cues()["genre"]
    notice, newspaper, speech_cue = g["notice"], g["newspaper"], g["speech"]
    top = units[:8]
    notice_top = sum(_holds_words(notice, u) and notice.test(u.text[:100], u.words)
                     or "recipients" in u.props or "metadata" in u.props for u in top)
    edges = units if len(units) <= 80 else units[:40] + units[-40:]
    news_words = newspaper.words  # tested inline: up to 80 units
    news = sum(1 for u in edges if (news_words is None or not news_words.isdisjoint(u.words))
               and newspaper.test(u.flat[:100], u.words) or "caption" in u.props or "lead" in u.props)
    speech = sum(_holds_words(speech_cue, u) and speech_cue.test(u.text[:100], u.words) for u in units[:6])
    if speech and notice_top <= 1 and news <= 1 and not any("doc_number" in u.props for u in top):
        return "speech"
    if notice_top >= 2 or any("doc_number" in u.props or "metadata" in u.props for u in top):
        return "notice"
    if news >= 1:
        return "newspaper"
    if notice_top >= 1 or any("header" in u.props for u in units):
        return "notice"  # a results table on its own is an official document too
    return "other"


def _holds_words(cue: Cue, u: Unit) -> bool:
    """False when the unit holds none of the words a match of the cue needs (test would say no)."""
    return cue.words is None or not cue.words.isdisjoint(u.words)


# ---------------------------------------------------------------- labelling

def label_tables(units: list[Unit]) -> None:
    """Runs of table rows become `table`; titles above them, notes below them."""
    i, n = 0, len(units)
    headers = header_words()
    while i < n:
        u = units[i]
        if "row" not in u.props or u.label:
            if u.text in headers and _flattened_table_at(units, i):
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
    if units[i].text not in header_words():
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
        if labels.test(u.text, u.words):
            active = True
        elif active and not u.label and len(u.text) <= 60 and u.n_lines == 1:
            u.props = u.props | {"teaser"}
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
    spans = spam.word_spans(view)
    starts = [a for a, _ in spans] if spans is not None else None
    for u in units:
        if starts is None or starts and _holds_span(spans, starts, u.start, u.end):
            for m in spam.finditer(view, u.start, u.end):
                doc.flag("ocr_noise", f"spam spliced into the text: {m.group()}", m.start(), m.end())
        if u.label == "table" and u.n_lines == 1 and u.text and not _has_word_char(u.text) \
                and u.text.strip("|｜") != "":
            doc.flag("ocr_noise", f"damaged table cell: {u.flat}", u.start, u.end)


def _has_word_char(s: str) -> bool:
    """WORDISH.search(s), told at once when s opens with a digit, an ASCII letter or
    a common Chinese character (U+4E00..U+9FA5: all Han)."""
    ch = s[:1]
    return ch.isdecimal() or ch.isascii() and ch.isalnum() or "\u4e00" <= ch <= "\u9fa5" \
        or WORDISH.search(s) is not None


def _holds_span(spans: list[tuple[int, int]], starts: list[int], start: int, end: int) -> bool:
    """Whether one of the sorted spans lies inside start..end."""
    i = bisect.bisect_left(starts, start)
    while i < len(spans) and spans[i][0] < end:
        if spans[i][1] <= end:
            return True
        i += 1
    return False


# ---------------------------------------------------------------- sections

def build_sections(doc: Document, units: list[Unit]) -> list[Section]:
    # a section opens at a unit marked new, or of another label or speaker than the one before
    firsts = [i for i, u in enumerate(units)
              if i == 0 or u.new or u.label != units[i - 1].label or u.speaker != units[i - 1].speaker]
    raw = doc.raw
    sections: list[Section] = []
    for n, i in enumerate(firsts):
        first = units[i]
        if n + 1 < len(firsts):
            last, end = units[firsts[n + 1] - 1], units[firsts[n + 1]].start
        else:
            last, end = units[-1], len(raw)
        label = first.label
        sections.append(Section(
            id=f"s{n + 1}", type=label, start=0 if n == 0 else first.start, end=end,
            heading=first.heading, speaker=first.speaker,
            related=(True if label == "news" else False if label == "unrelated_news" else None),
            text=_clean(raw[first.start:last.end])))
    if not sections and raw:
        sections.append(Section("s1", "other", 0, len(raw), text=clean(raw)))
    return sections


def _clean(text: str) -> str:
    """clean(text); short sections (titles, names, furniture) repeat across texts."""
    return _clean_short(text) if len(text) <= 200 else clean(text)


_clean_short = functools.lru_cache(maxsize=4096)(clean)


@register("segment")
def make_segment():
    def segment(doc: Document) -> Document:
        units = make_units(doc)  # with their local features
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
