"""People named in a text: credits, captions, reporters, and officials with their titles.

* credits and captions are read line by line, where spaces still separate the names
  (`■策划 / 吴斌 刘友良 王韦夫 撰稿 / 颜艳妮…`, `责任编辑 李红丽 李真`, `…推进会。李西 摄`,
  `(邵阳日报记者 欧阳德珍 整理)`, `(记者王斌)`, an article's closing `(张莎)`);
* officials are read in the text with its spaces dropped, so a name broken by PDF
  extraction (`副市长彭 晓明主持`) is still one name: a title, then a surname and one or
  two characters, then what officials do (`出席`, `指出`, `,` …);
* `习近平总书记`: a name before an honorific;
* a name listed with its unit, one a line (`王振华（县应急管理局）`);
* every name found once is found again wherever it recurs.

Returns raw spans; the text of a span may hold the spaces the name was printed with.
"""
from __future__ import annotations

import bisect
import functools
from dataclasses import dataclass

import ahocorasick
import regex

from . import config, rx
from .gazetteer import (
    backward_occurrences,
    leftmost_longest,
    literal_automaton,
)
from .normalise import Compact, compact, fold, squeeze
from .spans import parts_holding


@dataclass(frozen=True)
class Cues:
    surnames: frozenset[str]
    compound: tuple[str, ...]
    titles: tuple[str, ...]
    after: tuple[str, ...]
    before: tuple[str, ...]
    labels: tuple[str, ...]
    not_names: frozenset[str]
    sure: frozenset[str]
    place_ends: tuple[str, ...]


@functools.lru_cache(maxsize=1)
def cues() -> Cues:
    cfg = config.load("entities")["person"]
    # cues are matched in the folded view (full-width punctuation made half-width)
    by_len = lambda xs: tuple(sorted({fold(x) for x in xs}, key=len, reverse=True))  # noqa: E731
    return Cues(frozenset(squeeze(cfg["surnames"])), by_len(cfg["compound_surnames"]),
                by_len(cfg["titles"]), by_len(cfg["after_name"]), by_len(cfg["before_words"]),
                by_len(cfg["credit_labels"] + cfg["sure_labels"]), frozenset(cfg["not_names"]),
                frozenset(cfg["sure_labels"]), tuple(config.load("units")["suffixes"]["org"]))


@functools.lru_cache(maxsize=8192)
def is_name(word: str) -> bool:
    """A surname and one or two given-name characters (a compound surname and one or two)."""
    c = cues()
    if not rx.fullmatch(r"\p{Han}+", word) or word in c.not_names:
        return False
    for sur in c.compound:
        if word.startswith(sur):
            return 3 <= len(word) <= 4
    return word[0] in c.surnames and 2 <= len(word) <= 3


NAME = r"\p{Han}{2,4}"


def credit_names(line: str) -> list[tuple[int, int]]:
    """Spans (in the line) of the names after credit labels and before `摄`."""
    c = cues()
    spans = []
    label_re, token_re, photo_re, closing_re = _credit_patterns()
    for m in label_re.finditer(line):
        pos = m.end()
        while (tok := token_re.match(line, pos)) is not None:
            word = tok.group(1)
            if label_re.fullmatch(word):
                break
            if m.group() in c.sure and 2 <= len(word) <= 6:  # 签发人 names a person, of any name shape
                spans.append(tok.span(1))
                break
            if not is_name(word):
                head = _longest_name(word)
                if head and word[len(head):] in ("报道", "整理", "摄", "供图", "编辑"):
                    spans.append((tok.start(1), tok.start(1) + len(head)))
                break
            spans.append(tok.span(1))
            pos = tok.end()
    if "摄" in line:
        for m in photo_re.finditer(line):
            if is_name(m.group(1)):
                spans.append(m.span(1))
    m = closing_re.search(line) if ")" in line or "）" in line else None
    if m and is_name(m.group(1)):
        spans.append(m.span(1))
    return spans


@functools.lru_cache(maxsize=1)
def _credit_patterns():
    """Compiled once: credit labels, the names after them, `X 摄`, a closing `(X)`."""
    c = cues()
    labels = "|".join(regex.escape(x) for x in c.labels if len(x) > 1)
    short = "|".join(regex.escape(x) for x in c.labels if len(x) == 1)
    return (regex.compile(rf"(?:{labels})|(?<!\p{{Han}})(?:{short})(?=\s*[/／:：])"),
            regex.compile(r"[\s/／:：、]*(\p{Han}+)"),
            regex.compile(rf"(?:^|(?<=[。！？!?\s]))({NAME}?)\s*摄\s*$"),
            regex.compile(rf"[。！？”\"]\s*[(（]({NAME}?)[)）]\s*$"))


def _longest_name(chars: str) -> str | None:
    for n in range(min(4, len(chars)), 1, -1):
        if is_name(chars[:n]):
            return chars[:n]
    return None


def official_names(text: str, cue_matches: tuple[list[tuple[int, int]], list[tuple[int, int]]],
                   line: bool = False) -> list[tuple[int, int]]:
    """Spans in a text without spaces: `副市长彭晓明主持`, `习近平总书记`.  In a `line`, a
    name may also close it (`约谈人：县政府副县长 廖文彬`).  `cue_matches`: where an
    alternation of the titles, and one of the words after a name, match in text (`_cue_matches`)."""
    c = cues()
    spans = []
    title_matches, before_matches = cue_matches
    for _, i in title_matches:
        for n in (4, 3, 2):
            word = text[i:i + n]
            if len(word) == n and is_name(word) and (text.startswith(c.after, i + n) or
                                                       (line and i + n == len(text))):
                spans.append((i, i + n))
                break
    for at, _ in before_matches:
        for n in (3, 2, 4):
            word = text[max(0, at - n):at]
            if len(word) == n and is_name(word):
                spans.append((at - n, at))
                break
    return spans


def byline_name(line: str, previous: str) -> tuple[int, int] | None:
    """A name alone on its line under a heading (a commentary's author: `短评` / title / `许晴`)."""
    m = rx.fullmatch(r"\s*(\p{Han}{2,4})\s*", line)
    prev = previous.strip()
    if not m or not is_name(m.group(1)) or m.group(1).endswith(cues().place_ends):
        return None
    if not prev or rx.search(r"[。，,；;：:]", prev) or len(prev) > 40:
        return None
    return m.span(1)


def listed_name(line: str) -> tuple[int, int] | None:
    """A person listed with their unit, one a line (a 表彰 list): `王振华（青石镇人民政府）`."""
    if "(" not in line and "（" not in line:
        return None
    m = rx.fullmatch(r"\s*(?:\d+[.、．]\s*)?(\p{Han}{2,4})\s*[(（]\s*(\p{Han}[^()（）]{1,40}?)\s*[)）]\s*[;；,，。]?\s*", line)
    ends = cues().place_ends  # (a unit listed with its part, `王家村（村委会）`, is no person)
    if m and is_name(m.group(1)) and not m.group(1).endswith(ends) and m.group(2).endswith(ends):
        return m.span(1)
    return None


@functools.lru_cache(maxsize=1)
def _cue_automaton() -> ahocorasick.Automaton:
    """Titles and words after a name, each with (its length, a title?, a word after a name?);
    spelt backwards, for the text run backwards: a dozen last characters at the root, not
    three dozen first ones (every character of the text tries the root's children)."""
    titles, before = set(cues().titles), set(cues().before)
    both = list(titles | before)
    return literal_automaton(both, reversed_=True, values=[(len(c), c in titles, c in before) for c in both])


def _cues_in(flat: Compact) -> list[tuple[int, int, bool, bool]]:
    """(start, length, a title?, a word after a name?) of every cue in the squeezed text, by start."""
    found = [(at, n, title, after) for at, (n, title, after) in backward_occurrences(_cue_automaton(), flat.text)]
    found.reverse()  # (found right to left)
    return found


def _cue_matches(found: list[tuple[int, int, bool, bool]], starts: list[int], i: int,
                 j: int) -> tuple[list[tuple[int, int]], list[tuple[int, int]]]:
    """The `literal_matches` of the titles, and of the words after a name, in text[i:j] (offsets
    in it), from the cues `found` in the text (`_cues_in`; `starts`: theirs): one scan of the
    text serves every line."""
    inside = [(at - i, n, title, after) for at, n, title, after
              in found[bisect.bisect_left(starts, i):bisect.bisect_left(starts, j)] if at + n <= j]
    return (leftmost_longest((at, n) for at, n, title, _ in inside if title),
            leftmost_longest((at, n) for at, n, _, after in inside if after))


def _lines_with_cues(flat: Compact, lines: list, found: list) -> set[int]:
    """The indices of the lines (in order, as split) whose squeezed text holds a title or a
    word after a name (`found`: `_cues_in(flat)`): the only lines `official_names` can find
    a name in."""
    offsets = flat.offsets
    return parts_holding(((offsets[at], offsets[at + n - 1] + 1) for at, n, _, _ in found), lines)


@functools.lru_cache(maxsize=1)
def _credit_automaton() -> ahocorasick.Automaton:
    """What a line needs for `credit_names` or `listed_name` to find anything in it: a long
    credit label, `摄`, a bracket (the short labels, `文`, `图`, are `_short_label_re`'s)."""
    return literal_automaton([x for x in cues().labels if len(x) > 1] + ["摄", "(", "（", ")", "）"])


@functools.lru_cache(maxsize=1)
def _short_label_re() -> regex.Pattern | None:
    short = "|".join(regex.escape(x) for x in cues().labels if len(x) == 1)
    return regex.compile(rf"(?:{short})[^\S\n]*[/／:：]") if short else None


def _lines_with_credits(view: str, lines: list) -> set[int]:
    found = [(last - n + 1, last + 1) for last, n in _credit_automaton().iter(view)]
    short = _short_label_re()
    if short is not None:
        found += [m.span() for m in short.finditer(view)]
    return parts_holding(found, lines)


def find(view: str, lines, bylines: bool = False, flat: Compact | None = None) -> list[tuple[int, int]]:
    """Raw spans of every person mention in the document (`bylines`: a news page, where a
    name alone under a heading is its author; `flat`: `compact(view)` if already made)."""
    flat = flat or compact(view)
    lines = list(lines)  # (as split: in order)
    cues_found = _cues_in(flat)
    cue_starts = [at for at, _, _, _ in cues_found]
    with_cues = _lines_with_cues(flat, lines, cues_found)
    with_credits = _lines_with_credits(view, lines)
    found: set[tuple[int, int]] = set()
    previous = ""
    # only a byline needs every line (the one before it); else only lines with something to read
    for k in range(len(lines)) if bylines else sorted(with_cues | with_credits):
        ln = lines[k]
        text = view[ln.start:ln.end]
        if not text.strip():
            continue  # (nothing to find, and not a `previous` line)
        if k in with_credits:
            for a, b in credit_names(text):
                found.add((ln.start + a, ln.start + b))
        if k in with_cues:
            i, j = flat.index_range(ln.start, ln.end)
            line = flat.cut(ln.start, ln.end)
            for a, b in official_names(line.text, _cue_matches(cues_found, cue_starts, i, j), line=True):
                found.add(line.span(a, b))
        span = (byline_name(text, previous) if bylines else None) or (listed_name(text) if k in with_credits else None)
        if span:
            found.add((ln.start + span[0], ln.start + span[1]))
        previous = text
    for a, b in official_names(flat.text, _cue_matches(cues_found, cue_starts, 0, len(flat.text))):
        found.add(flat.span(a, b))
    names = {squeeze(view[a:b]) for a, b in found}
    for name in names:  # every recurrence (a plain substring search, like a literal pattern's)
        at = flat.text.find(name)
        while at >= 0:
            found.add(flat.span(at, at + len(name)))
            at = flat.text.find(name, at + len(name))
    return sorted(found)
