"""The cues of configs/sections.toml, and their cheap matching.

Every pattern list of the config is compiled into one Cue, which can tell at once
that a line holds none of the words a match needs; all_cue_words finds in one pass
which of the words of every cue a text holds.
"""
from __future__ import annotations

import functools
import operator
from collections.abc import Iterable

import ahocorasick
import regex
from mypy_extensions import mypyc_attr

from . import config
from .gazetteer import literal_automaton
from .pattern_words import first_char, last_char, required_words, top_level_bars


@functools.lru_cache(maxsize=1)
def cues() -> dict:
    """configs/sections.toml with every pattern list compiled into one Cue."""
    def comp(value):
        if isinstance(value, list) and value and all(isinstance(v, str) for v in value):
            return Cue(value)
        if isinstance(value, dict):
            return {k: comp(v) if k not in ("bullets", "header_words", "header_suffixes", "name_endings", "leader_speech_words") else v
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
        self.regex = regex.compile(union(patterns))
        self.search, self.match, self.finditer = self.regex.search, self.regex.match, self.regex.finditer
        # patterns alike in being anchored and in the words they need are tried as one
        groups: dict[tuple[bool, frozenset | None], list[str]] = {}
        words: list[tuple[str, ...] | None] = []
        for p in patterns:
            ws = required_words(p)
            words.append(ws)
            # (the key's words are the group's words: None, or the set every pattern of it needs)
            groups.setdefault((p.startswith("^") and not top_level_bars(p), None if ws is None else frozenset(ws)), []).append(p)
        self.parts = [_Part(ps, anchored, ws) for (anchored, ws), ps in groups.items()]
        self.blind = [part for part in self.parts if part.words is None]  # tried on every line
        self.by_word: dict[str, list[_Part]] = {}
        for part in self.parts:
            for w in part.words or ():
                self.by_word.setdefault(w, []).append(part)
        # every word that some match must contain, or None when a pattern needs none
        known = [ws for ws in words if ws is not None]
        self.words = None if len(known) < len(words) else frozenset(w for ws in known for w in ws)
        self._automaton: ahocorasick.Automaton | None = None
        firsts = [first_char(p) if p.startswith("^") and not top_level_bars(p) else None for p in patterns]
        opens = [c for c in firsts if c is not None]
        self._opens = None if len(opens) < len(firsts) else _FirstChar("|".join(opens))

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
        automaton = self._automaton
        if automaton is None:
            automaton = self._automaton = literal_automaton(self.words)
        return sorted((end + 1 - size, end + 1) for end, size in automaton.iter(s))


class _Part:
    """Patterns of a cue alike in being anchored or not and in needing known words."""
    __slots__ = ("pattern", "anchored", "words", "opens", "ends")

    def __init__(self, patterns: list[str], anchored: bool, words: frozenset | None):
        self.pattern = regex.compile(union(patterns))
        self.anchored, self.words = anchored, words
        firsts = [first_char(p) for p in patterns] if anchored else [None]
        opens = [c for c in firsts if c is not None]
        self.opens = None if len(opens) < len(firsts) else _FirstChar("|".join(opens))
        lasts = [last_char(p) for p in patterns]
        ends = [c for c in lasts if c is not None]
        self.ends = None if len(ends) < len(lasts) else _LastChar("|".join(ends))

    def hit(self, s: str) -> bool:
        if not s:
            return self.pattern.search(s) is not None
        if self.ends is not None and not self.ends[s[-1]]:
            return False
        if self.anchored:
            return (self.opens is None or self.opens[s[0]]) and self.pattern.match(s) is not None
        return self.pattern.search(s) is not None


@mypyc_attr(native_class=False)  # (compiled, a dict subclass with __missing__ is a native class it cannot be)
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


@mypyc_attr(native_class=False)
class _LastChar(_FirstChar):
    """Whether a character can close a match ending at `$`: self[ch]."""

    def __init__(self, source: str):
        super().__init__(source)
        self["\n"] = True  # `$` also matches before a final line break: not told


def union(patterns: Iterable[str]) -> str:
    """One pattern that matches where any of `patterns` does, each in a group of its own (at a
    position the first listed that matches wins).  Inline flags, conditionals and back-references
    read differently inside it: see `combinable`."""
    return "|".join(f"(?:{v})" for v in patterns)


# flags, conditionals and back-references read differently inside a bigger pattern
_NOT_COMBINABLE = regex.compile(r"\(\?(?![:=!<]|P<)|\\\d")


def combinable(patterns: Iterable[str]) -> bool:
    """Whether `union(patterns)` matches where one of `patterns` does: none holds what reads
    differently inside it.  (Cue joins the patterns of sections.toml without asking.)"""
    return not any(_NOT_COMBINABLE.search(p) for p in patterns)


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
    words = list(found)
    return literal_automaton(words, values=words)


def cue_words_in(text: str) -> frozenset:
    return frozenset(map(_SECOND, all_cue_words().iter(text)))


_SECOND = operator.itemgetter(1)


@functools.lru_cache(maxsize=1)
def header_words() -> frozenset[str]:
    return frozenset(cues()["table"]["header_words"])


@functools.lru_cache(maxsize=1)
def org_ending():
    return regex.compile("(" + "|".join(cues()["wrap"]["name_endings"]) + r")([(（].{1,20}[)）])?$")


@functools.lru_cache(maxsize=1)
def org_endings() -> tuple[str, ...] | None:
    """The name endings, when all are plain words (None: some is a pattern)."""
    endings = tuple(cues()["wrap"]["name_endings"])
    return None if any(regex.escape(e) != e for e in endings) else endings
