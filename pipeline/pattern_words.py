"""What any match of a pattern must hold, read off the pattern's text.

Stages try many patterns from configs/ on many lines; most lines hold none of
the words a pattern needs, and a set or substring test says so far more cheaply
than the regex engine.  `required_words` reads a pattern for words one of which
every match contains; `first_char` / `last_char` for what its first or last
character can be.  The reading is conservative: syntax it does not follow
(inline flags, lookarounds, rare escapes) gives None ("not known"), and the
caller then runs the pattern as it is, so a pre-check never changes a result.
"""
from __future__ import annotations

import functools

import regex

# Reading a pattern for the words it needs: a literal run, a class of plain
# characters, or a group whose every alternative needs words, that no quantifier
# makes optional.  Anything unusual
# (inline flags, lookarounds, rare escapes) gives no words, or ends the reading:
# what was read before still holds.
_QUANTIFIER = regex.compile(r"\{(\d*)(?:,(\d*))?\}")
_GROUP_OPENING = regex.compile(r"\((?:\?:|\?P<\w+>)?")
_SIMPLE_ESCAPES = "dDsSwWbBAZ"
_SPACE = regex.compile(r"\s")


@functools.lru_cache(maxsize=1024)
def required_words(p: str) -> tuple[str, ...] | None:
    """Words one of which every match of pattern `p` contains (None: not known): the most
    selective of its factors.  Words with whitespace are never returned: they are looked up
    in squeezed text."""
    factors = required_factors(p)
    if factors is None:
        return None
    return max(factors, key=lambda ws: (min(map(len, ws)), -len(ws)))


@functools.lru_cache(maxsize=1024)
def required_factors(p: str) -> tuple[tuple[str, ...], ...] | None:
    """What every match of pattern `p` holds, as factors: a match contains a word of each
    factor (None: nothing known).  A text lacking every word of some factor cannot match."""
    if "(?" in p.replace("(?:", "").replace("(?P<", ""):
        return None
    alternatives = top_level_bars(p)
    if alternatives:
        bounds = [-1] + alternatives + [len(p)]
        each = [required_words(p[x + 1:y]) for x, y in zip(bounds, bounds[1:])]
        known = [ws for ws in each if ws is not None]
        return None if len(known) < len(each) else (tuple(dict.fromkeys(w for ws in known for w in ws)),)
    found: list[tuple[str, ...]] = []
    run, i = "", 0
    while i < len(p):
        ch = p[i]
        if ch in "\\[(.^$)":
            found.append((run,))
            run = ""
            if ch == "\\":
                esc = p[i + 1:i + 2]
                if esc and (esc in _SIMPLE_ESCAPES or not esc.isalnum()):
                    i += 2
                elif esc in ("p", "P") and p[i + 2:i + 3] == "{":
                    i = p.index("}", i) + 1
                else:
                    break
            elif ch == "[":
                end = _skip_class(p, i)
                optional, _ = _quantifier(p, end)
                body = p[i + 1:end - 1]
                if body and not optional and not any(x in body for x in "\\[]-^&|~"):
                    found.append(tuple(dict.fromkeys(body)))  # a class of plain characters: one of them
                i = end
            elif ch == "(":
                end = _skip_group(p, i)
                optional, _ = _quantifier(p, end)
                inner = required_words(p[_GROUP_OPENING.match(p, i).end():end - 1])
                if inner and not optional:
                    found.append(inner)
                i = end
            else:
                i += 1
            _, i = _quantifier(p, i)
            continue
        if ch in "*+?{":
            break
        optional, after = _quantifier(p, i + 1)
        if after == i + 1 or not optional:
            run += ch
        if after > i + 1:  # a quantified character ends the run
            found.append((run,))
            run = ""
        i = after
    found.append((run,))
    found = [ws for ws in found if ws and all(ws) and not any(_SPACE.search(w) for w in ws)]
    return tuple(found) or None


def _quantifier(p: str, i: int) -> tuple[bool, int]:
    """Whether a quantifier at p[i] allows no repeat, and the index after it."""
    if i < len(p) and p[i] in "*?":
        optional, i = True, i + 1
    elif i < len(p) and p[i] == "+":
        optional, i = False, i + 1
    elif i < len(p) and p[i] == "{" and (q := _QUANTIFIER.match(p, i)):
        optional, i = (q.group(1) or "0") == "0", q.end()
    else:
        return False, i
    if i < len(p) and p[i] in "?+":  # lazy or possessive
        i += 1
    return optional, i


def _skip_class(p: str, i: int) -> int:
    """The index after the character class opening at p[i]."""
    i += 1
    if p[i:i + 1] == "^":
        i += 1
    if p[i:i + 1] == "]":
        i += 1
    while i < len(p) and p[i] != "]":
        i += 2 if p[i] == "\\" else 1
    return i + 1


def _skip_group(p: str, i: int) -> int:
    """The index after the group opening at p[i]."""
    depth = 0
    while i < len(p):
        ch = p[i]
        if ch == "\\":
            i += 2
            continue
        if ch == "[":
            i = _skip_class(p, i)
            continue
        depth += (ch == "(") - (ch == ")")
        i += 1
        if depth == 0:
            break
    return i


def top_level_bars(p: str) -> list[int]:
    """Positions of the bars that separate alternatives at the top level of p."""
    bars, i = [], 0
    while i < len(p):
        ch = p[i]
        if ch == "|":
            bars.append(i)
        i = i + 2 if ch == "\\" else _skip_class(p, i) if ch == "[" else _skip_group(p, i) if ch == "(" else i + 1
    return bars


def last_char(p: str) -> str | None:
    """A pattern for the last character of any match of p, when p ends with `$`
    after an atom that matches one character and is not optional (None: not told)."""
    if not p.endswith("$") or "(?" in p.replace("(?:", "").replace("(?P<", "") or top_level_bars(p):
        return None
    atoms, i = [], 0
    while i < len(p):
        ch = p[i]
        if ch == "\\":
            esc = p[i + 1:i + 2]
            if esc in ("p", "P") and p[i + 2:i + 3] == "{":
                end = p.index("}", i) + 1
            elif esc and (esc in "dDsSwW" or not esc.isalnum()):
                end = i + 2
            else:
                return None
        elif ch == "[":
            end = _skip_class(p, i)
        elif ch == "(":
            end = _skip_group(p, i)
        else:
            end = i + 1
        optional, after = _quantifier(p, end)
        atoms.append((p[i:end], optional))
        i = after
    if len(atoms) < 2 or atoms[-1] != ("$", False):
        return None
    atom, optional = atoms[-2]
    if optional or atom in ("^", "$"):
        return None
    if atom[0] == "(":
        inner = atom[_GROUP_OPENING.match(atom).end():-1]
        bounds = [-1] + top_level_bars(inner) + [len(inner)]
        each = [last_char(inner[x + 1:y] + "$") for x, y in zip(bounds, bounds[1:])]
        known = [c for c in each if c is not None]
        return None if len(known) < len(each) else "|".join(known)
    if atom[0] in "\\[.":
        return atom
    return None if atom in "*+?{}|)" else regex.escape(atom)


def first_char(p: str) -> str | None:
    """A pattern for the first character of any match of the anchored pattern p:
    its first atoms up to one that is not optional (None: not told by this reading)."""
    atoms, i = [], 1
    while i < len(p):
        ch = p[i]
        if ch == "\\":
            esc = p[i + 1:i + 2]
            if esc and (esc in "dDsSwW" or not esc.isalnum()):
                end = i + 2
            elif esc in ("p", "P") and p[i + 2:i + 3] == "{":
                end = p.index("}", i) + 1
            else:
                return None
            atom = p[i:end]
        elif ch == "[":
            end = _skip_class(p, i)
            atom = p[i:end]
        elif ch in ".^$|(){}*+?":
            return None
        else:
            end, atom = i + 1, regex.escape(ch)
        optional, i = _quantifier(p, end)
        atoms.append(atom)
        if not optional:
            return "|".join(atoms)
    return None  # it may match an empty string
