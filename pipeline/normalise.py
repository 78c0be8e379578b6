"""Normalise: the working view of a document, with every offset still a raw offset.

* `view` is the raw text folded character for character (full-width ASCII to
  half-width, the ideographic space to a space, traditional characters to
  simplified), so `view[i]` always stands for `raw[i]` and a match in the view is
  a match in the raw text at the same offsets.
* `lines` are the raw lines (without their line break) as (start, end) pairs.
* `paragraphs` group lines into logical paragraphs: PDF hard wraps re-joined, with
  or without blank lines between the pieces.
* `compact()` drops the spaces that PDF extraction puts between Chinese characters
  and inside numbers (`2025年 4月 1日`), keeping a map back to raw offsets.
"""
from __future__ import annotations

import bisect
import functools
import re
from dataclasses import dataclass, field
from typing import Any, Callable

import regex

from . import config
from .model import Document
from .pattern_words import last_char
from .registry import register

CJK = r"\p{Han}"
_CJK_RE = regex.compile(CJK)
# characters after which a line is complete: a wrap never follows them
SENTENCE_END = set("。！？!?；;：:）)」』…】]》>")
_SIMPLIFIER: Any = None  # an opencc.OpenCC (untyped), made when first needed


def _simplifier():
    global _SIMPLIFIER
    if _SIMPLIFIER is None:
        import opencc
        _SIMPLIFIER = opencc.OpenCC("t2s")
    return _SIMPLIFIER


_WIDTH_TABLE: dict[int, int | str] = {c: c - 0xFEE0 for c in range(0xFF01, 0xFF5F)}
_WIDTH_TABLE.update({ord(c): " " for c in "\u3000\u00a0\u2002\u2003\u2009\ufeff"})


def fold_char(ch: str) -> str:
    return ch.translate(_WIDTH_TABLE)


_WIDE_CHARS = {chr(k): chr(v) if isinstance(v, int) else v for k, v in _WIDTH_TABLE.items()}
# stdlib re: a substitution per wide character costs a seventh of str.translate with a
# dict table, which looks up every character of the text
_WIDE_RE = re.compile("[" + re.escape("".join(_WIDE_CHARS)) + "]")


def _narrow(m: re.Match) -> str:
    return _WIDE_CHARS[m.group()]


def fold_width(text: str) -> str:
    """Full-width ASCII to half-width, unusual spaces to a space; same length."""
    return _WIDE_RE.sub(_narrow, text)


def fold(text: str) -> str:
    """Same-length folding of width variants and traditional script."""
    return fold_script(fold_width(text))


def fold_script(out: str) -> str:
    """Traditional characters to simplified, keeping the length (input already width-folded)."""
    if has_traditional(out):
        simple = _simplifier().convert(out)
        if len(simple) == len(out):
            out = simple
        else:  # a phrase conversion changed the length: fall back to one character at a time
            conv = _simplifier().convert
            out = "".join(c if not _CJK_RE.match(c) else (conv(c) if len(conv(c)) == 1 else c) for c in out)
    return out


# one search in C (set.isdisjoint(text) made a str object of every character)
_TRAD_HINTS = re.compile("[們這個來說為與對會經將際華區縣鄉鎮機關員義與營國際發動條體傳點導產開辦進連環務單現應當實據達衛廳優獎懲]")


def has_traditional(text: str) -> bool:
    return _TRAD_HINTS.search(text) is not None


@dataclass
class Compact:
    """Text with whitespace removed, and the raw offset of each of its characters."""
    text: str
    offsets: list[int] | range  # read-only: a range when nothing was dropped
    end: int  # raw offset just after the last character

    def span(self, i: int, j: int) -> tuple[int, int]:
        """Raw (start, end) of compact text[i:j]."""
        start = self.offsets[i] if i < len(self.offsets) else self.end
        end = self.offsets[j - 1] + 1 if j > 0 else start
        return start, end

    def index_range(self, start: int, end: int) -> tuple[int, int]:
        """Where the raw span start:end lies in the compact text: text[i:j]."""
        i = bisect.bisect_left(self.offsets, start)
        return i, bisect.bisect_left(self.offsets, end, i)

    def cut(self, start: int, end: int) -> Compact:
        """The compact text of the raw span start:end (`compact(view, start, end)`)."""
        i, j = self.index_range(start, end)
        return Compact(self.text[i:j], self.offsets[i:j], end)


_SPACE_RUN = regex.compile(r"\s+")
_TEXT_RUN = regex.compile(r"\S+")
_TEXT_RUN_KEEP_NL = regex.compile(r"[^\s]+|\n")


def squeeze(text: str) -> str:
    """`text` without any whitespace (the text of `compact`, without its offsets)."""
    return _SPACE_RUN.sub("", text)


# regex's `\s` is Python's str.isspace() but for the separators \x1c-\x1f (tests/test_normalise.py
# checks it), which str.split() drops too
_SEPARATORS = re.compile("[\x1c-\x1f]")


def _split_squeeze(text: str) -> str:
    return "".join(text.split())


def squeezer(text: str) -> Callable[[str], str]:
    """A `squeeze` for pieces of `text`: str.split()'s, a third of the cost, unless the
    text holds one of the separators \x1c-\x1f, which only str.split() takes for space."""
    return squeeze if _SEPARATORS.search(text) else _split_squeeze


def compact(text: str, start: int = 0, end: int | None = None, keep_newlines: bool = False) -> Compact:
    """Drop whitespace from text[start:end] (line breaks kept with `keep_newlines`);
    `text` is usually the folded view."""
    end = len(text) if end is None else end
    piece = text[start:end]
    if not _SPACE_RUN.search(piece):  # the common case: nothing to drop
        return Compact(piece, range(start, max(start, end)), end)
    offs: list[int] = []
    extend = offs.extend
    if keep_newlines or _SEPARATORS.search(piece):  # str.split() would take them for space
        pieces: list[str] = []
        for m in (_TEXT_RUN_KEEP_NL if keep_newlines else _TEXT_RUN).finditer(text, start, end):
            pieces.append(m.group())
            extend(range(m.start(), m.end()))
        return Compact("".join(pieces), offs, end)
    # str.split()'s runs, each found again from where the last ended (whitespace between
    # them): a third cheaper than match objects on a whole view
    pos, find = 0, piece.find
    pieces = piece.split()
    for run in pieces:
        i = find(run, pos)
        pos = i + len(run)
        extend(range(start + i, start + pos))
    return Compact("".join(pieces), offs, end)


def clean(text: str) -> str:
    """Display form of a raw span: wraps joined, spaces around Chinese removed."""
    if not _SPACE_RUN.search(text):
        return text  # nothing to join or remove
    lines = [ln for ln in (piece.strip() for piece in text.replace("\r", "").split("\n")) if ln]
    if not lines:
        return ""
    parts = [lines[0]]
    for before, ln in zip(lines, lines[1:]):
        a, b = before[-1], ln[0]
        if a.isascii() and b.isascii() and a.isalnum() and b.isalnum():
            parts.append(" ")  # only two ASCII words keep a space at a wrap
        parts.append(ln)
    out = "".join(parts)
    if " " in out or "\t" in out or "\u3000" in out:  # what both patterns remove
        out = _INNER_SPACE.sub("", out)
        out = _SPACE_NEXT_TO_HAN.sub("", out)
    return out


# clean() of short pieces that repeat across documents (table cells and lines, titles, names)
clean_cached = functools.lru_cache(maxsize=1 << 14)(clean)

_INNER_SPACE = regex.compile(r"(?<=[\p{Han}\p{P}\d])[ \t\u3000]+(?=[\p{Han}\p{P}\d])")
_SPACE_NEXT_TO_HAN = regex.compile(r"(?<=[\p{Han}])[ \t\u3000]+|[ \t\u3000]+(?=[\p{Han}])")


@dataclass(slots=True)
class Line:
    start: int
    end: int  # excludes the line break

    def text(self, s: str) -> str:
        return s[self.start:self.end]


@dataclass(slots=True)
class Paragraph:
    start: int
    end: int
    lines: list[Line] = field(default_factory=list)


def split_lines(raw: str) -> list[Line]:
    lines: list[Line] = []
    append, pos = lines.append, 0
    crlf = "\r" in raw
    for piece in raw.split("\n"):
        end = pos + len(piece)
        append(Line(pos, end - 1 if crlf and piece.endswith("\r") else end))
        pos = end + 1
    return lines


def typical_width(bodies: list[str]) -> int:
    """The width of a full line of running text (lines squeezed): where PDF extraction wraps."""
    widths = [w for w in map(len, bodies) if w >= 12]
    if len(widths) < 3:
        return 10 ** 6
    return sorted(widths)[int(len(widths) * 0.9)]


def is_wrapped(text: str, body: str, width: int) -> bool:
    """Does this line (`body`: its text squeezed) break in the middle of a sentence (a PDF hard wrap)?"""
    if "\t" in text or text.rstrip().endswith(("|", "｜")):
        return False  # a table row
    if not body or body[-1] in SENTENCE_END or body[-2:-1] in SENTENCE_END and body[-1] in "”’\"'":
        return False
    # (_ALIGNED needs three spaces, which squeezing dropped)
    if len(text) - len(body) >= 3 and _ALIGNED.search(text.strip()) \
            or _COMPLETE_LAST.fullmatch(body[-1]) and _COMPLETE_LINE.search(body):
        return False
    if text.lstrip()[:1].isdigit():
        tokens = text.split()
        if len(tokens) >= 3 and tokens[0].isdigit() and any(_NUMBER.match(t) for t in tokens[2:]):
            return False  # a row of a space-separated table
    if len(body) >= 40:
        return True
    if not max(12, int(width * 0.9)) <= len(body) <= width * 1.15 + 2:
        return False
    # a full-width line that is a unit's name (a list of names) is complete
    return not (_NAME_END.search(body) and not _PUNCT.search(body))


_NAME_END = regex.compile("(" + "|".join(config.load("sections")["wrap"]["name_endings"]) + ")$")
_ALIGNED = regex.compile(r"\s{3,}\S")
_PUNCT = regex.compile(r"[，,。、；;：:]")
_NUMBER = regex.compile(r"^\d+(\.\d+)?$")
# a line that ends a block even without punctuation: a date, an 印发 line
_COMPLETE_LINE = regex.compile(r"(\d+日|印发|\d{4}-\d{1,2}-\d{1,2}|通报|通知|决定|意见|公告)$")
# the characters it can end on, read off the pattern: most lines end on none of them
_COMPLETE_LAST = regex.compile(last_char(_COMPLETE_LINE.pattern))
# a line that starts a new block: a news lead, a numbered heading, a bullet
_BLOCK_START = regex.compile(r"^\s*(-\s*\S{1,8}[:：]|\p{Extended_Pictographic}|\S{2,6}[日晚]报\s*\d{4}年|\S{1,6}[:：]|本报讯|\S{2,8}讯\s|[一二三四五六七八九十]+、|[(（][一二三四五六七八九十]+[)）]|■|•)")


def paragraphs(view: str, lines: list[Line]) -> list[Paragraph]:
    texts = [view[ln.start:ln.end] for ln in lines]
    filled = [i for i, t in enumerate(texts) if t and not t.isspace()]
    squeeze_ = squeezer(view)
    bodies = {i: squeeze_(texts[i]) for i in filled}
    # a tabbed table's rows say nothing of the wrap width
    width = 10 ** 6 if "\t" in view else typical_width(list(bodies.values()))
    paras: list[Paragraph] = []
    current: Paragraph | None = None
    joining = False
    following = dict(zip(filled, filled[1:]))
    last = -2
    for i in filled:
        # blank lines end a paragraph unless it is joining a wrapped line
        if i > last + 1 and current is not None and not joining:
            paras.append(current)
            current = None
        last = i
        ln, text = lines[i], texts[i]
        if joining and (_BLOCK_START.match(text) or _is_headline_before_lead(texts, following, i)):
            joining = False
        if current is None:
            current = Paragraph(ln.start, ln.end, [ln])
        elif joining:
            current.end = ln.end
            current.lines.append(ln)
        else:
            paras.append(current)
            current = Paragraph(ln.start, ln.end, [ln])
        joining = is_wrapped(text, bodies[i], width)
    if current is not None:
        paras.append(current)
    return paras


def _is_headline_before_lead(texts: list[str], following: dict[int, int], i: int) -> bool:
    """A short line followed by a news lead (本报讯…) is a headline, not the tail of a wrap."""
    nxt = following.get(i)
    return nxt is not None and len(texts[i].strip()) <= 60 and bool(_LEAD.match(texts[nxt]))


_LEAD = regex.compile(r"^\s*(本报讯|\S{2,8}讯\s)")


@register("normalise")
def make_normalise():
    def normalise(doc: Document) -> Document:
        narrow = fold_width(doc.raw)
        view = fold_script(narrow)
        lines = split_lines(doc.raw)
        doc.work["view"] = view
        doc.work["lines"] = lines
        doc.work["paragraphs"] = paragraphs(view, lines)
        doc.work["traditional"] = view != narrow
        return doc
    return normalise
