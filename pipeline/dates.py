"""Dates and periods in Chinese text, normalised to ISO forms (SCHEMA.md `DATE`).

* `2023年9月28日`, `2025年 4月 1日`, `二〇二三年九月二十八日`, `二OO六年二月十六日`,
  `2018年5月25`, `2021-03-25` -> `YYYY-MM-DD`
* `3月2日` -> `YYYY-03-02` when the document's year is known, else `--03-02`
* `4月15日至18日`, `11月28日-12月2日` -> `start/end`
* `2023年上半年` -> `2023-H1`, `第二季度` -> `2023-Q2`, `2024年度` -> `2024`, `2018年5月` -> `2018-05`

Every pattern runs on the folded view and tolerates the spaces PDF extraction puts
inside numbers, so a match's span is a raw span.  Chinese numerals go through cn2an.
"""
from __future__ import annotations

import bisect
import functools
from collections import Counter
from dataclasses import dataclass

import cn2an
import regex

from .normalise import squeeze
from .spans import Spans

CN_DIGIT = "〇零一二三四五六七八九十"
# the letter O, the circle and the digit zero stand in for 〇 in typed documents
ZERO_LOOKALIKES = "OoΟ○0０"
_CN = f"[{CN_DIGIT}{ZERO_LOOKALIKES}]"
S = r"[ \t\u3000]*"  # spaces inside a date (never a line break)

NUM = r"\d{1,2}|[一二三四五六七八九十]{1,3}"  # a month or a day
YEAR = rf"(?P<y>\d{{4}}|{_CN}{{4}}){S}年"
MONTH = rf"(?P<m>{NUM}){S}月"
DAY = rf"(?P<d>{NUM})"
MONTH2 = rf"(?:(?P<m2>{NUM}){S}月{S})?"
DAY2 = rf"(?P<d2>{NUM}){S}日"
SPAN_SEP = rf"{S}(?:至|到|—|-|－|~|～|－){S}"
NOT_NUM = r"(?![\d一二三四五六七八九十])"

# order matters: longer forms first, the first match at a position wins
PATTERNS = [
    ("span", regex.compile(rf"(?:{YEAR}{S})?{MONTH}{S}{DAY}{S}日{SPAN_SEP}{MONTH2}{DAY2}")),
    ("iso", regex.compile(r"(?<!\d)(?P<y>\d{4})(?P<sep>[-./])(?P<m>\d{1,2})(?P=sep)(?P<d>\d{1,2})(?!\d)")),
    ("date", regex.compile(rf"{YEAR}{S}{MONTH}{S}{DAY}(?:{S}日|{NOT_NUM})")),
    ("half", regex.compile(rf"(?:{YEAR}{S})?(?P<h>上半年|下半年)")),
    ("quarter", regex.compile(rf"(?:{YEAR}{S})?第?{S}(?P<q>[一二三四1-4]){S}季度")),
    ("month", regex.compile(rf"{YEAR}{S}{MONTH}(?!{S}[\d一二三四五六七八九十])")),
    ("monthday", regex.compile(rf"(?<![\d年]){MONTH}{S}{DAY}{S}日")),
    ("year", regex.compile(rf"(?<!\d)(?P<y>\d{{4}}|{_CN}{{4}}){S}年(?P<du>度)?")),
]


# literals every match of a kind contains: a view without one of them is not searched
REQUIRED = {"span": ("月", "日"), "date": ("年", "月"), "half": ("半年",), "quarter": ("季度",),
            "month": ("年", "月"), "monthday": ("月", "日"), "year": ("年",)}
# what every match of a kind holds, a piece of its pattern around those literals (and no line
# break): a line without it is not searched.  (Searched once in all the dated lines, a literal
# first: far fewer positions to try than a pattern opening with an optional year.)
_YEAR_MONTH = regex.compile(rf"年{S}(?:{NUM}){S}月")
MARKS = {"span": regex.compile(rf"日{SPAN_SEP}"), "date": _YEAR_MONTH, "half": regex.compile("半年"),
         "quarter": regex.compile("季度"), "month": _YEAR_MONTH,
         "monthday": regex.compile(rf"月{S}(?:{NUM}){S}日"), "year": regex.compile("年")}


@dataclass
class DateMention:
    start: int
    end: int
    kind: str  # date, span, iso, half, quarter, month, monthday, year
    norm: str | None
    year: int | None  # the year printed in the mention, if any


@functools.lru_cache(maxsize=1024)
def to_int(num: str) -> int:
    """A number printed in Arabic or Chinese numerals (`二〇二三`, `二OO六`, `二十八`)."""
    num = squeeze(num)
    if num.isdigit():
        return int(num)
    if len(num) == 4 and "十" not in num:  # a year read digit by digit
        num = "".join("〇" if c in ZERO_LOOKALIKES else c for c in num)
    return int(cn2an.cn2an(num, "smart"))


def _iso(y: int | None, m: int, d: int) -> str | None:
    if not (1 <= m <= 12 and 1 <= d <= 31):
        return None
    return f"{y:04d}-{m:02d}-{d:02d}" if y else f"--{m:02d}-{d:02d}"


def _norm(kind: str, g: dict, year: int | None) -> tuple[str | None, int | None]:
    printed = to_int(g["y"]) if g.get("y") else None
    y = printed or year
    if printed is not None and not 1900 <= printed <= 2100:
        return None, None
    if kind in ("date", "iso", "monthday"):
        return _iso(y, to_int(g["m"]), to_int(g["d"])), printed
    if kind == "span":
        m1, d1 = to_int(g["m"]), to_int(g["d"])
        m2 = to_int(g["m2"]) if g.get("m2") else m1
        a, b = _iso(y, m1, d1), _iso(y, m2, to_int(g["d2"]))
        return (f"{a}/{b}" if a and b else None), printed
    if kind == "half":
        return (f"{y}-{'H1' if g['h'] == '上半年' else 'H2'}" if y else None), printed
    if kind == "quarter":
        return (f"{y}-Q{to_int(g['q'])}" if y else None), printed
    if kind == "month":
        m = to_int(g["m"])
        return (f"{y:04d}-{m:02d}" if 1 <= m <= 12 else None), printed
    return (f"{y:04d}" if y else None), printed


def find(view: str, start: int = 0, end: int | None = None, year: int | None = None) -> list[DateMention]:
    """Every date or period in view[start:end], left to right, not overlapping."""
    end = len(view) if end is None else end
    found: list[DateMention] = []
    spans = Spans()  # of `found`
    dated = _DatedLines(view) if start == 0 and end == len(view) else None
    for kind, pattern in PATTERNS:
        if dated is not None and kind in MARKS:  # (the lines holding its mark: no REQUIRED check)
            lines = dated.holding(MARKS[kind])
            matches, shift = pattern.finditer(lines.text), lines.shift
        elif kind == "iso":
            matches, shift = _iso_matches(view, start, end), None
        elif all(view.find(lit, start, end) >= 0 for lit in REQUIRED.get(kind, ())):
            matches, shift = pattern.finditer(view, start, end), None
        else:
            continue
        for m in matches:
            a, b = m.span()
            if shift is not None:  # a match lies in one line: its start's shift is its end's
                d = shift(a)
                a, b = a + d, b + d
            i = spans.place(a, b)
            if i < 0:
                continue
            try:
                norm, printed = _norm(kind, m.groupdict(), year)
            except (ValueError, KeyError):
                continue
            if norm is None and kind in ("date", "iso", "span", "year"):
                continue
            found.append(DateMention(a, b, kind, norm, printed))
            spans.insert(i, a, b)
    return sorted(found, key=lambda f: f.start)


_ISO = dict(PATTERNS)["iso"]
# an ISO date from its first separator on (a class to scan for, not four digits at every position)
_ISO_TAIL = regex.compile(r"(?<=(?<!\d)\d{4})([-./])\d{1,2}\1\d{1,2}(?!\d)")


def _iso_matches(view: str, start: int, end: int):
    """The matches of the "iso" pattern in view[start:end], found from their tails: the tail
    ends where the match does, and holds no four digits, so the next match starts after it."""
    for tail in _ISO_TAIL.finditer(view, start, end):
        if tail.start() - 4 >= start:  # (the look-behind sees before `start`; the pattern does not)
            m = _ISO.match(view, tail.start() - 4, end)
            if m is not None:
                yield m


# a line without one of these holds no date but an ISO one (`2021-03-25`)
_DATE_WORD = regex.compile(r"[年月]|季度")


class _DatedLines:
    """The lines of a text that hold 年, 月 or 季度, joined by line breaks, to search
    instead of the whole text: no pattern matches across a line break, and the one before
    or after a line looks the same to a lookaround as the text's own end of line."""

    def __init__(self, view: str | None, lines: list[tuple[int, str]] | None = None):
        if lines is None:  # (else: some lines of another _DatedLines, as (start in view, text))
            assert view is not None  # (only made from lines without a view)
            lines, search = [], _DATE_WORD.search
            m = search(view)
            while m is not None:
                line_start = view.rfind("\n", 0, m.start()) + 1
                line_end = view.find("\n", m.start())
                line_end = len(view) if line_end < 0 else line_end
                lines.append((line_start, view[line_start:line_end]))
                m = search(view, line_end)  # (the next line that holds one)
        self.lines = lines
        self.starts, self.shifts = [], []  # a line's start in `text`, and view - text
        size = 0
        for line_start, line in lines:
            self.starts.append(size)
            self.shifts.append(line_start - size)
            size += len(line) + 1
        self.text = "\n".join([line for _, line in lines])
        self._holding: dict[regex.Pattern, _DatedLines] = {}

    def holding(self, mark: regex.Pattern) -> "_DatedLines":
        """Those of the lines where `mark` (a kind's MARKS: its matches hold one) is found, so
        that a kind's pattern reads a few lines: one search of the joined text, and a mark
        never holds a line break."""
        if mark not in self._holding:
            kept, search, starts = [], mark.search, self.starts
            m = search(self.text)
            while m is not None:
                k = bisect.bisect_right(starts, m.start()) - 1
                kept.append(self.lines[k])
                m = search(self.text, starts[k + 1]) if k + 1 < len(starts) else None  # (the next line)
            self._holding[mark] = self if len(kept) == len(self.lines) else _DatedLines(None, kept)
        return self._holding[mark]

    def shift(self, at: int) -> int:
        """view - text at text offset `at`: that of the line `at` is in."""
        return self.shifts[bisect.bisect_right(self.starts, at) - 1]



def parse(text: str, year: int | None = None) -> str | None:
    """The ISO form of a text that is one date or period (None if it is not)."""
    stripped = text.strip()
    for f in find(stripped, year=year):
        if f.start == 0 and not stripped[f.end:].strip(" 日"):
            return f.norm
    return None


def main_year(view: str) -> int | None:
    """The year a text is about: the year printed most often (None if none)."""
    years = [f.year for f in find(view) if f.year]
    return Counter(years).most_common(1)[0][0] if years else None
