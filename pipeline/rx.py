"""The `regex` module's functions with compiled patterns kept per process.

`regex.search(pattern, text)` looks the pattern up in regex's own cache on every
call, which costs more than the search itself on short lines; stages that match
many patterns against many lines call these instead, with the same arguments.
"""
from __future__ import annotations

import functools

import regex


@functools.lru_cache(maxsize=4096)
def compiled(pattern: str, flags: int = 0) -> regex.Pattern:
    return regex.compile(pattern, flags)


def search(pattern, string, flags=0, *args, **kw):
    return compiled(pattern, flags).search(string, *args, **kw)


def match(pattern, string, flags=0, *args, **kw):
    return compiled(pattern, flags).match(string, *args, **kw)


def fullmatch(pattern, string, flags=0, *args, **kw):
    return compiled(pattern, flags).fullmatch(string, *args, **kw)


def finditer(pattern, string, flags=0, *args, **kw):
    return compiled(pattern, flags).finditer(string, *args, **kw)


def findall(pattern, string, flags=0, *args, **kw):
    return compiled(pattern, flags).findall(string, *args, **kw)


def split(pattern, string, maxsplit=0, flags=0, **kw):
    return compiled(pattern, flags).split(string, maxsplit, **kw)


def sub(pattern, repl, string, count=0, flags=0, **kw):
    return compiled(pattern, flags).sub(repl, string, count, **kw)
