"""Stage 'entities': ORG, GPE, PERSON, DATE, DOC_NUMBER and TITLE_REF mentions.

Every span is found in the folded view and is a raw span, so `raw[start:end] == text`
always holds; `norm` carries the joinable form:

* ORG: each table row's unit where it is printed, and known units in running text
  (the document's own units and the jieba user dictionary in models/); `norm` is the
  full name (`units.full_name`), the same as the rows' `unit_full`;
* GPE: provinces, cities and counties of the gazetteer, the document's own region;
* PERSON: `persons.find`;
* DATE: `dates.find` (ISO, spans, periods), resolved against the document's year;
* DOC_NUMBER: any `X〔2023〕3号`, own or cited, `norm` with 〔〕 and no spaces;
* TITLE_REF: a cited 《…》 document, `norm` its title with wraps and spaces removed.
"""
from __future__ import annotations

import bisect
import collections
import functools
import itertools

import ahocorasick
import regex

from . import config, dates, gazetteer, persons, rx, segmenter, units  # units also registers the "units" stage
from .config import MODELS_DIR
from .elements import DOC_NUMBER_RE, norm_doc_number
from .model import Document, Entity
from .normalise import Compact, clean, compact, fold
from .registry import register

USER_DICT = MODELS_DIR / "units.dict"


class Spans:
    """Spans that never overlap, sorted by start and so by end too: an overlap test is a
    bisection, not a scan."""

    __slots__ = ("starts", "ends")

    def __init__(self):
        self.starts: list[int] = []
        self.ends: list[int] = []

    def overlaps(self, start: int, end: int) -> bool:
        i = bisect.bisect_right(self.ends, start)  # the first span ending after `start`
        return i < len(self.ends) and self.starts[i] < end

    def insert(self, start: int, end: int) -> None:
        i = bisect.bisect_left(self.starts, start)
        self.starts.insert(i, start)
        self.ends.insert(i, end)


class Mentions:
    """Entities of one document, kept free of duplicates and of overlaps within a type."""

    def __init__(self, doc: Document):
        self.doc = doc
        self.items: dict[tuple[str, int, int], Entity] = {}
        self.spans: dict[str, Spans] = collections.defaultdict(Spans)  # per type

    def add(self, type_: str, start: int, end: int, norm: str | None = None) -> None:
        raw = self.doc.raw
        while start < end and raw[start].isspace():
            start += 1
        while end > start and raw[end - 1].isspace():
            end -= 1
        spans = self.spans[type_]
        if start >= end or spans.overlaps(start, end):
            return
        spans.insert(start, end)
        self.items[(type_, start, end)] = Entity(type_, raw[start:end], start, end, norm)

    def covered(self, start: int, end: int, types: tuple[str, ...]) -> bool:
        for type_ in types:
            if self.spans[type_].overlaps(start, end):
                return True
        return False

    def sorted(self) -> list[Entity]:
        return sorted(self.items.values(), key=lambda e: (e.start, e.end, e.type))


def add_units(doc: Document, found: Mentions, flat: Compact) -> None:
    """Table units where their row prints them; then the same units and dictionary units in running text."""
    known: dict[str, str] = {}
    text, offsets = flat.text, flat.offsets
    for rec in doc.records:
        key = squeezed_unit(rec.unit)
        if not key:
            continue
        known.setdefault(key, rec.unit_full)
        i, j = persons.flat_range(flat, rec.start, rec.end)  # the name as printed, spaces between its characters allowed
        at = text.find(key, i, j)
        if at >= 0:
            found.add("ORG", offsets[at], offsets[at + len(key) - 1] + 1, rec.unit_full)
    for word in dictionary_units_in(text):  # (the others are not searched for)
        known.setdefault(word, None)
    orgs = found.spans["ORG"]
    for key in sorted(known, key=len, reverse=True):
        if len(key) < 3:
            continue
        at = text.find(key)
        while at >= 0:  # plain substring search: hundreds of names over the text, in C
            start, end = offsets[at], offsets[at + len(key) - 1] + 1  # (flat.span)
            if not orgs.overlaps(start, end):
                found.add("ORG", start, end, known[key] or units.full_name(doc, doc.raw[start:end]))
            at = text.find(key, at + len(key))


# what `\s` matches (Unicode White_Space), to delete by str.translate rather than a regex
_NO_SPACES = str.maketrans("", "", "\t\n\v\f\r \x85\xa0\u1680\u2000\u2001\u2002\u2003\u2004\u2005"
                           "\u2006\u2007\u2008\u2009\u200a\u2028\u2029\u202f\u205f\u3000")


@functools.lru_cache(maxsize=16384)
def squeezed_unit(unit: str) -> str:
    """The unit folded, without the spaces `\\s` matches."""
    return fold(unit).translate(_NO_SPACES)


def add_running_text_orgs(doc: Document, found: Mentions, flat: Compact) -> None:
    """Organisations jieba tags `nt` in the prose (tables are already read), kept when they
    end like a unit: `市创建办`, `南平市共建办`.  A level word cut off before them is theirs."""
    suffixes = tuple(config.load("units")["suffixes"]["org"])
    level = tuple(config.load("units")["level_words"])
    generic = tuple(config.load("entities")["org"]["not_units"])
    prose = [s for s in doc.sections if s.type not in ("table", "table_title", "name_list", "masthead")]
    for start, end in ((s.start, s.end) for s in prose) if prose else [(0, flat.end)]:
        part = persons.within(flat, start, end)
        for begin, word, prev in tagged(part.text, "nt", _any_suffix(suffixes)):
            pos = begin + len(word)
            if word.endswith(suffixes) and not word.endswith(generic):
                if prev in level:
                    begin -= 1
                if pos - begin >= 4 or prev in level:
                    a, b = part.span(begin, pos)
                    if not found.covered(a, b, ("ORG", "PERSON", "TITLE_REF")):
                        found.add("ORG", a, b, units.full_name(doc, doc.raw[a:b], in_table=False))


# punctuation ending a clause: never inside a word (jieba cuts a text into blocks of Han
# characters, Latin letters and digits, each block alone; any other character is a word)
_CLAUSE_BREAK = regex.compile(r"[。，,；;：:、！!？?]")


def tagged(text: str, flag: str, wanted: regex.Pattern):
    """(offset, word, previous word) of the words `segmenter.tag(text)` tags `flag`, in the
    clauses only that `wanted` finds something in: a clause is tagged alike alone, and the
    word before it is the break before it.  Neighbouring wanted clauses go together."""
    runs, begin = [], 0  # the (start, end) of runs of wanted clauses
    for end in [m.start() for m in _CLAUSE_BREAK.finditer(text)] + [len(text)]:
        if wanted.search(text, begin, end):
            if runs and runs[-1][1] == begin - 1:
                runs[-1] = (runs[-1][0], end)
            else:
                runs.append((begin, end))
        begin = end + 1
    for start, end in runs:
        tags = segmenter.tag(text[start:end])
        hits = [k for k, (_, f) in enumerate(tags) if f == flag]
        if hits:
            offsets = list(itertools.accumulate((len(w) for w, _ in tags), initial=start))
            for k in hits:
                yield offsets[k], tags[k][0], tags[k - 1][0] if k else (text[start - 1] if start else None)


@functools.lru_cache(maxsize=4)
def _any_suffix(suffixes: tuple[str, ...]) -> regex.Pattern:
    return regex.compile("|".join(map(regex.escape, suffixes)))


@functools.lru_cache(maxsize=1)
def dictionary_units() -> tuple[str, ...]:
    """The unit names of the jieba user dictionary in models/ (`python -m pipeline.build_models`)."""
    if not USER_DICT.exists():
        return ()
    words = []
    for line in USER_DICT.read_text(encoding="utf-8").splitlines():
        parts = line.split()
        if len(parts) >= 3 and parts[2] == "nt":
            words.append(parts[0])
    return tuple(words)


@functools.lru_cache(maxsize=1)
def _dictionary_automaton() -> ahocorasick.Automaton:
    """The dictionary units spelt backwards (few last characters: a small root, a fast scan)."""
    automaton = ahocorasick.Automaton()
    for i, word in enumerate(dictionary_units()):
        if not automaton.exists(word[::-1]):  # (a word listed twice keeps its first place)
            automaton.add_word(word[::-1], i)
    automaton.make_automaton()
    return automaton


def dictionary_units_in(text: str) -> list[str]:
    """The dictionary units that occur in text, in one pass, in the dictionary's order."""
    if not dictionary_units():
        return []
    words = dictionary_units()
    return [words[i] for i in sorted({i for _, i in _dictionary_automaton().iter(text[::-1])})]


def add_places(doc: Document, found: Mentions, flat: Compact) -> None:
    gaz = gazetteer.load()
    for i, div in gaz.find_all(flat.text):
        start, end = flat.span(i, i + len(div.name))
        if not found.covered(start, end, ("ORG", "PERSON")):
            found.add("GPE", start, end, units.full_name(doc, doc.raw[start:end]))


# the `〔2023〕3号` a document number ends with: brackets and digits, quick to search for
_DOC_NUMBER_TAIL = regex.compile(r"[〔\[［【(（]\s*\d{4}\s*[〕\]］】)）]\s*\d{1,5}\s*号")


def doc_numbers(view: str):
    """The matches of `DOC_NUMBER_RE.finditer(view)`, found from their tails: the pattern
    opens with one to ten Han characters, slow to try at every position of a text.  A tail
    holds no opening bracket but its first, so tails never overlap; the issuer's code before
    one is at most ten characters and some spaces back."""
    done = 0  # where the last match ended: finditer goes on from there
    for tail in _DOC_NUMBER_TAIL.finditer(view):
        code_end = tail.start()
        while code_end > done and view[code_end - 1].isspace():  # (isspace covers every \s)
            code_end -= 1
        m = DOC_NUMBER_RE.search(view, max(done, code_end - 10), tail.end())
        if m:
            yield m
            done = m.end()


def add_numbers_and_titles(found: Mentions, view: str) -> None:
    for m in doc_numbers(view):
        code = rx.sub(r"^(根据|按照|依据|依照|参照|见|及|和|与|或)", "", m["code"])
        found.add("DOC_NUMBER", m.start() + len(m["code"]) - len(code), m.end(),
                  norm_doc_number(m).replace(m["code"], code, 1))
    for m in rx.finditer(r"《[^《》\n]{1,80}(?:\n[^《》\n]{0,80}){0,3}》", view):
        found.add("TITLE_REF", m.start(), m.end(), compact(clean(m.group()[1:-1])).text)


def add_dates(doc: Document, found: Mentions, view: str) -> None:
    for d in dates.find(view, year=doc.work.get("year")):
        if not found.covered(d.start, d.end, ("DOC_NUMBER",)):
            found.add("DATE", d.start, d.end, d.norm)


def find_entities(doc: Document) -> Document:
    view = doc.work.get("view") or fold(doc.raw)
    flat = compact(view)  # made once: every finder reads the view without its spaces
    found = Mentions(doc)
    for start, end in persons.find(view, doc.work["lines"], bylines=doc.genre == "newspaper", flat=flat):
        found.add("PERSON", start, end, rx.sub(r"\s+", "", view[start:end]))
    add_units(doc, found, flat)
    add_numbers_and_titles(found, view)
    add_running_text_orgs(doc, found, flat)
    add_places(doc, found, flat)
    add_dates(doc, found, view)
    doc.entities = found.sorted()
    return doc


@register("entities")
def make_entities():
    return find_entities
