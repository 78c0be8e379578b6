"""Segment: cut the whole text into consecutive sections that tile it, and type them.

The text is first cut into units (the paragraphs of the normalised view, split
further where a line carries two things).  Each unit gets local features from
the cues of configs/sections.toml; a pass that knows the genre (notice,
newspaper, standalone speech) then labels the units in reading order, and
consecutive units of one kind become one section.  Every section runs from its
first unit to the start of the next section, so the sections tile the raw text.

The units and their features are made in segment_units, the cues read in section_cues.
"""
from __future__ import annotations

import collections
import functools
import operator

import ahocorasick
import regex

from . import config
from .gazetteer import literal_automaton
from .model import Document, Section
from .normalise import clean, clean_cached
from .registry import register
from .section_cues import cues, header_words, org_ending
from .segment_units import ORG_LIKE, SENTENCE, Unit, is_num, make_units
from .spans import parts_holding

HAN_ONLY = regex.compile(r"^\p{Han}+$")
WORDISH = regex.compile(r"[\p{Han}\w]")
BARE_ATTACHMENT = regex.compile(r"^附(件|表)\d*$")
NUMBERED_HEADING = regex.compile(r"^[一二三四五六七八九十]+[、.]")
NUMBERED_ITEM = regex.compile(r"^\**\d+[.、．]")


# ---------------------------------------------------------------- genre

def detect_genre(units: list[Unit]) -> str:
    """notice, newspaper, speech (a standalone speech: genre `other`) or other."""
    g = cues()["genre"]
    notice, speech_cue = g["notice"], g["speech"]
    top = units[:8]
    # (Cue.test first asks whether the unit holds a word the cue needs: cheap on every unit)
    notice_top = sum(notice.test(u.text[:100], u.words)
                     or "recipients" in u.props or "metadata" in u.props for u in top)
    speech = sum(speech_cue.test(u.text[:100], u.words) for u in units[:6])
    numbered = any("doc_number" in u.props for u in top)
    news = None  # _news_cues(units), counted once and only when asked
    if speech and notice_top <= 1 and not numbered:
        news = _news_cues(units)
        if news <= 1:
            return "speech"
    if notice_top >= 2 or numbered or any("metadata" in u.props for u in top):
        return "notice"
    if news is None:
        news = _news_cues(units)
    if news >= 1:
        return "newspaper"
    if notice_top >= 1 or any("header" in u.table_props for u in units):
        return "notice"  # a results table on its own is an official document too
    return "other"


def _news_cues(units: list[Unit]) -> int:
    """How many units at the head and the tail of a text read like a newspaper page's
    (counted only when the genre is not told before: it reads most units' features)."""
    newspaper = cues()["genre"]["newspaper"]
    edges = units if len(units) <= 80 else units[:40] + units[-40:]
    return sum(1 for u in edges if newspaper.test(u.flat[:100], u.words) or "caption" in u.props or "lead" in u.props)


# ---------------------------------------------------------------- labelling

def label_tables(units: list[Unit]) -> None:
    """Runs of table rows become `table`; titles above them, notes below them."""
    i, n = 0, len(units)
    while i < n:
        u = units[i]
        if "row" not in u.table_props or u.label:
            if _flattened_table_at(units, i):
                j = i
                while j < n and _cell_like(units[j]) and not units[j].label:
                    units[j].label = "table"
                    j += 1
                units[i].new = True
                _label_titles(units, i)
                i = j
                continue
            i += 1
            continue
        # a single row-like line is a table only next to another row or under a header
        j = i
        while j < n and ("row" in units[j].table_props) and not units[j].label:
            j += 1
        if j - i < 2 and "header" not in u.table_props and "rank_item" not in u.table_props:
            i += 1
            continue
        first_header = None
        for k in range(i, j):
            units[k].label = "table"
            if "header" in units[k].table_props and "header" not in units[k - 1].table_props:
                if first_header is None or units[k].text != first_header:
                    units[k].new = True  # a new header row opens a new table
                if first_header is None:
                    first_header = units[k].text
        units[i].new = True
        # a group label such as 农村组: heads the rows that follow it
        if i > 0 and not units[i - 1].label and (
                ("rank_item" in u.table_props and cues()["table"]["rank_item"].search(units[i - 1].flat))
                or ("header" in u.table_props and cues()["table"]["group_label"].search(units[i - 1].text))):
            units[i - 1].label = "table"
            units[i].new = False
            i -= 1
        _label_titles(units, i)
        # notes right under the table
        k = j
        while k < n and not units[k].label and ("note" in units[k].props):
            units[k].label = "table_note"
            k += 1
        i = j


def _cell_like(u: Unit) -> bool:
    return u.n_lines == 1 and len(u.text) <= 12 and not SENTENCE.search(u.text) and "attachment" not in u.props \
        and ("furniture" not in u.props or is_num(u.text))


def _flattened_table_at(units: list[Unit], i: int) -> bool:
    """A table printed one cell per line: a header cell then a run of short cells, many numeric."""
    if units[i].text not in header_words():
        return False
    run = []
    for u in units[i:i + 40]:
        if not _cell_like(u) or u.label:
            break
        run.append(u)
    nums = sum(is_num(u.text) for u in run)
    return len(run) >= 8 and nums >= len(run) * 0.3


def _label_titles(units: list[Unit], i: int) -> None:
    max_len = cues()["table"]["max_title_len"]
    k = i - 1
    taken = 0
    while k >= 0 and taken < 4:
        t = units[k]
        if t.label and t.label != "table_title":
            break
        if t.label == "table_title":
            k -= 1
            continue
        bare_attachment = BARE_ATTACHMENT.match(t.text)
        if "org" in t.props and not NUMBERED_HEADING.match(t.text):
            break  # a unit's name, not a caption
        if len(t.text) > max_len or SENTENCE.search(t.text) or (t.props & {"date", "recipients", "furniture",
                                                                            "caption", "attachment", "colophon"}
                                                                 and not bare_attachment):
            break
        if t.text.endswith(("：", ":")) and "verdict_heading" not in t.props and not NUMBERED_HEADING.match(t.text):
            break
        t.label = "table_title"
        t.new = True
        taken += 1
        k -= 1


_SIGNING = frozenset({"date", "colophon", "right_aligned"})


def label_signature(units: list[Unit]) -> None:
    for i, u in enumerate(units):
        if u.label:
            continue
        if not u.props.isdisjoint(_SIGNING):
            u.label = "signature"
            k = i - 1
            while k >= 0 and not units[k].label and "name" in units[k].props and k >= i - 3 \
                    and "title" not in units[k].props:
                units[k].label = "signature"
                k -= 1
            if k == i - 1 and "date" in u.props:  # 成文日期 printed before the issuing bodies
                k = i + 1
                while k < len(units) and k <= i + 2 and not units[k].label and _issuer_like(units[k]):
                    units[k].label = "signature"
                    k += 1
    # consecutive signature units form one section; mark the first
    for i, u in enumerate(units):
        if u.label == "signature" and (i == 0 or units[i - 1].label != "signature"):
            u.new = True


def _issuer_like(u: Unit) -> bool:
    """One or several issuing bodies on a line (joint documents separate them with spaces)."""
    names = u.flat.split()
    return len(u.text) <= 80 and not SENTENCE.search(u.text) and bool(names) and all(
        ORG_LIKE.match(x) and org_ending().search(x) for x in names)


def label_name_lists(units: list[Unit]) -> None:
    """Runs of unit names (or a verdict heading and the names under it); a short
    heading just above them is their title."""
    min_lines = cues()["name_list"]["min_lines"]
    i, n = 0, len(units)
    while i < n:
        # (a rank item is no inline list, whether or not label_tables has run)
        if not units[i].label and "inline_list" in units[i].props and "rank_item" not in units[i].table_props:
            units[i].label, units[i].new = "name_list", True
            i += 1
            continue
        heading = not units[i].label and "verdict_heading" in units[i].props
        j = i + 1 if heading else i
        k = j
        while k < n and not units[k].label and "org" in units[k].props and "title" not in units[k].props \
                and "speech_heading" not in units[k].props:
            k += 1
        if (heading and k > j) or k - j >= min_lines:
            for u in units[i:k]:
                u.label = "name_list"
            units[i].new = True
            _label_titles(units, i)
            i = k
        else:
            i += 1


def label_furniture(units: list[Unit], doc: Document) -> None:
    for u in units:
        if u.label:
            continue
        props = u.props
        if "furniture" in props or "debris" in props:
            u.label = "other"
            u.new = True
            if "debris" in props:
                doc.flag("ocr_noise", f"OCR debris: {u.flat[:30]}", u.start, u.end)
        elif "masthead" in props:
            u.label = "masthead"
        elif "caption" in props:
            u.label, u.new = "caption", True
        elif "byline" in props:
            u.label, u.new = "byline", True


def label_notice(units: list[Unit]) -> None:
    # the head: everything before the first paragraph of running text
    for u in units:
        if u.label in ("other", "masthead"):
            continue
        if u.label:
            break
        head_like = u.props & {"title", "doc_number", "recipients", "metadata"} or \
            (len(u.text) <= 60 and not SENTENCE.search(u.text) and "date" not in u.props)
        if not head_like:
            break
        u.label = "notice_header"
        if "recipients" in u.props:
            break
    label_attachments(units)
    label_pledges(units)
    for u in units:
        if not u.label:
            u.label = "notice_body"


def label_attachments(units: list[Unit]) -> None:
    i, n = 0, len(units)
    while i < n:
        u = units[i]
        if u.label or "attachment" not in u.props:
            i += 1
            continue
        u.label, u.new = "attachment_list", True
        k = i + 1
        while k < n and not units[k].label and NUMBERED_ITEM.match(units[k].text) and len(units[k].text) <= 80:
            units[k].label = "attachment_list"
            k += 1
        i = k


def label_pledges(units: list[Unit]) -> None:
    """After a heading such as `…推进会上的表态发言(摘要)`, speakers on lines of their own."""
    c = cues()["speech"]
    active = False
    speaker = None
    for u in units:
        if u.label and u.label not in ("notice_body",):
            if active and u.label in ("table", "table_title", "signature"):
                active = False
            continue
        if "speech_heading" in u.props and not SENTENCE.search(u.text):
            active, speaker = True, None
            u.label, u.new = "pledge_speech", True
            continue
        if not active:
            continue
        m = c["lead"].search(u.text)
        if "org" in u.props and len(u.text) <= 20 or m:
            speaker = m.group("speaker") if m else u.text
            u.new = True
        u.label, u.speaker = "pledge_speech", speaker


def label_speech(units: list[Unit], doc: Document) -> None:
    c = cues()["speech"]
    title = next((u for u in units if not u.label), None)
    if title is not None and c["directive_title"].search(title.text) and not c["heading"].search(
            functools.reduce(lambda text, word: text.replace(word, ""), c["leader_speech_words"], title.text)):
        for u in units:  # a leader's speech: directives to others, no pledge speech
            if not u.label:
                u.label = "other"
        return
    speaker = speech_speaker(doc, units)
    first = True
    for u in units:
        if u.label:
            first = True
            continue
        u.label, u.speaker, u.new = "pledge_speech", speaker, first
        first = False


def speech_speaker(doc: Document, units: list[Unit]) -> str | None:
    """The unit a standalone speech speaks for: named in its title when the title
    names a unit (`和平镇在…会议上的表态发言`), else the unit it calls 我们."""
    c = cues()["speech"]
    for u in units[:5]:
        if u.label:
            continue
        m = c["title_speaker"].search(u.text) or c["speaker_line"].search(u.text)
        if m and org_ending().search(m.group("speaker")):
            return m.group("speaker")
    named = collections.Counter(m.group("speaker") for m in c["self_reference"].finditer(doc.work["view"]))
    return named.most_common(1)[0][0] if named else None


def mark_teasers(units: list[Unit]) -> None:
    """Lines under a 相关阅读 label are teasers for other articles."""
    labels = cues()["newspaper"]["teaser_labels"]
    active = False
    for u in units:
        if labels.test(u.text, u.words):
            active = True
        elif active and not u.label and len(u.text) <= 60 and u.n_lines == 1:
            u.add_prop("teaser")
        elif active and u.label not in ("other",):
            active = False


def label_newspaper(units: list[Unit]) -> None:
    label_attachments(units)
    mark_teasers(units)
    credits = cues()["byline"]["patterns"]
    seen_text = False
    for u in units:
        if u.label == "masthead" and seen_text and credits.search(u.flat):
            u.label, u.new = "byline", True  # an editor credited under an article
        seen_text = seen_text or (u.label is None and len(u.text) > 60)
    max_len = cues()["newspaper"]["max_headline_len"]
    article, heading = 0, None
    n = len(units)
    i = 0
    while i < n:
        u = units[i]
        if u.label:
            u.article = article if u.label in ("table", "table_title", "table_note", "attachment_list") else u.article
            i += 1
            continue
        if u.label is None and "teaser" in u.props:
            article += 1
            u.label, u.article, u.heading, u.new = "unrelated_news", article, u.flat, True
            i += 1
            continue
        nxt = next((v for v in units[i + 1:] if v.label not in ("other", "masthead", "caption")), None)
        if _headline(u, max_len) and nxt is not None and not nxt.label:
            block = [u]
            column = bool(cues()["newspaper"]["column_labels"].search(u.text))
            if column or _headline(nxt, max_len) and units.index(nxt) + 1 < n and u.text.count("、") <= 1:
                after = next((v for v in units[units.index(nxt) + 1:]
                              if v.label not in ("other", "caption", "byline")), None)
                if column or after is not None and (not _headline(after, max_len) or "lead" in after.props
                                                    or _author_line(after)):
                    block.append(nxt)
                elif after is not None and _headline(after, max_len) and not after.label:
                    # kicker, main title and subtitle
                    rest = next((v for v in units[units.index(after) + 1:]
                                 if v.label not in ("other", "caption", "byline")), None)
                    if rest is not None and (not _headline(rest, max_len) or "lead" in rest.props):
                        block += [nxt, after]
            article += 1
            heading = max(block, key=lambda b: len(b.text)).flat  # the main title is the longest line
            for b in block:
                b.label, b.article, b.heading = "news", article, heading
            u.new = True
            i = units.index(block[-1]) + 1
            if i < n and not units[i].label and _author_line(units[i]):
                units[i].label, units[i].new = "byline", True  # the author's name under a headline
                i += 1
            continue
        u.label, u.article, u.heading, u.new = "news", article, heading, True
        i += 1


def _author_line(u: Unit) -> bool:
    """A bare personal name printed under a headline (a column's author)."""
    return u.n_lines == 1 and 2 <= len(u.text) <= 4 and bool(HAN_ONLY.match(u.text)) and not u.props & {"org", "title"}


def _headline(u: Unit, max_len: int) -> bool:
    return (len(u.text) <= max_len and not u.text.endswith(("。", "，", ",", "；", "：", ":"))
            and "。" not in u.text[:-1] and not u.props & {"caption", "date", "lead", "row", "attachment"}
            and u.n_lines <= 2)


@functools.lru_cache(maxsize=1)
def topic_terms() -> tuple[dict, float, float]:
    t = config.load("topics")
    return t["terms"], float(t["threshold"]), float(t["min_total"])


def topic_score(text: str) -> float:
    """sum(w * text.count(t)) over the topic terms, counted in one pass of an automaton:
    a term that cannot overlap itself occurs as often among its matches as str.count says."""
    terms, _, _ = topic_terms()
    automaton, overlapping = _topic_automaton()
    found = collections.Counter(map(operator.itemgetter(1), automaton.iter(text)))
    return sum(w * (text.count(t) if t in overlapping else found[t]) for t, w in terms.items())


@functools.lru_cache(maxsize=1)
def _topic_automaton() -> tuple[ahocorasick.Automaton, frozenset[str]]:
    """An automaton of the topic terms, and the terms that can overlap themselves (ABA)."""
    terms, _, _ = topic_terms()
    overlapping = frozenset(t for t in terms if any(t[:k] == t[-k:] for k in range(1, len(t))))
    return literal_automaton(terms, values=terms), overlapping


def assign_relatedness(units: list[Unit]) -> None:
    terms, threshold, min_total = topic_terms()
    texts: dict[int | None, str] = collections.defaultdict(str)
    for u in units:
        if u.label == "news" or u.article is not None:
            texts[u.article] += u.text
    related = {}
    for art, text in texts.items():
        score = topic_score(text)
        related[art] = score >= min_total or (text and score * 100 / len(text) >= threshold)
    # a headline printed with no body before the next headline reads with the article after it
    bodies = collections.Counter(u.article for u in units if u.label == "news" and u.heading and u.flat != u.heading)
    for art in sorted(a for a in related if a):  # (article 0 and None: nothing to do)
        if not bodies[art] and art + 1 in related:
            related[art] = related[art] or related[art + 1]
    for u in units:
        if u.label == "news":
            u.label = "news" if related.get(u.article, True) else "unrelated_news"


# ---------------------------------------------------------------- flags

def flag_duplicates(units: list[Unit], doc: Document) -> None:
    min_chars = cues()["duplicates"]["min_chars"]
    seen: dict[str, Unit] = {}
    for u in units:
        if len(u.text) < min_chars:
            continue
        if u.text in seen:
            doc.flag("duplicate_paragraph", f"paragraph printed twice (first at {seen[u.text].start})", u.start, u.end)
        else:
            seen[u.text] = u


def flag_noise(units: list[Unit], doc: Document) -> None:
    spam = cues()["noise"]["spam"]
    view = doc.work["view"]
    spans = spam.word_spans(view)
    # the units holding a word of the spam patterns (units are disjoint and in order, as lines are)
    spammed = None if spans is None else parts_holding(spans, units)
    for i, u in enumerate(units):
        if spammed is None or i in spammed:
            for m in spam.finditer(view, u.start, u.end):
                doc.flag("ocr_noise", f"spam spliced into the text: {m.group()}", m.start(), m.end())
        if u.label == "table" and u.n_lines == 1 and u.text and not _has_word_char(u.text) \
                and u.text.strip("|｜") != "":
            doc.flag("ocr_noise", f"damaged table cell: {u.flat}", u.start, u.end)


def _has_word_char(s: str) -> bool:
    """WORDISH.search(s), told at once when s opens with a digit, an ASCII letter or
    a common Chinese character (U+4E00..U+9FA5: all Han)."""
    ch = s[:1]
    return ch.isdecimal() or ch.isascii() and ch.isalnum() or "\u4e00" <= ch <= "\u9fa5" \
        or WORDISH.search(s) is not None


# ---------------------------------------------------------------- sections

def build_sections(doc: Document, units: list[Unit]) -> list[Section]:
    # a section opens at a unit marked new, or of another label or speaker than the one before
    firsts = [i for i, u in enumerate(units)
              if i == 0 or u.new or u.label != units[i - 1].label or u.speaker != units[i - 1].speaker]
    raw = doc.raw
    sections: list[Section] = []
    for n, i in enumerate(firsts):
        first = units[i]
        if n + 1 < len(firsts):
            last, end = units[firsts[n + 1] - 1], units[firsts[n + 1]].start
        else:
            last, end = units[-1], len(raw)
        label = first.label
        assert label is not None  # (every unit is labelled before sections are built)
        sections.append(Section(
            id=f"s{n + 1}", type=label, start=0 if n == 0 else first.start, end=end,
            heading=first.heading, speaker=first.speaker,
            related=(True if label == "news" else False if label == "unrelated_news" else None),
            text=_clean(raw[first.start:last.end])))
    if not sections and raw:
        sections.append(Section("s1", "other", 0, len(raw), text=clean(raw)))
    return sections


def _clean(text: str) -> str:
    """clean(text); short sections (titles, names, furniture) repeat across texts."""
    return clean_cached(text) if len(text) <= 200 else clean(text)


@register("segment")
def make_segment():
    def segment(doc: Document) -> Document:
        units = make_units(doc)  # with their local features
        kind = detect_genre(units)
        doc.genre = "other" if kind == "speech" else kind
        if kind != "speech":
            label_tables(units)
        label_furniture(units, doc)
        if kind == "speech":
            label_speech(units, doc)
        else:  # texts of no known kind are read like news: articles related to the topic or not
            label_signature(units)
            label_name_lists(units)
            if doc.genre == "notice":
                label_notice(units)
            else:
                label_newspaper(units)
                assign_relatedness(units)
        flag_duplicates(units, doc)
        flag_noise(units, doc)
        doc.work["units"] = units
        doc.sections = build_sections(doc, units)
        return doc
    return segment
