"""China's provinces, prefecture-level cities and counties, offline.

The table is the one the cpca package ships (`cpca/resources/adcodes.csv`, national
administrative codes); it is read from the installed package, never downloaded.
Each division has its full name (`武夷山市`, `城步苗族自治县`) and a short name
(`武夷山`, `城步`: the generic suffix and ethnic qualifiers dropped), and its parent
comes from the code (`350782` -> city `350700` -> province `350000`).
"""
from __future__ import annotations

import csv
import functools
import importlib.util
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import ahocorasick

from . import config

LEVELS = ("province", "city", "county")


@dataclass(frozen=True)
class Division:
    code: str   # six digits
    name: str
    short: str
    level: str  # province, city, county

    @property
    def parent_code(self) -> str | None:
        if self.level == "county":
            return self.code[:4] + "00"
        if self.level == "city":
            return self.code[:2] + "0000"
        return None


class Gazetteer:
    def __init__(self, rows: list[tuple[str, str]], nations: list[str], skip: frozenset[str] = frozenset()):
        self.nations = nations
        self.by_code: dict[str, Division] = {}
        self.by_name: dict[str, list[Division]] = {}
        self.by_short: dict[str, list[Division]] = {}
        longest_nations = sorted(nations, key=len, reverse=True)  # (for short_name)
        for code, name in rows:
            if name in ("市辖区", "县", "省直辖县级行政区划", "自治区直辖县级行政区划") or name in skip:
                continue  # (skip: division names that are also common words, such as 城区)
            level = "province" if code[2:] == "0000" else "city" if code[4:] == "00" else "county"
            div = Division(code, name, short_name(name, longest_nations), level)
            self.by_code[code] = div
            self.by_name.setdefault(name, []).append(div)
            if len(div.short) >= 2:
                self.by_short.setdefault(div.short, []).append(div)
        self.longest_short = max(map(len, self.by_short), default=0)
        # the lengths of the names each character can start, longest first (for match_at)
        lengths: dict[str, set[int]] = {}
        for name in self.by_name:
            lengths.setdefault(name[0], set()).add(len(name))
        self.lengths_by_first = {c: sorted(ls, reverse=True) for c, ls in lengths.items()}
        # every full name at once (for find_all): an Aho-Corasick automaton of the names
        # spelt backwards, run over the text backwards, as its root then has a few children
        # (the last characters: 县, 区, 市 …) instead of a thousand first characters
        self.reversed_names = literal_automaton([n for n in self.by_name if len(n) >= 2], reversed_=True)

    def parent(self, div: Division) -> Division | None:
        code = div.parent_code
        parent = self.by_code.get(code) if code else None
        if parent is None and div.level == "county":  # a county of a municipality or a 省直辖 county
            parent = self.by_code.get(div.code[:2] + "0000")
        return parent

    def province_of(self, div: Division) -> Division | None:
        return self.by_code.get(div.code[:2] + "0000")

    def match_at(self, text: str, i: int) -> Division | None:
        """The longest division whose full name starts at text[i]."""
        for length in self.lengths_by_first.get(text[i:i + 1], ()):
            if length >= 2 and i + length <= len(text):
                divs = self.by_name.get(text[i:i + length])
                if divs:
                    return divs[0]
        return None

    def child_named(self, parent: Division, name: str, short: bool = False) -> Division | None:
        """The division of that (full or short) name directly under `parent`."""
        pool = (self.by_short if short else self.by_name).get(name, [])
        for div in pool:
            up = self.parent(div)
            if up is not None and up.code == parent.code:
                return div
        return None

    def find_all(self, text: str) -> list[tuple[int, Division]]:
        """Every full division name in text, left to right, longest first."""
        return [(start, self.by_name[text[start:end]][0])
                for start, end in literal_matches(self.reversed_names, text)]


def literal_automaton(words: Iterable[str], reversed_: bool = False,
                      values: Iterable[Any] | None = None) -> ahocorasick.Automaton:
    """An Aho-Corasick automaton of these (non-empty) words, each with its value: its length
    (for `literal_matches`) unless `values` gives them, in the words' order (a word listed
    twice keeps its first).  Spelt backwards (`reversed_`, for `backward_occurrences` and
    `literal_matches`) when the words share few last characters but start with many: its
    root then has a few children, not hundreds, and every character of the text tries them."""
    automaton = ahocorasick.Automaton()
    for word, value in zip(words, values) if values is not None else ((w, len(w)) for w in words):
        key = word[::-1] if reversed_ else word
        if not automaton.exists(key):
            automaton.add_word(key, value)
    automaton.make_automaton()
    return automaton


def backward_occurrences(automaton: ahocorasick.Automaton, text: str) -> list[tuple[int, Any]]:
    """(start, value) of every occurrence (overlapping ones too) in text of the words of an
    automaton spelt backwards, run over the text backwards: right to left."""
    if automaton.kind == ahocorasick.EMPTY:
        return []
    last = len(text) - 1  # a word's last character in the reversed text is its first
    return [(last - at, value) for at, value in automaton.iter(text[::-1])]


def literal_matches(automaton: ahocorasick.Automaton, text: str) -> list[tuple[int, int]]:
    """(start, end) of what `regex.finditer` of an alternation of the words, longest first,
    finds: left to right, the longest word at each place, never overlapping (`automaton`:
    a `literal_automaton` of the words spelt backwards, its values their lengths)."""
    return leftmost_longest(backward_occurrences(automaton, text))


def leftmost_longest(found) -> list[tuple[int, int]]:
    """(start, end) of the words kept of these (start, length) occurrences: left to right,
    the longest at each place, never overlapping (what `regex.finditer` keeps)."""
    longest: dict[int, int] = {}  # start -> length of the longest word starting there
    for start, n in found:
        if n > longest.get(start, 0):
            longest[start] = n
    out, pos = [], 0
    for start in sorted(longest):
        if start >= pos:
            pos = start + longest[start]
            out.append((start, pos))
    return out


def short_name(name: str, nations: list[str]) -> str:
    """`城步苗族自治县` -> `城步`, `武夷山市` -> `武夷山`, `衡阳市` -> `衡阳` (kept when too short);
    `nations` longest first."""
    suffixes = _suffixes_longest_first()
    base = name
    for suf in suffixes:
        if base.endswith(suf) and len(base) - len(suf) >= 2:
            base = base[: -len(suf)]
            break
    changed = True
    while changed:
        changed = False
        for nation in nations:
            for form in (nation, nation[:-1]):
                if len(form) >= 2 and base.endswith(form) and len(base) - len(form) >= 2:
                    base, changed = base[: -len(form)], True
                    break
            if changed:
                break
    return base


@functools.lru_cache(maxsize=1)
def _suffixes_longest_first() -> list[str]:
    """The generic suffixes, longest first (sorted once, not per name)."""
    suffixes = config.load("units")["suffixes"]["county"] + ["自治州", "自治区", "地区", "盟", "省", "州"]
    return sorted(suffixes, key=len, reverse=True)


@functools.lru_cache(maxsize=1)
def load() -> Gazetteer:
    # the csv files only: importing cpca itself would load pandas and its own tables (half a second)
    spec = importlib.util.find_spec("cpca")
    assert spec is not None and spec.origin is not None, "cpca is a dependency"
    res = Path(spec.origin).parent / "resources"
    with (res / "adcodes.csv").open(encoding="utf-8") as fh:
        rows = [(r["adcode"][:6], r["name"]) for r in csv.DictReader(fh)]
    with (res / "56_nations.csv").open(encoding="utf-8") as fh:
        nations = [ln.strip() for ln in fh if ln.strip()]
    return Gazetteer(rows, nations, frozenset(config.load("units")["not_divisions"]))
