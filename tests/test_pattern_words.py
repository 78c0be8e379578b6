"""pattern_words: what any match of a pattern must hold, the basis of the stages' pre-checks.

A pre-check that is wrong drops a match silently, so the reading is checked for
soundness on every pattern the configs hold, over every line of the real texts
and the samples: whenever a pattern matches a line, the line holds a word of each
factor, and its first and last characters are ones the reading allows.
"""
from __future__ import annotations

import functools

import pytest
import regex

from pipeline import config
from pipeline.pattern_words import (
    first_char,
    last_char,
    required_factors,
    required_words,
)

from .conftest import real_files, sample_files


@pytest.mark.parametrize("pattern,factors", [
    ("^关于.{4,}", (("关于",),)),
    ("(通报|通知)$", (("通报", "通知"),)),
    ("红榜|黑榜", (("红榜", "黑榜"),)),
    ("[一二三]、.{2,}考核", (("一", "二", "三"), ("、",), ("考核",))),
    ("a?b+", (("b",),)),            # an optional character is no requirement
    ("(?:评定为)?优秀", (("优秀",),)),  # nor an optional group
    ("(?i)abc", None),               # inline flags: not read
    ("(?<=市)局", None),              # lookarounds: not read
    (r"\d+分", (("分",),)),
    (r"\d+\.\d+", None),             # nothing literal to require
])
def test_factors_of_patterns(pattern, factors):
    assert required_factors(pattern) == factors


def test_the_most_selective_factor_is_the_required_words():
    assert required_words("第[一二]名为先进") == ("名为先进",)
    assert required_words("[一二三]、.{2,}考核") == ("考核",)


def test_first_and_last_characters():
    assert regex.fullmatch(first_char("^[（(]?[一二三]"), "（")
    assert first_char("^.*通报") is None  # any character may open it
    assert last_char("(通报|通知)$") == "报|知"
    assert last_char("通报") is None       # not anchored at the end


def config_patterns() -> list[str]:
    """Every pattern string of configs/sections.toml and the rankings patterns of tables.toml."""
    found: list[str] = []

    def walk(value):
        if isinstance(value, str):
            found.append(value)
        elif isinstance(value, list):
            for v in value:
                walk(v)
        elif isinstance(value, dict):
            for v in value.values():
                walk(v)
    walk(config.load("sections"))
    walk({k: v for k, v in config.load("tables")["rankings"].items() if isinstance(v, str)})
    out = []
    for p in dict.fromkeys(found):
        try:
            regex.compile(p)
        except regex.error:
            continue  # a plain word list entry that is not a pattern
        out.append(p)
    return out


@functools.lru_cache(maxsize=1)
def corpus_lines() -> list[str]:
    lines = []
    for path in real_files() + real_files("web/corpus") + sample_files():
        text = path.read_text(encoding="utf-8-sig", errors="replace")
        lines.extend(ln for ln in text.split("\n") if ln.strip())
    return lines


def test_the_reading_is_sound_on_every_config_pattern_and_corpus_line():
    patterns = config_patterns()
    assert len(patterns) > 100 and corpus_lines()
    read = 0
    for p in patterns:
        compiled = regex.compile(p)
        factors = required_factors(p)
        opens = first_char(p) if p.startswith("^") else None
        ends = last_char(p)
        read += factors is not None or opens is not None or ends is not None
        for line in corpus_lines():
            m = compiled.search(line)
            if m is None:
                continue
            for factor in factors or ():
                assert any(w in line for w in factor), (p, factor, line)
            if opens is not None and m.group():
                assert regex.match(opens, m.group()), (p, opens, line)
            if ends is not None and m.group() and m.end() == len(line):
                assert regex.fullmatch(ends, m.group()[-1]), (p, ends, line)
    assert read > len(patterns) // 2  # most patterns are read: the pre-checks do something
