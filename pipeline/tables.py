"""Stage 'tables': rebuild results tables from flattened text, one `Record` per row.

A table block (the lines of a `table` section) is first cut into rows of cells, whatever
the layout: tab-separated, `|`-piped, space-aligned, or flattened one cell per line.  A
header row gives each column a role (seq, unit, rank, grade, remarks, a score or a count)
by the cues of configs/tables.toml; a header whose roles repeat (`序号 考核对象 红黄榜`
five times over) holds several column groups side by side, read group after group.
Rows of positional layouts (tabs, pipes) map cells by column; rows whose blank cells
vanished (spaces, one cell per line) map cells by what they look like.
"""
from __future__ import annotations

import bisect
import functools
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from itertools import pairwise

import cn2an
import regex

from . import config, rx
from .model import Document, Record
from .normalise import Line, clean
from .registry import register

NUMBER = regex.compile(r"^[-+]?\d+(?:\.\d+)?$")
NUMBER_CELL = regex.compile(r"[-+]?\d+(?:\.\d+)?分?")  # is_number: a number, or a score in 分
NUMERIC_ROLES = ("score", "count")
SPACES = regex.compile(r"\s+")
TOKEN = regex.compile(r"\S+")
CUT_NUMBER = regex.compile(r"[\d.]+分?")
RANK_DIGITS = regex.compile(r"\d{1,4}")
RANK_WORDS = regex.compile(r"(?:并列)?第([一二三四五六七八九十百零〇两\d]+)[名位]?|(?:并列)?(\d{1,4})[名位]")
CACHE = 1 << 14  # bounded caches of pure functions of one cell's or line's text


def cfg() -> dict:
    return config.load("tables")


@functools.cache
def patterns() -> dict:
    """The patterns and word sets of configs/tables.toml, compiled once (configs load once per process)."""
    c = cfg()
    return {"letter": regex.compile(c["grades"]["letter"]), "share": regex.compile(c["header"]["share"]),
            "subheading": regex.compile(c["rows"]["subheading"]), "furniture": regex.compile(c["rows"]["furniture"]),
            "legend": regex.compile(c["marks"]["legend"]), "grades": frozenset(c["grades"]["words"]),
            "symbols": frozenset(c["marks"]["symbols"]), "totals": frozenset(c["rows"]["totals"]),
            "symbol": regex.compile("[" + regex.escape(c["marks"]["symbols"]) + "]")}


clean_cached = functools.lru_cache(maxsize=CACHE)(clean)


def cell_texts(raw: str, view: str) -> tuple[str, str]:
    """A cell's display text and its key (the folded text without spaces)."""
    if " " not in raw and " " not in view and raw.isprintable() and view.isprintable():
        return raw, view  # no white space (all but " " is unprintable): nothing for clean and the key to drop
    return clean_cached(raw), SPACES.sub("", view)


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


def split_on(raw: str, view: str, a: int, b: int, sep: str) -> list[Cell]:
    return [Cell(*f) for f in split_fields(raw, view, a, b, sep)]


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
    cells = []
    for m in TOKEN.finditer(view):
        a, b = m.span()
        piece, r = m.group(), raw[a:b]
        if piece.isprintable() and r.isprintable() and " " not in r:  # nothing to strip or clean
            cells.append((r, piece, a, b))
        else:
            cells.append(cell_fields(raw, view, a, b))
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
    rows, current = [], None
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


# ---------------------------------------------------------------- header

@functools.lru_cache(maxsize=CACHE)
def role_of(key: str) -> str | None:
    h = cfg()["header"]
    k = key.replace(" ", "")
    for role in ("seq", "rank", "remarks", "count", "score", "grade", "unit"):
        if any(cue in k for cue in h[role]):
            return role
    return None


def is_number(key: str) -> bool:
    return bool(NUMBER_CELL.fullmatch(key))


@functools.lru_cache(maxsize=CACHE)
def to_number(key: str) -> float | None:
    k = key.removesuffix("分")
    return float(k) if NUMBER.match(k) else None


@functools.lru_cache(maxsize=CACHE)
def to_rank(key: str) -> int | None:
    if RANK_DIGITS.fullmatch(key):
        return int(key)
    m = RANK_WORDS.fullmatch(key)
    if m:
        try:
            return int(cn2an.cn2an(m.group(1) or m.group(2), "smart"))
        except ValueError:
            return None
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


# ---------------------------------------------------------------- records

@dataclass
class Table:
    headers: list[str]
    roles: list[str | None]
    width: int                                   # columns per group
    labels: dict[int, str] = field(default_factory=dict)   # group index -> 红榜/黑榜 label
    shares: dict[int, float] = field(default_factory=dict)  # column -> printed share
    group: str | None = None
    mode: str = "pos"  # the header's layout: rows of another layout are not data rows
    records: list[Record] = field(default_factory=list)
    column_group: dict[int, int] = field(default_factory=dict)  # id(record) -> side-by-side group, 0 if absent
    _layout: tuple | None = field(default=None, repr=False, compare=False)

    def layout(self) -> tuple[int | None, int | None]:
        """(unit column, overall score column), computed again only when the header changed."""
        lay = self._layout
        if lay is None or lay[0] != self.width or lay[1] != self.roles or lay[2] != self.headers:
            roles = self.roles[:self.width]
            unit_col = next((i for i, r in enumerate(roles) if r == "unit"), None)
            if unit_col is None:  # a header that lost its unit cue: the first text column holds the names
                unit_col = next((i for i, r in enumerate(roles) if r is None), None)
            lay = self._layout = (self.width, list(self.roles), list(self.headers), unit_col, self.overall_col())
        return lay[3], lay[4]

    @property
    def numeric_cols(self) -> list[int]:
        return [i for i, r in enumerate(self.roles[:self.width]) if r in NUMERIC_ROLES]

    def overall_col(self) -> int | None:
        cols = [i for i in self.numeric_cols if self.roles[i] == "score"]
        if len(cols) == 1:
            return cols[0]
        for cue in cfg()["header"]["overall"]:
            for i in cols:
                if cue in self.headers[i]:
                    return i
        named = [i for i in cols if any(cue in self.headers[i] for cue in cfg()["header"]["overall_fallback"])]
        return named[0] if len(named) == 1 else None


def unique_headers(keys: list[str]) -> list[str]:
    out, seen = [], {}
    for k in keys:
        seen[k] = seen.get(k, 0) + 1
        out.append(k if seen[k] == 1 else f"{k}#{seen[k]}")
    return out


def split_marks(text: str) -> tuple[str, list[str]]:
    if not patterns()["symbol"].search(text):  # (faster than a set's isdisjoint on Chinese text)
        return text.strip(), []
    symbols = patterns()["symbols"]
    marks = [c for c in text if c in symbols]
    return "".join(c for c in text if c not in symbols).strip(), marks


def grade_words() -> list[str]:
    return cfg()["grades"]["words"]


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


def only_marks(key: str) -> bool:
    """Every character a mark symbol (true of an empty key)."""
    return patterns()["symbols"].issuperset(key)


@functools.lru_cache(maxsize=CACHE)
def plain(key: str) -> bool:
    """A text cell (a cut-off number such as `85.` is none)."""
    return not CUT_NUMBER.fullmatch(key) and not is_grade(key) and not only_marks(key)


def align(cells: list[CellFields], roles: list[str | None], merge_unit: bool) -> dict[int, CellFields]:
    """Map cells whose empty neighbours vanished onto columns, by what each cell looks like."""
    out: dict[int, CellFields] = {}
    i, n = 0, len(cells)
    for col, role in enumerate(roles):
        if i >= n:
            break
        c = cells[i]
        key = c[1]
        if role == "seq" or role == "rank":
            if to_rank(key) is not None:
                out[col] = c
                i += 1
        elif role == "unit":
            j = i
            while j < n and plain(cells[j][1]) and (merge_unit or j == i):
                j += 1
            if j == i + 1:
                out[col] = c
            elif j > i:
                out[col] = ("".join([x[0] for x in cells[i:j]]), "".join([x[1] for x in cells[i:j]]),
                            c[2], cells[j - 1][3])
            i = j
        elif role in NUMERIC_ROLES:
            if is_number(key):
                out[col] = c
                i += 1
        elif role == "grade":
            if is_grade(key):
                out[col] = c
                i += 1
        elif role == "remarks":
            out[col] = (" ".join([x[0] for x in cells[i:]]), "".join([x[1] for x in cells[i:]]), c[2], cells[-1][3])
            i = n
        elif role is None and not is_grade(key) and not only_marks(key):
            out[col] = c  # a column no cue names: text, or a number such as 扣分 -1.5
            i += 1
    if i < n:  # marks left at the end of a row without a remarks column
        rest = "".join([x[1] for x in cells[i:]])
        if rest and only_marks(rest):
            out[len(roles)] = (rest, rest, cells[i][2], cells[-1][3])
    return out


def record_of(table: Table, cells: Iterable[tuple[int, CellFields]], group_index: int, legends: dict[str, str],
              at: int = 0, layout: tuple[int | None, int | None] | None = None) -> Record | None:
    """The record of a row's (column, cell) pairs (offsets from `at`), None for a row of no unit."""
    roles, headers = table.roles, table.headers
    nroles = len(roles)
    unit_col, overall = layout or table.layout()
    start = end = -1  # of the filled cells
    unit_text = None
    seq = rank = grade = None
    scores: dict[str, float] = {}
    remark_marks: list[str] = []
    for col, (text, key, a, b) in cells:
        if col == unit_col:
            unit_text = text
        if not key:
            continue
        if start < 0 or a < start:
            start = a
        if b > end:  # noqa: PLR1730 (a call costs more in this loop)
            end = b
        if col == unit_col:
            continue
        role = roles[col] if col < nroles else "remarks"
        if role == "seq":
            seq = to_rank(key)
        elif role == "rank":
            rank = to_rank(key)
        elif role == "score" or role == "count":
            value = to_number(key)
            if value is not None:
                scores[headers[col]] = value
        elif role == "grade":
            grade = text
        elif role == "remarks":
            remark_marks += split_marks(text)[1]
        elif role is None and col < len(headers) and headers[col]:
            value = to_number(key)  # a numeric column the cues do not name
            if value is not None:
                scores[headers[col]] = value
    if start < 0:
        return None
    unit, marks = split_marks(unit_text) if unit_text is not None else ("", [])
    if remark_marks:
        marks += remark_marks
    if is_total(unit):
        return None
    if not unit and not scores and rank is None and seq is None:
        return None
    if grade is None and group_index in table.labels:
        grade = label_grade(SPACES.sub("", table.labels[group_index]))
    score = scores.get(headers[overall]) if overall is not None else None
    group = table.labels.get(group_index) or table.group
    notes = [legends[m] for m in marks if m in legends] if marks else []
    return Record("", group, seq, unit, unit, score, scores, rank, grade, marks, notes, at + start, at + end)


def is_total(unit: str) -> bool:
    """A row of totals (小计, 平均分), not a unit."""
    totals = patterns()["totals"]
    if unit in totals:
        return True
    if " " not in unit and unit.isprintable():
        return False  # no white space to drop (all but " " is unprintable)
    return SPACES.sub("", unit) in totals


# ---------------------------------------------------------------- a block of lines

def legends_of(raw: str, view: str) -> dict[str, str]:
    """Mark legends printed anywhere in the document: 在备注处标▲为… -> {"▲": "…"} (raw text)."""
    out = {}
    pattern = patterns()["legend"]
    for start, end in symbol_lines(raw, view):
        m = pattern.search(view, start, end)
        if m and m.group(1) not in out:
            out[m.group(1)] = clean(raw[m.start(2):m.end(2)])
    return out


def symbol_lines(raw: str, view: str) -> list[tuple[int, int]]:
    """(start, end) of the lines (as split_lines cuts them) holding a mark symbol, in order:
    only a line naming a mark can hold a legend that a mark is looked up in."""
    out = []
    for m in patterns()["symbol"].finditer(view):
        if out and m.start() <= out[-1][1]:
            continue  # a line already taken
        start = raw.rfind("\n", 0, m.start()) + 1
        end = raw.find("\n", m.start())
        end = len(raw) if end < 0 else end
        out.append((start, end - 1 if raw[start:end].endswith("\r") else end))
    return out


def is_subheading(text: str) -> bool:
    return bool(patterns()["subheading"].match(text))


def parse_block(raw: str, view: str, lines: list[Line], titles: list[str] | None = None,
                legends: dict[str, str] | None = None) -> list[Table]:
    """Every table in a block of lines. `titles` are the captions printed before the
    block: one per table when there are several, else the group of every table."""
    titles = list(titles or [])
    legends = legends if legends is not None else legends_of(raw, view)
    flat = flattened(raw, view, lines)
    if flat is not None:
        return flat_tables(flat, titles, legends)
    tables: list[Table] = []
    table: Table | None = None
    pending_labels: dict[int, str] = {}
    pending_group: str | None = None
    header_open = False  # the row after a header may carry the second line of its cells
    share = patterns()["share"]
    for line in lines:
        row = line_shape(raw[line.start:line.end], view[line.start:line.end])
        if row is None:
            continue
        if row.roles is not None:
            keys = list(row.keys)
            repeated = table is not None and [k for k in keys if k] == [h.split("#")[0] for h in table.headers if h]
            if repeated and len(titles) <= len(tables):
                continue  # the header repeated after a page break
            roles = list(row.roles)
            width = period(roles, keys)
            labels = {i // width: lab for i, lab in pending_labels.items()} if pending_labels else {}
            table = Table(unique_headers(keys), roles, width, labels, mode=row.mode)
            table.group = pending_group or next_title(titles, tables)
            pending_labels, pending_group = {}, None
            tables.append(table)
            header_open = True
            continue
        if header_open and table is not None and continues_header(table, row):
            continue
        header_open = False
        if row.label_row:
            pending_labels = {i: c[0] for i, c in enumerate(row.cells) if c[1]}
            continue
        if row.subheading:
            text = row.text()
            if table is not None and table.records:  # the same columns go on under a new heading
                table = Table(table.headers, table.roles, table.width, dict(table.labels), dict(table.shares), text,
                              table.mode)
                tables.append(table)
            elif table is not None:
                table.group = text
            else:
                pending_group = text
            continue
        if table is None:
            continue
        if row.share_row:
            for i, c in enumerate(row.cells):
                if c[1]:
                    table.shares[i % table.width] = float(share.match(c[1]).group(1))
            continue
        added = cells_to_records(table, row.mode, row.cells, line.start, legends) if row.mode == table.mode else []
        if not added and row.mode != "pos" and not row.has_number and len(row.text()) <= 40:
            pending_group = row.text()  # a caption inside the block
    return [t for t in tables if t.records]


def continues_header(table: Table, row: Shape) -> bool:
    """A header printed over two lines (`基础\t厕所` / `工作\t革命`): join the second line
    to the first, cell by cell, and read the roles again."""
    filled = [(i, k) for i, k in enumerate(row.keys) if k]
    if row.mode != "pos" or not filled or any(is_number(k) or is_grade(k) for _, k in filled):
        return False
    if any(patterns()["share"].match(k) for _, k in filled) or len(filled) < 2:
        return False
    if any(i >= len(table.headers) or table.roles[i] in ("unit", "seq", "rank") for i, _ in filled):
        return False
    keys = [h.split("#")[0] for h in table.headers]
    for i, k in filled:
        keys[i] += k
    table.headers = unique_headers(keys)
    table.roles = [role_of(k) if k else None for k in keys]
    table.width = period(table.roles, keys)
    return True


def next_title(titles: list[str], tables: list[Table]) -> str | None:
    if not titles:
        return None
    if len(titles) == 1:
        return titles[0]
    return titles[len(tables)] if len(tables) < len(titles) else titles[-1]


def rows_to_records(table: Table, row: RawRow, legends: dict[str, str]) -> list[Record]:
    return cells_to_records(table, row.mode, fields_of(row.cells), 0, legends)


def cells_to_records(table: Table, mode: str, cells, at: int, legends: dict[str, str]) -> list[Record]:
    """The records of one row's cells (offsets from `at`), added to the table."""
    out = []
    layout = table.layout()
    if mode == "pos":
        w = table.width
        if len(cells) <= w:
            rec = record_of(table, enumerate(cells), 0, legends, at, layout)
            if rec is not None:
                out.append(rec)  # (group 0: column_group's default)
        else:
            for g in range(-(-len(cells) // w)):
                rec = record_of(table, enumerate(cells[g * w:(g + 1) * w]), g, legends, at, layout)
                if rec is not None:
                    if g:
                        table.column_group[id(rec)] = g
                    out.append(rec)
    else:
        aligned = align(cells, table.roles[:table.width], merge_unit=mode == "tokens")
        rec = record_of(table, aligned.items(), 0, legends, at, layout)
        has_value = rec is not None and (rec.scores or rec.rank is not None or rec.seq is not None or rec.grade)
        if rec is not None and rec.unit and has_value:
            out.append(rec)
    table.records.extend(out)
    return out


# ---------------------------------------------------------------- tables flattened one cell per line

def flattened(raw: str, view: str, lines: list[Line]) -> tuple[list[str], list[str | None], list[RawRow]] | None:
    """Header and rows of a table printed one cell per line, or None for other layouts."""
    texts = [t for ln in lines if (t := view[ln.start:ln.end]).strip()]  # the lines that are not blank
    if len(texts) < 8:
        return None
    allowed = len(texts) - 0.8 * len(texts)  # single < 0.8 * lines: more lines of several cells than this
    several = 0
    for t in texts:
        if not ("\t" not in t.strip() and len(t.split()) <= 1 or t.rstrip().endswith("|")):
            several += 1
            if several > allowed:
                return None
    piped_cells = sum(t.rstrip().endswith("|") for t in texts)
    if piped_cells >= 0.6 * len(texts):
        rows = piped_cell_rows(raw, view, lines)
        if len(rows) < 2:
            return None
        head = rows[0]
        roles = header_roles(head.cells)
        if roles is None:
            return None
        return [c.key for c in head.cells], roles, rows[1:]
    # plain cells: rows found by their 序号 1, 2, 3… recurring at a fixed period
    cells = [make_cell(raw, view, ln.start, ln.end) for ln in lines if view[ln.start:ln.end] != ""]
    keys = [c.key for c in cells]
    if "1" not in keys:
        return None
    i1 = keys.index("1")
    if "2" not in keys[i1 + 1:]:
        return None
    p = keys.index("2", i1 + 1) - i1
    nrows = 0
    while i1 + nrows * p < len(keys) and keys[i1 + nrows * p] == str(nrows + 1):
        nrows += 1
    if p < 2 or nrows < 2:
        return None
    head = cells[max(0, i1 - p):i1]
    head_keys = ["序号"] * (p - len(head)) + [c.key for c in head]  # a lost 序号 cell
    roles = [role_of(k) if k else None for k in head_keys]
    if not any(roles):
        return None
    rows = []
    for i in range(i1, len(cells), p):
        chunk = cells[i:i + p]
        filled = [c for c in chunk if not c.blank]
        if filled:
            rows.append(RawRow(chunk, filled[0].start, filled[-1].end, "pos"))
    return head_keys, roles, rows


def flat_tables(flat, titles: list[str], legends: dict[str, str]) -> list[Table]:
    keys, roles, rows = flat
    table = Table(unique_headers(keys), roles, len(roles), group=next_title(titles, []))
    for row in rows:
        if row.mode == "cells" and len(row.cells) != len(roles):
            cells = align(fields_of(row.cells), roles, merge_unit=False)
            rec = record_of(table, cells.items(), 0, legends)
            if rec is not None and rec.unit:
                table.records.append(rec)
        else:
            rows_to_records(table, RawRow(row.cells, row.start, row.end, "pos"), legends)
    return [table] if table.records else []


# ---------------------------------------------------------------- the stage

def section_lines(doc: Document, start: int, end: int) -> list[Line]:
    """The lines of a span, clipped to it (a section may start inside a line).
    The document's lines are in order (split_lines), so the span's are found by bisection."""
    lines = doc.work["lines"]
    starts, ends = line_bounds(doc, lines)
    first = bisect.bisect_left(ends, start)  # the first with ln.end >= start
    stop = bisect.bisect_left(starts, end, lo=first)  # the first with ln.start >= end
    out = lines[first:stop]  # lines inside the span are shared, not copied (no stage changes a Line)
    if out and (out[0].start < start or out[0].end > end):
        out[0] = Line(max(out[0].start, start), min(out[0].end, end))
    if out and (out[-1].start < start or out[-1].end > end):
        out[-1] = Line(max(out[-1].start, start), min(out[-1].end, end))
    return [ln for ln in out if ln.start <= ln.end] if start > end else out  # (only an inverted span clips to nothing)


def line_bounds(doc: Document, lines: list[Line]) -> tuple[list[int], list[int]]:
    """The starts and ends of the document's lines, made once per document (bisecting plain
    ints is cheaper than bisecting Lines by a key)."""
    made = doc.work.get("tables:line_bounds")
    if made is None or made[0] is not lines or len(made[1]) != len(lines):
        made = doc.work["tables:line_bounds"] = (lines, [ln.start for ln in lines], [ln.end for ln in lines])
    return made[1], made[2]


def ordered(table: Table) -> list[Record]:
    """Rows of side-by-side groups read group after group, then in 序号 / rank order."""
    if any(table.column_group.values()):
        recs = sorted(table.records, key=lambda r: table.column_group.get(id(r), 0))
    else:  # every row in group 0: the sort would keep their order
        recs = list(table.records)
    if table.width < len(table.headers) and not table.labels:
        if all(r.seq is not None for r in recs):
            recs.sort(key=lambda r: r.seq)
        elif all(r.rank is not None for r in recs):
            recs.sort(key=lambda r: (r.rank, r.start))
    return recs


def caption_lines(doc: Document, start: int, end: int) -> list[str]:
    """The captions of a title section: lines run together form one (a wrapped title),
    blank lines separate several titles printed together."""
    out, current = [], ""
    for ln in section_lines(doc, start, end):
        text = clean(doc.raw[ln.start:ln.end])
        if text:
            current += text
        elif current:
            out.append(current)
            current = ""
    if current:
        out.append(current)
    return [c for c in out if not rx.fullmatch(cfg()["rows"]["furniture"], c)]


def table_runs(doc: Document) -> list[tuple]:
    """(section, end of its table): a table section runs on through the table sections
    after it and through sections whose every line is a piped cell (` |`): pieces of one
    table cut apart by the segmenter."""
    out = []
    for sec in doc.sections:
        if out and out[-1][0].type == "table" and (sec.type == "table" or sec.type != "table_title" and piped(doc, sec)):
            out[-1] = (out[-1][0], sec.end)  # a label row cut off its table, pieces of a piped table
            continue
        out.append((sec, sec.end))
    return out


def piped(doc: Document, sec) -> bool:
    """Every non-blank line of the section ends in `|` (and there is one)."""
    view, found = doc.work["view"], False
    for a, b in line_spans(doc, sec.start, sec.end):
        text = view[a:b].strip()
        if text:
            if not text.endswith("|"):
                return False
            found = True
    return found


def line_spans(doc: Document, start: int, end: int) -> Iterator[tuple[int, int]]:
    """(start, end) of each of section_lines(doc, start, end), one at a time (no list, no Line
    made for a reader that may stop at the first line)."""
    if start > end:
        yield from ((ln.start, ln.end) for ln in section_lines(doc, start, end))
        return
    lines = doc.work["lines"]
    starts, ends = line_bounds(doc, lines)
    first = bisect.bisect_left(ends, start)
    for k in range(first, bisect.bisect_left(starts, end, lo=first)):
        ln = lines[k]
        yield max(ln.start, start), min(ln.end, end)


def tables_of(doc: Document) -> list[tuple[str, Table]]:
    """(section id, table) for every table section, captions taken from the titles before it."""
    raw, view = doc.raw, doc.work["view"]
    legends = legends_of(raw, view)
    find_section = None  # made for the first table found
    out: list[tuple[str, Table]] = []
    titles: list[str] = []
    last, prev_end = None, 0
    for sec, end in table_runs(doc):
        if sec.type == "table_title":
            captions = caption_lines(doc, sec.start, sec.end)
            if not captions:
                continue  # a page number between the pieces of one table
            if last != "title":  # captions are the titles printed together right before a table
                titles = []
            if last == "title" and titles and captions and not raw[prev_end:sec.start].count("\n") > 1:
                titles[-1] += captions.pop(0)  # a caption wrapped over two title sections
            titles += captions
            if titles and is_subheading(titles[-1]):
                titles = [titles[-1]]
            last, prev_end = "title", sec.start + len(raw[sec.start:sec.end].rstrip())
        elif sec.type == "table":
            found = parse_block(raw, view, section_lines(doc, sec.start, end), titles, legends)
            if found and find_section is None:
                find_section = section_finder(doc.sections)
            for t in found:
                for rec in t.records:
                    holder = find_section(rec.start)
                    rec.table = sec.id if holder is None else holder
            if found and out and last == "table" and found[0].headers == out[-1][1].headers:
                out[-1][1].records += found.pop(0).records  # the same table after a page break
            out += [(sec.id, t) for t in found]
            if len(titles) > 1:
                titles = titles[len(found):]
            last = "table"
        elif last in ("title", "table") and sec.text.strip() and \
                not patterns()["furniture"].fullmatch(clean(raw[sec.start:sec.end])):
            last = sec.type  # (only "title" and "table" are told apart from other kinds)
    return out


def section_finder(sections: list) -> Callable[[int], str | None]:
    """offset -> id of the first section holding it (None outside them all): by bisection
    when sections are in order and do not overlap, else by a scan."""
    if all(a.start <= a.end <= b.start for a, b in pairwise(sections)):
        starts = [s.start for s in sections]

        def find(at: int) -> str | None:  # only the last section starting at or before `at` may hold it
            i = bisect.bisect_right(starts, at) - 1
            return sections[i].id if i >= 0 and at < sections[i].end else None
        return find
    return lambda at: next((x.id for x in sections if x.start <= at < x.end), None)


def ranked_by_score(table: Table) -> bool:
    """Rows printed best first: their position is their rank."""
    scores = [r.score for r in table.records]
    return len(scores) > 2 and None not in scores and all(a >= b for a, b in zip(scores, scores[1:]))


def recover_units(doc: Document, found: list[tuple[str, Table]]) -> None:
    """A row whose name is missing takes the name another table of the document gives
    the same place (a 黑榜 naming rows 64 and 65 of the score table), with a flag."""
    for _, table in found:
        if not ranked_by_score(table):
            continue
        for rec in table.records:
            place = rec.rank if rec.rank is not None else rec.seq
            if rec.unit or place is None:
                continue
            names = {r.unit for _, other in found if other is not table
                     for r in other.records if r.unit and r.rank == place}
            if len(names) == 1:
                rec.unit = rec.unit_full = names.pop()
                doc.flag("unit_recovered", f"row {place} has no unit name; recovered as {rec.unit} "
                         "from another table of the document", rec.start, rec.end)


@register("tables")
def make_tables():
    def tables(doc: Document) -> Document:
        found = tables_of(doc)
        doc.work["tables"] = found
        recover_units(doc, found)
        for _, table in found:
            doc.records.extend(ordered(table))
        return doc
    return tables

