"""Positions in a document: sorted spans that never overlap, and which of a document's
ordered parts (lines, units) hold a span.  Both by bisection: documents hold thousands of
mentions and lines, and a scan per mention would be quadratic."""
from __future__ import annotations

import bisect
from collections.abc import Iterable, Sequence
from typing import Protocol


class Spans:
    """Spans that never overlap, sorted by start and so by end too: an overlap test is a
    bisection, not a scan (dates' mentions, entities' mentions of each type)."""

    __slots__ = ("starts", "ends")

    def __init__(self) -> None:
        self.starts: list[int] = []
        self.ends: list[int] = []

    def place(self, start: int, end: int) -> int:
        """Where the span start:end goes among these (for `insert`), or -1 if it overlaps one."""
        ends = self.ends
        i = bisect.bisect_right(ends, start)  # the first span ending after `start`
        return -1 if i < len(ends) and self.starts[i] < end else i

    def insert(self, i: int, start: int, end: int) -> None:
        """Keep the span start:end at its `place` i."""
        self.starts.insert(i, start)  # every span before i ends by `start`, so starts before it
        self.ends.insert(i, end)

    def overlaps(self, start: int, end: int) -> bool:
        return self.place(start, end) < 0


class Spanned(Protocol):
    start: int
    end: int


def parts_holding(spans: Iterable[tuple[int, int]], parts: Sequence[Spanned]) -> set[int]:
    """The indices of the parts (disjoint and in order, as lines and segment's units are)
    that hold one of these raw spans whole."""
    starts = [p.start for p in parts]
    out: set[int] = set()
    for first, end in spans:
        k = bisect.bisect_right(starts, first) - 1
        if k >= 0 and end <= parts[k].end:
            out.add(k)
    return out
