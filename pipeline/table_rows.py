"""Reading a table's lines: a line cut into cells (tab-separated, `|`-piped, space-aligned)
and the Shape parse_block asks of it, what a cell's text is (a number, a grade, a header cue)
and the roles a header row gives its columns. All of it a function of the text alone, so
the readings are cached by text; configs/tables.toml holds the cues and patterns.
"""
from __future__ import annotations

import functools
import re
from dataclasses import dataclass

import regex

from . import config
from .normalise import Line, clean_cached, squeeze

NUMBER_CELL = regex.compile(r"[-+]?\d+(?:\.\d+)?分?")  # is_number: a number, or a score in 分
TOKEN = regex.compile(r"\S+")
CACHE = 1 << 14  # bounded caches of pure functions of one cell's or line's text


def cfg() -> dict:
    return config.load("tables")


@functools.cache
def patterns() -> dict:
    """The patterns and word sets of configs/tables.toml, compiled once (configs load once per process)."""
    c = cfg()
    # letter and symbol, patterns of plain characters, are the stdlib's: its calls cost less, and
    # its set of symbols tests a character in one step where regex tries member by member
    return {"letter": re.compile(c["grades"]["letter"]), "share": regex.compile(c["header"]["share"]),
            "subheading": regex.compile(c["rows"]["subheading"]), "furniture": regex.compile(c["rows"]["furniture"]),
            "legend": regex.compile(c["marks"]["legend"]), "grades": frozenset(c["grades"]["words"]),
            "symbols": frozenset(c["marks"]["symbols"]), "totals": frozenset(c["rows"]["totals"]),
            "symbol": re.compile("[" + re.escape(c["marks"]["symbols"]) + "]")}



def cell_texts(raw: str, view: str) -> tuple[str, str]:
    """A cell's display text and its key (the folded text without spaces)."""
    if " " not in raw and " " not in view and raw.isprintable() and view.isprintable():
        return raw, view  # no white space (all but " " is unprintable): nothing for clean and the key to drop
    return clean_cached(raw), squeeze(view)


# ---------------------------------------------------------------- cells and rows

@dataclass(slots=True)
class Cell:
    text: str    # display text (raw, spaces between Chinese removed)
    key: str     # folded text without spaces, for matching
    start: int
    end: int

    @property
    def blank(self) -> bool:
        return not self.key


@dataclass(slots=True)
class RawRow:
    cells: list[Cell]
    start: int
    end: int
    mode: str  # "pos": cells by column; "cells": whole cells, missing ones dropped; "tokens": split on spaces


CellFields = tuple[str, str, int, int]  # a Cell's text, key, start, end


def make_cell(raw: str, view: str, a: int, b: int) -> Cell:
    return Cell(*cell_fields(raw, view, a, b))


def cell_fields(raw: str, view: str, a: int, b: int) -> CellFields:
    piece = view[a:b]
    core = piece.strip()  # str.strip drops exactly the characters str.isspace names
    if len(core) != len(piece):
        a += len(piece) - len(piece.lstrip())
        b = a + len(core)
    return *cell_texts(raw[a:b], core), a, b


def split_fields(raw: str, view: str, a: int, b: int, sep: str) -> list[CellFields]:
    """cell_fields of every piece between separators (inlined: the hottest loop of the stage)."""
    text = view[a:b]
    # no white space but the separators (all but " " is unprintable): no piece to strip or clean
    bare = " " not in text and " " not in raw[a:b] and text.replace(sep, "").isprintable()
    cells = []
    for piece in text.split(sep):
        end = a + len(piece)
        if bare and raw[a:end].isprintable():
            cells.append((raw[a:end], piece, a, end))  # (a blank piece: ("", "", end, end))
            a = end + 1
            continue
        core = piece.strip()
        if len(core) == len(piece):
            cells.append((*cell_texts(raw[a:end], piece), a, end))
        elif core:
            start = a + len(piece) - len(piece.lstrip())
            cells.append((*cell_texts(raw[start:start + len(core)], core), start, start + len(core)))
        else:
            cells.append(("", "", end, end))  # a blank cell sits at its end, as make_cell puts it
        a = end + 1
    return cells


def row_shape(raw: str, view: str) -> tuple[str, tuple[CellFields, ...]] | None:
    """The mode and cells (offsets from the line's start) of a line's text, None for a blank line."""
    if not view.strip():
        return None
    if "\t" in view:
        return "pos", tuple(split_fields(raw, view, 0, len(view), "\t"))
    stripped = view.strip()
    if stripped.startswith("|") and stripped.count("|") >= 2:
        cells = split_fields(raw, view, 0, len(view), "|")
        if cells and not cells[0][1]:  # blank cells outside the outer pipes
            cells = cells[1:]
        if cells and not cells[-1][1]:
            cells = cells[:-1]
        return "pos", tuple(cells)
    return "tokens", tuple(token_fields(raw, view))


def token_fields(raw: str, view: str) -> list[CellFields]:
    """cell_fields of every run of non-space characters."""
    if view.isprintable() and raw.isprintable():
        return plain_token_fields(raw, view)
    cells = []
    for m in TOKEN.finditer(view):
        a, b = m.span()
        piece, r = m.group(), raw[a:b]
        if piece.isprintable() and r.isprintable() and " " not in r:  # nothing to strip or clean
            cells.append((r, piece, a, b))
        else:
            cells.append(cell_fields(raw, view, a, b))
    return cells


def plain_token_fields(raw: str, view: str) -> list[CellFields]:
    """token_fields of printable lines: " " is their only white space, so the runs are the
    pieces between spaces, and a run is its own cell unless its raw text holds a space."""
    cells = []
    a = 0
    for piece in view.split(" "):
        if piece:
            b = a + len(piece)
            r = raw[a:b]
            cells.append((r, piece, a, b) if " " not in r else cell_fields(raw, view, a, b))
            a = b + 1
        else:
            a += 1
    return cells


@dataclass(slots=True, eq=False)
class Shape:
    """A line cut into cells, with what parse_block asks of it: all of it a function of the
    line's text alone, read once per distinct line (tables repeat their lines: a header after
    each page break, the same notice reposted)."""
    mode: str                        # as RawRow.mode
    cells: tuple[CellFields, ...]    # offsets from the line's start
    keys: list[str]
    roles: tuple[str | None, ...] | None  # the roles of a header row, None for any other row
    has_number: bool                 # a cell is a number (no header, no caption)
    label_row: bool                  # group labels over side-by-side groups (红榜 / 黑榜)
    share_row: bool                  # the printed share of each column
    raw: str                         # the raw line
    cleaned: str | None              # its cleaned text ("" for "pos"), None until asked (text())
    subheading: bool

    def text(self) -> str:
        """The cleaned line, for rows not cut by column ("" for "pos")."""
        if self.cleaned is None:
            self.cleaned = clean_cached(self.raw)
        return self.cleaned


@functools.lru_cache(maxsize=CACHE)
def line_shape(raw: str, view: str) -> Shape | None:
    """The Shape of a line's raw and folded text; None for a blank line."""
    shape = row_shape(raw, view)
    if shape is None:
        return None
    mode, cells = shape
    keys = [c[1] for c in cells]
    has_number = any(map(NUMBER_CELL.fullmatch, keys))  # (is_number of every key)
    roles = None if has_number else header_roles_of(tuple(keys))
    filled = [k for k in keys if k]
    pos = mode == "pos"
    label_row = pos and bool(filled) and len(filled) <= 6 and all(map(label_grade, filled))
    share_row = pos and bool(filled) and all(map(patterns()["share"].match, filled))
    if pos:
        text, subheading = "", False
    elif raw[:1] == raw.lstrip()[:1] != "" and not may_open_subheading(raw[0]):
        text, subheading = None, False  # cleaning keeps the first character, which no subheading opens with
    else:
        text = clean_cached(raw)
        subheading = is_subheading(text)
    return Shape(mode, cells, keys, roles, has_number, label_row, share_row, raw, text, subheading)


@functools.lru_cache(maxsize=CACHE)
def may_open_subheading(char: str) -> bool:
    """Can a subheading start with this character (a partial match of the pattern)?"""
    return patterns()["subheading"].match(char, partial=True) is not None


def fields_of(cells: list[Cell]) -> list[CellFields]:
    return [(c.text, c.key, c.start, c.end) for c in cells]


def piped_cell_rows(raw: str, view: str, lines: list[Line]) -> list[RawRow]:
    """Cells one per line each ending in ` |`, rows opened by a lone `|` (web tables)."""
    rows: list[list[Cell]] = []
    current: list[Cell] | None = None
    for ln in lines:
        text = view[ln.start:ln.end].strip()
        if text == "|":
            current = []
            rows.append(current)
        elif text.endswith("|") and current is not None:
            body = view[ln.start:ln.end].rstrip()
            current.append(make_cell(raw, view, ln.start, ln.start + len(body) - 1))
        elif text:
            current = None  # the table has ended
    out = []
    for cells in rows:
        filled = [c for c in cells if not c.blank]
        if filled:
            out.append(RawRow(cells, filled[0].start, filled[-1].end, "cells"))
    return out


# ---------------------------------------------------------------- what a cell or line holds

def is_number(key: str) -> bool:
    return bool(NUMBER_CELL.fullmatch(key))


def is_grade(key: str) -> bool:
    return key in patterns()["grades"] or bool(patterns()["letter"].match(key))


@functools.lru_cache(maxsize=CACHE)
def label_grade(key: str) -> str | None:
    """The verdict of a group label: `红榜` -> 红榜, `红旗社区` -> 红旗."""
    if is_grade(key):
        return key
    for noun in config.load("tables")["rankings"]["label_nouns"]:
        if key.endswith(noun) and is_grade(key[:-len(noun)]):
            return key[:-len(noun)]
    return None


def is_subheading(text: str) -> bool:
    return may_open_subheading(text[:1]) and bool(patterns()["subheading"].match(text))


# ---------------------------------------------------------------- header

@functools.lru_cache(maxsize=CACHE)
def role_of(key: str) -> str | None:
    h = cfg()["header"]
    k = key.replace(" ", "")
    for role in ("seq", "rank", "remarks", "count", "score", "grade", "unit"):
        if any(cue in k for cue in h[role]):
            return role
    return None


def header_roles(cells: list[Cell]) -> list[str | None] | None:
    """The roles of a header row's cells, or None when the row is not a header."""
    return roles_of_keys([c.key for c in cells])


def roles_of_keys(keys: list[str]) -> list[str | None] | None:
    if any(map(NUMBER_CELL.fullmatch, keys)):  # (is_number of every key)
        return None
    roles = header_roles_of(tuple(keys))
    return None if roles is None else list(roles)


@functools.lru_cache(maxsize=CACHE)
def header_roles_of(keys: tuple[str, ...]) -> tuple[str | None, ...] | None:
    """header_roles of a row of keys none of which is a number."""
    roles = [role_of(k) if k else None for k in keys]
    known = [r for r in roles if r]
    filled = [k for k in keys if k]
    if known == ["unit"] and 3 <= len(filled) <= 10 and all(len(k) <= 8 for k in filled):
        return tuple(roles)  # `乡镇 问题数 已整改 整改率`: a unit column and short names of others
    if len(known) < 2 or not ({"unit", "rank", "score"} & set(known)):
        return None
    if sum(1 for k, r in zip(keys, roles) if k and not r) > len(known) and len(set(known)) < 3:
        return None
    return tuple(roles)


def period(roles: list[str | None], keys: list[str]) -> int:
    """Width of one column group: the header repeats with this period."""
    n = len(roles)
    while n and not keys[n - 1]:
        n -= 1
    for p in range(1, n // 2 + 1):
        if n % p == 0 and "unit" in roles[:p] and all(keys[i] == keys[i % p] for i in range(n)):
            return p
    return max(n, 1)


def unique_headers(keys: list[str]) -> list[str]:
    out: list[str] = []
    seen: dict[str, int] = {}
    for k in keys:
        seen[k] = seen.get(k, 0) + 1
        out.append(k if seen[k] == 1 else f"{k}#{seen[k]}")
    return out
