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
import operator
import re

import ahocorasick

from . import (  # units also registers the "units" stage
    config,
    dates,
    gazetteer,
    persons,
    rx,
    segmenter,
    units,
)
from .config import MODELS_DIR
from .elements import DOC_NUMBER_RE, DOC_NUMBER_TAIL, norm_doc_number
from .model import Document, Entity
from .normalise import Compact, clean, compact, fold, squeeze
from .registry import register
from .spans import Spans

USER_DICT = MODELS_DIR / "units.dict"


class Mentions:
    """Entities of one document, kept free of duplicates and of overlaps within a type."""

    def __init__(self, doc: Document):
        self.doc = doc
        self.items: list[Entity] = []  # (no duplicates: a span overlaps itself)
        self.spans: dict[str, Spans] = collections.defaultdict(Spans)  # per type

    def add(self, type_: str, start: int, end: int, norm: str | None = None) -> None:
        raw = self.doc.raw
        while start < end and raw[start].isspace():
            start += 1
        while end > start and raw[end - 1].isspace():
            end -= 1
        spans = self.spans[type_]
        i = spans.place(start, end) if start < end else -1
        if i < 0:
            return
        spans.insert(i, start, end)
        self.items.append(Entity(type_, raw[start:end], start, end, norm))

    def covered(self, start: int, end: int, types: tuple[str, ...]) -> bool:
        for type_ in types:
            if self.spans[type_].overlaps(start, end):
                return True
        return False

    def sorted(self) -> list[Entity]:
        return sorted(self.items, key=operator.attrgetter("start", "end", "type"))


def add_units(doc: Document, found: Mentions, flat: Compact) -> None:
    """Table units where their row prints them; then the same units and dictionary units in running text."""
    known: dict[str, str | None] = {}
    text = flat.text
    add = found.add
    for rec in doc.records:
        key = squeeze(fold(rec.unit))
        if not key:
            continue
        known.setdefault(key, rec.unit_full)
        # the name as printed, spaces between its characters allowed
        at = text.find(key, *flat.index_range(rec.start, rec.end))
        if at >= 0:
            add("ORG", *flat.span(at, at + len(key)), rec.unit_full)
    for word in dictionary_units_in(text):  # (the others are not searched for)
        known.setdefault(word, None)
    orgs = found.spans["ORG"]
    keys = [key for key in sorted(known, key=len, reverse=True) if len(key) >= 3]
    for n, places in sorted(_occurrences(keys, text).items()):  # longest names first
        key = keys[n]
        free = 0  # each name's occurrences as `str.find` steps through them: not overlapping
        for at in places:
            if at < free:
                continue
            free = at + len(key)
            start, end = flat.span(at, at + len(key))
            if not orgs.overlaps(start, end):  # (a row's own name is an ORG, or overlaps one)
                add("ORG", start, end, known[key] or units.full_name(doc, doc.raw[start:end]))


def _occurrences(keys: list[str], text: str) -> dict[int, list[int]]:
    """Where each of these words occurs in text (overlaps too): {index in keys: starts, left
    to right}.  One Aho-Corasick pass for all: a text.find per name was quadratic in a long
    table.  Names spelt backwards: the automaton's root then has the few last characters
    (局, 委, 会 …) as children, not a hundred first ones."""
    if not keys:
        return {}
    if len(keys) * len(text) <= _FIND_LIMIT:  # a few names in a short text: an automaton costs more to build
        return _found_by_find(keys, text)
    found = collections.defaultdict(list)
    automaton = gazetteer.literal_automaton(keys, reversed_=True, values=range(len(keys)))
    for at, n in gazetteer.backward_occurrences(automaton, text):
        found[n].append(at)
    for places in found.values():
        places.reverse()
    return found


_FIND_LIMIT = 50_000  # names × characters up to which str.find beats an automaton


def _found_by_find(keys: list[str], text: str) -> dict[int, list[int]]:
    """`_occurrences` by str.find, one name after another."""
    found: dict[int, list[int]] = {}
    for n, key in enumerate(keys):
        at = text.find(key)
        if at >= 0:
            places = found[n] = []
            while at >= 0:
                places.append(at)
                at = text.find(key, at + 1)
    return found


def add_running_text_orgs(doc: Document, found: Mentions, flat: Compact) -> None:
    """Organisations jieba tags `nt` in the prose (tables are already read), kept when they
    end like a unit: `市创建办`, `南平市共建办`.  A level word cut off before them is theirs."""
    suffixes, level, generic = _org_words()
    prose = [s for s in doc.sections if s.type not in ("table", "table_title", "name_list", "masthead")]
    ranges = [flat.index_range(s.start, s.end) for s in prose] if prose else [(0, len(flat.text))]
    for at, word, prev in tagged(flat.text, ranges, "nt", _suffix_clauses()):
        begin, pos = at, at + len(word)
        if word.endswith(suffixes) and not word.endswith(generic):
            if prev in level:
                begin -= 1
            if pos - begin >= 4 or prev in level:
                a, b = flat.span(begin, pos)
                if not found.covered(a, b, ("ORG", "PERSON", "TITLE_REF")):
                    found.add("ORG", a, b, units.full_name(doc, doc.raw[a:b], in_table=False))


# punctuation ending a clause, or the line break put between parts: never inside a word
# (jieba cuts a text into blocks of Han characters, Latin letters and digits, each block
# alone; any other character is a word, and a line break too)
_CLAUSE_BREAKS = "。，,；;：:、！!？?\n"


@functools.lru_cache(maxsize=1)
def _org_words() -> tuple[tuple[str, ...], tuple[str, ...], tuple[str, ...]]:
    """A unit's suffixes, the level words before one, and the generic words no unit ends with."""
    return (units._suffix_tuples()["org"], tuple(config.load("units")["level_words"]),
            tuple(config.load("entities")["org"]["not_units"]))


@functools.lru_cache(maxsize=1)
def _suffix_clauses() -> re.Pattern:
    """`_clauses_with` a unit's suffix."""
    return _clauses_with(_any_suffix())


def _clauses_with(wanted: re.Pattern) -> re.Pattern:
    """What matches, left to right, each whole clause (a run between breaks) that `wanted`
    finds something in, which holds no break: one scan of the text instead of a split and
    a search per clause.  (A match starts after a break or at the start, finds the first
    `wanted` lazily, then takes the rest of the clause.)"""
    inside = "[^" + re.escape(_CLAUSE_BREAKS) + "]"
    return re.compile(f"(?<!{inside}){inside}*?(?:{wanted.pattern}){inside}*+", wanted.flags)


def tagged(text: str, ranges: list[tuple[int, int]], flag: str, clause_pattern: re.Pattern):
    """(offset in text, word, previous word) of the words `segmenter.tag` tags `flag` in the
    parts text[i:j] of `ranges` (no white space in them), each part as if tagged alone and
    only in its clauses that `clause_pattern` matches (`_clauses_with`).  A clause is tagged alike alone,
    and the word before it is the break before it (None at a part's start): so the wanted
    clauses of every part are tagged in one call, one line each, and the rare `flag`
    words mapped back (the per-word work is done by C: list.index, map, accumulate)."""
    firsts = [i for i, _ in ranges]
    parts = [text[i:j] for i, j in ranges]
    joined = "\n".join(parts)  # (a line break never merges with a word either)
    clauses = list(clause_pattern.finditer(joined))
    if not clauses:
        return
    chosen = [m.group() for m in clauses]
    chosen_starts = [m.start() for m in clauses]  # in joined
    tags = segmenter.tag("\n".join(chosen))
    flags = list(map(operator.itemgetter(1), tags))
    if flag not in flags:
        return
    words = list(map(operator.itemgetter(0), tags))
    # where each chosen clause starts in the tagged text
    tagged_starts = list(itertools.accumulate(map((1).__add__, map(len, chosen)), initial=0))
    part_starts = list(itertools.accumulate(map((1).__add__, map(len, parts)), initial=0))
    k, offset, done = -1, 0, 0  # offset: where words[done] starts in the tagged text
    while True:
        try:
            k = flags.index(flag, k + 1)
        except ValueError:
            return
        offset += sum(map(len, words[done:k]))
        done = k
        c = bisect.bisect_right(tagged_starts, offset) - 1
        local = offset - tagged_starts[c]
        at = chosen_starts[c] + local  # in joined
        if local:
            prev = words[k - 1]
        else:
            prev = joined[at - 1] if at else None
            prev = None if prev == "\n" else prev
        p = bisect.bisect_right(part_starts, at) - 1
        yield firsts[p] + at - part_starts[p], words[k], prev


def _any_suffix() -> re.Pattern:
    """What finds one of the suffixes in a text: the one-character ones as a class, then
    the longer ones that hold none of them (stdlib re: twice as fast as an alternation
    of them all, for the forty thousand clauses it is asked about)."""
    suffixes = units._suffix_tuples()["org"]
    singles = sorted({s for s in suffixes if len(s) == 1})
    longer = [s for s in suffixes if len(s) > 1 and not any(c in singles for c in s)]
    branches = (["[" + "".join(map(re.escape, singles)) + "]"] if singles else []) + [re.escape(s) for s in longer]
    return re.compile("|".join(branches))


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
    words = dictionary_units()  # (a word listed twice keeps its first place)
    return gazetteer.literal_automaton(words, reversed_=True, values=range(len(words)))


def dictionary_units_in(text: str) -> list[str]:
    """The dictionary units that occur in text, in one pass, in the dictionary's order."""
    words = dictionary_units()
    return [words[i] for i in sorted({i for _, i in gazetteer.backward_occurrences(_dictionary_automaton(), text)})]


def add_places(doc: Document, found: Mentions, flat: Compact) -> None:
    gaz = gazetteer.load()
    for i, div in gaz.find_all(flat.text):
        start, end = flat.span(i, i + len(div.name))
        if not found.covered(start, end, ("ORG", "PERSON")):
            found.add("GPE", start, end, units.full_name(doc, doc.raw[start:end]))


def doc_numbers(view: str):
    """The matches of `DOC_NUMBER_RE.finditer(view)`, found from their tails: the pattern
    opens with one to ten Han characters, slow to try at every position of a text.  A tail
    holds no opening bracket but its first, so tails never overlap; the issuer's code before
    one is at most ten characters and some spaces back."""
    done = 0  # where the last match ended: finditer goes on from there
    for tail in DOC_NUMBER_TAIL.finditer(view):  # (`〔2023〕3号`: brackets and digits, quick to find)
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
        found.add("PERSON", start, end, squeeze(view[start:end]))
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
