"""normalise: squeeze and the squeezer of a view, which squeezes its pieces more cheaply."""
import sys

import regex

from pipeline.normalise import squeeze, squeezer


def test_str_split_drops_what_regex_whitespace_drops_but_the_separators():
    """normalise.squeezer (elements, commitments, checks) squeezes with str.split() where a text
    has no \\x1c-\\x1f: that is right only while regex's `\\s` and str.isspace() differ in those four characters."""
    space = regex.compile(r"\s")
    differ = [c for c in map(chr, range(sys.maxunicode + 1)) if bool(space.match(c)) != c.isspace()]
    assert differ == ["\x1c", "\x1d", "\x1e", "\x1f"]


def test_a_squeezer_squeezes_as_squeeze_does():
    """squeezer(view) is squeeze on every piece of the view: with the separators \\x1c-\\x1f in the
    view (str.split() would drop them, `\\s` keeps them) and without."""
    spaces = " \t\u3000\xa0\u2028\x85\r\n"
    for view in (f"关于 {spaces}2024年\x1c考核\x1d 结果\x1e\u3000的\x1f通报 ", f"关于 {spaces}2024年考核 结果\u3000的通报 "):
        squeezed = squeezer(view)
        pieces = [view[i:j] for i in range(len(view)) for j in range(i, len(view) + 1)]
        assert [squeezed(p) for p in pieces] == [squeeze(p) for p in pieces]
    assert squeeze("甲\x1c 乙") == "甲\x1c乙"
